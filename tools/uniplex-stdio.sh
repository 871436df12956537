# shellcheck shell=bash
# tools/uniplex-stdio.sh: the stdio channel of `tools/uniplex run`, sourced
# by tools/uniplex (bash). With it, the program's fds 0 and 1 are the
# virtio-console ports uniplex.stdin and uniplex.stdout (the kernel option
# stdio=vport) instead of the serial console, and their host sides are unix
# sockets that QEMU listens on (tools/qemu.sh --vport) or connects to
# (--vport-connect, for --pipe-from):
#
#   host stdin  --socat-->  $tmp/in.sock   (uniplex.stdin)
#   host stdout <--socat--  $tmp/out.sock  (uniplex.stdout)
#   --pipe-to NAME:   uniplex.stdout listens on $UNIPLEX_PIPES/NAME.sock
#   --pipe-from NAME: $UNIPLEX_PIPES/NAME.sock --socat-->  $tmp/in.sock
#
# The --pipe-from side relays through socat rather than having its QEMU
# connect to the --pipe-to socket itself: when the writing VM exits, its
# QEMU closes the socket altogether, and a reading QEMU that sees the hang-up
# drops whatever its guest has not read yet. The relay turns that close
# into a half-close of in.sock, which the reading QEMU delivers only after
# the data before it, exactly like the end of the host's stdin.
#
# QEMU waits for the connection to a listening port before it starts the
# guest (wait=on), so the guest never sees a port whose host side opens
# late (that would read as end of file, or EPIPE for a writer). The socat
# connectors copy bytes unchanged; `socat -u` shuts the socket down at end
# of file, which the guest reads as end of file, and exits when a write
# fails (the host's reader is gone), which closes the socket: the guest
# writer gets EPIPE and SIGPIPE.
#
# Uses from tools/uniplex: $tmp, die. Sets $stdio_q (arguments for
# tools/qemu.sh) and the pids of the connectors.

# The directory of the --pipe-to/--pipe-from sockets.
stdio_pipes=${UNIPLEX_PIPES:-${TMPDIR:-/tmp}/uniplex-pipes}
# How long a connector or --pipe-from waits for its socket (seconds).
stdio_wait_max=${UNIPLEX_STDIO_WAIT:-60}

stdio_q=() stdio_in_pid="" stdio_out_pid="" stdio_eof_pid="" stdio_to_sock="" stdio_from_sock=""

# stdio_listening SOCKET: true when a process listens on the unix socket
# SOCKET (in /proc/net/unix, flag __SO_ACCEPTCON); a stale file left by a
# process that died is not.
stdio_listening() {
    [ -S "$1" ] && awk -v p="$1" '$8 == p && $4 == "00010000" { f = 1 } END { exit !f }' \
        /proc/net/unix
}

# stdio_await SOCKET: wait, at most $stdio_wait_max seconds, until SOCKET
# listens.
stdio_await() {
    local n=$((stdio_wait_max * 20))
    until stdio_listening "$1"; do
        n=$((n - 1))
        [ $n -gt 0 ] || return 1
        sleep 0.05
    done
}

# stdio_pipe_path NAME: the socket of --pipe-to/--pipe-from NAME.
stdio_pipe_path() {
    [[ $1 =~ ^[A-Za-z0-9._-]+$ ]] || die "pipe name '$1': letters, digits, . _ - only"
    mkdir -p -m 700 "$stdio_pipes" || die "cannot create $stdio_pipes"
    echo "$stdio_pipes/$1.sock"
}

# stdio_setup IN OUT PIPE_TO PIPE_FROM: the ports for tools/qemu.sh in
# $stdio_q. IN and OUT are the host files (default: this stdin and stdout)
# opened as fds 3 and 4 for the connectors.
stdio_setup() {
    local in=$1 out=$2 to=$3 from=$4
    [ ${#tmp} -lt 90 ] || die "temporary directory path too long for a unix socket: $tmp"
    if [ -n "$from" ]; then
        stdio_from_sock=$(stdio_pipe_path "$from") || exit 126
    fi
    stdio_q+=(--vport "uniplex.stdin=$tmp/in.sock")
    if [ -n "$to" ]; then
        stdio_to_sock=$(stdio_pipe_path "$to") || exit 126
        rm -f "$stdio_to_sock"
        stdio_q+=(--vport "uniplex.stdout=$stdio_to_sock")
    else
        stdio_q+=(--vport "uniplex.stdout=$tmp/out.sock")
    fi
    stdio_q+=(--qmp "$tmp/qmp.sock" --paused) # tools/uniplex-eof.py lets it run
    if [ -n "$in" ]; then exec 3< "$in" || die "cannot read $in"; else exec 3<&0; fi
    if [ -n "$out" ]; then exec 4> "$out" || die "cannot write $out"; else exec 4>&1; fi
    exec > /dev/null # fd 4 is the output now: only its connector may hold it
}

# socat one way; its messages (a write failing with EPIPE, the normal end
# of a pipeline whose reader stopped early) only with -v.
stdio_socat=(-u)
# The input's socat, at end of file, shuts down only its sending side and
# waits (-t, "forever") until QEMU closes the socket, which QEMU does once
# the guest has read everything and then the end of file: QEMU drops the
# unread bytes of a socket whose peer is gone altogether (HUP), and the
# guest may not read them until long after the host's input ended. So it
# is two-way (its stdout /dev/null; the guest never writes to this port),
# which `socat -u`, exiting at once at end of file, is not.
stdio_socat_in=(-t 1000000)
stdio_quiet() {
    stdio_socat=(-u -lf /dev/null)
    stdio_socat_in+=(-lf /dev/null)
}

# stdio_connect_in / stdio_connect_out: start the socat connectors (in the
# background; each waits for its socket first). Neither keeps the other
# direction's host file open, so end of file and EPIPE are not delayed.
# QEMU waits for them: one that finds no socket stops uniplex (SIGTERM),
# whose exit stops QEMU. For --pipe-from, the input's source is the
# --pipe-to socket instead of the host's stdin; the relay is two-way like
# the stdin one, so when the reading VM goes, its close reaches the
# writing VM (whose next write fails: EPIPE, SIGPIPE).
stdio_connect_in() {
    local src=STDIO
    [ -z "$stdio_from_sock" ] || src=UNIX-CONNECT:$stdio_from_sock
    {
        stdio_await "$tmp/in.sock" || stdio_give_up in.sock
        exec socat "${stdio_socat_in[@]}" "$src" "UNIX-CONNECT:$tmp/in.sock"
    } <&3 > /dev/null 3<&- 4>&- &
    stdio_in_pid=$!
}
stdio_connect_out() {
    [ -z "$stdio_to_sock" ] || return 0
    {
        stdio_await "$tmp/out.sock" || stdio_give_up out.sock
        exec socat "${stdio_socat[@]}" "UNIX-CONNECT:$tmp/out.sock" STDOUT
    } < /dev/null >&4 3<&- 4>&- &
    stdio_out_pid=$!
}
# stdio_watch_close: the program's closing of its stdout (all of its
# descriptors of the port) becomes end of file for the host's reader at
# once, not at the machine's exit (tools/uniplex-eof.py, over QMP).
stdio_watch_close() {
    "$repo/tools/uniplex-eof.py" "$tmp/qmp.sock" uniplex.stdout < /dev/null > /dev/null 3<&- 4>&- &
    stdio_eof_pid=$!
}

stdio_give_up() {
    echo "uniplex: QEMU did not listen on $1 within ${stdio_wait_max}s" >&2
    kill -TERM $$
    exit 1
}

# stdio_await_pipe_from: --pipe-from waits for the --pipe-to side to listen
# (the two may be started in either order).
stdio_await_pipe_from() {
    [ -z "$stdio_from_sock" ] || stdio_await "$stdio_from_sock" ||
        die "nothing listens on $stdio_from_sock (start the --pipe-to side)"
}

# stdio_reap PID SECONDS: wait at most SECONDS for PID, then kill it.
stdio_reap() {
    local pid=$1 n=$(($2 * 20))
    [ -n "$pid" ] || return 0
    while kill -0 "$pid" 2> /dev/null && [ $n -gt 0 ]; do
        sleep 0.05
        n=$((n - 1))
    done
    kill "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    return 0
}

# stdio_cleanup: once QEMU has exited, the output connector gets what the
# guest wrote last (it ends at QEMU's close); the input connector may still
# wait on the host's stdin: it is stopped. The --pipe-to socket goes.
stdio_cleanup() {
    stdio_reap "$stdio_out_pid" 10
    stdio_reap "$stdio_in_pid" 0
    stdio_reap "$stdio_eof_pid" 1
    [ -z "$stdio_to_sock" ] || rm -f "$stdio_to_sock"
}

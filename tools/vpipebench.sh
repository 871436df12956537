#!/bin/bash
# tools/vpipebench.sh [MIB]: the speed of the stdio channel between
# unikernels (issue 19), beside a pipe between two host processes.
#
#   throughput: MIB MiB (default 256) of zeros from dd through one and
#   through three VMs running busybox cat (`dd | uniplex run cat > /dev/null`),
#   in MB/s (10^6 bytes/s). "raw" counts the whole command, boot included;
#   "net" subtracts the time of the same command with no data (boot, image,
#   exit), which is what the bytes themselves cost.
#   between two VMs: MIB MiB made inside one VM (dd of zeros, 64 KiB
#   blocks) and counted inside another (wc -c), through the stdio channel
#   (`uniplex run sh -c dd | uniplex run wc -c`) and, beside it, over TCP
#   between the two on one virtual Ethernet (QEMU's socket netdev on
#   127.0.0.1, busybox nc): the same bytes, the same guests, the network
#   issue's path instead of virtio-console.
#   latency: a 1-byte ping-pong (tools/vpipeping.c) through a fifo: ping in
#   one VM, busybox cat echoing in another (ping | cat > fifo < fifo), beside
#   the same between two host processes.
#
# Environment: ACCEL (kvm|tcg, default: tools/qemu.sh's choice),
# PINGS (round trips, default 1000), UNIPLEX_KERNEL (as for tools/uniplex).
set -u
cd "$(dirname "$0")/.." || exit 1
MIB=${1:-256}
PINGS=${PINGS:-1000}
BUILD=${BUILD:-build}
OUT=$BUILD/vpipebench
BB=/bin/busybox
mkdir -p "$OUT" || exit 1
make -s all > /dev/null || exit 1 # before VMs that would each bring it up to date
vm() {
    tools/uniplex run --timeout 600 ${ACCEL:+--accel "$ACCEL"} "$@"
}

# seconds CMD...: the wall time of CMD, in seconds (3 decimals).
seconds() {
    local t0 t1
    t0=$(date +%s%N)
    "$@"
    t1=$(date +%s%N)
    echo "$t0 $t1" | awk '{ printf "%.3f", ($2 - $1) / 1e9 }'
}
feed() { # MIB: MIB MiB of zeros on stdout
    dd if=/dev/zero bs=1M count="$1" status=none
}
host_pipe() { feed "$1" | cat > /dev/null; }
one_vm() { feed "$1" | vm $BB cat > /dev/null; }
three_vms() { feed "$1" | vm $BB cat | vm $BB cat | vm $BB cat > /dev/null; }
gen() { # MIB: the guest command that makes MIB MiB of zeros
    echo "$BB dd if=/dev/zero bs=64k count=$(($1 * 16)) 2> /dev/null"
}
vm_to_vm() { vm $BB sh -c "$(gen "$1")" < /dev/null | vm $BB wc -c > /dev/null; }
# The server VM listens first (QEMU's socket-listen waits for the client's
# QEMU); both use the console, not the stdio channel.
tcp_vms() {
    local port=$((24300 + RANDOM % 500))
    vm --stdio console --net "socket-listen=$port" --ip 10.0.3.1/24 \
        $BB sh -c "$BB nc -l -p 5000 | $BB wc -c" < /dev/null > /dev/null 2>&1 &
    sleep 1
    vm --stdio console --net "socket-connect=$port" --ip 10.0.3.2/24 \
        $BB sh -c "$(gen "$1") | $BB nc 10.0.3.1 5000" < /dev/null > /dev/null 2>&1
    wait
}

# throughput NAME FUNC: one line, raw and net MB/s.
throughput() {
    local empty full
    empty=$(seconds "$2" 0)
    full=$(seconds "$2" "$MIB")
    awk -v n="$1" -v e="$empty" -v f="$full" -v m="$MIB" 'BEGIN {
        b = m * 1048576 / 1e6
        net = f > e ? sprintf("%.1f", b / (f - e)) : "-"
        printf "  %-22s %8.1f MB/s raw (%.2f s)  %8s MB/s net (empty run %.2f s)\n", n, b / f, f, net, e
    }'
}

# ping_pong NAME PING ECHO...: PING's stdin from a fifo, ECHO writing to it.
ping_pong() {
    local name=$1 ping=$2 fifo=$OUT/fifo
    shift 2
    rm -f "$fifo" && mkfifo "$fifo" || return
    if [ "$ping" = vm ]; then
        vm --log "$OUT/ping.log" tools/vpipeping.c "$PINGS" < "$fifo" 2> /dev/null | "$@" > "$fifo"
        tr -d '\r' < "$OUT/ping.log" | grep '^vpipeping:' > "$OUT/ping.txt"
    else
        musl-gcc -static -O2 tools/vpipeping.c -o "$OUT/vpipeping" || return
        "$OUT/vpipeping" "$PINGS" < "$fifo" 2> "$OUT/ping.txt" | "$@" > "$fifo"
    fi
    printf "  %-22s %s\n" "$name" "$(sed 's/^vpipeping: //' "$OUT/ping.txt")"
    rm -f "$fifo"
}

echo "throughput, $MIB MiB (accelerator: ${ACCEL:-default})"
throughput "host pipe (dd | cat)" host_pipe
throughput "one VM" one_vm
throughput "three VMs" three_vms
throughput "VM to VM, stdio" vm_to_vm
throughput "VM to VM, TCP" tcp_vms
echo "1-byte ping-pong, $PINGS round trips"
ping_pong "two host processes" host cat
ping_pong "two VMs" vm vm $BB cat

#!/bin/bash
# tests/vpipe/pipeline.sh [--fake]: pipes between unikernels (issue 19).
# Runs `tools/uniplex run` with non-terminal stdin/stdout (the stdio channel:
# virtio-console ports, kernel option stdio=vport) in shell pipelines and
# checks that bytes pass unchanged, that end of file goes left to right and
# EPIPE/SIGPIPE right to left with the exit statuses a Linux shell gives,
# and --stdio-file, --pipe-to/--pipe-from. Prints `ok NAME` or
# `FAIL NAME: why` per case and "vpipe: N passed, M failed"; exit status 0
# when all passed. Each case is bounded (its process group is killed).
#
# --fake runs QEMU's stand-in tests/vpipe/fakeqemu.py instead, which runs
# the image's init program on the host: it checks the host side (uniplex,
# qemu.sh's arguments, socat) without the guest's driver.
#
# Environment: ACCEL (kvm|tcg, default: tools/qemu.sh's choice), BUILD
# (default build), VPIPE_MIB (size of the big transfer, default 64),
# UNIPLEX_KERNEL (as for tools/uniplex).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
OUT=$BUILD/tests/vpipe
MIB=${VPIPE_MIB:-64}
export ACCEL=${ACCEL:-} VM_TMO=120
mkdir -p "$OUT" || exit 1
if [ "${1:-}" = --fake ]; then
    mkdir -p "$OUT/fakebin"
    ln -sf "$PWD/tests/vpipe/fakeqemu.py" "$OUT/fakebin/qemu-system-x86_64"
    export PATH=$PWD/$OUT/fakebin:$PATH
fi
# Each case's pipes have their own names (--pipe-to), under this run's own
# directory.
export UNIPLEX_PIPES=$PWD/$OUT/pipes.$$
BB=/bin/busybox

passed=0 failed=0
ok() {
    echo "ok $1"
    passed=$((passed + 1))
}
bad() {
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}

# vm ARGS...: one VM (exported for the cases' bash -c).
vm() {
    tools/uniplex run --timeout "$VM_TMO" ${ACCEL:+--accel "$ACCEL"} "$@"
}
export -f vm

# bounded SECONDS SCRIPT: run bash -c SCRIPT in its own process group; after
# SECONDS, kill the group: status 124.
bounded() {
    local n=$(($1 * 10)) pid
    setsid bash -c "$2" &
    pid=$!
    while kill -0 "$pid" 2> /dev/null; do
        if [ $n -le 0 ]; then
            kill -TERM -- "-$pid" 2> /dev/null
            sleep 2
            kill -KILL -- "-$pid" 2> /dev/null
            wait "$pid"
            return 124
        fi
        sleep 0.1
        n=$((n - 1))
    done
    wait "$pid"
}

# expect NAME SECONDS SCRIPT EXPECTED: SCRIPT's output (in $OUT/NAME.out,
# its stderr in $OUT/NAME.err) must be EXPECTED, within SECONDS.
expect() {
    local name=$1 got st t0 t1
    t0=$(date +%s%N)
    bounded "$2" "$3" > "$OUT/$name.out" 2> "$OUT/$name.err"
    st=$? t1=$(date +%s%N)
    got=$(cat "$OUT/$name.out")
    if [ $st = 124 ]; then
        bad "$name" "not done within $2 s (see $OUT/$name.err)"
    elif [ "$got" != "$4" ]; then
        bad "$name" "expected '$4', got '$got' (see $OUT/$name.err)"
    else
        ok "$name ($(((t1 - t0) / 1000000)) ms)"
    fi
}

big_transfer() {
    local in=$OUT/random.bin want
    head -c "${MIB}M" /dev/urandom > "$in"
    want=$(sha256sum < "$in")
    expect "cat-${MIB}mib-three-vms" 600 \
        "vm $BB cat < $in | vm $BB cat | vm $BB cat | sha256sum" "$want"
    rm -f "$in"
}

# The host's reader lags (4 KiB every few milliseconds): the writer VM
# exits while its last output is still in the device, and none of it may
# be lost (the kernel waits at power-off until the device has handed
# everything to the host).
slow_reader() {
    local in=$OUT/slow.bin want
    head -c 2M /dev/urandom > "$in"
    want=$(sha256sum < "$in")
    expect slow-reader 120 "vm $BB cat < $in | python3 -c '
import os, time
while b := os.read(0, 4096):
    os.write(1, b)
    time.sleep(0.003)
' | sha256sum" "$want"
    rm -f "$in"
}

# yes runs under a shell: init (pid 1), as on Linux, is not killed by a
# signal it does not handle, so yes as init would get EPIPE, not SIGPIPE,
# and exit 1.
yes_head() {
    local linux yes="$BB sh -c '$BB yes; exit \$?'"
    linux=$(bash -c "$BB yes | $BB head -1; echo \"\${PIPESTATUS[*]}\"")
    expect yes-head-two-vms 30 \
        "vm $yes < /dev/null | vm $BB head -1; echo \"\${PIPESTATUS[*]}\"" "$linux"
    # The host's reader goes away: the writer VM gets SIGPIPE.
    expect yes-host-head 30 \
        "vm $yes < /dev/null | $BB head -c 4; echo \" \${PIPESTATUS[*]}\"" "$(printf 'y\ny\n 141 0')"
}

eof_cases() {
    expect empty-input 60 "printf '' | vm $BB cat | od -c; echo \"\${PIPESTATUS[*]}\"" \
        "$(printf '0000000\n0 0 0')"
    expect stdin-dev-null 60 "vm $BB wc -c < /dev/null; echo \$?" "$(printf '0\n0')"
    expect eof-left-to-right 90 \
        "printf 'abc' | vm $BB cat | vm $BB wc -c; echo \"\${PIPESTATUS[*]}\"" "$(printf '3\n0 0 0')"
    expect binary-clean 60 \
        "printf 'a\\r\\n\\0\\377\\n\\003\\004' | vm $BB cat | od -An -tx1" \
        "$(printf 'a\r\n\0\377\n\003\004' | od -An -tx1)"
}

statuses() {
    expect exit-statuses 90 \
        "vm $BB sh -c 'echo a; exit 3' < /dev/null | vm $BB sh -c 'cat; exit 5'; echo \"\${PIPESTATUS[*]}\"" \
        "$(printf 'a\n3 5')"
    expect printf-wc 90 "vm $BB printf 'hello\\0world' < /dev/null | vm $BB wc -c" 11
}

pipedemo() {
    local want
    want=$(printf '%s\n' 'parent: read 30 bytes: "the first message, of 30 bytes"' \
        'parent: read 30 bytes: "the second one: also 30 bytes."' \
        'parent: read 20 bytes: "a third of 20 bytes."' 'parent: 80 bytes in all' '0 0')
    expect pipedemo-two-vms 90 \
        "vm tests/vpipe/pipewriter.c < /dev/null | vm tests/vpipe/pipereader.c; echo \"\${PIPESTATUS[*]}\"" \
        "$want"
}

stdio_file() {
    printf 'one\0two\n' > "$OUT/file.in"
    rm -f "$OUT/file.out"
    expect stdio-file 60 \
        "vm --stdio-file $OUT/file.in:$OUT/file.out $BB cat < /dev/null | od -c; echo \$?; cmp $OUT/file.in $OUT/file.out && echo same" \
        "$(printf '0000000\n0\nsame')"
}

# The --pipe-from side first (it waits for the --pipe-to side), then the
# other order.
pipe_to_from() {
    expect pipe-from-first 90 \
        "vm --pipe-from p1 $BB wc -c > $OUT/p1.got & sleep 1; vm --pipe-to p1 $BB printf 12345 < /dev/null; echo \"to \$?\"; wait \$!; echo \"from \$? \$(cat $OUT/p1.got)\"" \
        "$(printf 'to 0\nfrom 0 5')"
    expect pipe-to-first 90 \
        "vm --pipe-to p2 $BB seq 1000 < /dev/null > /dev/null & sleep 1; vm --pipe-from p2 $BB tail -1; echo \"from \$?\"; wait \$!; echo \"to \$?\"" \
        "$(printf '1000\nfrom 0\nto 0')"
}

# The program closes its stdout and goes on: the host's reader gets end
# of file then, not when the machine ends (the VM's shell is the only
# holder of the pipe's write end: its group closes fd 3 after starting it).
close_early() {
    rm -f "$OUT/vmdone"
    expect stdout-closed-early 60 \
        "{ vm $BB sh -c '$BB echo hi; exec >&-; $BB sleep 4; exit 3' < /dev/null >&3 & exec 3>&-; wait \$!; echo \"vm \$?\" > $OUT/vmdone; } 3>&1 > /dev/null | { cat; [ -e $OUT/vmdone ] && echo late || echo early; }; cat $OUT/vmdone" \
        "$(printf 'hi\nearly\nvm 3')"
}

# --stdio console keeps the serial console as before.
console_kept() {
    expect stdio-console 60 "vm --stdio console $BB echo hi < /dev/null | tr -d '\\r' | grep -x hi" hi
}

echo "vpipe: pipes between unikernels$([ "${1:-}" = --fake ] && echo ' (fake QEMU)')"
eof_cases
statuses
yes_head
pipedemo
stdio_file
pipe_to_from
[ "${1:-}" = --fake ] || console_kept
[ "${1:-}" = --fake ] || close_early # QMP: QEMU's stand-in has none
big_transfer
slow_reader
rm -rf "$UNIPLEX_PIPES"
echo "vpipe: $passed passed, $failed failed"
[ $failed = 0 ]

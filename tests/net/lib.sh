# shellcheck shell=bash
# tests/net/lib.sh: sourced by the host-side network tests (issue 17).
#
# Each script starts guests with tools/uniplex run --net ... in the
# background (bounded by --timeout, stopped when the script ends), talks to
# them from the host on 127.0.0.1 only, and prints one `ok NAME` or
# `FAIL NAME: why` line per case, then "SUITE: N passed, M failed"; its exit
# status is 0 only when nothing failed.
#
# NET_NATIVE=1 runs the same programs natively on the host instead of in
# guests (servers bound to 127.0.0.1): a check of the scripts themselves.
# TEST_ACCEL (default tcg) and UNIPLEX_KERNEL (default the test kernel) as
# in tests/run.sh.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
OUT=$BUILD/tests/net
NATIVE=${NET_NATIVE:-0}
ACCEL=${TEST_ACCEL:-tcg}
export UNIPLEX_KERNEL=${UNIPLEX_KERNEL:-$BUILD/kernel-test.elf}
mkdir -p "$OUT"
pass=0 fail=0
guests=()
tmp=$(mktemp -d "${TMPDIR:-/tmp}/uniplex-net.XXXXXX") || exit 1

ok() { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

# finish SUITE: the summary line; exits.
finish() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" = 0 ]
    exit $?
}

# guests_stop: end every guest this script started (each leads its own
# process group: tools/uniplex, qemu.sh and QEMU go together).
guests_stop() {
    local g
    for g in "${guests[@]}"; do
        kill -TERM -- "-$g" 2> /dev/null
    done
    for g in "${guests[@]}"; do
        wait "$g" 2> /dev/null
    done
    guests=()
}
trap 'guests_stop; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# need_uniplex_option SUITE WORD...: unless native, end the suite with a
# FAIL line when tools/uniplex --help does not mention every WORD.
need_uniplex_option() {
    local suite=$1 w
    shift
    [ "$NATIVE" = 1 ] && return 0
    for w in "$@"; do
        if ! tools/uniplex --help | grep -q -- "$w"; then
            bad "$suite" "tools/uniplex has no $w option yet"
            finish "$suite"
        fi
    done
}

# free_port BASE: the first port from BASE up that nothing holds on
# 127.0.0.1 (TCP and UDP).
free_port() {
    python3 - "$1" << 'EOF'
import socket, sys
for port in range(int(sys.argv[1]), int(sys.argv[1]) + 200):
    try:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind)
            s.bind(("127.0.0.1", port))
            s.close()
    except OSError:
        continue
    print(port)
    break
EOF
}

# make_www DIR: the served files: big.bin (1 MiB random), index.html (612
# bytes, the size of nginx's welcome page).
make_www() {
    mkdir -p "$1"
    head -c 1048576 /dev/urandom > "$1/big.bin"
    {
        printf '<!DOCTYPE html>\n<html><head><title>Uniplex</title></head><body>\n'
        head -c 2000 /dev/urandom | base64 -w 64
    } | head -c 596 > "$1/index.html"
    printf '\n</body></html>\n' >> "$1/index.html"
}

# www_adds DIR: tools/uniplex options putting DIR's files under /www.
www_adds() {
    local f
    for f in "$1"/*; do
        printf '%s\n' --add "$f:/www/$(basename "$f")"
    done
}

# guest_start NAME TIMEOUT [UNIPLEX-OPTION...] -- PROGRAM [ARG...]: run
# PROGRAM in a guest (natively with NET_NATIVE=1, the options unused) in
# the background; its output in $OUT/NAME.out, the console in $OUT/NAME.log.
guest_start() {
    local name=$1 tmo=$2 opts=()
    shift 2
    while [ "$1" != -- ]; do
        opts+=("$1")
        shift
    done
    shift
    rm -f "$OUT/$name.log" "$OUT/$name.out"
    if [ "$NATIVE" = 1 ]; then
        setsid timeout "$tmo" "$@" > "$OUT/$name.out" 2>&1 < /dev/null &
    else
        setsid tools/uniplex run --stdio console --accel "$ACCEL" --timeout "$tmo" --log "$OUT/$name.log" \
            "${opts[@]}" "$@" > "$OUT/$name.out" 2>&1 < /dev/null &
    fi
    guests+=($!)
    last_guest=$!
}

# guest_wait PID: its exit status (the guest program's).
guest_wait() {
    wait "$1"
}

# wait_url URL SECONDS: 0 once URL answers 200 (the guest booted and
# serves), 1 when SECONDS pass first.
wait_url() {
    local end=$((SECONDS + $2))
    while [ $SECONDS -lt $end ]; do
        curl -sf --max-time 2 -o /dev/null "$1" && return 0
        sleep 0.5
    done
    return 1
}

# fetch_cmp NAME URL FILE: one case: curl fetches URL, the bytes must be
# FILE's.
fetch_cmp() {
    local got=$tmp/got.$1
    if ! curl -sf --max-time 60 -o "$got" "$2"; then
        bad "$1" "curl $2 failed"
    elif ! cmp -s "$got" "$3"; then
        bad "$1" "bytes differ from $3 ($(stat -c %s "$got") bytes)"
    else
        ok "$1 ($(stat -c %s "$got") bytes)"
    fi
}

# fetch_status NAME URL CODE: one case: curl gets HTTP status CODE.
fetch_status() {
    local code
    code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$2")
    if [ "$code" = "$3" ]; then ok "$1"; else bad "$1" "status $code, expected $3"; fi
}

# The guest-side fetch loop (busybox sh): wget URL to FILE, retried while
# the guest's network comes up (20 s), then FILE's md5sum.
FETCH_SH='i=0
until busybox wget -q -O "$2" "$1"; do
    i=$((i + 1)); [ $i -ge 40 ] && exit 1; busybox sleep 0.5
done
busybox md5sum "$2"'

# check_md5 NAME OUTFILE FILE: one case: the md5sum a guest printed must be
# FILE's.
check_md5() {
    local want got
    want=$(md5sum < "$3" | cut -d' ' -f1)
    got=$(grep -aoE '^[0-9a-f]{32} ' "$2" | head -1 | tr -d ' ')
    if [ "$got" = "$want" ]; then
        ok "$1"
    else
        bad "$1" "md5 '${got}', expected $want (see $2)"
    fi
}

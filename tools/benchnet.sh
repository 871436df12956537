#!/bin/bash
# The network benchmark of issue 17: wrk on the host against userapps/httpd
# serving a 612-byte page, the same static binary as init's child in Uniplex
# (the release kernel) and in a Linux guest (Debian's cloud kernel), both on
# QEMU user networking with one forwarded port on 127.0.0.1 and the same
# accelerator. In both guests init is userapps/netup, which sets eth0 to
# 10.0.2.15/24 and brings lo up (the Linux guest runs no DHCP client; it
# also loads the virtio modules), then execs httpd -w WORKERS.
#
#   tools/benchnet.sh [--icount] [--workers "1 4 8"] [--duration SEC]
#                     [--connections N] [--out DIR]
#
# For each system and worker count: boot, wait for the page (curl), run
# `wrk -t2 -cN -dSEC --latency`, stop the guest. Prints one line per figure
# in bench.c's format (`bench: httpd_w4_rps: median X req/s (1 runs)`,
# _p50 and _p99 in us) after a line `system: uniplex` or `system: linux`,
# and a table at the end.
# --icount runs QEMU with -icount shift=0,align=off,sleep=off: the guest's
# clock then advances one nanosecond per guest instruction, but wrk's clock
# is the host's, so requests/s stay wall-clock figures (see
# docs/PERFORMANCE.md, "Networking").
# Logs: OUT/ (default build/bench/net). Every guest is killed at exit.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
OUT=$BUILD/bench/net
WORKERS="1 4 8"
DURATION=10
CONNS=8
ICOUNT=0
while [ $# -gt 0 ]; do
    case "$1" in
    --icount) ICOUNT=1 ;;
    --workers) WORKERS=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --connections) CONNS=$2; shift ;;
    --out) OUT=$2; shift ;;
    *) echo "benchnet: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
VMLINUZ=$(ls /boot/vmlinuz-*-cloud-amd64 2> /dev/null | sort -V | tail -1)
KVER=$(basename "$VMLINUZ" | sed 's/^vmlinuz-//')
MODDIR=/lib/modules/$KVER/kernel
# The Linux guest's virtio-net driver and what it needs, in load order.
MODULES="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev
    drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci net/core/failover
    drivers/net/net_failover drivers/net/virtio_net"
BOOT_TIMEOUT=180 # seconds until the page must answer
QEMU_EXTRA=()
[ $ICOUNT = 1 ] && QEMU_EXTRA=(-icount shift=0,align=off,sleep=off)
ACCEL=tcg
[ -c /dev/kvm ] && [ -w /dev/kvm ] && ! [ -d /sys/module/kvm_pvm ] && ACCEL=kvm
[ $ICOUNT = 1 ] && ACCEL=tcg # icount is TCG only

say() { echo "benchnet: $*" >&2; }
die() {
    say "$*"
    exit 1
}

# The guests started, killed (their process groups) at exit.
guests=()
cleanup() {
    local p
    for p in "${guests[@]}"; do
        kill -- -"$p" 2> /dev/null
    done
    wait 2> /dev/null
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A 612-byte page (the size of a stock web server's welcome page).
make_page() {
    local p="<!DOCTYPE html>
<html><head><title>Uniplex</title></head>
<body><h1>It works</h1>
<p>This page is served by userapps/httpd for the network benchmark.</p>
<!-- "
    local tail=" -->
</body></html>
"
    local pad=$((612 - ${#p} - ${#tail}))
    printf '%s%*s%s' "$p" "$pad" "" "$tail" > "$1"
    [ "$(stat -c %s "$1")" = 612 ] || die "page is not 612 bytes"
}

# The Linux guest's initramfs: /init (netup), /httpd, /www, /mod/*.ko.
linux_initramfs() {
    local d=$OUT/linux/root m
    rm -rf "$d"
    mkdir -p "$d/proc" "$d/www" "$d/mod"
    cp "$BUILD/user/netup" "$d/init"
    cp "$BUILD/user/httpd" "$d/httpd"
    make_page "$d/www/index.html"
    for m in $MODULES; do
        cp "$MODDIR/$m.ko" "$d/mod/" || die "no module $MODDIR/$m.ko"
    done
    (cd "$d" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$OUT/linux/initramfs.cpio"
}

# A free TCP port on 127.0.0.1 in 25000-25999.
free_port() {
    local p i
    for i in $(seq 50); do
        p=$((25000 + RANDOM % 1000))
        [ -z "$(ss -Htln "sport = :$p")" ] && { echo $p; return 0; }
    done
    return 1
}

# start_guest SYSTEM WORKERS PORT LOG: boots in its own process group; the
# group's id in $guest.
start_guest() {
    local sys=$1 w=$2 port=$3 log=$4 i modargs=()
    local httpd=(/httpd -p 80 -w "$w" -d /www)
    local q=(tools/qemu.sh --quiet --accel "$ACCEL" --mem 256M --timeout 900 --log "$log"
        --net user --port "127.0.0.1:$port:80")
    if [ "$sys" = linux ]; then
        for i in $MODULES; do modargs+=(-m "/mod/${i##*/}.ko"); done
        q+=(--no-debug-exit --kernel-file "$VMLINUZ" --initrd "$OUT/linux/initramfs.cpio"
            --append "console=ttyS0 quiet panic=-1 -- ${modargs[*]} eth0=10.0.2.15/24 ${httpd[*]}")
    else
        q+=(--kernel-file "$BUILD/kernel.elf" --initrd "$OUT/uniplex-$w/initrd.cpio"
            --append "$(cat "$OUT/uniplex-$w/cmdline")")
    fi
    setsid "${q[@]}" -- "${QEMU_EXTRA[@]}" < /dev/null > /dev/null 2>&1 &
    guest=$!
    guests+=("$guest")
}

# The Uniplex image for WORKERS: the same program chain as the Linux guest.
uniplex_image() {
    local w=$1 a args=()
    for a in eth0=10.0.2.15/24 /httpd -p 80 -w "$w" -d /www; do args+=(--arg "$a"); done
    "$BUILD/host/mkimage" -o "$OUT/uniplex-$w" --init /init "${args[@]}" --kopt quiet \
        "$BUILD/user/netup:/init" "$BUILD/user/httpd:/httpd" "$OUT/page.html:/www/index.html" \
        > /dev/null || die "mkimage failed"
}

wait_page() { # PORT PID: 0 once the page answers
    local _
    for _ in $(seq "$BOOT_TIMEOUT"); do
        kill -0 "$2" 2> /dev/null || return 1
        [ "$(curl -s -m 5 -o /dev/null -w '%{size_download}' "http://127.0.0.1:$1/")" = 612 ] &&
            return 0
        sleep 1
    done
    return 1
}

# to_us VALUE: wrk's 1.23ms / 456.78us / 1.02s in microseconds.
to_us() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) m = 1; else if (v ~ /ms$/) m = 1000
        else if (v ~ /m$/) m = 60e6; else m = 1e6
        printf "%.0f", n * m }'
}

# One figure line in bench.c's format, also kept for the table.
declare -A fig
figure() { # SYSTEM NAME VALUE UNIT
    fig[$1/$2]=$3
    echo "bench: $2: median $3 $4 (1 runs)"
}

# run_one SYSTEM WORKERS
run_one() {
    local sys=$1 w=$2 port log wlog rps p50 p99
    port=$(free_port) || die "no free port in 25000-25999"
    log=$OUT/$sys-w$w$([ $ICOUNT = 1 ] && echo -icount).log
    wlog=${log%.log}.wrk
    start_guest "$sys" "$w" "$port" "$log"
    if ! wait_page "$port" "$guest"; then
        say "$sys w$w: the page did not answer within ${BOOT_TIMEOUT}s (see $log)"
        kill -- -"$guest" 2> /dev/null
        return
    fi
    timeout $((DURATION + 30)) wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency \
        "http://127.0.0.1:$port/" > "$wlog" 2>&1
    kill -- -"$guest" 2> /dev/null
    wait "$guest" 2> /dev/null
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$wlog")
    p50=$(awk '$1 == "50%" { print $2 }' "$wlog")
    p99=$(awk '$1 == "99%" { print $2 }' "$wlog")
    if [ -z "$rps" ] || [ -z "$p50" ] || [ -z "$p99" ]; then
        say "$sys w$w: no wrk figures ($wlog)"
        return
    fi
    grep -E 'Socket errors|Non-2xx' "$wlog" | sed "s/^ */benchnet: $sys w$w: wrk: /" >&2
    figure "$sys" "httpd_w${w}_rps" "$rps" req/s
    figure "$sys" "httpd_w${w}_p50" "$(to_us "$p50")" us
    figure "$sys" "httpd_w${w}_p99" "$(to_us "$p99")" us
}

table() {
    local w s
    printf '\n%-8s %-8s %12s %10s %10s\n' workers system req/s p50_us p99_us
    for w in $WORKERS; do
        for s in uniplex linux; do
            printf '%-8s %-8s %12s %10s %10s\n' "$w" "$s" "${fig[$s/httpd_w${w}_rps]:--}" \
                "${fig[$s/httpd_w${w}_p50]:--}" "${fig[$s/httpd_w${w}_p99]:--}"
        done
    done
}

[ -n "$VMLINUZ" ] || die "no /boot/vmlinuz-*-cloud-amd64"
command -v wrk > /dev/null || die "no wrk (tools/deps.sh installs it)"
make -s "$BUILD/kernel.elf" "$BUILD/host/mkimage" "$BUILD/user/netup" "$BUILD/user/httpd" ||
    die "build failed"
mkdir -p "$OUT/linux"
make_page "$OUT/page.html"
linux_initramfs
say "accelerator $ACCEL$([ $ICOUNT = 1 ] && echo ', -icount shift=0')," \
    "wrk -t2 -c$CONNS -d${DURATION}s"
for w in $WORKERS; do uniplex_image "$w"; done
for s in uniplex linux; do
    echo "system: $s"
    for w in $WORKERS; do run_one "$s" "$w"; done
done
table

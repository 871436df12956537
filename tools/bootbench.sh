#!/bin/bash
# Boot-time benchmark: boot the image N times per (path, accelerator) and
# print the median in-guest boot time (the kernel's "boot: N us" line, from
# its first instruction to the end of kmain) and the median wall time from
# QEMU start to power-off.
#   tools/bootbench.sh [RUNS] [ACCELS] [PATHS]   e.g. 5 "tcg kvm" "kernel iso uefi"
set -u
cd "$(dirname "$0")/.."
runs=${1:-5}
accels=${2:-"tcg kvm"}
paths=${3:-"kernel iso uefi"}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }

printf "%-7s %-4s %5s %16s %14s\n" path accel runs "in-guest (us)" "wall (ms)"
for accel in $accels; do
    if [ "$accel" = kvm ] && ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
        echo "kvm: /dev/kvm not usable; skipped"
        continue
    fi
    for path in $paths; do
        guest=() wall=()
        for _ in $(seq "$runs"); do
            t0=$(date +%s%N)
            out=$(tools/qemu.sh --$path --accel "$accel" --timeout 300 < /dev/null 2> /dev/null)
            t1=$(date +%s%N)
            us=$(echo "$out" | tr -d '\r' | sed -n 's/^boot: \([0-9]*\) us.*/\1/p')
            [ -n "$us" ] || continue
            guest+=("$us")
            wall+=($(((t1 - t0) / 1000000)))
        done
        printf "%-7s %-4s %5s %16s %14s\n" "$path" "$accel" "${#guest[@]}" \
            "$(printf '%s\n' "${guest[@]}" | median)" "$(printf '%s\n' "${wall[@]}" | median)"
    done
done

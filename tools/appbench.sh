#!/bin/bash
# Program benchmarks (issue 5), each against this host's Linux in the same run:
#  - getppid() round trip: build/apps/bench_getppid on the host, then as init
#    in the guest under each accelerator (median of its 7 runs, each the mean
#    of N calls);
#  - boot of userapps/hello and of tests/apps/exit7 from QEMU start to
#    power-off, wall time, through -kernel and the BIOS ISO, under each
#    accelerator (median of RUNS boots).
#   tools/appbench.sh [RUNS] [ACCELS] [N_TCG] [N_KVM]   e.g. 5 "tcg kvm" 1000000 20000
# Where KVM emulates the guest instruction by instruction (the kernel says
# "cpu: instructions are being emulated"; see docs/PERFORMANCE.md) programs
# that use SSE stop the VM: such runs time out and show "-".
set -u
cd "$(dirname "$0")/.."
runs=${1:-5}
accels=${2:-"tcg kvm"}
n_tcg=${3:-1000000}
n_kvm=${4:-20000}
BUILD=${BUILD:-build}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }
kvm_ok() { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }

make -s all apps userapps > /dev/null || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

host=$("$BUILD/apps/bench_getppid" "$n_tcg" | sed -n 's/^getppid: median \([0-9.]*\) ns.*/\1/p')
echo "getppid round trip, ns/call (median of 7 runs)"
printf "  %-22s %10s\n" "host Linux (native)" "$host"
for accel in $accels; do
    [ "$accel" = kvm ] && ! kvm_ok && { echo "  kvm: /dev/kvm not usable; skipped"; continue; }
    n=$n_tcg
    [ "$accel" = kvm ] && n=$n_kvm
    g=$(tools/uniplex run --stdio console --accel "$accel" --timeout 120 "$BUILD/apps/bench_getppid" "$n" \
        < /dev/null 2> /dev/null | tr -d '\r' | sed -n 's/^getppid: median \([0-9.]*\) ns.*/\1/p')
    ratio=$(awk -v h="$host" -v g="$g" 'BEGIN { if (g > 0) printf "%.2f", h / g; else print "-" }')
    printf "  %-22s %10s   host/guest = %s (N=%s)\n" "uniplex, $accel" "${g:--}" "$ratio" "$n"
done

echo "boot to power-off, QEMU start to exit, wall ms (median of $runs; boots that failed are not counted)"
for prog in hello exit7; do
    src=$BUILD/user/hello
    [ $prog = exit7 ] && src=$BUILD/apps/exit7
    "$BUILD/host/mkimage" -o "$tmp/$prog" --init /bin/$prog --iso "$tmp/$prog.iso" \
        --kernel "$BUILD/kernel.elf" "$src:/bin/$prog" > /dev/null || exit 1
    want=0
    [ $prog = exit7 ] && want=7
    for accel in $accels; do
        [ "$accel" = kvm ] && ! kvm_ok && continue
        for path in kernel iso; do
            wall=()
            for _ in $(seq "$runs"); do
                if [ $path = kernel ]; then
                    a=(--kernel --initrd "$tmp/$prog/initrd.cpio" --append "$(cat "$tmp/$prog/cmdline")")
                else
                    a=(--image "$tmp/$prog.iso")
                fi
                t0=$(date +%s%N)
                tools/qemu.sh --quiet --accel "$accel" --timeout 300 "${a[@]}" < /dev/null > /dev/null 2>&1
                rc=$?
                t1=$(date +%s%N)
                [ $rc = $want ] && wall+=($(((t1 - t0) / 1000000)))
            done
            printf "  %-6s %-7s %-4s %3s ok  %8s\n" "$prog" "$path" "$accel" "${#wall[@]}" \
                "$(printf '%s\n' "${wall[@]}" | median)"
        done
    done
done

#!/bin/bash
# make bench: Uniplex side by side with the host's Linux and a Linux guest,
# in one run on this machine (issue 8). The same static benchmark binary
# (build/user/bench) runs natively, as init of Uniplex and as /init of
# Debian's cloud kernel booted the same way under QEMU. Raw logs go to
# build/bench/raw/, then tools/benchreport.py writes
# build/bench/results.json, the plots and the generated part of
# docs/PERFORMANCE.md.
#
# Environment (defaults in brackets):
#   BENCH_SIZES      process sizes in MiB for the fork scaling  [1,16,256,1024]
#   BENCH_BOOTS      boots per boot-time figure                  [5]
#   BENCH_HOST_RUNS  native runs of the primitives               [3]
#   BENCH_KVM_PROBE  try the Linux guest under KVM first (0/1)   [1]
#   BENCH_MEMORY     bisect the smallest -m (0/1)                [1]
#   BENCH_REPORT     write docs/PERFORMANCE.md and the plots     [1]
#   BENCH_NET        wrk against httpd, tools/benchnet.sh (0/1)  [1]
#   BENCH_ICOUNT     the instruction counts (0/1)   [1 unless Uniplex gets KVM]
#   BENCH_WALL       the wall-clock runs: host, guests, sleepers, boots,
#                    smallest memory, network (0/1)              [1]
#
# The instruction counts (issue 18): Uniplex and the Linux guest under TCG
# with -icount shift=0,align=off,sleep=off (tools/qemu.sh --accel icount),
# where the guest clock advances 1 ns per guest instruction, so the
# benchmark's own timings are guest instructions, the same on a busy or an
# idle machine. Arguments: --quick prims scale=64, then `bench boot`.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=$BUILD/bench
RAW=$OUT/raw
SIZES=${BENCH_SIZES:-1,16,256,1024}
BOOTS=${BENCH_BOOTS:-5}
HOST_RUNS=${BENCH_HOST_RUNS:-3}
KVM_PROBE=${BENCH_KVM_PROBE:-1}
WALL=${BENCH_WALL:-1}
ICOUNT_ARGS=(--quick prims scale=64)
ICOUNTMEM=1G # the 64 MiB process, the child's copy and the Linux guest
BENCH=$BUILD/user/bench
VMLINUZ=$(ls /boot/vmlinuz-*-cloud-amd64 2> /dev/null | sort -V | tail -1)
BIGMEM=3G    # the 1 GiB process, and the copy its child makes by writing
SMALLMEM=256M

say() { echo "bench: $*" >&2; }
die() {
    echo "bench: $*" >&2
    exit 1
}
kvm_usable() { [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; }
kvm_is_pvm() { [ -d /sys/module/kvm_pvm ]; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

[ -n "$VMLINUZ" ] || die "no /boot/vmlinuz-*-cloud-amd64 (make deps installs linux-image-cloud-amd64)"
make -s all userapps apps > /dev/null || die "build failed"
rm -rf "$OUT"
mkdir -p "$RAW"

# The machine, written first so a partial run still says where it ran.
machine() {
    echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
    echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "cores=$(nproc)"
    echo "mem_gib=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)"
    echo "host_kernel=$(uname -r)"
    echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "qemu=$(qemu-system-x86_64 --version | head -1 | sed 's/.*version //')"
    echo "guest_kernel=$(basename "$VMLINUZ" | sed 's/^vmlinuz-//')"
    echo "commit=$(git rev-parse --short HEAD 2> /dev/null)$(git diff --quiet HEAD 2> /dev/null || echo +)"
    if ! kvm_usable; then
        echo "kvm=absent"
    elif kvm_is_pvm; then
        echo "kvm=pvm"
    else
        echo "kvm=hardware"
    fi
}
machine > "$RAW/machine.txt"

# Accelerators. Uniplex: KVM when it is hardware-assisted; this machine's
# PVM /dev/kvm stops on the first SSE instruction of a program
# (docs/PERFORMANCE.md), as tools/qemu.sh knows. The Linux guest: KVM when
# a probe boot reaches /init, else TCG, and the probe's outcome is recorded.
uaccel=tcg
kvm_usable && ! kvm_is_pvm && uaccel=kvm
laccel=tcg
lprobe="not tried (no /dev/kvm)"
echo "uniplex_accel=$uaccel" >> "$RAW/machine.txt"
ICOUNT=${BENCH_ICOUNT:-$([ $uaccel = kvm ] && echo 0 || echo 1)}

# The Linux guest's initramfs: /init is the benchmark, /proc its mount point.
# Debian's kernel unpacks its built-in /dev/console first.
linux_initramfs() {
    local d=$OUT/linux/root
    mkdir -p "$d/proc"
    cp "$BENCH" "$d/init"
    (cd "$d" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$OUT/linux/initramfs.cpio"
}
linux_initramfs

# boot_linux LOG TIMEOUT ACCEL MEM ARGS...: bench ARGS as /init, -kernel.
boot_linux() {
    local log=$1 tmo=$2 accel=$3 mem=$4
    shift 4
    tools/qemu.sh --quiet --no-debug-exit --accel "$accel" --mem "$mem" --timeout "$tmo" \
        --kernel-file "$VMLINUZ" --initrd "$OUT/linux/initramfs.cpio" --log "$log" \
        --append "console=ttyS0 quiet panic=-1 BENCH_EXE=/init -- $*" < /dev/null > /dev/null 2>&1
}
# boot_uniplex LOG TIMEOUT MEM [--kopt K]... -- ARGS...: bench ARGS as init,
# under $uaccel or, when set, $UACCEL.
boot_uniplex() {
    local log=$1 tmo=$2 mem=$3
    shift 3
    local opts=()
    while [ "$1" != -- ]; do
        opts+=("$1")
        shift
    done
    shift
    tools/uniplex run --stdio console -v --accel "${UACCEL:-$uaccel}" --mem "$mem" --timeout "$tmo" --log "$log" \
        "${opts[@]}" --env BENCH_EXE=/bin/bench "$BENCH" "$@" < /dev/null > /dev/null 2>&1
}

# The hello image of `bench boot`: -kernel, and a GRUB BIOS ISO.
"$BUILD/host/mkimage" -o "$OUT/uniplex-hello" --init /bin/bench --arg boot --kopt quiet \
    --iso "$OUT/uniplex-hello.iso" --kernel "$BUILD/kernel.elf" "$BENCH:/bin/bench" > /dev/null ||
    die "mkimage failed"

# 0. Instruction counts. The boot: `bench boot` with the kernel quiet, as
# the wall-clock boots below.
if [ "$ICOUNT" = 1 ]; then
    echo "icount=-icount shift=0,align=off,sleep=off" >> "$RAW/machine.txt"
    say "icount: uniplex: ${ICOUNT_ARGS[*]}"
    UACCEL=icount boot_uniplex "$RAW/icount-uniplex.log" 3600 $ICOUNTMEM -- "${ICOUNT_ARGS[@]}" ||
        say "uniplex icount run failed, status $? (see $RAW/icount-uniplex.log)"
    say "icount: linux guest: ${ICOUNT_ARGS[*]}"
    boot_linux "$RAW/icount-linux.log" 3600 icount $ICOUNTMEM "${ICOUNT_ARGS[@]}" ||
        say "linux guest icount run failed, status $? (see $RAW/icount-linux.log)"
    say "icount: boots"
    tools/qemu.sh --quiet --accel icount --timeout 300 --log "$RAW/icount-boot-uniplex.log" \
        --initrd "$OUT/uniplex-hello/initrd.cpio" --append "$(cat "$OUT/uniplex-hello/cmdline")" \
        < /dev/null > /dev/null 2>&1 || say "uniplex icount boot failed, status $?"
    boot_linux "$RAW/icount-boot-linux.log" 600 icount $SMALLMEM boot ||
        say "linux guest icount boot failed, status $?"
fi

if [ "$WALL" = 1 ] && [ "$KVM_PROBE" = 1 ] && kvm_usable; then
    say "probe: the Linux guest under KVM (120 s at most)"
    if boot_linux "$RAW/linux-kvm-probe.log" 120 kvm $SMALLMEM boot &&
        grep -q '^hello from bench' "$RAW/linux-kvm-probe.log"; then
        laccel=kvm
        lprobe="booted under KVM"
    else
        lprobe="did not reach /init within 120 s under KVM ($(kvm_is_pvm && echo PVM || echo KVM))"
    fi
fi
echo "linux_accel=$laccel" >> "$RAW/machine.txt"
echo "linux_kvm_probe=$lprobe" >> "$RAW/machine.txt"
say "accelerators: uniplex $uaccel, linux guest $laccel ($lprobe)"

# 1. Primitives and scaling: the same arguments everywhere. --quick divides
# the iteration counts by 8 so that the emulated guests finish in minutes;
# the host runs the same counts.
args=(--quick prims "scale=$SIZES")
[ "$WALL" = 1 ] || say "wall-clock runs skipped (BENCH_WALL=0)"
if [ "$WALL" = 1 ]; then
say "host: ${args[*]} ($HOST_RUNS runs)"
for i in $(seq "$HOST_RUNS"); do
    BENCH_EXE=$(readlink -f "$BENCH") "$BENCH" "${args[@]}" > "$RAW/host-$i.log" 2>&1 ||
        say "host run $i failed (see $RAW/host-$i.log)"
done
say "uniplex ($uaccel): ${args[*]}"
boot_uniplex "$RAW/uniplex.log" 3600 $BIGMEM -- "${args[@]}" ||
    say "uniplex run failed, status $? (see $RAW/uniplex.log)"
say "linux guest ($laccel): ${args[*]}"
boot_linux "$RAW/linux.log" 3600 $laccel $BIGMEM "${args[@]}" ||
    say "linux guest run failed, status $? (see $RAW/linux.log)"

# 2. Sleeping processes in 256 MiB.
say "sleepers in $SMALLMEM"
boot_uniplex "$RAW/uniplex-sleepers.log" 1200 $SMALLMEM --kopt maxproc=32000 -- sleepers ||
    say "uniplex sleepers failed, status $?"
boot_linux "$RAW/linux-sleepers.log" 1200 $laccel $SMALLMEM sleepers ||
    say "linux sleepers failed, status $?"

# 3. Boot: `bench boot` prints the time from boot to its main and powers
# off. Wall time is QEMU start to exit; -kernel and a GRUB BIOS ISO.
mkdir -p "$OUT/linux/iso/boot/grub"
cp "$VMLINUZ" "$OUT/linux/iso/boot/vmlinuz"
cp "$OUT/linux/initramfs.cpio" "$OUT/linux/iso/boot/initrd.cpio"
cat > "$OUT/linux/iso/boot/grub/grub.cfg" << 'EOF'
set timeout=0
set default=0
menuentry "Linux" {
    linux /boot/vmlinuz console=ttyS0 quiet panic=-1 -- boot
    initrd /boot/initrd.cpio
}
EOF
# The same GRUB set-up as tools/mkimage.c, with `linux` for `multiboot2`.
grub-mkrescue -o "$OUT/linux-hello.iso" --compress=xz --fonts= --locales= --themes= \
    --install-modules="normal linux all_video test iso9660 part_msdos part_gpt" \
    "$OUT/linux/iso" > /dev/null 2>&1 || die "grub-mkrescue failed"

boot_once() { # SYSTEM PATH LOG
    case "$1-$2" in
    uniplex-kernel)
        tools/qemu.sh --quiet --accel "$uaccel" --timeout 120 --log "$3" \
            --initrd "$OUT/uniplex-hello/initrd.cpio" --append "$(cat "$OUT/uniplex-hello/cmdline")" ;;
    uniplex-iso)
        tools/qemu.sh --quiet --accel "$uaccel" --timeout 120 --log "$3" \
            --image "$OUT/uniplex-hello.iso" ;;
    linux-kernel)
        boot_linux "$3" 300 "$laccel" $SMALLMEM boot ;;
    linux-iso)
        tools/qemu.sh --quiet --no-debug-exit --accel "$laccel" --timeout 300 --log "$3" \
            --image "$OUT/linux-hello.iso" ;;
    esac < /dev/null > /dev/null 2>&1
}
say "boot: $BOOTS boots each of uniplex and linux, -kernel and ISO"
for sys in uniplex linux; do
    for path in kernel iso; do
        for i in $(seq "$BOOTS"); do
            log=$RAW/boot-$sys-$path-$i.log
            t0=$(now_ms)
            boot_once $sys $path "$log"
            rc=$?
            t1=$(now_ms)
            if [ $rc = 0 ] && grep -q '^hello from bench' "$log"; then
                echo "$((t1 - t0))" >> "$RAW/boot-$sys-$path.wall"
            else
                say "boot $sys $path $i failed (status $rc, $log)"
            fi
        done
    done
done
fi # WALL

# 4. Sizes.
{
    size -A "$BUILD/kernel.elf" | awk '$1 ~ /^\./ { print "section" $1 "=" $2 }'
    size "$BUILD/kernel.elf" | awk 'NR == 2 { print "text=" $1; print "data=" $2; print "bss=" $3 }'
    echo "kernel_elf=$(stat -c %s "$BUILD/kernel.elf")"
    strip -o "$OUT/kernel.stripped" "$BUILD/kernel.elf" && echo "kernel_stripped=$(stat -c %s "$OUT/kernel.stripped")"
    echo "hello_iso=$(stat -c %s "$OUT/uniplex-hello.iso")"
    echo "hello_initrd=$(stat -c %s "$OUT/uniplex-hello/initrd.cpio")"
    echo "default_iso=$(stat -c %s "$BUILD/uniplex.iso")"
    echo "default_initrd=$(stat -c %s "$BUILD/image/initrd.cpio")"
    echo "bench_binary=$(stat -c %s "$BENCH")"
    echo "linux_vmlinuz=$(stat -c %s "$VMLINUZ")"
    echo "linux_hello_iso=$(stat -c %s "$OUT/linux-hello.iso")"
    echo "linux_initramfs=$(stat -c %s "$OUT/linux/initramfs.cpio")"
} > "$RAW/sizes.txt"

# 5. The smallest -m (MiB) that still passes: bisect between a failing LO
# and a passing HI.
passes() { # NAME MIB
    local log=$RAW/mem-$1-$2.log
    case $1 in
    uniplex-hello)
        tools/uniplex run --stdio console --accel "$uaccel" --mem "$2M" --timeout 120 --log "$log" \
            "$BUILD/user/hello" < /dev/null > /dev/null 2>&1 && grep -q '^hello: ok' "$log" ;;
    uniplex-bench-boot)
        tools/qemu.sh --quiet --accel "$uaccel" --mem "$2M" --timeout 120 --log "$log" \
            --initrd "$OUT/uniplex-hello/initrd.cpio" \
            --append "$(cat "$OUT/uniplex-hello/cmdline")" < /dev/null > /dev/null 2>&1 &&
            grep -q '^hello from bench' "$log" ;;
    uniplex-fork-suite)
        tools/uniplex run --stdio console --accel "$uaccel" --mem "$2M" --timeout 600 --log "$log" \
            --env UNIPLEX=1 "$BUILD/apps/fork" < /dev/null > /dev/null 2>&1 &&
            grep -qE '^fork: [0-9]+ passed, 0 failed' "$log" ;;
    linux-bench-boot)
        boot_linux "$log" 300 "$laccel" "$2M" boot && grep -q '^hello from bench' "$log" ;;
    esac
}
bisect() { # NAME: prints the smallest passing MiB, or "none" when 256 fails
    local lo=2 hi=256 mid
    passes "$1" $hi || { echo none; return; }
    while [ $((hi - lo)) -gt 1 ]; do
        mid=$(((lo + hi) / 2))
        if passes "$1" $mid; then hi=$mid; else lo=$mid; fi
    done
    echo $hi
}
if [ "$WALL" = 1 ] && [ "${BENCH_MEMORY:-1}" = 1 ]; then
    say "smallest -m: bisecting"
    for n in uniplex-hello uniplex-bench-boot uniplex-fork-suite linux-bench-boot; do
        echo "$n=$(bisect $n)" >> "$RAW/memory.txt"
    done
fi

# 6. Networking (issue 17): wrk on the host against httpd in each guest.
if [ "$WALL" = 1 ] && [ "${BENCH_NET:-1}" = 1 ]; then
    say "network: wrk against httpd (tools/benchnet.sh)"
    tools/benchnet.sh --out "$OUT/net" > "$RAW/net.log" 2>&1 || say "benchnet failed (see $RAW/net.log)"
fi

say "report"
if [ "${BENCH_REPORT:-1}" = 1 ]; then
    python3 tools/benchreport.py "$RAW" "$OUT/results.json" docs/PERFORMANCE.md docs/bench
else
    python3 tools/benchreport.py "$RAW" "$OUT/results.json"
fi

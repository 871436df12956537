#!/bin/bash
# Boot a Uniplex image under QEMU and return the kernel's exit status.
#
#   tools/qemu.sh [--iso | --kernel] [--uefi] [--accel kvm|tcg] [--mem SIZE]
#                 [--append CMDLINE] [--timeout SEC] [--log FILE]
#                 [--no-serial] [--no-debug-exit] [--monitor SOCKET]
#                 [-- EXTRA-QEMU-ARGS...]
#
# The serial console goes to this terminal (and to --log FILE if given).
# Exit status: the kernel's status (isa-debug-exit writes s, QEMU exits with
# 2s+1; only s < 128 survives that), 124 on timeout, 125 for a kernel panic
# (the kernel's own status), 126 when QEMU itself failed to run.
# --no-debug-exit leaves out the isa-debug-exit device, so the kernel powers
# off through ACPI; --monitor puts the QEMU monitor on a unix socket.
set -u
BUILD=${BUILD:-build}
mode=kernel uefi=0 accel="" mem=256M append="" tmo=0 log="" serial=1 debugexit=1 monitor=""
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --iso) mode=iso ;;
    --kernel) mode=kernel ;;
    --uefi) uefi=1; mode=iso ;;
    --accel) accel=$2; shift ;;
    --mem) mem=$2; shift ;;
    --append) append=$2; shift ;;
    --timeout) tmo=$2; shift ;;
    --log) log=$2; shift ;;
    --no-serial) serial=0 ;;
    --no-debug-exit) debugexit=0 ;;
    --monitor) monitor=$2; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "qemu.sh: unknown option $1" >&2; exit 126 ;;
    esac
    shift
done

kvm_usable() {
    [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]
}
if [ -z "$accel" ]; then
    if kvm_usable; then accel=kvm; else accel=tcg; fi
fi
case "$accel" in
kvm) accel_args=(-accel kvm -cpu host,-arch-capabilities) ;; # nested KVM rejects that MSR
tcg) accel_args=(-accel tcg -cpu max) ;;
*) echo "qemu.sh: --accel must be kvm or tcg" >&2; exit 126 ;;
esac
echo "qemu: accelerator $accel, $mode$([ $uefi = 1 ] && echo ' (UEFI)'), memory $mem" >&2

args=(-m "$mem" -display none -no-reboot)
[ $debugexit = 1 ] && args+=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
if [ $mode = iso ]; then
    args+=(-cdrom "$BUILD/uniplex.iso")
    [ $uefi = 1 ] && args+=(-bios /usr/share/ovmf/OVMF.fd)
else
    args+=(-kernel "$BUILD/kernel.elf" -append "$append")
fi
if [ -n "$monitor" ]; then
    args+=(-monitor "unix:$monitor,server,nowait")
elif [ $serial = 1 ] && [ -z "$log" ] && [ -t 0 ]; then
    args+=(-serial mon:stdio) # interactive: ^A c reaches the monitor
else
    args+=(-monitor none)
fi
if [ $serial = 0 ]; then
    args+=(-serial none)
elif [ -n "$log" ]; then
    args+=(-chardev "stdio,id=con,logfile=$log,signal=off" -serial chardev:con)
elif ! [ -t 0 ] || [ -n "$monitor" ]; then
    args+=(-serial stdio)
fi

to=()
[ "$tmo" != 0 ] && to=(timeout --foreground -k 5 "$tmo")
"${to[@]}" qemu-system-x86_64 "${accel_args[@]}" "${args[@]}" "${extra[@]}"
rc=$?
if [ "$tmo" != 0 ] && [ $rc -eq 124 ]; then
    echo "qemu: timed out after ${tmo}s" >&2
    exit 124
fi
if [ $((rc % 2)) -eq 1 ]; then
    status=$(((rc - 1) / 2))
    echo "qemu: guest exit status $status" >&2
    exit $status
fi
[ $rc -eq 0 ] && { echo "qemu: guest powered off (no status)" >&2; exit 0; }
echo "qemu: QEMU failed (exit $rc)" >&2
exit 126

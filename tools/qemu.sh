#!/bin/bash
# Boot a Uniplex image under QEMU and return the kernel's exit status.
#
#   tools/qemu.sh [--iso | --kernel] [--uefi] [--accel kvm|tcg|icount] [--mem SIZE]
#                 [--append CMDLINE] [--initrd FILE] [--kernel-file ELF]
#                 [--image ISO] [--timeout SEC] [--log FILE] [--quiet]
#                 [--no-serial] [--no-debug-exit] [--monitor SOCKET] [--qmp SOCKET] [--paused]
#                 [--net user|socket-listen=PORT|socket-connect=PORT]
#                 [--port [HOSTADDR:]HOSTPORT:GUESTPORT]...
#                 [--guestfwd tcp:10.0.2.N:GPORT-tcp:127.0.0.1:HPORT]...
#                 [--vport NAME=SOCKET]... [--vport-connect NAME=SOCKET]...
#                 [-- EXTRA-QEMU-ARGS...]
#
# --kernel (the default) boots a kernel through QEMU's multiboot loader,
# with --append as the command line (QEMU puts the kernel's file name in
# front of it) and --initrd FILE as the first boot module. The kernel is
# --kernel-file ELF, else $UNIPLEX_KERNEL when set (`make test` sets it to
# the test kernel, $BUILD/kernel-test.elf), else the release kernel
# $BUILD/kernel.elf. --iso boots $BUILD/uniplex.iso (or --image ISO)
# through GRUB, --uefi the same under OVMF; the ISO carries its own kernel,
# command line and initrd.
#
# The serial console goes to this terminal and is always logged: to --log
# FILE, else to a temporary file removed at exit.
# Exit status: the kernel's status, 124 on timeout, 125 for a kernel panic
# (the kernel's own status), 126 when QEMU itself failed to run.
# isa-debug-exit makes QEMU exit with (2s+1)&255, which keeps only s mod 128;
# the kernel's last line "power-off: status N" gives the full N (up to 255)
# when N mod 128 agrees with QEMU's code.
# --no-debug-exit leaves out the isa-debug-exit device, so the kernel powers
# off through ACPI (exit status 0); --monitor puts the QEMU monitor on a unix
# socket, --qmp QEMU's machine protocol (QMP) on a unix socket QEMU listens
# on without waiting; --paused starts the machine stopped, for a QMP
# client to let it run (`cont`). --quiet drops the "qemu:" information lines (errors remain).
# --net adds one virtio-net device (none without it): "user" is QEMU's user
# networking with restrict=on (the guest reaches nothing but what --port
# forwards: TCP HOSTADDR:HOSTPORT, default 127.0.0.1, to the guest's
# GUESTPORT); socket-listen/socket-connect put two VMs on one Ethernet
# through a TCP socket on 127.0.0.1:PORT, with MACs 52:54:00:12:34:01 and
# :02 (user networking: 52:54:00:12:34:56). --guestfwd (user networking)
# sends the guest's connections to 10.0.2.N:GPORT to the host's
# 127.0.0.1:HPORT, and nowhere else.
# --vport and --vport-connect add one virtio-serial-pci device (id vser0)
# and on it a named port (virtserialport NAME) per option, whose host side
# is a unix socket: --vport listens on SOCKET and QEMU waits, before the
# guest starts, until something connects to it (so the guest never sees a
# port whose host side opens late); --vport-connect connects to an existing
# SOCKET at startup (QEMU fails when nothing listens there). The port's
# device id is vp-NAME and its chardev's vc-NAME (for QMP's
# VSERPORT_CHANGE events and chardev-change).
set -u
BUILD=${BUILD:-build}
mode=kernel uefi=0 accel="" mem=256M append="" tmo=0 log="" serial=1 debugexit=1 monitor="" qmp="" paused=0
initrd="" kernel_file="" image="" quiet=0 net=""
extra=() ports=() gfwds=() vports=()
while [ $# -gt 0 ]; do
    case "$1" in
    --iso) mode=iso ;;
    --kernel) mode=kernel ;;
    --uefi) uefi=1; mode=iso ;;
    --image) image=$2; mode=iso; shift ;;
    --kernel-file) kernel_file=$2; mode=kernel; shift ;;
    --initrd) initrd=$2; shift ;;
    --accel) accel=$2; shift ;;
    --mem) mem=$2; shift ;;
    --append) append=$2; shift ;;
    --timeout) tmo=$2; shift ;;
    --log) log=$2; shift ;;
    --quiet) quiet=1 ;;
    --no-serial) serial=0 ;;
    --no-debug-exit) debugexit=0 ;;
    --monitor) monitor=$2; shift ;;
    --qmp) qmp=$2; shift ;;
    --paused) paused=1 ;;
    --net) net=$2; shift ;;
    --port) ports+=("$2"); shift ;;
    --guestfwd) gfwds+=("$2"); shift ;;
    --vport) vports+=("listen:$2"); shift ;;
    --vport-connect) vports+=("connect:$2"); shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "qemu.sh: unknown option $1" >&2; exit 126 ;;
    esac
    shift
done

info() {
    [ $quiet = 1 ] || echo "qemu: $*" >&2
}
die() {
    echo "qemu.sh: $*" >&2
    exit 126
}

kvm_usable() {
    [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]
}
# PVM's /dev/kvm (module kvm_pvm) runs this kernel through KVM's instruction
# emulator, which stops the VM at the first SSE instruction a program uses
# (docs/PERFORMANCE.md): not usable as the default.
kvm_is_pvm() {
    [ -d /sys/module/kvm_pvm ]
}
if [ -z "$accel" ]; then
    if kvm_usable && ! kvm_is_pvm; then
        accel=kvm
    else
        accel=tcg
        kvm_is_pvm && info "/dev/kvm is PVM (programs cannot run under it): using TCG; --accel kvm forces it"
    fi
fi
case "$accel" in
kvm) accel_args=(-accel kvm -cpu host,-arch-capabilities) ;; # nested KVM rejects that MSR
tcg) accel_args=(-accel tcg -cpu max) ;;
# TCG counting instead of timing: the guest clock (TSC, PIT, APIC timer)
# advances exactly 1 ns per guest instruction, and idle time is skipped to
# the next timer (docs/PERFORMANCE.md, "Instruction counts").
icount) accel_args=(-accel tcg -cpu max -icount shift=0,align=off,sleep=off) ;;
*) die "--accel must be kvm, tcg or icount" ;;
esac

args=(-m "$mem" -display none -no-reboot)
[ $debugexit = 1 ] && args+=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
if [ $mode = iso ]; then
    [ -n "$initrd" ] && die "--initrd is for --kernel mode (an ISO carries its own initrd)"
    iso=${image:-$BUILD/uniplex.iso}
    [ -r "$iso" ] || die "no ISO image $iso"
    args+=(-cdrom "$iso")
    [ $uefi = 1 ] && args+=(-bios /usr/share/ovmf/OVMF.fd)
else
    kernel=${kernel_file:-${UNIPLEX_KERNEL:-$BUILD/kernel.elf}}
    [ -r "$kernel" ] || die "no kernel $kernel"
    # QEMU passes "KERNEL CMDLINE" to the kernel and takes a module's file
    # name up to its first space; in -initrd a comma separates modules.
    case "$kernel$initrd" in *' '*) die "kernel and initrd paths must not contain spaces" ;; esac
    args+=(-kernel "$kernel" -append "$append")
    if [ -n "$initrd" ]; then
        [ -r "$initrd" ] || die "no initrd $initrd"
        args+=(-initrd "${initrd//,/,,}")
    fi
fi
# The QEMU arguments of --net and --port, in $netargs.
valid_port() {
    [[ $1 =~ ^[0-9]{1,5}$ ]] && [ $((10#$1)) -ge 1 ] && [ $((10#$1)) -le 65535 ]
}
netargs=()
net_setup() {
    local fwd="" p addr hp gp mac netdev
    for p in "${ports[@]}"; do
        [[ $p =~ ^(([0-9]{1,3}\.){3}[0-9]{1,3}:)?([0-9]+):([0-9]+)$ ]] ||
            die "--port $p: expected [HOSTADDR:]HOSTPORT:GUESTPORT"
        addr=${BASH_REMATCH[1]%:} hp=${BASH_REMATCH[3]} gp=${BASH_REMATCH[4]}
        valid_port "$hp" && valid_port "$gp" || die "--port $p: ports are 1-65535"
        fwd+=",hostfwd=tcp:${addr:-127.0.0.1}:$hp-:$gp"
    done
    for p in "${gfwds[@]}"; do
        [[ $p =~ ^tcp:10\.0\.2\.[0-9]{1,3}:([0-9]+)-tcp:127\.0\.0\.1:([0-9]+)$ ]] ||
            die "--guestfwd $p: expected tcp:10.0.2.N:GPORT-tcp:127.0.0.1:HPORT"
        gp=${BASH_REMATCH[1]} hp=${BASH_REMATCH[2]} # valid_port's own match resets them
        valid_port "$gp" && valid_port "$hp" || die "--guestfwd $p: ports are 1-65535"
        fwd+=",guestfwd=$p"
    done
    case "$net" in
    "") [ $((${#ports[@]} + ${#gfwds[@]})) = 0 ] || die "--port and --guestfwd need --net user"
        netargs=(-nic none) # not QEMU's default NIC, on unrestricted user networking
        return ;;
    user) netdev="user,id=net0,restrict=on$fwd" mac=52:54:00:12:34:56 ;;
    socket-listen=* | socket-connect=*)
        [ $((${#ports[@]} + ${#gfwds[@]})) = 0 ] || die "--port and --guestfwd need --net user"
        valid_port "${net#*=}" || die "--net $net: a port 1-65535"
        netdev="socket,id=net0,${net%%=*}=127.0.0.1:${net#*=}"
        netdev=${netdev/socket-listen=/listen=} netdev=${netdev/socket-connect=/connect=}
        mac=52:54:00:12:34:0$([[ $net == socket-listen=* ]] && echo 1 || echo 2) ;;
    *) die "--net must be user, socket-listen=PORT or socket-connect=PORT" ;;
    esac
    netargs=(-netdev "$netdev" -device "virtio-net-pci,netdev=net0,mac=$mac")
}
net_setup
args+=("${netargs[@]}")

# The QEMU arguments of --vport and --vport-connect, in $vportargs.
vportargs=()
vport_setup() {
    local v i=0 name path how
    [ ${#vports[@]} = 0 ] && return
    vportargs=(-device virtio-serial-pci,id=vser0,max_ports=8)
    for v in "${vports[@]}"; do
        how=${v%%:*} v=${v#*:}
        name=${v%%=*} path=${v#*=}
        [[ $v == *=* && $name =~ ^[A-Za-z0-9._-]+$ && -n $path ]] ||
            die "--vport $v: expected NAME=SOCKET (NAME: letters, digits, . _ -)"
        case "$path" in *,*) die "--vport $v: a socket path must not contain a comma" ;; esac
        [ ${#path} -lt 108 ] || die "--vport $v: socket path too long for a unix socket"
        if [ "$how" = listen ]; then
            how=server=on,wait=on
        else
            how=server=off
        fi
        vportargs+=(-chardev "socket,id=vc-$name,path=$path,$how"
            -device "virtserialport,bus=vser0.0,chardev=vc-$name,name=$name,id=vp-$name")
        i=$((i + 1))
    done
    [ $i -le 7 ] || die "at most 7 --vport ports (port 0 is the console's)"
}
vport_setup
args+=("${vportargs[@]}")
info "accelerator $accel, $mode$([ $uefi = 1 ] && echo ' (UEFI)'), memory $mem"

# The serial log: --log FILE, else a temporary file.
tmplog=""
if [ $serial = 1 ] && [ -z "$log" ]; then
    tmplog=$(mktemp "${TMPDIR:-/tmp}/uniplex-serial.XXXXXX") || die "cannot create a log file"
    trap 'rm -f "$tmplog"' EXIT
fi
serlog=${log:-$tmplog}

[ -z "$qmp" ] || args+=(-qmp "unix:$qmp,server=on,wait=off")
[ $paused = 0 ] || args+=(-S)
if [ -n "$monitor" ]; then
    args+=(-monitor "unix:$monitor,server,nowait")
elif [ $serial = 0 ] || [ -n "$log" ] || ! [ -t 0 ]; then
    args+=(-monitor none)
fi
if [ $serial = 0 ]; then
    args+=(-serial none)
elif [ -n "$log" ]; then
    args+=(-chardev "stdio,id=con,logfile=$log,signal=off" -serial chardev:con)
elif [ -t 0 ] && [ -z "$monitor" ]; then
    # Interactive, as -serial mon:stdio (^A c reaches the monitor, ^C the
    # guest), with the log.
    args+=(-chardev "stdio,id=con,mux=on,signal=off,logfile=$tmplog" -serial chardev:con
        -mon chardev=con)
else
    args+=(-chardev "stdio,id=con,logfile=$tmplog" -serial chardev:con)
fi

to=()
[ "$tmo" != 0 ] && to=(timeout --foreground -k 5 "$tmo")
if [ $quiet = 1 ] && [ ${#vports[@]} -gt 0 ]; then
    # A listening --vport's "info: QEMU waiting for connection" line.
    "${to[@]}" qemu-system-x86_64 "${accel_args[@]}" "${args[@]}" "${extra[@]}" \
        2> >(grep -v --line-buffered ': info: QEMU waiting for connection on: ' >&2)
else
    "${to[@]}" qemu-system-x86_64 "${accel_args[@]}" "${args[@]}" "${extra[@]}"
fi
rc=$?
if [ "$tmo" != 0 ] && [ $rc -eq 124 ]; then
    echo "qemu: timed out after ${tmo}s" >&2
    exit 124
fi

# The N of the serial log's last "power-off: status N" line, if any.
logged_status() {
    [ -n "$serlog" ] && [ -f "$serlog" ] || return
    tr -d '\r' < "$serlog" | LC_ALL=C sed -n 's/.*power-off: status \([0-9]\{1,3\}\)$/\1/p' |
        tail -1
}

# QEMU exits 1 for its own errors too: with a serial log, a guest that
# never printed anything did not run.
if [ $rc -eq 1 ] && [ -n "$serlog" ] && ! [ -s "$serlog" ]; then
    echo "qemu: QEMU failed (exit 1, no guest output)" >&2
    exit 126
fi
if [ $((rc % 2)) -eq 1 ]; then
    status=$(((rc - 1) / 2))
    n=$(logged_status)
    if [ -n "$n" ] && [ $((10#$n)) -le 255 ] && [ $((10#$n % 128)) -eq $status ]; then
        status=$((10#$n))
    fi
    info "guest exit status $status"
    exit $status
fi
[ $rc -eq 0 ] && { info "guest powered off (no status)"; exit 0; }
echo "qemu: QEMU failed (exit $rc)" >&2
exit 126

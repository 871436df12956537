#!/bin/sh
# Install the Debian packages Uniplex needs, when any is missing.
# As root: apt-get update + install. Otherwise: print the command and fail.
set -e
PKGS="gcc make binutils grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools
qemu-system-x86 ovmf musl-tools libcmocka-dev libelf-dev busybox-static
console-setup-linux socat linux-libc-dev libc6-dev
linux-image-cloud-amd64 gnuplot-nox cpio python3"

missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$st" = "install ok installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: run as root: apt-get update && $cmd" >&2
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd

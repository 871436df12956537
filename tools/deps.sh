#!/bin/sh
# Install the Debian packages Uniplex needs, when any is missing, and fetch
# three Debian source packages when they are not there yet: the installed
# busybox-static's (its testsuite: tools/bbtest.sh), the installed
# bash-static's (its tests/: tools/bashtest.sh) and lwIP's (the kernel's
# TCP/IP stack, built into it from deps/lwip/source: kernel/net/).
# As root: apt-get update + install; a deb-src entry when apt has none for
# the archive that busybox-static comes from. Otherwise: print the commands
# and fail.
set -e
cd "$(dirname "$0")/.."
PKGS="gcc make binutils grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools
qemu-system-x86 ovmf musl-tools libcmocka-dev libelf-dev busybox-static
bash-static console-setup-linux socat linux-libc-dev libc6-dev curl wrk
linux-image-cloud-amd64 gnuplot-nox cpio python3 dpkg-dev patch gdb"

# Sources go to deps/NAME/source (unpacked, Debian's patches applied) with
# deps/NAME/version (the source version it is). deps/ is not committed;
# `make clean` leaves it.
BB_SRCLIST=/etc/apt/sources.list.d/uniplex-busybox-src
LWIP_VERSION=2.1.3+dfsg1-2

as_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "deps: $1" >&2
        echo "deps: run as root: $2" >&2
        exit 1
    fi
}

install_packages() {
    missing=""
    for p in $PKGS; do
        st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [ "$st" = "install ok installed" ] || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    cmd="apt-get install -y --no-install-recommends$missing"
    as_root "missing Debian packages:$missing" "apt-get update && $cmd"
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    $cmd
}

# source_entry: the file and entry ("FILE:N") of apt's deb entry for this
# release's main component of the Debian archive (busybox-static's).
source_entry() {
    . /etc/os-release
    apt-get indextargets --format '$(SOURCESENTRY)' 'Identifier: Packages' 'Origin: Debian' \
        "Release: $VERSION_CODENAME" 'Component: main' | head -1
}

# deb_src_of FILE N: that entry as a deb-src one (same URIs, suites,
# components and options). A .sources file numbers its stanzas, a .list
# file its lines.
deb_src_of() {
    case "$1" in
    *.sources)
        awk -v n="$2" 'BEGIN { RS = "" } NR == n' "$1" | grep -v '^#' |
            sed 's/^Types:.*/Types: deb-src/' ;;
    *) sed -n "$2s/^deb /deb-src /p" "$1" ;;
    esac
}

# add_deb_src PKG VERSION: a deb-src entry beside busybox-static's deb one,
# unless apt already knows that version of PKG's source.
add_deb_src() {
    apt-cache showsrc "$1" 2>/dev/null | grep -qx "Version: $2" && return 0
    entry=$(source_entry)
    [ -n "$entry" ] || { echo "deps: apt has no Debian main entry to add a deb-src to" >&2; exit 1; }
    case "${entry%:*}" in *.sources) ext=sources ;; *) ext=list ;; esac
    as_root "no deb-src entry for $1 $2" \
        "add a deb-src twin of ${entry} as $BB_SRCLIST.$ext, then apt-get update"
    echo "deps: adding $BB_SRCLIST.$ext (deb-src of $entry)"
    deb_src_of "${entry%:*}" "${entry##*:}" > "$BB_SRCLIST.$ext"
    apt-get update -qq
}

# fetch_source PKG VERSION DIR: apt-get source of PKG=VERSION unpacked by
# dpkg-source (Debian's patches applied) into DIR/source, its version in
# DIR/version, unless DIR has it already.
fetch_source() {
    [ -d "$3/source" ] && [ "$(cat "$3/version" 2>/dev/null)" = "$2" ] && return 0
    add_deb_src "$1" "$2"
    echo "deps: fetching the source of $1 $2 into $3"
    rm -rf "$3"
    mkdir -p "$3/tmp"
    (cd "$3/tmp" && apt-get source -qq "$1=$2" > apt.log 2>&1) ||
        { cat "$3/tmp/apt.log" >&2; exit 1; }
    mv "$3"/tmp/"$1"-*/ "$3/source"
    rm -rf "$3/tmp"
    echo "$2" > "$3/version"
}

install_packages
fetch_source busybox "$(dpkg-query -W -f='${source:Version}' busybox-static)" deps/busybox
fetch_source bash "$(dpkg-query -W -f='${source:Version}' bash-static)" deps/bash
# lwIP 2.1.3 as Debian bookworm ships it: the version the kernel's port
# (kernel/net/) is written for.
fetch_source lwip "$LWIP_VERSION" deps/lwip

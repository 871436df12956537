#!/bin/sh
# Install the Debian packages Uniplex needs, when any is missing, and fetch
# the source of the installed busybox-static (its testsuite: tools/bbtest.sh)
# when it is not there yet.
# As root: apt-get update + install; a deb-src entry when apt has none for
# the archive that busybox-static comes from. Otherwise: print the commands
# and fail.
set -e
cd "$(dirname "$0")/.."
PKGS="gcc make binutils grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools
qemu-system-x86 ovmf musl-tools libcmocka-dev libelf-dev busybox-static
console-setup-linux socat linux-libc-dev libc6-dev curl wrk
linux-image-cloud-amd64 gnuplot-nox cpio python3 dpkg-dev"

# BusyBox's source: deps/busybox/source (unpacked, Debian's patches applied)
# and deps/busybox/version (the source version it is). deps/ is not
# committed; `make clean` leaves it.
BB_DIR=deps/busybox
BB_SRCLIST=/etc/apt/sources.list.d/uniplex-busybox-src

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

# add_deb_src: a deb-src entry beside busybox-static's deb one, unless apt
# already knows the source.
add_deb_src() {
    apt-cache showsrc busybox 2>/dev/null | grep -qx "Version: $1" && return 0
    entry=$(source_entry)
    [ -n "$entry" ] || { echo "deps: apt has no Debian main entry to add a deb-src to" >&2; exit 1; }
    case "${entry%:*}" in *.sources) ext=sources ;; *) ext=list ;; esac
    as_root "no deb-src entry for busybox $1 (for its testsuite)" \
        "add a deb-src twin of ${entry} as $BB_SRCLIST.$ext, then apt-get update"
    echo "deps: adding $BB_SRCLIST.$ext (deb-src of $entry)"
    deb_src_of "${entry%:*}" "${entry##*:}" > "$BB_SRCLIST.$ext"
    apt-get update -qq
}

# fetch_busybox_source: apt-get source of busybox-static's exact version,
# unpacked by dpkg-source, unless deps/busybox has it.
fetch_busybox_source() {
    ver=$(dpkg-query -W -f='${source:Version}' busybox-static)
    [ -d "$BB_DIR/source/testsuite" ] && [ "$(cat "$BB_DIR/version" 2>/dev/null)" = "$ver" ] &&
        return 0
    add_deb_src "$ver"
    echo "deps: fetching the source of busybox $ver into $BB_DIR"
    rm -rf "$BB_DIR"
    mkdir -p "$BB_DIR/tmp"
    (cd "$BB_DIR/tmp" && apt-get source -qq "busybox=$ver" > apt.log 2>&1) ||
        { cat "$BB_DIR/tmp/apt.log" >&2; exit 1; }
    mv "$BB_DIR"/tmp/busybox-*/ "$BB_DIR/source"
    rm -rf "$BB_DIR/tmp"
    echo "$ver" > "$BB_DIR/version"
}

install_packages
fetch_busybox_source

#!/bin/bash
# bbtest: BusyBox's own testsuite, run natively and inside Uniplex with
# Debian's unmodified busybox-static, compared test by test.
#
#   tools/bbtest.sh [--known FILE] [--skip TEST]... [--timeout SEC]
#                   [--accel kvm|tcg] [--verbose] [APPLET...]
#
# The testsuite and the build configuration come from Debian's source
# package of the installed binary, which `make deps` (tools/deps.sh) puts in
# deps/busybox/source. One tree, $BUILD/bbtest/tree, is built as the Uniplex
# image is: /bin/busybox and a symbolic link for every applet it lists;
# /busybox holds the testsuite, a link to /bin/busybox, Debian's .config of
# the static binary (the testsuite skips what that binary was built
# without, in both runs) and run.sh, which runs `runtest` (on the APPLETs
# given, else on all) with the environment Debian's build gives it. run.sh
# runs under busybox's own shell, as pid 1, both times:
#   natively, as root, in a chroot of a tmpfs copy of the tree inside new
#     mount and pid namespaces, with /proc and a /dev of Linux's usual
#     devices (null, zero, full, random, urandom, tty; fd, stdin, stdout,
#     stderr);
#   inside Uniplex, as init of an image of the same tree, booted by
#     tools/uniplex run (its kernel: $UNIPLEX_KERNEL, else the release
#     kernel), stopped after --timeout SEC (default 1200).
#
# A test is its name as runtest prints it, with " (2)", " (3)"... for a name
# printed again. Prints "busybox testsuite: N passed natively, M of them in
# Uniplex" and every native pass that did not pass in Uniplex; exit status
# 0 when there is none, 1 otherwise, 2 when the runs could not be made.
# Before that, the times of both runs and the kernel's leak line after the
# Uniplex run ("bbtest: Uniplex leaks: ...", from the test kernel).
# --known FILE: the native passes FILE lists ("FEATURE: TEST NAME", one a
# line; # starts a comment) may fail in Uniplex, and must: a listed test
# that passes there, or that is no native pass, fails the check too.
# --skip TEST: that test (one of the testsuite's `testing` function) is
# reported SKIPPED instead of run, in both runs (the tree's copy of
# testing.sh checks $BBTEST_SKIP; the source stays as it is).
# --verbose: runtest -v, which shows the output of every failure.
# Logs and results: $BUILD/bbtest/{native,uniplex}.log and .results.
set -u
cd "$(dirname "$0")/.."
suite_label="busybox testsuite" known_form="FEATURE: TEST NAME"
. tools/suitecmp.sh || exit 2
BUILD=${BUILD:-build}
OUT=$BUILD/bbtest
SRC=deps/busybox/source
BUSYBOX=/bin/busybox
NATIVE_TIMEOUT=900

known="" timeout=1200 accel="" applets=() verbose=() skips=""
while [ $# -gt 0 ]; do
    case "$1" in
    --known | --timeout | --accel | --skip)
        [ $# -ge 2 ] || { echo "bbtest: $1 needs a value" >&2; exit 2; } ;;
    esac
    case "$1" in
    --known) known=$2; shift ;;
    --timeout) timeout=$2; shift ;;
    --accel) accel=$2; shift ;;
    --verbose) verbose=(-v) ;;
    --skip)
        case "$2" in *[\'\|]*) echo "bbtest: --skip $2: no ' or | in a test name here" >&2; exit 2 ;; esac
        skips="$skips|$2"; shift ;;
    -h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bbtest: unknown option $1" >&2; exit 2 ;;
    *) applets+=("$1") ;;
    esac
    shift
done

die() {
    echo "bbtest: $*" >&2
    exit 2
}

# check_source: $BUSYBOX is busybox-static's and deps/busybox holds its
# source.
check_source() {
    local want have bin
    bin=$(dpkg-query -W -f='${Version}' busybox-static 2> /dev/null)
    "$BUSYBOX" 2>&1 | head -1 | grep -qF "(Debian $bin)" ||
        die "$BUSYBOX is not busybox-static $bin: $("$BUSYBOX" 2>&1 | head -1)"
    want=$(dpkg-query -W -f='${source:Version}' busybox-static 2> /dev/null) ||
        die "busybox-static is not installed (make deps)"
    have=$(cat deps/busybox/version 2> /dev/null)
    [ -x "$SRC/testsuite/runtest" ] && [ "$have" = "$want" ] ||
        die "no source of busybox $want in $SRC (make deps fetches it)"
    [ -f "$SRC/debian/config/pkg/static" ] || die "$SRC has no debian/config/pkg/static"
}

# The testsuite's environment: Debian's (debian/rules, TESTSUITE_ENV), with
# stdin from /dev/null in both runs.
write_run_sh() {
    cat > "$1" << EOF
# Written by tools/bbtest.sh: runs BusyBox's testsuite as Debian's build does.
exec < /dev/null
export PATH=/bin HOME=/ SHELL=/bin/sh LANG=C.UTF-8 LC_ALL=C.UTF-8
export SKIP_KNOWN_BUGS=y SKIP_INTERNET_TESTS=y
export BBTEST_SKIP='${skips#|}'
cd /busybox/testsuite || exit 1
echo "bbtest: runtest starts"
./runtest "\$@"
echo "bbtest: runtest exit status \$?"
rm -rf /busybox/runtest-tempdir-links
EOF
}

# skip_tests TESTING.SH: its `testing` skips the tests named in $BBTEST_SKIP
# ("|"-separated) as it skips those of a feature left out: without running
# them.
skip_tests() {
    local check='  case "|$BBTEST_SKIP|" in *"|$NAME|"*) echo "SKIPPED: $NAME"; return 0 ;; esac'
    [ -n "$skips" ] || return 0
    sed -i "s/^  if \[ -n \"\$SKIP\" \]\$/$check\n&/" "$1"
    grep -qF -- "$check" "$1" || die "$1: cannot find where testing() skips a test"
}

# default_etc TREE: the /etc files every Uniplex image gets (passwd, group,
# hostname: tools/mkimage.c's defaults), taken from an image mkimage makes,
# so that both runs see the same users and groups.
default_etc() {
    local img=$OUT/etc-image
    rm -rf "$img"
    "$BUILD/host/mkimage" -o "$img" --init /bin/busybox "$BUSYBOX:/bin/busybox" > /dev/null ||
        die "mkimage failed"
    (cd "$1" && cpio -idm --quiet '*etc/*') < "$img/initrd.cpio" || die "cannot unpack $img"
    rm -rf "$img"
}

build_tree() {
    local tree=$1 a
    rm -rf "$tree"
    mkdir -p "$tree/bin" "$tree/busybox"
    cp "$BUSYBOX" "$tree/bin/busybox"
    default_etc "$tree"
    for a in $("$BUSYBOX" --list); do
        [ "$a" = busybox ] || ln -s busybox "$tree/bin/$a"
    done
    cp -a "$SRC/testsuite" "$tree/busybox/testsuite"
    skip_tests "$tree/busybox/testsuite/testing.sh"
    cp "$SRC/debian/config/pkg/static" "$tree/busybox/.config"
    ln -s /bin/busybox "$tree/busybox/busybox"
    write_run_sh "$tree/busybox/run.sh"
}

# The native run's set-up, inside the new namespaces (tools/suitecmp.sh): $1
# the root (made a tmpfs holding a copy of the tree $2), then run.sh's
# arguments.
NATIVE_SETUP=$(native_setup bbtest /busybox/run.sh)

run_native() {
    [ "$(id -u)" = 0 ] || die "the native run needs root (chroot, mounts)"
    timeout "$NATIVE_TIMEOUT" unshare --mount --pid --fork --kill-child --propagation private \
        /bin/sh -c "$NATIVE_SETUP" bbtest "$OUT/native-root" "$OUT/tree" "${verbose[@]}" "${applets[@]}" \
        < /dev/null > "$OUT/native.log" 2>&1
}

# run_uniplex: the tree as an image, /bin/busybox sh /busybox/run.sh as
# init. Sets $ustatus.
run_uniplex() {
    local f args=()
    while IFS= read -r f; do
        f=${f#./}
        if [ -L "$OUT/tree/$f" ]; then
            args+=(--symlink "/$f=$(readlink "$OUT/tree/$f")")
        elif [ "$f" != bin/busybox ]; then
            args+=(--add "$OUT/tree/$f:/$f")
        fi
    done < <(cd "$OUT/tree" && find . ! -type d | sort)
    [ -n "$accel" ] && args+=(--accel "$accel")
    rm -f "$OUT/uniplex.log.raw"
    tools/uniplex run --stdio console -v --mem 512M --timeout "$timeout" --log "$OUT/uniplex.log.raw" \
        "${args[@]}" "$OUT/tree/bin/busybox" sh /busybox/run.sh "${verbose[@]}" "${applets[@]}" \
        < /dev/null > /dev/null 2> "$OUT/uniplex.err"
    ustatus=$?
    tr -d '\r' < "$OUT/uniplex.log.raw" > "$OUT/uniplex.log" 2> /dev/null || : > "$OUT/uniplex.log"
}

# results LOG: "STATUS<TAB>TEST" for each PASS/FAIL/SKIPPED/UNTESTED line.
results() {
    sed -n 's/^\(PASS\|FAIL\|SKIPPED\|UNTESTED\): \(.*\)$/\1\t\2/p' "$1" |
        awk -F'\t' '{ n = ++seen[$2]; print $1 "\t" $2 (n > 1 ? " (" n ")" : "") }'
}

check_source
[ -z "$known" ] || [ -r "$known" ] || die "$known: cannot read it"
mkdir -p "$OUT"
known_tests > "$OUT/known"
build_tree "$OUT/tree"
t0=$(date +%s)
run_native
nstatus=$?
t1=$(date +%s)
run_uniplex
t2=$(date +%s)
echo "bbtest: native run $((t1 - t0)) s (status $nstatus), Uniplex run $((t2 - t1)) s" \
    "(status $ustatus, limit $timeout s)"
grep -q '^bbtest: runtest exit status' "$OUT/native.log" ||
    die "the native run did not finish (see $OUT/native.log)"
grep -q '^bbtest: runtest exit status' "$OUT/uniplex.log" ||
    echo "bbtest: the Uniplex run did not finish (see $OUT/uniplex.log)"
grep -h '^leaks: ' "$OUT/uniplex.log" | sed 's/^/bbtest: Uniplex /'
results "$OUT/native.log" > "$OUT/native.results"
results "$OUT/uniplex.log" > "$OUT/uniplex.results"
report

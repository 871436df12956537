#!/bin/bash
# bashtest: GNU bash's own test suite (its tests/run-* scripts), run natively
# and inside Uniplex with Debian's unmodified bash-static, compared script by
# script.
#
#   tools/bashtest.sh [--known FILE] [--timeout SEC] [--accel kvm|tcg]
#                     [--verbose] [RUN-SCRIPT...]
#
# The suite comes from Debian's source package of the installed bash-static,
# which `make deps` (tools/deps.sh) puts in deps/bash/source. Its four helper
# programs (recho, zecho, printenv, xcase: bash's support/, which its own
# `make check` builds) are compiled here with musl-gcc -static. One tree,
# $BUILD/bashtest/tree, is built as bbtest's is: /bin/busybox (Debian's
# busybox-static) with a link for every applet, /bin/bash (bash-static),
# /bash/tests (the suite and the helpers) and /bash/run.sh, which runs each
# run-* script as bash's `make check` does (`sh run-NAME` in tests/, with
# THIS_SH=/bin/bash and the helpers first in PATH), under busybox's shell, as
# pid 1, natively in a chroot (tools/bbtest.sh's set-up: new mount and pid
# namespaces, /proc, a /dev of the usual devices) and inside Uniplex, as
# init of an image of the same tree booted by tools/uniplex run (kernel:
# $UNIPLEX_KERNEL, else the release kernel), stopped after --timeout SEC
# (default 1200). Each script gets 120 s (busybox timeout).
#
# A script passes when it prints nothing but its "warning:" lines (the
# suite's rule: "Any output from any test, unless otherwise noted, indicates
# a possible anomaly"). The scripts of $SKIP are not run in either run, for
# the reason given there. Prints "bash testsuite: N passed natively, M of
# them in Uniplex" and every native pass that did not pass in Uniplex; exit
# status 0 when there is none, 1 otherwise, 2 when the runs could not be
# made. Before that, the times of both runs and the kernel's leak line after
# the Uniplex run ("bashtest: Uniplex leaks: ...", from the test kernel).
# --known FILE: the native passes FILE lists ("REASON: run-NAME", one a
# line; # starts a comment) may fail in Uniplex, and must.
# --verbose: the output of every failing script goes into the logs.
# Logs and results: $BUILD/bashtest/{native,uniplex}.log and .results.
set -u
cd "$(dirname "$0")/.."
suite_label="bash testsuite" known_form="REASON: run-NAME"
. tools/suitecmp.sh || exit 2
BUILD=${BUILD:-build}
OUT=$BUILD/bashtest
SRC=deps/bash/source
BASH_STATIC=/bin/bash-static
BUSYBOX=/bin/busybox
NATIVE_TIMEOUT=1200
SCRIPT_TIMEOUT=120

# Scripts left out of both runs, and why.
SKIP="run-all run-minimal run-gprof"                  # drivers of the others
SKIP="$SKIP run-intl"       # needs the host's locales (de_DE.UTF-8...), none in the tree
SKIP="$SKIP run-ifs-posix"  # over a minute natively, more under TCG (6,856 IFS cases)
SKIP="$SKIP run-read"       # its read -t/-e cases read /dev/tty: needs a terminal

known="" timeout=1200 accel="" scripts=() verbose=0
while [ $# -gt 0 ]; do
    case "$1" in
    --known | --timeout | --accel)
        [ $# -ge 2 ] || { echo "bashtest: $1 needs a value" >&2; exit 2; } ;;
    esac
    case "$1" in
    --known) known=$2; shift ;;
    --timeout) timeout=$2; shift ;;
    --accel) accel=$2; shift ;;
    --verbose) verbose=1 ;;
    -h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bashtest: unknown option $1" >&2; exit 2 ;;
    *) scripts+=("$1") ;;
    esac
    shift
done

die() {
    echo "bashtest: $*" >&2
    exit 2
}

# check_source: $BASH_STATIC is bash-static's and deps/bash holds its source.
check_source() {
    local want have
    [ -x "$BASH_STATIC" ] || die "no $BASH_STATIC (make deps installs bash-static)"
    want=$(dpkg-query -W -f='${source:Version}' bash-static 2> /dev/null) ||
        die "bash-static is not installed (make deps)"
    have=$(cat deps/bash/version 2> /dev/null)
    [ -d "$SRC/tests" ] && [ "$have" = "$want" ] ||
        die "no source of bash $want in $SRC (make deps fetches it)"
}

# build_helpers DIR: bash's test helpers, static, into DIR.
build_helpers() {
    local p inc=$OUT/include
    mkdir -p "$inc"
    printf '#define HAVE_STRING_H 1\n#define HAVE_STDLIB_H 1\n#define HAVE_UNISTD_H 1\n' > "$inc/config.h"
    for p in recho zecho printenv xcase; do
        musl-gcc -static -O2 -DHAVE_CONFIG_H -I"$inc" -I"$SRC" -I"$SRC/include" \
            -o "$1/$p" "$SRC/support/$p.c" || die "cannot build bash's support/$p.c"
    done
}

# selected: the run-* scripts to run (the arguments, else all), minus $SKIP.
selected() {
    local s
    if [ ${#scripts[@]} -gt 0 ]; then
        printf '%s\n' "${scripts[@]}"
    else
        (cd "$SRC/tests" && ls run-*)
    fi | while read -r s; do
        case " $SKIP " in *" $s "*) echo "SKIPPED: $s" >&2 ;; *) echo "$s" ;; esac
    done
}

# write_run_sh FILE: the runner. Each script's output goes to the log
# between "bashtest: output" and "bashtest: end" when it fails (--verbose).
write_run_sh() {
    cat > "$1" << EOF
# Written by tools/bashtest.sh: runs bash's run-* scripts as its make check.
exec < /dev/null
export PATH=/bash/tests:/bin HOME=/ SHELL=/bin/sh TMPDIR=/tmp LANG=C LC_ALL=C
export THIS_SH=/bin/bash BUILD_DIR=/bash
mkdir -p /tmp
cd /bash/tests || exit 1
find / -xdev > /tmp/bashtest.before
echo "bashtest: starts"
for x in $(selected 2> /dev/null | tr '\n' ' '); do
    export BASH_TSTOUT=/tmp/bashtst-\$x
    t0=\$(date +%s)
    timeout $SCRIPT_TIMEOUT sh \$x > /tmp/out-\$x 2>&1
    st=\$?
    t=\$((\$(date +%s) - t0))
    if [ \$st = 0 ] && ! grep -qv '^warning:' /tmp/out-\$x; then
        echo "PASS: \$x (\$t s)"
    else
        echo "FAIL: \$x (\$t s, status \$st, \$(grep -cv '^warning:' /tmp/out-\$x) lines)"
        [ $verbose = 0 ] || { echo "bashtest: output"; head -c 4000 /tmp/out-\$x; echo "bashtest: end"; }
    fi
    rm -f /tmp/out-\$x /tmp/bashtst-\$x
done
# What the scripts left running (the native run's pid namespace would end
# it) and the files they left behind: shown, then killed and removed, so
# the kernel's leak line counts only what the kernel itself lost.
ps -o pid,stat,args | grep -v ' ps -o \\| grep \\|/bash/run.sh' | sed 1d | sed 's/^/bashtest: left running: /'
kill -9 -1 2> /dev/null
sleep 1
find / -xdev | grep -vxF -f /tmp/bashtest.before | grep -vx -e /tmp/bashtest.before -e /tmp/bashtest.after > /tmp/bashtest.after
sed 's/^/bashtest: left behind: /' /tmp/bashtest.after
xargs rm -rf < /tmp/bashtest.after
rm -f /tmp/bashtest.before /tmp/bashtest.after
echo "bashtest: done"
EOF
}

build_tree() {
    local tree=$1 a
    rm -rf "$tree"
    mkdir -p "$tree/bin" "$tree/bash"
    cp "$BUSYBOX" "$tree/bin/busybox"
    for a in $("$BUSYBOX" --list); do
        [ "$a" = busybox ] || ln -s busybox "$tree/bin/$a"
    done
    cp "$BASH_STATIC" "$tree/bin/bash"
    cp -a "$SRC/tests" "$tree/bash/tests"
    build_helpers "$tree/bash/tests"
    write_run_sh "$tree/bash/run.sh"
}

# The native run's set-up (tools/suitecmp.sh: a tmpfs root holding the tree,
# /proc, a /dev of Linux's usual devices), then run.sh under busybox sh.
NATIVE_SETUP=$(native_setup bashtest /bash/run.sh)

# close_fds: this shell's descriptors above 2 closed, so the native run
# starts with only 0, 1 and 2 open, as init does in Uniplex (bash's tests
# print the numbers `exec {v}>` picks, and a caller's stray fd 10 shifts
# them).
close_fds() {
    local fd
    for fd in $(ls /proc/$BASHPID/fd); do
        [ "$fd" -gt 2 ] && eval "exec $fd<&-"
    done
} 2> /dev/null

run_native() {
    [ "$(id -u)" = 0 ] || die "the native run needs root (chroot, mounts)"
    (close_fds; exec timeout "$NATIVE_TIMEOUT" unshare --mount --pid --fork --kill-child --propagation private \
        /bin/sh -c "$NATIVE_SETUP" bashtest "$OUT/native-root" "$OUT/tree" \
        < /dev/null > "$OUT/native.log" 2>&1)
}

# run_uniplex: the tree as an image, /bin/busybox sh /bash/run.sh as init.
# Sets $ustatus.
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
        "${args[@]}" "$OUT/tree/bin/busybox" sh /bash/run.sh \
        < /dev/null > /dev/null 2> "$OUT/uniplex.err"
    ustatus=$?
    tr -d '\r' < "$OUT/uniplex.log.raw" > "$OUT/uniplex.log" 2> /dev/null || : > "$OUT/uniplex.log"
}

# results LOG: "STATUS<TAB>SCRIPT" for each PASS/FAIL line.
results() {
    sed -n 's/^\(PASS\|FAIL\): \(run-[^ ]*\).*$/\1\t\2/p' "$1"
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
echo "bashtest: native run $((t1 - t0)) s (status $nstatus), Uniplex run $((t2 - t1)) s" \
    "(status $ustatus, limit $timeout s)"
grep -q '^bashtest: done' "$OUT/native.log" ||
    die "the native run did not finish (see $OUT/native.log)"
grep -q '^bashtest: done' "$OUT/uniplex.log" ||
    echo "bashtest: the Uniplex run did not finish (see $OUT/uniplex.log)"
grep -h '^leaks: ' "$OUT/uniplex.log" | sed 's/^/bashtest: Uniplex /'
results "$OUT/native.log" > "$OUT/native.results"
results "$OUT/uniplex.log" > "$OUT/uniplex.results"
report

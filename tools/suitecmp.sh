# shellcheck shell=bash
# tools/suitecmp.sh: the comparison of a test suite's native and Uniplex
# runs, sourced by tools/bbtest.sh (BusyBox's testsuite) and
# tools/bashtest.sh (bash's): which tests passed natively, which of those
# passed in Uniplex, and the --known file of native passes allowed to fail;
# and the chroot both native runs use (native_setup).
#
# Uses from the caller: $OUT (holding native.results and uniplex.results,
# "STATUS<TAB>TEST" lines), $known (the --known file, or empty), die, and
# $suite_label ("busybox testsuite", "bash testsuite"). A --known line is
# "REASON: TEST" ($known_form says it in the caller's words).

# passes RESULTS: the tests that passed, sorted.
passes() {
    awk -F'\t' '$1 == "PASS" { print $2 }' "$1" | LC_ALL=C sort
}

# known_tests: the test names of the --known file, sorted; dies on a line
# that is not "REASON: TEST".
known_tests() {
    local bad
    [ -n "$known" ] || return 0
    bad=$(grep -v '^[[:space:]]*\(#\|$\)' "$known" | grep -v '^[^ :]\+: .' | head -1)
    [ -z "$bad" ] || die "$known: not \"$known_form\": $bad"
    grep -v '^[[:space:]]*\(#\|$\)' "$known" | sed 's/^[^:]*: //' | LC_ALL=C sort
}

# status_of TEST: its status in the Uniplex run, or "not run".
status_of() {
    awk -F'\t' -v t="$1" '$2 == t { print $1; found = 1; exit } END { if (!found) print "not run" }' \
        "$OUT/uniplex.results"
}

# report: the counts, then every native pass that failed in Uniplex (and is
# not listed in --known), every stale --known line. Status 1 if any.
report() {
    local n m t rc=0
    passes "$OUT/native.results" > "$OUT/native.passes"
    passes "$OUT/uniplex.results" > "$OUT/uniplex.passes"
    LC_ALL=C comm -23 "$OUT/native.passes" "$OUT/uniplex.passes" > "$OUT/missing"
    n=$(wc -l < "$OUT/native.passes")
    m=$(LC_ALL=C comm -12 "$OUT/native.passes" "$OUT/uniplex.passes" | wc -l)
    echo "$suite_label: $n passed natively, $m of them in Uniplex"
    [ -z "$known" ] || echo "$suite_label: $(LC_ALL=C comm -12 "$OUT/missing" "$OUT/known" |
        wc -l) native passes fail in Uniplex as $known lists"
    while IFS= read -r t; do
        echo "  native pass, $(status_of "$t") in Uniplex: $t"
        rc=1
    done < <(LC_ALL=C comm -23 "$OUT/missing" "$OUT/known")
    while IFS= read -r t; do
        if grep -qxF -- "$t" "$OUT/native.passes"; then
            echo "  listed in $known but passes in Uniplex: $t"
        else
            echo "  listed in $known but no native pass: $t"
        fi
        rc=1
    done < <(LC_ALL=C comm -13 "$OUT/missing" "$OUT/known")
    return $rc
}

# native_setup NAME RUN_SH: the script (for sh -c) of a suite's native run,
# run inside new mount and pid namespaces with arguments ROOT TREE ARGS...:
# ROOT made a tmpfs (named NAME) holding a copy of TREE, with /proc, /tmp
# and a /dev of Linux's usual devices, then `busybox sh RUN_SH ARGS...`
# chrooted there.
native_setup() {
    printf '%s\n' 'set -e' 'root=$1 tree=$2' 'shift 2' 'mkdir -p "$root"' \
        "mount -t tmpfs -o mode=755 $1 \"\$root\"" \
        'cp -a "$tree/." "$root/"' 'mkdir "$root/proc" "$root/dev" "$root/tmp"' \
        'mount -t proc proc "$root/proc"' 'mount -t tmpfs -o mode=755 dev "$root/dev"' \
        'mknod -m 666 "$root/dev/null" c 1 3' 'mknod -m 666 "$root/dev/zero" c 1 5' \
        'mknod -m 666 "$root/dev/full" c 1 7' 'mknod -m 666 "$root/dev/random" c 1 8' \
        'mknod -m 666 "$root/dev/urandom" c 1 9' 'mknod -m 666 "$root/dev/tty" c 5 0' \
        'ln -s /proc/self/fd "$root/dev/fd"' 'ln -s /proc/self/fd/0 "$root/dev/stdin"' \
        'ln -s /proc/self/fd/1 "$root/dev/stdout"' 'ln -s /proc/self/fd/2 "$root/dev/stderr"' \
        "exec chroot \"\$root\" /bin/busybox sh $2 \"\$@\""
}

#!/bin/bash
# Host test of the image builder, build/host/mkimage (not built here: run
# `make build/host/mkimage` first; MKIMAGE=path overrides). It compiles its
# sample programs with musl-gcc and gcc into a temporary directory, then
# checks what the builder refuses (one "mkimage: FILE: REASON" line, exit
# status 1, no output files) and what it writes: the cpio layout (every
# regular file's data at a 4096-aligned offset, directories first), the
# command line and grub.cfg. Prints "ok NAME" / "FAIL NAME: why" lines;
# exits 1 when any case failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
MK=${MKIMAGE:-build/host/mkimage}
[ -x "$MK" ] || { echo "FAIL mkimage: $MK not built (make build/host/mkimage)"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/mkimage_test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
failed=0

ok() { echo "ok mkimage/$1"; }
bad() { echo "FAIL mkimage/$1: $2"; failed=$((failed + 1)); }

# --- sample inputs -------------------------------------------------------------
HELLO=tests/unit/elf/hello.c
musl-gcc -static -O2 "$HELLO" -o "$T/hello" || { echo "FAIL mkimage: musl-gcc failed"; exit 1; }
gcc -O2 "$HELLO" -o "$T/dynamic" || { echo "FAIL mkimage: gcc failed"; exit 1; }
musl-gcc -c -O2 "$HELLO" -o "$T/object.o" || exit 1
head -c 100 "$T/hello" > "$T/truncated"
# A 32-bit ELF: no multilib here, so the 64-bit one with EI_CLASS (byte 4) = 1.
cp "$T/hello" "$T/elf32" && printf '\001' | dd of="$T/elf32" bs=1 seek=4 conv=notrunc status=none
# An AArch64 one: e_machine (bytes 18-19, little-endian) = 183.
cp "$T/hello" "$T/arm64" && printf '\267\000' | dd of="$T/arm64" bs=1 seek=18 conv=notrunc status=none
printf 'MKIMAGE-TEST-DATA: plain text\n' > "$T/data.txt"
chmod 0640 "$T/data.txt"

# run NAME ARGS...: mkimage -o $T/NAME ARGS; sets $rc, $err (stderr), $out (dir).
run() {
    out=$T/$1
    shift
    "$MK" -o "$out" "$@" > "$T/stdout" 2> "$T/stderr"
    rc=$?
    err=$(cat "$T/stderr")
}

# rejects NAME REGEX ARGS...: exit status 1, exactly one stderr line
# matching REGEX, and no image left behind.
rejects() {
    local name=$1 re=$2
    shift 2
    run "$name" "$@"
    if [ $rc -ne 1 ]; then
        bad "$name" "exit status $rc, expected 1 (stderr: $err)"
    elif [ "$(wc -l < "$T/stderr")" -ne 1 ] || ! grep -qE -- "$re" "$T/stderr"; then
        bad "$name" "stderr '$err' does not match '$re'"
    elif [ -e "$out/initrd.cpio" ] || [ -e "$out/cmdline" ] || [ -e "$out/grub.cfg" ]; then
        bad "$name" "output files left in $out"
    else
        ok "$name"
    fi
}

# --- refusals ------------------------------------------------------------------------
rejects reject-32bit "^mkimage: $T/elf32: 32-bit ELF \(class ELFCLASS32\)" \
    --init /bin/x "$T/elf32:/bin/x"
rejects reject-truncated "^mkimage: $T/truncated: truncated: " --init /bin/x "$T/truncated:/bin/x"
rejects reject-dynamic "^mkimage: $T/dynamic: dynamically linked: not supported$" \
    --init /bin/x "$T/dynamic:/bin/x"
rejects reject-machine "^mkimage: $T/arm64: ELF for machine AArch64 \(e_machine 183\), not x86-64$" \
    --init /bin/x "$T/arm64:/bin/x"
rejects reject-object "^mkimage: $T/object.o: relocatable object \(ET_REL\)" \
    --init /bin/x "$T/object.o:/bin/x"
# A bad ELF is refused even when it is not init.
rejects reject-bad-data-elf "^mkimage: $T/dynamic: dynamically linked" \
    --init /bin/x "$T/hello:/bin/x" "$T/dynamic:/lib/y"
rejects reject-missing "^mkimage: $T/nope: No such file or directory$" --init /bin/x "$T/nope:/bin/x"
rejects reject-relative-dest "destination 'bin/x' is not an absolute path" --init /bin/x "$T/hello:bin/x"
rejects reject-no-dest "expected SRC:DEST" --init /bin/x "$T/hello"
rejects reject-dotdot-dest "not a file path" --init /bin/x "$T/hello:/bin/../x"
rejects reject-duplicate "^mkimage: /bin/x: destination given twice" \
    --init /bin/x "$T/hello:/bin/x" "$T/data.txt:/bin//x"
rejects reject-file-as-dir "^mkimage: /bin: is a file, but /bin/x needs it to be a directory" \
    --init /bin/x "$T/hello:/bin/x" "$T/data.txt:/bin"
rejects reject-init-missing "^mkimage: init /sbin/init: not in the image" "$T/hello:/bin/x"
rejects reject-init-data "^mkimage: init /etc/d: .*data.txt is not an ELF program" \
    --init /etc/d "$T/data.txt:/etc/d"
rejects reject-init-dangling-link "^mkimage: init /sbin/init: not in the image" \
    --symlink /sbin/init=/bin/nothing "$T/hello:/bin/x"
rejects reject-control-arg "control characters" --init /bin/x --arg "$(printf 'a\tb')" "$T/hello:/bin/x"
rejects reject-empty-arg "empty word" --init /bin/x --arg "" "$T/hello:/bin/x"
rejects reject-env-form "^mkimage: --env X: expected NAME=VALUE$" --init /bin/x --env X "$T/hello:/bin/x"

# --- a good image ------------------------------------------------------------------------
# cpio_list FILE: one line per entry, "NAME MODE(octal) DATA-OFFSET SIZE" with
# the "./" prefixes stripped, after checking every header; "BAD ..." on error.
cpio_list() {
    perl -e 'local $/; my $d = <STDIN>; my $off = 0;
        while (1) {
            substr($d, $off, 6) eq "070701" or do { print "BAD magic at $off\n"; exit };
            my @f = map { hex substr($d, $off + 6 + 8 * $_, 8) } 0 .. 12;
            my $name = substr($d, $off + 110, $f[11] - 1);
            substr($d, $off + 110 + $f[11] - 1, 1) eq "\0" or do { print "BAD name at $off\n"; exit };
            if ($name eq "TRAILER!!!") { print "TRAILER $off\n"; exit }
            my $data = ($off + 110 + $f[11] + 3) & ~3;
            $name =~ s{^(\./)+}{};
            printf "%s %o %d %d\n", $name, $f[1], $data, $f[6];
            $off = ($data + $f[6] + 3) & ~3;
        }' < "$1"
}

# same_bytes CPIO OFFSET SIZE FILE: the archive holds FILE at OFFSET.
same_bytes() {
    tail -c +$(($2 + 1)) "$1" | head -c "$3" | cmp -s - "$4"
}

run good --init /bin/hello --arg a --arg "b c" --env "X=1 2" --kopt quantum=5 \
    --symlink /sbin/init=../bin/hello "$T/hello:/bin/hello" "$T/data.txt:/etc/"
if [ $rc -ne 0 ]; then
    bad good-image "exit status $rc: $err"
else
    ok good-image
    list=$(cpio_list "$out/initrd.cpio")
    echo "$list" > "$T/list"
    # etc/group, etc/hostname and etc/passwd: the defaults every image gets.
    want_names="bin bin/hello etc etc/data.txt etc/group etc/hostname etc/passwd sbin sbin/init TRAILER"
    if [ "$(awk '{print $1}' "$T/list" | tr '\n' ' ')" != "$want_names " ]; then
        bad cpio-entries "entries: $(awk '{print $1}' "$T/list" | tr '\n' ' ')"
    else
        ok cpio-entries
    fi
    modes=$(awk '$1 != "TRAILER" {printf "%s=%s ", $1, $2}' "$T/list")
    if [ "$modes" = "bin=40755 bin/hello=100755 etc=40755 etc/data.txt=100640 etc/group=100644 etc/hostname=100644 etc/passwd=100644 sbin=40755 sbin/init=120777 " ]; then
        ok cpio-modes
    else
        bad cpio-modes "$modes"
    fi
    misaligned=$(awk '$2 ~ /^100/ && $3 % 4096 != 0 {print $1 "@" $3}' "$T/list")
    if [ -z "$misaligned" ]; then ok cpio-data-4096-aligned; else bad cpio-data-4096-aligned "$misaligned"; fi
    read -r _ _ hoff hsize < <(grep '^bin/hello ' "$T/list")
    read -r _ _ doff dsize < <(grep '^etc/data.txt ' "$T/list")
    read -r _ _ loff lsize < <(grep '^sbin/init ' "$T/list")
    if same_bytes "$out/initrd.cpio" "$hoff" "$hsize" "$T/hello" &&
        same_bytes "$out/initrd.cpio" "$doff" "$dsize" "$T/data.txt" &&
        [ "$(tail -c +$((loff + 1)) "$out/initrd.cpio" | head -c "$lsize")" = "../bin/hello" ]; then
        ok cpio-contents
    else
        bad cpio-contents "file bytes or the symlink target differ"
    fi
    # The data found by content, independently of the header walk.
    moff=$(grep -obaF 'MKIMAGE-TEST-DATA' "$out/initrd.cpio" | cut -d: -f1)
    if [ "$moff" = "$doff" ] && [ $((moff % 4096)) -eq 0 ]; then ok data-found-aligned
    else bad data-found-aligned "marker at ${moff:-nowhere}, header says $doff"; fi
    if command -v cpio > /dev/null; then
        names=$(cpio -it --quiet < "$out/initrd.cpio" 2> /dev/null | sed 's,^\(\./\)*,,' | tr '\n' ' ')
        if [ "$names" = "bin bin/hello etc etc/data.txt etc/group etc/hostname etc/passwd sbin sbin/init " ]; then ok cpio-tool-lists
        else bad cpio-tool-lists "cpio -t lists '$names'"; fi
    fi
    want='init=/bin/hello "initenv=X=1 2" quantum=5 -- a "b c"'
    if [ "$(cat "$out/cmdline")" = "$want" ] && [ -n "$(tail -c 1 "$out/cmdline")" ]; then
        ok cmdline
    else
        bad cmdline "got '$(cat "$out/cmdline")', want '$want' (no newline)"
    fi
    mb=$(grep -n "^    multiboot2 /boot/kernel.elf init=/bin/hello 'initenv=X=1 2' quantum=5 -- a 'b c'$" \
        "$out/grub.cfg" | cut -d: -f1)
    mod=$(grep -n '^    module2 /boot/initrd.cpio initrd$' "$out/grub.cfg" | cut -d: -f1)
    gfx=$(grep -n 'set gfxpayload=text' "$out/grub.cfg" | cut -d: -f1)
    if [ -n "$mb" ] && [ -n "$mod" ] && [ -n "$gfx" ] && [ "$mb" -lt "$gfx" ]; then ok grub-cfg
    else bad grub-cfg "multiboot2/module2/gfxpayload lines wrong: $(cat "$out/grub.cfg")"; fi
fi

# Quoting as GRUB re-joins words: a word with a space is quoted whole; \, "
# and ' get a backslash everywhere.
run quoting --init /bin/x --arg 'say "hi" \o/' --arg plain --arg "it's" --arg 'q"1' "$T/hello:/bin/x"
want=$(cat << 'WANT'
init=/bin/x -- "say \"hi\" \\o/" plain it\'s q\"1
WANT
)
if [ $rc -eq 0 ] && [ "$(cat "$out/cmdline")" = "$want" ]; then ok cmdline-quoting
else bad cmdline-quoting "got '$(cat "$out/cmdline" 2> /dev/null)', want '$want' ($err)"; fi

# Static-PIE, when the unit-test build made one.
if [ -f build/host/elf/hello_pie ]; then
    run pie --init /bin/pie build/host/elf/hello_pie:/bin/pie
    if [ $rc -eq 0 ]; then ok static-pie-accepted; else bad static-pie-accepted "$err"; fi
fi

# A file the command line puts at a default's path replaces the default.
run own-etc --init /bin/hello "$T/hello:/bin/hello" "$T/data.txt:/etc/passwd"
if [ $rc -ne 0 ]; then
    bad own-etc "exit status $rc: $err"
else
    entries=$(cpio_list "$out/initrd.cpio" | awk '$1 ~ /^etc\// {printf "%s=%s ", $1, $2}')
    if [ "$entries" = "etc/group=100644 etc/hostname=100644 etc/passwd=100640 " ]; then
        ok own-etc
    else
        bad own-etc "etc entries: $entries"
    fi
fi

[ $failed -eq 0 ] && echo "mkimage: all passed" || echo "mkimage: $failed failed"
[ $failed -eq 0 ]

#!/bin/bash
# guest-wget (issue 17): the guest's busybox wget fetches a file from a
# server on the host's 127.0.0.1 (python3 -m http.server). With QEMU's
# restrict=on the guest reaches the host only through a guestfwd rule:
# 10.0.2.100:80 in the guest goes to 127.0.0.1:PORT on the host. The
# guest prints the file's md5sum, which must be the host's. Bounded: the
# guest lives at most 120 s, the server as long as the script.
#
# Needs tools/uniplex --guestfwd RULE, RULE in QEMU's own syntax
# (tcp:10.0.2.100:80-tcp:127.0.0.1:PORT), added to the --net user netdev.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"
SUITE=guest-wget
need_uniplex_option $SUITE --net --guestfwd
make_www "$tmp/www"
printf '%s\n' "$FETCH_SH" > "$tmp/fetch.sh" # a file: the kernel command line is one line
hport=$(free_port 24180)
setsid timeout 300 python3 -m http.server --bind 127.0.0.1 --directory "$tmp/www" "$hport" \
    > "$OUT/guest-wget-server.out" 2>&1 &
guests+=($!)
if ! wait_url "http://127.0.0.1:$hport/index.html" 20; then
    bad $SUITE "the host's server did not start (see $OUT/guest-wget-server.out)"
    finish $SUITE
fi

# fetch NAME FILE: the guest (or, natively, busybox on the host) fetches
# /FILE through the rule and prints its md5sum.
fetch() {
    if [ "$NATIVE" = 1 ]; then
        guest_start "$1" 120 -- /bin/busybox sh "$tmp/fetch.sh" \
            "http://127.0.0.1:$hport/$2" "$tmp/got"
    else
        guest_start "$1" 120 --net user --guestfwd "tcp:10.0.2.100:80-tcp:127.0.0.1:$hport" \
            --add "$tmp/fetch.sh:/fetch.sh" -- /bin/busybox sh /fetch.sh "http://10.0.2.100/$2" /tmp/got
    fi
    if guest_wait "$last_guest"; then
        check_md5 "$1" "$OUT/$1.out" "$tmp/www/$2"
    else
        bad "$1" "the guest's fetch failed, status $? (see $OUT/$1.out)"
    fi
}
fetch wget-1MiB big.bin
fetch wget-index index.html
finish $SUITE

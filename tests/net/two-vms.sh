#!/bin/bash
# two-vms (issue 17): two guests on one virtual Ethernet through QEMU's
# socket netdev on 127.0.0.1 (--net socket-listen=PORT / socket-connect=
# PORT, static addresses with --ip): 10.0.3.1 serves /www with
# userapps/httpd, 10.0.3.2 fetches a file with busybox wget and prints its
# md5sum, which must be the file's. Bounded: each guest lives at most 120 s.
#
# The two guests need different MAC addresses (QEMU's default is the same
# for both): tools/uniplex must give each its own.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"
SUITE=two-vms
need_uniplex_option $SUITE --net socket-listen --ip
make -s "$BUILD/user/httpd" || { bad $SUITE "building $BUILD/user/httpd failed"; finish $SUITE; }
make_www "$tmp/www"
printf '%s\n' "$FETCH_SH" > "$tmp/fetch.sh" # a file: the kernel command line is one line
mapfile -t adds < <(www_adds "$tmp/www")
sport=$(free_port 24280)

if [ "$NATIVE" = 1 ]; then
    guest_start two-vms-server 120 -- "$BUILD/user/httpd" -a 127.0.0.1 -p "$sport" -d "$tmp/www"
    url=http://127.0.0.1:$sport got=$tmp/got
else
    guest_start two-vms-server 120 --net "socket-listen=$sport" --ip 10.0.3.1/24 "${adds[@]}" -- \
        "$BUILD/user/httpd" -p 80 -d /www
    url=http://10.0.3.1 got=/tmp/got
fi
sleep 1 # the listening side first

# fetch NAME FILE: the client guest fetches /FILE from the server guest.
fetch() {
    if [ "$NATIVE" = 1 ]; then
        guest_start "$1" 120 -- /bin/busybox sh "$tmp/fetch.sh" "$url/$2" "$got"
    else
        guest_start "$1" 120 --net "socket-connect=$sport" --ip 10.0.3.2/24 \
            --add "$tmp/fetch.sh:/fetch.sh" -- /bin/busybox sh /fetch.sh "$url/$2" "$got"
    fi
    if guest_wait "$last_guest"; then
        check_md5 "$1" "$OUT/$1.out" "$tmp/www/$2"
    else
        bad "$1" "the client's fetch failed, status $? (see $OUT/$1.out, $OUT/two-vms-server.out)"
    fi
}
fetch two-vms-1MiB big.bin
finish $SUITE

#!/bin/bash
# host-curl (issue 17): the host's curl fetches files through a forwarded
# port (--net user --port 127.0.0.1:HOSTPORT:80) from userapps/httpd, then
# from Debian busybox's httpd, each serving /www in a guest; the bytes must
# be the files'. Bounded: each guest lives at most 120 s.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"
SUITE=host-curl
need_uniplex_option $SUITE --net --port
make -s "$BUILD/user/httpd" || { bad $SUITE "building $BUILD/user/httpd failed"; finish $SUITE; }
make_www "$tmp/www"
mapfile -t adds < <(www_adds "$tmp/www")

# serve NAME SERVER-ARGV...: start the server (its port argument is @PORT@,
# or @ADDR:PORT@ for one that takes [IP:]PORT; its directory @WWW@) and
# wait until it answers on $hport.
serve() {
    local name=$1 a argv=()
    shift
    hport=$(free_port 24080)
    for a in "$@"; do
        if [ "$NATIVE" = 1 ]; then
            a=${a//@ADDR:PORT@/127.0.0.1:$hport} a=${a//@PORT@/$hport} a=${a//@WWW@/$tmp/www}
        else
            a=${a//@ADDR:PORT@/80} a=${a//@PORT@/80} a=${a//@WWW@//www}
        fi
        argv+=("$a")
    done
    guest_start "$name" 120 --net user --port "127.0.0.1:$hport:80" "${adds[@]}" -- "${argv[@]}"
    wait_url "http://127.0.0.1:$hport/index.html" 60
}

# userapps/httpd takes -a ADDR -p PORT: natively its address is 127.0.0.1.
if [ "$NATIVE" = 1 ]; then hargs=(-a 127.0.0.1); else hargs=(); fi
if serve httpd "$BUILD/user/httpd" "${hargs[@]}" -p @PORT@ -w 2 -d @WWW@; then
    fetch_cmp httpd-1MiB "http://127.0.0.1:$hport/big.bin" "$tmp/www/big.bin"
    fetch_cmp httpd-index "http://127.0.0.1:$hport/" "$tmp/www/index.html"
    fetch_status httpd-404 "http://127.0.0.1:$hport/nosuch" 404
    # Keep-alive: both transfers on one connection.
    n=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}\n' \
        "http://127.0.0.1:$hport/index.html" "http://127.0.0.1:$hport/big.bin" | paste -sd' ')
    if [ "$n" = "1 0" ]; then ok httpd-keep-alive; else bad httpd-keep-alive "connects '$n'"; fi
else
    bad httpd "no answer on 127.0.0.1:$hport within 60 s (see $OUT/httpd.out)"
fi
guests_stop

# busybox httpd: -p takes [IP:]PORT, so natively 127.0.0.1:PORT.
bb=/bin/busybox
if serve busybox-httpd "$bb" httpd -f -p @ADDR:PORT@ -h @WWW@; then
    fetch_cmp busybox-httpd-1MiB "http://127.0.0.1:$hport/big.bin" "$tmp/www/big.bin"
    fetch_cmp busybox-httpd-index "http://127.0.0.1:$hport/" "$tmp/www/index.html"
else
    bad busybox-httpd "no answer on 127.0.0.1:$hport within 60 s (see $OUT/busybox-httpd.out)"
fi
guests_stop
finish $SUITE

#!/bin/bash
# worker-kill (issue 17): userapps/httpd with 4 workers in a guest under
# load from the host (2,000 requests, curl --parallel, 8 at a time, through
# --port) while one worker is killed with SIGKILL halfway: the master must
# log it and start another, and no request may fail beyond what the killed
# worker had open (at most the 8 in flight). The host triggers the kill by
# connecting to a second forwarded port where the guest's busybox nc
# listens. Bounded: the guest lives at most 180 s, the load at most 120 s.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"
SUITE=worker-kill
REQUESTS=2000 PARALLEL=8
need_uniplex_option $SUITE --net --port
make -s "$BUILD/user/httpd" || { bad $SUITE "building $BUILD/user/httpd failed"; finish $SUITE; }
make_www "$tmp/www"
mapfile -t adds < <(www_adds "$tmp/www")
hport=$(free_port 24380)
kport=$(free_port $((hport + 1)))

# In the guest (busybox sh, as init): httpd in the background; when the host
# connects to port 81, SIGKILL for one of httpd's children (found by the
# parent pid in /proc/PID/stat), then wait for ever.
KILLER_SH='/bin/httpd -p 80 -w 4 -d /www & m=$!
busybox nc -l -p 81 < /dev/null > /dev/null
for s in /proc/[0-9]*/stat; do
    { read -r pid comm state ppid rest < "$s"; } 2> /dev/null || continue
    if [ "$ppid" = "$m" ]; then kill -9 "$pid"; echo "killer: SIGKILL for worker $pid"; break; fi
done
wait'
printf '%s\n' "$KILLER_SH" > "$tmp/killer.sh" # a file: the kernel command line is one line

if [ "$NATIVE" = 1 ]; then
    guest_start worker-kill 180 -- "$BUILD/user/httpd" -a 127.0.0.1 -p "$hport" -w 4 -d "$tmp/www"
else
    guest_start worker-kill 180 --net user --port "127.0.0.1:$hport:80" \
        --port "127.0.0.1:$kport:81" --add "$BUILD/user/httpd:/bin/httpd" "${adds[@]}" \
        --add "$tmp/killer.sh:/killer.sh" -- /bin/busybox sh /killer.sh
fi
master=$last_guest
url=http://127.0.0.1:$hport/index.html
if ! wait_url "$url" 60; then
    bad $SUITE "no answer on 127.0.0.1:$hport within 60 s (see $OUT/worker-kill.out)"
    finish $SUITE
fi

# kill_worker: natively, SIGKILL for one of the master's children; in a
# guest, a connection to the killer's port.
kill_worker() {
    if [ "$NATIVE" = 1 ]; then
        kill -KILL "$(pgrep -P "$(pgrep -P "$master")" | head -1)" # under timeout
    else
        curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$kport/" || true
    fi
}

codes=$tmp/codes
timeout 120 curl -s --parallel --parallel-max $PARALLEL -o /dev/null -w '%{http_code}\n' \
    "$url?n=[1-$REQUESTS]" > "$codes" 2> /dev/null &
load=$!
while [ "$(wc -l < "$codes")" -lt $((REQUESTS / 2)) ] && kill -0 $load 2> /dev/null; do
    sleep 0.01
done
at=$(wc -l < "$codes")
kill_worker
wait $load
done_n=$(wc -l < "$codes")
good=$(grep -c '^200$' "$codes")
failed=$((REQUESTS - good))
sleep 1
if [ "$done_n" != $REQUESTS ]; then
    bad $SUITE "$done_n of $REQUESTS requests finished within 120 s"
elif [ $failed -gt $PARALLEL ]; then
    bad $SUITE "$failed of $REQUESTS requests failed (at most $PARALLEL may)"
else
    ok "$SUITE-load ($good of $REQUESTS answered, $failed failed; the kill after $at)"
fi
if grep -q 'killed by signal 9; restarting it' "$OUT/worker-kill.out" "$OUT/worker-kill.log" \
    2> /dev/null; then
    ok "$SUITE-restart"
else
    bad "$SUITE-restart" "no restart logged (see $OUT/worker-kill.out)"
fi
fetch_cmp "$SUITE-after" "$url" "$tmp/www/index.html"
finish $SUITE

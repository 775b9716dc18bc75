#!/usr/bin/env bash
# Slow clients cannot stop the server: a body sent at one byte a second does not make a
# SIGHUP exit (the reload gives up on it after a few seconds, and the server serves on), nor
# keep SIGTERM from stopping cleanly; request_timeout and header_timeout cut such clients.
. "$(dirname "$0")/lib-server.sh"

make_cert
use_backend sqlite
write_config "request_timeout = 60
header_timeout = 30"
cg migrate 2>/dev/null || fail "migrate"
server_start
ping() { curl -sS --max-time 5 --cacert "$TMP/server.crt" -o /dev/null -w '%{http_code}' "$URL/api/v1/ping"; }

# --- SIGHUP with a slow body in flight ---
slow_client body 40 >"$TMP/slow1" &
SLOW=$!
at_exit "kill $SLOW 2>/dev/null"
sleep 1
START=$(date +%s)
kill -HUP "$SERVER_PID"
wait_log 'reloaded' 150 || fail "no reload"
kill -0 "$SERVER_PID" 2>/dev/null || fail "the server died on SIGHUP"
[ $(($(date +%s) - START)) -le 10 ] || fail "the reload took $(($(date +%s) - START)) s"
[ "$(ping)" = 200 ] || fail "no service after the reload"
wait "$SLOW"
grep -q 'cut after' "$TMP/slow1" || fail "the slow client was not cut by the reload: $(cat "$TMP/slow1")"
grep -q 'requests still being received are cut' "$TMP/server.log" || fail "not logged"

# --- deadlines: request_timeout for a body, header_timeout for headers ---
sed -i 's/^request_timeout = .*/request_timeout = 3/; s/^header_timeout = .*/header_timeout = 2/' "$CONFIG"
kill -HUP "$SERVER_PID"
for ((i = 0; i < 100; i++)); do [ "$(grep -c reloaded "$TMP/server.log")" -ge 2 ] && break; sleep 0.1; done
slow_client body 15 >"$TMP/slow2" &
S2=$!
slow_client header 15 >"$TMP/slow3" &
S3=$!
wait "$S2" "$S3"
grep -Eq 'cut after [3-5] s' "$TMP/slow2" || fail "body past request_timeout: $(cat "$TMP/slow2")"
grep -Eq 'cut after [2-4] s' "$TMP/slow3" || fail "headers past header_timeout: $(cat "$TMP/slow3")"
wait_log 'connections cut: no request within header_timeout' 20 || fail "cuts not logged"
[ "$(ping)" = 200 ] || fail "no service"

# --- SIGTERM with a slow body in flight: a clean stop, soon ---
sed -i 's/^request_timeout = .*/request_timeout = 60/' "$CONFIG"
kill -HUP "$SERVER_PID"
for ((i = 0; i < 100; i++)); do [ "$(grep -c reloaded "$TMP/server.log")" -ge 3 ] && break; sleep 0.1; done
slow_client body 40 >"$TMP/slow4" &
S4=$!
sleep 1
START=$(date +%s)
server_stop || fail "exit status after SIGTERM with a slow client"
[ $(($(date +%s) - START)) -le 10 ] || fail "the stop took $(($(date +%s) - START)) s"
wait "$S4"
grep -q 'cut after' "$TMP/slow4" || fail "slow client: $(cat "$TMP/slow4")"
echo ok

#!/usr/bin/env bash
# SIGHUP reloads server.ini (a new limit and a new certificate take effect, a broken file is
# refused and the running configuration kept); SIGTERM finishes the request in flight, then
# the server exits 0.
. "$(dirname "$0")/lib-server.sh"

make_cert
use_backend sqlite
write_config "max_body = 256k" "busy_timeout_ms = 20000"
cg migrate 2>/dev/null || fail "migrate"
setup_units
server_start
enroll "$(cg token create --unit 010101 2>/dev/null)"
gen_batch "$TMP/b1.json" 1 1 0
post_records "$TMP/b1.json" "$CRED"
expect 200

# --- SIGHUP: new limit, new certificate ---
cp "$TMP/server.crt" "$TMP/old.crt"
make_cert # a new key pair at the same paths
sed -i 's/^max_body = .*/max_body = 1k/' "$CONFIG"
grep -q '^log_level' "$CONFIG" && sed -i 's/^log_level = .*/log_level = debug/' "$CONFIG" ||
	sed -i 's/^\[server\]$/[server]\nlog_level = debug/' "$CONFIG"
! grep -q 'agent .*records, acked' "$TMP/server.log" || fail "debug lines before log_level = debug"
kill -HUP "$SERVER_PID"
for ((i = 0; i < 100; i++)); do grep -q 'reloaded' "$TMP/server.log" && break; sleep 0.05; done
grep -q 'reloaded' "$TMP/server.log" || fail "no reload: $(cat "$TMP/server.log")"
gen_batch "$TMP/b2.json" 2 1 0
post /api/v1/records "$TMP/b2.json" -H "Authorization: Bearer $CRED" -H 'Expect: 100-continue'
expect 413 "body too large"
curl -sS --cacert "$TMP/old.crt" -o /dev/null "$URL/api/v1/ping" 2>/dev/null &&
	fail "the old certificate is still served"
CODE=$(curl -sS --cacert "$TMP/server.crt" -o /dev/null -w '%{http_code}' "$URL/api/v1/ping")
[ "$CODE" = 200 ] || fail "ping with the new certificate: $CODE"
# the new log level applies at once: a stored batch is now logged at debug
gen_batch "$TMP/b2small.json" 3 0 1
post_records "$TMP/b2small.json" "$CRED"
expect 200
grep -q 'agent .*records, acked' "$TMP/server.log" || fail "log_level = debug not applied on SIGHUP"

# --- SIGHUP with a broken file: refused, the server goes on as it was ---
cp "$CONFIG" "$TMP/good.ini"
echo "bogus_key = 1" >>"$CONFIG"
kill -HUP "$SERVER_PID"
for ((i = 0; i < 100; i++)); do grep -q 'keeping the running' "$TMP/server.log" && break; sleep 0.05; done
grep -q "server.ini:[0-9]*: unknown key 'bogus_key' in \[store\]" "$TMP/server.log" ||
	fail "no file:line error: $(tail -n 3 "$TMP/server.log")"
post /api/v1/records "$TMP/b2.json" -H "Authorization: Bearer $CRED" -H 'Expect: 100-continue'
expect 413
cp "$TMP/good.ini" "$CONFIG"
sed -i 's/^max_body = .*/max_body = 1M/' "$CONFIG"
kill -HUP "$SERVER_PID"
for ((i = 0; i < 100; i++)); do [ "$(grep -c 'reloaded' "$TMP/server.log")" -ge 2 ] && break; sleep 0.05; done

# --- SIGTERM with a request in flight (held up by a lock on the database) ---
"$PY" - "${STORE_URL#sqlite:}" "$TMP" <<'PYEOF' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2] + "/locked", "w").close()
time.sleep(1.5)
c.execute("COMMIT")
PYEOF
LOCKER=$!
at_exit "kill $LOCKER 2>/dev/null"
for ((i = 0; i < 100; i++)); do [ -e "$TMP/locked" ] && break; sleep 0.05; done
curl -sS --cacert "$TMP/server.crt" -o "$TMP/inflight" -w '%{http_code}' \
	-H "Authorization: Bearer $CRED" --data-binary "@$TMP/b2.json" "$URL/api/v1/records" \
	>"$TMP/inflight.code" &
CURL=$!
sleep 0.5
kill -TERM "$SERVER_PID"
wait "$CURL" || true
[ "$(cat "$TMP/inflight.code")" = 200 ] ||
	fail "in-flight request: $(cat "$TMP/inflight.code") $(cat "$TMP/inflight")"
rc=0
wait "$SERVER_PID" || rc=$?
[ $rc = 0 ] || fail "exit status $rc: $(tail -n 20 "$TMP/server.log")"
[ "$(sql 'SELECT COUNT(*) FROM raw_records')" = 3 ] || fail "the in-flight batch was not stored"
grep -q 'stopped' "$TMP/server.log" || fail "no clean stop"
echo ok

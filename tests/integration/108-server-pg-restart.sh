#!/usr/bin/env bash
# PostgreSQL goes away under a running server: requests get 503 with Retry-After (nothing is
# acknowledged that was not stored), the server stays up, and once PostgreSQL is back the
# store workers reconnect and the agent's retry is stored. A chunked oversize body is refused.
. "$(dirname "$0")/lib-server.sh"

make_cert
use_backend postgresql
write_config "max_body = 64k" "retry_after = 3"
cg migrate 2>/dev/null || fail "migrate"
setup_units
server_start
enroll "$(cg token create --unit 010101 2>/dev/null)"
gen_batch "$TMP/b1.json" 1 1 2
gen_batch "$TMP/b2.json" 10 1 2
post_records "$TMP/b1.json" "$CRED"
expect 200 '"acked_seq":3'

pg_as_owner "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null || fail "pg stop"
post_records "$TMP/b2.json" "$CRED"
expect 503 "store unavailable"
grep -qi '^Retry-After: 3' <(curl -sS --cacert "$TMP/server.crt" -o /dev/null -D - \
	-H "Authorization: Bearer $CRED" --data-binary "@$TMP/b2.json" "$URL/api/v1/records") ||
	fail "no Retry-After on 503"
kill -0 "$SERVER_PID" || fail "server died with its database"

pg_as_owner "$PGBIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/server.log" \
	-o "-k $PG_DIR -p 5432 -c listen_addresses='' -c fsync=off" start >/dev/null || fail "pg start"
ok=0
for ((i = 0; i < 20; i++)); do
	post_records "$TMP/b2.json" "$CRED"
	[ "$CODE" = 200 ] && { ok=1; break; }
	sleep 0.2
done
[ $ok = 1 ] || fail "no recovery after PostgreSQL came back: $CODE $(cat "$TMP/resp")"
expect 200 '"acked_seq":12'
[ "$(sql "SELECT COUNT(*) FROM raw_records")" = 6 ] || fail "rows after recovery"

# an oversize body sent chunked (no Content-Length): refused, the server lives on
head -c 200000 /dev/zero | tr '\0' ' ' >"$TMP/big.json"
CODE=$(curl -sS --cacert "$TMP/server.crt" -o "$TMP/resp" -w '%{http_code}' \
	-H "Authorization: Bearer $CRED" -H 'Transfer-Encoding: chunked' \
	--data-binary "@$TMP/big.json" "$URL/api/v1/records" 2>/dev/null) || true
case "$CODE" in 413 | 000) ;; *) fail "chunked oversize body: $CODE" ;; esac
post_records "$TMP/b1.json" "$CRED"
expect 200
server_stop || fail "server exit status"
echo ok

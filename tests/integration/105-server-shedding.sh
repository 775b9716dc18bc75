#!/usr/bin/env bash
# Load shedding, on SQLite and PostgreSQL: with the store held up (another session keeps a
# lock the store needs), requests beyond the store queue's room get 429 with Retry-After at
# once instead of queueing; the ones admitted are stored when the store comes back.
. "$(dirname "$0")/lib-server.sh"

make_cert

# lock_store / release_store: another session holds the lock every batch needs first
lock_store() {
	rm -f "$TMP/locked" "$TMP/release"
	if [ "$BACKEND" = sqlite ]; then
		"$PY" - "${STORE_URL#sqlite:}" "$TMP" <<-'PYEOF' &
			import os, sqlite3, sys, time
			c = sqlite3.connect(sys.argv[1], isolation_level=None)
			c.execute("BEGIN IMMEDIATE")
			open(sys.argv[2] + "/locked", "w").close()
			for _ in range(300):
			    if os.path.exists(sys.argv[2] + "/release"):
			        break
			    time.sleep(0.05)
			c.execute("COMMIT")
		PYEOF
	else
		mkfifo "$TMP/psql.in"
		psql -X -q -h "$PG_DIR" -p 5432 -U postgres cg <"$TMP/psql.in" >/dev/null &
		exec 7>"$TMP/psql.in"
		echo "BEGIN; LOCK TABLE agents IN ACCESS EXCLUSIVE MODE;" >&7
		local i
		for ((i = 0; i < 100; i++)); do
			[ "$(sql "SELECT COUNT(*) FROM pg_locks WHERE relation = 'agents'::regclass AND mode = 'AccessExclusiveLock' AND granted")" = 1 ] &&
				touch "$TMP/locked" && break
			sleep 0.05
		done
	fi
	LOCKER=$!
	at_exit "touch '$TMP/release'; kill $LOCKER 2>/dev/null"
	for ((i = 0; i < 100; i++)); do [ -e "$TMP/locked" ] && break; sleep 0.05; done
	[ -e "$TMP/locked" ] || fail "could not lock the store"
}
release_store() {
	touch "$TMP/release"
	if [ "$BACKEND" = postgresql ]; then
		echo "COMMIT;" >&7
		exec 7>&-
	fi
	wait "$LOCKER" || fail "lock holder"
}

send() { # n: post batch n in the background, status into $TMP/code.n
	curl -sS --cacert "$TMP/server.crt" -o "$TMP/resp.$1" -w '%{http_code}' \
		-H "Authorization: Bearer $CRED" --data-binary "@$TMP/b$1.json" \
		"$URL/api/v1/records" >"$TMP/code.$1" &
}

scenario() {
	use_backend "$1"
	# one store worker, room for one waiting request
	write_config "" "workers = 1
queue_max = 1
retry_after = 9
busy_timeout_ms = 20000"
	cg migrate 2>/dev/null || fail "migrate"
	setup_units
	server_start
	enroll "$(cg token create --unit 010101 2>/dev/null)"
	gen_batch "$TMP/b1.json" 1 1 0
	gen_batch "$TMP/b2.json" 2 1 0
	gen_batch "$TMP/b3.json" 3 1 0
	rm -f "$TMP"/code.*

	lock_store
	send 1 # taken by the only store worker, which now waits on the lock
	sleep 0.5
	send 2 # waits in the queue (queue_max = 1)
	sleep 0.5
	local start
	start=$(date +%s)
	post_records "$TMP/b3.json" "$CRED" # no room: shed at once
	expect 429 overloaded
	grep -qi '^Retry-After: 9' <(curl -sS --cacert "$TMP/server.crt" -o /dev/null -D - \
		-H "Authorization: Bearer $CRED" --data-binary "@$TMP/b3.json" "$URL/api/v1/records") ||
		fail "no Retry-After on 429"
	[ $(($(date +%s) - start)) -lt 5 ] || fail "the 429 was not immediate"
	grep -q 'the store is behind: [0-9]* requests answered 429' "$TMP/server.log" ||
		fail "shedding not logged"
	# the liveness probe needs no store and still answers
	CODE=$(curl -sS --cacert "$TMP/server.crt" -o /dev/null -w '%{http_code}' "$URL/api/v1/ping")
	[ "$CODE" = 200 ] || fail "ping while shedding: $CODE"

	release_store
	local i j
	for i in 1 2; do
		for ((j = 0; j < 200; j++)); do [ -s "$TMP/code.$i" ] && break; sleep 0.05; done
		[ "$(cat "$TMP/code.$i")" = 200 ] ||
			fail "request $i: $(cat "$TMP/code.$i") $(cat "$TMP/resp.$i")"
	done
	[ "$(sql 'SELECT COUNT(*) FROM raw_records')" = 2 ] || fail "admitted requests not stored"
	# and with the store back, the shed batch goes through
	post_records "$TMP/b3.json" "$CRED"
	expect 200 '"acked_seq":3'
	server_stop || fail "server exit status"
	echo "ok ($BACKEND)"
}

scenario sqlite
scenario postgresql

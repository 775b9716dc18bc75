#!/usr/bin/env bash
# Many agents at once, with every batch sent twice and overlapping batches in any order,
# through the shared transactions of the store queue (group commit), on SQLite and
# PostgreSQL: every answer 200, every record stored exactly once, a SIGHUP in the middle
# changes nothing of that.
. "$(dirname "$0")/lib-server.sh"

make_cert
gen_batch "$TMP/b.json" 1 1 4 # seq 1..5
gen_batch "$TMP/tail.json" 6 0 7 # seq 6..12
# seq 3..12, overlapping: the events at 3..5 are b's own (a resend; the same seq with other
# content would be refused with 409)
"$PY" -c 'import json,sys; b=json.load(open(sys.argv[1])); t=json.load(open(sys.argv[2]))
json.dump({"records": [r for r in b["records"] if r["seq"] >= 3] + t["records"]}, open(sys.argv[3], "w"))' \
	"$TMP/b.json" "$TMP/tail.json" "$TMP/c.json"
AGENTS=6

scenario() {
	use_backend "$1"
	write_config "" "queue_max = 1000"
	cg migrate 2>/dev/null || fail "migrate"
	setup_units
	server_start
	local token i
	token=$(cg token create --unit 010101 --uses $AGENTS 2>/dev/null)
	: >"$TMP/creds"
	for ((i = 0; i < AGENTS; i++)); do
		enroll "$token"
		echo "$CRED" >>"$TMP/creds"
	done
	while read -r c; do
		for f in b c b c; do echo "$c $f"; done
	done <"$TMP/creds" | shuf >"$TMP/jobs"
	(sleep 0.1; kill -HUP "$SERVER_PID") &
	local hup=$!
	export CG_TMP="$TMP" CG_URL="$URL"
	xargs -P 12 -L1 sh -c 'curl -sS -o /dev/null -w "%{http_code}\n" --max-time 60 \
		--cacert "$CG_TMP/server.crt" -H "Authorization: Bearer $0" \
		--data-binary "@$CG_TMP/$1.json" "$CG_URL/api/v1/records"' <"$TMP/jobs" |
		sort | uniq -c >"$TMP/codes" || true
	wait "$hup"
	[ "$(awk '$2 == 200 { print $1 }' "$TMP/codes")" = $((AGENTS * 4)) ] ||
		fail "answers: $(cat "$TMP/codes")"
	[ "$(sql 'SELECT COUNT(*) FROM raw_records')" = $((AGENTS * 12)) ] ||
		fail "raw records: $(sql 'SELECT COUNT(*) FROM raw_records'), want $((AGENTS * 12))"
	[ "$(sql 'SELECT COUNT(*) FROM device_events')" = $((AGENTS * 11)) ] || fail "device events"
	[ "$(sql 'SELECT COUNT(DISTINCT last_seq) FROM agents')" = 1 ] &&
		[ "$(sql 'SELECT MIN(last_seq) FROM agents')" = 12 ] || fail "last_seq"
	server_stop || fail "server exit status"
	echo "ok ($BACKEND)"
}

scenario sqlite
scenario postgresql

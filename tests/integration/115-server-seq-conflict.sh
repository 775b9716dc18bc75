#!/usr/bin/env bash
# A record resent under a seq already stored: with the same content, 200 and stored once;
# with other content (an agent that lost its counter), 409 with the stored range and nothing
# of the batch stored; a seq past 2^53 - 1 is refused. On SQLite and PostgreSQL.
. "$(dirname "$0")/lib-server.sh"

make_cert

scenario() {
	serve_enrolled "$1"
	gen_batch "$TMP/a.json" 5 1 2 # seq 5..7
	post_records "$TMP/a.json" "$CRED"
	expect 200 '"acked_seq":7'
	post_records "$TMP/a.json" "$CRED" # resent as it was: idempotent
	expect 200 '"acked_seq":7'
	[ "$(sql 'SELECT COUNT(*) FROM raw_records')" = 3 ] || fail "resend stored twice"

	# seq 8 is new, seq 6 is reused with other content: all of it refused
	gen_batch "$TMP/other.json" 8 0 1
	"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["records"][0]; r2=dict(r, seq=6, time="2026-11-23T10:00:00Z")
json.dump({"records": [r, r2]}, open(sys.argv[2], "w"))' "$TMP/other.json" "$TMP/reuse.json"
	post_records "$TMP/reuse.json" "$CRED"
	expect 409 '"error":"seq reused"'
	expect 409 '"detail":"records[1].seq: 6 is already stored with other content"'
	expect 409 '"stored_first_seq":5'
	expect 409 '"stored_last_seq":7'
	[ "$(sql 'SELECT COUNT(*) FROM raw_records')" = 3 ] || fail "part of a refused batch was stored"
	[ "$(sql "SELECT record_time FROM raw_records WHERE seq = 6")" = 2026-11-23T09:00:06Z ] ||
		fail "the stored record changed"
	[ "$(sql 'SELECT last_seq FROM agents')" = 7 ] || fail "last_seq moved"
	grep -q 'seq 6 is already stored with other content' "$TMP/server.log" || fail "not logged"

	# seqs an agent could never go past
	for seq in 9007199254740992 9223372036854775807; do
		"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["records"][0]["seq"]=int(sys.argv[3]); json.dump(d, open(sys.argv[2],"w"))' \
			"$TMP/other.json" "$TMP/big.json" "$seq"
		post_records "$TMP/big.json" "$CRED"
		expect 400 "records[0].seq: expected an integer from 0 to 9007199254740991"
	done
	"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["records"][0]["seq"]=2**53-1; json.dump(d, open(sys.argv[2],"w"))' \
		"$TMP/other.json" "$TMP/max.json"
	post_records "$TMP/max.json" "$CRED"
	expect 200 '"acked_seq":9007199254740991'
	server_stop || fail "server exit status"
	echo "ok ($BACKEND)"
}

scenario sqlite
scenario postgresql

#!/usr/bin/env bash
# counterguard-server end to end over TLS with curl, on SQLite (BACKEND=postgresql for the
# same on PostgreSQL, see 102): enroll, post, replay, wrong secret, revoked agent, another
# agent's id, malformed JSON, oversize body, schema violations, history kept across
# snapshots, admin commands, clean stop.
. "$(dirname "$0")/lib-server.sh"

make_cert
use_backend "${BACKEND:-sqlite}"
write_config "max_body = 256k"
cg migrate 2>/dev/null || fail "migrate"
cg migrate 2>/dev/null || fail "migrate is not idempotent"
[ "$(sql 'SELECT MAX(version) FROM schema_migrations')" = 2 ] || fail "schema version"
setup_units

# token create prints the token alone on stdout
cg token create --unit 010101 --uses 2 >"$TMP/token" 2>"$TMP/token.err" || fail "token create"
[ "$(wc -l <"$TMP/token")" = 1 ] || fail "token create printed more than the token"
TOKEN=$(cat "$TMP/token")
[[ "$TOKEN" =~ ^[0-9a-f]{64}$ ]] || fail "token '$TOKEN'"
[ "$(sql "SELECT COUNT(*) FROM enroll_tokens WHERE token_hash = '$TOKEN'")" = 0 ] ||
	fail "the token is stored in clear"
cg token create --unit 999 >/dev/null 2>&1 && fail "token for an unknown unit"

server_start

# --- enrollment ---
enroll "$TOKEN"
A_ID=$AGENT_ID A_CRED=$CRED
[[ "$A_CRED" == "$A_ID".* ]] || fail "credential form"
[ "$(sql "SELECT COUNT(*) FROM agents WHERE secret_hash LIKE '%${A_CRED#*.}%'")" = 0 ] ||
	fail "the secret is stored in clear"
[ "$(sql "SELECT unit_code FROM agents WHERE id = '$A_ID'")" = 010101 ] || fail "agent's unit"
enroll "$TOKEN"
B_ID=$AGENT_ID B_CRED=$CRED
post /api/v1/enroll "$TMP/enroll.json"
expect 403 "enrollment refused" # two uses spent
printf '{"token":"%064d"}' 0 >"$TMP/bad-token.json"
post /api/v1/enroll "$TMP/bad-token.json"
expect 403 "enrollment refused"
printf '{"token":' >"$TMP/bad.json"
post /api/v1/enroll "$TMP/bad.json"
expect 400 "malformed JSON"
printf '{"token":"x","host":{"uptime_s":-1}}' >"$TMP/bad.json"
post /api/v1/enroll "$TMP/bad.json"
expect 400 "host.uptime_s"

# --- a revoked token enrolls no one; the agents it enrolled stay ---
T2=$(cg token create --unit 010101 --uses 5) || fail "token create (to revoke)"
T2_ID=$(cg token list | tail -n 1 | cut -f1)
cg token revoke "$T2_ID" || fail "token revoke"
printf '{"token":"%s"}' "$T2" >"$TMP/revoked-token.json"
post /api/v1/enroll "$TMP/revoked-token.json"
expect 403 "enrollment refused"
[ "$(cg token list | tail -n 1 | cut -f1,3)" = "$T2_ID	0" ] || fail "revoked token still has uses"
cg token revoke nosuchtoken 2>/dev/null && fail "revoking an unknown token succeeded"

# --- records, replay ---
gen_batch "$TMP/b1.json" 1 1 3
post_records "$TMP/b1.json" "$A_CRED"
expect 200 '"acked_seq":4'
post_records "$TMP/b1.json" "$A_CRED"
expect 200 '"acked_seq":4'
[ "$(sql "SELECT COUNT(*) FROM raw_records WHERE agent_id = '$A_ID'")" = 4 ] ||
	fail "replay stored twice"
[ "$(sql "SELECT COUNT(*) FROM device_events WHERE agent_id = '$A_ID'")" = 3 ] ||
	fail "device events"
[ "$(sql "SELECT COUNT(*) FROM devices WHERE agent_id = '$A_ID' AND unit_code = '010101' AND device_key LIKE 'usb:%'")" -ge 20 ] ||
	fail "devices"
[ "$(sql "SELECT hostname FROM hosts WHERE agent_id = '$A_ID'")" = pc-quay-1 ] || fail "host row"
[ "$(sql "SELECT COUNT(*) FROM findings WHERE agent_id = '$A_ID' AND state = 'open'")" = 1 ] ||
	fail "finding opened"
[ "$(sql "SELECT COUNT(*) FROM printers WHERE agent_id = '$A_ID' AND present = 1")" = 1 ] ||
	fail "printer"
[ "$(sql "SELECT COUNT(*) FROM antivirus_states WHERE agent_id = '$A_ID'")" = 1 ] || fail "antivirus"
[ "$(sql "SELECT COUNT(*) FROM firewall_states WHERE agent_id = '$A_ID'")" = 1 ] || fail "firewall"
[ "$(sql "SELECT last_seq FROM agents WHERE id = '$A_ID'")" = 4 ] || fail "last_seq"
printf '{"records":[]}' >"$TMP/empty.json"
post_records "$TMP/empty.json" "$A_CRED"
expect 200 '"acked_seq":4'

# a later snapshot without device 7: device 7 disconnected, first_seen kept, others refreshed
FIRST=$(sql "SELECT first_seen FROM devices WHERE agent_id = '$A_ID' AND serial = 'SN00000007'")
gen_batch "$TMP/b2.json" 10 1 0 20 7
post_records "$TMP/b2.json" "$A_CRED"
expect 200 '"acked_seq":10'
[ "$(sql "SELECT connected FROM devices WHERE agent_id = '$A_ID' AND serial = 'SN00000007'")" = 0 ] ||
	fail "absent device not marked disconnected"
[ "$(sql "SELECT first_seen FROM devices WHERE agent_id = '$A_ID' AND serial = 'SN00000007'")" = "$FIRST" ] ||
	fail "first_seen changed"
[ "$(sql "SELECT connected || ' ' || last_seen FROM devices WHERE agent_id = '$A_ID' AND serial = 'SN00000008'")" = "1 2026-11-23T08:00:10Z" ] ||
	fail "present device not refreshed"
# an older snapshot arriving late does not roll the register back
gen_batch "$TMP/b0.json" 9 1 0 20 8
post_records "$TMP/b0.json" "$A_CRED"
expect 200 '"acked_seq":9'
[ "$(sql "SELECT connected FROM devices WHERE agent_id = '$A_ID' AND serial = 'SN00000008'")" = 1 ] ||
	fail "late snapshot rolled the register back"

# --- authentication ---
post_records "$TMP/b1.json" "${A_CRED%?}$([ "${A_CRED: -1}" = 0 ] && echo 1 || echo 0)"
expect 401 unauthorized
post /api/v1/records "$TMP/b1.json"
expect 401 unauthorized
post_records "$TMP/b1.json" "$B_ID.${A_CRED#*.}" # A's secret under B's id
expect 401 unauthorized
# another agent's id in the batch
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["agent_id"]=sys.argv[2]; json.dump(d, open(sys.argv[3],"w"))' \
	"$TMP/b1.json" "$B_ID" "$TMP/as-b.json"
post_records "$TMP/as-b.json" "$A_CRED"
expect 403 "only write as itself"
[ "$(sql "SELECT COUNT(*) FROM raw_records WHERE agent_id = '$B_ID'")" = 0 ] ||
	fail "A wrote as B"
# revoked agent
cg agents revoke "$B_ID" 2>/dev/null || fail "agents revoke"
cg agents revoke 00000000000000000000000000000000 2>/dev/null && fail "revoke of an unknown agent"
post_records "$TMP/b1.json" "$B_CRED"
expect 403 "agent revoked"
cg agents list >"$TMP/agents" || fail "agents list"
grep -q "$A_ID" "$TMP/agents" && grep "$B_ID" "$TMP/agents" | grep -q 'T' || fail "agents list content"

# --- bad input: nothing of a bad batch is stored ---
BEFORE=$(sql "SELECT COUNT(*) FROM raw_records")
printf '{"records":[{"seq":100,' >"$TMP/bad.json"
post_records "$TMP/bad.json" "$A_CRED"
expect 400 "malformed JSON"
head -c 300000 /dev/zero | tr '\0' ' ' >"$TMP/big.json"
# with Expect: 100-continue (libcurl sends it above 1 MiB) the 413 comes before the body is
# sent; without it, a client still sending may see the connection reset instead
post /api/v1/records "$TMP/big.json" -H "Authorization: Bearer $A_CRED" -H 'Expect: 100-continue'
expect 413 "body too large"
check_invalid() { # python-mutation expected-path
	"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); r=d['records']; $1; json.dump(d, open(sys.argv[2],'w'))" \
		"$TMP/b3.json" "$TMP/inv.json"
	post_records "$TMP/inv.json" "$A_CRED"
	expect 400 "\"detail\":\"$2"
}
gen_batch "$TMP/b3.json" 200 2 2
check_invalid 'r[0]["body"]["devices"][3]["vendor_id"]="xyz"' "records[0].body.devices[3].vendor_id:"
check_invalid 'r[3]["seq"]=-1' "records[3].seq:"
check_invalid 'del r[1]["time"]' "records[1].time:"
check_invalid 'r[2]["time"]="yesterday"' "records[2].time:"
check_invalid 'r[0]["type"]="inventory"' "records[0].type:"
check_invalid 'r[1]["extra"]=1' "records[1].extra: unknown field"
check_invalid 'del r[1]["body"]["schema_version"]' "records[1].body.schema_version:"
check_invalid 'r[2]["body"]["event"]="party"' "records[2].body.event:"
check_invalid 'r[0]["body"]["host"]["netifs"][0]["ipv4"][0]="300.1.1.1"' "records[0].body.host.netifs[0].ipv4[0]:"
check_invalid 'r[1]["body"]["type"]="event"' "records[1].body.type:"
check_invalid 'd["records"]={}' "records: expected an array"
check_invalid 'd["more"]=[]' "more: unknown field"
[ "$(sql "SELECT COUNT(*) FROM raw_records")" = "$BEFORE" ] || fail "a bad batch was partly stored"
post /api/v1/nothing "$TMP/b1.json"
expect 404
CODE=$(curl -sS --cacert "$TMP/server.crt" -o "$TMP/resp" -w '%{http_code}' "$URL/api/v1/records")
expect 405
# plain HTTP on the TLS port is refused, the server lives on
curl -sS -o /dev/null "http://127.0.0.1:$PORT/api/v1/ping" 2>/dev/null && fail "plain HTTP answered"
post_records "$TMP/b1.json" "$A_CRED"
expect 200

# --- admin ---
cg units tree >"$TMP/tree" || fail "units tree"
grep -q '^    010101  Quầy 1 (counter)' "$TMP/tree" || fail "units tree: $(cat "$TMP/tree")"
cg units add 010102 --name x --kind counter --parent nope 2>/dev/null && fail "unit under a missing parent"
cg units add 02 --name x --kind commune 2>/dev/null && fail "commune without a district"
cg dump >"$TMP/dump" || fail "dump"
grep -q '"table":"devices"' "$TMP/dump" || fail "dump has no devices"
grep -q 'secret_hash\|token_hash' "$TMP/dump" && fail "dump shows secret hashes"

server_stop || fail "server exit status $?"
grep -q stopped "$TMP/server.log" || fail "no clean stop"
echo "ok ($BACKEND)"

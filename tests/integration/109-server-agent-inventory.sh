#!/usr/bin/env bash
# This PC's real inventory, as `counterguard-agent inventory --format json` prints it, posted
# as a record with curl: accepted, and the PC's facts are in the register.
. "$(dirname "$0")/lib-server.sh"

[ -x "$AGENT" ] || skip "$AGENT is not built"
"$AGENT" inventory --format json >"$TMP/inventory.json" 2>"$TMP/agent.err" ||
	fail "the agent's inventory failed: $(cat "$TMP/agent.err")"
make_cert
use_backend sqlite
write_config
cg migrate 2>/dev/null || fail "migrate"
setup_units
server_start
enroll "$(cg token create --unit 010101 2>/dev/null)"
# the operator's one-liner (see counterguard-server(8)): wrap the snapshot into a record
printf '{"records":[{"seq":1,"type":"snapshot","time":"%s","body":%s}]}' \
	"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(cat "$TMP/inventory.json")" >"$TMP/batch.json"
post_records "$TMP/batch.json" "$CRED"
expect 200 '"acked_seq":1'
host=$(jget "$TMP/inventory.json" 'd["host"].get("hostname", "")')
[ "$(sql "SELECT hostname FROM hosts WHERE agent_id = '$AGENT_ID'")" = "$host" ] ||
	fail "hostname '$host' not in the register"
n=$(jget "$TMP/inventory.json" 'len(d.get("devices", []))')
[ "$(sql "SELECT COUNT(*) FROM devices WHERE agent_id = '$AGENT_ID' AND connected = 1")" = "$n" ] ||
	fail "devices: expected $n"
server_stop || fail "server exit status"
echo "ok ($n devices)"

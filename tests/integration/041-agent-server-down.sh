#!/usr/bin/env bash
# The server stops while 500 device events happen (250 plugs and unplugs), then comes back:
# all 500 arrive, once each, in order, without restarting the agent.
. "$(dirname "$0")/lib-agent.sh"
server_up
agent_enrolled
"$PY" "$FIXTURE" --root >"$TMP/root"
"$PY" "$FIXTURE" --at 1-2 noserial >"$TMP/dev"
DB="${STORE_URL#sqlite:}"
count() { echo "sqlite3 '$DB' \"SELECT COUNT(*) FROM raw_records WHERE record_type = '$1'\" | grep -qx '$2'"; }
# plugs and unplugs stored (a device_changed may come between, when umockdev is slow to
# write a device's interface under load: that is right, and not counted)
plugs="sqlite3 '$DB' \"SELECT COUNT(*) FROM raw_records WHERE json_extract(body, '\$.event')
	IN ('device_added', 'device_removed')\" | grep -qx 500"

umockdev-wrapper "$HARNESS" "$TMP/events" before:"$TMP/root" \
	until:"$(count snapshot 1)" run:"$TMP/server-stop.sh" \
	cycle:"$TMP/dev":250 run:"$TMP/server-start.sh" until:"$plugs" \
	-- "$AGENT" -v --config "$TMP/agent.ini" run >"$TMP/harness" 2>&1 ||
	{ cat "$TMP/harness"; sql "SELECT record_type, json_extract(body, '\$.event'), COUNT(*) FROM raw_records GROUP BY 1, 2"; fail "harness"; }
cat "$TMP/harness"

sql "SELECT seq, body FROM raw_records WHERE agent_id = '$AGENT_ID' AND record_type = 'event' ORDER BY seq" \
	>"$TMP/stored"
"$PY" - "$TMP/stored" <<'PY' || fail "the events on the server"
import json, sys
rows = [l.rstrip("\n").split("|", 1) for l in open(sys.argv[1])]
seqs = [int(s) for s, _ in rows]
events = [json.loads(b) for _, b in rows]
assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "not one contiguous run of seqs"
# the plugs' events; others come between them (findings, and whatever the PC did meanwhile:
# a listening port that came or went, a process that started): not counted here
events = [e for e in events if e["event"] in ("device_added", "device_removed")]
assert len(events) == 500, len(events)
kinds = [e["event"] for e in events]
assert kinds == ["device_added", "device_removed"] * 250, "not plug, unplug, plug, ..."
times = [e["time"] for e in events]
assert times == sorted(times), "seq order is not time order"
print("500 events, seq", seqs[0], "to", seqs[-1], "in order")
PY
grep -q "uplink: .*retrying" "$TMP/harness" && grep -q "server is reachable again" "$TMP/harness" ||
	fail "the agent's log does not tell the server was away and came back"

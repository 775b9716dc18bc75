#!/usr/bin/env bash
# `watch` with a real cupsd: a queue added, changed (its location, and disabled) and deleted
# while the agent watches gives printer_added, printer_changed and printer_removed, each with
# the queue's facts (the removed one with those it had); the queues there at start are not
# announced.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-printers.sh"
cups_start
sane_test_config
lpadd before 'socket://192.0.2.30:9100'

"$AGENT" -v watch >"$TMP/events" 2>"$TMP/log" &
agent=$!
at_exit "kill $agent 2>/dev/null; wait $agent 2>/dev/null"
# wait_for PATTERN FILE [SECONDS]
wait_for() {
	local i
	for i in $(seq $((${3:-15} * 10))); do
		grep -q "$1" "$2" && return 0
		kill -0 "$agent" 2>/dev/null || { cat "$TMP/log"; fail "agent died"; }
		sleep 0.1
	done
	cat "$TMP/log" "$TMP/events" >&2
	fail "no '$1' in $2"
}
wait_for "print queues known" "$TMP/log"

lpadd counter3 'ipp://192.0.2.40/ipp/print' -L 'Quầy 3'
wait_for '"printer_added"' "$TMP/events"
lpadmin -p counter3 -L 'Quầy 4'
cupsdisable counter3
wait_for '"printer_changed"' "$TMP/events"
lpadmin -x counter3
wait_for '"printer_removed"' "$TMP/events"
kill -INT $agent
wait $agent || fail "agent exit status $?"
validate "$TMP/events"
"$PY" - "$TMP/events" <<'PY' || fail "events"
import json, sys
ev = []
for l in open(sys.argv[1]):
    e = json.loads(l)
    # the two changes may straddle a poll: two printer_changed, the last one counts
    if ev and e["event"] == ev[-1]["event"] == "printer_changed":
        ev[-1] = e
    else:
        ev.append(e)
got = [(e["event"], e["printer"]["name"], e["printer"].get("location")) for e in ev if "printer" in e]
want = [("printer_added", "counter3", "Quầy 3"), ("printer_changed", "counter3", "Quầy 4"),
        ("printer_removed", "counter3", "Quầy 4")]
assert got == want, got
added = ev[0]["printer"]
assert added["address"] == "192.0.2.40" and added["connection"] == "network", added
assert ev[1]["printer"]["state"] == "stopped", ev[1]
print("events ok:", got)
PY

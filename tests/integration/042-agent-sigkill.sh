#!/usr/bin/env bash
# SIGKILL to the agent at random moments, 100 times, while devices are plugged and unplugged
# and records are uploaded: a respawner starts the daemon, kills its worker, its parent or both
# with SIGKILL after 50 to 600 ms, checks the outbox (PRAGMA quick_check ok, never moved aside
# as corrupt) and starts it again. Then one last run drains the outbox. On the server: every seq
# the agent ever gave, from 1 to the outbox's last, stored once (one contiguous run), no event
# stored twice under two seqs; the outbox is empty at the end.
. "$(dirname "$0")/lib-agent.sh"
KILLS=${KILLS:-100}
server_up
agent_enrolled
"$PY" "$FIXTURE" --root >"$TMP/root"
"$PY" "$FIXTURE" --at 1-2 noserial >"$TMP/dev"
OUTBOX="$AGENT_STATE/outbox.db"

# The agent command of the harness: its stderr is the harness's pipe, where the first run's
# "running: " line says it is ready. It exits 0 only if every check held and the last run
# stopped cleanly on the harness's SIGINT.
cat >"$TMP/respawn.sh" <<EOT
#!/usr/bin/env bash
set -u
agent() { "$AGENT" -v --config "$TMP/agent.ini" run & pid=\$!; }
gone() { [ ! -e /proc/\$1 ] || grep -q '^[0-9]* ([^)]*) Z' /proc/\$1/stat 2>/dev/null; }
bad() { echo "respawn: \$*" >&2; echo "\$*" >"$TMP/failed"; touch "$TMP/done"; exit 1; }
declare -A kills=([worker]=0 [parent]=0 [both]=0)
for ((i = 1; i <= $KILLS; i++)); do
	agent
	sleep "\$(printf '0.%03d' \$((50 + RANDOM % 551)))"
	worker=\$(pgrep -P "\$pid" | head -n 1)
	what=\$([ -n "\$worker" ] && echo worker parent both | cut -d' ' -f\$((RANDOM % 3 + 1)) || echo parent)
	case \$what in
	worker) kill -KILL "\$worker" ;;
	parent) kill -KILL "\$pid" ;;
	both) kill -KILL "\$pid" "\$worker" ;;
	esac
	kills[\$what]=\$((kills[\$what] + 1))
	wait "\$pid" 2>/dev/null
	# the worker killed with its parent, or stopping on its parent-death SIGTERM
	for ((t = 0; t < 200; t++)); do [ -z "\$worker" ] || gone "\$worker" && break; sleep 0.05; done
	[ -z "\$worker" ] || gone "\$worker" || bad "kill \$i: the worker \$worker outlived its parent by 10 s"
	ls "$OUTBOX".corrupt-* >/dev/null 2>&1 && bad "kill \$i (\$what): the outbox was moved aside as corrupt"
	[ ! -e "$OUTBOX" ] || [ "\$(sqlite3 "$OUTBOX" 'PRAGMA quick_check')" = ok ] ||
		bad "kill \$i (\$what): quick_check: \$(sqlite3 "$OUTBOX" 'PRAGMA quick_check' 2>&1)"
done
echo "kills: worker \${kills[worker]}, parent \${kills[parent]}, both \${kills[both]}" >"$TMP/kills"
touch "$TMP/done"
trap 'kill -TERM \$pid; wait \$pid; exit \$?' INT TERM
# the first seq of the last run: its first snapshot has this one or a higher one
sqlite3 "$OUTBOX" 'SELECT next_seq FROM meta' >"$TMP/final.tmp" && mv "$TMP/final.tmp" "$TMP/final"
agent
wait \$pid
bad "the last run stopped by itself: exit \$?"
EOT
chmod +x "$TMP/respawn.sh"

# drained: the last run's first snapshot is on the server and its outbox empty (the uplink
# sends each record at once)
drained="[ -e '$TMP/failed' ] || { [ -s '$TMP/final' ] &&
	sqlite3 '${STORE_URL#sqlite:}' \"SELECT COUNT(*) FROM $RECORDS WHERE record_type = 'snapshot'
		AND seq >= \$(cat '$TMP/final')\" | grep -qvx 0 &&
	[ \"\$(sqlite3 '$OUTBOX' 'SELECT COUNT(*) FROM record')\" = 0 ]; }"
start=$(date +%s)
umockdev-wrapper "$HARNESS" "$TMP/events" before:"$TMP/root" \
	pace:100 cycle-until:"$TMP/dev":"$TMP/done" until:"$drained" sleep:1500 until:"$drained" \
	-- "$TMP/respawn.sh" >"$TMP/harness" 2>&1 ||
	{ grep -v "running: \|privsep: worker\|outbox: created" "$TMP/harness" | tail -n 40; fail "harness: $(cat "$TMP/failed" 2>/dev/null)"; }
[ ! -e "$TMP/failed" ] || fail "$(cat "$TMP/failed")"
grep "cycle-until" "$TMP/harness"
cat "$TMP/kills"
echo "$(($(date +%s) - start)) s"
! grep -E "AddressSanitizer|LeakSanitizer|runtime error" "$TMP/harness" || fail "sanitizer report"
ls "$OUTBOX".corrupt-* 2>/dev/null && fail "the outbox was moved aside as corrupt"

# every seq ever given, once; nothing waiting
next=$(sqlite3 "$OUTBOX" 'SELECT next_seq FROM meta')
sql "SELECT seq, record_type, body FROM $RECORDS WHERE agent_id = '$AGENT_ID' ORDER BY seq" \
	>"$TMP/stored"
"$PY" - "$TMP/stored" "$next" <<'PY' || fail "the records on the server"
import collections, json, sys
rows = [l.rstrip("\n").split("|", 2) for l in open(sys.argv[1])]
last = int(sys.argv[2]) - 1
seqs = [int(s) for s, _, _ in rows]
assert seqs == list(range(1, last + 1)), "seqs stored are not 1..%d: %d rows, first %s, last %s, missing %s" % (
    last, len(seqs), seqs[:1], seqs[-1:], sorted(set(range(1, last + 1)) - set(seqs))[:10])
events = collections.Counter(b for _, t, b in rows if t == "event")
twice = [b for b, n in events.items() if n > 1]
assert not twice, "stored twice: %s" % ["seqs %s: %s" % ([s for s, _, c in rows if c == b], b)
                                        for b in twice[:3]]
kinds = collections.Counter(json.loads(b)["event"] for b in events)
print("seqs 1 to %d stored once each: %d snapshots, %d events %s" % (
    last, sum(1 for _, t, _ in rows if t == "snapshot"), len(events), dict(kinds)))
assert kinds["device_added"] > 0, "no plug stored"
PY
"$AGENT" --config "$TMP/agent.ini" status >"$TMP/status" 2>&1 || true
grep -q "^Outbox: *0 records waiting" "$TMP/status" || fail "left waiting: $(cat "$TMP/status")"

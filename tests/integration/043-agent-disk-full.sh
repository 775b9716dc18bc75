#!/usr/bin/env bash
# The outbox on a small tmpfs, the server stopped, devices plugged and unplugged all along:
# first the disk is full (a filler file takes the rest of it): each event that cannot be
# stored is logged as lost and the daemon runs on; then the tmpfs grows (space returns) and
# the outbox fills up to its cap of 48 KiB: the oldest records are dropped and the log says
# so; then the server comes back: everything kept arrives, with records_dropped events whose
# counts add up to exactly the seqs that never arrived.
. "$(dirname "$0")/lib-agent.sh"
need unshare
[ "$(id -u)" = 0 ] || skip "needs root (a mount namespace and a tmpfs)"
server_up
agent_enrolled
BOX="$TMP/box"
mkdir "$BOX"
sed -i "s|^path = .*|path = $BOX/outbox.db\ncap = 48k|; s|^user = nobody|&\nsnapshot_interval = 30|" \
	"$TMP/agent.ini"
"$PY" "$FIXTURE" --root >"$TMP/root"
"$PY" "$FIXTURE" --at 1-2 noserial >"$TMP/dev"
status="'$AGENT' --config '$TMP/agent.ini' status"
log="'$TMP/harness'"
db="sqlite3 '${STORE_URL#sqlite:}'"
stored() { echo "$db \"SELECT COUNT(*) FROM raw_records WHERE $1\" | grep -qvx 0"; }

# the harness and the agent in a mount namespace of their own, the outbox on a 1 MiB tmpfs
# owned by the agent's user; status runs in there too (its state file is beside the outbox)
unshare -m --propagation private sh -c '
	mount -t tmpfs -o size=1m,mode=0700,uid=65534,gid=65534 counterguard-test "$0" &&
	exec "$@"' "$BOX" \
	umockdev-wrapper "$HARNESS" "$TMP/events" before:"$TMP/root" \
	until:"$(stored "record_type = 'snapshot'")" run:"$TMP/server-stop.sh" \
	run:"dd if=/dev/zero of='$BOX/filler' bs=4k 2>/dev/null; df -k '$BOX' | tail -n 1 >'$TMP/df-full'" \
	cycle:"$TMP/dev":10 until:"grep -q 'could not be stored, it is lost' $log" \
	run:"kill -0 \$(sed -n 's/^pid = //p' '$BOX/daemon.state')" \
	run:"mount -o remount,size=8m '$BOX'" \
	cycle:"$TMP/dev":150 until:"grep -q 'over its cap' $log" \
	run:"$status >'$TMP/status-cap'" run:"ls -l '$BOX' >'$TMP/box-ls'" \
	run:"$TMP/server-start.sh" \
	until:"$(stored "json_extract(body, '\$.event') = 'records_dropped'") &&
		$status >'$TMP/status-end' && grep -q '^Outbox: *0 records waiting' '$TMP/status-end' &&
		! grep -q '^Dropped:' '$TMP/status-end'" \
	-- "$AGENT" -v --config "$TMP/agent.ini" run >"$TMP/harness" 2>&1 ||
	{ grep -v "^counterguard-agent: usb: " "$TMP/harness" | tail -n 60; fail "harness"; }
grep -E "^(until|done|FAILED|cycle)" "$TMP/harness" | cut -c1-100
cat "$TMP/df-full" "$TMP/status-cap" "$TMP/box-ls"

# the full disk: said, and the daemon ran on (it stopped on the harness's SIGINT, exit 0)
grep -m 2 -E "outbox.*(disk is full|No space)" "$TMP/harness"
grep -q "a record (event) could not be stored, it is lost" "$TMP/harness" || fail "no word of the lost events"
# the cap: said, and held
grep "over its cap" "$TMP/harness" || fail "no word of the cap"
kib=$(sed -n 's/^Outbox: *[0-9]* records waiting (\([0-9]*\) KiB).*/\1/p' "$TMP/status-cap")
[ -n "$kib" ] && [ "$kib" -le 48 ] || fail "the outbox holds more than its cap: $(cat "$TMP/status-cap")"
dropped=$(sed -n 's/^Dropped: *\([0-9]*\) records lost.*/\1/p' "$TMP/status-cap")
[ -n "$dropped" ] && [ "$dropped" -gt 0 ] || fail "status does not say what was dropped"
grep -q "records were dropped (past the outbox.s cap, or refused by the server); the server is told" "$TMP/harness" ||
	fail "the report of the drops is not logged"

# on the server: the drops reported with their count, which is exactly the seqs missing
sql "SELECT seq, json_extract(body, '$.event'), json_extract(body, '$.dropped') FROM raw_records
	WHERE agent_id = '$AGENT_ID' ORDER BY seq" >"$TMP/stored"
"$PY" - "$TMP/stored" "$dropped" <<'PY' || fail "the records on the server"
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]
seqs = [int(r[0]) for r in rows]
reports = [int(r[2]) for r in rows if r[1] == "records_dropped"]
missing = sorted(set(range(1, seqs[-1] + 1)) - set(seqs))
# one report, or two when a snapshot came while records were being dropped; status said a
# second earlier, before the last records came in
assert reports and sum(reports) >= int(sys.argv[2]), \
    "records_dropped reports %s, status said %s" % (reports, sys.argv[2])
assert len(missing) == sum(reports), "%d seqs missing, %s reported dropped" % (len(missing), reports)
after = [r for r in rows if int(r[0]) > missing[-1] and r[1] in ("device_added", "device_removed")]
assert after, "no event stored after the drops"
print("%d records stored, seqs 1 to %d; %d dropped by the cap (seqs %d to %d), reported %s; %d events after them"
      % (len(rows), seqs[-1], len(missing), missing[0], missing[-1], reports, len(after)))
PY

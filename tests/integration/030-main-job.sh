#!/usr/bin/env bash
# The main job of README.md, as a user runs it: scripts/run.sh builds, starts the server on
# its SQLite database, enrolls this PC's agent and runs it as the daemon, whose snapshot is
# stored; run again, it reuses the enrollment, restarts the daemon, and its next snapshot is
# taken (stored, or kept as unchanged).
. "$(dirname "$0")/lib.sh"
need curl
need openssl
export COUNTERGUARD_STATE="$TMP/state"
COUNTERGUARD_PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export COUNTERGUARD_PORT
# stopped, and waited for: the daemon writes its last state as it stops
stop_all() {
	local p
	for p in $(cat "$TMP/state/agent.pid" "$TMP/state/server.pid" 2>/dev/null); do
		kill -TERM "$p" 2>/dev/null || continue
		while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
	done
}
at_exit stop_all
chmod 711 "$TMP" # as a checkout is: the agent's worker reaches its state under it
server="$SRCDIR/build/counterguard-server"
# snapshots the server took: stored in full, or kept as a small row when unchanged (the second
# run's usually is: nothing on this PC changed but the times)
snapshots() {
	"$server" --config "$TMP/state/server.ini" dump |
		grep -E '"table":"raw_records".*"record_type":"snapshot"|"table":"snapshot_repeats"' | wc -l
}

"$SRCDIR/scripts/run.sh" >"$TMP/out1" 2>&1 || { cat "$TMP/out1"; fail "first run"; }
cat "$TMP/out1"
grep -q "counterguard-server is running: https://127.0.0.1:$COUNTERGUARD_PORT" "$TMP/out1" || fail "no URL"
grep -q "counterguard-agent is running as the daemon" "$TMP/out1" || fail "no daemon"
grep -q "^Daemon: *running" "$TMP/out1" || fail "status: not running"
grep -qE "^Reached: *20[0-9-]+T" "$TMP/out1" || fail "status: never reached the server"
[ "$(snapshots)" = 1 ] || fail "first snapshot"
pid1=$(cat "$TMP/state/agent.pid")
kill -0 "$pid1" || fail "the daemon is not running after the main job"
# run again: the same enrollment, the daemon restarted, its new snapshot stored
"$SRCDIR/scripts/run.sh" >"$TMP/out2" 2>&1 || { cat "$TMP/out2"; fail "second run"; }
[ "$(snapshots)" = 2 ] || fail "second snapshot"
! kill -0 "$pid1" 2>/dev/null || fail "the first daemon was not stopped"

# the server holds this PC, under its machine id, once
"$server" --config "$TMP/state/server.ini" dump >"$TMP/dump"
[ "$(grep -c '"table":"hosts"' "$TMP/dump")" = 1 ] || fail "host rows"
[ "$(grep -c '"table":"agents"' "$TMP/dump")" = 1 ] || fail "agent rows (enrolled twice?)"
grep '"table":"hosts"' "$TMP/dump" | grep -q "\"hostname\":\"$(uname -n)\"" || fail "hostname"
# and answers over TLS with its own certificate
curl -sS --fail --cacert "$TMP/state/server.crt" "https://127.0.0.1:$COUNTERGUARD_PORT/api/v1/ping" >/dev/null ||
	fail "ping"
echo "main job ok"

#!/usr/bin/env bash
# The agent as a service, against the real server over TLS: `enroll` with a token, `run -n`
# checks the setup, `run` reports a snapshot at start and a plugged stick as an event, both
# stored on the server; `status` says enrolled, running, reached, nothing waiting.
. "$(dirname "$0")/lib-agent.sh"
server_up
agent_ini
agent() { "$AGENT" --config "$TMP/agent.ini" "$@"; }

# run -n before enrolling: a clear error, exit 2
set +e
agent run -n >"$TMP/out" 2>"$TMP/err"; rc=$?
set -e
[ $rc = 2 ] && grep -q "not enrolled yet" "$TMP/err" || fail "run -n unenrolled: $rc $(cat "$TMP/err")"
# a token that is not one: refused, nothing written
set +e
agent enroll --token nonsense >"$TMP/out" 2>"$TMP/err"; rc=$?
set -e
[ $rc = 1 ] && grep -q "refused the token" "$TMP/err" || fail "bad token: $rc $(cat "$TMP/err")"
[ ! -e "$TMP/state/credential" ] || fail "a refused enrollment wrote a credential"

TOKEN=$(cg token create --unit 010101 2>/dev/null)
agent enroll --token "$TOKEN" >"$TMP/out" 2>"$TMP/err" || fail "enroll: $(cat "$TMP/err")"
grep -q "^enrolled with $URL as agent [0-9a-f]\{32\}" "$TMP/out" || fail "enroll said: $(cat "$TMP/out")"
[ "$(stat -c %a "$TMP/state/credential")" = 600 ] || fail "credential mode"
AGENT_ID=$(sed -n 's/^agent_id = //p' "$TMP/state/credential")
agent run -n >"$TMP/out" 2>&1 || fail "run -n: $(cat "$TMP/out")"
grep -q "configuration ok" "$TMP/out" || fail "run -n said: $(cat "$TMP/out")"

# the daemon under umockdev, with a stick plugged once it runs
"$PY" "$FIXTURE" --root >"$TMP/root"
"$PY" "$FIXTURE" --at 1-2 stick >"$TMP/stick"
"$PY" "$FIXTURE" --at 1-3 token >"$TMP/stick2"
# SIGHUP with a broken agent.ini keeps the settings in use; with a good one, the new
# counter label is on the server with the snapshot the reload takes
cat >"$TMP/hup-bad.sh" <<EOT
#!/bin/sh
cp "$TMP/agent.ini" "$TMP/agent.ini.good"
printf '[agent]\ncolour = red\n' >>"$TMP/agent.ini"
kill -HUP \$(sed -n 's/^pid = //p' "$TMP/state/daemon.state")
EOT
cat >"$TMP/hup-good.sh" <<EOT
#!/bin/sh
sed 's/^counter = .*/counter = Quầy 2/' "$TMP/agent.ini.good" >"$TMP/agent.ini"
kill -HUP \$(sed -n 's/^pid = //p' "$TMP/state/daemon.state")
EOT
chmod +x "$TMP/hup-bad.sh" "$TMP/hup-good.sh"
counter2="sqlite3 '${STORE_URL#sqlite:}' \"SELECT COUNT(*) FROM raw_records WHERE record_type = 'snapshot' AND body LIKE '%Quầy 2%'\" | grep -qx 1"
umockdev-wrapper "$HARNESS" "$TMP/events" \
	before:"$TMP/root" plug:"$TMP/stick" sleep:1500 \
	run:"'$AGENT' --config '$TMP/agent.ini' status >'$TMP/status-running' 2>&1" \
	run:"! '$AGENT' --config '$TMP/agent.ini' run 2>'$TMP/second' && grep -q 'not starting a second one' '$TMP/second'" \
	run:"$TMP/hup-bad.sh" sleep:300 run:"$TMP/hup-good.sh" until:"$counter2" \
	run:"'$SERVER' --config '$CONFIG' agents revoke $AGENT_ID" plug:"$TMP/stick2" \
	until:"grep -q 'agent revoked' '$TMP/harness'" sleep:1500 \
	run:"'$AGENT' --config '$TMP/agent.ini' status >'$TMP/status-revoked' 2>&1; true" \
	-- "$AGENT" -v --config "$TMP/agent.ini" run >"$TMP/harness" 2>&1 ||
	{ cat "$TMP/harness"; fail "harness"; }

grep -q "unknown key 'colour' in \[agent\]" "$TMP/harness" &&
	grep -q "reload: .* is not usable; the configuration in use is kept" "$TMP/harness" ||
	fail "a bad agent.ini on reload: $(cat "$TMP/harness")"
grep -q "reloaded $TMP/agent.ini" "$TMP/harness" || fail "no reload"
[ "$(sql "SELECT COUNT(*) FROM raw_records WHERE agent_id = '$AGENT_ID' AND record_type = 'snapshot'")" -ge 1 ] ||
	fail "no snapshot stored: $(sql 'SELECT agent_id, seq, record_type FROM raw_records')"
sql "SELECT body FROM raw_records WHERE agent_id = '$AGENT_ID' AND record_type = 'event'" >"$TMP/stored-events"
grep -q '"device_added"' "$TMP/stored-events" && grep -q '4C530001230415116241' "$TMP/stored-events" ||
	fail "the stick's event is not on the server: $(cat "$TMP/stored-events")"
# while it ran: the worker is nobody without any capability, the parent root with none kept
cat "$TMP/status-running"
grep -q "^Daemon: *running" "$TMP/status-running" || fail "status while running"
grep -qE "^Worker: *pid [0-9]+ uid=65534\(nobody\) gid=65534 effective=none permitted=none bounding=none no_new_privs=1" \
	"$TMP/status-running" || fail "the worker's user and capabilities"
grep -qE "^Parent: *pid [0-9]+ uid=0\(root\) real_uid=65534 gid=0 effective=cap_net_admin,cap_sys_ptrace permitted=cap_net_admin,cap_sys_ptrace bounding=cap_net_admin,cap_sys_ptrace no_new_privs=1" \
	"$TMP/status-running" || fail "the parent's user and capabilities"

# revoked on the server: the agent stops sending, says why, and status says so; the token
# plugged afterwards waits in the outbox
grep -q "nothing more is sent until the agent is enrolled again" "$TMP/harness" ||
	fail "revocation not logged"
grep -q "^Stopped: .*enroll it again" "$TMP/status-revoked" || fail "status after revocation: $(cat "$TMP/status-revoked")"
sql "SELECT body FROM raw_records WHERE agent_id = '$AGENT_ID'" | grep -q '"1-3"' &&
	fail "a record was stored after the revocation"

# status, after the daemon stopped: enrolled, reached, nothing waiting, not running (exit 1)
set +e
agent status >"$TMP/status" 2>&1; rc=$?
set -e
cat "$TMP/status"
[ $rc = 1 ] || fail "status of a stopped agent: exit $rc"
grep -q "^Enrolled: *agent $AGENT_ID with $URL" "$TMP/status" || fail "status: enrollment"
grep -q "^Daemon: *not running" "$TMP/status" || fail "status: daemon"
grep -qE "^Reached: *20[0-9-]+T" "$TMP/status" || fail "status: last reached"
grep -qE "^Outbox: *[1-9][0-9]* records waiting" "$TMP/status" || fail "status: outbox (the token's records wait)"
echo ok

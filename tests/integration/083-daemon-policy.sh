#!/usr/bin/env bash
# The daemon with a policy, against the real server: an unapproved disk there at start is a
# CG-USB-001 finding in the first snapshot (stored in the server's findings); a stick plugged
# while it runs is a finding_opened event; SIGHUP with an invalid policy keeps the one in use
# (the log says file:line); with one approving the disk, the next snapshot carries the new
# policy version and the finding is resolved (a finding_resolved event). `run -n` refuses an
# invalid policy.
. "$(dirname "$0")/lib-agent.sh"
server_up
agent_enrolled
DB="${STORE_URL#sqlite:}"
cat >"$TMP/policy.conf" <<'CONF'
version = "v1";
usb = { storage_mode = "audit"; };
CONF
chmod 644 "$TMP/policy.conf"
agent() { "$AGENT" --config "$TMP/agent.ini" --policy "$TMP/policy.conf" "$@"; }

printf 'version = "v0";\nusb = { storage_mode = "lock"; };\n' >"$TMP/bad.conf"
set +e
"$AGENT" --config "$TMP/agent.ini" --policy "$TMP/bad.conf" run -n >"$TMP/out" 2>&1; rc=$?
set -e
[ $rc = 2 ] && grep -q "bad.conf:2: usb.storage_mode: 'lock'" "$TMP/out" || fail "run -n, bad policy: $rc $(cat "$TMP/out")"
agent run -n >"$TMP/out" 2>&1 && grep -q "policy $TMP/policy.conf" "$TMP/out" || fail "run -n: $(cat "$TMP/out")"

"$PY" "$FIXTURE" --root >"$TMP/root"
"$PY" "$FIXTURE" --at 1-1 disk >"$TMP/disk"
"$PY" "$FIXTURE" --at 1-2 stick >"$TMP/stick"
cat >"$TMP/hup-bad.sh" <<EOT
#!/bin/sh
printf 'version = "v1";\nusb = {\n  bogus = 1;\n};\n' >"$TMP/policy.conf"
kill -HUP \$(sed -n 's/^pid = //p' "$TMP/state/daemon.state")
EOT
cat >"$TMP/hup-good.sh" <<EOT
#!/bin/sh
printf 'version = "v2";\nusb = { approved = ( { vendor = "1058"; product = "25a2"; } ); };\n' >"$TMP/policy.conf"
kill -HUP \$(sed -n 's/^pid = //p' "$TMP/state/daemon.state")
EOT
chmod +x "$TMP/hup-bad.sh" "$TMP/hup-good.sh"
q() { echo "sqlite3 '$DB' \"SELECT COUNT(*) FROM raw_records WHERE $1\" | grep -qv '^0\$'"; }
umockdev-wrapper "$HARNESS" "$TMP/events" \
	before:"$TMP/root" before:"$TMP/disk" \
	until:"$(q "record_type = 'snapshot' AND body LIKE '%CG-USB-001%575834314133394C%'")" \
	plug:"$TMP/stick" \
	until:"$(q "record_type = 'event' AND body LIKE '%finding_opened%CG-USB-001%4C530001230415116241%'")" \
	run:"$TMP/hup-bad.sh" sleep:300 run:"$TMP/hup-good.sh" \
	until:"$(q "record_type = 'event' AND body LIKE '%finding_resolved%575834314133394C%'")" \
	-- "$AGENT" -v --config "$TMP/agent.ini" --policy "$TMP/policy.conf" run >"$TMP/harness" 2>&1 ||
	{ cat "$TMP/harness"; fail "harness"; }

grep -q "policy.conf:3: usb.bogus: unknown setting" "$TMP/harness" &&
	grep -q "reload: the policy is not usable; the one in use is kept" "$TMP/harness" ||
	fail "an invalid policy on reload: $(cat "$TMP/harness")"
grep -q "policy reloaded: version v2" "$TMP/harness" || fail "no reload of the policy"
# the first snapshot: the finding, the verdict, the policy's version
sql "SELECT body FROM raw_records WHERE agent_id = '$AGENT_ID' AND record_type = 'snapshot' ORDER BY seq LIMIT 1" >"$TMP/first.json"
"$PY" - "$TMP/first.json" <<'PY' || fail "first snapshot"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["host"]["policy_version"] == "v1", d["host"]
f = [x for x in d["findings"] if x["rule_id"] == "CG-USB-001"]
assert len(f) == 1 and "serial=575834314133394C" in f[0]["evidence"] and f[0]["severity"] == "high", f
assert f[0]["message_vi"] == "Thiết bị lưu trữ USB chưa được phê duyệt", f
assert [x["verdict"] for x in d["devices"]] == ["unapproved"], d["devices"]
PY
# after the reload: version v2, the disk approved
sql "SELECT body FROM raw_records WHERE agent_id = '$AGENT_ID' AND record_type = 'snapshot' ORDER BY seq DESC LIMIT 1" >"$TMP/last.json"
[ "$(jget "$TMP/last.json" 'd["host"]["policy_version"]')" = v2 ] || fail "last snapshot's policy"
[ "$(jget "$TMP/last.json" '[x.get("verdict") for x in d["devices"] if x["port"] == "1-1"][0]')" = approved ] ||
	fail "the disk is not approved after the reload"
# the server's findings: the disk's resolved
[ "$(sql "SELECT state FROM findings WHERE agent_id = '$AGENT_ID' AND rule_id = 'CG-USB-001' AND evidence LIKE '%575834314133394C%'")" = resolved ] ||
	fail "server findings: $(sql "SELECT rule_id, state, evidence FROM findings")"
echo "daemon policy ok"

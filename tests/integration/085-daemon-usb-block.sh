#!/usr/bin/env bash
# Block mode in the daemon: its worker (nobody) cannot write sysfs, its privileged parent does
# (PRIV_USB_AUTHORIZE). An unapproved disk there at start is deauthorized (`authorized` is 0
# in the testbed) and the snapshot on the server says "blocked"; a policy approving it
# (SIGHUP) authorizes it again. (Plugging while the daemon runs is test 082's, under watch:
# here umockdev's preload library runs out of room for the daemon's many sockets.) The
# parent's refusal of a name that is not a USB device is test_privsep_source's.
. "$(dirname "$0")/lib-agent.sh"
! pgrep -x usbguard-daemon >/dev/null || skip "usbguard-daemon runs on this machine"
server_up
agent_enrolled
DB="${STORE_URL#sqlite:}"
cat >"$TMP/policy.conf" <<'CONF'
version = "block";
usb = { storage_mode = "block"; };
CONF
chmod 644 "$TMP/policy.conf"
"$PY" "$FIXTURE" --root >"$TMP/root"
"$PY" "$FIXTURE" --at 1-1 disk >"$TMP/disk"
cat >"$TMP/approve.sh" <<EOT
#!/bin/sh
cat >"$TMP/policy.conf" <<'CONF'
version = "approve";
usb = { storage_mode = "block";
  approved = ( { vendor = "1058"; product = "25a2"; } ); };
CONF
kill -HUP \$(sed -n 's/^pid = //p' "$TMP/state/daemon.state")
EOT
cat >"$TMP/auth.sh" <<'EOT'
#!/bin/sh
d="$UMOCKDEV_DIR/sys/devices/pci0000:00/0000:00:14.0/usb1"
printf '1-1 %s\n' "$(cat "$d/1-1/authorized")" >>"$1"
EOT
chmod +x "$TMP/approve.sh" "$TMP/auth.sh"
q() { echo "sqlite3 '$DB' \"SELECT COUNT(*) FROM raw_records WHERE $1\" | grep -qv '^0\$'"; }
umockdev-wrapper "$HARNESS" "$TMP/events" \
	before:"$TMP/root" before:"$TMP/disk" \
	until:"$(q "record_type = 'snapshot' AND body LIKE '%575834314133394C%verdict_:_blocked%'")" \
	run:"$TMP/auth.sh $TMP/auth" run:"$TMP/approve.sh" \
	until:"grep -q 'authorized again' '$TMP/harness'" sleep:300 run:"$TMP/auth.sh $TMP/auth" \
	-- "$AGENT" -v --config "$TMP/agent.ini" --policy "$TMP/policy.conf" run >"$TMP/harness" 2>&1 ||
	{ grep -v "fd_map_add" "$TMP/harness" | tail -n 40
	  sqlite3 "$DB" "SELECT seq, record_type, substr(body, 1, 200) FROM raw_records"
	  sqlite3 "$DB" "SELECT body FROM raw_records WHERE seq = 1" | "$PY" -c "import json,sys; print([(x[\"port\"], x.get(\"verdict\")) for x in json.load(sys.stdin)[\"devices\"]])"
	  "$AGENT" --config "$TMP/agent.ini" status; fail "harness"; }
grep -E "privsep: USB|deauthorized|authorized again" "$TMP/harness" | cut -c1-160
cat "$TMP/auth"
[ "$(sed -n 1p "$TMP/auth")" = "1-1 0" ] || fail "not deauthorized: $(sed -n 1p "$TMP/auth")"
[ "$(sed -n 2p "$TMP/auth")" = "1-1 1" ] || fail "not authorized again: $(sed -n 2p "$TMP/auth")"
grep -q "privsep: USB 1-1 authorized = 0" "$TMP/harness" &&
	grep -q "privsep: USB 1-1 authorized = 1" "$TMP/harness" ||
	fail "the parent did not write: $(grep -i usb "$TMP/harness" | tail -5)"
! grep -i "usb\|authoriz" "$TMP/harness" | grep -qi "denied\|read-only\|failed" || fail "a write failed"
echo "daemon block mode ok"

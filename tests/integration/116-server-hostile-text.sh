#!/usr/bin/env bash
# Text an agent chose (its hostname, sent at enrollment and in snapshots) with ESC, BEL and a
# newline reaches neither the admin's terminal through `agents list` nor the log raw: no
# escape sequence, no forged line.
. "$(dirname "$0")/lib-server.sh"

make_cert
serve_units sqlite
TOKEN=$(cg token create --unit 010101 --uses 2 2>/dev/null)
# "pc\e[31mRED\a\ncounterguard-server: agent forged" and a C1 control (U+009B, CSI)
HOST='pc\u001b[31mRED\u0007\ncounterguard-server: agent forged\u009b2J'
printf '{"token":"%s","host":{"hostname":"%s"}}' "$TOKEN" "$HOST" >"$TMP/enroll.json"
post /api/v1/enroll "$TMP/enroll.json"
expect 200 credential
CRED=$(jget "$TMP/resp" 'd["credential"]')
# the database keeps what the agent said (the register shows it escaped, not changed)
[ "$(sql "SELECT hex(hostname) FROM hosts")" = "$(printf 'pc\033[31mRED\a\ncounterguard-server: agent forged\302\2332J' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" ] ||
	fail "hostname not stored as sent: $(sql "SELECT hostname FROM hosts")"

cg agents list >"$TMP/agents" 2>&1 || fail "agents list"
cat -A "$TMP/agents"
! grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$TMP/agents" || fail "agents list prints control characters"
! grep -q $'\xc2\x9b' "$TMP/agents" || fail "agents list prints a C1 control"
[ "$(wc -l <"$TMP/agents")" = 2 ] || fail "agents list: the hostname broke the line"
grep -q 'pc?\[31mRED??counterguard-server: agent forged?2J' "$TMP/agents" ||
	fail "hostname not shown made printable"

grep -a 'enrolled' "$TMP/server.log" | cat -A
! grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$TMP/server.log" || fail "log has control characters"
! grep -q '^counterguard-server: agent forged' "$TMP/server.log" || fail "a log line was forged"
grep -q "enrolled (host 'pc?\[31mRED??counterguard-server: agent forged?2J')" "$TMP/server.log" ||
	fail "enrollment not logged"
server_stop || fail "server exit status"
echo ok

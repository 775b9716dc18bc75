#!/usr/bin/env bash
# `check --format json` judging real facts of the PC's posture, in one private mount and
# network namespace: a real clamd on signatures 10 days old (no clamonacc, no console); a
# test /etc with an administrator by sudoers.d, an empty password, a password 400 days old,
# an account unused for 60 days, automatic login, and a locked, unused account with an old
# password (no finding: it cannot log in); an nftables ruleset dropping inbound by default,
# with ssh (allowed by the policy) and 9090 (not allowed) open, 8080 listening but closed,
# 6010 on loopback. The findings' ids and evidence name what was found. Then the same run as
# an unprivileged user: shadow, sudoers, the ruleset and other users' processes unreadable,
# so no finding claims anything about them (CG-SYS-002 says what is missing). Last, a real
# cupsd of the test's own with a queue without location and a queue printing to a file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-antivirus.sh"
. "$(dirname "$0")/lib-accounts.sh"
. "$(dirname "$0")/lib-printers.sh"
need setpriv
need nft
need socat

# antivirus: a database 10 days old in the test's /var/lib/clamav
av_db 27001 $((10 * 86400 + 600))
mkdir -p "$ROOT_LIB/clamav" "$ROOT_ETC/clamav" "$ROOT_LOG/clamav"
cp "$TMP/db/daily.cud" "$ROOT_LIB/clamav/"
cp "$TMP/clamd.conf" "$ROOT_ETC/clamav/clamd.conf"
stime=$(head -c 512 "$ROOT_LIB/clamav/daily.cud" | cut -d: -f9 | tr -d ' ')
built=$(date -u -d "@$stime" +%Y-%m-%dT%H:%M:%S)

# accounts
cat >"$ROOT_ETC/passwd" <<'P'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
alice:x:1001:1001:Alice:/home/alice:/bin/bash
bob:x:1002:1002:Bob:/home/bob:/bin/bash
carol:x:1003:1003:Carol:/home/carol:/bin/bash
dave:x:1004:1004:Dave:/home/dave:/bin/bash
frank:x:1006:1006:Frank:/home/frank:/bin/bash
gina:x:1007:1007:Gina:/home/gina:/bin/bash
P
today=$((NOW / DAY))
old=$((today - 400))
cat >"$ROOT_ETC/shadow" <<S
root:!:$today:0:99999:7:::
daemon:*:$today:0:99999:7:::
alice:\$6\$s\$HASHMARKERalice:$today:0:99999:7:::
bob::$today:0:99999:7:::
carol:\$6\$s\$HASHMARKERcarol:$old:0:99999:7:::
dave:!\$6\$s\$HASHMARKERdave:$old:0:99999:7:::
frank:\$6\$s\$HASHMARKERfrank:$today:0:99999:7:::
gina:\$6\$s\$HASHMARKERgina:$today:0:99999:7:::
S
chmod 0640 "$ROOT_ETC/shadow"
printf 'root:x:0:\nsudo:x:27:\nusers:x:100:\n' >"$ROOT_ETC/group"
printf 'UID_MIN 1000\nUID_MAX 60000\n' >"$ROOT_ETC/login.defs"
printf 'root ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n' >"$ROOT_ETC/sudoers"
mkdir -m 0750 "$ROOT_ETC/sudoers.d"
printf 'alice ALL=(ALL:ALL) ALL\n' >"$ROOT_ETC/sudoers.d/90-alice"
chmod 0440 "$ROOT_ETC/sudoers" "$ROOT_ETC/sudoers.d/90-alice"
mkdir -p "$ROOT_ETC/lightdm"
printf '[Seat:*]\nautologin-user=gina\n' >"$ROOT_ETC/lightdm/lightdm.conf"
for u in 1001 1002 1003 1007; do lastlog $u $((NOW - 3600)) tty1 -; done
lastlog 1004 $((NOW - 300 * DAY)) tty1 -
lastlog 1006 $((NOW - 60 * DAY)) tty1 -

# the policy where an unprivileged user may read it too (the namespace's /etc)
mkdir -p "$ROOT_ETC/counterguard"
cat >"$ROOT_ETC/counterguard/policy.conf" <<'CONF'
version = "test-084";
firewall = { allowed_services = ( { protocol = "tcp"; port = 22; } ); };
CONF
cat >"$TMP/ruleset.nft" <<'NFT'
table inet filter {
	chain input {
		type filter hook input priority 0; policy drop;
		iif lo accept
		ct state established,related accept
		tcp dport { 22, 9090 } accept
	}
}
NFT
chmod 0644 "$ROOT_ETC/counterguard/policy.conf"

# SCRIPT inside the namespace: the test's /etc, /var/log, /var/lib; clamd running
posture() {
	unshare --mount --net --propagation private env AGENT="$AGENT" TMP="$TMP" \
		ROOT_ETC="$ROOT_ETC" ROOT_LOG="$ROOT_LOG" ROOT_LIB="$ROOT_LIB" bash -euo pipefail -c '
ip link set lo up
mount --bind "$ROOT_ETC" /etc
mount --bind "$ROOT_LOG" /var/log
mount --bind "$ROOT_LIB" /var/lib
/usr/sbin/clamd >"$TMP/clamd.out" 2>&1 &
nft -f "$TMP/ruleset.nft"
for p in 22 8080 9090 127.0.0.1:6010; do
	port=${p#*:}; bind=; [ "$port" = "$p" ] || bind=",bind=${p%:*}"
	socat -u "TCP4-LISTEN:$port,reuseaddr,fork$bind" /dev/null </dev/null >/dev/null 2>&1 &
done
trap "kill \$(jobs -p) 2>/dev/null; wait 2>/dev/null || true" EXIT
for _ in $(seq 100); do
	[ -S "$TMP/run/clamd.ctl" ] && [ "$(ss -Hlnt | wc -l)" = 4 ] && break
	sleep 0.05
done
[ -S "$TMP/run/clamd.ctl" ] || { cat "$TMP/clamd.out" >&2; exit 1; }
[ "$(ss -Hlnt | wc -l)" = 4 ] || { ss -lnt >&2; exit 1; }
'"$1"
}

# check exits 1: findings at or above medium
posture 'rc=0; "$AGENT" check --policy /etc/counterguard/policy.conf --format json >"$TMP/check.json" || rc=$?
echo $rc >"$TMP/rc"
"$AGENT" check --policy /etc/counterguard/policy.conf --lang vi >"$TMP/check.txt" || true
setpriv --reuid=65534 --regid=65534 --clear-groups "$AGENT" check --policy /etc/counterguard/policy.conf \
	--format json >"$TMP/nobody.json" 2>"$TMP/nobody.err" || true' || fail "the runs in the namespace"
[ "$(cat "$TMP/rc")" = 1 ] || fail "check: rc=$(cat "$TMP/rc"), want 1"
[ -s "$TMP/nobody.json" ] || fail "unprivileged check: $(cat "$TMP/nobody.err")"
validate "$TMP/check.json" "$TMP/nobody.json"

# findings REGEX FILE: "ID|evidence" of the findings whose id starts with a match, sorted
findings() {
	jget "$2" '"\n".join(sorted("%s|%s" % (f["rule_id"], f["evidence"]) for f in d.get("findings", []) if __import__("re").match("'"$1"'", f["rule_id"])))'
}

findings CG-AV "$TMP/check.json" >"$TMP/got"
cat >"$TMP/want" <<W
CG-AV-003|ClamAV; running=yes; realtime=no
CG-AV-004|ClamAV; signatures=27001; built=$built; age=10 days; limit=3 days
CG-AV-005|ClamAV; managed=no
W
sed -i "s/built=$built[^;]*;/built=$built;/" "$TMP/got"
diff -u "$TMP/want" "$TMP/got" || fail "antivirus findings"

findings CG-ACC "$TMP/check.json" >"$TMP/got"
cat >"$TMP/want" <<W
CG-ACC-001|account=alice; uid=1001; via=sudoers /etc/sudoers.d/90-alice:1
CG-ACC-002|account=frank; last_login=LAST; inactive=60 days; limit=45 days
CG-ACC-003|account=carol; password_changed=$(date -u -d "@$((old * DAY))" +%Y-%m-%d); age=400 days; limit=90 days
CG-ACC-004|account=bob; uid=1002; password=empty
CG-ACC-005|account=gina; autologin_by=lightdm
W
sed -i 's/last_login=[^;]*;/last_login=LAST;/' "$TMP/got"
diff -u "$TMP/want" "$TMP/got" || fail "account findings"
# the firewall: on, dropping by default; ssh allowed, 8080 closed, 6010 on loopback
findings CG-FW "$TMP/check.json" >"$TMP/got"
echo "CG-FW-003|tcp/9090 on 0.0.0.0; reachable=yes" >"$TMP/want"
diff -u "$TMP/want" "$TMP/got" || fail "firewall findings: $(jget "$TMP/check.json" 'd["firewall"]')"
# the severities and the Vietnamese titles come with them
[ "$(jget "$TMP/check.json" '[(f["severity"], f["message_vi"]) for f in d["findings"] if f["rule_id"] == "CG-ACC-004"][0]')" = \
	"('critical', 'Tài khoản không có mật khẩu')" ] || fail "CG-ACC-004's severity or title"
grep -q "Cơ sở dữ liệu mẫu nhận diện mã độc đã cũ" "$TMP/check.txt" || fail "the Vietnamese table"

# unprivileged: shadow, sudoers and clamd's process unreadable, so no finding about
# passwords (bob, carol), locked or not (frank), sudoers (alice), clamd running (real time)
findings "CG-(AV|ACC|FW)" "$TMP/nobody.json" >"$TMP/got"
cat >"$TMP/want" <<W
CG-ACC-005|account=gina; autologin_by=lightdm
CG-AV-004|ClamAV; signatures=27001; built=$built; age=10 days; limit=3 days
CG-AV-005|ClamAV; managed=no
W
sed -i -e 's/last_login=[^;]*;/last_login=LAST;/' -e "s/built=$built[^;]*;/built=$built;/" "$TMP/got"
diff -u "$TMP/want" "$TMP/got" || fail "unprivileged findings: $(jget "$TMP/nobody.json" 'd.get("missing")')"
[ "$(findings CG-SYS-002 "$TMP/nobody.json" | wc -l)" = 1 ] || fail "no CG-SYS-002 for the missing facts"

# printers: a queue with its location, one without, one printing to a file
cups_start
lpadd quay1 socket://192.0.2.5:9100 -L "Quầy 1"
lpadd quay2 socket://192.0.2.6:9100
lpadd tofile file:///dev/null -L "Quầy 2"
"$AGENT" check --policy "$ROOT_ETC/counterguard/policy.conf" --format json >"$TMP/printers.json" || true
validate "$TMP/printers.json"
findings CG-PRN "$TMP/printers.json" >"$TMP/got"
cat >"$TMP/want" <<W
CG-PRN-001|queue=quay2; model=MODEL; connection=network; address=192.0.2.6:9100; location=-
CG-PRN-002|queue=tofile; uri=file:///dev/null; connection=file
W
sed -i 's/model=[^;]*;/model=MODEL;/' "$TMP/got"
diff -u "$TMP/want" "$TMP/got" || fail "printer findings: $(jget "$TMP/printers.json" 'd.get("printers")')"
exit 0

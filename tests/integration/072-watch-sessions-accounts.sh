#!/usr/bin/env bash
# `watch` while records are appended to wtmp (as login(1) and sshd do, through updwtmpx):
# a login line the moment it is written, a logout line with its login's facts; wtmp rotated
# (moved away, a new one created) and the next login still seen; a boot ends it as a crash.
# Accounts: a user added the way useradd does (a new passwd renamed over the old), then
# locked, then made an administrator, then removed: one line each.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-accounts.sh"
records "$ROOT_LOG/wtmp" <<R
boot $((NOW - DAY)) ~ ~~ reboot 6.1.0 -
login $((NOW - 600)) pts/3 ts/3 carol 192.0.2.10 192.0.2.10
R

# the agent writes its own pid: in_root's processes may outlive the job's (it was left
# running after the test)
in_root /bin/sh -c 'echo $$ >"$0"; exec "$@"' "$TMP/agent.pid" "$AGENT" -v watch \
	>"$TMP/events" 2>"$TMP/err" &
pid=$!
at_exit "kill \$(cat '$TMP/agent.pid' 2>/dev/null) $pid 2>/dev/null; wait $pid 2>/dev/null"
# wait_for N: until the agent has printed N lines (5 s at most)
wait_for() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(wc -l <"$TMP/events")" -ge "$1" ] && return 0
		sleep 0.05
	done
	cat "$TMP/err"
	fail "waited for event $1, have: $(cat "$TMP/events")"
}
# the agent says it watches once every collector's watches are set up
for ((i = 0; i < 200; i++)); do
	grep -q "watching" "$TMP/err" && break
	sleep 0.05
done
grep -q "watching" "$TMP/err" || { cat "$TMP/err"; fail "watch did not start"; }
t=$(date +%s)
echo "login $t pts/4 ts/4 alice ws9.example 2001:db8::9" | records "$ROOT_LOG/wtmp"
wait_for 1
echo "logout $((t + 2)) pts/4 ts/4 - - -" | records "$ROOT_LOG/wtmp"
wait_for 2
echo "logout $((t + 3)) pts/3 ts/3 - - -" | records "$ROOT_LOG/wtmp" # seeded from the file
wait_for 3
mv "$ROOT_LOG/wtmp" "$ROOT_LOG/wtmp.1" # rotation: logrotate's create
: >"$ROOT_LOG/wtmp"
echo "login $((t + 5)) tty2 2 bob - -" | records "$ROOT_LOG/wtmp"
wait_for 4
echo "boot $((t + 6)) ~ ~~ reboot 6.1.0 -" | records "$ROOT_LOG/wtmp" # bob's session crashed
wait_for 5

# accounts: useradd writes a copy and renames it over passwd (and shadow)
cp "$ROOT_ETC/passwd" "$TMP/passwd.new"
echo "newbie:x:1500:1500:New Bie:/home/newbie:/bin/bash" >>"$TMP/passwd.new"
cp "$ROOT_ETC/shadow" "$TMP/shadow.new"
echo "newbie:\$6\$s\$HASHMARKER:20000:0:99999:7:::" >>"$TMP/shadow.new"
mv "$TMP/passwd.new" "$ROOT_ETC/passwd+" && mv "$ROOT_ETC/passwd+" "$ROOT_ETC/passwd"
mv "$TMP/shadow.new" "$ROOT_ETC/shadow+" && mv "$ROOT_ETC/shadow+" "$ROOT_ETC/shadow"
wait_for 6
sed -i 's/^newbie:\$6/newbie:!$6/' "$ROOT_ETC/shadow" # usermod -L; sed -i renames too
wait_for 7
sed -i 's/^sudo:x:27:\(.*\)$/sudo:x:27:newbie/' "$ROOT_ETC/group"
wait_for 8
sed -i '/^newbie:/d' "$ROOT_ETC/passwd" "$ROOT_ETC/shadow"
wait_for 9
sleep 0.5 # nothing more comes
kill $pid
wait $pid || true
cat "$TMP/err"
validate "$TMP/events"
! grep -q HASHMARKER "$TMP/events" || fail "a password hash reached the output"
"$PY" - "$TMP/events" "$t" <<'PY' || fail "events"
import json, sys, datetime
ev = [json.loads(l) for l in open(sys.argv[1])]
t = int(sys.argv[2])
def ts(s):
    return int(datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")
               .replace(tzinfo=datetime.timezone.utc).timestamp()) if s else None
assert [e["event"] for e in ev] == ["login", "logout", "logout", "login", "logout", "account_added",
                                    "account_changed", "account_changed", "account_removed"], \
    [e["event"] for e in ev]
s = ev[0]["session"]
assert (s["user"], s["tty"], s["remote_host"], s["remote_address"], ts(s["login_time"])) == \
    ("alice", "pts/4", "ws9.example", "2001:db8::9", t), s
s = ev[1]["session"]
assert (s["user"], s["remote_address"], ts(s["login_time"]), ts(s["logout_time"]),
        s["duration_s"], s["end"]) == ("alice", "2001:db8::9", t, t + 2, 2, "logout"), s
s = ev[2]["session"]
assert (s["user"], s["remote_address"], s["end"]) == ("carol", "192.0.2.10", "logout"), s
s = ev[3]["session"]
assert (s["user"], s["tty"], ts(s["login_time"])) == ("bob", "tty2", t + 5), s
s = ev[4]["session"]
assert (s["user"], s["tty"], s["end"], "logout_time" in s) == ("bob", "tty2", "crash", False), s
ev = ev[:4] + ev[5:]
a = ev[4]["account"]
assert (a["name"], a["uid"], a["gecos"], a["locked"], a["admin"]) == \
    ("newbie", 1500, "New Bie", False, False), a
assert ev[5]["account"]["locked"] is True and ev[5]["account"]["admin"] is False, ev[5]
assert ev[6]["account"]["admin"] is True and ev[6]["account"]["admin_via"] == ["group sudo"], ev[6]
assert ev[7]["account"]["name"] == "newbie", ev[7]
print("events ok:", len(ev))
PY
echo "watch sessions and accounts ok"

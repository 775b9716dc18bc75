#!/usr/bin/env bash
# `watch` on a PC that records logins in wtmpdb (Debian 13, pam_wtmpdb): a login row inserted
# is a login line, its Logout filled in is a logout line with the session's facts, a boot row
# ends the sessions still open as crashes; a session open before the watch started is known.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-accounts.sh"
DB="$ROOT_LIB/wtmpdb/wtmp.db"
# sql STATEMENT [ARGS...]: run it on the test's wtmpdb, as pam_wtmpdb would
sql() {
	"$PY" -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute(sys.argv[2], [int(a) if a.lstrip("-").isdigit() else a for a in sys.argv[3:]])
db.commit()' "$DB" "$@"
}
sql "CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, Login INTEGER,
	Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT) STRICT"
us=1000000
sql "INSERT INTO wtmp (Type,User,Login,TTY) VALUES (1,'reboot',?,'~')" $(((NOW - 86400) * us))
sql "INSERT INTO wtmp (Type,User,Login,TTY,RemoteHost) VALUES (3,'carol',?,'pts/3','192.0.2.10')" \
	$(((NOW - 600) * us))

# the agent writes its own pid: in_root's processes may outlive the job's (it was left
# running after the test)
in_root /bin/sh -c 'echo $$ >"$0"; exec "$@"' "$TMP/agent.pid" "$AGENT" -v watch \
	>"$TMP/events" 2>"$TMP/err" &
pid=$!
at_exit "kill \$(cat '$TMP/agent.pid' 2>/dev/null) $pid 2>/dev/null; wait $pid 2>/dev/null"
for ((i = 0; i < 200; i++)); do
	grep -q "watching" "$TMP/err" && break
	sleep 0.05
done
grep -q "watching" "$TMP/err" || { cat "$TMP/err"; fail "watch did not start"; }
wait_for() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(wc -l <"$TMP/events")" -ge "$1" ] && return 0
		sleep 0.05
	done
	cat "$TMP/err"
	fail "waited for event $1, have: $(cat "$TMP/events")"
}
t=$(date +%s)
sql "INSERT INTO wtmp (Type,User,Login,TTY,RemoteHost,Service) VALUES (3,'alice',?,'pts/4','2001:db8::9','sshd')" \
	$((t * us))
wait_for 1
sql "UPDATE wtmp SET Logout = ? WHERE User = 'alice'" $(((t + 2) * us))
wait_for 2
sql "INSERT INTO wtmp (Type,User,Login,TTY) VALUES (3,'bob',?,'tty2')" $(((t + 3) * us))
wait_for 3
sql "INSERT INTO wtmp (Type,User,Login,TTY) VALUES (1,'reboot',?,'~')" $(((t + 4) * us))
wait_for 5 # carol (open since before the watch) and bob: crashes
sleep 0.3
kill $pid
wait $pid || true
cat "$TMP/err"
validate "$TMP/events"
"$PY" - "$TMP/events" "$t" <<'PY' || fail "events"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
t = int(sys.argv[2])
got = [(e["event"], e["session"]["user"], e["session"].get("end"), e["session"].get("duration_s"),
        e["session"].get("remote_address")) for e in ev]
want = [("login", "alice", "open", None, "2001:db8::9"),
        ("logout", "alice", "logout", 2, "2001:db8::9"),
        ("login", "bob", "open", None, None)]
assert got[:3] == want, got
assert sorted(got[3:]) == [("logout", "bob", "crash", None, None),
                           ("logout", "carol", "crash", None, "192.0.2.10")], got
assert len(got) == 5, got
print("wtmpdb events ok:", len(got))
PY
echo "watch wtmpdb ok"

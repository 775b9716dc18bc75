#!/usr/bin/env bash
# Debian 13 records logins in wtmpdb (/var/lib/wtmpdb/wtmp.db, SQLite, times in µs) through
# pam_wtmpdb: `inventory --only sessions` reads it in preference to a legacy wtmp: logged-out,
# crashed (a boot after, no logout) and open sessions, IPv6 and IPv4 remote hosts, the age
# limit, a forged row skipped and said; and lastlog2 (/var/lib/lastlog/lastlog2.db) gives an account its last login.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-accounts.sh"
# a legacy wtmp the agent must not read when wtmpdb is there
echo "login $((NOW - 60)) tty9 9 legacy - -" | records "$ROOT_LOG/wtmp"
"$PY" - "$ROOT_LIB/wtmpdb/wtmp.db" "$ROOT_LIB/lastlog/lastlog2.db" "$NOW" <<'PY'
import sqlite3, sys
wtmp, lastlog2, now = sys.argv[1], sys.argv[2], int(sys.argv[3])
us, D = 1000000, 86400
db = sqlite3.connect(wtmp)
# wtmpdb's own schema (lib/sqlite.c), its types: 1 boot, 3 user
db.execute("CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, "
           "Login INTEGER, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT) STRICT")
rows = [(1, "reboot", (now - 200 * D) * us, None, "~", "6.12.0", None),
        (3, "old", (now - 120 * D) * us, (now - 120 * D + 60) * us, "tty1", None, "login"),
        (1, "reboot", (now - 10 * D) * us, (now - 3 * D) * us, "~", "6.12.0", None),
        (3, "alice", (now - 9 * D) * us + 123456, (now - 9 * D + 3600) * us, "pts/0",
         "2001:db8::5", "sshd"),
        (3, "bob", (now - 8 * D) * us, None, "tty2", None, "login"),
        (1, "reboot", (now - 3 * D + 100) * us, None, "~", "6.12.0", None),
        (3, "carol", (now - 3600) * us, None, "pts/1", "192.0.2.9", "sshd"),
        (3, "mallory", 2**63 - 1, None, "pts/6", None, "forged")]  # no time an RFC 3339 can say
db.executemany("INSERT INTO wtmp (Type,User,Login,Logout,TTY,RemoteHost,Service) "
               "VALUES (?,?,?,?,?,?,?)", rows)
db.commit()
db = sqlite3.connect(lastlog2)
db.execute("CREATE TABLE Lastlog2(Name TEXT PRIMARY KEY, Time INTEGER, TTY TEXT, "
           "RemoteHost TEXT, Service TEXT)")
db.execute("INSERT INTO Lastlog2 VALUES ('root', ?, 'tty1', '', 'login')", (now - 5 * D,))
db.commit()
PY

in_root "$AGENT" inventory --only sessions,accounts --format json >"$TMP/inv.json" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "inventory"; }
cat "$TMP/err"
validate "$TMP/inv.json"
"$PY" - "$TMP/inv.json" <<'PY' || fail "wtmpdb"
import json, sys
d = json.load(open(sys.argv[1]))
got = [(s["user"], s.get("tty"), s.get("remote_host"), s.get("remote_address"), s.get("end"),
        s.get("duration_s"), "logout_time" in s) for s in d["sessions"] if s.get("kind") == "session"]
want = [("alice", "pts/0", "2001:db8::5", "2001:db8::5", "logout", 3600, True),
        ("bob", "tty2", None, None, "crash", None, False),
        ("carol", "pts/1", "192.0.2.9", "192.0.2.9", "open", None, False)]
assert got == want, got
miss = [m["reason"] for m in d.get("missing", []) if m["fact"] == "sessions"]
assert miss == ["/var/lib/wtmpdb/wtmp.db: 1 rows with impossible times skipped"], miss
root = next(a for a in d["accounts"] if a["name"] == "root")
assert root.get("days_inactive") == 5, root
print("wtmpdb ok:", len(got), "sessions")
PY
echo "wtmpdb inventory ok"

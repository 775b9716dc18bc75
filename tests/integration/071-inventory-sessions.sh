#!/usr/bin/env bash
# `inventory --only sessions` on a wtmp and a btmp written through updwtmpx(): logins paired
# with their logouts (start, end, duration, terminal, remote host, IPv4 and IPv6 address), a
# login that a crash ended, one a shutdown ended, one still open, a logout without its login;
# the failed logins per user; a truncated last record skipped and said; nothing older than
# the age limit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-accounts.sh"
H=3600
records "$ROOT_LOG/wtmp" <<R
login $((NOW - 200 * DAY)) tty1 1 olduser - -
logout $((NOW - 200 * DAY + 60)) tty1 1 - - -
boot $((NOW - 10 * DAY)) ~ ~~ reboot 6.1.0 -
login $((NOW - 9 * DAY)) tty1 1 alice - -
logout $((NOW - 9 * DAY + H)) tty1 1 - - -
logout $((NOW - 9 * DAY + H + 5)) tty1 1 - - -
login $((NOW - 8 * DAY)) pts/0 ts/0 bob ws7.example 2001:db8::7
boot $((NOW - 7 * DAY)) ~ ~~ reboot 6.1.0 -
logout $((NOW - 6 * DAY)) pts/9 ts/9 ghost - -
login $((NOW - 5 * DAY)) tty2 2 dave - -
shutdown $((NOW - 5 * DAY + 600)) ~ ~~ shutdown 6.1.0 -
boot $((NOW - 5 * DAY + 700)) ~ ~~ reboot 6.1.0 -
login $((NOW - H)) pts/1 ts/1 carol 192.0.2.10 192.0.2.10
R
records "$ROOT_LOG/btmp" <<R
failed $((NOW - 3 * DAY)) ssh:notty - alice 198.51.100.4 198.51.100.4
failed $((NOW - 2 * DAY)) ssh:notty - root 198.51.100.4 198.51.100.4
failed $((NOW - DAY)) ssh:notty - alice 198.51.100.5 198.51.100.5
failed $((NOW - 600)) tty1 - alice - -
R
chmod 0600 "$ROOT_LOG/btmp"
head -c 100 /dev/urandom >>"$ROOT_LOG/wtmp" # a record cut short by a crash

in_root "$AGENT" inventory --only sessions --format json >"$TMP/inv.json" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "inventory"; }
cat "$TMP/err"
validate "$TMP/inv.json"
"$PY" - "$TMP/inv.json" "$NOW" <<'PY' || fail "sessions"
import json, sys, datetime
d, now = json.load(open(sys.argv[1])), int(sys.argv[2])
def ts(s):
    return int(datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")
               .replace(tzinfo=datetime.timezone.utc).timestamp()) if s else None
got = [(s.get("kind"), s["user"], s.get("tty"), s.get("remote_host"), s.get("remote_address"),
        ts(s.get("login_time")), ts(s.get("logout_time")), s.get("duration_s"), s.get("end"),
        s.get("failed_attempts"))
       for s in d["sessions"]]
D, H = 86400, 3600
want = [
    ("session", "alice", "tty1", None, None, now - 9 * D, now - 9 * D + H, H, "logout", None),
    ("session", "bob", "pts/0", "ws7.example", "2001:db8::7", now - 8 * D, None, None, "crash",
     None),
    ("session", "ghost", "pts/9", None, None, None, now - 6 * D, None, "logout", None),
    ("session", "dave", "tty2", None, None, now - 5 * D, now - 5 * D + 600, 600, "shutdown", None),
    ("session", "carol", "pts/1", "192.0.2.10", "192.0.2.10", now - H, None, None, "open", None),
]
sess = [g for g in got if g[0] == "session"]
for g, w in zip(sess, want):
    assert g == w, (g, w)
assert len(sess) == len(want), sess
failed = {g[1]: g for g in got if g[0] == "failed"}
assert set(failed) == {"alice", "root"}, failed
assert failed["alice"][9] == 3 and failed["alice"][5] == now - 600 and failed["alice"][2] == "tty1", failed
assert failed["root"][9] == 1 and failed["root"][4] == "198.51.100.4", failed
miss = [m["reason"] for m in d.get("missing", []) if m["fact"] == "sessions"]
assert any("truncated last record (100 bytes)" in r for r in miss), miss
# logind does not run here (no systemd): said, not an error; where it runs, its sessions
live = [m for m in d.get("missing", []) if m["fact"] == "sessions.live"]
assert bool(live) != any(g[0] == "live" for g in got), (live, got)
assert not live or live[0]["reason"] == "systemd-logind is not running", live
print("sessions ok:", len(sess), "sessions,", len(failed), "users with failed logins")
PY

# agent.ini [sessions]: the three most recent, then none older than 6 days (ghost's logout
# is 6 days and the test's seconds old)
printf '[sessions]\nmax = 3\n' >"$TMP/three.ini"
printf '[sessions]\nmax_days = 6\n' >"$TMP/six.ini"
for conf in three six; do
	in_root "$AGENT" --config "$TMP/$conf.ini" inventory --only sessions --format json \
		>"$TMP/$conf.json" 2>"$TMP/err" || { cat "$TMP/err"; fail "inventory with $conf.ini"; }
	validate "$TMP/$conf.json"
done
[ "$(jget "$TMP/three.json" '[s["user"] for s in d["sessions"] if s.get("kind") == "session"]')" = \
	"['ghost', 'dave', 'carol']" ] || fail "[sessions] max = 3: $(jget "$TMP/three.json" 'd["sessions"]')"
[ "$(jget "$TMP/six.json" '[s["user"] for s in d["sessions"] if s.get("kind") == "session"]')" = \
	"['dave', 'carol']" ] || fail "[sessions] max_days = 6: $(jget "$TMP/six.json" 'd["sessions"]')"
printf '[sessions]\nmax = 0\n' >"$TMP/zero.ini"
! in_root "$AGENT" --config "$TMP/zero.ini" inventory --only sessions >/dev/null 2>"$TMP/err" ||
	fail "[sessions] max = 0 accepted"
grep -q "zero.ini:2" "$TMP/err" || fail "no file:line for max = 0: $(cat "$TMP/err")"
echo "sessions inventory ok"

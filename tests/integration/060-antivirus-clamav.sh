#!/usr/bin/env bash
# A real clamd on a database the test built (version 27000, 2 days old): the agent names
# ClamAV, installed and running, clamd's process by its executable, the signature version and
# build time from the database header and clamd's own VERSION answer, freshclam's last run.
# Then clamd stopped: not running, the signatures still read. Then a database 10 days old and
# a failed update: their age and result say so. Then ClamAV absent (its files hidden): no
# antivirus, which is a fact, not a missing one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-antivirus.sh"

age=$((2 * 86400 + 3600))
av_db 27000 "$age"
stime=$(head -c 512 "$TMP/db/daily.cud" | cut -d: -f9 | tr -d ' ')
built=$(date -u -d "@$stime" +%Y-%m-%dT%H:%M:%S)
engine=$(/usr/sbin/clamd --version | awk '{print $2}')
freshclam_log 7200 "daily.cud updated (version: 27000, sigs: 1, f-level: 90, builder: counterguard-test)" \
	"main.cvd database is up-to-date (version: 62, sigs: 1, f-level: 90, builder: sigmgr)"
updated=$(date -u -d "@$(($(date +%s) - 7200))" +%Y-%m-%dT%H:%M)

av_ns '
clamd_start
echo "$(cat "$TMP/clamd.pid")" >"$TMP/pid"
"$AGENT" inventory --only antivirus --format json >"$TMP/running.json"
"$AGENT" inventory --only antivirus >"$TMP/running.txt"
clamd_stop
"$AGENT" inventory --only antivirus --format json >"$TMP/stopped.json"
'
validate "$TMP/running.json" "$TMP/stopped.json"
pid=$(cat "$TMP/pid")
r="$TMP/running.json"
[ "$(jget "$r" '"antivirus" in d["collectors"]')" = True ] || fail "collector did not run: $(cat "$r")"
[ "$(av_get "$r" clamav '(a["product"], a["installed"], a["running"], a["managed"], a["profile_verified"])')" = \
	"('ClamAV', True, True, False, True)" ] || fail "healthy: $(av_get "$r" clamav a)"
[ "$(av_get "$r" clamav 'a["signature_version"]')" = 27000 ] || fail "signature version: $(av_get "$r" clamav a)"
[ "$(av_get "$r" clamav 'a["signature_time"][:19]')" = "$built" ] || fail "signature time: $(av_get "$r" clamav a)"
[ "$(av_get "$r" clamav 'a["signature_age_days"]')" = 2 ] || fail "signature age"
[ "$(av_get "$r" clamav 'a["daemon_answer"]')" = "ClamAV $engine/27000/$(LC_ALL=C date -d "@$stime" '+%a %b %e %H:%M:%S %Y')" ] ||
	fail "clamd's answer: $(av_get "$r" clamav 'a.get("daemon_answer")')"
[ "$(av_get "$r" clamav 'a["engine_version"]')" = "$engine" ] || fail "engine version"
[ "$(av_get "$r" clamav '[(p["pid"], p["exe"], p["role"]) for p in a["processes"]]')" = \
	"[($pid, '/usr/sbin/clamd', 'daemon')]" ] || fail "clamd's process: $(av_get "$r" clamav a["processes"])"
[ "$(av_get "$r" clamav '[(x["name"], x["version"], x["signatures"]) for x in a["databases"]]')" = \
	"[('daily.cud', '27000', 1)]" ] || fail "databases: $(av_get "$r" clamav a["databases"])"
# no systemd here: the units' state is not known, which is a fact, not an error
[ "$(av_get "$r" clamav 'sorted(set(u["state"] for u in a["units"]))')" = "['unknown']" ] || fail units
[ "$(jget "$r" '[m for m in d.get("missing", []) if m["fact"].startswith("antivirus[")]')" = "[]" ] ||
	fail "missing facts: $(jget "$r" 'd["missing"]')"
[ "$(av_get "$r" clamav '(a["last_update_result"], a["last_update_time"][:16])')" = "('updated', '$updated')" ] ||
	fail "last update: $(av_get "$r" clamav a)"
grep -q ClamAV "$TMP/running.txt" || fail "the table does not name ClamAV"

s="$TMP/stopped.json"
[ "$(av_get "$s" clamav '(a["installed"], a["running"], a["signature_version"], "daemon_answer" in a, "processes" in a)')" = \
	"(True, False, '27000', False, False)" ] || fail "stopped: $(av_get "$s" clamav a)"
[ "$(jget "$s" '[m for m in d.get("missing", []) if m["fact"].startswith("antivirus[")]')" = "[]" ] ||
	fail "a stopped clamd is a fact, not a missing one: $(jget "$s" 'd["missing"]')"

# stale: a database 10 days old (and main.cud older still: the newest counts)
rm -f "$TMP/db/"*
av_db 27001 $((10 * 86400 + 600))
av_db 62 $((400 * 86400)) main.cud
freshclam_log 3600 "WARNING: Can't download daily.cvd from https://database.clamav.net/daily.cvd" \
	"ERROR: Update failed for database: daily"
av_ns 'clamd_start; "$AGENT" inventory --only antivirus --format json >"$TMP/stale.json"'
validate "$TMP/stale.json"
[ "$(av_get "$TMP/stale.json" clamav '(a["running"], a["signature_version"], a["signature_age_days"])')" = \
	"(True, '27001', 10)" ] || fail "stale: $(av_get "$TMP/stale.json" clamav a)"
[ "$(av_get "$TMP/stale.json" clamav 'sorted(x["name"] for x in a["databases"])')" = "['daily.cud', 'main.cud']" ] ||
	fail "stale databases"
[ "$(av_get "$TMP/stale.json" clamav 'a["last_update_result"]')" = failed ] || fail "a failed update: $(av_get "$TMP/stale.json" clamav a)"
# clamd on TCP (TCPSocket, TCPAddr 127.0.0.1), in its own network namespace
sed -i 's|^LocalSocket .*|TCPSocket 3310\nTCPAddr 127.0.0.1|' "$TMP/clamd.conf"
AV_NS_NET=1 av_ns 'clamd_start; "$AGENT" inventory --only antivirus --format json >"$TMP/tcp.json"'
validate "$TMP/tcp.json"
[ "$(av_get "$TMP/tcp.json" clamav '(a["running"], a["daemon_answer"].split("/")[1])')" = "(True, '27001')" ] ||
	fail "clamd over TCP: $(av_get "$TMP/tcp.json" clamav a)"

# absent: ClamAV's programs, configuration and databases hidden under empty tmpfs mounts
av_ns '
for d in /etc/clamav /var/lib/clamav /usr/sbin /usr/bin; do mount -t tmpfs tmpfs "$d"; done
"$AGENT" inventory --only antivirus --format json >"$TMP/absent.json"
'
validate "$TMP/absent.json"
[ "$(jget "$TMP/absent.json" '("antivirus" in d["collectors"], d.get("antivirus"), [m for m in d.get("missing", []) if m["fact"] != "antivirus.processes"])')" = \
	"(True, None, [])" ] || fail "absent: $(cat "$TMP/absent.json")"
echo "clamav ok"

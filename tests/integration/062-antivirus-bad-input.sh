#!/usr/bin/env bash
# What the antivirus collector reads from outside may be wrong; each time the rest still works
# and the fault is named: a malformed profile file (file and line, the file refused, the
# shipped profiles kept), an unreadable one, a garbage and a truncated database header, a
# "clamd" socket that accepts and never answers (bounded: clamd's 2 s deadline), and one that
# answers garbage.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-antivirus.sh"

av_db 27000 3600
head -c 4096 /dev/urandom >"$TMP/db/daily.cvd"
head -c 100 "$TMP/db/daily.cud" >"$TMP/db/main.cvd"
cat >"$TMP/silent.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(8)
answer = sys.argv[2].encode() if len(sys.argv) > 2 else None
open(sys.argv[1] + ".ready", "w").close()
conns = []
while True:
    c, _ = s.accept()
    c.recv(64)
    if answer is not None:
        c.sendall(answer + b"\0"); c.close()
    else:
        conns.append(c)  # accepted, never answered, never closed
PY
av_ns '
cat >/etc/counterguard/antivirus.d/10-bad.ini <<INI
# a profile with a typo
[local]
product = Local AV
daemonn = /opt/local/bin/avd
INI
mkdir /etc/counterguard/antivirus.d/20-dir.ini
/usr/bin/python3 "$TMP/silent.py" "$TMP/run/clamd.ctl" & silent=$!
while [ ! -e "$TMP/run/clamd.ctl.ready" ]; do sleep 0.05; done
start=$(date +%s%N)
"$AGENT" inventory --only antivirus --format json >"$TMP/silent.json"
echo $(( ($(date +%s%N) - start) / 1000000 )) >"$TMP/silent.ms"
kill $silent; wait $silent 2>/dev/null || true
rm -f "$TMP/run/clamd.ctl" "$TMP/run/clamd.ctl.ready"
/usr/bin/python3 "$TMP/silent.py" "$TMP/run/clamd.ctl" "$(printf "ClamAV \033[31m\001")" & silent=$!
while [ ! -e "$TMP/run/clamd.ctl.ready" ]; do sleep 0.05; done
"$AGENT" inventory --only antivirus --format json >"$TMP/garbage.json"
kill $silent; wait $silent 2>/dev/null || true
'
validate "$TMP/silent.json" "$TMP/garbage.json"
s="$TMP/silent.json"
missing() { jget "$1" "\"|\".join(sorted(m[\"reason\"] for m in d.get(\"missing\", []) if m[\"fact\"] == \"$2\"))"; }
[ "$(missing "$s" antivirus.profiles)" = \
	"/etc/counterguard/antivirus.d/10-bad.ini:4: unknown key 'daemonn'|/etc/counterguard/antivirus.d/20-dir.ini: Is a directory" ] ||
	fail "profile errors: $(missing "$s" antivirus.profiles)"
[ "$(av_get "$s" local a)" = None ] || fail "the refused file's profile was used"
[ "$(av_get "$s" clamav '(a["installed"], a["signature_version"], [x["name"] for x in a["databases"]])')" = \
	"(True, '27000', ['daily.cud'])" ] || fail "the good database: $(av_get "$s" clamav a)"
[ "$(missing "$s" 'antivirus[clamav].databases')" = \
	"daily.cvd: not a ClamAV database header|main.cvd: not a ClamAV database header" ] ||
	fail "bad headers: $(missing "$s" 'antivirus[clamav].databases')"
[ "$(missing "$s" 'antivirus[clamav].daemon_answer')" = "clamd did not answer VERSION: no answer within 2000 ms" ] ||
	fail "silent clamd: $(missing "$s" 'antivirus[clamav].daemon_answer')"
ms=$(cat "$TMP/silent.ms")
[ "$ms" -ge 1900 ] && [ "$ms" -lt 5000 ] || fail "a silent clamd cost $ms ms (the deadline is 2000 ms)"
[ "$(av_get "$s" clamav '"daemon_answer" in a')" = False ] || fail "silent clamd has an answer"
g="$TMP/garbage.json"
[ "$(av_get "$g" clamav '"engine_version" in a')" = False ] || fail "garbage answer: $(av_get "$g" clamav a)"
[ "$(missing "$g" 'antivirus[clamav].engine_version')" = "clamd's answer to VERSION is not 'ClamAV X/DB/DATE'" ] ||
	fail "garbage answer not named: $(missing "$g" 'antivirus[clamav].engine_version')"
echo "bad input ok (silent clamd: $ms ms)"

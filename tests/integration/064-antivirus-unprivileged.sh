#!/usr/bin/env bash
# Run by a user without CAP_SYS_PTRACE, the collector cannot read which program root's
# processes run: with clamd running as root, ClamAV's `running` is then not known (left out),
# never "false", and missing[] says why; freshclam.log (mode 640) is named unreadable. As root,
# the same PC gives running true. What the privileged parent must produce for the daemon's
# unprivileged worker is exactly this table (collectors/processes.c).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-antivirus.sh"
need setpriv

av_db 27000 3600
freshclam_log 600 "daily.cud updated (version: 27000, sigs: 1, f-level: 90, builder: t)"
chmod 640 "$TMP/log/freshclam.log"
chmod 711 "$TMP" # the agent, as nobody, reaches clamd's socket in $TMP/run
av_ns '
clamd_start
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$AGENT" inventory --only antivirus --format json >"$TMP/nobody.json"
"$AGENT" inventory --only antivirus --format json >"$TMP/root.json"
'
validate "$TMP/nobody.json" "$TMP/root.json"
n="$TMP/nobody.json"
[ "$(av_get "$n" clamav '(a["installed"], "running" in a, a["signature_version"], a.get("daemon_answer", "")[:7])')" = \
	"(True, False, '27000', 'ClamAV ')" ] || fail "as nobody: $(av_get "$n" clamav a)"
jget "$n" '[m["reason"] for m in d["missing"] if m["fact"] == "antivirus.processes"][0]' |
	grep -q "read without CAP_SYS_PTRACE (.* executables not readable): other users' processes may be unseen" || fail "why not known: $(jget "$n" 'd["missing"]')"
[ "$(jget "$n" '[m["reason"] for m in d["missing"] if m["fact"] == "antivirus[clamav].last_update_result"]')" = \
	"['/var/log/clamav/freshclam.log: Permission denied']" ] || fail "freshclam.log: $(jget "$n" 'd["missing"]')"
[ "$(av_get "$TMP/root.json" clamav '(a["running"], a["last_update_result"])')" = "(True, 'updated')" ] ||
	fail "as root: $(av_get "$TMP/root.json" clamav a)"
echo "unprivileged ok"

#!/usr/bin/env bash
# Bad input to the daemon. A corrupt outbox at start (garbage bytes in outbox.db): moved
# aside, a new one started, the log says so with both files, and the agent reports on with
# seqs above those it used before (no conflict on the server). A malformed agent.ini or
# enrollment file: an error naming the file and the line or the field, exit 2 from both
# `run -n` and `run`, and the daemon does not start.
. "$(dirname "$0")/lib-agent.sh"
server_up
agent_enrolled
"$PY" "$FIXTURE" --root >"$TMP/root"
OUTBOX="$AGENT_STATE/outbox.db"
snapshots() { echo "[ \"\$(sqlite3 '${STORE_URL#sqlite:}' \"SELECT COUNT(*) FROM $RECORDS WHERE record_type = 'snapshot'\")\" = $1 ]"; }
run_until() { # N: run the daemon until the server holds N snapshots
	umockdev-wrapper "$HARNESS" "$TMP/events" before:"$TMP/root" until:"$(snapshots "$1")" \
		-- "$AGENT" -v --config "$TMP/agent.ini" run >"$TMP/harness" 2>&1 ||
		{ cat "$TMP/harness"; fail "harness"; }
}

# --- a corrupt outbox ---
run_until 1
[ -s "$OUTBOX.seq" ] || fail "no seq high-water mark after a run"
first=$(sql "SELECT MAX(seq) FROM $RECORDS WHERE agent_id = '$AGENT_ID'")
head -c 4096 /dev/urandom >"$OUTBOX"
run_until 2
grep "is corrupt" "$TMP/harness" || { cat "$TMP/harness"; ls -la "$AGENT_STATE"; fail "the corrupt outbox is not in the log"; }
aside=$(ls "$OUTBOX".corrupt-*) || fail "the corrupt outbox was not moved aside"
grep -qF "outbox: '$OUTBOX' is corrupt (not a SQLite database): moved aside to '$aside', starting a new outbox" \
	"$TMP/harness" || fail "the log does not name both files"
[ "$(sqlite3 "$OUTBOX" 'PRAGMA quick_check')" = ok ] || fail "the new outbox"
second=$(sql "SELECT MAX(seq) FROM $RECORDS WHERE agent_id = '$AGENT_ID'")
[ "$second" -gt "$first" ] || fail "the new outbox reused seqs: $first, then $second"
! grep -q "seq reused" "$TMP/server.log" || fail "the server saw a seq reused"
echo "corrupt outbox moved aside to ${aside##*/}; seqs went on from $first to $second"

# --- a malformed agent.ini or enrollment: exit 2, the file and the line or field named ---
cp "$TMP/agent.ini" "$TMP/good.ini"
cp "$AGENT_STATE/credential" "$TMP/good.credential"
expect_refused() { # WHAT MESSAGE-REGEX: both `run -n` and `run` exit 2 with that message
	local rc
	for args in "run -n" "run"; do
		set +e
		timeout 20 "$AGENT" --config "$TMP/agent.ini" $args >"$TMP/out" 2>"$TMP/err"
		rc=$?
		set -e
		[ $rc = 2 ] || fail "$1: '$args' exit $rc: $(cat "$TMP/err")"
		grep -qE -- "$2" "$TMP/err" || fail "$1: '$args' said: $(cat "$TMP/err")"
	done
	echo "$1: exit 2, $(head -n 1 "$TMP/err")"
	cp "$TMP/good.ini" "$TMP/agent.ini"
	cp "$TMP/good.credential" "$AGENT_STATE/credential"
}
ini="$TMP/agent.ini" cred="$AGENT_STATE/credential"
sed -i 's/^\[server\]/&\ncolour = red/' "$ini"
line=$(grep -n '^colour' "$ini" | cut -d: -f1)
expect_refused "unknown key" "^counterguard-agent: $ini:$line: unknown key 'colour' in \[server\]"
sed -i 's/^\[outbox\]/&\nthis is not a key/' "$ini"
line=$(grep -n '^this is not' "$ini" | cut -d: -f1)
expect_refused "a line that is not key = value" "$ini:$line: "
sed -i 's|^url = https://|url = http://|' "$ini"
expect_refused "a plain-http url" "$ini: \[server\] url: 'http://.*' is not an https:// URL"
sed -i 's|^cap = .*||; s|^\[outbox\]|&\ncap = lots|' "$ini"
line=$(grep -n '^cap' "$ini" | cut -d: -f1)
expect_refused "a cap that is not a size" "$ini:$line: 'cap': expected a size such as 8M, got 'lots'"
printf 'garbage\n' >>"$cred"
expect_refused "a credential file with a garbage line" "$cred:[0-9]+: "
sed -i 's/^agent_id = .*/agent_id = 1234/' "$cred"
expect_refused "a credential file with a short agent_id" "$cred: agent_id: not 32 hex digits"
sed -i '/^credential = /d' "$cred"
expect_refused "a credential file without its credential" "$cred: needs server, agent_id and credential"
[ ! -e "$AGENT_STATE/daemon.state" ] || ! "$AGENT" --config "$TMP/agent.ini" status | grep -q "^Daemon: *running" ||
	fail "a refused configuration left a daemon running"

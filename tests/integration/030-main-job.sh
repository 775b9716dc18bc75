#!/usr/bin/env bash
# The main job of README.md, as a user runs it: scripts/run.sh builds, starts the server on
# its SQLite database, enrolls this PC and stores its inventory; run again, it reuses the
# enrollment and stores the next snapshot.
. "$(dirname "$0")/lib.sh"
need curl
need openssl
export COUNTERGUARD_STATE="$TMP/state"
COUNTERGUARD_PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export COUNTERGUARD_PORT
at_exit 'kill -TERM $(cat "$TMP/state/server.pid" 2>/dev/null) 2>/dev/null'

"$SRCDIR/scripts/run.sh" >"$TMP/out1" 2>&1 || { cat "$TMP/out1"; fail "first run"; }
grep -q "counterguard-server is running: https://127.0.0.1:$COUNTERGUARD_PORT" "$TMP/out1" || fail "no URL"
grep -q 'snapshot 1 stored ({"acked_seq":1})' "$TMP/out1" || fail "first snapshot: $(cat "$TMP/out1")"
"$SRCDIR/scripts/run.sh" >"$TMP/out2" 2>&1 || { cat "$TMP/out2"; fail "second run"; }
grep -q 'snapshot 2 stored ({"acked_seq":2})' "$TMP/out2" || fail "second snapshot: $(cat "$TMP/out2")"

# the server holds this PC, under its machine id, once
server="$SRCDIR/build/counterguard-server"
"$server" --config "$TMP/state/server.ini" dump >"$TMP/dump"
[ "$(grep -c '"table":"hosts"' "$TMP/dump")" = 1 ] || fail "host rows"
[ "$(grep -c '"table":"agents"' "$TMP/dump")" = 1 ] || fail "agent rows (enrolled twice?)"
grep '"table":"hosts"' "$TMP/dump" | grep -q "\"hostname\":\"$(uname -n)\"" || fail "hostname"
# and answers over TLS with its own certificate
curl -sS --fail --cacert "$TMP/state/server.crt" "https://127.0.0.1:$COUNTERGUARD_PORT/api/v1/ping" >/dev/null ||
	fail "ping"
echo "main job ok"

# Shared by the tests of the agent as a daemon against the real server (04N-agent-*.sh):
# sourced, never run. Builds on lib-server.sh.
# shellcheck source=lib-server.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib-server.sh"
need umockdev-wrapper
need sqlite3
HARNESS="$BUILD/tests/integration/hotplug-harness"
FIXTURE="$SRCDIR/tests/lib/usbfixture.py"

# server_up: a server on SQLite with the test units, on a port that stays the same across
# restarts (server-stop.sh / server-start.sh in $TMP, usable from the harness's run: steps)
server_up() {
	make_cert
	use_backend sqlite
	write_config "${1:-}"
	cg migrate 2>/dev/null || fail "migrate"
	setup_units
	server_start
	sed -i "s/^listen = .*/listen = 127.0.0.1:$PORT/" "$CONFIG"
	echo "$SERVER_PID" >"$TMP/server.pid"
	at_exit "kill -KILL \$(cat '$TMP/server.pid') 2>/dev/null"
	cat >"$TMP/server-stop.sh" <<-EOT
		#!/bin/sh
		pid=\$(cat "$TMP/server.pid")
		kill -TERM "\$pid"
		while kill -0 "\$pid" 2>/dev/null; do sleep 0.05; done
	EOT
	cat >"$TMP/server-start.sh" <<-EOT
		#!/bin/sh
		"$SERVER" --config "$CONFIG" serve 2>>"$TMP/server.log" &
		echo \$! >"$TMP/server.pid"
		for i in \$(seq 200); do
			curl -s --cacert "$TMP/server.crt" -o /dev/null "$URL/api/v1/ping" && exit 0
			sleep 0.05
		done
		exit 1
	EOT
	chmod +x "$TMP/server-stop.sh" "$TMP/server-start.sh"
}

# agent_ini [EXTRA-INI-LINES]: $TMP/agent.ini for $URL, its worker running as nobody; sets
# AGENT_STATE (its state directory)
agent_ini() {
	AGENT_STATE="$TMP/state"
	mkdir -p "$AGENT_STATE"
	# its worker runs as nobody: it must reach its state directory and the CA
	chmod 711 "$TMP"
	chmod 644 "$TMP/server.crt"
	cat >"$TMP/agent.ini" <<-EOT
		[agent]
		unit = 010101
		counter = Quầy 1
		user = nobody
		[server]
		url = $URL
		ca = $TMP/server.crt
		credential = $AGENT_STATE/credential
		[outbox]
		path = $AGENT_STATE/outbox.db
		${1:-}
	EOT
}

# agent_enrolled [EXTRA-INI-LINES]: agent_ini, and this agent enrolled; sets AGENT_ID
agent_enrolled() {
	agent_ini "${1:-}"
	"$AGENT" --config "$TMP/agent.ini" enroll --token "$(cg token create --unit 010101 2>/dev/null)" \
		>/dev/null 2>"$TMP/enroll.err" || fail "enroll: $(cat "$TMP/enroll.err")"
	AGENT_ID=$(sed -n 's/^agent_id = //p' "$AGENT_STATE/credential")
}

# Every record the server took: those stored whole, and the snapshots it kept only as
# "unchanged" (their seq and content hash, docs/wire-protocol.md), for SQL's FROM.
RECORDS="(SELECT agent_id, seq, record_type, body FROM raw_records UNION ALL
	SELECT agent_id, seq, 'snapshot', '' FROM snapshot_repeats)"

# stored_count TYPE: how many records of this agent the server took
stored_count() {
	sql "SELECT COUNT(*) FROM $RECORDS WHERE agent_id = '$AGENT_ID' AND record_type = '$1'"
}

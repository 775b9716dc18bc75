# shellcheck shell=bash
# Shared by the agent benchmarks (4N-agent-*.sh): sourced, never run. A real
# counterguard-server on SQLite over TLS on loopback, and this agent enrolled against it, as
# tests/integration/lib-agent.sh sets them up (copied here: the test libraries skip and fail
# as tests do). Sets TMP (removed on exit), CONFIG, URL, PORT, SERVER_PID, AGENT_INI, AGENT_ID.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD="${BUILD:-$PWD/build}"
AGENT="$BUILD/counterguard-agent"
SERVER="$BUILD/counterguard-server"
HARNESS="$BUILD/tests/integration/hotplug-harness"
PY=/usr/bin/python3
for f in "$AGENT" "$SERVER"; do
	[ -x "$f" ] || { echo "build $f first (make)"; exit 1; }
done
[ -x "$HARNESS" ] || { echo "build $HARNESS first (make BUILD=$BUILD tests)"; exit 1; }
for c in umockdev-wrapper sqlite3 curl openssl; do
	command -v "$c" >/dev/null || { echo "$c is not installed (scripts/install-deps.sh bench)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "run as root: the agent runs as root with its worker as nobody, as on a counter PC"; exit 1; }

TMP=$(mktemp -d /tmp/cg-bench.XXXXXX)
cleanup_hooks=()
on_exit() {
	local i
	for ((i = ${#cleanup_hooks[@]} - 1; i >= 0; i--)); do eval "${cleanup_hooks[$i]}" || true; done
	wait 2>/dev/null || true
	rm -rf "$TMP"
}
trap on_exit EXIT
trap 'exit 1' INT TERM # cleaned up when interrupted too
at_exit() { cleanup_hooks+=("$1"); }

cg() { "$SERVER" --config "$CONFIG" "$@"; }
sql() { sqlite3 "$TMP/server.db" "$1"; }

# server_up: the server on SQLite, province 01 > district 0101 > counter 010101, serving
server_up() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-keyout "$TMP/server.key" -out "$TMP/server.crt" -subj /CN=localhost \
		-addext subjectAltName=IP:127.0.0.1,DNS:localhost 2>/dev/null
	CONFIG="$TMP/server.ini"
	cat >"$CONFIG" <<-EOT
		[server]
		listen = 127.0.0.1:0
		tls_cert = $TMP/server.crt
		tls_key = $TMP/server.key
		threads = 2
		[store]
		url = sqlite:$TMP/server.db
		retention_days = 365
	EOT
	cg migrate 2>/dev/null
	cg units add 01 --name 'Tỉnh Thử' --kind province 2>/dev/null
	cg units add 0101 --name 'Huyện Một' --kind district --parent 01 2>/dev/null
	cg units add 010101 --name 'Quầy 1' --kind counter --parent 0101 2>/dev/null
	: >"$TMP/server.log"
	"$SERVER" --config "$CONFIG" serve 2>>"$TMP/server.log" &
	SERVER_PID=$!
	at_exit "kill -TERM $SERVER_PID 2>/dev/null"
	local i
	for ((i = 0; i < 200; i++)); do
		grep -q 'ready' "$TMP/server.log" && break
		kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log"; echo "server died"; exit 1; }
		sleep 0.05
	done
	PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/server.log" | tail -n 1)
	[ -n "$PORT" ] || { cat "$TMP/server.log"; echo "server not ready"; exit 1; }
	URL="https://127.0.0.1:$PORT"
}

# agent_enrolled: $TMP/agent.ini (worker as nobody, default snapshot interval and outbox cap)
# and this agent enrolled with a one-time token
agent_enrolled() {
	mkdir -p "$TMP/state"
	chmod 711 "$TMP" # the worker (nobody) reaches its state directory and the CA
	chmod 644 "$TMP/server.crt"
	AGENT_INI="$TMP/agent.ini"
	cat >"$AGENT_INI" <<-EOT
		[agent]
		unit = 010101
		counter = Quầy 1
		user = nobody
		[server]
		url = $URL
		ca = $TMP/server.crt
		credential = $TMP/state/credential
		[outbox]
		path = $TMP/state/outbox.db
	EOT
	"$AGENT" --config "$AGENT_INI" enroll --token "$(cg token create --unit 010101 2>/dev/null)" \
		>/dev/null 2>"$TMP/enroll.err" || { cat "$TMP/enroll.err"; echo "enroll failed"; exit 1; }
	AGENT_ID=$(sed -n 's/^agent_id = //p' "$TMP/state/credential")
	# an agent left behind by a harness that died (it runs until told to stop)
	at_exit "pkill -TERM -f -- '--config $AGENT_INI run'"
}

# stored_count TYPE: how many records of this agent the server holds
stored_count() {
	sql "SELECT COUNT(*) FROM raw_records WHERE agent_id = '$AGENT_ID' AND record_type = '$1'"
}

# wait_for CMD [SECONDS]: until CMD succeeds (default 60 s); fails the benchmark otherwise
wait_for() {
	local i
	for ((i = 0; i < ${2:-60} * 10; i++)); do
		eval "$1" && return 0
		sleep 0.1
	done
	echo "timed out waiting for: $1"
	exit 1
}

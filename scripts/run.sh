#!/usr/bin/env bash
# The main job: build counterguard, start the central inventory server on its embedded
# SQLite database, enroll this PC's agent (its unit and counter label in var/agent.ini) and
# run it as the daemon, which reports this PC's inventory and every USB event to the server;
# then show what the server holds. Everything lives under var/ (COUNTERGUARD_STATE to move it); run it again and the
# same server, database and enrollment are reused.
#   scripts/run.sh            PORT=8443 by default (COUNTERGUARD_PORT)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build run
unset BUILD SAN # make would take them from the environment; the main job is the plain build
make -j"$(nproc)" >/dev/null

STATE="${COUNTERGUARD_STATE:-$PWD/var}"
PORT="${COUNTERGUARD_PORT:-8443}"
AGENT="$PWD/build/counterguard-agent"
SERVER="$PWD/build/counterguard-server"
CONFIG="$STATE/server.ini"
mkdir -p "$STATE"
chmod 0700 "$STATE"

# A self-signed certificate for this machine, made once.
if [ ! -s "$STATE/server.crt" ]; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
		-keyout "$STATE/server.key" -out "$STATE/server.crt" -subj "/CN=$(uname -n)" \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
fi
cat >"$CONFIG" <<EOT
[server]
listen = 127.0.0.1:$PORT
tls_cert = $STATE/server.crt
tls_key = $STATE/server.key
[store]
url = sqlite:$STATE/server.db
EOT
"$SERVER" --config "$CONFIG" migrate

# The server, in the background; a previous run's is stopped first.
if [ -s "$STATE/server.pid" ] && kill -0 "$(cat "$STATE/server.pid")" 2>/dev/null; then
	kill -TERM "$(cat "$STATE/server.pid")"
	while kill -0 "$(cat "$STATE/server.pid")" 2>/dev/null; do sleep 0.1; done
fi
: >"$STATE/server.log"
setsid "$SERVER" --config "$CONFIG" serve >>"$STATE/server.log" 2>&1 </dev/null &
echo $! >"$STATE/server.pid"
for _ in $(seq 100); do
	grep -q ready "$STATE/server.log" && break
	kill -0 "$(cat "$STATE/server.pid")" 2>/dev/null || { cat "$STATE/server.log"; exit 1; }
	sleep 0.1
done
grep -q ready "$STATE/server.log" || { cat "$STATE/server.log"; echo "server did not start" >&2; exit 1; }
URL="https://127.0.0.1:$PORT"
api() { # path, body file -> answer on stdout; fails on an HTTP error
	curl -sS --fail-with-body --cacert "$STATE/server.crt" -H 'Content-Type: application/json' \
		${CREDENTIAL:+-H "Authorization: Bearer $CREDENTIAL"} --data-binary @"$2" "$URL$1"
}

# This PC's agent, as on a counter PC: its agent.ini, its enrollment (once), then the daemon,
# which reports a snapshot at once and every event as it happens. Started as root it
# separates privileges: its worker runs as the user "counterguard" (made here as the package
# would, from systemd/counterguard-agent.sysusers), which must reach its state and the CA.
UNIT=LOCAL
AGENT_STATE="$STATE/agent"
CA="$STATE/server.crt"
chmod 0711 "$STATE"
chmod 0644 "$STATE/server.crt"
WORKER_USER=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
	WORKER_USER=counterguard
	getent passwd counterguard >/dev/null ||
		systemd-sysusers "$PWD/systemd/counterguard-agent.sysusers" 2>/dev/null ||
		useradd --system --no-create-home --shell /usr/sbin/nologin counterguard
	# a checkout under /root cannot be reached by the worker: then its state goes where
	# the package keeps it, with a copy of the CA
	if ! runuser -u counterguard -- test -x "$STATE" 2>/dev/null; then
		AGENT_STATE=/var/lib/counterguard-agent
		CA="$AGENT_STATE/server-ca.crt"
		mkdir -p "$AGENT_STATE"
		chown counterguard: "$AGENT_STATE"
		chmod 0700 "$AGENT_STATE"
		install -m 0644 "$STATE/server.crt" "$CA"
	fi
fi
mkdir -p "$AGENT_STATE"
cat >"$STATE/agent.ini" <<EOT
; this PC's agent (agent.ini(5)), written by scripts/run.sh
[agent]
unit = $UNIT
counter = Quầy của máy này ($(uname -n))
user = $WORKER_USER
snapshot_interval = 300
[server]
url = $URL
ca = $CA
credential = $AGENT_STATE/credential
[outbox]
path = $AGENT_STATE/outbox.db
EOT
agent() { "$AGENT" --config "$STATE/agent.ini" "$@"; }
"$SERVER" --config "$CONFIG" units list | grep -q "^$UNIT"$'\t' ||
	"$SERVER" --config "$CONFIG" units add "$UNIT" --name "Văn phòng này (this office)" --kind province
if ! agent run -n >/dev/null 2>&1; then
	agent enroll --token "$("$SERVER" --config "$CONFIG" token create --unit "$UNIT")"
fi
agent run -n

# The daemon, in the background; a previous run's is stopped first.
if [ -s "$STATE/agent.pid" ] && kill -0 "$(cat "$STATE/agent.pid")" 2>/dev/null; then
	kill -TERM "$(cat "$STATE/agent.pid")"
	while kill -0 "$(cat "$STATE/agent.pid")" 2>/dev/null; do sleep 0.1; done
fi
: >"$STATE/agent.log"
started=$(date -u +%Y-%m-%dT%H:%M:%S)
setsid "$AGENT" -v --config "$STATE/agent.ini" run >>"$STATE/agent.log" 2>&1 </dev/null &
echo $! >"$STATE/agent.pid"
# running, and its first snapshot acknowledged by the server (status: "Reached" since start)
reached() { { agent status 2>/dev/null || true; } | sed -n 's/^Reached: *\(20.*\)/\1/p'; }
for _ in $(seq 150); do
	r=$(reached)
	[[ -n "$r" && "$r" > "$started" ]] && break
	kill -0 "$(cat "$STATE/agent.pid")" 2>/dev/null || { cat "$STATE/agent.log"; exit 1; }
	sleep 0.2
done
[[ -n "$r" && "$r" > "$started" ]] || { cat "$STATE/agent.log"; echo "the agent did not reach the server" >&2; exit 1; }

agent inventory
echo
agent status || true
echo
echo "counterguard-server is running: $URL (pid $(cat "$STATE/server.pid"), log $STATE/server.log)"
echo "  database:  $STATE/server.db"
echo "  this PC:   counterguard-agent is running as the daemon (pid $(cat "$STATE/agent.pid"), log $STATE/agent.log)"
echo "  stored:    $("$SERVER" --config "$CONFIG" dump | grep -c '"table":"devices"') USB device rows, host row:"
"$SERVER" --config "$CONFIG" dump | grep '"table":"hosts"'
echo
"$SERVER" --config "$CONFIG" agents list
echo
echo "stop them with: kill $(cat "$STATE/agent.pid") $(cat "$STATE/server.pid")"

#!/usr/bin/env bash
# The main job: build counterguard, start the central inventory server on its embedded
# SQLite database, enroll this PC (its unit and counter label in var/agent.ini) and put its
# inventory in it; then show what the server holds. Everything lives under var/ (COUNTERGUARD_STATE to move it); run it again and the
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

# This PC: its unit, its enrollment (once), then its inventory as the next record.
UNIT=LOCAL
[ -s "$STATE/agent.ini" ] || printf '[agent]\nunit = %s\ncounter = %s\n' "$UNIT" \
	"Quầy của máy này ($(uname -n))" >"$STATE/agent.ini"
agent() { "$AGENT" --config "$STATE/agent.ini" "$@"; }
agent inventory --format json >"$STATE/inventory.json"
"$SERVER" --config "$CONFIG" units list | grep -q "^$UNIT"$'\t' ||
	"$SERVER" --config "$CONFIG" units add "$UNIT" --name "Văn phòng này (this office)" --kind province
if [ ! -s "$STATE/agent.credential" ]; then
	TOKEN=$("$SERVER" --config "$CONFIG" token create --unit "$UNIT")
	/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({"token": sys.argv[2], "host": d["host"]}))' \
		"$STATE/inventory.json" "$TOKEN" >"$STATE/enroll.json"
	(umask 077; api /api/v1/enroll "$STATE/enroll.json" >"$STATE/agent.json")
	/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["credential"])' \
		"$STATE/agent.json" >"$STATE/agent.credential"
	chmod 0600 "$STATE/agent.credential"
	echo 0 >"$STATE/agent.seq"
fi
CREDENTIAL=$(cat "$STATE/agent.credential")
# taken now, after any enrollment: the snapshot is the newest thing the server hears
agent inventory --format json >"$STATE/inventory.json"
SEQ=$(($(cat "$STATE/agent.seq") + 1))
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({"records": [{"seq": int(sys.argv[2]), "type": "snapshot", "time": d["generated_at"], "body": d}]}))' \
	"$STATE/inventory.json" "$SEQ" >"$STATE/records.json"
ACK=$(api /api/v1/records "$STATE/records.json")
echo "$SEQ" >"$STATE/agent.seq"

agent inventory
echo
echo "counterguard-server is running: $URL (pid $(cat "$STATE/server.pid"), log $STATE/server.log)"
echo "  database:  $STATE/server.db"
echo "  this PC:   enrolled as agent $(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["agent_id"])' "$STATE/agent.json"), snapshot $SEQ stored ($ACK)"
echo "  stored:    $("$SERVER" --config "$CONFIG" dump | grep -c '"table":"devices"') USB device rows, host row:"
"$SERVER" --config "$CONFIG" dump | grep '"table":"hosts"'
echo
"$SERVER" --config "$CONFIG" agents list
echo
echo "stop it with: kill $(cat "$STATE/server.pid")"

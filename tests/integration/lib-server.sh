# Shared by the counterguard-server integration tests (1NN-server-*.sh): sourced, never run.
# Builds on lib.sh (private $TMP removed on exit, at_exit hooks, fail/skip/need).
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVER="$BUILD/counterguard-server"
[ -x "$SERVER" ] || skip "$SERVER is not built"
need curl
need openssl
# shellcheck source=../lib/postgres.sh
. "$SRCDIR/tests/lib/postgres.sh"
PGBIN=$(pg_bindir) || PGBIN=

# fail, with the end of the server's log: what a failing test most often needs
fail() {
	echo "FAIL: $*" >&2
	if [ -s "$TMP/server.log" ]; then
		echo "--- end of server log:" >&2
		tail -n 40 "$TMP/server.log" >&2
	fi
	exit 1
}

# make_cert: a self-signed certificate for 127.0.0.1 in $TMP/server.{crt,key}
make_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-keyout "$TMP/server.key" -out "$TMP/server.crt" -subj /CN=localhost \
		-addext subjectAltName=IP:127.0.0.1,DNS:localhost 2>/dev/null || fail "openssl req"
}

# pg_start: a throwaway PostgreSQL cluster on a private socket; sets PG_URL and PG_DIR.
# Only a Unix socket in its own directory: nothing else can collide with its port.
pg_start() {
	[ -n "$PGBIN" ] || skip "PostgreSQL's server (initdb) is not installed"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || skip "running as root, and there is no postgres user to run PostgreSQL as"
	fi
	need psql
	PG_DIR=$(mktemp -d /tmp/cg-pg.XXXXXX)
	[ "$(id -u)" -ne 0 ] || chown postgres "$PG_DIR"
	at_exit "pg_as_owner $PGBIN/pg_ctl -D '$PG_DIR/data' -m fast stop >/dev/null 2>&1; rm -rf '$PG_DIR'"
	pg_as_owner "$PGBIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync \
		-E UTF8 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; fail "initdb"; }
	pg_as_owner "$PGBIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/server.log" \
		-o "-k $PG_DIR -p 5432 -c listen_addresses='' -c fsync=off" start >/dev/null ||
		{ cat "$PG_DIR/server.log"; fail "pg_ctl start"; }
	psql -q -h "$PG_DIR" -p 5432 -U postgres -c 'CREATE DATABASE cg' >/dev/null || fail "createdb"
	PG_URL="postgresql://postgres@/cg?host=$PG_DIR&port=5432"
}

# use_backend sqlite|postgresql: sets STORE_URL and BACKEND
use_backend() {
	BACKEND="$1"
	case "$BACKEND" in
	sqlite) STORE_URL="sqlite:$TMP/server.db" ;;
	postgresql) pg_start; STORE_URL="$PG_URL" ;;
	*) fail "unknown backend $BACKEND" ;;
	esac
}

# sql QUERY: run a query on the test's database, one row per line, columns separated by |
sql() {
	if [ "$BACKEND" = sqlite ]; then
		sqlite3 "${STORE_URL#sqlite:}" "$1"
	else
		psql -X -q -At -h "$PG_DIR" -p 5432 -U postgres cg -c "$1"
	fi
}

# write_config [SERVER-LINES [STORE-LINES]]: $TMP/server.ini for $STORE_URL, TLS on port 0
write_config() {
	CONFIG="$TMP/server.ini"
	cat >"$CONFIG" <<-EOT
		[server]
		listen = 127.0.0.1:0
		tls_cert = $TMP/server.crt
		tls_key = $TMP/server.key
		threads = 2
		${1:-}
		[store]
		url = $STORE_URL
		retention_days = 365
		${2:-}
	EOT
}

cg() { "$SERVER" --config "$CONFIG" "$@"; }

# server_start: serve in the background until "ready"; sets SERVER_PID, PORT, URL
server_start() {
	local i
	: >"$TMP/server.log"
	"$SERVER" --config "$CONFIG" serve 2>>"$TMP/server.log" &
	SERVER_PID=$!
	at_exit "kill -KILL $SERVER_PID 2>/dev/null"
	for ((i = 0; i < 200; i++)); do
		grep -q 'ready' "$TMP/server.log" && break
		kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log"; fail "server died"; }
		sleep 0.05
	done
	grep -q 'ready' "$TMP/server.log" || { cat "$TMP/server.log"; fail "server not ready"; }
	PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/server.log" | tail -n 1)
	URL="https://127.0.0.1:$PORT"
}

# server_stop: SIGTERM and its exit status (0 expected: sanitizers report leaks as failure)
server_stop() {
	local rc=0
	kill -TERM "$SERVER_PID"
	wait "$SERVER_PID" || rc=$?
	return $rc
}

# post PATH FILE [CURL-ARGS...]: POST FILE; the status in $CODE, the body in $TMP/resp
post() {
	local path="$1" file="$2"
	shift 2
	CODE=$(curl -sS --cacert "$TMP/server.crt" -o "$TMP/resp" -w '%{http_code}' \
		-H 'Content-Type: application/json' --data-binary "@$file" "$@" "$URL$path") ||
		CODE=000
}

# post_records FILE CREDENTIAL: as post, to /api/v1/records
post_records() { post /api/v1/records "$1" -H "Authorization: Bearer $2"; }

# expect CODE [SUBSTRING]: the last answer had that status (and its body that text)
expect() {
	[ "$CODE" = "$1" ] || fail "expected HTTP $1, got $CODE: $(cat "$TMP/resp")"
	[ -z "${2:-}" ] || grep -qF -- "$2" "$TMP/resp" || fail "expected '$2' in: $(cat "$TMP/resp")"
}

# enroll TOKEN: sets AGENT_ID and CRED
enroll() {
	printf '{"token":"%s","host":{"hostname":"pc-%s","machine_id":"m%s"}}' "$1" "$RANDOM" \
		"$RANDOM" >"$TMP/enroll.json"
	post /api/v1/enroll "$TMP/enroll.json"
	expect 200 credential
	AGENT_ID=$(jget "$TMP/resp" 'd["agent_id"]')
	CRED=$(jget "$TMP/resp" 'd["credential"]')
}

# gen_batch OUT FIRST_SEQ SNAPSHOTS EVENTS [DEVICES [SKIP_DEVICE]]: a records batch of
# realistic snapshots (DEVICES USB devices, default 20), each a change, and device events.
gen_batch() {
	"$PY" - "$@" <<'PYEOF'
import json
import sys


def device(i):
    kinds = ["storage"] if i % 5 == 0 else ["input"] if i % 5 == 1 else ["printer"] if i % 5 == 2 else ["smartcard"] if i % 5 == 3 else ["hub"]
    return {
        "kinds": kinds, "bus": "usb", "port": "1-%d" % (i + 1),
        "vendor_id": "%04x" % (0x0781 + i), "product_id": "%04x" % (0x5500 + i),
        "vendor": "Vendor %d" % i, "product": "Product %d" % i, "serial": "SN%08d" % i,
        "usb_version": "2.00", "speed_mbps": 480, "device_class": 0, "busnum": 1, "devnum": i + 2,
        "interfaces": [{"number": "00", "class": 8, "subclass": 6, "protocol": 80, "driver": "usb-storage"}],
        "connected": True,
    }


# Each snapshot changes one fact (its antivirus signature), so each is stored in full: an
# unchanged one would be kept as a small row only (test 120).
def snapshot(time, n_devices, skip, seq):
    return {
        "type": "snapshot", "schema_version": 1, "generated_at": time,
        "host": {"machine_id": "0123456789abcdef0123456789abcdef", "hostname": "pc-quay-1",
                 "unit": "010101", "counter": "Quầy 1", "os_id": "debian", "os_name": "Debian GNU/Linux",
                 "os_version": "12", "kernel": "6.1.0", "arch": "x86_64", "dmi_vendor": "Dell Inc.",
                 "dmi_model": "OptiPlex 3080", "dmi_serial": "ABC1234",
                 "netifs": [{"name": "eth0", "mac": "aa:bb:cc:dd:ee:ff", "ipv4": ["10.1.2.3"]}],
                 "uptime_s": 3600, "agent_version": "0.1.0"},
        "devices": [device(i) for i in range(n_devices) if i != skip],
        "printers": [{"name": "HP_LaserJet", "make_model": "HP LaserJet 1020", "connection": "usb", "state": "idle"}],
        "scanners": [{"name": "test:0", "vendor": "Noname", "model": "frontend-tester", "connection": "other"}],
        "antivirus": [{"product": "ClamAV", "installed": True, "running": True, "realtime": False,
                       "signature_version": str(27000 + seq), "signature_age_days": 1}],
        "firewall": {"backend": "nftables", "active": True, "default_inbound": "drop",
                     "open_ports": [{"protocol": "tcp", "port": 22, "address": "0.0.0.0", "program": "sshd"}]},
        "accounts": [{"name": "canbo", "uid": 1000, "admin": False, "locked": False, "system": False, "shell": "/bin/bash"}],
        "sessions": [{"user": "canbo", "tty": "tty7", "login_time": "2026-11-23T07:30:00Z"}],
        "findings": [{"rule_id": "usb.storage.unapproved", "severity": "high", "message_en": "USB storage", "evidence": "0781:5500"}],
    }


def event(time, i):
    return {"type": "event", "schema_version": 1, "time": time,
            "event": "device_added" if i % 2 == 0 else "device_removed", "device": device(30 + i % 3)}


def main():
    out, first, snaps, events = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    n_devices = int(sys.argv[5]) if len(sys.argv) > 5 else 20
    skip = int(sys.argv[6]) if len(sys.argv) > 6 else -1
    records, seq = [], first
    for i in range(snaps):
        t = "2026-11-23T08:%02d:%02dZ" % ((seq // 60) % 60, seq % 60)
        records.append({"seq": seq, "type": "snapshot", "time": t, "body": snapshot(t, n_devices, skip, seq)})
        seq += 1
    for i in range(events):
        t = "2026-11-23T09:%02d:%02dZ" % ((seq // 60) % 60, seq % 60)
        records.append({"seq": seq, "type": "event", "time": t, "body": event(t, i)})
        seq += 1
    with open(out, "w") as f:
        json.dump({"records": records}, f, ensure_ascii=False)


main()
PYEOF
}

# setup_units: province 01 > district 0101 > counter 010101
setup_units() {
	cg units add 01 --name 'Tỉnh Thử' --kind province 2>/dev/null || fail "units add 01"
	cg units add 0101 --name 'Huyện Một' --kind district --parent 01 2>/dev/null ||
		fail "units add 0101"
	cg units add 010101 --name 'Quầy 1' --kind counter --parent 0101 2>/dev/null ||
		fail "units add 010101"
}

# raw_https [SOURCE-ADDRESS [TIMEOUT]] < REQUEST: send the bytes of REQUEST to the server over
# TLS as they are (from 127.0.0.x if given); print what comes back, then a last line
# "# closed" or "# open" (the server had not closed after TIMEOUT seconds, default 3) and the
# seconds it took
raw_https() {
	[ -e "$TMP/raw_https.py" ] || raw_https_script >"$TMP/raw_https.py"
	"$PY" "$TMP/raw_https.py" "$TMP/server.crt" "$PORT" "${1:-127.0.0.1}" "${2:-3}"
}
raw_https_script() {
	cat <<'PYEOF'
import socket, ssl, sys, time
ca, port, src, timeout = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
ctx = ssl.create_default_context(cafile=ca)
ctx.check_hostname = False
t0 = time.monotonic()
s = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(src, 0))
s = ctx.wrap_socket(s)
s.sendall(sys.stdin.buffer.read())
out, state = b"", "open"
deadline = t0 + timeout
while True:
    s.settimeout(max(0.01, deadline - time.monotonic()))
    try:
        b = s.recv(65536)
    except (socket.timeout, TimeoutError):
        break
    except (ConnectionError, ssl.SSLError):
        state = "closed"
        break
    if not b:
        state = "closed"
        break
    out += b
sys.stdout.write(out.decode("utf-8", "replace"))
print("\n# %s %.2f" % (state, time.monotonic() - t0))
PYEOF
}

# server_cpu_ms: user+system CPU the server has used so far, in milliseconds
server_cpu_ms() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print int(($12 + $13) * 1000 / hz) }' \
		"/proc/$SERVER_PID/stat"
}

# server_rss_mib: the server's resident memory now, in MiB
server_rss_mib() { awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$SERVER_PID/status"; }

# wait_log PATTERN [TENTHS]: wait until the server's log has a line matching PATTERN
wait_log() {
	local i
	for ((i = 0; i < ${2:-100}; i++)); do
		grep -q -- "$1" "$TMP/server.log" && return 0
		sleep 0.1
	done
	return 1
}

# slow_client MODE SECONDS [SOURCE-ADDRESS] &: a client that sends one byte a second for at
# most SECONDS over TLS, MODE "body" (an /enroll request whose body trickles) or "header"
# (a request line that trickles); prints "cut after N s" or "not cut" when it ends
slow_client() {
	[ -e "$TMP/slow_client.py" ] || slow_client_script >"$TMP/slow_client.py"
	"$PY" "$TMP/slow_client.py" "$TMP/server.crt" "$PORT" "$1" "$2" "${3:-127.0.0.1}"
}
slow_client_script() {
	cat <<'PYEOF'
import socket, ssl, sys, time
ca, port, mode, secs, src = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), sys.argv[5]
ctx = ssl.create_default_context(cafile=ca)
ctx.check_hostname = False
t0 = time.monotonic()
try:
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(src, 0)))
    if mode == "body":
        s.sendall(b"POST /api/v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n{")
    else:
        s.sendall(b"P")
    s.settimeout(1)
    while time.monotonic() - t0 < secs:
        try:
            if s.recv(4096) == b"":
                raise ConnectionError
        except (socket.timeout, TimeoutError):
            pass
        s.sendall(b" " if mode == "body" else b"O")
    print("not cut")
except (OSError, ssl.SSLError):
    print("cut after %d s" % round(time.monotonic() - t0))
PYEOF
}

# serve_units BACKEND [SERVER-LINES [STORE-LINES]]: a migrated store with the unit tree and the
# server started on it
serve_units() {
	use_backend "$1"
	write_config "${2:-}" "${3:-}"
	cg migrate 2>/dev/null || fail "migrate"
	setup_units
	server_start
}

# serve_enrolled BACKEND [SERVER-LINES [STORE-LINES]]: the same, and one agent enrolled
# (AGENT_ID, CRED)
serve_enrolled() {
	serve_units "$@"
	enroll "$(cg token create --unit 010101 2>/dev/null)"
}

#!/usr/bin/env bash
# counterguard-server under attack, on loopback over TLS: a normal agent posts small batches
# (5 events), each on a new TLS connection, alone ("quiet") and during each attack, in the
# same run, interleaved, RUNS times (default 5). Printed per phase: p50 and p99 of the
# agent's posts (min / median / max over the runs), failed posts, and the ratio of the
# median p99 to the quiet one (goal: at most 2). The attacks, from 127.0.0.2, each bounded in
# connections and time:
#   slow-enroll   200 connections sending an /enroll body at one byte a second
#   bearer-8MiB   4 clients in a loop posting an 8 MB schema-valid batch under random bearers
#   slow-bodies   100 connections with random bearers sending 8 MiB bodies, then holding
#   conn-flood    1100 connections trickling their request line
#   bench/21-server-attacks.sh [RUNS [POSTS-PER-PHASE]]      (defaults 5, 60)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD:-$PWD/build}"
SERVER="$BUILD/counterguard-server"
RUNS="${1:-5}"
POSTS="${2:-60}"
[ -x "$SERVER" ] || { echo "build $SERVER first (make)"; exit 1; }
ulimit -n 16384 2>/dev/null || true

tmp=$(mktemp -d /tmp/cg-bench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-keyout "$tmp/server.key" -out "$tmp/server.crt" -subj /CN=localhost 2>/dev/null
cat >"$tmp/server.ini" <<-EOT
	[server]
	listen = 127.0.0.1:0
	tls_cert = $tmp/server.crt
	tls_key = $tmp/server.key
	log_level = info
	[store]
	url = sqlite:$tmp/server.db
EOT
cg=("$SERVER" --config "$tmp/server.ini")
"${cg[@]}" migrate 2>/dev/null
"${cg[@]}" units add 01 --name P --kind province 2>/dev/null
token=$("${cg[@]}" token create --unit 01 --uses 2 2>/dev/null)
"${cg[@]}" serve 2>"$tmp/server.log" &
pid=$!
pids+=("$pid")
for ((i = 0; i < 100; i++)); do grep -q ready "$tmp/server.log" && break; sleep 0.1; done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/server.log")

cat >"$tmp/bench.py" <<'PYEOF'
import json, os, socket, ssl, statistics, sys, threading, time

CA, PORT = sys.argv[1], int(sys.argv[2])
ctx = ssl.create_default_context(cafile=CA)
ctx.check_hostname = False


def connect(src="127.0.0.1", timeout=10):
    return ctx.wrap_socket(socket.create_connection(("127.0.0.1", PORT), timeout=timeout,
                                                    source_address=(src, 0)))


def request(s, method, path, body, headers=()):
    h = "".join("%s: %s\r\n" % kv for kv in headers)
    s.sendall(("%s %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%s"
               "Content-Length: %d\r\nConnection: close\r\n\r\n" % (method, path, h, len(body))).encode() + body)
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    return int(out.split(b" ", 2)[1]) if out else 0, out


def device(i):
    return {"kinds": ["storage"], "bus": "usb", "port": "1-%d" % (i + 1), "vendor_id": "%04x" % (0x0781 + i),
            "product_id": "%04x" % (0x5500 + i), "vendor": "V", "product": "P", "serial": "SN%08d" % i,
            "connected": True}


def events(seq, n):
    t = "2026-11-23T08:00:00Z"
    return {"records": [{"seq": seq + k, "type": "event", "time": t,
                         "body": {"type": "event", "schema_version": 1, "time": t, "event": "device_added",
                                  "device": device(k)}} for k in range(n)]}


def big_batch():
    t = "2026-11-23T08:00:00Z"
    snap = {"type": "snapshot", "schema_version": 1, "generated_at": t,
            "host": {"hostname": "pc", "machine_id": "0123456789abcdef0123456789abcdef"},
            "devices": [device(i) for i in range(40)]}
    recs, seq = [], 1
    while True:
        recs.append({"seq": seq, "type": "snapshot", "time": t, "body": snap})
        seq += 1
        if seq % 50 == 0 and len(json.dumps({"records": recs})) > 8_000_000:
            return json.dumps({"records": recs[:-1]}).encode()


def agent(cred, seq, n):
    lat, bad = [], 0
    for i in range(n):
        body = json.dumps(events(seq + 5 * i, 5)).encode()
        t0 = time.monotonic()
        try:
            st, _ = request(connect(), "POST", "/api/v1/records", body,
                            [("Authorization", "Bearer " + cred)])
        except OSError:
            st = 0
        lat.append((time.monotonic() - t0) * 1000)
        bad += st != 200
    lat.sort()
    print("%.2f %.2f %d" % (lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.99))], bad))


def rand_cred():
    return os.urandom(16).hex() + "." + os.urandom(32).hex()


def attack(kind, secs, ready):
    stop = time.monotonic() + secs
    socks = []

    def hold(s, byte):
        while time.monotonic() < stop:
            try:
                s.sendall(byte)
            except OSError:
                return
            time.sleep(1)

    def open_held(n, first, byte):
        for _ in range(n):
            try:
                s = connect("127.0.0.2", 3)
                s.sendall(first)
                socks.append(s)
            except OSError:
                pass
        return [threading.Thread(target=hold, args=(s, byte)) for s in socks]

    threads = []
    if kind == "slow-enroll":
        threads = open_held(200, b"POST /api/v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n{", b" ")
    elif kind == "conn-flood":
        threads = open_held(1100, b"P", b"O")
    elif kind == "slow-bodies":
        def one():
            try:
                s = connect("127.0.0.2", 3)
                s.sendall(b"POST /api/v1/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                          rand_cred().encode() + b"\r\nContent-Length: 8388608\r\n\r\n")
                chunk = b" " * 65536
                for _ in range(127):
                    s.sendall(chunk)
                hold(s, b" ")
            except OSError:
                pass
        threads = [threading.Thread(target=one) for _ in range(100)]
    elif kind == "bearer-8MiB":
        big = big_batch()
        def loop():
            for _ in range(2000):  # bounded in count as well as in time
                if time.monotonic() >= stop:
                    break
                try:
                    request(connect("127.0.0.2"), "POST", "/api/v1/records", big,
                            [("Authorization", "Bearer " + rand_cred())])
                except OSError:
                    time.sleep(0.05)  # refused at accept: no tight loop
        threads = [threading.Thread(target=loop) for _ in range(4)]
    for t in threads:
        t.daemon = True
        t.start()
    open(ready, "w").close()
    time.sleep(max(0, stop - time.monotonic()))


if sys.argv[3] == "enroll":
    st, out = request(connect(), "POST", "/api/v1/enroll", json.dumps({"token": sys.argv[4]}).encode())
    print(json.loads(out.split(b"\r\n\r\n", 1)[1])["credential"])
elif sys.argv[3] == "agent":
    agent(sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
else:
    attack(sys.argv[3], float(sys.argv[4]), sys.argv[5])
PYEOF
py() { python3 "$tmp/bench.py" "$tmp/server.crt" "$port" "$@"; }
cred=$(py enroll "$token")
seq=1
phases=(quiet slow-enroll bearer-8MiB slow-bodies conn-flood)
: >"$tmp/results"
for ((run = 1; run <= RUNS; run++)); do
	for phase in "${phases[@]}"; do
		if [ "$phase" != quiet ]; then
			rm -f "$tmp/ready"
			# python itself in the background (not a function's subshell), so that the kill
			# below ends the attack and its connections
			python3 "$tmp/bench.py" "$tmp/server.crt" "$port" "$phase" 60 "$tmp/ready" &
			apid=$!
			pids+=("$apid")
			for ((i = 0; i < 600; i++)); do [ -e "$tmp/ready" ] && break; sleep 0.1; done
			sleep 1
		fi
		echo "$phase $(py agent "$cred" "$seq" "$POSTS")" >>"$tmp/results"
		seq=$((seq + 5 * POSTS))
		if [ "$phase" != quiet ]; then
			kill "$apid" 2>/dev/null || true
			wait "$apid" 2>/dev/null || true
			sleep 1 # the server lets go of what the attack held
		fi
		kill -0 "$pid" || { echo "the server died: $(tail -n 5 "$tmp/server.log")"; exit 1; }
	done
done

echo "counterguard-server $("$SERVER" --version | cut -d' ' -f2), $(nproc) cores, TLS on loopback, $RUNS runs of $POSTS posts per phase (new connection per post)"
python3 - "$tmp/results" <<'PYEOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    phase, p50, p99, bad = line.split()
    rows.setdefault(phase, []).append((float(p50), float(p99), int(bad)))
q99 = statistics.median(r[1] for r in rows["quiet"])
print("%-12s %28s %28s %7s %10s" % ("phase", "p50 ms min/median/max", "p99 ms min/median/max", "failed", "p99/quiet"))
for phase, rs in rows.items():
    p50 = sorted(r[0] for r in rs)
    p99 = sorted(r[1] for r in rs)
    print("%-12s %8.1f %8.1f %8.1f   %8.1f %8.1f %8.1f   %7d %9.2fx" % (
        phase, p50[0], statistics.median(p50), p50[-1], p99[0], statistics.median(p99), p99[-1],
        sum(r[2] for r in rs), statistics.median(p99) / q99))
PYEOF
kill -TERM "$pid"
wait "$pid" || echo "server exit status $?"
grep -E 'refused|cut|answered' "$tmp/server.log" | sed 's/^/  log: /' | sort | uniq -c | sort -rn | head -8 || true

#!/usr/bin/env bash
# counterguard-server ingest on loopback over TLS: N simulated agents (N = 100 and 2000), each
# sending batches in turn — a full snapshot of a PC with 20 USB devices (1 record, ~9 KB) every
# fourth request, otherwise 5 device events — on SQLite and on PostgreSQL. Printed: records/s,
# requests/s, p50/p99 latency, non-200 answers, and beside them the ceiling of the very same
# server (libmicrohttpd, TLS, threads) answering an empty 200 (GET /api/v1/ping), measured with
# wrk in the same run, as a ratio. About 2 minutes in all.
#   bench/20-server-ingest.sh [SECONDS-PER-RUN]      (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD:-$PWD/build}"
SERVER="$BUILD/counterguard-server"
SECS="${1:-10}"
. tests/lib/postgres.sh
PGBIN=$(pg_bindir) || { echo "PostgreSQL's server (initdb) is not installed"; exit 1; }
[ -x "$SERVER" ] || { echo "build $SERVER first (make)"; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (scripts/install-deps.sh bench)"; exit 1; }
ulimit -n 16384 2>/dev/null || true

tmp=$(mktemp -d /tmp/cg-bench.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -d "$tmp/pg/data" ] && pg_as_owner "$PGBIN/pg_ctl" -D "$tmp/pg/data" -m fast stop >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-keyout "$tmp/server.key" -out "$tmp/server.crt" -subj /CN=localhost 2>/dev/null

# --- wrk scripts ---
cat >"$tmp/enroll.lua" <<'LUA'
-- POST /api/v1/enroll with one token until `want` agents exist; credentials to a file per thread
local threads, counter = {}, 0
function setup(thread) counter = counter + 1; thread:set("id", counter); table.insert(threads, thread) end
function init(args)
  token, want, dir = args[1], tonumber(args[2]), args[3]
  out = io.open(dir .. "/creds." .. id, "a")
  body = '{"token":"' .. token .. '","host":{"hostname":"bench-pc"}}'
  got = 0
end
function request() return wrk.format("POST", "/api/v1/enroll", {["Content-Type"] = "application/json"}, body) end
function response(status, headers, b)
  if status == 200 then
    local c = b:match('"credential":"([0-9a-f.]+)"')
    out:write(c, "\n"); out:flush(); got = got + 1
  end
end
LUA
cat >"$tmp/records.lua" <<'LUA'
-- N agents round-robin per thread; each request is one agent's next batch with its next seqs.
local threads, counter = {}, 0
function setup(thread) counter = counter + 1; thread:set("id", counter); table.insert(threads, thread) end

local function device(i)
  return string.format('{"kinds":["%s"],"bus":"usb","port":"1-%d","vendor_id":"%04x","product_id":"%04x",' ..
    '"vendor":"Vendor %d","product":"Product %d","serial":"SN%08d","usb_version":"2.00","speed_mbps":480,' ..
    '"device_class":0,"busnum":1,"devnum":%d,"interfaces":[{"number":"00","class":8,"subclass":6,' ..
    '"protocol":80,"driver":"usb-storage"}],"connected":true}',
    ({"storage", "input", "printer", "smartcard", "hub"})[i % 5 + 1], i + 1, 0x0781 + i, 0x5500 + i, i, i, i, i + 2)
end

function init(args)
  local n, dir, nthreads = tonumber(args[1]), args[2], tonumber(args[3])
  base = tonumber(args[4])
  agents = {}
  local all = {}
  for t = 1, nthreads do
    for line in io.lines(dir .. "/creds." .. t) do table.insert(all, line) end
  end
  -- agents start at different points of their snapshot/events cycle, so the mix is the same
  -- however short the run
  for i = id, n, nthreads do table.insert(agents, {cred = all[i], seq = base, turn = i % 4}) end
  local devs = {}
  for i = 0, 19 do table.insert(devs, device(i)) end
  snapshot_body = '{"type":"snapshot","schema_version":1,"generated_at":"%s","host":{"machine_id":' ..
    '"0123456789abcdef0123456789abcdef","hostname":"pc-quay","os_id":"debian","os_version":"12",' ..
    '"kernel":"6.1.0","arch":"x86_64","dmi_vendor":"Dell Inc.","dmi_model":"OptiPlex 3080",' ..
    '"netifs":[{"name":"eth0","mac":"aa:bb:cc:dd:ee:ff","ipv4":["10.1.2.3"]}],"agent_version":"0.1.0"},' ..
    '"devices":[' .. table.concat(devs, ",") .. '],' ..
    '"printers":[{"name":"HP_LaserJet","make_model":"HP LaserJet 1020","connection":"usb","state":"idle"}],' ..
    '"antivirus":[{"product":"ClamAV","installed":true,"running":true,"signature_age_days":1}],' ..
    '"firewall":{"backend":"nftables","active":true,"default_inbound":"drop"},' ..
    '"accounts":[{"name":"canbo","uid":1000}],"findings":[{"rule_id":"usb.storage","severity":"high"}]}'
  event_body = '{"type":"event","schema_version":1,"time":"%s","event":"%s","device":' .. device(30) .. '}'
  next_agent, records, bad = 0, 0, 0
  inflight = {}
end

local function t() return os.date("!%Y-%m-%dT%H:%M:%SZ") end

function request()
  next_agent = next_agent % #agents + 1
  local a = agents[next_agent]
  local now, recs = t(), {}
  a.turn = a.turn + 1
  if a.turn % 4 == 1 then
    a.seq = a.seq + 1
    recs[1] = string.format('{"seq":%d,"type":"snapshot","time":"%s","body":%s}', a.seq, now,
      string.format(snapshot_body, now))
  else
    for k = 1, 5 do
      a.seq = a.seq + 1
      recs[k] = string.format('{"seq":%d,"type":"event","time":"%s","body":%s}', a.seq, now,
        string.format(event_body, now, k % 2 == 1 and "device_added" or "device_removed"))
    end
  end
  table.insert(inflight, #recs)
  return wrk.format("POST", "/api/v1/records", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. a.cred}, '{"records":[' .. table.concat(recs, ",") .. ']}')
end

function response(status, headers, body)
  -- wrk answers in order per connection but not across them: count records by the reply
  local n = table.remove(inflight, 1) or 0
  if status == 200 then records = records + n else bad = bad + 1 end
end

function done(summary, latency, requests)
  local recs, nbad = 0, 0
  for _, th in ipairs(threads) do recs = recs + th:get("records"); nbad = nbad + th:get("bad") end
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT records_s=%.0f requests_s=%.0f p50_ms=%.2f p99_ms=%.2f non200=%d errors=%d\n",
    recs / secs, summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    nbad, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
cat >"$tmp/ping.lua" <<'LUA'
function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT requests_s=%.0f p50_ms=%.2f p99_ms=%.2f\n", summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA

pg_start() {
	mkdir -p "$tmp/pg"
	chown postgres "$tmp/pg"
	pg_as_owner "$PGBIN/initdb" -D "$tmp/pg/data" -A trust -U postgres -E UTF8 >/dev/null
	pg_as_owner "$PGBIN/pg_ctl" -D "$tmp/pg/data" -w -l "$tmp/pg/log" \
		-o "-k $tmp/pg -p 5432 -c listen_addresses='' -c max_connections=50" start >/dev/null
	psql -q -h "$tmp/pg" -U postgres -c 'CREATE DATABASE cg' >/dev/null
}

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

run_backend() { # sqlite|postgresql
	local backend="$1" url
	if [ "$backend" = sqlite ]; then url="sqlite:$tmp/server.db"; else pg_start; url="postgresql://postgres@/cg?host=$tmp/pg&port=5432"; fi
	cat >"$tmp/$backend.ini" <<-EOT
		[server]
		listen = 127.0.0.1:0
		tls_cert = $tmp/server.crt
		tls_key = $tmp/server.key
		max_connections = 8192
		log_level = info
		[store]
		url = $url
		queue_max = 100000
	EOT
	local cg=("$SERVER" --config "$tmp/$backend.ini")
	"${cg[@]}" migrate 2>/dev/null
	"${cg[@]}" units add 01 --name P --kind province
	"${cg[@]}" units add 0101 --name D --kind district --parent 01
	local token
	token=$("${cg[@]}" token create --unit 0101 --uses 2500)
	: >"$tmp/$backend.log"
	"${cg[@]}" serve 2>>"$tmp/$backend.log" &
	local pid=$!
	pids+=("$pid")
	for ((i = 0; i < 100; i++)); do grep -q ready "$tmp/$backend.log" && break; sleep 0.1; done
	local port
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/$backend.log")
	local url_base="https://127.0.0.1:$port"
	rm -f "$tmp"/creds.*
	local t0 enrolled
	t0=$(date +%s.%N)
	# wrk has no request count: enroll in one-second rounds until 2000 agents exist (a round cut
	# short loses the answers in flight, hence the spare uses on the token)
	for ((i = 0; i < 120; i++)); do
		wrk -t2 -c32 -d1s -s "$tmp/enroll.lua" "$url_base" -- "$token" 2000 "$tmp" >/dev/null
		enrolled=$(cat "$tmp"/creds.* | wc -l)
		[ "$enrolled" -ge 2000 ] && break
	done
	printf '%-10s enrolled %s agents in %.1fs\n' "$backend" "$enrolled" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"
	[ "$enrolled" -ge 2000 ] || { echo "enrolled $enrolled agents, not 2000"; exit 1; }
	for n in ${BENCH_AGENTS:-100 2000}; do
		local out ping ratio
		out=$(wrk -t2 -c"$n" -d"${SECS}s" --timeout 30s -s "$tmp/records.lua" "$url_base" -- \
			"$n" "$tmp" 2 "$(date +%s%N | cut -c1-13)" | grep RESULT)
		ping=$(wrk -t2 -c"$n" -d"$((SECS / 2 > 3 ? SECS / 2 : 3))s" --timeout 30s -s "$tmp/ping.lua" \
			"$url_base/api/v1/ping" | grep RESULT)
		ratio=$(awk -v a="$(field requests_s "$out")" -v b="$(field requests_s "$ping")" 'BEGIN { printf "%.2f", b ? a / b : 0 }')
		printf '%-10s N=%-5s records/s %7s  requests/s %6s  p50 %7s ms  p99 %8s ms  non-200 %s  | empty 200: %6s req/s  p50 %6s ms  p99 %7s ms | ratio %s\n' \
			"$backend" "$n" "$(field records_s "$out")" "$(field requests_s "$out")" \
			"$(field p50_ms "$out")" "$(field p99_ms "$out")" "$(field non200 "$out")" \
			"$(field requests_s "$ping")" "$(field p50_ms "$ping")" "$(field p99_ms "$ping")" "$ratio"
	done
	kill -TERM "$pid"
	wait "$pid" || echo "$backend: server exit status $?"
}

echo "counterguard-server $("$SERVER" --version | cut -d' ' -f2), $(nproc) cores, wrk -t2, ${SECS}s per run, TLS on loopback"
for b in ${BENCH_BACKENDS:-sqlite postgresql}; do run_backend "$b"; done

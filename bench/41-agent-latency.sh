#!/usr/bin/env bash
# Plug to stored: the time from a umockdev plug-in to its device_added record stored on the
# server, for the agent as it runs on a counter PC (`counterguard-agent run` as root, worker as
# nobody, enrolled against a real counterguard-server on loopback, TLS, SQLite). Each run starts
# the agent under the hotplug harness, waits for its snapshot at start to be stored, then plugs
# and unplugs a USB serial adapter (CH341, one interface; a stick's SCSI children would stay
# behind in umockdev's other buses) N times (its timed-cycle: step: plugged, 30 ms, unplugged, GAP ms)
# and logs the CLOCK_REALTIME at which each plug's "add" uevent was sent; the server's
# raw_records.received_at of each device_added (CLOCK_REALTIME, ms, taken as the batch's
# transaction starts) minus its plug time is its latency. Same machine, same clock.
# The anchor: no tool does this exact work. Beside it, in the same run, interleaved (agent
# series, then curl series, per run): the floor of the same path, `curl` POSTing one pre-built
# event record (the agent's own stored device_added body, a new seq each time) to the same
# server, a new process and TLS connection each; its time is curl's time_total.
# Goal: p99 under 1 s.
#   bench/41-agent-latency.sh [RUNS [PLUGS [GAP_MS]]]      (default 5 runs of 200, 200 ms)
. "$(dirname "$0")/lib-agent.sh"
RUNS="${1:-5}"
PLUGS="${2:-200}"
GAP="${3:-200}"

server_up
agent_enrolled
"$PY" tests/lib/usbfixture.py --root >"$TMP/root.umockdev"
"$PY" tests/lib/usbfixture.py --at 1-2 noserial >"$TMP/dev.umockdev"

# a second agent for curl's records: its own seqs, the same server and store
printf '{"token":"%s","host":{"hostname":"bench-curl","machine_id":"0123456789abcdef0123456789abcdef"}}' \
	"$(cg token create --unit 010101 2>/dev/null)" >"$TMP/enroll.json"
curl -sS --cacert "$TMP/server.crt" -H 'Content-Type: application/json' --data-binary @"$TMP/enroll.json" \
	"$URL/api/v1/enroll" >"$TMP/enrolled.json"
CURL_CRED=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["credential"])' "$TMP/enrolled.json")
curl_seq=0

# agent_series RUN: one harness run; its latencies (ms, one a line) into $TMP/agent.RUN
agent_series() {
	local run="$1" base snaps
	base=$(sql "SELECT COALESCE(MAX(seq), 0) FROM $RECORDS WHERE agent_id = '$AGENT_ID'")
	snaps=$(stored_count snapshot)
	: >"$TMP/plugs.$run"
	umockdev-wrapper "$HARNESS" "$TMP/events" before:"$TMP/root.umockdev" \
		until:"[ \$(sqlite3 $TMP/server.db \"SELECT COUNT(*) FROM $RECORDS WHERE agent_id = '$AGENT_ID' AND record_type = 'snapshot'\") -gt $snaps ]" \
		timed-cycle:"$TMP/dev.umockdev:$PLUGS:$GAP:$TMP/plugs.$run" \
		until:"[ \$(sqlite3 $TMP/server.db \"SELECT COUNT(*) FROM raw_records WHERE agent_id = '$AGENT_ID' AND seq > $base AND body LIKE '%device_added%'\") -ge $PLUGS ]" \
		-- "$AGENT" -v --config "$AGENT_INI" run >"$TMP/harness.$run" 2>"$TMP/agent-log.$run" ||
		{ cat "$TMP/harness.$run"; tail -n 20 "$TMP/agent-log.$run"; echo "harness failed (run $run)"; exit 1; }
	sql "SELECT received_at FROM raw_records WHERE agent_id = '$AGENT_ID' AND seq > $base
		AND record_type = 'event' AND body LIKE '%device_added%' ORDER BY seq" >"$TMP/stored.$run"
	"$PY" - "$TMP/plugs.$run" "$TMP/stored.$run" >"$TMP/agent.$run" <<-'EOF'
		import datetime, sys
		plugs = [float(x) for x in open(sys.argv[1])]
		stored = [datetime.datetime.strptime(x.strip(), "%Y-%m-%dT%H:%M:%S.%fZ")
		          .replace(tzinfo=datetime.timezone.utc).timestamp() for x in open(sys.argv[2])]
		if len(plugs) != len(stored):
		    sys.exit(f"{len(plugs)} plugs, {len(stored)} device_added stored")
		for p, s in zip(plugs, stored):
		    print(f"{(s - p) * 1000:.1f}")
	EOF
}

# curl_series RUN: PLUGS posts of one event record, a new curl (and TLS connection) each
curl_series() {
	local run="$1" i
	: >"$TMP/curl.$run"
	for ((i = 0; i < PLUGS; i++)); do
		curl_seq=$((curl_seq + 1))
		printf '{"records":[{"seq":%d,"type":"event","time":"%s","body":%s}]}' "$curl_seq" \
			"$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$EVENT_BODY" >"$TMP/post.json"
		curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' --cacert "$TMP/server.crt" \
			-H 'Content-Type: application/json' -H "Authorization: Bearer $CURL_CRED" \
			--data-binary @"$TMP/post.json" "$URL/api/v1/records" >>"$TMP/curl-raw.$run"
	done
	grep -v '^200 ' "$TMP/curl-raw.$run" && { echo "curl: answers other than 200"; exit 1; }
	awk '{ printf "%.1f\n", $2 * 1000 }' "$TMP/curl-raw.$run" >"$TMP/curl.$run"
}

echo "counterguard-agent $("$AGENT" --version | cut -d' ' -f2), $(nproc) cores, $RUNS runs of $PLUGS plug-ins ($GAP ms apart), TLS on loopback, SQLite"
for ((run = 1; run <= RUNS; run++)); do
	agent_series "$run"
	[ -n "${EVENT_BODY:-}" ] || EVENT_BODY=$(sql "SELECT body FROM raw_records WHERE agent_id = '$AGENT_ID'
		AND record_type = 'event' AND body LIKE '%device_added%' ORDER BY seq LIMIT 1")
	curl_series "$run"
done
"$PY" - "$TMP" "$RUNS" <<'EOF'
import math, statistics, sys
tmp, runs = sys.argv[1], int(sys.argv[2])


def pct(v, p):  # nearest rank
    v = sorted(v)
    return v[max(0, math.ceil(p / 100 * len(v)) - 1)]


rows = {}
for name in ("agent", "curl"):
    p50, p99, mx = [], [], []
    for r in range(1, runs + 1):
        v = [float(x) for x in open(f"{tmp}/{name}.{r}")]
        p50.append(pct(v, 50))
        p99.append(pct(v, 99))
        mx.append(max(v))
    rows[name] = (p50, p99, mx)
print("per run (ms):  " + "  ".join(f"run {r + 1}: agent p50 {rows['agent'][0][r]:.1f} p99 {rows['agent'][1][r]:.1f}"
                                 f" | curl p50 {rows['curl'][0][r]:.1f} p99 {rows['curl'][1][r]:.1f}"
                                 for r in range(runs)).replace("  run", "\n               run"))


def mmm(v):
    return f"{min(v):.1f}/{statistics.median(v):.1f}/{max(v):.1f}"


print(f"{'path':<46} {'p50 ms min/med/max':>22} {'p99 ms min/med/max':>22} {'max ms (median of runs)':>23} {'p99 ratio':>9}")
names = {"agent": "plug -> stored (counterguard-agent run)", "curl": "floor: curl POST of one record (new TLS)"}
for name in ("agent", "curl"):
    p50, p99, mx = rows[name]
    ratio = "" if name == "agent" else f"{statistics.median(p99) / statistics.median(rows['agent'][1]):8.2f}x"
    print(f"{names[name]:<46} {mmm(p50):>22} {mmm(p99):>22} {statistics.median(mx):>23.1f} {ratio:>9}")
print("goal: agent p99 < 1000 ms")
EOF

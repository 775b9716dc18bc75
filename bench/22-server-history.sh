#!/usr/bin/env bash
# What the history costs when nothing changes: one agent sends a snapshot of a PC with 13 USB
# devices, then the same snapshot 200 times more (only generated_at, host.uptime_s and the
# record's time move), one request each, as a counter PC does every 5 minutes, and then 200
# more. Printed, per store (SQLite, PostgreSQL), min/median/max over RUNS runs:
#   - bytes the store grew per snapshot over the first 200 and over the next 200 ("then")
#     (SQLite: database + WAL after PRAGMA wal_checkpoint(TRUNCATE); PostgreSQL:
#     pg_total_relation_size of every table, with its indexes and TOAST, after VACUUM), and
#     "then" times 288 (a snapshot every 5 minutes) as bytes per PC per day. The two differ
#     on PostgreSQL, where the first 200 also make room for the updated rows' versions
#     (kept after VACUUM for reuse: a bounded cost, not a growing one);
#   - bytes written to disk per request over the first 200 (/proc/PID/io write_bytes):
#     the server process's, and on PostgreSQL the database's processes' too (the server
#     itself writes nothing there), from a CHECKPOINT before the 200 to one after them, so
#     the data pages they dirtied count once and nothing earlier does; on PostgreSQL also the
#     WAL they generated (pg_current_wal_lsn before and after). The postgres processes'
#     write_bytes jumps between runs, from about 11 KB to 260 KB a request for either build:
#     the kernel counts a page-cache folio whole when a write dirties it again, and the 16 MB
#     WAL segment is sometimes cached in large folios (seen on ext4, Linux 6.18: strace shows
#     the backends' pwrite()s adding up to about 10 KB a request in such a run). The median
#     and the WAL figure are the ones to read.
# Beside the anchor: the same server without the dedupe, i.e. main at the branch point of this
# change (ANCHOR_REV, default `git merge-base HEAD main`), built from `git archive` into
# $BUILD/anchor-REV. Runs are interleaved (anchor, ours, anchor, ours, ...), each on a fresh
# database. About a minute.
#   bench/22-server-history.sh [RUNS]      (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD:-$PWD/build}"
SERVER="$BUILD/counterguard-server"
RUNS="${1:-5}"
N=200
. tests/lib/postgres.sh
PGBIN=$(pg_bindir) || { echo "PostgreSQL's server (initdb) is not installed"; exit 1; }
[ -x "$SERVER" ] || { echo "build $SERVER first (make)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is not installed"; exit 1; }

ANCHOR_REV=$(git rev-parse --short "${ANCHOR_REV:-$(git merge-base HEAD main)}")
ANCHOR_DIR="$BUILD/anchor-$ANCHOR_REV"
if [ ! -x "$ANCHOR_DIR/build/counterguard-server" ]; then
	rm -rf "$ANCHOR_DIR"
	mkdir -p "$ANCHOR_DIR"
	git archive "$ANCHOR_REV" | tar -x -C "$ANCHOR_DIR"
	make -C "$ANCHOR_DIR" -j"$(nproc)" BUILD=build build/counterguard-server >/dev/null
fi
ANCHOR="$ANCHOR_DIR/build/counterguard-server"

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
	-keyout "$tmp/server.key" -out "$tmp/server.crt" -subj /CN=localhost \
	-addext subjectAltName=IP:127.0.0.1 2>/dev/null

# The agent: enroll, then snapshots over one kept-alive TLS connection. "first" sends seq 1
# and writes the credential; "repeat FIRST N" sends seqs FIRST..FIRST+N-1 and prints the write_bytes each of
# PIDS (a process, or "pg:PID": that postmaster's children, read afresh) wrote while it ran.
cat >"$tmp/agent.py" <<'PYEOF'
import http.client, json, os, ssl, subprocess, sys

phase, port, ca, credfile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx)


def post(path, body, cred=None):
    h = {"Content-Type": "application/json"}
    if cred:
        h["Authorization"] = "Bearer " + cred
    conn.request("POST", path, json.dumps(body, ensure_ascii=False).encode(), h)
    r = conn.getresponse()
    data = r.read()
    if r.status != 200:
        sys.exit("%s: HTTP %d %s" % (path, r.status, data[:200]))
    return json.loads(data)


def device(i):
    return {"kinds": [["storage", "input", "printer", "smartcard", "hub"][i % 5]], "bus": "usb",
            "port": "1-%d" % (i + 1), "vendor_id": "%04x" % (0x0781 + i),
            "product_id": "%04x" % (0x5500 + i), "vendor": "Vendor %d" % i,
            "product": "Product %d" % i, "serial": "SN%08d" % i, "usb_version": "2.00",
            "speed_mbps": 480, "device_class": 0, "busnum": 1, "devnum": i + 2,
            "interfaces": [{"number": "00", "class": 8, "subclass": 6, "protocol": 80,
                            "driver": "usb-storage"}], "connected": True}


def record(seq):
    t = "2026-11-23T%02d:%02d:00Z" % (seq * 5 // 60 % 24, seq * 5 % 60)
    body = {"type": "snapshot", "schema_version": 1, "generated_at": t,
            "host": {"machine_id": "0123456789abcdef0123456789abcdef", "hostname": "pc-quay-1",
                     "unit": "0101", "counter": "Quầy 1", "os_id": "debian",
                     "os_name": "Debian GNU/Linux", "os_version": "12", "kernel": "6.1.0",
                     "arch": "x86_64", "dmi_vendor": "Dell Inc.", "dmi_model": "OptiPlex 3080",
                     "dmi_serial": "ABC1234", "netifs": [{"name": "eth0", "mac": "aa:bb:cc:dd:ee:ff",
                                                          "ipv4": ["10.1.2.3"]}],
                     "uptime_s": 3600 + 300 * seq, "agent_version": "0.1.0"},
            "devices": [device(i) for i in range(13)]}
    return {"records": [{"seq": seq, "type": "snapshot", "time": t, "body": body}]}


def written(spec):
    total = 0
    for p in spec.split(","):
        procs = [p]
        if p.startswith("pg:"):
            # its children only: the postmaster's own write_bytes takes in those of every
            # child that exits (a psql session's backend), which are not this run's
            procs = []
            for d in filter(str.isdigit, os.listdir("/proc")):
                try:
                    with open("/proc/%s/stat" % d) as f:
                        if f.read().rsplit(")", 1)[1].split()[1] == p[3:]:
                            procs.append(d)
                except (FileNotFoundError, ProcessLookupError):
                    pass
        for q in procs:
            try:
                with open("/proc/%s/io" % q) as f:
                    total += int(next(l for l in f if l.startswith("write_bytes:")).split()[1])
            except (FileNotFoundError, ProcessLookupError):
                pass  # a process gone between the listing and the reading
    return total


if phase == "first":
    cred = post("/api/v1/enroll", {"token": sys.argv[5], "host": {"hostname": "pc-quay-1"}})["credential"]
    open(credfile, "w").write(cred)
    post("/api/v1/records", record(1), cred)
else:
    cred, first, n, specs = open(credfile).read(), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7:]
    before = [written(s) for s in specs]
    for seq in range(first, first + n):
        if post("/api/v1/records", record(seq), cred)["acked_seq"] != seq:
            sys.exit("seq %d not acknowledged" % seq)
    subprocess.check_call(["psql", "-X", "-q", "-h", os.environ["PGHOST"], "-U", "postgres",
                           "-c", "CHECKPOINT"], stdout=subprocess.DEVNULL)
    print("RESULT " + " ".join(str(written(s) - b) for s, b in zip(specs, before)))
PYEOF

mkdir -p "$tmp/pg"
chown postgres "$tmp/pg"
pg_as_owner "$PGBIN/initdb" -D "$tmp/pg/data" -A trust -U postgres -E UTF8 >/dev/null
pg_as_owner "$PGBIN/pg_ctl" -D "$tmp/pg/data" -w -l "$tmp/pg/log" \
	-o "-k $tmp/pg -p 5432 -c listen_addresses='' -c autovacuum=off -c wal_init_zero=off" start >/dev/null
POSTMASTER=$(head -n 1 "$tmp/pg/data/postmaster.pid")
psql_cg() { psql -X -q -At -h "$tmp/pg" -U postgres "$@"; }

# store_bytes BACKEND DB: the store's size on disk now, settled as the header says
store_bytes() {
	if [ "$1" = sqlite ]; then
		sqlite3 "$2" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
		cat "$2" "$2-wal" 2>/dev/null | wc -c
	else
		psql_cg "$2" -c 'VACUUM' >/dev/null
		psql_cg "$2" -c "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = 'public' AND c.relkind = 'r'"
	fi
}

# one_run NAME BINARY BACKEND RUN: appends "NAME BACKEND bytes/snapshot server-wb pg-wb"
one_run() {
	local name="$1" bin="$2" backend="$3" run="$4" url db
	if [ "$backend" = sqlite ]; then
		db="$tmp/$name-$run.db"
		url="sqlite:$db"
	else
		db="cg_${name}_$run"
		# FILE_COPY: the copy of template1 is not WAL-logged (PostgreSQL 15's default
		# writes its 7 MB to the WAL), so it cannot spill into the next run's figures
		psql_cg -c "CREATE DATABASE $db STRATEGY = FILE_COPY" >/dev/null 2>&1 ||
			psql_cg -c "CREATE DATABASE $db" >/dev/null
		url="postgresql://postgres@/$db?host=$tmp/pg&port=5432"
	fi
	cat >"$tmp/server.ini" <<-EOT
		[server]
		listen = 127.0.0.1:0
		tls_cert = $tmp/server.crt
		tls_key = $tmp/server.key
		[store]
		url = $url
	EOT
	local cg=("$bin" --config "$tmp/server.ini")
	"${cg[@]}" migrate 2>/dev/null
	"${cg[@]}" units add 01 --name P --kind province 2>/dev/null
	"${cg[@]}" units add 0101 --name D --kind district --parent 01 2>/dev/null
	local token pid port size0 size1 size2 out lsn0 wal
	token=$("${cg[@]}" token create --unit 0101 2>/dev/null)
	: >"$tmp/server.log"
	"${cg[@]}" serve 2>>"$tmp/server.log" &
	pid=$!
	pids+=("$pid")
	for ((i = 0; i < 100; i++)); do grep -q ready "$tmp/server.log" && break; sleep 0.1; done
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/server.log")
	python3 "$tmp/agent.py" first "$port" "$tmp/server.crt" "$tmp/cred" "$token"
	size0=$(store_bytes "$backend" "$db")
	# what earlier runs and the VACUUM left dirty is written now, not counted as this run's;
	# the CHECKPOINT after the run counts the data pages this run dirtied, once each
	psql_cg -c CHECKPOINT >/dev/null
	lsn0=$(psql_cg -c 'SELECT pg_current_wal_lsn()')
	out=$(PGHOST="$tmp/pg" python3 "$tmp/agent.py" repeat "$port" "$tmp/server.crt" "$tmp/cred" 2 \
		"$N" "$pid" "pg:$POSTMASTER")
	wal=$(psql_cg -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn0')")
	size1=$(store_bytes "$backend" "$db")
	PGHOST="$tmp/pg" python3 "$tmp/agent.py" repeat "$port" "$tmp/server.crt" "$tmp/cred" \
		$((N + 2)) "$N" "$pid" >/dev/null
	size2=$(store_bytes "$backend" "$db")
	kill -TERM "$pid"
	wait "$pid" || echo "$name $backend: server exit status $?"
	read -r wb_server wb_all <<<"${out#RESULT }"
	# on SQLite the postmaster's children are idle: count the server alone
	[ "$backend" = postgresql ] || wb_all=$wb_server
	echo "$name $backend $(((size1 - size0) / N)) $((wb_server / N)) $((wb_all / N)) $((${wal%.*} / N)) $(((size2 - size1) / N))" >>"$tmp/results"
	[ "$backend" = sqlite ] && rm -f "$db" "$db-wal" "$db-shm"
	return 0
}

echo "counterguard-server $("$SERVER" --version | cut -d' ' -f2) (ours, $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- server || echo '+changes')) beside the anchor $ANCHOR_REV (no dedupe); $(nproc) cores; $RUNS interleaved runs of 1 + $N identical snapshots of 13 devices"
: >"$tmp/results"
for ((run = 1; run <= RUNS; run++)); do
	for backend in ${BENCH_BACKENDS:-sqlite postgresql}; do
		one_run anchor "$ANCHOR" "$backend" "$run"
		one_run ours "$SERVER" "$backend" "$run"
	done
done

python3 - "$tmp/results" <<'PYEOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def mmm(v):
    return "%d / %d / %d" % (min(v), statistics.median(v), max(v))
cols = [("bytes/snapshot", 2, 1), ("then", 6, 1), ("bytes/PC/day (then x288)", 6, 288),
        ("server write_bytes/request", 3, 1), ("postgres write_bytes/request", 4, 1),
        ("WAL bytes/request", 5, 1)]
print("min / median / max over %d runs" % max(
    sum(1 for x in rows if x[:2] == [n, b]) for n in ("anchor", "ours") for b in ("sqlite", "postgresql")))
for backend in ("sqlite", "postgresql"):
    med = {}
    for name in ("anchor", "ours"):
        r = [x for x in rows if x[0] == name and x[1] == backend]
        if not r:
            continue
        med[name] = statistics.median(int(x[6]) for x in r)
        print("%-10s %-6s " % (backend, name) + "  ".join(
            "%s %s" % (title, mmm([int(x[i]) * k for x in r]))
            for title, i, k in cols if backend == "postgresql" or i not in (4, 5)))
    if len(med) == 2 and med["ours"] > 0:
        print("%-10s anchor/ours bytes per snapshot (then): %.0fx" % (backend, med["anchor"] / med["ours"]))
PYEOF

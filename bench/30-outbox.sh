#!/usr/bin/env bash
# The agent's outbox: device events (442 bytes of JSON) appended one durable transaction each
# (WAL, synchronous=FULL), as the daemon appends them. Printed: appends/s (min, median, max
# over RUNS runs) and bytes on disk per record, beside the anchor doing the same work with
# SQLite alone: the sqlite3 shell, one process, the same pragmas and table, one INSERT per
# transaction (the floor of a durable insert; the outbox adds its meta row, the cap and the
# seq bookkeeping). Runs alternate, ours then the anchor's, so a disk that slows down slows
# both. The disk is the one under TMPDIR (default /tmp): fsync decides everything here.
#   bench/30-outbox.sh [N-RECORDS] [RUNS]           (default 2000, 5)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD:-$PWD/build}"
N="${1:-2000}"
RUNS="${2:-5}"
command -v sqlite3 >/dev/null || { echo "the sqlite3 shell is not installed (apt-get install sqlite3)"; exit 1; }
make -s BUILD="$BUILD" "$BUILD/bench/outbox-bench"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cg-bench-outbox.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The anchor's SQL: the same pragmas, the same table, the same rows.
body=$("$BUILD/bench/outbox-bench" --body)
/usr/bin/python3 - "$N" "$body" >"$tmp/anchor.sql" <<'PY'
import sys
n, body = int(sys.argv[1]), sys.argv[2].replace("'", "''")
print("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
print("CREATE TABLE record (seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL CHECK (kind IN (0, 1)),"
      " time TEXT NOT NULL, body BLOB NOT NULL);")
for i in range(1, n + 1):
    print(f"INSERT INTO record VALUES ({i}, 1, '2026-11-23T08:01:10.123Z', CAST('{body}' AS BLOB));")
PY

/usr/bin/python3 - "$N" "$RUNS" "$BUILD/bench/outbox-bench" "$tmp" "${#body}" <<'PY'
import os, statistics, subprocess, sys, time
n, runs, prog, tmp, body_len = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])

def clean():
    for f in os.listdir(tmp):
        if f.startswith("db"):
            os.unlink(os.path.join(tmp, f))

def ours():
    clean()
    t0 = time.monotonic()
    out = subprocess.run([prog, f"{tmp}/db", str(n)], check=True, capture_output=True, text=True)
    return n / (time.monotonic() - t0), int(out.stdout) / n

def anchor():
    clean()
    with open(f"{tmp}/anchor.sql") as sql:
        t0 = time.monotonic()
        subprocess.run(["sqlite3", f"{tmp}/db"], stdin=sql, check=True, stdout=subprocess.DEVNULL)
        rate = n / (time.monotonic() - t0)
    return rate, os.path.getsize(f"{tmp}/db") / n

res = {"counterguard outbox_append": [], "sqlite3 shell, INSERT per txn": []}
for _ in range(runs):
    for name, fn in zip(res, (ours, anchor)):
        res[name].append(fn())
print(f"{n} events of {body_len} bytes, {runs} interleaved runs, synchronous=FULL, "
      f"on {os.statvfs(tmp).f_bsize}-byte blocks under {os.path.dirname(tmp)}")
print(f"{'':<32} {'appends/s min':>14} {'median':>9} {'max':>9} {'bytes/record':>13} "
      f"{'median vs ours':>15}")
base = statistics.median(r for r, _ in res["counterguard outbox_append"])
for name, rs in res.items():
    rates = [r for r, _ in rs]
    med = statistics.median(rates)
    print(f"{name:<32} {min(rates):>14.0f} {med:>9.0f} {max(rates):>9.0f} "
          f"{statistics.median(b for _, b in rs):>13.1f} {med / base:>14.2f}x")
PY

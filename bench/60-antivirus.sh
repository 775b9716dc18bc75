#!/usr/bin/env bash
# The `antivirus` collector's time on this idle PC (`inventory --only antivirus --format
# json`: profiles, a /proc scan, database headers, clamd's VERSION, unit states), with a real
# clamd running and without, beside yardsticks doing part of the same work in the same run:
# `clamdscan --version` (asks clamd for its version, as the collector does), `clamconf` (reads
# clamd.conf and the database headers) and a one-process Python scan of every /proc/PID/exe.
# Runs are interleaved (one of each in turn), N (default 9) of each; min, median, max in ms,
# and each yardstick's median over ours; `counterguard-agent --version` shows what of ours is
# the program's start (its libraries: libcurl, GnuTLS, libsystemd) rather than the collector. clamd runs on a test database, in a private mount
# namespace, as in tests/integration/060.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD:-$PWD/build}"
RUNS="${RUNS:-9}"
for c in unshare faketime sigtool clamdscan clamconf; do
	command -v "$c" >/dev/null || { echo "60-antivirus: $c missing (scripts/install-deps.sh bench)"; exit 1; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/db" "$TMP/etc-up" "$TMP/etc-work" "$TMP/run" "$TMP/b"
echo marker >"$TMP/b/marker"
echo "$(md5sum <"$TMP/b/marker" | cut -d' ' -f1):7:Bench.Marker" >"$TMP/b/daily.hdb"
echo bench >"$TMP/b/COPYING"
(cd "$TMP/b" && echo bench | faketime "@$(($(date +%s) - 86400))" sigtool --datadir=. \
	--unsigned --build=daily.cud --cvd-version=27000 --no-cdiff >/dev/null 2>&1)
mv "$TMP/b/daily.cud" "$TMP/db/"
cat >"$TMP/clamd.conf" <<CONF
LocalSocket $TMP/run/clamd.ctl
Foreground yes
DatabaseDirectory /var/lib/clamav
LogFile $TMP/clamd.log
CONF
cat >"$TMP/procscan.py" <<'PY'
import os
seen = []
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            seen.append((int(p), os.stat("/proc/" + p).st_uid, os.readlink("/proc/%s/exe" % p)))
        except OSError:
            pass
PY
cat >"$TMP/interleave.py" <<'PY'
import statistics, subprocess, sys, time
runs, label = int(sys.argv[1]), sys.argv[2]
cmds = [("counterguard-agent inventory --only antivirus", [sys.argv[3], "inventory", "--only", "antivirus", "--format", "json"]),
        ("clamdscan --version", ["clamdscan", "--version"]),
        ("clamconf", ["clamconf"]),
        ("python3 /proc/*/exe scan", ["/usr/bin/python3", sys.argv[4]]),
        ("counterguard-agent --version (start-up only)", [sys.argv[3], "--version"])]
times = {n: [] for n, _ in cmds}
for n, c in cmds:  # warm the page cache and the loader
    subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(runs):
    for n, c in cmds:
        t0 = time.monotonic()
        subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times[n].append((time.monotonic() - t0) * 1000)
ours = statistics.median(times[cmds[0][0]])
print(f"-- {label}, {runs} interleaved runs each")
print(f"{'command':<46} {'min ms':>8} {'median ms':>10} {'max ms':>8} {'ratio':>7}")
for n, _ in cmds:
    t = times[n]
    ratio = "" if n == cmds[0][0] else f"{statistics.median(t) / ours:6.2f}x"
    print(f"{n:<46} {min(t):>8.2f} {statistics.median(t):>10.2f} {max(t):>8.2f} {ratio:>7}")
PY
unshare --mount --propagation private env BUILD="$BUILD" TMP="$TMP" RUNS="$RUNS" bash -euo pipefail -c '
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$TMP/etc-up,workdir=$TMP/etc-work" /etc
cp "$TMP/clamd.conf" /etc/clamav/clamd.conf
mount --bind "$TMP/db" /var/lib/clamav
/usr/sbin/clamd >"$TMP/clamd.out" 2>&1 & clamd=$!
for _ in $(seq 100); do [ -S "$TMP/run/clamd.ctl" ] && break; sleep 0.05; done
/usr/bin/python3 "$TMP/interleave.py" "$RUNS" "clamd running" "$BUILD/counterguard-agent" "$TMP/procscan.py"
kill $clamd; wait $clamd || true
/usr/bin/python3 "$TMP/interleave.py" "$RUNS" "clamd stopped" "$BUILD/counterguard-agent" "$TMP/procscan.py"
'
echo "ratio: the yardstick's median over the collector's (above 1: the collector is faster)"

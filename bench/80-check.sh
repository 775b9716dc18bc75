#!/usr/bin/env bash
# The policy's cost: `check` (every collector, then the policy and the findings) beside
# `inventory --format json` (the same collectors, no policy: the yardstick), interleaved in
# the same run, on this PC and under umockdev with 64 USB devices. The difference is the
# policy: loading policy.conf, evaluating every rule, printing the findings.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD:-$PWD/build}"
RUNS="${RUNS:-15}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
agent="$BUILD/counterguard-agent"
policy="$PWD/policy/example/policy.conf"
/usr/bin/python3 tests/lib/usbfixture.py --many 64 >"$tmp/bed.umockdev"

cat >"$tmp/interleave.py" <<'PY'
import statistics, subprocess, sys, time
runs, cmds = int(sys.argv[1]), sys.argv[2].split(" ::: ")
names = ["inventory --format json (anchor)", "check --format json"]
argv = [c.split(" ") for c in cmds]
walls = [[], []]
for c in argv:  # warm the page cache and the loader
    subprocess.call(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(runs):
    for i, c in enumerate(argv):
        t0 = time.monotonic()
        rc = subprocess.call(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls[i].append((time.monotonic() - t0) * 1000)
        if rc not in (0, 1):  # check says 1 when it finds something
            sys.exit(f"{names[i]}: exit status {rc}")
print(f"{'command':<36} {'runs':>4} {'min ms':>8} {'median ms':>10} {'max ms':>8} {'ratio':>6}")
base = statistics.median(walls[0])
for n, w in zip(names, walls):
    print(f"{n:<36} {len(w):>4} {min(w):>8.2f} {statistics.median(w):>10.2f} {max(w):>8.2f} "
          f"{statistics.median(w) / base:>5.2f}x")
PY

echo "-- this PC"
/usr/bin/python3 "$tmp/interleave.py" "$RUNS" \
	"$agent inventory --format json ::: $agent check --format json --policy $policy"
echo "-- 64 USB devices (umockdev)"
umockdev-run -d "$tmp/bed.umockdev" -- /usr/bin/python3 "$tmp/interleave.py" "$RUNS" \
	"$agent inventory --format json ::: $agent check --format json --policy $policy"
n=$(umockdev-run -d "$tmp/bed.umockdev" -- "$agent" check --format json --policy "$policy" |
	/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["devices"]), len(d["findings"]))' || true)
echo "testbed: devices and findings: $n"

#!/usr/bin/env bash
# The firewall collector (`inventory --only firewall`: the nftables dump, its parse and
# evaluation, the listening sockets) beside `nft -j list ruleset` (the same dump, printed as
# JSON by nftables' own library), on a 10,000-rule ruleset in a private network namespace,
# interleaved run by run; then both on an idle namespace (no ruleset). Root, for netns.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD:-$PWD/build}"
RUNS="${RUNS:-15}"
big="cgbench-$$-big" idle="cgbench-$$-idle"
tmp=$(mktemp -d)
trap 'ip netns pids $big 2>/dev/null | xargs -r kill; ip netns del $big 2>/dev/null; ip netns del $idle 2>/dev/null; rm -rf "$tmp"' EXIT
ip netns add "$big"
ip netns add "$idle"
ip -n "$big" link set lo up
ip -n "$idle" link set lo up
/usr/bin/python3 - >"$tmp/big.nft" <<'PY'
print("table inet filter {\n chain input {\n  type filter hook input priority 0; policy drop;")
print("  ct state established,related accept")
for p in range(10000, 19999):
    print("  tcp dport %d accept" % p)
print(" }\n}")
PY
ip netns exec "$big" nft -f "$tmp/big.nft"
ip netns exec "$big" socat -u TCP4-LISTEN:22,fork /dev/null &
sleep 0.2

/usr/bin/python3 - "$RUNS" "$BUILD/counterguard-agent" "$big" "$idle" <<'PY'
import statistics, subprocess, sys, time
runs, agent, big, idle = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

def once(cmd):
    t = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.monotonic() - t) * 1000

def bench(title, pairs):
    times = {name: [] for name, _ in pairs}
    for _, cmd in pairs:
        once(cmd)  # warm the page cache and the loader
    for _ in range(runs):  # interleaved: one of each, in turn
        for name, cmd in pairs:
            times[name].append(once(cmd))
    print(title)
    print(f"  {'command':<44} {'runs':>4} {'min ms':>8} {'median ms':>10} {'max ms':>8} {'ratio':>7}")
    ours = statistics.median(times[pairs[0][0]])
    for name, _ in pairs:
        t = times[name]
        ratio = "" if name == pairs[0][0] else f"{statistics.median(t) / ours:6.2f}x"
        print(f"  {name:<44} {runs:>4} {min(t):>8.1f} {statistics.median(t):>10.1f} {max(t):>8.1f} {ratio:>7}")

ns = lambda n, *c: ["ip", "netns", "exec", n, *c]
bench("10,000 rules (ratio: anchor median / ours)", [
    ("counterguard-agent inventory --only firewall", ns(big, agent, "inventory", "--only", "firewall", "--format", "json")),
    ("nft -j list ruleset", ns(big, "nft", "-j", "list", "ruleset")),
])
bench("idle namespace (no ruleset)", [
    ("counterguard-agent inventory --only firewall", ns(idle, agent, "inventory", "--only", "firewall", "--format", "json")),
    ("nft -j list ruleset", ns(idle, "nft", "-j", "list", "ruleset")),
])
PY

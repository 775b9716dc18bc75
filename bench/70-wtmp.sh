#!/usr/bin/env bash
# The sessions collector on a wtmp of 1,000,000 records (384 MB), beside last(1) (util-linux)
# reading the same file, in the same run, interleaved: wall time (min/median/max) and peak RSS.
# Both run in the same private mount namespace with the file bound over /var/log/wtmp.
#
# Not the same work, said plainly: the agent reads wtmp from its end and stops at the last
# 200 sessions or 90 days (a snapshot carries recent sessions), so on a normal wtmp it reads a
# few hundred records; last(1) reads and prints all of them. The second pair of figures is the
# agent's worst case, a wtmp where nothing stops its walk (1,000,000 recent logouts, no login),
# so it reads the whole file like last(1) does: that is the comparable full-file pass.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD:-$PWD/build}"
RUNS="${RUNS:-7}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 bench/wtmp-gen.py "$tmp/sessions" 1000000 sessions
/usr/bin/python3 bench/wtmp-gen.py "$tmp/logouts" 1000000 logouts

/usr/bin/python3 - "$BUILD/counterguard-agent" "$tmp" "$RUNS" <<'PY'
import statistics, subprocess, sys, tempfile, time
agent, tmp, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])

def ns(wtmp, *cmd):  # the file over /var/log/wtmp, in a private mount namespace
    return ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
            'mount --bind "$0" /var/log/wtmp && exec "$@"', wtmp, *cmd]

def once(cmd):
    with tempfile.NamedTemporaryFile("r") as rss:
        t0 = time.monotonic()
        rc = subprocess.call(["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name] + cmd,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = (time.monotonic() - t0) * 1000
        if rc != 0:
            sys.exit(f"failed ({rc}): {' '.join(cmd)}")
        return wall, int(rss.read().split()[-1]) / 1024

notes = {
    "sessions": "not the same work: the agent stops at the last 200 sessions (about 400 of the "
                "records, read from the end); last(1) reads and prints all 1,000,000",
    "logouts": "the same work: nothing stops the agent's walk, it reads all 1,000,000 records "
               "as last(1) does (its limit is 2,000,000)",
}
for label, f in (("recent sessions (default)", "sessions"),
                 ("worst case: whole file read", "logouts")):
    w = f"{tmp}/{f}"
    cmds = [("counterguard-agent inventory --only sessions",
             ns(w, agent, "inventory", "--only", "sessions", "--format", "json")),
            ("last -f FILE (util-linux)", ns(w, "last", "-f", "/var/log/wtmp"))]
    for _, c in cmds:
        once(c)  # warm the page cache
    res = {n: ([], 0.0) for n, _ in cmds}
    for _ in range(runs):  # interleaved: ours, theirs, ours, theirs...
        for n, c in cmds:
            wall, rss = once(c)
            res[n][0].append(wall)
            res[n] = (res[n][0], max(res[n][1], rss))
    print(f"-- 1,000,000 records, {label}")
    print(f"{'command':<46} {'runs':>4} {'min ms':>8} {'median':>8} {'max':>8} {'peak RSS MiB':>13} {'ratio':>7}")
    ours = statistics.median(res[cmds[0][0]][0])
    for n, _ in cmds:
        walls, rss = res[n]
        med = statistics.median(walls)
        ratio = "" if n == cmds[0][0] else f"{med / ours:6.1f}x"
        print(f"{n:<46} {len(walls):>4} {min(walls):>8.1f} {med:>8.1f} {max(walls):>8.1f} {rss:>13.1f} {ratio:>7}")
    print(f"   ({notes[f]}; ratio: last's median / ours)")
PY

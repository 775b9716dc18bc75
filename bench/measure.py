#!/usr/bin/python3
"""Run commands repeatedly and print wall time and peak RSS, ours beside an anchor's.

    measure.py RUNS NAME -- CMD... [:: [-n RUNS] NAME -- CMD...]...
Prints, per command: runs, median and min wall time (ms, including /usr/bin/time's own
fork+exec, about 1 ms), peak RSS (MiB, the largest of the runs, as GNU time reports it), and for every command after
the first its ratio to the first (anchor time / ours). Output of the commands is discarded;
a command that fails is reported and makes the exit status 1."""
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(cmd):
    # Peak RSS through GNU time: a child forked from this Python process would count
    # Python's own pages until its exec. time's own wait4 sees the command and its children.
    with tempfile.NamedTemporaryFile("r") as rss_file:
        t0 = time.monotonic()
        rc = subprocess.call(["/usr/bin/time", "-q", "-f", "%M", "-o", rss_file.name] + cmd,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.monotonic() - t0
        rss_kib = int(rss_file.read().split()[-1])
    return wall, rss_kib / 1024.0, rc


def parse(argv):
    runs = int(argv[0])
    groups, cur = [], []
    for a in argv[1:]:
        if a == "::":
            groups.append(cur)
            cur = []
        else:
            cur.append(a)
    groups.append(cur)
    out = []
    for g in groups:
        n = runs
        if g[:1] == ["-n"]:
            n, g = int(g[1]), g[2:]
        sep = g.index("--")
        out.append((" ".join(g[:sep]), g[sep + 1:], n))
    return out


def main(argv):
    cmds = parse(argv)
    results, failed = [], 0
    for name, cmd, runs in cmds:
        run_once(cmd)  # warm the page cache and the dynamic loader
        walls, rss, rcs = [], 0.0, set()
        for _ in range(runs):
            w, r, rc = run_once(cmd)
            walls.append(w * 1000)
            rss = max(rss, r)
            rcs.add(rc)
        if rcs != {0}:
            print(f"{name}: exit status {sorted(rcs)}")
            failed = 1
        results.append((name, runs, statistics.median(walls), min(walls), rss))
    ours = results[0]
    print(f"{'command':<44} {'runs':>4} {'median ms':>10} {'min ms':>9} {'peak RSS MiB':>13} {'ratio':>7}")
    for name, runs, med, mn, rss in results:
        ratio = "" if name == ours[0] else f"{med / ours[2]:6.1f}x"
        print(f"{name:<44} {runs:>4} {med:>10.2f} {mn:>9.2f} {rss:>13.1f} {ratio:>7}")
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/python3
"""Idle memory and CPU of running processes, sampled together in the same windows.

    idle.py WINDOWS SECONDS [*]NAME=PID[+PID...] ...
NAMEs marked * are ours (the first is the one anchors are compared with), the others anchors. In each window of SECONDS: CPU is the delta of
utime+stime (/proc/PID/stat, clock ticks of 1/CLK_TCK s) over the window's wall time, summed
over the PIDs of a NAME; RSS (VmRSS of /proc/PID/status) and PSS (Pss of
/proc/PID/smaps_rollup: shared pages divided among their users) are sampled every second and
the window's largest sum kept. Printed per NAME: min/median/max over the windows, and for every
anchor its ratio to our first (anchor median RSS / ours). Exit status 1 when a
process went away."""
import os
import statistics
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of proc(5))


def kib(path, key):
    with open(path) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def sample(pids):
    rss = sum(kib(f"/proc/{p}/status", "VmRSS") for p in pids)
    pss = sum(kib(f"/proc/{p}/smaps_rollup", "Pss") for p in pids)
    return rss / 1024.0, pss / 1024.0


def main(argv):
    windows, secs = int(argv[0]), float(argv[1])
    groups, ours = [], set()
    for a in argv[2:]:
        name, pids = a.split("=", 1)
        if name.startswith("*"):
            name = name[1:]
            ours.add(name)
        groups.append((name, [int(p) for p in pids.split("+")]))
    res = {name: {"rss": [], "pss": [], "cpu": []} for name, _ in groups}
    try:
        for _ in range(windows):
            t0 = time.monotonic()
            c0 = {name: sum(cpu_ticks(p) for p in pids) for name, pids in groups}
            peak = {name: (0.0, 0.0) for name, _ in groups}
            while True:
                for name, pids in groups:
                    r, p = sample(pids)
                    peak[name] = (max(peak[name][0], r), max(peak[name][1], p))
                left = t0 + secs - time.monotonic()
                if left <= 0:
                    break
                time.sleep(min(1.0, left))
            wall = time.monotonic() - t0
            for name, pids in groups:
                ticks = sum(cpu_ticks(p) for p in pids) - c0[name]
                res[name]["cpu"].append(100.0 * ticks / TICK / wall)
                res[name]["rss"].append(peak[name][0])
                res[name]["pss"].append(peak[name][1])
    except FileNotFoundError as e:
        print(f"a process went away: {e.filename}")
        return 1
    first = next(name for name, _ in groups if name in ours)

    def mmm(v, fmt):
        return "/".join(fmt.format(x) for x in (min(v), statistics.median(v), max(v)))

    print(f"{windows} windows of {secs:.0f} s, sampled together; min/median/max over the windows; "
          f"CPU resolution {100.0 / TICK / secs:.3f} % (1 tick in a window)")
    print(f"{'process':<28} {'RSS MiB':>17} {'PSS MiB':>17} {'CPU %':>20} {'RSS ratio':>9}")
    for name, _ in groups:
        r = res[name]
        ratio = "" if name in ours else \
            f"{statistics.median(r['rss']) / statistics.median(res[first]['rss']):8.1f}x"
        print(f"{name:<28} {mmm(r['rss'], '{:.1f}'):>17} {mmm(r['pss'], '{:.1f}'):>17} "
              f"{mmm(r['cpu'], '{:.3f}'):>20} {ratio:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env bash
# A 1 GB wtmp (sparse: 2.8 million empty records, then the real ones glibc appends after
# rounding the size down to a whole record): the snapshot is valid, carries the recent
# sessions, says the reading stopped at its record limit, and costs bounded memory and time.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-accounts.sh"
truncate -s 1G "$ROOT_LOG/wtmp"
records "$ROOT_LOG/wtmp" <<R
login $((NOW - 7200)) pts/2 ts/2 alice 192.0.2.44 192.0.2.44
logout $((NOW - 3600)) pts/2 ts/2 - - -
login $((NOW - 60)) tty1 1 bob - -
R

declare -f in_root >"$TMP/in_root.sh"
echo "ROOT_ETC='$ROOT_ETC' ROOT_LOG='$ROOT_LOG' ROOT_LIB='$ROOT_LIB'" >>"$TMP/in_root.sh"
"$PY" - "$TMP/inv.json" "$AGENT" "$TMP/in_root.sh" <<'PY' || fail "huge wtmp"
import json, resource, subprocess, sys, time
out, agent, lib = sys.argv[1:]
t0 = time.monotonic()
with open(out, "w") as f:
    subprocess.run(["bash", "-c", '. "$0"; in_root "$@"', lib, agent, "inventory", "--only",
                    "sessions", "--format", "json"], stdout=f, check=True)
wall = time.monotonic() - t0
rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"1 GB wtmp: {wall:.2f} s, peak RSS {rss_mib:.1f} MiB")
d = json.load(open(out))
s = [(x["user"], x.get("end")) for x in d["sessions"] if x.get("kind", "session") == "session"]
assert s == [("alice", "logout"), ("bob", "open")], s
miss = [m["reason"] for m in d.get("missing", [])]
assert any("stopped after 2000000 records" in r for r in miss), miss
assert rss_mib < 40, rss_mib   # one chunk of records, whatever the file's size
assert wall < 20, wall
PY
validate "$TMP/inv.json"
echo "huge wtmp ok"

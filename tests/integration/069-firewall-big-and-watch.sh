#!/usr/bin/env bash
# Bad input and events. A ruleset of 10,000 rules and one of 1,000 chains are read in bounded
# time and memory. `watch` reports firewall_changed when the firewall is switched off and when
# a port is opened, with what changed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-firewall.sh"

# run_measured OUT CMD...: run, print "seconds maxrss_kib"
run_measured() {
	"$PY" - "$@" <<'PY'
import resource, subprocess, sys, time
out = open(sys.argv[1], "w")
t = time.monotonic()
subprocess.run(sys.argv[2:], stdout=out, check=True)
print("%.3f %d" % (time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}

# 10,000 rules in one chain: ports 10000-19999 accepted, policy drop
ns_new big
ns=$NS
"$PY" - >"$TMP/big.nft" <<'PY'
print("table inet filter {\n chain input {\n  type filter hook input priority 0; policy drop;")
print("  ct state established,related accept")
for p in range(10000, 19999):
    print("  tcp dport %d accept" % p)
print(" }\n}")
PY
ip netns exec "$ns" nft -f "$TMP/big.nft"
ns_listen "$ns" tcp 19998
ns_listen "$ns" tcp 20000
read -r secs rss < <(run_measured "$TMP/big.json" ip netns exec "$ns" "$AGENT" inventory --only firewall --format json)
echo "10,000 rules: ${secs}s, max RSS ${rss} KiB"
validate "$TMP/big.json"
expect rules "$(fw_get "$TMP/big.json" 'f["rules"]')" 10000
expect "19998 (the last rule)" "$(fw_reach "$TMP/big.json" tcp 19998)" True
expect "20000" "$(fw_reach "$TMP/big.json" tcp 20000)" False
# generous bounds (sanitizers, a shared CI machine): the real figures are in bench/65
awk -v s="$secs" 'BEGIN { exit !(s < 20) }' || fail "10,000 rules took ${secs}s"
[ "$rss" -lt 400000 ] || fail "10,000 rules: max RSS ${rss} KiB"

# 1,000 chains, each jumped to from the input chain, the last one opening a port
ns_new chains
ns=$NS
"$PY" - >"$TMP/chains.nft" <<'PY'
print("table ip filter {")
for i in range(999):
    print(" chain c%d { tcp dport %d counter; }" % (i, 30000 + i))
print(" chain c999 { tcp dport 443 accept; }")
print(" chain input {\n  type filter hook input priority 0; policy drop;")
for i in range(1000):
    print("  jump c%d" % i)
print(" }\n}")
PY
ip netns exec "$ns" nft -f "$TMP/chains.nft"
ns_listen "$ns" tcp 443
ns_listen "$ns" tcp 30005
read -r secs rss < <(run_measured "$TMP/chains.json" ip netns exec "$ns" "$AGENT" inventory --only firewall --format json)
echo "1,000 chains: ${secs}s, max RSS ${rss} KiB"
validate "$TMP/chains.json"
expect chains "$(fw_get "$TMP/chains.json" 'f["chains"]')" 1001
expect "443 through the last chain" "$(fw_reach "$TMP/chains.json" tcp 443 0.0.0.0)" True
expect "30005 only counted" "$(fw_reach "$TMP/chains.json" tcp 30005)" False
awk -v s="$secs" 'BEGIN { exit !(s < 20) }' || fail "1,000 chains took ${secs}s"

# watch: the firewall switched off, then a port opened
ns_new watch
ns=$NS
ip netns exec "$ns" nft -f - <<'NFT'
table inet filter {
	chain input { type filter hook input priority 0; policy drop; ct state established,related accept; tcp dport 22 accept; }
}
NFT
ns_listen "$ns" tcp 8080
ip netns exec "$ns" "$AGENT" watch >"$TMP/events" 2>"$TMP/watch.log" &
watch_pid=$!
at_exit "kill $watch_pid 2>/dev/null; wait $watch_pid 2>/dev/null"
sleep 1
ip netns exec "$ns" nft add rule inet filter input tcp dport 8080 accept
wait_event() { # PATTERN: a firewall_changed event whose changes match, within 15 s
	local i
	for i in $(seq 150); do
		grep -q "$1" "$TMP/events" 2>/dev/null && return 0
		sleep 0.1
	done
	cat "$TMP/events" "$TMP/watch.log" >&2
	fail "no event '$1'"
}
wait_event 'tcp/8080 on 0.0.0.0: reachable'
ip netns exec "$ns" nft flush ruleset
wait_event 'active: true -> false'
kill "$watch_pid"
wait "$watch_pid" 2>/dev/null || true
grep firewall_changed "$TMP/events" >"$TMP/fw-events"
validate "$TMP/fw-events"
"$PY" - "$TMP/fw-events" <<'PY' || fail "events: $(cat "$TMP/fw-events")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert len(ev) == 2, ev
assert ev[0]["changes"] == ["tcp/8080 on 0.0.0.0: reachable"], ev[0]
assert "default_inbound: drop -> accept" in ev[1]["changes"], ev[1]
assert ev[1]["firewall"]["active"] is False and ev[1]["firewall"]["frontend"] == "none", ev[1]
PY
echo "firewall big rulesets and watch ok"

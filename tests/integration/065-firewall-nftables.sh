#!/usr/bin/env bash
# The firewall collector on real nftables rulesets, each in its own network namespace with
# real listeners: no ruleset at all, an accept-all ruleset, and a hand-written drop-by-default
# with ssh (22) open and a second listener (8080) left closed. What an inspector asks: is the
# firewall on, what is the inbound default, is established traffic accepted, which listening
# ports can be reached from outside.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-firewall.sh"

# 1. nothing loaded: off, everything listening is reachable (but loopback-bound sockets)
ns_new none
ns=$NS
ns_listen "$ns" tcp 22
ns_listen "$ns" tcp 631 127.0.0.1
fw_inventory "$ns" "$TMP/none.json"
expect active "$(fw_get "$TMP/none.json" 'f["active"]')" False
expect frontend "$(fw_get "$TMP/none.json" 'f["frontend"]')" none
expect backend "$(fw_get "$TMP/none.json" 'f["backend"]')" none
expect default "$(fw_get "$TMP/none.json" 'f["default_inbound"]')" accept
expect "22 reachable" "$(fw_reach "$TMP/none.json" tcp 22)" True
expect "631 on loopback" "$(fw_reach "$TMP/none.json" tcp 631 127.0.0.1)" False

# 2. accept-all: a table and a hooked chain that accept everything is not a firewall
ns_new accept
ns=$NS
ip netns exec "$ns" nft -f - <<'NFT'
table inet filter {
	chain input { type filter hook input priority 0; policy accept; }
	chain forward { type filter hook forward priority 0; policy accept; }
}
NFT
ns_listen "$ns" tcp 8080
fw_inventory "$ns" "$TMP/accept.json"
expect active "$(fw_get "$TMP/accept.json" 'f["active"]')" False
expect frontend "$(fw_get "$TMP/accept.json" 'f["frontend"]')" nftables
expect default "$(fw_get "$TMP/accept.json" 'f["default_inbound"]')" accept
expect chains "$(fw_get "$TMP/accept.json" '(f["tables"], f["chains"], f["rules"])')" "(1, 2, 0)"
expect "8080 reachable" "$(fw_reach "$TMP/accept.json" tcp 8080)" True

# 3. drop by default, ssh open, 8080 listening but closed, DNS over UDP open, a range, IPv6
ns_new drop
ns=$NS
ip netns exec "$ns" nft -f - <<'NFT'
table inet filter {
	set admin_ports { type inet_service; flags interval; elements = { 9000-9100 } }
	chain input {
		type filter hook input priority 0; policy drop;
		iif lo accept
		ct state established,related accept
		ct state invalid drop
		tcp dport 22 accept
		udp dport { 53, 123 } accept
		tcp dport @admin_ports accept
		ip6 nexthdr icmpv6 accept
	}
}
NFT
ns_listen "$ns" tcp 22
ns_listen "$ns" tcp 8080
ns_listen "$ns" udp 53
ns_listen "$ns" udp 5000
ns_listen "$ns" tcp6 9050
fw_inventory "$ns" "$TMP/drop.json"
expect active "$(fw_get "$TMP/drop.json" 'f["active"]')" True
expect frontend "$(fw_get "$TMP/drop.json" 'f["frontend"]')" nftables
expect backend "$(fw_get "$TMP/drop.json" 'f["backend"]')" nftables
expect default "$(fw_get "$TMP/drop.json" 'f["default_inbound"]')" drop
expect established "$(fw_get "$TMP/drop.json" 'f["established_accepted"]')" True
expect "input chain" "$(fw_get "$TMP/drop.json" '[(c["family"], c["table"], c["name"], c["policy"], c["rules"]) for c in f["input_chains"]]')" \
	"[('inet', 'filter', 'input', 'drop', 7)]"
expect "22 reachable" "$(fw_reach "$TMP/drop.json" tcp 22)" True
expect "8080 closed" "$(fw_reach "$TMP/drop.json" tcp 8080)" False
expect "udp 53 reachable" "$(fw_reach "$TMP/drop.json" udp 53)" True
expect "udp 5000 closed" "$(fw_reach "$TMP/drop.json" udp 5000)" False
expect "tcp6 9050 in the set's range" "$(fw_reach "$TMP/drop.json" tcp 9050)" True
expect "family" "$(jget "$TMP/drop.json" '[p["family"] for p in d["firewall"]["open_ports"] if p["port"] == 9050]')" "['ipv6']"

# the same verdicts from the kernel itself: a packet from a second namespace
ns_new peer
ns2=$NS
ip link add "cgv$$" netns "$ns" type veth peer name "cgp$$" netns "$ns2"
ip -n "$ns" addr add 10.99.0.1/24 dev "cgv$$"
ip -n "$ns2" addr add 10.99.0.2/24 dev "cgp$$"
ip -n "$ns" link set "cgv$$" up
ip -n "$ns2" link set "cgp$$" up
ip netns exec "$ns2" socat -u /dev/null TCP4:10.99.0.1:22,connect-timeout=2 || fail "kernel: 22 not reachable"
! ip netns exec "$ns2" socat -u /dev/null TCP4:10.99.0.1:8080,connect-timeout=1 2>/dev/null ||
	fail "kernel: 8080 reachable"

# 4. a reject as the last rule is the default too (whatever the chain's policy); a rule the collector cannot judge (a
# source address) makes that port "unknown", never a guess
ns_new reject
ns=$NS
ip netns exec "$ns" nft -f - <<'NFT'
table inet filter {
	chain input {
		type filter hook input priority 0; policy accept;
		ct state established,related accept
		ip saddr 192.0.2.0/24 tcp dport 3389 accept
		tcp dport 22 accept
		reject
	}
}
NFT
ns_listen "$ns" tcp 22
ns_listen "$ns" tcp 3389
fw_inventory "$ns" "$TMP/reject.json"
expect default "$(fw_get "$TMP/reject.json" 'f["default_inbound"]')" reject
expect active "$(fw_get "$TMP/reject.json" 'f["active"]')" True
expect "22" "$(fw_reach "$TMP/reject.json" tcp 22)" True
expect "3389 from some sources" "$(fw_reach "$TMP/reject.json" tcp 3389)" None
# 5. IPv4 filtered, IPv6 not: the inbound default is not one answer, and an IPv6 listener
# is reachable while an IPv4 one is not
ns_new v4only
ns=$NS
ip netns exec "$ns" nft 'add table ip filter; add chain ip filter input { type filter hook input priority 0; policy drop; }'
ns_listen "$ns" tcp 8080
ns_listen "$ns" tcp6 8081
fw_inventory "$ns" "$TMP/v4.json"
expect default "$(fw_get "$TMP/v4.json" 'f["default_inbound"]')" unknown
expect "8080 over IPv4" "$(fw_reach "$TMP/v4.json" tcp 8080)" False
expect "8081 over IPv6" "$(fw_reach "$TMP/v4.json" tcp 8081)" True
# 6. without CAP_NET_ADMIN the kernel refuses the dump: said in missing[], the ports still
# listed, their reachability unknown rather than guessed
ip netns exec "$ns" runuser -u nobody -- "$AGENT" inventory --only firewall --format json >"$TMP/nobody.json" ||
	fail "inventory as nobody"
validate "$TMP/nobody.json"
expect "missing" "$(jget "$TMP/nobody.json" '[m["fact"] for m in d["missing"]]')" "['firewall.nftables']"
expect "8080 unknown" "$(fw_reach "$TMP/nobody.json" tcp 8080)" None
expect "no verdict" "$(fw_get "$TMP/nobody.json" '"active" in f or "default_inbound" in f')" False
echo "firewall nftables ok"

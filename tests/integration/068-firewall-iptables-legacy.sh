#!/usr/bin/env bash
# iptables-legacy (the x_tables filter table, not nftables) in its own namespace: the
# collector reads it with IPT_SO_GET_ENTRIES, follows its user chains, and judges the ports.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-firewall.sh"
need iptables-legacy

ns_new legacy
ns=$NS
ip netns exec "$ns" sh -ec '
	iptables-legacy -P INPUT DROP
	iptables-legacy -A INPUT -i lo -j ACCEPT
	iptables-legacy -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
	iptables-legacy -N SSH
	iptables-legacy -A INPUT -p tcp --dport 22 -j SSH
	iptables-legacy -A SSH -m comment --comment "admins" -j ACCEPT
	iptables-legacy -A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT
	iptables-legacy -A INPUT -p udp --dport 514 -j DROP' ||
	skip "iptables-legacy does not work in a namespace here (no ip_tables module)"
ns_listen "$ns" tcp 22
ns_listen "$ns" tcp 443
ns_listen "$ns" tcp 8080
ns_listen "$ns" udp 514
fw_inventory "$ns" "$TMP/legacy.json"
expect backend "$(fw_get "$TMP/legacy.json" 'f["backend"]')" iptables
expect frontend "$(fw_get "$TMP/legacy.json" 'f["frontend"]')" iptables
expect active "$(fw_get "$TMP/legacy.json" 'f["active"]')" True
expect "input chains" "$(fw_get "$TMP/legacy.json" '[(c["family"], c["table"], c["name"], c["policy"], c["rules"]) for c in f["input_chains"]]')" \
	"[('iptables-legacy', 'filter', 'INPUT', 'drop', 5)]"
expect "22 through the SSH chain" "$(fw_reach "$TMP/legacy.json" tcp 22)" True
expect "443" "$(fw_reach "$TMP/legacy.json" tcp 443)" True
expect "8080" "$(fw_reach "$TMP/legacy.json" tcp 8080)" False
expect "514 dropped" "$(fw_reach "$TMP/legacy.json" udp 514)" False
# only IPv4 is filtered (ip6tables-legacy is not read, and has no rules here): no one answer
expect default "$(fw_get "$TMP/legacy.json" 'f["default_inbound"]')" unknown
expect established "$(fw_get "$TMP/legacy.json" 'f["established_accepted"]')" True

# a namespace where the legacy table was never made: nothing read, nothing loaded
ns_new nolegacy
ns=$NS
fw_inventory "$ns" "$TMP/none.json"
expect "backend without legacy" "$(fw_get "$TMP/none.json" 'f["backend"]')" none
echo "firewall iptables-legacy ok"

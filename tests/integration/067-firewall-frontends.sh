#!/usr/bin/env bash
# The front ends that write nftables: a firewalld-style ruleset (firewalld's own table and
# chain layout, written by hand: firewalld needs D-Bus and systemd) and iptables-nft's (the
# `iptables` command of Debian, with xt matches). Each is named, and its ports judged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-firewall.sh"
need iptables-nft

# firewalld's nftables backend: policy accept, but a final reject after its zone chains,
# with ssh and dhcpv6-client allowed in the public zone
ns_new firewalld
ns=$NS
ip netns exec "$ns" nft -f - <<'NFT'
table inet firewalld {
	chain filter_INPUT {
		type filter hook input priority filter + 10; policy accept;
		ct state { established, related } accept
		ct status dnat accept
		iifname "lo" accept
		jump filter_INPUT_ZONES
		ct state { invalid } drop
		reject with icmpx admin-prohibited
	}
	chain filter_INPUT_ZONES {
		iifname "eth0" goto filter_IN_public
		goto filter_IN_public
	}
	chain filter_IN_public {
		jump filter_IN_public_pre
		jump filter_IN_public_log
		jump filter_IN_public_deny
		jump filter_IN_public_allow
		jump filter_IN_public_post
		meta l4proto { icmp, ipv6-icmp } accept
	}
	chain filter_IN_public_pre { }
	chain filter_IN_public_log { }
	chain filter_IN_public_deny { }
	chain filter_IN_public_allow {
		tcp dport 22 ct state { new, untracked } accept
		ip6 daddr fe80::/64 udp dport 546 ct state { new, untracked } accept
		tcp dport 9090 ct state { new, untracked } accept
	}
	chain filter_IN_public_post { }
}
NFT
ns_listen "$ns" tcp 22
ns_listen "$ns" tcp 9090
ns_listen "$ns" tcp 3306
fw_inventory "$ns" "$TMP/fwd.json"
expect frontend "$(fw_get "$TMP/fwd.json" 'f["frontend"]')" firewalld
expect active "$(fw_get "$TMP/fwd.json" 'f["active"]')" True
expect default "$(fw_get "$TMP/fwd.json" 'f["default_inbound"]')" reject
expect established "$(fw_get "$TMP/fwd.json" 'f["established_accepted"]')" True
expect "input chain" "$(fw_get "$TMP/fwd.json" '[(c["table"], c["name"], c["priority"], c["policy"]) for c in f["input_chains"]]')" \
	"[('firewalld', 'filter_INPUT', 10, 'accept')]"
expect "22 (ssh service)" "$(fw_reach "$TMP/fwd.json" tcp 22)" True
expect "9090 (cockpit service)" "$(fw_reach "$TMP/fwd.json" tcp 9090)" True
expect "3306 not allowed" "$(fw_reach "$TMP/fwd.json" tcp 3306)" False

# iptables (nft backend), as an administrator writes it
ns_new iptnft
ns=$NS
ip netns exec "$ns" sh -ec '
	iptables-nft -P INPUT DROP
	iptables-nft -A INPUT -i lo -j ACCEPT
	iptables-nft -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
	iptables-nft -N SERVICES
	iptables-nft -A INPUT -j SERVICES
	iptables-nft -A SERVICES -p tcp --dport 22 -j ACCEPT
	iptables-nft -A SERVICES -p tcp -m multiport --dports 80,443,8000:8010 -j ACCEPT
	iptables-nft -A INPUT -p udp --dport 161 -s 10.0.0.0/8 -j ACCEPT
	iptables-nft -A INPUT -p tcp --dport 23 -j REJECT'
ns_listen "$ns" tcp 22
ns_listen "$ns" tcp 443
ns_listen "$ns" tcp 8005
ns_listen "$ns" tcp 8080
ns_listen "$ns" tcp 23
ns_listen "$ns" udp 161
fw_inventory "$ns" "$TMP/ipt.json"
expect frontend "$(fw_get "$TMP/ipt.json" 'f["frontend"]')" iptables
expect backend "$(fw_get "$TMP/ipt.json" 'f["backend"]')" nftables
expect default "$(fw_get "$TMP/ipt.json" 'f["default_inbound"]')" unknown # IPv4 drops, IPv6 (no ip6tables) accepts
expect established "$(fw_get "$TMP/ipt.json" 'f["established_accepted"]')" True
expect "22" "$(fw_reach "$TMP/ipt.json" tcp 22)" True
expect "443 (multiport)" "$(fw_reach "$TMP/ipt.json" tcp 443)" True
expect "8005 (multiport range)" "$(fw_reach "$TMP/ipt.json" tcp 8005)" True
expect "8080" "$(fw_reach "$TMP/ipt.json" tcp 8080)" False
expect "23 rejected" "$(fw_reach "$TMP/ipt.json" tcp 23)" False
expect "161 from some sources" "$(fw_reach "$TMP/ipt.json" udp 161)" None
echo "firewall front ends ok"

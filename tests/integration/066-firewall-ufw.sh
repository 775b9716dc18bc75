#!/usr/bin/env bash
# ufw itself, in a private network and mount namespace (a copy of /etc/ufw bound over it):
# the collector names the front end, reads ufw's rules through iptables-nft's tables (jumps
# into ufw-* chains, xt matches) and finds ssh allowed and 8080 not.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-firewall.sh"
need ufw
need unshare

ns_new ufw
ns=$NS
cp -a /etc/ufw "$TMP/ufw"
ns_listen "$ns" tcp 22
ns_listen "$ns" tcp 8080
ns_listen "$ns" udp 5000
ns_listen "$ns" tcp6 22
ip netns exec "$ns" unshare -m --propagation private sh -ec '
	mount --bind "$1" /etc/ufw
	ufw --force enable >/dev/null
	ufw allow 22/tcp >/dev/null
	ufw status verbose' sh "$TMP/ufw" >"$TMP/status" 2>&1 || { cat "$TMP/status"; fail "ufw enable"; }
grep -q 'Default: deny (incoming)' "$TMP/status" || fail "ufw default: $(cat "$TMP/status")"
fw_inventory "$ns" "$TMP/ufw.json"
expect frontend "$(fw_get "$TMP/ufw.json" 'f["frontend"]')" ufw
expect backend "$(fw_get "$TMP/ufw.json" 'f["backend"]')" nftables
expect active "$(fw_get "$TMP/ufw.json" 'f["active"]')" True
expect default "$(fw_get "$TMP/ufw.json" 'f["default_inbound"]')" drop
expect established "$(fw_get "$TMP/ufw.json" 'f["established_accepted"]')" True
expect "input chains" "$(fw_get "$TMP/ufw.json" 'sorted((c["family"], c["name"], c["policy"]) for c in f["input_chains"])')" \
	"[('ip', 'INPUT', 'drop'), ('ip6', 'INPUT', 'drop')]"
[ "$(fw_get "$TMP/ufw.json" 'f["chains"] > 40 and f["rules"] > 100')" = True ] || fail "ufw's chains and rules counted"
expect "22 allowed" "$(fw_reach "$TMP/ufw.json" tcp 22 0.0.0.0)" True
expect "22 allowed over IPv6" "$(fw_reach "$TMP/ufw.json" tcp 22 ::)" True
expect "8080 denied" "$(fw_reach "$TMP/ufw.json" tcp 8080)" False
expect "udp 5000 denied" "$(fw_reach "$TMP/ufw.json" udp 5000)" False

# ufw disabled: its chains are gone, nothing filters
ip netns exec "$ns" unshare -m --propagation private sh -ec '
	mount --bind "$1" /etc/ufw
	ufw disable >/dev/null' sh "$TMP/ufw" || fail "ufw disable"
fw_inventory "$ns" "$TMP/off.json"
expect "active after disable" "$(fw_get "$TMP/off.json" 'f["active"]')" False
expect "8080 after disable" "$(fw_reach "$TMP/off.json" tcp 8080)" True
echo "firewall ufw ok"

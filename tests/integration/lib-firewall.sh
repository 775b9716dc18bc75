# Shared by the firewall tests (065-069): private network namespaces with real rulesets and
# real listeners, and the agent run inside them. Sourced after lib.sh.
need ip
need nft
need socat

# ns_new NAME: a fresh namespace with loopback up, in $NS, removed at exit with whatever runs
# in it (not in a command substitution: its cleanup would be the subshell's).
ns_new() {
	NS="cgfw-$$-$1"
	ip netns add "$NS" || fail "ip netns add $NS"
	at_exit "ip netns pids $NS 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $NS"
	ip -n "$NS" link set lo up
}

# ns_listen NS PROTO PORT [ADDR]: a socat listener in NS (tcp, udp, tcp6), up before return.
ns_listen() {
	local ns="$1" proto="$2" port="$3" addr="${4:-}" spec i
	case "$proto" in
	tcp) spec="TCP4-LISTEN:$port,reuseaddr,fork${addr:+,bind=$addr}" ;;
	tcp6) spec="TCP6-LISTEN:$port,reuseaddr,fork,ipv6only=1${addr:+,bind=$addr}" ;;
	udp) spec="UDP4-RECV:$port${addr:+,bind=$addr}" ;;
	*) fail "ns_listen: $proto" ;;
	esac
	ip netns exec "$ns" socat -u "$spec" /dev/null </dev/null >/dev/null 2>&1 &
	for i in $(seq 50); do
		ip netns exec "$ns" ss -Hlntu "sport = :$port" 2>/dev/null | grep -q . && return 0
		sleep 0.05
	done
	fail "listener $proto/$port in $ns"
}

# fw_inventory NS OUT: the agent's firewall section from inside NS, checked against the schema
fw_inventory() {
	ip netns exec "$1" "$AGENT" inventory --only firewall --format json >"$2" || fail "inventory in $1"
	validate "$2"
}

# fw_get OUT EXPR: a Python expression on the firewall section `f`
fw_get() { jget "$1" "(lambda f: $2)(d.get('firewall', {}))"; }

# fw_reach OUT PROTO PORT [ADDRESS]: the port's "reachable" (True, False, None), "absent"
fw_reach() {
	jget "$1" "next((p.get('reachable') for p in d['firewall'].get('open_ports', []) if p['protocol'] == '$2' and p['port'] == $3 and ('${4:-}' == '' or p['address'] == '${4:-}')), 'absent')"
}

# expect WHAT GOT WANT
expect() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }

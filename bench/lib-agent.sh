# shellcheck shell=bash
# Shared by the agent benchmarks (4N-agent-*.sh): sourced, never run. A real
# counterguard-server on SQLite over TLS on loopback, and this agent enrolled against it,
# set up exactly as the tests do it (tests/integration/lib-agent.sh: server_up,
# agent_enrolled, stored_count, sql; TMP removed on exit), on the plain build. Adds AGENT_INI
# and wait_for.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export BUILD="${BUILD:-$PWD/build}"
[ "$(id -u)" = 0 ] || { echo "run as root: the agent runs as root with its worker as nobody, as on a counter PC"; exit 1; }
# shellcheck source=../tests/integration/lib-agent.sh
. tests/integration/lib-agent.sh
[ -x "$HARNESS" ] || { echo "build $HARNESS first (make BUILD=$BUILD tests)"; exit 1; }
trap 'exit 1' INT TERM # cleaned up when interrupted too
AGENT_INI="$TMP/agent.ini"
# an agent left behind by a harness that died (it runs until told to stop)
at_exit "pkill -TERM -f -- '--config $AGENT_INI run'"

# wait_for CMD [SECONDS]: until CMD succeeds (default 60 s); fails the benchmark otherwise
wait_for() {
	local i
	for ((i = 0; i < ${2:-60} * 10; i++)); do
		eval "$1" && return 0
		sleep 0.1
	done
	echo "timed out waiting for: $1"
	exit 1
}

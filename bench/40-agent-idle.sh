#!/usr/bin/env bash
# Idle memory and CPU of the running agent, as on a counter PC: `counterguard-agent run` as
# root, its worker as nobody, enrolled against a real counterguard-server on loopback (TLS,
# SQLite), on a umockdev testbed of ten devices on one root hub (usbfixture.py: stick, disk,
# printer, scanner, MFP, token, a hub with keyboard and mouse, phone, network adapter, serial
# adapter); it reports its snapshot at start, then idles (default agent.ini: a snapshot every
# 300 s, so about one per 5 minutes of measuring).
# Beside it, idle in the same windows: usbguard-daemon (empty rules file, uevent backend, on
# the same testbed, foreground with -k) and opensnitchd (Debian's default config; rules, UI
# socket and log in a temp dir; no UI connected, so it retries the UI socket every second, as
# on a PC without its GUI; iptables is not installed here, so no NFQUEUE rule sends it packets).
# Goal: worker under 4 MiB, both processes under 6 MiB, under 0.05 % CPU.
#   bench/40-agent-idle.sh [WINDOWS [SECONDS]]      (default 5 windows of 60 s)
. "$(dirname "$0")/lib-agent.sh"
WINDOWS="${1:-5}"
SECS="${2:-60}"
for c in usbguard-daemon opensnitchd; do
	command -v "$c" >/dev/null || { echo "$c is not installed (scripts/install-deps.sh bench)"; exit 1; }
done

server_up
agent_enrolled
"$PY" tests/lib/usbfixture.py stick disk printer scanner mfp token hub_keyboard_mouse phone \
	netadapter noserial >"$TMP/bed.umockdev"

# the agent, held by the harness until $TMP/stop exists (a run: step has no time limit)
umockdev-wrapper "$HARNESS" "$TMP/events" before:"$TMP/bed.umockdev" \
	run:"while [ ! -e $TMP/stop ]; do sleep 0.5; done" -- "$AGENT" -v --config "$AGENT_INI" run >"$TMP/harness.out" 2>"$TMP/agent.log" &
harness=$!
at_exit "touch $TMP/stop; wait $harness"
wait_for '[ "$(stored_count snapshot)" -ge 1 ]' 60

# usbguard-daemon: its own config, an empty rules file, on the same testbed
: >"$TMP/rules.conf"
cat >"$TMP/usbguard-daemon.conf" <<EOT
RuleFile=$TMP/rules.conf
ImplicitPolicyTarget=block
PresentDevicePolicy=apply-policy
PresentControllerPolicy=keep
InsertedDevicePolicy=apply-policy
AuthorizedDefault=none
RestoreControllerDeviceState=false
DeviceManagerBackend=uevent
IPCAllowedUsers=root
IPCAllowedGroups=root
DeviceRulesWithPort=false
AuditBackend=FileAudit
AuditFilePath=$TMP/usbguard-audit.log
HidePII=false
EOT
chmod 600 "$TMP/rules.conf" "$TMP/usbguard-daemon.conf"
umockdev-run -d "$TMP/bed.umockdev" -- usbguard-daemon -k -c "$TMP/usbguard-daemon.conf" \
	>"$TMP/usbguard.log" 2>&1 &
at_exit "pkill -TERM -f 'usbguard-daemon -k -c $TMP/'"
# opensnitchd reads /etc/opensnitchd/default-config.json (its path is fixed); the rest is ours
mkdir -p "$TMP/opensnitch-rules"
opensnitchd -rules-path "$TMP/opensnitch-rules" -ui-socket "unix://$TMP/osui.sock" \
	-log-file "$TMP/opensnitchd.log" >/dev/null 2>&1 &
osd=$!
at_exit "kill -TERM $osd"
sleep 5 # both anchors past their start
ug=$(pgrep -f "^usbguard-daemon -k -c $TMP/") || { cat "$TMP/usbguard.log"; echo "usbguard-daemon did not start"; exit 1; }
kill -0 "$osd" || { cat "$TMP/opensnitchd.log"; echo "opensnitchd did not start"; exit 1; }
grep -q 'Running on netfilter queue' "$TMP/opensnitchd.log" ||
	{ cat "$TMP/opensnitchd.log"; echo "opensnitchd is not on its netfilter queue"; exit 1; }

# the agent's parent is the harness's child; its worker is the parent's child
parent=$(pgrep -P "$(pgrep -f "^$HARNESS $TMP/events")" -f "$AGENT")
worker=$(pgrep -P "$parent" | head -n 1)
[ -n "$worker" ] || { echo "no worker under the agent's parent $parent"; exit 1; }
echo "counterguard-agent $("$AGENT" --version | cut -d' ' -f2) (parent pid $parent uid $(stat -c %u /proc/"$parent"), worker pid $worker uid $(stat -c %u /proc/"$worker")); usbguard $(dpkg-query -W -f='${Version}' usbguard); opensnitch $(dpkg-query -W -f='${Version}' opensnitch); $(nproc) cores"
echo "snapshot stored at start: $(stored_count snapshot), events: $(stored_count event)"
"$PY" bench/idle.py "$WINDOWS" "$SECS" \
	"*counterguard-agent (both)=$parent+$worker" "*  worker (nobody)=$worker" "*  parent (root)=$parent" \
	"usbguard-daemon=$ug" "opensnitchd=$osd"
echo "goal: worker < 4 MiB, both < 6 MiB (RSS), CPU < 0.05 %"
echo "stored while measuring: snapshots $(stored_count snapshot), events $(stored_count event)"
touch "$TMP/stop"
wait "$harness" || { cat "$TMP/harness.out" "$TMP/agent.log"; echo "harness exit status $?"; exit 1; }

#!/usr/bin/env bash
# The agent's systemd files, installed by `make install` into an empty root, do what
# privilege separation needs: sysusers.d makes the worker's user, tmpfiles.d gives that user
# its own state directory (0700), and the unit starts the program as root (no User=) with the
# capabilities the parent needs to make the worker and to answer its requests, systemd listening
# to the parent only.
. "$(dirname "$0")/lib.sh"
need systemd-sysusers
need systemd-tmpfiles
root="$TMP/root"
make -s -C "$SRCDIR" install BUILD=build DESTDIR="$root" PREFIX=/usr >"$TMP/log" 2>&1 ||
	{ cat "$TMP/log"; fail "make install"; }
mkdir -p "$root/etc"
: >"$root/etc/passwd"
: >"$root/etc/group"
systemd-sysusers --root="$root" >"$TMP/sysusers" 2>&1 || { cat "$TMP/sysusers"; fail "systemd-sysusers"; }
uid=$(awk -F: '$1 == "counterguard" { print $3 }' "$root/etc/passwd")
[ -n "$uid" ] && [ "$uid" -ne 0 ] || fail "no counterguard user: $(cat "$root/etc/passwd")"
awk -F: '$1 == "counterguard" { exit !($7 ~ /nologin$/) }' "$root/etc/passwd" || fail "counterguard can log in"
systemd-tmpfiles --root="$root" --create counterguard-agent.conf >"$TMP/tmpfiles" 2>&1 ||
	{ cat "$TMP/tmpfiles"; fail "systemd-tmpfiles"; }
read -r owner mode < <(stat -c '%u %a' "$root/var/lib/counterguard-agent")
[ "$owner" = "$uid" ] || fail "state directory owned by $owner, not counterguard ($uid)"
[ "$mode" = 700 ] || fail "state directory mode $mode"

unit="$root/usr/lib/systemd/system/counterguard-agent.service"
val() { sed -n "s/^$1=//p" "$unit"; }
[ -z "$(val User)" ] || fail "the unit sets User=: the parent must start as root"
[ "$(val Type)" = notify ] || fail "Type=$(val Type)"
[ "$(val NotifyAccess)" = main ] || fail "NotifyAccess=$(val NotifyAccess): only the parent may notify"
[ -n "$(val WatchdogSec)" ] || fail "no WatchdogSec="
[ "$(val ExecStart)" = "/usr/bin/counterguard-agent run" ] || fail "ExecStart=$(val ExecStart)"
# the worker's state, and block mode's `authorized` attributes for the parent
[ "$(val ReadWritePaths | xargs)" = "/var/lib/counterguard-agent /sys/devices" ] ||
	fail "ReadWritePaths=$(val ReadWritePaths | xargs)"
# StateDirectory= would chown the worker's directory to root on every start (no User=)
[ -z "$(val StateDirectory)" ] || fail "StateDirectory= set"
# exactly: the parent's drop (setuid, setgid, setpcap) and its requests' (docs/privsep.md)
[ "$(val CapabilityBoundingSet | tr ' ' '\n' | sort | xargs)" = \
	"CAP_NET_ADMIN CAP_SETGID CAP_SETPCAP CAP_SETUID CAP_SYS_PTRACE" ] ||
	fail "the bounding set is $(val CapabilityBoundingSet)"
for af in AF_NETLINK AF_INET AF_INET6 AF_UNIX; do
	val RestrictAddressFamilies | grep -qw "$af" || fail "RestrictAddressFamilies lacks $af"
done
# the system calls of the parent's drop are allowed by the filter
grep -E '^SystemCallFilter=~.*@(privileged|setuid)\b' "$unit" && fail "the unit denies the parent's setuid calls"
expand() { # the system calls of filter groups, the groups they include expanded
	local g
	for g in "$@"; do
		systemd-analyze syscall-filter "$g" | sed -n 's/^    //p' | while read -r c; do
			case "$c" in @*) expand "$c" ;; *) echo "$c" ;; esac
		done
	done
}
expand @system-service >"$TMP/allowed"
for call in setresuid setresgid setgroups capset prctl; do
	grep -qx "$call" "$TMP/allowed" || fail "@system-service lacks $call"
	grep '^SystemCallFilter=~' "$unit" | grep -qw "$call" && fail "the unit denies $call"
done
systemd-analyze security --offline=true --threshold=25 "$unit" | grep -o 'Overall exposure level.*'

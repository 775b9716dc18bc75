# Shared by the antivirus tests (060-064): sourced after lib.sh. A real clamd on a signature
# database the test builds, seen by the agent at ClamAV's real paths through a private mount
# namespace: /etc is an overlay (the test's clamd.conf in /etc/clamav, its profile overrides
# in /etc/counterguard/antivirus.d), /var/lib/clamav is the test's database directory.
need unshare
need faketime
need sigtool
[ -x /usr/sbin/clamd ] || skip "clamd is not installed (scripts/install-deps.sh test)"
[ "$(id -u)" -eq 0 ] || skip "mount namespaces need root"

mkdir -p "$TMP/db" "$TMP/etc-up" "$TMP/etc-work" "$TMP/run" "$TMP/log"

# av_db VERSION AGE_SECONDS [NAME]: a real unsigned database (sigtool) built AGE_SECONDS ago
# with that version, into $TMP/db/NAME (default daily.cud). One signature: a harmless marker.
av_db() {
	local version="$1" age="$2" name="${3:-daily.cud}" d="$TMP/build-$RANDOM"
	mkdir -p "$d"
	echo "counterguard test marker" >"$d/marker"
	echo "$(md5sum <"$d/marker" | cut -d' ' -f1):$(stat -c %s "$d/marker"):CounterGuard.Test.Marker" >"$d/${name%.*}.hdb"
	echo "counterguard test database" >"$d/COPYING"
	(cd "$d" && echo counterguard-test | faketime "@$(($(date +%s) - age))" \
		sigtool --datadir=. --unsigned --build="$name" --cvd-version="$version" --no-cdiff \
		>/dev/null 2>&1) || fail "sigtool could not build $name"
	mv "$d/$name" "$TMP/db/$name"
}

# The clamd.conf the test's clamd and the agent read (at /etc/clamav/clamd.conf in the
# namespace): its socket in $TMP/run.
cat >"$TMP/clamd.conf" <<CONF
LocalSocket $TMP/run/clamd.ctl
Foreground yes
DatabaseDirectory /var/lib/clamav
LogFile $TMP/clamd.log
CONF

# av_ns SCRIPT: run the bash SCRIPT inside a private mount and PID namespace (its own /proc:
# an antivirus running on the machine, or another test's clamd, is not seen) set up as above. The
# script sees $AGENT, $TMP and these functions:
#   clamd_start: /usr/sbin/clamd in the background, waits for its socket (pid in $TMP/clamd.pid)
#   clamd_stop: kills it and waits
# With AV_NS_NET=1 the namespace has its own network too (loopback only, up).
av_ns() {
	local net=()
	[ "${AV_NS_NET:-0}" = 1 ] && net=(--net)
	unshare --mount --pid --fork --mount-proc "${net[@]}" --propagation private env AGENT="$AGENT" TMP="$TMP" NET="${AV_NS_NET:-0}" bash -euo pipefail -c '
[ "$NET" = 1 ] && ip link set lo up
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$TMP/etc-up,workdir=$TMP/etc-work" /etc
mkdir -p /etc/clamav /etc/counterguard/antivirus.d /var/lib/clamav
cp "$TMP/clamd.conf" /etc/clamav/clamd.conf
mount --bind "$TMP/db" /var/lib/clamav
mkdir -p /var/log/clamav
mount --bind "$TMP/log" /var/log/clamav
clamd_start() {
	/usr/sbin/clamd >"$TMP/clamd.out" 2>&1 &
	echo $! >"$TMP/clamd.pid"
	for _ in $(seq 100); do
		[ -S "$TMP/run/clamd.ctl" ] && return 0
		[ "$NET" = 1 ] && (: <>/dev/tcp/127.0.0.1/3310) 2>/dev/null && return 0
		sleep 0.05
	done
	echo "clamd did not start:" >&2; cat "$TMP/clamd.out" >&2; return 1
}
clamd_stop() {
	[ -e "$TMP/clamd.pid" ] || return 0
	kill "$(cat "$TMP/clamd.pid")" 2>/dev/null || true
	while kill -0 "$(cat "$TMP/clamd.pid")" 2>/dev/null; do sleep 0.05; done
	rm -f "$TMP/clamd.pid"
}
trap clamd_stop EXIT
'"$1"
}

# freshclam_log AGO RESULT-LINE...: a freshclam.log whose last run started AGO seconds ago, the
# lines after its start being the arguments (freshclam's own wording, with its LogTime prefix).
# An older failed run comes first.
freshclam_log() {
	local t ago="$1"
	shift
	t=$(LC_ALL=C date -d "@$(($(date +%s) - ago))" '+%a %b %e %H:%M:%S %Y')
	{
		echo "--------------------------------------"
		echo "Mon Nov 30 10:00:00 2026 -> ClamAV update process started at Mon Nov 30 10:00:00 2026"
		echo "Mon Nov 30 10:00:01 2026 -> WARNING: Can't download daily.cvd from https://database.clamav.net/daily.cvd"
		echo "Mon Nov 30 10:00:02 2026 -> ERROR: Update failed for database: daily"
		echo "--------------------------------------"
		echo "$t -> ClamAV update process started at $t"
		for l in "$@"; do echo "$t -> $l"; done
	} >"$TMP/log/freshclam.log"
}

# av_get FILE PROFILE PYTHON-EXPR: the expression on that product's entry `a` (None: absent)
av_get() {
	"$PY" -c "import json,sys
d=json.load(open(sys.argv[1]))
a=next((x for x in d.get('antivirus', []) if x.get('profile') == sys.argv[2]), None)
print($3)" "$1" "$2"
}

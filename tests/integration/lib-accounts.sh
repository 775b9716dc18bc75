# Shared by tests 070-079: a private /etc, /var/log and /var/lib for the agent. A copy of /etc
# and empty log and lib directories are bound over the real ones inside a private mount
# namespace, so the agent reads the test's passwd, shadow, sudoers, wtmp... at their real
# paths, and nothing of the machine's own is touched. Sourced after lib.sh.
need unshare
WRITER="$BUILD/tests/integration/utmp-writer"
[ -x "$WRITER" ] || fail "build the test helpers first (make tests)"
ROOT_ETC="$TMP/root/etc"
ROOT_LOG="$TMP/root/log"
mkdir -p "$TMP/root"
cp -a /etc "$ROOT_ETC"
mkdir -p "$TMP/root" "$ROOT_LOG"
rm -rf "$ROOT_ETC/sudoers" "$ROOT_ETC/sudoers.d" "$ROOT_ETC/lightdm" "$ROOT_ETC/gdm3" \
	"$ROOT_ETC/sddm.conf" "$ROOT_ETC/sddm.conf.d"
NOW=$(date +%s)
DAY=86400

# /var/lib: wtmpdb/ and lastlog/ (Debian 13's databases, which the agent prefers to wtmp and
# lastlog), empty unless a test fills them; the machine's own are hidden
ROOT_LIB="$TMP/root/lib"
mkdir -p "$ROOT_LIB/wtmpdb" "$ROOT_LIB/lastlog"

# in_root CMD ARGS...: run CMD with the test's /etc, /var/log and /var/lib
in_root() {
	unshare --mount --propagation private -- /bin/sh -c \
		'mount --bind "$0" /etc && mount --bind "$1" /var/log && mount --bind "$2" /var/lib &&
		shift 2 && exec "$@"' "$ROOT_ETC" "$ROOT_LOG" "$ROOT_LIB" "$@"
}

# records FILE: the records on stdin (utmp-writer's format) appended to FILE
records() { [ -e "$1" ] || : >"$1"; "$WRITER" "$1"; } # updwtmpx does not create it

# lastlog UID SECONDS LINE HOST: the last login of UID in the test's lastlog
lastlog() {
	"$PY" - "$ROOT_LOG/lastlog" "$@" <<'PY'
import struct, sys, os
path, uid, t, line, host = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
rec = struct.pack("<i32s256s", t, line.encode(), host.encode())   # struct lastlog, 292 bytes
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
os.pwrite(fd, rec, uid * len(rec))
os.close(fd)
PY
}

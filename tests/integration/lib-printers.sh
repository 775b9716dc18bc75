# Sourced by the printers and scanners tests (050-059) after lib.sh: a private cupsd and a
# SANE configuration of their own, in the test's temp dir (docs/TESTING.md's recipes).

# cups_start: a cupsd on $TMP/cups/cups.sock, its ServerRoot $TMP/cups/etc; CUPS_SERVER set
# for lpadmin, lpstat and the agent. Stopped at exit.
cups_start() {
	need cupsd
	need lpadmin
	local d="$TMP/cups"
	mkdir -p "$d/etc/ppd" "$d/state" "$d/cache" "$d/spool/tmp" "$d/log" "$d/bin/backend"
	# cupsd accepts a device URI only if its backend exists; Debian's usb, socket and lpd
	# backends come with the `cups` package and its filters and ghostscript. Queues are only
	# listed here, never printed to: stand-ins do.
	local sub b
	for sub in /usr/lib/cups/*; do
		[ "$(basename "$sub")" = backend ] || ln -s "$sub" "$d/bin/"
	done
	for b in usb socket lpd ipp ipps http https dnssd smb hp; do
		printf '#!/bin/sh\nexit 1\n' >"$d/bin/backend/$b"
		chmod 700 "$d/bin/backend/$b"
	done
	: >"$d/etc/printers.conf"
	: >"$d/etc/classes.conf"
	cat >"$d/etc/cupsd.conf" <<-CONF
		Listen $d/cups.sock
		LogLevel warn
		ErrorLog $d/log/error_log
		AccessLog $d/log/access_log
		PageLog $d/log/page_log
		DefaultShared No
		Browsing No
		<Location />
		  Order allow,deny
		  Allow all
		</Location>
		<Location /admin>
		  Order allow,deny
		  Allow all
		</Location>
	CONF
	cat >"$d/etc/cups-files.conf" <<-CONF
		ServerRoot $d/etc
		ServerBin $d/bin
		StateDir $d/state
		CacheDir $d/cache
		RequestRoot $d/spool
		TempDir $d/spool/tmp
		Printcap $d/printcap
		FileDevice Yes
		ErrorLog $d/log/error_log
		AccessLog $d/log/access_log
		PageLog $d/log/page_log
	CONF
	cupsd -f -c "$d/etc/cupsd.conf" -s "$d/etc/cups-files.conf" 2>"$d/log/stderr" &
	CUPSD_PID=$!
	at_exit "kill $CUPSD_PID 2>/dev/null; wait $CUPSD_PID 2>/dev/null"
	export CUPS_SERVER="$d/cups.sock"
	# client.conf and lpoptions of this machine stay out of it
	export CUPS_SERVERROOT="$d/etc"
	local i
	for i in $(seq 100); do
		[ -S "$d/cups.sock" ] && lpstat -r >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	cat "$d/log/stderr" "$d/log/error_log" 2>/dev/null >&2
	fail "cupsd did not start"
}

# lpadd NAME URI [lpadmin options...]: a queue, enabled and accepting
lpadd() {
	local name="$1" uri="$2"
	shift 2
	lpadmin -p "$name" -E -v "$uri" "$@" 2>"$TMP/lpadmin.err" ||
		{ cat "$TMP/lpadmin.err" >&2; fail "lpadmin -p $name"; }
}

# sane_test_config [BACKENDS...]: SANE_CONFIG_DIR with only those backends (default: test)
sane_test_config() {
	local d="$TMP/sane" b
	mkdir -p "$d"
	: >"$d/dll.conf"
	for b in "${@:-test}"; do echo "$b" >>"$d/dll.conf"; done
	[ -f /etc/sane.d/test.conf ] && cp /etc/sane.d/test.conf "$d/"
	export SANE_CONFIG_DIR="$d"
}

# sane_backend NAME: adds NAME to SANE_CONFIG_DIR's backends, built here from
# tests/lib/sane-fake.c (hang: its discovery never returns; fakeusb: lists the device of
# SANE_FAKE_DEVICE); LD_LIBRARY_PATH lets SANE's dll backend find it.
sane_backend() {
	need cc
	mkdir -p "$TMP/sane-lib"
	cc -shared -fPIC -DBACKEND="$1" -o "$TMP/sane-lib/libsane-$1.so.1" "$SRCDIR/tests/lib/sane-fake.c" ||
		fail "cannot build the SANE backend $1"
	echo "$1" >>"$SANE_CONFIG_DIR/dll.conf"
	case ":${LD_LIBRARY_PATH:-}:" in
	*":$TMP/sane-lib:"*) ;;
	*) export LD_LIBRARY_PATH="$TMP/sane-lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ;;
	esac
}
sane_hang_backend() { sane_backend hang; }

#!/usr/bin/env bash
# `make install` (the plain build, as a packager runs it) with DESTDIR and PREFIX puts the
# programs, their man pages and the systemd files where a package expects them, and the
# installed agent runs. (BUILD=build: the runner exports BUILD for the sanitizer build.)
. "$(dirname "$0")/lib.sh"
make -s -C "$SRCDIR" install BUILD=build DESTDIR="$TMP/root" PREFIX=/usr >"$TMP/log" 2>&1 ||
	{ cat "$TMP/log"; fail "make install"; }
for f in usr/bin/counterguard-agent usr/share/man/man1/counterguard-agent.1 usr/share/man/man5/agent.ini.5 \
	usr/bin/counterguard-server usr/share/man/man8/counterguard-server.8 \
	usr/share/man/man5/server.ini.5 usr/lib/systemd/system/counterguard-server.service \
	usr/lib/sysusers.d/counterguard.conf usr/lib/tmpfiles.d/counterguard.conf \
	usr/lib/systemd/system/counterguard-agent.service usr/lib/sysusers.d/counterguard-agent.conf \
	usr/lib/tmpfiles.d/counterguard-agent.conf; do
	[ -f "$TMP/root/$f" ] || fail "$f not installed"
done
[ -x "$TMP/root/usr/bin/counterguard-agent" ] || fail "agent not executable"
"$TMP/root/usr/bin/counterguard-agent" --version | grep -qx "counterguard-agent $(cat "$SRCDIR/VERSION")" ||
	fail "installed agent's version"
echo "installed: $(cd "$TMP/root" && find . -type f | sort | tr '\n' ' ')"

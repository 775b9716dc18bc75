#!/usr/bin/env bash
# The Debian packages an IT officer installs on the counter PCs and the server: they build
# from this tree, hold what they should, depend on the right libraries, carry the hardened
# binaries, and the packaged agent works.
. "$(dirname "$0")/lib.sh"
need dpkg-buildpackage
need dh
"$SRCDIR/packaging/build-deb.sh" >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; fail "build-deb"; }
version=$(cat "$SRCDIR/VERSION")
agent_deb="$SRCDIR/build/packages/counterguard-agent_${version}-1_$(dpkg --print-architecture).deb"
server_deb="$SRCDIR/build/packages/counterguard-server_${version}-1_$(dpkg --print-architecture).deb"
[ -f "$agent_deb" ] && [ -f "$server_deb" ] || fail "packages missing: $(ls "$SRCDIR/build/packages")"

dpkg-deb -f "$agent_deb" Depends | grep -q 'libudev1' || fail "agent Depends"
# built with dpkg's flags, not the test run's sanitizers
dpkg-deb -f "$agent_deb" Depends | grep -q 'libasan\|libubsan' && fail "agent built with sanitizers"
dpkg-deb -f "$server_deb" Depends | grep -q 'libasan\|libubsan' && fail "server built with sanitizers"
dpkg-deb -f "$server_deb" Depends | grep -q 'libmicrohttpd12' || fail "server Depends"
dpkg-deb -c "$agent_deb" | awk '{print $6}' >"$TMP/agent.files"
dpkg-deb -c "$server_deb" | awk '{print $6}' >"$TMP/server.files"
for f in ./usr/bin/counterguard-agent ./usr/share/man/man1/counterguard-agent.1.gz \
	./usr/lib/sysusers.d/counterguard-agent.conf ./usr/lib/tmpfiles.d/counterguard-agent.conf; do
	grep -qxF "$f" "$TMP/agent.files" || fail "agent package lacks $f"
done
# dh_installsystemd puts the unit in /lib/systemd/system up to Debian 12 (debhelper 13.11),
# in /usr/lib/systemd/system from Debian 13 on (debhelper 13.24)
agent_unit=$(grep -xE '\./(usr/)?lib/systemd/system/counterguard-agent\.service' "$TMP/agent.files") ||
	fail "agent package lacks counterguard-agent.service (in /lib or /usr/lib/systemd/system)"
# the agent's unit is the one in systemd/, its user is made on install, it is not started
# before it is enrolled
dpkg-deb --fsys-tarfile "$agent_deb" | tar -xO "$agent_unit" |
	cmp -s - "$SRCDIR/systemd/counterguard-agent.service" || fail "agent package's unit differs from systemd/"
dpkg-deb -I "$agent_deb" postinst | grep -q 'systemd-sysusers' || fail "agent postinst creates no user"
dpkg-deb -I "$agent_deb" postinst | grep -q 'systemd-tmpfiles' || fail "agent postinst makes no state directory"
# the user first: tmpfiles.d gives it its directory
dpkg-deb -I "$agent_deb" postinst | grep -E -o 'systemd-(sysusers|tmpfiles) ' | head -n 1 |
	grep -q sysusers || fail "agent postinst makes the state directory before its user"
dpkg-deb -I "$agent_deb" postinst | grep -q "deb-systemd-invoke start" && fail "postinst starts the agent"
for f in ./usr/bin/counterguard-server ./usr/share/man/man8/counterguard-server.8.gz \
	./usr/share/man/man5/server.ini.5.gz \
	./usr/lib/sysusers.d/counterguard-server.conf ./usr/lib/tmpfiles.d/counterguard-server.conf; do
	grep -qxF "$f" "$TMP/server.files" || fail "server package lacks $f"
done
# dh_installsystemd puts the unit in /lib/systemd/system up to Debian 12 (debhelper 13.11),
# in /usr/lib/systemd/system from Debian 13 on (debhelper 13.24)
grep -qxE '\./(usr/)?lib/systemd/system/counterguard-server\.service' "$TMP/server.files" ||
	fail "server package lacks counterguard-server.service (in /lib or /usr/lib/systemd/system)"
# the service user is created on install; the service is neither enabled nor started
dpkg-deb -I "$server_deb" postinst | grep -q 'systemd-sysusers' || fail "postinst creates no user"
dpkg-deb -I "$server_deb" postinst | grep -q "deb-systemd-invoke start" && fail "postinst starts the server"

# the packaged binaries: PIE, full RELRO, and the agent runs
dpkg-deb -x "$agent_deb" "$TMP/root"
dpkg-deb -x "$server_deb" "$TMP/root"
for b in counterguard-agent counterguard-server; do
	readelf -h "$TMP/root/usr/bin/$b" | grep -q 'Type:.*DYN' || fail "$b is not PIE"
	readelf -d "$TMP/root/usr/bin/$b" | grep -q 'BIND_NOW' || fail "$b lacks BIND_NOW"
done
"$TMP/root/usr/bin/counterguard-agent" --version | grep -qx "counterguard-agent $version" || fail "version"
"$TMP/root/usr/bin/counterguard-agent" inventory --format json >"$TMP/inv.json" || fail "packaged inventory"
validate "$TMP/inv.json"
"$TMP/root/usr/bin/counterguard-server" --version | grep -q "$version" || fail "server version"
echo "packages ok: $(basename "$agent_deb") $(basename "$server_deb")"

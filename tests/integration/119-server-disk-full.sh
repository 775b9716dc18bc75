#!/usr/bin/env bash
# A full disk at start: the server says which database and that the disk is full, not only
# "disk I/O error". The disk is a small tmpfs in a private mount namespace.
. "$(dirname "$0")/lib-server.sh"

need unshare
[ "$(id -u)" = 0 ] || skip "needs root for a private tmpfs"
make_cert
mkdir "$TMP/disk"
cat >"$TMP/full.sh" <<EOS
set -eu
mount -t tmpfs -o size=1m tmpfs "$TMP/disk"
cat >"$TMP/full.ini" <<EOI
[server]
listen = 127.0.0.1:0
tls_cert = $TMP/server.crt
tls_key = $TMP/server.key
[store]
url = sqlite:$TMP/disk/server.db
EOI
"$SERVER" --config "$TMP/full.ini" migrate 2>/dev/null
rm -f "$TMP/disk/server.db-wal" "$TMP/disk/server.db-shm"
dd if=/dev/zero of="$TMP/disk/filler" bs=4k 2>/dev/null || true
rc=0
"$SERVER" --config "$TMP/full.ini" serve 2>"$TMP/serve.err" || rc=\$?
echo "exit \$rc"
EOS
unshare -m --propagation private bash "$TMP/full.sh" >"$TMP/out" 2>&1 ||
	fail "could not set up the full disk: $(cat "$TMP/out")"
cat "$TMP/serve.err"
grep -q '^exit 1$' "$TMP/out" || fail "serve on a full disk: $(cat "$TMP/out")"
grep -q "the disk is full: no room to write the database '$TMP/disk/server.db'" "$TMP/serve.err" ||
	fail "the error does not name the database and the full disk"
echo ok

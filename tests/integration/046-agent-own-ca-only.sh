#!/usr/bin/env bash
# With [server] ca set, the agent trusts that CA alone: a server whose certificate a public
# authority of the system's store signed (here a CA put into /etc/ssl/certs, in a private
# mount namespace) is refused, at enrollment and after.
. "$(dirname "$0")/lib-agent.sh"
need openssl
unshare -m true 2>/dev/null || skip "no mount namespaces here"

# a "public" CA, and the server's certificate signed by it
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-keyout "$TMP/public-ca.key" -out "$TMP/public-ca.crt" -subj /CN=public-ca 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/server.key" \
	-out "$TMP/server.csr" -subj /CN=localhost 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$TMP/san.ext"
openssl x509 -req -in "$TMP/server.csr" -CA "$TMP/public-ca.crt" -CAkey "$TMP/public-ca.key" \
	-CAcreateserial -days 2 -extfile "$TMP/san.ext" -out "$TMP/server.crt" 2>/dev/null ||
	fail "signing the server's certificate"
# the province's own CA, which the agent is configured with
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-keyout "$TMP/own-ca.key" -out "$TMP/own-ca.crt" -subj /CN=own-ca 2>/dev/null

use_backend sqlite
write_config
cg migrate 2>/dev/null || fail "migrate"
setup_units
server_start
agent_ini
sed -i "s|^ca = .*|ca = $TMP/own-ca.crt|" "$TMP/agent.ini"
mkdir "$TMP/certs"
cp "$TMP/public-ca.crt" "$TMP/certs/"
cp "$TMP/public-ca.crt" "$TMP/certs/ca-certificates.crt" # the bundle a plain curl reads
openssl rehash "$TMP/certs" 2>/dev/null || c_rehash "$TMP/certs" >/dev/null
TOKEN=$(cg token create --unit 010101 2>/dev/null)

set +e
unshare -m --propagation private sh -c "mount --bind '$TMP/certs' /etc/ssl/certs &&
	curl -sS -o /dev/null https://127.0.0.1:$PORT/api/v1/ping &&
	exec '$AGENT' --config '$TMP/agent.ini' enroll --token '$TOKEN'" >"$TMP/out" 2>"$TMP/err"
rc=$?
set -e
cat "$TMP/err"
grep -q "^counterguard-agent: cannot reach .*certificate" "$TMP/err" ||
	fail "the agent trusted a CA it was not configured with (exit $rc): $(cat "$TMP/out")"
[ $rc = 1 ] || fail "exit $rc"
[ ! -e "$AGENT_STATE/credential" ] || fail "a credential was written"
echo "ok: only the configured CA is trusted"

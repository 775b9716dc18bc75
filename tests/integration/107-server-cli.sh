#!/usr/bin/env bash
# The command line contract: --help documents every command, exit statuses (0, 1, 2),
# configuration errors as file:line, a server that refuses to start on them, TLS required
# unless explicitly turned off.
. "$(dirname "$0")/lib-server.sh"

"$SERVER" --help >"$TMP/help" || fail "--help"
for w in serve 'serve -n' migrate 'token create' '--unit' '--uses' '--expires' 'token list' 'token revoke' 'agents list' \
	'agents revoke' 'units add' '--name' '--kind' '--parent' 'units rename' 'units remove' 'units list' 'units tree' dump \
	'--config' '--verbose' '--version'; do
	grep -qF -- "$w" "$TMP/help" || fail "--help does not mention '$w'"
done
"$SERVER" --version | grep -q '^counterguard-server ' || fail "--version"

rc() { local r=0; "$@" >"$TMP/out" 2>"$TMP/err" || r=$?; echo $r; }
[ "$(rc "$SERVER")" = 2 ] || fail "no command: not 2"
[ "$(rc "$SERVER" --bogus)" = 2 ] || fail "unknown option: not 2"
[ "$(rc "$SERVER" --config "$TMP/none.ini" migrate)" = 2 ] || fail "missing config: not 2"

make_cert
use_backend sqlite
write_config
[ "$(rc cg frobnicate)" = 2 ] || fail "unknown command: not 2"
[ "$(rc cg token create)" = 2 ] || fail "token create without --unit: not 2"
[ "$(rc cg token create --unit 1 --uses 0)" = 2 ] || fail "--uses 0: not 2"
[ "$(rc cg units add X --name x)" = 2 ] || fail "units add without --kind: not 2"
# not migrated yet: a clear failure, not a crash
[ "$(rc cg agents list)" = 1 ] || fail "agents list on an empty database: not 1"
grep -q "run 'counterguard-server migrate'" "$TMP/err" || fail "no hint to migrate"
[ "$(rc cg serve)" = 1 ] || fail "serve on an empty database: not 1"
[ "$(rc cg serve -n)" = 1 ] || fail "serve -n on an empty database: not 1"
[ "$(rc cg migrate)" = 0 ] || fail "migrate"
[ "$(rc cg serve -n)" = 0 ] || fail "serve -n: $(cat "$TMP/err")"
grep -q 'configuration ok' "$TMP/err" || fail "serve -n says nothing"
[ "$(rc cg serve -x)" = 2 ] || fail "serve -x: not 2"
# a key that is not the certificate's, priorities GnuTLS does not know
cp "$TMP/server.crt" "$TMP/keep.crt"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=x \
	-keyout "$TMP/other.key" -out "$TMP/server.crt" 2>/dev/null
[ "$(rc cg serve -n)" = 1 ] || fail "serve -n with a mismatched key: not 1"
cp "$TMP/keep.crt" "$TMP/server.crt"
sed 's/^threads = 2$/tls_priorities = NONSENSE:+FOO/' "$CONFIG" >"$TMP/prio.ini"
[ "$(rc "$SERVER" --config "$TMP/prio.ini" serve -n)" = 1 ] || fail "serve -n with bad priorities"
grep -q "tls_priorities 'NONSENSE:+FOO'" "$TMP/err" || fail "message: $(cat "$TMP/err")"
[ "$(rc cg units add X --name x --kind village)" = 2 ] || fail "unknown kind: not 2"

# configuration errors: file:line, exit 2, for every command including serve
printf '[server]\nlisten = 127.0.0.1:0\nlisten_port = 1\n[store]\nurl = %s\n' "$STORE_URL" >"$TMP/bad.ini"
[ "$(rc "$SERVER" --config "$TMP/bad.ini" serve)" = 2 ] || fail "unknown key: not 2"
grep -qF "$TMP/bad.ini:3: unknown key 'listen_port' in [server]" "$TMP/err" ||
	fail "message: $(cat "$TMP/err")"
printf '[store]\nurl = %s\n[web]\nport = 1\n' "$STORE_URL" >"$TMP/bad.ini"
[ "$(rc "$SERVER" --config "$TMP/bad.ini" serve)" = 2 ] || fail "unknown section: not 2"
grep -qF "$TMP/bad.ini:4: unknown section [web]" "$TMP/err" || fail "message: $(cat "$TMP/err")"
printf '[server]\nmax_body = lots\n[store]\nurl = %s\n' "$STORE_URL" >"$TMP/bad.ini"
[ "$(rc "$SERVER" --config "$TMP/bad.ini" serve)" = 2 ] || fail "bad size: not 2"
grep -qF "bad.ini:2: 'max_body': expected a size" "$TMP/err" || fail "message: $(cat "$TMP/err")"

# TLS is on unless turned off; without a certificate it does not start
printf '[server]\nlisten = 127.0.0.1:0\n[store]\nurl = %s\n' "$STORE_URL" >"$TMP/notls.ini"
[ "$(rc "$SERVER" --config "$TMP/notls.ini" serve)" = 1 ] || fail "TLS without a certificate started"
grep -q 'tls_cert and tls_key are required' "$TMP/err" || fail "message: $(cat "$TMP/err")"
# tls = off: plain HTTP, for tests only
printf '[server]\nlisten = 127.0.0.1:0\ntls = off\n[store]\nurl = %s\n' "$STORE_URL" >"$TMP/plain.ini"
CONFIG="$TMP/plain.ini"
server_start
grep -q 'plain http (tls = off)' "$TMP/server.log" || fail "plain HTTP is not announced"
CODE=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/ping")
[ "$CODE" = 200 ] || fail "plain ping: $CODE"
server_stop || fail "server exit status"
echo ok

# units rename and remove: a typo is fixed in place; only a unit nothing refers to goes
cg units add R1 --name "Tinh Sai" --kind province || fail "units add R1"
cg units add R1Q --name "Quầy" --kind counter --parent R1 || fail "units add R1Q"
cg units rename R1 --name "Tỉnh Đúng" || fail "units rename"
cg units list | grep -qP '^R1\tTỉnh Đúng\tprovince' || fail "renamed name: $(cg units list)"
[ "$(rc cg units rename NOPE --name x)" = 1 ] || fail "rename of an unknown unit: not 1"
[ "$(rc cg units rename R1 --kind district)" = 2 ] || fail "rename without --name: not 2"
[ "$(rc cg units remove R1)" = 1 ] || fail "removing a unit with a unit under it: not 1"
rc cg units remove R1 >/dev/null; grep -q "has 1 units under it" "$TMP/err" || fail "remove: no reason given"
cg token create --unit R1Q >/dev/null || fail "token for R1Q"
[ "$(rc cg units remove R1Q)" = 1 ] || fail "removing a unit with a token: not 1"
cg units add R2 --name "Trống" --kind province || fail "units add R2"
cg units remove R2 || fail "units remove R2"
! cg units list | grep -q '^R2' || fail "R2 still listed"
[ "$(rc cg units remove R2)" = 1 ] || fail "removing an unknown unit: not 1"
echo "units rename/remove ok"

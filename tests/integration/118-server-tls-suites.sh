#!/usr/bin/env bash
# The default TLS priorities with an RSA certificate: ECDHE key exchange and AEAD ciphers
# only, TLS 1.2 and 1.3. Static RSA key exchange (no forward secrecy), CBC suites and TLS 1.1
# are refused; what a current client offers works.
. "$(dirname "$0")/lib-server.sh"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout "$TMP/server.key" \
	-out "$TMP/server.crt" -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 \
	2>/dev/null || fail "openssl req"
use_backend sqlite
write_config
cg migrate 2>/dev/null || fail "migrate"
server_start

offer() { # expect(ok|refused) openssl-s_client-args...
	local want="$1" got=refused
	shift
	# stdin stays open a moment: s_client stops at its end, before the answer is read
	if { printf 'GET /api/v1/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'; sleep 0.5; } |
		timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$TMP/server.crt" \
			-quiet "$@" 2>"$TMP/s_client.err" | grep -q '^HTTP/1.1 200'; then
		got=ok
	fi
	[ "$got" = "$want" ] || fail "$* : $got, expected $want: $(tail -n 3 "$TMP/s_client.err")"
	echo "$*: $got"
}

offer refused -tls1_2 -cipher AES128-SHA               # static RSA, CBC, SHA-1
offer refused -tls1_2 -cipher AES256-GCM-SHA384        # static RSA, AEAD
offer refused -tls1_2 -cipher AES128-SHA256            # static RSA, CBC
offer refused -tls1_2 -cipher ECDHE-RSA-AES128-SHA     # ECDHE, but CBC
offer refused -tls1_2 -cipher ECDHE-RSA-AES256-SHA384  # ECDHE, but CBC
offer refused -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256 # finite-field DHE
offer refused -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
offer ok -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
offer ok -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384
offer ok -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305
offer ok -tls1_3
CODE=$(curl -sS --cacert "$TMP/server.crt" -o /dev/null -w '%{http_code}' "$URL/api/v1/ping")
[ "$CODE" = 200 ] || fail "curl: $CODE"
server_stop || fail "server exit status"
echo ok

#!/usr/bin/env bash
# Nothing without a credential costs the server more than a refusal: a records body under a
# random bearer is refused before it is read or parsed (server CPU measured), 100 such 8 MiB
# bodies at once leave the server's memory where it was, enrollment bodies are capped at
# max_enroll_body, bodies in flight together at max_body_memory (503 + Retry-After), and an
# 8 MiB batch being parsed does not hold up the HTTP thread.
. "$(dirname "$0")/lib-server.sh"

# memory is measured: AddressSanitizer's quarantine of freed memory would count as growth
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=1"
make_cert
use_backend sqlite
write_config "max_body_memory = 32M
max_connections_per_address = 0"
sed -i 's/^threads = .*/threads = 1/' "$CONFIG"
cg migrate 2>/dev/null || fail "migrate"
setup_units
server_start
enroll "$(cg token create --unit 010101 2>/dev/null)"
gen_batch "$TMP/big.json" 1 900 0 # about 8 MB, schema-valid
SIZE=$(stat -c %s "$TMP/big.json")
[ "$SIZE" -gt 7000000 ] && [ "$SIZE" -lt 8388608 ] || fail "batch of $SIZE bytes"
RANDOM_CRED="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n').$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"

# --- a random bearer: 401, and the body is neither read nor parsed ---
CPU0=$(server_cpu_ms)
for i in 1 2 3; do
	post /api/v1/records "$TMP/big.json" -H "Authorization: Bearer $RANDOM_CRED" \
		-H 'Expect: 100-continue'
	expect 401 "unknown agent or wrong credential"
	post /api/v1/records "$TMP/big.json" -H "Authorization: Bearer $RANDOM_CRED" -H 'Expect:'
	[ "$CODE" = 401 ] || [ "$CODE" = 000 ] || fail "without Expect: $CODE" # refused while sending
done
CPU1=$(server_cpu_ms)
echo "server CPU for 6 refused 8 MB batches: $((CPU1 - CPU0)) ms"
[ $((CPU1 - CPU0)) -lt 300 ] || fail "refusing 6 batches cost $((CPU1 - CPU0)) ms of CPU"

# --- 100 unauthenticated 8 MiB bodies at once: memory stays where it was ---
cat >"$TMP/flood.py" <<'PYEOF'
import socket, ssl, sys, threading
ca, port, cred, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
ctx = ssl.create_default_context(cafile=ca)
ctx.check_hostname = False
chunk = b'{"records":[' + b" " * 65536
refused = []
def one():
    try:
        s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10))
        s.sendall(b"POST /api/v1/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + cred.encode() +
                  b"\r\nContent-Length: 8388608\r\n\r\n")
        for _ in range(127):  # all but the last 64 KiB, then hold
            s.sendall(chunk)
        s.recv(1)
    except (OSError, ssl.SSLError):
        pass
    refused.append(1)
ts = [threading.Thread(target=one) for _ in range(n)]
for t in ts: t.start()
for t in ts: t.join(30)
print("%d of %d ended" % (len(refused), n))
PYEOF
RSS0=$(server_rss_mib)
"$PY" "$TMP/flood.py" "$TMP/server.crt" "$PORT" "$RANDOM_CRED" 100 >"$TMP/flood.out"
RSS1=$(server_rss_mib)
echo "server RSS $RSS0 MiB before 100 unauthenticated 8 MiB bodies, $RSS1 MiB after; $(cat "$TMP/flood.out")"
[ $((RSS1 - RSS0)) -lt 64 ] || fail "the server grew by $((RSS1 - RSS0)) MiB"

# --- enrollment bodies: at most max_enroll_body (64 KiB) ---
"$PY" -c 'import json; print(json.dumps({"token": "x", "host": {"hostname": "a" * 70000}}))' >"$TMP/e.json"
post /api/v1/enroll "$TMP/e.json" -H 'Expect: 100-continue'
expect 413 "the limit is 65536 bytes"

# --- with a credential: bodies in flight share max_body_memory (32M = four 8 MiB bodies) ---
RSS0=$(server_rss_mib)
"$PY" "$TMP/flood.py" "$TMP/server.crt" "$PORT" "$CRED" 12 >"$TMP/flood2.out" &
FLOOD=$!
wait_log 'answered 503: max_body_memory' 100 || fail "no 503 when max_body_memory was reached"
post_records "$TMP/big.json" "$CRED"
expect 503 "too many request bodies in flight"
curl -sS --cacert "$TMP/server.crt" -D "$TMP/h" -o /dev/null -H "Authorization: Bearer $CRED" \
	--data-binary "@$TMP/big.json" -H 'Expect: 100-continue' "$URL/api/v1/records"
grep -qi '^Retry-After: ' "$TMP/h" || fail "no Retry-After on 503"
RSS1=$(server_rss_mib)
wait "$FLOOD"
echo "server RSS $RSS0 MiB, with 12 authenticated 8 MiB bodies in flight $RSS1 MiB"
[ $((RSS1 - RSS0)) -lt 100 ] || fail "the server grew by $((RSS1 - RSS0)) MiB"

# --- an 8 MB batch is parsed off the (only) HTTP thread: pings go on meanwhile ---
gen_batch "$TMP/big2.json" 2000 900 0
post_records "$TMP/big2.json" "$CRED" -H 'Expect:' &
BIG=$!
MAX=0
while kill -0 "$BIG" 2>/dev/null; do
	T=$(curl -sS --cacert "$TMP/server.crt" -o /dev/null -w '%{time_total}' "$URL/api/v1/ping")
	MAX=$(awk -v a="$MAX" -v b="$T" 'BEGIN { print (b > a ? b : a) }')
done
wait "$BIG"
echo "slowest ping while an 8 MB batch was stored: ${MAX}s"
awk -v m="$MAX" 'BEGIN { exit !(m < 1.0) }' || fail "a ping waited ${MAX}s behind the batch"
[ "$(sql 'SELECT COUNT(*) FROM raw_records')" = 900 ] || fail "the big batch was not stored"
server_stop || fail "server exit status"
echo ok

#!/usr/bin/env bash
# One address cannot take every connection: 1,100 slow connections from 127.0.0.2 get
# max_connections_per_address of them (the rest are refused at once, and that is logged),
# while an agent on 127.0.0.1 keeps posting, each post on a new TLS connection, under an
# open-file limit of 1024 (the server raises its own soft limit to fit max_connections), and
# the shipped unit's LimitNOFILE fits max_connections.
. "$(dirname "$0")/lib-server.sh"

make_cert
ulimit -Sn 1024
serve_enrolled sqlite "max_connections_per_address = 20
header_timeout = 30"

cat >"$TMP/hold.py" <<'PYEOF'
import resource, socket, ssl, sys, time
ca, port, src, n, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 100), hard))
ctx = ssl.create_default_context(cafile=ca)
ctx.check_hostname = False
held, refused = [], 0
t0 = time.monotonic()
for i in range(n):
    try:
        s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=2, source_address=(src, 0)))
        s.sendall(b"P")
        held.append(s)
    except (OSError, ssl.SSLError):
        refused += 1
open(sys.argv[6], "w").write("ready\n")
while time.monotonic() - t0 < secs:
    time.sleep(1)
    for s in list(held):
        try:
            s.sendall(b"O")
        except (OSError, ssl.SSLError):
            held.remove(s)
print("held %d, refused %d of %d" % (len(held), refused, n))
PYEOF
"$PY" "$TMP/hold.py" "$TMP/server.crt" "$PORT" 127.0.0.2 1100 25 "$TMP/attack-ready" >"$TMP/attack.out" &
ATTACK=$!
at_exit "kill $ATTACK 2>/dev/null"
for ((i = 0; i < 300; i++)); do [ -e "$TMP/attack-ready" ] && break; sleep 0.1; done
[ -e "$TMP/attack-ready" ] || fail "the attacker did not get going"

ok=0
for seq in $(seq 1 10); do
	gen_batch "$TMP/b.json" "$seq" 0 1
	T0=$(date +%s%N)
	post_records "$TMP/b.json" "$CRED" --max-time 5
	T=$((($(date +%s%N) - T0) / 1000000))
	[ "$CODE" = 200 ] && [ "$T" -lt 2000 ] && ok=$((ok + 1))
	echo "post $seq: $CODE in $T ms"
done
wait "$ATTACK"
cat "$TMP/attack.out"
[ "$ok" = 10 ] || fail "only $ok of 10 posts of the normal agent went through in time"
grep -q '^held 20, refused 1080 of 1100' "$TMP/attack.out" || fail "attacker: $(cat "$TMP/attack.out")"
grep -q 'connections refused: max_connections (4096) or max_connections_per_address (20) reached' \
	"$TMP/server.log" || fail "refusals not logged"
[ "$(grep -c 'connections refused' "$TMP/server.log")" -le 4 ] || fail "refusals logged too often"
# the shipped unit's open-file limit fits the default max_connections (+ 64, server.ini(5))
MAXCONN=$(sed -n 's/.*max_connections (\([0-9]*\)).*/\1/p' "$TMP/server.log" | head -n 1)
NOFILE=$(sed -n 's/^LimitNOFILE=//p' "$SRCDIR/systemd/counterguard-server.service")
[ -n "$NOFILE" ] && [ "$NOFILE" -ge $((MAXCONN + 64)) ] ||
	fail "LimitNOFILE '$NOFILE' below max_connections $MAXCONN + 64"
server_stop || fail "server exit status"
echo ok

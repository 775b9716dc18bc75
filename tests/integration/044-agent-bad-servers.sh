#!/usr/bin/env bash
# Servers that misbehave, one after the other, while devices come and go: one answering 200
# with garbage, one answering 500, one that hangs and then lies (acked_seq far above anything
# sent), one whose certificate the configured CA did not sign. The daemon keeps collecting
# through all of them (its outbox grows while a request hangs), retries, deletes nothing it
# did not send, refuses the certificate (nothing sent), and once agent.ini names the real
# server again (SIGHUP) everything it kept arrives, once.
. "$(dirname "$0")/lib-agent.sh"
server_up
agent_enrolled
"$PY" "$FIXTURE" --root >"$TMP/root"
"$PY" "$FIXTURE" --at 1-2 noserial >"$TMP/dev"
REAL_URL=$URL
# a certificate for 127.0.0.1 that the agent's CA ($TMP/server.crt) did not sign
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-keyout "$TMP/other.key" -out "$TMP/other.crt" -subj /CN=localhost \
	-addext subjectAltName=IP:127.0.0.1 2>/dev/null || fail "openssl req"

# The fake: two HTTPS ports, the first with the server's own certificate, the second with
# the other one. It answers as $TMP/mode says when the request comes: garbage (200, not
# JSON), 500, or slow-liar (nothing until $TMP/release exists, then 200 with an acked_seq
# of 10^9). Each request is a line in $TMP/fake.log: port, mode, the seqs it carried.
cat >"$TMP/fake.py" <<'PY'
import http.server, json, os, ssl, sys, threading, time
tmp = sys.argv[1]
log = open(os.path.join(tmp, "fake.log"), "a", buffering=1)

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def do_POST(self):
        mode = open(os.path.join(tmp, "mode")).read().strip()
        body = self.rfile.read(int(self.headers["Content-Length"]))
        seqs = [r["seq"] for r in json.loads(body)["records"]]
        log.write("%d %s %s\n" % (self.server.server_port, mode, " ".join(map(str, seqs))))
        if mode == "slow-liar":
            while not os.path.exists(os.path.join(tmp, "release")):
                time.sleep(0.05)
            code, answer = 200, b'{"acked_seq": 1000000000}'
        elif mode == "garbage":
            code, answer = 200, b"<html>proxy says hello</html>"
        else:
            code, answer = 500, b'{"error": "internal error"}'
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

def serve(cert, key, name):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(os.path.join(tmp, name), "w") as f:
        f.write("https://127.0.0.1:%d\n" % srv.server_port)
    threading.Thread(target=srv.serve_forever, daemon=True).start()

serve(os.path.join(tmp, "server.crt"), os.path.join(tmp, "server.key"), "fake.url")
serve(os.path.join(tmp, "other.crt"), os.path.join(tmp, "other.key"), "other.url")
threading.Event().wait()
PY
echo garbage >"$TMP/mode"
: >"$TMP/fake.log"
"$PY" "$TMP/fake.py" "$TMP" 2>"$TMP/fake.err" &
at_exit "kill $!"
for ((i = 0; i < 100; i++)); do [ -s "$TMP/other.url" ] && break; sleep 0.05; done
FAKE_URL=$(cat "$TMP/fake.url") OTHER_URL=$(cat "$TMP/other.url")
[ -n "$OTHER_URL" ] || fail "the fake server did not start: $(cat "$TMP/fake.err")"
sed -i "s|^url = .*|url = $FAKE_URL|" "$TMP/agent.ini"

log="'$TMP/harness'"
# point agent.ini at URL and reload: the uplink tries again at once
use() { echo "sed -i 's|^url = .*|url = $1|' '$TMP/agent.ini' && kill -HUP \$(sed -n 's/^parent_pid = //p' '$TMP/state/daemon.state')"; }
mode() { echo "echo $1 >'$TMP/mode' && kill -HUP \$(sed -n 's/^parent_pid = //p' '$TMP/state/daemon.state')"; }
waiting="'$AGENT' --config '$TMP/agent.ini' status | sed -n 's/^Outbox: *\([0-9]*\) records waiting.*/\1/p'"
umockdev-wrapper "$HARNESS" "$TMP/events" before:"$TMP/root" \
	until:"grep -q 'answer has no acked_seq' $log && grep -q parent_pid '$TMP/state/daemon.state'" \
	cycle:"$TMP/dev":5 \
	run:"$(mode 500)" until:"grep -q 'server answered 500' $log" cycle:"$TMP/dev":5 \
	run:"$(mode slow-liar)" until:"grep -q slow-liar '$TMP/fake.log'" sleep:1100 \
	run:"$waiting >'$TMP/waiting-1'" cycle:"$TMP/dev":10 sleep:1100 \
	run:"$waiting >'$TMP/waiting-2'" run:"echo 500 >'$TMP/mode'; touch '$TMP/release'" \
	until:"grep -q 'but was sent only up to' $log" sleep:1100 run:"$waiting >'$TMP/waiting-3'" \
	run:"$(use "$OTHER_URL")" until:"grep -qi 'certificate' $log" cycle:"$TMP/dev":5 \
	run:"$(use "$REAL_URL")" sleep:1100 \
	until:"$waiting | grep -qx 0" \
	-- "$AGENT" -vv --config "$TMP/agent.ini" run >"$TMP/harness" 2>&1 ||
	{ grep -v "^counterguard-agent: usb: " "$TMP/harness" | tail -n 60; fail "harness"; }
grep -E "^(until|done|FAILED|cycle)" "$TMP/harness" | cut -c1-100
grep -E "uplink|outbox: .*acknowledged" "$TMP/harness" | cut -c1-200

# it kept collecting while the request hung, and the lie deleted only what had been sent
w1=$(cat "$TMP/waiting-1") w2=$(cat "$TMP/waiting-2") w3=$(cat "$TMP/waiting-3")
echo "waiting: $w1 when the request hung, $w2 a second after 10 more plugs, $w3 after the lie"
[ "$w2" -ge $((w1 + 10)) ] || fail "the outbox did not grow while a request hung: $w1, then $w2"
lied=$(awk '$2 == "slow-liar" { $1 = $2 = ""; print }' "$TMP/fake.log" | head -n 1 | wc -w)
[ "$w3" -ge $((w2 - lied)) ] && [ "$w3" -gt 0 ] ||
	fail "the lie deleted what was not sent: $w2 waiting, $lied sent, $w3 left"
grep -q "the server acknowledged seq 1000000000 but was sent only up to" "$TMP/harness" ||
	fail "the lie is not logged"
# the certificate refused: said, and nothing reached that port
grep -qE "uplink: .*(certificate|SSL)" "$TMP/harness" || fail "the wrong certificate is not logged"
port=${OTHER_URL##*:}
! grep -q "^$port " "$TMP/fake.log" || fail "records were sent past a certificate the CA did not sign"
grep -q "answer has no acked_seq" "$TMP/harness" && grep -q "server answered 500" "$TMP/harness" ||
	fail "garbage or 500 not logged"

# on the real server: every seq but those the liar took, once
next=$(sqlite3 "$AGENT_STATE/outbox.db" 'SELECT next_seq FROM meta')
sql "SELECT seq, record_type, body FROM $RECORDS WHERE agent_id = '$AGENT_ID' ORDER BY seq" \
	>"$TMP/stored"
"$PY" - "$TMP/stored" "$next" "$TMP/fake.log" <<'PY' || fail "the records on the server"
import collections, sys
rows = [l.rstrip("\n").split("|", 2) for l in open(sys.argv[1])]
last = int(sys.argv[2]) - 1
lied = set()
for l in open(sys.argv[3]):
    f = l.split()
    if f[1] == "slow-liar":
        lied |= set(map(int, f[2:]))
seqs = [int(r[0]) for r in rows]
want = sorted(set(range(1, last + 1)) - lied)
assert seqs == want, "stored %s, wanted %s" % (seqs, want)
events = collections.Counter(b for _, t, b in rows if t == "event")
assert all(n == 1 for n in events.values()), "an event stored twice"
print("seqs 1 to %d: %d stored once each, %d taken by the liar (%s..%s)" % (
    last, len(seqs), len(lied), min(lied), max(lied)))
PY

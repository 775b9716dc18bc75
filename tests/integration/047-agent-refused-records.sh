#!/usr/bin/env bash
# Records the server refuses for what they are (400 "invalid record", "malformed JSON": a body
# it cannot take, say a newer agent's field) do not hold back the records behind them. A proxy
# in front of the real server refuses two records: seq 3 by name ("records[N]..." in the
# detail), seq 6 without naming it (then the agent sends one record a batch until it is
# alone). Both are deleted from the outbox, counted as dropped and told to the server in a
# records_dropped event; every other record arrives, once, and neither refused one is sent
# again.
. "$(dirname "$0")/lib-agent.sh"
server_up
agent_enrolled
"$PY" "$FIXTURE" --root >"$TMP/root"
"$PY" "$FIXTURE" --at 1-2 noserial >"$TMP/dev"

# The proxy: HTTPS with the server's certificate; each request is a line in $TMP/proxy.log
# (the seqs it carried, then what was answered). Until $TMP/open exists it answers 503: the
# records pile up and go in one batch.
cat >"$TMP/proxy.py" <<'PY'
import http.server, json, os, ssl, sys, threading, urllib.error, urllib.request
tmp, real = sys.argv[1], sys.argv[2]
log = open(os.path.join(tmp, "proxy.log"), "a", buffering=1)
upstream = ssl.create_default_context(cafile=os.path.join(tmp, "server.crt"))

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def answer(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        seqs = [r["seq"] for r in json.loads(body)["records"]]
        if not os.path.exists(os.path.join(tmp, "open")):
            code, out = 503, b'{"error": "busy"}'
        elif 3 in seqs:
            i = seqs.index(3)
            code, out = 400, json.dumps({"error": "invalid record", "detail":
                "records[%d].body.devices[0].frobnicate: unknown field" % i}).encode()
        elif 6 in seqs:
            code, out = 400, b'{"error": "malformed JSON", "detail": "line 1 column 9: invalid token"}'
        else:
            req = urllib.request.Request(real + self.path, data=body, method="POST", headers={
                "Authorization": self.headers["Authorization"],
                "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, context=upstream) as r:
                    code, out = r.status, r.read()
            except urllib.error.HTTPError as e:
                code, out = e.code, e.read()
        log.write("%s -> %d\n" % (" ".join(map(str, seqs)), code))
        self.answer(code, out)

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.path.join(tmp, "server.crt"), os.path.join(tmp, "server.key"))
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(os.path.join(tmp, "proxy.url"), "w") as f:
    f.write("https://127.0.0.1:%d\n" % srv.server_port)
srv.serve_forever()
PY
: >"$TMP/proxy.log"
"$PY" "$TMP/proxy.py" "$TMP" "$URL" 2>"$TMP/proxy.err" &
at_exit "kill $!"
for ((i = 0; i < 100; i++)); do [ -s "$TMP/proxy.url" ] && break; sleep 0.05; done
[ -s "$TMP/proxy.url" ] || fail "the proxy did not start: $(cat "$TMP/proxy.err")"
sed -i "s|^url = .*|url = $(cat "$TMP/proxy.url")|" "$TMP/agent.ini"

waiting="'$AGENT' --config '$TMP/agent.ini' status | sed -n 's/^Outbox: *\([0-9]*\) records waiting.*/\1/p'"
# a snapshot, then 12 events; then, to report the drops, a reload's snapshot
umockdev-wrapper "$HARNESS" "$TMP/events" before:"$TMP/root" \
	until:"grep -q parent_pid '$TMP/state/daemon.state'" \
	cycle:"$TMP/dev":6 sleep:500 run:"touch '$TMP/open'" \
	until:"grep -q 'refused record 6' '$TMP/harness'" \
	run:"kill -HUP \$(sed -n 's/^parent_pid = //p' '$TMP/state/daemon.state')" sleep:1100 \
	until:"$waiting | grep -qx 0" \
	-- "$AGENT" -vv --config "$TMP/agent.ini" run >"$TMP/harness" 2>&1 ||
	{ grep -v "^counterguard-agent: usb: " "$TMP/harness" | tail -n 60; cat "$TMP/proxy.log"; fail "harness"; }
cat "$TMP/proxy.log"
grep -E "uplink|dropped" "$TMP/harness" | cut -c1-200

grep -q "the server refused record 3 (invalid record: records\[[0-9]*\].body.devices\[0\].frobnicate" \
	"$TMP/harness" || fail "the refusal of record 3 is not logged with the server's detail"
grep -q "the server refused record 6 (malformed JSON" "$TMP/harness" || fail "record 6's refusal not logged"
grep -q "without naming one: sending them one by one" "$TMP/harness" ||
	fail "a batch refused without a name did not make the agent send one by one"
# each refused record left the outbox: never sent again after its refusal; 6 was found by
# sending one by one (alone, then refused), and whole batches came back after it
sent_after() { # SEQ REGEX: the batches that carried SEQ after the first line matching REGEX
	awk -v s="$1" -v re="$2" '{ has = 0; for (i = 1; $i != "->"; i++) if ($i == s) has = 1 }
		has && seen { n++ } $0 ~ re { seen = 1 } END { print n + 0 }' "$TMP/proxy.log"
}
[ "$(sent_after 3 '(^| )3 .*-> 400$')" = 0 ] || fail "record 3 was sent again after its refusal"
[ "$(sent_after 6 '^6 -> 400$')" = 0 ] || fail "record 6 was sent again after its refusal"
grep -qx "6 -> 400" "$TMP/proxy.log" || fail "record 6 was never sent alone"
sed -n '/^6 -> 400$/,$p' "$TMP/proxy.log" | grep -q "^7 8 " || fail "no whole batch after record 6"

# the server: every other seq once, and the drop told
next=$(sqlite3 "$AGENT_STATE/outbox.db" 'SELECT next_seq FROM meta')
sql "SELECT seq, record_type, body FROM $RECORDS WHERE agent_id = '$AGENT_ID' ORDER BY seq" \
	>"$TMP/stored"
"$PY" - "$TMP/stored" "$next" <<'PY' || fail "the records on the server"
import json, sys
rows = [l.rstrip("\n").split("|", 2) for l in open(sys.argv[1])]
last = int(sys.argv[2]) - 1
seqs = [int(r[0]) for r in rows]
want = [s for s in range(1, last + 1) if s not in (3, 6)]
assert seqs == want, "stored %s, wanted %s" % (seqs, want)
told = sum(json.loads(b).get("dropped", 0) for _, t, b in rows
           if t == "event" and json.loads(b)["event"] == "records_dropped")
assert told == 2, "records_dropped told %d, not 2" % told
print("seqs 1 to %d stored but 3 and 6, once each; records_dropped told 2" % last)
PY

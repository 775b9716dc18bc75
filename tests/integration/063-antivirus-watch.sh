#!/usr/bin/env bash
# `watch` says the moment the antivirus stops and starts again: a real clamd, killed while the
# agent watches, gives antivirus_stopped for ClamAV within the watch period (2 s); started
# again, antivirus_started with its new process.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-antivirus.sh"

av_db 27000 3600
av_ns '
clamd_start
"$AGENT" watch >"$TMP/events" 2>"$TMP/watch.err" & watch=$!
sleep 1 # its baseline: clamd running
clamd_stop
t0=$(date +%s%N)
for _ in $(seq 100); do grep -q antivirus_stopped "$TMP/events" && break; sleep 0.05; done
echo $(( ($(date +%s%N) - t0) / 1000000 )) >"$TMP/stop.ms"
clamd_start
cat "$TMP/clamd.pid" >"$TMP/pid2"
for _ in $(seq 100); do grep -q antivirus_started "$TMP/events" && break; sleep 0.05; done
kill $watch; wait $watch || true
'
validate "$TMP/events"
ev() { "$PY" -c "import json,sys
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e['event'].startswith('antivirus_'):
        a=e['antivirus']; print(e['event'], a['profile'], a.get('running'), [p['pid'] for p in a.get('processes', [])])" "$TMP/events"; }
[ "$(ev)" = "antivirus_stopped clamav False []
antivirus_started clamav True [$(cat "$TMP/pid2")]" ] || fail "events: $(cat "$TMP/events"; cat "$TMP/watch.err")"
ms=$(cat "$TMP/stop.ms")
[ "$ms" -lt 3000 ] || fail "antivirus_stopped came $ms ms after clamd stopped"
echo "watch ok (stopped seen after $ms ms)"

#!/usr/bin/env bash
# An SQL injection corpus in every field that reaches a query — the unit tree and token
# commands, enrollment's host facts, every free-text field of snapshots and events — on
# SQLite and on PostgreSQL: each value is stored verbatim and every table is still there.
. "$(dirname "$0")/lib-server.sh"

make_cert
CORPUS="$TMP/corpus.json"
"$PY" - "$CORPUS" <<'PYEOF'
import json, sys
corpus = [
    "'; DROP TABLE agents;--",
    "\" OR \"1\"=\"1",
    "Robert'); DROP TABLE raw_records;--",
    "1; DELETE FROM devices",
    "' OR 1=1 --",
    "'; SELECT pg_sleep(10);--",
    "$1 $2 ?1 ?NNN :name @x",
    "%s%n%x%d",
    "' UNION SELECT secret_hash FROM agents--",
    "$$; DROP TABLE units; $$",
    "\\'; DROP TABLE hosts;--",
    "x'||(SELECT token_hash FROM enroll_tokens)||'",
    "Quầy 1 — \"tiếng Việt\" ' ; --",
    "*/ DROP TABLE findings; /*",
    "\\x27; TRUNCATE lookups;--",
]
json.dump(corpus, open(sys.argv[1], "w"), ensure_ascii=False)
PYEOF

TABLES="units enroll_tokens agents hosts devices device_events printers scanners antivirus_states firewall_states accounts sessions lookups findings raw_records schema_migrations"

scenario() {
	use_backend "$1"
	write_config
	cg migrate 2>/dev/null || fail "migrate"
	cg units add 01 --name P --kind province 2>/dev/null || fail "units add"
	# the command line: codes, names, parents
	local i=0 s code
	while IFS= read -r s; do
		i=$((i + 1))
		cg units add "$s" --name "$s" --kind district --parent 01 2>/dev/null ||
			fail "units add '$s'"
		cg units add "c$i$s" --name "$s" --kind counter --parent "$s" 2>/dev/null ||
			fail "units add under '$s'"
		cg token create --unit "$s" >/dev/null 2>&1 || fail "token create --unit '$s'"
		cg agents revoke "$s" 2>/dev/null && fail "revoked an agent named '$s'"
	done < <("$PY" -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))))' "$CORPUS")
	code=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[0])' "$CORPUS")
	TOKEN=$(cg token create --unit "$code" 2>/dev/null) || fail "token create"

	server_start
	# enrollment with hostile host facts
	"$PY" - "$CORPUS" "$TOKEN" "$TMP/enroll.json" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
host = {k: c[i % len(c)] for i, k in enumerate(["machine_id", "hostname", "unit", "counter", "os_id", "os_name", "os_version", "kernel", "arch", "dmi_vendor", "dmi_model", "dmi_serial", "dmi_asset_tag", "agent_version", "policy_version"])}
json.dump({"token": sys.argv[2], "host": host}, open(sys.argv[3], "w"))
PYEOF
	post /api/v1/enroll "$TMP/enroll.json"
	expect 200 credential
	CRED=$(jget "$TMP/resp" 'd["credential"]')

	# every free-text field of a snapshot and of events
	"$PY" - "$CORPUS" "$TMP/batch.json" <<'PYEOF'
import json, sys, itertools
c = itertools.cycle(json.load(open(sys.argv[1])))
n = lambda: next(c)
t = "2026-11-23T10:00:00Z"
dev = lambda: {"kinds": ["storage"], "bus": n(), "port": n(), "vendor_id": "0781", "product_id": "5581",
               "vendor": n(), "product": n(), "serial": n(), "usb_version": n(),
               "interfaces": [{"number": "00", "class": 8, "driver": n(), "label": n()}],
               "disks": [{"name": n(), "devnode": n(), "vendor": n(), "model": n(), "serial": n(),
                          "partitions": [{"name": n(), "fs_type": n(), "fs_label": n(), "fs_uuid": n()}]}]}
sess = lambda: {"user": n(), "tty": n(), "remote_address": n(), "login_time": t}
look = lambda: {"time": t, "exe": n(), "user": n(), "dest_ip": n(), "server_name": n(), "verdict": "unapproved"}
find = lambda: {"rule_id": n(), "severity": "high", "message_vi": n(), "message_en": n(), "evidence": n(), "legal_ref": n()}
snap = {"schema_version": 1, "generated_at": t,
        "host": {k: n() for k in ["machine_id", "hostname", "unit", "counter", "os_id", "os_name", "os_version", "kernel", "arch", "dmi_vendor", "dmi_model", "dmi_serial", "dmi_asset_tag", "agent_version", "policy_version"]} | {"netifs": [{"name": n()}]},
        "devices": [dev() for _ in range(15)],
        "printers": [{"name": n(), "make_model": n(), "uri": n(), "location": n(), "info": n()} for _ in range(15)],
        "scanners": [{"name": n(), "vendor": n(), "model": n(), "type": n()} for _ in range(15)],
        "antivirus": [{"product": n(), "signature_version": n()} for _ in range(15)],
        "firewall": {"backend": "nftables", "open_ports": [{"protocol": "tcp", "port": 1, "address": n(), "program": n()}]},
        "accounts": [{"name": n(), "shell": n()} for _ in range(15)],
        "sessions": [sess() for _ in range(15)],
        "lookups": [look() for _ in range(15)],
        "findings": [find() for _ in range(15)],
        "missing": [{"fact": n(), "reason": n()}]}
ev = lambda seq, e, **kw: {"seq": seq, "type": "event", "time": t, "body": {"schema_version": 1, "time": t, "event": e, **kw}}
json.dump({"records": [{"seq": 1, "type": "snapshot", "time": t, "body": snap},
                       ev(2, "device_added", device=dev()), ev(3, "login", session=sess()),
                       ev(4, "lookup", lookup=look()), ev(5, "finding_opened", finding=find())]},
          open(sys.argv[2], "w"), ensure_ascii=False)
PYEOF
	post_records "$TMP/batch.json" "$CRED"
	expect 200 '"acked_seq":5'
	post_records "$TMP/batch.json" "$CRED"
	expect 200 '"acked_seq":5'

	# every table is there and the rows are what was sent, character for character
	for t in $TABLES; do sql "SELECT COUNT(*) FROM $t" >/dev/null || fail "table $t is gone"; done
	[ "$(sql 'SELECT COUNT(*) FROM agents')" = 1 ] || fail "agents"
	[ "$(sql 'SELECT COUNT(*) FROM raw_records')" = 5 ] || fail "raw_records"
	cg dump >"$TMP/dump.jsonl" 2>/dev/null || fail "dump"
	"$PY" - "$CORPUS" "$TMP/dump.jsonl" <<'PYEOF' || fail "values not stored verbatim"
import json, sys
corpus = set(json.load(open(sys.argv[1])))
rows = [json.loads(l) for l in open(sys.argv[2])]
units = [r["row"] for r in rows if r["table"] == "units"]
for col in ("code", "name"):
    if not corpus <= {u[col] for u in units}:
        print("units", col, "misses", sorted(corpus - {u[col] for u in units})[:3]); sys.exit(1)
want = {"hosts": ["hostname", "os_name", "dmi_serial", "counter_label"],
        "devices": ["vendor", "product", "serial", "port"], "printers": ["name", "uri"],
        "scanners": ["name", "model"], "accounts": ["name", "shell"],
        "sessions": ["user_name", "tty"], "lookups": ["exe", "server_name"],
        "findings": ["rule_id", "evidence", "message_vi"], "antivirus_states": ["product"],
        "device_events": ["serial", "vendor"]}
bad = 0
for table, cols in want.items():
    got = [r["row"] for r in rows if r["table"] == table]
    if not got:
        print("no rows in", table); bad += 1; continue
    for col in cols:
        vals = {g[col] for g in got if g.get(col) is not None}
        if not vals or not vals <= corpus:
            print(table, col, "has values outside the corpus:", sorted(vals - corpus)[:3]); bad += 1
        if table in ("devices", "printers", "accounts", "findings") and len(vals) < 3:
            print(table, col, "too few distinct values", vals); bad += 1
sys.exit(1 if bad else 0)
PYEOF
	server_stop || fail "server exit status"
	echo "ok ($BACKEND)"
}

scenario sqlite
scenario postgresql

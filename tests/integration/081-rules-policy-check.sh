#!/usr/bin/env bash
# `rules` lists the catalogue (every implemented rule, the planned ones marked as such, texts
# in both languages, legal references as data); `policy check` accepts the shipped example
# and refuses bad files with file:line and what is wrong.
. "$(dirname "$0")/lib.sh"

"$AGENT" rules --format json >"$TMP/rules.json"
"$PY" - "$TMP/rules.json" <<'PY' || fail "rules json"
import json, sys
rules = json.load(open(sys.argv[1]))
ids = [r["id"] for r in rules]
assert len(ids) == len(set(ids)) and len(ids) >= 20, ids
impl = {r["id"] for r in rules if r["implemented"]}
for want in ["CG-USB-001", "CG-USB-002", "CG-USB-003", "CG-USB-004", "CG-USB-005",
             "CG-USB-006", "CG-SYS-001", "CG-SYS-002", "CG-AV-001", "CG-AV-002", "CG-AV-003",
             "CG-AV-004", "CG-AV-005", "CG-ACC-001", "CG-ACC-002", "CG-ACC-003", "CG-ACC-004",
             "CG-ACC-005", "CG-FW-001", "CG-FW-002", "CG-FW-003", "CG-PRN-001", "CG-PRN-002"]:
    assert want in impl, want
families = {r["family"] for r in rules}
assert {"usb", "printers", "antivirus", "firewall", "accounts", "lookup"} <= families, families
for r in rules:
    assert r["severity"] in ("info", "low", "medium", "high", "critical"), r
    for k in ("title", "why", "fix"):
        assert r[k]["vi"] and r[k]["en"] and r[k]["vi"] != r[k]["en"], (r["id"], k)
    assert r["legal_refs"], r["id"]
    for l in r["legal_refs"]:
        assert l["now"] and isinstance(l["checked"], bool), l
# Vietnamese with its diacritics, in NFC
import unicodedata
t = next(r for r in rules if r["id"] == "CG-USB-001")["title"]["vi"]
assert t == "Thiết bị lưu trữ USB chưa được phê duyệt" and unicodedata.is_normalized("NFC", t)
print(len(rules), "rules,", len(impl), "implemented")
PY
"$AGENT" rules --lang en >"$TMP/rules.txt"
grep -qE '^CG-USB-001 +high +usb +implemented +Unapproved USB storage device$' "$TMP/rules.txt" ||
	fail "rules table: $(head -3 "$TMP/rules.txt")"
grep -qE '^CG-AV-004 +high +antivirus +implemented ' "$TMP/rules.txt" || fail "CG-AV-004 not implemented"
grep -qE '^CG-LKP-001 +critical +lookup +planned ' "$TMP/rules.txt" || fail "planned rule not marked"
"$AGENT" rules --lang vi | grep -qE '^CG-USB-001 +cao +usb +đang áp dụng +Thiết bị lưu trữ' ||
	fail "rules in Vietnamese"

# the shipped example is valid
"$AGENT" policy check "$SRCDIR/policy/example/policy.conf" >"$TMP/out" || fail "example refused"
grep -q ": ok (" "$TMP/out" || fail "example: $(cat "$TMP/out")"

# bad files: file:line: setting: what is wrong; exit 1
bad() { # NAME CONTENT EXPECTED-MESSAGE
	printf '%b' "$2" >"$TMP/$1.conf"
	set +e
	"$AGENT" policy check "$TMP/$1.conf" >/dev/null 2>"$TMP/err"; rc=$?
	set -e
	[ $rc = 1 ] || fail "$1: rc=$rc"
	grep -qF "$TMP/$1.conf:$3" "$TMP/err" || fail "$1: $(cat "$TMP/err"), want :$3"
}
bad unknown 'usb = {\n  storage_mod = "audit";\n};\n' '2: usb.storage_mod: unknown setting'
bad toplevel 'version = "1";\nprinters = {};\n' '2: printers: unknown setting'
bad type 'antivirus = {\n  realtime = "yes";\n};\n' '2: antivirus.realtime: true or false expected'
bad range 'antivirus = {\n max_signature_age_days = 400;\n};\n' '2: antivirus.max_signature_age_days: 400 is out of range (0..365)'
bad usbid 'usb = { approved = (\n { vendor = "0781"; product = "55G7"; } ); };\n' "2: usb.approved[0].product: '55G7' is not a USB id"
bad required 'usb = { approved = (\n { vendor = "0781"; } ); };\n' "2: usb.approved[0]: 'product' is missing"
bad hours 'lookup = { office_hours = {\n start = "7h"; }; };\n' "2: lookup.office_hours.start: '7h' is not a time HH:MM"
bad order 'lookup = {\n office_hours = { start = "18:00"; end = "07:00"; }; };\n' '2: lookup.office_hours: start must be before end'
bad day 'lookup = { office_hours = {\n days = [ "mon", "sunday" ]; }; };\n' "2: lookup.office_hours.days[1]: 'sunday' is not a day"
bad cidr 'lookup = { endpoints = {\n cidrs = [ "10.0.0.0/33" ]; }; };\n' "2: lookup.endpoints.cidrs[0]: '10.0.0.0/33' is not an address"
bad sha 'lookup = { tools = ( {\n path = "/usr/bin/x"; sha256 = "abc"; } ); };\n' '2: lookup.tools[0].sha256: not a SHA-256'
bad rule 'rules = {\n disabled = [ "CG-USB-999" ]; };\n' "2: rules.disabled[0]: 'CG-USB-999' is not a rule"
bad syntax 'usb = {\n storage_mode = audit;\n};\n' '2: syntax error'
bad port 'firewall = { allowed_services = (\n { protocol = "tcp"; port = 70000; } ); };\n' '2: firewall.allowed_services[0].port: 70000 is out of range'
set +e
"$AGENT" policy check "$TMP/absent.conf" 2>"$TMP/err"; rc=$?
"$AGENT" policy 2>/dev/null; rc2=$?
set -e
[ $rc = 1 ] && grep -q "absent.conf: No such file" "$TMP/err" || fail "absent file: rc=$rc"
[ $rc2 = 2 ] || fail "policy without check: rc=$rc2"
echo "rules and policy check ok"

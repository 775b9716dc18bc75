#!/usr/bin/env bash
# `check` under a umockdev testbed, with a policy written here: an approved stick, an
# unapproved external disk, a multifunction printer approved for printing and scanning but
# not for its card slot, a signing token, a keyboard and a mouse. The findings name the
# rule, the device and its serial, in Vietnamese or English; the exit status follows
# --fail-on; a bad policy is a configuration error (2) saying file:line.
. "$(dirname "$0")/lib.sh"
need umockdev-run
bed=$(usbfixture stick disk mfp token hub_keyboard_mouse)
# the rules on this PC's own antivirus, firewall, accounts and printers are switched off: this
# test is about USB (084 tests them)
posture='"CG-AV-001", "CG-AV-002", "CG-AV-003", "CG-AV-004", "CG-AV-005", "CG-ACC-001",
  "CG-ACC-002", "CG-ACC-003", "CG-ACC-004", "CG-ACC-005", "CG-FW-001", "CG-FW-002", "CG-FW-003",
  "CG-PRN-001", "CG-PRN-002"'
cat >"$TMP/policy.conf" <<CONF
version = "test-080";
usb = {
  storage_mode = "audit";
  approved = (
    { vendor = "0781"; product = "5567"; serial = "4C530001230415116241"; },
    { vendor = "04B8"; product = "1128"; classes = [ 0x07, 0xff ]; }
  );
};
rules = { disabled = [ $posture ]; };
CONF
check() { umockdev-run -d "$bed" -- "$AGENT" check --policy "$TMP/policy.conf" "$@"; }

# JSON: the report with its findings, valid against the schema
set +e
check --format json >"$TMP/check.json"; rc=$?
set -e
[ $rc = 1 ] || fail "check with a high finding: rc=$rc, want 1"
validate "$TMP/check.json"
jget "$TMP/check.json" '"\n".join("%s|%s|%s" % (f["rule_id"], f["severity"], f["evidence"]) for f in d["findings"] if f["rule_id"].startswith("CG-USB"))' >"$TMP/got"
cat >"$TMP/want" <<'WANT'
CG-USB-001|high|USB 1058:25a2 Western Digital Elements 25A2; serial=575834314133394C; port=1-2
CG-USB-002|medium|USB 04b8:1128 EPSON L3150 Series; serial=58344B3033303637; port=1-3; storage interface
WANT
diff -u "$TMP/want" "$TMP/got" || fail "USB findings differ"
# the approved stick, the token, the keyboard and the mouse give nothing; verdicts say so
jget "$TMP/check.json" '"\n".join("%s %s" % (x["port"], x.get("verdict")) for x in d["devices"])' >"$TMP/got"
cat >"$TMP/want" <<'WANT'
1-1 approved
1-2 unapproved
1-3 unapproved
1-4 approved
1-5 None
1-5.1 None
1-5.2 None
WANT
diff -u "$TMP/want" "$TMP/got" || fail "verdicts differ"
[ "$(jget "$TMP/check.json" 'd["host"]["policy_version"]')" = test-080 ] || fail "policy_version"
[ "$(jget "$TMP/check.json" '[f for f in d["findings"] if f["rule_id"] == "CG-USB-001"][0]["message_vi"]')" = \
	"Thiết bị lưu trữ USB chưa được phê duyệt" ] || fail "message_vi"
jget "$TMP/check.json" '[f for f in d["findings"] if f["rule_id"] == "CG-USB-001"][0]["legal_ref"]' |
	grep -q "Nghị định 331/2026/NĐ-CP.*trước đây: Nghị định 85/2016/NĐ-CP" || fail "legal_ref"

# the table, in Vietnamese where LANG says so: grouped by severity, with the serial
set +e
LANG=vi_VN.UTF-8 LC_ALL= LC_MESSAGES= check >"$TMP/vi.txt"; rc=$?
set -e
[ $rc = 1 ] || fail "table rc=$rc"
grep -q "^Chính sách: $TMP/policy.conf (phiên bản test-080)\$" "$TMP/vi.txt" || fail "no policy heading"
grep -q '^Mức cao (1)$' "$TMP/vi.txt" || fail "no 'Mức cao (1)': $(cat "$TMP/vi.txt")"
grep -q '^  CG-USB-001  Thiết bị lưu trữ USB chưa được phê duyệt$' "$TMP/vi.txt" || fail "vi title"
grep -q 'Bằng chứng: .*serial=575834314133394C' "$TMP/vi.txt" || fail "vi evidence"
grep -q 'Khắc phục: Tháo thiết bị khỏi máy tính' "$TMP/vi.txt" || fail "vi remediation"
# high before medium
[ "$(grep -n '^Mức cao' "$TMP/vi.txt" | cut -d: -f1)" -lt "$(grep -n '^Mức trung bình' "$TMP/vi.txt" | cut -d: -f1)" ] ||
	fail "severities out of order"
set +e
LANG=C LC_ALL= check >"$TMP/en.txt"
check --lang en >"$TMP/en2.txt"
set -e
grep -q '^  CG-USB-001  Unapproved USB storage device$' "$TMP/en.txt" || fail "en title"
cmp -s "$TMP/en.txt" "$TMP/en2.txt" || fail "--lang en differs from LANG=C"

# --fail-on: nothing critical here; and 'warning' is medium
check --fail-on critical >/dev/null || fail "--fail-on critical should pass"
set +e
check --fail-on warning >/dev/null; rc=$?
set -e
[ $rc = 1 ] || fail "--fail-on warning rc=$rc"

# approving the disk and the card slot leaves nothing at or above medium: exit 0
cat >"$TMP/ok.conf" <<CONF
usb = { approved = ( { vendor = "0781"; product = "5567"; },
                     { vendor = "1058"; product = "25a2"; serial = "575834314133394C"; },
                     { vendor = "04b8"; product = "1128"; } ); };
rules = { disabled = [ "CG-SYS-002", $posture ]; };
CONF
umockdev-run -d "$bed" -- "$AGENT" check --policy "$TMP/ok.conf" --format json >"$TMP/ok.json" ||
	fail "approved devices still fail"
[ "$(jget "$TMP/ok.json" '",".join(f["rule_id"] for f in d["findings"])')" = CG-SYS-001 ] ||
	fail "findings with everything approved: $(jget "$TMP/ok.json" 'd["findings"]')"

# a bad policy, an unknown option: 2, the policy's error as file:line
printf 'usb = {\n  storage_mode = "lock";\n};\n' >"$TMP/bad.conf"
set +e
check --policy "$TMP/bad.conf" 2>"$TMP/err" >/dev/null; rc=$?
set -e
[ $rc = 2 ] || fail "bad policy rc=$rc"
grep -q "bad.conf:2: usb.storage_mode: 'lock' is not one of" "$TMP/err" || fail "bad policy: $(cat "$TMP/err")"
set +e
"$AGENT" check --fail-on loud 2>"$TMP/err"; rc=$?
"$AGENT" check --policy "$TMP/none.conf" 2>"$TMP/err2"; rc2=$?
set -e
[ $rc = 2 ] && grep -q "'loud'" "$TMP/err" || fail "bad --fail-on: rc=$rc $(cat "$TMP/err")"
[ $rc2 = 2 ] && grep -q "none.conf: No such file" "$TMP/err2" || fail "missing policy: rc=$rc2"
echo "check ok"

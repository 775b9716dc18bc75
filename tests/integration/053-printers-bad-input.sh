#!/usr/bin/env bash
# Print and scan services that misbehave: hostile bytes in queue names, make-and-model (a
# PPD's NickName), info and a location far too long; no cupsd at all; a cupsd that accepts and
# never answers, one that dies mid-answer, one that answers garbage; a SANE backend whose
# discovery hangs. Always: bounded time, valid JSON (UTF-8, the schema), the cut string named
# in missing[], a clear log line, an aligned table without control characters, exit 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-printers.sh"
cups_start
sane_test_config

# --- hostile strings from a real cupsd ---
sed "s/@NICK@/Evil $(printf '\xff\xfe\x1b[31mRED\x1b[0m <script>alert(1)<\\/script> "q"')/" \
	>"$TMP/evil.ppd" <<'PPD'
*PPD-Adobe: "4.3"
*FormatVersion: "4.3"
*FileVersion: "1.0"
*LanguageVersion: English
*LanguageEncoding: ISOLatin1
*PCFileName: "EVIL.PPD"
*Manufacturer: "Evil"
*Product: "(Evil)"
*ModelName: "Evil Model"
*ShortNickName: "Evil"
*NickName: "@NICK@"
*PSVersion: "(3010.000) 0"
*LanguageLevel: "3"
*ColorDevice: False
*DefaultColorSpace: Gray
*FileSystem: False
*Throughput: "1"
*LandscapeOrientation: Plus90
*TTRasterizer: Type42
*cupsFilter: "application/vnd.cups-raster 0 -"
*OpenUI *PageSize: PickOne
*DefaultPageSize: A4
*PageSize A4/A4: "<</PageSize[595 842]>>setpagedevice"
*CloseUI: *PageSize
*DefaultImageableArea: A4
*ImageableArea A4/A4: "0 0 595 842"
*DefaultPaperDimension: A4
*PaperDimension A4/A4: "595 842"
PPD
lpadd evil 'socket://192.0.2.1' -P "$TMP/evil.ppd"
lpadd "$(printf 'bad\xff\xfe<b>')" 'socket://192.0.2.2'
lpadd esc 'socket://192.0.2.3' -D "$(printf 'desc\x1b[2J\x07bell')" -L "$(head -c 5000 /dev/zero | tr '\0' L)"
"$AGENT" inventory --only printers --format json >"$TMP/hostile.json"
validate "$TMP/hostile.json"
"$PY" - "$TMP/hostile.json" <<'PY' || fail "hostile strings"
import json, sys
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")  # strict: valid UTF-8 or this raises
d = json.loads(raw)
p = {x["name"]: x for x in d["printers"]}
assert "bad\ufffd\ufffd<b>" in p, list(p)
evil = p["evil"]["make_model"]
assert evil.startswith("Evil ") and "<script>" in evil and "\x1b[31m" in evil, evil
assert p["esc"]["info"] == "desc\x1b[2J\x07bell"
assert len(p["esc"]["location"]) == 1024, len(p["esc"]["location"])
assert {"fact": "printers[1].location", "reason": "cut at 1024 of 5000 bytes"} in d["missing"], d["missing"]
print("hostile strings ok")
PY
"$AGENT" inventory --only printers >"$TMP/hostile.table"
cat "$TMP/hostile.table"
! grep -q $'\x1b\|\x07' "$TMP/hostile.table" || fail "control characters reach the terminal"
"$PY" "$SRCDIR/tests/lib/aligned.py" "$TMP/hostile.table" || fail "hostile table not aligned"

# --- no print service at all ---
CUPS_SERVER="$TMP/nobody.sock" "$AGENT" inventory --only printers --format json >"$TMP/none.json" ||
	fail "exit status without cupsd"
validate "$TMP/none.json"
[ "$(jget "$TMP/none.json" '(d["collectors"], d["missing"])')" = \
	"(['printers'], [{'fact': 'printers', 'reason': 'print service not running (nothing answers at $TMP/nobody.sock)'}])" ] ||
	fail "no cupsd: $(cat "$TMP/none.json")"

# --- misbehaving servers, and a hanging SANE backend, all at once: each bounded ---
for mode in silent die garbage; do
	"$PY" "$SRCDIR/tests/lib/fake-cupsd.py" "$TMP/$mode.sock" $mode &
	at_exit "kill $! 2>/dev/null"
done
sleep 0.3
sane_hang_backend
for mode in die garbage; do
	start=$(date +%s%N)
	CUPS_SERVER="$TMP/$mode.sock" "$AGENT" inventory --only printers --format json >"$TMP/$mode.json" ||
		fail "$mode: exit status"
	ms=$((($(date +%s%N) - start) / 1000000))
	validate "$TMP/$mode.json"
	reason=$(jget "$TMP/$mode.json" '[m["reason"] for m in d["missing"] if m["fact"] == "printers"][0]')
	echo "$mode: $ms ms: $reason"
	[[ "$reason" == "print service did not answer"* ]] || fail "$mode: $reason"
	[ $ms -lt 2000 ] || fail "$mode took $ms ms"
done
start=$(date +%s%N)
CUPS_SERVER="$TMP/silent.sock" "$AGENT" inventory --only printers,scanners --format json \
	>"$TMP/hang.json" 2>"$TMP/hang.log" || fail "hang: exit status"
ms=$((($(date +%s%N) - start) / 1000000))
cat "$TMP/hang.log"
validate "$TMP/hang.json"
echo "silent cupsd and hanging SANE: $ms ms"
[ $ms -lt 12000 ] || fail "hang took $ms ms"
[ "$(jget "$TMP/hang.json" 'd["missing"]')" = \
	"[{'fact': 'printers', 'reason': 'print service did not answer within 3000 ms'}, {'fact': 'collector.scanners', 'reason': 'did not finish within 10000 ms'}]" ] ||
	fail "hang: $(jget "$TMP/hang.json" 'd["missing"]')"
grep -q "scanners: snapshot failed: did not finish within 10000 ms" "$TMP/hang.log" || fail "no log line"
echo "bad input ok"

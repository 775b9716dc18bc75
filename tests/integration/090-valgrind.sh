#!/usr/bin/env bash
# Once without sanitizers: the plain build under valgrind (memcheck) over the full testbed,
# table and JSON. Catches what ASan's instrumentation hides (uninitialised reads).
. "$(dirname "$0")/lib.sh"
need valgrind
need umockdev-run
plain="$SRCDIR/build/counterguard-agent"
[ -x "$plain" ] || skip "no plain build (make check builds it)"
bed=$(usbfixture stick disk printer scanner mfp token hub_keyboard_mouse phone netadapter noserial hostile)
for fmt in json table; do
	umockdev-run -d "$bed" -- valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=9 "$plain" inventory --format "$fmt" >"$TMP/out.$fmt" 2>"$TMP/vg.$fmt" ||
		{ cat "$TMP/vg.$fmt"; fail "valgrind: inventory --format $fmt"; }
done
validate "$TMP/out.json"
echo "valgrind clean"

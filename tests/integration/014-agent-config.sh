#!/usr/bin/env bash
# agent.ini: the unit and counter it names are in every report (table and JSON); a bad
# file stops the agent with the file, line and key; without --config and without the file,
# the agent runs and reports no unit.
. "$(dirname "$0")/lib.sh"
cat >"$TMP/agent.ini" <<'INI'
; where this PC stands
[agent]
unit = 0101Q1
counter = Quầy 1 - Bộ phận Một cửa
INI
"$AGENT" --config "$TMP/agent.ini" inventory --only system --format json >"$TMP/inv.json"
validate "$TMP/inv.json"
[ "$(jget "$TMP/inv.json" '(d["host"]["unit"], d["host"]["counter"])')" = \
	"('0101Q1', 'Quầy 1 - Bộ phận Một cửa')" ] || fail "unit/counter in JSON"
"$AGENT" -c "$TMP/agent.ini" inventory --only system >"$TMP/table"
grep -qE '^Counter +Quầy 1 - Bộ phận Một cửa$' "$TMP/table" || fail "counter in the table"

printf '[agent]\nunit = 0101Q1\ncolour = red\n' >"$TMP/bad.ini"
set +e
"$AGENT" -c "$TMP/bad.ini" inventory >"$TMP/out" 2>"$TMP/err"; rc=$?
set -e
[ $rc = 2 ] || fail "bad agent.ini: exit $rc"
grep -qF "$TMP/bad.ini:3: unknown key 'colour' in [agent]" "$TMP/err" || fail "message: $(cat "$TMP/err")"
[ ! -s "$TMP/out" ] || fail "a report was printed despite the bad file"
set +e
"$AGENT" -c "$TMP/missing.ini" inventory >/dev/null 2>"$TMP/err"; rc=$?
set -e
[ $rc = 2 ] && grep -q 'missing.ini: cannot open' "$TMP/err" || fail "missing --config file: $rc"
# the default path, absent here: runs, no unit
[ -e /etc/counterguard/agent.ini ] || {
	"$AGENT" inventory --only system --format json >"$TMP/plain.json"
	[ "$(jget "$TMP/plain.json" '"unit" in d["host"]')" = False ] || fail "unit without agent.ini"
}
echo "agent.ini ok"

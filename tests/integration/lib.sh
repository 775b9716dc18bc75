# Shared by the numbered integration tests: sourced, never run. Each test gets a private
# temp dir removed on exit, whatever happens.
set -euo pipefail
: "${BUILD:?run through tests/run-tests.sh or set BUILD}"
SRCDIR="${SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
AGENT="$BUILD/counterguard-agent"
PY=/usr/bin/python3 # Debian's modules (jsonschema) are for Debian's python
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cg-test.XXXXXX")
cleanup_hooks=()
on_exit() { # run hooks in reverse, then remove the temp dir
	local i
	for ((i = ${#cleanup_hooks[@]} - 1; i >= 0; i--)); do eval "${cleanup_hooks[$i]}" || true; done
	rm -rf "$TMP"
}
trap on_exit EXIT
at_exit() { cleanup_hooks+=("$1"); }

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skipped: $*"; exit 77; }
need() { command -v "$1" >/dev/null || skip "$1 is not installed"; }

# usbfixture SCENARIO... : a umockdev testbed file with those devices, path on stdout
usbfixture() {
	local f="$TMP/testbed-$RANDOM.umockdev"
	"$PY" "$SRCDIR/tests/lib/usbfixture.py" "$@" >"$f"
	echo "$f"
}

# validate FILE... : every JSON document in them matches docs/report-schema-v1.json
validate() { "$PY" "$SRCDIR/tests/lib/validate.py" "$@" || fail "schema validation: $*"; }

# jq-like field access without jq: jget FILE PYTHON-EXPR (the document is `d`)
jget() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

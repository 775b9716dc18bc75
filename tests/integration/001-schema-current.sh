#!/usr/bin/env bash
# docs/report-schema-v1.json is what the code accepts: regenerate it and compare.
. "$(dirname "$0")/lib.sh"
"$BUILD/tests/gen-schema" >"$TMP/schema.json"
diff -u "$SRCDIR/docs/report-schema-v1.json" "$TMP/schema.json" ||
	fail "docs/report-schema-v1.json is stale: run 'make schema' and commit it"
echo "schema is current"

#!/usr/bin/env bash
# The store's unit test (test_server_store, on SQLite in the unit run) on a real PostgreSQL.
. "$(dirname "$0")/lib-server.sh"

T="$BUILD/tests/unit/server/test_server_store"
[ -x "$T" ] || skip "$T is not built"
pg_start
CG_TEST_STORE_URL="$PG_URL" "$T" || fail "test_server_store on PostgreSQL"

# two servers migrating one fresh database at once: both succeed, each migration once
psql -q -h "$PG_DIR" -p 5432 -U postgres -c 'CREATE DATABASE cg2' >/dev/null || fail "createdb"
STORE_URL="postgresql://postgres@/cg2?host=$PG_DIR&port=5432"
write_config
cg migrate 2>"$TMP/m1.log" &
m1=$!
cg migrate 2>"$TMP/m2.log" &
m2=$!
wait $m1 || fail "first migrate: $(cat "$TMP/m1.log")"
wait $m2 || fail "second migrate: $(cat "$TMP/m2.log")"
[ "$(psql -X -At -h "$PG_DIR" -p 5432 -U postgres cg2 -c 'SELECT COUNT(*) FROM schema_migrations')" = 2 ] ||
	fail "schema_migrations"
for v in 1 2; do
	[ "$(cat "$TMP/m1.log" "$TMP/m2.log" | grep -c "migrated to schema version $v")" = 1 ] ||
		fail "migration $v applied twice: $(cat "$TMP/m1.log" "$TMP/m2.log")"
done
echo ok

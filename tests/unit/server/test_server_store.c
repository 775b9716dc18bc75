/* The store, on SQLite by default or on the database CG_TEST_STORE_URL names (the
 * integration test 103 runs it on a real PostgreSQL): migrations, the unit tree, tokens,
 * enrollment, authentication, ingest (idempotency, history, atomicity), retention, dump. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "auth.h"
#include "batch.h"
#include "log.h"
#include "store.h"

static struct store *s;
static char dir[] = "/tmp/test-server-store.XXXXXX";
static char db[64];

static int64_t count(const char *sql, const char *arg) {
        struct store_params p;
        char *v = NULL;
        int64_t n;

        store_params_init(&p);
        if (arg)
                store_param_str(&p, arg);
        assert_true(store_query_one(s, sql, arg ? &p : NULL, &v) >= 0);
        n = v ? strtoll(v, NULL, 10) : -1;
        free(v);
        return n;
}

static char *value(const char *sql, const char *arg) {
        struct store_params p;
        char *v = NULL;

        store_params_init(&p);
        store_param_str(&p, arg);
        assert_true(store_query_one(s, sql, &p, &v) >= 0);
        return v;
}

static int setup(void **state) {
        const char *url = getenv("CG_TEST_STORE_URL");
        struct store_options o = {.busy_timeout_ms = 2000};

        (void)state;
        log_setup("test_server_store",
                  getenv("CG_TEST_VERBOSE") ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR);
        if (!url) {
                if (!mkdtemp(dir))
                        return -1;
                snprintf(db, sizeof(db), "sqlite:%s/s.db", dir);
                url = db;
        }
        return store_open(url, &o, &s) < 0 ? -1 : 0;
}

static int teardown(void **state) {
        char path[128];

        (void)state;
        store_close(s);
        if (db[0]) {
                static const char *const suffix[] = {"", "-wal", "-shm"};
                for (size_t i = 0; i < 3; i++) {
                        snprintf(path, sizeof(path), "%s/s.db%s", dir, suffix[i]);
                        unlink(path);
                }
                rmdir(dir);
        }
        return 0;
}

static void test_migrate(void **state) {
        int64_t v = -1;

        (void)state;
        assert_int_equal(store_check_schema(s), -ESTALE);
        assert_int_equal(store_migrate(s), 0);
        assert_int_equal(store_migrate(s), 0);
        assert_int_equal(store_schema_version(s, &v), 0);
        assert_int_equal(v, store_schema_latest());
        assert_int_equal(store_check_schema(s), 0);
}

static void test_units(void **state) {
        (void)state;
        assert_int_equal(store_unit_add(s, "01", "Tỉnh", "province", NULL), 0);
        assert_int_equal(store_unit_add(s, "0101", "Huyện", "district", "01"), 0);
        assert_int_equal(store_unit_add(s, "0102", "Sở", "department", "01"), 0);
        assert_int_equal(store_unit_add(s, "010101", "Xã", "commune", "0101"), 0);
        assert_int_equal(store_unit_add(s, "Q1", "Quầy 1", "counter", "010101"), 0);
        assert_int_equal(store_unit_add(s, "Q2", "Quầy Sở", "counter", "0102"), 0);
        assert_int_equal(store_unit_add(s, "01", "again", "province", NULL), -EEXIST);
        assert_int_equal(store_unit_add(s, "X", "x", "village", NULL), -EINVAL);
        assert_int_equal(store_unit_add(s, "X", "x", "commune", "01"), -EINVAL);
        assert_int_equal(store_unit_add(s, "X", "x", "district", NULL), -EINVAL);
        assert_int_equal(store_unit_add(s, "X", "x", "province", "01"), -EINVAL);
        assert_int_equal(store_unit_add(s, "X", "x", "counter", "Q1"), -EINVAL);
        assert_int_equal(store_unit_add(s, "X", "x", "counter", "nope"), -ENOENT);
        /* Hostile text is data, stored as it came. */
        assert_int_equal(store_unit_add(s, "'; DROP TABLE units;--",
                                        "Robert'); DELETE FROM units;--", "counter", "0101"),
                         0);
        assert_int_equal(count("SELECT COUNT(*) FROM units", NULL), 7);
        {
                char *name =
                        value("SELECT name FROM units WHERE code = $1", "'; DROP TABLE units;--");
                assert_string_equal(name, "Robert'); DELETE FROM units;--");
                free(name);
        }
}

static void test_tokens(void **state) {
        char *token = NULL, *id = NULL, *cred = NULL, *unit = NULL, hash[AUTH_HASH_HEX + 1];
        struct store_params p;

        (void)state;
        assert_int_equal(store_token_create(s, "nope", 1, 1, &token), -ENOENT);
        assert_int_equal(store_token_create(s, "Q1", 0, 1, &token), -EINVAL);
        assert_int_equal(store_token_create(s, "Q1", 2, 0, &token), 0);
        assert_true(auth_is_hex(token, 64));
        assert_int_equal(store_enroll(s, token, NULL, &id, &cred), 0);
        assert_int_equal(strncmp(cred, id, strlen(id)), 0);
        assert_int_equal(store_authenticate(s, id, cred + strlen(id) + 1, &unit), 0);
        assert_string_equal(unit, "Q1");
        free(unit);
        assert_int_equal(store_authenticate(s, id, "00", &unit), -EACCES);
        assert_int_equal(store_authenticate(s, "00000000000000000000000000000000",
                                            cred + strlen(id) + 1, &unit),
                         -EACCES);
        assert_int_equal(store_agent_revoke(s, id), 0);
        assert_int_equal(store_agent_revoke(s, id), 0);
        assert_int_equal(store_agent_revoke(s, "no-such-agent"), -ENOENT);
        assert_int_equal(store_authenticate(s, id, cred + strlen(id) + 1, &unit), -EPERM);
        free(id);
        free(cred);
        /* second use, then used up */
        assert_int_equal(store_enroll(s, token, NULL, &id, &cred), 0);
        free(id);
        free(cred);
        assert_int_equal(store_enroll(s, token, NULL, &id, &cred), -EACCES);
        assert_int_equal(store_enroll(s, "'; DROP TABLE agents;--", NULL, &id, &cred), -EACCES);
        free(token);

        /* expired */
        assert_int_equal(store_token_create(s, "Q1", 5, 1, &token), 0);
        assert_int_equal(auth_hash_hex(token, hash), 0);
        store_params_init(&p);
        store_param_str(&p, hash);
        assert_int_equal(store_exec(s,
                                    "UPDATE enroll_tokens SET expires_at = "
                                    "'2020-01-01T00:00:00Z' WHERE token_hash = $1",
                                    &p, NULL, NULL),
                         1);
        assert_int_equal(store_enroll(s, token, NULL, &id, &cred), -EACCES);
        free(token);
        assert_int_equal(count("SELECT COUNT(*) FROM agents", NULL), 2);
}

static char *agent;

static void enroll_agent(const char *unit) {
        char *token = NULL, *cred = NULL;
        struct report_host h = {0};
        char hostname[] = "pc-1";

        h.hostname = hostname;
        h.uptime_s = 5;
        assert_int_equal(store_token_create(s, unit, 1, 1, &token), 0);
        assert_int_equal(store_enroll(s, token, &h, &agent, &cred), 0);
        free(token);
        free(cred);
}

static void ingest(const char *json, int expect_ret, int64_t expect_acked) {
        struct batch_error err;
        struct batch b;
        int64_t acked = -1;

        if (batch_parse(json, strlen(json), 100, &b, &err) < 0)
                fail_msg("batch: %s", err.detail);
        assert_int_equal(store_ingest(s, agent, "Q1", &b, &acked), expect_ret);
        if (expect_ret == 0)
                assert_int_equal(acked, expect_acked);
        batch_free(&b);
}

#define DEV(serial)                                                                                \
        "{\"kinds\":[\"storage\"],\"bus\":\"usb\",\"vendor_id\":\"0781\",\"product_id\":\"5581\"," \
        "\"serial\":\"" serial "\"}"
#define SNAPSHOT(seq, time, devices, findings)                                                     \
        "{\"seq\":" #seq ",\"type\":\"snapshot\",\"time\":\"" time "\",\"body\":{"                 \
        "\"schema_version\":1,\"generated_at\":\"" time "\",\"host\":{\"hostname\":\"pc-" #seq     \
        "\"},\"devices\":[" devices "],\"findings\":[" findings "]}}"
#define FINDING "{\"rule_id\":\"usb.storage\",\"severity\":\"high\"}"

static void test_ingest(void **state) {
        char *v;

        (void)state;
        enroll_agent("Q1");
        assert_int_equal(count("SELECT COUNT(*) FROM hosts WHERE agent_id = $1", agent), 1);
        ingest("{\"records\":[]}", 0, 0);
        ingest("{\"records\":[" SNAPSHOT(1, "2026-01-01T00:00:00Z", DEV("A") "," DEV("B"),
                                         FINDING) "]}",
               0, 1);
        ingest("{\"records\":[" SNAPSHOT(1, "2026-01-01T00:00:00Z", DEV("A") "," DEV("B"),
                                         FINDING) "]}",
               0, 1);
        assert_int_equal(count("SELECT COUNT(*) FROM raw_records WHERE agent_id = $1", agent), 1);
        assert_int_equal(count("SELECT COUNT(*) FROM devices WHERE agent_id = $1", agent), 2);
        /* B unplugged, finding gone */
        ingest("{\"records\":[" SNAPSHOT(2, "2026-01-02T00:00:00Z", DEV("A"), ) "]}", 0, 2);
        v = value("SELECT connected || ' ' || first_seen || ' ' || last_seen FROM devices WHERE "
                  "serial = 'B' AND agent_id = $1",
                  agent);
        assert_string_equal(v, "0 2026-01-01T00:00:00Z 2026-01-01T00:00:00Z");
        free(v);
        v = value("SELECT connected || ' ' || first_seen || ' ' || last_seen FROM devices WHERE "
                  "serial = 'A' AND agent_id = $1",
                  agent);
        assert_string_equal(v, "1 2026-01-01T00:00:00Z 2026-01-02T00:00:00Z");
        free(v);
        v = value("SELECT state || ' ' || resolved_at FROM findings WHERE agent_id = $1", agent);
        assert_string_equal(v, "resolved 2026-01-02T00:00:00Z");
        free(v);
        v = value("SELECT hostname FROM hosts WHERE agent_id = $1", agent);
        assert_string_equal(v, "pc-2");
        free(v);
        /* the finding comes back: opened anew */
        ingest("{\"records\":[" SNAPSHOT(3, "2026-01-03T00:00:00Z", DEV("A"), FINDING) "]}", 0, 3);
        v = value("SELECT state || ' ' || opened_at FROM findings WHERE agent_id = $1", agent);
        assert_string_equal(v, "open 2026-01-03T00:00:00Z");
        free(v);
        /* a late older snapshot is kept but does not roll the state back */
        ingest("{\"records\":[" SNAPSHOT(0, "2025-12-31T00:00:00Z", DEV("C"), ) "]}", 0, 0);
        assert_int_equal(count("SELECT COUNT(*) FROM raw_records WHERE agent_id = $1", agent), 4);
        assert_int_equal(
                count("SELECT COUNT(*) FROM devices WHERE serial = 'C' AND agent_id = $1", agent),
                0);
        v = value("SELECT hostname FROM hosts WHERE agent_id = $1", agent);
        assert_string_equal(v, "pc-3");
        free(v);
        /* events */
        ingest("{\"records\":[{\"seq\":4,\"type\":\"event\",\"time\":\"2026-01-04T00:00:00Z\","
               "\"body\":{\"schema_version\":1,\"time\":\"2026-01-04T00:00:00Z\",\"event\":"
               "\"device_removed\",\"device\":" DEV(
                       "A") "}},"
                            "{\"seq\":5,\"type\":\"event\",\"time\":\"2026-01-04T00:01:00Z\","
                            "\"body\":{"
                            "\"schema_version\":1,\"time\":\"2026-01-04T00:01:00Z\",\"event\":"
                            "\"login\","
                            "\"session\":{\"user\":\"canbo\",\"tty\":\"tty7\",\"login_time\":"
                            "\"2026-01-04T00:01:00Z\"}}},"
                            "{\"seq\":6,\"type\":\"event\",\"time\":\"2026-01-04T00:02:00Z\","
                            "\"body\":{"
                            "\"schema_version\":1,\"time\":\"2026-01-04T00:02:00Z\",\"event\":"
                            "\"lookup\","
                            "\"lookup\":{\"time\":\"2026-01-04T00:02:00Z\",\"exe\":\"/usr/bin/"
                            "curl\","
                            "\"dest_ip\":\"10.0.0.1\",\"dest_port\":443,\"verdict\":\"unapproved\"}"
                            "}},"
                            "{\"seq\":7,\"type\":\"event\",\"time\":\"2026-01-04T00:03:00Z\","
                            "\"body\":{"
                            "\"schema_version\":1,\"time\":\"2026-01-04T00:03:00Z\",\"event\":"
                            "\"finding_resolved\",\"finding\":" FINDING "}}]}",
               0, 7);
        v = value("SELECT connected || ' ' || disconnected_at FROM devices WHERE serial = 'A' AND "
                  "agent_id = $1",
                  agent);
        assert_string_equal(v, "0 2026-01-04T00:00:00Z");
        free(v);
        assert_int_equal(count("SELECT COUNT(*) FROM device_events WHERE agent_id = $1", agent), 1);
        assert_int_equal(count("SELECT COUNT(*) FROM sessions WHERE agent_id = $1", agent), 1);
        assert_int_equal(count("SELECT COUNT(*) FROM lookups WHERE agent_id = $1", agent), 1);
        v = value("SELECT state FROM findings WHERE agent_id = $1", agent);
        assert_string_equal(v, "resolved");
        free(v);
        v = value("SELECT last_seq FROM agents WHERE id = $1", agent);
        assert_string_equal(v, "7");
        free(v);
        ingest("{\"records\":[]}", 0, 7);
}

static void test_atomic(void **state) {
        struct batch_error err;
        struct batch b;
        int64_t acked;
        const char *json = "{\"records\":[" SNAPSHOT(1, "2026-01-01T00:00:00Z", DEV("Z"), ) "]}";

        (void)state;
        /* An agent the database does not know: the foreign key refuses, nothing remains. */
        assert_int_equal(batch_parse(json, strlen(json), 10, &b, &err), 0);
        assert_true(store_ingest(s, "ffffffffffffffffffffffffffffffff", "Q1", &b, &acked) < 0);
        batch_free(&b);
        assert_int_equal(count("SELECT COUNT(*) FROM raw_records WHERE agent_id = $1",
                               "ffffffffffffffffffffffffffffffff"),
                         0);
        assert_int_equal(count("SELECT COUNT(*) FROM hosts WHERE agent_id = $1",
                               "ffffffffffffffffffffffffffffffff"),
                         0);
        /* and the connection is usable afterwards */
        assert_int_equal(count("SELECT COUNT(*) FROM units", NULL), 7);
}

static void test_purge_dump(void **state) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f;

        (void)state;
        assert_int_equal(store_exec(s,
                                    "UPDATE raw_records SET received_at = '2000-01-01T00:00:00Z'",
                                    NULL, NULL, NULL) > 0,
                         1);
        assert_int_equal(store_purge(s, 0), 0);
        assert_true(count("SELECT COUNT(*) FROM raw_records", NULL) > 0);
        assert_int_equal(store_purge(s, 30), 0);
        assert_int_equal(count("SELECT COUNT(*) FROM raw_records", NULL), 0);
        /* unplugged devices last seen before the cutoff go; hosts stay */
        assert_int_equal(count("SELECT COUNT(*) FROM devices", NULL), 0);
        assert_true(count("SELECT COUNT(*) FROM hosts", NULL) > 0);

        f = open_memstream(&buf, &len);
        assert_non_null(f);
        assert_int_equal(store_dump(s, f), 0);
        fclose(f);
        assert_non_null(strstr(buf, "{\"table\":\"units\",\"row\":{\"code\":\"01\""));
        assert_non_null(strstr(buf, "\"table\":\"hosts\""));
        assert_null(strstr(buf, "secret_hash"));
        free(buf);
        free(agent);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_migrate), cmocka_unit_test(test_units),
                cmocka_unit_test(test_tokens),  cmocka_unit_test(test_ingest),
                cmocka_unit_test(test_atomic),  cmocka_unit_test(test_purge_dump),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}

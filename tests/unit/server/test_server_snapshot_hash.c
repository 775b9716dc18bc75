/* The content hash of a snapshot: the same facts in any key order hash the same; the times
 * (generated_at, host.uptime_s, a device's first and last seen) are not content; every other
 * field is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model.h"
#include "snapshot_hash.h"

#define HOST(uptime)                                                                               \
        "\"host\":{\"hostname\":\"pc-quay-1\",\"uptime_s\":" #uptime ",\"agent_version\":\"0.1\"}"
#define DEVICE(serial, seen)                                                                       \
        "{\"kinds\":[\"storage\"],\"bus\":\"usb\",\"vendor_id\":\"0781\",\"serial\":\"" serial     \
        "\",\"last_seen\":\"" seen "\",\"first_seen\":\"2026-11-23T07:00:00Z\"}"
#define SNAP(at, host, devices)                                                                    \
        "{\"schema_version\":1,\"generated_at\":\"" at "\"," host ",\"devices\":[" devices "]}"

/* The canonical text (malloc'ed into *ret_text when not NULL) and the hash of a snapshot. */
static void digest(const char *json, char **ret_text, char ret_hash[SNAPSHOT_HASH_LEN + 1]) {
        struct model_error err;
        struct report rep;

        report_init(&rep);
        assert_int_equal(model_parse(&report_desc, json, strlen(json), &rep, &err), 0);
        if (ret_text)
                assert_int_equal(snapshot_canonical_json(&rep, ret_text), 0);
        assert_int_equal(snapshot_hash(&rep, ret_hash), 0);
        report_free(&rep);
}

static void hash_of(const char *json, char ret[SNAPSHOT_HASH_LEN + 1]) {
        digest(json, NULL, ret);
}

static void test_canonical(void **state) {
        char h[SNAPSHOT_HASH_LEN + 1];
        char *text = NULL;

        (void)state;
        digest(SNAP("2026-11-23T08:00:00Z", HOST(60), DEVICE("A1", "2026-11-23T08:00:00Z")), &text,
               h);
        /* keys sorted, the times gone, the facts kept */
        assert_null(strstr(text, "generated_at"));
        assert_null(strstr(text, "uptime_s"));
        assert_null(strstr(text, "first_seen"));
        assert_null(strstr(text, "last_seen"));
        assert_non_null(strstr(text, "\"serial\":\"A1\""));
        assert_true(strstr(text, "\"agent_version\"") < strstr(text, "\"hostname\""));
        assert_true(strstr(text, "\"devices\"") < strstr(text, "\"host\""));
        free(text);
}

/* The exact text and its hash, checked against Python's json and hashlib: another encoder
 * (a server version, a tool of an operator's) can reproduce them. */
static void test_known(void **state) {
        char h[SNAPSHOT_HASH_LEN + 1];
        char *text = NULL;

        (void)state;
        digest("{\"schema_version\":1,\"generated_at\":\"2026-11-23T08:00:00Z\","
               "\"host\":{\"uptime_s\":5,\"hostname\":\"pc\"}}",
               &text, h);
        assert_string_equal(text, "{\"host\":{\"hostname\":\"pc\"},\"schema_version\":1,"
                                  "\"type\":\"snapshot\"}");
        assert_string_equal(h, "cQ1AC1edGkDE1lc9XqkVexSkxrpbYmjzVsQWkB1SISM");
        free(text);
}

static void test_same(void **state) {
        static const char *const same[] = {
                /* other times */
                SNAP("2026-11-24T09:30:00Z", HOST(99999), DEVICE("A1", "2026-11-24T09:30:00Z")),
                /* keys in another order */
                "{\"devices\":[{\"first_seen\":\"2026-11-23T07:00:00Z\",\"serial\":\"A1\","
                "\"vendor_id\":\"0781\",\"bus\":\"usb\",\"kinds\":[\"storage\"]}],"
                "\"host\":{\"agent_version\":\"0.1\",\"hostname\":\"pc-quay-1\"},"
                "\"generated_at\":\"2026-11-23T08:00:00Z\",\"schema_version\":1}",
        };
        char a[SNAPSHOT_HASH_LEN + 1], b[SNAPSHOT_HASH_LEN + 1];

        (void)state;
        hash_of(SNAP("2026-11-23T08:00:00Z", HOST(60), DEVICE("A1", "2026-11-23T08:00:00Z")), a);
        assert_int_equal(strlen(a), SNAPSHOT_HASH_LEN);
        for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
                hash_of(same[i], b);
                assert_string_equal(a, b);
        }
}

static void test_different(void **state) {
        static const char *const other[] = {
                /* another serial */
                SNAP("2026-11-23T08:00:00Z", HOST(60), DEVICE("A2", "2026-11-23T08:00:00Z")),
                /* a device more */
                SNAP("2026-11-23T08:00:00Z", HOST(60),
                     DEVICE("A1", "2026-11-23T08:00:00Z") "," DEVICE("B1", "2026-11-23T08:00:00Z")),
                /* another host name */
                SNAP("2026-11-23T08:00:00Z",
                     "\"host\":{\"hostname\":\"pc-quay-2\",\"uptime_s\":60,\"agent_version\":"
                     "\"0.1\"}",
                     DEVICE("A1", "2026-11-23T08:00:00Z")),
        };
        char a[SNAPSHOT_HASH_LEN + 1], b[SNAPSHOT_HASH_LEN + 1], c[SNAPSHOT_HASH_LEN + 1];

        (void)state;
        hash_of(SNAP("2026-11-23T08:00:00Z", HOST(60), DEVICE("A1", "2026-11-23T08:00:00Z")), a);
        for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
                hash_of(other[i], b);
                assert_string_not_equal(a, b);
        }
        /* a time that is content: the antivirus signatures were updated */
        hash_of("{\"schema_version\":1,\"generated_at\":\"2026-11-23T08:00:00Z\",\"host\":{},"
                "\"antivirus\":[{\"product\":\"ClamAV\",\"signature_time\":"
                "\"2026-11-23T06:00:00Z\"}]}",
                b);
        hash_of("{\"schema_version\":1,\"generated_at\":\"2026-11-23T08:00:00Z\",\"host\":{},"
                "\"antivirus\":[{\"product\":\"ClamAV\",\"signature_time\":"
                "\"2026-11-23T07:00:00Z\"}]}",
                c);
        assert_string_not_equal(b, c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_canonical),
                cmocka_unit_test(test_known),
                cmocka_unit_test(test_same),
                cmocka_unit_test(test_different),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

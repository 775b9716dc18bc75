/* The records envelope: what is accepted, and the field path of every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "batch.h"

#define SNAP                                                                                       \
        "{\"schema_version\":1,\"generated_at\":\"2026-11-23T10:00:00Z\",\"host\":{},"             \
        "\"devices\":[{\"kinds\":[\"storage\"],\"bus\":\"usb\",\"vendor_id\":\"0781\"}]}"
#define EVENT                                                                                      \
        "{\"schema_version\":1,\"time\":\"2026-11-23T10:00:00Z\",\"event\":\"device_added\","      \
        "\"device\":{\"kinds\":[\"storage\"],\"bus\":\"usb\"}}"
#define REC(seq, type, body)                                                                       \
        "{\"seq\":" #seq ",\"type\":\"" type "\",\"time\":\"2026-11-23T10:00:00Z\",\"body\":" body \
        "}"

static void test_good(void **state) {
        const char *in = "{\"agent_id\":\"abc\",\"records\":[" REC(7, "snapshot", SNAP) "," REC(
                8, "event", EVENT) "]}";
        struct batch_error err;
        struct batch b;

        (void)state;
        assert_int_equal(batch_parse(in, strlen(in), 10, &b, &err), 0);
        assert_string_equal(b.agent_id, "abc");
        assert_int_equal(b.n_records, 2);
        assert_int_equal(b.records[0].seq, 7);
        assert_int_equal(b.records[0].type, RECORD_SNAPSHOT);
        assert_int_equal(b.records[0].snapshot.n_devices, 1);
        assert_string_equal(b.records[0].snapshot.devices[0].vendor_id, "0781");
        assert_int_equal(b.records[1].type, RECORD_EVENT);
        assert_string_equal(b.records[1].event.event, "device_added");
        assert_string_equal(b.records[1].time, "2026-11-23T10:00:00Z");
        assert_non_null(strstr(b.records[1].body_json, "device_added"));
        batch_free(&b);
        batch_free(&b);
        batch_free(NULL);
}

static void test_empty(void **state) {
        struct batch_error err;
        struct batch b;

        (void)state;
        assert_int_equal(batch_parse("{\"records\":[]}", 14, 10, &b, &err), 0);
        assert_int_equal(b.n_records, 0);
        assert_null(b.agent_id);
        batch_free(&b);
}

static void test_bad(void **state) {
        static const struct {
                const char *in;
                bool syntax;
                const char *detail; /* prefix */
        } cases[] = {
                {"", true, "line 1"},
                {"{\"records\":[", true, "line 1 column 12"},
                {"{\"records\":[],\"records\":[]}", true, "line 1"},
                {"[]", false, "expected an object"},
                {"{}", false, "records: required"},
                {"{\"records\":{}}", false, "records: expected an array"},
                {"{\"records\":[],\"x\":1}", false, "x: unknown field"},
                {"{\"records\":[],\"agent_id\":5}", false, "agent_id: expected a string"},
                {"{\"records\":[1]}", false, "records[0]: expected an object"},
                {"{\"records\":[{\"type\":\"event\"}]}", false, "records[0].seq: required"},
                {"{\"records\":[{\"seq\":-1}]}", false, "records[0].seq: expected"},
                {"{\"records\":[{\"seq\":1.5}]}", false, "records[0].seq: expected"},
                {"{\"records\":[{\"seq\":\"1\"}]}", false, "records[0].seq: expected"},
                {"{\"records\":[{\"seq\":1}]}", false, "records[0].type: required"},
                {"{\"records\":[{\"seq\":1,\"type\":\"x\"}]}", false, "records[0].type: expected"},
                {"{\"records\":[{\"seq\":1,\"type\":\"event\"}]}", false,
                 "records[0].time: required"},
                {"{\"records\":[{\"seq\":1,\"type\":\"event\",\"time\":\"now\"}]}", false,
                 "records[0].time: expected"},
                {"{\"records\":[{\"seq\":1,\"type\":\"event\",\"time\":\"2026-11-23T10:00:00Z\"}]}",
                 false, "records[0].body: required"},
                {"{\"records\":[" REC(1, "event", "[]") "]}", false,
                 "records[0].body: expected an object"},
                {"{\"records\":[" REC(1, "event", SNAP) "]}", false, "records[0].body."},
                {"{\"records\":[" REC(1, "snapshot", EVENT) "]}", false, "records[0].body."},
                {"{\"records\":[" REC(1, "snapshot", SNAP) "," REC(
                         2, "snapshot",
                         "{\"schema_version\":1,\"generated_at\":\"2026-11-23T10:00:00Z\","
                         "\"host\":{},\"devices\":[{\"kinds\":[\"storage\"],\"bus\":\"usb\","
                         "\"vendor_id\":\"07811\"}]}") "]}",
                 false, "records[1].body.devices[0].vendor_id: "},
                {"{\"records\":[" REC(1, "snapshot", SNAP) ",{\"seq\":2,\"z\":0}]}", false,
                 "records[1].z: unknown field"},
                {"{\"records\":[" REC(1, "event",
                                      "{\"schema_version\":2,\"time\":\"2026-11-23T10:00:00Z\","
                                      "\"event\":\"login\"}") "]}",
                 false, "records[0].body.schema_version: "},
                {"{\"records\":[" REC(1, "event", EVENT) "," REC(2, "event", EVENT) "," REC(
                         3, "event", EVENT) "]}",
                 false, "records: more than 2 records"},
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct batch_error err;
                struct batch b = {0};
                int r = batch_parse(cases[i].in, strlen(cases[i].in), 2, &b, &err);

                if (r != -EINVAL || err.syntax != cases[i].syntax ||
                    strncmp(err.detail, cases[i].detail, strlen(cases[i].detail)) != 0)
                        fail_msg("case %zu: %s\n  got %d %d '%s'", i, cases[i].in, r, err.syntax,
                                 err.detail);
                assert_int_equal(b.n_records, 0);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_good),
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_bad),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The report codec: what it prints it accepts, and what it refuses it refuses with the path
 * of the offending field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "report.h"

static void test_roundtrip_full_report(void **state) {
        const char *doc =
                "{\"type\":\"snapshot\",\"schema_version\":1,\"generated_at\":\"2026-11-23T10:"
                "00:00.123Z\",\"collectors\":[\"system\",\"usb\"],\"host\":{\"machine_id\":"
                "\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"hostname\":\"mc-01\",\"unit\":\"P01."
                "X02\",\"netifs\":[{\"name\":\"eth0\",\"mac\":\"02:fc:00:00:00:01\",\"ipv4\":["
                "\"192.0.2.2\"],\"ipv6\":[\"fd00::2\"]}],\"uptime_s\":525},\"devices\":[{"
                "\"kinds\":[\"storage\",\"printer\"],\"bus\":\"usb\",\"port\":\"1-2\","
                "\"vendor_id\":\"0781\",\"product_id\":\"5567\",\"serial\":\"S\\\"N<1>\","
                "\"interfaces\":[{\"number\":\"00\",\"class\":8,\"subclass\":6,\"protocol\":80}"
                "],\"disks\":[{\"name\":\"sdb\",\"size_bytes\":8004304896,\"removable\":true,"
                "\"partitions\":[{\"name\":\"sdb1\",\"fs_label\":\"H\u1ed2 S\u01a0\"}]}],"
                "\"connected\":true}],\"printers\":[{\"name\":\"HP\",\"connection\":\"usb\","
                "\"is_default\":false}],\"firewall\":{\"backend\":\"nftables\",\"active\":true,"
                "\"open_ports\":[{\"protocol\":\"tcp\",\"port\":22}]},\"findings\":[{\"rule_id\":"
                "\"usb.storage.unapproved\",\"severity\":\"high\",\"message_vi\":\"Thi\u1ebft "
                "b\u1ecb l\u01b0u tr\u1eef ch\u01b0a \u0111\u01b0\u1ee3c ph\u00ea duy\u1ec7t\"}"
                "],\"missing\":[{\"fact\":\"host.dmi\",\"reason\":\"none\"}]}";
        struct report r;
        struct model_error err;
        char *out, *out2;

        (void)state;
        report_init(&r);
        assert_int_equal(model_parse(&report_desc, doc, strlen(doc), &r, &err), 0);
        assert_string_equal(r.host->hostname, "mc-01");
        assert_int_equal(r.n_devices, 1);
        assert_int_equal(r.devices[0].kinds,
                         (1u << DEVICE_KIND_STORAGE) | (1u << DEVICE_KIND_PRINTER));
        assert_int_equal(r.devices[0].disks[0].size_bytes, 8004304896LL);
        assert_int_equal(r.devices[0].disks[0].removable, 1);
        assert_string_equal(r.devices[0].serial, "S\"N<1>");
        assert_int_equal(r.firewall->open_ports[0].port, 22);
        out = model_dump(&report_desc, &r, false);
        assert_non_null(out);

        /* copy, re-encode: identical */
        {
                struct report_device copy;
                char *a = model_dump(&report_device_desc, &r.devices[0], false), *b;
                report_device_init(&copy);
                assert_int_equal(report_device_copy(&r.devices[0], &copy), 0);
                b = model_dump(&report_device_desc, &copy, false);
                assert_string_equal(a, b);
                free(a);
                free(b);
                report_device_free(&copy);
        }
        report_free(&r);
        report_init(&r);
        assert_int_equal(model_parse(&report_desc, out, strlen(out), &r, &err), 0);
        out2 = model_dump(&report_desc, &r, false);
        assert_string_equal(out, out2);
        free(out);
        free(out2);
        report_free(&r);
}

struct bad_case {
        const char *json;
        const char *path;
        const char *message;
};

#define BASE "\"schema_version\":1,\"generated_at\":\"2026-11-23T10:00:00Z\""

static const struct bad_case bad_cases[] = {
        {"{\"schema_version\":1,\"host\":{}}", "generated_at", "required"},
        {"{" BASE ",\"host\":{},\"bogus\":1}", "bogus", "unknown field"},
        {"{" BASE ",\"host\":[]}", "host", "expected an object"},
        {"{\"schema_version\":2,\"generated_at\":\"2026-11-23T10:00:00Z\",\"host\":{}}",
         "schema_version", "out of range"},
        {"{" BASE ",\"host\":{},\"devices\":[{\"kinds\":[\"usb\"],\"bus\":\"usb\"}]}",
         "devices[0].kinds[0]", "not a device kind"},
        {"{" BASE ",\"host\":{},\"devices\":[{\"kinds\":[\"hub\",\"hub\"],\"bus\":\"usb\"}]}",
         "devices[0].kinds[1]", "twice"},
        {"{" BASE ",\"host\":{},\"devices\":[{\"kinds\":[\"hub\"],\"bus\":\"usb\"},{\"kinds\":["
         "\"hub\"],\"bus\":\"usb\",\"vendor_id\":\"ABCD\"}]}",
         "devices[1].vendor_id", "4-digit hex"},
        {"{" BASE ",\"host\":{\"netifs\":[{\"name\":\"e\",\"ipv4\":[\"1.2.3.4\",\"::1\"]}]}}",
         "host.netifs[0].ipv4[1]", "IPv4"},
        {"{" BASE ",\"host\":{},\"devices\":[{\"kinds\":[\"hub\"]}]}", "devices[0].bus",
         "required"},
        {"{" BASE ",\"host\":{},\"devices\":[{\"kinds\":[\"hub\"],\"bus\":\"usb\","
         "\"interfaces\":[{\"class\":256}]}]}",
         "devices[0].interfaces[0].class", "out of range"},
        {"{" BASE ",\"host\":{},\"printers\":[{\"name\":\"p\",\"connection\":\"carrier "
         "pigeon\"}]}",
         "printers[0].connection", "allowed values"},
        {"{" BASE ",\"host\":{\"hostname\":\"a\\u0000b\"}}", "line 1 column", "not allowed"},
        {"{" BASE ",\"host\":{\"uptime_s\":\"5\"}}", "host.uptime_s", "expected an integer"},
        {"{" BASE ",\"host\":{},\"type\":\"event\"}", "type", "expected \"snapshot\""},
        {"{\"a\":1,\"a\":2}", "line 1 column", "duplicate"},
        {"{" BASE ",\"host\":{", "line 1 column 66", "near end of file"},
};

static void test_bad_documents(void **state) {
        (void)state;
        for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
                const struct bad_case *c = &bad_cases[i];
                struct report r;
                struct model_error err;
                int e;

                report_init(&r);
                e = model_parse(&report_desc, c->json, strlen(c->json), &r, &err);
                if (e != -EINVAL || strncmp(err.path, c->path, strlen(c->path)) != 0 ||
                    !strstr(err.message, c->message))
                        fail_msg("case %zu: got %d '%s: %s', want '%s: ...%s...'", i, e, err.path,
                                 err.message, c->path, c->message);
                /* nothing half-decoded is left behind */
                assert_null(r.host);
                assert_null(r.devices);
                report_free(&r);
        }
}

static void test_long_string_refused(void **state) {
        size_t n = REPORT_MAX_STRING + 1;
        char *doc = malloc(n + 200), *p;
        struct report r;
        struct model_error err;

        (void)state;
        assert_non_null(doc);
        p = doc + snprintf(doc, 200, "{" BASE ",\"host\":{\"hostname\":\"");
        memset(p, 'a', n);
        memcpy(p + n, "\"}}", 4);
        report_init(&r);
        assert_int_equal(model_parse(&report_desc, doc, strlen(doc), &r, &err), -EINVAL);
        assert_string_equal(err.path, "host.hostname");
        free(doc);
}

static void test_schema_generated(void **state) {
        json_t *s = model_json_schema();
        json_t *dev;

        (void)state;
        assert_non_null(s);
        dev = json_object_get(json_object_get(s, "$defs"), "device");
        assert_non_null(dev);
        assert_true(json_is_false(json_object_get(dev, "additionalProperties")));
        assert_string_equal(
                json_string_value(json_object_get(
                        json_object_get(json_object_get(dev, "properties"), "vendor_id"),
                        "pattern")),
                "^[0-9a-f]{4}$");
        json_decref(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_roundtrip_full_report),
                cmocka_unit_test(test_bad_documents),
                cmocka_unit_test(test_long_string_refused),
                cmocka_unit_test(test_schema_generated),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

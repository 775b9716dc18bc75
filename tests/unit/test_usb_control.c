/* Block mode against a sysfs tree made here: what is deauthorized, what is never touched,
 * and approving a blocked device later authorizes it again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "usb_control.h"

static char root[64];

static void put(const char *rel, const char *value) {
        char path[300], dir[256];
        FILE *f;

        snprintf(dir, sizeof(dir), "%s/bus/usb/devices/%s", root, rel);
        (void)mkdir(dir, 0755);
        snprintf(path, sizeof(path), "%s/authorized", dir);
        f = fopen(path, "we");
        assert_non_null(f);
        fputs(value, f);
        fclose(f);
}

static char got[8];
static const char *get(const char *rel) {
        char path[256];
        FILE *f;

        snprintf(path, sizeof(path), "%s/bus/usb/devices/%s/authorized", root, rel);
        f = fopen(path, "re");
        assert_non_null(f);
        if (!fgets(got, sizeof(got), f))
                got[0] = '\0';
        fclose(f);
        return got;
}

static struct policy load(const char *text) {
        struct policy p;
        char err[256];
        if (policy_load_buffer("t", text, &p, err, sizeof(err)) < 0)
                fail_msg("%s", err);
        return p;
}

static void test_block_and_approve(void **state) {
        struct report_interface stick_if[] = {{(char *)"00", 8, 6, 0x50, NULL, NULL}};
        struct report_interface mfp_if[] = {{(char *)"00", 0xff, 0xff, 0xff, NULL, NULL},
                                            {(char *)"01", 7, 1, 2, NULL, NULL},
                                            {(char *)"02", 8, 6, 0x50, NULL, NULL}};
        struct report_interface kbd_if[] = {{(char *)"00", 3, 1, 1, NULL, NULL}};
        struct report_device stick = {0}, mfp = {0}, kbd = {0};
        struct policy p = load("usb = { storage_mode = \"block\"; approved = ( { vendor = "
                               "\"04b8\"; product = \"1128\"; classes = [7, 0xff]; } ); };");
        struct policy p2 = load("usb = { storage_mode = \"block\"; approved = ( { vendor = "
                                "\"1058\"; product = \"25a2\"; } ); };");
        struct usb_control *c;
        const char *v;
        char dir[128];

        (void)state;
        snprintf(root, sizeof(root), "/tmp/cg-usbctl.XXXXXX");
        assert_non_null(mkdtemp(root));
        snprintf(dir, sizeof(dir), "%s/bus", root);
        assert_int_equal(mkdir(dir, 0755), 0);
        snprintf(dir, sizeof(dir), "%s/bus/usb", root);
        assert_int_equal(mkdir(dir, 0755), 0);
        snprintf(dir, sizeof(dir), "%s/bus/usb/devices", root);
        assert_int_equal(mkdir(dir, 0755), 0);
        put("1-3", "1");
        put("1-4", "1");
        put("1-4:1.2", "1");
        put("1-5", "1");
        stick = (struct report_device){.kinds = 1u << DEVICE_KIND_STORAGE,
                                       .port = (char *)"1-3",
                                       .vendor_id = (char *)"1058",
                                       .product_id = (char *)"25a2",
                                       .interfaces = stick_if,
                                       .n_interfaces = 1};
        mfp = (struct report_device){.kinds = 1u << DEVICE_KIND_STORAGE | 1u << DEVICE_KIND_PRINTER,
                                     .port = (char *)"1-4",
                                     .vendor_id = (char *)"04b8",
                                     .product_id = (char *)"1128",
                                     .interfaces = mfp_if,
                                     .n_interfaces = 3};
        kbd = (struct report_device){.kinds = 1u << DEVICE_KIND_INPUT,
                                     .port = (char *)"1-5",
                                     .vendor_id = (char *)"046d",
                                     .product_id = (char *)"c31c",
                                     .interfaces = kbd_if,
                                     .n_interfaces = 1};
        assert_int_equal(usb_control_new(root, &p, &c), 0);
        assert_int_equal(usb_control_device(c, &stick, &v), 0);
        assert_string_equal(v, "blocked");
        assert_string_equal(get("1-3"), "0");
        assert_int_equal(usb_control_device(c, &mfp, &v), 0);
        assert_string_equal(v, "blocked");
        assert_string_equal(get("1-4"), "1"); /* the device stays: it prints */
        assert_string_equal(get("1-4:1.2"), "0");
        /* deauthorized, the disk loses its interface: still blocked, judged as it was */
        stick.n_interfaces = 0;
        stick.kinds = 1u << DEVICE_KIND_OTHER;
        assert_int_equal(usb_control_device(c, &stick, &v), 0);
        assert_string_equal(v, "blocked");
        assert_non_null(usb_control_blocked(c, "1-3"));
        assert_int_equal(usb_control_blocked(c, "1-3")->n_interfaces, 1);
        stick.n_interfaces = 1;
        stick.kinds = 1u << DEVICE_KIND_STORAGE;
        assert_int_equal(usb_control_device(c, &kbd, &v), 0);
        assert_null(v);
        assert_string_equal(get("1-5"), "1");
        /* a new policy approves the disk (and no longer the MFP's other classes: still
         * blocked) */
        usb_control_set_policy(c, &p2);
        assert_string_equal(get("1-3"), "1");
        assert_string_equal(get("1-4:1.2"), "0");
        /* a bad port never reaches a path */
        mfp.port = (char *)"../../x";
        assert_int_equal(usb_control_device(c, &mfp, &v), 0);
        assert_string_equal(v, "unapproved");
        usb_control_free(c);
        policy_free(&p);
        policy_free(&p2);
        {
                char cmd[128];
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
                assert_int_equal(system(cmd), 0);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {cmocka_unit_test(test_block_and_approve)};
        return cmocka_run_group_tests(tests, NULL, NULL);
}

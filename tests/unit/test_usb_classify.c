/* Device classification, table-driven: each row is what a device declares and what the
 * inventory must call it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "usb_classify.h"

/* clang-format off */ /* 14 and 19 format these differently */
#define K(k) (1u << DEVICE_KIND_##k)
#define IF(c, s, p)                                                                                \
        { NULL, c, s, p, NULL, NULL }
#define IFL(c, s, p, l)                                                                            \
        { NULL, c, s, p, NULL, l }
/* clang-format on */

struct row {
        const char *what;
        int64_t device_class;
        struct report_interface ifs[4];
        size_t n_ifs;
        bool sane, mtp, disk, net, lp;
        uint32_t want;
};

static const struct row rows[] = {
        {"USB stick", 0, {IF(8, 6, 0x50)}, 1, false, false, true, false, false, K(STORAGE)},
        {"stick before its disk appears", 0, {IF(8, 6, 0x50)}, 1, 0, 0, 0, 0, 0, K(STORAGE)},
        {"printer", 0, {IF(7, 1, 2)}, 1, 0, 0, 0, 0, true, K(PRINTER)},
        {"scanner (vendor specific + SANE)",
         0,
         {IF(0xff, 0xff, 0xff)},
         1,
         true,
         0,
         0,
         0,
         0,
         K(SCANNER)},
        {"MFP",
         0,
         {IF(0xff, 0xff, 0xff), IF(7, 1, 2), IF(8, 6, 0x50)},
         3,
         true,
         0,
         true,
         0,
         true,
         K(SCANNER) | K(PRINTER) | K(STORAGE)},
        {"smart-card token", 0, {IF(0x0b, 0, 0)}, 1, 0, 0, 0, 0, 0, K(SMARTCARD)},
        {"keyboard", 0, {IF(3, 1, 1), IF(3, 0, 0)}, 2, 0, 0, 0, 0, 0, K(INPUT)},
        {"hub", 9, {IF(9, 0, 0)}, 1, 0, 0, 0, 0, 0, K(HUB)},
        {"hub not configured", 9, {{0}}, 0, 0, 0, 0, 0, 0, K(HUB)},
        {"MTP phone (label)",
         0,
         {IFL(6, 1, 1, "MTP"), IF(0xff, 0x42, 1)},
         2,
         0,
         0,
         0,
         0,
         0,
         K(PHONE)},
        {"MTP phone (udev)", 0, {IF(6, 1, 1)}, 1, 0, true, 0, 0, 0, K(PHONE)},
        {"PTP camera", 0, {IF(6, 1, 1)}, 1, 0, 0, 0, 0, 0, K(CAMERA_AUDIO)},
        {"ADB only", 0, {IF(0xff, 0x42, 1)}, 1, 0, 0, 0, 0, 0, K(PHONE)},
        {"RNDIS tethering", 0, {IF(0xe0, 1, 3), IF(0x0a, 0, 0)}, 2, 0, 0, 0, 0, 0, K(NETWORK)},
        {"CDC ECM adapter", 0, {IF(2, 6, 0), IF(0x0a, 0, 0)}, 2, 0, 0, 0, 0, 0, K(NETWORK)},
        {"vendor NIC with netdev", 0, {IF(0xff, 0xff, 0)}, 1, 0, 0, 0, true, 0, K(NETWORK)},
        {"webcam",
         0xef,
         {IF(0x0e, 1, 0), IF(0x0e, 2, 0), IF(1, 1, 0)},
         3,
         0,
         0,
         0,
         0,
         0,
         K(CAMERA_AUDIO)},
        {"serial adapter", 0, {IF(0xff, 1, 2)}, 1, 0, 0, 0, 0, 0, K(OTHER)},
        {"modem + storage", 0, {IF(2, 2, 1), IF(8, 6, 0x50)}, 2, 0, 0, 0, 0, 0, K(STORAGE)},
        {"nothing known", REPORT_UNSET, {{0}}, 0, 0, 0, 0, 0, 0, K(OTHER)},
};

static void test_classify_table(void **state) {
        (void)state;
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                const struct row *r = &rows[i];
                struct usb_signals s = {
                        .device_class = r->device_class,
                        .interfaces = r->ifs,
                        .n_interfaces = r->n_ifs,
                        .sane_matched = r->sane,
                        .mtp = r->mtp,
                        .has_disk = r->disk,
                        .has_netdev = r->net,
                        .has_printer = r->lp,
                };
                uint32_t got = usb_classify(&s);
                if (got != r->want) {
                        char g[128], w[128];
                        fail_msg("%s: got %s, want %s", r->what,
                                 device_kinds_string(got, g, sizeof(g)),
                                 device_kinds_string(r->want, w, sizeof(w)));
                }
        }
}

static void test_kinds_string(void **state) {
        char buf[64];

        (void)state;
        assert_string_equal(
                device_kinds_string(K(STORAGE) | K(PRINTER) | K(SCANNER), buf, sizeof(buf)),
                "storage,printer,scanner");
        /* a small buffer is cut, never overrun */
        assert_string_equal(device_kinds_string(K(STORAGE) | K(PRINTER), buf, 10), "storage");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_classify_table),
                cmocka_unit_test(test_kinds_string),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

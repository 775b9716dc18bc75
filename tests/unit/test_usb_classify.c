/* Device classification, table-driven: each row is what a device declares and what the
 * inventory must call it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "usb_classify.h"
#include "usb_interfaces.h"
#include "model.h"

/* clang-format off */ /* 14 and 19 format these differently */
#define K(k) (1u << DEVICE_KIND_##k)
#define IF(c, s, p)                                                                                \
        { NULL, c, s, p, NULL, NULL }
#define IFL(c, s, p, l)                                                                            \
        { NULL, c, s, p, NULL, l }
#define IFD(c, s, p, d)                                                                            \
        { NULL, c, s, p, (char *)(d), NULL }
/* clang-format on */

/* The rows name the signals they need; tty, wlan and radio, when left out, are false. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
struct row {
        const char *what;
        int64_t device_class;
        struct report_interface ifs[4];
        size_t n_ifs;
        bool sane, mtp, disk, net, lp;
        uint32_t want;
        bool tty, wlan, radio;
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
        {"serial adapter, no driver bound", 0, {IF(0xff, 1, 2)}, 1, 0, 0, 0, 0, 0, K(OTHER)},
        {"serial adapter (ch341)", 0, {IFD(0xff, 1, 2, "ch341")}, 1, 0, 0, 0, 0, 0, K(SERIAL)},
        {"serial adapter (tty)", 0, {IF(0xff, 0xff, 0xff)}, 1, 0, 0, 0, 0, 0, K(SERIAL), true},
        {"modem + storage",
         0,
         {IF(2, 2, 1), IF(8, 6, 0x50)},
         2,
         0,
         0,
         0,
         0,
         0,
         K(STORAGE) | K(SERIAL)},
        {"Bluetooth dongle", 0xe0, {IF(0xe0, 1, 1), IF(0xe0, 1, 1)}, 2, 0, 0, 0, 0, 0, K(WIRELESS)},
        {"Bluetooth, not configured", 0xe0, {{0}}, 0, 0, 0, 0, 0, 0, K(WIRELESS)},
        {"Wi-Fi dongle", 0, {IF(0xff, 0xff, 0xff)}, 1, 0, 0, 0, 0, 0, K(WIRELESS), 0, true},
        {"vendor radio with hci", 0, {IF(0xff, 1, 1)}, 1, 0, 0, 0, 0, 0, K(WIRELESS), 0, 0, true},
        {"microphone", 0, {IF(1, 1, 0), IF(1, 2, 0)}, 2, 0, 0, 0, 0, 0, K(CAMERA_AUDIO)},
        {"vendor specific, unknown", 0, {IF(0xff, 0, 0)}, 1, 0, 0, 0, 0, 0, K(OTHER)},
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
                        .has_tty = r->tty,
                        .has_wlan = r->wlan,
                        .has_radio = r->radio,
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

static void free_interfaces(struct report_interface *v, size_t n) {
        for (size_t i = 0; i < n; i++)
                model_free(&report_interface_desc, &v[i]);
        free(v);
}

/* udev's ID_USB_INTERFACES: well-formed entries kept, the rest skipped */
static void test_interfaces_property(void **state) {
        struct report_interface *v = NULL;
        size_t n = 0;

        (void)state;
        assert_int_equal(
                usb_interfaces_from_property(":0e0100:0e0200:xyz:01010:e00101::", &v, &n, 16), 0);
        assert_int_equal(n, 3);
        assert_int_equal(v[0].class_, 0x0e);
        assert_int_equal(v[1].subclass, 2);
        assert_int_equal(v[2].class_, 0xe0);
        assert_int_equal(v[2].protocol, 1);
        assert_null(v[0].number);
        free_interfaces(v, n);
        /* the cap holds */
        v = NULL;
        n = 0;
        assert_int_equal(usb_interfaces_from_property(":080650:080650:080650:", &v, &n, 2), 0);
        assert_int_equal(n, 2);
        free_interfaces(v, n);
}

/* the binary descriptors: first configuration, alternate setting 0 only */
static void test_interfaces_descriptors(void **state) {
        static const uint8_t d[] = {
                18,   1,    0,    2, 0, 0,    0,  64,   0x6e,
                0x09, 0x08, 0x06, 0, 1, 1,    2,  3,    1,  /* device */
                9,    2,    36,   0, 2, 1,    0,  0x80, 50, /* config 1 */
                9,    4,    0,    0, 1, 0x0b, 0,  0,    0,  /* CCID */
                7,    5,    0x81, 3, 8, 0,    10,           /* endpoint */
                9,    4,    1,    0, 0, 0x08, 6,  0x50, 0,  /* storage */
                9,    4,    1,    1, 0, 0xff, 0,  0,    0,  /* alt 1 */
                9,    2,    18,   0, 1, 2,    0,  0x80, 50, /* config 2 */
                9,    4,    0,    0, 0, 0x03, 0,  0,    0,  /* not read */
        };
        struct report_interface *v = NULL;
        size_t n = 0;

        (void)state;
        assert_int_equal(usb_interfaces_from_descriptors(d, sizeof(d), &v, &n, 16), 0);
        assert_int_equal(n, 2);
        assert_int_equal(v[0].class_, 0x0b);
        assert_string_equal(v[1].number, "01");
        assert_int_equal(v[1].class_, 0x08);
        free_interfaces(v, n);
        /* cut anywhere: what came before stands, nothing read past the end */
        for (size_t len = 0; len <= sizeof(d); len++) {
                v = NULL;
                n = 0;
                assert_int_equal(usb_interfaces_from_descriptors(d, len, &v, &n, 16), 0);
                assert_true(n <= 2);
                free_interfaces(v, n);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_classify_table),
                cmocka_unit_test(test_interfaces_property),
                cmocka_unit_test(test_interfaces_descriptors),
                cmocka_unit_test(test_kinds_string),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

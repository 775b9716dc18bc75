/* Device URIs and SANE names, table-driven: what each says about the connection, the
 * address, the USB make, model and serial; a password never kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "printers_uri.h"
#include "report.h"
#include "scanners_name.h"

struct row {
        const char *uri, *connection, *address, *make, *model, *serial, *redacted;
};

static const struct row rows[] = {
        {"usb://EPSON/L3150%20Series?serial=58344B3033303637&interface=1", "usb", NULL, "EPSON",
         "L3150 Series", "58344B3033303637", NULL},
        {"usb://HP/LaserJet%20P1102", "usb", NULL, "HP", "LaserJet P1102", NULL, NULL},
        {"hp:/usb/HP_LaserJet_P1102?serial=000000000Q8C2A1YSI1c", "usb", NULL, "HP",
         "HP_LaserJet_P1102", "000000000Q8C2A1YSI1c", NULL},
        {"hp:/net/HP_LaserJet_400?ip=192.0.2.5", "network", "192.0.2.5", NULL, NULL, NULL, NULL},
        {"ipp://192.0.2.10:631/ipp/print", "network", "192.0.2.10:631", NULL, NULL, NULL, NULL},
        {"IPPS://printer.example/ipp/print", "network", "printer.example", NULL, NULL, NULL, NULL},
        {"socket://[2001:db8::7]:9100", "network", "[2001:db8::7]:9100", NULL, NULL, NULL, NULL},
        {"lpd://192.0.2.20/queue", "network", "192.0.2.20", NULL, NULL, NULL, NULL},
        {"smb://user:secret@server/share", "network", "server", NULL, NULL, NULL,
         "smb://user:***@server/share"},
        {"dnssd://Brother%20HL-L2350DW._ipp._tcp.local/?uuid=e324", "network",
         "Brother HL-L2350DW._ipp._tcp.local", NULL, NULL, NULL, NULL},
        {"file:///dev/null", "file", NULL, NULL, NULL, NULL, NULL},
        {"implicitclass://queue/", "network", "queue", NULL, NULL, NULL, NULL},
        {"cups-pdf:/", "other", NULL, NULL, NULL, NULL, NULL},
        {"not a uri", "other", NULL, NULL, NULL, NULL, NULL},
        {"socket://", "network", NULL, NULL, NULL, NULL, NULL},
        {"usb://%ff%fe/x?serial=%00", "usb", NULL, "\xef\xbf\xbd\xef\xbf\xbd", "x", NULL, NULL},
};

static void check(const char *what, const char *got, const char *want) {
        if (!want && !got)
                return;
        if (!want || !got || strcmp(got, want) != 0)
                fail_msg("%s: got '%s', want '%s'", what, got ? got : "(null)",
                         want ? want : "(null)");
}

static void test_uris(void **state) {
        (void)state;
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                const struct row *r = &rows[i];
                struct printers_uri u;
                assert_int_equal(printers_uri_parse(r->uri, &u), 0);
                check(r->uri, u.connection, r->connection);
                check(r->uri, u.address, r->address);
                check(r->uri, u.usb_make, r->make);
                check(r->uri, u.usb_model, r->model);
                check(r->uri, u.usb_serial, r->serial);
                check(r->uri, u.redacted, r->redacted ? r->redacted : r->uri);
                printers_uri_free(&u);
        }
}

static void test_sane_names(void **state) {
        struct scanners_name n;

        (void)state;
        scanners_name_parse("epson2:libusb:001:005", &n);
        assert_string_equal(n.connection, "usb");
        assert_int_equal(n.busnum, 1);
        assert_int_equal(n.devnum, 5);
        scanners_name_parse("net:192.0.2.9:epson2:libusb:002:010", &n);
        /* on the remote saned's USB bus, not ours */
        assert_string_equal(n.connection, "network");
        assert_true(n.busnum == REPORT_UNSET);
        scanners_name_parse("escl:http://192.0.2.8:80", &n);
        assert_string_equal(n.connection, "network");
        assert_true(n.busnum == REPORT_UNSET);
        scanners_name_parse("test:0", &n);
        assert_string_equal(n.connection, "other");
        scanners_name_parse("x:libusb:0001:2", &n); /* 4 digits: not a sanei_usb name */
        assert_true(n.busnum == REPORT_UNSET);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_uris),
                cmocka_unit_test(test_sane_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

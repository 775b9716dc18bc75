/* The usb collector against a umockdev testbed (run under umockdev-wrapper): devices that
 * vanish while being enumerated or read, and unreadable attributes, become missing facts. */
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
#include <umockdev.h>
#include <unistd.h>

#include "report.h"
#include "usb.h"
#include "usb_read.h"

#define DEVROOT "/devices/pci0000:00/0000:00:14.0/usb1" /* as umockdev files write it */
#define ROOT    "/sys" DEVROOT

static UMockdevTestbed *tb;

static void add_device(const char *port, const char *serial) {
        char text[1024];
        GError *error = NULL;

        snprintf(text, sizeof(text),
                 "P: %s/%s\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nA: idVendor=0781\n"
                 "A: idProduct=5567\nA: serial=%s\nA: bDeviceClass=00\n\n"
                 "P: %s/%s/%s:1.0\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_interface\n"
                 "A: bInterfaceClass=08\n",
                 DEVROOT, port, serial, DEVROOT, port, port);
        assert_true(umockdev_testbed_add_from_string(tb, text, &error));
}

static int setup(void **state) {
        GError *error = NULL;

        (void)state;
        tb = umockdev_testbed_new();
        if (!umockdev_in_mock_environment()) {
                fprintf(stderr, "not under umockdev-wrapper\n");
                exit(77);
        }
        assert_true(umockdev_testbed_add_from_string(
                tb,
                "P: " DEVROOT "\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nA: idVendor=1d6b\n"
                "A: bDeviceClass=09\n",
                &error));
        add_device("1-1", "FIRST");
        add_device("1-2", "SECOND");
        add_device("1-3", "THIRD");
        return 0;
}

static int teardown(void **state) {
        (void)state;
        g_object_unref(tb);
        return 0;
}

struct collected {
        struct report r;
        bool removed_next;
};

/* After the first device is read, the second is unplugged: mid-enumeration. */
static int found_and_unplug_next(const char *syspath, struct report_device *d, void *userdata) {
        struct collected *c = userdata;
        struct report_device *slot = report_add_device(&c->r);

        assert_non_null(slot);
        *slot = *d;
        if (!c->removed_next && strstr(syspath, "/1-1")) {
                umockdev_testbed_remove_device(tb, ROOT "/1-2");
                c->removed_next = true;
        }
        return 0;
}

static void test_vanish_mid_enumeration(void **state) {
        struct udev *udev = udev_new();
        struct collected c = {0};

        (void)state;
        report_init(&c.r);
        assert_int_equal(usb_enumerate(udev, found_and_unplug_next, &c, &c.r), 0);
        /* the others are there, the vanished one is a missing fact, not a half device */
        assert_int_equal(c.r.n_devices, 2);
        assert_string_equal(c.r.devices[0].serial, "FIRST");
        assert_string_equal(c.r.devices[1].serial, "THIRD");
        assert_int_equal(c.r.n_missing, 1);
        assert_non_null(strstr(c.r.missing[0].fact, "1-2"));
        assert_string_equal(c.r.missing[0].reason, "device vanished during enumeration");
        report_free(&c.r);
        udev_unref(udev);
}

static void test_vanish_while_read(void **state) {
        struct udev *udev = udev_new();
        struct udev_device *dev = udev_device_new_from_syspath(udev, ROOT "/1-3");
        struct report_device d;

        (void)state;
        assert_non_null(dev);
        umockdev_testbed_remove_device(tb, ROOT "/1-3");
        report_device_init(&d);
        assert_int_equal(usb_read_device(udev, dev, &d, NULL), -ENODEV);
        report_device_free(&d);
        udev_device_unref(dev);
        udev_unref(udev);
}

static void test_unreadable_attribute(void **state) {
        struct udev *udev = udev_new();
        struct udev_device *dev;
        struct report r;
        struct report_device d;
        char path[512];

        (void)state;
        /* an attribute that cannot be read, whoever we are: a directory where a file was */
        snprintf(path, sizeof(path), "%s%s/1-1/serial", umockdev_testbed_get_root_dir(tb), ROOT);
        assert_int_equal(unlink(path), 0);
        assert_int_equal(mkdir(path, 0755), 0);
        dev = udev_device_new_from_syspath(udev, ROOT "/1-1");
        assert_non_null(dev);
        report_init(&r);
        report_device_init(&d);
        assert_int_equal(usb_read_device(udev, dev, &d, &r), 0);
        assert_null(d.serial);
        assert_string_equal(d.vendor_id, "0781"); /* the rest is read */
        assert_int_equal(r.n_missing, 1);
        assert_string_equal(r.missing[0].fact, "devices[1-1].serial");
        assert_string_equal(r.missing[0].reason, strerror(EISDIR));
        report_device_free(&d);
        report_free(&r);
        udev_device_unref(dev);
        udev_unref(udev);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_vanish_mid_enumeration),
                cmocka_unit_test(test_vanish_while_read),
                cmocka_unit_test(test_unreadable_attribute),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}

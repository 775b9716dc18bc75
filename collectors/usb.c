/* The `usb` collector: every USB peripheral (root hubs left out), classified, with its disks.
 * Snapshots enumerate; hotplug is in usb_hotplug.c. */
#include <errno.h>
#include <libudev.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "log.h"
#include "usb.h"
#include "usb_hotplug.h"
#include "usb_read.h"

int usb_enumerate(struct udev *udev, usb_found_fn found, void *userdata, struct report *missing) {
        struct udev_enumerate *en = udev_enumerate_new(udev);
        struct udev_list_entry *e;
        int r = 0;

        if (!en)
                return -ENOMEM;
        if (udev_enumerate_add_match_subsystem(en, "usb") < 0 ||
            udev_enumerate_add_match_property(en, "DEVTYPE", "usb_device") < 0 ||
            udev_enumerate_scan_devices(en) < 0) {
                udev_enumerate_unref(en);
                return -EIO;
        }
        udev_list_entry_foreach (e, udev_enumerate_get_list_entry(en)) {
                const char *syspath = udev_list_entry_get_name(e);
                struct udev_device *dev = udev_device_new_from_syspath(udev, syspath);
                struct report_device d;

                if (!dev) {
                        /* listed, then gone before we could open it */
                        r = missing ? report_add_missing(missing, syspath,
                                                         "device vanished during enumeration")
                                    : 0;
                        if (r < 0)
                                break;
                        continue;
                }
                if (usb_is_root_hub(dev)) {
                        udev_device_unref(dev);
                        continue;
                }
                report_device_init(&d);
                r = usb_read_device(udev, dev, &d, missing);
                if (r == -ENODEV) {
                        r = missing ? report_add_missing(missing, syspath,
                                                         "device vanished during enumeration")
                                    : 0;
                        report_device_free(&d);
                } else if (r == 0) {
                        r = found(syspath, &d, userdata); /* takes d */
                } else {
                        report_device_free(&d);
                }
                udev_device_unref(dev);
                if (r < 0)
                        break;
        }
        udev_enumerate_unref(en);
        return r;
}

static int add_to_report(const char *syspath, struct report_device *d, void *userdata) {
        struct report *r = userdata;
        struct report_device *slot = report_add_device(r);

        (void)syspath;
        if (!slot) {
                report_device_free(d);
                return -ENOMEM;
        }
        *slot = *d;
        return 0;
}

/* Port order as a person reads it: 1-2 before 1-10, 1-3 before 1-3.1. */
static int by_port(const void *a, const void *b) {
        const struct report_device *x = a, *y = b;
        return strverscmp(x->port ? x->port : "", y->port ? y->port : "");
}

static int usb_snapshot(struct collector_ctx *ctx, struct report *r) {
        struct udev *udev = udev_new();
        size_t before = r->n_devices;
        int e;

        (void)ctx;
        if (!udev)
                return report_add_missing(r, "devices", "libudev unavailable");
        e = usb_enumerate(udev, add_to_report, r, r);
        udev_unref(udev);
        if (r->n_devices > before)
                qsort(r->devices + before, r->n_devices - before, sizeof(*r->devices), by_port);
        if (e == -EIO)
                return report_add_missing(r, "devices", "cannot enumerate /sys/bus/usb");
        return e;
}

const struct collector collector_usb = {
        .name = "usb",
        .section = "devices",
        .init = usb_hotplug_start,
        .snapshot = usb_snapshot,
        .fini = usb_hotplug_stop,
};

/* Printers to USB devices: see printers_usb.h. */
#include "printers_usb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array.h"
#include "model.h"
#include "printers_uri.h"
#include "usb.h"

static int take_device(const char *syspath, struct report_device *d, void *userdata) {
        struct report *devs = userdata;
        struct report_device *slot = report_add_device(devs);

        (void)syspath;
        if (!slot) {
                report_device_free(d);
                return -ENOMEM;
        }
        *slot = *d;
        return 0;
}

int printers_usb_devices(struct report *devs) {
        struct udev *udev = udev_new();
        int e;

        if (!udev)
                return -EIO;
        e = usb_enumerate(udev, take_device, devs, NULL);
        udev_unref(udev);
        return e;
}

int printers_usb_set(const struct report_device *d, char **port, char **serial) {
        free(*port);
        free(*serial);
        *port = d->port ? strdup(d->port) : NULL;
        *serial = d->serial ? strdup(d->serial) : NULL;
        return (d->port && !*port) || (d->serial && !*serial) ? -ENOMEM : 0;
}

static bool same(const char *a, const char *b) {
        return a && b && strcasecmp(a, b) == 0;
}

static bool is_printer(const struct report_device *d) {
        return d->kinds & (1u << DEVICE_KIND_PRINTER);
}

/* The device a usb:// URI names, or NULL. */
static const struct report_device *device_of(const struct printers_uri *u,
                                             const struct report *devs) {
        const struct report_device *found = NULL;
        int n = 0;

        if (u->usb_serial) {
                for (size_t i = 0; i < devs->n_devices; i++)
                        if (same(devs->devices[i].serial, u->usb_serial))
                                return &devs->devices[i];
                return NULL; /* a serial that is not here: that printer is unplugged */
        }
        /* no serial in the URI (printers without one): make and model, if unambiguous */
        for (size_t i = 0; i < devs->n_devices; i++) {
                const struct report_device *d = &devs->devices[i];
                if (is_printer(d) && same(d->vendor, u->usb_make) &&
                    same(d->product, u->usb_model)) {
                        found = d;
                        n++;
                }
        }
        return n == 1 ? found : NULL;
}

static bool matched(const struct report *r, size_t before, const struct report_device *d) {
        for (size_t i = 0; i < before; i++)
                if (r->printers[i].usb_port && d->port &&
                    strcmp(r->printers[i].usb_port, d->port) == 0)
                        return true;
        return false;
}

static int add_unqueued(struct report *r, const struct report_device *d) {
        struct report_printer *p = ARRAY_APPEND(r->printers, r->n_printers, REPORT_MAX_LIST);
        char *make_model = NULL;
        size_t n;

        if (!p)
                return -ENOMEM;
        model_init(&report_printer_desc, p);
        n = (d->vendor ? strlen(d->vendor) : 0) + (d->product ? strlen(d->product) : 0) + 2;
        if (d->vendor || d->product) {
                make_model = malloc(n);
                if (!make_model)
                        return -ENOMEM;
                snprintf(make_model, n, "%s%s%s", d->vendor ? d->vendor : "",
                         d->vendor && d->product ? " " : "", d->product ? d->product : "");
        }
        p->make_model = make_model;
        p->connection = strdup("usb");
        if (!p->connection)
                return -ENOMEM;
        return printers_usb_set(d, &p->usb_port, &p->usb_serial);
}

int printers_usb_match(struct report *r, const struct report *devs) {
        size_t queues = r->n_printers;
        int e = 0;

        for (size_t i = 0; i < queues && e == 0; i++) {
                struct report_printer *p = &r->printers[i];
                const struct report_device *d;
                struct printers_uri u;
                if (!p->uri || !p->connection || strcmp(p->connection, "usb") != 0)
                        continue;
                e = printers_uri_parse(p->uri, &u);
                if (e < 0)
                        break;
                d = device_of(&u, devs);
                if (d)
                        e = printers_usb_set(d, &p->usb_port, &p->usb_serial);
                printers_uri_free(&u);
        }
        for (size_t i = 0; i < devs->n_devices && e == 0; i++)
                if (is_printer(&devs->devices[i]) && !matched(r, queues, &devs->devices[i]))
                        e = add_unqueued(r, &devs->devices[i]);
        return e;
}

/* One USB device from sysfs and the udev database: where a serial is read, where a disk is
 * found, what signals the classifier gets. */
#include "usb_read.h"

#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "model.h"
#include "sysattr.h"
#include "text.h"
#include "usb_classify.h"
#include "usb_interfaces.h"

#define USB_MAX_CHILDREN 256

bool usb_is_root_hub(struct udev_device *dev) {
        const char *name = udev_device_get_sysname(dev);
        return name && strncmp(name, "usb", 3) == 0;
}

static bool property_is(struct udev_device *dev, const char *key, const char *value) {
        const char *v = udev_device_get_property_value(dev, key);
        return v && strcmp(v, value) == 0;
}

/* "480" or "1.5" (low speed), in whole Mbit/s */
static int64_t read_speed(struct udev_device *dev) {
        const char *v = udev_device_get_sysattr_value(dev, "speed");
        return v && *v ? (int64_t)strtol(v, NULL, 10) : REPORT_UNSET;
}

static int read_interface(struct udev_device *intf, struct report_device *d, struct report *m,
                          const char *subject) {
        struct report_interface *f;
        const char *driver = udev_device_get_driver(intf);

        if (d->n_interfaces >= USB_MAX_CHILDREN)
                return 0;
        f = ARRAY_APPEND(d->interfaces, d->n_interfaces, USB_MAX_CHILDREN);
        if (!f)
                return -ENOMEM;
        f->class_ = sysattr_number(intf, "bInterfaceClass", 16);
        f->subclass = sysattr_number(intf, "bInterfaceSubClass", 16);
        f->protocol = sysattr_number(intf, "bInterfaceProtocol", 16);
        if (f->class_ == REPORT_UNSET) /* the schema requires it; 0 is "defined elsewhere" */
                f->class_ = 0;
        if (driver && !(f->driver = text_sanitize(driver, strlen(driver), SYSATTR_MAX)))
                return -ENOMEM;
        if (sysattr_fact(intf, "bInterfaceNumber", &f->number, NULL, NULL, NULL) < 0)
                return -ENOMEM;
        if (f->number && !model_format_valid(FORMAT_HEX2, f->number)) {
                free(f->number);
                f->number = NULL;
        }
        return sysattr_fact(intf, "interface", &f->label, m, subject, "interface");
}

static int read_partition(struct udev_device *part, struct report_disk *k) {
        struct report_partition *p;
        const char *name = udev_device_get_sysname(part);

        if (k->n_partitions >= USB_MAX_CHILDREN)
                return 0;
        p = ARRAY_APPEND(k->partitions, k->n_partitions, USB_MAX_CHILDREN);
        if (!p)
                return -ENOMEM;
        p->size_bytes = sysattr_number(part, "size", 10);
        if (p->size_bytes != REPORT_UNSET)
                p->size_bytes *= 512; /* sysfs counts 512-byte sectors whatever the device */
        p->name = text_sanitize(name, strlen(name), SYSATTR_MAX);
        p->fs_type = sysattr_property(part, "ID_FS_TYPE");
        p->fs_label = sysattr_property(part, "ID_FS_LABEL");
        p->fs_uuid = sysattr_property(part, "ID_FS_UUID");
        return p->name ? 0 : -ENOMEM;
}

static int read_disk(struct udev_device *blk, struct report_device *d, struct report *m,
                     const char *subject) {
        struct report_disk *k;
        const char *name = udev_device_get_sysname(blk), *node = udev_device_get_devnode(blk);
        char sub[600];
        int e;

        if (d->n_disks >= USB_MAX_CHILDREN)
                return 0;
        k = ARRAY_APPEND(d->disks, d->n_disks, USB_MAX_CHILDREN);
        if (!k)
                return -ENOMEM;
        k->size_bytes = sysattr_number(blk, "size", 10);
        if (k->size_bytes != REPORT_UNSET)
                k->size_bytes *= 512;
        k->removable = REPORT_UNKNOWN;
        if (udev_device_get_sysattr_value(blk, "removable"))
                k->removable = sysattr_number(blk, "removable", 10) == 1;
        k->name = text_sanitize(name, strlen(name), SYSATTR_MAX);
        if (!k->name)
                return -ENOMEM;
        if (node && !(k->devnode = text_sanitize(node, strlen(node), SYSATTR_MAX)))
                return -ENOMEM;
        /* udev's ID_* come from the SCSI inquiry and the USB descriptors; sysfs as fallback */
        k->vendor = sysattr_property_decoded(blk, "ID_VENDOR_ENC");
        k->model = sysattr_property_decoded(blk, "ID_MODEL_ENC");
        k->serial = sysattr_property(blk, "ID_SERIAL_SHORT");
        snprintf(sub, sizeof(sub), "%s.disks.%s", subject, k->name);
        if ((e = sysattr_fact(blk, "device/vendor", &k->vendor, m, sub, "vendor")) < 0 ||
            (e = sysattr_fact(blk, "device/model", &k->model, m, sub, "model")) < 0)
                return e;
        /* ID_VENDOR/ID_MODEL last: udev replaced their spaces with '_' */
        if (!k->vendor)
                k->vendor = sysattr_property(blk, "ID_VENDOR");
        if (!k->model)
                k->model = sysattr_property(blk, "ID_MODEL");
        /* a filesystem on the whole disk, without a partition table */
        if (udev_device_get_property_value(blk, "ID_FS_TYPE"))
                return read_partition(blk, k);
        return 0;
}

static struct report_disk *disk_of(struct report_device *d, struct udev_device *part) {
        struct udev_device *parent = udev_device_get_parent(part);
        const char *name = parent ? udev_device_get_sysname(parent) : NULL;

        for (size_t i = 0; name && i < d->n_disks; i++)
                if (strcmp(d->disks[i].name, name) == 0)
                        return &d->disks[i];
        return NULL;
}

/* A USB device's sysfs name is its port path: "1-7", "1-7.2" (root hubs are "usb1"). */
static bool is_usb_device_name(const char *s, size_t n) {
        size_t i = 0;

        if (n > 3 && strncmp(s, "usb", 3) == 0) {
                for (i = 3; i < n && isdigit((unsigned char)s[i]); i++)
                        ;
                return i == n;
        }
        while (i < n && isdigit((unsigned char)s[i]))
                i++;
        if (i == 0 || i >= n || s[i] != '-')
                return false;
        i++;
        /* port numbers separated by dots, none empty */
        for (;;) {
                size_t start = i;
                while (i < n && isdigit((unsigned char)s[i]))
                        i++;
                if (i == start)
                        return false;
                if (i == n)
                        return true;
                if (s[i++] != '.')
                        return false;
        }
}

/* Is dev the nearest USB device above child? Decided on the paths alone: asking udev for
 * each parent would read every ancestor's uevent file again. */
static bool owned_by(const char *child, const char *dev) {
        size_t n = strlen(dev);
        const char *rest;

        if (strncmp(child, dev, n) != 0 || child[n] != '/')
                return false; /* not below it (or the device itself) */
        /* no other USB device in between */
        for (rest = child + n + 1; *rest;) {
                size_t len = strcspn(rest, "/");
                if (is_usb_device_name(rest, len))
                        return false;
                rest += len;
                if (*rest == '/')
                        rest++;
        }
        return true;
}

/* Walk everything below the device once: interfaces, block devices, network interfaces,
 * printer nodes. Partitions come after their disk in the sorted subtree. */
static int read_children(struct udev *udev, struct udev_device *dev, struct report_device *d,
                         struct usb_signals *sig, struct report *m, const char *subject) {
        struct udev_enumerate *en = udev_enumerate_new(udev);
        const char *syspath = udev_device_get_syspath(dev);
        struct udev_list_entry *e;
        int r = 0;

        if (!en)
                return -ENOMEM;
        if (udev_enumerate_add_match_parent(en, dev) < 0 || udev_enumerate_scan_devices(en) < 0) {
                udev_enumerate_unref(en);
                return -ENODEV;
        }
        udev_list_entry_foreach (e, udev_enumerate_get_list_entry(en)) {
                const char *path = udev_list_entry_get_name(e);
                struct udev_device *c;
                const char *ss, *type;

                /* it belongs to a device behind this one (a hub's keyboard), or is the device */
                if (!owned_by(path, syspath))
                        continue;
                c = udev_device_new_from_syspath(udev, path);
                if (!c)
                        continue; /* a child that vanished meanwhile */
                ss = udev_device_get_subsystem(c);
                type = udev_device_get_devtype(c);
                if (!ss) {
                        /* attribute groups and the like */
                } else if (strcmp(ss, "usb") == 0 && type && strcmp(type, "usb_interface") == 0) {
                        r = read_interface(c, d, m, subject);
                } else if (strcmp(ss, "block") == 0 && type && strcmp(type, "disk") == 0) {
                        sig->has_disk = true;
                        r = read_disk(c, d, m, subject);
                } else if (strcmp(ss, "block") == 0 && type && strcmp(type, "partition") == 0) {
                        struct report_disk *k = disk_of(d, c);
                        r = k ? read_partition(c, k) : 0;
                } else if (strcmp(ss, "net") == 0) {
                        /* a Wi-Fi adapter is a radio first: its own kind, not `network` */
                        if (type && strcmp(type, "wlan") == 0)
                                sig->has_wlan = true;
                        else
                                sig->has_netdev = true;
                } else if (strcmp(ss, "tty") == 0 || strcmp(ss, "usb-serial") == 0) {
                        sig->has_tty = true;
                } else if (strcmp(ss, "bluetooth") == 0) {
                        sig->has_radio = true;
                } else if (strcmp(ss, "usbmisc") == 0 &&
                           strncmp(udev_device_get_sysname(c), "lp", 2) == 0) {
                        sig->has_printer = true;
                }
                udev_device_unref(c);
                if (r < 0)
                        break;
        }
        udev_enumerate_unref(en);
        return r;
}

/* The binary `descriptors` attribute: what the kernel read from the device (at most a
 * device descriptor and its configurations; 64 KiB is far more than a real one). */
static int interfaces_from_descriptors(struct udev_device *dev, struct report_device *d) {
        char path[PATH_MAX];
        uint8_t *buf;
        ssize_t n;
        int fd, r;

        if (snprintf(path, sizeof(path), "%s/descriptors", udev_device_get_syspath(dev)) >=
            (int)sizeof(path))
                return 0;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return 0; /* no such attribute: nothing more to know */
        buf = malloc(65536);
        if (!buf) {
                close(fd);
                return -ENOMEM;
        }
        do
                n = read(fd, buf, 65536);
        while (n < 0 && errno == EINTR);
        close(fd);
        r = n > 0 ? usb_interfaces_from_descriptors(buf, (size_t)n, &d->interfaces,
                                                    &d->n_interfaces, USB_MAX_CHILDREN)
                  : 0;
        free(buf);
        return r;
}

/* No interface nodes (no configuration set, nothing bound, a recording made that way): the
 * interfaces udev's usb_id saw, else the descriptors themselves. */
static int interfaces_without_nodes(struct udev_device *dev, struct report_device *d) {
        const char *prop = udev_device_get_property_value(dev, "ID_USB_INTERFACES");
        int r = 0;

        if (prop)
                r = usb_interfaces_from_property(prop, &d->interfaces, &d->n_interfaces,
                                                 USB_MAX_CHILDREN);
        if (r == 0 && d->n_interfaces == 0)
                r = interfaces_from_descriptors(dev, d);
        return r;
}

int usb_read_device(struct udev *udev, struct udev_device *dev, struct report_device *d,
                    struct report *m) {
        struct usb_signals sig = {0};
        const char *port = udev_device_get_sysname(dev);
        char subject[300];
        int r;

        /* A device whose directory is gone has nothing left to read: say so, keep nothing. */
        if (access(udev_device_get_syspath(dev), F_OK) < 0)
                return -ENODEV;
        snprintf(subject, sizeof(subject), "devices[%s]", port);
        if (!(d->bus = strdup("usb")) || !(d->port = text_sanitize(port, strlen(port), 64)))
                return -ENOMEM;
        if ((r = sysattr_fact(dev, "idVendor", &d->vendor_id, m, subject, "vendor_id")) < 0 ||
            (r = sysattr_fact(dev, "idProduct", &d->product_id, m, subject, "product_id")) < 0 ||
            (r = sysattr_fact(dev, "manufacturer", &d->vendor, m, subject, "vendor")) < 0 ||
            (r = sysattr_fact(dev, "product", &d->product, m, subject, "product")) < 0 ||
            (r = sysattr_fact(dev, "serial", &d->serial, m, subject, "serial")) < 0 ||
            (r = sysattr_fact(dev, "version", &d->usb_version, m, subject, "usb_version")) < 0)
                return r;
        /* ids that are not 4 hex digits are not ids */
        if (d->vendor_id && !model_format_valid(FORMAT_HEX4, d->vendor_id)) {
                free(d->vendor_id);
                d->vendor_id = NULL;
        }
        if (d->product_id && !model_format_valid(FORMAT_HEX4, d->product_id)) {
                free(d->product_id);
                d->product_id = NULL;
        }
        /* Without string descriptors, the names udev found in usb.ids */
        if (!d->vendor)
                d->vendor = sysattr_property(dev, "ID_VENDOR_FROM_DATABASE");
        if (!d->product)
                d->product = sysattr_property(dev, "ID_MODEL_FROM_DATABASE");
        d->speed_mbps = read_speed(dev);
        d->device_class = sysattr_number(dev, "bDeviceClass", 16);
        d->busnum = sysattr_number(dev, "busnum", 10);
        d->devnum = sysattr_number(dev, "devnum", 10);
        d->connected = 1;

        r = read_children(udev, dev, d, &sig, m, subject);
        if (r == 0 && d->n_interfaces == 0)
                r = interfaces_without_nodes(dev, d);
        if (r < 0)
                return r;
        sig.device_class = d->device_class;
        sig.interfaces = d->interfaces;
        sig.n_interfaces = d->n_interfaces;
        sig.sane_matched = property_is(dev, "libsane_matched", "yes");
        sig.mtp = property_is(dev, "ID_MTP_DEVICE", "1");
        d->kinds = usb_classify(&sig);
        return 0;
}

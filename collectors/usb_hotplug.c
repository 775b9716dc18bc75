/* USB hotplug. Each device has a cache entry holding its last known facts, so that a removed
 * device is reported with the facts it had (its sysfs directory is gone by then). Events of a
 * device and its children are coalesced for USB_SETTLE_USEC, then the device is read once. */
#include "usb_hotplug.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "log.h"
#include "model.h"
#include "sysattr.h"
#include "timefmt.h"
#include "usb.h"
#include "usb_read.h"

#define USB_MAX_TRACKED 4096

struct usb_entry {
        char *syspath;
        struct report_device dev;
        bool have_facts;
        bool announced;    /* device_added was emitted (or it was there at start) */
        uint64_t deadline; /* when to read it, 0 when nothing is pending */
        uint64_t first_event;
};

struct usb_hotplug {
        struct udev *udev;
        struct udev_monitor *mon;
        struct loop_source *monitor_source;
        struct loop_source *timer;
        struct usb_entry *entries;
        size_t n_entries;
        struct collector_ctx *ctx;
};

/* The entry of syspath itself or, with `owner`, of the nearest usb_device above it: a disk
 * at .../1-1/1-1.4/1-1.4:1.0/host5/... belongs to 1-1.4, not to the hub 1-1 it is behind. */
static struct usb_entry *entry_find(struct usb_hotplug *h, const char *syspath, bool owner) {
        struct usb_entry *best = NULL;
        size_t best_len = 0;

        for (size_t i = 0; i < h->n_entries; i++) {
                struct usb_entry *e = &h->entries[i];
                size_t n = strlen(e->syspath);
                if (strcmp(e->syspath, syspath) == 0)
                        return e;
                if (owner && n > best_len && strncmp(e->syspath, syspath, n) == 0 &&
                    syspath[n] == '/') {
                        best = e;
                        best_len = n;
                }
        }
        return best;
}

static struct usb_entry *entry_add(struct usb_hotplug *h, const char *syspath) {
        struct usb_entry *e = ARRAY_APPEND(h->entries, h->n_entries, USB_MAX_TRACKED);

        if (!e)
                return NULL;
        report_device_init(&e->dev);
        e->syspath = strdup(syspath);
        if (!e->syspath) {
                h->n_entries--;
                return NULL;
        }
        return e;
}

static void entry_drop(struct usb_hotplug *h, struct usb_entry *e) {
        size_t i = (size_t)(e - h->entries);

        free(e->syspath);
        report_device_free(&e->dev);
        h->entries[i] = h->entries[--h->n_entries];
}

static void emit(struct usb_hotplug *h, const char *what, struct report_device *d) {
        struct report_event ev;
        char now[TIMEFMT_RFC3339_SIZE];

        report_event_init(&ev);
        timefmt_now_rfc3339(now);
        ev.time = now;
        ev.event = (char *)(uintptr_t)what; /* borrowed: detached before the event is freed */
        ev.device = d;
        collector_emit(h->ctx, &ev);
}

static int arm_timer(struct usb_hotplug *h) {
        uint64_t next = LOOP_TIMER_OFF;

        for (size_t i = 0; i < h->n_entries; i++)
                if (h->entries[i].deadline && h->entries[i].deadline < next)
                        next = h->entries[i].deadline;
        return loop_timer_set_at(h->timer, next);
}

static void schedule(struct usb_entry *e) {
        uint64_t now = loop_now();

        if (!e->deadline)
                e->first_event = now;
        e->deadline = now + USB_SETTLE_USEC;
        if (e->deadline > e->first_event + USB_SETTLE_MAX_USEC)
                e->deadline = e->first_event + USB_SETTLE_MAX_USEC;
}

/* A child of the device went: read it (device_changed) only if the device itself is still
 * there USB_REMOVE_GRACE_USEC after the last child went. */
static void schedule_after_removal(struct usb_entry *e) {
        uint64_t now = loop_now();

        e->first_event = now;
        e->deadline = now + USB_REMOVE_GRACE_USEC;
}

static bool same_facts(const struct report_device *a, const struct report_device *b) {
        char *ja = model_dump(&report_device_desc, a, false);
        char *jb = model_dump(&report_device_desc, b, false);
        bool same = ja && jb && strcmp(ja, jb) == 0;

        free(ja);
        free(jb);
        return same;
}

/* Read a settled device and say what changed. */
static int settle(struct usb_hotplug *h, struct usb_entry *e) {
        struct udev_device *dev = udev_device_new_from_syspath(h->udev, e->syspath);
        struct report_device d;
        int64_t want_interfaces;
        int r;

        e->deadline = 0;
        if (!dev)
                return 0; /* gone already: the remove event will tell */
        report_device_init(&d);
        r = usb_read_device(h->udev, dev, &d, NULL);
        want_interfaces = sysattr_number(dev, "bNumInterfaces", 10);
        udev_device_unref(dev);
        if (r < 0) {
                report_device_free(&d);
                return r == -ENODEV ? 0 : r;
        }
        /* Not all its interfaces are there yet: wait for them, up to the cap. */
        if ((int64_t)d.n_interfaces < want_interfaces &&
            loop_now() < e->first_event + USB_SETTLE_MAX_USEC) {
                report_device_free(&d);
                e->deadline = loop_now() + USB_SETTLE_USEC;
                return 0;
        }
        if (!e->announced)
                emit(h, "device_added", &d);
        else if (!e->have_facts || !same_facts(&e->dev, &d))
                emit(h, "device_changed", &d);
        report_device_free(&e->dev);
        e->dev = d;
        e->have_facts = true;
        e->announced = true;
        return 0;
}

/* The little a remove event still carries, for a device we never got to read. */
static int facts_from_event(struct udev_device *dev, struct report_device *d) {
        const char *name = udev_device_get_sysname(dev);
        const char *vid = udev_device_get_property_value(dev, "ID_VENDOR_ID");
        const char *pid = udev_device_get_property_value(dev, "ID_MODEL_ID");

        d->kinds = 1u << DEVICE_KIND_OTHER;
        d->bus = strdup("usb");
        d->port = name ? strdup(name) : NULL;
        if (vid && model_format_valid(FORMAT_HEX4, vid))
                d->vendor_id = strdup(vid);
        if (pid && model_format_valid(FORMAT_HEX4, pid))
                d->product_id = strdup(pid);
        d->vendor = sysattr_property(dev, "ID_VENDOR");
        d->product = sysattr_property(dev, "ID_MODEL");
        d->serial = sysattr_property(dev, "ID_SERIAL_SHORT");
        return d->bus ? 0 : -ENOMEM;
}

static int on_removed(struct usb_hotplug *h, struct udev_device *dev, struct usb_entry *e) {
        struct report_device d;
        int r = 0;

        report_device_init(&d);
        if (e && e->have_facts) {
                d = e->dev; /* moved */
                report_device_init(&e->dev);
        } else {
                r = facts_from_event(dev, &d);
        }
        /* Plugged and pulled out before it settled: it was there, however briefly, and an
         * inspector is told both, with what the events said of it. */
        if (r == 0 && e && !e->announced) {
                d.connected = 1;
                emit(h, "device_added", &d);
        }
        if (r == 0) {
                d.connected = 0;
                emit(h, "device_removed", &d);
        }
        report_device_free(&d);
        if (e)
                entry_drop(h, e);
        return r;
}

static int on_uevent(struct usb_hotplug *h, struct udev_device *dev) {
        const char *action = udev_device_get_action(dev);
        const char *syspath = udev_device_get_syspath(dev);
        const char *ss = udev_device_get_subsystem(dev);
        const char *type = udev_device_get_devtype(dev);
        bool is_usb_device =
                ss && type && strcmp(ss, "usb") == 0 && strcmp(type, "usb_device") == 0;
        struct usb_entry *e;

        if (!action || !syspath)
                return 0;
        collector_log(h->ctx, LOG_LEVEL_DEBUG, "%s %s", action, syspath);
        e = entry_find(h, syspath, !is_usb_device);
        if (is_usb_device && strcmp(action, "remove") == 0)
                /* a root hub going (its controller's driver unloaded) is not a peripheral */
                return e || !usb_is_root_hub(dev) ? on_removed(h, dev, e) : 0;
        if (is_usb_device && !e) {
                if (strcmp(action, "add") != 0 || usb_is_root_hub(dev))
                        return 0;
                e = entry_add(h, syspath);
                if (!e)
                        return -ENOMEM;
        }
        if (e && !is_usb_device && strcmp(action, "remove") == 0)
                schedule_after_removal(e);
        else if (e)
                schedule(e); /* the device, or a child of it, appeared or changed */
        return arm_timer(h);
}

static int on_monitor(struct loop_source *s, int fd, uint32_t events, void *userdata) {
        struct usb_hotplug *h = userdata;
        struct udev_device *dev;
        int r = 0;

        (void)s;
        (void)fd;
        (void)events;
        /* drain: several events may be queued behind one wakeup */
        while (r >= 0 && (dev = udev_monitor_receive_device(h->mon))) {
                r = on_uevent(h, dev);
                udev_device_unref(dev);
        }
        return r;
}

static int on_timer(struct loop_source *s, uint64_t now, void *userdata) {
        struct usb_hotplug *h = userdata;
        int r = 0;

        (void)s;
        for (size_t i = 0; i < h->n_entries && r >= 0; i++)
                if (h->entries[i].deadline && h->entries[i].deadline <= now)
                        r = settle(h, &h->entries[i]);
        return r < 0 ? r : arm_timer(h);
}

/* The devices there at start are known, not new: they are cached, not announced. */
static int seed(const char *syspath, struct report_device *d, void *userdata) {
        struct usb_hotplug *h = userdata;
        struct usb_entry *e = entry_add(h, syspath);

        if (!e) {
                report_device_free(d);
                return -ENOMEM;
        }
        e->dev = *d;
        e->have_facts = true;
        e->announced = true;
        return 0;
}

int usb_hotplug_start(struct collector_ctx *ctx) {
        static const char *const subsystems[] = {"usb", "block", "net", "usbmisc"};
        struct usb_hotplug *h = calloc(1, sizeof(*h));
        int r;

        if (!h)
                return -ENOMEM;
        collector_set_state(ctx, h);
        h->ctx = ctx;
        h->udev = udev_new();
        if (!h->udev)
                return -ENOMEM;
        /* "udev" events: after udevd's rules ran, so properties such as libsane_matched and
         * ID_FS_LABEL are there. */
        h->mon = udev_monitor_new_from_netlink(h->udev, "udev");
        if (!h->mon)
                return collector_log_errno(ctx, LOG_LEVEL_ERROR, -EIO,
                                           "cannot open a udev monitor");
        for (size_t i = 0; i < sizeof(subsystems) / sizeof(subsystems[0]); i++)
                if ((r = udev_monitor_filter_add_match_subsystem_devtype(h->mon, subsystems[i],
                                                                         NULL)) < 0)
                        return r;
        if ((r = udev_monitor_enable_receiving(h->mon)) < 0)
                return collector_log_errno(ctx, LOG_LEVEL_ERROR, r, "cannot receive udev events");
        /* Large enough not to lose a burst (a hub with many devices plugged at once). */
        (void)udev_monitor_set_receive_buffer_size(h->mon, 4 * 1024 * 1024);
        if ((r = collector_add_io(ctx, udev_monitor_get_fd(h->mon), LOOP_IN, on_monitor, h,
                                  &h->monitor_source)) < 0 ||
            (r = collector_add_timer(ctx, LOOP_TIMER_OFF, on_timer, h, &h->timer)) < 0)
                return r;
        r = usb_enumerate(h->udev, seed, h, NULL);
        return r == -EIO ? 0 : r;
}

void usb_hotplug_stop(struct collector_ctx *ctx) {
        struct usb_hotplug *h = collector_state(ctx);

        if (!h)
                return;
        loop_source_free(h->monitor_source);
        loop_source_free(h->timer);
        while (h->n_entries)
                entry_drop(h, &h->entries[h->n_entries - 1]);
        free(h->entries);
        udev_monitor_unref(h->mon);
        udev_unref(h->udev);
        free(h);
        collector_set_state(ctx, NULL);
}

/* The `scanners` collector: what SANE's local backends find (scanners_sane.c), tied to the USB
 * device each one is, and the USB scanners no backend listed. SANE discovery can block for
 * seconds (a backend probing the LAN, a device that does not answer): snapshots run in a child
 * killed at the deadline, and `watch` runs each discovery the same way, when a USB device comes
 * or goes and every SCANNERS_POLL_USEC, so the loop never waits for SANE. */
#include <errno.h>
#include <libudev.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "collector.h"
#include "collector_aside.h"
#include "model.h"
#include "printers_usb.h"
#include "scanners_name.h"
#include "scanners_sane.h"
#include "timefmt.h"

#define SCANNERS_TIMEOUT_MS 10000
/* a USB device came or went: discover once its events have settled */
#define SCANNERS_SETTLE_USEC UINT64_C(1000000)
/* network scanners and anything udev does not tell us about */
#define SCANNERS_POLL_USEC UINT64_C(60000000)

static bool is_scanner(const struct report_device *d) {
        return d->kinds & (1u << DEVICE_KIND_SCANNER);
}

static const struct report_device *device_at(const struct report *devs, int64_t bus, int64_t dev) {
        for (size_t i = 0; i < devs->n_devices; i++)
                if (devs->devices[i].busnum == bus && devs->devices[i].devnum == dev)
                        return &devs->devices[i];
        return NULL;
}

static bool matched(const struct report *r, size_t n, const struct report_device *d) {
        for (size_t i = 0; i < n; i++)
                if (r->scanners[i].usb_port && d->port &&
                    strcmp(r->scanners[i].usb_port, d->port) == 0)
                        return true;
        return false;
}

static int add_unlisted(struct report *r, const struct report_device *d) {
        struct report_scanner *s = ARRAY_APPEND(r->scanners, r->n_scanners, REPORT_MAX_LIST);

        if (!s)
                return -ENOMEM;
        model_init(&report_scanner_desc, s);
        if ((d->vendor && !(s->vendor = strdup(d->vendor))) ||
            (d->product && !(s->model = strdup(d->product))) || !(s->connection = strdup("usb")))
                return -ENOMEM;
        return printers_usb_set(d, &s->usb_port, &s->usb_serial);
}

/* SANE names USB devices by bus and device number: the device there is the scanner. */
static int match(struct report *r, const struct report *devs) {
        size_t listed = r->n_scanners;
        int e = 0;

        for (size_t i = 0; i < listed && e == 0; i++) {
                struct report_scanner *s = &r->scanners[i];
                const struct report_device *d;
                struct scanners_name n;
                scanners_name_parse(s->name, &n);
                d = n.busnum != REPORT_UNSET ? device_at(devs, n.busnum, n.devnum) : NULL;
                if (d)
                        e = printers_usb_set(d, &s->usb_port, &s->usb_serial);
        }
        for (size_t i = 0; i < devs->n_devices && e == 0; i++)
                if (is_scanner(&devs->devices[i]) && !matched(r, listed, &devs->devices[i]))
                        e = add_unlisted(r, &devs->devices[i]);
        return e;
}

static int scanners_snapshot(struct collector_ctx *ctx, struct report *r) {
        struct report devs;
        int e;

        (void)ctx;
        e = scanners_sane_query(r);
        if (e < 0)
                return e;
        report_init(&devs);
        e = printers_usb_devices(&devs);
        if (e == 0)
                e = match(r, &devs);
        report_free(&devs);
        return e == -EIO ? 0 : e;
}

struct scanners_watch {
        struct collector_ctx *ctx;
        struct udev *udev;
        struct udev_monitor *mon;
        struct loop_source *monitor_source;
        struct loop_source *timer;
        struct collector_aside *aside;
        bool again; /* a USB event came while a discovery ran: one more after it */
        struct report last;
        bool have_last;
        bool failing;
};

static const struct report_scanner *find(const struct report *r, const char *name) {
        for (size_t i = 0; i < r->n_scanners; i++)
                if (r->scanners[i].name && strcmp(r->scanners[i].name, name) == 0)
                        return &r->scanners[i];
        return NULL;
}

static void emit(struct scanners_watch *w, const char *what, const struct report_scanner *s) {
        struct report_event ev;
        char now[TIMEFMT_RFC3339_SIZE];

        report_event_init(&ev);
        timefmt_now_rfc3339(now);
        ev.time = now;
        ev.event = (char *)(uintptr_t)what;                 /* borrowed */
        ev.scanner = (struct report_scanner *)(uintptr_t)s; /* borrowed */
        collector_emit(w->ctx, &ev);
}

static void diff(struct scanners_watch *w, const struct report *now) {
        for (size_t i = 0; i < now->n_scanners; i++)
                if (now->scanners[i].name && !find(&w->last, now->scanners[i].name))
                        emit(w, "scanner_added", &now->scanners[i]);
        for (size_t i = 0; i < w->last.n_scanners; i++)
                if (w->last.scanners[i].name && !find(now, w->last.scanners[i].name))
                        emit(w, "scanner_removed", &w->last.scanners[i]);
}

static bool sane_missing(const struct report *r) {
        for (size_t i = 0; i < r->n_missing; i++)
                if (strcmp(r->missing[i].fact, "scanners") == 0)
                        return true;
        return false;
}

static void on_answer(struct collector_aside *a, struct report *r, const char *failure,
                      void *userdata) {
        struct scanners_watch *w = userdata;

        collector_aside_free(a);
        w->aside = NULL;
        (void)loop_timer_set(w->timer, w->again ? SCANNERS_SETTLE_USEC : SCANNERS_POLL_USEC);
        w->again = false;
        if (!failure && sane_missing(r))
                failure = "SANE not usable";
        if (failure) {
                /* the scanners are not known, not gone: the last list stays */
                if (!w->failing)
                        collector_log(w->ctx, LOG_LEVEL_WARN, "scanner discovery failed: %s",
                                      failure);
                w->failing = true;
                return;
        }
        w->failing = false;
        if (w->have_last)
                diff(w, r);
        else
                collector_log(w->ctx, LOG_LEVEL_INFO, "%zu scanners known", r->n_scanners);
        report_free(&w->last);
        w->last = *r;
        report_init(r);
        w->have_last = true;
}

static int on_timer(struct loop_source *s, uint64_t now, void *userdata) {
        struct scanners_watch *w = userdata;
        int e;

        (void)s;
        (void)now;
        if (w->aside)
                return 0;
        e = collector_aside_start(w->ctx, SCANNERS_TIMEOUT_MS, on_answer, w, &w->aside);
        if (e < 0) {
                collector_log_errno(w->ctx, LOG_LEVEL_WARN, e, "cannot start a discovery");
                return loop_timer_set(w->timer, SCANNERS_POLL_USEC);
        }
        return 0;
}

/* A USB device came or went: discover again once things settled (never on the loop). */
static int on_monitor(struct loop_source *s, int fd, uint32_t events, void *userdata) {
        struct scanners_watch *w = userdata;
        struct udev_device *dev;
        bool any = false;

        (void)s;
        (void)fd;
        (void)events;
        while ((dev = udev_monitor_receive_device(w->mon))) {
                const char *action = udev_device_get_action(dev);
                any |= action && (strcmp(action, "add") == 0 || strcmp(action, "remove") == 0);
                udev_device_unref(dev);
        }
        if (!any)
                return 0;
        if (w->aside) {
                w->again = true;
                return 0;
        }
        return loop_timer_set(w->timer, SCANNERS_SETTLE_USEC);
}

static int scanners_watch_start(struct collector_ctx *ctx) {
        struct scanners_watch *w = calloc(1, sizeof(*w));
        int e;

        if (!w)
                return -ENOMEM;
        w->ctx = ctx;
        report_init(&w->last);
        collector_set_state(ctx, w);
        if ((e = collector_add_timer(ctx, 1, on_timer, w, &w->timer)) < 0)
                return e;
        w->udev = udev_new();
        if (!w->udev)
                return -ENOMEM;
        w->mon = udev_monitor_new_from_netlink(w->udev, "udev");
        if (!w->mon) {
                /* no udev events (a container): the periodic discovery still runs */
                collector_log(ctx, LOG_LEVEL_WARN, "no udev monitor: discovering every %u s only",
                              (unsigned)(SCANNERS_POLL_USEC / 1000000));
                return 0;
        }
        if ((e = udev_monitor_filter_add_match_subsystem_devtype(w->mon, "usb", "usb_device")) <
                    0 ||
            (e = udev_monitor_enable_receiving(w->mon)) < 0)
                return collector_log_errno(ctx, LOG_LEVEL_ERROR, e, "cannot receive udev events");
        return collector_add_io(ctx, udev_monitor_get_fd(w->mon), LOOP_IN, on_monitor, w,
                                &w->monitor_source);
}

static void scanners_watch_stop(struct collector_ctx *ctx) {
        struct scanners_watch *w = collector_state(ctx);

        if (!w)
                return;
        collector_aside_free(w->aside);
        loop_source_free(w->timer);
        loop_source_free(w->monitor_source);
        udev_monitor_unref(w->mon);
        udev_unref(w->udev);
        report_free(&w->last);
        free(w);
        collector_set_state(ctx, NULL);
}

const struct collector collector_scanners = {
        .name = "scanners",
        .section = "scanners",
        .init = scanners_watch_start,
        .snapshot = scanners_snapshot,
        .fini = scanners_watch_stop,
        .timeout_ms = SCANNERS_TIMEOUT_MS,
};

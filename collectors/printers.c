/* The `printers` collector: every CUPS queue (printers_cups.c), tied to its USB device
 * (printers_usb.c), and the USB printers no queue uses. Its events (printer_added, _changed,
 * _removed) come from polling CUPS aside from the loop: see docs/printers.md for why. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "collector_aside.h"
#include "model.h"
#include "printers_cups.h"
#include "printers_usb.h"
#include "timefmt.h"

/* libcups' own limit on connecting and on each read: a cupsd that accepts and says nothing */
#define PRINTERS_QUERY_MS 3000
/* the whole snapshot, in its child, before it is killed */
#define PRINTERS_TIMEOUT_MS 6000
/* how often `watch` asks CUPS for its queues; less often while it is not there (a PC
 * without a print service forks a query every 30 s, not every 5) */
#define PRINTERS_POLL_USEC      UINT64_C(5000000)
#define PRINTERS_POLL_IDLE_USEC UINT64_C(30000000)

extern const struct collector collector_printers;

static int printers_snapshot(struct collector_ctx *ctx, struct report *r) {
        struct report devs;
        int e;

        (void)ctx;
        e = printers_cups_query(r, PRINTERS_QUERY_MS);
        if (e < 0)
                return e;
        report_init(&devs);
        /* no USB bus (a VM): nothing to match, and no USB printer without a queue */
        e = printers_usb_devices(&devs);
        if (e == 0)
                e = printers_usb_match(r, &devs);
        report_free(&devs);
        return e == -EIO ? 0 : e;
}

struct printers_watch {
        struct collector_ctx *ctx;
        struct loop_source *timer;
        struct collector_aside *aside;
        struct report last; /* the queues of the last answer */
        bool have_last;
        bool failing; /* the last query failed: said once, not every poll */
};

/* Why the print service gave no list (printers_cups.c's missing[] "printers"), or NULL. */
static const char *service_failure(const struct report *r) {
        for (size_t i = 0; i < r->n_missing; i++)
                if (strcmp(r->missing[i].fact, "printers") == 0)
                        return r->missing[i].reason ? r->missing[i].reason : "print service failed";
        return NULL;
}

static const struct report_printer *find(const struct report *r, const char *name) {
        for (size_t i = 0; i < r->n_printers; i++)
                if (r->printers[i].name && strcmp(r->printers[i].name, name) == 0)
                        return &r->printers[i];
        return NULL;
}

/* "stopped" or not: a queue printing a job (idle -> processing -> idle) and its passing
 * reasons (media-empty, toner-low) are its work, not a change of the inventory. */
static bool is_stopped(const struct report_printer *p) {
        return p->state && strcmp(p->state, "stopped") == 0;
}

static bool same(const struct report_printer *a, const struct report_printer *b) {
        struct report_printer x = *a, y = *b;
        char *ja, *jb;
        bool eq;

        if (is_stopped(a) != is_stopped(b))
                return false;
        /* shallow copies without the transient facts: dumped, never freed */
        x.state = y.state = NULL;
        x.state_reasons = y.state_reasons = NULL;
        x.n_state_reasons = y.n_state_reasons = 0;
        ja = model_dump(&report_printer_desc, &x, false);
        jb = model_dump(&report_printer_desc, &y, false);
        eq = ja && jb && strcmp(ja, jb) == 0;
        free(ja);
        free(jb);
        return eq;
}

static void emit(struct printers_watch *w, const char *what, const struct report_printer *p) {
        struct report_event ev;
        char now[TIMEFMT_RFC3339_SIZE];

        report_event_init(&ev);
        timefmt_now_rfc3339(now);
        ev.time = now;
        ev.event = (char *)(uintptr_t)what;                 /* borrowed */
        ev.printer = (struct report_printer *)(uintptr_t)p; /* borrowed */
        collector_emit(w->ctx, &ev);
}

/* What changed between the last answer and this one, as events (queues only: a USB printer
 * without a queue comes and goes with its device's own events). */
static void diff(struct printers_watch *w, const struct report *now) {
        for (size_t i = 0; i < now->n_printers; i++) {
                const struct report_printer *p = &now->printers[i], *old;
                if (!p->name)
                        continue;
                old = find(&w->last, p->name);
                if (!old)
                        emit(w, "printer_added", p);
                else if (!same(old, p))
                        emit(w, "printer_changed", p);
        }
        for (size_t i = 0; i < w->last.n_printers; i++) {
                const struct report_printer *p = &w->last.printers[i];
                if (p->name && !find(now, p->name))
                        emit(w, "printer_removed", p);
        }
}

static void on_answer(struct collector_aside *a, struct report *r, const char *failure,
                      void *userdata) {
        struct printers_watch *w = userdata;

        collector_aside_free(a);
        w->aside = NULL;
        if (!failure)
                failure = service_failure(r);
        (void)loop_timer_set(w->timer, failure ? PRINTERS_POLL_IDLE_USEC : PRINTERS_POLL_USEC);
        if (failure) {
                /* the queues are not known, not gone: no event, the last list stays */
                /* a PC without a print service is ordinary; one that hangs is not */
                if (!w->failing)
                        collector_log(w->ctx,
                                      strncmp(failure, "print service not running", 25) == 0
                                              ? LOG_LEVEL_INFO
                                              : LOG_LEVEL_WARN,
                                      "cannot list the print queues: %s", failure);
                w->failing = true;
                return;
        }
        if (w->failing)
                collector_log(w->ctx, LOG_LEVEL_INFO, "print queues readable again");
        w->failing = false;
        if (w->have_last)
                diff(w, r);
        else
                collector_log(w->ctx, LOG_LEVEL_INFO, "%zu print queues known", r->n_printers);
        report_free(&w->last);
        w->last = *r; /* taken */
        report_init(r);
        w->have_last = true;
}

static int on_timer(struct loop_source *s, uint64_t now, void *userdata) {
        struct printers_watch *w = userdata;
        int e;

        (void)s;
        (void)now;
        if (w->aside)
                return 0; /* the last query still runs: its answer re-arms the timer */
        e = collector_aside_start(w->ctx, PRINTERS_TIMEOUT_MS, on_answer, w, &w->aside);
        if (e < 0) {
                collector_log_errno(w->ctx, LOG_LEVEL_WARN, e, "cannot ask CUPS");
                return loop_timer_set(w->timer, PRINTERS_POLL_USEC);
        }
        return 0;
}

static int printers_watch_start(struct collector_ctx *ctx) {
        struct printers_watch *w = calloc(1, sizeof(*w));

        if (!w)
                return -ENOMEM;
        w->ctx = ctx;
        report_init(&w->last);
        collector_set_state(ctx, w);
        /* the first answer, at once, is what is there: known, not announced */
        return collector_add_timer(ctx, 1, on_timer, w, &w->timer);
}

static void printers_watch_stop(struct collector_ctx *ctx) {
        struct printers_watch *w = collector_state(ctx);

        if (!w)
                return;
        collector_aside_free(w->aside);
        loop_source_free(w->timer);
        report_free(&w->last);
        free(w);
        collector_set_state(ctx, NULL);
}

const struct collector collector_printers = {
        .name = "printers",
        .section = "printers",
        .init = printers_watch_start,
        .snapshot = printers_snapshot,
        .fini = printers_watch_stop,
        .timeout_ms = PRINTERS_TIMEOUT_MS,
};

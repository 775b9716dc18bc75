/* The firewall's events. nftables announces changes on NFNLGRP_NFTABLES, but the kernel lets
 * only CAP_NET_ADMIN subscribe (nfnetlink has no NL_CFG_F_NONROOT_RECV) and the daemon's worker
 * has no privilege: so a timer. Every FAST_USEC the ruleset's generation (NFT_MSG_GETGEN, a few
 * bytes) is asked where this process may; a new generation, or every FULL_USEC in any case
 * (new listeners, iptables-legacy, no generation), the facts are read again and compared. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "firewall.h"
#include "firewall_watch.h"
#include "timefmt.h"

#define FAST_USEC   (2 * 1000 * 1000ULL)
#define FULL_USEC   (10 * 1000 * 1000ULL)
#define MAX_CHANGES 64

struct fw_watch {
        struct collector_ctx *ctx;
        struct loop_source *timer;
        struct report last; /* its firewall: the facts last seen */
        uint32_t generation;
        uint64_t last_full;
};

static int add_change(char ***v, size_t *n, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int add_change(char ***v, size_t *n, const char *fmt, ...) {
        char buf[256];
        va_list ap;

        if (*n >= MAX_CHANGES)
                return 0;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        return strv_append(v, n, buf);
}

static const char *s_or(const char *s) {
        return s ? s : "unknown";
}

static const char *tri(int8_t b) {
        return b == 1 ? "true" : b == 0 ? "false" : "unknown";
}

static const struct report_port *find_port(const struct report_firewall *fw,
                                           const struct report_port *p) {
        for (size_t i = 0; fw && i < fw->n_open_ports; i++) {
                const struct report_port *q = &fw->open_ports[i];
                if (q->port == p->port && strcmp(q->protocol, p->protocol) == 0 &&
                    strcmp(q->address, p->address) == 0)
                        return q;
        }
        return NULL;
}

int firewall_diff(const struct report_firewall *old, const struct report_firewall *new_, char ***c,
                  size_t *n) {
        int r = 0;

        if (old->active != new_->active)
                r = add_change(c, n, "active: %s -> %s", tri(old->active), tri(new_->active));
        if (r == 0 && strcmp(s_or(old->default_inbound), s_or(new_->default_inbound)) != 0)
                r = add_change(c, n, "default_inbound: %s -> %s", s_or(old->default_inbound),
                               s_or(new_->default_inbound));
        if (r == 0 && old->established_accepted != new_->established_accepted)
                r = add_change(c, n, "established_accepted: %s -> %s",
                               tri(old->established_accepted), tri(new_->established_accepted));
        if (r == 0 && strcmp(s_or(old->frontend), s_or(new_->frontend)) != 0)
                r = add_change(c, n, "frontend: %s -> %s", s_or(old->frontend),
                               s_or(new_->frontend));
        for (size_t i = 0; r == 0 && i < new_->n_open_ports; i++) {
                const struct report_port *p = &new_->open_ports[i], *o = find_port(old, p);
                if (p->reachable == 1 && (!o || o->reachable != 1))
                        r = add_change(c, n, "%s/%" PRId64 " on %s: reachable", p->protocol,
                                       p->port, p->address);
        }
        for (size_t i = 0; r == 0 && i < old->n_open_ports; i++) {
                const struct report_port *o = &old->open_ports[i], *p = find_port(new_, o);
                if (o->reachable == 1 && (!p || p->reachable != 1))
                        r = add_change(c, n, "%s/%" PRId64 " on %s: %s", o->protocol, o->port,
                                       o->address, p ? "no longer reachable" : "closed");
        }
        return r;
}

/* The facts now, in a report of their own (so that report_free frees them). */
static int read_now(struct fw_watch *w, struct report *now, uint32_t *gen) {
        report_init(now);
        now->firewall = calloc(1, sizeof(*now->firewall));
        if (!now->firewall)
                return -ENOMEM;
        now->firewall->active = REPORT_UNKNOWN;
        now->firewall->established_accepted = REPORT_UNKNOWN;
        now->firewall->tables = now->firewall->chains = now->firewall->rules = REPORT_UNSET;
        return firewall_read(w->ctx, now, now->firewall, gen);
}

static int recheck(struct fw_watch *w) {
        struct report now;
        struct report_event ev;
        char time[TIMEFMT_RFC3339_SIZE];
        uint32_t gen = 0;
        int r = read_now(w, &now, &gen);

        if (r < 0) {
                report_free(&now);
                return r;
        }
        w->generation = gen;
        report_event_init(&ev);
        r = w->last.firewall
                    ? firewall_diff(w->last.firewall, now.firewall, &ev.changes, &ev.n_changes)
                    : 0;
        if (r == 0 && ev.n_changes > 0) {
                timefmt_now_rfc3339(time);
                ev.time = time;
                ev.event = (char *)(uintptr_t) "firewall_changed";
                ev.firewall = now.firewall;
                collector_emit(w->ctx, &ev);
                ev.time = ev.event = NULL; /* borrowed */
                ev.firewall = NULL;
        }
        report_event_free(&ev);
        report_free(&w->last);
        w->last = now;
        return r;
}

static int on_timer(struct loop_source *s, uint64_t now, void *userdata) {
        struct fw_watch *w = userdata;
        uint32_t gen;
        bool full = now - w->last_full >= FULL_USEC;
        int r = 0;

        /* the cheap question first, where this process may ask it */
        if (!full && firewall_nft_generation(&gen) == 0 && gen != w->generation)
                full = true;
        if (full) {
                w->last_full = now;
                r = recheck(w);
                if (r < 0)
                        collector_log_errno(w->ctx, LOG_LEVEL_WARN, r, "re-check failed");
        }
        (void)s;
        return r == -ENOMEM ? r : loop_timer_set(w->timer, FAST_USEC);
}

int firewall_watch_start(struct collector_ctx *ctx) {
        struct fw_watch *w = calloc(1, sizeof(*w));
        int r;

        if (!w)
                return -ENOMEM;
        w->ctx = ctx;
        report_init(&w->last);
        collector_set_state(ctx, w);
        r = collector_add_timer(ctx, FAST_USEC, on_timer, w, &w->timer);
        if (r < 0)
                return r;
        w->last_full = loop_now();
        r = recheck(w); /* the facts events are compared with */
        return r == -ENOMEM ? r : 0;
}

void firewall_watch_stop(struct collector_ctx *ctx) {
        struct fw_watch *w = collector_state(ctx);

        if (!w)
                return;
        loop_source_free(w->timer);
        report_free(&w->last);
        free(w);
        collector_set_state(ctx, NULL);
}

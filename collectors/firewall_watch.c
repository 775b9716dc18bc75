/* The firewall's events. nftables announces changes on NFNLGRP_NFTABLES, but the kernel lets
 * only CAP_NET_ADMIN subscribe (nfnetlink has no NL_CFG_F_NONROOT_RECV) and the daemon's worker
 * has no privilege: so a timer. Every FAST_USEC the ruleset's generation (NFT_MSG_GETGEN, a few
 * bytes) is asked where this process may; a new generation, or every FULL_USEC in any case
 * (new listeners, iptables-legacy, no generation), the facts are read again and compared. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "array.h"
#include "firewall.h"
#include "model.h"
#include "firewall_watch.h"
#include "timefmt.h"

#define FAST_USEC   2000000ULL
#define FULL_USEC   10000000ULL
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

#define CHILD_MAX_OUTPUT ((size_t)16 << 20)

/* The child: read the facts, write "GENERATION\n" and the report as JSON, exit. libnftnl
 * exits the process on an attribute of the wrong size: that must end a child, not watch. */
static _Noreturn void child_main(struct fw_watch *w, int fd) {
        struct report now;
        char head[16], *json = NULL;
        uint32_t gen = 0;
        sigset_t none;
        int e;

        for (int sig = 1; sig < _NSIG; sig++)
                (void)signal(sig, SIG_DFL);
        sigemptyset(&none);
        (void)sigprocmask(SIG_SETMASK, &none, NULL);
        report_init(&now);
        now.generated_at = strdup("1970-01-01T00:00:00Z"); /* required; not used */
        now.firewall = calloc(1, sizeof(*now.firewall));
        e = now.generated_at && now.firewall && report_ensure_host(&now) ? 0 : -ENOMEM;
        if (e == 0) {
                now.firewall->active = REPORT_UNKNOWN;
                now.firewall->established_accepted = REPORT_UNKNOWN;
                now.firewall->tables = now.firewall->chains = now.firewall->rules = REPORT_UNSET;
                e = firewall_read(w->ctx, &now, now.firewall, &gen);
        }
        if (e == 0)
                json = model_dump(&report_desc, &now, false);
        snprintf(head, sizeof(head), "%u\n", gen);
        if (!json || write(fd, head, strlen(head)) < 0 || write(fd, json, strlen(json)) < 0)
                e = e < 0 ? e : -EIO;
        _exit(e < 0 ? 1 : 0);
}

/* The facts now, read in a child, in a report of their own (report_free frees them). */
static int read_now(struct fw_watch *w, struct report *now, uint32_t *gen) {
        struct model_error err = {{0}, {0}};
        size_t len = 0, cap = (size_t)64 * 1024;
        char *buf = malloc(cap), *nl;
        int fds[2], status = 0, e = 0;
        pid_t pid;

        report_init(now);
        if (!buf)
                return -ENOMEM;
        if (pipe2(fds, O_CLOEXEC) < 0) {
                free(buf);
                return -errno;
        }
        pid = fork();
        if (pid == 0)
                child_main(w, fds[1]);
        close(fds[1]);
        while (pid > 0) { /* bounded by the child's output cap and its own dump bounds */
                ssize_t n;
                if (len + 1 >= cap) {
                        char *p = cap >= CHILD_MAX_OUTPUT ? NULL : realloc(buf, cap * 2);
                        if (!p) {
                                e = -EFBIG;
                                break;
                        }
                        buf = p;
                        cap *= 2;
                }
                n = read(fds[0], buf + len, cap - len - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                len += (size_t)n;
        }
        close(fds[0]);
        if (pid < 0)
                e = -errno;
        else if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                e = e ? e : -EIO;
        buf[len] = '\0';
        nl = strchr(buf, '\n');
        if (e == 0 && (!nl || sscanf(buf, "%u", gen) != 1))
                e = -EIO;
        if (e == 0 &&
            model_parse(&report_desc, nl + 1, len - (size_t)(nl + 1 - buf), now, &err) < 0)
                e = -EIO;
        if (e == 0 && !now->firewall)
                e = -EIO;
        free(buf);
        return e;
}

static int recheck(struct fw_watch *w) {
        struct report now;
        struct report_event ev;
        char time[TIMEFMT_RFC3339_SIZE];
        uint32_t gen = 0;
        int r = read_now(w, &now, &gen);

        if (r < 0) {
                report_free(&now);
                return r == -ENOMEM ? r
                                    : collector_log_errno(w->ctx, LOG_LEVEL_WARN, r,
                                                          "reading the firewall failed");
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

/* Account changes as they happen: inotify on /etc (the account files are replaced by rename,
 * by useradd, passwd and editors alike, so the directory is watched, filtered by name), then,
 * once the writes have settled, the accounts read again and compared with the last reading:
 * account_added, account_removed, account_changed. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "accounts.h"
#include "model.h"
#include "timefmt.h"

/* useradd writes passwd, shadow, group and gshadow one after the other: one reading after */
#define ACCOUNTS_SETTLE_USEC ((uint64_t)200 * 1000)
/* ... but files changing without pause are read at least this often */
#define ACCOUNTS_SETTLE_MAX_USEC ((uint64_t)2 * 1000 * 1000)

struct accounts_watch {
        struct collector_ctx *ctx;
        int fd, etc_wd;
        struct loop_source *io, *timer;
        struct report last;   /* the last reading: its accounts are compared with the next */
        uint64_t first_event; /* of the changes not read yet, 0 when none */
};

static const char *const watched_names[] = {
        "passwd", "shadow", "group", "gshadow", "sudoers", "login.defs", NULL,
};

static bool watched(const char *name) {
        for (size_t i = 0; watched_names[i]; i++)
                if (strcmp(name, watched_names[i]) == 0)
                        return true;
        return false;
}

static void emit(struct accounts_watch *w, const char *what, struct report_account *a) {
        struct report_event ev;
        char now[TIMEFMT_RFC3339_SIZE];

        report_event_init(&ev);
        timefmt_now_rfc3339(now);
        ev.time = now;
        ev.event = (char *)(uintptr_t)what; /* borrowed: the event is not freed */
        ev.account = a;
        collector_emit(w->ctx, &ev);
}

static struct report_account *find(const struct report *r, const char *name) {
        for (size_t i = 0; i < r->n_accounts; i++)
                if (strcmp(r->accounts[i].name, name) == 0)
                        return &r->accounts[i];
        return NULL;
}

static bool same_str(const char *a, const char *b) {
        return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_strv(char **a, size_t na, char **b, size_t nb) {
        if (na != nb)
                return false;
        for (size_t i = 0; i < na; i++)
                if (strcmp(a[i], b[i]) != 0)
                        return false;
        return true;
}

/* What an inspector cares about changed; last_login and days_inactive move by themselves. */
static bool changed(const struct report_account *a, const struct report_account *b) {
        return a->uid != b->uid || a->admin != b->admin || a->locked != b->locked ||
               a->password_empty != b->password_empty || a->system != b->system ||
               a->log_reader != b->log_reader || a->autologin != b->autologin ||
               a->guest != b->guest || a->password_max_days != b->password_max_days ||
               !same_str(a->shell, b->shell) || !same_str(a->gecos, b->gecos) ||
               !same_str(a->password_changed, b->password_changed) ||
               !same_str(a->autologin_by, b->autologin_by) ||
               !same_strv(a->admin_via, a->n_admin_via, b->admin_via, b->n_admin_via);
}

static int on_settled(struct loop_source *s, uint64_t now, void *userdata) {
        struct accounts_watch *w = userdata;
        struct report next;
        int e;

        (void)s;
        (void)now;
        w->first_event = 0;
        report_init(&next);
        e = accounts_collect(w->ctx, &next);
        if (e < 0) {
                report_free(&next);
                collector_log_errno(w->ctx, LOG_LEVEL_WARN, e, "cannot read the accounts again");
                return 0; /* the next change tries again */
        }
        for (size_t i = 0; i < next.n_accounts; i++) {
                struct report_account *was = find(&w->last, next.accounts[i].name);
                if (!was)
                        emit(w, "account_added", &next.accounts[i]);
                else if (changed(was, &next.accounts[i]))
                        emit(w, "account_changed", &next.accounts[i]);
        }
        for (size_t i = 0; i < w->last.n_accounts; i++)
                if (!find(&next, w->last.accounts[i].name))
                        emit(w, "account_removed", &w->last.accounts[i]);
        report_free(&w->last);
        w->last = next;
        return 0;
}

static int on_inotify(struct loop_source *s, int fd, uint32_t revents, void *userdata) {
        struct accounts_watch *w = userdata;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool relevant = false;
        ssize_t n;

        (void)s;
        (void)revents;
        while ((n = read(fd, buf, sizeof(buf))) > 0) {
                for (char *p = buf; p < buf + n;) {
                        const struct inotify_event *ev = (const struct inotify_event *)p;
                        /* a name in /etc we read, or anything in /etc/sudoers.d */
                        if (ev->len == 0 || watched(ev->name) || ev->wd != w->etc_wd)
                                relevant = true;
                        p += sizeof(*ev) + ev->len;
                }
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR)
                return collector_log_errno(w->ctx, LOG_LEVEL_ERROR, -errno, "inotify");
        if (relevant) {
                uint64_t at = loop_now() + ACCOUNTS_SETTLE_USEC;

                if (!w->first_event)
                        w->first_event = loop_now();
                if (at > w->first_event + ACCOUNTS_SETTLE_MAX_USEC)
                        at = w->first_event + ACCOUNTS_SETTLE_MAX_USEC;
                return loop_timer_set_at(w->timer, at);
        }
        return 0;
}

void accounts_watch_stop(struct collector_ctx *ctx) {
        struct accounts_watch *w = collector_state(ctx);

        if (!w)
                return;
        loop_source_free(w->io);
        loop_source_free(w->timer);
        if (w->fd >= 0)
                close(w->fd);
        report_free(&w->last);
        free(w);
        collector_set_state(ctx, NULL);
}

int accounts_watch_start(struct collector_ctx *ctx) {
        const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                              IN_ATTRIB | IN_MODIFY;
        struct accounts_watch *w = calloc(1, sizeof(*w));
        int e;

        if (!w)
                return -ENOMEM;
        w->ctx = ctx;
        report_init(&w->last);
        collector_set_state(ctx, w);
        w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (w->fd < 0)
                return collector_log_errno(ctx, LOG_LEVEL_ERROR, -errno, "inotify_init1");
        /* /etc, then sudoers.d, which only root may watch (0750) */
        w->etc_wd = inotify_add_watch(w->fd, "/etc", mask);
        if (w->etc_wd < 0)
                return collector_log_errno(ctx, LOG_LEVEL_ERROR, -errno, "watching /etc");
        if (inotify_add_watch(w->fd, "/etc/sudoers.d", mask) < 0)
                collector_log_errno(ctx, LOG_LEVEL_DEBUG, -errno,
                                    "not watching /etc/sudoers.d: read again on other changes");
        e = collector_add_io(ctx, w->fd, LOOP_IN, on_inotify, w, &w->io);
        if (e == 0)
                e = collector_add_timer(ctx, LOOP_TIMER_OFF, on_settled, w, &w->timer);
        if (e < 0)
                return e;
        /* the reading later ones are compared with; its missing[] is the snapshot's business */
        e = accounts_collect(ctx, &w->last);
        return e == -ENOMEM ? e : 0;
}

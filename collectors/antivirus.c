/* The `antivirus` collector: which antivirus products this PC has, whether they run, protect
 * in real time, are up to date and are managed, as the product profiles (antivirus_profile.h)
 * tell how to see it. Watching, it probes the profiles' files and processes every
 * AV_WATCH_USEC and emits antivirus_started, antivirus_stopped and antivirus_changed. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "antivirus.h"
#include "array.h"
#include "timefmt.h"

#ifndef COUNTERGUARD_DATADIR
#define COUNTERGUARD_DATADIR "/usr/local/share/counterguard"
#endif
#define AV_SHIPPED      COUNTERGUARD_DATADIR "/antivirus.ini"
#define AV_OVERRIDES    "/etc/counterguard/antivirus.d/*.ini"
#define AV_WATCH_USEC   ((uint64_t)2 * 1000 * 1000)
#define AV_OVERRIDE_MAX 32

static int refuse(struct report *missing, int r, const char *error) {
        log_warn("antivirus: profile file refused: %s", error);
        if (r == -ENOMEM)
                return r;
        return missing ? report_add_missing(missing, "antivirus.profiles", error) : 0;
}

int av_profiles_load_all(struct av_profiles *p, struct report *missing) {
        char error[AV_ERROR_MAX];
        glob_t g;
        int r;

        /* the installed copy, else the one built in (a binary run from its build tree) */
        if (access(AV_SHIPPED, F_OK) == 0)
                r = av_profiles_load(AV_SHIPPED, p, error);
        else
                r = av_profiles_parse("built-in antivirus.ini", av_builtin_profiles,
                                      av_builtin_profiles_size, p, error);
        if (r < 0 && (r = refuse(missing, r, error)) < 0)
                return r;
        r = glob(AV_OVERRIDES, 0, NULL, &g);
        if (r == GLOB_NOSPACE)
                return -ENOMEM;
        for (size_t i = 0; r == 0 && i < g.gl_pathc && i < AV_OVERRIDE_MAX; i++) {
                r = av_profiles_load(g.gl_pathv[i], p, error);
                if (r < 0)
                        r = refuse(missing, r, error);
        }
        if (r == 0 || r == GLOB_NOMATCH || r == GLOB_ABORTED)
                r = 0;
        globfree(&g);
        return r;
}

/* Every profile's product that is present, in the profiles' order. */
static int probe_all(struct collector_ctx *ctx, const struct av_profiles *profiles,
                     const struct av_table *t, enum av_depth depth, struct report *r) {
        for (size_t i = 0; i < profiles->n; i++) {
                struct report_antivirus a;
                bool present;
                int e;
                model_init(&report_antivirus_desc, &a);
                e = av_probe(ctx, &profiles->v[i], t, depth, r, &a, &present);
                if (e == 0 && present) {
                        struct report_antivirus *slot =
                                ARRAY_APPEND(r->antivirus, r->n_antivirus, REPORT_MAX_LIST);
                        if (slot) {
                                *slot = a;
                                continue;
                        }
                        e = -ENOMEM;
                }
                model_free(&report_antivirus_desc, &a);
                if (e < 0)
                        return e;
        }
        return 0;
}

static int load_table(struct collector_ctx *ctx, struct av_table *t, struct report *r) {
        int e = av_table_load(ctx, t);
        char why[160];

        if (e == -ENOMEM)
                return e;
        if (e < 0)
                return report_add_missing(r, "antivirus.processes", strerror(-e));
        if (!t->ptrace) {
                snprintf(why, sizeof(why),
                         "read without CAP_SYS_PTRACE (%zu executables not readable): other "
                         "users' processes may be unseen, so what does not run is not known",
                         t->unreadable);
                return report_add_missing(r, "antivirus.processes", why);
        }
        if (t->unreadable) {
                snprintf(why, sizeof(why),
                         "the executable of %zu processes hidden even with CAP_SYS_PTRACE "
                         "(another namespace, a security module)",
                         t->unreadable);
                return report_add_missing(r, "antivirus.processes", why);
        }
        return 0;
}

static int antivirus_snapshot(struct collector_ctx *ctx, struct report *r) {
        struct av_profiles profiles = {0};
        struct av_table t = {0};
        int e = av_profiles_load_all(&profiles, r);

        if (e == 0)
                e = load_table(ctx, &t, r);
        if (e == 0)
                e = probe_all(ctx, &profiles, &t, AV_PROBE_FULL, r);
        av_table_free(&t);
        av_profiles_free(&profiles);
        return e;
}

/* --- watch --- */

struct av_watch {
        struct collector_ctx *ctx;
        struct av_profiles profiles;
        struct loop_source *timer;
        struct report last; /* the last quick probe: its antivirus[] */
        bool failing;       /* the last probe failed (logged once, not every period) */
};

static const struct report_antivirus *find(const struct report *r, const char *profile) {
        for (size_t i = 0; i < r->n_antivirus; i++)
                if (strcmp(r->antivirus[i].profile, profile) == 0)
                        return &r->antivirus[i];
        return NULL;
}

static bool same_string(const char *a, const char *b) {
        return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void emit(struct av_watch *w, const char *what, const struct report_antivirus *a) {
        struct report_event ev;
        char now[TIMEFMT_RFC3339_SIZE];

        report_event_init(&ev);
        timefmt_now_rfc3339(now);
        ev.time = now;
        ev.event = (char *)(uintptr_t)what;                     /* borrowed, as is the subject: */
        ev.antivirus = (struct report_antivirus *)(uintptr_t)a; /* the event is not freed */
        collector_emit(w->ctx, &ev);
}

/* What changed between two probes of the same product (was may be NULL: not present). */
static void compare(struct av_watch *w, const struct report_antivirus *was,
                    const struct report_antivirus *now) {
        bool ran = was && was->running == 1, runs = now->running == 1;

        /* stopped is seen stopped: running unknown (the table could not be read whole) is a
         * change, not a stop */
        if (ran && now->running == 0)
                emit(w, "antivirus_stopped", now);
        else if (!ran && runs)
                emit(w, "antivirus_started", now);
        else if (!was || was->running != now->running || was->installed != now->installed ||
                 was->realtime != now->realtime || was->managed != now->managed ||
                 !same_string(was->signature_version, now->signature_version))
                emit(w, "antivirus_changed", now);
}

static int watch_tick(struct loop_source *s, uint64_t now, void *userdata) {
        struct av_watch *w = userdata;
        struct av_table t = {0};
        struct report cur;
        int e;

        (void)now;
        report_init(&cur);
        e = av_table_load(w->ctx, &t);
        if (e == 0)
                e = probe_all(w->ctx, &w->profiles, &t, AV_PROBE_QUICK, &cur);
        av_table_free(&t);
        if (e == 0) {
                for (size_t i = 0; i < cur.n_antivirus; i++)
                        compare(w, find(&w->last, cur.antivirus[i].profile), &cur.antivirus[i]);
                /* gone altogether (uninstalled while running): stopped, with what it had */
                for (size_t i = 0; i < w->last.n_antivirus; i++) {
                        struct report_antivirus *gone = &w->last.antivirus[i];
                        if (find(&cur, gone->profile))
                                continue;
                        gone->installed = 0;
                        gone->running = gone->running == 1 ? 0 : gone->running;
                        emit(w, "antivirus_stopped", gone);
                }
                report_free(&w->last);
                w->last = cur;
                w->failing = false;
        } else {
                if (!w->failing)
                        collector_log_errno(w->ctx, LOG_LEVEL_WARN, e,
                                            "cannot probe the products; retrying every %u s",
                                            (unsigned)(AV_WATCH_USEC / 1000000));
                w->failing = true;
                report_free(&cur);
        }
        return loop_timer_set(s, AV_WATCH_USEC) < 0 ? -EIO : 0;
}

static void antivirus_fini(struct collector_ctx *ctx) {
        struct av_watch *w = collector_state(ctx);

        if (!w)
                return;
        loop_source_free(w->timer);
        av_profiles_free(&w->profiles);
        report_free(&w->last);
        free(w);
        collector_set_state(ctx, NULL);
}

static int antivirus_init(struct collector_ctx *ctx) {
        struct av_watch *w = calloc(1, sizeof(*w));
        struct av_table t = {0};
        int e;

        if (!w)
                return -ENOMEM;
        w->ctx = ctx;
        report_init(&w->last);
        collector_set_state(ctx, w);
        e = av_profiles_load_all(&w->profiles, NULL);
        /* the baseline: what is there when watching starts is no event */
        if (e == 0 && av_table_load(ctx, &t) == 0)
                e = probe_all(ctx, &w->profiles, &t, AV_PROBE_QUICK, &w->last);
        av_table_free(&t);
        if (e == 0)
                e = collector_add_timer(ctx, AV_WATCH_USEC, watch_tick, w, &w->timer);
        return e;
}

const struct collector collector_antivirus = {
        .name = "antivirus",
        .section = "antivirus",
        .init = antivirus_init,
        .snapshot = antivirus_snapshot,
        .fini = antivirus_fini,
        /* it asks clamd (2 s at most) and systemd (1 s per unit at most): aside */
        .timeout_ms = 10000,
};

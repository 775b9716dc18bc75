/* A full snapshot: see snapshot.h. Sections are assembled in the list's order, whatever
 * order the children finish in, so two snapshots of the same PC read the same. */
#include "snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "collector_aside.h"
#include "log.h"
#include "model.h"
#include "timefmt.h"

#define SNAPSHOT_MAX_COLLECTORS 32 /* bits of a collector_set */

struct part {
        struct snapshot *snapshot;
        const struct collector *collector;
        struct collector_ctx *ctx;
        struct collector_aside *aside; /* while it runs in a child */
        struct report facts;           /* what it found, merged at the end */
        char *failure;                 /* why its section is not complete, or NULL */
        bool done;
};

struct snapshot {
        struct loop *loop;
        struct part parts[SNAPSHOT_MAX_COLLECTORS];
        size_t n_parts;
        unsigned pending;
        struct loop_source *finish;
        struct report report;
        snapshot_done_fn done;
        void *userdata;
};

int collector_set_parse(const struct collector *const *list, const char *names, collector_set *ret,
                        const char **ret_bad) {
        static char bad[64];
        collector_set set = 0;
        const char *p = names;

        while (*p) {
                size_t n = strcspn(p, ",");
                bool found = false;
                for (unsigned i = 0; i < SNAPSHOT_MAX_COLLECTORS && list[i]; i++)
                        if (strlen(list[i]->name) == n && strncmp(list[i]->name, p, n) == 0) {
                                set |= 1u << i;
                                found = true;
                        }
                if (!found) {
                        snprintf(bad, sizeof(bad), "%.*s", (int)(n < 63 ? n : 63), p);
                        *ret_bad = bad;
                        return -EINVAL;
                }
                p += n;
                if (*p == ',')
                        p++;
        }
        if (!set) {
                *ret_bad = "";
                return -EINVAL;
        }
        *ret = set;
        return 0;
}

const char *collector_names(const struct collector *const *list, char *buf, size_t size) {
        size_t o = 0;

        buf[0] = '\0';
        for (unsigned i = 0; list[i] && o < size; i++) {
                int n = snprintf(buf + o, size - o, "%s%s", i ? ", " : "", list[i]->name);
                if (n < 0)
                        break;
                o += (size_t)n;
        }
        return buf;
}

static int part_failed(struct part *p, const char *why) {
        free(p->failure);
        p->failure = strdup(why);
        return p->failure ? 0 : -ENOMEM;
}

static void release(struct snapshot *s) {
        if (--s->pending == 0)
                (void)loop_timer_set(s->finish, 0);
}

static void part_done(struct snapshot *s, struct part *p) {
        p->done = true;
        release(s);
}

static void on_aside_done(struct collector_aside *a, struct report *r, const char *failure,
                          void *userdata) {
        struct part *p = userdata;

        collector_aside_free(a);
        p->aside = NULL;
        collector_ctx_free(p->ctx);
        p->ctx = NULL;
        if (failure) {
                log_warn("%s: snapshot failed: %s", p->collector->name, failure);
                (void)part_failed(p, failure);
        }
        /* partial facts are kept (a failed collector may say what it could not read) */
        if (model_merge(&report_desc, &p->facts, r) < 0)
                (void)part_failed(p, strerror(ENOMEM));
        part_done(p->snapshot, p);
}

static int part_start(struct snapshot *s, struct part *p) {
        int e;

        if (p->collector->timeout_ms) {
                /* a context with the loop: the child's pipe and deadline are on it */
                e = collector_ctx_new(p->collector, s->loop, NULL, NULL, &p->ctx);
                if (e == 0)
                        e = collector_aside_start(p->ctx, p->collector->timeout_ms, on_aside_done,
                                                  p, &p->aside);
                return e;
        }
        e = collector_ctx_new(p->collector, NULL, NULL, NULL, &p->ctx);
        if (e == 0)
                e = p->collector->snapshot(p->ctx, &p->facts);
        collector_ctx_free(p->ctx);
        p->ctx = NULL;
        if (e == -ENOMEM)
                return e;
        if (e < 0) {
                log_warn_errno(e, "%s: collector failed, its facts are missing",
                               p->collector->name);
                if (part_failed(p, strerror(-e)) < 0)
                        return -ENOMEM;
        }
        part_done(s, p);
        return 0;
}

/* Every part is done: assemble the report in list order and hand it over. */
static int on_finish(struct loop_source *src, uint64_t now, void *userdata) {
        struct snapshot *s = userdata;
        struct report *r = &s->report;
        int e = 0;

        (void)src;
        (void)now;
        for (size_t i = 0; i < s->n_parts && e == 0; i++) {
                struct part *p = &s->parts[i];
                char fact[80];
                e = model_merge(&report_desc, r, &p->facts);
                if (e < 0)
                        break;
                if (!p->failure) {
                        e = strv_append(&r->collectors, &r->n_collectors, p->collector->name);
                        continue;
                }
                snprintf(fact, sizeof(fact), "collector.%s", p->collector->name);
                e = report_add_missing(r, fact, p->failure);
        }
        if (e < 0)
                return log_error_errno(e, "cannot assemble the snapshot");
        s->done(s, r, s->userdata);
        return 0;
}

int snapshot_start(struct loop *l, const struct collector *const *list, collector_set set,
                   snapshot_done_fn done, void *userdata, struct snapshot **ret) {
        struct snapshot *s = calloc(1, sizeof(*s));
        char now[TIMEFMT_RFC3339_SIZE];
        int e;

        if (!s)
                return -ENOMEM;
        s->loop = l;
        s->done = done;
        s->userdata = userdata;
        report_init(&s->report);
        timefmt_now_rfc3339(now);
        s->report.generated_at = strdup(now);
        e = s->report.generated_at && report_ensure_host(&s->report) ? 0 : -ENOMEM;
        if (e == 0)
                e = loop_add_timer(l, LOOP_TIMER_OFF, on_finish, s, &s->finish);
        for (unsigned i = 0; e == 0 && i < SNAPSHOT_MAX_COLLECTORS && list[i]; i++) {
                struct part *p;
                if (!(set & (1u << i)))
                        continue;
                p = &s->parts[s->n_parts++];
                p->snapshot = s;
                p->collector = list[i];
                report_init(&p->facts);
                s->pending++;
        }
        /* counted first, started next: a quick part that is done at once must not look
         * like the last one */
        s->pending++;
        for (size_t i = 0; e == 0 && i < s->n_parts; i++)
                e = part_start(s, &s->parts[i]);
        if (e < 0) {
                snapshot_free(s);
                return e;
        }
        release(s);
        *ret = s;
        return 0;
}

void snapshot_free(struct snapshot *s) {
        if (!s)
                return;
        for (size_t i = 0; i < s->n_parts; i++) {
                collector_aside_free(s->parts[i].aside);
                collector_ctx_free(s->parts[i].ctx);
                report_free(&s->parts[i].facts);
                free(s->parts[i].failure);
        }
        loop_source_free(s->finish);
        report_free(&s->report);
        free(s);
}

struct collect {
        struct report *ret;
};

static void collect_done(struct snapshot *s, struct report *r, void *userdata) {
        struct collect *c = userdata;

        *c->ret = *r;
        report_init(r);
        loop_quit(loop_source_loop(s->finish), 0);
}

int snapshot_collect(const struct collector *const *list, collector_set set, struct report *ret) {
        struct collect c = {.ret = ret};
        struct snapshot *s = NULL;
        struct loop *l = NULL;
        int e;

        e = loop_new(&l);
        if (e == 0)
                e = snapshot_start(l, list, set, collect_done, &c, &s);
        if (e == 0)
                e = loop_run(l);
        snapshot_free(s);
        loop_free(l);
        return e;
}

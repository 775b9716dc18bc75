/* The `sessions` collector: who logged in, when, from where, and until when (wtmpdb, else
 * wtmp), failed logins (btmp), the sessions logind has now. docs/accounts.md says what each
 * fact means. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sessions.h"

/* The recent sessions of wtmp into r; the facts a cut-short reading lacks into r->missing. */
static int sessions_recent(struct collector_ctx *ctx, const struct sessions_limits *l, time_t now,
                           struct report *r) {
        struct sessions_pairer *p = NULL;
        struct sessions_walk w = {0};
        int fd = open(SESSIONS_WTMP, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK), e;
        char why[128];

        if (fd < 0) {
                e = -errno;
                if (e == -ENOENT) /* nobody ever logged in, or logins are not recorded */
                        return report_add_missing(r, "sessions", "no " SESSIONS_WTMP);
                collector_log_errno(ctx, LOG_LEVEL_WARN, e, "%s", SESSIONS_WTMP);
                return report_add_missing(r, "sessions", strerror(-e));
        }
        e = sessions_pairer_new(l, now, r, &p);
        if (e == 0)
                e = sessions_walk_back(fd, l->max_records, sessions_pair_record, p, &w);
        close(fd);
        if (e == 0)
                e = sessions_pair_finish(p, w.reached_start);
        sessions_pairer_free(p);
        if (e == -ENOMEM)
                return e;
        if (e < 0) {
                collector_log_errno(ctx, LOG_LEVEL_WARN, e, "%s", SESSIONS_WTMP);
                return report_add_missing(r, "sessions", strerror(-e));
        }
        if (w.tail_bytes) {
                snprintf(why, sizeof(why), "%s: truncated last record (%zu bytes) skipped",
                         SESSIONS_WTMP, w.tail_bytes);
                collector_log(ctx, LOG_LEVEL_WARN, "%s", why);
                e = report_add_missing(r, "sessions", why);
        }
        if (e == 0 && w.stopped_at_limit) {
                snprintf(why, sizeof(why), "%s: stopped after %llu records, older ones not read",
                         SESSIONS_WTMP, (unsigned long long)w.records);
                e = report_add_missing(r, "sessions", why);
        }
        return e;
}

static int sessions_snapshot(struct collector_ctx *ctx, struct report *r) {
        struct sessions_limits l;
        time_t now = time(NULL);
        size_t skipped = 0;
        int e;

        sessions_default_limits(&l);
        /* where pam_wtmpdb records the logins (Debian 13), wtmp is legacy and may be empty */
        e = sessions_wtmpdb_read(SESSIONS_WTMPDB, &l, now, r, &skipped);
        if (e == 0 && skipped) {
                char why[128];

                snprintf(why, sizeof(why), "%s: %zu rows with impossible times skipped",
                         SESSIONS_WTMPDB, skipped);
                collector_log(ctx, LOG_LEVEL_WARN, "%s", why);
                e = report_add_missing(r, "sessions", why);
        } else if (e == -EIO) {
                collector_log(ctx, LOG_LEVEL_WARN, "%s: not a wtmpdb database, or unreadable",
                              SESSIONS_WTMPDB);
                e = report_add_missing(r, "sessions", SESSIONS_WTMPDB ": not readable as wtmpdb");
        } else if (e == -ENOENT) {
                e = sessions_recent(ctx, &l, now, r);
        }
        if (e == 0)
                e = sessions_failed(ctx, &l, now, r);
        if (e == 0)
                e = sessions_live(ctx, r);
        return e;
}

const struct collector collector_sessions = {
        .name = "sessions",
        .section = "sessions",
        .init = sessions_watch_start,
        .snapshot = sessions_snapshot,
        .fini = sessions_watch_stop,
};

/* Last logins: lastlog(8)'s file (one record per uid, Debian 12 and before), lastlog2's SQLite
 * database (util-linux's replacement, Debian 13), and wtmp's logins for an account neither
 * knows (a display manager that does not write lastlog). The latest one counts. */
#include <errno.h>
#include <fcntl.h>
#include <lastlog.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accounts.h"
#include "sessions.h"
#include "timefmt.h"

/* lastlog: one struct lastlog per uid, at uid * its size; a hole reads as zeros */
static int lastlog_read(struct collector_ctx *ctx, struct report *r, size_t first, int64_t *best) {
        int fd = open(ACCOUNTS_LASTLOG, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

        if (fd < 0) {
                int e = -errno;
                if (e == -ENOENT)
                        return 0; /* lastlog2 or nothing */
                collector_log_errno(ctx, LOG_LEVEL_WARN, e, "%s", ACCOUNTS_LASTLOG);
                return report_add_missing(r, "accounts.last_login", strerror(-e));
        }
        for (size_t i = first; i < r->n_accounts; i++) {
                struct lastlog ll;
                int64_t uid = r->accounts[i].uid;

                if (uid == REPORT_UNSET || uid < 0)
                        continue;
                if (pread(fd, &ll, sizeof(ll), (off_t)uid * (off_t)sizeof(ll)) ==
                            (ssize_t)sizeof(ll) &&
                    ll.ll_time > best[i - first])
                        best[i - first] = ll.ll_time;
        }
        close(fd);
        return 0;
}

/* sqlite's conventions end here: SQLITE_ROW and friends become 0/-errno */
int accounts_lastlog2_read(const char *path, const struct report *r, size_t first, int64_t *best) {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        int rc, e = 0;

        if (access(path, F_OK) < 0)
                return -errno;
        rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc == SQLITE_OK)
                rc = sqlite3_prepare_v2(db, "SELECT Name, Time FROM Lastlog2", -1, &st, NULL);
        while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                const char *name = (const char *)sqlite3_column_text(st, 0);
                int64_t t = sqlite3_column_int64(st, 1);

                if (!sessions_time_ok(t))
                        t = 0; /* not a time: a damaged or forged row */
                for (size_t i = first; name && i < r->n_accounts; i++)
                        if (strcmp(r->accounts[i].name, name) == 0 && t > best[i - first])
                                best[i - first] = t;
                rc = SQLITE_OK;
        }
        if (rc != SQLITE_DONE)
                e = rc == SQLITE_NOMEM ? -ENOMEM : -EIO;
        sqlite3_finalize(st);
        sqlite3_close(db);
        return e;
}

struct from_wtmp {
        const struct report *r;
        size_t first;
        int64_t *best;
        time_t cutoff;
};

static int wtmp_login(const struct utmpx *u, void *userdata) {
        struct from_wtmp *w = userdata;

        if (u->ut_tv.tv_sec > 0 && u->ut_tv.tv_sec < w->cutoff)
                return 1;
        if (u->ut_type != USER_PROCESS || !u->ut_user[0])
                return 0;
        for (size_t i = w->first; i < w->r->n_accounts; i++)
                if (!w->best[i - w->first] &&
                    strncmp(w->r->accounts[i].name, u->ut_user, sizeof(u->ut_user)) == 0 &&
                    strlen(w->r->accounts[i].name) <= sizeof(u->ut_user))
                        w->best[i - w->first] = u->ut_tv.tv_sec; /* newest first: the last */
        return 0;
}

static void wtmp_read(const struct report *r, size_t first, int64_t *best, time_t now) {
        struct sessions_limits l;
        struct sessions_walk walk;
        struct from_wtmp w = {r, first, best, 0};
        int fd = open(SESSIONS_WTMP, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

        if (fd < 0)
                return; /* the sessions collector says why */
        sessions_default_limits(&l);
        w.cutoff = now - (time_t)l.max_age_s;
        (void)sessions_walk_back(fd, l.max_records, wtmp_login, &w, &walk);
        close(fd);
}

int accounts_last_logins(struct collector_ctx *ctx, struct report *r, size_t first, time_t now) {
        size_t n = r->n_accounts - first;
        int64_t *best = calloc(n ? n : 1, sizeof(*best));
        bool all = true;
        int e;

        if (!best)
                return -ENOMEM;
        e = lastlog_read(ctx, r, first, best);
        if (e == 0) {
                int l2 = accounts_lastlog2_read(ACCOUNTS_LASTLOG2, r, first, best);
                if (l2 == -ENOMEM)
                        e = l2;
                else if (l2 < 0 && l2 != -ENOENT)
                        e = report_add_missing(r, "accounts.last_login",
                                               ACCOUNTS_LASTLOG2 ": not a lastlog2 database");
        }
        for (size_t i = 0; i < n; i++)
                all = all && best[i];
        if (e == 0 && !all)
                wtmp_read(r, first, best, now);
        for (size_t i = 0; i < n && e == 0; i++) {
                struct report_account *a = &r->accounts[first + i];
                struct timespec ts = {.tv_sec = (time_t)best[i]};
                char buf[TIMEFMT_RFC3339_SIZE];

                if (best[i] <= 0)
                        continue; /* never logged in, as far as these know */
                timefmt_rfc3339(&ts, buf);
                a->last_login = strdup(buf);
                if (!a->last_login)
                        e = -ENOMEM;
                a->days_inactive = now > best[i] ? (now - best[i]) / 86400 : 0;
        }
        free(best);
        return e;
}

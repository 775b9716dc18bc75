/* wtmpdb's logins and logouts as events: inotify on /var/lib/wtmpdb (SQLite writes the
 * database, its journal or its WAL there), then the rows after the last one seen (a login; a
 * boot, which ends the open sessions as crashes) and the open sessions' rows again (a logout
 * fills Logout in place). The database is opened read-only for each look, so a replaced file
 * is followed. */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "model.h"
#include "sessions.h"

#define WATCHDB_MAX_OPEN    1024
#define WTMPDB_BOOT_TIME    1 /* wtmpdb's own types */
#define WTMPDB_USER_PROCESS 3
#define ROW                 "User, Login, Logout, TTY, RemoteHost"

struct sessions_watchdb {
        struct collector_ctx *ctx;
        int ifd;
        struct loop_source *io;
        int64_t last_id;
        int64_t open[WATCHDB_MAX_OPEN]; /* IDs of the sessions without a logout */
        size_t n_open;
};

static int open_db(sqlite3 **ret) {
        int rc = sqlite3_open_v2(SESSIONS_WTMPDB, ret, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                                 NULL);

        if (rc != SQLITE_OK) {
                sqlite3_close(*ret);
                *ret = NULL;
                return -EIO;
        }
        sqlite3_busy_timeout(*ret, 200); /* a login being written */
        return 0;
}

/* One event from the row at columns col.. of st. */
static int emit_row(struct sessions_watchdb *d, sqlite3_stmt *st, int col, const char *what,
                    const char *end) {
        struct report_session s;
        int e;

        model_init(model_find_desc("session"), &s);
        e = sessions_wtmpdb_session(st, col, end, &s);
        if (e == 0)
                sessions_emit(d->ctx, what, &s);
        model_free(model_find_desc("session"), &s);
        return e < 0 ? e : 0;
}

static void open_drop(struct sessions_watchdb *d, size_t i) {
        d->open[i] = d->open[--d->n_open];
}

/* The open sessions whose Logout is filled now: logout events; with `boot`, every one still
 * open ends as a crash. */
static int closed(struct sessions_watchdb *d, sqlite3 *db, bool boot) {
        sqlite3_stmt *st = NULL;
        int e = 0;

        if (sqlite3_prepare_v2(db, "SELECT " ROW " FROM wtmp WHERE ID = ?1", -1, &st, NULL))
                return -EIO;
        for (size_t i = d->n_open; i-- > 0 && e == 0;) {
                sqlite3_reset(st);
                sqlite3_bind_int64(st, 1, d->open[i]);
                if (sqlite3_step(st) != SQLITE_ROW) {
                        open_drop(d, i); /* gone */
                        continue;
                }
                if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
                        e = emit_row(d, st, 0, "logout", "logout");
                        open_drop(d, i);
                } else if (boot) {
                        e = emit_row(d, st, 0, "logout", "crash");
                        open_drop(d, i);
                }
        }
        sqlite3_finalize(st);
        return e;
}

static int look(struct sessions_watchdb *d) {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        int e = open_db(&db), rc = SQLITE_DONE;

        if (e == 0 && sqlite3_prepare_v2(db,
                                         "SELECT ID, Type, " ROW " FROM wtmp WHERE ID > ?1 "
                                         "ORDER BY ID",
                                         -1, &st, NULL))
                e = -EIO;
        if (e == 0)
                sqlite3_bind_int64(st, 1, d->last_id);
        while (e == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                int64_t id = sqlite3_column_int64(st, 0);
                int type = sqlite3_column_int(st, 1);

                d->last_id = id;
                if (type == WTMPDB_BOOT_TIME) {
                        e = closed(d, db, true);
                } else if (type == WTMPDB_USER_PROCESS) {
                        e = emit_row(d, st, 2, "login", "open");
                        if (e == 0 && sqlite3_column_type(st, 4) != SQLITE_NULL)
                                e = emit_row(d, st, 2, "logout", "logout"); /* already over */
                        else if (e == 0 && d->n_open < WATCHDB_MAX_OPEN)
                                d->open[d->n_open++] = id;
                }
        }
        sqlite3_finalize(st);
        if (e == 0 && rc != SQLITE_DONE)
                e = -EIO; /* busy past the timeout, or damaged: the next change looks again */
        if (e == 0)
                e = closed(d, db, false);
        sqlite3_close(db);
        return e;
}

static int on_inotify(struct loop_source *s, int fd, uint32_t revents, void *userdata) {
        struct sessions_watchdb *d = userdata;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool changed = false;
        ssize_t n;
        int e;

        (void)s;
        (void)revents;
        while ((n = read(fd, buf, sizeof(buf))) > 0)
                for (char *p = buf; p < buf + n;) {
                        const struct inotify_event *ev = (const struct inotify_event *)p;
                        if (ev->len && strncmp(ev->name, "wtmp.db", 7) == 0)
                                changed = true; /* the database, its -journal or -wal */
                        p += sizeof(*ev) + ev->len;
                }
        if (!changed)
                return 0;
        e = look(d);
        if (e < 0)
                collector_log_errno(d->ctx, LOG_LEVEL_WARN, e, "%s", SESSIONS_WTMPDB);
        return e == -ENOMEM ? e : 0;
}

/* Where the watch starts: the last row, and the sessions open since the last boot. */
static int seed(struct sessions_watchdb *d) {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        int e = open_db(&db);

        if (e == 0 && sqlite3_prepare_v2(db,
                                         "SELECT ID, Type, Logout FROM wtmp WHERE ID > COALESCE("
                                         "(SELECT MAX(ID) FROM wtmp WHERE Type = ?1), 0) OR "
                                         "ID = (SELECT MAX(ID) FROM wtmp) ORDER BY ID",
                                         -1, &st, NULL))
                e = -EIO;
        if (e == 0)
                sqlite3_bind_int(st, 1, WTMPDB_BOOT_TIME);
        while (e == 0 && sqlite3_step(st) == SQLITE_ROW) {
                d->last_id = sqlite3_column_int64(st, 0);
                if (sqlite3_column_int(st, 1) == WTMPDB_USER_PROCESS &&
                    sqlite3_column_type(st, 2) == SQLITE_NULL && d->n_open < WATCHDB_MAX_OPEN)
                        d->open[d->n_open++] = d->last_id;
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
        return e;
}

void sessions_watchdb_stop(struct sessions_watchdb *d) {
        if (!d)
                return;
        loop_source_free(d->io);
        if (d->ifd >= 0)
                close(d->ifd);
        free(d);
}

int sessions_watchdb_start(struct collector_ctx *ctx, struct sessions_watchdb **ret) {
        struct sessions_watchdb *d;
        int e;

        *ret = NULL;
        if (access(SESSIONS_WTMPDB, F_OK) < 0)
                return 0; /* logins go to wtmp only */
        d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        d->ctx = ctx;
        d->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        e = d->ifd < 0 ? -errno : 0;
        if (e == 0 && inotify_add_watch(d->ifd, "/var/lib/wtmpdb",
                                        IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0)
                e = -errno;
        if (e == 0)
                e = seed(d);
        if (e == 0)
                e = collector_add_io(ctx, d->ifd, LOOP_IN, on_inotify, d, &d->io);
        if (e < 0) {
                collector_log_errno(ctx, LOG_LEVEL_WARN, e, "%s: no login events from it",
                                    SESSIONS_WTMPDB);
                sessions_watchdb_stop(d);
                return e == -ENOMEM ? e : 0;
        }
        *ret = d;
        return 0;
}

/* The SQLite backend: one connection per struct store, and the server opens one per store
 * worker thread. SQLite serialises writers anyway, so separate connections cost nothing on
 * writes and let readers (admin commands, dumps) run beside them under WAL; no connection is
 * ever shared between threads, so no mutex is needed (SQLITE_OPEN_NOMUTEX). Write
 * transactions start IMMEDIATE so two writers queue on busy_timeout instead of failing with
 * SQLITE_BUSY when one upgrades from reading. SQLite's return codes become -errno here and
 * nowhere else. */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/statvfs.h>

#include "log.h"
#include "store.h"

#define STMT_CACHE 128

struct cached_stmt {
        char *sql; /* as the caller wrote it, with $N placeholders */
        sqlite3_stmt *stmt;
};

struct store_sqlite {
        struct store base;
        sqlite3 *db;
        struct cached_stmt cache[STMT_CACHE];
        size_t n_cache;
        size_t next_evict;
};

/* SQLite says "disk I/O error" when it cannot even create its WAL on a full disk: the
 * operator needs the database's path and the reason. */
static int disk_full(sqlite3 *db, int rc, const char *what) {
        const char *path = db ? sqlite3_db_filename(db, "main") : NULL;
        char dir[4096];
        struct statvfs sv;
        const char *slash;

        if (!path || !*path)
                return 0;
        slash = strrchr(path, '/');
        if (!slash)
                snprintf(dir, sizeof(dir), ".");
        else
                snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
        if ((rc & 0xff) != SQLITE_FULL &&
            (statvfs(dir, &sv) < 0 || (unsigned long long)sv.f_bavail * sv.f_frsize >= 65536))
                return 0;
        log_error("sqlite: %s: the disk is full: no room to write the database '%s' (%s)", what,
                  path, sqlite3_errmsg(db));
        return -ENOSPC;
}

static int errno_from_sqlite(sqlite3 *db, int rc, const char *what) {
        int r;

        switch (rc & 0xff) {
        case SQLITE_CONSTRAINT:
                log_debug("sqlite: %s: %s", what, sqlite3_errmsg(db));
                return -EEXIST;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                log_warn("sqlite: %s: %s", what, sqlite3_errmsg(db));
                return -EBUSY;
        case SQLITE_NOMEM:
                return -ENOMEM;
        case SQLITE_FULL:
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
                r = disk_full(db, rc, what);
                if (r < 0)
                        return r;
                /* fall through */
        default:
                log_error("sqlite: %s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
                return -EIO;
        }
}

/* "$12" -> "?12": the one dialect difference in our statements. SQLite would accept "$12" as a
 * named parameter but number it by first appearance, not by its digits. */
static char *translate(const char *sql) {
        char *t = strdup(sql);

        if (!t)
                return NULL;
        for (char *p = t; *p; p++)
                if (p[0] == '$' && p[1] >= '0' && p[1] <= '9')
                        p[0] = '?';
        return t;
}

static void sqlite_close(struct store *s) {
        struct store_sqlite *q = (struct store_sqlite *)s;

        if (!q)
                return;
        for (size_t i = 0; i < q->n_cache; i++) {
                sqlite3_finalize(q->cache[i].stmt);
                free(q->cache[i].sql);
        }
        sqlite3_close_v2(q->db);
        free(q);
}

static int sqlite_script(struct store *s, const char *sql) {
        struct store_sqlite *q = (struct store_sqlite *)s;
        int rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);

        return rc == SQLITE_OK ? 0 : errno_from_sqlite(q->db, rc, "script");
}

static int sqlite_open(const char *path, const struct store_options *o, struct store **ret) {
        struct store_sqlite *q;
        int rc, r;

        q = calloc(1, sizeof(*q));
        if (!q)
                return -ENOMEM;
        q->base.ops = &store_sqlite_ops;
        rc = sqlite3_open_v2(path, &q->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
        if (rc != SQLITE_OK) {
                log_error("sqlite: cannot open '%s': %s", path,
                          q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
                sqlite_close(&q->base);
                /* cppcheck-suppress memleak ; sqlite_close() frees q */
                return -EIO;
        }
        sqlite3_extended_result_codes(q->db, 1);
        sqlite3_busy_timeout(q->db, (int)o->busy_timeout_ms);
        /* WAL: readers never block the writer. synchronous=FULL: an acknowledged record is on
         * disk, because the agent deletes what we acknowledge. */
        r = sqlite_script(&q->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                    "PRAGMA foreign_keys=ON;");
        if (r < 0) {
                sqlite_close(&q->base);
                /* cppcheck-suppress memleak ; sqlite_close() frees q */
                return r;
        }
        *ret = &q->base;
        return 0;
}

static int prepare(struct store_sqlite *q, const char *sql, sqlite3_stmt **ret) {
        struct cached_stmt *c;
        sqlite3_stmt *st = NULL;
        char *t, *key;
        int rc;

        for (size_t i = 0; i < q->n_cache; i++)
                if (strcmp(q->cache[i].sql, sql) == 0) {
                        *ret = q->cache[i].stmt;
                        return 0;
                }
        t = translate(sql);
        if (!t)
                return -ENOMEM;
        rc = sqlite3_prepare_v2(q->db, t, -1, &st, NULL);
        free(t);
        if (rc != SQLITE_OK) {
                int r = errno_from_sqlite(q->db, rc, "prepare");
                log_error("sqlite: statement was: %s", sql);
                sqlite3_finalize(st);
                return r;
        }
        key = strdup(sql);
        if (!key) {
                sqlite3_finalize(st);
                return -ENOMEM;
        }
        if (q->n_cache < STMT_CACHE)
                c = &q->cache[q->n_cache++];
        else {
                c = &q->cache[q->next_evict];
                q->next_evict = (q->next_evict + 1) % STMT_CACHE;
                sqlite3_finalize(c->stmt);
                free(c->sql);
        }
        c->sql = key;
        c->stmt = st;
        *ret = st;
        return 0;
}

static int sqlite_exec(struct store *s, const char *sql, size_t n_params, const char *const *params,
                       store_row_fn row, void *userdata) {
        struct store_sqlite *q = (struct store_sqlite *)s;
        const char *columns[64], *values[64];
        sqlite3_stmt *st = NULL;
        int before, rc, r;

        r = prepare(q, sql, &st);
        if (r < 0)
                return r;
        if ((size_t)sqlite3_bind_parameter_count(st) != n_params) {
                log_error("sqlite: statement wants %d parameters, got %zu: %s",
                          sqlite3_bind_parameter_count(st), n_params, sql);
                return -EINVAL;
        }
        for (size_t i = 0; i < n_params; i++) {
                rc = params[i] ? sqlite3_bind_text(st, (int)i + 1, params[i], -1, SQLITE_STATIC)
                               : sqlite3_bind_null(st, (int)i + 1);
                if (rc != SQLITE_OK) {
                        r = errno_from_sqlite(q->db, rc, "bind");
                        goto finish;
                }
        }
        /* sqlite3_changes() keeps the count of the last write even across a SELECT. */
        before = sqlite3_total_changes(q->db);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                int n = sqlite3_column_count(st);
                if (n > 64)
                        n = 64;
                if (!row)
                        continue;
                for (int i = 0; i < n; i++) {
                        columns[i] = sqlite3_column_name(st, i);
                        values[i] = (const char *)sqlite3_column_text(st, i);
                }
                r = row(userdata, (size_t)n, columns, values);
                if (r != 0)
                        goto finish;
        }
        if (rc != SQLITE_DONE) {
                r = errno_from_sqlite(q->db, rc, "step");
                goto finish;
        }
        r = sqlite3_total_changes(q->db) - before;
finish:
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return r;
}

static int sqlite_begin(struct store *s) {
        return sqlite_script(s, "BEGIN IMMEDIATE");
}

static int sqlite_commit(struct store *s) {
        return sqlite_script(s, "COMMIT");
}

static int sqlite_rollback(struct store *s) {
        struct store_sqlite *q = (struct store_sqlite *)s;

        if (sqlite3_get_autocommit(q->db))
                return 0;
        return sqlite_script(s, "ROLLBACK");
}

const struct store_ops store_sqlite_ops = {
        .name = "sqlite",
        .open = sqlite_open,
        .close = sqlite_close,
        .exec = sqlite_exec,
        .script = sqlite_script,
        .begin = sqlite_begin,
        .commit = sqlite_commit,
        .rollback = sqlite_rollback,
};

/* The PostgreSQL backend (libpq): one connection per struct store, statements prepared once
 * per connection and executed with PQexecPrepared, parameters always passed apart from the
 * SQL text. libpq's result statuses and SQLSTATEs become -errno here and nowhere else. A lost
 * connection is reset on the next call; its prepared statements are gone with it. */
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"

#define STMT_CACHE 256

struct store_pg {
        struct store base;
        PGconn *conn;
        char *prepared[STMT_CACHE]; /* statement i is prepared as "cg<i>" */
        size_t n_prepared;
};

static void pg_notice(void *arg, const char *message) {
        (void)arg;
        log_debug("postgresql: %.*s", (int)strcspn(message, "\n"), message);
}

static void forget_prepared(struct store_pg *q) {
        for (size_t i = 0; i < q->n_prepared; i++)
                free(q->prepared[i]);
        q->n_prepared = 0;
}

static int errno_from_result(struct store_pg *q, const PGresult *res, const char *what) {
        const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(q->conn);
        int len = (int)strcspn(msg, "\n");

        if (PQstatus(q->conn) != CONNECTION_OK) {
                log_error("postgresql: %s: connection lost: %.*s", what, len, msg);
                return -ENOTCONN;
        }
        if (state && strncmp(state, "23", 2) == 0) {
                log_debug("postgresql: %s: %.*s", what, len, msg);
                return -EEXIST;
        }
        if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
                      strcmp(state, "55P03") == 0)) {
                log_warn("postgresql: %s: %.*s", what, len, msg);
                return -EBUSY;
        }
        log_error("postgresql: %s: %.*s", what, len, msg);
        return -EIO;
}

static void pg_close(struct store *s) {
        struct store_pg *q = (struct store_pg *)s;

        if (!q)
                return;
        forget_prepared(q);
        PQfinish(q->conn);
        free(q);
}

static int ensure_connected(struct store_pg *q) {
        if (PQstatus(q->conn) == CONNECTION_OK)
                return 0;
        forget_prepared(q);
        PQreset(q->conn);
        if (PQstatus(q->conn) != CONNECTION_OK) {
                log_error("postgresql: reconnect failed: %.*s",
                          (int)strcspn(PQerrorMessage(q->conn), "\n"), PQerrorMessage(q->conn));
                return -ENOTCONN;
        }
        log_info("postgresql: reconnected");
        return 0;
}

static int pg_script(struct store *s, const char *sql) {
        struct store_pg *q = (struct store_pg *)s;
        PGresult *res;
        int r = ensure_connected(q);

        if (r < 0)
                return r;
        res = PQexec(q->conn, sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
                r = errno_from_result(q, res, "script");
        PQclear(res);
        return r;
}

static int pg_open(const char *url, const struct store_options *o, struct store **ret) {
        const char *const keywords[] = {
                "connect_timeout",  "keepalives_idle", "keepalives_interval",
                "keepalives_count", "dbname",          NULL};
        const char *const values[] = {"10", "30", "10", "3", url, NULL};
        struct store_pg *q;
        int r;

        (void)o;
        q = calloc(1, sizeof(*q));
        if (!q)
                return -ENOMEM;
        q->base.ops = &store_pg_ops;
        /* Our defaults first, so the URL's own settings win: a dead database host must fail a
         * connection in seconds, not after TCP's retries, and a silently dropped connection
         * must be noticed by keepalives rather than hang a store worker. */
        q->conn = PQconnectdbParams(keywords, values, 1);
        if (!q->conn) {
                free(q);
                return -ENOMEM;
        }
        if (PQstatus(q->conn) != CONNECTION_OK) {
                /* The message may quote the URL's host but never its password. */
                log_error("postgresql: cannot connect: %.*s",
                          (int)strcspn(PQerrorMessage(q->conn), "\n"), PQerrorMessage(q->conn));
                pg_close(&q->base);
                /* cppcheck-suppress memleak ; pg_close() frees q */
                return -ENOTCONN;
        }
        PQsetNoticeProcessor(q->conn, pg_notice, NULL);
        if (PQsetClientEncoding(q->conn, "UTF8") != 0) {
                pg_close(&q->base);
                /* cppcheck-suppress memleak ; pg_close() frees q */
                return log_error_errno(-EIO, "postgresql: cannot set client encoding UTF8");
        }
        r = pg_script(&q->base, "SET client_min_messages = warning");
        if (r < 0) {
                pg_close(&q->base);
                /* cppcheck-suppress memleak ; pg_close() frees q */
                return r;
        }
        *ret = &q->base;
        return 0;
}

static int prepare(struct store_pg *q, const char *sql, size_t n_params, char name[static 32]) {
        PGresult *res;
        size_t i;
        int r = 0;

        for (i = 0; i < q->n_prepared; i++)
                if (strcmp(q->prepared[i], sql) == 0) {
                        snprintf(name, 32, "cg%zu", i);
                        return 0;
                }
        if (q->n_prepared >= STMT_CACHE) {
                /* Statements are static text; more than the cache means a caller builds SQL,
                 * which it must not. Run it unprepared rather than fail. */
                name[0] = '\0';
                return 0;
        }
        snprintf(name, 32, "cg%zu", i);
        res = PQprepare(q->conn, name, sql, (int)n_params, NULL);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
                r = errno_from_result(q, res, "prepare");
                log_error("postgresql: statement was: %s", sql);
        }
        PQclear(res);
        if (r < 0)
                return r;
        q->prepared[i] = strdup(sql);
        if (!q->prepared[i]) {
                /* Prepared on the server but not remembered: name it out of the way. */
                PQclear(PQexec(q->conn, "DEALLOCATE ALL"));
                forget_prepared(q);
                return -ENOMEM;
        }
        q->n_prepared++;
        return 0;
}

static int pg_exec(struct store *s, const char *sql, size_t n_params, const char *const *params,
                   store_row_fn row, void *userdata) {
        struct store_pg *q = (struct store_pg *)s;
        const char *columns[64], *values[64];
        char name[32];
        PGresult *res;
        int r, n, ncols;

        r = ensure_connected(q);
        if (r < 0)
                return r;
        r = prepare(q, sql, n_params, name);
        if (r < 0)
                return r;
        if (name[0])
                res = PQexecPrepared(q->conn, name, (int)n_params, params, NULL, NULL, 0);
        else
                res = PQexecParams(q->conn, sql, (int)n_params, NULL, params, NULL, NULL, 0);
        switch (PQresultStatus(res)) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
                break;
        default:
                r = errno_from_result(q, res, "exec");
                PQclear(res);
                return r;
        }
        n = PQntuples(res);
        ncols = PQnfields(res);
        if (ncols > 64)
                ncols = 64;
        for (int i = 0; row && i < n; i++) {
                for (int c = 0; c < ncols; c++) {
                        columns[c] = PQfname(res, c);
                        values[c] = PQgetisnull(res, i, c) ? NULL : PQgetvalue(res, i, c);
                }
                r = row(userdata, (size_t)ncols, columns, values);
                if (r != 0) {
                        PQclear(res);
                        return r;
                }
        }
        /* Rows changed, as SQLite counts them: a SELECT changes none. */
        if (strncmp(PQcmdStatus(res), "SELECT", 6) == 0)
                r = 0;
        else {
                const char *t = PQcmdTuples(res);
                r = (int)strtol(t, NULL, 10);
        }
        PQclear(res);
        return r;
}

static int pg_begin(struct store *s) {
        return pg_script(s, "BEGIN");
}

static int pg_commit(struct store *s) {
        return pg_script(s, "COMMIT");
}

static int pg_rollback(struct store *s) {
        struct store_pg *q = (struct store_pg *)s;

        if (PQstatus(q->conn) != CONNECTION_OK || PQtransactionStatus(q->conn) == PQTRANS_IDLE)
                return 0;
        return pg_script(s, "ROLLBACK");
}

const struct store_ops store_pg_ops = {
        .name = "postgresql",
        .open = pg_open,
        .close = pg_close,
        .exec = pg_exec,
        .script = pg_script,
        .begin = pg_begin,
        .commit = pg_commit,
        .rollback = pg_rollback,
        .migration_lock = "LOCK TABLE schema_migrations IN EXCLUSIVE MODE",
};

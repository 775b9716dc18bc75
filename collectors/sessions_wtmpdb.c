/* wtmpdb (Debian 13 and later: pam_wtmpdb records logins in SQLite, Year-2038-safe, instead of
 * or beside /var/log/wtmp): table wtmp(ID, Type, User, Login, Logout, TTY, RemoteHost, Service),
 * times in microseconds, one row per session whose Logout is filled at logout. Read-only, the
 * most recent sessions first, within the snapshot's limits. sqlite's conventions end here. */
#include <arpa/inet.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "sessions.h"
#include "text.h"

/* wtmpdb's own record types (not utmp's) */
#define WTMPDB_BOOT_TIME    1
#define WTMPDB_USER_PROCESS 3

static char *column(sqlite3_stmt *st, int i) {
        const char *s = (const char *)sqlite3_column_text(st, i);

        return s && *s ? text_sanitize(s, strlen(s), REPORT_MAX_STRING) : NULL;
}

/* RemoteHost is what the login program said: an address is also the session's address */
static int address_of(const char *host, char **ret) {
        unsigned char buf[sizeof(struct in6_addr)];

        *ret = NULL;
        if (!host || (inet_pton(AF_INET, host, buf) != 1 && inet_pton(AF_INET6, host, buf) != 1))
                return 0;
        *ret = strdup(host);
        return *ret ? 0 : -ENOMEM;
}

int sessions_wtmpdb_session(sqlite3_stmt *st, int col, const char *end, struct report_session *s) {
        /* µs, in seconds: a forged or damaged row can hold any 64-bit value */
        int64_t login = sqlite3_column_int64(st, col + 1) / 1000000;
        bool out = sqlite3_column_type(st, col + 2) != SQLITE_NULL;
        int64_t logout = sqlite3_column_int64(st, col + 2) / 1000000;

        if (!sessions_time_ok(login) || (out && !sessions_time_ok(logout)))
                return 1; /* not a time */
        s->user = column(st, col);
        if (!s->user && !(s->user = strdup("")))
                return -ENOMEM;
        s->tty = column(st, col + 3);
        s->remote_host = column(st, col + 4);
        s->login_time = sessions_time(login);
        if (!s->login_time || !(s->kind = strdup("session")) || !(s->end = strdup(end)))
                return -ENOMEM;
        if (out && strcmp(end, "crash") != 0) {
                if (!(s->logout_time = sessions_time(logout)))
                        return -ENOMEM;
                if (logout >= login)
                        s->duration_s = logout - login;
        }
        return address_of(s->remote_host, &s->remote_address);
}

static int one(sqlite3_stmt *st, int64_t next_boot_usec, struct report *r) {
        bool out = sqlite3_column_type(st, 2) != SQLITE_NULL;
        const char *end = out ? "logout"
                          : next_boot_usec / 1000000 > sqlite3_column_int64(st, 1) / 1000000
                                  ? "crash"
                                  : "open";
        struct report_session *s = sessions_add(r);
        int e;

        if (!s)
                return -ENOMEM;
        e = sessions_wtmpdb_session(st, 0, end, s);
        if (e > 0) { /* not kept */
                model_free(model_find_desc("session"), s);
                r->n_sessions--;
        }
        return e;
}

int sessions_wtmpdb_read(const char *path, const struct sessions_limits *l, time_t now,
                         struct report *r, size_t *ret_skipped) {
        static const char sql[] =
                "SELECT User, Login, Logout, TTY, RemoteHost, "
                " (SELECT MIN(b.Login) FROM wtmp b WHERE b.Type = ?1 AND b.Login > w.Login) "
                "FROM wtmp w WHERE w.Type = ?2 AND w.Login >= ?3 ORDER BY w.Login DESC LIMIT ?4";
        size_t first = r->n_sessions;
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        int rc, e = 0;

        *ret_skipped = 0;
        if (access(path, F_OK) < 0)
                return -errno;
        rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc == SQLITE_OK)
                rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
        if (rc == SQLITE_OK)
                rc = sqlite3_bind_int(st, 1, WTMPDB_BOOT_TIME);
        if (rc == SQLITE_OK)
                rc = sqlite3_bind_int(st, 2, WTMPDB_USER_PROCESS);
        if (rc == SQLITE_OK)
                rc = sqlite3_bind_int64(st, 3, ((int64_t)now - l->max_age_s) * 1000000);
        if (rc == SQLITE_OK)
                rc = sqlite3_bind_int64(st, 4, (int64_t)l->max_sessions);
        while (rc == SQLITE_OK && e == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                int64_t boot =
                        sqlite3_column_type(st, 5) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 5);
                e = one(st, boot, r);
                if (e > 0) {
                        ++*ret_skipped;
                        e = 0;
                }
                rc = SQLITE_OK;
        }
        if (e == 0 && rc != SQLITE_DONE)
                e = rc == SQLITE_NOMEM ? -ENOMEM : -EIO;
        sqlite3_finalize(st);
        sqlite3_close(db);
        /* newest first from the query: the report reads oldest first */
        for (size_t i = first, j = r->n_sessions; e == 0 && j > 0 && i < --j; i++) {
                struct report_session t = r->sessions[i];
                r->sessions[i] = r->sessions[j];
                r->sessions[j] = t;
        }
        return e;
}

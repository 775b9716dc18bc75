/* The `sessions` collector's parts: wtmp/btmp records read from the end backwards
 * (sessions_wtmp.c), paired into sessions (sessions_pair.c), failed logins (sessions_btmp.c),
 * logind's live sessions (sessions_logind.c), login/logout events (sessions_watch.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <utmpx.h>

#include "collector.h"
#include "report.h"

/* The recent sessions a snapshot carries: the last SESSIONS_MAX_SESSIONS, none older than
 * SESSIONS_MAX_AGE_DAYS; and at most SESSIONS_MAX_RECORDS records read (768 MB of wtmp) to
 * find them, so a huge wtmp costs bounded time; memory is one chunk whatever the size. */
#define SESSIONS_MAX_SESSIONS       200
#define SESSIONS_MAX_AGE_DAYS       90
#define SESSIONS_MAX_RECORDS        2000000u
#define SESSIONS_MAX_FAILED_USERS   256     /* btmp: distinct names kept */
#define SESSIONS_MAX_FAILED_RECORDS 500000u /* btmp: records read */

struct sessions_limits {
        size_t max_sessions;
        int64_t max_age_s;
        uint64_t max_records;
};

/* The limits a snapshot uses: the defaults above, or what sessions_set_limits() set. */
void sessions_default_limits(struct sessions_limits *l);
/* For the agent's configuration (an agent.ini [sessions] section, to be wired by the agent):
 * how many recent sessions and how many days back a snapshot carries; 0 keeps the default.
 * Called once, before any snapshot. */
void sessions_set_limits(size_t max_sessions, unsigned max_age_days);

/* --- sessions_wtmp.c --- */
struct sessions_walk {
        uint64_t records;      /* how many were given to fn */
        size_t tail_bytes;     /* a truncated last record's bytes, skipped */
        bool reached_start;    /* every record was read */
        bool stopped_at_limit; /* max_records reached */
};
/* fn returns 0 to go on, > 0 to stop, < 0 to fail. */
typedef int (*sessions_record_fn)(const struct utmpx *u, void *userdata);
/* fd's records from the last one to the first, read in chunks from the end. 0 or -errno. */
int sessions_walk_back(int fd, uint64_t max_records, sessions_record_fn fn, void *userdata,
                       struct sessions_walk *ret);
/* The records of fd in [*offset, end), in order; *offset moves past the last whole one. */
int sessions_read_forward(int fd, uint64_t *offset, sessions_record_fn fn, void *userdata);

/* --- sessions_pair.c --- */
struct sessions_pairer;
int sessions_pairer_new(const struct sessions_limits *l, time_t now, struct report *out,
                        struct sessions_pairer **ret);
void sessions_pairer_free(struct sessions_pairer *p);
/* A record, from the newest backwards: sessions_record_fn's contract. */
int sessions_pair_record(const struct utmpx *u, void *pairer);
/* After the walk: with reached_start, logouts whose login was never found are reported too.
 * The sessions out got are put in time order. 0 or -ENOMEM. */
int sessions_pair_finish(struct sessions_pairer *p, bool reached_start);

/* One record's facts into a session (user, tty, remote host and address, the time as
 * login_time or logout_time). 0 or -ENOMEM. */
int sessions_from_record(const struct utmpx *u, bool as_logout, struct report_session *s);
/* "2026-11-23T08:01:10.000Z" of a record, into a malloc'ed string; NULL on out of memory. */
char *sessions_time(int64_t sec);
/* Whether sec is a time an RFC 3339 date-time can say (1970 to 9999): a database's 64-bit
 * times are checked before they become one. */
bool sessions_time_ok(int64_t sec);
struct report_session *sessions_add(struct report *r);
/* true for the records that end every session: a boot, a shutdown */
bool sessions_is_boot(const struct utmpx *u);
bool sessions_is_shutdown(const struct utmpx *u);

/* --- sessions_wtmpdb.c --- */
/* The recent sessions of a wtmpdb database at path, appended to r in time order; rows whose
 * times are not times are skipped and counted. 0, -ENOENT, -ENOMEM, -EIO (not a wtmpdb
 * database, or unreadable). */
int sessions_wtmpdb_read(const char *path, const struct sessions_limits *l, time_t now,
                         struct report *r, size_t *ret_skipped);
#define SESSIONS_WTMPDB "/var/lib/wtmpdb/wtmp.db"
/* A wtmpdb row's session: columns col.. of st are User, Login, Logout, TTY, RemoteHost. 0,
 * 1 (a time no date-time can say: s is to be dropped), -ENOMEM. */
struct sqlite3_stmt;
int sessions_wtmpdb_session(struct sqlite3_stmt *st, int col, const char *end,
                            struct report_session *s);
/* wtmpdb's logins and logouts as events, when it exists (sessions_watchdb.c) */
struct sessions_watchdb;
int sessions_watchdb_start(struct collector_ctx *ctx, struct sessions_watchdb **ret);
void sessions_watchdb_stop(struct sessions_watchdb *d);
/* sessions_watch.c's event emitter, shared with sessions_watchdb.c */
void sessions_emit(struct collector_ctx *ctx, const char *what, struct report_session *s);

/* --- sessions_btmp.c, sessions_logind.c --- */
int sessions_failed(struct collector_ctx *ctx, const struct sessions_limits *l, time_t now,
                    struct report *r);
int sessions_live(struct collector_ctx *ctx, struct report *r);

/* --- sessions_watch.c --- */
int sessions_watch_start(struct collector_ctx *ctx);
void sessions_watch_stop(struct collector_ctx *ctx);

#define SESSIONS_WTMP "/var/log/wtmp"
#define SESSIONS_BTMP "/var/log/btmp"

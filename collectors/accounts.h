/* The `accounts` collector's parts: reading every source (accounts_read.c), building the
 * report's accounts from them (accounts_build.c), watching for changes (accounts_watch.c). */
#pragma once

#include <time.h>

#include "accounts_dm.h"
#include "accounts_files.h"
#include "collector.h"
#include "report.h"

struct accounts_grant {
        char *who;   /* "alice" or "%ops" */
        char *where; /* "/etc/sudoers.d/ops:2" */
};

struct accounts_alias {
        char *name;   /* "ADMINS" */
        char *member; /* "alice", "%ops" */
};

struct accounts_facts {
        struct accounts_db db;
        struct accounts_grant *grants;
        size_t n_grants;
        struct accounts_alias *aliases; /* sudoers' User_Alias members */
        size_t n_aliases;
        struct accounts_dm dm;
};

#define ACCOUNTS_MAX_GRANTS    1024
#define ACCOUNTS_SUDOERS_DEPTH 4 /* includes followed this deep, no further */

void accounts_facts_free(struct accounts_facts *f); /* the contents; accepts NULL */

/* Every source into f (initialised here); what cannot be read goes to missing->missing and
 * the log. 0 or -ENOMEM. */
int accounts_read_all(struct collector_ctx *ctx, struct accounts_facts *f, struct report *missing);

/* The report's accounts from f, appended to r->accounts; `now` for days inactive. 0 or
 * -ENOMEM. */
int accounts_build(struct collector_ctx *ctx, const struct accounts_facts *f, struct report *r,
                   time_t now);

/* The last login and days inactive of r->accounts[first..] (accounts_lastlog.c): the latest of
 * lastlog (by uid), lastlog2 (Debian 13's SQLite database, by name) and, for accounts neither
 * knows, wtmp's last login within the sessions' limits. 0 or -ENOMEM; what cannot be read goes
 * to r->missing. */
int accounts_last_logins(struct collector_ctx *ctx, struct report *r, size_t first, time_t now);
/* lastlog2's database at path into best[i] (seconds, 0: none) for r->accounts[first + i]. 0,
 * -ENOENT, -EIO (not a lastlog2 database). */
int accounts_lastlog2_read(const char *path, const struct report *r, size_t first, int64_t *best);

#define ACCOUNTS_LASTLOG  "/var/log/lastlog"
#define ACCOUNTS_LASTLOG2 "/var/lib/lastlog/lastlog2.db"

/* Read and build, into r: what the snapshot does, and what watch compares. */
int accounts_collect(struct collector_ctx *ctx, struct report *r);

int accounts_watch_start(struct collector_ctx *ctx);
void accounts_watch_stop(struct collector_ctx *ctx);

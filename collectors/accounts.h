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

struct accounts_facts {
        struct accounts_db db;
        struct accounts_grant *grants;
        size_t n_grants;
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

/* Read and build, into r: what the snapshot does, and what watch compares. */
int accounts_collect(struct collector_ctx *ctx, struct report *r);

int accounts_watch_start(struct collector_ctx *ctx);
void accounts_watch_stop(struct collector_ctx *ctx);

/* Inside the store's ingest: what store_ingest.c and store_rows.c share. */
#pragma once

#include "report.h"
#include "store.h"

#define TRY(expr)                                                                                  \
        do {                                                                                       \
                int r_ = (expr);                                                                   \
                if (r_ < 0)                                                                        \
                        return r_;                                                                 \
        } while (0)

struct ingest_ctx {
        struct store *s;
        const char *agent_id;
        const char *unit;
        int64_t seq;
        const char *time;
        const char *content_hash; /* a snapshot's (snapshot_hash.h) */
};

/* store_rows.c: one table each, for the record being applied. */
int store_upsert_printer(struct ingest_ctx *c, const struct report_printer *x);
int store_upsert_scanner(struct ingest_ctx *c, const struct report_scanner *x);
int store_upsert_account(struct ingest_ctx *c, const struct report_account *x);
int store_upsert_session(struct ingest_ctx *c, const struct report_session *x);
int store_insert_lookup(struct ingest_ctx *c, const struct report_lookup *x);
int store_open_finding(struct ingest_ctx *c, const struct report_finding *x);
int store_resolve_finding(struct ingest_ctx *c, const struct report_finding *x);
int store_insert_antivirus(struct ingest_ctx *c, const struct report_antivirus *x);
int store_insert_firewall(struct ingest_ctx *c, const struct report *rep);

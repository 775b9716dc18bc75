/* The body of POST /api/v1/records, decoded and validated before anything is stored:
 *   {"records": [{"seq": N, "type": "snapshot"|"event", "time": RFC3339, "body": {...}}],
 *    "agent_id": optional, must be the authenticated agent}
 * The envelope is checked here, each body by the report model (common/model.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "snapshot_hash.h"

enum record_type {
        RECORD_SNAPSHOT,
        RECORD_EVENT,
        RECORD_TYPE_MAX,
};

const char *record_type_to_string(enum record_type t);

/* The highest seq accepted: 2^53 - 1, the largest integer every JSON implementation reads
 * exactly, and far from what an agent can count to. */
#define BATCH_SEQ_MAX ((int64_t)((1LL << 53) - 1))

struct batch_record {
        int64_t seq;
        enum record_type type;
        char *time;
        char *body_json;           /* the body, compact, as stored in raw_records */
        struct report snapshot;    /* RECORD_SNAPSHOT */
        struct report_event event; /* RECORD_EVENT */
        /* RECORD_SNAPSHOT: its content hash, times aside (snapshot_hash.h); computed while
         * parsing, so the store's transaction does not wait for it */
        char content_hash[SNAPSHOT_HASH_LEN + 1];
};

struct batch {
        char *agent_id; /* NULL when the client did not say */
        struct batch_record *records;
        size_t n_records;
};

struct batch_error {
        bool syntax;      /* not JSON at all: "malformed JSON", else "invalid record" */
        char detail[600]; /* "records[2].body.devices[0].vendor_id: expected ..." */
};

/* Decode buf into ret. -EINVAL with err filled on bad input, -ENOMEM; ret is then empty. */
int batch_parse(const char *buf, size_t len, size_t max_records, struct batch *ret,
                struct batch_error *err);
void batch_free(struct batch *b); /* the contents; accepts NULL */

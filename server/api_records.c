/* POST /api/v1/records: an agent's batch. Checked in this order: the credential (401/403,
 * by http.c before the body is read: its cache or the store), on a parse thread the whole
 * batch against the envelope and the report schema (400, nothing stored) and the agent_id
 * the batch claims (403), then in the store: the credential again (401), revocation (403),
 * a seq reused for other content (409), and the batch stored in one transaction ->
 * {"acked_seq": N}. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "batch.h"
#include "http.h"
#include "log.h"

struct records {
        char agent_id[AUTH_ID_HEX + 1];
        char secret[AUTH_SECRET_HEX + 1];
        struct batch batch;
};

static void records_free(void *data) {
        struct records *x = data;

        if (!x)
                return;
        explicit_bzero(x->secret, sizeof(x->secret));
        batch_free(&x->batch);
        free(x);
}

/* Runs in a transaction shared with other batches (one commit for many): a negative return
 * rolls back this batch alone. */
static int records_in_store(struct http_request *req, struct store *s) {
        struct records *x = req->data;
        struct ingest_conflict conflict = {0};
        char *unit = NULL;
        int64_t acked = 0;
        int r;

        r = store_authenticate(s, x->agent_id, x->secret, &unit);
        if (r == -EACCES) {
                log_info("refused records for agent %s: unknown agent or wrong credential",
                         x->agent_id);
                http_forget_credential(req, x->agent_id);
                http_set_error(req, 401, "unauthorized", "unknown agent or wrong credential");
                return 0;
        }
        if (r == -EPERM) {
                log_info("refused records for revoked agent %s", x->agent_id);
                http_forget_credential(req, x->agent_id);
                http_set_error(req, 403, "agent revoked", NULL);
                return 0;
        }
        if (r >= 0)
                r = store_ingest_in_tx(s, x->agent_id, unit, &x->batch, &acked, &conflict);
        free(unit);
        if (r == -ENOTUNIQ) {
                char detail[160];
                log_warn("agent %s: records[%zu].seq %lld is already stored with other content; "
                         "batch refused",
                         x->agent_id, conflict.index, (long long)conflict.seq);
                snprintf(detail, sizeof(detail),
                         "records[%zu].seq: %lld is already stored with other content",
                         conflict.index, (long long)conflict.seq);
                http_set_result(req, 409,
                                json_pack("{s:s, s:s, s:I, s:I}", "error", "seq reused", "detail",
                                          detail, "stored_first_seq", (json_int_t)conflict.first,
                                          "stored_last_seq", (json_int_t)conflict.last));
                return r; /* nothing of the batch stays */
        }
        if (r < 0) {
                log_error_errno(r, "storing %zu records of agent %s failed", x->batch.n_records,
                                x->agent_id);
                http_set_error(req, 503, "store unavailable", NULL);
                return r;
        }
        log_debug("agent %s: %zu records, acked %lld", x->agent_id, x->batch.n_records,
                  (long long)acked);
        http_set_result(req, 200, json_pack("{s:I}", "acked_seq", (json_int_t)acked));
        return 0;
}

/* On a parse thread: an 8 MiB batch takes a parser, not an HTTP thread serving others. */
static void records_parse(struct http_request *req) {
        struct records *x = req->data;
        struct batch_error err;
        int r;

        r = batch_parse(req->body, req->body_len, req->config->max_batch_records, &x->batch, &err);
        if (r == -ENOMEM)
                http_set_error(req, 500, "out of memory", NULL);
        else if (r < 0)
                http_set_error(req, 400, err.syntax ? "malformed JSON" : "invalid record",
                               err.detail);
        else if (x->batch.agent_id && strcmp(x->batch.agent_id, x->agent_id) != 0)
                http_set_error(req, 403, "forbidden",
                               "agent_id: an agent can only write as itself");
        else
                http_defer_tx(req, records_in_store, x->agent_id);
}

int api_records(struct http_request *req) {
        struct records *x;

        x = calloc(1, sizeof(*x));
        if (!x)
                return http_reply_error(req, 500, "out of memory", NULL);
        req->data = x;
        req->free_data = records_free;
        if (auth_parse_bearer(http_header(req, "Authorization"), x->agent_id, x->secret) < 0)
                return http_reply_error(req, 401, "unauthorized",
                                        "expected Authorization: Bearer <credential>");
        return http_defer_parse(req, records_parse);
}

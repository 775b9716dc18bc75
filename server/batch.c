/* Envelope validation, table-free because the envelope has four fields; the bodies go
 * through the report model's tables. Every refusal names the field path. */
#include "batch.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_budget.h"
#include "model.h"
#include "text.h"

static const char *const record_types[RECORD_TYPE_MAX] = {
        [RECORD_SNAPSHOT] = "snapshot",
        [RECORD_EVENT] = "event",
};

const char *record_type_to_string(enum record_type t) {
        return t < RECORD_TYPE_MAX ? record_types[t] : NULL;
}

static int fail(struct batch_error *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static int fail(struct batch_error *err, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
        va_end(ap);
        /* a detail cut by the buffer ends on a character boundary, so it stays valid JSON */
        err->detail[text_prefix_len(err->detail, sizeof(err->detail) - 1)] = '\0';
        return -EINVAL;
}

void batch_free(struct batch *b) {
        if (!b)
                return;
        for (size_t i = 0; i < b->n_records; i++) {
                struct batch_record *r = &b->records[i];
                free(r->time);
                free(r->body_json);
                report_free(&r->snapshot);
                report_event_free(&r->event);
        }
        free(b->records);
        free(b->agent_id);
        *b = (struct batch){0};
}

static int parse_record(json_t *j, size_t i, struct batch_record *rec, struct batch_error *err) {
        static const char *const known[] = {"seq", "type", "time", "body"};
        struct model_error merr;
        const char *key, *type;
        json_t *v, *body;
        int r;

        if (!json_is_object(j))
                return fail(err, "records[%zu]: expected an object", i);
        json_object_foreach (j, key, v) {
                bool ok = false;
                for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
                        ok = ok || strcmp(key, known[k]) == 0;
                if (!ok)
                        return fail(err, "records[%zu].%.*s: unknown field", i,
                                    (int)text_prefix_len(key, 64), key);
        }
        v = json_object_get(j, "seq");
        if (!v)
                return fail(err, "records[%zu].seq: required field is missing", i);
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > BATCH_SEQ_MAX)
                return fail(err, "records[%zu].seq: expected an integer from 0 to %lld (2^53 - 1)",
                            i, (long long)BATCH_SEQ_MAX);
        rec->seq = json_integer_value(v);

        v = json_object_get(j, "type");
        if (!v)
                return fail(err, "records[%zu].type: required field is missing", i);
        type = json_string_value(v);
        if (type && strcmp(type, "snapshot") == 0)
                rec->type = RECORD_SNAPSHOT;
        else if (type && strcmp(type, "event") == 0)
                rec->type = RECORD_EVENT;
        else
                return fail(err, "records[%zu].type: expected \"snapshot\" or \"event\"", i);

        v = json_object_get(j, "time");
        if (!v)
                return fail(err, "records[%zu].time: required field is missing", i);
        if (!json_is_string(v) || !model_format_valid(FORMAT_TIME, json_string_value(v)))
                return fail(err, "records[%zu].time: expected an RFC 3339 time", i);
        rec->time = strdup(json_string_value(v));
        if (!rec->time)
                return -ENOMEM;

        body = json_object_get(j, "body");
        if (!body)
                return fail(err, "records[%zu].body: required field is missing", i);
        if (rec->type == RECORD_SNAPSHOT)
                r = model_from_json(&report_desc, body, &rec->snapshot, &merr);
        else
                r = model_from_json(&report_event_desc, body, &rec->event, &merr);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return fail(err, "records[%zu].body%s%s: %s", i, merr.path[0] ? "." : "", merr.path,
                            merr.message);
        rec->body_json = json_dumps(body, JSON_COMPACT);
        if (!rec->body_json)
                return -ENOMEM;
        /* A hash that cannot be computed is the server's failure (500), never the client's. */
        if (rec->type == RECORD_SNAPSHOT && snapshot_hash(&rec->snapshot, rec->content_hash) < 0)
                return -ENOMEM;
        return 0;
}

static int parse_envelope(json_t *root, size_t max_records, struct batch *b,
                          struct batch_error *err) {
        const char *key;
        json_t *v, *records;
        size_t n;

        if (!json_is_object(root))
                return fail(err, "expected an object with \"records\"");
        json_object_foreach (root, key, v) {
                if (strcmp(key, "records") != 0 && strcmp(key, "agent_id") != 0)
                        return fail(err, "%.*s: unknown field", (int)text_prefix_len(key, 64), key);
        }
        v = json_object_get(root, "agent_id");
        if (v) {
                if (!json_is_string(v))
                        return fail(err, "agent_id: expected a string");
                b->agent_id = strdup(json_string_value(v));
                if (!b->agent_id)
                        return -ENOMEM;
        }
        records = json_object_get(root, "records");
        if (!records)
                return fail(err, "records: required field is missing");
        if (!json_is_array(records))
                return fail(err, "records: expected an array");
        n = json_array_size(records);
        if (n > max_records)
                return fail(err, "records: more than %zu records in one batch", max_records);
        if (n == 0)
                return 0;
        b->records = calloc(n, sizeof(*b->records));
        if (!b->records)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                struct batch_record *rec = &b->records[i];
                int r;

                /* Initialised and counted before parsing, so batch_free frees a half-filled
                 * record too. */
                report_init(&rec->snapshot);
                report_event_init(&rec->event);
                b->n_records = i + 1;
                r = parse_record(json_array_get(records, i), i, rec, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int batch_parse(const char *buf, size_t len, size_t max_records, struct batch *ret,
                struct batch_error *err) {
        struct batch b = {0};
        json_error_t jerr;
        json_t *root;
        int r;

        err->syntax = false;
        err->detail[0] = '\0';
        /* The tree's memory is capped (json_budget.h): a batch of tiny values is refused
         * rather than allowed to take many times its size. */
        json_budget_begin(json_budget_for(len));
        root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
        if (json_budget_end()) {
                json_decref(root);
                return fail(err, "records: more JSON values than a batch of %zu bytes can hold",
                            len);
        }
        if (!root) {
                err->syntax = true;
                return fail(err, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
        }
        r = parse_envelope(root, max_records, &b, err);
        json_decref(root);
        if (r < 0) {
                if (r == -ENOMEM)
                        snprintf(err->detail, sizeof(err->detail), "out of memory");
                batch_free(&b);
                return r;
        }
        *ret = b;
        return 0;
}

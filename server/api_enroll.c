/* POST /api/v1/enroll: {"token": ..., "host": {...}} -> {"agent_id": ..., "credential": ...}.
 * The token is checked by the store, which answers the same for unknown, expired and used-up
 * tokens. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "log.h"
#include "json_budget.h"
#include "model.h"
#include "text.h"

#define TOKEN_MAX 256

struct enroll {
        char *token;
        struct report_host host;
        bool has_host;
};

void api_enroll_free(void *data) {
        struct enroll *e = data;

        if (!e)
                return;
        if (e->token)
                explicit_bzero(e->token, strlen(e->token));
        free(e->token);
        model_free(&report_host_desc, &e->host);
        free(e);
}

static void enroll_in_store(struct http_request *req, struct store *s) {
        struct enroll *e = req->data;
        char *agent_id = NULL, *credential = NULL;
        int r;

        r = store_enroll(s, e->token, e->has_host ? &e->host : NULL, &agent_id, &credential);
        if (r == -EACCES) {
                log_info("enrollment refused: unknown, expired or used-up token");
                http_set_error(req, 403, "enrollment refused", "unknown, expired or used-up token");
                return;
        }
        if (r < 0) {
                log_error_errno(r, "enrollment failed");
                http_set_error(req, 503, "store unavailable", NULL);
                return;
        }
        {
                /* the hostname is the agent's word: no control character reaches the log */
                char *host = text_printable(e->has_host ? e->host.hostname : NULL, 256);
                log_info("agent %s enrolled (host '%s')", agent_id, host ? host : "?");
                free(host);
        }
        http_set_result(req, 200,
                        json_pack("{s:s, s:s}", "agent_id", agent_id, "credential", credential));
        explicit_bzero(credential, strlen(credential));
        free(credential);
        free(agent_id);
}

/* 400 with *ret_error and detail filled; or 0 with *ret. */
static int refuse(const char *error, char *detail, size_t detail_size, const char **ret_error,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int refuse(const char *error, char *detail, size_t detail_size, const char **ret_error,
                  const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(detail, detail_size, fmt, ap);
        va_end(ap);
        detail[text_prefix_len(detail, detail_size - 1)] = '\0';
        *ret_error = error;
        return -EINVAL;
}

int api_enroll_parse(const char *body, size_t len, struct enroll **ret, const char **ret_error,
                     char *detail, size_t detail_size) {
        struct model_error merr;
        struct enroll *e;
        json_error_t jerr;
        const char *key;
        json_t *root, *v;
        int r;

        json_budget_begin(json_budget_for(len));
        root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
        if (json_budget_end()) {
                json_decref(root);
                return refuse("invalid request", detail, detail_size, ret_error,
                              "too many JSON values");
        }
        if (!root)
                return refuse("malformed JSON", detail, detail_size, ret_error,
                              "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
        r = -EINVAL;
        e = NULL;
        if (!json_is_object(root)) {
                refuse("invalid request", detail, detail_size, ret_error, "expected an object");
                goto out;
        }
        json_object_foreach (root, key, v) {
                if (strcmp(key, "token") != 0 && strcmp(key, "host") != 0) {
                        refuse("invalid request", detail, detail_size, ret_error,
                               "%.*s: unknown field", (int)text_prefix_len(key, 64), key);
                        goto out;
                }
        }
        v = json_object_get(root, "token");
        if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > TOKEN_MAX ||
            strlen(json_string_value(v)) != json_string_length(v)) {
                refuse("invalid request", detail, detail_size, ret_error,
                       "token: expected the enrollment token");
                goto out;
        }
        e = calloc(1, sizeof(*e));
        if (!e) {
                r = -ENOMEM;
                goto out;
        }
        model_init(&report_host_desc, &e->host);
        e->token = strdup(json_string_value(v));
        if (!e->token) {
                r = -ENOMEM;
                goto out;
        }
        v = json_object_get(root, "host");
        if (v) {
                r = model_from_json(&report_host_desc, v, &e->host, &merr);
                if (r == -ENOMEM)
                        goto out;
                if (r < 0) {
                        r = refuse("invalid request", detail, detail_size, ret_error,
                                   "host%s%s: %s", merr.path[0] ? "." : "", merr.path,
                                   merr.message);
                        goto out;
                }
                e->has_host = true;
        }
        *ret = e;
        e = NULL;
        r = 0;
out:
        api_enroll_free(e);
        json_decref(root);
        return r;
}

int api_enroll(struct http_request *req) {
        const char *error = NULL;
        struct enroll *e = NULL;
        char detail[600];
        int r;

        r = api_enroll_parse(req->body, req->body_len, &e, &error, detail, sizeof(detail));
        if (r == -ENOMEM)
                return http_reply_error(req, 500, "out of memory", NULL);
        if (r < 0)
                return http_reply_error(req, 400, error, detail);
        req->data = e;
        req->free_data = api_enroll_free;
        return http_defer(req, enroll_in_store);
}

/* POST /api/v1/enroll: {"token": ..., "host": {...}} -> {"agent_id": ..., "credential": ...}.
 * The token is checked by the store, which answers the same for unknown, expired and used-up
 * tokens. */
#include <errno.h>
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

static void enroll_free(void *data) {
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

int api_enroll(struct http_request *req) {
        struct model_error merr;
        struct enroll *e;
        json_error_t jerr;
        const char *key;
        json_t *root, *v;
        char detail[600];
        int r;

        json_budget_begin(json_budget_for(req->body_len));
        root = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
        if (json_budget_end()) {
                json_decref(root);
                return http_reply_error(req, 400, "invalid request", "too many JSON values");
        }
        if (!root) {
                snprintf(detail, sizeof(detail), "line %d column %d: %s", jerr.line, jerr.column,
                         jerr.text);
                return http_reply_error(req, 400, "malformed JSON", detail);
        }
        if (!json_is_object(root)) {
                json_decref(root);
                return http_reply_error(req, 400, "invalid request", "expected an object");
        }
        json_object_foreach (root, key, v) {
                if (strcmp(key, "token") != 0 && strcmp(key, "host") != 0) {
                        snprintf(detail, sizeof(detail), "%.*s: unknown field",
                                 (int)text_prefix_len(key, 64), key);
                        json_decref(root);
                        return http_reply_error(req, 400, "invalid request", detail);
                }
        }
        v = json_object_get(root, "token");
        if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > TOKEN_MAX ||
            strlen(json_string_value(v)) != json_string_length(v)) {
                json_decref(root);
                return http_reply_error(req, 400, "invalid request",
                                        "token: expected the enrollment token");
        }
        e = calloc(1, sizeof(*e));
        if (!e) {
                json_decref(root);
                return http_reply_error(req, 500, "out of memory", NULL);
        }
        model_init(&report_host_desc, &e->host);
        req->data = e;
        req->free_data = enroll_free;
        e->token = strdup(json_string_value(v));
        if (!e->token) {
                json_decref(root);
                return http_reply_error(req, 500, "out of memory", NULL);
        }
        v = json_object_get(root, "host");
        if (v) {
                r = model_from_json(&report_host_desc, v, &e->host, &merr);
                if (r < 0) {
                        json_decref(root);
                        snprintf(detail, sizeof(detail), "host%s%s: %s", merr.path[0] ? "." : "",
                                 merr.path, merr.message);
                        return http_reply_error(req, 400, "invalid request", detail);
                }
                e->has_host = true;
        }
        json_decref(root);
        return http_defer(req, enroll_in_store);
}

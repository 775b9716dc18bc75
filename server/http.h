/* The HTTPS front: libmicrohttpd with GnuTLS, a thread pool, bodies read up to max_body,
 * JSON answers. API resources (api_*.c) see a struct http_request with the whole body and
 * either answer at once, hand parsing to the parse pool (http_defer_parse) or store work to
 * the store queue (http_defer); this file is the only one that speaks libmicrohttpd.
 *
 * What a client without a credential can make the server spend is bounded here: a
 * credential is checked before a records body is read (against a cache of credentials the
 * store verified, else by the store), bodies in flight share one byte budget
 * (max_body_memory), each address has a connection limit, and headers and whole requests
 * have deadlines. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "store.h"
#include "workq.h"

struct http_request;

/* Runs on a store worker: do the store work, then http_set_result(). s is NULL when the
 * worker has no database connection. */
typedef void (*http_store_fn)(struct http_request *req, struct store *s);
/* The same for work that shares a transaction with others (see workq.h): a negative return
 * rolls back what it changed. */
typedef int (*http_store_tx_fn)(struct http_request *req, struct store *s);

struct http_request {
        const struct server_config *config;
        const char *body; /* the whole request body, not NUL-terminated */
        size_t body_len;
        void *data; /* the resource's own state between its handler and its store work */
        void (*free_data)(void *data);
};

/* A header of the request (valid during the handler only). */
const char *http_header(struct http_request *req, const char *name);

/* Runs on a parse thread (not an HTTP thread): decode req->body, then either
 * http_set_error() or http_defer_tx() to the store. */
typedef void (*http_parse_fn)(struct http_request *req);

/* Answer now. detail may be NULL. */
int http_reply_error(struct http_request *req, unsigned status, const char *error,
                     const char *detail);
int http_reply_json(struct http_request *req, unsigned status, json_t *body); /* takes body */
/* Send fn to the store queue; its result is answered when it is done. When the store is
 * behind, the answer is 429 with Retry-After instead. */
int http_defer(struct http_request *req, http_store_fn fn);
/* Send fn to the parse pool (one thread per core); 429 when it is behind. */
int http_defer_parse(struct http_request *req, http_parse_fn fn);
/* The store says the request's credential is wrong or revoked: drop it from the cache. */
void http_forget_credential(struct http_request *req, const char *agent_id);
/* As http_defer, in a transaction shared with other requests; if that fails, 503. group_key
 * (the agent id, kept alive by the request) orders the requests within the transaction. */
int http_defer_tx(struct http_request *req, http_store_tx_fn fn, const char *group_key);
/* From the store work: the answer to send (takes body). */
void http_set_result(struct http_request *req, unsigned status, json_t *body);
void http_set_error(struct http_request *req, unsigned status, const char *error,
                    const char *detail);

/* API resources (api_enroll.c, api_records.c). */
int api_enroll(struct http_request *req);
/* The enrollment body, decoded (for api_enroll and its fuzz target): 0 and *ret, or -EINVAL
 * with the answer's error and detail, or -ENOMEM. */
struct enroll;
int api_enroll_parse(const char *body, size_t len, struct enroll **ret, const char **ret_error,
                     char *detail, size_t detail_size);
void api_enroll_free(void *enroll); /* accepts NULL */
int api_records(struct http_request *req);

struct http_server;

/* Serve on listen_fd (bound and listening; stays the caller's) with c's settings. */
int http_start(const struct server_config *c, int listen_fd, struct workq *q,
               struct http_server **ret);
/* Stop accepting, let the requests in flight finish, stop. Requests still being received
 * after a few seconds (slow clients) are cut; requests waiting on the store or the parsers
 * get up to wait_s seconds. Returns -ETIMEDOUT when some were still waiting then: h is left
 * running (quiesced) and the caller may call http_stop again later, but must not free the
 * store queue meanwhile. Accepts NULL. */
int http_stop(struct http_server *h, unsigned wait_s);

/* The TLS settings work: certificate and key load and match, priorities parse. */
int http_check_tls(const struct server_config *c);

/* Decode %XX in s in place, except %00 (left as it is: a NUL would end the path early).
 * Returns the new length (http_url.c). */
size_t http_unescape(char *s);

/* Bind and listen on "host:port", "[v6]:port" or "*:port" (port 0: any free one), and say
 * where. A close-on-exec, non-blocking socket. */
int http_listen(const char *address, int *ret_fd);

/* libmicrohttpd, converted: its MHD_Result, its per-connection pointer and its
 * suspend/resume dance stay in this file. */
#include "http.h"

#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "credcache.h"
#include "log.h"
#include "text.h"

/* How much of an oversize chunked body is read and dropped before the connection is cut;
 * with a Content-Length the 413 goes out before any of the body is read. */
#define DISCARD_MAX (1u << 20)

/* On stop or reload: how long connections without a request in flight may take to send one,
 * and how long requests still being received may take to arrive before they are cut. */
#define STOP_GRACE_MS      1000
#define STOP_READ_GRACE_MS 5000

/* How often deadlines are checked; how often a kind of refusal is logged at most. */
#define SWEEP_MS     200
#define NOTE_EVERY_S 10

/* Descriptors the server needs besides its connections (store, logs, epoll, threads). */
#define FD_RESERVE 64

/* Body bytes held by all requests in flight, across reloads (both servers count). */
static atomic_size_t body_memory;

enum note_kind {
        NOTE_SHED,
        NOTE_SHED_PARSE,
        NOTE_CONN_LIMIT,
        NOTE_DEADLINE,
        NOTE_MEMORY,
        NOTE_UNAUTHORIZED,
        NOTE_KIND_MAX,
};

struct note {
        atomic_uint n;         /* refusals since the last line */
        atomic_llong warned_s; /* when that was, CLOCK_MONOTONIC seconds */
};

/* One per connection (libmicrohttpd's socket context): its deadline, for the sweeper. */
struct conn_track {
        struct conn_track *prev, *next;
        int fd;
        atomic_llong deadline_ms; /* 0: none (a request is being worked on) */
};

struct http_server {
        struct MHD_Daemon *daemon;
        const struct server_config *config;
        struct workq *q;  /* the store's */
        struct workq *pq; /* the parsers' */
        char *cert, *key;
        atomic_int inflight; /* requests between their first call and their completion */
        atomic_int waiting;  /* of those, suspended on the parsers or the store */
        atomic_bool stopping;
        bool quiesced;
        struct note notes[NOTE_KIND_MAX];
        pthread_mutex_t conns_lock;
        struct conn_track *conns;
        pthread_t sweeper;
        bool sweeper_started;
        atomic_bool sweeper_stop;
        struct credcache *cache;
};

enum req_state {
        REQ_AUTH,      /* suspended: the store checks the credential */
        REQ_AUTH_DONE, /* resumed with auth_result */
        REQ_READING,
        REQ_WAITING, /* suspended: parsers or store */
        REQ_DONE,
        REQ_SHED,
        REQ_UNAVAILABLE,
        REQ_STATE_MAX,
};

struct route {
        const char *method;
        const char *path;
        int (*handler)(struct http_request *req);
        bool bearer; /* needs Authorization: Bearer, checked before the body is read */
        size_t (*max_body)(const struct server_config *c);
};

struct request {
        struct http_request pub; /* first: api code sees only this */
        struct http_server *server;
        struct MHD_Connection *conn;
        struct conn_track *track;
        const struct route *route;
        char *buf;
        size_t len, cap, discarded, reserved;
        bool too_big, no_memory, chain;
        enum note_kind shed_by;
        enum req_state state;
        long long start_ms;
        char id[AUTH_ID_HEX + 1];
        char secret[AUTH_SECRET_HEX + 1];
        int auth_result;
        struct work work;
        http_parse_fn parse_fn;
        http_store_fn fn;
        http_store_tx_fn fn_tx;
        const char *group_key;
        unsigned status;
        json_t *result;
};

static long long now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ping(struct http_request *req) {
        struct request *r = (struct request *)req;
        struct MHD_Response *resp =
                MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        enum MHD_Result ret;

        if (!resp)
                return MHD_NO;
        ret = MHD_queue_response(r->conn, MHD_HTTP_OK, resp);
        MHD_destroy_response(resp);
        return ret;
}

static size_t enroll_max(const struct server_config *c) {
        return c->max_enroll_body;
}

static size_t records_max(const struct server_config *c) {
        return c->max_body;
}

static const struct route routes[] = {
        {"POST", "/api/v1/enroll", api_enroll, false, enroll_max},
        {"POST", "/api/v1/records", api_records, true, records_max},
        {"GET", "/api/v1/ping", ping, false, enroll_max},
};

/* An operator wants to know clients are being refused, but not once per refusal. */
static void note(struct http_server *h, enum note_kind k) {
        const struct server_config *c = h->config;
        struct note *t = &h->notes[k];
        struct timespec now;
        long long last;
        unsigned n = atomic_fetch_add(&t->n, 1) + 1;

        clock_gettime(CLOCK_MONOTONIC, &now);
        last = atomic_load(&t->warned_s);
        if ((last && now.tv_sec - last < NOTE_EVERY_S) ||
            !atomic_compare_exchange_strong(&t->warned_s, &last, (long long)now.tv_sec))
                return;
        atomic_fetch_sub(&t->n, n);
        switch (k) {
        case NOTE_SHED:
                log_warn("the store is behind: %u requests answered 429 (queue_max %u); see "
                         "[store] workers and queue_max",
                         n, c->store_queue_max);
                break;
        case NOTE_SHED_PARSE:
                log_warn("the parsers are behind: %u requests answered 429 (queue_max %u)", n,
                         c->store_queue_max);
                break;
        case NOTE_CONN_LIMIT:
                log_warn("%u connections refused: max_connections (%u) or "
                         "max_connections_per_address (%u) reached",
                         n, c->max_connections, c->max_connections_per_address);
                break;
        case NOTE_DEADLINE:
                log_warn("%u connections cut: no request within header_timeout (%us) or not "
                         "received within request_timeout (%us)",
                         n, c->header_timeout_s, c->request_timeout_s);
                break;
        case NOTE_MEMORY:
                log_warn("%u requests answered 503: max_body_memory (%zu bytes) is held by "
                         "bodies in flight",
                         n, c->max_body_memory);
                break;
        case NOTE_UNAUTHORIZED:
                log_info("%u requests refused: unknown agent or wrong credential", n);
                break;
        case NOTE_KIND_MAX:
                break;
        }
}

/* ---- the answers ---- */

/* Answered when an answer cannot be built (out of memory): never silence. */
static char fallback_body[] = "{\"error\":\"internal error\",\"detail\":\"the answer could not "
                              "be built\"}";

static enum MHD_Result queue(struct MHD_Connection *conn, const struct server_config *c,
                             unsigned status, struct MHD_Response *resp, bool close) {
        enum MHD_Result ret;
        char retry[16];

        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
        if (status == MHD_HTTP_UNAUTHORIZED)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                        "Bearer realm=\"counterguard\"");
        if (status == MHD_HTTP_TOO_MANY_REQUESTS || status == MHD_HTTP_SERVICE_UNAVAILABLE) {
                snprintf(retry, sizeof(retry), "%u", c->retry_after_s);
                MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, retry);
        }
        if (close)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
        ret = MHD_queue_response(conn, status, resp);
        MHD_destroy_response(resp);
        return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *conn, const struct server_config *c,
                                 unsigned status, char *text, bool close) {
        struct MHD_Response *resp = NULL;

        if (text) {
                resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
                if (!resp)
                        free(text);
        }
        if (!resp) {
                log_error("could not build the answer to a request (HTTP %u): out of memory; "
                          "answering 500 instead",
                          status);
                status = MHD_HTTP_INTERNAL_SERVER_ERROR;
                resp = MHD_create_response_from_buffer(strlen(fallback_body), fallback_body,
                                                       MHD_RESPMEM_PERSISTENT);
                if (!resp)
                        return MHD_NO;
        }
        return queue(conn, c, status, resp, close);
}

/* Details quote what the client sent: made valid UTF-8 here, so encoding cannot fail. */
static json_t *error_body(const char *error, const char *detail) {
        char *d = detail ? text_sanitize(detail, strlen(detail), 1024) : NULL;
        json_t *j = json_pack("{s:s, s:s*}", "error", error, "detail", d);

        free(d);
        return j;
}

static enum MHD_Result send_json(struct MHD_Connection *conn, const struct server_config *c,
                                 unsigned status, json_t *body, bool close) {
        char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

        json_decref(body);
        return send_text(conn, c, status, text, close);
}

static enum MHD_Result send_error(struct MHD_Connection *conn, const struct server_config *c,
                                  unsigned status, const char *error, const char *detail) {
        return send_json(conn, c, status, error_body(error, detail), false);
}

/* For framing errors: the connection cannot be trusted for another request. */
static enum MHD_Result send_error_close(struct MHD_Connection *conn, const struct server_config *c,
                                        unsigned status, const char *error, const char *detail) {
        return send_json(conn, c, status, error_body(error, detail), true);
}

const char *http_header(struct http_request *req, const char *name) {
        return MHD_lookup_connection_value(((struct request *)req)->conn, MHD_HEADER_KIND, name);
}

int http_reply_json(struct http_request *req, unsigned status, json_t *body) {
        struct request *r = (struct request *)req;
        return send_json(r->conn, r->server->config, status, body, false);
}

int http_reply_error(struct http_request *req, unsigned status, const char *error,
                     const char *detail) {
        return http_reply_json(req, status, error_body(error, detail));
}

void http_set_result(struct http_request *req, unsigned status, json_t *body) {
        struct request *r = (struct request *)req;

        json_decref(r->result);
        r->status = status;
        r->result = body;
}

void http_set_error(struct http_request *req, unsigned status, const char *error,
                    const char *detail) {
        http_set_result(req, status, error_body(error, detail));
}

void http_forget_credential(struct http_request *req, const char *agent_id) {
        credcache_forget(((struct request *)req)->server->cache, agent_id);
}

/* ---- bodies in flight ---- */

static bool reserve(struct http_server *h, size_t n) {
        size_t cur = atomic_load(&body_memory), max = h->config->max_body_memory;

        do {
                if (n > max || cur > max - n)
                        return false;
        } while (!atomic_compare_exchange_weak(&body_memory, &cur, cur + n));
        return true;
}

static void set_deadline(struct request *r, long long at_ms) {
        if (r->track)
                atomic_store(&r->track->deadline_ms, at_ms);
}

/* ---- work handed to the parsers and the store ---- */

static struct request *work_request(struct work *w) {
        return (struct request *)(void *)((char *)w - offsetof(struct request, work));
}

static void resume(struct request *r, enum req_state state) {
        struct MHD_Connection *conn = r->conn;

        r->state = state;
        atomic_fetch_sub(&r->server->waiting, 1);
        /* From here on the request may be answered and freed by its HTTP thread. */
        MHD_resume_connection(conn);
}

static void work_run(struct work *w, struct store *s) {
        struct request *r = work_request(w);

        if (!s)
                http_set_error(&r->pub, MHD_HTTP_SERVICE_UNAVAILABLE, "store unavailable", NULL);
        else
                r->fn(&r->pub, s);
}

static int work_run_in_tx(struct work *w, struct store *s) {
        struct request *r = work_request(w);

        return r->fn_tx(&r->pub, s);
}

static void work_tx_failed(struct work *w, int error) {
        struct request *r = work_request(w);

        log_error_errno(error, "store transaction failed");
        http_set_error(&r->pub, MHD_HTTP_SERVICE_UNAVAILABLE, "store unavailable", NULL);
}

static void work_done(struct work *w) {
        resume(work_request(w), REQ_DONE);
}

static void auth_run(struct work *w, struct store *s) {
        struct request *r = work_request(w);
        char *unit = NULL;

        r->auth_result = s ? store_authenticate(s, r->id, r->secret, &unit) : -ENOTCONN;
        free(unit);
}

static void auth_done(struct work *w) {
        resume(work_request(w), REQ_AUTH_DONE);
}

static void tx_work(struct request *r) {
        r->work = (struct work){.run_in_tx = work_run_in_tx,
                                .tx_failed = work_tx_failed,
                                .done = work_done,
                                .group_key = r->group_key};
}

static void parse_run(struct work *w, struct store *s) {
        struct request *r = work_request(w);

        (void)s;
        r->parse_fn(&r->pub);
}

/* On the parse thread: the body is decoded; on to the store, or answer. */
static void parse_done(struct work *w) {
        struct request *r = work_request(w);
        int k;

        if (!r->chain) {
                resume(r, REQ_DONE);
                return;
        }
        r->chain = false;
        tx_work(r);
        k = workq_submit(r->server->q, &r->work, r->server->config->store_queue_max);
        if (k < 0) {
                r->shed_by = NOTE_SHED;
                resume(r, k == -EAGAIN ? REQ_SHED : REQ_UNAVAILABLE);
        }
}

/* Suspend the connection and queue r->work on q. */
static int defer(struct request *r, struct workq *q, enum note_kind shed_by) {
        int k;

        /* A server being stopped must not suspend anything more: libmicrohttpd refuses to
         * stop with suspended connections. http_stop sets `stopping` before it waits for
         * `waiting` to drop to 0, and a request counts itself in `waiting` before it looks
         * at `stopping`, so either the stop waits for this request or this request sees
         * `stopping`. */
        atomic_fetch_add(&r->server->waiting, 1);
        if (atomic_load(&r->server->stopping)) {
                atomic_fetch_sub(&r->server->waiting, 1);
                return send_error(r->conn, r->server->config, MHD_HTTP_SERVICE_UNAVAILABLE,
                                  "shutting down", NULL);
        }
        if (r->state != REQ_AUTH)
                r->state = REQ_WAITING;
        set_deadline(r, 0); /* ours to finish now, not the client's */
        /* Suspended before it is queued, so a fast worker cannot resume it first. */
        MHD_suspend_connection(r->conn);
        k = workq_submit(q, &r->work, r->server->config->store_queue_max);
        if (k < 0) {
                r->shed_by = shed_by;
                resume(r, k == -EAGAIN ? REQ_SHED : REQ_UNAVAILABLE);
        }
        return MHD_YES;
}

int http_defer(struct http_request *req, http_store_fn fn) {
        struct request *r = (struct request *)req;

        r->fn = fn;
        r->work = (struct work){.run = work_run, .done = work_done};
        return defer(r, r->server->q, NOTE_SHED);
}

int http_defer_parse(struct http_request *req, http_parse_fn fn) {
        struct request *r = (struct request *)req;

        r->parse_fn = fn;
        r->work = (struct work){.run = parse_run, .done = parse_done};
        return defer(r, r->server->pq, NOTE_SHED_PARSE);
}

int http_defer_tx(struct http_request *req, http_store_tx_fn fn, const char *group_key) {
        struct request *r = (struct request *)req;

        r->fn_tx = fn;
        r->group_key = group_key;
        if (r->state == REQ_WAITING) {
                /* from a parser: parse_done queues it once the parse work is finished */
                r->chain = true;
                return 0;
        }
        tx_work(r);
        return defer(r, r->server->q, NOTE_SHED);
}

/* ---- the request, call by call ---- */

static const struct route *find_route(const char *url, const char *method, bool *ret_path_known) {
        *ret_path_known = false;
        for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
                if (strcmp(routes[i].path, url) != 0)
                        continue;
                *ret_path_known = true;
                if (strcmp(routes[i].method, method) == 0)
                        return &routes[i];
        }
        return NULL;
}

struct framing {
        unsigned n_length, n_encoding;
        const char *length;
        bool lengths_differ;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value) {
        struct framing *f = cls;

        (void)kind;
        if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
                if (f->length && strcmp(f->length, value ? value : "") != 0)
                        f->lengths_differ = true;
                if (!f->length)
                        f->length = value ? value : "";
                f->n_length++;
        } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
                f->n_encoding++;
        return MHD_YES;
}

/* RFC 9112 6.3: what libmicrohttpd 0.9.75 lets through, refused and the connection closed
 * (a proxy in front may read the request differently: request smuggling). */
static enum MHD_Result check_framing(struct MHD_Connection *conn, const struct server_config *c,
                                     bool *ret_refused) {
        struct framing f = {0};
        const char *te;

        *ret_refused = true;
        MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, &f);
        te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
        if (f.n_encoding && f.n_length)
                return send_error_close(conn, c, MHD_HTTP_BAD_REQUEST, "bad request",
                                        "Content-Length together with Transfer-Encoding");
        if (f.n_encoding > 1 || (te && strcasecmp(te, "chunked") != 0))
                return send_error_close(conn, c, MHD_HTTP_NOT_IMPLEMENTED, "not implemented",
                                        "the only Transfer-Encoding understood is chunked");
        if (f.lengths_differ)
                return send_error_close(conn, c, MHD_HTTP_BAD_REQUEST, "bad request",
                                        "Content-Length given twice with different values");
        if (f.length && (f.length[0] == '\0' || strspn(f.length, "0123456789") != strlen(f.length)))
                return send_error_close(conn, c, MHD_HTTP_BAD_REQUEST, "bad request",
                                        "malformed Content-Length");
        *ret_refused = false;
        return MHD_YES;
}

/* The credential is good: may the body come in? Sized from Content-Length and held against
 * max_body_memory before a byte of it is read. */
static enum MHD_Result admit_body(struct request *r) {
        struct http_server *h = r->server;
        const struct server_config *c = h->config;
        size_t max = r->route->max_body(c);
        const char *length = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
        unsigned long long n = length ? strtoull(length, NULL, 10) : 0;

        if (n > max) {
                char detail[64];
                snprintf(detail, sizeof(detail), "the limit is %zu bytes", max);
                return send_error(r->conn, c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large", detail);
        }
        if (n > 0 && !reserve(h, (size_t)n)) {
                note(h, NOTE_MEMORY);
                return send_error(r->conn, c, MHD_HTTP_SERVICE_UNAVAILABLE, "busy",
                                  "too many request bodies in flight; retry later");
        }
        r->reserved = (size_t)n;
        /* Only up to 64 KiB allocated before the bytes arrive: a client announcing 8 MiB and
         * sending nothing gets no 8 MiB (though it holds them in the budget). */
        r->cap = n < 65536 ? (size_t)n : 65536;
        r->buf = r->cap ? malloc(r->cap) : NULL;
        if (r->cap && !r->buf)
                return MHD_NO;
        r->state = REQ_READING;
        /* A request that passes is answered on a later call, not this one: libmicrohttpd closes
         * a connection whose answer was queued before the request was complete, which would
         * cost keep-alive clients a TLS handshake per request. */
        return MHD_YES;
}

static enum MHD_Result first_call(struct http_server *h, struct MHD_Connection *conn,
                                  const char *url, const char *method, void **con_cls) {
        const struct server_config *c = h->config;
        const union MHD_ConnectionInfo *info;
        const struct route *route;
        struct request *r;
        enum MHD_Result ret;
        bool known, refused;

        /* libmicrohttpd has queued its own error (a Content-Length it could not read): let it
         * go out alone, once. */
        info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_HTTP_STATUS);
        if (info && info->http_status != 0)
                return MHD_YES;
        ret = check_framing(conn, c, &refused);
        if (refused)
                return ret;
        route = find_route(url, method, &known);
        if (!route)
                return known ? send_error(conn, c, MHD_HTTP_METHOD_NOT_ALLOWED,
                                          "method not allowed", NULL)
                             : send_error(conn, c, MHD_HTTP_NOT_FOUND, "not found", NULL);
        r = calloc(1, sizeof(*r));
        if (!r)
                return MHD_NO;
        r->server = h;
        r->conn = conn;
        r->route = route;
        r->pub.config = c;
        r->start_ms = now_ms();
        info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        r->track = info ? info->socket_context : NULL;
        set_deadline(r, r->start_ms + 1000LL * c->request_timeout_s);
        atomic_fetch_add(&h->inflight, 1);
        *con_cls = r;
        if (!route->bearer)
                return admit_body(r);
        /* Nobody gets us to read, let alone parse, a body without a credential the store
         * knows: checked against the cache, else by the store before the body is read. */
        if (auth_parse_bearer(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization"),
                              r->id, r->secret) < 0)
                return send_error(conn, c, MHD_HTTP_UNAUTHORIZED, "unauthorized",
                                  "expected Authorization: Bearer <credential>");
        if (credcache_check(h->cache, r->id, r->secret, h->config->credential_cache_ttl_s))
                return admit_body(r);
        r->state = REQ_AUTH;
        r->work = (struct work){.run = auth_run, .done = auth_done};
        return defer(r, h->q, NOTE_SHED);
}

static enum MHD_Result after_auth(struct request *r) {
        const struct server_config *c = r->server->config;

        set_deadline(r, r->start_ms + 1000LL * c->request_timeout_s);
        if (r->auth_result == -EACCES) {
                /* anyone can send these: counted, not one line each */
                note(r->server, NOTE_UNAUTHORIZED);
                return send_error(r->conn, c, MHD_HTTP_UNAUTHORIZED, "unauthorized",
                                  "unknown agent or wrong credential");
        }
        if (r->auth_result == -EPERM) {
                log_info("refused records for revoked agent %s", r->id);
                return send_error(r->conn, c, MHD_HTTP_FORBIDDEN, "agent revoked", NULL);
        }
        if (r->auth_result < 0)
                return send_error(r->conn, c, MHD_HTTP_SERVICE_UNAVAILABLE, "store unavailable",
                                  NULL);
        credcache_put(r->server->cache, r->id, r->secret,
                      r->server->config->credential_cache_ttl_s);
        return admit_body(r);
}

static enum MHD_Result take_body(struct request *r, const char *data, size_t n) {
        size_t max = r->route->max_body(r->server->config);

        if (r->too_big || r->no_memory || n > max - r->len) {
                r->too_big = !r->no_memory;
                free(r->buf);
                r->buf = NULL;
                r->len = r->cap = 0;
                r->discarded += n;
                return r->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
        }
        if (r->len + n > r->cap) {
                size_t cap = r->cap ? r->cap : 16384;
                char *b;
                while (cap < r->len + n)
                        cap *= 2;
                if (cap > max)
                        cap = max;
                /* a chunked body, without a Content-Length: held as it grows */
                if (cap > r->reserved) {
                        if (!reserve(r->server, cap - r->reserved)) {
                                note(r->server, NOTE_MEMORY);
                                r->no_memory = true;
                                return take_body(r, data, n);
                        }
                        r->reserved = cap;
                }
                b = realloc(r->buf, cap);
                if (!b)
                        return MHD_NO;
                r->buf = b;
                r->cap = cap;
        }
        memcpy(r->buf + r->len, data, n);
        r->len += n;
        return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
        struct http_server *h = cls;
        struct request *r = *con_cls;
        const struct server_config *c = h->config;

        (void)version;
        if (!r)
                return first_call(h, conn, url, method, con_cls);
        if (*upload_data_size > 0) {
                enum MHD_Result ret = take_body(r, upload_data, *upload_data_size);
                *upload_data_size = 0;
                return ret;
        }
        switch (r->state) {
        case REQ_AUTH_DONE:
                return after_auth(r);
        case REQ_READING:
                if (r->too_big)
                        return send_error(conn, c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large",
                                          NULL);
                if (r->no_memory)
                        return send_error(conn, c, MHD_HTTP_SERVICE_UNAVAILABLE, "busy",
                                          "too many request bodies in flight; retry later");
                r->pub.body = r->buf ? r->buf : "";
                r->pub.body_len = r->len;
                return (enum MHD_Result)r->route->handler(&r->pub);
        case REQ_AUTH:
        case REQ_WAITING:
                return MHD_YES;
        case REQ_DONE:
                if (!r->result)
                        return send_error(conn, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal error",
                                          NULL);
                {
                        json_t *body = r->result;
                        r->result = NULL;
                        return send_json(conn, c, r->status, body, false);
                }
        case REQ_SHED:
                note(h, r->shed_by);
                return send_error(conn, c, MHD_HTTP_TOO_MANY_REQUESTS, "overloaded",
                                  r->shed_by == NOTE_SHED ? "the store is behind; retry later"
                                                          : "the server is busy; retry later");
        case REQ_UNAVAILABLE:
        case REQ_STATE_MAX:
                break;
        }
        return send_error(conn, c, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting down", NULL);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
        struct http_server *h = cls;
        struct request *r = *con_cls;

        (void)conn;
        (void)toe;
        if (!r)
                return;
        *con_cls = NULL;
        /* the next request on this connection has header_timeout to come */
        set_deadline(r, now_ms() + 1000LL * h->config->header_timeout_s);
        atomic_fetch_sub(&body_memory, r->reserved);
        free(r->buf);
        json_decref(r->result);
        explicit_bzero(r->secret, sizeof(r->secret));
        if (r->pub.free_data)
                r->pub.free_data(r->pub.data);
        free(r);
        atomic_fetch_sub(&h->inflight, 1);
}

/* ---- connections and their deadlines ---- */

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
        struct http_server *h = cls;
        struct conn_track *t = *socket_context;

        if (code == MHD_CONNECTION_NOTIFY_STARTED) {
                const union MHD_ConnectionInfo *info =
                        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
                t = calloc(1, sizeof(*t));
                if (!t || !info) {
                        free(t);
                        return; /* no deadline for this one: the idle timeout still holds */
                }
                t->fd = info->connect_fd;
                atomic_init(&t->deadline_ms, now_ms() + 1000LL * h->config->header_timeout_s);
                pthread_mutex_lock(&h->conns_lock);
                t->next = h->conns;
                if (h->conns)
                        h->conns->prev = t;
                h->conns = t;
                pthread_mutex_unlock(&h->conns_lock);
                *socket_context = t;
                return;
        }
        if (!t)
                return;
        /* Under the lock: the sweeper never shuts down a descriptor already closed. */
        pthread_mutex_lock(&h->conns_lock);
        if (t->prev)
                t->prev->next = t->next;
        else
                h->conns = t->next;
        if (t->next)
                t->next->prev = t->prev;
        pthread_mutex_unlock(&h->conns_lock);
        free(t);
        *socket_context = NULL;
}

/* libmicrohttpd has no deadline of its own, only an idle timeout that every byte resets: a
 * connection past its deadline is shut down here, and its thread then closes it. */
static void *sweeper_main(void *arg) {
        struct http_server *h = arg;
        struct timespec tick = {0, SWEEP_MS * 1000L * 1000};

        while (!atomic_load(&h->sweeper_stop)) {
                long long now;
                unsigned cut = 0;

                nanosleep(&tick, NULL);
                now = now_ms();
                pthread_mutex_lock(&h->conns_lock);
                for (struct conn_track *t = h->conns; t; t = t->next) {
                        long long d = atomic_load(&t->deadline_ms);
                        if (d == 0 || now < d)
                                continue;
                        (void)shutdown(t->fd, SHUT_RDWR);
                        atomic_store(&t->deadline_ms, 0);
                        cut++;
                }
                pthread_mutex_unlock(&h->conns_lock);
                while (cut-- > 0)
                        note(h, NOTE_DEADLINE);
        }
        return NULL;
}

/* libmicrohttpd decodes %00 in a path into a NUL, after which "/api/v1/ping%00.html" reads
 * as "/api/v1/ping": http_unescape leaves "%00" as it is (and so unrouted). */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s) {
        (void)cls;
        (void)conn;
        return http_unescape(s);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
        struct http_server *h = cls;
        char line[512];

        vsnprintf(line, sizeof(line), fmt, ap);
        line[strcspn(line, "\n")] = '\0';
        /* libmicrohttpd says so when max_connections or the per-address limit refuses a
         * client (0.9.75 has no callback for it). */
        if (strncmp(line, "Server reached connection limit", 31) == 0 ||
            strncmp(line, "Hit process or system resource limit", 36) == 0)
                note(h, NOTE_CONN_LIMIT);
        /* TLS handshakes that fail and clients that hang up are routine on the internet. */
        log_debug("http: %s", line);
}

static int read_file(const char *path, char **ret) {
        struct stat st;
        char *buf;
        ssize_t n;
        int fd, r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return log_error_errno(-errno, "cannot open '%s'", path);
        if (fstat(fd, &st) < 0 || st.st_size > (1 << 20)) {
                close(fd);
                return log_error_errno(-EFBIG, "'%s': not a file of at most 1 MiB", path);
        }
        buf = calloc(1, (size_t)st.st_size + 1);
        if (!buf) {
                close(fd);
                return -ENOMEM;
        }
        n = read(fd, buf, (size_t)st.st_size);
        r = n < 0 ? -errno : 0;
        close(fd);
        if (r < 0 || n != st.st_size) {
                free(buf);
                return log_error_errno(r < 0 ? r : -EIO, "cannot read '%s'", path);
        }
        *ret = buf;
        return 0;
}

static void server_free(struct http_server *h) {
        if (!h)
                return;
        if (h->sweeper_started) {
                atomic_store(&h->sweeper_stop, true);
                pthread_join(h->sweeper, NULL);
        }
        workq_free(h->pq);
        pthread_mutex_destroy(&h->conns_lock);
        credcache_free(h->cache);
        free(h->cert);
        if (h->key)
                explicit_bzero(h->key, strlen(h->key));
        free(h->key);
        free(h);
}

/* Each connection is a descriptor: max_connections must fit under RLIMIT_NOFILE with room for
 * the rest (the unit sets LimitNOFILE; see docs/server.ini.5). Raised to the hard limit if
 * need be, else the connection limit is lowered to what fits, and said so. */
static unsigned connection_limit(const struct server_config *c) {
        struct rlimit rl;
        rlim_t need = (rlim_t)c->max_connections + FD_RESERVE;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
            rl.rlim_cur >= need)
                return c->max_connections;
        if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need) {
                rl.rlim_cur = need;
                if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
                        return c->max_connections;
        } else if (rl.rlim_max > rl.rlim_cur) {
                rl.rlim_cur = rl.rlim_max;
                (void)setrlimit(RLIMIT_NOFILE, &rl);
                (void)getrlimit(RLIMIT_NOFILE, &rl);
        }
        if (rl.rlim_cur <= (rlim_t)2 * FD_RESERVE) {
                log_warn("open-file limit %llu: serving at most %d connections",
                         (unsigned long long)rl.rlim_cur, FD_RESERVE);
                return FD_RESERVE;
        }
        log_warn("open-file limit %llu is below max_connections %u + %d: serving at most %llu "
                 "connections (raise LimitNOFILE)",
                 (unsigned long long)rl.rlim_cur, c->max_connections, FD_RESERVE,
                 (unsigned long long)(rl.rlim_cur - FD_RESERVE));
        return (unsigned)(rl.rlim_cur - FD_RESERVE);
}

int http_start(const struct server_config *c, int listen_fd, struct workq *q,
               struct http_server **ret) {
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                         MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
        struct MHD_OptionItem opts[24];
        struct http_server *h;
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        unsigned threads = c->threads ? c->threads : (cores > 0 ? (unsigned)cores : 1);
        size_t n = 0;
        int r;

        h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        h->config = c;
        h->q = q;
        atomic_init(&h->inflight, 0);
        atomic_init(&h->waiting, 0);
        atomic_init(&h->stopping, false);
        atomic_init(&h->sweeper_stop, false);
        for (int k = 0; k < NOTE_KIND_MAX; k++) {
                atomic_init(&h->notes[k].n, 0);
                atomic_init(&h->notes[k].warned_s, 0);
        }
        pthread_mutex_init(&h->conns_lock, NULL);
        r = credcache_new(&h->cache);
        if (r == 0)
                r = workq_new(NULL, NULL, threads, &h->pq);
        if (r < 0) {
                server_free(h);
                return log_error_errno(r, "cannot start the parse threads");
        }
        /* first, or libmicrohttpd prints what comes before it its own way */
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, h};
        if (c->tls) {
                if (!c->tls_cert || !c->tls_key) {
                        server_free(h);
                        return log_error_errno(-EINVAL, "tls is on: [server] tls_cert and "
                                                        "tls_key are required (or tls = off "
                                                        "for tests)");
                }
                r = read_file(c->tls_cert, &h->cert);
                if (r >= 0)
                        r = read_file(c->tls_key, &h->key);
                if (r < 0) {
                        server_free(h);
                        return r;
                }
                flags |= MHD_USE_TLS;
                opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, h->cert};
                opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, h->key};
                opts[n++] =
                        (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0, c->tls_priorities};
        }
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, listen_fd, NULL};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threads, NULL};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, connection_limit(c), NULL};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                                            c->max_connections_per_address, NULL};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, c->connection_timeout_s,
                                            NULL};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, h};
        opts[n++] =
                (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, h};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)unescape, NULL};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

        h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_ARRAY, opts,
                                     MHD_OPTION_END);
        if (!h->daemon) {
                server_free(h);
                return log_error_errno(-EIO, "cannot start the HTTP%s server (see above)",
                                       c->tls ? "S" : "");
        }
        r = -pthread_create(&h->sweeper, NULL, sweeper_main, h);
        if (r < 0) {
                MHD_stop_daemon(h->daemon);
                server_free(h);
                return log_error_errno(r, "cannot start the deadline thread");
        }
        h->sweeper_started = true;
        log_info("serving %s with %u threads", c->tls ? "https" : "plain http (tls = off)",
                 threads);
        *ret = h;
        return 0;
}

static unsigned connections(struct http_server *h) {
        const union MHD_DaemonInfo *i =
                MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

        return i ? i->num_connections : 0;
}

int http_stop(struct http_server *h, unsigned wait_s) {
        struct timespec tick = {0, 10L * 1000 * 1000};
        unsigned waited_ms = 0, read_grace_ms = STOP_READ_GRACE_MS;
        int left;

        if (!h)
                return 0;
        if (read_grace_ms > wait_s * 1000)
                read_grace_ms = wait_s * 1000;
        if (!h->quiesced) {
                /* The listening socket stays open (it is the caller's); we only stop using it. */
                MHD_quiesce_daemon(h->daemon);
                h->quiesced = true;
                /* Connections accepted before may still be in their TLS handshake or sending
                 * their request: let them finish until none is left, or until nothing is in
                 * flight after a grace period (idle keep-alive connections are then closed;
                 * clients reconnect). A request still being received after read_grace is a
                 * slow client, and is cut: a drain gives up on it, not on itself. */
                while (waited_ms < read_grace_ms && connections(h) > 0 &&
                       (atomic_load(&h->inflight) > 0 || waited_ms < STOP_GRACE_MS)) {
                        nanosleep(&tick, NULL);
                        waited_ms += 10;
                }
        }
        atomic_store(&h->stopping, true);
        /* What waits on the parsers or the store holds pointers into them: it must finish. */
        while ((left = atomic_load(&h->waiting)) > 0 && waited_ms < wait_s * 1000) {
                nanosleep(&tick, NULL);
                waited_ms += 10;
        }
        if (left > 0) {
                log_error("%d requests still wait on the store after %us", left, wait_s);
                return -ETIMEDOUT;
        }
        left = atomic_load(&h->inflight);
        if (left > 0)
                log_info("stopping: %d requests still being received are cut", left);
        MHD_stop_daemon(h->daemon);
        server_free(h);
        return 0;
}

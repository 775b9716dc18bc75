/* libmicrohttpd, converted: its MHD_Result, its per-connection pointer and its
 * suspend/resume dance stay in this file. */
#include "http.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "log.h"

/* How much of an oversize chunked body is read and dropped before the connection is cut;
 * with a Content-Length the 413 goes out before any of the body is read. */
#define DISCARD_MAX (1u << 20)

/* On stop or reload, how long connections without a request in flight may take to send one. */
#define STOP_GRACE_MS 1000

struct http_server {
        struct MHD_Daemon *daemon;
        const struct server_config *config;
        struct workq *q;
        char *cert, *key;
        atomic_int inflight; /* requests between their first call and their completion */
        atomic_bool stopping;
        atomic_uint shed;           /* 429s since the last warning */
        atomic_llong shed_warned_s; /* when that was, CLOCK_MONOTONIC seconds */
};

enum req_state {
        REQ_READING,
        REQ_WAITING,
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
};

struct request {
        struct http_request pub; /* first: api code sees only this */
        struct http_server *server;
        struct MHD_Connection *conn;
        const struct route *route;
        char *buf;
        size_t len, cap, discarded;
        bool too_big;
        enum req_state state;
        struct work work;
        http_store_fn fn;
        http_store_tx_fn fn_tx;
        unsigned status;
        json_t *result;
};

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

static const struct route routes[] = {
        {"POST", "/api/v1/enroll", api_enroll, false},
        {"POST", "/api/v1/records", api_records, true},
        {"GET", "/api/v1/ping", ping, false},
};

static enum MHD_Result send_text(struct MHD_Connection *conn, const struct server_config *c,
                                 unsigned status, char *text) {
        struct MHD_Response *resp;
        enum MHD_Result ret;
        char retry[16];

        resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
        if (!resp) {
                free(text);
                return MHD_NO;
        }
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
        if (status == MHD_HTTP_UNAUTHORIZED)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                        "Bearer realm=\"counterguard\"");
        if (status == MHD_HTTP_TOO_MANY_REQUESTS || status == MHD_HTTP_SERVICE_UNAVAILABLE) {
                snprintf(retry, sizeof(retry), "%u", c->retry_after_s);
                MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, retry);
        }
        ret = MHD_queue_response(conn, status, resp);
        MHD_destroy_response(resp);
        return ret;
}

static json_t *error_body(const char *error, const char *detail) {
        return json_pack("{s:s, s:s*}", "error", error, "detail", detail);
}

static enum MHD_Result send_json(struct MHD_Connection *conn, const struct server_config *c,
                                 unsigned status, json_t *body) {
        char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

        json_decref(body);
        if (!text)
                return MHD_NO;
        return send_text(conn, c, status, text);
}

static enum MHD_Result send_error(struct MHD_Connection *conn, const struct server_config *c,
                                  unsigned status, const char *error, const char *detail) {
        return send_json(conn, c, status, error_body(error, detail));
}

const char *http_header(struct http_request *req, const char *name) {
        return MHD_lookup_connection_value(((struct request *)req)->conn, MHD_HEADER_KIND, name);
}

int http_reply_json(struct http_request *req, unsigned status, json_t *body) {
        struct request *r = (struct request *)req;
        return send_json(r->conn, r->server->config, status, body);
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

static void work_run(struct work *w, struct store *s) {
        struct request *r = (struct request *)((char *)w - offsetof(struct request, work));

        if (!s)
                http_set_error(&r->pub, MHD_HTTP_SERVICE_UNAVAILABLE, "store unavailable", NULL);
        else
                r->fn(&r->pub, s);
}

static int work_run_in_tx(struct work *w, struct store *s) {
        struct request *r = (struct request *)((char *)w - offsetof(struct request, work));

        return r->fn_tx(&r->pub, s);
}

static void work_tx_failed(struct work *w, int error) {
        struct request *r = (struct request *)((char *)w - offsetof(struct request, work));

        log_error_errno(error, "store transaction failed");
        http_set_error(&r->pub, MHD_HTTP_SERVICE_UNAVAILABLE, "store unavailable", NULL);
}

static void work_done(struct work *w) {
        struct request *r = (struct request *)((char *)w - offsetof(struct request, work));
        struct MHD_Connection *conn = r->conn;

        r->state = REQ_DONE;
        /* From here on the request may be answered and freed by its HTTP thread. */
        MHD_resume_connection(conn);
}

static int defer(struct request *r) {
        int k;

        /* A server being stopped must not suspend anything more: libmicrohttpd refuses to
         * stop with suspended connections. http_stop sets `stopping` before it waits for
         * `inflight` to drop to 0, and a request counts itself in `inflight` before it gets
         * here, so either the stop waits for this request or this request sees `stopping`.
         * (Only a connection accepted just before the stop can get here then.) */
        if (atomic_load(&r->server->stopping))
                return send_error(r->conn, r->server->config, MHD_HTTP_SERVICE_UNAVAILABLE,
                                  "shutting down", NULL);
        r->state = REQ_WAITING;
        /* Suspended before it is queued, so a fast worker cannot resume it first. */
        MHD_suspend_connection(r->conn);
        k = workq_submit(r->server->q, &r->work, r->server->config->store_queue_max);
        if (k < 0) {
                r->state = k == -EAGAIN ? REQ_SHED : REQ_UNAVAILABLE;
                MHD_resume_connection(r->conn);
        }
        return MHD_YES;
}

int http_defer(struct http_request *req, http_store_fn fn) {
        struct request *r = (struct request *)req;

        r->fn = fn;
        r->work = (struct work){.run = work_run, .done = work_done};
        return defer(r);
}

int http_defer_tx(struct http_request *req, http_store_tx_fn fn, const char *group_key) {
        struct request *r = (struct request *)req;

        r->fn_tx = fn;
        r->work = (struct work){.run_in_tx = work_run_in_tx,
                                .tx_failed = work_tx_failed,
                                .done = work_done,
                                .group_key = group_key};
        return defer(r);
}

/* An operator wants to know the store is behind, but not once per refused request. */
static void note_shed(struct http_server *h) {
        struct timespec now;
        long long last;
        unsigned n = atomic_fetch_add(&h->shed, 1) + 1;

        clock_gettime(CLOCK_MONOTONIC, &now);
        last = atomic_load(&h->shed_warned_s);
        if (now.tv_sec - last < 10 ||
            !atomic_compare_exchange_strong(&h->shed_warned_s, &last, (long long)now.tv_sec))
                return;
        atomic_fetch_sub(&h->shed, n);
        log_warn("the store is behind: %u requests answered 429 (queue_max %u); see "
                 "[store] workers and queue_max",
                 n, h->config->store_queue_max);
}

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

static enum MHD_Result first_call(struct http_server *h, struct MHD_Connection *conn,
                                  const char *url, const char *method, void **con_cls) {
        const struct server_config *c = h->config;
        const struct route *route;
        struct request *r;
        const char *length;
        bool known;

        route = find_route(url, method, &known);
        if (!route)
                return known ? send_error(conn, c, MHD_HTTP_METHOD_NOT_ALLOWED,
                                          "method not allowed", NULL)
                             : send_error(conn, c, MHD_HTTP_NOT_FOUND, "not found", NULL);
        /* Refused before a byte of the body is read: no credential of the right form (nobody
         * gets us to buffer a body without one), or a body announced too large. */
        if (route->bearer) {
                char id[AUTH_ID_HEX + 1], secret[AUTH_SECRET_HEX + 1];
                int k = auth_parse_bearer(
                        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization"), id,
                        secret);
                explicit_bzero(secret, sizeof(secret));
                if (k < 0)
                        return send_error(conn, c, MHD_HTTP_UNAUTHORIZED, "unauthorized",
                                          "expected Authorization: Bearer <credential>");
        }
        length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length) {
                unsigned long long n = strtoull(length, NULL, 10);
                if (n > c->max_body) {
                        char detail[64];
                        snprintf(detail, sizeof(detail), "the limit is %zu bytes", c->max_body);
                        return send_error(conn, c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large",
                                          detail);
                }
        }
        /* A request that passes is answered on a later call, not this one: libmicrohttpd closes a
         * connection whose answer was queued before the request was complete, which would cost
         * keep-alive clients a TLS handshake per request. */
        r = calloc(1, sizeof(*r));
        if (!r)
                return MHD_NO;
        r->server = h;
        r->conn = conn;
        r->route = route;
        r->pub.config = c;
        if (length) {
                /* Sized from Content-Length, but only up to 64 KiB before the bytes arrive:
                 * a client announcing 8 MiB and sending nothing gets no 8 MiB. */
                size_t n = (size_t)strtoull(length, NULL, 10);
                r->cap = n < 65536 ? n : 65536;
                r->buf = r->cap ? malloc(r->cap) : NULL;
                if (r->cap && !r->buf) {
                        free(r);
                        return MHD_NO;
                }
        }
        atomic_fetch_add(&h->inflight, 1);
        *con_cls = r;
        return MHD_YES;
}

static enum MHD_Result take_body(struct request *r, const char *data, size_t n) {
        size_t max = r->server->config->max_body;

        if (r->too_big || n > max - r->len) {
                r->too_big = true;
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
        case REQ_READING:
                if (r->too_big)
                        return send_error(conn, c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large",
                                          NULL);
                r->pub.body = r->buf ? r->buf : "";
                r->pub.body_len = r->len;
                return (enum MHD_Result)r->route->handler(&r->pub);
        case REQ_WAITING:
                return MHD_YES;
        case REQ_DONE:
                if (!r->result)
                        return send_error(conn, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal error",
                                          NULL);
                {
                        json_t *body = r->result;
                        r->result = NULL;
                        return send_json(conn, c, r->status, body);
                }
        case REQ_SHED:
                note_shed(h);
                return send_error(conn, c, MHD_HTTP_TOO_MANY_REQUESTS, "overloaded",
                                  "the store is behind; retry later");
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
        free(r->buf);
        json_decref(r->result);
        if (r->pub.free_data)
                r->pub.free_data(r->pub.data);
        free(r);
        atomic_fetch_sub(&h->inflight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
        char line[512];

        (void)cls;
        vsnprintf(line, sizeof(line), fmt, ap);
        line[strcspn(line, "\n")] = '\0';
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
        free(h->cert);
        if (h->key)
                explicit_bzero(h->key, strlen(h->key));
        free(h->key);
        free(h);
}

int http_start(const struct server_config *c, int listen_fd, struct workq *q,
               struct http_server **ret) {
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                         MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
        struct MHD_OptionItem opts[16];
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
        atomic_init(&h->stopping, false);
        atomic_init(&h->shed, 0);
        atomic_init(&h->shed_warned_s, 0);
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
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, c->max_connections, NULL};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, c->connection_timeout_s,
                                            NULL};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, h};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, NULL};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

        h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_ARRAY, opts,
                                     MHD_OPTION_END);
        if (!h->daemon) {
                server_free(h);
                return log_error_errno(-EIO, "cannot start the HTTP%s server (see above)",
                                       c->tls ? "S" : "");
        }
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
        unsigned waited_ms = 0;
        int left;

        if (!h)
                return 0;
        /* The listening socket stays open (it is the caller's); we only stop using it. */
        MHD_quiesce_daemon(h->daemon);
        /* Connections accepted before may still be in their TLS handshake or sending their
         * request: let them finish until none is left, or until nothing is in flight after a
         * grace period (idle keep-alive connections are then closed; clients reconnect). */
        while (waited_ms < wait_s * 1000 && connections(h) > 0 &&
               (atomic_load(&h->inflight) > 0 || waited_ms < STOP_GRACE_MS)) {
                nanosleep(&tick, NULL);
                waited_ms += 10;
        }
        atomic_store(&h->stopping, true);
        while ((left = atomic_load(&h->inflight)) > 0 && waited_ms < wait_s * 1000) {
                nanosleep(&tick, NULL);
                waited_ms += 10;
        }
        if (left > 0) {
                log_error("%d requests still in flight after %us", left, wait_s);
                return -ETIMEDOUT;
        }
        MHD_stop_daemon(h->daemon);
        server_free(h);
        return 0;
}

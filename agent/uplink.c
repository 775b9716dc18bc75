/* The uplink: see uplink.h. One request at a time: the outbox is sent oldest first, a batch
 * after the other, and a failure waits before the same records are tried again. libcurl's
 * sockets and timeout are sources on the daemon's loop (libcurl's multi_socket API). */
#include "uplink.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "http_client.h"
#include "log.h"
#include "server_answer.h"
#include "timefmt.h"

#define BATCH_MAX_RECORDS 500
#define BATCH_MAX_BYTES   (1u << 20)
#define BACKOFF_MAX_S     300u
#define RETRY_AFTER_MAX_S 3600u

enum uplink_state { UPLINK_IDLE, UPLINK_SENDING, UPLINK_WAITING, UPLINK_STOPPED };

struct uplink {
        struct loop *loop;
        struct outbox *outbox;
        CURLM *multi;
        CURL *easy;
        struct curl_slist *headers;
        char *records_url;
        char *ca_file;
        struct loop_source *curl_timer;  /* when libcurl wants to be called */
        struct loop_source *retry_timer; /* the next send: now, or after a backoff */
        enum uplink_state state;
        char *body;
        size_t body_len;
        uint64_t sent[BATCH_MAX_RECORDS]; /* the seqs of the batch on the wire, in order */
        size_t n_sent;
        /* a batch up to this seq was refused without naming its record: one record a batch
         * until that one is found or all up to here are acknowledged; 0: not probing */
        uint64_t probe_upto;
        char curl_error[CURL_ERROR_SIZE];
        struct http_answer answer;
        struct uplink_status status;
        uplink_changed_fn changed;
        void *userdata;
};

static void send_batch(struct uplink *u);

/* --- libcurl on the loop --- */

static void check_done(struct uplink *u);

static int on_io(struct loop_source *s, int fd, uint32_t revents, void *userdata) {
        struct uplink *u = userdata;
        int running, flags = 0;

        (void)s;
        if (revents & LOOP_IN)
                flags |= CURL_CSELECT_IN;
        if (revents & LOOP_OUT)
                flags |= CURL_CSELECT_OUT;
        if (revents & (EPOLLERR | EPOLLHUP))
                flags |= CURL_CSELECT_ERR;
        (void)curl_multi_socket_action(u->multi, fd, flags, &running);
        check_done(u);
        return 0;
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp) {
        struct uplink *u = userp;
        struct loop_source *src = socketp;
        uint32_t events = 0;

        (void)easy;
        if (what == CURL_POLL_REMOVE) {
                loop_source_free(src);
                (void)curl_multi_assign(u->multi, fd, NULL);
                return 0;
        }
        if (what & CURL_POLL_IN)
                events |= LOOP_IN;
        if (what & CURL_POLL_OUT)
                events |= LOOP_OUT;
        if (src)
                return loop_io_set_events(src, events) < 0 ? -1 : 0;
        if (loop_add_io(u->loop, fd, events, on_io, u, &src) < 0)
                return -1;
        (void)curl_multi_assign(u->multi, fd, src);
        return 0;
}

static int on_curl_timeout(CURLM *multi, long timeout_ms, void *userp) {
        struct uplink *u = userp;

        (void)multi;
        if (timeout_ms < 0)
                return loop_timer_set(u->curl_timer, LOOP_TIMER_OFF) < 0 ? -1 : 0;
        return loop_timer_set(u->curl_timer, (uint64_t)timeout_ms * 1000) < 0 ? -1 : 0;
}

static int on_curl_timer(struct loop_source *s, uint64_t now, void *userdata) {
        struct uplink *u = userdata;
        int running;

        (void)s;
        (void)now;
        (void)curl_multi_socket_action(u->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        check_done(u);
        return 0;
}

/* --- outcomes --- */

static void changed(struct uplink *u) {
        if (u->changed)
                u->changed(u, &u->status, u->userdata);
}

static void wait_s(struct uplink *u, unsigned seconds) {
        u->state = UPLINK_WAITING;
        (void)loop_timer_set(u->retry_timer, (uint64_t)seconds * 1000000);
}

/* Exponential backoff with jitter: 1, 2, 4 ... 300 s, each drawn from its upper half
 * (rounded up: never 0 s), so 300 counters that lost the server together do not come back
 * together. */
static unsigned backoff_s(unsigned failures) {
        unsigned ceiling = failures > 9 ? BACKOFF_MAX_S : 1u << (failures - 1);
        unsigned floor_s, r = 0;

        if (ceiling > BACKOFF_MAX_S)
                ceiling = BACKOFF_MAX_S;
        floor_s = (ceiling + 1) / 2;
        if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
                r = (unsigned)loop_now();
        return floor_s + r % (ceiling - floor_s + 1);
}

static void failed(struct uplink *u, const char *why, unsigned retry_after) {
        unsigned delay;

        u->status.failures++;
        snprintf(u->status.last_error, sizeof(u->status.last_error), "%s", why);
        delay = retry_after ? retry_after : backoff_s(u->status.failures);
        /* loud at first, then only when the wait doubles: a server down for a week is one
         * problem, not ten thousand log lines */
        if ((u->status.failures & (u->status.failures - 1)) == 0)
                log_warn("uplink: %s; retrying in %u s (%u failures in a row)", why, delay,
                         u->status.failures);
        else
                log_debug("uplink: %s; retrying in %u s", why, delay);
        changed(u);
        wait_s(u, delay);
}

/* The server refused the batch for what a record in it is (a body it cannot take: a newer
 * agent's field, an encoding fault); resending it would be refused forever and hold back every
 * record behind it. The record the answer names goes (counted as dropped, so the server hears
 * of the gap); when none is named, records go one a batch until the refused one is alone.
 * false: not such an answer. */
static bool refused(struct uplink *u, const char *text) {
        size_t index;
        uint64_t seq;
        int r;

        if (server_answer_refused(u->answer.buf, u->answer.len, &index) != 1)
                return false;
        if (index >= u->n_sent && u->n_sent > 1) {
                if (!u->probe_upto)
                        log_warn("uplink: the server refused a batch of %zu records (%s) "
                                 "without naming one: sending them one by one",
                                 u->n_sent, text);
                u->probe_upto = u->sent[u->n_sent - 1];
                u->state = UPLINK_WAITING;
                (void)loop_timer_set(u->retry_timer, 0);
                return true;
        }
        seq = u->sent[index < u->n_sent ? index : 0];
        r = outbox_reject(u->outbox, seq);
        if (r < 0 && r != -ENOENT)
                return false; /* kept: retried as any failure */
        u->probe_upto = 0;    /* found: whole batches again */
        log_error("uplink: the server refused record %" PRIu64 " (%s); it is deleted from the "
                  "outbox and counted as dropped, the records behind it go on",
                  seq, text);
        snprintf(u->status.last_error, sizeof(u->status.last_error),
                 "record %" PRIu64 " refused: %s", seq, text);
        changed(u);
        u->state = UPLINK_WAITING;
        (void)loop_timer_set(u->retry_timer, 0);
        return true;
}

static void answered(struct uplink *u, CURLcode result) {
        char why[sizeof(u->status.last_error)], text[256];
        curl_off_t retry_after = 0;
        long code = 0;
        uint64_t acked;
        int r;

        free(u->body);
        u->body = NULL;
        if (result != CURLE_OK) {
                snprintf(why, sizeof(why), "%s: %s", curl_easy_strerror(result),
                         u->curl_error[0] ? u->curl_error : "-");
                failed(u, why, 0);
                return;
        }
        (void)curl_easy_getinfo(u->easy, CURLINFO_RESPONSE_CODE, &code);
        (void)curl_easy_getinfo(u->easy, CURLINFO_RETRY_AFTER, &retry_after);
        if (code == 200) {
                if (server_answer_acked(u->answer.buf, u->answer.len, &acked) < 0) {
                        failed(u, "the server's answer has no acked_seq", 0);
                        return;
                }
                r = outbox_ack(u->outbox, acked);
                if (r < 0) {
                        snprintf(why, sizeof(why), "cannot delete acknowledged records: %s",
                                 strerror(-r));
                        failed(u, why, 0);
                        return;
                }
                if (acked > u->status.acked_seq)
                        u->status.acked_seq = acked;
                timefmt_now_rfc3339(u->status.last_ok);
                if (u->status.failures)
                        log_info("uplink: the server is reachable again");
                u->status.failures = 0;
                u->status.last_error[0] = '\0';
                if (acked >= u->probe_upto)
                        u->probe_upto = 0;
                changed(u);
                /* more may be waiting: the next batch at once, from the loop */
                u->state = UPLINK_WAITING;
                (void)loop_timer_set(u->retry_timer, 0);
                return;
        }
        http_client_error_text(&u->answer, text, sizeof(text));
        snprintf(why, sizeof(why), "server answered %ld: %s", code, text);
        if (code == 400 && refused(u, text))
                return;
        if ((code == 403 && strstr(u->answer.buf, "\"agent revoked\"")) ||
            (code == 409 && strstr(u->answer.buf, "\"seq reused\""))) {
                /* retrying cannot help either: the server refuses this agent, or holds these
                 * seqs with other content (the outbox lost its sequence with its files) */
                log_error("uplink: %s; nothing more is sent until the agent is enrolled again "
                          "(counterguard-agent enroll, then reload). Records are kept in the "
                          "outbox meanwhile.",
                          why);
                snprintf(u->status.last_error, sizeof(u->status.last_error), "%s", why);
                u->status.revoked = true;
                u->state = UPLINK_STOPPED;
                changed(u);
                return;
        }
        if ((code == 429 || code == 503) && retry_after > 0)
                failed(u, why,
                       retry_after > RETRY_AFTER_MAX_S ? RETRY_AFTER_MAX_S : (unsigned)retry_after);
        else
                failed(u, why, 0);
}

static void check_done(struct uplink *u) {
        CURLMsg *msg;
        int left;

        while ((msg = curl_multi_info_read(u->multi, &left))) {
                if (msg->msg != CURLMSG_DONE)
                        continue;
                (void)curl_multi_remove_handle(u->multi, msg->easy_handle);
                answered(u, msg->data.result);
        }
}

/* --- sending --- */

/* {"records":[{"seq":N,"type":"event","time":"...","body":{...}},...]}: the bodies are the
 * JSON documents the agent's encoder wrote into the outbox, and the times were checked as
 * RFC 3339 when they went in, so they are pasted, not re-encoded. */
static int build_body(struct uplink *u, const struct outbox_record *recs, size_t n) {
        size_t cap = 32, len = 0;
        char *b;

        for (size_t i = 0; i < n; i++)
                cap += recs[i].body_len + strlen(recs[i].time) + 96;
        b = malloc(cap);
        if (!b)
                return -ENOMEM;
        len += (size_t)snprintf(b, cap, "{\"records\":[");
        for (size_t i = 0; i < n; i++) {
                len += (size_t)snprintf(b + len, cap - len,
                                        "%s{\"seq\":%" PRIu64 ",\"type\":\"%s\",\"time\":\"%s\","
                                        "\"body\":",
                                        i ? "," : "", recs[i].seq,
                                        outbox_kind_to_string(recs[i].kind), recs[i].time);
                memcpy(b + len, recs[i].body, recs[i].body_len);
                len += recs[i].body_len;
                b[len++] = '}';
        }
        memcpy(b + len, "]}", 3);
        len += 2;
        u->body = b;
        u->body_len = len;
        return 0;
}

static void send_batch(struct uplink *u) {
        struct outbox_record *recs = NULL;
        char why[128];
        size_t n = 0;
        int r;

        if (u->state == UPLINK_SENDING || u->state == UPLINK_STOPPED)
                return;
        r = outbox_peek(u->outbox, u->probe_upto ? 1 : BATCH_MAX_RECORDS, BATCH_MAX_BYTES, &recs,
                        &n);
        if (r < 0) {
                snprintf(why, sizeof(why), "cannot read the outbox: %s", strerror(-r));
                failed(u, why, 0);
                return;
        }
        if (n == 0) {
                u->state = UPLINK_IDLE;
                return;
        }
        r = build_body(u, recs, n);
        u->n_sent = n;
        for (size_t i = 0; i < n; i++)
                u->sent[i] = recs[i].seq;
        outbox_records_free(recs, n);
        if (r < 0) {
                failed(u, "out of memory", 0);
                return;
        }
        u->curl_error[0] = '\0';
        if (http_client_setup(u->easy, u->records_url, u->ca_file, u->headers, &u->answer) < 0 ||
            curl_easy_setopt(u->easy, CURLOPT_ERRORBUFFER, u->curl_error) != CURLE_OK ||
            curl_easy_setopt(u->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)u->body_len) !=
                    CURLE_OK ||
            curl_easy_setopt(u->easy, CURLOPT_POSTFIELDS, u->body) != CURLE_OK ||
            curl_multi_add_handle(u->multi, u->easy) != CURLM_OK) {
                free(u->body);
                u->body = NULL;
                failed(u, "cannot set up the request", 0);
                return;
        }
        u->state = UPLINK_SENDING;
}

static int on_retry(struct loop_source *s, uint64_t now, void *userdata) {
        struct uplink *u = userdata;

        (void)s;
        (void)now;
        if (u->state == UPLINK_WAITING)
                u->state = UPLINK_IDLE;
        send_batch(u);
        return 0;
}

void uplink_kick(struct uplink *u) {
        if (u->state == UPLINK_IDLE)
                send_batch(u);
}

/* --- life --- */

int uplink_configure(struct uplink *u, const struct uplink_settings *s) {
        struct curl_slist *headers = NULL, *h;
        char *url = NULL, *ca = NULL, auth[256];
        size_t n = strlen(s->url);

        if (snprintf(auth, sizeof(auth), "Authorization: Bearer %s", s->credential) >=
            (int)sizeof(auth))
                return -EINVAL;
        /* "https://host:8443/" and "https://host:8443" are the same server */
        if (asprintf(&url, "%.*s/api/v1/records", (int)(n && s->url[n - 1] == '/' ? n - 1 : n),
                     s->url) < 0)
                return -ENOMEM;
        h = curl_slist_append(NULL, "Content-Type: application/json");
        headers = h ? curl_slist_append(h, auth) : NULL;
        if ((s->ca_file && !(ca = strdup(s->ca_file))) || !headers) {
                curl_slist_free_all(h);
                free(url);
                free(ca);
                return -ENOMEM;
        }
        curl_slist_free_all(u->headers);
        free(u->records_url);
        free(u->ca_file);
        u->headers = headers;
        u->records_url = url;
        u->ca_file = ca;
        /* new settings are tried at once: a revoked agent enrolled again, an operator who
         * fixed the URL or reloads after the server came back does not wait out a backoff */
        if (u->state == UPLINK_STOPPED || u->state == UPLINK_WAITING) {
                u->status.revoked = false;
                u->state = UPLINK_IDLE;
                if (u->retry_timer)
                        (void)loop_timer_set(u->retry_timer, LOOP_TIMER_OFF);
        }
        return 0;
}

int uplink_new(struct loop *l, struct outbox *o, const struct uplink_settings *s,
               uplink_changed_fn changed_fn, void *userdata, struct uplink **ret) {
        struct uplink *u = calloc(1, sizeof(*u));
        int r;

        if (!u)
                return -ENOMEM;
        u->loop = l;
        u->outbox = o;
        u->changed = changed_fn;
        u->userdata = userdata;
        u->multi = curl_multi_init();
        u->easy = curl_easy_init();
        r = u->multi && u->easy ? 0 : -ENOMEM;
        if (r == 0)
                r = loop_add_timer(l, LOOP_TIMER_OFF, on_curl_timer, u, &u->curl_timer);
        if (r == 0)
                r = loop_add_timer(l, LOOP_TIMER_OFF, on_retry, u, &u->retry_timer);
        if (r == 0 && (curl_multi_setopt(u->multi, CURLMOPT_SOCKETFUNCTION, on_socket) ||
                       curl_multi_setopt(u->multi, CURLMOPT_SOCKETDATA, u) ||
                       curl_multi_setopt(u->multi, CURLMOPT_TIMERFUNCTION, on_curl_timeout) ||
                       curl_multi_setopt(u->multi, CURLMOPT_TIMERDATA, u)))
                r = -EINVAL;
        if (r == 0)
                r = uplink_configure(u, s);
        if (r < 0) {
                uplink_free(u);
                return r;
        }
        *ret = u;
        return 0;
}

void uplink_free(struct uplink *u) {
        if (!u)
                return;
        if (u->state == UPLINK_SENDING)
                (void)curl_multi_remove_handle(u->multi, u->easy);
        if (u->easy)
                curl_easy_cleanup(u->easy);
        if (u->multi)
                curl_multi_cleanup(u->multi);
        loop_source_free(u->curl_timer);
        loop_source_free(u->retry_timer);
        curl_slist_free_all(u->headers);
        free(u->records_url);
        free(u->ca_file);
        free(u->body);
        free(u);
}

void uplink_set_outbox(struct uplink *u, struct outbox *o) {
        u->outbox = o;
}

const struct uplink_status *uplink_status(const struct uplink *u) {
        return &u->status;
}

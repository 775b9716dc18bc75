/* The serving loop. main thread: signals (signalfd) and the retention timer, nothing else.
 * HTTP threads (libmicrohttpd's pool): TLS, parsing, validation. Store workers (workq): the
 * database. Signals are blocked before any thread starts, so only the signalfd sees them. */
#include "serve.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "store.h"
#include "workq.h"

#define DRAIN_SECONDS    30
#define PURGE_EVERY_MS   (3600 * 1000)
#define PURGE_QUEUE_ROOM 1000000u
#define RETIRED_MAX      8

/* Servers replaced by a reload whose requests still wait on the store: stopped later, with
 * their configuration. A reload never stops the service for them. */
struct retired {
        struct http_server *http;
        struct server_config *config;
};

struct purge_work {
        struct work work; /* first */
        unsigned days;
};

static void purge_run(struct work *w, struct store *s) {
        struct purge_work *p = (struct purge_work *)w;

        if (s)
                (void)store_purge(s, p->days);
}

static void purge_done(struct work *w) {
        free(w);
}

static void schedule_purge(struct workq *q, unsigned days) {
        struct purge_work *p;

        if (days == 0)
                return;
        p = calloc(1, sizeof(*p));
        if (!p)
                return;
        p->work = (struct work){.run = purge_run, .done = purge_done};
        p->days = days;
        if (workq_submit(q, &p->work, PURGE_QUEUE_ROOM) < 0)
                free(p);
}

static long long now_s(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec;
}

static unsigned default_workers(const struct server_config *c) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);

        if (c->store_workers)
                return c->store_workers;
        /* SQLite runs one writer at a time: more connections would only queue on its lock.
         * PostgreSQL writes in parallel: one connection per core, at least two. */
        if (strncmp(c->store_url, "postgres", 8) == 0)
                return cores > 2 ? (unsigned)cores : 2;
        return 1;
}

static int check_store(const struct server_config *c) {
        struct store_options o = {.busy_timeout_ms = c->busy_timeout_ms};
        struct store *s = NULL;
        int r;

        r = store_open(c->store_url, &o, &s);
        if (r < 0)
                return r;
        r = store_check_schema(s);
        store_close(s);
        return r;
}

int serve_check(const struct server_config *c) {
        int r = http_check_tls(c);

        if (r >= 0)
                r = check_store(c);
        if (r >= 0)
                log_info("configuration ok: %s, store reachable and migrated",
                         c->tls ? "TLS certificate and key load" : "plain HTTP (tls = off)");
        return r;
}

static void retire_free(struct retired *r) {
        config_free(r->config);
        free(r->config);
        *r = (struct retired){0};
}

/* Try again to stop what a reload left running; the number still left. */
static unsigned reap(struct retired *retired) {
        unsigned left = 0;

        for (unsigned i = 0; i < RETIRED_MAX; i++) {
                if (!retired[i].http)
                        continue;
                if (http_stop(retired[i].http, 0) < 0) {
                        left++;
                        continue;
                }
                retire_free(&retired[i]);
        }
        return left;
}

/* SIGHUP: a new HTTP server with the new settings takes over the same listening socket, then
 * the old one finishes its requests and goes. What cannot change without a restart (listen
 * address, store url and workers) is kept, with a warning. */
static void reload(const char *path, struct server_config **cur, struct http_server **http,
                   int listen_fd, struct workq *q, struct retired *retired) {
        struct server_config *next = malloc(sizeof(*next));
        struct http_server *h = NULL;
        bool level_changed;
        int r;

        if (!next)
                return;
        config_init(next);
        if (config_load(path, next) < 0) {
                log_error("reload: keeping the running configuration");
                free(next);
                return;
        }
        if (strcmp(next->listen, (*cur)->listen) != 0 ||
            strcmp(next->store_url, (*cur)->store_url) != 0 ||
            next->store_workers != (*cur)->store_workers)
                log_warn("reload: listen, [store] url and workers change only on restart");
        free(next->listen);
        free(next->store_url);
        next->listen = strdup((*cur)->listen);
        next->store_url = strdup((*cur)->store_url);
        next->store_workers = (*cur)->store_workers;
        if (!next->listen || !next->store_url) {
                config_free(next);
                free(next);
                return;
        }
        r = http_start(next, listen_fd, q, &h);
        if (r < 0) {
                log_error("reload: keeping the running configuration");
                config_free(next);
                free(next);
                return;
        }
        level_changed = next->log_level != (*cur)->log_level;
        if (http_stop(*http, DRAIN_SECONDS) < 0) {
                /* requests still wait on the store: the old server and its settings stay
                 * until they are answered, and the new one serves meanwhile */
                unsigned i = 0;
                while (i < RETIRED_MAX && retired[i].http)
                        i++;
                if (i == RETIRED_MAX) {
                        log_error("reload: %d servers still wait on the store; exiting",
                                  RETIRED_MAX);
                        _exit(EXIT_FAILURE);
                }
                retired[i] = (struct retired){*http, *cur};
        } else {
                config_free(*cur);
                free(*cur);
        }
        /* a level changed in the file applies now (--verbose stays until it does) */
        if (level_changed)
                log_set_level(next->log_level);
        *cur = next;
        *http = h;
        log_info("reloaded %s", path);
}

int serve_run(const char *config_path, struct server_config *config) {
        struct store_options o = {.busy_timeout_ms = config->busy_timeout_ms};
        struct server_config *c = malloc(sizeof(*c));
        struct http_server *http = NULL;
        struct retired retired[RETIRED_MAX] = {0};
        struct workq *q = NULL;
        sigset_t mask;
        int sfd = -1, listen_fd = -1, r, ret = EXIT_FAILURE;
        long long last_purge_s = 0;
        bool running = true;

        if (!c) {
                config_free(config);
                return EXIT_FAILURE;
        }
        *c = *config; /* taken over */
        config_init(config);

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        if (pthread_sigmask(SIG_BLOCK, &mask, NULL) != 0)
                goto out;
        signal(SIGPIPE, SIG_IGN);
        sfd = signalfd(-1, &mask, SFD_CLOEXEC);
        if (sfd < 0) {
                log_error_errno(-errno, "signalfd");
                goto out;
        }

        r = check_store(c);
        if (r < 0)
                goto out;
        r = workq_new(c->store_url, &o, default_workers(c), &q);
        if (r < 0) {
                log_error_errno(r, "cannot open the store");
                goto out;
        }
        if (http_listen(c->listen, &listen_fd) < 0)
                goto out;
        if (http_start(c, listen_fd, q, &http) < 0)
                goto out;
        schedule_purge(q, c->retention_days);
        last_purge_s = now_s();
        log_info("ready (store %s, %u store workers, queue_max %u)",
                 strncmp(c->store_url, "postgres", 8) == 0 ? "postgresql" : "sqlite",
                 default_workers(c), c->store_queue_max);

        while (running) {
                struct pollfd p = {.fd = sfd, .events = POLLIN};
                struct signalfd_siginfo si;

                r = poll(&p, 1, reap(retired) ? 1000 : PURGE_EVERY_MS);
                if (r < 0 && errno != EINTR) {
                        log_error_errno(-errno, "poll");
                        break;
                }
                if (r == 0) {
                        if (now_s() - last_purge_s >= PURGE_EVERY_MS / 1000) {
                                schedule_purge(q, c->retention_days);
                                last_purge_s = now_s();
                        }
                        continue;
                }
                if (r < 0 || read(sfd, &si, sizeof(si)) != sizeof(si))
                        continue;
                switch (si.ssi_signo) {
                case SIGHUP:
                        log_info("SIGHUP: reloading %s", config_path);
                        reload(config_path, &c, &http, listen_fd, q, retired);
                        break;
                case SIGTERM:
                case SIGINT:
                        log_info("%s: finishing requests in flight, then stopping",
                                 strsignal((int)si.ssi_signo));
                        running = false;
                        break;
                default:
                        break;
                }
        }
        if (http_stop(http, DRAIN_SECONDS) < 0 || reap(retired) > 0)
                _exit(EXIT_FAILURE); /* requests still wait on the store after 30 s */
        http = NULL;
        ret = EXIT_SUCCESS;
        log_info("stopped");
out:
        if (http && http_stop(http, DRAIN_SECONDS) < 0)
                _exit(EXIT_FAILURE);
        workq_free(q);
        if (listen_fd >= 0)
                close(listen_fd);
        if (sfd >= 0)
                close(sfd);
        config_free(c);
        free(c);
        return ret;
}

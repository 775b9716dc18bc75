/* A collector's snapshot in a child process: see collector_aside.h. */
#include "collector_aside.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model.h"
#include "timefmt.h"

/* Far above any real section; a child sending more is broken. */
#define ASIDE_MAX_OUTPUT (16u << 20)

struct collector_aside {
        const struct collector *collector;
        unsigned timeout_ms;
        pid_t pid;
        int fd;
        struct loop_source *io;
        struct loop_source *deadline;
        char *buf;
        size_t len, cap;
        collector_aside_fn done;
        void *userdata;
};

static int write_all(int fd, const char *s, size_t n) {
        while (n > 0) {
                ssize_t w = write(fd, s, n);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return -errno;
                s += w;
                n -= (size_t)w;
        }
        return 0;
}

static _Noreturn void child_main(const struct collector *c, int fd) {
        struct collector_ctx *ctx = NULL;
        char now[TIMEFMT_RFC3339_SIZE], *json;
        sigset_t none;
        struct report r;
        int e;

        /* no handler or blocked signal of the parent's loop: a crash ends the child */
        for (int sig = 1; sig < _NSIG; sig++)
                (void)signal(sig, SIG_DFL);
        sigemptyset(&none);
        (void)sigprocmask(SIG_SETMASK, &none, NULL);
        report_init(&r);
        timefmt_now_rfc3339(now);
        r.generated_at = strdup(now);
        e = r.generated_at && report_ensure_host(&r) ? collector_ctx_new(c, NULL, NULL, NULL, &ctx)
                                                     : -ENOMEM;
        if (e == 0)
                e = c->snapshot(ctx, &r);
        collector_ctx_free(ctx);
        json = model_dump(&report_desc, &r, false);
        if (!json || write_all(fd, json, strlen(json)) < 0)
                e = e < 0 ? e : -EIO;
        _exit(e < 0 ? (-e > 255 ? 255 : -e) : 0);
}

static void stop_child(struct collector_aside *a) {
        if (a->pid <= 0)
                return;
        kill(a->pid, SIGKILL);
        while (waitpid(a->pid, NULL, 0) < 0 && errno == EINTR)
                ;
        a->pid = 0;
        a->len = 0;
}

static void finish(struct collector_aside *a, const char *failure) {
        struct model_error err = {{0}, {0}};
        char why[sizeof(err.path) + sizeof(err.message) + 64];
        struct report r;

        loop_source_free(a->io);
        loop_source_free(a->deadline);
        a->io = a->deadline = NULL;
        report_init(&r);
        /* what a failed child managed to send is given too: it may say what it could not read */
        if (a->len && model_parse(&report_desc, a->buf, a->len, &r, &err) < 0 && !failure) {
                snprintf(why, sizeof(why), "sent an invalid report: %s: %s", err.path, err.message);
                failure = why;
        }
        a->done(a, &r, failure, a->userdata);
        report_free(&r);
}

static void reap(struct collector_aside *a) {
        char why[64];
        int status = 0;

        while (waitpid(a->pid, &status, 0) < 0 && errno == EINTR)
                ;
        a->pid = 0;
        if (WIFSIGNALED(status)) {
                snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(status));
                finish(a, why);
        } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
                finish(a, strerror(WEXITSTATUS(status)));
        } else {
                finish(a, NULL);
        }
}

static int on_output(struct loop_source *s, int fd, uint32_t revents, void *userdata) {
        struct collector_aside *a = userdata;

        (void)s;
        (void)revents;
        for (;;) {
                ssize_t n;
                if (a->len == a->cap) {
                        size_t cap = a->cap ? 2 * a->cap : 16384;
                        char *b;
                        if (cap > ASIDE_MAX_OUTPUT) {
                                stop_child(a);
                                finish(a, "sent too much");
                                return 0;
                        }
                        b = realloc(a->buf, cap);
                        if (!b)
                                return -ENOMEM;
                        a->buf = b;
                        a->cap = cap;
                }
                n = read(fd, a->buf + a->len, a->cap - a->len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return 0;
                if (n <= 0)
                        break;
                a->len += (size_t)n;
        }
        reap(a);
        return 0;
}

static int on_deadline(struct loop_source *s, uint64_t now, void *userdata) {
        struct collector_aside *a = userdata;
        char why[64];

        (void)s;
        (void)now;
        stop_child(a);
        snprintf(why, sizeof(why), "did not finish within %u ms", a->timeout_ms);
        finish(a, why);
        return 0;
}

int collector_aside_start(struct collector_ctx *ctx, unsigned timeout_ms, collector_aside_fn done,
                          void *userdata, struct collector_aside **ret) {
        struct collector_aside *a = calloc(1, sizeof(*a));
        int p[2], r;

        if (!a)
                return -ENOMEM;
        a->collector = collector_ctx_collector(ctx);
        a->timeout_ms = timeout_ms;
        a->done = done;
        a->userdata = userdata;
        a->fd = -1;
        if (pipe2(p, O_CLOEXEC) < 0) {
                r = -errno;
                free(a);
                return r;
        }
        fflush(NULL); /* nothing buffered is written twice */
        a->pid = fork();
        if (a->pid < 0) {
                r = -errno;
                close(p[0]);
                close(p[1]);
                free(a);
                return r;
        }
        if (a->pid == 0) {
                close(p[0]);
                child_main(a->collector, p[1]);
        }
        close(p[1]);
        a->fd = p[0];
        r = fcntl(a->fd, F_SETFL, O_NONBLOCK) < 0 ? -errno : 0;
        if (r == 0)
                r = collector_add_io(ctx, a->fd, LOOP_IN, on_output, a, &a->io);
        if (r == 0)
                r = collector_add_timer(ctx, (uint64_t)timeout_ms * 1000, on_deadline, a,
                                        &a->deadline);
        if (r < 0) {
                collector_aside_free(a);
                return r;
        }
        *ret = a;
        return 0;
}

void collector_aside_free(struct collector_aside *a) {
        if (!a)
                return;
        loop_source_free(a->io);
        loop_source_free(a->deadline);
        stop_child(a);
        if (a->fd >= 0)
                close(a->fd);
        free(a->buf);
        free(a);
}

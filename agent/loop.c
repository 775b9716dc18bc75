#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define LOOP_MAX_SOURCES 64

struct source {
        int fd;
        loop_handler_fn fn;
        void *userdata;
};

struct loop {
        int epfd;
        int sigfd;
        bool quit;
        int code;
        struct source sources[LOOP_MAX_SOURCES];
        int n_sources;
};

int loop_new(struct loop **ret) {
        struct loop *l = calloc(1, sizeof(*l));

        if (!l)
                return -ENOMEM;
        l->sigfd = -1;
        l->epfd = epoll_create1(EPOLL_CLOEXEC);
        if (l->epfd < 0) {
                int e = -errno;
                free(l);
                return e;
        }
        *ret = l;
        return 0;
}

void loop_free(struct loop *l) {
        if (!l)
                return;
        close(l->epfd);
        if (l->sigfd >= 0)
                close(l->sigfd);
        free(l);
}

int loop_add(struct loop *l, int fd, loop_handler_fn fn, void *userdata) {
        struct epoll_event ev = {.events = EPOLLIN};
        struct source *s;

        if (l->n_sources >= LOOP_MAX_SOURCES)
                return -ENOSPC;
        s = &l->sources[l->n_sources];
        *s = (struct source){fd, fn, userdata};
        ev.data.ptr = s;
        /* sources never move: removal leaves a hole marked fd = -1 */
        if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
                return -errno;
        l->n_sources++;
        return 0;
}

int loop_remove(struct loop *l, int fd) {
        for (int i = 0; i < l->n_sources; i++)
                if (l->sources[i].fd == fd) {
                        l->sources[i].fd = -1;
                        return epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL) < 0 ? -errno : 0;
                }
        return -ENOENT;
}

static int on_signal(int fd, uint32_t events, void *userdata) {
        struct signalfd_siginfo si;

        (void)events;
        if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
                loop_quit(userdata, 0);
        return 0;
}

int loop_quit_on_signals(struct loop *l, const int *signals, int n) {
        sigset_t set;

        sigemptyset(&set);
        for (int i = 0; i < n; i++)
                sigaddset(&set, signals[i]);
        if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
                return -errno;
        l->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
        if (l->sigfd < 0)
                return -errno;
        return loop_add(l, l->sigfd, on_signal, l);
}

int loop_run(struct loop *l) {
        while (!l->quit) {
                struct epoll_event evs[16];
                int n = epoll_wait(l->epfd, evs, 16, -1);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                for (int i = 0; i < n && !l->quit; i++) {
                        struct source *s = evs[i].data.ptr;
                        int r;
                        if (s->fd < 0)
                                continue;
                        r = s->fn(s->fd, evs[i].events, s->userdata);
                        if (r < 0)
                                return r;
                }
        }
        return l->code;
}

void loop_quit(struct loop *l, int code) {
        l->quit = true;
        l->code = code;
}

int loop_timer_new(void) {
        int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        return fd < 0 ? -errno : fd;
}

int loop_timer_arm(int fd, uint64_t usec) {
        struct itimerspec its;

        memset(&its, 0, sizeof(its));
        its.it_value.tv_sec = (time_t)(usec / 1000000);
        its.it_value.tv_nsec = (long)(usec % 1000000) * 1000;
        return timerfd_settime(fd, 0, &its, NULL) < 0 ? -errno : 0;
}

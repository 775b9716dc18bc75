/* The event loop: see loop.h. Timers live in a binary heap keyed by deadline; one timerfd,
 * armed for the heap's earliest deadline, wakes epoll_wait with µs precision. Signals
 * share one signalfd. A source freed while handlers run is only unlinked then, and freed
 * after the batch, so an epoll event already fetched for it is recognised and skipped. */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define LOOP_MAX_EVENTS 64
#define HEAP_NONE       SIZE_MAX

enum source_type { SOURCE_IO, SOURCE_TIMER, SOURCE_SIGNAL, SOURCE_TYPE_MAX };

struct loop_source {
        struct loop *loop;
        enum source_type type;
        void *userdata;
        union {
                loop_io_fn io;
                loop_timer_fn timer;
                loop_signal_fn signal;
        } fn;
        int fd;          /* SOURCE_IO */
        uint32_t events; /* SOURCE_IO */
        uint64_t deadline;
        size_t heap_index; /* SOURCE_TIMER: HEAP_NONE when not armed */
        int signo;         /* SOURCE_SIGNAL */
        bool dead;
        struct loop_source *prev, *next; /* every live source, for loop_free */
        struct loop_source *next_dead;
};

struct loop {
        int epfd;
        int timer_fd;
        uint64_t timer_fd_at; /* what timer_fd is armed for; LOOP_TIMER_OFF when disarmed */
        int signal_fd;
        sigset_t signal_mask;
        struct loop_source *signals[_NSIG];
        struct loop_source **heap;
        size_t n_heap, cap_heap;
        struct loop_source **due; /* the timers of one expiry, reused */
        size_t cap_due;
        struct loop_source *sources;
        struct loop_source *dead;
        unsigned n_sources;
        bool dispatching;
        bool quit;
        int code;
};

uint64_t loop_now(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* --- the timer heap --- */

static bool heap_before(const struct loop *l, size_t a, size_t b) {
        return l->heap[a]->deadline < l->heap[b]->deadline;
}

static void heap_swap(struct loop *l, size_t a, size_t b) {
        struct loop_source *t = l->heap[a];

        l->heap[a] = l->heap[b];
        l->heap[b] = t;
        l->heap[a]->heap_index = a;
        l->heap[b]->heap_index = b;
}

static void heap_up(struct loop *l, size_t i) {
        while (i > 0 && heap_before(l, i, (i - 1) / 2)) {
                heap_swap(l, i, (i - 1) / 2);
                i = (i - 1) / 2;
        }
}

static void heap_down(struct loop *l, size_t i) {
        for (;;) {
                size_t least = i, left = 2 * i + 1, right = 2 * i + 2;

                if (left < l->n_heap && heap_before(l, left, least))
                        least = left;
                if (right < l->n_heap && heap_before(l, right, least))
                        least = right;
                if (least == i)
                        return;
                heap_swap(l, i, least);
                i = least;
        }
}

static int heap_insert(struct loop *l, struct loop_source *s) {
        if (l->n_heap == l->cap_heap) {
                size_t cap = l->cap_heap ? 2 * l->cap_heap : 16;
                struct loop_source **h = reallocarray(l->heap, cap, sizeof(struct loop_source *));
                if (!h)
                        return -ENOMEM;
                l->heap = h;
                l->cap_heap = cap;
        }
        s->heap_index = l->n_heap;
        l->heap[l->n_heap++] = s;
        heap_up(l, s->heap_index);
        return 0;
}

static void heap_remove(struct loop *l, struct loop_source *s) {
        size_t i = s->heap_index;

        if (i == HEAP_NONE)
                return;
        s->heap_index = HEAP_NONE;
        if (i == --l->n_heap)
                return;
        l->heap[i] = l->heap[l->n_heap];
        l->heap[i]->heap_index = i;
        heap_up(l, i);
        heap_down(l, l->heap[i]->heap_index);
}

/* --- sources --- */

int loop_new(struct loop **ret) {
        struct loop *l = calloc(1, sizeof(*l));

        if (!l)
                return -ENOMEM;
        l->timer_fd = l->signal_fd = -1;
        l->timer_fd_at = LOOP_TIMER_OFF;
        sigemptyset(&l->signal_mask);
        l->epfd = epoll_create1(EPOLL_CLOEXEC);
        l->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (l->epfd < 0 || l->timer_fd < 0 ||
            epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->timer_fd,
                      &(struct epoll_event){.events = EPOLLIN, .data.ptr = &l->timer_fd}) < 0) {
                int e = -errno;
                loop_free(l);
                return e;
        }
        *ret = l;
        return 0;
}

static struct loop_source *source_new(struct loop *l, enum source_type type, void *userdata) {
        struct loop_source *s = calloc(1, sizeof(*s));

        if (!s)
                return NULL;
        s->loop = l;
        s->type = type;
        s->userdata = userdata;
        s->fd = -1;
        s->heap_index = HEAP_NONE;
        s->deadline = LOOP_TIMER_OFF;
        s->next = l->sources;
        if (l->sources)
                l->sources->prev = s;
        l->sources = s;
        l->n_sources++;
        return s;
}

static void signal_unregister(struct loop *l, struct loop_source *s) {
        sigset_t one;

        sigemptyset(&one);
        sigaddset(&one, s->signo);
        sigdelset(&l->signal_mask, s->signo);
        l->signals[s->signo] = NULL;
        /* the signalfd stops reading it first, then its default action is back */
        (void)signalfd(l->signal_fd, &l->signal_mask, SFD_CLOEXEC | SFD_NONBLOCK);
        (void)sigprocmask(SIG_UNBLOCK, &one, NULL);
}

void loop_source_free(struct loop_source *s) {
        struct loop *l;

        if (!s || s->dead)
                return;
        l = s->loop;
        switch (s->type) {
        case SOURCE_IO:
                (void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, s->fd, NULL);
                break;
        case SOURCE_TIMER:
                heap_remove(l, s);
                break;
        case SOURCE_SIGNAL:
                signal_unregister(l, s);
                break;
        case SOURCE_TYPE_MAX:
                break;
        }
        if (s->prev)
                s->prev->next = s->next;
        else
                l->sources = s->next;
        if (s->next)
                s->next->prev = s->prev;
        l->n_sources--;
        s->dead = true;
        if (l->dispatching) {
                s->next_dead = l->dead;
                l->dead = s;
        } else {
                free(s);
        }
}

struct loop *loop_source_loop(const struct loop_source *s) {
        return s->loop;
}

unsigned loop_n_sources(const struct loop *l) {
        return l->n_sources;
}

static void free_dead(struct loop *l) {
        while (l->dead) {
                struct loop_source *s = l->dead;
                l->dead = s->next_dead;
                free(s);
        }
}

void loop_free(struct loop *l) {
        if (!l)
                return;
        for (struct loop_source *s = l->sources, *next; s; s = next) {
                next = s->next;
                loop_source_free(s);
        }
        free_dead(l);
        if (l->epfd >= 0)
                close(l->epfd);
        if (l->timer_fd >= 0)
                close(l->timer_fd);
        if (l->signal_fd >= 0)
                close(l->signal_fd);
        free(l->heap);
        free(l->due);
        free(l);
}

int loop_add_io(struct loop *l, int fd, uint32_t events, loop_io_fn fn, void *userdata,
                struct loop_source **ret) {
        struct loop_source *s;

        if (fd < 0 || !fn || (events & ~(LOOP_IN | LOOP_OUT)))
                return -EINVAL;
        s = source_new(l, SOURCE_IO, userdata);
        if (!s)
                return -ENOMEM;
        s->fd = fd;
        s->events = events;
        s->fn.io = fn;
        if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd,
                      &(struct epoll_event){.events = events, .data.ptr = s}) < 0) {
                int e = -errno;
                s->type = SOURCE_TYPE_MAX; /* nothing to unregister */
                loop_source_free(s);
                return e;
        }
        if (ret)
                *ret = s;
        return 0;
}

int loop_io_set_events(struct loop_source *s, uint32_t events) {
        if (s->type != SOURCE_IO || (events & ~(LOOP_IN | LOOP_OUT)))
                return -EINVAL;
        if (events == s->events)
                return 0;
        if (epoll_ctl(s->loop->epfd, EPOLL_CTL_MOD, s->fd,
                      &(struct epoll_event){.events = events, .data.ptr = s}) < 0)
                return -errno;
        s->events = events;
        return 0;
}

int loop_timer_set_at(struct loop_source *s, uint64_t at_usec) {
        if (s->type != SOURCE_TIMER)
                return -EINVAL;
        heap_remove(s->loop, s);
        s->deadline = at_usec;
        return at_usec == LOOP_TIMER_OFF ? 0 : heap_insert(s->loop, s);
}

int loop_timer_set(struct loop_source *s, uint64_t usec) {
        uint64_t now = loop_now();

        if (usec == LOOP_TIMER_OFF)
                return loop_timer_set_at(s, LOOP_TIMER_OFF);
        return loop_timer_set_at(s, usec >= LOOP_TIMER_OFF - now ? LOOP_TIMER_OFF - 1 : now + usec);
}

int loop_add_timer(struct loop *l, uint64_t usec, loop_timer_fn fn, void *userdata,
                   struct loop_source **ret) {
        struct loop_source *s;
        int r;

        if (!fn)
                return -EINVAL;
        s = source_new(l, SOURCE_TIMER, userdata);
        if (!s)
                return -ENOMEM;
        s->fn.timer = fn;
        r = loop_timer_set(s, usec);
        if (r < 0) {
                loop_source_free(s);
                return r;
        }
        if (ret)
                *ret = s;
        return 0;
}

int loop_add_signal(struct loop *l, int signo, loop_signal_fn fn, void *userdata,
                    struct loop_source **ret) {
        struct loop_source *s;
        sigset_t one;
        int fd;

        if (signo <= 0 || signo >= _NSIG || !fn)
                return -EINVAL;
        if (l->signals[signo])
                return -EBUSY;
        sigemptyset(&one);
        sigaddset(&one, signo);
        sigaddset(&l->signal_mask, signo);
        if (sigprocmask(SIG_BLOCK, &one, NULL) < 0)
                return -errno;
        fd = signalfd(l->signal_fd, &l->signal_mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (fd < 0) {
                int e = -errno;
                sigdelset(&l->signal_mask, signo);
                (void)sigprocmask(SIG_UNBLOCK, &one, NULL);
                return e;
        }
        if (l->signal_fd < 0) {
                l->signal_fd = fd;
                if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd,
                              &(struct epoll_event){.events = EPOLLIN, .data.ptr = &l->signal_fd}) <
                    0)
                        return -errno;
        }
        s = source_new(l, SOURCE_SIGNAL, userdata);
        if (!s) {
                sigdelset(&l->signal_mask, signo);
                (void)sigprocmask(SIG_UNBLOCK, &one, NULL);
                return -ENOMEM;
        }
        s->signo = signo;
        s->fn.signal = fn;
        l->signals[signo] = s;
        if (ret)
                *ret = s;
        return 0;
}

static int quit_on_signal(struct loop_source *s, const struct signalfd_siginfo *si,
                          void *userdata) {
        (void)si;
        (void)userdata;
        loop_quit(s->loop, 0);
        return 0;
}

int loop_quit_on_signals(struct loop *l, const int *signals, int n) {
        for (int i = 0; i < n; i++) {
                int r = loop_add_signal(l, signals[i], quit_on_signal, NULL, NULL);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* --- dispatch --- */

static int arm_timer_fd(struct loop *l) {
        uint64_t want = l->n_heap ? l->heap[0]->deadline : LOOP_TIMER_OFF;
        struct itimerspec its;

        if (want == l->timer_fd_at)
                return 0;
        memset(&its, 0, sizeof(its));
        if (want != LOOP_TIMER_OFF) {
                its.it_value.tv_sec = (time_t)(want / 1000000);
                its.it_value.tv_nsec = (long)(want % 1000000) * 1000;
        }
        if (timerfd_settime(l->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
                return -errno;
        l->timer_fd_at = want;
        return 0;
}

/* Every timer due now fires once. They are taken off the heap first, so a handler that
 * re-arms its own timer (even for "now") is seen on the next turn, not in this one. */
static int run_timers(struct loop *l) {
        uint64_t now = loop_now(), expirations;
        size_t n = 0;
        int r = 0;

        if (read(l->timer_fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
                return -errno;
        l->timer_fd_at = LOOP_TIMER_OFF; /* it fired: re-armed below */
        while (l->n_heap && l->heap[0]->deadline <= now) {
                struct loop_source *s = l->heap[0];
                if (n == l->cap_due) {
                        size_t cap = l->cap_due ? 2 * l->cap_due : 16;
                        struct loop_source **d =
                                reallocarray(l->due, cap, sizeof(struct loop_source *));
                        if (!d)
                                return -ENOMEM;
                        l->due = d;
                        l->cap_due = cap;
                }
                heap_remove(l, s);
                s->deadline = LOOP_TIMER_OFF;
                l->due[n++] = s;
        }
        for (size_t i = 0; i < n && r >= 0 && !l->quit; i++) {
                struct loop_source *s = l->due[i];
                /* freed by an earlier handler, or re-armed by one: not due any more */
                if (s->dead || s->heap_index != HEAP_NONE)
                        continue;
                r = s->fn.timer(s, now, s->userdata);
        }
        return r;
}

static int run_signals(struct loop *l) {
        struct signalfd_siginfo si;
        int r = 0;

        while (r >= 0 && !l->quit && read(l->signal_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                struct loop_source *s = si.ssi_signo < _NSIG ? l->signals[si.ssi_signo] : NULL;
                if (s)
                        r = s->fn.signal(s, &si, s->userdata);
        }
        return r;
}

static int dispatch(struct loop *l, const struct epoll_event *ev) {
        struct loop_source *s = ev->data.ptr;

        if (ev->data.ptr == &l->timer_fd)
                return run_timers(l);
        if (ev->data.ptr == &l->signal_fd)
                return run_signals(l);
        if (s->dead)
                return 0;
        return s->fn.io(s, s->fd, ev->events, s->userdata);
}

int loop_run(struct loop *l) {
        int r = 0;

        l->quit = false;
        while (!l->quit && r >= 0) {
                struct epoll_event evs[LOOP_MAX_EVENTS];
                int n;

                r = arm_timer_fd(l);
                if (r < 0)
                        break;
                n = epoll_wait(l->epfd, evs, LOOP_MAX_EVENTS, -1);
                if (n < 0) {
                        r = errno == EINTR ? 0 : -errno;
                        continue;
                }
                l->dispatching = true;
                for (int i = 0; i < n && r >= 0 && !l->quit; i++)
                        r = dispatch(l, &evs[i]);
                l->dispatching = false;
                free_dead(l);
        }
        return r < 0 ? r : l->code;
}

void loop_quit(struct loop *l, int code) {
        l->quit = true;
        l->code = code;
}

/* The event loop: sources come and go by the hundred thousand without running out or
 * leaking, timers fire in deadline order, a source freed by another handler of the same
 * batch is not called, write interest can be switched, signals are delivered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loop.h"

#define CYCLES 100000

struct churn {
        struct loop *l;
        struct loop_source *driver;
        struct loop_source *io;
        int pipe[2];
        unsigned done;
};

static int churn_readable(struct loop_source *s, int fd, uint32_t revents, void *userdata) {
        struct churn *c = userdata;
        char b;

        assert_true(revents & LOOP_IN);
        assert_int_equal(read(fd, &b, 1), 1);
        /* the handler frees its own source: the loop must cope */
        loop_source_free(s);
        c->io = NULL;
        close(c->pipe[0]);
        close(c->pipe[1]);
        if (++c->done == CYCLES)
                loop_quit(c->l, 0);
        else
                assert_int_equal(loop_timer_set(c->driver, 0), 0);
        return 0;
}

static int churn_next(struct loop_source *s, uint64_t now, void *userdata) {
        struct churn *c = userdata;
        struct loop_source *t = NULL;

        (void)s;
        (void)now;
        assert_int_equal(pipe2(c->pipe, O_CLOEXEC | O_NONBLOCK), 0);
        assert_int_equal(write(c->pipe[1], "x", 1), 1);
        assert_int_equal(loop_add_io(c->l, c->pipe[0], LOOP_IN, churn_readable, c, &c->io), 0);
        /* and a timer that is created and dropped without ever firing */
        assert_int_equal(loop_add_timer(c->l, 1000000, churn_next, c, &t), 0);
        loop_source_free(t);
        return 0;
}

static void test_churn(void **state) {
        struct churn c = {0};

        (void)state;
        assert_int_equal(loop_new(&c.l), 0);
        assert_int_equal(loop_add_timer(c.l, 0, churn_next, &c, &c.driver), 0);
        assert_int_equal(loop_run(c.l), 0);
        assert_int_equal(c.done, CYCLES);
        assert_int_equal(loop_n_sources(c.l), 1); /* the driver alone */
        loop_free(c.l);
}

struct order {
        int fired[8];
        int n;
        struct loop_source *victim;
        struct loop_source *again;
        int again_left;
};

static int fire_id(struct loop_source *s, uint64_t now, void *userdata, int id) {
        struct order *o = userdata;

        (void)now;
        (void)s;
        o->fired[o->n++] = id;
        if (o->n == 8)
                return -E2BIG;
        return 0;
}

static int fire_10(struct loop_source *s, uint64_t now, void *userdata) {
        return fire_id(s, now, userdata, 10);
}

static int fire_20(struct loop_source *s, uint64_t now, void *userdata) {
        struct order *o = userdata;
        /* frees the 25 ms timer; it is due in the same expiry only if the loop was late */
        loop_source_free(o->victim);
        o->victim = NULL;
        return fire_id(s, now, userdata, 20);
}

static int fire_25(struct loop_source *s, uint64_t now, void *userdata) {
        return fire_id(s, now, userdata, 25);
}

static int fire_30(struct loop_source *s, uint64_t now, void *userdata) {
        struct order *o = userdata;
        int r = fire_id(s, now, userdata, 30);

        if (--o->again_left > 0)
                assert_int_equal(loop_timer_set(s, 1000), 0); /* re-arms itself */
        else
                loop_quit(loop_source_loop(s), 7);
        return r;
}

static void test_timers(void **state) {
        struct order o = {.again_left = 3};
        struct loop_source *a, *b, *c, *off;
        struct loop *l;

        (void)state;
        assert_int_equal(loop_new(&l), 0);
        assert_int_equal(loop_add_timer(l, 30000, fire_30, &o, &c), 0);
        assert_int_equal(loop_add_timer(l, 10000, fire_10, &o, &a), 0);
        assert_int_equal(loop_add_timer(l, 20000, fire_20, &o, &b), 0);
        assert_int_equal(loop_add_timer(l, 25000, fire_25, &o, &o.victim), 0);
        assert_int_equal(loop_add_timer(l, LOOP_TIMER_OFF, fire_10, &o, &off), 0);
        assert_int_equal(loop_run(l), 7);
        assert_int_equal(o.n, 5);
        assert_int_equal(o.fired[0], 10);
        assert_int_equal(o.fired[1], 20);
        assert_int_equal(o.fired[2], 30);
        assert_int_equal(o.fired[3], 30);
        assert_int_equal(o.fired[4], 30);
        /* a timer moved earlier fires first */
        o.n = 0;
        o.again_left = 1;
        assert_int_equal(loop_timer_set(c, 50000), 0);
        assert_int_equal(loop_timer_set(off, 5000), 0);
        assert_int_equal(loop_run(l), 7);
        assert_int_equal(o.n, 2);
        assert_int_equal(o.fired[0], 10);
        assert_int_equal(o.fired[1], 30);
        loop_free(l); /* frees a, b, c, off */
}

struct pair {
        struct loop_source *a, *b;
        int a_calls, b_calls;
};

static int pair_a(struct loop_source *s, int fd, uint32_t revents, void *userdata) {
        struct pair *p = userdata;

        (void)s, (void)fd, (void)revents;
        p->a_calls++;
        loop_source_free(p->b); /* its event may already be in this batch */
        p->b = NULL;
        loop_quit(loop_source_loop(s), 0);
        return 0;
}

static int pair_b(struct loop_source *s, int fd, uint32_t revents, void *userdata) {
        struct pair *p = userdata;

        (void)fd, (void)revents;
        p->b_calls++;
        loop_source_free(p->a);
        p->a = NULL;
        loop_quit(loop_source_loop(s), 0);
        return 0;
}

static void test_free_in_batch(void **state) {
        int x[2], y[2];
        struct pair p = {0};
        struct loop *l;

        (void)state;
        assert_int_equal(loop_new(&l), 0);
        assert_int_equal(pipe2(x, O_CLOEXEC), 0);
        assert_int_equal(pipe2(y, O_CLOEXEC), 0);
        assert_int_equal(write(x[1], "x", 1), 1);
        assert_int_equal(write(y[1], "y", 1), 1);
        assert_int_equal(loop_add_io(l, x[0], LOOP_IN, pair_a, &p, &p.a), 0);
        assert_int_equal(loop_add_io(l, y[0], LOOP_IN, pair_b, &p, &p.b), 0);
        assert_int_equal(loop_run(l), 0);
        /* both were readable in one batch; whichever ran first removed the other */
        assert_int_equal(p.a_calls + p.b_calls, 1);
        assert_int_equal(loop_n_sources(l), 1);
        loop_free(l);
        for (int i = 0; i < 2; i++)
                close(x[i]), close(y[i]);
}

struct rw {
        int writable, readable;
};

static int rw_ready(struct loop_source *s, int fd, uint32_t revents, void *userdata) {
        struct rw *w = userdata;
        char b;

        if (revents & LOOP_OUT) {
                w->writable++;
                /* written once: now only what comes back is of interest */
                assert_int_equal(write(fd, "p", 1), 1);
                assert_int_equal(loop_io_set_events(s, LOOP_IN), 0);
        }
        if (revents & LOOP_IN) {
                w->readable++;
                assert_int_equal(read(fd, &b, 1), 1);
                assert_int_equal(b, 'q');
                loop_quit(loop_source_loop(s), 0);
        }
        return 0;
}

static int peer_echo(struct loop_source *s, int fd, uint32_t revents, void *userdata) {
        char b;

        (void)s, (void)revents, (void)userdata;
        assert_int_equal(read(fd, &b, 1), 1);
        assert_int_equal(b, 'p');
        assert_int_equal(write(fd, "q", 1), 1);
        return 0;
}

static void test_write_interest(void **state) {
        struct rw w = {0};
        struct loop_source *s, *peer;
        struct loop *l;
        int sv[2];

        (void)state;
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        assert_int_equal(loop_new(&l), 0);
        assert_int_equal(loop_add_io(l, sv[0], 0, rw_ready, &w, &s), 0);
        assert_int_equal(loop_add_io(l, sv[1], LOOP_IN, peer_echo, &w, &peer), 0);
        assert_int_equal(loop_io_set_events(s, LOOP_OUT), 0);
        assert_int_equal(loop_run(l), 0);
        assert_int_equal(w.writable, 1);
        assert_int_equal(w.readable, 1);
        assert_int_equal(loop_io_set_events(s, 0x8000), -EINVAL);
        loop_free(l);
        close(sv[0]);
        close(sv[1]);
}

static int on_usr1(struct loop_source *s, const struct signalfd_siginfo *si, void *userdata) {
        int *got = userdata;

        *got = (int)si->ssi_signo;
        loop_quit(loop_source_loop(s), 0);
        return 0;
}

static int fail_now(struct loop_source *s, uint64_t now, void *userdata) {
        (void)s, (void)now, (void)userdata;
        return -EPROTO;
}

static void test_signal_and_error(void **state) {
        struct loop_source *s;
        struct loop *l;
        sigset_t blocked;
        int got = 0;

        (void)state;
        assert_int_equal(loop_new(&l), 0);
        assert_int_equal(loop_add_signal(l, SIGUSR1, on_usr1, &got, &s), 0);
        assert_int_equal(loop_add_signal(l, SIGUSR1, on_usr1, &got, NULL), -EBUSY);
        assert_int_equal(raise(SIGUSR1), 0);
        assert_int_equal(loop_run(l), 0);
        assert_int_equal(got, SIGUSR1);
        loop_source_free(s);
        assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &blocked), 0);
        assert_false(sigismember(&blocked, SIGUSR1)); /* given back */
        /* a handler's error stops the loop with that error */
        assert_int_equal(loop_add_timer(l, 0, fail_now, NULL, NULL), 0);
        assert_int_equal(loop_run(l), -EPROTO);
        loop_free(l);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_churn),
                cmocka_unit_test(test_timers),
                cmocka_unit_test(test_free_in_batch),
                cmocka_unit_test(test_write_interest),
                cmocka_unit_test(test_signal_and_error),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

/* wtmp read backwards in chunks and paired into sessions: logout by line, crash and shutdown,
 * open sessions, orphan logouts, the session and age limits, chunk boundaries, torn records,
 * reading forwards from an offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>

#include "privileged.h"
#include "sessions.h"

#define NOW 1800000000

static void put(int fd, short type, int64_t t, const char *line, const char *user) {
        struct utmpx u;

        memset(&u, 0, sizeof(u));
        u.ut_type = type;
        u.ut_tv.tv_sec = (int32_t)t;
        strncpy(u.ut_line, line, sizeof(u.ut_line));
        strncpy(u.ut_user, user, sizeof(u.ut_user));
        assert_int_equal(write(fd, &u, sizeof(u)), sizeof(u));
}

static int pair(int fd, size_t max_sessions, struct report *r, struct sessions_walk *w) {
        struct sessions_limits l = {max_sessions, (int64_t)90 * 86400, 1000000};
        struct sessions_pairer *p = NULL;
        int e;

        report_init(r);
        assert_int_equal(sessions_pairer_new(&l, NOW, r, &p), 0);
        e = sessions_walk_back(fd, l.max_records, sessions_pair_record, p, w);
        if (e == 0)
                e = sessions_pair_finish(p, w->reached_start);
        sessions_pairer_free(p);
        return e;
}

static void test_pairing(void **state) {
        int fd = privileged_memfd("wtmp");
        struct sessions_walk w;
        struct report r;

        (void)state;
        put(fd, DEAD_PROCESS, NOW - 5000, "pts/7", "early"); /* orphan: nothing before it */
        put(fd, USER_PROCESS, NOW - 4000, "tty1", "a");
        put(fd, USER_PROCESS, NOW - 3900, "pts/0", "b");
        put(fd, DEAD_PROCESS, NOW - 3800, "tty1", "");
        put(fd, BOOT_TIME, NOW - 3000, "~", "reboot"); /* b: crash */
        put(fd, USER_PROCESS, NOW - 2000, "tty1", "c");
        put(fd, RUN_LVL, NOW - 1000, "~", "shutdown"); /* c: shutdown */
        put(fd, BOOT_TIME, NOW - 900, "~", "reboot");
        put(fd, USER_PROCESS, NOW - 100, "pts/1", "d"); /* still open */
        assert_int_equal(pair(fd, 200, &r, &w), 0);
        assert_true(w.reached_start);
        assert_int_equal(r.n_sessions, 5);
        assert_string_equal(r.sessions[0].user, "early");
        assert_null(r.sessions[0].login_time);
        assert_string_equal(r.sessions[0].end, "logout");
        assert_string_equal(r.sessions[1].user, "a");
        assert_int_equal(r.sessions[1].duration_s, 200);
        assert_string_equal(r.sessions[1].end, "logout");
        assert_string_equal(r.sessions[2].user, "b");
        assert_string_equal(r.sessions[2].end, "crash");
        assert_null(r.sessions[2].logout_time);
        assert_string_equal(r.sessions[3].user, "c");
        assert_string_equal(r.sessions[3].end, "shutdown");
        assert_int_equal(r.sessions[3].duration_s, 1000);
        assert_string_equal(r.sessions[4].user, "d");
        assert_string_equal(r.sessions[4].end, "open");
        report_free(&r);
        close(fd);
}

static void test_limits_and_chunks(void **state) {
        int fd = privileged_memfd("wtmp");
        struct sessions_walk w;
        struct report r;

        (void)state;
        put(fd, USER_PROCESS, NOW - 100 * 86400, "tty1", "old"); /* past the age limit */
        put(fd, DEAD_PROCESS, NOW - 100 * 86400 + 10, "tty1", "");
        put(fd, DEAD_PROCESS, NOW - 1000, "pts/9", ""); /* its login may be older: not told */
        for (int i = 0; i < 700; i++) {                 /* across several 256-record chunks */
                put(fd, USER_PROCESS, NOW - 900 + i, "pts/0", "u");
                put(fd, DEAD_PROCESS, NOW - 900 + i, "pts/0", "");
        }
        assert_int_equal(pair(fd, 1000, &r, &w), 0);
        assert_false(w.reached_start); /* stopped at the old records */
        assert_int_equal(r.n_sessions, 700);
        for (size_t i = 0; i < r.n_sessions; i++) {
                assert_string_equal(r.sessions[i].user, "u");
                assert_int_equal(r.sessions[i].duration_s, 0);
        }
        report_free(&r);
        assert_int_equal(pair(fd, 10, &r, &w), 0); /* the 10 last ones */
        assert_int_equal(r.n_sessions, 10);
        assert_int_equal(w.records, 20);
        report_free(&r);
        /* a torn last record: skipped, said */
        assert_int_equal(write(fd, "torn", 4), 4);
        assert_int_equal(pair(fd, 1, &r, &w), 0);
        assert_int_equal(w.tail_bytes, 4);
        assert_int_equal(r.n_sessions, 1);
        report_free(&r);
        close(fd);
}

static int count(const struct utmpx *u, void *userdata) {
        (void)u;
        (*(int *)userdata)++;
        return 0;
}

static void test_forward(void **state) {
        int fd = privileged_memfd("wtmp"), n = 0;
        uint64_t off = 0;

        (void)state;
        for (int i = 0; i < 40; i++)
                put(fd, USER_PROCESS, NOW, "tty1", "x");
        assert_int_equal(write(fd, "half", 4), 4);
        assert_int_equal(sessions_read_forward(fd, &off, count, &n), 0);
        assert_int_equal(n, 40);
        assert_int_equal(off, 40 * sizeof(struct utmpx)); /* the torn one waits */
        assert_int_equal(sessions_read_forward(fd, &off, count, &n), 0);
        assert_int_equal(n, 40);
        close(fd);
}

static void test_configured_limits(void **state) {
        struct sessions_limits l;

        (void)state;
        sessions_default_limits(&l);
        assert_int_equal(l.max_sessions, SESSIONS_MAX_SESSIONS);
        assert_int_equal(l.max_age_s, (int64_t)SESSIONS_MAX_AGE_DAYS * 86400);
        sessions_set_limits(5, 0); /* 0: the default */
        sessions_default_limits(&l);
        assert_int_equal(l.max_sessions, 5);
        assert_int_equal(l.max_age_s, (int64_t)SESSIONS_MAX_AGE_DAYS * 86400);
        sessions_set_limits(0, 365);
        sessions_default_limits(&l);
        assert_int_equal(l.max_sessions, SESSIONS_MAX_SESSIONS);
        assert_int_equal(l.max_age_s, (int64_t)365 * 86400);
        sessions_set_limits(0, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pairing),
                cmocka_unit_test(test_limits_and_chunks),
                cmocka_unit_test(test_forward),
                cmocka_unit_test(test_configured_limits),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

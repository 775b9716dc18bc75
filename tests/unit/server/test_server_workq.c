/* The store queue: shedding past max_waiting, group commit (works queued together share one
 * transaction, run in key order, and a failing one loses only its own changes). On SQLite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"
#include "workq.h"

struct test_work {
        struct work w; /* first */
        const char *name;
        int ret;
        bool tx_failed, done;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static char order[64];
static bool released;

static void blocker_run(struct work *w, struct store *s) {
        (void)w;
        (void)s;
        pthread_mutex_lock(&lock);
        while (!released)
                pthread_cond_wait(&cond, &lock);
        pthread_mutex_unlock(&lock);
}

static int insert_run(struct work *w, struct store *s) {
        struct test_work *t = (struct test_work *)w;
        struct store_params p;

        strncat(order, t->name, sizeof(order) - strlen(order) - 1);
        store_params_init(&p);
        store_param_str(&p, t->name);
        assert_int_equal(store_exec(s, "INSERT INTO t (name) VALUES ($1)", &p, NULL, NULL), 1);
        return t->ret;
}

static void failed(struct work *w, int error) {
        (void)error;
        ((struct test_work *)w)->tx_failed = true;
}

static void done(struct work *w) {
        pthread_mutex_lock(&lock);
        ((struct test_work *)w)->done = true;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&lock);
}

static void wait_done(struct test_work *t) {
        pthread_mutex_lock(&lock);
        while (!t->done)
                pthread_cond_wait(&cond, &lock);
        pthread_mutex_unlock(&lock);
}

static void test_group_commit(void **state) {
        char dir[] = "/tmp/test-server-workq.XXXXXX", url[128], path[128];
        struct store_options o = {.busy_timeout_ms = 1000};
        struct test_work blocker = {.w = {.run = blocker_run, .done = done}};
        struct test_work works[4] = {
                {.name = "c", .ret = 0},
                {.name = "a", .ret = 0},
                {.name = "x", .ret = -EIO},
                {.name = "b", .ret = 0},
        };
        struct test_work extra = {.name = "z", .w = {.run_in_tx = insert_run}};
        struct workq *q = NULL;
        struct store *s = NULL;
        char *n = NULL;

        (void)state;
        assert_non_null(mkdtemp(dir));
        snprintf(url, sizeof(url), "sqlite:%s/q.db", dir);
        assert_int_equal(store_open(url, &o, &s), 0);
        assert_int_equal(s->ops->script(s, "CREATE TABLE t (name TEXT)"), 0);

        assert_int_equal(workq_new(url, &o, 1, &q), 0);
        /* the only worker is held by the blocker; the rest waits in the queue */
        assert_int_equal(workq_submit(q, &blocker.w, 10), 0);
        while (workq_waiting(q) > 0)
                usleep(1000);
        for (size_t i = 0; i < 4; i++) {
                works[i].w = (struct work){.run_in_tx = insert_run,
                                           .tx_failed = failed,
                                           .done = done,
                                           .group_key = works[i].name};
                assert_int_equal(workq_submit(q, &works[i].w, 10), 0);
        }
        assert_int_equal(workq_waiting(q), 4);
        /* shedding: no room past max_waiting */
        assert_int_equal(workq_submit(q, &extra.w, 4), -EAGAIN);
        assert_int_equal(workq_submit(q, &extra.w, 0), -EAGAIN);

        pthread_mutex_lock(&lock);
        released = true;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&lock);
        for (size_t i = 0; i < 4; i++)
                wait_done(&works[i]);
        wait_done(&blocker);

        /* one group, in key order; x's row rolled back, the others committed */
        assert_string_equal(order, "abcx");
        assert_int_equal(store_query_one(s,
                                         "SELECT group_concat(name, '') FROM "
                                         "(SELECT name FROM t ORDER BY name)",
                                         NULL, &n),
                         1);
        assert_string_equal(n, "abc");
        free(n);
        for (size_t i = 0; i < 4; i++)
                assert_false(works[i].tx_failed);

        workq_free(q);
        workq_free(NULL);
        store_close(s);
        static const char *const suffix[] = {"", "-wal", "-shm"};
        for (size_t i = 0; i < 3; i++) {
                snprintf(path, sizeof(path), "%s/q.db%s", dir, suffix[i]);
                unlink(path);
        }
        rmdir(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_group_commit),
        };
        log_setup("test_server_workq", LOG_LEVEL_ERROR);
        return cmocka_run_group_tests(tests, NULL, NULL);
}

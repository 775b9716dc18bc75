/* Privileged sources through the parent, as root: the worker (nobody) cannot open /etc/shadow
 * itself and gets it from the parent; what is not on the parent's list is refused; the
 * worker and a child of its (a collector's snapshot run aside) ask at the same time and every
 * reply reaches the process that asked; a child killed mid-request leaves the channel sound.
 * The test process forks; its child calls privsep_start("nobody") and becomes the parent, which
 * exits with the worker's status: the worker's checks are that status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "privsep.h"

#define CHECK(cond, code)                                                                          \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        fprintf(stderr, "worker: %s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                                #cond);                                                            \
                        return (code);                                                             \
                }                                                                                  \
        } while (0)

/* The first bytes of a source's fd, closed; -errno. */
static int read_source(struct privsep *p, enum privileged_source s, const char *arg, char *buf,
                       size_t size) {
        int fd = privsep_source(p, s, arg);
        ssize_t n;

        if (fd < 0)
                return fd;
        n = read(fd, buf, size - 1);
        close(fd);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        return (int)n;
}

/* n requests in a row; every one must succeed. */
static int ask_many(struct privsep *p, int n) {
        char buf[16];

        for (int i = 0; i < n; i++) {
                struct privsep_hello h;
                int e = i % 2 ? privsep_hello(p, &h)
                              : read_source(p, PRIVILEGED_FILE, "/etc/shadow", buf, sizeof(buf));

                if (e < 0 || (i % 2 == 0 && memcmp(buf, "root:", 5) != 0)) {
                        fprintf(stderr, "pid %d: request %d failed: %s\n", (int)getpid(), i,
                                strerror(e < 0 ? -e : EBADMSG));
                        return 1;
                }
        }
        return 0;
}

static int worker_checks(struct privsep *p) {
        char buf[64];
        int status;
        pid_t child;

        CHECK(open("/etc/shadow", O_RDONLY | O_CLOEXEC) < 0 && errno == EACCES, 10);
        CHECK(read_source(p, PRIVILEGED_FILE, "/etc/shadow", buf, sizeof(buf)) > 5, 11);
        CHECK(memcmp(buf, "root:", 5) == 0, 12);
        /* readable by anyone, but not on the list: the parent opens only what it lists */
        CHECK(privsep_source(p, PRIVILEGED_FILE, "/etc/passwd") == -EPERM, 13);
        CHECK(privsep_source(p, PRIVILEGED_FILE, "/etc/sudoers.d/../shadow") == -EPERM, 14);
        CHECK(privsep_source(p, PRIVILEGED_FILE, "/etc/sudoers.d/") == -EPERM, 15);
        CHECK(privsep_source(p, PRIVILEGED_DIR_LIST, "/etc") == -EPERM, 16);
        CHECK(privsep_source(p, PRIVILEGED_FILE, NULL) == -EPERM, 17);
        CHECK(privsep_source(p, PRIVILEGED_SOURCE_MAX, NULL) == -EINVAL, 18);

        /* block mode's write: only a USB device or interface as sysfs names it, only 0 or 1 */
        {
                static const char *const bad[] = {
                        "",     "../../../etc/passwd", "1-1/../../x", "1-1:1", "1-", "-1", "1--1",
                        "1-1.", "1-1:1.0:2",           "1-1 ",        "usb1"};

                for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                        CHECK(privsep_usb_authorize(p, bad[i], '0') == -EINVAL, 40);
                CHECK(privsep_usb_authorize(p, "1-1", '2') == -EINVAL, 41);
                /* a good name reaches sysfs: no such device on this machine */
                CHECK(privsep_usb_authorize(p, "99-9.9:1.0", '1') == -ENOENT, 42);
        }

        /* the worker and its child at once: each gets its own replies */
        child = fork();
        CHECK(child >= 0, 20);
        if (child == 0)
                _exit(ask_many(p, 300));
        CHECK(ask_many(p, 300) == 0, 21);
        CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status), 22);
        CHECK(WEXITSTATUS(status) == 0, 23);

        /* a child killed while it asks, perhaps holding the channel: the worker goes on */
        for (int round = 0; round < 20; round++) {
                struct timespec pause = {0, 2000000L * (round % 5)};

                child = fork();
                CHECK(child >= 0, 30);
                if (child == 0)
                        _exit(ask_many(p, 1000000));
                nanosleep(&pause, NULL);
                kill(child, SIGKILL);
                CHECK(waitpid(child, &status, 0) == child, 31);
                CHECK(ask_many(p, 4) == 0, 32);
        }
        return 0;
}

static void test_sources_through_parent(void **state) {
        int status;
        pid_t pid;

        (void)state;
        fflush(NULL);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct privsep *p = NULL;
                int e;

                log_set_level(LOG_LEVEL_ERROR); /* the refusals are warnings */
                if (privsep_start("nobody", &p) < 0)
                        _exit(100);
                e = worker_checks(p);
                privsep_free(p);
                _exit(e);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sources_through_parent),
        };

        if (geteuid() != 0) {
                /* privsep_start forks only as root; run-tests.sh runs as root (README) */
                printf("skipped: test_privsep_source needs root\n");
                return 77;
        }
        alarm(120); /* nothing here may hang the run */
        return cmocka_run_group_tests(tests, NULL, NULL);
}

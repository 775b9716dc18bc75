/* The process table: what processes_produce() writes from /proc is what processes_parse()
 * reads back, for ordinary paths, paths with blanks, newlines and backslashes, and programs
 * whose file was deleted while they ran; and the parser refuses what the producer never
 * writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "processes.h"

struct want {
        pid_t pid;
        struct process_record got;
        size_t n;
        bool ptrace;
};

static int find(const struct process_record *p, void *userdata) {
        struct want *w = userdata;

        w->n++;
        if (p->pid == w->pid)
                w->got = *p;
        return 0;
}

static void table_of(pid_t pid, struct want *w) {
        char *buf = NULL;
        size_t len = 0, line = 0;
        int fd = processes_produce();

        assert_true(fd >= 0);
        assert_int_equal(processes_read_fd(fd, &buf, &len), 0);
        close(fd);
        memset(w, 0, sizeof(*w));
        w->pid = pid;
        assert_int_equal(processes_parse(buf, len, find, w, &line, &w->ptrace), 0);
        free(buf);
}

static void test_self(void **state) {
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        struct want w;

        (void)state;
        assert_true(n > 0);
        exe[n] = '\0';
        table_of(getpid(), &w);
        assert_true(w.n > 1);
        assert_true(w.got.readable);
        assert_false(w.got.deleted);
        assert_int_equal(w.got.uid, getuid());
        assert_string_equal(w.got.exe, exe);
}

/* A copy of sleep at path, started; its pid. */
static pid_t start_copy(const char *path) {
        char cmd[600];
        pid_t pid;

        snprintf(cmd, sizeof(cmd), "cp /bin/sleep '%s'", path);
        assert_int_equal(system(cmd), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                execl(path, "sleep", "30", (char *)NULL);
                _exit(127);
        }
        usleep(100 * 1000);
        return pid;
}

static void stop(pid_t pid) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
}

static void test_odd_path_and_deleted(void **state) {
        char dir[] = "/tmp/cg-proc.XXXXXX", path[256];
        struct want w;
        pid_t pid;

        (void)state;
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/a b\nc\\d (deleted)", dir);
        pid = start_copy(path);
        table_of(pid, &w);
        assert_true(w.got.readable);
        assert_false(w.got.deleted); /* named so, and still there */
        assert_string_equal(w.got.exe, path);
        assert_int_equal(unlink(path), 0);
        table_of(pid, &w);
        assert_true(w.got.deleted);
        assert_string_equal(w.got.exe, path); /* the kernel's suffix taken off */
        stop(pid);
        rmdir(dir);
}

static void test_refused(void **state) {
        static const char *const bad[] = {
                "",
                "counterguard-processes 2 ptrace\n",
                "counterguard-processes 1\n",
                "counterguard-processes 1 maybe\n",
                "counterguard-processes 1 ptrace\n1 0 - /x", /* cut: no newline */
                "counterguard-processes 1 ptrace\n0 0 - /x\n",
                "counterguard-processes 1 ptrace\n1 0 - relative path\n",
                "counterguard-processes 1 ptrace\n1 0 - /x\\x00y\n",
                "counterguard-processes 1 ptrace\n1 0 - /x\\q\n",
                "counterguard-processes 1 ptrace\n1 0 - \n",
                "counterguard-processes 1 ptrace\n1 4294967296 - /x\n",
                "counterguard-processes 1 ptrace\n1 0 ? /x\n",
                "counterguard-processes 1 ptrace\n1 0 x /x\n",
        };
        struct want w = {0};
        size_t line;

        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                line = 0;
                assert_int_equal(processes_parse(bad[i], strlen(bad[i]), find, &w, &line, NULL),
                                 -EBADMSG);
                assert_true(line >= 1);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_self),
                cmocka_unit_test(test_odd_path_and_deleted),
                cmocka_unit_test(test_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

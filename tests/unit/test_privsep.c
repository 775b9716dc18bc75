/* Privilege separation, as root: a test process forks, the child calls privsep_start("nobody")
 * and becomes the parent; the worker checks itself and reports through a pipe and its exit
 * status (which the parent must pass on). The test reads the parent's /proc status on its own.
 * The test process is a child subreaper, so a worker orphaned by a test is reaped here, and
 * every test waits for all its processes: none is left behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "privsep.h"
#include "privsep_internal.h"

/* The capabilities the parent keeps today (docs/privsep.md): those of PRIV_SOURCE. A new
 * request row that needs one changes this line on purpose. */
#define DOCUMENTED_PARENT_CAPS ((UINT64_C(1) << CAP_NET_ADMIN) | (UINT64_C(1) << CAP_SYS_PTRACE))

static uid_t nobody_uid;
/* NOTIFY_SOCKET of the next start(), when set */
static char notify_path[108];
static gid_t nobody_gid;

/* --- what the worker checks; a failure is printed and becomes its exit code --- */

#define CHECK(cond, code)                                                                          \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        fprintf(stderr, "worker: %s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                                #cond);                                                            \
                        return (code);                                                             \
                }                                                                                  \
        } while (0)

/* The value of "Key:" in a /proc status file, whitespace squeezed to single tabs. */
static int status_field(const char *path, const char *key, char *out, size_t size) {
        char line[512];
        size_t klen = strlen(key);
        FILE *f = fopen(path, "re");
        int found = 0;

        if (!f)
                return 0;
        while (!found && fgets(line, sizeof(line), f)) {
                size_t o = 0;
                if (strncmp(line, key, klen) != 0 || line[klen] != ':')
                        continue;
                for (const char *c = line + klen + 1; *c && *c != '\n' && o + 1 < size; c++) {
                        if (*c == ' ' || *c == '\t') {
                                if (o > 0 && out[o - 1] != '\t')
                                        out[o++] = '\t';
                        } else {
                                out[o++] = *c;
                        }
                }
                if (o > 0 && out[o - 1] == '\t')
                        o--;
                out[o] = '\0';
                found = 1;
        }
        fclose(f);
        return found;
}

static int field_is(const char *path, const char *key, const char *want) {
        char v[256];

        if (!status_field(path, key, v, sizeof(v))) {
                fprintf(stderr, "%s: no %s\n", path, key);
                return 0;
        }
        if (strcmp(v, want) != 0) {
                fprintf(stderr, "%s: %s is '%s', not '%s'\n", path, key, v, want);
                return 0;
        }
        return 1;
}

static int worker_is_dropped(struct privsep *p) {
        const char *self = "/proc/self/status";
        struct privsep_hello h;
        char ids[64], gids[64], caps[32], parent_status[64], text[PRIVSEP_DESCRIBE_MAX];

        snprintf(ids, sizeof(ids), "%u\t%u\t%u\t%u", (unsigned)nobody_uid, (unsigned)nobody_uid,
                 (unsigned)nobody_uid, (unsigned)nobody_uid);
        snprintf(gids, sizeof(gids), "%u\t%u\t%u\t%u", (unsigned)nobody_gid, (unsigned)nobody_gid,
                 (unsigned)nobody_gid, (unsigned)nobody_gid);
        CHECK(field_is(self, "Uid", ids), 10);
        CHECK(field_is(self, "Gid", gids), 11);
        CHECK(field_is(self, "CapInh", "0000000000000000"), 12);
        CHECK(field_is(self, "CapPrm", "0000000000000000"), 13);
        CHECK(field_is(self, "CapEff", "0000000000000000"), 14);
        CHECK(field_is(self, "CapBnd", "0000000000000000"), 15);
        CHECK(field_is(self, "CapAmb", "0000000000000000"), 16);
        CHECK(field_is(self, "NoNewPrivs", "1"), 17);
        /* root is out of reach for good */
        CHECK(setuid(0) < 0, 18);
        CHECK(privsep_describe_self(text, sizeof(text)) == 0, 19);
        CHECK(strstr(text, "effective=none permitted=none bounding=none no_new_privs=1"), 20);

        /* the parent, as it says itself and as /proc says */
        CHECK(privsep_hello(p, &h) == 0, 21);
        CHECK(h.pid == (int32_t)getppid(), 22);
        CHECK(h.uid == 0, 23);
        CHECK(h.cap_effective == DOCUMENTED_PARENT_CAPS, 24);
        CHECK(h.cap_permitted == DOCUMENTED_PARENT_CAPS, 25);
        snprintf(text, sizeof(text), "uid=0(root) real_uid=%u gid=0 ", (unsigned)nobody_uid);
        CHECK(strstr(h.text, text), 26);
        CHECK(privsep_caps_text(DOCUMENTED_PARENT_CAPS, caps, sizeof(caps)) == 0, 27);
        snprintf(text, sizeof(text), "effective=%s permitted=%s bounding=%s no_new_privs=1", caps,
                 caps, caps);
        CHECK(strstr(h.text, text), 27);
        snprintf(parent_status, sizeof(parent_status), "/proc/%d/status", (int)getppid());
        snprintf(caps, sizeof(caps), "%016" PRIx64, DOCUMENTED_PARENT_CAPS);
        CHECK(field_is(parent_status, "CapEff", caps), 28);
        return 0;
}

static int worker_sends_garbage(struct privsep *p) {
        _Alignas(struct privsep_hello_reply) unsigned char msg[PRIVSEP_MSG_MAX + 64];
        static const struct {
                uint32_t type, id;
                int32_t error;
                uint32_t unused;
                size_t len;
                int want;
        } cases[] = {
                {PRIV_HELLO, 0, 0, 0, 3, -EBADMSG}, /* shorter than a header: id unreadable */
                {PRIV_NONE, 1, 0, 0, sizeof(struct privsep_header), -EOPNOTSUPP},
                {PRIV_REQUEST_MAX, 2, 0, 0, sizeof(struct privsep_header), -EOPNOTSUPP},
                {0xffffffffu, 3, 0, 0, sizeof(struct privsep_header), -EOPNOTSUPP},
                {PRIV_HELLO, 4, 0, 0, sizeof(struct privsep_hello_request) + 1, -EBADMSG},
                {PRIV_HELLO, 5, -1, 0, sizeof(struct privsep_hello_request), -EBADMSG},
                {PRIV_HELLO, 6, 0, 7, sizeof(struct privsep_hello_request), -EBADMSG},
                {PRIV_HELLO, 7, 0, 0, PRIVSEP_MSG_MAX + 64, -EBADMSG}, /* truncated by recv */
        };
        struct privsep_hello h;

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct privsep_header hd = {cases[i].type, cases[i].id, cases[i].error,
                                            cases[i].unused},
                                      reply;
                size_t len = 0;

                memset(msg, 0xa5, sizeof(msg));
                memcpy(msg, &hd, sizeof(hd));
                CHECK(privsep_transact_raw(p, cases[i].id, msg, cases[i].len, &reply, sizeof(reply),
                                           &len, NULL) == 0,
                      30);
                CHECK(len == sizeof(reply), 31);
                if (reply.error != cases[i].want) {
                        fprintf(stderr, "worker: case %zu: error %d, not %d\n", i, reply.error,
                                cases[i].want);
                        return 32;
                }
        }
        /* and the parent lives on, answering */
        CHECK(privsep_hello(p, &h) == 0, 33);
        CHECK(h.pid == (int32_t)getppid(), 34);
        return 0;
}

static int worker_notifies(struct privsep *p) {
        static const char *const refused[] = {
                "MAINPID=1",             /* systemd's main process is not the worker's to name */
                "READY=1\nFDSTORE=1",    /* one bad line spoils the message */
                "STATUS=a\x01b",         /* control characters */
                "READY=2",               /* only the exact states */
                "READY=1\n\nSTOPPING=1", /* an empty line */
                "",                      /* nothing */
        };

        CHECK(privsep_notify(p, "READY=1\nSTATUS=collecting") == 0, 50);
        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
                if (privsep_notify(p, refused[i]) != -EINVAL) {
                        fprintf(stderr, "worker: notify '%s' was not refused\n", refused[i]);
                        return 51;
                }
        CHECK(privsep_notify(p, "WATCHDOG=1") == 0, 52);
        /* systemd named the parent in WATCHDOG_PID: the worker, which pings, sees itself */
        {
                char pid[32];
                snprintf(pid, sizeof(pid), "%d", (int)getpid());
                CHECK(getenv("WATCHDOG_PID") && strcmp(getenv("WATCHDOG_PID"), pid) == 0, 53);
        }
        return 0;
}

/* --- the test's side --- */

enum after_ready {
        EXIT_ON_GO,    /* the worker exits with the code the test writes */
        WAIT_SIGNALS,  /* the worker waits for SIGHUP then SIGTERM, and exits 40 */
        WAIT_SIGTERM,  /* the worker waits for SIGTERM, reports 't' on the pipe, exits */
        SLEEP_FOREVER, /* the worker waits to be killed */
};

struct run {
        pid_t parent;
        pid_t worker;
        int from_worker; /* the worker's check result and pid, then 't' */
        int to_worker;   /* the exit code */
};

/* The processes of the test running: its teardown kills what a failed assertion left. */
static struct run cur = {0, 0, -1, -1};

static int read_timeout(int fd, void *buf, size_t len, int ms) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};

        if (poll(&pfd, 1, ms) != 1)
                return -ETIMEDOUT;
        return read(fd, buf, len) == (ssize_t)len ? 0 : -EIO;
}

static _Noreturn void worker_main(struct privsep *p, int (*check)(struct privsep *),
                                  enum after_ready after, int out, int in) {
        struct {
                int result;
                pid_t pid;
        } ready = {0, getpid()};
        const struct timespec timeout = {20, 0};
        sigset_t wait;
        unsigned char code = 99;
        int sig;

        sigemptyset(&wait);
        sigaddset(&wait, SIGHUP);
        sigaddset(&wait, SIGTERM);
        (void)sigprocmask(SIG_BLOCK, &wait, NULL);
        ready.result = check ? check(p) : 0;
        if (write(out, &ready, sizeof(ready)) != (ssize_t)sizeof(ready))
                exit(98);
        switch (after) {
        case EXIT_ON_GO:
                if (read(in, &code, 1) != 1)
                        code = 97;
                break;
        case WAIT_SIGNALS:
                code = sigtimedwait(&wait, NULL, &timeout) == SIGHUP &&
                                       sigtimedwait(&wait, NULL, &timeout) == SIGTERM
                               ? 40
                               : 96;
                break;
        case WAIT_SIGTERM:
                sig = sigtimedwait(&wait, NULL, &timeout);
                code = sig == SIGTERM ? 0 : 95;
                if (write(out, "t", 1) != 1)
                        code = 94;
                break;
        case SLEEP_FOREVER:
                pause();
                break;
        }
        privsep_free(p);
        exit(code);
}

/* Fork a process that starts privilege separation; the worker runs check() and reports. */
static void start(int (*check)(struct privsep *), enum after_ready after) {
        struct run *r = &cur;
        struct {
                int result;
                pid_t pid;
        } ready = {-1, 0};
        int up[2], down[2];

        assert_int_equal(pipe2(up, O_CLOEXEC), 0);
        assert_int_equal(pipe2(down, O_CLOEXEC), 0);
        fflush(NULL);
        r->parent = fork();
        assert_true(r->parent >= 0);
        if (r->parent == 0) {
                struct privsep *p = NULL;
                close(up[0]);
                close(down[1]);
                if (notify_path[0]) {
                        char pid[32];
                        snprintf(pid, sizeof(pid), "%d", (int)getpid());
                        if (setenv("NOTIFY_SOCKET", notify_path, 1) < 0 ||
                            setenv("WATCHDOG_PID", pid, 1) < 0 ||
                            setenv("WATCHDOG_USEC", "60000000", 1) < 0)
                                _exit(91);
                }
                if (privsep_start("nobody", &p) < 0)
                        _exit(90);
                /* only the worker returns */
                worker_main(p, check, after, up[1], down[0]);
        }
        close(up[1]);
        close(down[0]);
        r->from_worker = up[0];
        r->to_worker = down[1];
        assert_int_equal(read_timeout(r->from_worker, &ready, sizeof(ready), 20000), 0);
        r->worker = ready.pid;
        assert_int_equal(ready.result, 0);
        assert_true(r->worker != r->parent);
}

/* Wait for the parent and then for every process left (a worker orphaned to us). */
static int finish(void) {
        int status = -1;

        assert_int_equal(waitpid(cur.parent, &status, 0), cur.parent);
        cur.parent = 0;
        while (waitpid(-1, NULL, 0) > 0)
                ;
        assert_int_equal(errno, ECHILD);
        cur.worker = 0;
        return status;
}

/* After each test, passed or not: no process and no fd of it left. */
static int teardown(void **state) {
        (void)state;
        if (cur.parent > 0)
                (void)kill(cur.parent, SIGKILL);
        if (cur.worker > 0)
                (void)kill(cur.worker, SIGKILL);
        /* a worker whose pid never came still ends: its pipe closes */
        if (cur.from_worker >= 0)
                close(cur.from_worker);
        if (cur.to_worker >= 0)
                close(cur.to_worker);
        while (waitpid(-1, NULL, 0) > 0)
                ;
        cur = (struct run){0, 0, -1, -1};
        return 0;
}

static void expect_status(const char *path, const char *key, const char *want) {
        assert_true(field_is(path, key, want));
}

static void test_worker_and_parent_dropped(void **state) {
        char path[64], caps[32], uids[64];
        unsigned char code = 7;
        int status;

        (void)state;
        start(worker_is_dropped, EXIT_ON_GO);
        /* the parent, from outside: root, exactly the documented capabilities */
        snprintf(path, sizeof(path), "/proc/%d/status", (int)cur.parent);
        snprintf(caps, sizeof(caps), "%016" PRIx64, DOCUMENTED_PARENT_CAPS);
        /* root, but for its real uid, the worker's: it may signal the worker without CAP_KILL */
        snprintf(uids, sizeof(uids), "%u\t0\t0\t0", (unsigned)nobody_uid);
        expect_status(path, "Uid", uids);
        expect_status(path, "CapEff", caps);
        expect_status(path, "CapPrm", caps);
        expect_status(path, "CapBnd", caps);
        expect_status(path, "CapInh", "0000000000000000");
        expect_status(path, "CapAmb", "0000000000000000");
        expect_status(path, "NoNewPrivs", "1");
        assert_int_equal(privsep_parent_caps(), DOCUMENTED_PARENT_CAPS);
        /* the worker's exit code is the parent's */
        assert_int_equal(write(cur.to_worker, &code, 1), 1);
        status = finish();
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 7);
}

static void test_malformed_requests(void **state) {
        unsigned char code = 0;
        int status;

        (void)state;
        start(worker_sends_garbage, EXIT_ON_GO);
        assert_int_equal(kill(cur.parent, 0), 0);
        assert_int_equal(write(cur.to_worker, &code, 1), 1);
        status = finish();
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_killed_worker_ends_parent(void **state) {
        int status;

        (void)state;
        start(NULL, SLEEP_FOREVER);
        assert_int_equal(kill(cur.worker, SIGKILL), 0);
        status = finish();
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), SIGKILL);
}

static void test_signals_reach_worker(void **state) {
        int status;

        (void)state;
        start(NULL, WAIT_SIGNALS);
        /* systemctl reload, then stop: both sent to the main pid, the parent */
        assert_int_equal(kill(cur.parent, SIGHUP), 0);
        assert_int_equal(kill(cur.parent, SIGTERM), 0);
        status = finish();
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 40);
}

static void test_parent_death_stops_worker(void **state) {
        char t = 0;
        int status;

        (void)state;
        start(NULL, WAIT_SIGTERM);
        assert_int_equal(kill(cur.parent, SIGKILL), 0);
        assert_int_equal(waitpid(cur.parent, &status, 0), cur.parent);
        cur.parent = 0;
        assert_int_equal(read_timeout(cur.from_worker, &t, 1, 20000), 0);
        assert_int_equal(t, 't');
        /* the orphaned worker came to us, the subreaper, and exits 0 (it got SIGTERM) */
        assert_int_equal(waitpid(cur.worker, &status, 0), cur.worker);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        cur.worker = 0;
}

/* systemd listens to the main process only (NotifyAccess=main): the worker's notifications
 * arrive from the parent's pid, and only the states the table allows. */
static void test_notify_through_parent(void **state) {
        char dir[] = "/tmp/test_privsep.XXXXXX", buf[512], cbuf[CMSG_SPACE(sizeof(struct ucred))];
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        const char *want[] = {"READY=1\nSTATUS=collecting", "WATCHDOG=1"};
        unsigned char code = 0;
        int fd, one = 1, status;

        (void)state;
        assert_non_null(mkdtemp(dir));
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/notify", dir);
        snprintf(notify_path, sizeof(notify_path), "%s", sa.sun_path);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                fail();
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
        start(worker_notifies, EXIT_ON_GO);
        notify_path[0] = '\0';
        for (size_t i = 0; i < 2; i++) {
                struct iovec iov = {buf, sizeof(buf) - 1};
                struct msghdr mh = {.msg_iov = &iov,
                                    .msg_iovlen = 1,
                                    .msg_control = cbuf,
                                    .msg_controllen = sizeof(cbuf)};
                struct cmsghdr *c;
                ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
                struct ucred cred = {0};

                assert_true(n > 0);
                buf[n] = '\0';
                assert_string_equal(buf, want[i]);
                for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
                                memcpy(&cred, CMSG_DATA(c), sizeof(cred));
                assert_int_equal(cred.pid, cur.parent);
        }
        /* and nothing of what was refused */
        assert_int_equal(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), -1);
        assert_int_equal(write(cur.to_worker, &code, 1), 1);
        status = finish();
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        close(fd);
        unlink(sa.sun_path);
        rmdir(dir);
}

/* Not root: no fork, the same requests answered in-process. */
static void test_not_root_in_process(void **state) {
        pid_t pid;
        int status;

        (void)state;
        fflush(NULL);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct privsep *p = NULL;
                struct privsep_hello h;
                pid_t self = getpid();
                int ok;

                if (setgroups(0, NULL) < 0 || setresgid(nobody_gid, nobody_gid, nobody_gid) < 0 ||
                    setresuid(nobody_uid, nobody_uid, nobody_uid) < 0)
                        _exit(80);
                if (privsep_start("nobody", &p) < 0 || getpid() != self)
                        _exit(81);
                ok = privsep_hello(p, &h) == 0 && h.pid == (int32_t)self &&
                     h.uid == (uint32_t)nobody_uid && h.cap_effective == 0 &&
                     strstr(h.text, "uid=65534(nobody)") != NULL;
                privsep_free(p);
                exit(ok ? 0 : 82);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_bad_users(void **state) {
        struct privsep *p = NULL;

        (void)state;
        /* refused before any fork */
        assert_int_equal(privsep_start("no-such-user-counterguard", &p), -ESRCH);
        assert_int_equal(privsep_start("root", &p), -EPERM);
        assert_int_equal(privsep_start("", &p), -EINVAL);
        assert_null(p);
        assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

/* The decoder, an fd it answers with closed. */
static size_t handle(const void *msg, size_t len, void *reply) {
        int fd;
        size_t n = privsep_handle_request(msg, len, reply, &fd);

        if (fd >= 0)
                close(fd);
        return n;
}

/* The decoder alone, in this process: every malformed shape gets its error, and a good
 * request its full reply. (The fuzz target covers the rest.) */
static void test_decoder(void **state) {
        _Alignas(struct privsep_hello_reply) unsigned char reply[PRIVSEP_MSG_MAX];
        struct privsep_hello_request req = {{PRIV_HELLO, 42, 0, 0}};
        const struct privsep_header *h = (const void *)reply;
        const struct privsep_hello_reply *hr = (const void *)reply;

        (void)state;
        assert_int_equal(handle(&req, sizeof(req), reply), sizeof(struct privsep_hello_reply));
        assert_int_equal(h->error, 0);
        assert_int_equal(h->id, 42);
        assert_int_equal(hr->hello.pid, getpid());
        assert_non_null(memchr(hr->hello.text, '\0', sizeof(hr->hello.text)));
        assert_int_equal(handle(&req, 0, reply), sizeof(*h));
        assert_int_equal(h->error, -EBADMSG);
        assert_int_equal(handle(&req, PRIVSEP_MSG_MAX + 1, reply), sizeof(*h));
        assert_int_equal(h->error, -EBADMSG);
        req.h.type = 1000;
        assert_int_equal(handle(&req, sizeof(req), reply), sizeof(*h));
        assert_int_equal(h->error, -EOPNOTSUPP);
        assert_int_equal(h->id, 42);
        /* notify: a state not NUL-terminated, or with bytes hidden after its NUL */
        {
                struct privsep_notify_request n = {{PRIV_NOTIFY, 43, 0, 0}, {0}};
                memcpy(n.state, "READY=1", 7);
                assert_int_equal(handle(&n, sizeof(n), reply), sizeof(*h));
                assert_int_equal(h->error, 0); /* not run by systemd: nothing to tell */
                n.state[100] = 'x';
                handle(&n, sizeof(n), reply);
                assert_int_equal(h->error, -EINVAL);
                memset(n.state, 'A', sizeof(n.state));
                handle(&n, sizeof(n), reply);
                assert_int_equal(h->error, -EINVAL);
        }
        /* source: the list decides; a field with hidden bytes or an unknown source is refused */
        {
                struct privsep_source_request q = {
                        {PRIV_SOURCE, 44, 0, 0}, PRIVILEGED_FILE, 0, {0}};
                memcpy(q.arg, "/etc/passwd", 11);
                handle(&q, sizeof(q), reply);
                assert_int_equal(h->error, -EPERM);
                memcpy(q.arg, "/etc/shadow", 11);
                assert_int_equal(handle(&q, sizeof(q), reply), sizeof(struct privsep_source_reply));
                assert_int_equal(h->error, 0);
                q.arg[200] = 'x';
                handle(&q, sizeof(q), reply);
                assert_int_equal(h->error, -EINVAL);
                q.arg[200] = 0;
                q.source = PRIVILEGED_SOURCE_MAX;
                handle(&q, sizeof(q), reply);
                assert_int_equal(h->error, -EINVAL);
        }
        /* every row of the table is complete */
        for (size_t i = 1; i < PRIV_REQUEST_MAX; i++) {
                assert_non_null(privsep_requests[i].name);
                assert_non_null(privsep_requests[i].handle);
                assert_non_null(privsep_requests[i].why);
                assert_true(privsep_requests[i].request_size >= sizeof(struct privsep_header));
                assert_true(privsep_requests[i].reply_size <= PRIVSEP_MSG_MAX);
        }
}

static int setup(void **state) {
        struct passwd *pw = getpwnam("nobody");

        (void)state;
        unsetenv("NOTIFY_SOCKET"); /* this test's systemd, if any, is not told anything */
        if (!pw)
                return -1;
        nobody_uid = pw->pw_uid;
        nobody_gid = pw->pw_gid;
        /* a worker orphaned by a test comes here to be reaped, not to init */
        return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_teardown(test_decoder, teardown),
                cmocka_unit_test_teardown(test_bad_users, teardown),
                cmocka_unit_test_teardown(test_not_root_in_process, teardown),
                cmocka_unit_test_teardown(test_worker_and_parent_dropped, teardown),
                cmocka_unit_test_teardown(test_malformed_requests, teardown),
                cmocka_unit_test_teardown(test_killed_worker_ends_parent, teardown),
                cmocka_unit_test_teardown(test_signals_reach_worker, teardown),
                cmocka_unit_test_teardown(test_parent_death_stops_worker, teardown),
                cmocka_unit_test_teardown(test_notify_through_parent, teardown),
        };

        if (geteuid() != 0) {
                /* the separation itself needs root; run-tests.sh runs as root (README) */
                printf("skipped: test_privsep needs root\n");
                return 77;
        }
        alarm(120); /* nothing here may hang the run */
        return cmocka_run_group_tests(tests, setup, NULL);
}

/* Privilege separation: the fork, what each side drops, and the worker's side of the channel.
 * See privsep.h and docs/privsep.md; the parent's table and loop are in privsep_parent.c, the
 * reading of /proc/PID/status in privsep_status.c. */
#include "privsep.h"

#include <cap-ng.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "privsep_internal.h"

/* A parent that does not answer within this costs the worker one request, never its loop. */
#define PRIVSEP_TIMEOUT_SEC 5

struct privsep {
        int fd;           /* -1: requests are answered in-process */
        uint32_t last_id; /* of the last request sent */
};

/* systemd names the main process, the parent, in WATCHDOG_PID; the worker is the one that
 * pings (through PRIV_NOTIFY), so sd_watchdog_enabled() must say yes in the worker. */
static void worker_watchdog(pid_t parent) {
        const char *v = getenv("WATCHDOG_PID");
        char pid[32];
        char *end;
        long n;

        if (!v)
                return;
        errno = 0;
        n = strtol(v, &end, 10);
        if (errno || *end || n != (long)parent)
                return;
        snprintf(pid, sizeof(pid), "%d", (int)getpid());
        (void)setenv("WATCHDOG_PID", pid, 1);
}

/* --- dropping privileges --- */

/* The worker: the agent's user and its groups, no capability in any set (bounding and ambient
 * included, so nothing it executes gains one), no_new_privs. Checked afterwards from
 * /proc/self/status: a drop that did not happen stops the worker. */
static int worker_drop(const struct passwd *pw, pid_t parent) {
        struct privsep_status st = {{0}, {0}, 0, 0, 0, 0, 0, 0};
        int r;

        capng_clear(CAPNG_SELECT_ALL);
        /* setresgid, initgroups (the user's own supplementary groups), setresuid, with the
         * bounding and ambient sets cleared while CAP_SETPCAP is still there */
        r = capng_change_id((int)pw->pw_uid, (int)pw->pw_gid,
                            CAPNG_INIT_SUPP_GRP | CAPNG_CLEAR_BOUNDING | CAPNG_CLEAR_AMBIENT);
        if (r != 0)
                return log_error_errno(-EPERM, "privsep: could not become '%s' (capng %d)",
                                       pw->pw_name, r);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return log_error_errno(-errno, "privsep: could not set no_new_privs");
        /* Changing uid made the worker non-dumpable. Dumpable, as any User= service is: the
         * agent's user may debug its own worker, systemd-coredump keeps a crash, and the
         * sanitizers' leak check (which ptraces its own process) works. It holds nothing that
         * user cannot read anyway. */
        if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
                return log_error_errno(-errno, "privsep: could not set dumpable");
        /* The parent gone, the worker stops as on systemd's stop. Set after the uid change,
         * which resets it. */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0)
                return log_error_errno(-errno, "privsep: could not set the parent-death signal");
        if (getppid() != parent)
                return log_error_errno(-ESRCH, "privsep: the parent is gone");
        r = privsep_read_status("/proc/self/status", &st);
        if (r < 0)
                return log_error_errno(r, "privsep: could not read /proc/self/status");
        for (int i = 0; i < 4; i++)
                if (st.uid[i] != pw->pw_uid || st.gid[i] != pw->pw_gid)
                        return log_error_errno(-EPERM,
                                               "privsep: the worker is not '%s' (uid "
                                               "%u, gid %u)",
                                               pw->pw_name, (unsigned)st.uid[i],
                                               (unsigned)st.gid[i]);
        if (st.cap_inheritable | st.cap_permitted | st.cap_effective | st.cap_bounding |
                    st.cap_ambient ||
            st.no_new_privs != 1)
                return log_error_errno(-EPERM, "privsep: the worker kept a capability");
        return 0;
}

/* The parent: effective uid 0, only the capabilities of privsep_parent_caps() in its
 * effective, permitted and bounding sets (nothing it could execute gains more),
 * no_new_privs. Its real uid becomes the worker's: kill(2) lets a process signal another whose
 * real uid is its own, so forwarding signals and the worker's parent-death signal need no
 * CAP_KILL (which would let it signal every process on the PC). The price: the worker may
 * signal the parent, which only ends or stalls the worker's own service. Files are still
 * opened as root (effective and filesystem uid 0). */
static int parent_drop(uid_t worker_uid) {
        uint64_t keep = privsep_parent_caps();
        struct privsep_status st = {{0}, {0}, 0, 0, 0, 0, 0, 0};
        int r;

        if (setresuid(worker_uid, 0, 0) < 0)
                return log_error_errno(-errno, "privsep: could not set the parent's real uid");
        capng_clear(CAPNG_SELECT_ALL);
        for (unsigned c = 0; c < 64; c++)
                if ((keep & ((uint64_t)1 << c)) &&
                    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
                                 c) != 0)
                        return log_error_errno(-EINVAL, "privsep: unknown capability %u", c);
        r = capng_apply(CAPNG_SELECT_ALL);
        if (r != 0)
                return log_error_errno(-EPERM,
                                       "privsep: could not drop the parent's "
                                       "capabilities (capng %d)",
                                       r);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return log_error_errno(-errno, "privsep: could not set no_new_privs");
        /* dumpable again after the uid change, as the worker (worker_drop says why); only root
         * may trace it still, its effective uid being 0 */
        if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
                return log_error_errno(-errno, "privsep: could not set dumpable");
        r = privsep_read_status("/proc/self/status", &st);
        if (r < 0)
                return log_error_errno(r, "privsep: could not read /proc/self/status");
        if (st.uid[0] != worker_uid || st.uid[1] != 0 || st.uid[2] != 0 || st.uid[3] != 0)
                return log_error_errno(-EPERM, "privsep: the parent's uids are not as planned");
        if (st.cap_effective != keep || st.cap_permitted != keep || st.cap_bounding != keep ||
            st.cap_inheritable | st.cap_ambient)
                return log_error_errno(-EPERM, "privsep: the parent kept more capabilities "
                                               "than its requests need");
        return 0;
}

/* Exit as the worker did: its exit code, or killed by its signal (without a core: the
 * crash was the worker's, and it has its own). _exit: nothing of the parent's is buffered, and
 * a leak checker's exit handler cannot trace a process whose real and effective uids differ
 * (LeakSanitizer would turn every status into 1); the parent frees what it allocated anyway,
 * and its code runs under the leak checker in-process (test_privsep). */
static _Noreturn void exit_like(int status) {
        if (WIFSIGNALED(status)) {
                int sig = WTERMSIG(status);
                sigset_t one;

                /* not dumpable: no core (prctl, not setrlimit: the unit filters @resources) */
                (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
                (void)signal(sig, SIG_DFL);
                sigemptyset(&one);
                sigaddset(&one, sig);
                (void)sigprocmask(SIG_UNBLOCK, &one, NULL);
                (void)raise(sig);
                _exit(128 + sig);
        }
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_FAILURE);
}

static _Noreturn void parent_main(int fd, pid_t worker, uid_t worker_uid) {
        int status = 0, e;

        e = parent_drop(worker_uid);
        if (e == 0) {
                log_info("privsep: worker %d runs unprivileged; the parent keeps only what its "
                         "requests need",
                         (int)worker);
                e = privsep_parent_run(fd, worker, &status);
                if (e < 0)
                        log_error_errno(e, "privsep: the parent's loop failed");
        }
        close(fd);
        if (e < 0) {
                /* a worker without its parent is not left behind */
                (void)kill(worker, SIGKILL);
                while (waitpid(worker, &status, 0) < 0 && errno == EINTR)
                        ;
                _exit(EXIT_FAILURE);
        }
        exit_like(status);
}

int privsep_start(const char *user, struct privsep **ret) {
        struct passwd pw, *found = NULL;
        struct timeval timeout = {PRIVSEP_TIMEOUT_SEC, 0};
        sigset_t block, old;
        struct privsep *p;
        char pwbuf[4096];
        pid_t parent, pid;
        int sv[2], e;

        if (!user || !*user)
                return -EINVAL;
        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->fd = -1;
        if (geteuid() != 0) {
                log_info("privileges are not separated: not started as root (uid %u); the "
                         "privileged requests are answered in-process",
                         (unsigned)geteuid());
                *ret = p;
                return 0;
        }
        e = getpwnam_r(user, &pw, pwbuf, sizeof(pwbuf), &found);
        if (e != 0 || !found) {
                free(p);
                if (e != 0)
                        return log_error_errno(-e, "privsep: could not look up user '%s'", user);
                log_error("privsep: no user '%s' to run the worker as", user);
                return -ESRCH;
        }
        if (pw.pw_uid == 0 || pw.pw_gid == 0) {
                free(p);
                return log_error_errno(-EPERM, "privsep: the worker's user '%s' is root", user);
        }
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
                e = -errno;
                free(p);
                return log_error_errno(e, "privsep: socketpair");
        }
        /* Blocked before fork, read from a signalfd by the parent's loop: a SIGCHLD or SIGTERM
         * that comes before the loop exists is not lost. */
        sigemptyset(&block);
        sigaddset(&block, SIGCHLD);
        sigaddset(&block, SIGTERM);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGHUP);
        (void)sigprocmask(SIG_BLOCK, &block, &old);
        parent = getpid();
        fflush(NULL); /* nothing buffered is written twice */
        pid = fork();
        if (pid < 0) {
                e = -errno;
                (void)sigprocmask(SIG_SETMASK, &old, NULL);
                close(sv[0]);
                close(sv[1]);
                free(p);
                return log_error_errno(e, "privsep: fork");
        }
        if (pid > 0) {
                close(sv[1]);
                free(p);
                parent_main(sv[0], pid, pw.pw_uid);
        }
        close(sv[0]);
        (void)sigprocmask(SIG_SETMASK, &old, NULL);
        worker_watchdog(parent);
        if (worker_drop(&pw, parent) < 0)
                _exit(EXIT_FAILURE); /* the parent exits with it */
        p->fd = sv[1];
        if (setsockopt(p->fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0)
                log_warn("privsep: no timeout on the parent's replies: %s", strerror(errno));
        *ret = p;
        return 0;
}

/* --- the worker's requests --- */

int privsep_transact_raw(struct privsep *p, uint32_t id, const void *req, size_t len, void *reply,
                         size_t size, size_t *ret_len) {
        _Alignas(struct privsep_hello_reply) unsigned char buf[PRIVSEP_MSG_MAX];
        ssize_t n;

        if (p->fd < 0) {
                /* not separated: the same decoder and handlers, in this process */
                size_t r = privsep_handle_request(req, len, buf);
                if (r > size)
                        return -EMSGSIZE;
                memcpy(reply, buf, r);
                *ret_len = r;
                return 0;
        }
        if (send(p->fd, req, len, MSG_NOSIGNAL) < 0)
                return errno == EPIPE ? -ECONNRESET : -errno;
        for (;;) {
                struct privsep_header h;

                n = recv(p->fd, buf, sizeof(buf), MSG_TRUNC);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
                if (n == 0)
                        return -ECONNRESET;
                if ((size_t)n > sizeof(buf) || (size_t)n > size || (size_t)n < sizeof(h))
                        return -EBADMSG;
                memcpy(&h, buf, sizeof(h));
                if (h.id != id)
                        continue; /* the late reply of a request that timed out */
                memcpy(reply, buf, (size_t)n);
                *ret_len = (size_t)n;
                return 0;
        }
}

/* One request of the table: its header filled, the reply checked against the table. */
static int transact(struct privsep *p, enum privsep_request_type type, void *req, void *reply) {
        const struct privsep_request_desc *d = &privsep_requests[type];
        struct privsep_header h = {.type = type, .id = ++p->last_id}, rh;
        size_t len = 0;
        int e;

        memcpy(req, &h, sizeof(h));
        e = privsep_transact_raw(p, h.id, req, d->request_size, reply, d->reply_size, &len);
        if (e < 0)
                return e;
        memcpy(&rh, reply, sizeof(rh));
        if (rh.type != type)
                return -EBADMSG;
        if (len == sizeof(rh) && rh.error < 0)
                return rh.error;
        return len == d->reply_size && rh.error == 0 ? 0 : -EBADMSG;
}

int privsep_hello(struct privsep *p, struct privsep_hello *ret) {
        struct privsep_hello_request req = {{0}};
        struct privsep_hello_reply reply;
        int e;

        if (!p)
                return -EINVAL;
        e = transact(p, PRIV_HELLO, &req, &reply);
        if (e < 0)
                return e;
        if (!memchr(reply.hello.text, '\0', sizeof(reply.hello.text)))
                return -EBADMSG;
        *ret = reply.hello;
        return 0;
}

int privsep_notify(struct privsep *p, const char *state) {
        struct privsep_notify_request req = {{0}, {0}};
        struct privsep_notify_reply reply;
        size_t len;

        if (!p || !state)
                return -EINVAL;
        len = strlen(state);
        if (len == 0 || len >= sizeof(req.state))
                return -EINVAL;
        memcpy(req.state, state, len);
        return transact(p, PRIV_NOTIFY, &req, &reply);
}

void privsep_free(struct privsep *p) {
        if (!p)
                return;
        if (p->fd >= 0)
                close(p->fd);
        free(p);
}

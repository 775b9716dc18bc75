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
        char pwbuf[4096];
        pid_t parent, pid;
        int sv[2], e;

        if (!user || !*user)
                return -EINVAL;
        if (geteuid() != 0) {
                log_info("privileges are not separated: not started as root (uid %u); the "
                         "privileged requests are answered in-process",
                         (unsigned)geteuid());
                return privsep_channel_new(-1, ret);
        }
        e = getpwnam_r(user, &pw, pwbuf, sizeof(pwbuf), &found);
        if (e != 0 || !found) {
                if (e != 0)
                        return log_error_errno(-e, "privsep: could not look up user '%s'", user);
                log_error("privsep: no user '%s' to run the worker as", user);
                return -ESRCH;
        }
        if (pw.pw_uid == 0 || pw.pw_gid == 0) {
                return log_error_errno(-EPERM, "privsep: the worker's user '%s' is root", user);
        }
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
                e = -errno;
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
                return log_error_errno(e, "privsep: fork");
        }
        if (pid > 0) {
                close(sv[1]);
                parent_main(sv[0], pid, pw.pw_uid);
        }
        close(sv[0]);
        (void)sigprocmask(SIG_SETMASK, &old, NULL);
        worker_watchdog(parent);
        if (worker_drop(&pw, parent) < 0)
                _exit(EXIT_FAILURE); /* the parent exits with it */
        if (setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0)
                log_warn("privsep: no timeout on the parent's replies: %s", strerror(errno));
        e = privsep_channel_new(sv[1], ret);
        if (e < 0)
                _exit(EXIT_FAILURE); /* out of memory at start: the parent exits with it */
        return 0;
}

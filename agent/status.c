/* `counterguard-agent status`: what an IT officer asks of a counter PC's agent. Is it
 * enrolled, is it running, when did it last reach the server, how much waits in the
 * outbox, and as whom do its processes run. Read from the enrollment file, the daemon's
 * state file and /proc; the outbox itself is not opened. */
#include "status.h"

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credential.h"
#include "daemon_state.h"
#include "fileio.h"

/* "uid 999 (counterguard), capabilities: none" for a live process, from /proc. */
static void describe(pid_t pid, char *buf, size_t size) {
        char path[64], *text = NULL, *uid_line, *cap_line;
        unsigned long long caps = 0;
        size_t len;
        unsigned uid = 0;
        struct passwd *pw;

        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        if (fileio_read_capped(path, 65536, &text, &len) < 0) {
                snprintf(buf, size, "not running");
                return;
        }
        uid_line = strstr(text, "\nUid:");
        cap_line = strstr(text, "\nCapEff:");
        if (uid_line)
                (void)sscanf(uid_line, "\nUid: %*u %u", &uid); /* the effective uid */
        if (cap_line)
                (void)sscanf(cap_line, "\nCapEff: %llx", &caps);
        pw = getpwuid(uid);
        if (caps)
                snprintf(buf, size, "uid %u (%s), effective capabilities %016llx", uid,
                         pw ? pw->pw_name : "?", caps);
        else
                snprintf(buf, size, "uid %u (%s), no capabilities", uid, pw ? pw->pw_name : "?");
        free(text);
}

static bool alive(pid_t pid) {
        return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

int status_run(const struct agent_config *config) {
        struct credential cred = {0};
        struct daemon_state st = {0};
        char path[4096], who[160];
        bool enrolled, running = false;
        int r;

        enrolled = credential_load(config->credential, &cred) == 0;
        if (enrolled)
                printf("Enrolled:   agent %s with %s\n", cred.agent_id, cred.server);
        else
                printf("Enrolled:   no (%s)\n", config->credential);
        credential_free(&cred);

        r = daemon_state_path(config->outbox_path, path, sizeof(path));
        if (r == 0)
                r = daemon_state_read(path, &st);
        if (r < 0) {
                printf("Daemon:     has not run (%s)\n", r == -ENOENT ? "no state file"
                                                                      : "state "
                                                                        "file "
                                                                        "unreadable");
                return enrolled ? 1 : 2;
        }
        running = alive(st.pid);
        printf("Daemon:     %s, started %s\n", running ? "running" : "not running", st.started);
        printf("Server:     %s\n", st.server);
        printf("Reached:    %s\n", st.last_ok[0] ? st.last_ok : "never");
        if (st.revoked)
                printf("Revoked:    yes: the server revoked this agent; enroll it again\n");
        if (st.last_error[0])
                printf("Last error: %s\n", st.last_error);
        printf("Outbox:     %" PRIu64 " records waiting (%" PRIu64 " KiB)%s%s\n", st.waiting,
               st.waiting_kib, st.oldest[0] ? ", oldest " : "", st.oldest);
        if (st.dropped)
                printf("Dropped:    %" PRIu64 " records lost to the outbox's cap, not yet "
                       "reported\n",
                       st.dropped);
        if (running) {
                describe(st.pid, who, sizeof(who));
                printf("Worker:     pid %d, %s\n", (int)st.pid, who);
                if (st.parent_pid) {
                        describe(st.parent_pid, who, sizeof(who));
                        printf("Parent:     pid %d, %s\n", (int)st.parent_pid, who);
                }
        }
        return enrolled && running && !st.revoked ? 0 : 1;
}

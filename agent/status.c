/* `counterguard-agent status`: what an IT officer asks of a counter PC's agent. Is it
 * enrolled, is it running, when did it last reach the server, how much waits in the
 * outbox, and as whom do its processes run. Read from the enrollment file, the daemon's
 * state file and /proc; the outbox itself is not opened. */
#include "status.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credential.h"
#include "daemon_state.h"
#include "privsep.h"

static bool alive(pid_t pid) {
        return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

int status_run(const struct agent_config *config) {
        struct credential cred = {0};
        struct daemon_state st = {0};
        char path[4096], who[PRIVSEP_DESCRIBE_MAX];
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
                printf("Stopped:    the server refuses this agent's records (last error below): "
                       "enroll it again\n");
        if (st.last_error[0])
                printf("Last error: %s\n", st.last_error);
        printf("Outbox:     %" PRIu64 " records waiting (%" PRIu64 " KiB)%s%s\n", st.waiting,
               st.waiting_kib, st.oldest[0] ? ", oldest " : "", st.oldest);
        if (st.dropped)
                printf("Dropped:    %" PRIu64 " records lost to the outbox's cap, not yet "
                       "reported\n",
                       st.dropped);
        if (running) {
                if (privsep_describe_process(st.pid, who, sizeof(who)) == 0)
                        printf("Worker:     pid %d %s\n", (int)st.pid, who);
                if (st.parent_pid && privsep_describe_process(st.parent_pid, who, sizeof(who)) == 0)
                        printf("Parent:     pid %d %s\n", (int)st.parent_pid, who);
                else if (!st.parent_pid)
                        printf("Parent:     none: not started as root, privileges not separated\n");
        }
        return enrolled && running && !st.revoked ? 0 : 1;
}

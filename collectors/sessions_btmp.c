/* Failed logins from btmp (root-only, through the privileged side): per user name, how many
 * within the snapshot's age limit, and the last one's time, line and remote address. The
 * names are as typed at the login prompt: sometimes not an account (or a password typed in
 * the wrong field), which is why the file is root's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sessions.h"

struct failed {
        struct report *r;
        size_t first;
        time_t cutoff;
};

static int on_failed(const struct utmpx *u, void *userdata) {
        struct failed *f = userdata;
        struct report_session *s = NULL;
        char user[sizeof(u->ut_user) + 1];
        int e;

        if (u->ut_tv.tv_sec > 0 && u->ut_tv.tv_sec < f->cutoff)
                return 1;
        memcpy(user, u->ut_user, sizeof(u->ut_user));
        user[sizeof(u->ut_user)] = '\0';
        for (size_t i = f->first; i < f->r->n_sessions; i++)
                if (strncmp(f->r->sessions[i].user, user, sizeof(user)) == 0)
                        s = &f->r->sessions[i];
        if (s) { /* read newest first: the first one seen is the last attempt */
                s->failed_attempts++;
                return 0;
        }
        if (f->r->n_sessions - f->first >= SESSIONS_MAX_FAILED_USERS)
                return 0;
        s = sessions_add(f->r);
        if (!s)
                return -ENOMEM;
        e = sessions_from_record(u, false, s);
        if (e == 0 && !(s->kind = strdup("failed")))
                e = -ENOMEM;
        s->failed_attempts = 1;
        return e;
}

int sessions_failed(struct collector_ctx *ctx, const struct sessions_limits *l, time_t now,
                    struct report *r) {
        struct failed f = {r, r->n_sessions, now - l->max_age_s};
        struct sessions_walk w = {0};
        int fd = collector_privileged_fd(ctx, PRIVILEGED_FILE, SESSIONS_BTMP), e;

        if (fd == -ENOENT)
                return 0; /* no failed login recorded, ever */
        if (fd < 0) {
                char why[128];

                collector_log_errno(ctx, LOG_LEVEL_WARN, fd, "%s", SESSIONS_BTMP);
                snprintf(why, sizeof(why), "%s: %s", SESSIONS_BTMP, strerror(-fd));
                return report_add_missing(r, "sessions.failed_attempts", why);
        }
        e = sessions_walk_back(fd, SESSIONS_MAX_FAILED_RECORDS, on_failed, &f, &w);
        close(fd);
        if (e == -ENOMEM)
                return e;
        if (e < 0)
                return report_add_missing(r, "sessions.failed_attempts", strerror(-e));
        if (w.stopped_at_limit)
                e = report_add_missing(r, "sessions.failed_attempts",
                                       "btmp: stopped at the record limit, older ones not read");
        return e;
}

/* The sessions systemd-logind knows now (sd-login), when it runs: kind "live", with the user,
 * the terminal or display and the remote host logind was told. Without logind (no
 * systemd, or no /run/systemd/seats) there are none to list: that is noted, it is not an error. */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-login.h>
#include <unistd.h>

#include "sessions.h"
#include "text.h"

static char *take(char *s) { /* sd-login's string, sanitized and freed */
        char *c = s ? text_sanitize(s, strlen(s), REPORT_MAX_STRING) : NULL;

        free(s);
        return c;
}

static int one(const char *id, struct report *r) {
        struct report_session *s = sessions_add(r);
        char *tty = NULL, *host = NULL;
        uid_t uid;

        if (!s)
                return -ENOMEM;
        if (!(s->kind = strdup("live")))
                return -ENOMEM;
        if (sd_session_get_uid(id, &uid) >= 0) {
                struct passwd pw, *res = NULL;
                char buf[4096];
                /* the name of a uid: NSS is the right source (it may be a directory user) */
                if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
                        s->user = text_sanitize(res->pw_name, strlen(res->pw_name),
                                                REPORT_MAX_STRING);
        }
        if (!s->user && !(s->user = strdup("")))
                return -ENOMEM;
        if (sd_session_get_tty(id, &tty) < 0 || !tty)
                (void)sd_session_get_display(id, &tty);
        (void)sd_session_get_remote_host(id, &host);
        s->tty = take(tty);
        s->remote_host = take(host);
        s->end = strdup("open");
        return s->end ? 0 : -ENOMEM;
}

int sessions_live(struct collector_ctx *ctx, struct report *r) {
        char **ids = NULL;
        int n, e = 0;

        /* logind runs under systemd only; /run/systemd/seats may outlive them (a container) */
        if (sd_booted() <= 0 || access("/run/systemd/seats", F_OK) < 0)
                return report_add_missing(r, "sessions.live", "systemd-logind is not running");
        n = sd_get_sessions(&ids);
        if (n < 0) {
                collector_log_errno(ctx, LOG_LEVEL_WARN, n, "sd_get_sessions");
                return report_add_missing(r, "sessions.live", strerror(-n));
        }
        for (int i = 0; i < n; i++) {
                if (e == 0)
                        e = one(ids[i], r);
                free(ids[i]);
        }
        free(ids);
        return e;
}

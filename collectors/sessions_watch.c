/* Logins and logouts as they happen: inotify on wtmp (IN_MODIFY: a record appended) and on
 * /var/log (a new wtmp after rotation), the records after the last offset read and turned
 * into login and logout events. A logout carries its login's facts: the open sessions are
 * kept by terminal line, seeded from the file at start. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"
#include "sessions.h"
#include "timefmt.h"

#define WATCH_MAX_OPEN 1024

struct open_session {
        char line[sizeof(((struct utmpx *)0)->ut_line)];
        struct utmpx login;
};

struct sessions_watch {
        struct collector_ctx *ctx;
        int ifd, file_wd, dir_wd;
        int wtmp; /* the file now read, or -1 */
        uint64_t offset;
        struct loop_source *io;
        struct open_session *open;
        size_t n_open;
        struct sessions_watchdb *db; /* wtmpdb's events, where it exists */
};

void sessions_emit(struct collector_ctx *ctx, const char *what, struct report_session *s) {
        struct report_event ev;
        char now[TIMEFMT_RFC3339_SIZE];

        report_event_init(&ev);
        timefmt_now_rfc3339(now);
        ev.time = now;
        ev.event = (char *)(uintptr_t)what; /* borrowed: the event is not freed */
        ev.session = s;
        collector_emit(ctx, &ev);
}

static struct open_session *open_find(struct sessions_watch *w, const char *line) {
        for (size_t i = 0; i < w->n_open; i++)
                if (strncmp(w->open[i].line, line, sizeof(w->open[i].line)) == 0)
                        return &w->open[i];
        return NULL;
}

/* A logout event: the login's facts when it is known, then the logout's time and end. */
static int logout(struct sessions_watch *w, struct open_session *o, const struct utmpx *out,
                  const char *end) {
        struct report_session s;
        const struct utmpx *base = o ? &o->login : out;
        int64_t t = out->ut_tv.tv_sec;
        int e;

        model_init(model_find_desc("session"), &s);
        /* a crash's time is not known (as in a snapshot): the boot after it is no end time */
        bool timed = o && strcmp(end, "crash") != 0;

        e = sessions_from_record(base, !o, &s);
        if (e == 0 && timed && !(s.logout_time = sessions_time(t)))
                e = -ENOMEM;
        if (e == 0 && timed && t >= o->login.ut_tv.tv_sec)
                s.duration_s = t - o->login.ut_tv.tv_sec;
        if (e == 0 && (!(s.kind = strdup("session")) || !(s.end = strdup(end))))
                e = -ENOMEM;
        if (e == 0)
                sessions_emit(w->ctx, "logout", &s);
        model_free(model_find_desc("session"), &s);
        if (o)
                *o = w->open[--w->n_open];
        return e;
}

static int on_record(const struct utmpx *u, void *userdata) {
        struct sessions_watch *w = userdata;
        struct open_session *o;
        int e = 0;

        if (sessions_is_boot(u) || sessions_is_shutdown(u)) {
                const char *end = sessions_is_shutdown(u) ? "shutdown" : "crash";
                while (w->n_open && e == 0)
                        e = logout(w, &w->open[w->n_open - 1], u, end);
                return e;
        }
        if (u->ut_type == DEAD_PROCESS && u->ut_line[0]) {
                o = open_find(w, u->ut_line);
                /* a second logout of the same line (init and logind both write one): once */
                return o || u->ut_user[0] ? logout(w, o, u, "logout") : 0;
        }
        if (u->ut_type == USER_PROCESS && u->ut_user[0]) {
                struct report_session s;

                o = open_find(w, u->ut_line);
                if (!o && w->n_open < WATCH_MAX_OPEN) {
                        o = &w->open[w->n_open++];
                        memcpy(o->line, u->ut_line, sizeof(o->line));
                }
                if (o)
                        o->login = *u;
                model_init(model_find_desc("session"), &s);
                e = sessions_from_record(u, false, &s);
                if (e == 0 && (!(s.kind = strdup("session")) || !(s.end = strdup("open"))))
                        e = -ENOMEM;
                if (e == 0)
                        sessions_emit(w->ctx, "login", &s);
                model_free(model_find_desc("session"), &s);
        }
        return e;
}

/* At start: the sessions still open, from the end of the file back to the last boot. */
static int seed(const struct utmpx *u, void *userdata) {
        struct sessions_watch *w = userdata;

        if (sessions_is_boot(u) || sessions_is_shutdown(u) || w->n_open >= WATCH_MAX_OPEN)
                return 1;
        if (u->ut_type == DEAD_PROCESS && u->ut_line[0] && !open_find(w, u->ut_line)) {
                /* logged out: a placeholder keeps an earlier login on the line from counting */
                memset(&w->open[w->n_open], 0, sizeof(w->open[0]));
                memcpy(w->open[w->n_open++].line, u->ut_line, sizeof(u->ut_line));
        } else if (u->ut_type == USER_PROCESS && u->ut_user[0] && !open_find(w, u->ut_line)) {
                memcpy(w->open[w->n_open].line, u->ut_line, sizeof(u->ut_line));
                w->open[w->n_open++].login = *u;
        }
        return 0;
}

static int open_wtmp(struct sessions_watch *w, bool at_end) {
        struct stat st;

        if (w->wtmp >= 0)
                close(w->wtmp);
        if (w->file_wd >= 0)
                inotify_rm_watch(w->ifd, w->file_wd);
        w->file_wd = -1;
        w->offset = 0;
        w->wtmp = open(SESSIONS_WTMP, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (w->wtmp < 0)
                return errno == ENOENT ? 0 : -errno; /* a new one will come: the dir is watched */
        w->file_wd = inotify_add_watch(w->ifd, SESSIONS_WTMP,
                                       IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF | IN_ATTRIB);
        if (w->file_wd < 0)
                return -errno;
        if (at_end && fstat(w->wtmp, &st) == 0) {
                struct sessions_walk walk;
                /* glibc truncates a torn last record before it appends: start on a boundary */
                w->offset = (uint64_t)st.st_size - (uint64_t)st.st_size % sizeof(struct utmpx);
                (void)sessions_walk_back(w->wtmp, SESSIONS_MAX_RECORDS, seed, w, &walk);
                for (size_t i = w->n_open; i-- > 0;) /* placeholders out */
                        if (!w->open[i].login.ut_user[0])
                                w->open[i] = w->open[--w->n_open];
        }
        return 0;
}

static int read_new(struct sessions_watch *w) {
        struct stat st;

        if (w->wtmp < 0)
                return 0;
        if (fstat(w->wtmp, &st) == 0 && (uint64_t)st.st_size < w->offset)
                w->offset = 0; /* truncated in place (rotation by copytruncate) */
        return sessions_read_forward(w->wtmp, &w->offset, on_record, w);
}

static int on_inotify(struct loop_source *s, int fd, uint32_t revents, void *userdata) {
        struct sessions_watch *w = userdata;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool reopen = false, modified = false;
        ssize_t n;
        int e;

        (void)s;
        (void)revents;
        while ((n = read(fd, buf, sizeof(buf))) > 0)
                for (char *p = buf; p < buf + n;) {
                        const struct inotify_event *ev = (const struct inotify_event *)p;
                        bool moved = ev->wd == w->file_wd &&
                                     (ev->mask & (IN_MOVE_SELF | IN_DELETE_SELF));
                        bool created =
                                ev->wd == w->dir_wd && ev->len && strcmp(ev->name, "wtmp") == 0;

                        if (moved || created)
                                reopen = true;
                        else if (ev->wd == w->file_wd)
                                modified = true;
                        p += sizeof(*ev) + ev->len;
                }
        /* what the old file got before it moved away, then the new one from its start */
        e = modified || reopen ? read_new(w) : 0;
        if (e == 0 && reopen) {
                e = open_wtmp(w, false);
                if (e == 0)
                        e = read_new(w);
        }
        if (e < 0)
                collector_log_errno(w->ctx, LOG_LEVEL_WARN, e, "%s", SESSIONS_WTMP);
        return e == -ENOMEM ? e : 0;
}

void sessions_watch_stop(struct collector_ctx *ctx) {
        struct sessions_watch *w = collector_state(ctx);

        if (!w)
                return;
        sessions_watchdb_stop(w->db);
        loop_source_free(w->io);
        if (w->ifd >= 0)
                close(w->ifd);
        if (w->wtmp >= 0)
                close(w->wtmp);
        free(w->open);
        free(w);
        collector_set_state(ctx, NULL);
}

int sessions_watch_start(struct collector_ctx *ctx) {
        struct sessions_watch *w = calloc(1, sizeof(*w));
        int e;

        if (!w)
                return -ENOMEM;
        w->ctx = ctx;
        w->wtmp = w->file_wd = w->ifd = -1;
        collector_set_state(ctx, w);
        w->open = calloc(WATCH_MAX_OPEN, sizeof(*w->open));
        if (!w->open)
                return -ENOMEM;
        w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (w->ifd < 0)
                return collector_log_errno(ctx, LOG_LEVEL_ERROR, -errno, "inotify_init1");
        w->dir_wd = inotify_add_watch(w->ifd, "/var/log", IN_CREATE | IN_MOVED_TO);
        if (w->dir_wd < 0)
                collector_log_errno(ctx, LOG_LEVEL_WARN, -errno,
                                    "watching /var/log: a rotated wtmp will not be followed");
        e = open_wtmp(w, true);
        if (e < 0)
                collector_log_errno(ctx, LOG_LEVEL_WARN, e, "%s: no login events", SESSIONS_WTMP);
        e = sessions_watchdb_start(ctx, &w->db);
        if (e == -ENOMEM)
                return e;
        return collector_add_io(ctx, w->ifd, LOOP_IN, on_inotify, w, &w->io);
}

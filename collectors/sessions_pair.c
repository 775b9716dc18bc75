/* Pairing wtmp's records into sessions, read from the newest backwards (as last(1) does): a
 * logout is held by its terminal line until the login on that line before it; a boot or a
 * shutdown ends every session begun before it and not logged out ("crash", "shutdown"); a
 * login with nothing after it is still open. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "model.h"
#include "sessions.h"
#include "text.h"
#include "timefmt.h"

#define PAIR_MAX_PENDING 1024

struct pending {
        char line[sizeof(((struct utmpx *)0)->ut_line)];
        struct utmpx logout;
};

struct sessions_pairer {
        struct sessions_limits limits;
        time_t now;
        struct report *out;
        size_t first; /* out's sessions from here are ours */
        size_t found; /* sessions with a login */
        struct pending *pending;
        size_t n_pending;
        int64_t down_time; /* the boot or shutdown after the records now read, or 0 */
        bool down_clean;   /* a shutdown (true) or a boot with no shutdown before (false) */
};

bool sessions_is_boot(const struct utmpx *u) {
        return u->ut_type == BOOT_TIME;
}

/* init writes a RUN_LVL record named "shutdown" on the line "~" when the system goes down */
bool sessions_is_shutdown(const struct utmpx *u) {
        return u->ut_type == RUN_LVL && strncmp(u->ut_user, "shutdown", sizeof(u->ut_user)) == 0;
}

/* set once by the agent from its configuration, before any snapshot */
static size_t configured_sessions;
static unsigned configured_days;

void sessions_set_limits(size_t max_sessions, unsigned max_age_days) {
        configured_sessions = max_sessions;
        configured_days = max_age_days;
}

void sessions_default_limits(struct sessions_limits *l) {
        l->max_sessions = configured_sessions ? configured_sessions : SESSIONS_MAX_SESSIONS;
        l->max_age_s = (int64_t)(configured_days ? configured_days : SESSIONS_MAX_AGE_DAYS) * 86400;
        l->max_records = SESSIONS_MAX_RECORDS;
}

bool sessions_time_ok(int64_t sec) {
        return sec >= 0 && sec <= INT64_C(253402300799); /* 9999-12-31T23:59:59Z */
}

char *sessions_time(int64_t sec) {
        struct timespec ts = {.tv_sec = (time_t)sec};
        char buf[TIMEFMT_RFC3339_SIZE];

        timefmt_rfc3339(&ts, buf);
        return strdup(buf);
}

struct report_session *sessions_add(struct report *r) {
        struct report_session *s = ARRAY_APPEND(r->sessions, r->n_sessions, REPORT_MAX_LIST);

        if (s)
                model_init(model_find_desc("session"), s);
        return s;
}

static char *field(const char *f, size_t size) {
        return text_sanitize(f, strnlen(f, size), REPORT_MAX_STRING);
}

/* ut_addr_v6: an IPv4 address in its first word and zeros after, or an IPv6 address */
static int address(const struct utmpx *u, char **ret) {
        char buf[INET6_ADDRSTRLEN];
        const int32_t *a = u->ut_addr_v6;

        *ret = NULL;
        if (!a[0] && !a[1] && !a[2] && !a[3])
                return 0;
        if (!a[1] && !a[2] && !a[3]) {
                if (!inet_ntop(AF_INET, &a[0], buf, sizeof(buf)))
                        return 0;
        } else if (!inet_ntop(AF_INET6, a, buf, sizeof(buf))) {
                return 0;
        }
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

int sessions_from_record(const struct utmpx *u, bool as_logout, struct report_session *s) {
        char **t = as_logout ? &s->logout_time : &s->login_time;

        s->user = field(u->ut_user, sizeof(u->ut_user));
        s->tty = u->ut_line[0] ? field(u->ut_line, sizeof(u->ut_line)) : NULL;
        s->remote_host = u->ut_host[0] ? field(u->ut_host, sizeof(u->ut_host)) : NULL;
        *t = sessions_time(u->ut_tv.tv_sec);
        if (!s->user || (u->ut_line[0] && !s->tty) || (u->ut_host[0] && !s->remote_host) || !*t)
                return -ENOMEM;
        return address(u, &s->remote_address);
}

int sessions_pairer_new(const struct sessions_limits *l, time_t now, struct report *out,
                        struct sessions_pairer **ret) {
        struct sessions_pairer *p = calloc(1, sizeof(*p));

        if (!p)
                return -ENOMEM;
        p->limits = *l;
        p->now = now;
        p->out = out;
        p->first = out->n_sessions;
        *ret = p;
        return 0;
}

void sessions_pairer_free(struct sessions_pairer *p) {
        if (!p)
                return;
        free(p->pending);
        free(p);
}

static struct pending *pending_find(struct sessions_pairer *p, const char *line) {
        for (size_t i = 0; i < p->n_pending; i++)
                if (strncmp(p->pending[i].line, line, sizeof(p->pending[i].line)) == 0)
                        return &p->pending[i];
        return NULL;
}

/* Logouts whose login was not found before a boot (or the file's start): reported alone,
 * counted as sessions. 1 when the limit is reached (the rest are left out), 0, or -errno. */
static int flush_orphans(struct sessions_pairer *p) {
        for (size_t i = 0; i < p->n_pending; i++) {
                struct report_session *s;

                if (p->found >= p->limits.max_sessions) {
                        p->n_pending = 0;
                        return 1;
                }
                s = sessions_add(p->out);
                int e;

                if (!s)
                        return -ENOMEM;
                e = sessions_from_record(&p->pending[i].logout, true, s);
                if (e == 0 && !(s->kind = strdup("session")))
                        e = -ENOMEM;
                if (e == 0 && !(s->end = strdup("logout")))
                        e = -ENOMEM;
                if (e < 0)
                        return e;
                p->found++;
        }
        p->n_pending = 0;
        return p->found >= p->limits.max_sessions ? 1 : 0;
}

static int login(struct sessions_pairer *p, const struct utmpx *u) {
        struct pending *out = pending_find(p, u->ut_line);
        struct report_session *s;
        const char *end = "open";
        int64_t until = 0;
        int e;

        if (p->found >= p->limits.max_sessions)
                return 1; /* orphaned logouts took the last places */
        s = sessions_add(p->out);
        if (!s)
                return -ENOMEM;
        e = sessions_from_record(u, false, s);
        if (e < 0)
                return e;
        if (out) {
                end = "logout";
                until = out->logout.ut_tv.tv_sec;
                *out = p->pending[--p->n_pending];
        } else if (p->down_time) {
                end = p->down_clean ? "shutdown" : "crash";
                /* a crash's time is not known: the boot after it is no logout time */
                until = p->down_clean ? p->down_time : 0;
        }
        if (until) {
                if (!(s->logout_time = sessions_time(until)))
                        return -ENOMEM;
                if (until >= u->ut_tv.tv_sec)
                        s->duration_s = until - u->ut_tv.tv_sec;
        }
        if (!(s->kind = strdup("session")) || !(s->end = strdup(end)))
                return -ENOMEM;
        return ++p->found >= p->limits.max_sessions ? 1 : 0;
}

int sessions_pair_record(const struct utmpx *u, void *userdata) {
        struct sessions_pairer *p = userdata;
        int e;

        if (u->ut_tv.tv_sec > 0 && u->ut_tv.tv_sec < p->now - p->limits.max_age_s)
                return 1; /* older than what a snapshot carries: done */
        if (sessions_is_boot(u) || sessions_is_shutdown(u)) {
                e = flush_orphans(p);
                if (e != 0)
                        return e; /* an error, or the limit reached */
                /* read backwards, the last one seen is the nearest after the logins before it */
                p->down_time = u->ut_tv.tv_sec;
                p->down_clean = sessions_is_shutdown(u);
                return 0;
        }
        if (u->ut_type == DEAD_PROCESS && u->ut_line[0]) {
                struct pending *x = pending_find(p, u->ut_line);
                /* a repeated logout (init and logind both write one): the earliest is kept */
                if (!x && p->n_pending < PAIR_MAX_PENDING)
                        x = ARRAY_APPEND(p->pending, p->n_pending, PAIR_MAX_PENDING);
                if (!x)
                        return p->n_pending < PAIR_MAX_PENDING ? -ENOMEM : 0;
                memcpy(x->line, u->ut_line, sizeof(x->line));
                x->logout = *u;
                return 0;
        }
        if (u->ut_type == USER_PROCESS && u->ut_user[0])
                return login(p, u);
        return 0;
}

int sessions_pair_finish(struct sessions_pairer *p, bool reached_start) {
        int e = reached_start ? flush_orphans(p) : 0;

        if (e > 0)
                e = 0; /* the limit, reached by the last orphans */
        size_t n = p->out->n_sessions - p->first;
        struct report_session *s;

        if (n == 0)
                return e; /* no sessions array at all: nothing to add an offset to */
        s = p->out->sessions + p->first;
        /* found newest first: the report reads oldest first */
        for (size_t i = 0; i < n / 2; i++) {
                struct report_session t = s[i];
                s[i] = s[n - 1 - i];
                s[n - 1 - i] = t;
        }
        return e;
}

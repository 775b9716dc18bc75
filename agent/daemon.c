/* `counterguard-agent run`: the daemon. One loop carries everything: the collectors' event
 * sources, the snapshot timer, the uplink's sockets, signals and the watchdog. Every
 * snapshot and event goes into the outbox first and is sent from there, so nothing is lost
 * while the server is away, and nothing the server said it stored is kept. */
#include "daemon.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "collector.h"
#include "array.h"
#include "credential.h"
#include "daemon_state.h"
#include "log.h"
#include "model.h"
#include "outbox.h"
#include "policy_runtime.h"
#include "privsep.h"
#include "sessions.h"
#include "snapshot.h"
#include "timefmt.h"
#include "uplink.h"
#include "usb_control.h"

#define MAX_CTXS 32

struct daemon {
        const char *config_path;
        const char *policy_arg;        /* --policy, over agent.ini's */
        struct policy_runtime *policy; /* findings, verdicts, block mode */
        struct agent_config config;
        struct credential credential;
        struct loop *loop;
        struct outbox *outbox;
        struct uplink *uplink;
        struct collector_ctx *ctxs[MAX_CTXS];
        size_t n_ctxs;
        struct snapshot *snapshot;
        bool snapshot_busy; /* started, not done yet */
        struct loop_source *snapshot_timer;
        struct loop_source *watchdog_timer;
        struct loop_source *state_timer;
        bool state_pending; /* state_timer is armed */
        uint64_t watchdog_usec;
        char state_path[4096];
        struct daemon_state state;
        struct privsep *privsep; /* the privileged parent, or ourselves when not root */
        int lock_fd;             /* held while the daemon runs: one per outbox */
};

static const char *server_url(const struct daemon *d) {
        return d->config.server_url ? d->config.server_url : d->credential.server;
}

/* --- the state file, for `status` --- */

static void state_dirty(struct daemon *d) {
        /* coalesced: at most one write a second, however many events; armed once, not
         * pushed back by each event, or a steady stream would keep it from ever firing */
        if (d->state_timer && !d->state_pending && loop_timer_set(d->state_timer, 1000000) == 0)
                d->state_pending = true;
}

static int on_state_timer(struct loop_source *s, uint64_t now, void *userdata) {
        struct daemon *d = userdata;
        struct outbox_stats st;

        (void)s;
        (void)now;
        d->state_pending = false;
        if (outbox_stats(d->outbox, &st) == 0) {
                d->state.waiting = st.records;
                d->state.waiting_kib = (st.bytes + 1023) / 1024;
                d->state.dropped = st.dropped;
                snprintf(d->state.oldest, sizeof(d->state.oldest), "%s", st.oldest_time);
        }
        if (daemon_state_write(d->state_path, &d->state) < 0)
                log_debug("%s: cannot write the daemon's state", d->state_path);
        return 0;
}

static void on_uplink_changed(struct uplink *u, const struct uplink_status *s, void *userdata) {
        struct daemon *d = userdata;

        (void)u;
        snprintf(d->state.last_ok, sizeof(d->state.last_ok), "%s", s->last_ok);
        snprintf(d->state.last_error, sizeof(d->state.last_error), "%s", s->last_error);
        d->state.acked_seq = s->acked_seq;
        d->state.revoked = s->revoked;
        state_dirty(d);
}

/* --- records into the outbox --- */

/* Store a record and have it sent. A full disk or a corrupt outbox loses this record (it is
 * logged); the next ones go in again once there is room, or into a fresh outbox. */
static void store(struct daemon *d, enum outbox_kind kind, const char *time, const char *json) {
        uint64_t seq;
        int r = outbox_append(d->outbox, kind, time, json, &seq);

        if (r == -EBADMSG) {
                struct outbox *fresh = NULL;
                log_error("%s: the outbox went corrupt; it is moved aside and a new one made",
                          d->config.outbox_path);
                outbox_close(d->outbox);
                d->outbox = NULL;
                r = outbox_open(d->config.outbox_path, d->config.outbox_cap, &fresh);
                if (r < 0) {
                        log_error_errno(r, "%s: cannot open a new outbox", d->config.outbox_path);
                        loop_quit(d->loop, 1);
                        return;
                }
                d->outbox = fresh;
                uplink_set_outbox(d->uplink, fresh);
                r = outbox_append(d->outbox, kind, time, json, &seq);
        }
        if (r < 0) {
                log_error_errno(r, "%s: a record (%s) could not be stored, it is lost",
                                d->config.outbox_path, outbox_kind_to_string(kind));
                return;
        }
        state_dirty(d);
        uplink_kick(d->uplink);
}

/* Tell the server how many records the outbox's cap threw away. */
static void report_dropped(struct daemon *d) {
        static char records_dropped[] = "records_dropped";
        struct report_event ev;
        struct outbox_stats st;
        char now[TIMEFMT_RFC3339_SIZE], *json;
        uint64_t seq;

        if (outbox_stats(d->outbox, &st) < 0 || st.dropped == 0)
                return;
        report_event_init(&ev);
        timefmt_now_rfc3339(now);
        ev.time = now;
        ev.event = records_dropped; /* borrowed: the event is not freed */
        ev.dropped = (int64_t)st.dropped;
        json = model_dump(&report_event_desc, &ev, false);
        if (json && outbox_append_dropped(d->outbox, now, json, st.dropped, &seq) == 0)
                log_warn("%s: %" PRIu64 " records were dropped (past the outbox's cap, or "
                         "refused by the server); the server is told",
                         d->config.outbox_path, st.dropped);
        free(json);
}

static void store_event(const struct report_event *ev, void *userdata) {
        struct daemon *d = userdata;
        char *json = model_dump(&report_event_desc, ev, false);

        if (!json) {
                log_error("out of memory, an event (%s) is lost", ev->event);
                return;
        }
        store(d, OUTBOX_EVENT, ev->time, json);
        free(json);
}

/* the policy sees each event first: the device's verdict, block mode, findings */
static void on_event(const struct collector *c, const struct report_event *ev, void *userdata) {
        struct daemon *d = userdata;

        (void)c;
        policy_runtime_event(d->policy, ev, store_event, d);
}

static const char *policy_path(const struct daemon *d) {
        return d->policy_arg ? d->policy_arg : d->config.policy_path;
}

/* The findings a snapshot opened or resolved: stored after the snapshot, which says them
 * first (the server opens a snapshot's findings and resolves those it no longer has). */
struct later {
        char **json;
        size_t n_json;
        char **time;
        size_t n_time;
};

static void keep_for_later(const struct report_event *ev, void *userdata) {
        struct later *l = userdata;
        char *json = model_dump(&report_event_desc, ev, false);

        if (!json || strv_append(&l->time, &l->n_time, ev->time) < 0 ||
            strv_append(&l->json, &l->n_json, json) < 0)
                log_error("out of memory, an event (%s) is lost", ev->event);
        free(json);
}

static void on_snapshot(struct snapshot *s, struct report *r, void *userdata) {
        struct daemon *d = userdata;
        struct later later = {0};
        char *json = NULL;

        (void)s;
        d->snapshot_busy = false;
        if (agent_config_locate(&d->config, r) == 0 &&
            policy_runtime_snapshot(d->policy, r, keep_for_later, &later) == 0)
                json = model_dump(&report_desc, r, false);
        if (json)
                store(d, OUTBOX_SNAPSHOT, r->generated_at, json);
        else
                log_error("out of memory: a snapshot is lost");
        free(json);
        for (size_t i = 0; i < later.n_json; i++) {
                if (i < later.n_time)
                        store(d, OUTBOX_EVENT, later.time[i], later.json[i]);
                free(later.json[i]);
        }
        for (size_t i = 0; i < later.n_time; i++)
                free(later.time[i]);
        free(later.json);
        free(later.time);
        /* freed from the loop, not from inside its own callback */
        (void)loop_timer_set(d->snapshot_timer, (uint64_t)d->config.snapshot_interval * 1000000);
}

static int on_snapshot_timer(struct loop_source *s, uint64_t now, void *userdata) {
        struct daemon *d = userdata;
        int r;

        (void)s;
        (void)now;
        if (d->snapshot_busy)
                return 0;           /* a reload asked while one runs: its end re-arms this timer */
        snapshot_free(d->snapshot); /* the last one is done */
        d->snapshot = NULL;
        report_dropped(d);
        r = snapshot_start(d->loop, collectors, COLLECTOR_SET_ALL, on_snapshot, d, &d->snapshot);
        d->snapshot_busy = r == 0;
        if (r < 0) {
                log_error_errno(r, "cannot start a snapshot; trying again later");
                (void)loop_timer_set(d->snapshot_timer,
                                     (uint64_t)d->config.snapshot_interval * 1000000);
        }
        return 0;
}

/* --- configuration --- */

static int load_credential(const struct agent_config *c, struct credential *ret) {
        int r = credential_load(c->credential, ret);

        if (r == 0 && c->server_url && strcmp(c->server_url, ret->server) != 0)
                log_info("reporting to %s (agent.ini), enrolled with %s", c->server_url,
                         ret->server);
        return r;
}

static int apply_uplink(struct daemon *d) {
        struct uplink_settings s = {server_url(d), d->config.ca_file, d->credential.credential};

        snprintf(d->state.server, sizeof(d->state.server), "%s", s.url);
        snprintf(d->state.agent_id, sizeof(d->state.agent_id), "%s", d->credential.agent_id);
        return d->uplink ? uplink_configure(d->uplink, &s)
                         : uplink_new(d->loop, d->outbox, &s, on_uplink_changed, d, &d->uplink);
}

/* SIGHUP: the new agent.ini and enrollment, whole, or the old ones kept. */
static int on_reload(struct loop_source *s, const struct signalfd_siginfo *si, void *userdata) {
        struct daemon *d = userdata;
        struct agent_config c = {0};
        struct credential cred = {0};
        int r;

        (void)s;
        (void)si;
        (void)privsep_notify(d->privsep, "RELOADING=1");
        r = agent_config_load(d->config_path, true, &c);
        if (r == 0)
                r = load_credential(&c, &cred);
        /* the policy on its own: an invalid one keeps the one in use, whatever agent.ini does */
        if (r == 0)
                (void)policy_runtime_reload(d->policy,
                                            d->policy_arg ? d->policy_arg : c.policy_path);
        if (r < 0) {
                log_error("reload: %s is not usable; the configuration in use is kept",
                          d->config_path);
                agent_config_free(&c);
                credential_free(&cred);
                (void)privsep_notify(d->privsep, "READY=1");
                return 0;
        }
        if (strcmp(c.user, d->config.user) != 0)
                log_warn("reload: user = %s takes effect at the next start", c.user);
        if (strcmp(c.outbox_path, d->config.outbox_path) != 0 ||
            c.outbox_cap != d->config.outbox_cap)
                log_warn("reload: the outbox's path and cap take effect at the next start");
        free(c.outbox_path);
        c.outbox_path = d->config.outbox_path;
        c.outbox_cap = d->config.outbox_cap;
        d->config.outbox_path = NULL;
        agent_config_free(&d->config);
        credential_free(&d->credential);
        d->config = c;
        d->credential = cred;
        sessions_set_limits(c.sessions_max, c.sessions_max_days); /* from the next snapshot */
        r = apply_uplink(d);
        if (r < 0)
                return log_error_errno(r, "reload: cannot set up the uplink");
        log_info("reloaded %s", d->config_path);
        uplink_kick(d->uplink);
        /* a new unit or counter label is on the server with the next snapshot: take it now
         * (unless one is under way) and restart the interval from there */
        if (loop_timer_set(d->snapshot_timer, 0) < 0)
                log_warn("reload: the next snapshot comes at its usual time");
        (void)privsep_notify(d->privsep, "READY=1");
        return 0;
}

static int on_watchdog(struct loop_source *s, uint64_t now, void *userdata) {
        struct daemon *d = userdata;

        (void)now;
        (void)privsep_notify(d->privsep, "WATCHDOG=1");
        return loop_timer_set(s, d->watchdog_usec / 2);
}

/* --- start and stop --- */

/* One daemon per outbox: a second one would receive the same udev events and store each
 * twice under its own seqs. The lock is the kernel's, so a killed daemon leaves none. */
static int lock_instance(struct daemon *d) {
        char path[sizeof(d->state_path) + 8];

        snprintf(path, sizeof(path), "%.*s.lock", (int)(strlen(d->state_path) - strlen(".state")),
                 d->state_path);
        d->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (d->lock_fd < 0)
                return log_error_errno(-errno, "%s: cannot open", path);
        if (flock(d->lock_fd, LOCK_EX | LOCK_NB) < 0) {
                int r = -errno;
                if (r == -EWOULDBLOCK)
                        log_error("another counterguard-agent run is using this outbox (%s is "
                                  "locked): not starting a second one",
                                  path);
                else
                        log_error_errno(r, "%s: cannot lock", path);
                return r == -EWOULDBLOCK ? -EBUSY : r;
        }
        return 0;
}

static int start(struct daemon *d) {
        static const int quit_signals[] = {SIGTERM, SIGINT};
        struct privsep_hello hello;
        int r;

        r = daemon_state_path(d->config.outbox_path, d->state_path, sizeof(d->state_path));
        if (r == 0)
                r = lock_instance(d);
        if (r < 0)
                return r;
        r = outbox_open(d->config.outbox_path, d->config.outbox_cap, &d->outbox);
        if (r < 0)
                return log_error_errno(r, "%s: cannot open the outbox", d->config.outbox_path);
        if ((r = loop_new(&d->loop)) < 0 ||
            (r = loop_quit_on_signals(d->loop, quit_signals, 2)) < 0 ||
            (r = loop_add_signal(d->loop, SIGHUP, on_reload, d, NULL)) < 0 ||
            (r = loop_add_timer(d->loop, LOOP_TIMER_OFF, on_state_timer, d, &d->state_timer)) < 0 ||
            (r = apply_uplink(d)) < 0)
                return log_error_errno(r, "cannot set up the event loop");
        r = collector_start_all(collectors, d->loop, on_event, d, d->ctxs, MAX_CTXS, &d->n_ctxs);
        if (r < 0)
                return r;
        /* the first snapshot at once, the next every snapshot_interval */
        r = loop_add_timer(d->loop, 0, on_snapshot_timer, d, &d->snapshot_timer);
        if (r == 0 && sd_watchdog_enabled(0, &d->watchdog_usec) > 0)
                r = loop_add_timer(d->loop, d->watchdog_usec / 2, on_watchdog, d,
                                   &d->watchdog_timer);
        if (r < 0)
                return r;
        d->state.pid = getpid();
        if (privsep_hello(d->privsep, &hello) == 0 && hello.pid != d->state.pid)
                d->state.parent_pid = hello.pid;
        timefmt_now_rfc3339(d->state.started);
        (void)on_state_timer(NULL, 0, d); /* `status` sees it running from now on */
        uplink_kick(d->uplink);           /* what the last run left in the outbox */
        return 0;
}

static void stop(struct daemon *d) {
        snapshot_free(d->snapshot);
        while (d->n_ctxs)
                collector_ctx_free(d->ctxs[--d->n_ctxs]);
        uplink_free(d->uplink);
        if (d->loop && d->outbox)
                (void)on_state_timer(NULL, 0, d); /* the last word for `status` */
        loop_free(d->loop);
        outbox_close(d->outbox);
        credential_free(&d->credential);
        agent_config_free(&d->config);
        policy_runtime_free(d->policy);
        privsep_free(d->privsep);
        if (d->lock_fd >= 0)
                close(d->lock_fd);
}

static int route_privileged(enum privileged_source s, const char *arg, void *userdata) {
        return privsep_source(userdata, s, arg);
}

static int route_usb_authorize(const char *name, char value, void *userdata) {
        return privsep_usb_authorize(userdata, name, value);
}

int daemon_run(struct agent_config *config, const char *config_path, const char *policy_arg,
               bool check_only) {
        struct daemon d = {.config_path = config_path, .policy_arg = policy_arg, .lock_fd = -1};
        int r;

        d.config = *config; /* taken */
        *config = (struct agent_config){0};
        r = load_credential(&d.config, &d.credential);
        /* an invalid policy stops the start, as an invalid agent.ini does */
        if (r == 0)
                r = policy_runtime_new(policy_path(&d), &d.policy);
        if (r < 0) {
                credential_free(&d.credential);
                agent_config_free(&d.config);
                return DAEMON_EXIT_CONFIG;
        }
        if (check_only) {
                printf("configuration ok: %s; agent %s reports to %s; outbox %s; policy %s\n",
                       config_path, d.credential.agent_id, server_url(&d), d.config.outbox_path,
                       policy_path(&d) ? policy_path(&d) : POLICY_DEFAULT_PATH);
                stop(&d);
                return 0;
        }
        /* first: the parent keeps root and nothing else, the rest runs as the agent's user */
        r = privsep_start(d.config.user, &d.privsep);
        if (r < 0) {
                if (r == -ESRCH)
                        log_error("user '%s' (agent.ini [agent] user) does not exist",
                                  d.config.user);
                else
                        log_error_errno(r, "cannot separate privileges");
                stop(&d);
                return r == -ESRCH || r == -EPERM ? DAEMON_EXIT_CONFIG : 1;
        }
        /* the worker alone sets up TLS (main.c leaves it to `run`), before any thread */
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
                log_error("cannot initialise libcurl");
                stop(&d);
                return 1;
        }
        /* what collectors cannot read as the agent's user, the parent gives them */
        collector_set_privileged(route_privileged, d.privsep);
        usb_control_set_writer(route_usb_authorize, d.privsep); /* block mode */
        r = start(&d);
        if (r == 0) {
                log_info("running: agent %s reporting to %s", d.credential.agent_id,
                         server_url(&d));
                (void)privsep_notify(d.privsep, "READY=1");
                r = loop_run(d.loop);
                (void)privsep_notify(d.privsep, "STOPPING=1");
        }
        collector_set_privileged(NULL, NULL);
        usb_control_set_writer(NULL, NULL);
        stop(&d);
        curl_global_cleanup();
        if (r < 0) {
                log_error_errno(r, "the daemon stopped on an error");
                return 1;
        }
        return r;
}

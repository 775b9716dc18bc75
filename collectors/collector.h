/* The collector interface: every source of facts is one `struct collector`, listed in
 * collectors/registry.c. Adding a collector is one new file and one line there.
 *
 * A collector sees only its context, an opaque handle with accessors: add an fd or a timer
 * to the loop of whoever runs it, emit an event, log with its name in front, keep its own
 * state. It never sees the agent's globals, and the agent never names a collector. */
#pragma once

#include <stdarg.h>
#include <stdint.h>

#include "log.h"
#include "loop.h"
#include "privileged.h"
#include "report.h"

struct collector_ctx;

struct collector {
        const char *name;    /* "usb": for --only, log prefixes and report.collectors[] */
        const char *section; /* the report field it fills: "devices", "host" */
        /* Optional. Called only when the agent watches (watch, run): open fds and timers
         * for events. Not called for a one-shot inventory. */
        int (*init)(struct collector_ctx *ctx);
        /* Fill its section of r. Must only use ctx and r: it may run in another process. */
        int (*snapshot)(struct collector_ctx *ctx, struct report *r);
        void (*fini)(struct collector_ctx *ctx); /* accepts a half-initialised ctx */
        /* 0: quick (sysfs reads); the snapshot runs on the loop. Otherwise it may block (a
         * CUPS or SANE query): it runs aside, in a child process, killed after this many ms,
         * its facts then reported missing. */
        unsigned timeout_ms;
};

/* The registry: every collector, in the order their sections appear in a report. */
extern const struct collector *const collectors[];
const struct collector *collector_find(const char *name);

/* --- what a collector may do with its context --- */

const char *collector_name(const struct collector_ctx *ctx);
void *collector_state(const struct collector_ctx *ctx);
void collector_set_state(struct collector_ctx *ctx, void *state);

/* Sources on the runner's loop; free them with loop_source_free() in fini. -EOPNOTSUPP
 * when the context has no loop (a snapshot only). */
int collector_add_io(struct collector_ctx *ctx, int fd, uint32_t events, loop_io_fn fn,
                     void *userdata, struct loop_source **ret);
int collector_add_timer(struct collector_ctx *ctx, uint64_t usec, loop_timer_fn fn, void *userdata,
                        struct loop_source **ret);

/* Hand an event to whoever listens (watch prints it, the daemon queues it). The event is
 * the caller's: the listener copies what it keeps. */
void collector_emit(struct collector_ctx *ctx, const struct report_event *ev);

/* What only root may read (privileged.h), as a readable fd the caller closes, or -errno: from
 * the runner's privileged side when it has one, else produced in this process. */
int collector_privileged_fd(struct collector_ctx *ctx, enum privileged_source s, const char *arg);

/* log_* with "NAME: " in front; the _errno form appends strerror(-error), returns error. */
void collector_log(const struct collector_ctx *ctx, enum log_level level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
int collector_log_errno(const struct collector_ctx *ctx, enum log_level level, int error,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* --- for whoever runs collectors (the agent, tests) --- */

/* Called for every event a collector emits. */
typedef void (*collector_listen_fn)(const struct collector *c, const struct report_event *ev,
                                    void *userdata);

/* A context for c: l may be NULL (snapshot only), listen may be NULL. */
int collector_ctx_new(const struct collector *c, struct loop *l, collector_listen_fn listen,
                      void *userdata, struct collector_ctx **ret);
/* The runner's way to privileged sources, for every context made after: NULL (the default)
 * produces them in-process. The daemon's worker routes them to its privileged parent. */
typedef int (*collector_privileged_fn)(enum privileged_source s, const char *arg, void *userdata);
void collector_set_privileged(collector_privileged_fn fn, void *userdata);
/* Runs the collector's fini if init ran, then frees. Accepts NULL. */
void collector_ctx_free(struct collector_ctx *ctx);
/* Run c->init (if any) for this context. */
int collector_ctx_start(struct collector_ctx *ctx);
const struct collector *collector_ctx_collector(const struct collector_ctx *ctx);

/* Start every collector of list that has an event source (init), on l: their contexts are
 * appended to ctxs (of *n, at most max). On failure those made stay in ctxs, for the caller
 * to free with collector_ctx_free. */
int collector_start_all(const struct collector *const *list, struct loop *l,
                        collector_listen_fn listen, void *userdata, struct collector_ctx **ctxs,
                        size_t max, size_t *n);

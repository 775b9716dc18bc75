/* The collector's context: what a collector may ask of whoever runs it (collector.h). The
 * runner (the agent's watch and daemon, a test) makes one per collector and owns it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "collector.h"

struct collector_ctx {
        const struct collector *collector;
        struct loop *loop; /* NULL: a snapshot only */
        collector_listen_fn listen;
        void *listen_userdata;
        void *state;
        bool started;
};

/* One privileged side per process: set once by the runner before it makes contexts. */
static collector_privileged_fn privileged_fn;
static void *privileged_userdata;

void collector_set_privileged(collector_privileged_fn fn, void *userdata) {
        privileged_fn = fn;
        privileged_userdata = userdata;
}

int collector_privileged_fd(struct collector_ctx *ctx, enum privileged_source s, const char *arg) {
        (void)ctx; /* kept: a collector asks through its context, as for everything else */
        if (privileged_fn)
                return privileged_fn(s, arg, privileged_userdata);
        return privileged_produce(s, arg);
}

int collector_ctx_new(const struct collector *c, struct loop *l, collector_listen_fn listen,
                      void *userdata, struct collector_ctx **ret) {
        struct collector_ctx *ctx = calloc(1, sizeof(*ctx));

        if (!ctx)
                return -ENOMEM;
        ctx->collector = c;
        ctx->loop = l;
        ctx->listen = listen;
        ctx->listen_userdata = userdata;
        *ret = ctx;
        return 0;
}

int collector_ctx_start(struct collector_ctx *ctx) {
        ctx->started = true; /* fini runs even if init fails half-way */
        return ctx->collector->init ? ctx->collector->init(ctx) : 0;
}

void collector_ctx_free(struct collector_ctx *ctx) {
        if (!ctx)
                return;
        if (ctx->started && ctx->collector->fini)
                ctx->collector->fini(ctx);
        free(ctx);
}

const struct collector *collector_ctx_collector(const struct collector_ctx *ctx) {
        return ctx->collector;
}

const char *collector_name(const struct collector_ctx *ctx) {
        return ctx->collector->name;
}

void *collector_state(const struct collector_ctx *ctx) {
        return ctx->state;
}

void collector_set_state(struct collector_ctx *ctx, void *state) {
        ctx->state = state;
}

int collector_add_io(struct collector_ctx *ctx, int fd, uint32_t events, loop_io_fn fn,
                     void *userdata, struct loop_source **ret) {
        if (!ctx->loop)
                return -EOPNOTSUPP;
        return loop_add_io(ctx->loop, fd, events, fn, userdata, ret);
}

int collector_add_timer(struct collector_ctx *ctx, uint64_t usec, loop_timer_fn fn, void *userdata,
                        struct loop_source **ret) {
        if (!ctx->loop)
                return -EOPNOTSUPP;
        return loop_add_timer(ctx->loop, usec, fn, userdata, ret);
}

void collector_emit(struct collector_ctx *ctx, const struct report_event *ev) {
        if (ctx->listen)
                ctx->listen(ctx->collector, ev, ctx->listen_userdata);
}

static void vlog_prefixed(const struct collector_ctx *ctx, enum log_level level, int error,
                          const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
static void vlog_prefixed(const struct collector_ctx *ctx, enum log_level level, int error,
                          const char *fmt, va_list ap) {
        char msg[900];

        if (vsnprintf(msg, sizeof(msg), fmt, ap) >= 0)
                log_msg(level, error, "%s: %s", ctx->collector->name, msg);
}

void collector_log(const struct collector_ctx *ctx, enum log_level level, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vlog_prefixed(ctx, level, 0, fmt, ap);
        va_end(ap);
}

int collector_log_errno(const struct collector_ctx *ctx, enum log_level level, int error,
                        const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vlog_prefixed(ctx, level, error, fmt, ap);
        va_end(ap);
        return error;
}

int collector_start_all(const struct collector *const *list, struct loop *l,
                        collector_listen_fn listen, void *userdata, struct collector_ctx **ctxs,
                        size_t max, size_t *n) {
        for (size_t i = 0; list[i]; i++) {
                int r;
                if (!list[i]->init)
                        continue;
                if (*n == max)
                        return -E2BIG;
                r = collector_ctx_new(list[i], l, listen, userdata, &ctxs[*n]);
                if (r < 0)
                        return r;
                r = collector_ctx_start(ctxs[(*n)++]);
                if (r < 0)
                        return log_errno(LOG_LEVEL_ERROR, r, "%s: cannot watch", list[i]->name);
        }
        return 0;
}

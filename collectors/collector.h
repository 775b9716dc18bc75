/* The collector interface: every source of facts is one `struct collector`, listed in
 * collectors/registry.c. A collector fills its part of a report on `snapshot`, and may add an
 * event source to the agent's loop on `init` (only when ctx->loop is set). */
#pragma once

#include <stdint.h>

#include "report.h"

struct loop;
struct collector_ctx;

typedef void (*collector_emit_fn)(struct collector_ctx *ctx, const struct report_event *ev,
                                  void *userdata);

struct collector_ctx {
        const char *name;  /* the collector's name, for log prefixes */
        struct loop *loop; /* NULL when only a snapshot is wanted */
        collector_emit_fn emit;
        void *emit_userdata;
        void *state; /* the collector's own, set by init, freed by fini */
};

struct collector {
        const char *name;
        int (*init)(struct collector_ctx *ctx); /* optional */
        int (*snapshot)(struct collector_ctx *ctx, struct report *r);
        void (*fini)(struct collector_ctx *ctx); /* accepts half-init */
};

extern const struct collector collector_system;
extern const struct collector collector_usb;

/* The registry: every collector, in the order their sections appear in a report. */
extern const struct collector *const collectors[];

const struct collector *collector_find(const char *name);
/* Hand an event to whoever listens (watch prints it, the daemon queues it). */
void collector_emit(struct collector_ctx *ctx, const struct report_event *ev);

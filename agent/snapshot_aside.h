/* One collector's snapshot in a child process: the child fills a report of its own and
 * writes it as JSON to a pipe; the parent reads it on its loop and decodes it with the
 * strict decoder (the child's output is treated as outside data). Past the collector's
 * timeout_ms the child is killed. A crash in a library (a SANE backend, libcups) costs that
 * collector's facts, not the agent. */
#pragma once

#include "collector.h"
#include "loop.h"
#include "report.h"

/* Most JSON a child may send: far above any real section. */
#define ASIDE_MAX_OUTPUT (16u << 20)

struct aside;

/* Called once from the loop. r: the collector's facts, to be taken by model_merge (may be
 * empty, never NULL). failure: NULL, or why the section is not complete ("did not finish
 * within 10000 ms", "killed by signal 11", strerror of its error). */
typedef void (*aside_done_fn)(struct aside *a, struct report *r, const char *failure,
                              void *userdata);

int aside_start(struct loop *l, const struct collector *c, aside_done_fn done, void *userdata,
                struct aside **ret);
/* Kill the child if it still runs, and free. Accepts NULL; safe from the done callback. */
void aside_free(struct aside *a);

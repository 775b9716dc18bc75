/* A collector's snapshot run aside from the loop, for collectors whose events come from a
 * query that may block (CUPS, SANE): the query runs in a child process killed at a deadline,
 * its report comes back as JSON through a pipe and is decoded strictly (outside data). The
 * agent's own agent/snapshot_aside.c does the same for full snapshots; collectors cannot
 * reach agent/, hence this one, driven through the collector's context. */
#pragma once

#include "collector.h"

struct collector_aside;

/* Called once, from the loop. r holds the collector's facts (empty on failure, never NULL;
 * the callee may take its contents); failure is NULL or why there are none ("did not finish
 * within 10000 ms", "killed by signal 9", ...). */
typedef void (*collector_aside_fn)(struct collector_aside *a, struct report *r, const char *failure,
                                   void *userdata);

/* Run the snapshot of ctx's collector in a child, at most timeout_ms. 0 or -errno. */
int collector_aside_start(struct collector_ctx *ctx, unsigned timeout_ms, collector_aside_fn done,
                          void *userdata, struct collector_aside **ret);
/* Kill the child if it still runs, and free. Accepts NULL; safe from the done callback. */
void collector_aside_free(struct collector_aside *a);

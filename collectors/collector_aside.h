/* A collector's snapshot run aside from the loop, for a collector that may block (CUPS, SANE):
 * it runs in a child process killed at a deadline, its report comes back as JSON through a
 * pipe and is decoded strictly (outside data). Used by the agent's full snapshots
 * (agent/snapshot.c, for collectors with a timeout_ms) and by collectors whose events come
 * from such a query, through the collector's context (its loop). */
#pragma once

#include "collector.h"

struct collector_aside;

/* Called once, from the loop. r holds what the child sent (never NULL; the callee may take
 * its contents): on failure, what a failed run managed to say, if anything (a callee that
 * trusts only complete runs ignores it); failure is NULL or why the run failed ("did not
 * finish within 10000 ms", "killed by signal 9", "sent an invalid report: ..."). */
typedef void (*collector_aside_fn)(struct collector_aside *a, struct report *r, const char *failure,
                                   void *userdata);

/* Run the snapshot of ctx's collector in a child, at most timeout_ms. 0 or -errno. */
int collector_aside_start(struct collector_ctx *ctx, unsigned timeout_ms, collector_aside_fn done,
                          void *userdata, struct collector_aside **ret);
/* Kill the child if it still runs, and free. Accepts NULL; safe from the done callback. */
void collector_aside_free(struct collector_aside *a);

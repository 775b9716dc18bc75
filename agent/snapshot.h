/* A full snapshot on the agent's loop: every collector of a set fills its section. Quick
 * collectors run on the loop; one that may block (its timeout_ms is set: CUPS, SANE) runs in
 * a child process of its own, so udev events and uploads keep flowing meanwhile, and is
 * killed at its deadline. A collector that fails, crashes or runs out of time is left out of
 * report.collectors (its section is not complete) and named in report.missing. */
#pragma once

#include <stdbool.h>

#include "collector.h"
#include "loop.h"
#include "report.h"

/* Which collectors to run: a bit per entry of a collector list. */
typedef unsigned collector_set;
#define COLLECTOR_SET_ALL (~0u)

/* Parse "usb,system" against list into a set; -EINVAL naming the unknown one in *ret_bad. */
int collector_set_parse(const struct collector *const *list, const char *names, collector_set *ret,
                        const char **ret_bad);
/* "system, usb": the names of a list, for messages. */
const char *collector_names(const struct collector *const *list, char *buf, size_t size);

struct snapshot;

/* Called once, from the loop, when every collector is done. r is the snapshot's: take it
 * (move it and report_init the original) or leave it to be freed with the snapshot. */
typedef void (*snapshot_done_fn)(struct snapshot *s, struct report *r, void *userdata);

/* Start a snapshot of the collectors of list that are in set. */
int snapshot_start(struct loop *l, const struct collector *const *list, collector_set set,
                   snapshot_done_fn done, void *userdata, struct snapshot **ret);
/* Stop it (children are killed) and free it. Accepts NULL. Safe from the done callback. */
void snapshot_free(struct snapshot *s);

/* One snapshot, start to end, on a loop of its own (the `inventory` command). */
int snapshot_collect(const struct collector *const *list, collector_set set, struct report *ret);

/* Running the collectors: a full inventory, and the hotplug watch. */
#pragma once

#include <stdbool.h>

#include "collector.h"
#include "report.h"

/* Which collectors to run: a bit per entry of collectors[]. */
typedef unsigned collector_set;
#define COLLECTOR_SET_ALL (~0u)

/* Parse "usb,system" into a set; -EINVAL naming the unknown collector in *ret_bad. */
int collector_set_parse(const char *list, collector_set *ret, const char **ret_bad);

bool collector_set_has(collector_set set, const struct collector *c);

/* Where the PC stands, from agent.ini: set r->host's unit and counter (either may be NULL).
 * 0 or -ENOMEM. */
int inventory_locate(struct report *r, const char *unit, const char *counter);

/* Fill r with a snapshot from every collector in set. A collector that fails is recorded in
 * r->missing; only running out of memory fails the whole inventory. */
int inventory_collect(collector_set set, struct report *r);

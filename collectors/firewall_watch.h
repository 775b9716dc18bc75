/* The firewall collector's events (watch, daemon): a re-check on a timer, firewall_changed
 * when a fact an inspector cares about changed. */
#pragma once

#include <stdint.h>

#include "collector.h"

int firewall_watch_start(struct collector_ctx *ctx);
void firewall_watch_stop(struct collector_ctx *ctx);

/* The firewall's facts into fw (firewall.c): what a snapshot and a re-check both do. Facts
 * that cannot be read go to r's missing[]; the nftables generation to *ret_generation. */
int firewall_read(struct collector_ctx *ctx, struct report *r, struct report_firewall *fw,
                  uint32_t *ret_generation);

/* What changed from old to new, in words, appended to *changes (of *n). 0 or -ENOMEM. */
int firewall_diff(const struct report_firewall *old, const struct report_firewall *new_,
                  char ***changes, size_t *n);

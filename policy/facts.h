/* What the rules ask of the facts before judging them: did a collector run, is a fact said
 * missing, how many days lie between two dates. A rule judges a section only when its
 * collector ran and the facts it needs are not missing: an unknown fact never gives a
 * finding that claims the opposite (CG-SYS-002 already tells what is missing). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "report.h"

/* The collector ran to the end (it is in collectors[]): its section is complete. */
bool policy_collector_ran(const struct report *r, const char *name);

/* missing[] names fact, or a fact under it ("antivirus[clamav]" covers
 * "antivirus[clamav].databases"), or the collector that gives it is named missing
 * ("collector.antivirus"). */
bool policy_fact_missing(const struct report *r, const char *fact);

/* Whole days from the date at the start of `from` ("2026-01-31", or an RFC 3339 time) to the
 * one at the start of `to`; REPORT_UNSET when either is not such a date. */
int64_t policy_days_between(const char *from, const char *to);

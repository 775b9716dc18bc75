#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define TIMEFMT_RFC3339_SIZE 32

/* "2026-11-23T17:49:19.123Z" (UTC, milliseconds) into buf. */
void timefmt_rfc3339(const struct timespec *ts, char buf[TIMEFMT_RFC3339_SIZE]);
void timefmt_now_rfc3339(char buf[TIMEFMT_RFC3339_SIZE]);
/* t is an RFC 3339 date-time in the shape the agent writes: "2026-11-23T08:01:10.123Z", with
 * at most 9 digits of fraction, "Z" or an offset such as "+07:00". */
bool timefmt_valid_rfc3339(const char *t);

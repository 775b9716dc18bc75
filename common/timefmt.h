#pragma once

#include <stddef.h>
#include <time.h>

#define TIMEFMT_RFC3339_SIZE 32

/* "2026-11-23T17:49:19.123Z" (UTC, milliseconds) into buf. */
void timefmt_rfc3339(const struct timespec *ts, char buf[TIMEFMT_RFC3339_SIZE]);
void timefmt_now_rfc3339(char buf[TIMEFMT_RFC3339_SIZE]);

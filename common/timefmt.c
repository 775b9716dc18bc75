#include "timefmt.h"

#include <stdio.h>

void timefmt_rfc3339(const struct timespec *ts, char buf[TIMEFMT_RFC3339_SIZE]) {
        struct tm tm;
        size_t n;

        gmtime_r(&ts->tv_sec, &tm);
        n = strftime(buf, TIMEFMT_RFC3339_SIZE, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf + n, TIMEFMT_RFC3339_SIZE - n, ".%03dZ", (int)(ts->tv_nsec / 1000000L) % 1000);
}

void timefmt_now_rfc3339(char buf[TIMEFMT_RFC3339_SIZE]) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        timefmt_rfc3339(&ts, buf);
}

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

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

bool timefmt_valid_rfc3339(const char *t) {
        static const char shape[] = "dddd-dd-ddTdd:dd:dd";
        size_t i;

        for (i = 0; shape[i]; i++)
                if (shape[i] == 'd' ? !is_digit(t[i]) : t[i] != shape[i])
                        return false;
        if (t[i] == '.') {
                size_t first = ++i;
                while (i < first + 9 && is_digit(t[i]))
                        i++;
                if (i == first)
                        return false;
        }
        if (t[i] == 'Z')
                i++;
        else if ((t[i] == '+' || t[i] == '-') && is_digit(t[i + 1]) && is_digit(t[i + 2]) &&
                 t[i + 3] == ':' && is_digit(t[i + 4]) && is_digit(t[i + 5]))
                i += 6;
        else
                return false;
        return t[i] == '\0';
}

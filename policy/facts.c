/* The checks the rules make before they judge a section of the facts. */
#include "facts.h"

#include <string.h>

bool policy_collector_ran(const struct report *r, const char *name) {
        for (size_t i = 0; i < r->n_collectors; i++)
                if (r->collectors[i] && strcmp(r->collectors[i], name) == 0)
                        return true;
        return false;
}

static bool under(const char *missing, const char *fact) {
        size_t n = strlen(fact);

        return strncmp(missing, fact, n) == 0 &&
               (missing[n] == '\0' || missing[n] == '.' || missing[n] == '[');
}

bool policy_fact_missing(const struct report *r, const char *fact) {
        size_t top = strcspn(fact, ".[");

        for (size_t i = 0; i < r->n_missing; i++) {
                const char *m = r->missing[i].fact;

                if (!m)
                        continue;
                if (under(m, fact))
                        return true;
                /* "collector.antivirus" for any antivirus fact */
                if (strncmp(m, "collector.", 10) == 0 && strlen(m + 10) == top &&
                    strncmp(m + 10, fact, top) == 0)
                        return true;
        }
        return false;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (the civil calendar's usual formula),
 * without the C library's time zone. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
        int64_t era, yoe, doy, doe;

        y -= m <= 2;
        era = (y >= 0 ? y : y - 399) / 400;
        yoe = y - era * 400;
        doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

static int digits(const char *s, size_t n, int64_t *ret) {
        int64_t v = 0;

        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -1;
                v = v * 10 + (s[i] - '0');
        }
        *ret = v;
        return 0;
}

/* "YYYY-MM-DD" at the start of s, as days since the epoch; -1 when it is not one. */
static int parse_date(const char *s, int64_t *ret) {
        int64_t y, m, d;

        if (!s || strnlen(s, 10) < 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) < 0 ||
            digits(s + 5, 2, &m) < 0 || digits(s + 8, 2, &d) < 0 || m < 1 || m > 12 || d < 1 ||
            d > 31)
                return -1;
        *ret = days_from_civil(y, m, d);
        return 0;
}

int64_t policy_days_between(const char *from, const char *to) {
        int64_t a, b;

        if (parse_date(from, &a) < 0 || parse_date(to, &b) < 0)
                return REPORT_UNSET;
        return b - a;
}

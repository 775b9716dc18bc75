/* freshclam's log (antivirus_freshclam.h). */
#include "antivirus_freshclam.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STARTED "ClamAV update process started at "

static const char *const result_names[FRESHCLAM_RESULT_MAX] = {
        [FRESHCLAM_UNKNOWN] = NULL,
        [FRESHCLAM_UPDATED] = "updated",
        [FRESHCLAM_UP_TO_DATE] = "up-to-date",
        [FRESHCLAM_FAILED] = "failed",
};

const char *freshclam_result_to_string(enum freshclam_result r) {
        return (unsigned)r < FRESHCLAM_RESULT_MAX ? result_names[r] : NULL;
}

/* needle in [s, e) */
static const char *find(const char *s, const char *e, const char *needle) {
        size_t n = strlen(needle);

        return (size_t)(e - s) >= n ? memmem(s, (size_t)(e - s), needle, n) : NULL;
}

/* "Wed Dec  2 16:00:00 2026", local time, at s (at most e) */
static int parse_ctime(const char *s, const char *e, int64_t *ret) {
        char buf[40];
        struct tm tm;
        const char *end;
        time_t t;
        size_t n = (size_t)(e - s);

        if (n >= sizeof(buf))
                n = sizeof(buf) - 1;
        memcpy(buf, s, n);
        buf[n] = '\0';
        memset(&tm, 0, sizeof(tm));
        end = strptime(buf, "%a %b %e %H:%M:%S %Y", &tm);
        if (!end)
                return -EBADMSG;
        tm.tm_isdst = -1;
        t = mktime(&tm);
        if (t == (time_t)-1)
                return -EBADMSG;
        *ret = (int64_t)t;
        return 0;
}

int freshclam_log_parse(const char *buf, size_t len, enum freshclam_result *ret_result,
                        int64_t *ret_started) {
        const char *end = buf + len, *p = buf, *run = NULL, *run_line_end = NULL;
        enum freshclam_result result = FRESHCLAM_UNKNOWN;
        bool updated = false, current = false, failed = false;
        int64_t started;

        /* the last run's start */
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *eol = nl ? nl : end;
                const char *s = find(p, eol, STARTED);
                if (s) {
                        run = s + strlen(STARTED);
                        run_line_end = eol;
                }
                p = eol + 1;
        }
        if (!run || parse_ctime(run, run_line_end, &started) < 0)
                return -ENOENT;
        /* what the run said */
        for (p = run_line_end; p < end;) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *eol = nl ? nl : end;
                if (find(p, eol, "ERROR:") || find(p, eol, "Update failed") ||
                    find(p, eol, "update failed"))
                        failed = true;
                else if (find(p, eol, " updated (version:") || find(p, eol, "Database updated"))
                        updated = true;
                else if (find(p, eol, "is up-to-date"))
                        current = true;
                p = eol + 1;
        }
        if (failed)
                result = FRESHCLAM_FAILED;
        else if (updated)
                result = FRESHCLAM_UPDATED;
        else if (current)
                result = FRESHCLAM_UP_TO_DATE;
        *ret_result = result;
        *ret_started = started;
        return 0;
}

int freshclam_read_tail(int fd, char **ret, size_t *ret_len) {
        struct stat st;
        off_t from = 0;
        size_t len = 0;
        char *buf, *nl;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if ((size_t)st.st_size > FRESHCLAM_TAIL_MAX)
                from = st.st_size - (off_t)FRESHCLAM_TAIL_MAX;
        buf = malloc(FRESHCLAM_TAIL_MAX + 1);
        if (!buf)
                return -ENOMEM;
        while (len < FRESHCLAM_TAIL_MAX) {
                ssize_t n = pread(fd, buf + len, FRESHCLAM_TAIL_MAX - len, from + (off_t)len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int r = -errno;
                        free(buf);
                        return r;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        buf[len] = '\0';
        /* begun in the middle of a line: from the next one */
        if (from > 0 && (nl = memchr(buf, '\n', len))) {
                len -= (size_t)(nl + 1 - buf);
                memmove(buf, nl + 1, len + 1);
        }
        *ret = buf;
        *ret_len = len;
        return 0;
}

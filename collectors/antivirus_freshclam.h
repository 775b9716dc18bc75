/* freshclam's log (UpdateLogFile, Debian: /var/log/clamav/freshclam.log): the result and time
 * of the last update run. A run starts with "ClamAV update process started at <ctime>" and
 * logs, per database, "<db> updated (version: ...)", "<db> database is up-to-date (...)" or
 * errors ("ERROR: ...", "Update failed ..."). With LogTime each line starts with
 * "<ctime> -> ". ctime is the PC's local time. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define FRESHCLAM_TAIL_MAX ((size_t)64 * 1024) /* the last run is at the log's end */

enum freshclam_result {
        FRESHCLAM_UNKNOWN, /* a run started, nothing said yet (or not in words we know) */
        FRESHCLAM_UPDATED,
        FRESHCLAM_UP_TO_DATE,
        FRESHCLAM_FAILED,
        FRESHCLAM_RESULT_MAX,
};

const char *freshclam_result_to_string(enum freshclam_result r); /* as the report says it */

/* The last run in buf (the log's end). 0 with its result and start time (seconds since the
 * epoch, from the local time the log gives), or -ENOENT when no run is in buf. */
int freshclam_log_parse(const char *buf, size_t len, enum freshclam_result *ret_result,
                        int64_t *ret_started);

/* The last FRESHCLAM_TAIL_MAX bytes of fd (from a whole line on) into a malloc'ed buffer.
 * 0 or -errno. */
int freshclam_read_tail(int fd, char **ret, size_t *ret_len);

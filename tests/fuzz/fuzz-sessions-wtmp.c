/* wtmp read backwards and paired into sessions: any bytes (records of any type, times, lines,
 * a torn last record) give a report that encodes as valid JSON, never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "model.h"
#include "privileged.h"
#include "sessions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct sessions_limits l = {8, (int64_t)90 * 86400, 1000};
        struct sessions_pairer *p = NULL;
        struct sessions_walk w;
        struct report r;
        int fd = privileged_memfd("wtmp");

        if (fd < 0)
                return 0;
        if (write(fd, data, size) != (ssize_t)size) {
                close(fd);
                return 0;
        }
        report_init(&r);
        /* "now" far enough ahead that every 32-bit time is within reach of the age limit */
        if (sessions_pairer_new(&l, (time_t)INT32_MAX, &r, &p) == 0 &&
            sessions_walk_back(fd, l.max_records, sessions_pair_record, p, &w) == 0 &&
            sessions_pair_finish(p, w.reached_start) == 0) {
                char *s = model_dump(&report_desc, &r, false);
                free(s);
        }
        sessions_pairer_free(p);
        report_free(&r);
        close(fd);
        return 0;
}

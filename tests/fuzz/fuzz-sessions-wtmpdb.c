/* A wtmpdb database file of any bytes (SQLite checks its own format; the rows' values are
 * ours to check): a report that encodes as valid JSON, never a crash or a leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model.h"
#include "sessions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct sessions_limits l = {50, (int64_t)90 * 86400, 1000};
        char path[] = "/tmp/fuzz-wtmpdb-XXXXXX";
        struct report r;
        size_t skipped;
        int fd = mkstemp(path);

        if (fd < 0)
                return 0;
        if (write(fd, data, size) == (ssize_t)size) {
                report_init(&r);
                if (sessions_wtmpdb_read(path, &l, (time_t)1800000000, &r, &skipped) == 0) {
                        char *s = model_dump(&report_desc, &r, false);
                        free(s);
                }
                report_free(&r);
        }
        close(fd);
        unlink(path);
        return 0;
}

/* freshclam's log: any bytes give the last run's result or -ENOENT, never a crash. */
#include <stdint.h>
#include <stdlib.h>

#include "antivirus_freshclam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        enum freshclam_result r;
        int64_t t;

        (void)freshclam_log_parse((const char *)data, size, &r, &t);
        return 0;
}

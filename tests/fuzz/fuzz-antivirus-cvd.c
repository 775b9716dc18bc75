/* ClamAV database headers (.cvd/.cld/.cud): any bytes give a header or -EBADMSG. */
#include <stdint.h>
#include <stdlib.h>

#include "antivirus_cvd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct cvd_header h;

        (void)cvd_header_parse((const char *)data, size, &h);
        return 0;
}

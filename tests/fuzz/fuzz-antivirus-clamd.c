/* What clamd's side gives the agent: its clamd.conf and its answer to VERSION. The first byte
 * chooses which parser gets the rest. */
#include <stdint.h>
#include <stdlib.h>

#include "antivirus_clamd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct clamd_conf c;
        struct clamd_version v;
        size_t line;

        if (size < 1)
                return 0;
        if (data[0] & 1) {
                if (clamd_conf_parse((const char *)data + 1, size - 1, &c, &line) == 0)
                        clamd_conf_free(&c);
        } else {
                (void)clamd_version_parse((const char *)data + 1, size - 1, &v);
        }
        return 0;
}

/* os-release(5) parsing: any bytes give valid UTF-8 values or nothing, never a crash. */
#include <stdint.h>
#include <stdlib.h>

#include "os_release.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct os_release o;

        if (os_release_parse((const char *)data, size, &o) == 0)
                os_release_free(&o);
        return 0;
}

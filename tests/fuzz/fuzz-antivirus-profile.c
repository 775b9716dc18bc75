/* Antivirus profile files: any bytes give profiles or an error naming a line, never a crash;
 * the input is parsed twice into the same set, as an override file would be. */
#include <stdint.h>
#include <stdlib.h>

#include "antivirus_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct av_profiles p = {0};
        char error[AV_ERROR_MAX];

        if (av_profiles_parse("fuzz", (const char *)data, size, &p, error) == 0)
                (void)av_profiles_parse("fuzz-again", (const char *)data, size, &p, error);
        av_profiles_free(&p);
        return 0;
}

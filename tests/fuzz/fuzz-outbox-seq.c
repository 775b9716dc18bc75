/* The outbox's "PATH.seq" sidecar: any bytes are a seq or refused, never a crash, and an
 * accepted seq is exactly the digits given (at most 18 of them, so it cannot overflow). */
#include <stdint.h>
#include <stdlib.h>

#include "outbox_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *text = (const char *)data;
        uint64_t v = 0, again = 0;
        size_t digits = 0;

        if (outbox_seq_parse(text, size, &v) < 0)
                return 0;
        while (digits < size && text[digits] != '\n')
                again = again * 10 + (uint64_t)(text[digits++] - '0');
        if (digits == 0 || digits > 18 || again != v)
                abort();
        return 0;
}

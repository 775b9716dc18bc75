/* The request path decoder: any bytes in, a string no longer than its input out, never a NUL
 * decoded from "%00", never a read or write out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s = malloc(size + 1);
        size_t in, out;

        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        in = strlen(s);
        out = http_unescape(s);
        if (out > in || strlen(s) != out)
                __builtin_trap(); /* shorter or equal, and no NUL inside */
        free(s);
        return 0;
}

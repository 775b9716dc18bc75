/* Sanitising and table cells for hostile device strings: the result is always valid UTF-8
 * within its bounds, and a cell never exceeds its width. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s = text_sanitize((const char *)data, size, 255);
        char cell[128];
        size_t w;

        if (!s)
                return 0;
        if (strlen(s) > 255)
                abort();
        /* sanitising is idempotent: valid text stays as it is */
        {
                char *again = text_sanitize(s, strlen(s), 255);
                if (!again || strcmp(again, s) != 0)
                        abort();
                free(again);
        }
        w = text_cell(s, 20, cell, sizeof(cell));
        if (w > 20 || text_width(cell) != w)
                abort();
        free(s);
        /* udev's \xNN escapes, from the raw bytes (made a C string first) */
        {
                char *z = malloc(size + 1), *u;
                if (!z)
                        return 0;
                memcpy(z, data, size);
                z[size] = '\0';
                u = text_unescape_hex(z, 255);
                if (u && strlen(u) > 255)
                        abort();
                free(u);
                free(z);
        }
        return 0;
}

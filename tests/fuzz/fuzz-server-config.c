/* server.ini through inih and our key table, on arbitrary text: accepted or refused with a
 * file:line message, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct server_config c;
        char *text;

        if (size > 65536)
                return 0;
        text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        config_init(&c);
        if (config_load_string("fuzz.ini", text, &c) == 0) {
                /* accepted: what serve relies on is there */
                if (!c.listen || !c.store_url || !c.tls_priorities || c.max_body == 0)
                        __builtin_trap();
                config_free(&c);
        }
        free(text);
        return 0;
}

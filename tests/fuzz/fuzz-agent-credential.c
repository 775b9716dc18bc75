/* The enrollment file (agent/credential.c): any text is accepted into a valid enrollment
 * or refused, never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "credential.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct credential c = {0};
        char *text = malloc(size + 1);

        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        if (credential_load_string("fuzz.credential", text, &c) == 0 &&
            (strncmp(c.server, "https://", 8) != 0 || strncmp(c.credential, c.agent_id, 32) != 0))
                abort();
        credential_free(&c);
        free(text);
        return 0;
}

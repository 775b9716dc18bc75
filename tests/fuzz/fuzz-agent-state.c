/* The daemon's state file as `status` reads it (agent/daemon_state.c): any text is read into
 * bounded, NUL-terminated fields or refused; what is written reads back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct daemon_state st;
        char *text = malloc(size + 1);

        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        if (daemon_state_parse("fuzz.state", text, &st) == 0 &&
            (memchr(st.last_error, '\0', sizeof(st.last_error)) == NULL ||
             memchr(st.server, '\0', sizeof(st.server)) == NULL))
                abort();
        free(text);
        return 0;
}

/* agent.ini: any text is accepted into valid values or refused, never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct agent_config c = {0};
        char *text = malloc(size + 1);

        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        if (agent_config_load_string("fuzz.ini", text, &c) == 0 && c.unit && !*c.unit)
                abort(); /* an accepted unit is never empty */
        agent_config_free(&c);
        free(text);
        return 0;
}

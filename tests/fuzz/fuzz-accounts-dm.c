/* LightDM, GDM and SDDM configuration: any bytes, read as each, never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_dm.h"

static int count(const char *user, enum accounts_dm_kind k, void *userdata) {
        (void)k;
        *(size_t *)userdata += strlen(user);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = malloc(size + 1);
        struct accounts_dm dm;
        size_t total = 0;

        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        accounts_dm_init(&dm);
        for (int k = 0; k < ACCOUNTS_DM_MAX; k++)
                (void)accounts_dm_parse(&dm, (enum accounts_dm_kind)k, text);
        (void)accounts_dm_autologins(&dm, count, &total);
        accounts_dm_free(&dm);
        free(text);
        return 0;
}

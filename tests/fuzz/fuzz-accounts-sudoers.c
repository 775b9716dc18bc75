/* sudoers parsing: any bytes give grants, aliases and includes (NUL-terminated names), never a
 * crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_sudoers.h"

static int grant(const char *who, unsigned line, void *userdata) {
        (void)line;
        *(size_t *)userdata += strlen(who);
        return 0;
}

static int include(const char *path, int dir, unsigned line, void *userdata) {
        (void)dir;
        (void)line;
        *(size_t *)userdata += strlen(path);
        return 0;
}

static int alias(const char *name, const char *member, unsigned line, void *userdata) {
        (void)line;
        *(size_t *)userdata += strlen(name) + strlen(member);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const struct accounts_sudoers_ops ops = {grant, include, NULL, alias};
        size_t total = 0;

        (void)accounts_sudoers_parse((const char *)data, size, &ops, &total);
        return 0;
}

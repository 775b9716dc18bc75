/* The static table of collectors. Adding one is a new file and one line here. */
#include <string.h>

#include "collector.h"

extern const struct collector collector_system;
extern const struct collector collector_usb;
extern const struct collector collector_printers;
extern const struct collector collector_scanners;
extern const struct collector collector_accounts;
extern const struct collector collector_sessions;
extern const struct collector collector_firewall;
extern const struct collector collector_antivirus;

/* one per line, whatever clang-format would pack: each collector's branch adds its own line */
/* clang-format off */
const struct collector *const collectors[] = {
        &collector_system,
        &collector_usb,
        &collector_printers,
        &collector_scanners,
        &collector_accounts,
        &collector_sessions,
        &collector_firewall,
        &collector_antivirus,
        NULL,
};
/* clang-format on */

const struct collector *collector_find(const char *name) {
        for (const struct collector *const *c = collectors; *c; c++)
                if (strcmp((*c)->name, name) == 0)
                        return *c;
        return NULL;
}

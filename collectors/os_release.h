/* os-release(5): the operating system's identity, a list of shell-style KEY=value lines. */
#pragma once

#include <stddef.h>

struct os_release {
        char *id;      /* ID */
        char *name;    /* PRETTY_NAME, else NAME */
        char *version; /* VERSION_ID, else VERSION */
};

/* Parse buf[0..len). Unknown keys, comments and malformed lines are skipped (os-release is
 * extended by every distribution); values are sanitised to UTF-8. 0 or -ENOMEM. */
int os_release_parse(const char *buf, size_t len, struct os_release *ret);
void os_release_free(struct os_release *o);

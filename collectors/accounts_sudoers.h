/* sudoers(5) parsing, as much as tells who may run everything: rules whose command list holds
 * ALL, for a user, a %group or a User_Alias, the User_Alias definitions, and the #include /
 * @includedir lines to follow. Negations, Runas and host restrictions are not evaluated
 * (docs/accounts.md). */
#pragma once

#include <stddef.h>

struct accounts_sudoers_ops {
        /* who: a user name, or "%group"; line from 1. 0 or -errno. */
        int (*grant)(const char *who, unsigned line, void *userdata);
        /* an #include / @include (dir 0) or #includedir / @includedir (dir 1) of path */
        int (*include)(const char *path, int dir, unsigned line, void *userdata);
        void (*bad_line)(unsigned line, const char *why, void *userdata);
        /* User_Alias name = member, ...: once per member. May be NULL. */
        int (*alias)(const char *name, const char *member, unsigned line, void *userdata);
};

/* Parse one sudoers file's text. 0, -ENOMEM or a callback's error. */
int accounts_sudoers_parse(const char *buf, size_t len, const struct accounts_sudoers_ops *ops,
                           void *userdata);

/* Reading the accounts' and sessions' files whole: a capped read of an fd or a path, so a huge
 * or endless file costs a bounded amount of memory. */
#pragma once

#include <stddef.h>

/* Largest /etc file read whole (passwd, shadow, group, sudoers, login.defs, DM configs). A
 * bigger one is read up to this and flagged by the caller. */
#define ACCOUNTS_MAX_FILE ((size_t)8 * 1024 * 1024)

/* Read at most max bytes of fd (from its current offset) into a malloc'ed, NUL-terminated
 * buffer; 0 or -errno (-EFBIG when there was more: *ret then holds the first max bytes). The fd
 * stays the caller's. */
int accounts_read_fd(int fd, size_t max, char **ret, size_t *ret_len);

/* The same for a world-readable path (opened O_CLOEXEC|O_NOFOLLOW|O_NONBLOCK). */
int accounts_read_path(const char *path, size_t max, char **ret, size_t *ret_len);

/* Split line (modified in place) at sep into at most max fields; returns how many there were
 * (may be more than max: the extra ones are not stored). */
size_t accounts_split(char *line, char sep, char **fields, size_t max);

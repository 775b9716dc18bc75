#pragma once

#include <stddef.h>

/* Read at most max bytes of path into a malloc'ed, NUL-terminated buffer. 0, or -errno
 * (-EFBIG when the file is larger than max). */
int fileio_read_capped(const char *path, size_t max, char **ret, size_t *ret_len);

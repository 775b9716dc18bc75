#pragma once

#include <stddef.h>

/* Read at most max bytes of path into a malloc'ed, NUL-terminated buffer. 0, or -errno
 * (-EFBIG when the file is larger than max). */
int fileio_read_capped(const char *path, size_t max, char **ret, size_t *ret_len);

/* Replace path with data, all or nothing, and durably: write "PATH.tmp" (mode), fsync it,
 * rename it over path, fsync the directory. 0 or -errno; on failure path is untouched. */
int fileio_write_atomic(const char *path, const void *data, size_t len, unsigned mode);

/* The directory holding path into buf: "." for a bare name, "/" for "/name". 0 or
 * -ENAMETOOLONG. */
int fileio_dir_of(const char *path, char *buf, size_t size);

/* fsync the directory holding path, which makes a rename or a new file in it durable. */
int fileio_fsync_dir(const char *path);

/* Capped whole-file reads and field splitting for the accounts and sessions readers. */
#include "accounts_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int accounts_read_fd(int fd, size_t max, char **ret, size_t *ret_len) {
        size_t len = 0, cap = max < 4096 ? max : 4096;
        char *buf = malloc(cap + 1);
        int r = 0;

        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t n;

                if (len == cap) {
                        size_t ncap = cap * 2 > max ? max : cap * 2;
                        char *nb;

                        if (len >= max) {
                                char extra;
                                /* one more byte tells "exactly max" from "more than max" */
                                n = read(fd, &extra, 1);
                                if (n > 0)
                                        r = -EFBIG;
                                break;
                        }
                        nb = realloc(buf, ncap + 1);
                        if (!nb) {
                                free(buf);
                                return -ENOMEM;
                        }
                        buf = nb;
                        cap = ncap;
                }
                n = read(fd, buf + len, cap - len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        free(buf);
                        return r;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        buf[len] = '\0';
        *ret = buf;
        *ret_len = len;
        return r;
}

int accounts_read_path(const char *path, size_t max, char **ret, size_t *ret_len) {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
        int r;

        if (fd < 0)
                return -errno;
        r = accounts_read_fd(fd, max, ret, ret_len);
        close(fd);
        return r;
}

size_t accounts_split(char *line, char sep, char **fields, size_t max) {
        size_t n = 0;
        char *p = line;

        for (;;) {
                char *end = strchr(p, sep);

                if (n < max)
                        fields[n] = p;
                n++;
                if (!end)
                        break;
                *end = '\0';
                p = end + 1;
        }
        return n;
}

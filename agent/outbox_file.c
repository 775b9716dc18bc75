/* The outbox's files beside SQLite's: the directory and header checks made before SQLite
 * opens anything, moving a corrupt file aside, and "PATH.seq", the seq high-water mark that
 * outlives the database (outbox.c says why it exists). */
#include "outbox_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"

#define SEQ_DIGITS_MAX 18 /* below INT64_MAX, SQLite's integer, with room for the lease */

int outbox_check_dir(const char *path) {
        char dir[PATH_MAX];
        struct stat st;
        int r = fileio_dir_of(path, dir, sizeof(dir));

        if (r < 0)
                return log_error_errno(r, "outbox: cannot use '%s'", path);
        if (stat(dir, &st) < 0)
                return log_error_errno(-errno, "outbox: cannot use '%s': directory '%s'", path,
                                       dir);
        if (!S_ISDIR(st.st_mode)) {
                log_error("outbox: cannot use '%s': '%s' is not a directory", path, dir);
                return -ENOTDIR;
        }
        return 0;
}

int outbox_check_header(const char *path, const char **why) {
        static const char magic[16] = "SQLite format 3";
        char head[100];
        ssize_t n;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

        if (fd < 0)
                return -errno;
        n = read(fd, head, sizeof(head));
        close(fd);
        if (n < 0)
                return -errno;
        *why = n == 0                                    ? "empty file"
               : n < (ssize_t)sizeof(head)               ? "truncated header"
               : memcmp(head, magic, sizeof(magic)) != 0 ? "not a SQLite database"
                                                         : NULL;
        return *why ? -EBADMSG : 0;
}

int outbox_move_aside(struct outbox *o, const char *why) {
        char stamp[32], aside[PATH_MAX], from[PATH_MAX], to[PATH_MAX + 8];
        time_t now = time(NULL);
        struct tm tm;

        strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
        for (int i = 0;; i++) {
                if (i == 0)
                        snprintf(aside, sizeof(aside), "%s.corrupt-%s", o->path, stamp);
                else
                        snprintf(aside, sizeof(aside), "%s.corrupt-%s.%d", o->path, stamp, i);
                if (renameat2(AT_FDCWD, o->path, AT_FDCWD, aside, RENAME_NOREPLACE) == 0)
                        break;
                if (errno != EEXIST || i == 99)
                        return log_error_errno(-errno, "outbox: cannot move corrupt '%s' to '%s'",
                                               o->path, aside);
        }
        /* Its WAL goes with it: left here, SQLite would replay the old log into the new file. */
        snprintf(from, sizeof(from), "%s-wal", o->path);
        snprintf(to, sizeof(to), "%s-wal", aside);
        if (rename(from, to) < 0 && errno != ENOENT)
                return log_error_errno(-errno, "outbox: cannot move '%s' to '%s'", from, to);
        snprintf(from, sizeof(from), "%s-shm", o->path);
        if (unlink(from) < 0 && errno != ENOENT)
                return log_error_errno(-errno, "outbox: cannot remove '%s'", from);
        log_warn("outbox: '%s' is corrupt (%s): moved aside to '%s', starting a new outbox",
                 o->path, why, aside);
        return 0;
}

int outbox_seq_parse(const char *text, size_t len, uint64_t *ret) {
        uint64_t v = 0;
        size_t n = 0;

        while (n < len && text[n] >= '0' && text[n] <= '9') {
                if (n == SEQ_DIGITS_MAX)
                        return -EINVAL;
                v = v * 10 + (uint64_t)(text[n] - '0');
                n++;
        }
        if (n == 0 || (n < len && !(text[n] == '\n' && n + 1 == len)))
                return -EINVAL;
        *ret = v;
        return 0;
}

uint64_t outbox_seq_load(struct outbox *o) {
        char *text = NULL;
        size_t len = 0;
        uint64_t v = 0;
        int r = fileio_read_capped(o->seq_path, 64, &text, &len);

        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                log_warn_errno(r, "outbox: cannot read '%s', ignored", o->seq_path);
                return 0;
        }
        if (outbox_seq_parse(text, len, &v) < 0)
                log_warn("outbox: '%s' does not hold a seq number, ignored", o->seq_path);
        free(text);
        return v;
}

int outbox_seq_reserve(struct outbox *o, uint64_t seq) {
        char text[32];
        uint64_t v = seq + OUTBOX_SEQ_LEASE;
        int n, r;

        if (seq < o->reserved)
                return 0;
        n = snprintf(text, sizeof(text), "%" PRIu64 "\n", v);
        r = fileio_write_atomic(o->seq_path, text, (size_t)n, 0600);
        if (r < 0)
                return log_error_errno(r, "outbox: cannot write '%s'", o->seq_path);
        o->reserved = v;
        return 0;
}

/* wtmp(5) and btmp read as arrays of struct utmpx: backwards from the end in fixed chunks for
 * a snapshot (the recent sessions are at the end; memory is one chunk, time is bounded by
 * the records read), forwards from an offset for watch. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sessions.h"

#define CHUNK_RECORDS 256 /* 96 KiB */

static ssize_t pread_full(int fd, void *buf, size_t n, off_t off) {
        size_t done = 0;

        while (done < n) {
                ssize_t r = pread(fd, (char *)buf + done, n - done, off + (off_t)done);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                if (r == 0)
                        break;
                done += (size_t)r;
        }
        return (ssize_t)done;
}

int sessions_walk_back(int fd, uint64_t max_records, sessions_record_fn fn, void *userdata,
                       struct sessions_walk *ret) {
        const size_t rec = sizeof(struct utmpx);
        struct utmpx *chunk;
        struct stat st;
        uint64_t n_records;
        int r = 0;

        memset(ret, 0, sizeof(*ret));
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        ret->tail_bytes = (size_t)((uint64_t)st.st_size % rec);
        n_records = (uint64_t)st.st_size / rec;
        chunk = malloc(CHUNK_RECORDS * rec);
        if (!chunk)
                return -ENOMEM;
        while (n_records > 0) {
                size_t n = n_records < CHUNK_RECORDS ? (size_t)n_records : CHUNK_RECORDS;
                uint64_t first = n_records - n;
                ssize_t got = pread_full(fd, chunk, n * rec, (off_t)(first * rec));

                if (got < 0) {
                        r = (int)got;
                        break;
                }
                if ((size_t)got < n * rec) /* shrank meanwhile: what is left is still read */
                        n = (size_t)got / rec;
                for (size_t i = n; i-- > 0;) {
                        if (ret->records >= max_records) {
                                ret->stopped_at_limit = true;
                                goto out;
                        }
                        ret->records++;
                        r = fn(&chunk[i], userdata);
                        if (r != 0)
                                goto out;
                }
                n_records = first;
        }
        ret->reached_start = true;
out:
        free(chunk);
        return r < 0 ? r : 0;
}

int sessions_read_forward(int fd, uint64_t *offset, sessions_record_fn fn, void *userdata) {
        const size_t rec = sizeof(struct utmpx);
        struct utmpx chunk[16];

        for (;;) {
                ssize_t got = pread_full(fd, chunk, sizeof(chunk), (off_t)*offset);
                size_t n;

                if (got < 0)
                        return (int)got;
                n = (size_t)got / rec;
                for (size_t i = 0; i < n; i++) {
                        int r = fn(&chunk[i], userdata);
                        *offset += rec;
                        if (r < 0)
                                return r;
                }
                if (n < 16)
                        return 0; /* a partial record stays for the next time */
        }
}

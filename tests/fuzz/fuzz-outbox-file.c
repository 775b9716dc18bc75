/* Whatever bytes sit where the outbox file should be, outbox_open ends with a working outbox:
 * the file is kept if it is a good outbox, moved aside if not, never a crash or a leak, and
 * an append after it always gets a seq above every one the file held. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "outbox.h"

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
        (void)st, (void)flag, (void)ftw;
        return remove(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char dir[] = "/tmp/cg-fuzz-outbox.XXXXXX", path[64];
        struct outbox *o = NULL;
        struct outbox_record *r = NULL;
        struct outbox_stats s;
        size_t n = 0;
        uint64_t seq = 0;

        log_set_level(LOG_LEVEL_ERROR); /* a corrupt file's warning, every time */
        if (!mkdtemp(dir))
                abort();
        snprintf(path, sizeof(path), "%s/outbox.db", dir);
        if (fileio_write_atomic(path, data, size, 0600) < 0 || outbox_open(path, 0, &o) < 0 ||
            outbox_peek(o, 100, SIZE_MAX, &r, &n) < 0 || outbox_stats(o, &s) < 0 ||
            outbox_append(o, OUTBOX_EVENT, "2026-11-23T08:00:00Z", "{}", &seq) < 0)
                abort();
        if (seq != s.next_seq || (n > 0 && seq <= r[n - 1].seq))
                abort();
        outbox_records_free(r, n);
        outbox_close(o);
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        return 0;
}

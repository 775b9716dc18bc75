/* The outbox: what goes in comes out oldest first and stays until acknowledged; a lying server
 * cannot make it delete what it never sent; the cap drops snapshots before events and counts
 * them; seqs never come back, not after emptying, losing or corrupting the file; a corrupt file
 * is moved aside and named; files are 0600 and close-on-exec; a full disk is -ENOSPC and
 * nothing more. Each test works in its own temp directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "outbox.h"
#include "outbox_internal.h"

#define T0 "2026-11-23T08:00:00Z"

struct fixture {
        char dir[64];
        char path[128];
        char log[160];
};

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
        (void)st, (void)flag, (void)ftw;
        return remove(p);
}

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        snprintf(f->dir, sizeof(f->dir), "/tmp/cg-outbox.XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        snprintf(f->path, sizeof(f->path), "%s/outbox.db", f->dir);
        snprintf(f->log, sizeof(f->log), "%s.log", f->dir); /* beside it: outlives the rm */
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;

        umount2(f->dir, MNT_DETACH); /* the disk-full test's tmpfs, if any */
        nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        unlink(f->log);
        free(f);
        return 0;
}

/* stderr into f->log between capture_start and capture_end, which returns it (malloc'ed). */
static int saved_stderr = -1;
static void capture_start(struct fixture *f) {
        int fd = open(f->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        if (fd < 0) /* fail() does not return; assert_true is not marked so for the analyzer */
                fail();
        fflush(stderr);
        saved_stderr = dup(2);
        dup2(fd, 2);
        close(fd);
}

static char *capture_end(struct fixture *f) {
        char *text = NULL;

        fflush(stderr);
        dup2(saved_stderr, 2);
        close(saved_stderr);
        assert_int_equal(fileio_read_capped(f->log, 1 << 20, &text, NULL), 0);
        fprintf(stderr, "%s", text); /* still shown in the test's log */
        return text;
}

static char *body_of(size_t len, char fill) {
        char *b = malloc(len + 1);

        assert_non_null(b);
        memset(b, fill, len);
        b[0] = '{';
        b[len - 1] = '}';
        b[len] = '\0';
        return b;
}

static uint64_t append(struct outbox *o, enum outbox_kind kind, size_t len) {
        char *b = body_of(len, kind == OUTBOX_SNAPSHOT ? 's' : 'e');
        uint64_t seq = 0;

        assert_int_equal(outbox_append(o, kind, T0, b, &seq), 0);
        free(b);
        return seq;
}

/* All records' seqs, oldest first, into seqs (at most max); the count. */
static size_t all_seqs(struct outbox *o, uint64_t *seqs, size_t max) {
        struct outbox_record *r = NULL;
        size_t n = 0;

        assert_int_equal(outbox_peek(o, max, SIZE_MAX, &r, &n), 0);
        for (size_t i = 0; i < n; i++)
                seqs[i] = r[i].seq;
        outbox_records_free(r, n);
        return n;
}

static uint64_t seq_file(const struct fixture *f) {
        char p[160], *text = NULL;
        size_t len = 0;
        uint64_t v = 0;

        snprintf(p, sizeof(p), "%s.seq", f->path);
        assert_int_equal(fileio_read_capped(p, 64, &text, &len), 0);
        assert_int_equal(outbox_seq_parse(text, len, &v), 0);
        free(text);
        return v;
}

static uint64_t next_seq(struct outbox *o) {
        struct outbox_stats s;

        assert_int_equal(outbox_stats(o, &s), 0);
        return s.next_seq;
}

static void test_roundtrip(void **state) {
        struct fixture *f = *state;
        struct outbox *o = NULL;
        struct outbox_record *r = NULL;
        struct outbox_stats s;
        size_t n = 0;
        uint64_t seq = 0;

        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        assert_int_equal(outbox_stats(o, &s), 0);
        assert_int_equal(s.records, 0);
        assert_int_equal(s.oldest_seq, 0);
        assert_string_equal(s.oldest_time, "");
        assert_int_equal(s.next_seq, 1);
        assert_int_equal(outbox_peek(o, 10, SIZE_MAX, &r, &n), 0);
        assert_null(r);
        assert_int_equal(n, 0);

        assert_int_equal(outbox_append(o, OUTBOX_SNAPSHOT, T0, "{\"type\":\"snapshot\"}", &seq), 0);
        assert_int_equal(seq, 1);
        assert_int_equal(outbox_append(o, OUTBOX_EVENT, "2026-11-23T08:01:10.123Z",
                                       "{\"type\":\"event\"}", &seq),
                         0);
        assert_int_equal(seq, 2);
        assert_int_equal(outbox_append(o, OUTBOX_EVENT, "2026-11-23T15:01:10+07:00", "{}", NULL),
                         0);
        assert_int_equal(outbox_stats(o, &s), 0);
        assert_int_equal(s.records, 3);
        assert_int_equal(s.bytes, 19 + 16 + 2);
        assert_int_equal(s.oldest_seq, 1);
        assert_string_equal(s.oldest_time, T0);
        assert_int_equal(s.next_seq, 4);
        assert_int_equal(s.dropped, 0);

        /* survives a close: it is on disk, not in this handle */
        outbox_close(o);
        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        assert_int_equal(outbox_peek(o, 10, SIZE_MAX, &r, &n), 0);
        assert_int_equal(n, 3);
        assert_int_equal(r[0].seq, 1);
        assert_int_equal(r[0].kind, OUTBOX_SNAPSHOT);
        assert_string_equal(outbox_kind_to_string(r[0].kind), "snapshot");
        assert_string_equal(r[0].time, T0);
        assert_string_equal(r[0].body, "{\"type\":\"snapshot\"}");
        assert_int_equal(r[0].body_len, 19);
        assert_int_equal(r[1].kind, OUTBOX_EVENT);
        assert_string_equal(r[1].time, "2026-11-23T08:01:10.123Z");
        assert_int_equal(r[2].seq, 3);
        outbox_records_free(r, n);

        assert_int_equal(outbox_ack(o, 2), 2);
        assert_int_equal(outbox_stats(o, &s), 0);
        assert_int_equal(s.records, 1);
        assert_int_equal(s.bytes, 2);
        assert_int_equal(s.oldest_seq, 3);
        assert_int_equal(outbox_ack(o, 2), 0); /* the same answer twice deletes nothing more */
        outbox_close(o);
        outbox_close(NULL);
        outbox_records_free(NULL, 0);
}

static void test_peek_limits(void **state) {
        struct fixture *f = *state;
        struct outbox *o = NULL;
        struct outbox_record *r = NULL;
        size_t n = 0;

        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        for (int i = 0; i < 5; i++)
                append(o, OUTBOX_EVENT, 100);
        assert_int_equal(outbox_peek(o, 2, SIZE_MAX, &r, &n), 0);
        assert_int_equal(n, 2);
        outbox_records_free(r, n);
        assert_int_equal(outbox_peek(o, 10, 250, &r, &n), 0);
        assert_int_equal(n, 2); /* a third would make 300 bytes */
        outbox_records_free(r, n);
        assert_int_equal(outbox_peek(o, 10, 10, &r, &n), 0);
        assert_int_equal(n, 1); /* the first comes even when bigger: nothing blocks the queue */
        assert_int_equal(r[0].seq, 1);
        outbox_records_free(r, n);
        assert_int_equal(outbox_peek(o, 0, SIZE_MAX, &r, &n), 0);
        assert_int_equal(n, 0);
        outbox_close(o);
}

static void test_bad_arguments(void **state) {
        static const char *const bad_times[] = {
                "",
                "2026-11-23",
                "2026-11-23T08:00:00",
                "2026-11-23 08:00:00Z",
                "2026-11-23T08:00:00Zjunk",
                "2026-11-23T08:00:00.Z",
                "2026-11-23T08:00:00.1234567891Z",
                "2026-11-23T08:00:00+0700",
                "2026-1x-23T08:00:00Z",
        };
        struct fixture *f = *state;
        struct outbox *o = NULL;
        uint64_t seq = 0;

        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        for (size_t i = 0; i < sizeof(bad_times) / sizeof(bad_times[0]); i++)
                if (outbox_append(o, OUTBOX_EVENT, bad_times[i], "{}", &seq) != -EINVAL)
                        fail_msg("time accepted: '%s'", bad_times[i]);
        assert_int_equal(outbox_append(o, OUTBOX_KIND_MAX, T0, "{}", &seq), -EINVAL);
        assert_int_equal(outbox_append(o, OUTBOX_EVENT, NULL, "{}", &seq), -EINVAL);
        assert_int_equal(outbox_append(o, OUTBOX_EVENT, T0, NULL, &seq), -EINVAL);
        assert_int_equal(outbox_append(o, OUTBOX_EVENT, T0, "", &seq), -EINVAL);
        assert_int_equal(outbox_append(NULL, OUTBOX_EVENT, T0, "{}", &seq), -EINVAL);
        assert_null(outbox_kind_to_string(OUTBOX_KIND_MAX));
        assert_int_equal(next_seq(o), 1); /* nothing refused took a seq */
        assert_int_equal(outbox_open("", 0, &o), -EINVAL);
        outbox_close(o);
}

/* A server acknowledging more than it was sent deletes only what was sent, and says so. */
static void test_ack_bounded_by_sent(void **state) {
        struct fixture *f = *state;
        struct outbox *o = NULL;
        struct outbox_record *r = NULL;
        uint64_t seqs[16];
        size_t n = 0;
        char *log;

        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        for (int i = 0; i < 5; i++)
                append(o, OUTBOX_EVENT, 10);
        capture_start(f);
        assert_int_equal(outbox_ack(o, 5), 0); /* nothing peeked yet */
        log = capture_end(f);
        assert_non_null(strstr(log, f->path));
        assert_non_null(strstr(log, "acknowledged seq 5 but was sent only up to 0"));
        free(log);
        assert_int_equal(all_seqs(o, seqs, 16), 5); /* this peek sends 1..5 */
        outbox_close(o);

        /* a new handle has sent nothing: the old peek does not count */
        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        assert_int_equal(outbox_ack(o, 5), 0);
        assert_int_equal(outbox_peek(o, 3, SIZE_MAX, &r, &n), 0);
        outbox_records_free(r, n);
        append(o, OUTBOX_EVENT, 10); /* seq 6, never sent */
        assert_int_equal(outbox_ack(o, 100), 3);
        assert_int_equal(outbox_ack(o, UINT64_MAX), 0);
        assert_int_equal(all_seqs(o, seqs, 16), 3);
        assert_int_equal(seqs[0], 4);
        assert_int_equal(seqs[2], 6);
        /* an answer lower than what was sent deletes only up to it */
        assert_int_equal(outbox_ack(o, 4), 1);
        assert_int_equal(all_seqs(o, seqs, 16), 2);
        assert_int_equal(seqs[0], 5);
        outbox_close(o);
}

/* Cap 1000 bytes of bodies: each step appends, then the seqs left and the dropped count. */
static void test_cap_order(void **state) {
        static const struct {
                enum outbox_kind kind;
                size_t len;
                uint64_t left[4];
                uint64_t dropped;
        } steps[] = {
                {OUTBOX_SNAPSHOT, 400, {1}, 0},     {OUTBOX_EVENT, 300, {1, 2}, 0},
                {OUTBOX_SNAPSHOT, 400, {2, 3}, 1},  /* the older snapshot goes */
                {OUTBOX_EVENT, 300, {2, 3, 4}, 1},  /* exactly the cap */
                {OUTBOX_EVENT, 100, {2, 4, 5}, 2},  /* a snapshot before an older event */
                {OUTBOX_EVENT, 400, {4, 5, 6}, 3},  /* no snapshot left: the oldest event */
                {OUTBOX_SNAPSHOT, 1000, {7}, 6},    /* alone at the cap: everything else goes */
                {OUTBOX_EVENT, 1, {8}, 7},          /* even a snapshot goes for an event */
                {OUTBOX_SNAPSHOT, 999, {8, 9}, 7},  /* fits beside it */
                {OUTBOX_SNAPSHOT, 999, {8, 10}, 8}, /* and replaces the older snapshot */
        };
        struct fixture *f = *state;
        struct outbox *o = NULL;
        struct outbox_stats s;
        uint64_t seqs[16], seq = 0;
        char *big;

        assert_int_equal(outbox_open(f->path, 1000, &o), 0);
        for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
                size_t n;

                if (steps[i].len == 1)
                        assert_int_equal(outbox_append(o, steps[i].kind, T0, "1", &seq), 0);
                else
                        append(o, steps[i].kind, steps[i].len);
                n = all_seqs(o, seqs, 16);
                for (size_t j = 0; j < 4; j++)
                        if (j < n ? seqs[j] != steps[i].left[j] : steps[i].left[j] != 0)
                                fail_msg("step %zu: seq %zu is %lu, want %lu", i, j,
                                         j < n ? (unsigned long)seqs[j] : 0UL,
                                         (unsigned long)steps[i].left[j]);
                assert_int_equal(outbox_stats(o, &s), 0);
                assert_int_equal(s.dropped, steps[i].dropped);
                assert_true(s.bytes <= 1000);
        }
        /* alone over the cap: refused, and nothing else dropped for it */
        big = body_of(1001, 'x');
        assert_int_equal(outbox_append(o, OUTBOX_EVENT, T0, big, &seq), -EFBIG);
        free(big);
        assert_int_equal(all_seqs(o, seqs, 16), 2);
        assert_int_equal(next_seq(o), 11);

        /* the count is durable, and reporting it takes off only what was reported (a wider cap
         * this time, or the report itself would drop one more) */
        outbox_close(o);
        assert_int_equal(outbox_open(f->path, 2000, &o), 0);
        assert_int_equal(outbox_stats(o, &s), 0);
        assert_int_equal(s.dropped, 8);
        assert_int_equal(outbox_append_dropped(o, T0, "{\"dropped\":5}", 5, &seq), 0);
        assert_int_equal(outbox_stats(o, &s), 0);
        assert_int_equal(s.dropped, 3);
        assert_int_equal(outbox_append_dropped(o, T0, "{\"dropped\":9}", 9, &seq), 0);
        assert_int_equal(outbox_stats(o, &s), 0);
        assert_int_equal(s.dropped, 0);
        outbox_close(o);
}

/* Emptied, moved away, its sidecar lost: the next seq is always above every seq given. */
static void test_seq_never_reused(void **state) {
        struct fixture *f = *state;
        struct outbox *o = NULL;
        char p[160], aside[160];
        uint64_t seqs[16], mark;

        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        for (int i = 0; i < 3; i++)
                append(o, OUTBOX_EVENT, 10);
        assert_int_equal(all_seqs(o, seqs, 16), 3);
        assert_int_equal(outbox_ack(o, 3), 3);
        outbox_close(o);
        mark = seq_file(f);
        assert_true(mark > 3);

        /* emptied */
        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        assert_int_equal(append(o, OUTBOX_EVENT, 10), 4);
        outbox_close(o);

        /* the file moved away (by hand, or lost): the new one starts at the mark */
        snprintf(aside, sizeof(aside), "%s.old", f->path);
        assert_int_equal(rename(f->path, aside), 0);
        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        assert_int_equal(append(o, OUTBOX_EVENT, 10), mark);
        outbox_close(o);

        /* the sidecar lost, the file intact: the file's own next_seq rules, sidecar rewritten */
        snprintf(p, sizeof(p), "%s.seq", f->path);
        assert_int_equal(unlink(p), 0);
        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        assert_int_equal(append(o, OUTBOX_EVENT, 10), mark + 1);
        outbox_close(o);
        assert_int_equal(seq_file(f), mark + 1 + OUTBOX_SEQ_LEASE);

        /* the sidecar garbage: ignored with a warning, the file rules */
        assert_int_equal(fileio_write_atomic(p, "x1\n", 3, 0600), 0);
        capture_start(f);
        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        free(capture_end(f));
        assert_int_equal(append(o, OUTBOX_EVENT, 10), mark + 2);
        outbox_close(o);

        /* crossing the lease rewrites the sidecar before the seq past it is committed */
        mark += 3; /* the next seq */
        snprintf(aside, sizeof(aside), "%lu\n", (unsigned long)(mark + 1));
        assert_int_equal(fileio_write_atomic(p, aside, strlen(aside), 0600), 0);
        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        assert_int_equal(append(o, OUTBOX_EVENT, 10), mark);
        assert_int_equal(seq_file(f), mark + 1); /* still covered: not rewritten */
        assert_int_equal(append(o, OUTBOX_EVENT, 10), mark + 1);
        assert_int_equal(seq_file(f), mark + 1 + OUTBOX_SEQ_LEASE);
        outbox_close(o);
}

static void test_seq_parse(void **state) {
        static const char *const bad[] = {
                "", "\n", "-1", "+1", " 1", "1 ", "1\n\n", "0x10", "1234567890123456789", "12a"};
        uint64_t v = 0;

        (void)state;
        assert_int_equal(outbox_seq_parse("1025\n", 5, &v), 0);
        assert_int_equal(v, 1025);
        assert_int_equal(outbox_seq_parse("123456789012345678", 18, &v), 0);
        assert_int_equal(v, 123456789012345678ULL);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (outbox_seq_parse(bad[i], strlen(bad[i]), &v) == 0)
                        fail_msg("accepted '%s'", bad[i]);
}

enum damage { DAMAGE_GARBAGE, DAMAGE_EMPTY, DAMAGE_HEADER, DAMAGE_TRUNCATED, DAMAGE_FOREIGN };

static void damage(const struct fixture *f, enum damage d) {
        sqlite3 *db = NULL;
        char junk[4096];
        int fd;

        switch (d) {
        case DAMAGE_GARBAGE:
                for (size_t i = 0; i < sizeof(junk); i++)
                        junk[i] = (char)(i * 7919 % 251);
                assert_int_equal(fileio_write_atomic(f->path, junk, sizeof(junk), 0600), 0);
                break;
        case DAMAGE_EMPTY:
                assert_int_equal(truncate(f->path, 0), 0);
                break;
        case DAMAGE_HEADER:
                assert_int_equal(truncate(f->path, 50), 0);
                break;
        case DAMAGE_TRUNCATED: /* the tables' pages cut off, the header intact */
                assert_int_equal(truncate(f->path, 4096), 0);
                break;
        case DAMAGE_FOREIGN: /* a good SQLite database, not an outbox */
                assert_int_equal(unlink(f->path), 0);
                assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
                assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL), 0);
                sqlite3_close(db);
                break;
        }
        fd = open(f->path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        close(fd);
}

static void test_corrupt_moved_aside(void **state) {
        static const char *const names[] = {"garbage", "empty", "header", "truncated", "foreign"};
        struct fixture *f = *state;

        for (enum damage d = DAMAGE_GARBAGE; d <= DAMAGE_FOREIGN; d++) {
                struct outbox *o = NULL;
                struct outbox_stats s;
                uint64_t last = 0;
                char *log, *aside;
                DIR *dir;
                struct dirent *de;
                int found = 0;

                assert_int_equal(outbox_open(f->path, 0, &o), 0);
                for (int i = 0; i < 40; i++) /* several pages of records */
                        last = append(o, OUTBOX_EVENT, 1000);
                outbox_close(o);
                damage(f, d);

                capture_start(f);
                assert_int_equal(outbox_open(f->path, 0, &o), 0);
                log = capture_end(f);
                aside = strstr(log, "moved aside to '");
                if (!aside || !strstr(log, f->path))
                        fail_msg("%s: no warning naming both files: %s", names[d], log);
                assert_int_equal(outbox_stats(o, &s), 0);
                assert_int_equal(s.records, 0);
                if (s.next_seq <= last)
                        fail_msg("%s: seq %lu reused", names[d], (unsigned long)s.next_seq);
                assert_int_equal(append(o, OUTBOX_EVENT, 10), s.next_seq);
                outbox_close(o);

                /* the damaged file is kept, by the name the log gave, then cleared away */
                dir = opendir(f->dir);
                assert_non_null(dir);
                while ((de = readdir(dir))) {
                        char p[400];
                        if (!strstr(de->d_name, ".corrupt-"))
                                continue;
                        snprintf(p, sizeof(p), "%s/%s", f->dir, de->d_name);
                        if (!strstr(de->d_name, "-wal"))
                                found += strncmp(aside + 16, p, strlen(p)) == 0;
                        unlink(p);
                }
                closedir(dir);
                free(log);
                if (found != 1)
                        fail_msg("%s: the moved file is not where the log says", names[d]);
        }
}

static void test_newer_schema_refused(void **state) {
        struct fixture *f = *state;
        struct outbox *o = NULL;
        sqlite3 *db = NULL;
        struct stat st;

        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        outbox_close(o);
        assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 2", NULL, NULL, NULL), 0);
        sqlite3_close(db);
        assert_int_equal(outbox_open(f->path, 0, &o), -EPROTONOSUPPORT);
        assert_int_equal(stat(f->path, &st), 0); /* left where it is, not moved aside */
}

static void test_files(void **state) {
        static const char *const suffixes[] = {"", "-wal", "-shm", ".seq"};
        struct fixture *f = *state;
        struct outbox *o = NULL;
        char p[200], link[256], *log;
        DIR *dir;
        struct dirent *de;
        int ours = 0;

        snprintf(p, sizeof(p), "%s/no/such/dir/outbox.db", f->dir);
        capture_start(f);
        assert_int_equal(outbox_open(p, 0, &o), -ENOENT);
        log = capture_end(f);
        assert_non_null(strstr(log, p));
        free(log);
        assert_int_equal(outbox_open(f->dir, 0, &o), -EINVAL); /* a directory */

        umask(022);
        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        append(o, OUTBOX_EVENT, 10);
        for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
                struct stat st;
                snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
                assert_int_equal(stat(p, &st), 0);
                if ((st.st_mode & 07777) != 0600)
                        fail_msg("'%s' has mode %o", p, st.st_mode & 07777);
        }
        /* every descriptor on our files is close-on-exec: a spawned helper inherits none */
        dir = opendir("/proc/self/fd");
        assert_non_null(dir);
        while ((de = readdir(dir))) {
                char fdp[300];
                ssize_t n;
                snprintf(fdp, sizeof(fdp), "/proc/self/fd/%s", de->d_name);
                n = readlink(fdp, link, sizeof(link) - 1);
                if (n <= 0)
                        continue;
                link[n] = '\0';
                if (strncmp(link, f->path, strlen(f->path)) != 0)
                        continue;
                ours++;
                if (!(fcntl((int)strtol(de->d_name, NULL, 10), F_GETFD) & FD_CLOEXEC))
                        fail_msg("'%s' is not close-on-exec", link);
        }
        closedir(dir);
        assert_true(ours >= 2); /* the database and its WAL at least */
        outbox_close(o);
}

/* A full disk under the outbox (a 512 KiB tmpfs in a private mount namespace; skipped where
 * that is not allowed): -ENOSPC, the log names the file, nothing stored half, nothing
 * corrupted, and appends work again once there is room. */
static void test_disk_full(void **state) {
        struct fixture *f = *state;
        struct outbox *o = NULL;
        struct outbox_record *r = NULL;
        struct outbox_stats s;
        uint64_t seq = 0, last = 0;
        size_t n = 0, stored = 0;
        char *b, *log;
        int rc = 0, acked;

        if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tmpfs", f->dir, "tmpfs", 0, "size=512k,mode=0700") < 0)
                skip();
        b = body_of(8000, 'e');
        assert_int_equal(outbox_open(f->path, 0, &o), 0);
        capture_start(f);
        for (int i = 0; i < 1000 && rc == 0; i++) {
                rc = outbox_append(o, OUTBOX_EVENT, T0, b, &seq);
                if (rc == 0) {
                        stored++;
                        last = seq;
                }
        }
        log = capture_end(f);
        assert_int_equal(rc, -ENOSPC);
        assert_true(stored > 10);
        assert_non_null(strstr(log, f->path));
        free(log);
        for (int i = 0; i < 3; i++)
                assert_int_equal(outbox_append(o, OUTBOX_EVENT, T0, b, &seq), -ENOSPC);
        assert_int_equal(outbox_stats(o, &s), 0);
        assert_int_equal(s.records, stored);
        assert_int_equal(s.next_seq, last + 1);
        assert_int_equal(outbox_peek(o, 1000, SIZE_MAX, &r, &n), 0);
        assert_int_equal(n, stored);
        for (size_t i = 0; i < n; i++) {
                assert_int_equal(r[i].seq, i + 1);
                assert_string_equal(r[i].body, b);
        }
        outbox_records_free(r, n);
        /* deleting needs room in the WAL too: it either happens whole or not at all */
        acked = outbox_ack(o, 3);
        assert_true(acked == 3 || acked == -ENOSPC);
        if (acked == 3)
                stored -= 3;

        /* room again */
        assert_int_equal(mount("tmpfs", f->dir, "tmpfs", MS_REMOUNT, "size=4m,mode=0700"), 0);
        assert_int_equal(outbox_append(o, OUTBOX_EVENT, T0, b, &seq), 0);
        assert_int_equal(seq, last + 1);
        outbox_close(o);
        capture_start(f);
        assert_int_equal(outbox_open(f->path, 0, &o), 0); /* quick_check passes: not moved */
        log = capture_end(f);
        assert_null(strstr(log, "corrupt"));
        free(log);
        assert_int_equal(outbox_stats(o, &s), 0);
        assert_int_equal(s.records, stored + 1);
        outbox_close(o);
        free(b);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
                cmocka_unit_test_setup_teardown(test_peek_limits, setup, teardown),
                cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
                cmocka_unit_test_setup_teardown(test_ack_bounded_by_sent, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cap_order, setup, teardown),
                cmocka_unit_test_setup_teardown(test_seq_never_reused, setup, teardown),
                cmocka_unit_test(test_seq_parse),
                cmocka_unit_test_setup_teardown(test_corrupt_moved_aside, setup, teardown),
                cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files, setup, teardown),
                cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

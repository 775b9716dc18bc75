/* SIGKILL at random moments, 100 times: a child appends, peeks and acks on one outbox in a
 * loop, writing to a journal file what returned (the kernel keeps those bytes whatever
 * happens to the child); after each kill the parent opens the outbox and checks: it opens in
 * place (quick_check passed, nothing moved aside) and integrity_check is ok, seqs are strictly
 * increasing with no gap (no cap here, so only acks remove records, and only from the front),
 * nothing whose ack returned remains, nothing appended and not acked is lost, and the next seq
 * is above every seq ever given. OUTBOX_CRASH_SEED=N replays a run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "outbox.h"

#define KILLS    100
#define SEQS_MAX 65536

static uint64_t rng;

static uint32_t rnd(uint32_t n) { /* xorshift64: reproducible from the seed */
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return (uint32_t)(rng % n);
}

static void journal(int fd, char what, uint64_t seq) {
        char line[32];
        int n = snprintf(line, sizeof(line), "%c %lu\n", what, (unsigned long)seq);

        if (write(fd, line, (size_t)n) != n)
                _exit(3);
}

/* The child: never returns into cmocka. Journal lines: "A seq" appended, "k seq" about to
 * ack, "K seq" acked. */
static void child(const char *path, int jfd) {
        static const char body[] =
                "{\"type\":\"event\",\"schema_version\":1,\"event\":\"device_added\","
                "\"device\":{\"bus\":\"usb\",\"vendor_id\":\"0781\"}}";
        struct outbox *o = NULL;

        if (outbox_open(path, 0, &o) < 0)
                _exit(2);
        for (;;) {
                uint64_t seq = 0;
                uint32_t n = 1 + rnd(4);

                for (uint32_t i = 0; i < n; i++) {
                        if (outbox_append(o, OUTBOX_EVENT, "2026-11-23T08:00:00Z", body, &seq) < 0)
                                _exit(4);
                        journal(jfd, 'A', seq);
                }
                if (rnd(3) == 0) {
                        struct outbox_record *r = NULL;
                        size_t got = 0;
                        uint64_t upto;
                        if (outbox_peek(o, 1 + rnd(8), SIZE_MAX, &r, &got) < 0)
                                _exit(5);
                        upto = got ? r[got - 1].seq : 0;
                        outbox_records_free(r, got);
                        journal(jfd, 'k', upto);
                        if (outbox_ack(o, upto) < 0)
                                _exit(6);
                        journal(jfd, 'K', upto);
                }
        }
}

struct model {
        unsigned char appended[SEQS_MAX]; /* reported by the child */
        uint64_t max_appended;
        uint64_t acked;    /* an ack up to here returned */
        uint64_t ack_sent; /* an ack up to here was started */
        uint64_t floor;    /* the next seq seen at the last check: no seq below it again */
};

static void read_journal(const char *jpath, struct model *m, int kill) {
        char *text = NULL, *line, *save = NULL;

        assert_int_equal(fileio_read_capped(jpath, 1 << 24, &text, NULL), 0);
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *end;
                unsigned long seq = strtoul(line + 2, &end, 10);
                if (line[0] == 'A') {
                        if (seq < m->floor || seq >= SEQS_MAX || m->appended[seq])
                                fail_msg("kill %d: seq %lu given again (floor %lu)", kill, seq,
                                         (unsigned long)m->floor);
                        m->appended[seq] = 1;
                        if (seq > m->max_appended)
                                m->max_appended = seq;
                } else if (line[0] == 'k' && seq > m->ack_sent) {
                        m->ack_sent = seq;
                } else if (line[0] == 'K' && seq > m->acked) {
                        m->acked = seq;
                }
        }
        free(text);
        assert_int_equal(truncate(jpath, 0), 0);
}

static void check_outbox(const char *dir, const char *path, struct model *m, int kill) {
        struct outbox *o = NULL;
        struct outbox_record *r = NULL;
        struct outbox_stats s;
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        size_t n = 0, k = 0;
        DIR *d;
        struct dirent *de;

        if (outbox_open(path, 0, &o) < 0)
                fail_msg("kill %d: the outbox does not open", kill);
        d = opendir(dir);
        if (!d) {
                fail_msg("kill %d: cannot open %s", kill, dir);
                return; /* fail_msg does not return; the analyzer cannot know */
        }
        while ((de = readdir(d)))
                if (strstr(de->d_name, ".corrupt-"))
                        fail_msg("kill %d: the outbox was found corrupt: %s", kill, de->d_name);
        closedir(d);
        assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), 0);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
                fail_msg("kill %d: integrity_check: %s", kill, sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(db);

        assert_int_equal(outbox_peek(o, SEQS_MAX, SIZE_MAX, &r, &n), 0);
        assert_int_equal(outbox_stats(o, &s), 0);
        for (size_t i = 0; i < n; i++) {
                if (i > 0 && r[i].seq != r[i - 1].seq + 1)
                        fail_msg("kill %d: gap from %lu to %lu", kill, (unsigned long)r[i - 1].seq,
                                 (unsigned long)r[i].seq);
                if (r[i].seq <= m->acked)
                        fail_msg("kill %d: seq %lu acknowledged yet still there", kill,
                                 (unsigned long)r[i].seq);
        }
        for (uint64_t seq = m->ack_sent + 1; seq <= m->max_appended; seq++) {
                if (!m->appended[seq])
                        continue;
                while (k < n && r[k].seq < seq)
                        k++;
                if (k == n || r[k].seq != seq)
                        fail_msg("kill %d: seq %lu appended, not acknowledged, lost", kill,
                                 (unsigned long)seq);
        }
        if (s.next_seq <= m->max_appended || (n > 0 && s.next_seq <= r[n - 1].seq) ||
            s.next_seq < m->floor)
                fail_msg("kill %d: next seq %lu would reuse one", kill, (unsigned long)s.next_seq);
        m->floor = s.next_seq;
        outbox_records_free(r, n);
        outbox_close(o);
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
        (void)st, (void)flag, (void)ftw;
        return remove(p);
}

static void test_sigkill(void **state) {
        static struct model m;
        char dir[] = "/tmp/cg-outbox-crash.XXXXXX", path[64], jpath[64];
        const char *env = getenv("OUTBOX_CRASH_SEED");
        uint64_t seed = env ? strtoull(env, NULL, 10) : (uint64_t)time(NULL) ^ (uint64_t)getpid();
        int jfd;

        (void)state;
        printf("OUTBOX_CRASH_SEED=%lu\n", (unsigned long)seed);
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/outbox.db", dir);
        snprintf(jpath, sizeof(jpath), "%s/journal", dir);
        jfd = open(jpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        assert_true(jfd >= 0);
        for (int kill_no = 0; kill_no < KILLS; kill_no++) {
                struct timespec delay;
                int status;
                pid_t pid;

                rng = seed * 2654435761u + (uint64_t)kill_no + 1;
                delay = (struct timespec){0, (long)(1 + rnd(30000)) * 1000};
                fflush(NULL);
                pid = fork();
                assert_true(pid >= 0);
                if (pid == 0)
                        child(path, jfd);
                nanosleep(&delay, NULL);
                kill(pid, SIGKILL);
                assert_int_equal(waitpid(pid, &status, 0), pid);
                if (!WIFSIGNALED(status))
                        fail_msg("kill %d: the child exited by itself (%d)", kill_no,
                                 WEXITSTATUS(status));
                read_journal(jpath, &m, kill_no);
                check_outbox(dir, path, &m, kill_no);
        }
        printf("%d kills, %lu seqs given, acked up to %lu\n", KILLS, (unsigned long)m.max_appended,
               (unsigned long)m.acked);
        close(jfd);
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sigkill),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The outbox's file: open, schema, corruption, and the seq high-water mark.
 *
 * seq never goes back. Within the file, next_seq lives in the meta row and moves in the same
 * transaction as the insert that uses it, so emptying the outbox or a kill before the commit
 * cannot make it reuse one. A file that is lost (moved aside as corrupt, deleted, restored from
 * an old copy) takes that row with it, so the high-water mark is also kept outside, in
 * "PATH.seq", rewritten atomically (tmp, fsync, rename, fsync dir) a lease of
 * OUTBOX_SEQ_LEASE seqs ahead before any seq past it is committed: every seq ever stored is
 * below the number in PATH.seq, at the cost of one small write per lease instead of two
 * fsyncs per append. A new file starts at that number. The alternatives were worse: deriving
 * it from the clock breaks when the clock is set back, and asking the server (its acked_seq
 * for an empty batch) needs the network at start, which the outbox must not. Losing both files
 * restarts at 1; the server would then skip those seqs as already stored.
 *
 * A new file is built as "PATH.new" and renamed into place, so PATH is either absent or a
 * complete outbox: anything else found there (no SQLite header, zero length, truncated,
 * failing quick_check, not our schema) is corruption, moved aside with its WAL. */
#include "outbox_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"

#define SCHEMA_VERSION  1
#define BUSY_TIMEOUT_MS 1000 /* a `status` reader holding the lock briefly */

static const char *const stmt_sql[OUTBOX_STMT_MAX] = {
        [OUTBOX_BEGIN] = "BEGIN IMMEDIATE",
        [OUTBOX_COMMIT] = "COMMIT",
        [OUTBOX_ROLLBACK] = "ROLLBACK",
        [OUTBOX_META_GET] = "SELECT next_seq, bytes, dropped FROM meta WHERE id = 1",
        [OUTBOX_META_SET] = "UPDATE meta SET next_seq = ?1, bytes = ?2, dropped = ?3 WHERE id = 1",
        [OUTBOX_INSERT] = "INSERT INTO record (seq, kind, time, body) VALUES (?1, ?2, ?3, ?4)",
        /* kind = 0 matches the partial index record_snapshot: no scan of the events */
        [OUTBOX_OLDEST_SNAPSHOT] =
                "SELECT seq, length(body) FROM record WHERE kind = 0 ORDER BY seq LIMIT 1",
        [OUTBOX_OLDEST] = "SELECT seq, length(body) FROM record ORDER BY seq LIMIT 1",
        [OUTBOX_DELETE_ONE] = "DELETE FROM record WHERE seq = ?1",
        [OUTBOX_RECORD_LEN] = "SELECT length(body) FROM record WHERE seq = ?1",
        [OUTBOX_ACK_BYTES] = "SELECT total(length(body)) FROM record WHERE seq <= ?1",
        [OUTBOX_ACK_DELETE] = "DELETE FROM record WHERE seq <= ?1",
        [OUTBOX_PEEK] = "SELECT seq, kind, time, body FROM record ORDER BY seq LIMIT ?1",
        /* parenthesised: one string on two lines, not two elements */
        [OUTBOX_COUNT] = ("SELECT count(*), min(seq), "
                          "(SELECT time FROM record ORDER BY seq LIMIT 1) FROM record"),
};

int outbox_errno(struct outbox *o, int rc, const char *what) {
        int sys = o->db ? sqlite3_system_errno(o->db) : 0;
        const char *msg = o->db ? sqlite3_errmsg(o->db) : sqlite3_errstr(rc);
        int r;

        switch (rc & 0xff) {
        case SQLITE_FULL:
                r = -ENOSPC;
                break;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                r = -EBUSY;
                break;
        case SQLITE_NOMEM:
                r = -ENOMEM;
                break;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
        case SQLITE_ERROR: /* our SQL is fixed: an error is the file's ("unsupported file
                              format", a missing table) */
        case SQLITE_FORMAT:
        case SQLITE_SCHEMA:
        case SQLITE_MISMATCH:
        case SQLITE_RANGE:
                r = -EBADMSG;
                break;
        case SQLITE_READONLY:
                r = -EROFS;
                break;
        case SQLITE_TOOBIG:
                r = -EFBIG;
                break;
        case SQLITE_CONSTRAINT:
                r = -EEXIST;
                break;
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
                /* the errno of the failed system call: ENOSPC from fsync, EACCES from open */
                r = sys > 0 ? -sys : -EIO;
                break;
        default:
                r = -EIO;
        }
        /* Corruption found while opening is reported once, by the caller, as a warning. */
        if (r == -EBADMSG && o->checking)
                log_debug("outbox: '%s': %s: %s", o->path, what, msg);
        else
                log_error("outbox: '%s': %s: %s", o->path, what, msg);
        return r;
}

int outbox_exec(struct outbox *o, enum outbox_stmt s, const char *what) {
        int rc = sqlite3_step(o->stmt[s]);

        sqlite3_reset(o->stmt[s]);
        return rc == SQLITE_DONE ? 0 : outbox_errno(o, rc, what);
}

static int exec_script(struct outbox *o, const char *sql, const char *what) {
        int rc = sqlite3_exec(o->db, sql, NULL, NULL, NULL);

        return rc == SQLITE_OK ? 0 : outbox_errno(o, rc, what);
}

static void db_close(struct outbox *o) {
        for (size_t i = 0; i < OUTBOX_STMT_MAX; i++) {
                sqlite3_finalize(o->stmt[i]);
                o->stmt[i] = NULL;
        }
        sqlite3_close_v2(o->db);
        o->db = NULL;
}

static int db_connect(struct outbox *o, const char *file) {
        int rc = sqlite3_open_v2(file, &o->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);

        if (rc != SQLITE_OK)
                return outbox_errno(o, rc, "open");
        sqlite3_extended_result_codes(o->db, 1);
        sqlite3_busy_timeout(o->db, BUSY_TIMEOUT_MS);
        /* READWRITE quietly opens read-only a file we may not write */
        if (sqlite3_db_readonly(o->db, "main") == 1) {
                log_error("outbox: '%s': cannot write it", o->path);
                return -EACCES;
        }
        return 0;
}

static int check_contents(struct outbox *o, char *why, size_t why_size) {
        sqlite3_stmt *st = NULL;
        int rc, r, version = -1;

        r = exec_script(o, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", "set WAL");
        if (r < 0)
                goto fail;
        rc = sqlite3_prepare_v2(o->db, "PRAGMA quick_check", -1, &st, NULL);
        if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW &&
            strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
                snprintf(why, why_size, "quick_check: %s", sqlite3_column_text(st, 0));
                sqlite3_finalize(st);
                return -EBADMSG;
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW) {
                r = outbox_errno(o, rc, "quick_check");
                goto fail;
        }
        rc = sqlite3_prepare_v2(o->db, "PRAGMA user_version", -1, &st, NULL);
        if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
                version = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (version > SCHEMA_VERSION) {
                log_error("outbox: '%s' was written by a newer agent (schema %d, this one knows "
                          "%d): refusing it",
                          o->path, version, SCHEMA_VERSION);
                return -EPROTONOSUPPORT;
        }
        if (version != SCHEMA_VERSION) {
                snprintf(why, why_size, "not an outbox (schema version %d)", version);
                return -EBADMSG;
        }
        for (size_t i = 0; i < OUTBOX_STMT_MAX; i++) {
                rc = sqlite3_prepare_v3(o->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                        &o->stmt[i], NULL);
                if (rc != SQLITE_OK) {
                        snprintf(why, why_size, "not an outbox: %s", sqlite3_errmsg(o->db));
                        return -EBADMSG;
                }
        }
        rc = sqlite3_step(o->stmt[OUTBOX_META_GET]);
        sqlite3_reset(o->stmt[OUTBOX_META_GET]);
        if (rc == SQLITE_ROW)
                return 0;
        if (rc == SQLITE_DONE) {
                snprintf(why, why_size, "not an outbox: no meta row");
                return -EBADMSG;
        }
        r = outbox_errno(o, rc, "read meta");
fail:
        if (r == -EBADMSG)
                snprintf(why, why_size, "%s", sqlite3_errmsg(o->db));
        return r;
}

static int open_checked(struct outbox *o, char *why, size_t why_size) {
        const char *bad = NULL;
        struct stat st;
        int r;

        if (stat(o->path, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode)) {
                log_error("outbox: '%s' is not a regular file", o->path);
                return -EINVAL;
        }
        r = outbox_check_header(o->path, &bad);
        if (r == -EBADMSG)
                snprintf(why, why_size, "%s", bad);
        if (r < 0)
                return r;
        r = db_connect(o, o->path);
        if (r < 0)
                return r;
        return check_contents(o, why, why_size);
}

/* 0: PATH is a good outbox, open. -EBADMSG: it is not (why says how). Any other -errno: we
 * cannot tell (permissions, I/O), and a good file must not be moved aside on a guess. */
static int open_existing(struct outbox *o, char *why, size_t why_size) {
        int r;

        o->checking = true;
        r = open_checked(o, why, why_size);
        o->checking = false;
        return r;
}

static void unlink_new(const char *tmp) {
        static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
        char p[PATH_MAX];

        for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
                snprintf(p, sizeof(p), "%s%s", tmp, suffixes[i]);
                unlink(p);
        }
}

/* Build a complete outbox as PATH.new, then rename it into place. */
static int create_new(struct outbox *o, uint64_t first_seq) {
        char tmp[PATH_MAX], script[1024];
        int fd, r;

        snprintf(tmp, sizeof(tmp), "%s.new", o->path);
        unlink_new(tmp); /* what a crash in here left */
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return log_error_errno(-errno, "outbox: cannot create '%s'", tmp);
        close(fd);
        snprintf(script, sizeof(script),
                 "PRAGMA synchronous=FULL; BEGIN;"
                 "CREATE TABLE meta (id INTEGER PRIMARY KEY CHECK (id = 1),"
                 " next_seq INTEGER NOT NULL, bytes INTEGER NOT NULL, dropped INTEGER NOT NULL);"
                 "INSERT INTO meta VALUES (1, %" PRIu64 ", 0, 0);"
                 "CREATE TABLE record (seq INTEGER PRIMARY KEY,"
                 " kind INTEGER NOT NULL CHECK (kind IN (0, 1)), time TEXT NOT NULL,"
                 " body BLOB NOT NULL);"
                 "CREATE INDEX record_snapshot ON record (seq) WHERE kind = 0;"
                 "PRAGMA user_version = %d; COMMIT; PRAGMA journal_mode=WAL;",
                 first_seq, SCHEMA_VERSION);
        r = db_connect(o, tmp);
        if (r == 0)
                r = exec_script(o, script, "create");
        db_close(o); /* checkpoints: all of it is in the main file */
        if (r == 0 && rename(tmp, o->path) < 0)
                r = log_error_errno(-errno, "outbox: cannot rename '%s' to '%s'", tmp, o->path);
        if (r == 0)
                r = fileio_fsync_dir(o->path);
        if (r < 0) {
                unlink_new(tmp);
                return r;
        }
        log_info("outbox: created '%s', next seq %" PRIu64, o->path, first_seq);
        return 0;
}

int outbox_open(const char *path, uint64_t cap_bytes, struct outbox **ret) {
        struct outbox *o;
        char why[256] = "";
        uint64_t mark;
        int r;

        if (!path || !*path || strlen(path) > PATH_MAX - 64 || !ret)
                return -EINVAL;
        r = outbox_check_dir(path);
        if (r < 0)
                return r;
        o = calloc(1, sizeof(*o));
        if (!o)
                return -ENOMEM;
        o->cap = cap_bytes;
        o->path = strdup(path);
        if (!o->path || asprintf(&o->seq_path, "%s.seq", path) < 0) {
                o->seq_path = NULL;
                outbox_close(o);
                return -ENOMEM;
        }
        mark = outbox_seq_load(o);
        o->reserved = mark;
        r = open_existing(o, why, sizeof(why));
        if (r == -ENOENT || r == -EBADMSG) {
                bool corrupt = r == -EBADMSG;

                db_close(o);
                r = corrupt ? outbox_move_aside(o, why) : 0;
                /* a first start has neither file; a lost or corrupt one with no mark is news */
                if (mark == 0 && r == 0 && (corrupt || access(o->seq_path, F_OK) == 0))
                        log_warn("outbox: no usable seq high-water mark in '%s': the new outbox "
                                 "starts at seq 1, which the server may hold already",
                                 o->seq_path);
                if (r == 0)
                        r = create_new(o, mark > 0 ? mark : 1);
                if (r == 0)
                        r = open_existing(o, why, sizeof(why));
                if (r == -EBADMSG) /* the file we just made */
                        r = log_error_errno(-EIO, "outbox: new '%s' is unusable: %s", path, why);
        }
        if (r < 0) {
                outbox_close(o);
                return r;
        }
        *ret = o;
        return 0;
}

void outbox_close(struct outbox *o) {
        if (!o)
                return;
        db_close(o);
        free(o->path);
        free(o->seq_path);
        free(o);
}

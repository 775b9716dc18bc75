/* Shared by outbox.c (the file: open, schema, corruption, seq high-water mark) and
 * outbox_queue.c (the records: append, cap, peek, ack, stats). Not for other callers. */
#pragma once

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outbox.h"

/* Seqs reserved ahead in "PATH.seq" (PostgreSQL's sequences log 32 values ahead the same
 * way): the sidecar is rewritten once every OUTBOX_SEQ_LEASE appends, not on every one, and a
 * new file after corruption skips at most this many seqs. */
#define OUTBOX_SEQ_LEASE 1024

enum outbox_stmt {
        OUTBOX_BEGIN,
        OUTBOX_COMMIT,
        OUTBOX_ROLLBACK,
        OUTBOX_META_GET,
        OUTBOX_META_SET,
        OUTBOX_INSERT,
        OUTBOX_OLDEST_SNAPSHOT,
        OUTBOX_OLDEST,
        OUTBOX_DELETE_ONE,
        OUTBOX_RECORD_LEN,
        OUTBOX_ACK_BYTES,
        OUTBOX_ACK_DELETE,
        OUTBOX_PEEK,
        OUTBOX_COUNT,
        OUTBOX_STMT_MAX,
};

struct outbox {
        sqlite3 *db;
        sqlite3_stmt *stmt[OUTBOX_STMT_MAX];
        char *path;
        char *seq_path;    /* "PATH.seq" */
        uint64_t cap;      /* bytes of bodies, 0 = none */
        uint64_t reserved; /* every seq below it is covered by PATH.seq on disk */
        uint64_t sent_max; /* highest seq an outbox_peek of this handle returned */
        bool checking;     /* opening: corruption is the caller's to report */
};

/* SQLite's result codes become -errno here and nowhere else; logs what failed. */
int outbox_errno(struct outbox *o, int rc, const char *what);
/* Run a prepared statement to its end (no rows expected) and reset it. 0 or -errno. */
int outbox_exec(struct outbox *o, enum outbox_stmt s, const char *what);
/* outbox_file.c: what is checked and done on files before and beside SQLite. */
/* The directory holding path exists (a clear error naming both if not). 0 or -errno. */
int outbox_check_dir(const char *path);
/* -EBADMSG with the reason in *why when the first bytes cannot be an outbox's. 0 or -errno. */
int outbox_check_header(const char *path, const char **why);
/* PATH (with its WAL) to "PATH.corrupt-<UTC time>", and a warning naming both. 0 or -errno. */
int outbox_move_aside(struct outbox *o, const char *why);
/* The high-water mark in PATH.seq, 0 when there is none to trust (a warning says why). */
uint64_t outbox_seq_load(struct outbox *o);
/* Make sure PATH.seq covers seq (rewriting it a lease ahead when it does not). 0 or -errno. */
int outbox_seq_reserve(struct outbox *o, uint64_t seq);
/* The sidecar's text: decimal digits and an optional newline, nothing else. 0 or -EINVAL. */
int outbox_seq_parse(const char *text, size_t len, uint64_t *ret);

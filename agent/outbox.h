/* The agent's durable outbox: every snapshot and event is written here before the uplink sends
 * it, and deleted only when the server acknowledged its seq. One SQLite file (WAL,
 * synchronous=FULL: a record is on disk once outbox_append returned), a size cap that drops the
 * oldest snapshots before any event, and a seq that never goes back (see outbox.c for how it
 * survives a lost or corrupt file). One connection, one thread: the daemon's event loop. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct outbox;

enum outbox_kind {
        OUTBOX_SNAPSHOT,
        OUTBOX_EVENT,
        OUTBOX_KIND_MAX,
};

/* What outbox_peek returns: all malloc'ed, freed by outbox_records_free. */
struct outbox_record {
        uint64_t seq;
        enum outbox_kind kind;
        char *time; /* RFC 3339, as appended */
        char *body; /* the JSON document as appended, NUL-terminated */
        size_t body_len;
};

struct outbox_stats {
        uint64_t records;
        uint64_t bytes;       /* of bodies, what the cap counts */
        uint64_t oldest_seq;  /* 0 when empty */
        char oldest_time[40]; /* "" when empty */
        uint64_t next_seq;    /* the seq the next append gets */
        uint64_t dropped;     /* dropped by the cap and not yet reported */
};

/* The wire name of a kind ("snapshot", "event"), NULL for an invalid one. */
const char *outbox_kind_to_string(enum outbox_kind kind);

/* Open or create the outbox at path (its directory must exist), mode 0600, with its seq
 * high-water mark in "PATH.seq". A file that is not an outbox or fails SQLite's quick_check is
 * moved aside to "PATH.corrupt-<UTC time>" and a new one created, with a warning naming both.
 * cap_bytes bounds the bytes of bodies kept (0: no cap). 0 or -errno (-ENOENT: no directory;
 * -EPROTONOSUPPORT: written by a newer agent, left untouched). Any call may also return
 * -EBUSY: another process (a `status` reader) held the write lock for over a second. */
int outbox_open(const char *path, uint64_t cap_bytes, struct outbox **ret);
void outbox_close(struct outbox *o); /* accepts NULL */

/* Store one record durably and give it the next seq. Past the cap, the oldest snapshots are
 * dropped first, then the oldest events (counted, see outbox_stats.dropped; a dropped record
 * may have been sent already, so the count can be above what the server lacks); the new record
 * is never dropped. 0 or -errno: -EINVAL bad arguments, -EFBIG the body alone is over the cap,
 * -ENOSPC the disk is full (nothing stored, nothing changed), -EBADMSG the file went corrupt
 * (close and open it again: it is moved aside). */
int outbox_append(struct outbox *o, enum outbox_kind kind, const char *time_rfc3339,
                  const char *body_json, uint64_t *ret_seq);

/* As outbox_append, for the event that tells the server "dropped N": in the same transaction
 * that stores it, N (at most what is counted) is taken off the dropped count, so a crash can
 * neither lose the count nor report it twice. Drops that happen meanwhile stay counted. */
int outbox_append_dropped(struct outbox *o, const char *time_rfc3339, const char *body_json,
                          uint64_t n_reported, uint64_t *ret_seq);

/* The oldest records, at most max_records and, past the first, max_bytes of bodies (the first
 * always comes, so one big record never blocks the queue). They are remembered as sent: only
 * those can be acknowledged. *ret is NULL and *ret_n 0 when the outbox is empty. 0 or -errno. */
int outbox_peek(struct outbox *o, size_t max_records, size_t max_bytes, struct outbox_record **ret,
                size_t *ret_n);
void outbox_records_free(struct outbox_record *r, size_t n); /* accepts NULL */

/* The server stored every record up to acked_seq: delete those, but never a record that no
 * outbox_peek of this handle returned (a server acknowledging more than it was sent is logged
 * and believed only up to what was sent). Returns the number of records deleted, or -errno. */
int outbox_ack(struct outbox *o, uint64_t acked_seq);

/* The server refused record seq for what it is (400 "invalid record": a body it cannot take,
 * which no retry changes): delete it and count it with the dropped ones, so the "dropped N"
 * event tells the server of the gap and the records behind it flow again. Only a record an
 * outbox_peek returned. 0, -ENOENT (no such record: already gone) or -errno. */
int outbox_reject(struct outbox *o, uint64_t seq);

/* What `status` shows, and the count for the "dropped N" event. 0 or -errno. */
int outbox_stats(struct outbox *o, struct outbox_stats *ret);

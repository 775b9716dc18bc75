/* The outbox's records: append (with the cap), peek, ack, stats. Every change is one
 * IMMEDIATE transaction that reads and writes the meta row (next seq, bytes of bodies, dropped
 * count) with the records it changes, so the counts can never disagree with the rows, even if
 * a second process (a `status` reader, a second agent by mistake) opens the same file. */
#include "outbox_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "timefmt.h"

struct meta {
        uint64_t next_seq;
        uint64_t bytes;
        uint64_t dropped;
};

static const char *const kind_names[OUTBOX_KIND_MAX] = {
        [OUTBOX_SNAPSHOT] = "snapshot",
        [OUTBOX_EVENT] = "event",
};

const char *outbox_kind_to_string(enum outbox_kind kind) {
        return (unsigned)kind < OUTBOX_KIND_MAX ? kind_names[kind] : NULL;
}

/* Commit when r is 0; otherwise, or when the commit fails, roll back what is still open
 * (SQLite may have rolled back by itself on SQLITE_FULL). r, or the commit's error. */
static int txn_end(struct outbox *o, int r) {
        if (r == 0)
                r = outbox_exec(o, OUTBOX_COMMIT, "commit");
        if (r < 0 && !sqlite3_get_autocommit(o->db))
                (void)outbox_exec(o, OUTBOX_ROLLBACK, "rollback");
        return r;
}

static int meta_get(struct outbox *o, struct meta *m) {
        sqlite3_stmt *st = o->stmt[OUTBOX_META_GET];
        int rc = sqlite3_step(st);

        if (rc == SQLITE_ROW) {
                m->next_seq = (uint64_t)sqlite3_column_int64(st, 0);
                m->bytes = (uint64_t)sqlite3_column_int64(st, 1);
                m->dropped = (uint64_t)sqlite3_column_int64(st, 2);
        }
        sqlite3_reset(st);
        if (rc == SQLITE_DONE) {
                log_error("outbox: '%s': its meta row is gone", o->path);
                return -EBADMSG;
        }
        return rc == SQLITE_ROW ? 0 : outbox_errno(o, rc, "read meta");
}

static int meta_set(struct outbox *o, const struct meta *m) {
        sqlite3_stmt *st = o->stmt[OUTBOX_META_SET];

        sqlite3_bind_int64(st, 1, (sqlite3_int64)m->next_seq);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)m->bytes);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)m->dropped);
        return outbox_exec(o, OUTBOX_META_SET, "write meta");
}

/* The oldest snapshot, or when none is left the oldest event, goes. */
static int drop_oldest(struct outbox *o, struct meta *m) {
        static const enum outbox_stmt order[] = {OUTBOX_OLDEST_SNAPSHOT, OUTBOX_OLDEST};
        uint64_t seq = 0, len = 0;
        int rc = SQLITE_DONE;

        for (size_t i = 0; i < 2 && rc == SQLITE_DONE; i++) {
                sqlite3_stmt *st = o->stmt[order[i]];
                rc = sqlite3_step(st);
                if (rc == SQLITE_ROW) {
                        seq = (uint64_t)sqlite3_column_int64(st, 0);
                        len = (uint64_t)sqlite3_column_int64(st, 1);
                }
                sqlite3_reset(st);
        }
        if (rc == SQLITE_DONE) {
                /* over the cap with nothing stored: the count was wrong; it is now right */
                log_warn("outbox: '%s': counted %" PRIu64 " bytes in no records, reset", o->path,
                         m->bytes);
                m->bytes = 0;
                return 0;
        }
        if (rc != SQLITE_ROW)
                return outbox_errno(o, rc, "find the oldest record");
        sqlite3_bind_int64(o->stmt[OUTBOX_DELETE_ONE], 1, (sqlite3_int64)seq);
        m->bytes -= len < m->bytes ? len : m->bytes;
        m->dropped++;
        return outbox_exec(o, OUTBOX_DELETE_ONE, "drop the oldest record");
}

static int insert(struct outbox *o, uint64_t seq, enum outbox_kind kind, const char *time,
                  const char *body, size_t len) {
        sqlite3_stmt *st = o->stmt[OUTBOX_INSERT];

        sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
        sqlite3_bind_int(st, 2, (int)kind);
        sqlite3_bind_text(st, 3, time, -1, SQLITE_STATIC);
        sqlite3_bind_blob64(st, 4, body, len, SQLITE_STATIC);
        return outbox_exec(o, OUTBOX_INSERT, "insert");
}

static int append(struct outbox *o, enum outbox_kind kind, const char *time, const char *body,
                  const uint64_t *n_reported, uint64_t *ret_seq) {
        struct meta m = {0};
        uint64_t dropped_before = 0, seq;
        size_t len;
        int r;

        if (!o || (unsigned)kind >= OUTBOX_KIND_MAX || !time || !timefmt_valid_rfc3339(time) ||
            !body || !*body)
                return -EINVAL;
        len = strlen(body);
        if (o->cap > 0 && len > o->cap) {
                log_error("outbox: '%s': a record (%s) of %zu bytes is over the cap of %" PRIu64
                          " bytes: not stored",
                          o->path, kind_names[kind], len, o->cap);
                return -EFBIG;
        }
        r = outbox_exec(o, OUTBOX_BEGIN, "begin");
        if (r < 0)
                return r;
        r = meta_get(o, &m);
        if (r == 0 && n_reported)
                m.dropped -= *n_reported < m.dropped ? *n_reported : m.dropped;
        dropped_before = m.dropped;
        while (r == 0 && o->cap > 0 && m.bytes + len > o->cap)
                r = drop_oldest(o, &m);
        /* PATH.seq first: no seq is ever committed that a lost file would let us reuse */
        if (r == 0)
                r = outbox_seq_reserve(o, m.next_seq);
        if (r == 0)
                r = insert(o, m.next_seq, kind, time, body, len);
        seq = m.next_seq++;
        m.bytes += len;
        if (r == 0)
                r = meta_set(o, &m);
        r = txn_end(o, r);
        if (r < 0)
                return r;
        if (m.dropped > dropped_before && dropped_before == 0)
                log_warn("outbox: '%s': over its cap of %" PRIu64 " bytes: dropping the oldest "
                         "records, snapshots first (%" PRIu64 " so far)",
                         o->path, o->cap, m.dropped);
        else if (m.dropped > dropped_before)
                log_debug("outbox: '%s': %" PRIu64 " records dropped so far", o->path, m.dropped);
        if (ret_seq)
                *ret_seq = seq;
        return 0;
}

int outbox_append(struct outbox *o, enum outbox_kind kind, const char *time_rfc3339,
                  const char *body_json, uint64_t *ret_seq) {
        return append(o, kind, time_rfc3339, body_json, NULL, ret_seq);
}

int outbox_append_dropped(struct outbox *o, const char *time_rfc3339, const char *body_json,
                          uint64_t n_reported, uint64_t *ret_seq) {
        return append(o, OUTBOX_EVENT, time_rfc3339, body_json, &n_reported, ret_seq);
}

void outbox_records_free(struct outbox_record *r, size_t n) {
        if (!r)
                return;
        for (size_t i = 0; i < n; i++) {
                free(r[i].time);
                free(r[i].body);
        }
        free(r);
}

static int record_copy(sqlite3_stmt *st, struct outbox_record *rec) {
        int kind = sqlite3_column_int(st, 1);
        const void *body = sqlite3_column_blob(st, 3);
        size_t len = (size_t)sqlite3_column_bytes(st, 3);
        const char *time = (const char *)sqlite3_column_text(st, 2);

        rec->seq = (uint64_t)sqlite3_column_int64(st, 0);
        if (kind < 0 || kind >= OUTBOX_KIND_MAX || !time)
                return -EBADMSG;
        rec->kind = (enum outbox_kind)kind;
        rec->body_len = len;
        rec->time = strdup(time);
        rec->body = malloc(len + 1);
        if (!rec->time || !rec->body)
                return -ENOMEM;
        if (len > 0)
                memcpy(rec->body, body, len);
        rec->body[len] = '\0';
        return 0;
}

int outbox_peek(struct outbox *o, size_t max_records, size_t max_bytes, struct outbox_record **ret,
                size_t *ret_n) {
        sqlite3_stmt *st;
        struct outbox_record *recs = NULL;
        size_t n = 0, alloc = 0, bytes = 0;
        int rc, r = 0;

        if (!o || !ret || !ret_n)
                return -EINVAL;
        st = o->stmt[OUTBOX_PEEK];
        sqlite3_bind_int64(st, 1, max_records > INT64_MAX ? INT64_MAX : (int64_t)max_records);
        while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                size_t len = (size_t)sqlite3_column_bytes(st, 3);

                if (n > 0 && (bytes > max_bytes || len > max_bytes - bytes))
                        break;
                if (n == alloc) {
                        size_t grow = alloc ? alloc * 2 : 16;
                        struct outbox_record *p = reallocarray(recs, grow, sizeof(*recs));
                        if (!p) {
                                r = -ENOMEM;
                                break;
                        }
                        memset(p + alloc, 0, (grow - alloc) * sizeof(*p));
                        recs = p;
                        alloc = grow;
                }
                r = record_copy(st, &recs[n++]);
                if (r == -EBADMSG)
                        log_error("outbox: '%s': seq %" PRIu64 " has an unknown kind", o->path,
                                  recs[n - 1].seq);
                bytes += len;
        }
        if (r == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE)
                r = outbox_errno(o, rc, "peek");
        sqlite3_reset(st);
        if (r < 0) {
                outbox_records_free(recs, n);
                return r;
        }
        /* oldest first: every record up to this one has now been handed out */
        if (n > 0 && recs[n - 1].seq > o->sent_max)
                o->sent_max = recs[n - 1].seq;
        *ret = recs;
        *ret_n = n;
        return 0;
}

int outbox_ack(struct outbox *o, uint64_t acked_seq) {
        sqlite3_stmt *st;
        struct meta m = {0};
        uint64_t upto = acked_seq, bytes = 0;
        int deleted = 0, rc, r;

        if (!o)
                return -EINVAL;
        if (acked_seq > o->sent_max) {
                log_warn("outbox: '%s': the server acknowledged seq %" PRIu64
                         " but was sent only up to %" PRIu64 ": deleting no further",
                         o->path, acked_seq, o->sent_max);
                upto = o->sent_max;
        }
        if (upto == 0)
                return 0;
        r = outbox_exec(o, OUTBOX_BEGIN, "begin");
        if (r < 0)
                return r;
        r = meta_get(o, &m);
        st = o->stmt[OUTBOX_ACK_BYTES];
        sqlite3_bind_int64(st, 1, (sqlite3_int64)upto);
        if (r == 0) {
                rc = sqlite3_step(st);
                if (rc == SQLITE_ROW)
                        bytes = (uint64_t)sqlite3_column_int64(st, 0);
                else
                        r = outbox_errno(o, rc, "count acknowledged");
                sqlite3_reset(st);
        }
        sqlite3_bind_int64(o->stmt[OUTBOX_ACK_DELETE], 1, (sqlite3_int64)upto);
        if (r == 0)
                r = outbox_exec(o, OUTBOX_ACK_DELETE, "delete acknowledged");
        if (r == 0) {
                int64_t changes = sqlite3_changes64(o->db);
                deleted = changes > INT_MAX ? INT_MAX : (int)changes;
                m.bytes -= bytes < m.bytes ? bytes : m.bytes;
                r = meta_set(o, &m);
        }
        r = txn_end(o, r);
        return r < 0 ? r : deleted;
}

int outbox_reject(struct outbox *o, uint64_t seq) {
        sqlite3_stmt *st;
        struct meta m = {0};
        uint64_t len = 0;
        int rc, r;

        if (!o || seq == 0 || seq > o->sent_max)
                return -EINVAL;
        r = outbox_exec(o, OUTBOX_BEGIN, "begin");
        if (r < 0)
                return r;
        r = meta_get(o, &m);
        st = o->stmt[OUTBOX_RECORD_LEN];
        sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
        if (r == 0) {
                rc = sqlite3_step(st);
                if (rc == SQLITE_ROW)
                        len = (uint64_t)sqlite3_column_int64(st, 0);
                else
                        r = rc == SQLITE_DONE ? -ENOENT : outbox_errno(o, rc, "find the record");
                sqlite3_reset(st);
        }
        sqlite3_bind_int64(o->stmt[OUTBOX_DELETE_ONE], 1, (sqlite3_int64)seq);
        if (r == 0)
                r = outbox_exec(o, OUTBOX_DELETE_ONE, "delete the refused record");
        if (r == 0) {
                m.bytes -= len < m.bytes ? len : m.bytes;
                m.dropped++;
                r = meta_set(o, &m);
        }
        return txn_end(o, r);
}

int outbox_stats(struct outbox *o, struct outbox_stats *ret) {
        struct outbox_stats s = {0};
        struct meta m = {0};
        sqlite3_stmt *st;
        int rc, r;

        if (!o || !ret)
                return -EINVAL;
        r = meta_get(o, &m);
        if (r < 0)
                return r;
        st = o->stmt[OUTBOX_COUNT];
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
                const char *t = (const char *)sqlite3_column_text(st, 2);
                s.records = (uint64_t)sqlite3_column_int64(st, 0);
                s.oldest_seq = (uint64_t)sqlite3_column_int64(st, 1);
                if (t)
                        snprintf(s.oldest_time, sizeof(s.oldest_time), "%s", t);
        }
        sqlite3_reset(st);
        if (rc != SQLITE_ROW)
                return outbox_errno(o, rc, "count records");
        s.bytes = m.bytes;
        s.next_seq = m.next_seq;
        s.dropped = m.dropped;
        *ret = s;
        return 0;
}

/* The store: one small interface, two backends (store_sqlite.c, store_pg.c).
 *
 * A backend only knows how to run one SQL statement with text parameters and hand back rows
 * as text; everything the server stores (schema, enrollment, ingest, admin) is written once
 * above it, in SQL both dialects agree on. Statements use $1, $2, ... placeholders (the
 * SQLite backend maps them to ?1, ?2); values are only ever passed as parameters.
 *
 * A struct store is one connection: use it from one thread at a time. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* Called once per result row; non-zero return stops the query and is returned by exec. */
typedef int (*store_row_fn)(void *userdata, size_t n, const char *const *columns,
                            const char *const *values);

struct store_options {
        unsigned busy_timeout_ms; /* SQLite: how long a writer waits for the lock */
};

struct store_ops {
        const char *name; /* "sqlite", "postgresql" */
        int (*open)(const char *url, const struct store_options *o, struct store **ret);
        void (*close)(struct store *s); /* accepts NULL */
        /* One statement. Returns the number of rows changed (>= 0) or -errno: -EEXIST on a
         * constraint violation, -EBUSY when the database stayed locked, -ENOTCONN when the
         * connection is gone, -EIO otherwise. A NULL parameter is SQL NULL. */
        int (*exec)(struct store *s, const char *sql, size_t n_params, const char *const *params,
                    store_row_fn row, void *userdata);
        /* Several statements without parameters (schema scripts). */
        int (*script)(struct store *s, const char *sql);
        int (*begin)(struct store *s); /* a write transaction */
        int (*commit)(struct store *s);
        int (*rollback)(struct store *s); /* safe to call when no transaction is open */
        /* Run after begin by `migrate`, so that concurrent migrations queue; NULL when the
         * write transaction itself is exclusive (SQLite's BEGIN IMMEDIATE). */
        const char *migration_lock;
};

struct store {
        const struct store_ops *ops;
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/* "sqlite:PATH" (or a plain path) or "postgresql://..." / "postgres://...". */
int store_open(const char *url, const struct store_options *o, struct store **ret);
void store_close(struct store *s);

/* Parameters as text: a small fixed array, so a statement never allocates for them. */
#define STORE_MAX_PARAMS 32
struct store_params {
        const char *v[STORE_MAX_PARAMS];
        char num[STORE_MAX_PARAMS][24];
        size_t n;
        bool overflow;
};
void store_params_init(struct store_params *p);
void store_param_str(struct store_params *p, const char *s); /* NULL = SQL NULL */
void store_param_int(struct store_params *p, int64_t v);     /* REPORT_UNSET = NULL */
void store_param_bool(struct store_params *p, int8_t v);     /* unknown = NULL */
/* The scalar fields `names` (NULL-terminated, JSON names) of obj, a struct of the report
 * model named desc_name ("printer"), bound in that order with the three calls above. */
void store_param_fields(struct store_params *p, const char *desc_name, const void *obj,
                        const char *const *names);

int store_exec(struct store *s, const char *sql, const struct store_params *p, store_row_fn row,
               void *userdata);
/* The first column of the first row, malloc'ed into *ret (NULL when there is no row or it is
 * NULL). Returns 1 when a row was found, 0 when none, -errno. */
int store_query_one(struct store *s, const char *sql, const struct store_params *p, char **ret);
/* Does sql, with key as $1, return a row? 1, 0, or -errno. */
int store_row_exists(struct store *s, const char *sql, const char *key);

/* Schema (store_schema.c). */
int store_schema_version(struct store *s, int64_t *ret); /* 0 when never migrated */
int store_migrate(struct store *s);                      /* to the latest version */
int64_t store_schema_latest(void);
/* Refuse to serve an old or newer database: 0, or -ESTALE with a log line saying what to do. */
int store_check_schema(struct store *s);

/* ---- What the server stores, written once over the interface above. ---- */
#include <stdio.h>

#include "report.h"

struct batch;

/* Run sql and print its rows as tab-separated text under a header of column names. */
int store_print_table(struct store *s, const char *sql, const struct store_params *p, FILE *out);

/* store_agents.c. Enrollment and credentials. */
/* A new token for unit: uses >= 1, expires_days 0 = never. The token text (shown once). */
int store_token_create(struct store *s, const char *unit, int64_t uses, int64_t expires_days,
                       char **ret_token);
int store_tokens_list(struct store *s, FILE *out);
/* No further enrollment with the token whose public id is id (agents it enrolled stay).
 * -ENOENT when there is none. */
int store_token_revoke(struct store *s, const char *id);
/* Spend one use of token and create an agent: -EACCES when the token is unknown, expired or
 * used up (one answer for all three, so the answer tells nothing about other tokens). */
int store_enroll(struct store *s, const char *token, const struct report_host *host,
                 char **ret_agent_id, char **ret_credential);
/* 0 and the agent's unit, -EACCES for an unknown agent or a wrong secret, -EPERM when the
 * agent was revoked. */
int store_authenticate(struct store *s, const char *agent_id, const char *secret, char **ret_unit);
int store_agents_list(struct store *s, FILE *out);
int store_agent_revoke(struct store *s, const char *agent_id); /* -ENOENT if unknown */

/* store_units.c. The unit tree. */
/* kind: province, department, district, commune, ward, counter. -EEXIST, -ENOENT (parent),
 * -EINVAL (kind or placement in the tree). */
int store_unit_add(struct store *s, const char *code, const char *name, const char *kind,
                   const char *parent);
int store_units_list(struct store *s, FILE *out, bool tree);
/* A typo in a name is fixed in place. -ENOENT. */
int store_unit_rename(struct store *s, const char *code, const char *name);
/* Only a unit nothing refers to (no units under it, no agents, no tokens): -EBUSY, -ENOENT. */
int store_unit_remove(struct store *s, const char *code);

/* store_ingest.c. A whole batch in one transaction: stored entirely or not at all. Records
 * already stored (same agent, same seq, same type, time and body; for a snapshot kept as
 * unchanged, the same content hash) are skipped. A snapshot unchanged since the one the
 * current state came from moves last seen only (docs/wire-protocol.md). A seq already
 * stored with other content refuses the whole batch with -ENOTUNIQ (nothing of it stays): an
 * agent that lost its counter must not lose records silently. *ret_acked is the highest seq
 * of the batch, or the agent's last stored seq for an empty batch. */
struct ingest_conflict {
        size_t index;        /* records[index] */
        int64_t seq;         /* its seq */
        int64_t first, last; /* the agent's seqs stored before this batch (-1, -1: none) */
};
int store_ingest(struct store *s, const char *agent_id, const char *unit, const struct batch *b,
                 int64_t *ret_acked);
/* The same inside a transaction the caller holds (group commit); ret_conflict (may be NULL)
 * says what -ENOTUNIQ is about. */
int store_ingest_in_tx(struct store *s, const char *agent_id, const char *unit,
                       const struct batch *b, int64_t *ret_acked,
                       struct ingest_conflict *ret_conflict);
int store_upsert_host(struct store *s, const char *agent_id, const char *unit,
                      const struct report_host *h, const char *time, int64_t seq);

/* store_dump.c. */
int store_dump(struct store *s, FILE *out);                /* every table as JSON lines */
int store_purge(struct store *s, unsigned retention_days); /* history older than that */

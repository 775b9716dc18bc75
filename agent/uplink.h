/* The uplink: sends what the outbox holds to the server, in batches, from the daemon's loop
 * (libcurl's multi interface on common/loop), and deletes what the server acknowledged.
 * A server that is down or slow never blocks anything: failures are retried with
 * exponential backoff and jitter (1 s to 5 min), a 429/503's Retry-After is honoured, and a
 * 403 "agent revoked" or a 409 "seq reused" stops the sending until the agent is enrolled
 * again. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "loop.h"
#include "outbox.h"

struct uplink;

struct uplink_settings {
        const char *url;        /* https://host:port of the server */
        const char *ca_file;    /* NULL: the system's CAs */
        const char *credential; /* the bearer secret */
};

struct uplink_status {
        char last_ok[40];     /* RFC 3339 time of the last acknowledged batch, "" if none */
        char last_error[300]; /* the last failure, "" after a success */
        uint64_t acked_seq;   /* the highest seq the server acknowledged */
        unsigned failures;    /* in a row */
        bool revoked;         /* revoked, or seqs refused (409): nothing more is sent */
};

/* Called after every answer (or failure), for the daemon's state file. */
typedef void (*uplink_changed_fn)(struct uplink *u, const struct uplink_status *s, void *userdata);

int uplink_new(struct loop *l, struct outbox *o, const struct uplink_settings *s,
               uplink_changed_fn changed, void *userdata, struct uplink **ret);
void uplink_free(struct uplink *u); /* accepts NULL; a request in flight is abandoned */

/* New settings (SIGHUP): used from the next request; a revoked uplink tries again. */
int uplink_configure(struct uplink *u, const struct uplink_settings *s);
/* The outbox has new records: send them now if nothing is in flight or waiting out a
 * backoff. */
void uplink_kick(struct uplink *u);
/* Use another outbox (after it was reopened). */
void uplink_set_outbox(struct uplink *u, struct outbox *o);
const struct uplink_status *uplink_status(const struct uplink *u);

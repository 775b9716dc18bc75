/* The store's waiting line: a bounded queue served by store worker threads, each with its own
 * store connection. HTTP threads never wait on the database: they hand a job over, suspend
 * the connection and go on serving others. When more than max_waiting jobs are already
 * queued, the store is behind and the job is refused (the caller answers 429). */
#pragma once

#include "store.h"

struct work {
        /* On a worker thread, with that worker's connection (NULL if it could not connect). */
        void (*run)(struct work *w, struct store *s);
        /* Instead of run, for work that can share a transaction with the work queued next to
         * it (group commit: one fsync for many requests). It runs inside a savepoint; a
         * negative return rolls back its own changes only. If the shared commit fails
         * afterwards, tx_failed tells it so before done. */
        int (*run_in_tx)(struct work *w, struct store *s);
        void (*tx_failed)(struct work *w, int error);
        /* Works of a group run in the order of this key (the agent id): two groups then lock
         * the rows of the agents they share in the same order and cannot deadlock. */
        const char *group_key;
        /* After run, on the same thread; the work may be freed from here on. */
        void (*done)(struct work *w);
        struct work *next;
};

struct workq;

/* Most works that share one transaction. */
#define WORKQ_GROUP_MAX 64

/* Open n_workers connections to url (failing here rather than on the first request) and
 * start their threads. With url NULL, plain worker threads (run gets a NULL store): the
 * pool that parses request bodies off the HTTP threads. */
int workq_new(const char *url, const struct store_options *o, unsigned n_workers,
              struct workq **ret);
/* 0, or -EAGAIN when more than max_waiting jobs wait already, -ESHUTDOWN when stopping. */
int workq_submit(struct workq *q, struct work *w, unsigned max_waiting);
unsigned workq_waiting(struct workq *q);
/* Run what is queued, stop the threads, close the connections. Accepts NULL. */
void workq_free(struct workq *q);

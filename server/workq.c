#include "workq.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct worker {
        struct workq *q;
        struct store *store;
        pthread_t thread;
        bool started;
};

struct workq {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        struct work *head, *tail;
        unsigned waiting; /* queued, not yet taken by a worker */
        unsigned idle;    /* workers waiting for a job */
        bool stopping;
        char *url;
        struct store_options options;
        struct worker *workers;
        unsigned n_workers;
};

/* Savepoints have the same syntax in both dialects; one name is enough because each is
 * released or rolled back before the next is taken. */
static int run_group(struct store *s, struct work **group, size_t n) {
        int r;

        r = s->ops->begin(s);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                r = s->ops->script(s, "SAVEPOINT work");
                if (r < 0)
                        goto fail;
                if (group[i]->run_in_tx(group[i], s) < 0) {
                        /* Only this work's changes go; the others of the group stay. */
                        r = s->ops->script(s, "ROLLBACK TO SAVEPOINT work");
                        if (r < 0)
                                goto fail;
                }
                r = s->ops->script(s, "RELEASE SAVEPOINT work");
                if (r < 0)
                        goto fail;
        }
        r = s->ops->commit(s);
        if (r >= 0)
                return 0;
fail:
        s->ops->rollback(s);
        return r;
}

static void sort_group(struct work **group, size_t n) {
        /* Insertion sort: stable (one agent's batches keep their order), n is small. */
        for (size_t i = 1; i < n; i++) {
                struct work *w = group[i];
                size_t j = i;
                while (j > 0 && strcmp(group[j - 1]->group_key ? group[j - 1]->group_key : "",
                                       w->group_key ? w->group_key : "") > 0) {
                        group[j] = group[j - 1];
                        j--;
                }
                group[j] = w;
        }
}

static void *worker_main(void *arg) {
        struct worker *wk = arg;
        struct workq *q = wk->q;
        struct work *group[WORKQ_GROUP_MAX];

        for (;;) {
                struct work *w;
                size_t n = 0;

                pthread_mutex_lock(&q->lock);
                q->idle++;
                while (!q->head && !q->stopping)
                        pthread_cond_wait(&q->cond, &q->lock);
                q->idle--;
                w = q->head;
                if (!w) { /* stopping and nothing left */
                        pthread_mutex_unlock(&q->lock);
                        return NULL;
                }
                /* Take the first work, and if it can share a transaction, the ones of its
                 * kind queued right behind it. */
                do {
                        q->head = w->next;
                        q->waiting--;
                        group[n++] = w;
                        w = q->head;
                } while (group[0]->run_in_tx && w && w->run_in_tx && n < WORKQ_GROUP_MAX);
                if (!q->head)
                        q->tail = NULL;
                pthread_mutex_unlock(&q->lock);

                /* A connection lost at start (database restarting) is retried per job. */
                if (q->url && !wk->store && store_open(q->url, &q->options, &wk->store) < 0)
                        wk->store = NULL;
                if (!group[0]->run_in_tx)
                        group[0]->run(group[0], wk->store);
                else {
                        int r;
                        sort_group(group, n);
                        r = wk->store ? run_group(wk->store, group, n) : -ENOTCONN;
                        if (r < 0)
                                for (size_t i = 0; i < n; i++)
                                        group[i]->tx_failed(group[i], r);
                }
                for (size_t i = 0; i < n; i++)
                        group[i]->done(group[i]);
        }
}

int workq_new(const char *url, const struct store_options *o, unsigned n_workers,
              struct workq **ret) {
        struct workq *q;
        int r;

        if (n_workers == 0)
                return -EINVAL;
        q = calloc(1, sizeof(*q));
        if (!q)
                return -ENOMEM;
        pthread_mutex_init(&q->lock, NULL);
        pthread_cond_init(&q->cond, NULL);
        if (o)
                q->options = *o;
        q->url = url ? strdup(url) : NULL;
        q->workers = calloc(n_workers, sizeof(*q->workers));
        if ((url && !q->url) || !q->workers) {
                workq_free(q);
                return -ENOMEM;
        }
        for (unsigned i = 0; i < n_workers; i++) {
                struct worker *wk = &q->workers[i];
                wk->q = q;
                r = url ? store_open(url, o, &wk->store) : 0;
                if (r < 0) {
                        workq_free(q);
                        return r;
                }
                q->n_workers++;
                r = -pthread_create(&wk->thread, NULL, worker_main, wk);
                if (r < 0) {
                        workq_free(q);
                        return log_error_errno(r, "cannot start a store worker");
                }
                wk->started = true;
        }
        *ret = q;
        return 0;
}

int workq_submit(struct workq *q, struct work *w, unsigned max_waiting) {
        pthread_mutex_lock(&q->lock);
        if (q->stopping) {
                pthread_mutex_unlock(&q->lock);
                return -ESHUTDOWN;
        }
        /* Jobs an idle worker takes at once do not wait; past those, max_waiting may. */
        if (q->waiting + 1 > q->idle + max_waiting) {
                pthread_mutex_unlock(&q->lock);
                return -EAGAIN;
        }
        w->next = NULL;
        if (q->tail)
                q->tail->next = w;
        else
                q->head = w;
        q->tail = w;
        q->waiting++;
        pthread_cond_signal(&q->cond);
        pthread_mutex_unlock(&q->lock);
        return 0;
}

unsigned workq_waiting(struct workq *q) {
        unsigned n;

        pthread_mutex_lock(&q->lock);
        n = q->waiting;
        pthread_mutex_unlock(&q->lock);
        return n;
}

void workq_free(struct workq *q) {
        if (!q)
                return;
        pthread_mutex_lock(&q->lock);
        q->stopping = true;
        pthread_cond_broadcast(&q->cond);
        pthread_mutex_unlock(&q->lock);
        for (unsigned i = 0; i < q->n_workers; i++) {
                if (q->workers[i].started)
                        pthread_join(q->workers[i].thread, NULL);
                store_close(q->workers[i].store);
        }
        pthread_mutex_destroy(&q->lock);
        pthread_cond_destroy(&q->cond);
        free(q->workers);
        free(q->url);
        free(q);
}

/* The credential cache: see credcache.h. */
#include "credcache.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"

struct credcache_slot {
        char id[AUTH_ID_HEX + 1];
        char hash[AUTH_HASH_HEX + 1];
        long long expires_ms;
};

struct credcache {
        pthread_mutex_t lock;
        struct credcache_slot slots[CREDCACHE_SLOTS];
};

static long long now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int credcache_new(struct credcache **ret) {
        struct credcache *c = calloc(1, sizeof(*c));

        if (!c)
                return -ENOMEM;
        pthread_mutex_init(&c->lock, NULL);
        *ret = c;
        return 0;
}

void credcache_free(struct credcache *c) {
        if (!c)
                return;
        pthread_mutex_destroy(&c->lock);
        explicit_bzero(c->slots, sizeof(c->slots));
        free(c);
}

static struct credcache_slot *slot_of(struct credcache *c, const char *id) {
        unsigned long v = 0;

        /* ids are random hex: their first digits spread evenly */
        for (int i = 0; i < 6; i++)
                v = v << 4 | (unsigned long)(id[i] <= '9' ? id[i] - '0' : id[i] - 'a' + 10);
        return &c->slots[v % CREDCACHE_SLOTS];
}

bool credcache_check(struct credcache *c, const char *id, const char *secret, unsigned ttl_s) {
        char hash[AUTH_HASH_HEX + 1];
        struct credcache_slot *slot;
        bool ok;

        if (!ttl_s || auth_hash_hex(secret, hash) < 0)
                return false;
        pthread_mutex_lock(&c->lock);
        slot = slot_of(c, id);
        ok = strcmp(slot->id, id) == 0 && auth_equal(slot->hash, hash, AUTH_HASH_HEX) &&
             slot->expires_ms > now_ms();
        pthread_mutex_unlock(&c->lock);
        return ok;
}

void credcache_put(struct credcache *c, const char *id, const char *secret, unsigned ttl_s) {
        char hash[AUTH_HASH_HEX + 1];
        struct credcache_slot *slot;

        if (!ttl_s || auth_hash_hex(secret, hash) < 0)
                return;
        pthread_mutex_lock(&c->lock);
        slot = slot_of(c, id);
        memcpy(slot->id, id, sizeof(slot->id));
        memcpy(slot->hash, hash, sizeof(slot->hash));
        slot->expires_ms = now_ms() + 1000LL * ttl_s;
        pthread_mutex_unlock(&c->lock);
}

void credcache_forget(struct credcache *c, const char *id) {
        struct credcache_slot *slot;

        pthread_mutex_lock(&c->lock);
        slot = slot_of(c, id);
        if (strcmp(slot->id, id) == 0)
                memset(slot, 0, sizeof(*slot));
        pthread_mutex_unlock(&c->lock);
}

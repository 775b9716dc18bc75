/* The cache of credentials the store has verified: a /records body is read only for a
 * bearer the server knows, and a known one need not ask the store first. Fixed size (a slot
 * per agent-id prefix, the newest wins: a collision only costs a store lookup), thread-safe, the
 * secret kept only as its SHA-256. */
#pragma once

#include <stdbool.h>

#define CREDCACHE_SLOTS 8192

struct credcache;

int credcache_new(struct credcache **ret);
void credcache_free(struct credcache *c); /* accepts NULL */
/* Whether id's secret was verified within ttl_s (0: the cache is off, always false). */
bool credcache_check(struct credcache *c, const char *id, const char *secret, unsigned ttl_s);
void credcache_put(struct credcache *c, const char *id, const char *secret, unsigned ttl_s);
/* A revoked agent: gone from the cache at once. */
void credcache_forget(struct credcache *c, const char *id);

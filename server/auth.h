/* Secrets: enrollment tokens and agent credentials. Only their SHA-256 is ever stored.
 * A credential is "<agent id>.<secret>": the id says which row to compare against, the
 * secret is compared by hash in constant time. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define AUTH_ID_HEX     32 /* 128-bit agent ids */
#define AUTH_SECRET_HEX 64 /* 256-bit secrets and tokens */
#define AUTH_HASH_HEX   64

/* n random bytes from GnuTLS's key-grade generator, as 2n lowercase hex digits + NUL. */
int auth_random_hex(size_t n, char *ret, size_t ret_size);
/* SHA-256 of s as 64 hex digits + NUL. */
int auth_hash_hex(const char *s, char ret[AUTH_HASH_HEX + 1]);
/* Equal strings of the same length, in time independent of where they differ. */
bool auth_equal(const char *a, const char *b, size_t len);
bool auth_is_hex(const char *s, size_t len); /* exactly len lowercase hex digits */

/* Split "Bearer <id>.<secret>" into the two parts (copied into the caller's buffers).
 * -EINVAL when the header is missing or not of that form. */
int auth_parse_bearer(const char *header, char ret_id[AUTH_ID_HEX + 1],
                      char ret_secret[AUTH_SECRET_HEX + 1]);

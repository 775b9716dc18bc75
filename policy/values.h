/* Value formats of policy.conf (values.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* exactly len hex digits */
bool value_is_hex(const char *s, size_t len);
/* a malloc'ed lower-case copy, NULL on out of memory */
char *value_lower_dup(const char *s);
/* a host name with '*' wildcards: letters, digits, '.', '-', '_', '*'; 1..253 bytes */
bool value_name_pattern_ok(const char *s);
/* an IPv4 or IPv6 address, optionally /BITS */
bool value_cidr_ok(const char *s);
/* "mon" 0 ... "sun" 6, or -1 */
int value_day_bit(const char *s);
/* the index of s in the NULL-terminated words, or -1 */
int value_word_index(const char *const *words, const char *s);

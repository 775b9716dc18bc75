/* Strings from outside (sysfs, USB descriptors, files): made safe to store and to show. */
#pragma once

#include <stddef.h>

/* A malloc'ed copy of in[0..len) that is valid UTF-8 (each invalid byte becomes U+FFFD),
 * stops at the first NUL, has leading and trailing blanks removed, and is at most max_bytes long
 * (cut at a character boundary). NULL on out of memory. */
char *text_sanitize(const char *in, size_t len, size_t max_bytes);

/* Decode udev's "\xNN" escapes (ID_MODEL_ENC), then text_sanitize the result to at most
 * max_bytes. Malformed escapes are kept as they are. NULL on out of memory. */
char *text_unescape_hex(const char *in, size_t max_bytes);

/* Columns that valid UTF-8 s takes on a terminal, as text_cell would print it. */
size_t text_width(const char *s);

/* Write into out (size out_size) the cell form of s for an aligned table: control and
 * unprintable characters become '?', and if it is wider than width columns it is cut and
 * ends in "…". Returns the columns used. */
size_t text_cell(const char *s, size_t width, char *out, size_t out_size);

/* The length of the longest prefix of s (at most max_bytes bytes) that does not end inside a
 * UTF-8 character: for "%.*s" where "%.64s" could cut one in two. */
size_t text_prefix_len(const char *s, size_t max_bytes);

/* A malloc'ed copy of s, at most max_bytes long, safe to print on a terminal or in a log
 * line: invalid UTF-8 becomes U+FFFD, and control characters (C0, DEL, C1: ESC, BEL,
 * newline, ...) become '?'. NULL s gives NULL; NULL also on out of memory. */
char *text_printable(const char *s, size_t max_bytes);

/* The value of the hex digit c (either case), or -1. */
int text_hex_value(char c);

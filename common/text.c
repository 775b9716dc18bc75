/* UTF-8 hygiene for outside strings, and their width in a terminal table. */
#include "text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if it is not one. Refuses
 * overlong forms, surrogates and code points past U+10FFFF (RFC 3629). */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *ret_cp) {
        uint32_t cp;
        size_t len;

        if (s[0] < 0x80) {
                *ret_cp = s[0];
                return 1;
        }
        if (s[0] >= 0xc2 && s[0] <= 0xdf) {
                len = 2;
                cp = s[0] & 0x1f;
        } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
                len = 3;
                cp = s[0] & 0x0f;
        } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
                len = 4;
                cp = s[0] & 0x07;
        } else {
                return 0;
        }
        if (len > n)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (s[i] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        *ret_cp = cp;
        return len;
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

char *text_sanitize(const char *in, size_t len, size_t max_bytes) {
        const unsigned char *s = (const unsigned char *)in;
        size_t n = strnlen(in, len);
        /* worst case every byte becomes 3 */
        size_t cap = (n < max_bytes ? n : max_bytes) * 3 + 1;
        char *out = malloc(cap);
        size_t o = 0, lead;

        if (!out)
                return NULL;
        for (size_t i = 0; i < n;) {
                uint32_t cp;
                size_t l = utf8_seq(s + i, n - i, &cp);
                const char *src = l ? in + i : replacement;
                size_t sl = l ? l : 3;

                if (o + sl > max_bytes)
                        break;
                memcpy(out + o, src, sl);
                o += sl;
                i += l ? l : 1;
        }
        while (o > 0 && is_blank(out[o - 1]))
                o--;
        out[o] = '\0';
        /* and leading blanks: sysfs pads some attributes, "version" reads " 2.00" */
        for (lead = 0; lead < o && is_blank(out[lead]); lead++)
                ;
        memmove(out, out + lead, o - lead + 1);
        return out;
}

static int hex_value(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

char *text_unescape_hex(const char *in, size_t max_bytes) {
        size_t n = strlen(in), o = 0;
        char *raw = malloc(n + 1), *out;

        if (!raw)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                int hi, lo;
                if (in[i] == '\\' && i + 3 < n && in[i + 1] == 'x' &&
                    (hi = hex_value(in[i + 2])) >= 0 && (lo = hex_value(in[i + 3])) >= 0) {
                        raw[o++] = (char)(hi << 4 | lo);
                        i += 3;
                } else {
                        raw[o++] = in[i];
                }
        }
        /* a decoded NUL ends the string, as it would for the device */
        out = text_sanitize(raw, o, max_bytes);
        free(raw);
        return out;
}

/* Width of one code point; unprintable ones are shown as '?', width 1. */
static int cp_width(uint32_t cp, bool *ret_printable) {
        int w = wcwidth((wchar_t)cp);

        *ret_printable = w >= 0 && cp >= 0x20 && !(cp >= 0x7f && cp < 0xa0);
        return *ret_printable ? w : 1;
}

size_t text_width(const char *s) {
        size_t w = 0, n = strlen(s);

        for (size_t i = 0; i < n;) {
                uint32_t cp;
                bool printable;
                size_t l = utf8_seq((const unsigned char *)s + i, n - i, &cp);

                if (!l) {
                        w++;
                        i++;
                        continue;
                }
                w += (size_t)cp_width(cp, &printable);
                i += l;
        }
        return w;
}

size_t text_cell(const char *s, size_t width, char *out, size_t out_size) {
        static const char ellipsis[] = "\xe2\x80\xa6"; /* … */
        size_t n = strlen(s), o = 0, w = 0;
        bool cut = text_width(s) > width;
        size_t limit = cut && width > 0 ? width - 1 : width;

        if (out_size == 0)
                return 0;
        for (size_t i = 0; i < n;) {
                uint32_t cp;
                bool printable = false;
                size_t l = utf8_seq((const unsigned char *)s + i, n - i, &cp);
                int cw = l ? cp_width(cp, &printable) : 1;
                size_t bytes = printable ? l : 1;

                if (w + (size_t)cw > limit || o + bytes + sizeof(ellipsis) > out_size)
                        break;
                if (printable)
                        memcpy(out + o, s + i, l);
                else
                        out[o] = '?';
                o += bytes;
                w += (size_t)cw;
                i += l ? l : 1;
        }
        if (cut && width > 0 && o + sizeof(ellipsis) <= out_size) {
                memcpy(out + o, ellipsis, sizeof(ellipsis) - 1);
                o += sizeof(ellipsis) - 1;
                w++;
        }
        out[o] = '\0';
        return w;
}

size_t text_prefix_len(const char *s, size_t max_bytes) {
        size_t n = strnlen(s, max_bytes + 1), o = 0;

        if (n <= max_bytes)
                return n;
        /* back off continuation bytes, then check the character that starts there fits */
        o = max_bytes;
        while (o > 0 && ((unsigned char)s[o] & 0xc0) == 0x80)
                o--;
        return o;
}

char *text_printable(const char *s, size_t max_bytes) {
        char *out;
        size_t n;

        if (!s)
                return NULL;
        /* text_sanitize makes it valid UTF-8 (and trims blanks); controls are then 1 byte
         * (C0, DEL) or 2 bytes (C1: 0xc2 0x80..0x9f), each replaced in place by one '?' */
        out = text_sanitize(s, strlen(s), max_bytes);
        if (!out)
                return NULL;
        n = 0;
        for (size_t i = 0; out[i];) {
                unsigned char c = (unsigned char)out[i];
                if (c < 0x20 || c == 0x7f) {
                        out[n++] = '?';
                        i++;
                } else if (c == 0xc2 && (unsigned char)out[i + 1] >= 0x80 &&
                           (unsigned char)out[i + 1] <= 0x9f) {
                        out[n++] = '?';
                        i += 2;
                } else {
                        out[n++] = out[i++];
                }
        }
        out[n] = '\0';
        return out;
}

int text_hex_value(char c) {
        return hex_value(c);
}

/* The request path, decoded: the one piece of URL parsing the server does. */
#include "http.h"

static int hex_digit(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

size_t http_unescape(char *s) {
        char *w = s;

        for (const char *p = s; *p;) {
                int hi = p[0] == '%' ? hex_digit(p[1]) : -1;
                int lo = hi >= 0 ? hex_digit(p[2]) : -1;

                if (lo >= 0 && (hi | lo) != 0) {
                        *w++ = (char)(hi << 4 | lo);
                        p += 3;
                } else {
                        *w++ = *p++;
                }
        }
        *w = '\0';
        return (size_t)(w - s);
}

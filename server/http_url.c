/* The request path, decoded: the one piece of URL parsing the server does. */
#include "http.h"
#include "text.h"

size_t http_unescape(char *s) {
        char *w = s;

        for (const char *p = s; *p;) {
                int hi = p[0] == '%' ? text_hex_value(p[1]) : -1;
                int lo = hi >= 0 ? text_hex_value(p[2]) : -1;

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

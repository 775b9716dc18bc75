/* Capped, sanitised strings from print and scan services: see printers_text.h. */
#include "printers_text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int printers_text(const char *s, char **field, struct report *r, const char *subject,
                  const char *fact) {
        size_t len;

        free(*field);
        *field = NULL;
        if (!s || !*s)
                return 0;
        len = strnlen(s, (size_t)REPORT_MAX_STRING * 16);
        *field = text_sanitize(s, len, PRINTERS_TEXT_MAX);
        if (!*field)
                return -ENOMEM;
        if (!**field) { /* blanks only */
                free(*field);
                *field = NULL;
                return 0;
        }
        if (len > PRINTERS_TEXT_MAX && r) {
                char what[160], why[80];
                /* subject is ours ("printers[3]"), never the outside string itself */
                snprintf(what, sizeof(what), "%s.%s", subject, fact);
                snprintf(why, sizeof(why), "cut at %d of %zu bytes", PRINTERS_TEXT_MAX, len);
                return report_add_missing(r, what, why);
        }
        return 0;
}

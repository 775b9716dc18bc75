/* CUPS-Get-Printers attributes -> struct report_printer. IPP attribute names and values:
 * RFC 8011 (printer-state 3 idle, 4 processing, 5 stopped) and CUPS' IPP extensions
 * (printer-type bits, device-uri). */
#include "printers_ipp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "model.h"
#include "printers_text.h"
#include "printers_uri.h"

/* A PC has a handful of queues; a print server thousands. Past this, the rest is missing. */
#define PRINTERS_MAX         4096
#define PRINTERS_MAX_REASONS 32

const char *const printers_ipp_attributes[] = {
        "printer-name",           "device-uri",
        "printer-make-and-model", "printer-state",
        "printer-state-reasons",  "printer-is-accepting-jobs",
        "printer-is-shared",      "printer-location",
        "printer-info",           "printer-type",
};
const int printers_ipp_n_attributes =
        (int)(sizeof(printers_ipp_attributes) / sizeof(printers_ipp_attributes[0]));

static const char *text_of(ipp_attribute_t *a) {
        switch (ippGetValueTag(a)) {
        case IPP_TAG_TEXT:
        case IPP_TAG_NAME:
        case IPP_TAG_TEXTLANG:
        case IPP_TAG_NAMELANG:
        case IPP_TAG_URI:
        case IPP_TAG_KEYWORD:
                return ippGetString(a, 0, NULL);
        default:
                return NULL;
        }
}

static int8_t bool_of(ipp_attribute_t *a) {
        return ippGetValueTag(a) == IPP_TAG_BOOLEAN ? (int8_t)(ippGetBoolean(a, 0) != 0)
                                                    : REPORT_UNKNOWN;
}

static int set_uri(struct report_printer *p, const char *uri, struct report *r,
                   const char *subject) {
        struct printers_uri u;
        int e;

        if (!uri || !*uri)
                return 0;
        e = printers_uri_parse(uri, &u);
        if (e < 0)
                return e;
        e = printers_text(u.redacted, &p->uri, r, subject, "uri");
        if (e == 0)
                e = printers_text(u.address, &p->address, r, subject, "address");
        free(p->connection);
        p->connection = e == 0 ? strdup(u.connection) : NULL;
        if (e == 0 && !p->connection)
                e = -ENOMEM;
        printers_uri_free(&u);
        return e;
}

static int set_reasons(struct report_printer *p, ipp_attribute_t *a) {
        int n = ippGetCount(a);

        for (int i = 0; i < n && i < PRINTERS_MAX_REASONS; i++) {
                const char *s = ippGetString(a, i, NULL);
                char *clean = NULL;
                int e;
                /* "none" is the absence of reasons, not one */
                if (!s || !*s || strcmp(s, "none") == 0)
                        continue;
                e = printers_text(s, &clean, NULL, NULL, NULL);
                if (e == 0 && clean)
                        e = strv_append(&p->state_reasons, &p->n_state_reasons, clean);
                free(clean);
                if (e < 0)
                        return e;
        }
        return 0;
}

static int set_attribute(struct report_printer *p, ipp_attribute_t *a, struct report *r,
                         const char *subject) {
        const char *name = ippGetName(a);

        if (!name)
                return 0;
        if (strcmp(name, "printer-name") == 0)
                return printers_text(text_of(a), &p->name, r, subject, "name");
        if (strcmp(name, "device-uri") == 0)
                return set_uri(p, text_of(a), r, subject);
        if (strcmp(name, "printer-make-and-model") == 0)
                return printers_text(text_of(a), &p->make_model, r, subject, "make_model");
        if (strcmp(name, "printer-location") == 0)
                return printers_text(text_of(a), &p->location, r, subject, "location");
        if (strcmp(name, "printer-info") == 0)
                return printers_text(text_of(a), &p->info, r, subject, "info");
        if (strcmp(name, "printer-state-reasons") == 0 && ippGetValueTag(a) == IPP_TAG_KEYWORD)
                return set_reasons(p, a);
        if (strcmp(name, "printer-is-accepting-jobs") == 0)
                p->accepting = bool_of(a);
        else if (strcmp(name, "printer-is-shared") == 0)
                p->shared = bool_of(a);
        else if (strcmp(name, "printer-type") == 0 && ippGetValueTag(a) == IPP_TAG_ENUM)
                p->is_default = (ippGetInteger(a, 0) & CUPS_PRINTER_DEFAULT) != 0;
        else if (strcmp(name, "printer-state") == 0 && ippGetValueTag(a) == IPP_TAG_ENUM) {
                static const char *const states[] = {"idle", "processing", "stopped"};
                int v = ippGetInteger(a, 0);
                free(p->state);
                p->state = NULL;
                if (v >= IPP_PSTATE_IDLE && v <= IPP_PSTATE_STOPPED &&
                    !(p->state = strdup(states[v - IPP_PSTATE_IDLE])))
                        return -ENOMEM;
        }
        return 0;
}

int printers_ipp_fill(ipp_t *answer, struct report *r) {
        ipp_attribute_t *a = ippFirstAttribute(answer);

        while (a) {
                struct report_printer *p;
                char subject[48];
                int e = 0;

                /* each printer is a run of printer-group attributes */
                while (a && ippGetGroupTag(a) != IPP_TAG_PRINTER)
                        a = ippNextAttribute(answer);
                if (!a)
                        break;
                if (r->n_printers >= PRINTERS_MAX)
                        return report_add_missing(r, "printers", "more than 4096 queues");
                p = ARRAY_APPEND(r->printers, r->n_printers, PRINTERS_MAX);
                if (!p)
                        return -ENOMEM;
                model_init(&report_printer_desc, p);
                snprintf(subject, sizeof(subject), "printers[%zu]", r->n_printers - 1);
                for (; a && ippGetGroupTag(a) == IPP_TAG_PRINTER && e == 0;
                     a = ippNextAttribute(answer))
                        e = set_attribute(p, a, r, subject);
                if (e < 0)
                        return e;
                /* a printer without a name is not a queue anyone can use: not reported */
                if (!p->name) {
                        model_free(&report_printer_desc, p);
                        r->n_printers--;
                }
        }
        return 0;
}

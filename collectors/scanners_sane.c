/* sane_init, sane_get_devices, sane_exit: one discovery. libsane reads SANE_CONFIG_DIR
 * (dll.conf: which backends) like scanimage does. */
#include "scanners_sane.h"

#include <errno.h>
#include <sane/sane.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "model.h"
#include "printers_text.h"
#include "scanners_name.h"

#define SCANNERS_MAX 1024

static int add(struct report *r, const SANE_Device *d) {
        struct report_scanner *s;
        struct scanners_name n;
        char subject[48];
        int e;

        if (!d->name || !*d->name)
                return 0;
        s = ARRAY_APPEND(r->scanners, r->n_scanners, SCANNERS_MAX);
        if (!s)
                return -ENOMEM;
        model_init(&report_scanner_desc, s);
        snprintf(subject, sizeof(subject), "scanners[%zu]", r->n_scanners - 1);
        if ((e = printers_text(d->name, &s->name, r, subject, "name")) < 0 ||
            (e = printers_text(d->vendor, &s->vendor, r, subject, "vendor")) < 0 ||
            (e = printers_text(d->model, &s->model, r, subject, "model")) < 0 ||
            (e = printers_text(d->type, &s->type, r, subject, "type")) < 0)
                return e;
        if (!s->name) { /* blanks only */
                model_free(&report_scanner_desc, s);
                r->n_scanners--;
                return 0;
        }
        scanners_name_parse(s->name, &n);
        s->connection = strdup(n.connection);
        return s->connection ? 0 : -ENOMEM;
}

int scanners_sane_query(struct report *r) {
        const SANE_Device **list = NULL;
        SANE_Int version = 0;
        SANE_Status st;
        char why[160];
        int e = 0;

        st = sane_init(&version, NULL);
        if (st != SANE_STATUS_GOOD) {
                snprintf(why, sizeof(why), "scanner library not usable (%s)", sane_strstatus(st));
                return report_add_missing(r, "scanners", why);
        }
        st = sane_get_devices(&list, SANE_TRUE);
        if (st != SANE_STATUS_GOOD) {
                snprintf(why, sizeof(why), "scanner discovery failed (%s)", sane_strstatus(st));
                e = report_add_missing(r, "scanners", why);
        }
        for (size_t i = 0; st == SANE_STATUS_GOOD && list && list[i] && e == 0; i++) {
                if (r->n_scanners >= SCANNERS_MAX) {
                        e = report_add_missing(r, "scanners", "more than 1024 scanners");
                        break;
                }
                e = add(r, list[i]);
        }
        sane_exit();
        return e;
}

#include "inventory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "log.h"
#include "timefmt.h"

int collector_set_parse(const char *list, collector_set *ret, const char **ret_bad) {
        static char bad[64];
        collector_set set = 0;
        const char *p = list;

        while (*p) {
                size_t n = strcspn(p, ",");
                bool found = false;
                for (unsigned i = 0; collectors[i]; i++)
                        if (strlen(collectors[i]->name) == n &&
                            strncmp(collectors[i]->name, p, n) == 0) {
                                set |= 1u << i;
                                found = true;
                        }
                if (!found) {
                        snprintf(bad, sizeof(bad), "%.*s", (int)(n < 63 ? n : 63), p);
                        *ret_bad = bad;
                        return -EINVAL;
                }
                p += n;
                if (*p == ',')
                        p++;
        }
        if (!set) {
                *ret_bad = "";
                return -EINVAL;
        }
        *ret = set;
        return 0;
}

bool collector_set_has(collector_set set, const struct collector *c) {
        for (unsigned i = 0; collectors[i]; i++)
                if (collectors[i] == c)
                        return set & (1u << i);
        return false;
}

int inventory_locate(struct report *r, const char *unit, const char *counter) {
        struct report_host *h = report_ensure_host(r);

        if (!h)
                return -ENOMEM;
        if ((unit && !(h->unit = strdup(unit))) || (counter && !(h->counter = strdup(counter))))
                return -ENOMEM;
        return 0;
}

int inventory_collect(collector_set set, struct report *r) {
        char now[TIMEFMT_RFC3339_SIZE];

        timefmt_now_rfc3339(now);
        r->generated_at = strdup(now);
        if (!r->generated_at || !report_ensure_host(r))
                return -ENOMEM;
        for (unsigned i = 0; collectors[i]; i++) {
                struct collector_ctx ctx = {.name = collectors[i]->name};
                int e;

                if (!(set & (1u << i)))
                        continue;
                if (strv_append(&r->collectors, &r->n_collectors, collectors[i]->name) < 0)
                        return -ENOMEM;
                e = collectors[i]->snapshot(&ctx, r);
                if (e == -ENOMEM)
                        return e;
                if (e < 0) {
                        char fact[80];
                        log_warn_errno(e, "%s: collector failed, its facts are missing",
                                       collectors[i]->name);
                        snprintf(fact, sizeof(fact), "collector.%s", collectors[i]->name);
                        if (report_add_missing(r, fact, strerror(-e)) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

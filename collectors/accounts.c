/* The `accounts` collector: the PC's local accounts, who may administer it, who logs in by
 * itself. Reading is in accounts_read.c, building in accounts_build.c, watching in
 * accounts_watch.c; docs/accounts.md says what each fact means. */
#include <errno.h>

#include "accounts.h"

int accounts_collect(struct collector_ctx *ctx, struct report *r) {
        struct accounts_facts f = {0};
        int e = accounts_read_all(ctx, &f, r);

        if (e == 0)
                e = accounts_build(ctx, &f, r, time(NULL));
        accounts_facts_free(&f);
        return e;
}

static int accounts_snapshot(struct collector_ctx *ctx, struct report *r) {
        return accounts_collect(ctx, r);
}

const struct collector collector_accounts = {
        .name = "accounts",
        .section = "accounts",
        .init = accounts_watch_start,
        .snapshot = accounts_snapshot,
        .fini = accounts_watch_stop,
};

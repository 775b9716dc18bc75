/* Backend choice by URL, and the helpers every store file shares. */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "report.h"

int store_open(const char *url, const struct store_options *o, struct store **ret) {
        if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
                return store_pg_ops.open(url, o, ret);
        if (strncmp(url, "sqlite:", 7) == 0)
                return store_sqlite_ops.open(url + 7, o, ret);
        if (strstr(url, "://"))
                return log_error_errno(-EINVAL, "store url '%s': unknown scheme", url);
        return store_sqlite_ops.open(url, o, ret);
}

void store_close(struct store *s) {
        if (s)
                s->ops->close(s);
}

void store_params_init(struct store_params *p) {
        p->n = 0;
        p->overflow = false;
}

void store_param_str(struct store_params *p, const char *s) {
        if (p->n >= STORE_MAX_PARAMS) {
                p->overflow = true;
                return;
        }
        p->v[p->n++] = s;
}

void store_param_int(struct store_params *p, int64_t v) {
        if (v == REPORT_UNSET) {
                store_param_str(p, NULL);
                return;
        }
        if (p->n >= STORE_MAX_PARAMS) {
                p->overflow = true;
                return;
        }
        snprintf(p->num[p->n], sizeof(p->num[p->n]), "%" PRId64, v);
        p->v[p->n] = p->num[p->n];
        p->n++;
}

void store_param_bool(struct store_params *p, int8_t v) {
        store_param_int(p, v < 0 ? REPORT_UNSET : (v ? 1 : 0));
}

void store_param_fields(struct store_params *p, const char *desc_name, const void *obj,
                        const char *const *names) {
        const struct object_desc *d = model_find_desc(desc_name);

        for (; *names; names++) {
                const struct field_desc *f = d ? model_find_field(d, *names) : NULL;
                const char *at = (const char *)obj + (f ? f->offset : 0);

                switch (f ? f->type : FIELD_TYPE_MAX) {
                case FIELD_STRING:
                        store_param_str(p, *(char *const *)(const void *)at);
                        break;
                case FIELD_INT:
                        store_param_int(p, *(const int64_t *)(const void *)at);
                        break;
                case FIELD_BOOL:
                        store_param_bool(p, *(const int8_t *)at);
                        break;
                default:
                        /* a name that is not a scalar field: a programming error, which
                         * store_exec refuses like any overflow */
                        p->overflow = true;
                        return;
                }
        }
}

int store_exec(struct store *s, const char *sql, const struct store_params *p, store_row_fn row,
               void *userdata) {
        if (p && p->overflow)
                return log_error_errno(-E2BIG, "too many parameters for statement");
        return s->ops->exec(s, sql, p ? p->n : 0, p ? p->v : NULL, row, userdata);
}

static int first_value(void *userdata, size_t n, const char *const *columns,
                       const char *const *values) {
        char **ret = userdata;

        (void)columns;
        if (n > 0 && values[0]) {
                *ret = strdup(values[0]);
                if (!*ret)
                        return -ENOMEM;
        }
        return 1; /* one row is enough */
}

int store_row_exists(struct store *s, const char *sql, const char *key) {
        struct store_params p;
        char *v = NULL;
        int r;

        store_params_init(&p);
        store_param_str(&p, key);
        r = store_query_one(s, sql, &p, &v);
        free(v);
        return r;
}

int store_query_one(struct store *s, const char *sql, const struct store_params *p, char **ret) {
        char *v = NULL;
        int r;

        r = store_exec(s, sql, p, first_value, &v);
        if (r < 0) {
                free(v);
                return r;
        }
        *ret = v;
        return r == 1 ? 1 : 0;
}

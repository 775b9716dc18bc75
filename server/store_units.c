/* The unit tree: province > department | district > commune | ward > counter. A counter hangs
 * under any office (a department's or district's one-stop shop counts as much as a
 * commune's). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "timefmt.h"

struct kind_rule {
        const char *kind;
        const char *const *parents; /* NULL: a root */
};

static const char *const under_province[] = {"province", NULL};
static const char *const under_district[] = {"district", NULL};
static const char *const under_office[] = {"province", "department", "district",
                                           "commune",  "ward",       NULL};

static const struct kind_rule kind_rules[] = {
        {"province", NULL},          {"department", under_province}, {"district", under_province},
        {"commune", under_district}, {"ward", under_district},       {"counter", under_office},
};

static const struct kind_rule *find_rule(const char *kind) {
        for (size_t i = 0; i < sizeof(kind_rules) / sizeof(kind_rules[0]); i++)
                if (strcmp(kind_rules[i].kind, kind) == 0)
                        return &kind_rules[i];
        return NULL;
}

int store_unit_add(struct store *s, const char *code, const char *name, const char *kind,
                   const char *parent) {
        const struct kind_rule *rule = find_rule(kind);
        char now[TIMEFMT_RFC3339_SIZE];
        struct store_params p;
        char *parent_kind = NULL;
        bool ok = false;
        int r;

        if (!rule)
                return log_error_errno(-EINVAL, "unknown unit kind '%s'", kind);
        if (code[0] == '\0' || strlen(code) > 64)
                return log_error_errno(-EINVAL, "a unit code has 1 to 64 characters");
        if (!rule->parents && parent)
                return log_error_errno(-EINVAL, "a %s has no parent unit", kind);
        if (rule->parents && !parent)
                return log_error_errno(-EINVAL, "a %s needs --parent", kind);
        if (parent) {
                store_params_init(&p);
                store_param_str(&p, parent);
                r = store_query_one(s, "SELECT kind FROM units WHERE code = $1", &p, &parent_kind);
                if (r < 0)
                        return r;
                if (r == 0)
                        return log_error_errno(-ENOENT, "no unit '%s'", parent);
                for (const char *const *k = rule->parents; *k; k++)
                        ok = ok || (parent_kind && strcmp(*k, parent_kind) == 0);
                if (!ok) {
                        log_error("a %s cannot be under a %s ('%s')", kind,
                                  parent_kind ? parent_kind : "?", parent);
                        free(parent_kind);
                        return -EINVAL;
                }
                free(parent_kind);
        }
        timefmt_now_rfc3339(now);
        store_params_init(&p);
        store_param_str(&p, code);
        store_param_str(&p, name);
        store_param_str(&p, kind);
        store_param_str(&p, parent);
        store_param_str(&p, now);
        r = store_exec(s,
                       "INSERT INTO units (code, name, kind, parent_code, created_at) "
                       "VALUES ($1, $2, $3, $4, $5)",
                       &p, NULL, NULL);
        if (r == -EEXIST)
                return log_error_errno(r, "unit '%s' already exists", code);
        return r < 0 ? r : 0;
}

struct unit {
        char *code, *name, *kind, *parent;
};

struct unit_list {
        struct unit *units;
        size_t n, cap;
};

static int collect_unit(void *userdata, size_t n, const char *const *columns,
                        const char *const *values) {
        struct unit_list *l = userdata;
        struct unit *u;

        (void)columns;
        if (n < 4)
                return -EIO;
        if (l->n == l->cap) {
                size_t cap = l->cap ? 2 * l->cap : 64;
                struct unit *t = reallocarray(l->units, cap, sizeof(*t));
                if (!t)
                        return -ENOMEM;
                l->units = t;
                l->cap = cap;
        }
        u = &l->units[l->n++];
        *u = (struct unit){0};
        u->code = strdup(values[0] ? values[0] : "");
        u->name = strdup(values[1] ? values[1] : "");
        u->kind = strdup(values[2] ? values[2] : "");
        u->parent = values[3] ? strdup(values[3]) : NULL;
        if (!u->code || !u->name || !u->kind || (values[3] && !u->parent))
                return -ENOMEM;
        return 0;
}

static void print_subtree(FILE *out, const struct unit_list *l, const char *parent,
                          unsigned depth) {
        /* The tree has four levels; the depth cap guards against a cycle someone typed into
         * the database by hand. */
        if (depth > 8)
                return;
        for (size_t i = 0; i < l->n; i++) {
                const struct unit *u = &l->units[i];
                if (parent ? !u->parent || strcmp(u->parent, parent) != 0 : u->parent != NULL)
                        continue;
                fprintf(out, "%*s%s  %s (%s)\n", (int)depth * 2, "", u->code, u->name, u->kind);
                print_subtree(out, l, u->code, depth + 1);
        }
}

int store_units_list(struct store *s, FILE *out, bool tree) {
        struct unit_list l = {0};
        int r;

        if (!tree)
                return store_print_table(s,
                                         "SELECT code, name, kind, parent_code AS parent "
                                         "FROM units ORDER BY code",
                                         NULL, out);
        r = store_exec(s, "SELECT code, name, kind, parent_code FROM units ORDER BY code", NULL,
                       collect_unit, &l);
        if (r >= 0) {
                print_subtree(out, &l, NULL, 0);
                r = 0;
        }
        for (size_t i = 0; i < l.n; i++) {
                free(l.units[i].code);
                free(l.units[i].name);
                free(l.units[i].kind);
                free(l.units[i].parent);
        }
        free(l.units);
        return r;
}

static int unit_exists(struct store *s, const char *code) {
        int r = store_row_exists(s, "SELECT code FROM units WHERE code = $1", code);

        if (r == 0)
                return log_error_errno(-ENOENT, "no unit '%s' (see 'units list')", code);
        return r < 0 ? r : 0;
}

int store_unit_rename(struct store *s, const char *code, const char *name) {
        struct store_params p;
        int r = unit_exists(s, code);

        if (r < 0)
                return r;
        store_params_init(&p);
        store_param_str(&p, code);
        store_param_str(&p, name);
        return store_exec(s, "UPDATE units SET name = $2 WHERE code = $1", &p, NULL, NULL);
}

int store_unit_remove(struct store *s, const char *code) {
        /* what still refers to the unit, and how the operator would say it */
        static const struct {
                const char *sql;
                const char *what;
        } refs[] = {
                {"SELECT count(*) FROM units WHERE parent_code = $1", "units under it"},
                {"SELECT count(*) FROM agents WHERE unit_code = $1", "enrolled agents"},
                {"SELECT count(*) FROM enroll_tokens WHERE unit_code = $1", "enrollment tokens"},
        };
        struct store_params p;
        int r = unit_exists(s, code);

        if (r < 0)
                return r;
        store_params_init(&p);
        store_param_str(&p, code);
        for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
                char *n = NULL;
                r = store_query_one(s, refs[i].sql, &p, &n);
                if (r < 0)
                        return r;
                if (n && strcmp(n, "0") != 0) {
                        log_error("unit '%s' has %s %s: it stays", code, n, refs[i].what);
                        free(n);
                        return -EBUSY;
                }
                free(n);
        }
        return store_exec(s, "DELETE FROM units WHERE code = $1", &p, NULL, NULL);
}

/* The accounts' sources, read: passwd, group and login.defs directly (world-readable), shadow
 * and sudoers through collector_privileged_fd (root-only), the display managers' files. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accounts.h"
#include "accounts_io.h"
#include "accounts_sudoers.h"
#include "array.h"

struct reading {
        struct collector_ctx *ctx;
        struct accounts_facts *f;
        struct report *missing;
        const char *file; /* the sudoers file being parsed */
        unsigned depth;
        int error; /* -ENOMEM from a callback that cannot return one */
};

static void note(struct reading *rd, const char *fact, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void note(struct reading *rd, const char *fact, const char *fmt, ...) {
        char why[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(why, sizeof(why), fmt, ap);
        va_end(ap);
        collector_log(rd->ctx, LOG_LEVEL_WARN, "%s", why);
        if (report_add_missing(rd->missing, fact, why) < 0)
                rd->error = -ENOMEM;
}

static void bad_line(const char *file, unsigned line, const char *why, void *userdata) {
        note(userdata, "accounts", "%s:%u: %s, line skipped", file, line, why);
}

/* A file's text: directly, or (privileged) through the privileged side. NULL when it cannot
 * be read, which is noted (a missing optional file only when `required`). */
static char *read_source(struct reading *rd, const char *path, bool privileged, bool required,
                         const char *fact, size_t *ret_len) {
        char *text = NULL;
        int r;

        if (privileged) {
                int fd = collector_privileged_fd(rd->ctx, PRIVILEGED_FILE, path);
                r = fd < 0 ? fd : accounts_read_fd(fd, ACCOUNTS_MAX_FILE, &text, ret_len);
                if (fd >= 0)
                        close(fd);
        } else {
                r = accounts_read_path(path, ACCOUNTS_MAX_FILE, &text, ret_len);
        }
        if (r == -EFBIG) {
                note(rd, fact, "%s: larger than %zu bytes, read in part", path, ACCOUNTS_MAX_FILE);
                return text;
        }
        if (r == -ENOMEM)
                rd->error = r;
        if (r < 0 && (required || r != -ENOENT))
                note(rd, fact, "%s: %s", path, strerror(-r));
        return r < 0 ? NULL : text;
}

static int parse_file(struct reading *rd, const char *path, bool privileged,
                      int (*parse)(struct accounts_db *, const char *, size_t, const char *,
                                   accounts_bad_line_fn, void *),
                      const char *fact) {
        size_t len = 0;
        char *text = read_source(rd, path, privileged, true, fact, &len);
        int r;

        if (!text)
                return rd->error;
        r = parse(&rd->f->db, text, len, path, bad_line, rd);
        free(text);
        return r < 0 ? r : rd->error;
}

static int sudoers_file(struct reading *rd, const char *path);

static int on_grant(const char *who, unsigned line, void *userdata) {
        struct reading *rd = userdata;
        struct accounts_grant *g;
        char where[600];

        if (rd->f->n_grants >= ACCOUNTS_MAX_GRANTS)
                return 0;
        g = ARRAY_APPEND(rd->f->grants, rd->f->n_grants, ACCOUNTS_MAX_GRANTS);
        if (!g)
                return -ENOMEM;
        snprintf(where, sizeof(where), "%s:%u", rd->file, line);
        g->who = strdup(who);
        g->where = strdup(where);
        return g->who && g->where ? 0 : -ENOMEM;
}

static int on_alias(const char *name, const char *member, unsigned line, void *userdata) {
        struct reading *rd = userdata;
        struct accounts_alias *a;

        (void)line;
        if (rd->f->n_aliases >= ACCOUNTS_MAX_GRANTS)
                return 0;
        a = ARRAY_APPEND(rd->f->aliases, rd->f->n_aliases, ACCOUNTS_MAX_GRANTS);
        if (!a)
                return -ENOMEM;
        a->name = strdup(name);
        a->member = strdup(member);
        return a->name && a->member ? 0 : -ENOMEM;
}

/* sudo's rule for @includedir: names ending in '~' or holding a '.' are skipped. */
static bool sudoers_dropin_name(const char *name) {
        size_t n = strlen(name);
        return n && name[n - 1] != '~' && !strchr(name, '.');
}

static int by_name(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int sudoers_dir(struct reading *rd, const char *dir) {
        char *list = NULL, *names[256];
        size_t len = 0, n = 0;
        int fd, r;

        if (!privileged_allowed(PRIVILEGED_DIR_LIST, dir)) {
                note(rd, "accounts.admin", "%s: included directory not on the privileged list",
                     dir);
                return rd->error;
        }
        fd = collector_privileged_fd(rd->ctx, PRIVILEGED_DIR_LIST, dir);
        r = fd < 0 ? fd : accounts_read_fd(fd, ACCOUNTS_MAX_FILE, &list, &len);
        if (fd >= 0)
                close(fd);
        if (r < 0 && r != -EFBIG) {
                if (r != -ENOENT)
                        note(rd, "accounts.admin", "%s: %s", dir, strerror(-r));
                return r == -ENOMEM ? r : rd->error;
        }
        for (char *p = list; p && *p && n < 256;) {
                char *nl = strchr(p, '\n');
                if (nl)
                        *nl = '\0';
                if (sudoers_dropin_name(p))
                        names[n++] = p;
                if (!nl)
                        break;
                p = nl + 1;
        }
        qsort(names, n, sizeof(*names), by_name);
        r = 0;
        for (size_t i = 0; i < n && r == 0; i++) {
                char path[512];
                if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) < (int)sizeof(path))
                        r = sudoers_file(rd, path);
        }
        free(list);
        return r;
}

static int on_include(const char *path, int dir, unsigned line, void *userdata) {
        struct reading *rd = userdata;
        const char *outer = rd->file;
        char full[512];
        int r;

        (void)line;
        if (rd->depth >= ACCOUNTS_SUDOERS_DEPTH) {
                note(rd, "accounts.admin", "%s: includes nested too deep", path);
                return rd->error;
        }
        /* a relative include is relative to the including file's directory (sudo 1.9) */
        if (path[0] != '/') {
                const char *slash = strrchr(outer, '/');
                int n = slash ? (int)(slash - outer) : 0;
                if (snprintf(full, sizeof(full), "%.*s/%s", n, outer, path) >= (int)sizeof(full))
                        return 0;
                path = full;
        }
        rd->depth++;
        r = dir ? sudoers_dir(rd, path) : sudoers_file(rd, path);
        rd->depth--;
        rd->file = outer;
        return r;
}

static void sudoers_bad_line(unsigned line, const char *why, void *userdata) {
        struct reading *rd = userdata;
        note(rd, "accounts.admin", "%s:%u: %s, line skipped", rd->file, line, why);
}

static int sudoers_file(struct reading *rd, const char *path) {
        static const struct accounts_sudoers_ops ops = {on_grant, on_include, sudoers_bad_line,
                                                        on_alias};
        size_t len = 0;
        char *text;
        int r;

        if (!privileged_allowed(PRIVILEGED_FILE, path)) {
                note(rd, "accounts.admin", "%s: included file not on the privileged list", path);
                return rd->error;
        }
        text = read_source(rd, path, true, false, "accounts.admin", &len);
        if (!text)
                return rd->error;
        rd->file = path;
        r = accounts_sudoers_parse(text, len, &ops, rd);
        free(text);
        return r < 0 ? r : rd->error;
}

static void dm_unreadable(const char *path, const char *why, void *userdata) {
        note(userdata, "accounts.autologin", "%s: %s", path, why);
}

void accounts_facts_free(struct accounts_facts *f) {
        if (!f)
                return;
        accounts_db_free(&f->db);
        for (size_t i = 0; i < f->n_grants; i++) {
                free(f->grants[i].who);
                free(f->grants[i].where);
        }
        free(f->grants);
        f->grants = NULL;
        f->n_grants = 0;
        for (size_t i = 0; i < f->n_aliases; i++) {
                free(f->aliases[i].name);
                free(f->aliases[i].member);
        }
        free(f->aliases);
        f->aliases = NULL;
        f->n_aliases = 0;
        accounts_dm_free(&f->dm);
}

int accounts_read_all(struct collector_ctx *ctx, struct accounts_facts *f, struct report *missing) {
        struct reading rd = {ctx, f, missing, "/etc/sudoers", 0, 0};
        size_t len = 0;
        char *defs;
        int r;

        accounts_db_init(&f->db);
        f->grants = NULL;
        f->n_grants = 0;
        f->aliases = NULL;
        f->n_aliases = 0;
        accounts_dm_init(&f->dm);
        r = parse_file(&rd, "/etc/passwd", false, accounts_parse_passwd, "accounts");
        if (r == 0)
                r = parse_file(&rd, "/etc/shadow", true, accounts_parse_shadow, "accounts.locked");
        if (r == 0)
                r = parse_file(&rd, "/etc/group", false, accounts_parse_group, "accounts.admin");
        if (r == 0 &&
            (defs = read_source(&rd, "/etc/login.defs", false, false, "accounts.system", &len))) {
                r = accounts_parse_login_defs(&f->db, defs, len);
                free(defs);
        }
        if (r == 0)
                r = sudoers_file(&rd, "/etc/sudoers");
        if (r == 0)
                r = accounts_dm_read(&f->dm, dm_unreadable, &rd);
        if (r == 0 && f->db.cut)
                note(&rd, "accounts", "a value longer than %d bytes was cut", REPORT_MAX_STRING);
        return r < 0 ? r : rd.error;
}

/* passwd(5), shadow(5), group(5) and login.defs(5) parsers (accounts_files.h). */
#include "accounts_files.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_io.h"
#include "array.h"
#include "report.h"
#include "text.h"

void accounts_db_init(struct accounts_db *db) {
        memset(db, 0, sizeof(*db));
        db->uid_min = 1000; /* login.defs(5)'s defaults */
        db->uid_max = 60000;
}

void accounts_db_free(struct accounts_db *db) {
        if (!db)
                return;
        for (size_t i = 0; i < db->n_users; i++) {
                free(db->users[i].name);
                free(db->users[i].gecos);
                free(db->users[i].shell);
        }
        free(db->users);
        for (size_t i = 0; i < db->n_groups; i++) {
                free(db->groups[i].name);
                for (size_t j = 0; j < db->groups[i].n_members; j++)
                        free(db->groups[i].members[j]);
                free(db->groups[i].members);
        }
        free(db->groups);
        accounts_db_init(db);
}

int accounts_for_each_line(const char *buf, size_t len, accounts_line_fn fn, void *userdata) {
        char *copy = malloc(len + 1), *p;
        unsigned lineno = 0;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        memcpy(copy, buf, len);
        copy[len] = '\0';
        p = copy;
        while (p < copy + len) {
                char *nl = memchr(p, '\n', (size_t)(copy + len - p));

                if (nl)
                        *nl = '\0';
                r = fn(p, ++lineno, userdata);
                if (r < 0 || !nl)
                        break;
                p = nl + 1;
        }
        free(copy);
        return r < 0 ? r : 0;
}

int accounts_parse_int(const char *s, int64_t max, int64_t *ret) {
        int64_t v = 0;

        if (!*s)
                return -EINVAL;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return -EINVAL;
                if (v > (max - (*s - '0')) / 10)
                        return -ERANGE;
                v = v * 10 + (*s - '0');
        }
        *ret = v;
        return 0;
}

/* A sanitized copy of s; flags db->cut when it was too long. */
static char *dup_field(struct accounts_db *db, const char *s) {
        size_t n = strlen(s);

        if (n > REPORT_MAX_STRING)
                db->cut = true;
        return text_sanitize(s, n, REPORT_MAX_STRING);
}

struct parse {
        struct accounts_db *db;
        const char *file;
        accounts_bad_line_fn bad;
        void *userdata;
};

static void bad_line(const struct parse *p, unsigned lineno, const char *why) {
        if (p->bad)
                p->bad(p->file, lineno, why, p->userdata);
}

/* Blank lines and comments are not entries; NIS "+"/"-" lines are not local accounts. */
static bool skip_line(const char *line) {
        while (*line == ' ' || *line == '\t' || *line == '\r')
                line++;
        return !*line || *line == '#' || *line == '+' || *line == '-';
}

static void strip_cr(char *line) {
        size_t n = strlen(line);

        if (n && line[n - 1] == '\r')
                line[n - 1] = '\0';
}

/* The password field's facts: never the hash itself. */
static void password_facts(struct accounts_user *u, const char *pw) {
        u->password_empty = !*pw;
        u->locked = pw[0] == '!' || pw[0] == '*';
}

static int passwd_line(char *line, unsigned lineno, void *userdata) {
        struct parse *p = userdata;
        struct accounts_user *u;
        char *f[7];
        int64_t uid, gid;

        strip_cr(line);
        if (skip_line(line))
                return 0;
        if (accounts_split(line, ':', f, 7) != 7) {
                bad_line(p, lineno, "not 7 fields");
                return 0;
        }
        if (!*f[0]) {
                bad_line(p, lineno, "empty name");
                return 0;
        }
        if (accounts_parse_int(f[2], UINT32_MAX - 1, &uid) < 0 ||
            accounts_parse_int(f[3], UINT32_MAX - 1, &gid) < 0) {
                bad_line(p, lineno, "bad uid or gid");
                return 0;
        }
        if (accounts_db_user(p->db, f[0])) {
                bad_line(p, lineno, "duplicate name, first kept");
                return 0;
        }
        u = ARRAY_APPEND(p->db->users, p->db->n_users, ACCOUNTS_MAX_USERS);
        if (!u)
                return p->db->n_users >= ACCOUNTS_MAX_USERS ? 0 : -ENOMEM;
        u->uid = uid;
        u->gid = gid;
        u->changed_days = REPORT_UNSET;
        u->max_days = REPORT_UNSET;
        u->locked = REPORT_UNKNOWN;
        u->password_empty = REPORT_UNKNOWN;
        u->pw_in_shadow = strcmp(f[1], "x") == 0;
        if (!u->pw_in_shadow)
                password_facts(u, f[1]); /* an old-style passwd: the field is the password */
        f[4][strcspn(f[4], ",")] = '\0';
        u->name = dup_field(p->db, f[0]);
        u->gecos = *f[4] ? dup_field(p->db, f[4]) : NULL;
        u->shell = *f[6] ? dup_field(p->db, f[6]) : NULL;
        if (!u->name || (*f[4] && !u->gecos) || (*f[6] && !u->shell))
                return -ENOMEM;
        return 0;
}

static int shadow_line(char *line, unsigned lineno, void *userdata) {
        struct parse *p = userdata;
        struct accounts_user *u;
        char *f[9];
        int64_t v;

        strip_cr(line);
        if (skip_line(line))
                return 0;
        if (accounts_split(line, ':', f, 9) != 9) {
                bad_line(p, lineno, "not 9 fields");
                return 0;
        }
        u = accounts_db_user(p->db, f[0]);
        if (!u)
                return 0; /* shadow entry without an account: nothing to attach it to */
        if ((*f[2] && accounts_parse_int(f[2], INT32_MAX, &v) < 0) ||
            (*f[4] && accounts_parse_int(f[4], INT32_MAX, &v) < 0)) {
                bad_line(p, lineno, "bad day count");
                return 0;
        }
        if (u->pw_in_shadow)
                password_facts(u, f[1]);
        u->changed_days = REPORT_UNSET;
        if (*f[2] && accounts_parse_int(f[2], INT32_MAX, &v) == 0)
                u->changed_days = v;
        u->max_days = -1;
        if (*f[4] && accounts_parse_int(f[4], INT32_MAX, &v) == 0)
                u->max_days = v;
        return 0;
}

static int group_line(char *line, unsigned lineno, void *userdata) {
        struct parse *p = userdata;
        struct accounts_group *g;
        char *f[4], *m;
        int64_t gid;

        strip_cr(line);
        if (skip_line(line))
                return 0;
        if (accounts_split(line, ':', f, 4) != 4) {
                bad_line(p, lineno, "not 4 fields");
                return 0;
        }
        if (!*f[0] || accounts_parse_int(f[2], UINT32_MAX - 1, &gid) < 0) {
                bad_line(p, lineno, "empty name or bad gid");
                return 0;
        }
        if (accounts_db_group(p->db, f[0])) {
                bad_line(p, lineno, "duplicate name, first kept");
                return 0;
        }
        g = ARRAY_APPEND(p->db->groups, p->db->n_groups, ACCOUNTS_MAX_GROUPS);
        if (!g)
                return p->db->n_groups >= ACCOUNTS_MAX_GROUPS ? 0 : -ENOMEM;
        g->gid = gid;
        g->name = dup_field(p->db, f[0]);
        if (!g->name)
                return -ENOMEM;
        for (m = f[3]; *m;) {
                size_t n = strcspn(m, ",");
                char save = m[n];
                int r = 0;

                m[n] = '\0';
                if (n && g->n_members < ACCOUNTS_MAX_MEMBERS)
                        r = strv_append(&g->members, &g->n_members, m);
                if (r < 0)
                        return r;
                if (!save)
                        break;
                m += n + 1;
        }
        return 0;
}

int accounts_parse_passwd(struct accounts_db *db, const char *buf, size_t len, const char *file,
                          accounts_bad_line_fn bad, void *userdata) {
        struct parse p = {db, file, bad, userdata};
        return accounts_for_each_line(buf, len, passwd_line, &p);
}

int accounts_parse_shadow(struct accounts_db *db, const char *buf, size_t len, const char *file,
                          accounts_bad_line_fn bad, void *userdata) {
        struct parse p = {db, file, bad, userdata};
        return accounts_for_each_line(buf, len, shadow_line, &p);
}

int accounts_parse_group(struct accounts_db *db, const char *buf, size_t len, const char *file,
                         accounts_bad_line_fn bad, void *userdata) {
        struct parse p = {db, file, bad, userdata};
        return accounts_for_each_line(buf, len, group_line, &p);
}

static int login_defs_line(char *line, unsigned lineno, void *userdata) {
        struct accounts_db *db = userdata;
        char *key = line, *val;
        int64_t v;

        (void)lineno;
        while (isblank((unsigned char)*key))
                key++;
        val = key + strcspn(key, " \t");
        if (!*val)
                return 0;
        *val++ = '\0';
        val += strspn(val, " \t");
        val[strcspn(val, " \t\r#")] = '\0';
        if (accounts_parse_int(val, UINT32_MAX - 1, &v) < 0)
                return 0;
        if (strcmp(key, "UID_MIN") == 0)
                db->uid_min = v;
        else if (strcmp(key, "UID_MAX") == 0)
                db->uid_max = v;
        return 0;
}

int accounts_parse_login_defs(struct accounts_db *db, const char *buf, size_t len) {
        return accounts_for_each_line(buf, len, login_defs_line, db);
}

struct accounts_user *accounts_db_user(const struct accounts_db *db, const char *name) {
        for (size_t i = 0; i < db->n_users; i++)
                if (db->users[i].name && strcmp(db->users[i].name, name) == 0)
                        return &db->users[i];
        return NULL;
}

struct accounts_group *accounts_db_group(const struct accounts_db *db, const char *name) {
        for (size_t i = 0; i < db->n_groups; i++)
                if (db->groups[i].name && strcmp(db->groups[i].name, name) == 0)
                        return &db->groups[i];
        return NULL;
}

bool accounts_db_in_group(const struct accounts_group *g, const struct accounts_user *u) {
        if (g->gid == u->gid)
                return true;
        for (size_t i = 0; i < g->n_members; i++)
                if (strcmp(g->members[i], u->name) == 0)
                        return true;
        return false;
}

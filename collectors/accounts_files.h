/* The account files' parsers: /etc/passwd, /etc/shadow, /etc/group, /etc/login.defs. Each
 * takes the file's text (any bytes) and fills an accounts_db; a malformed line is reported to
 * a callback with its file and line number and skipped, the rest is still read. Nothing of a
 * password hash is kept: only whether it is locked or empty. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Caps on what outside files can make us hold. */
#define ACCOUNTS_MAX_USERS   4096
#define ACCOUNTS_MAX_GROUPS  4096
#define ACCOUNTS_MAX_MEMBERS 4096

struct accounts_user {
        char *name;
        int64_t uid, gid;
        char *gecos; /* the full name: GECOS up to its first ',' */
        char *shell;
        bool pw_in_shadow;     /* passwd's password field is "x" */
        int8_t locked;         /* tristate: REPORT_UNKNOWN until a password field is seen */
        int8_t password_empty; /* tristate */
        int64_t changed_days;  /* shadow's last change, days since 1970; REPORT_UNSET */
        int64_t max_days;      /* shadow's maximum age; -1 when none; REPORT_UNSET */
};

struct accounts_group {
        char *name;
        int64_t gid;
        char **members;
        size_t n_members;
};

struct accounts_db {
        struct accounts_user *users;
        size_t n_users;
        struct accounts_group *groups;
        size_t n_groups;
        int64_t uid_min, uid_max; /* login.defs, 1000 and 60000 by default */
        bool cut;                 /* a string was longer than REPORT_MAX_STRING and cut */
};

/* Called for every line skipped: file as given, line from 1, why in a few words. */
typedef void (*accounts_bad_line_fn)(const char *file, unsigned line, const char *why,
                                     void *userdata);

void accounts_db_init(struct accounts_db *db);
void accounts_db_free(struct accounts_db *db); /* the contents; accepts NULL */

/* 0 or -ENOMEM. buf needs no NUL; embedded NULs end a line's useful part. */
int accounts_parse_passwd(struct accounts_db *db, const char *buf, size_t len, const char *file,
                          accounts_bad_line_fn bad, void *userdata);
/* Fills the shadow facts of users already in db; an entry for an unknown name is ignored. */
int accounts_parse_shadow(struct accounts_db *db, const char *buf, size_t len, const char *file,
                          accounts_bad_line_fn bad, void *userdata);
int accounts_parse_group(struct accounts_db *db, const char *buf, size_t len, const char *file,
                         accounts_bad_line_fn bad, void *userdata);
/* UID_MIN and UID_MAX; other keys are ignored. 0 or -ENOMEM. */
int accounts_parse_login_defs(struct accounts_db *db, const char *buf, size_t len);

struct accounts_user *accounts_db_user(const struct accounts_db *db, const char *name);
struct accounts_group *accounts_db_group(const struct accounts_db *db, const char *name);
/* Whether user belongs to group: listed as a member, or the group is its primary group. */
bool accounts_db_in_group(const struct accounts_group *g, const struct accounts_user *u);

/* Line iteration shared by the text parsers: calls fn for each line (NUL-terminated copy,
 * without its '\n'), numbered from 1; stops on fn's negative return. */
typedef int (*accounts_line_fn)(char *line, unsigned lineno, void *userdata);
int accounts_for_each_line(const char *buf, size_t len, accounts_line_fn fn, void *userdata);

/* A decimal in [0, max], the whole string; -EINVAL or -ERANGE. */
int accounts_parse_int(const char *s, int64_t max, int64_t *ret);

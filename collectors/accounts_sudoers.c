/* sudoers(5): the grants of ALL commands, and the includes (accounts_sudoers.h). */
#include "accounts_sudoers.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_files.h"

struct sudoers {
        const struct accounts_sudoers_ops *ops;
        void *userdata;
        char *pending; /* a line continued with '\\' */
        size_t n_pending;
        unsigned first_line;
};

#define SUDOERS_MAX_LINE ((size_t)64 * 1024)

static char *skip_blank(char *s) {
        while (isspace((unsigned char)*s))
                s++;
        return s;
}

static void trim_end(char *s) {
        size_t n = strlen(s);

        while (n && isspace((unsigned char)s[n - 1]))
                s[--n] = '\0';
}

static int include_line(struct sudoers *s, char *rest, int dir, unsigned lineno) {
        rest = skip_blank(rest);
        trim_end(rest);
        if (*rest == '"') { /* a quoted path */
                size_t n;

                rest++;
                n = strcspn(rest, "\"");
                rest[n] = '\0';
        }
        if (!*rest) {
                if (s->ops->bad_line)
                        s->ops->bad_line(lineno, "include without a path", s->userdata);
                return 0;
        }
        return s->ops->include ? s->ops->include(rest, dir, lineno, s->userdata) : 0;
}

/* Whether the command part (after '=') grants every command: one of its comma-separated
 * entries, after an optional (runas) and TAG: prefixes (NOPASSWD:, SETENV:), is ALL. */
static bool grants_all(char *cmds) {
        char *p = cmds;

        for (;;) {
                size_t n = strcspn(p, ",");
                char save = p[n], *c;

                p[n] = '\0';
                c = skip_blank(p);
                if (*c == '(') {
                        char *close = strchr(c, ')');
                        c = close ? skip_blank(close + 1) : c + strlen(c);
                }
                for (;;) {
                        size_t t = 0;

                        while (isupper((unsigned char)c[t]) || c[t] == '_')
                                t++;
                        if (!t || c[t] != ':')
                                break;
                        c = skip_blank(c + t + 1);
                }
                trim_end(c);
                if (strcmp(c, "ALL") == 0)
                        return true;
                if (!save)
                        return false;
                p += n + 1;
        }
}

static int rule_line(struct sudoers *s, char *line, unsigned lineno) {
        char *eq = strchr(line, '='), *users, *p;
        int r;

        if (!eq) {
                if (s->ops->bad_line)
                        s->ops->bad_line(lineno, "no '='", s->userdata);
                return 0;
        }
        *eq = '\0';
        if (!grants_all(eq + 1))
                return 0;
        /* "alice, bob  HOSTS": the user list ends at the first blank not after a ',' */
        users = line;
        for (p = users; *p; p++) {
                if (*p == ',') {
                        p = skip_blank(p + 1) - 1;
                        continue;
                }
                if (isspace((unsigned char)*p)) {
                        *p = '\0';
                        break;
                }
        }
        for (p = users; *p;) {
                size_t n = strcspn(p, ",");
                char save = p[n], *who = skip_blank(p);

                p[n] = '\0';
                trim_end(who);
                if (*who && *who != '!' && s->ops->grant) {
                        r = s->ops->grant(who, lineno, s->userdata);
                        if (r < 0)
                                return r;
                }
                if (!save)
                        break;
                p += n + 1;
        }
        return 0;
}

/* "User_Alias A = x, %y : B = z": each member of each alias */
static int alias_line(struct sudoers *s, char *defs, unsigned lineno) {
        for (char *p = defs; *p;) {
                size_t n = strcspn(p, ":");
                char save = p[n], *eq, *name = skip_blank(p);

                p[n] = '\0';
                eq = strchr(name, '=');
                if (eq) {
                        char *m = eq + 1;
                        *eq = '\0';
                        trim_end(name);
                        for (;;) {
                                size_t k = strcspn(m, ",");
                                char msave = m[k], *who = skip_blank(m);
                                int r = 0;

                                m[k] = '\0';
                                trim_end(who);
                                if (*name && *who && *who != '!' && s->ops->alias)
                                        r = s->ops->alias(name, who, lineno, s->userdata);
                                if (r < 0)
                                        return r;
                                if (!msave)
                                        break;
                                m += k + 1;
                        }
                } else if (s->ops->bad_line) {
                        s->ops->bad_line(lineno, "alias without '='", s->userdata);
                }
                if (!save)
                        break;
                p += n + 1;
        }
        return 0;
}

static bool starts_word(const char *s, const char *word) {
        size_t n = strlen(word);
        return strncmp(s, word, n) == 0 && (isspace((unsigned char)s[n]) || s[n] == '"');
}

static int logical_line(struct sudoers *s, char *line, unsigned lineno) {
        line = skip_blank(line);
        if (starts_word(line, "#includedir") || starts_word(line, "@includedir"))
                return include_line(s, line + 11, 1, lineno);
        if (starts_word(line, "#include") || starts_word(line, "@include"))
                return include_line(s, line + 8, 0, lineno);
        if (*line == '#' && !isdigit((unsigned char)line[1]))
                return 0; /* a comment; "#1000" is a uid */
        /* a trailing comment: a '#' after a blank ("#1000" at the start is a uid) */
        for (char *c = line; *c && c[1]; c++)
                if (c[1] == '#' && isspace((unsigned char)c[0])) {
                        c[1] = '\0';
                        break;
                }
        trim_end(line);
        if (!*line)
                return 0;
        if (starts_word(line, "User_Alias"))
                return alias_line(s, line + 10, lineno);
        if (strncmp(line, "Defaults", 8) == 0 || strncmp(line, "Runas_Alias", 11) == 0 ||
            strncmp(line, "Host_Alias", 10) == 0 || strncmp(line, "Cmnd_Alias", 10) == 0 ||
            strncmp(line, "Cmd_Alias", 9) == 0)
                return 0;
        return rule_line(s, line, lineno);
}

static int physical_line(char *line, unsigned lineno, void *userdata) {
        struct sudoers *s = userdata;
        size_t n = strlen(line);
        bool continued;
        char *joined;
        int r;

        if (n && line[n - 1] == '\r')
                line[--n] = '\0';
        continued = n && line[n - 1] == '\\';
        if (continued)
                line[--n] = '\0';
        if (!s->pending && !continued)
                return logical_line(s, line, lineno);
        if (!s->pending)
                s->first_line = lineno;
        if (s->n_pending + n + 2 > SUDOERS_MAX_LINE) {
                if (s->ops->bad_line)
                        s->ops->bad_line(s->first_line, "continued line too long", s->userdata);
                free(s->pending);
                s->pending = NULL;
                s->n_pending = 0;
                return 0;
        }
        joined = realloc(s->pending, s->n_pending + n + 2);
        if (!joined)
                return -ENOMEM;
        memcpy(joined + s->n_pending, line, n);
        s->n_pending += n;
        joined[s->n_pending++] = ' ';
        joined[s->n_pending] = '\0';
        s->pending = joined;
        if (continued)
                return 0;
        r = logical_line(s, s->pending, s->first_line);
        free(s->pending);
        s->pending = NULL;
        s->n_pending = 0;
        return r;
}

int accounts_sudoers_parse(const char *buf, size_t len, const struct accounts_sudoers_ops *ops,
                           void *userdata) {
        struct sudoers s = {.ops = ops, .userdata = userdata};
        int r = accounts_for_each_line(buf, len, physical_line, &s);

        if (r == 0 && s.pending)
                r = logical_line(&s, s.pending, s.first_line);
        free(s.pending);
        return r;
}

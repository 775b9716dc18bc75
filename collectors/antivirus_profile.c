/* The antivirus profile files' parser (antivirus_profile.h). */
#include "antivirus_profile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "fileio.h"
#include "text.h"

#define VALUE_MAX 4096

static const char *const role_names[AV_ROLE_MAX] = {
        [AV_ROLE_DAEMON] = "daemon",
        [AV_ROLE_REALTIME] = "realtime",
        [AV_ROLE_UPDATER] = "updater",
        [AV_ROLE_MANAGER] = "manager",
};

const char *av_role_to_string(enum av_role r) {
        return (unsigned)r < AV_ROLE_MAX ? role_names[r] : "?";
}

static void profile_free(struct av_profile *p) {
        free(p->product);
        free(p->source);
        for (size_t i = 0; i < p->n_installed; i++)
                free(p->installed[i]);
        free(p->installed);
        for (size_t i = 0; i < p->n_exes; i++)
                free(p->exes[i].pattern);
        free(p->exes);
        for (size_t i = 0; i < p->n_units; i++)
                free(p->units[i]);
        free(p->units);
        free(p->clamd_config);
        free(p->signatures_dir);
        free(p->update_log_path);
        free(p->managed_by);
        memset(p, 0, sizeof(*p));
}

void av_profiles_free(struct av_profiles *p) {
        if (!p)
                return;
        for (size_t i = 0; i < p->n; i++)
                profile_free(&p->v[i]);
        free(p->v);
        p->v = NULL;
        p->n = 0;
}

struct parser {
        const char *name;
        size_t line;
        char *error;
        struct av_profiles file; /* this file's profiles, merged at its end */
        struct av_profile *cur;
};

static int fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *ps, const char *fmt, ...) {
        char msg[256];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        snprintf(ps->error, AV_ERROR_MAX, "%s:%zu: %s", ps->name, ps->line, msg);
        return -EBADMSG;
}

static bool id_valid(const char *s, size_t n) {
        if (n == 0 || n > AV_PROFILE_ID_MAX)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
                      s[i] == '-'))
                        return false;
        return true;
}

static int section(struct parser *ps, const char *s, size_t n) {
        struct av_profile *p;

        if (n < 3 || s[n - 1] != ']' || !id_valid(s + 1, n - 2))
                return fail(ps, "a section is [id], id of a-z, 0-9, '_', '-' (at most %d)",
                            AV_PROFILE_ID_MAX);
        for (size_t i = 0; i < ps->file.n; i++)
                if (strlen(ps->file.v[i].id) == n - 2 &&
                    memcmp(ps->file.v[i].id, s + 1, n - 2) == 0)
                        return fail(ps, "profile '%.*s' defined twice", (int)(n - 2), s + 1);
        p = ARRAY_APPEND(ps->file.v, ps->file.n, AV_PROFILES_MAX);
        if (!p)
                return ps->file.n == AV_PROFILES_MAX
                               ? fail(ps, "more than %d profiles", AV_PROFILES_MAX)
                               : -ENOMEM;
        memcpy(p->id, s + 1, n - 2);
        p->verified = -1;
        p->managed = -1;
        p->line = ps->line;
        ps->cur = p;
        return 0;
}

static int set_once(struct parser *ps, const char *key, char **field, const char *v) {
        if (*field)
                return fail(ps, "'%s' set twice", key);
        *field = strdup(v);
        return *field ? 0 : -ENOMEM;
}

static int absolute_path(struct parser *ps, const char *key, const char *v) {
        if (v[0] != '/')
                return fail(ps, "'%s' needs an absolute path", key);
        return 0;
}

static int add_string(struct parser *ps, const char *key, char ***v, size_t *n, const char *s) {
        if (*n == AV_PROFILE_LIST)
                return fail(ps, "more than %d '%s'", AV_PROFILE_LIST, key);
        return strv_append(v, n, s);
}

/* "PATTERN" or "PATH sha256:HEX" */
static int add_exe(struct parser *ps, const char *key, enum av_role role, const char *v) {
        const char *sp = strchr(v, ' ');
        struct av_exe *e;
        size_t n = sp ? (size_t)(sp - v) : strlen(v);

        if (v[0] != '/')
                return fail(ps, "'%s' needs an absolute path or pattern", key);
        if (ps->cur->n_exes == AV_PROFILE_LIST)
                return fail(ps, "more than %d process patterns", AV_PROFILE_LIST);
        if (sp) {
                const char *h = sp + 1;
                if (strncmp(h, "sha256:", 7) != 0 || strlen(h + 7) != 64)
                        return fail(ps, "'%s': after the path, only sha256:<64 hex digits>", key);
                if (strpbrk(v, "*?["))
                        return fail(ps, "'%s': a hash needs an exact path, not a pattern", key);
                for (size_t i = 0; i < 64; i++)
                        if (text_hex_value(h[7 + i]) < 0)
                                return fail(ps, "'%s': sha256 is 64 hex digits", key);
        }
        e = ARRAY_APPEND(ps->cur->exes, ps->cur->n_exes, AV_PROFILE_LIST);
        if (!e)
                return -ENOMEM;
        e->role = role;
        e->pattern = strndup(v, n);
        if (!e->pattern)
                return -ENOMEM;
        if (sp) {
                e->has_sha256 = true;
                for (size_t i = 0; i < 32; i++)
                        e->sha256[i] = (uint8_t)(text_hex_value(sp[8 + 2 * i]) << 4 |
                                                 text_hex_value(sp[9 + 2 * i]));
        }
        return 0;
}

static int yes_no(struct parser *ps, const char *key, int *field, const char *v) {
        if (*field != -1)
                return fail(ps, "'%s' set twice", key);
        if (strcmp(v, "yes") == 0)
                *field = 1;
        else if (strcmp(v, "no") == 0)
                *field = 0;
        else
                return fail(ps, "'%s' is yes or no, not '%.64s'", key, v);
        return 0;
}

/* "FORMAT /path" for signatures and update_log */
static int format_path(struct parser *ps, const char *key, const char *format, const char *v,
                       char **path) {
        size_t n = strlen(format);

        if (strncmp(v, format, n) != 0 || v[n] != ' ')
                return fail(ps, "'%s' is '%s /path' (the only format known)", key, format);
        if (absolute_path(ps, key, v + n + 1) < 0)
                return -EBADMSG;
        return set_once(ps, key, path, v + n + 1);
}

static int key_value(struct parser *ps, const char *k, const char *v) {
        struct av_profile *p = ps->cur;
        static const char *const roles[AV_ROLE_MAX] = {"daemon", "realtime", "updater", "manager"};

        if (!p)
                return fail(ps, "'%s' outside a [profile] section", k);
        for (int r = 0; r < AV_ROLE_MAX; r++)
                if (strcmp(k, roles[r]) == 0)
                        return add_exe(ps, k, (enum av_role)r, v);
        if (strcmp(k, "product") == 0)
                return set_once(ps, k, &p->product, v);
        if (strcmp(k, "source") == 0)
                return set_once(ps, k, &p->source, v);
        if (strcmp(k, "managed_by") == 0)
                return set_once(ps, k, &p->managed_by, v);
        if (strcmp(k, "verified") == 0)
                return yes_no(ps, k, &p->verified, v);
        if (strcmp(k, "managed") == 0)
                return yes_no(ps, k, &p->managed, v);
        if (strcmp(k, "installed") == 0)
                return absolute_path(ps, k, v) < 0
                               ? -EBADMSG
                               : add_string(ps, k, &p->installed, &p->n_installed, v);
        if (strcmp(k, "unit") == 0)
                return strchr(v, '/') || strchr(v, ' ')
                               ? fail(ps, "'unit' is a unit name, not '%.64s'", v)
                               : add_string(ps, k, &p->units, &p->n_units, v);
        if (strcmp(k, "clamd_config") == 0)
                return absolute_path(ps, k, v) < 0 ? -EBADMSG
                                                   : set_once(ps, k, &p->clamd_config, v);
        if (strcmp(k, "signatures") == 0) {
                p->signatures = AV_SIGNATURES_CLAMAV;
                return format_path(ps, k, "clamav", v, &p->signatures_dir);
        }
        if (strcmp(k, "update_log") == 0) {
                p->update_log = AV_UPDATE_LOG_FRESHCLAM;
                return format_path(ps, k, "freshclam", v, &p->update_log_path);
        }
        return fail(ps, "unknown key '%.64s'", k);
}

static void trim(const char **s, const char **e) {
        while (*s < *e && (**s == ' ' || **s == '\t'))
                (*s)++;
        while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
                (*e)--;
}

static int line(struct parser *ps, const char *s, const char *e) {
        char key[64], value[VALUE_MAX + 1];
        const char *eq, *ke, *vs;

        trim(&s, &e);
        if (s == e || *s == '#' || *s == ';')
                return 0;
        for (const char *c = s; c < e; c++)
                if ((unsigned char)*c < 0x20 && *c != '\t')
                        return fail(ps, "a control character");
        if (*s == '[')
                return section(ps, s, (size_t)(e - s));
        eq = memchr(s, '=', (size_t)(e - s));
        if (!eq)
                return fail(ps, "expected 'key = value' or '[profile]'");
        ke = eq;
        vs = eq + 1;
        trim(&s, &ke);
        trim(&vs, &e);
        if (ke == s || (size_t)(ke - s) >= sizeof(key))
                return fail(ps, "a key is missing or too long");
        if (vs == e)
                return fail(ps, "'%.*s' has no value", (int)(ke - s), s);
        if ((size_t)(e - vs) > VALUE_MAX)
                return fail(ps, "a value longer than %d bytes", VALUE_MAX);
        memcpy(key, s, (size_t)(ke - s));
        key[ke - s] = '\0';
        memcpy(value, vs, (size_t)(e - vs));
        value[e - vs] = '\0';
        return key_value(ps, key, value);
}

/* Every profile is complete: what a report cannot do without. */
static int check_profiles(struct parser *ps) {
        for (size_t i = 0; i < ps->file.n; i++) {
                const struct av_profile *p = &ps->file.v[i];
                const char *need = !p->product         ? "product"
                                   : p->verified == -1 ? "verified"
                                   : !p->source        ? "source"
                                                       : NULL;
                ps->line = p->line;
                if (need)
                        return fail(ps, "profile '%s' has no '%s'", p->id, need);
                if (!p->n_installed && !p->n_exes)
                        return fail(ps, "profile '%s' has neither 'installed' nor a process",
                                    p->id);
        }
        return 0;
}

/* Move the file's profiles into p: same id replaces. */
static int merge(struct parser *ps, struct av_profiles *p) {
        size_t added = 0;

        for (size_t i = 0; i < ps->file.n; i++) {
                bool found = false;
                for (size_t j = 0; j < p->n && !found; j++)
                        found = strcmp(p->v[j].id, ps->file.v[i].id) == 0;
                added += !found;
        }
        if (p->n + added > AV_PROFILES_MAX) {
                snprintf(ps->error, AV_ERROR_MAX, "%s: more than %d profiles in all", ps->name,
                         AV_PROFILES_MAX);
                return -E2BIG;
        }
        for (size_t i = 0; i < ps->file.n; i++) {
                struct av_profile *slot = NULL;
                for (size_t j = 0; j < p->n && !slot; j++)
                        if (strcmp(p->v[j].id, ps->file.v[i].id) == 0)
                                slot = &p->v[j];
                if (slot)
                        profile_free(slot);
                else if (!(slot = ARRAY_APPEND(p->v, p->n, AV_PROFILES_MAX)))
                        return -ENOMEM; /* what moved stays: p is still freeable */
                *slot = ps->file.v[i];
                memset(&ps->file.v[i], 0, sizeof(ps->file.v[i]));
        }
        return 0;
}

int av_profiles_parse(const char *name, const char *buf, size_t len, struct av_profiles *p,
                      char error[AV_ERROR_MAX]) {
        struct parser ps = {.name = name, .error = error};
        const char *s = buf, *end = buf + len;
        int r = 0;

        error[0] = '\0';
        if (memchr(buf, '\0', len)) {
                snprintf(error, AV_ERROR_MAX, "%s: a NUL byte: not a text file", name);
                return -EBADMSG;
        }
        while (s < end && r == 0) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *eol = nl ? nl : end;
                ps.line++;
                r = line(&ps, s, eol);
                s = eol + 1;
        }
        if (r == 0)
                r = check_profiles(&ps);
        if (r == 0)
                r = merge(&ps, p);
        av_profiles_free(&ps.file);
        return r;
}

int av_profiles_load(const char *path, struct av_profiles *p, char error[AV_ERROR_MAX]) {
        char *buf = NULL;
        size_t len = 0;
        int r = fileio_read_capped(path, AV_PROFILE_FILE_MAX, &buf, &len);

        if (r < 0) {
                snprintf(error, AV_ERROR_MAX, "%s: %s", path, strerror(-r));
                return r;
        }
        r = av_profiles_parse(path, buf, len, p, error);
        free(buf);
        return r;
}

/* policy.conf through libconfig: the one place that speaks libconfig (its CONFIG_TRUE
 * success, its setting types, its line numbers). The tree is walked against the settings
 * table: an unknown name, a wrong type or a value out of range is an error naming the file
 * and line. The file is read here (O_CLOEXEC, capped) and handed to libconfig as a string. */
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "catalogue.h"
#include "fileio.h"
#include "settings.h"
#include "values.h"

struct loader {
        const char *name; /* for messages */
        char *err;
        size_t err_size;
};

static int fail(struct loader *ld, const config_setting_t *at, const char *path, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

/* "FILE:LINE: PATH: message", into ld->err; returns -EINVAL. */
static int fail(struct loader *ld, const config_setting_t *at, const char *path, const char *fmt,
                ...) {
        va_list ap;
        int n = snprintf(ld->err, ld->err_size, "%s:%u: %s: ", ld->name,
                         at ? config_setting_source_line(at) : 0u, path);

        if (n >= 0 && (size_t)n < ld->err_size) {
                va_start(ap, fmt);
                (void)vsnprintf(ld->err + n, ld->err_size - (size_t)n, fmt, ap);
                va_end(ap);
        }
        return -EINVAL;
}

static const char *type_word(enum setting_type t) {
        switch (t) {
        case SETTING_BOOL:
                return "true or false";
        case SETTING_INT:
                return "an integer";
        case SETTING_FLOAT:
                return "a number";
        case SETTING_GROUP:
                return "a group { ... }";
        case SETTING_LIST:
                return "a list of groups ( { ... }, ... )";
        case SETTING_DAYS:
        case SETTING_CLASSES:
        case SETTING_STRINGS:
        case SETTING_NAMES:
        case SETTING_CIDRS:
        case SETTING_RULE_IDS:
        case SETTING_INTS:
                return "a list [ ... ]";
        default:
                return "a string \"...\"";
        }
}

static int load_table(struct loader *ld, const config_setting_t *group, const struct setting *table,
                      char *base, const char *prefix);

/* One element of a [ ... ] list. */
static int load_element(struct loader *ld, const struct setting *s, const config_setting_t *e,
                        char *base, const char *path) {
        size_t *n = (size_t *)(base + s->count_offset);
        int t = config_setting_type(e);
        const char *str = NULL;
        int64_t v = 0;

        if (s->type == SETTING_CLASSES || s->type == SETTING_INTS) {
                if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
                        return fail(ld, e, path, "an integer expected");
                v = config_setting_get_int64(e);
        } else {
                if (t != CONFIG_TYPE_STRING)
                        return fail(ld, e, path, "a string expected");
                str = config_setting_get_string(e);
                if (!str || strlen(str) > 4096)
                        return fail(ld, e, path, "a string of at most 4096 bytes expected");
        }
        switch (s->type) {
        case SETTING_DAYS: {
                int d = value_day_bit(str);
                if (d < 0)
                        return fail(ld, e, path, "'%s' is not a day (mon tue wed thu fri sat sun)",
                                    str);
                *(uint8_t *)(base + s->offset) |= (uint8_t)(1u << d);
                return 0;
        }
        case SETTING_CLASSES:
                if (v < 0 || v > 0xff)
                        return fail(ld, e, path, "%lld is not a USB interface class (0..0xff)",
                                    (long long)v);
                ((uint8_t *)(base + s->offset))[v / 8] |= (uint8_t)(1u << (v % 8));
                return 0;
        case SETTING_INTS: {
                int64_t *slot;
                if (v < s->lo || v > s->hi)
                        return fail(ld, e, path, "%lld is out of range (%lld..%lld)", (long long)v,
                                    (long long)s->lo, (long long)s->hi);
                slot = array_append((void **)(base + s->offset), n, sizeof(int64_t), (size_t)s->hi);
                if (!slot)
                        return -ENOMEM;
                *slot = v;
                return 0;
        }
        case SETTING_NAMES:
                if (!value_name_pattern_ok(str))
                        return fail(ld, e, path,
                                    "'%s' is not a host name (letters, digits, '.', '-', '*')",
                                    str);
                break;
        case SETTING_CIDRS:
                if (!value_cidr_ok(str))
                        return fail(ld, e, path, "'%s' is not an address or ADDRESS/BITS", str);
                break;
        case SETTING_RULE_IDS:
                if (!policy_rule_find(str))
                        return fail(ld, e, path,
                                    "'%s' is not a rule of the catalogue "
                                    "(counterguard-agent rules)",
                                    str);
                break;
        default:
                break;
        }
        return strv_append((char ***)(base + s->offset), n, str);
}

static int load_list(struct loader *ld, const struct setting *s, const config_setting_t *c,
                     char *base, const char *path) {
        int len = config_setting_length(c);
        char sub[256];
        int r;

        if (s->type == SETTING_DAYS)
                *(uint8_t *)(base + s->offset) = 0;
        else if (s->type == SETTING_CLASSES)
                memset(base + s->offset, 0, 32);
        else if (s->type != SETTING_LIST) /* the file's list replaces the default one */
                settings_free((const struct setting[]){*s, {0}}, base);
        if (len > POLICY_MAX_LIST)
                return fail(ld, c, path, "more than %d items", POLICY_MAX_LIST);
        for (int i = 0; i < len; i++) {
                const config_setting_t *e = config_setting_get_elem(c, (unsigned)i);
                snprintf(sub, sizeof(sub), "%s[%d]", path, i);
                if (s->type == SETTING_LIST) {
                        size_t *n = (size_t *)(base + s->count_offset);
                        char *elem;
                        if (config_setting_type(e) != CONFIG_TYPE_GROUP)
                                return fail(ld, e, sub, "a group { ... } expected");
                        elem = array_append((void **)(base + s->offset), n, s->elem_size,
                                            POLICY_MAX_LIST);
                        if (!elem)
                                return -ENOMEM;
                        r = load_table(ld, e, s->sub, elem, sub);
                } else {
                        r = load_element(ld, s, e, base, sub);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

static int load_string(struct loader *ld, const struct setting *s, const config_setting_t *c,
                       char *base, const char *path) {
        const char *str = config_setting_get_string(c);
        char **slot = (char **)(base + s->offset);
        char *v;

        if (!str)
                return fail(ld, c, path, "a string expected");
        switch (s->type) {
        case SETTING_ENUM: {
                int i = value_word_index(s->words, str);
                if (i < 0)
                        return fail(ld, c, path, "'%s' is not one of the words allowed (%s%s%s)",
                                    str, s->words[0], s->words[1] ? ", " : "",
                                    s->words[1] ? s->words[1] : "");
                *(int *)(base + s->offset) = i;
                return 0;
        }
        case SETTING_HHMM: {
                unsigned h, m;
                char end;
                if (sscanf(str, "%2u:%2u%c", &h, &m, &end) != 2 || strlen(str) != 5 || h > 24 ||
                    m > 59 || (h == 24 && m != 0))
                        return fail(ld, c, path, "'%s' is not a time HH:MM (00:00..24:00)", str);
                *(int64_t *)(base + s->offset) = (int64_t)h * 60 + m;
                return 0;
        }
        case SETTING_HEX4:
                if (!value_is_hex(str, 4))
                        return fail(ld, c, path, "'%s' is not a USB id (4 hex digits, \"0781\")",
                                    str);
                v = value_lower_dup(str);
                break;
        case SETTING_SHA256:
                if (!value_is_hex(str, 64))
                        return fail(ld, c, path, "not a SHA-256 (64 hex digits)");
                v = value_lower_dup(str);
                break;
        default:
                if (strlen(str) > (size_t)s->hi)
                        return fail(ld, c, path, "longer than %lld bytes", (long long)s->hi);
                if (!*str)
                        return fail(ld, c, path, "empty");
                v = strdup(str);
                break;
        }
        if (!v)
                return -ENOMEM;
        free(*slot);
        *slot = v;
        return 0;
}

static int load_one(struct loader *ld, const struct setting *s, const config_setting_t *c,
                    char *base, const char *path) {
        int t = config_setting_type(c);
        bool is_int = t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
        bool is_list = t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST;
        int64_t v;
        double f;

        switch (s->type) {
        case SETTING_BOOL:
                if (t != CONFIG_TYPE_BOOL)
                        break;
                *(bool *)(base + s->offset) = config_setting_get_bool(c) != 0;
                return 0;
        case SETTING_INT:
                if (!is_int)
                        break;
                v = config_setting_get_int64(c);
                if (v < s->lo || v > s->hi)
                        return fail(ld, c, path, "%lld is out of range (%lld..%lld)", (long long)v,
                                    (long long)s->lo, (long long)s->hi);
                *(int64_t *)(base + s->offset) = v;
                return 0;
        case SETTING_FLOAT:
                if (!is_int && t != CONFIG_TYPE_FLOAT)
                        break;
                f = is_int ? (double)config_setting_get_int64(c) : config_setting_get_float(c);
                if (!(f >= (double)s->lo && f <= (double)s->hi))
                        return fail(ld, c, path, "out of range (%lld..%lld)", (long long)s->lo,
                                    (long long)s->hi);
                memcpy(base + s->offset, &f, sizeof(f)); /* a double in the policy */
                return 0;
        case SETTING_GROUP:
                if (t != CONFIG_TYPE_GROUP)
                        break;
                return load_table(ld, c, s->sub, base, path);
        case SETTING_LIST:
                if (t != CONFIG_TYPE_LIST)
                        break;
                return load_list(ld, s, c, base, path);
        case SETTING_DAYS:
        case SETTING_CLASSES:
        case SETTING_STRINGS:
        case SETTING_NAMES:
        case SETTING_CIDRS:
        case SETTING_RULE_IDS:
        case SETTING_INTS:
                if (!is_list)
                        break;
                return load_list(ld, s, c, base, path);
        default:
                if (t != CONFIG_TYPE_STRING)
                        break;
                return load_string(ld, s, c, base, path);
        }
        return fail(ld, c, path, "%s expected", type_word(s->type));
}

static int load_table(struct loader *ld, const config_setting_t *group, const struct setting *table,
                      char *base, const char *prefix) {
        int len = config_setting_length(group);
        char path[256];
        int r;

        for (int i = 0; i < len; i++) {
                const config_setting_t *c = config_setting_get_elem(group, (unsigned)i);
                const char *name = config_setting_name(c);
                const struct setting *s = table;

                while (s->name && (!name || strcmp(s->name, name) != 0))
                        s++;
                snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "",
                         name ? name : "?");
                if (!s->name)
                        return fail(ld, c, path, "unknown setting");
                r = load_one(ld, s, c, base, path);
                if (r < 0)
                        return r;
        }
        for (const struct setting *s = table; s->name; s++) {
                if (!(s->flags & SETTING_REQUIRED) || config_setting_get_member(group, s->name))
                        continue;
                return fail(ld, group, prefix, "'%s' is missing", s->name);
        }
        return 0;
}

/* What the table cannot say: relations between settings. */
static int check_whole(struct loader *ld, const config_t *cfg, const struct policy *p) {
        const config_setting_t *at = config_lookup(cfg, "lookup.office_hours");

        if (p->lookup.office_start_min >= p->lookup.office_end_min)
                return fail(ld, at, "lookup.office_hours", "start must be before end");
        if (p->lookup.working_days == 0)
                return fail(ld, at, "lookup.office_hours.days", "no working day");
        return 0;
}

int policy_load_buffer(const char *name, const char *text, struct policy *ret, char *err,
                       size_t err_size) {
        struct loader ld = {name, err, err_size};
        struct policy p;
        config_t cfg;
        int r;

        config_init(&cfg);
        r = policy_init(&p);
        if (r == 0 && config_read_string(&cfg, text) != CONFIG_TRUE) {
                snprintf(err, err_size, "%s:%d: %s", name, config_error_line(&cfg),
                         config_error_text(&cfg) ? config_error_text(&cfg) : "syntax error");
                r = -EINVAL;
        }
        if (r == 0)
                r = load_table(&ld, config_root_setting(&cfg), policy_settings, (char *)&p, "");
        if (r == 0)
                r = check_whole(&ld, &cfg, &p);
        config_destroy(&cfg);
        if (r == -ENOMEM)
                snprintf(err, err_size, "%s: out of memory", name);
        if (r < 0) {
                policy_free(&p);
                return r;
        }
        *ret = p;
        return 0;
}

int policy_load(const char *path, struct policy *ret, char *err, size_t err_size) {
        char *text = NULL;
        size_t len;
        int r = fileio_read_capped(path, POLICY_MAX_FILE, &text, &len);

        if (r < 0) {
                snprintf(err, err_size, "%s: %s", path,
                         r == -EFBIG ? "larger than 1 MiB" : strerror(-r));
                return r;
        }
        if (memchr(text, '\0', len)) {
                snprintf(err, err_size, "%s: not a text file (a NUL byte)", path);
                free(text);
                return -EINVAL;
        }
        r = policy_load_buffer(path, text, ret, err, err_size);
        free(text);
        return r;
}

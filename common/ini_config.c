/* Strict configuration files through inih: see ini_config.h. inih reports the line of the
 * first error but not why, and calls the handler without a line number, so the handler keeps
 * the first message and finish() joins it with inih's line: "file:line: message". */
#include "ini_config.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

int ini_parse_uint(const char *s, unsigned min, unsigned max, unsigned *ret) {
        unsigned long long v;
        char *end;

        if (!s || *s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno == ERANGE || v > max || v < min)
                return -ERANGE;
        if (*end != '\0')
                return -EINVAL;
        *ret = (unsigned)v;
        return 0;
}

int ini_parse_size(const char *s, size_t *ret) {
        unsigned long long v, mult = 1;
        char *end;

        if (!s || *s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        switch (*end) {
        case '\0':
                break;
        case 'k':
        case 'K':
                mult = 1ull << 10;
                end++;
                break;
        case 'm':
        case 'M':
                mult = 1ull << 20;
                end++;
                break;
        case 'g':
        case 'G':
                mult = 1ull << 30;
                end++;
                break;
        default:
                return -EINVAL;
        }
        if (*end != '\0')
                return -EINVAL;
        if (v > SIZE_MAX / mult)
                return -ERANGE;
        *ret = (size_t)(v * mult);
        return 0;
}

static int parse_bool(const char *s, bool *ret) {
        static const char *const yes[] = {"on", "yes", "true", "1"};
        static const char *const no[] = {"off", "no", "false", "0"};

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcmp(s, yes[i]) == 0) {
                        *ret = true;
                        return 0;
                }
                if (strcmp(s, no[i]) == 0) {
                        *ret = false;
                        return 0;
                }
        }
        return -EINVAL;
}

static const char *const log_levels[LOG_LEVEL_MAX] = {
        [LOG_LEVEL_ERROR] = "error",
        [LOG_LEVEL_WARN] = "warning",
        [LOG_LEVEL_INFO] = "info",
        [LOG_LEVEL_DEBUG] = "debug",
};

struct parse_state {
        const struct ini_key *keys;
        size_t n_keys;
        void *target;
        bool seen[INI_MAX_KEYS];
        char error[512]; /* the first error; inih supplies its line */
};

static int fail(struct parse_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parse_state *st, const char *fmt, ...) {
        va_list ap;

        if (st->error[0] == '\0') {
                va_start(ap, fmt);
                vsnprintf(st->error, sizeof(st->error), fmt, ap);
                va_end(ap);
        }
        return 0; /* inih: zero means "error on this line" */
}

static int set_key(struct parse_state *st, const struct ini_key *k, const char *value) {
        char *p = (char *)st->target + k->offset;

        switch (k->type) {
        case INI_STRING: {
                char *s;
                if (value[0] == '\0')
                        return fail(st, "'%s': empty value", k->name);
                s = strdup(value);
                if (!s)
                        return -ENOMEM;
                free(*(char **)p);
                *(char **)p = s;
                return 0;
        }
        case INI_BOOL:
                if (parse_bool(value, (bool *)p) < 0)
                        return fail(st, "'%s': expected on or off, got '%s'", k->name, value);
                return 0;
        case INI_UINT: {
                if (ini_parse_uint(value, k->min, k->max, (unsigned *)p) >= 0)
                        return 0;
                return fail(st, "'%s': expected an integer in [%u, %u], got '%s'", k->name, k->min,
                            k->max, value);
        }
        case INI_SIZE:
                if (ini_parse_size(value, (size_t *)p) < 0 || *(size_t *)p == 0)
                        return fail(st, "'%s': expected a size such as 8M, got '%s'", k->name,
                                    value);
                return 0;
        case INI_LOG_LEVEL:
                for (int i = 0; i < LOG_LEVEL_MAX; i++)
                        if (strcmp(value, log_levels[i]) == 0) {
                                *(enum log_level *)p = (enum log_level)i;
                                return 0;
                        }
                return fail(st, "'%s': expected error, warning, info or debug, got '%s'", k->name,
                            value);
        case INI_TYPE_MAX:
                break;
        }
        return fail(st, "'%s': internal error", k->name);
}

static int handler(void *user, const char *section, const char *name, const char *value) {
        struct parse_state *st = user;

        for (size_t i = 0; i < st->n_keys; i++) {
                const struct ini_key *k = &st->keys[i];
                int r;
                if (strcmp(k->section, section) != 0 || strcmp(k->name, name) != 0)
                        continue;
                if (st->seen[i])
                        return fail(st, "duplicate key '%s' in [%s]", name, section);
                st->seen[i] = true;
                r = set_key(st, k, value);
                if (r < 0)
                        return fail(st, "out of memory");
                return st->error[0] == '\0';
        }
        for (size_t i = 0; i < st->n_keys; i++)
                if (strcmp(st->keys[i].section, section) == 0)
                        return fail(st, "unknown key '%s' in [%s]", name, section);
        if (section[0] == '\0')
                return fail(st, "key '%s' outside of any section", name);
        return fail(st, "unknown section [%s] (key '%s')", section, name);
}

/* Lines reach inih through this reader, from a file or a string, with their leading blanks
 * taken off. Only upstream inih's API is used (Debian's libinih adds a run-time switch for
 * continuation lines; others build them in): an indented line can then never continue the
 * line before, which would silently glue an unknown line onto a key. A line too long for
 * inih's buffer is refused here rather than read as two. */
struct reader {
        FILE *file;       /* or */
        const char *text; /* the rest of the string */
        int line;
        bool too_long;
        int max;
};

static char *next_line(char *buf, int size, void *stream) {
        struct reader *rd = stream;
        size_t n, skip;

        if (rd->too_long || size < 2)
                return NULL;
        if (rd->file) {
                if (!fgets(buf, size, rd->file))
                        return NULL;
                n = strlen(buf);
        } else {
                if (!*rd->text)
                        return NULL;
                n = strcspn(rd->text, "\n");
                if (rd->text[n] == '\n')
                        n++;
                if (n > (size_t)size - 1)
                        n = (size_t)size - 1;
                memcpy(buf, rd->text, n);
                buf[n] = '\0';
                rd->text += n;
        }
        rd->line++;
        /* full, no newline, and more to come: longer than inih can take */
        if (n == (size_t)size - 1 && buf[n - 1] != '\n' &&
            (rd->file ? !feof(rd->file) : *rd->text != '\0')) {
                rd->too_long = true;
                rd->max = size - 2;
                return NULL;
        }
        skip = strspn(buf, " \t");
        memmove(buf, buf + skip, n - skip + 1);
        return buf;
}

static int parse(const char *name, struct reader *rd, const struct ini_key *keys, size_t n_keys,
                 void *target) {
        struct parse_state st = {.keys = keys, .n_keys = n_keys, .target = target};
        int r;

        if (n_keys > INI_MAX_KEYS)
                return -E2BIG;
        r = ini_parse_stream(next_line, rd, handler, &st);
        if (r == -2)
                return -ENOMEM;
        if (r > 0) {
                log_error("%s:%d: %s", name, r, st.error[0] ? st.error : "syntax error");
                return -EINVAL;
        }
        if (rd->too_long) {
                log_error("%s:%d: line longer than %d bytes", name, rd->line, rd->max);
                return -EINVAL;
        }
        return r < 0 ? -EIO : 0;
}

int ini_config_load_string(const char *name, const char *text, const struct ini_key *keys,
                           size_t n_keys, void *target) {
        struct reader rd = {.text = text};

        return parse(name, &rd, keys, n_keys, target);
}

int ini_config_load(const char *path, const struct ini_key *keys, size_t n_keys, void *target) {
        struct reader rd = {0};
        int r;

        rd.file = fopen(path, "re");
        if (!rd.file) {
                r = -errno;
                return log_error_errno(r, "%s: cannot open", path);
        }
        r = parse(path, &rd, keys, n_keys, target);
        fclose(rd.file);
        return r;
}

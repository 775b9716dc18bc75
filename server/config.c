/* server.ini through inih. inih reports the line of the first error but not why, and calls
 * the handler without a line number, so the handler keeps the first message and config_load
 * joins it with inih's line: "file:line: message", the only place inih's convention shows. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

void config_init(struct server_config *c) {
        *c = (struct server_config){
                .tls = true,
                .max_body = 8u << 20,
                .max_connections = 4096,
                .connection_timeout_s = 30,
                .log_level = LOG_LEVEL_INFO,
                .store_queue_max = 64,
                .retry_after_s = 5,
                .busy_timeout_ms = 5000,
                .retention_days = 365,
                .max_batch_records = 1000,
        };
}

void config_free(struct server_config *c) {
        if (!c)
                return;
        free(c->listen);
        free(c->tls_cert);
        free(c->tls_key);
        free(c->tls_priorities);
        free(c->store_url);
        config_init(c);
}

int config_parse_uint(const char *s, unsigned min, unsigned max, unsigned *ret) {
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

int config_parse_size(const char *s, size_t *ret) {
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

enum key_type {
        KEY_STRING,
        KEY_BOOL,
        KEY_UINT,
        KEY_SIZE,
        KEY_LOG_LEVEL,
        KEY_TYPE_MAX,
};

struct key {
        const char *section;
        const char *name;
        enum key_type type;
        size_t offset;
        unsigned min, max; /* KEY_UINT */
};

#define K(sec, n, t, field, lo, hi)                                                                \
        { sec, n, t, offsetof(struct server_config, field), lo, hi }

static const struct key keys[] = {
        K("server", "listen", KEY_STRING, listen, 0, 0),
        K("server", "tls", KEY_BOOL, tls, 0, 0),
        K("server", "tls_cert", KEY_STRING, tls_cert, 0, 0),
        K("server", "tls_key", KEY_STRING, tls_key, 0, 0),
        K("server", "tls_priorities", KEY_STRING, tls_priorities, 0, 0),
        K("server", "threads", KEY_UINT, threads, 0, 256),
        K("server", "max_body", KEY_SIZE, max_body, 0, 0),
        K("server", "max_connections", KEY_UINT, max_connections, 1, 1000000),
        K("server", "connection_timeout", KEY_UINT, connection_timeout_s, 1, 3600),
        K("server", "log_level", KEY_LOG_LEVEL, log_level, 0, 0),
        K("store", "url", KEY_STRING, store_url, 0, 0),
        K("store", "workers", KEY_UINT, store_workers, 0, 256),
        K("store", "queue_max", KEY_UINT, store_queue_max, 0, 1000000),
        K("store", "retry_after", KEY_UINT, retry_after_s, 1, 3600),
        K("store", "busy_timeout_ms", KEY_UINT, busy_timeout_ms, 0, 600000),
        K("store", "retention_days", KEY_UINT, retention_days, 0, 36500),
        K("store", "max_batch_records", KEY_UINT, max_batch_records, 1, 100000),
};

static const char *const log_levels[LOG_LEVEL_MAX] = {
        [LOG_LEVEL_ERROR] = "error",
        [LOG_LEVEL_WARN] = "warning",
        [LOG_LEVEL_INFO] = "info",
        [LOG_LEVEL_DEBUG] = "debug",
};

struct parse_state {
        struct server_config *config;
        bool seen[ELEMENTSOF(keys)];
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

static int set_key(struct parse_state *st, const struct key *k, const char *value) {
        char *p = (char *)st->config + k->offset;

        switch (k->type) {
        case KEY_STRING: {
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
        case KEY_BOOL:
                if (parse_bool(value, (bool *)p) < 0)
                        return fail(st, "'%s': expected on or off, got '%s'", k->name, value);
                return 0;
        case KEY_UINT: {
                if (config_parse_uint(value, k->min, k->max, (unsigned *)p) >= 0)
                        return 0;
                return fail(st, "'%s': expected an integer in [%u, %u], got '%s'", k->name, k->min,
                            k->max, value);
        }
        case KEY_SIZE:
                if (config_parse_size(value, (size_t *)p) < 0 || *(size_t *)p == 0)
                        return fail(st, "'%s': expected a size such as 8M, got '%s'", k->name,
                                    value);
                return 0;
        case KEY_LOG_LEVEL:
                for (int i = 0; i < LOG_LEVEL_MAX; i++)
                        if (strcmp(value, log_levels[i]) == 0) {
                                *(enum log_level *)p = (enum log_level)i;
                                return 0;
                        }
                return fail(st, "'%s': expected error, warning, info or debug, got '%s'", k->name,
                            value);
        case KEY_TYPE_MAX:
                break;
        }
        return fail(st, "'%s': internal error", k->name);
}

static int handler(void *user, const char *section, const char *name, const char *value) {
        struct parse_state *st = user;

        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                int r;
                if (strcmp(keys[i].section, section) != 0 || strcmp(keys[i].name, name) != 0)
                        continue;
                if (st->seen[i])
                        return fail(st, "duplicate key '%s' in [%s]", name, section);
                st->seen[i] = true;
                r = set_key(st, &keys[i], value);
                if (r < 0)
                        return fail(st, "out of memory");
                return st->error[0] == '\0';
        }
        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (strcmp(keys[i].section, section) == 0)
                        return fail(st, "unknown key '%s' in [%s]", name, section);
        if (section[0] == '\0')
                return fail(st, "key '%s' outside of any section", name);
        return fail(st, "unknown section [%s] (key '%s')", section, name);
}

static int check(const char *name, struct server_config *c) {
        if (!c->listen) {
                c->listen = strdup("127.0.0.1:8443");
                if (!c->listen)
                        return -ENOMEM;
        }
        if (!c->tls_priorities) {
                c->tls_priorities = strdup("NORMAL:-VERS-TLS1.0:-VERS-TLS1.1");
                if (!c->tls_priorities)
                        return -ENOMEM;
        }
        if (!c->store_url) {
                log_error("%s: [store] url is required", name);
                return -EINVAL;
        }
        /* Certificates are checked only when serving: admin commands need no TLS. */
        return 0;
}

static int finish(const char *name, int r, struct parse_state *st, struct server_config *ret) {
        if (r == -2)
                r = -ENOMEM;
        else if (r > 0) {
                log_error("%s:%d: %s", name, r, st->error[0] ? st->error : "syntax error");
                r = -EINVAL;
        } else if (r == 0)
                r = check(name, ret);
        if (r < 0)
                config_free(ret);
        return r;
}

int config_load_string(const char *name, const char *text, struct server_config *ret) {
        struct parse_state st = {.config = ret};

        /* Continuation lines would silently glue an unknown line onto a key. */
        ini_allow_multiline = false;
        return finish(name, ini_parse_string(text, handler, &st), &st, ret);
}

int config_load(const char *path, struct server_config *ret) {
        struct parse_state st = {.config = ret};
        FILE *f;
        int r;

        f = fopen(path, "re");
        if (!f) {
                r = -errno;
                config_free(ret);
                return log_error_errno(r, "%s: cannot open", path);
        }
        ini_allow_multiline = false;
        r = ini_parse_file(f, handler, &st);
        fclose(f);
        return finish(path, r, &st, ret);
}

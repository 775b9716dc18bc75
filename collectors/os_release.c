#include "os_release.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define OS_RELEASE_MAX_VALUE 255

/* Unquote one value: "..." and '...' quoting and backslash escapes, as os-release(5) allows. */
static char *unquote(const char *v, size_t n) {
        char *out = malloc(n + 1), *clean;
        size_t o = 0;
        char quote = 0;

        if (!out)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                char c = v[i];
                if (!quote && (c == '"' || c == '\'')) {
                        quote = c;
                } else if (quote && c == quote) {
                        quote = 0;
                } else if (c == '\\' && quote != '\'' && i + 1 < n) {
                        out[o++] = v[++i];
                } else {
                        out[o++] = c;
                }
        }
        clean = text_sanitize(out, o, OS_RELEASE_MAX_VALUE);
        free(out);
        return clean;
}

static int set(char **field, const char *v, size_t n) {
        char *s = unquote(v, n);

        if (!s)
                return -ENOMEM;
        free(*field);
        *field = NULL;
        if (*s)
                *field = s;
        else
                free(s);
        return 0;
}

int os_release_parse(const char *buf, size_t len, struct os_release *ret) {
        char *pretty = NULL, *name = NULL, *version_id = NULL, *version = NULL;
        const char *p = buf, *end = buf + len;
        int r = 0;

        memset(ret, 0, sizeof(*ret));
        while (p < end && r == 0) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *line_end = nl ? nl : end;
                const char *eq = memchr(p, '=', (size_t)(line_end - p));

                if (eq && *p != '#') {
                        size_t klen = (size_t)(eq - p);
                        const char *v = eq + 1;
                        size_t vlen = (size_t)(line_end - v);
                        struct {
                                const char *key;
                                char **field;
                        } keys[] = {
                                {"ID", &ret->id},      {"PRETTY_NAME", &pretty},
                                {"NAME", &name},       {"VERSION_ID", &version_id},
                                {"VERSION", &version},
                        };
                        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
                                if (strlen(keys[k].key) == klen &&
                                    memcmp(keys[k].key, p, klen) == 0)
                                        r = set(keys[k].field, v, vlen);
                }
                p = line_end + 1;
        }
        if (r == 0) {
                ret->name = pretty ? pretty : name;
                ret->version = version_id ? version_id : version;
                if (pretty)
                        free(name);
                if (version_id)
                        free(version);
        } else {
                free(pretty);
                free(name);
                free(version_id);
                free(version);
                os_release_free(ret);
        }
        return r;
}

void os_release_free(struct os_release *o) {
        if (!o)
                return;
        free(o->id);
        free(o->name);
        free(o->version);
        memset(o, 0, sizeof(*o));
}

/* The JSON codec of the report model: one encoder and one strict decoder for every struct,
 * driven by the descriptions in common/report_desc.c. The decoder is the validator the server
 * relies on: every field is checked for type, format, range and size, unknown fields are
 * refused, and an error names the field path. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "report.h"

#define AT(obj, off)       ((char *)(obj) + (off))
#define AT_CONST(obj, off) ((const char *)(obj) + (off))

static int set_new(json_t *o, const char *k, json_t *v) {
        if (!v)
                return -ENOMEM;
        return json_object_set_new(o, k, v) < 0 ? -ENOMEM : 0;
}

static json_t *field_to_json(const struct field_desc *f, const void *obj) {
        const void *p = AT_CONST(obj, f->offset);

        switch (f->type) {
        case FIELD_STRING:
                /* jansson refuses invalid UTF-8 by returning NULL: the collectors sanitise
                 * every string, so NULL here means out of memory. */
                return json_string(*(char *const *)p);
        case FIELD_INT:
                return json_integer(*(const int64_t *)p);
        case FIELD_BOOL:
                return json_boolean(*(const int8_t *)p);
        case FIELD_KINDS: {
                json_t *a = json_array();
                uint32_t k = *(const uint32_t *)p;
                for (int i = 0; a && i < DEVICE_KIND_MAX; i++)
                        if ((k & (1u << i)) &&
                            json_array_append_new(a, json_string(device_kind_to_string(i))) < 0) {
                                json_decref(a);
                                return NULL;
                        }
                return a;
        }
        case FIELD_STRINGS: {
                json_t *a = json_array();
                size_t n = *(const size_t *)AT_CONST(obj, f->count_offset);
                for (size_t i = 0; a && i < n; i++)
                        if (json_array_append_new(a, json_string((*(char **const *)p)[i])) < 0) {
                                json_decref(a);
                                return NULL;
                        }
                return a;
        }
        case FIELD_OBJECT:
                return model_to_json(f->object, *(void *const *)p);
        case FIELD_ARRAY: {
                json_t *a = json_array();
                size_t n = *(const size_t *)AT_CONST(obj, f->count_offset);
                for (size_t i = 0; a && i < n; i++) {
                        const char *e = *(char *const *)p + i * f->object->size;
                        if (json_array_append_new(a, model_to_json(f->object, e)) < 0) {
                                json_decref(a);
                                return NULL;
                        }
                }
                return a;
        }
        case FIELD_TYPE_MAX:
                break;
        }
        return NULL;
}

static bool field_known(const struct field_desc *f, const void *obj) {
        const void *p = AT_CONST(obj, f->offset);

        switch (f->type) {
        case FIELD_STRING:
        case FIELD_OBJECT:
                return *(void *const *)p != NULL;
        case FIELD_INT:
                return *(const int64_t *)p != REPORT_UNSET;
        case FIELD_BOOL:
                return *(const int8_t *)p != REPORT_UNKNOWN;
        case FIELD_KINDS:
                return true;
        case FIELD_STRINGS:
        case FIELD_ARRAY:
                return *(const size_t *)AT_CONST(obj, f->count_offset) > 0;
        case FIELD_TYPE_MAX:
                break;
        }
        return false;
}

json_t *model_to_json(const struct object_desc *d, const void *obj) {
        json_t *o = json_object();

        if (!o)
                return NULL;
        if (d->type_tag && set_new(o, "type", json_string(d->type_tag)) < 0)
                goto fail;
        for (size_t i = 0; i < d->n_fields; i++) {
                const struct field_desc *f = &d->fields[i];
                if (!field_known(f, obj))
                        continue;
                if (set_new(o, f->name, field_to_json(f, obj)) < 0)
                        goto fail;
        }
        return o;
fail:
        json_decref(o);
        return NULL;
}

/* --- decoding --- */

struct path {
        char *buf;
        size_t len, cap;
};

static void path_push(struct path *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void path_push(struct path *p, const char *fmt, ...) {
        va_list ap;
        int n;

        if (p->len >= p->cap)
                return;
        va_start(ap, fmt);
        n = vsnprintf(p->buf + p->len, p->cap - p->len, fmt, ap);
        va_end(ap);
        if (n > 0)
                p->len = (size_t)n >= p->cap - p->len ? p->cap - 1 : p->len + (size_t)n;
}

static int fail(struct model_error *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static int fail(struct model_error *err, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
        return -EINVAL;
}

static int decode_object(const struct object_desc *d, json_t *j, void *ret, struct path *p,
                         struct model_error *err);

static int decode_string(const struct field_desc *f, enum field_format fmt, json_t *j, char **ret,
                         struct model_error *err) {
        const char *s;
        size_t n;

        if (!json_is_string(j))
                return fail(err, "expected a string");
        s = json_string_value(j);
        n = json_string_length(j);
        if (n > REPORT_MAX_STRING)
                return fail(err, "longer than %d bytes", REPORT_MAX_STRING);
        if (strlen(s) != n)
                return fail(err, "contains a NUL character");
        if (fmt != FORMAT_NONE && !model_format_valid(fmt, s))
                return fail(err, "'%.64s' is not a valid %s", s, model_format_name(fmt));
        if (f && f->values) {
                bool ok = false;
                for (const char *const *v = f->values; *v && !ok; v++)
                        ok = strcmp(*v, s) == 0;
                if (!ok)
                        return fail(err, "'%.64s' is not one of the allowed values", s);
        }
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

static int decode_list(const struct field_desc *f, json_t *j, void *obj, struct path *p,
                       struct model_error *err) {
        size_t n = json_array_size(j);
        size_t base = p->len;
        size_t elem = f->type == FIELD_ARRAY ? f->object->size : sizeof(char *);
        char *v;

        if (!json_is_array(j))
                return fail(err, "expected an array");
        if (n > REPORT_MAX_LIST)
                return fail(err, "more than %d entries", REPORT_MAX_LIST);
        if (n == 0)
                return 0;
        v = calloc(n, elem);
        if (!v)
                return -ENOMEM;
        *(char **)AT(obj, f->offset) = v;
        for (size_t i = 0; i < n; i++) {
                int r;
                path_push(p, "[%zu]", i);
                if (f->type == FIELD_ARRAY) {
                        model_init(f->object, v + i * elem);
                        *(size_t *)AT(obj, f->count_offset) = i + 1;
                        r = decode_object(f->object, json_array_get(j, i), v + i * elem, p, err);
                } else {
                        r = decode_string(NULL, f->format, json_array_get(j, i),
                                          (char **)(v + i * elem), err);
                        if (r >= 0)
                                *(size_t *)AT(obj, f->count_offset) = i + 1;
                }
                if (r < 0)
                        return r;
                p->len = base;
                p->buf[base] = '\0';
        }
        return 0;
}

static int decode_kinds(json_t *j, uint32_t *ret, struct path *p, struct model_error *err) {
        size_t i;
        json_t *e;

        if (!json_is_array(j))
                return fail(err, "expected an array of device kinds");
        if (json_array_size(j) == 0)
                return fail(err, "a device has at least one kind");
        json_array_foreach (j, i, e) {
                int k = json_is_string(e) ? device_kind_from_string(json_string_value(e)) : -1;
                if (k < 0 || (*ret & (1u << k))) {
                        path_push(p, "[%zu]", i);
                        return fail(err, k < 0 ? "not a device kind" : "kind listed twice");
                }
                *ret |= 1u << k;
        }
        return 0;
}

static int decode_field(const struct field_desc *f, json_t *j, void *obj, struct path *p,
                        struct model_error *err) {
        void *t = AT(obj, f->offset);

        switch (f->type) {
        case FIELD_STRING:
                return decode_string(f, f->format, j, (char **)t, err);
        case FIELD_INT: {
                int64_t v;
                if (!json_is_integer(j))
                        return fail(err, "expected an integer");
                v = json_integer_value(j);
                if (v < f->min || v > f->max)
                        return fail(err, "%lld is out of range [%lld, %lld]", (long long)v,
                                    (long long)f->min, (long long)f->max);
                *(int64_t *)t = v;
                return 0;
        }
        case FIELD_BOOL:
                if (!json_is_boolean(j))
                        return fail(err, "expected true or false");
                *(int8_t *)t = json_is_true(j);
                return 0;
        case FIELD_KINDS:
                return decode_kinds(j, (uint32_t *)t, p, err);
        case FIELD_STRINGS:
        case FIELD_ARRAY:
                return decode_list(f, j, obj, p, err);
        case FIELD_OBJECT: {
                void *o = malloc(f->object->size);
                if (!o)
                        return -ENOMEM;
                model_init(f->object, o);
                *(void **)t = o;
                return decode_object(f->object, j, o, p, err);
        }
        case FIELD_TYPE_MAX:
                break;
        }
        return -EINVAL;
}

static int decode_object(const struct object_desc *d, json_t *j, void *ret, struct path *p,
                         struct model_error *err) {
        const char *key;
        json_t *v;
        size_t base = p->len;

        if (!json_is_object(j))
                return fail(err, "expected an object");
        json_object_foreach (j, key, v) {
                const struct field_desc *f = model_find_field(d, key);
                int r;

                path_push(p, "%s%s", base ? "." : "", key);
                if (d->type_tag && strcmp(key, "type") == 0) {
                        if (!json_is_string(v) || strcmp(json_string_value(v), d->type_tag) != 0)
                                return fail(err, "expected \"%s\"", d->type_tag);
                } else if (!f) {
                        return fail(err, "unknown field");
                } else if ((r = decode_field(f, v, ret, p, err)) < 0) {
                        return r;
                }
                p->len = base;
                p->buf[base] = '\0';
        }
        for (size_t i = 0; i < d->n_fields; i++) {
                const struct field_desc *f = &d->fields[i];
                if ((f->flags & FIELD_REQUIRED) && !json_object_get(j, f->name)) {
                        path_push(p, "%s%s", base ? "." : "", f->name);
                        return fail(err, "required field is missing");
                }
        }
        return 0;
}

int model_from_json(const struct object_desc *d, json_t *j, void *ret, struct model_error *err) {
        struct path p = {err->path, 0, sizeof(err->path)};
        int r;

        err->path[0] = '\0';
        err->message[0] = '\0';
        r = decode_object(d, j, ret, &p, err);
        if (r < 0) {
                if (r == -ENOMEM)
                        snprintf(err->message, sizeof(err->message), "out of memory");
                model_free(d, ret);
        }
        return r;
}

int model_parse(const struct object_desc *d, const char *buf, size_t len, void *ret,
                struct model_error *err) {
        json_error_t jerr;
        json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
        int r;

        if (!j) {
                snprintf(err->path, sizeof(err->path), "line %d column %d", jerr.line, jerr.column);
                snprintf(err->message, sizeof(err->message), "%s", jerr.text);
                return -EINVAL;
        }
        r = model_from_json(d, j, ret, err);
        json_decref(j);
        return r;
}

char *model_dump(const struct object_desc *d, const void *obj, bool pretty) {
        json_t *j = model_to_json(d, obj);
        char *s;

        if (!j)
                return NULL;
        s = json_dumps(j, pretty ? JSON_INDENT(2) : JSON_COMPACT);
        json_decref(j);
        return s;
}

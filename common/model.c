/* Initialise, free and copy any struct of the report model by walking its description. */
#include "model.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define AT(obj, off)       ((char *)(obj) + (off))
#define AT_CONST(obj, off) ((const char *)(obj) + (off))

const struct object_desc *model_find_desc(const char *name) {
        for (const struct object_desc *const *d = model_all_descs; *d; d++)
                if (strcmp((*d)->name, name) == 0)
                        return *d;
        return NULL;
}

const struct field_desc *model_find_field(const struct object_desc *d, const char *name) {
        for (size_t i = 0; i < d->n_fields; i++)
                if (strcmp(d->fields[i].name, name) == 0)
                        return &d->fields[i];
        return NULL;
}

void model_init(const struct object_desc *d, void *obj) {
        memset(obj, 0, d->size);
        for (size_t i = 0; i < d->n_fields; i++) {
                const struct field_desc *f = &d->fields[i];
                if (f->type == FIELD_INT)
                        *(int64_t *)AT(obj, f->offset) = REPORT_UNSET;
                else if (f->type == FIELD_BOOL)
                        *(int8_t *)AT(obj, f->offset) = REPORT_UNKNOWN;
        }
}

void model_free(const struct object_desc *d, void *obj) {
        if (!obj)
                return;
        for (size_t i = 0; i < d->n_fields; i++) {
                const struct field_desc *f = &d->fields[i];
                void *p = AT(obj, f->offset);
                switch (f->type) {
                case FIELD_STRING:
                        free(*(char **)p);
                        break;
                case FIELD_STRINGS: {
                        char **v = *(char ***)p;
                        size_t n = *(size_t *)AT(obj, f->count_offset);
                        for (size_t k = 0; k < n; k++)
                                free(v[k]);
                        free(v);
                        break;
                }
                case FIELD_OBJECT:
                        model_free(f->object, *(void **)p);
                        free(*(void **)p);
                        break;
                case FIELD_ARRAY: {
                        char *v = *(char **)p;
                        size_t n = *(size_t *)AT(obj, f->count_offset);
                        for (size_t k = 0; k < n; k++)
                                model_free(f->object, v + k * f->object->size);
                        free(v);
                        break;
                }
                case FIELD_INT:
                case FIELD_BOOL:
                case FIELD_KINDS:
                case FIELD_TYPE_MAX:
                        break;
                }
        }
        model_init(d, obj);
}

static int copy_field(const struct field_desc *f, const void *src, void *dst) {
        const void *s = AT_CONST(src, f->offset);
        void *t = AT(dst, f->offset);

        switch (f->type) {
        case FIELD_STRING:
                if (*(char *const *)s && !(*(char **)t = strdup(*(char *const *)s)))
                        return -ENOMEM;
                return 0;
        case FIELD_STRINGS: {
                size_t n = *(const size_t *)AT_CONST(src, f->count_offset);
                char **v;
                if (n == 0)
                        return 0;
                v = calloc(n, sizeof(*v));
                if (!v)
                        return -ENOMEM;
                *(char ***)t = v;
                for (size_t k = 0; k < n; k++) {
                        v[k] = strdup((*(char **const *)s)[k]);
                        if (!v[k])
                                return -ENOMEM;
                        *(size_t *)AT(dst, f->count_offset) = k + 1;
                }
                return 0;
        }
        case FIELD_OBJECT: {
                void *o;
                if (!*(void *const *)s)
                        return 0;
                o = malloc(f->object->size);
                if (!o)
                        return -ENOMEM;
                model_init(f->object, o);
                *(void **)t = o;
                return model_copy(f->object, *(void *const *)s, o);
        }
        case FIELD_ARRAY: {
                size_t n = *(const size_t *)AT_CONST(src, f->count_offset);
                size_t sz = f->object->size;
                char *v;
                if (n == 0)
                        return 0;
                v = calloc(n, sz);
                if (!v)
                        return -ENOMEM;
                *(char **)t = v;
                for (size_t k = 0; k < n; k++) {
                        int r;
                        model_init(f->object, v + k * sz);
                        *(size_t *)AT(dst, f->count_offset) = k + 1;
                        r = model_copy(f->object, *(char *const *)s + k * sz, v + k * sz);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        case FIELD_INT:
        case FIELD_BOOL:
        case FIELD_KINDS:
        case FIELD_TYPE_MAX:
                break;
        }
        return 0;
}

int model_copy(const struct object_desc *d, const void *src, void *ret) {
        /* Scalars first, by value; pointers are then replaced field by field so that a failure
         * half-way leaves ret freeable. */
        memcpy(ret, src, d->size);
        for (size_t i = 0; i < d->n_fields; i++) {
                const struct field_desc *f = &d->fields[i];
                if (f->type == FIELD_STRING || f->type == FIELD_OBJECT || f->type == FIELD_ARRAY ||
                    f->type == FIELD_STRINGS) {
                        *(void **)AT(ret, f->offset) = NULL;
                        if (f->count_offset)
                                *(size_t *)AT(ret, f->count_offset) = 0;
                }
        }
        for (size_t i = 0; i < d->n_fields; i++) {
                int r = copy_field(&d->fields[i], src, ret);
                if (r < 0) {
                        model_free(d, ret);
                        return r;
                }
        }
        return 0;
}

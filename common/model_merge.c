/* Moving one report's facts into another: how a collector that ran in a child process hands
 * its section to the snapshot being assembled. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "report.h"

#define AT(obj, off) ((char *)(obj) + (off))

/* Append the n elements of `size` bytes at *src to *dst (of *n_dst); src's buffer is freed,
 * its elements now dst's. */
static int append_moved(void **dst, size_t *n_dst, void **src, size_t *n_src, size_t size) {
        void *v;

        if (*n_src == 0)
                return 0;
        if (*n_dst == 0) {
                free(*dst);
                *dst = *src;
        } else {
                if (*n_dst > SIZE_MAX / size - *n_src)
                        return -ENOMEM;
                v = realloc(*dst, (*n_dst + *n_src) * size);
                if (!v)
                        return -ENOMEM;
                memcpy((char *)v + *n_dst * size, *src, *n_src * size);
                free(*src);
                *dst = v;
        }
        *n_dst += *n_src;
        *src = NULL;
        *n_src = 0;
        return 0;
}

int model_merge(const struct object_desc *d, void *dst, void *src) {
        for (size_t i = 0; i < d->n_fields; i++) {
                const struct field_desc *f = &d->fields[i];
                void *s = AT(src, f->offset), *t = AT(dst, f->offset);
                int r = 0;

                switch (f->type) {
                case FIELD_STRING:
                        if (!*(char **)t) {
                                *(char **)t = *(char **)s;
                                *(char **)s = NULL;
                        }
                        break;
                case FIELD_INT:
                        if (*(int64_t *)t == REPORT_UNSET)
                                *(int64_t *)t = *(int64_t *)s;
                        break;
                case FIELD_BOOL:
                        if (*(int8_t *)t == REPORT_UNKNOWN)
                                *(int8_t *)t = *(int8_t *)s;
                        break;
                case FIELD_KINDS:
                        *(uint32_t *)t |= *(uint32_t *)s;
                        break;
                case FIELD_OBJECT:
                        if (!*(void **)t) {
                                *(void **)t = *(void **)s;
                                *(void **)s = NULL;
                        } else if (*(void **)s) {
                                r = model_merge(f->object, *(void **)t, *(void **)s);
                        }
                        break;
                case FIELD_STRINGS:
                        r = append_moved((void **)t, (size_t *)AT(dst, f->count_offset), (void **)s,
                                         (size_t *)AT(src, f->count_offset), sizeof(char *));
                        break;
                case FIELD_ARRAY:
                        r = append_moved((void **)t, (size_t *)AT(dst, f->count_offset), (void **)s,
                                         (size_t *)AT(src, f->count_offset), f->object->size);
                        break;
                case FIELD_TYPE_MAX:
                        break;
                }
                if (r < 0)
                        return r;
        }
        model_free(d, src);
        return 0;
}

#include "array.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *array_append(void **v, size_t *n, size_t size, size_t max) {
        char *p;

        if (*n >= max || *n + 1 > SIZE_MAX / size)
                return NULL;
        p = realloc(*v, (*n + 1) * size);
        if (!p)
                return NULL;
        *v = p;
        memset(p + *n * size, 0, size);
        return p + (*n)++ * size;
}

int strv_append(char ***v, size_t *n, const char *s) {
        char *copy = strdup(s), **slot;

        if (!copy)
                return -ENOMEM;
        slot = array_append((void **)v, n, sizeof(char *), SIZE_MAX / sizeof(char *));
        if (!slot) {
                free(copy);
                return -ENOMEM;
        }
        *slot = copy;
        return 0;
}

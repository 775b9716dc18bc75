/* Growing the model's arrays (a pointer and a count) one element at a time. The model's
 * lists are short (a PC has tens of devices), so growth is exact rather than doubling. */
#pragma once

#include <stddef.h>

/* Append one zeroed element of `size` bytes to the array *v of *n elements, unless it
 * already has `max`. Returns the new element, or NULL (out of memory or full; *v and *n are
 * then unchanged). */
void *array_append(void **v, size_t *n, size_t size, size_t max);

#define ARRAY_APPEND(arr, n, max) array_append((void **)&(arr), &(n), sizeof(*(arr)), (max))

/* Append a copy of s to the string array *v of *n. 0 or -ENOMEM. */
int strv_append(char ***v, size_t *n, const char *s);

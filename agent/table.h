/* An aligned text table for terminals: columns sized to their widest cell (up to a cap),
 * cells made printable and cut with "…" (common/text.h). */
#pragma once

#include <stddef.h>
#include <stdio.h>

struct table_column {
        const char *header;
        size_t max_width;
};

struct table;

struct table *table_new(const struct table_column *cols, size_t n_cols);
void table_free(struct table *t); /* accepts NULL */
/* A row of n_cols cells; NULL cells print as "-". 0 or -ENOMEM. */
int table_add_row(struct table *t, const char *const *cells);
size_t table_rows(const struct table *t);
int table_print(const struct table *t, FILE *f);

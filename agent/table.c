#include "table.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define TABLE_MAX_ROWS 100000

struct table {
        const struct table_column *cols;
        size_t n_cols;
        char **cells; /* rows * n_cols rendered cells */
        size_t *widths;
        size_t n_rows;
};

struct table *table_new(const struct table_column *cols, size_t n_cols) {
        struct table *t = calloc(1, sizeof(*t));

        if (!t)
                return NULL;
        t->cols = cols;
        t->n_cols = n_cols;
        t->widths = calloc(n_cols, sizeof(*t->widths));
        if (!t->widths) {
                free(t);
                return NULL;
        }
        for (size_t c = 0; c < n_cols; c++)
                t->widths[c] = text_width(cols[c].header);
        return t;
}

void table_free(struct table *t) {
        if (!t)
                return;
        for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
                free(t->cells[i]);
        free(t->cells);
        free(t->widths);
        free(t);
}

int table_add_row(struct table *t, const char *const *cells) {
        char **v;

        if (t->n_rows >= TABLE_MAX_ROWS)
                return -E2BIG;
        v = realloc(t->cells, (t->n_rows + 1) * t->n_cols * sizeof(*v));
        if (!v)
                return -ENOMEM;
        t->cells = v;
        v += t->n_rows * t->n_cols;
        for (size_t c = 0; c < t->n_cols; c++)
                v[c] = NULL;
        t->n_rows++; /* counted now so that table_free frees a half-made row */
        for (size_t c = 0; c < t->n_cols; c++) {
                /* 4 bytes per column at most per character, plus the ellipsis */
                size_t size = t->cols[c].max_width * 4 + 8, w;
                v[c] = malloc(size);
                if (!v[c])
                        return -ENOMEM;
                w = text_cell(cells[c] ? cells[c] : "-", t->cols[c].max_width, v[c], size);
                if (w > t->widths[c])
                        t->widths[c] = w;
        }
        return 0;
}

size_t table_rows(const struct table *t) {
        return t->n_rows;
}

static void print_cell(FILE *f, const char *s, size_t width, bool last) {
        fputs(s, f);
        if (last)
                return;
        for (size_t w = text_width(s); w < width + 2; w++)
                fputc(' ', f);
}

/* Index of the last non-empty cell of a row: nothing is printed after it, so no line ends
 * in padding. */
static size_t last_filled(const char *const *cells, size_t n) {
        size_t last = 0;

        for (size_t c = 0; c < n; c++)
                if (cells[c][0])
                        last = c;
        return last;
}

static void print_row(const struct table *t, const char *const *cells, FILE *f) {
        size_t last = last_filled(cells, t->n_cols);

        for (size_t c = 0; c <= last; c++)
                print_cell(f, cells[c], t->widths[c], c == last);
        fputc('\n', f);
}

int table_print(const struct table *t, FILE *f) {
        const char *headers[t->n_cols];

        for (size_t c = 0; c < t->n_cols; c++)
                headers[c] = t->cols[c].header;
        /* cppcheck-suppress uninitvar ; all t->n_cols are set just above */
        print_row(t, headers, f);
        for (size_t r = 0; r < t->n_rows; r++)
                print_row(t, (const char *const *)&t->cells[r * t->n_cols], f);
        return ferror(f) ? -EIO : 0;
}

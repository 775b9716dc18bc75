/* jansson's allocator hooks, counting per thread. malloc_usable_size measures what a free
 * gives back, so no header is added: memory jansson hands out (json_dumps) may still be freed
 * with plain free(). */
#include "json_budget.h"

#include <jansson.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

struct budget {
        bool on, exceeded;
        size_t used, limit;
};

static __thread struct budget budget;

static void *budget_malloc(size_t n) {
        void *p;

        if (budget.on && (budget.used > budget.limit || n > budget.limit - budget.used)) {
                budget.exceeded = true;
                return NULL;
        }
        p = malloc(n);
        if (p && budget.on)
                budget.used += malloc_usable_size(p);
        return p;
}

static void budget_free(void *p) {
        if (p && budget.on) {
                size_t u = malloc_usable_size(p);
                budget.used = u > budget.used ? 0 : budget.used - u;
        }
        free(p);
}

void json_budget_install(void) {
        json_set_alloc_funcs(budget_malloc, budget_free);
}

void json_budget_begin(size_t limit) {
        budget = (struct budget){.on = true, .limit = limit};
}

bool json_budget_end(void) {
        bool exceeded = budget.exceeded;

        budget = (struct budget){0};
        return exceeded;
}

size_t json_budget_for(size_t len) {
        size_t floor = 1u << 20;

        if (len > (SIZE_MAX - floor) / JSON_BUDGET_FACTOR)
                return SIZE_MAX;
        return len * JSON_BUDGET_FACTOR + floor;
}

/* A cap on the memory one JSON parse may take. jansson builds the whole tree before anything
 * can be checked, and a tree costs far more than its text (an 8 MiB "[{},{},...]" is about
 * 640 MB of objects): the cap makes such a parse fail with "out of memory" instead. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Route jansson's allocations through the budget. Once, before any JSON is allocated (first
 * thing in main); without it the budget is not enforced. */
void json_budget_install(void);

/* The allocations of this thread until json_budget_end may take at most limit bytes. */
void json_budget_begin(size_t limit);
/* Ends it; true when an allocation was refused for it. */
bool json_budget_end(void);

/* The budget for a text of len bytes: JSON_BUDGET_FACTOR times it, plus a floor. */
#define JSON_BUDGET_FACTOR 16
size_t json_budget_for(size_t len);

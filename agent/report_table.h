#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/* The human form of a report: the section of each collector that ran, in the report's
 * order (the host's facts, one row per USB device, ...), then the facts that could not be
 * read. A section without a printer of its own gets one row per item, a column per field. */
int report_table_print(const struct report *r, FILE *f);

#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/* The human form of a report: the host's facts, then one table row per device, then the
 * facts that could not be read. */
int report_table_print(const struct report *r, bool with_host, bool with_devices, FILE *f);

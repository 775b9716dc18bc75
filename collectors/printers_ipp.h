/* A CUPS-Get-Printers answer turned into the report's printers[]: the attributes CUPS sent,
 * as facts (names, URIs, state). Separate from the query so that it can be fuzzed. */
#pragma once

#include <cups/cups.h>

#include "report.h"

/* The attributes the query asks for: the ones printers_ipp_fill reads. */
extern const char *const printers_ipp_attributes[];
extern const int printers_ipp_n_attributes;

/* Append one printer to r->printers per printer group of answer. 0 or -ENOMEM. */
int printers_ipp_fill(ipp_t *answer, struct report *r);

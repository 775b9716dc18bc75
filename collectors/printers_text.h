/* Strings from CUPS and SANE (queue names, make and model, locations) made safe to store:
 * valid UTF-8, capped, and a cut one said so in missing[], never silently shortened. */
#pragma once

#include <stddef.h>

#include "report.h"

/* Most bytes kept of one such string. */
#define PRINTERS_TEXT_MAX 1024

/* A sanitised copy of s (NULL or "" give NULL) into *field. When s was longer than
 * PRINTERS_TEXT_MAX bytes, "<subject>.<fact>" goes to r's missing[] (r may be NULL) with the
 * reason "cut at N of M bytes". 0 or -ENOMEM. */
int printers_text(const char *s, char **field, struct report *r, const char *subject,
                  const char *fact);

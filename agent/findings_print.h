/* The human form of findings and of the catalogue, in Vietnamese or English. */
#pragma once

#include <stdio.h>

#include "policy.h"

/* Findings grouped by severity, the gravest first: rule id and title, the evidence, why it
 * matters with its legal references, what to do. */
int findings_print(const struct report *r, const char *lang, FILE *f);
/* The catalogue: one row per rule (id, severity, family, implemented or planned, title). */
int rules_print_table(const char *lang, FILE *f);
/* The catalogue as JSON (every text in both languages, the legal references as data). */
char *rules_dump_json(void);
/* "cao", "high": a severity in lang. */
const char *findings_severity_word(enum policy_severity s, const char *lang);

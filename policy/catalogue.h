/* The rule catalogue as data: every rule's id, severity, texts in Vietnamese and English and
 * legal references, with the function that evaluates it. One file per family of rules
 * (rules_usb.c, rules_host.c, ...); a family whose facts have no collector yet lists its rules
 * with no function (planned): they are documented and configured, never evaluated. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

/* A legal basis: the text in force now beside the one the seed documents cite (inspectors
 * still use both). `checked` is false where the reference, or the figure the rule uses, was
 * not verified against the official text (REQUIREMENTS.md says which). */
struct policy_legal_ref {
        const char *now;
        const char *seeds; /* NULL: the seeds cite the same text */
        bool checked;
};

struct policy_text {
        const char *vi;
        const char *en;
};

struct policy_eval;
struct policy_rule;

/* Evaluate one rule: call policy_found for each finding. 0 or -ENOMEM. */
typedef int (*policy_rule_fn)(const struct policy_rule *rule, struct policy_eval *ev);

#define POLICY_MAX_REFS 3

struct policy_rule {
        const char *id;     /* "CG-USB-001": stable, never reused */
        const char *family; /* "usb", "host", "printers", "antivirus", "firewall", ... */
        enum policy_severity severity;
        struct policy_text title;
        struct policy_text why;                               /* why it matters */
        struct policy_text fix;                               /* what to do */
        const struct policy_legal_ref *refs[POLICY_MAX_REFS]; /* NULL-terminated */
        policy_rule_fn eval; /* NULL: planned (no collector gives its facts yet) */
};

/* The families, NULL-terminated, and their rules. */
struct policy_family {
        const struct policy_rule *rules;
        size_t n_rules;
};
extern const struct policy_family policy_family_usb;
extern const struct policy_family policy_family_host;
extern const struct policy_family policy_family_antivirus;
extern const struct policy_family policy_family_accounts;
extern const struct policy_family policy_family_firewall;
extern const struct policy_family policy_family_printers;
extern const struct policy_family policy_family_planned;

/* The legal references the rules share (legal.c). */
extern const struct policy_legal_ref legal_security_level;
extern const struct policy_legal_ref legal_cybersecurity;
extern const struct policy_legal_ref legal_personal_data;
extern const struct policy_legal_ref legal_tcvn;
extern const struct policy_legal_ref legal_device_register;
extern const struct policy_legal_ref legal_no_personal_tools;
extern const struct policy_legal_ref legal_lookup_lock;
extern const struct policy_legal_ref legal_access_log;
extern const struct policy_legal_ref legal_antimalware;

/* Every rule, in catalogue order: call with i = 0, 1, ... until NULL. */
const struct policy_rule *policy_rule_at(size_t i);
const struct policy_rule *policy_rule_find(const char *id);
bool policy_rule_planned(const struct policy_rule *rule);

/* "Nghị định 331/2026/NĐ-CP (trước đây: Nghị định 85/2016/NĐ-CP; chưa đối chiếu)": the refs
 * of a rule in one line, in lang ("vi" or "en"). malloc'ed, NULL on out of memory. */
char *policy_rule_refs_text(const struct policy_rule *rule, const char *lang);

/* --- for the rule functions --- */

struct policy_eval {
        const struct report *facts;
        const struct policy *policy;
        struct policy_result *out;
};

/* A finding of rule with its evidence (printf-style). 0 or -ENOMEM. */
int policy_found(struct policy_eval *ev, const struct policy_rule *rule, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

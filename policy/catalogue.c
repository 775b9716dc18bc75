/* The catalogue: the families of rules in order, looked up by position or id. */
#include "catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct policy_family *const families[] = {
        &policy_family_usb,      &policy_family_host,     &policy_family_antivirus,
        &policy_family_accounts, &policy_family_firewall, &policy_family_printers,
        &policy_family_planned,
};

const struct policy_rule *policy_rule_at(size_t i) {
        for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
                if (i < families[f]->n_rules)
                        return &families[f]->rules[i];
                i -= families[f]->n_rules;
        }
        return NULL;
}

const struct policy_rule *policy_rule_find(const char *id) {
        const struct policy_rule *r;

        for (size_t i = 0; id && (r = policy_rule_at(i)); i++)
                if (strcmp(r->id, id) == 0)
                        return r;
        return NULL;
}

bool policy_rule_planned(const struct policy_rule *rule) {
        return rule->eval == NULL;
}

char *policy_rule_refs_text(const struct policy_rule *rule, const char *lang) {
        bool vi = lang && strcmp(lang, "vi") == 0;
        char buf[1024];
        size_t used = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < POLICY_MAX_REFS && rule->refs[i]; i++) {
                const struct policy_legal_ref *l = rule->refs[i];
                int n = snprintf(buf + used, sizeof(buf) - used, "%s%s%s%s%s%s", i ? "; " : "",
                                 l->now, l->seeds ? (vi ? " (trước đây: " : " (formerly: ") : "",
                                 l->seeds ? l->seeds : "", l->seeds ? ")" : "",
                                 l->checked ? ""
                                            : (vi ? " [chưa đối chiếu văn bản gốc]"
                                                  : " [not checked against the official "
                                                    "text]"));
                if (n < 0 || (size_t)n >= sizeof(buf) - used)
                        break; /* the data is ours and short: not reached */
                used += (size_t)n;
        }
        return strdup(buf);
}

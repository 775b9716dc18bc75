/* The evaluation: every implemented rule the policy has not switched off, over the facts.
 * A pure function of (facts, policy): no I/O, no clock, the same input gives the same
 * findings in the same order. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "catalogue.h"
#include "usb_judge.h"

static const char *const severity_names[POLICY_SEVERITY_MAX] = {
        "info", "low", "medium", "high", "critical",
};

const char *policy_severity_to_string(enum policy_severity s) {
        return s < POLICY_SEVERITY_MAX ? severity_names[s] : NULL;
}

int policy_severity_from_string(const char *s) {
        if (!s)
                return -EINVAL;
        for (int i = 0; i < POLICY_SEVERITY_MAX; i++)
                if (strcmp(s, severity_names[i]) == 0)
                        return i;
        /* the CLI word: a finding that needs attention, the middle of the scale */
        if (strcmp(s, "warning") == 0)
                return POLICY_SEVERITY_MEDIUM;
        return -EINVAL;
}

bool policy_rule_disabled(const struct policy *p, const char *id) {
        for (size_t i = 0; i < p->rules.n_disabled; i++)
                if (strcmp(p->rules.disabled[i], id) == 0)
                        return true;
        return false;
}

void policy_finding_free(struct report_finding *f) {
        if (!f)
                return;
        free(f->rule_id);
        free(f->severity);
        free(f->message_vi);
        free(f->message_en);
        free(f->evidence);
        free(f->legal_ref);
        *f = (struct report_finding){0};
}

static int dup_or_null(const char *s, char **ret) {
        *ret = s ? strdup(s) : NULL;
        return !s || *ret ? 0 : -ENOMEM;
}

int policy_finding_copy(const struct report_finding *src, struct report_finding *ret) {
        struct report_finding f = {0};

        if (dup_or_null(src->rule_id, &f.rule_id) < 0 ||
            dup_or_null(src->severity, &f.severity) < 0 ||
            dup_or_null(src->message_vi, &f.message_vi) < 0 ||
            dup_or_null(src->message_en, &f.message_en) < 0 ||
            dup_or_null(src->evidence, &f.evidence) < 0 ||
            dup_or_null(src->legal_ref, &f.legal_ref) < 0) {
                policy_finding_free(&f);
                return -ENOMEM;
        }
        *ret = f;
        return 0;
}

int policy_found(struct policy_eval *ev, const struct policy_rule *rule, const char *fmt, ...) {
        struct policy_result *out = ev->out;
        struct report_finding *f;
        char evidence[REPORT_MAX_STRING];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(evidence, sizeof(evidence), fmt, ap);
        va_end(ap);
        if (n < 0)
                return -EINVAL;
        /* a cut evidence is still evidence: facts are capped below REPORT_MAX_STRING each, a
         * line of several may not be; cut it on a character boundary */
        if ((size_t)n >= sizeof(evidence)) {
                size_t k = sizeof(evidence) - 1;
                while (k > 0 && ((unsigned char)evidence[k] & 0xc0) == 0x80)
                        k--;
                evidence[k] = '\0';
        }
        f = ARRAY_APPEND(out->findings, out->n_findings, REPORT_MAX_LIST);
        if (!f)
                return -ENOMEM;
        f->rule_id = strdup(rule->id);
        f->severity = strdup(policy_severity_to_string(rule->severity));
        f->message_vi = strdup(rule->title.vi);
        f->message_en = strdup(rule->title.en);
        f->evidence = strdup(evidence);
        f->legal_ref = policy_rule_refs_text(rule, "vi");
        if (!f->rule_id || !f->severity || !f->message_vi || !f->message_en || !f->evidence ||
            !f->legal_ref)
                return -ENOMEM; /* freed with the result */
        return 0;
}

int policy_evaluate(const struct report *facts, const struct policy *p, struct policy_result *ret) {
        struct policy_result res = {0};
        struct policy_eval ev = {facts, p, &res};
        const struct policy_rule *rule;
        int r = 0;

        if (facts->n_devices > 0) {
                res.verdicts = calloc(facts->n_devices, sizeof(*res.verdicts));
                if (!res.verdicts)
                        return -ENOMEM;
                res.n_verdicts = facts->n_devices;
        }
        for (size_t i = 0; i < facts->n_devices; i++) {
                struct usb_judgement j;
                usb_judge(p, &facts->devices[i], &j);
                res.verdicts[i] = usb_judgement_verdict(&j);
        }
        for (size_t i = 0; r == 0 && (rule = policy_rule_at(i)); i++)
                if (!policy_rule_planned(rule) && !policy_rule_disabled(p, rule->id))
                        r = rule->eval(rule, &ev);
        if (r < 0) {
                policy_result_free(&res);
                return r;
        }
        *ret = res;
        return 0;
}

void policy_result_free(struct policy_result *res) {
        if (!res)
                return;
        for (size_t i = 0; i < res->n_findings; i++)
                policy_finding_free(&res->findings[i]);
        free(res->findings);
        free(res->verdicts);
        *res = (struct policy_result){0};
}

int policy_apply(struct report *r, const struct policy *p, struct policy_result *res) {
        struct report_host *h = report_ensure_host(r);

        if (!h)
                return -ENOMEM;
        if (p->version) {
                free(h->policy_version);
                if (!(h->policy_version = strdup(p->version)))
                        return -ENOMEM;
        }
        for (size_t i = 0; i < r->n_devices && i < res->n_verdicts; i++) {
                const char *v = res->verdicts[i];
                /* "blocked" set by the USB control stays */
                if (!v || (r->devices[i].verdict && strcmp(r->devices[i].verdict, "blocked") == 0))
                        continue;
                free(r->devices[i].verdict);
                if (!(r->devices[i].verdict = strdup(v)))
                        return -ENOMEM;
        }
        for (size_t i = 0; i < r->n_findings; i++)
                policy_finding_free(&r->findings[i]);
        free(r->findings);
        r->findings = res->findings;
        r->n_findings = res->n_findings;
        res->findings = NULL;
        res->n_findings = 0;
        return 0;
}

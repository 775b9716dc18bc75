/* Printing what the policy concluded, and its catalogue. */
#include "findings_print.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "table.h"
#include "text.h"

static bool is_vi(const char *lang) {
        return lang && strcmp(lang, "vi") == 0;
}

const char *findings_severity_word(enum policy_severity s, const char *lang) {
        static const char *const vi[] = {"thông tin", "thấp", "trung bình", "cao", "nghiêm trọng"};
        static const char *const en[] = {"info", "low", "medium", "high", "critical"};

        if (s >= POLICY_SEVERITY_MAX)
                return "?";
        return is_vi(lang) ? vi[s] : en[s];
}

static const char *pick(const struct policy_text *t, const char *lang) {
        return is_vi(lang) ? t->vi : t->en;
}

/* a line of outside text (the evidence), made safe for a terminal */
static void print_safe(FILE *f, const char *label, const char *s) {
        char *p = text_printable(s ? s : "-", REPORT_MAX_STRING);
        fprintf(f, "    %s: %s\n", label, p ? p : "?");
        free(p);
}

static void print_one(const struct report_finding *x, const char *lang, FILE *f) {
        const struct policy_rule *rule = policy_rule_find(x->rule_id);
        bool vi = is_vi(lang);
        char *refs = rule ? policy_rule_refs_text(rule, lang) : NULL;

        fprintf(f, "  %s  %s\n", x->rule_id, vi ? x->message_vi : x->message_en);
        print_safe(f, vi ? "Bằng chứng" : "Evidence", x->evidence);
        if (rule) {
                fprintf(f, "    %s: %s\n", vi ? "Lý do" : "Why", pick(&rule->why, lang));
                fprintf(f, "    %s: %s\n", vi ? "Căn cứ" : "Legal basis", refs ? refs : "-");
                fprintf(f, "    %s: %s\n", vi ? "Khắc phục" : "What to do", pick(&rule->fix, lang));
        }
        free(refs);
}

int findings_print(const struct report *r, const char *lang, FILE *f) {
        bool vi = is_vi(lang);

        if (r->n_findings == 0)
                fputs(vi ? "Không có phát hiện nào.\n" : "No findings.\n", f);
        else
                fprintf(f, vi ? "Phát hiện: %zu\n" : "Findings: %zu\n", r->n_findings);
        for (int s = POLICY_SEVERITY_MAX - 1; s >= 0; s--) {
                const char *word = policy_severity_to_string((enum policy_severity)s);
                size_t n = 0;

                for (size_t i = 0; i < r->n_findings; i++)
                        n += strcmp(r->findings[i].severity, word) == 0;
                if (n == 0)
                        continue;
                fprintf(f, "\n%s %s (%zu)\n", vi ? "Mức" : "Severity",
                        findings_severity_word((enum policy_severity)s, lang), n);
                for (size_t i = 0; i < r->n_findings; i++)
                        if (strcmp(r->findings[i].severity, word) == 0)
                                print_one(&r->findings[i], lang, f);
        }
        return ferror(f) ? -EIO : 0;
}

int rules_print_table(const char *lang, FILE *f) {
        static const struct table_column cols_en[] = {
                {"ID", 12}, {"SEVERITY", 12}, {"FAMILY", 10}, {"STATE", 12}, {"TITLE", 90},
        };
        static const struct table_column cols_vi[] = {
                {"MÃ", 12}, {"MỨC ĐỘ", 12}, {"NHÓM", 10}, {"TRẠNG THÁI", 12}, {"TIÊU ĐỀ", 90},
        };
        bool vi = is_vi(lang);
        struct table *t = table_new(vi ? cols_vi : cols_en, 5);
        const struct policy_rule *rule;
        int r = t ? 0 : -ENOMEM;

        for (size_t i = 0; r == 0 && (rule = policy_rule_at(i)); i++) {
                const char *cells[5] = {
                        rule->id,
                        findings_severity_word(rule->severity, lang),
                        rule->family,
                        policy_rule_planned(rule) ? (vi ? "dự kiến" : "planned")
                                                  : (vi ? "đang áp dụng" : "implemented"),
                        pick(&rule->title, lang),
                };
                r = table_add_row(t, cells);
        }
        if (r == 0)
                r = table_print(t, f);
        table_free(t);
        return r;
}

static json_t *text_json(const struct policy_text *t) {
        return json_pack("{s:s, s:s}", "vi", t->vi, "en", t->en);
}

char *rules_dump_json(void) {
        json_t *all = json_array();
        const struct policy_rule *rule;
        char *s = NULL;

        for (size_t i = 0; all && (rule = policy_rule_at(i)); i++) {
                json_t *refs = json_array(), *o;
                for (size_t k = 0; refs && k < POLICY_MAX_REFS && rule->refs[k]; k++) {
                        const struct policy_legal_ref *l = rule->refs[k];
                        if (json_array_append_new(refs, json_pack("{s:s, s:s?, s:b}", "now", l->now,
                                                                  "seeds", l->seeds, "checked",
                                                                  l->checked)) < 0)
                                goto out;
                }
                o = json_pack("{s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:o}", "id", rule->id, "family",
                              rule->family, "severity", policy_severity_to_string(rule->severity),
                              "implemented", !policy_rule_planned(rule), "title",
                              text_json(&rule->title), "why", text_json(&rule->why), "fix",
                              text_json(&rule->fix), "legal_refs", refs);
                if (!o || json_array_append_new(all, o) < 0)
                        goto out;
        }
        s = json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
out:
        json_decref(all);
        return s;
}

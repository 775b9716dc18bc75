/* Printers and scanners: the rules that judge the printers collector's print queues (their
 * location, where they print to). A USB printer without a queue has no location or
 * destination to judge; scanners have no location fact (SANE gives none): they are not
 * judged. Nothing is judged when the collector did not run. */
#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "facts.h"

static const char *or_dash(const char *s) {
        return s && *s ? s : "-";
}

static bool judged(const struct policy_eval *ev) {
        return policy_collector_ran(ev->facts, "printers");
}

static int eval_prn_001(const struct policy_rule *rule, struct policy_eval *ev) {
        if (!judged(ev))
                return 0;
        for (size_t i = 0; i < ev->facts->n_printers; i++) {
                const struct report_printer *p = &ev->facts->printers[i];
                int r;

                /* a queue's printer-location is always answered: absent means empty */
                if (!p->name || (p->location && *p->location))
                        continue;
                r = policy_found(ev, rule,
                                 "queue=%s; model=%s; connection=%s; address=%s; location=-",
                                 p->name, or_dash(p->make_model), or_dash(p->connection),
                                 or_dash(p->address));
                if (r < 0)
                        return r;
        }
        return 0;
}

/* "file" (file: URIs) and "other" (a backend that is neither a device nor a network
 * printer, such as cups-pdf: writing PDF files) */
static int eval_prn_002(const struct policy_rule *rule, struct policy_eval *ev) {
        if (!judged(ev))
                return 0;
        for (size_t i = 0; i < ev->facts->n_printers; i++) {
                const struct report_printer *p = &ev->facts->printers[i];
                int r;

                if (!p->name || !p->connection ||
                    (strcmp(p->connection, "file") != 0 && strcmp(p->connection, "other") != 0))
                        continue;
                r = policy_found(ev, rule, "queue=%s; uri=%s; connection=%s", p->name,
                                 or_dash(p->uri), p->connection);
                if (r < 0)
                        return r;
        }
        return 0;
}

#define RULE(id_, sev, title_vi, title_en, why_vi, why_en, fix_vi, fix_en, fn, ...)                \
        {                                                                                          \
                .id = id_, .family = "printers", .severity = POLICY_SEVERITY_##sev,                \
                .title = {title_vi, title_en}, .why = {why_vi, why_en}, .fix = {fix_vi, fix_en},   \
                .refs = {__VA_ARGS__}, .eval = fn,                                                 \
        }

static const struct policy_rule rules[] = {
        RULE("CG-PRN-001", LOW, "Máy in, máy quét chưa ghi vị trí triển khai",
             "Printer or scanner without a location",
             "Sổ quản lý thiết bị phải ghi tên, chủng loại, vị trí triển khai và mục đích sử "
             "dụng của máy in, máy quét.",
             "The device register records each printer's and scanner's name, model, location "
             "and purpose.",
             "Ghi vị trí (quầy) và mục đích sử dụng cho máy in, máy quét trong phần cài đặt "
             "hàng đợi in hoặc trong sổ quản lý thiết bị.",
             "Set the location (counter) and purpose of the printer or scanner in its queue "
             "or in the device register.",
             eval_prn_001, &legal_device_register),
        RULE("CG-PRN-002", MEDIUM, "Hàng đợi in ra tệp hoặc đích không xác định",
             "Print queue printing to a file or an unknown destination",
             "Hàng đợi in ra tệp có thể lưu lại bản sao giấy tờ của công dân ngoài sự kiểm "
             "soát của cơ quan.",
             "A queue that prints to a file can keep copies of citizens' papers out of the "
             "office's control.",
             "Xóa hàng đợi in ra tệp; chỉ giữ các máy in được phê duyệt.",
             "Delete the queue that prints to a file; keep only approved printers.", eval_prn_002,
             &legal_personal_data, &legal_security_level),
};

const struct policy_family policy_family_printers = {rules, sizeof(rules) / sizeof(rules[0])};

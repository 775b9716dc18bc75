/* Antivirus: the rules that judge the antivirus collector's facts (the products its profiles
 * recognise: installed, running, real-time protection, signature age, management) against
 * the policy's antivirus requirements. Nothing is judged when the collector did not run; a
 * fact left unknown (running, realtime, managed, a signature age not read) gives no finding. */
#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "facts.h"

static const char *name_of(const struct report_antivirus *a) {
        return a->product ? a->product : a->profile ? a->profile : "?";
}

/* A product's own missing facts: "antivirus[clamav].databases". */
static bool product_missing(const struct report *r, const struct report_antivirus *a,
                            const char *fact) {
        char key[256];
        int n;

        if (!a->profile)
                return false;
        n = snprintf(key, sizeof(key), "antivirus[%s].%s", a->profile, fact);
        return n > 0 && (size_t)n < sizeof(key) && policy_fact_missing(r, key);
}

static bool judged(const struct policy_eval *ev) {
        return policy_collector_ran(ev->facts, "antivirus");
}

static int eval_av_001(const struct policy_rule *rule, struct policy_eval *ev) {
        const struct report *r = ev->facts;

        /* a refused profile file may be the one that knows this PC's product */
        if (!ev->policy->antivirus.required || !judged(ev) ||
            policy_fact_missing(r, "antivirus.profiles"))
                return 0;
        for (size_t i = 0; i < r->n_antivirus; i++)
                if (r->antivirus[i].installed != 0 || r->antivirus[i].running != 0)
                        return 0;
        return policy_found(ev, rule, "no anti-malware product recognised (antivirus profiles)");
}

static int eval_av_002(const struct policy_rule *rule, struct policy_eval *ev) {
        if (!ev->policy->antivirus.required || !judged(ev))
                return 0;
        for (size_t i = 0; i < ev->facts->n_antivirus; i++) {
                const struct report_antivirus *a = &ev->facts->antivirus[i];
                int r;

                if (a->running != 0)
                        continue; /* running, or not known (the processes were not all read) */
                r = policy_found(ev, rule, "%s; installed=%s; running=no", name_of(a),
                                 a->installed == 1   ? "yes"
                                 : a->installed == 0 ? "no"
                                                     : "?");
                if (r < 0)
                        return r;
        }
        return 0;
}

static int eval_av_003(const struct policy_rule *rule, struct policy_eval *ev) {
        if (!ev->policy->antivirus.realtime || !judged(ev))
                return 0;
        for (size_t i = 0; i < ev->facts->n_antivirus; i++) {
                const struct report_antivirus *a = &ev->facts->antivirus[i];
                int r;

                /* not running is CG-AV-002's; an unknown realtime is no finding */
                if (a->running != 1 || a->realtime != 0)
                        continue;
                r = policy_found(ev, rule, "%s; running=yes; realtime=no", name_of(a));
                if (r < 0)
                        return r;
        }
        return 0;
}

static int eval_av_004(const struct policy_rule *rule, struct policy_eval *ev) {
        int64_t limit = ev->policy->antivirus.max_signature_age_days;

        if (!judged(ev))
                return 0;
        for (size_t i = 0; i < ev->facts->n_antivirus; i++) {
                const struct report_antivirus *a = &ev->facts->antivirus[i];
                int r;

                /* a database that could not be read may be the newest one */
                if (a->signature_age_days == REPORT_UNSET || a->signature_age_days <= limit ||
                    product_missing(ev->facts, a, "databases") ||
                    product_missing(ev->facts, a, "signature_version"))
                        continue;
                r = policy_found(ev, rule,
                                 "%s; signatures=%s; built=%s; age=%lld days; limit=%lld days",
                                 name_of(a), a->signature_version ? a->signature_version : "?",
                                 a->signature_time ? a->signature_time : "?",
                                 (long long)a->signature_age_days, (long long)limit);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int eval_av_005(const struct policy_rule *rule, struct policy_eval *ev) {
        if (!ev->policy->antivirus.central_management || !judged(ev))
                return 0;
        for (size_t i = 0; i < ev->facts->n_antivirus; i++) {
                const struct report_antivirus *a = &ev->facts->antivirus[i];
                int r;

                if (a->managed != 0 || a->installed == 0)
                        continue;
                r = policy_found(ev, rule, "%s; managed=no", name_of(a));
                if (r < 0)
                        return r;
        }
        return 0;
}

#define RULE(id_, sev, title_vi, title_en, why_vi, why_en, fix_vi, fix_en, fn, ...)                \
        {                                                                                          \
                .id = id_, .family = "antivirus", .severity = POLICY_SEVERITY_##sev,               \
                .title = {title_vi, title_en}, .why = {why_vi, why_en}, .fix = {fix_vi, fix_en},   \
                .refs = {__VA_ARGS__}, .eval = fn,                                                 \
        }

static const struct policy_rule rules[] = {
        RULE("CG-AV-001", CRITICAL, "Chưa cài đặt phần mềm phòng, chống mã độc",
             "No anti-malware software installed",
             "Máy tính kết nối với hệ thống thông tin cấp độ 3 phải được cài đặt phần mềm "
             "phòng, chống mã độc.",
             "A PC of a level-3 information system must run anti-malware software.",
             "Cài đặt phần mềm phòng, chống mã độc được cơ quan phê duyệt và kết nối với máy "
             "chủ quản lý tập trung.",
             "Install the office's approved anti-malware software and connect it to the "
             "central console.",
             eval_av_001, &legal_antimalware, &legal_security_level),
        RULE("CG-AV-002", HIGH, "Phần mềm phòng, chống mã độc không hoạt động",
             "Anti-malware software not running",
             "Phần mềm đã cài đặt nhưng không chạy thì không bảo vệ được máy tính.",
             "Installed but not running, it protects nothing.",
             "Khởi động lại dịch vụ của phần mềm và bật tự khởi động cùng hệ điều hành.",
             "Start its service and enable it at boot.", eval_av_002, &legal_antimalware),
        RULE("CG-AV-003", HIGH, "Chưa bật chức năng bảo vệ thời gian thực",
             "Real-time protection off",
             "Không có bảo vệ thời gian thực, mã độc trên thiết bị lưu trữ hoặc tệp tải về chỉ "
             "bị phát hiện khi quét định kỳ.",
             "Without real-time protection, malware on a stick or in a download is found only "
             "by the next scheduled scan.",
             "Bật chức năng bảo vệ thời gian thực (quét khi truy cập) của phần mềm.",
             "Turn on real-time (on-access) scanning.", eval_av_003, &legal_antimalware),
        RULE("CG-AV-004", HIGH, "Cơ sở dữ liệu mẫu nhận diện mã độc đã cũ",
             "Malware signatures out of date",
             "Mẫu nhận diện cũ hơn giới hạn của chính sách (mặc định 3 ngày) không nhận ra "
             "được mã độc mới.",
             "Signatures older than the policy's limit (3 days by default) miss new malware.",
             "Kiểm tra kết nối cập nhật và cập nhật ngay cơ sở dữ liệu mẫu nhận diện.",
             "Check the update channel and update the signatures now.", eval_av_004,
             &legal_antimalware, &legal_tcvn),
        RULE("CG-AV-005", MEDIUM,
             "Phần mềm phòng, chống mã độc chưa được quản lý "
             "tập trung",
             "Anti-malware not centrally managed",
             "Hệ thống cấp độ 3 yêu cầu phần mềm phòng, chống mã độc được quản lý tập trung để "
             "theo dõi và cập nhật thống nhất.",
             "Level 3 asks for central management of anti-malware, to watch and update every "
             "PC the same way.",
             "Kết nối phần mềm với máy chủ quản lý tập trung của cơ quan hoặc của tỉnh.",
             "Connect it to the office's or the province's management console.", eval_av_005,
             &legal_antimalware, &legal_security_level),
};

const struct policy_family policy_family_antivirus = {rules, sizeof(rules) / sizeof(rules[0])};

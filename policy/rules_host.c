/* The PC itself: the rules that judge the system collector's facts and the report as a whole. */
#include <stdio.h>
#include <string.h>

#include "catalogue.h"

static int eval_sys_001(const struct policy_rule *rule, struct policy_eval *ev) {
        const struct report_host *h = ev->facts->host;
        bool unit = h && h->unit && *h->unit, counter = h && h->counter && *h->counter;

        if (unit && counter)
                return 0;
        return policy_found(ev, rule, "host=%s; unit=%s; counter=%s",
                            h && h->hostname ? h->hostname : "?", unit ? h->unit : "-",
                            counter ? h->counter : "-");
}

/* One finding naming the facts (not the reasons: they are in missing[] beside it). */
static int eval_sys_002(const struct policy_rule *rule, struct policy_eval *ev) {
        char list[512];
        size_t used = 0, shown = 0;

        if (ev->facts->n_missing == 0)
                return 0;
        list[0] = '\0';
        for (size_t i = 0; i < ev->facts->n_missing; i++) {
                const char *f = ev->facts->missing[i].fact;
                int n;

                if (!f)
                        continue;
                n = snprintf(list + used, sizeof(list) - used, "%s%s", shown ? ", " : "", f);
                if (n < 0 || (size_t)n >= sizeof(list) - used) {
                        list[used] = '\0';
                        break; /* the count below says how many there are */
                }
                used += (size_t)n;
                shown++;
        }
        return policy_found(ev, rule, "%zu: %s%s", ev->facts->n_missing, list,
                            shown < ev->facts->n_missing ? ", ..." : "");
}

static const struct policy_rule rules[] = {
        {
                .id = "CG-SYS-001",
                .family = "host",
                .severity = POLICY_SEVERITY_LOW,
                .title = {"Máy tính chưa được khai báo đơn vị và vị trí quầy",
                          "The PC has no unit or counter label"},
                .why = {"Sổ quản lý thiết bị phải ghi vị trí triển khai và mục đích sử dụng của "
                        "từng máy tính; báo cáo không có đơn vị, quầy thì không đối chiếu được với "
                        "sổ quản lý khi kiểm tra.",
                        "The device register records where each PC is deployed and what for; a "
                        "report without its unit and counter cannot be matched with the register "
                        "at the inspection."},
                .fix = {"Khai báo mã đơn vị (unit) và nhãn quầy (counter) trong mục [agent] của "
                        "tệp /etc/counterguard/agent.ini.",
                        "Set unit and counter in the [agent] section of "
                        "/etc/counterguard/agent.ini."},
                .refs = {&legal_device_register},
                .eval = eval_sys_001,
        },
        {
                .id = "CG-SYS-002",
                .family = "host",
                .severity = POLICY_SEVERITY_INFO,
                .title = {"Một số thông tin không thu thập được", "Some facts could not be read"},
                .why = {"Các thông tin không thu thập được thì không được đánh giá theo chính "
                        "sách; kết quả kiểm tra vì vậy chưa đầy đủ.",
                        "Facts that could not be read are not judged by the policy: the check is "
                        "incomplete."},
                .fix = {"Xem lý do trong phần missing của báo cáo; chạy lại với quyền quản trị "
                        "(root) hoặc khắc phục nguyên nhân.",
                        "See the reasons in the report's missing[]; run as root or fix the "
                        "cause."},
                .refs = {&legal_security_level},
                .eval = eval_sys_002,
        },
};

const struct policy_family policy_family_host = {rules, sizeof(rules) / sizeof(rules[0])};

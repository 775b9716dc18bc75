/* Accounts: the rules that judge the accounts collector's facts (administrators, last
 * logins, password dates, empty passwords, automatic login) against the policy's account
 * rules. Nothing is judged when the collector did not run; an unknown fact (a shadow file
 * not read: locked and password_empty unknown; an account lastlog never saw) gives no
 * finding. */
#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "facts.h"

static bool judged(const struct policy_eval *ev) {
        return policy_collector_ran(ev->facts, "accounts");
}

static const char *or_q(const char *s) {
        return s && *s ? s : "?";
}

static bool allowed_admin(const struct policy *p, const struct report_account *a) {
        /* root is the system's own administrator: the question is who else may become it */
        if (a->uid == 0 && a->name && strcmp(a->name, "root") == 0)
                return true;
        for (size_t i = 0; a->name && i < p->accounts.n_administrators; i++)
                if (strcmp(p->accounts.administrators[i], a->name) == 0)
                        return true;
        return false;
}

static int eval_acc_001(const struct policy_rule *rule, struct policy_eval *ev) {
        if (!judged(ev))
                return 0;
        for (size_t i = 0; i < ev->facts->n_accounts; i++) {
                const struct report_account *a = &ev->facts->accounts[i];
                char via[512];
                size_t used = 0;
                int r;

                if (a->admin != 1 || allowed_admin(ev->policy, a))
                        continue;
                via[0] = '\0';
                for (size_t k = 0; k < a->n_admin_via; k++) {
                        int n = snprintf(via + used, sizeof(via) - used, "%s%s", k ? ", " : "",
                                         a->admin_via[k] ? a->admin_via[k] : "?");
                        if (n < 0 || (size_t)n >= sizeof(via) - used)
                                break; /* what fits: the report has them all */
                        used += (size_t)n;
                }
                r = policy_found(ev, rule, "account=%s; uid=%lld; via=%s", or_q(a->name),
                                 (long long)a->uid, used ? via : "?");
                if (r < 0)
                        return r;
        }
        return 0;
}

/* a person's account that can log in with a password: locked and system ones are not asked
 * to log in or change passwords */
static bool login_account(const struct report_account *a) {
        return a->system == 0 && a->locked == 0;
}

static int eval_acc_002(const struct policy_rule *rule, struct policy_eval *ev) {
        int64_t limit = ev->policy->accounts.inactive_days;

        if (!judged(ev))
                return 0;
        for (size_t i = 0; i < ev->facts->n_accounts; i++) {
                const struct report_account *a = &ev->facts->accounts[i];
                int r;

                if (!login_account(a) || a->days_inactive == REPORT_UNSET ||
                    a->days_inactive <= limit)
                        continue;
                r = policy_found(ev, rule,
                                 "account=%s; last_login=%s; inactive=%lld days; limit=%lld days",
                                 or_q(a->name), or_q(a->last_login), (long long)a->days_inactive,
                                 (long long)limit);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The age is counted to the report's own time: the evaluation reads no clock. */
static int eval_acc_003(const struct policy_rule *rule, struct policy_eval *ev) {
        int64_t limit = ev->policy->accounts.password_max_age_days;

        if (!judged(ev))
                return 0;
        for (size_t i = 0; i < ev->facts->n_accounts; i++) {
                const struct report_account *a = &ev->facts->accounts[i];
                int64_t age;
                int r;

                if (!login_account(a) || a->password_empty != 0)
                        continue;
                age = policy_days_between(a->password_changed, ev->facts->generated_at);
                if (age == REPORT_UNSET || age <= limit)
                        continue;
                r = policy_found(
                        ev, rule, "account=%s; password_changed=%s; age=%lld days; limit=%lld days",
                        or_q(a->name), a->password_changed, (long long)age, (long long)limit);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int eval_acc_004(const struct policy_rule *rule, struct policy_eval *ev) {
        if (!ev->policy->accounts.forbid_empty_passwords || !judged(ev))
                return 0;
        for (size_t i = 0; i < ev->facts->n_accounts; i++) {
                const struct report_account *a = &ev->facts->accounts[i];
                int r;

                if (a->password_empty != 1)
                        continue;
                r = policy_found(ev, rule, "account=%s; uid=%lld; password=empty", or_q(a->name),
                                 (long long)a->uid);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int eval_acc_005(const struct policy_rule *rule, struct policy_eval *ev) {
        if (!ev->policy->accounts.forbid_autologin || !judged(ev))
                return 0;
        for (size_t i = 0; i < ev->facts->n_accounts; i++) {
                const struct report_account *a = &ev->facts->accounts[i];
                int r;

                if (a->autologin != 1)
                        continue;
                r = policy_found(ev, rule, "account=%s; autologin_by=%s", or_q(a->name),
                                 or_q(a->autologin_by));
                if (r < 0)
                        return r;
        }
        return 0;
}

#define RULE(id_, sev, title_vi, title_en, why_vi, why_en, fix_vi, fix_en, fn, ...)                \
        {                                                                                          \
                .id = id_, .family = "accounts", .severity = POLICY_SEVERITY_##sev,                \
                .title = {title_vi, title_en}, .why = {why_vi, why_en}, .fix = {fix_vi, fix_en},   \
                .refs = {__VA_ARGS__}, .eval = fn,                                                 \
        }

static const struct policy_rule rules[] = {
        RULE("CG-ACC-001", HIGH, "Tài khoản có quyền quản trị chưa được phép",
             "Administrator account not allowed",
             "Quyền quản trị chỉ được cấp cho tài khoản được cơ quan phân công quản trị máy tính.",
             "Administrator rights belong only to the accounts assigned to administer the PC.",
             "Thu hồi quyền quản trị hoặc bổ sung tài khoản vào danh sách quản trị của chính "
             "sách.",
             "Remove the rights or add the account to the policy's administrators.", eval_acc_001,
             &legal_security_level, &legal_tcvn),
        RULE("CG-ACC-002", MEDIUM, "Tài khoản lâu ngày không sử dụng",
             "Account inactive for too long",
             "Tài khoản không sử dụng quá số ngày của chính sách (mặc định 45 ngày) phải được "
             "vô hiệu hóa.",
             "Accounts unused for longer than the policy's limit (45 days by default) must be "
             "disabled.",
             "Khóa hoặc xóa tài khoản và cập nhật sổ quản lý tài khoản.",
             "Lock or delete the account and update the account register.", eval_acc_002,
             &legal_tcvn),
        RULE("CG-ACC-003", LOW, "Mật khẩu quá thời hạn thay đổi", "Password older than allowed",
             "Mật khẩu không được thay đổi định kỳ dễ bị lộ, lọt và lạm dụng.",
             "A password never changed is more likely to have leaked.",
             "Yêu cầu người dùng đổi mật khẩu.", "Have the user change the password.", eval_acc_003,
             &legal_tcvn),
        RULE("CG-ACC-004", CRITICAL, "Tài khoản không có mật khẩu",
             "Account with an empty password",
             "Tài khoản không có mật khẩu cho phép bất kỳ ai ngồi tại quầy đăng nhập.",
             "An account without a password lets anyone at the counter log in.",
             "Đặt mật khẩu cho tài khoản hoặc khóa tài khoản.",
             "Set a password or lock the account.", eval_acc_004, &legal_security_level,
             &legal_tcvn),
        RULE("CG-ACC-005", MEDIUM, "Máy tính tự động đăng nhập", "Automatic login enabled",
             "Tự động đăng nhập làm mất khả năng xác định người sử dụng máy tính trong nhật ký "
             "truy cập.",
             "Automatic login makes the access log unable to say who used the PC.",
             "Tắt chức năng tự động đăng nhập của trình quản lý đăng nhập.",
             "Turn automatic login off in the display manager.", eval_acc_005, &legal_access_log,
             &legal_security_level),
};

const struct policy_family policy_family_accounts = {rules, sizeof(rules) / sizeof(rules[0])};

/* The rules whose facts no collector on this branch gives yet (lookup tools and patterns:
 * the network watch). They are in the catalogue, so `rules` lists them (marked planned), the
 * policy file's settings for them are checked and documented, and their ids are reserved.
 * They have no evaluation function: none pretends to judge facts that do not exist. The
 * family moves to its own file (rules_lookup.c) with its functions when its collector lands,
 * as antivirus, accounts, firewall and printers did. */
#include "catalogue.h"

#define RULE(id_, family_, sev, title_vi, title_en, why_vi, why_en, fix_vi, fix_en, ...)           \
        {                                                                                          \
                .id = id_, .family = family_, .severity = POLICY_SEVERITY_##sev,                   \
                .title = {title_vi, title_en}, .why = {why_vi, why_en}, .fix = {fix_vi, fix_en},   \
                .refs = {__VA_ARGS__}, .eval = NULL,                                               \
        }

static const struct policy_rule rules[] = {
        /* lookup tools and patterns */
        RULE("CG-LKP-001", "lookup", CRITICAL,
             "Chương trình chưa được phê duyệt kết nối đến "
             "dịch vụ tra cứu",
             "Unapproved program connects to a lookup service",
             "Nghiêm cấm sử dụng phần mềm cá nhân hoặc tự phát triển công cụ để tra cứu, khai "
             "thác dữ liệu dân cư.",
             "Personal or self-made tools must never be used to look up population data.",
             "Gỡ bỏ chương trình; chỉ tra cứu bằng công cụ được phê duyệt trong chính sách.",
             "Remove the program; look up only with the policy's approved tools.",
             &legal_no_personal_tools, &legal_personal_data),
        RULE("CG-LKP-002", "lookup", CRITICAL, "Trình duyệt bị điều khiển tự động",
             "Browser driven by automation",
             "Trình duyệt chạy dưới công cụ tự động hóa (chromedriver, Selenium, Playwright) "
             "có thể tra cứu hàng loạt và bị hệ thống quốc gia tự động khóa kết nối.",
             "A browser run by an automation driver can look up in bulk, and gets the unit's "
             "connection locked by the national system.",
             "Dừng công cụ tự động hóa; mọi lần chạy tự động phải được thông báo trước.",
             "Stop the automation; any automated run must be announced in advance.",
             &legal_lookup_lock, &legal_no_personal_tools),
        RULE("CG-LKP-003", "lookup", MEDIUM, "Tra cứu ngoài giờ hành chính",
             "Lookups outside office hours",
             "Ngoài giờ hành chính, đơn vị chỉ được tra cứu trong giới hạn đã đăng ký (tối đa "
             "1.000 lượt mỗi ngày).",
             "Outside office hours a unit may look up only within its registered volume (at "
             "most 1,000 a day).",
             "Xác minh người sử dụng và mục đích tra cứu ngoài giờ.",
             "Find out who looked up outside office hours, and why.", &legal_lookup_lock),
        RULE("CG-LKP-004", "lookup", HIGH, "Số lượt tra cứu tăng đột biến", "Burst of lookups",
             "Lượng truy vấn tăng đột biến là dấu hiệu bị hệ thống quốc gia tự động khóa kết "
             "nối.",
             "A sudden spike is one of the signs the national system locks connections for.",
             "Xác minh người sử dụng và công cụ tra cứu; tạm dừng nếu có dấu hiệu tự động hóa.",
             "Check who and what is looking up; pause it if it looks automated.",
             &legal_lookup_lock),
        RULE("CG-LKP-005", "lookup", HIGH,
             "Các lượt tra cứu đều đặn bất thường, có dấu hiệu tự động hóa",
             "Machine-like regularity of lookups",
             "Các lượt tra cứu cách nhau đều đặn bất thường là dấu hiệu của chương trình tự "
             "động.",
             "Lookups at unnaturally regular intervals are the mark of a program.",
             "Xác minh và dừng chương trình tự động; thông báo trước nếu là lần chạy được phép.",
             "Find and stop the program; announce it in advance if it is an allowed run.",
             &legal_lookup_lock, &legal_no_personal_tools),
};

const struct policy_family policy_family_planned = {rules, sizeof(rules) / sizeof(rules[0])};

/* USB and removable media: the rules that judge the usb collector's facts (devices, their
 * kinds, ids, serials, interfaces and disks) against the policy's approved devices. */
#include <stdio.h>

#include "catalogue.h"
#include "usb_judge.h"

#define KIND(k) (1u << DEVICE_KIND_##k)

/* "0781:5567 SanDisk Cruzer Blade; serial=4C53...; port=1-1" */
static int found_device(struct policy_eval *ev, const struct policy_rule *rule,
                        const struct report_device *d, const char *extra) {
        return policy_found(ev, rule, "USB %s:%s%s%s%s%s; serial=%s; port=%s%s",
                            d->vendor_id ? d->vendor_id : "?", d->product_id ? d->product_id : "?",
                            d->vendor ? " " : "", d->vendor ? d->vendor : "", d->product ? " " : "",
                            d->product ? d->product : "", d->serial ? d->serial : "-",
                            d->port ? d->port : "?", extra ? extra : "");
}

/* Call fn for each device of the facts the policy does not approve, judged once. */
typedef bool (*device_pred)(const struct report_device *d, const struct usb_judgement *j);

static int each_device(const struct policy_rule *rule, struct policy_eval *ev, device_pred pred,
                       const char *extra) {
        for (size_t i = 0; i < ev->facts->n_devices; i++) {
                const struct report_device *d = &ev->facts->devices[i];
                struct usb_judgement j;
                int r;

                if (d->connected == 0)
                        continue; /* the server's history of a device gone: not here now */
                usb_judge(ev->policy, d, &j);
                if (!pred(d, &j))
                        continue;
                r = found_device(ev, rule, d, extra);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool unapproved_stick(const struct report_device *d, const struct usb_judgement *j) {
        (void)d;
        return usb_judgement_unapproved_storage(j) && !j->composite;
}

static bool unapproved_storage_interface(const struct report_device *d,
                                         const struct usb_judgement *j) {
        (void)d;
        return usb_judgement_unapproved_storage(j) && j->composite;
}

static bool phone(const struct report_device *d, const struct usb_judgement *j) {
        return (d->kinds & KIND(PHONE)) && !j->matched;
}

static bool network_adapter(const struct report_device *d, const struct usb_judgement *j) {
        return (d->kinds & KIND(NETWORK)) && !(d->kinds & KIND(PHONE)) && !j->matched;
}

static bool storage_without_serial(const struct report_device *d, const struct usb_judgement *j) {
        return j->storage && (!d->serial || !*d->serial);
}

static bool unknown_kind(const struct report_device *d, const struct usb_judgement *j) {
        return d->kinds == KIND(OTHER) && !j->matched;
}

static int eval_usb_001(const struct policy_rule *rule, struct policy_eval *ev) {
        return each_device(rule, ev, unapproved_stick,
                           ev->policy->usb.mode == POLICY_USB_BLOCK ? "; blocked" : NULL);
}

static int eval_usb_002(const struct policy_rule *rule, struct policy_eval *ev) {
        return each_device(rule, ev, unapproved_storage_interface,
                           ev->policy->usb.mode == POLICY_USB_BLOCK ? "; storage interface blocked"
                                                                    : "; storage interface");
}

static int eval_usb_003(const struct policy_rule *rule, struct policy_eval *ev) {
        return each_device(rule, ev, phone, NULL);
}

static int eval_usb_004(const struct policy_rule *rule, struct policy_eval *ev) {
        return each_device(rule, ev, network_adapter, NULL);
}

static int eval_usb_005(const struct policy_rule *rule, struct policy_eval *ev) {
        return each_device(rule, ev, storage_without_serial, NULL);
}

static int eval_usb_006(const struct policy_rule *rule, struct policy_eval *ev) {
        return each_device(rule, ev, unknown_kind, NULL);
}

static const struct policy_rule rules[] = {
        {
                .id = "CG-USB-001",
                .family = "usb",
                .severity = POLICY_SEVERITY_HIGH,
                .title = {"Thiết bị lưu trữ USB chưa được phê duyệt",
                          "Unapproved USB storage device"},
                .why = {"Thiết bị lưu trữ di động chưa được phê duyệt có thể làm lộ, lọt dữ liệu "
                        "dân cư hoặc đưa mã độc vào máy tính kết nối với Cơ sở dữ liệu quốc gia "
                        "về dân cư.",
                        "An unapproved removable storage device can carry population data off "
                        "the PC or bring malware onto a PC connected to the national population "
                        "database."},
                .fix = {"Tháo thiết bị khỏi máy tính. Nếu thiết bị phục vụ công việc, đề nghị bộ "
                        "phận công nghệ thông tin bổ sung vào danh sách thiết bị được phê duyệt "
                        "(mã nhà sản xuất, mã sản phẩm, số sê-ri) trong tệp chính sách.",
                        "Remove the device. If it is needed for work, ask IT to add it to the "
                        "policy's approved devices (vendor id, product id, serial)."},
                .refs = {&legal_security_level, &legal_cybersecurity, &legal_tcvn},
                .eval = eval_usb_001,
        },
        {
                .id = "CG-USB-002",
                .family = "usb",
                .severity = POLICY_SEVERITY_MEDIUM,
                .title = {"Thiết bị đa chức năng có giao diện lưu trữ chưa được phê duyệt",
                          "Composite device with an unapproved storage interface"},
                .why = {"Khe thẻ nhớ hoặc bộ nhớ tích hợp của máy in đa chức năng, máy quét được "
                        "hệ điều hành nhận như một ổ đĩa di động và có thể được dùng để sao chép "
                        "dữ liệu ra ngoài.",
                        "The card slot or built-in memory of a multifunction printer or scanner "
                        "shows up as a removable disk and can be used to copy data off the PC."},
                .fix = {"Trong tệp chính sách, chỉ phê duyệt các lớp giao diện cần dùng của thiết "
                        "bị (ví dụ máy in: lớp 07) để chế độ chặn (block) vô hiệu hóa giao diện "
                        "lưu trữ; hoặc tắt khe thẻ nhớ trong phần cài đặt của thiết bị.",
                        "Approve only the interface classes the device needs (a printer: class "
                        "07) in the policy and let block mode deauthorize its storage interface, "
                        "or switch the card slot off in the device's settings."},
                .refs = {&legal_security_level, &legal_tcvn},
                .eval = eval_usb_002,
        },
        {
                .id = "CG-USB-003",
                .family = "usb",
                .severity = POLICY_SEVERITY_MEDIUM,
                .title = {"Điện thoại di động kết nối qua cổng USB",
                          "Mobile phone connected over USB"},
                .why = {"Điện thoại kết nối qua cổng USB (MTP, PTP, ADB) có thể sao chép dữ liệu "
                        "ra ngoài hoặc chia sẻ kết nối mạng riêng, vượt qua các biện pháp kiểm "
                        "soát của cơ quan.",
                        "A phone on USB (MTP, PTP, ADB) can copy data off the PC or share its own "
                        "network connection around the office's controls."},
                .fix = {"Ngắt kết nối điện thoại; không sạc pin điện thoại qua máy tính tra cứu. "
                        "Thiết bị di động được phép kết nối phải có trong danh sách phê duyệt.",
                        "Unplug the phone and do not charge it on the lookup PC. Mobile devices "
                        "allowed to connect must be on the approved list."},
                .refs = {&legal_security_level, &legal_tcvn},
                .eval = eval_usb_003,
        },
        {
                .id = "CG-USB-004",
                .family = "usb",
                .severity = POLICY_SEVERITY_MEDIUM,
                .title = {"Bộ điều hợp mạng USB chưa được phê duyệt",
                          "Unapproved USB network adapter"},
                .why = {"Bộ điều hợp mạng, thiết bị Wi-Fi hoặc 4G qua cổng USB tạo thêm đường kết "
                        "nối ra Internet không đi qua tường lửa và hệ thống giám sát của cơ quan.",
                        "A USB network, Wi-Fi or 4G adapter opens a second way to the Internet "
                        "that bypasses the office's firewall and monitoring."},
                .fix = {"Tháo thiết bị; nếu cần sử dụng, bộ phận công nghệ thông tin xem xét và "
                        "bổ sung vào danh sách thiết bị được phê duyệt.",
                        "Remove it; if it is needed, have IT review it and add it to the approved "
                        "list."},
                .refs = {&legal_security_level, &legal_cybersecurity},
                .eval = eval_usb_004,
        },
        {
                .id = "CG-USB-005",
                .family = "usb",
                .severity = POLICY_SEVERITY_LOW,
                .title = {"Thiết bị lưu trữ USB không có số sê-ri",
                          "USB storage device without a serial number"},
                .why = {"Thiết bị không có số sê-ri không phân biệt được với các thiết bị cùng "
                        "loại, nên không ghi được vào sổ quản lý thiết bị và không phê duyệt riêng "
                        "được từng chiếc.",
                        "Without a serial number the device cannot be told apart from others of "
                        "its model: it cannot be entered in the device register or approved on "
                        "its own."},
                .fix = {"Thay bằng thiết bị có số sê-ri; nếu vẫn phải sử dụng, khi phê duyệt ghi "
                        "rõ cổng USB cố định (port) của thiết bị.",
                        "Replace it with a device that has a serial number; if it must stay, "
                        "approve it on a fixed port."},
                .refs = {&legal_device_register},
                .eval = eval_usb_005,
        },
        {
                .id = "CG-USB-006",
                .family = "usb",
                .severity = POLICY_SEVERITY_INFO,
                .title = {"Thiết bị USB chưa xác định được chủng loại",
                          "USB device of unknown kind"},
                .why = {"Thiết bị không thuộc các chủng loại đã biết (bộ chuyển đổi cổng nối tiếp, "
                        "thiết bị chuyên dụng của nhà sản xuất) cần được xác định và ghi vào sổ "
                        "quản lý thiết bị.",
                        "A device of no known kind (a serial adapter, a vendor-specific device) "
                        "needs to be identified and entered in the device register."},
                .fix = {"Xác định thiết bị và mục đích sử dụng; nếu phục vụ công việc, bổ sung vào "
                        "danh sách thiết bị được phê duyệt.",
                        "Identify the device and its purpose; if it is needed, add it to the "
                        "approved list."},
                .refs = {&legal_device_register},
                .eval = eval_usb_006,
        },
};

const struct policy_family policy_family_usb = {rules, sizeof(rules) / sizeof(rules[0])};

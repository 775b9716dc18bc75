/* The settings of policy.conf, their defaults, and how a policy is freed. */
#include "settings.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

#define P(field) offsetof(struct policy, field)
/* the count beside a list: usb.approved -> usb.n_approved */
#define N(group, field)                                                                            \
        offsetof(struct policy, group.n_##field) // NOLINT(bugprone-macro-parentheses)
#define END                                                                                        \
        { NULL, 0, 0, 0, 0, 0, NULL, NULL, 0, 0 }

/* clang-format off */
#define BOOL_(name, off)           {name, SETTING_BOOL, off, 0, 0, 0, NULL, NULL, 0, 0}
#define INT_(name, off, lo, hi)    {name, SETTING_INT, off, 0, lo, hi, NULL, NULL, 0, 0}
#define FLOAT_(name, off, lo, hi)  {name, SETTING_FLOAT, off, 0, lo, hi, NULL, NULL, 0, 0}
#define STRING_(name, off, max, f) {name, SETTING_STRING, off, 0, 0, max, NULL, NULL, 0, f}
#define TYPED_(name, t, off, f)    {name, t, off, 0, 0, 0, NULL, NULL, 0, f}
#define ENUM_(name, off, words)    {name, SETTING_ENUM, off, 0, 0, 0, words, NULL, 0, 0}
#define LISTOF_(name, t, off, noff, lo, hi, words) \
        {name, t, off, noff, lo, hi, words, NULL, 0, 0}
#define GROUP_(name, sub)          {name, SETTING_GROUP, 0, 0, 0, 0, NULL, sub, 0, 0}
#define LIST_(name, off, noff, sub, type) \
        {name, SETTING_LIST, off, noff, 0, POLICY_MAX_LIST, NULL, sub, sizeof(type), 0}
/* clang-format on */

const char *const policy_usb_mode_words[] = {"audit", "block", NULL};
static const char *const protocols[] = {"tcp", "udp", NULL};

#define UD(f) offsetof(struct policy_usb_device, f)
static const struct setting usb_device[] = {
        TYPED_("vendor", SETTING_HEX4, UD(vendor_id), SETTING_REQUIRED),
        TYPED_("product", SETTING_HEX4, UD(product_id), SETTING_REQUIRED),
        STRING_("serial", UD(serial), 256, 0),
        STRING_("port", UD(port), 64, 0),
        TYPED_("classes", SETTING_CLASSES, UD(classes), 0),
        STRING_("comment", UD(comment), 1024, 0),
        END,
};

#define TL(f) offsetof(struct policy_tool, f)
static const struct setting tool[] = {
        STRING_("path", TL(path), 4096, SETTING_REQUIRED),
        TYPED_("sha256", SETTING_SHA256, TL(sha256), SETTING_REQUIRED),
        STRING_("parent", TL(parent), 4096, 0),
        END,
};

#define SV(f) offsetof(struct policy_service, f)
static const struct setting service[] = {
        {"protocol", SETTING_ENUM, SV(protocol), 0, 0, 0, protocols, NULL, 0, SETTING_REQUIRED},
        {"port", SETTING_INT, SV(port), 0, 0, 65535, NULL, NULL, 0, SETTING_REQUIRED},
        STRING_("program", SV(program), 4096, 0),
        END,
};

static const struct setting usb[] = {
        ENUM_("storage_mode", P(usb.mode), policy_usb_mode_words),
        BOOL_("approve_smartcard", P(usb.approve_smartcard)),
        LIST_("approved", P(usb.approved), N(usb, approved), usb_device, struct policy_usb_device),
        END,
};

static const struct setting antivirus[] = {
        BOOL_("required", P(antivirus.required)),
        BOOL_("realtime", P(antivirus.realtime)),
        BOOL_("central_management", P(antivirus.central_management)),
        INT_("max_signature_age_days", P(antivirus.max_signature_age_days), 0, 365),
        END,
};

static const struct setting firewall[] = {
        BOOL_("required", P(firewall.required)),
        BOOL_("inbound_default_deny", P(firewall.inbound_default_deny)),
        LIST_("allowed_services", P(firewall.allowed_services), N(firewall, allowed_services),
              service, struct policy_service),
        END,
};

static const struct setting accounts[] = {
        INT_("inactive_days", P(accounts.inactive_days), 1, 3650),
        INT_("password_max_age_days", P(accounts.password_max_age_days), 1, 3650),
        LISTOF_("administrators", SETTING_STRINGS, P(accounts.administrators),
                N(accounts, administrators), 0, POLICY_MAX_LIST, NULL),
        BOOL_("forbid_empty_passwords", P(accounts.forbid_empty_passwords)),
        BOOL_("forbid_autologin", P(accounts.forbid_autologin)),
        END,
};

static const struct setting office_hours[] = {
        TYPED_("start", SETTING_HHMM, P(lookup.office_start_min), 0),
        TYPED_("end", SETTING_HHMM, P(lookup.office_end_min), 0),
        TYPED_("days", SETTING_DAYS, P(lookup.working_days), 0),
        END,
};

static const struct setting endpoints[] = {
        LISTOF_("names", SETTING_NAMES, P(lookup.endpoint_names), N(lookup, endpoint_names), 0,
                POLICY_MAX_LIST, NULL),
        LISTOF_("cidrs", SETTING_CIDRS, P(lookup.endpoint_cidrs), N(lookup, endpoint_cidrs), 0,
                POLICY_MAX_LIST, NULL),
        LISTOF_("ports", SETTING_INTS, P(lookup.endpoint_ports), N(lookup, endpoint_ports), 1,
                65535, NULL),
        END,
};

static const struct setting thresholds[] = {
        INT_("burst_per_minute", P(lookup.burst_per_minute), 1, 1000000),
        INT_("regularity_min_connections", P(lookup.regularity_min_connections), 2, 1000000),
        FLOAT_("regularity_max_cv", P(lookup.regularity_max_cv), 0, 10),
        END,
};

static const struct setting daily_volume[] = {
        INT_("office_hours", P(lookup.daily_office_hours), 0, INT32_MAX),
        INT_("off_hours", P(lookup.daily_off_hours), 0, INT32_MAX),
        END,
};

static const struct setting lookup[] = {
        LIST_("tools", P(lookup.tools), N(lookup, tools), tool, struct policy_tool),
        GROUP_("endpoints", endpoints),
        GROUP_("office_hours", office_hours),
        GROUP_("thresholds", thresholds),
        GROUP_("daily_volume", daily_volume),
        END,
};

static const struct setting rules[] = {
        LISTOF_("disabled", SETTING_RULE_IDS, P(rules.disabled), N(rules, disabled), 0,
                POLICY_MAX_LIST, NULL),
        END,
};

const struct setting policy_settings[] = {
        STRING_("version", P(version), 128, 0),
        GROUP_("usb", usb),
        GROUP_("antivirus", antivirus),
        GROUP_("firewall", firewall),
        GROUP_("accounts", accounts),
        GROUP_("lookup", lookup),
        GROUP_("rules", rules),
        END,
};

void settings_free(const struct setting *table, void *base) {
        char *b = base;

        for (const struct setting *s = table; s->name; s++) {
                void *at = b + s->offset;
                size_t *n = (size_t *)(b + s->count_offset);

                switch (s->type) {
                case SETTING_STRING:
                case SETTING_HEX4:
                case SETTING_SHA256:
                        free(*(char **)at);
                        *(char **)at = NULL;
                        break;
                case SETTING_STRINGS:
                case SETTING_NAMES:
                case SETTING_CIDRS:
                case SETTING_RULE_IDS:
                        for (size_t i = 0; i < *n; i++)
                                free((*(char ***)at)[i]);
                        /* fall through */
                case SETTING_INTS:
                        free(*(void **)at);
                        *(void **)at = NULL;
                        *n = 0;
                        break;
                case SETTING_GROUP:
                        settings_free(s->sub, base);
                        break;
                case SETTING_LIST:
                        for (size_t i = 0; i < *n; i++)
                                settings_free(s->sub, *(char **)at + i * s->elem_size);
                        free(*(void **)at);
                        *(void **)at = NULL;
                        *n = 0;
                        break;
                default:
                        break;
                }
        }
}

void policy_free(struct policy *p) {
        if (p)
                settings_free(policy_settings, p);
}

static const char *const default_endpoints[] = {
        "*.dancuquocgia.gov.vn",
        "dancuquocgia.gov.vn",
        "*.dichvucong.gov.vn",
        "dichvucong.gov.vn",
        "*.ngsp.gov.vn",
        "lgsp.*",
        NULL,
};

int policy_init(struct policy *p) {
        int64_t *port;

        *p = (struct policy){0};
        p->usb.mode = POLICY_USB_AUDIT;
        p->usb.approve_smartcard = true;
        p->antivirus.required = true;
        p->antivirus.realtime = true;
        p->antivirus.central_management = true;
        p->antivirus.max_signature_age_days = 3;
        p->firewall.required = true;
        p->firewall.inbound_default_deny = true;
        p->accounts.inactive_days = 45;
        p->accounts.password_max_age_days = 90;
        p->accounts.forbid_empty_passwords = true;
        p->accounts.forbid_autologin = true;
        p->lookup.office_start_min = (int64_t)7 * 60;
        p->lookup.office_end_min = (int64_t)18 * 60;
        p->lookup.working_days = 0x1f; /* Monday to Friday */
        p->lookup.burst_per_minute = 30;
        p->lookup.regularity_min_connections = 20;
        p->lookup.regularity_max_cv = 0.1;
        p->lookup.daily_office_hours = 0; /* 0: the unit has not registered a volume */
        p->lookup.daily_off_hours = 1000;
        for (size_t i = 0; default_endpoints[i]; i++)
                if (strv_append(&p->lookup.endpoint_names, &p->lookup.n_endpoint_names,
                                default_endpoints[i]) < 0)
                        return -ENOMEM;
        port = ARRAY_APPEND(p->lookup.endpoint_ports, p->lookup.n_endpoint_ports, POLICY_MAX_LIST);
        if (!port)
                return -ENOMEM;
        *port = 443;
        return 0;
}

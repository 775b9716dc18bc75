/* The policy: what this unit approves and requires (policy.conf, libconfig), and the
 * evaluation that turns a report's facts into findings. The policy layer sits between the
 * model (common/) and the agent: it reads facts, it never collects them.
 * See docs/counterguard-policy.conf.5 for the file, docs/policy.md for the rules. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

#define POLICY_DEFAULT_PATH "/etc/counterguard/policy.conf"
/* A policy file is a few kilobytes; a larger one is a mistake, not a policy. */
#define POLICY_MAX_FILE ((size_t)1024 * 1024)
#define POLICY_MAX_LIST 4096

enum policy_severity {
        POLICY_SEVERITY_INFO,
        POLICY_SEVERITY_LOW,
        POLICY_SEVERITY_MEDIUM,
        POLICY_SEVERITY_HIGH,
        POLICY_SEVERITY_CRITICAL,
        POLICY_SEVERITY_MAX,
};

/* "info" ... "critical"; the report's words. */
const char *policy_severity_to_string(enum policy_severity s);
/* The report's words, and "warning" for "medium" (the CLI's --fail-on default). -EINVAL. */
int policy_severity_from_string(const char *s);

enum policy_usb_mode {
        POLICY_USB_AUDIT, /* an unapproved storage device is a finding */
        POLICY_USB_BLOCK, /* ... and it is deauthorized as it is plugged in */
        POLICY_USB_MODE_MAX,
};

/* An approved USB device. NULL fields match anything. */
struct policy_usb_device {
        char *vendor_id;  /* "0781", lower case */
        char *product_id; /* "5567" */
        char *serial;
        char *port;          /* "1-1.2": only in that port */
        uint8_t classes[32]; /* bit set of interface classes approved; all zero: every class */
        char *comment;
};

struct policy_tool {
        char *path;
        char *sha256; /* 64 hex digits, lower case */
        char *parent; /* optional: the program that must have started it */
};

struct policy_service {
        int protocol; /* 0 "tcp", 1 "udp" */
        int64_t port;
        char *program; /* optional */
};

struct policy {
        char *version; /* shown as host.policy_version */
        struct {
                int mode; /* enum policy_usb_mode */
                bool approve_smartcard;
                struct policy_usb_device *approved;
                size_t n_approved;
        } usb;
        struct { /* planned rules: read by the antivirus collector's rules */
                bool required;
                bool realtime;
                bool central_management;
                int64_t max_signature_age_days;
        } antivirus;
        struct { /* planned rules */
                bool required;
                bool inbound_default_deny;
                struct policy_service *allowed_services;
                size_t n_allowed_services;
        } firewall;
        struct { /* planned rules */
                int64_t inactive_days;
                int64_t password_max_age_days;
                char **administrators;
                size_t n_administrators;
                bool forbid_empty_passwords;
                bool forbid_autologin;
        } accounts;
        struct { /* planned rules; the network watch and the server read these */
                struct policy_tool *tools;
                size_t n_tools;
                char **endpoint_names; /* "*.dancuquocgia.gov.vn" */
                size_t n_endpoint_names;
                char **endpoint_cidrs;
                size_t n_endpoint_cidrs;
                int64_t *endpoint_ports;
                size_t n_endpoint_ports;
                int64_t office_start_min; /* minutes after midnight */
                int64_t office_end_min;
                uint8_t working_days; /* bit 0 Monday ... bit 6 Sunday */
                int64_t burst_per_minute;
                int64_t regularity_min_connections;
                double regularity_max_cv;
                int64_t daily_office_hours;
                int64_t daily_off_hours;
        } lookup;
        struct {
                char **disabled; /* rule ids the unit switched off, with a reason in comments */
                size_t n_disabled;
        } rules;
};

/* The defaults of REQUIREMENTS.md: office hours 07:00-18:00 Monday to Friday, at most 1,000
 * lookups a day off-hours, signatures at most 3 days old, signing tokens approved, audit. */
int policy_init(struct policy *p);  /* 0 or -ENOMEM (then free it) */
void policy_free(struct policy *p); /* accepts NULL and a half-loaded policy */

/* Load path over the defaults. On error: -EINVAL (and friends) with "file:line: what is
 * wrong" in err (err_size bytes), *ret untouched. */
int policy_load(const char *path, struct policy *ret, char *err, size_t err_size);
/* The same from a buffer (name is used in messages): for tests and fuzzing. */
int policy_load_buffer(const char *name, const char *text, struct policy *ret, char *err,
                       size_t err_size);

/* --- evaluation --- */

struct policy_result {
        struct report_finding *findings;
        size_t n_findings;
        /* one per device of the facts: "approved", "unapproved", or NULL (not judged) */
        const char **verdicts;
        size_t n_verdicts;
};

/* The findings of facts under p: a pure function, no I/O. 0 or -ENOMEM. */
int policy_evaluate(const struct report *facts, const struct policy *p, struct policy_result *ret);
void policy_result_free(struct policy_result *res);
/* Move res's findings and verdicts into r (and p's version into r->host). */
int policy_apply(struct report *r, const struct policy *p, struct policy_result *res);

/* A finding's contents: deep copy (0 or -ENOMEM, then nothing to free), free. */
int policy_finding_copy(const struct report_finding *src, struct report_finding *ret);
void policy_finding_free(struct report_finding *f); /* the contents; accepts NULL */

/* Is the rule switched off by the policy? */
bool policy_rule_disabled(const struct policy *p, const char *id);

/* The policy, table-driven: each row of `cases` is one device, a policy and the findings and
 * verdict the evaluation must give (one row per rule and case); each row of `bad` is a
 * policy file and the error it must get. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "policy.h"

#define K(k) (1u << DEVICE_KIND_##k)

static const char approve_stick[] =
        "usb = { approved = ( { vendor = \"0781\"; product = \"5567\"; serial = \"S1\"; } ); };";
static const char approve_mfp_print[] = "usb = { approved = ( { vendor = \"04b8\"; product = "
                                        "\"1128\"; classes = [7, 0xff]; } ); };";
static const char approve_mfp_all[] =
        "usb = { approved = ( { vendor = \"04B8\"; product = \"1128\"; } ); };";
static const char block[] = "usb = { storage_mode = \"block\"; };";
static const char no_tokens[] = "usb = { approve_smartcard = false; };";
static const char by_port[] =
        "usb = { approved = ( { vendor = \"0781\"; product = \"5567\"; port = \"1-4\"; } ); };";
static const char disable_005[] = "rules = { disabled = [ \"CG-USB-005\" ]; };";

struct row {
        const char *what;
        const char *policy; /* NULL: the defaults */
        uint32_t kinds;
        const char *vid, *pid, *serial, *port;
        int classes[4];      /* interface classes, -1 ends */
        const char *want;    /* the USB findings' ids, comma-separated, "" for none */
        const char *verdict; /* NULL: not judged */
};

/* clang-format off */
static const struct row cases[] = {
        /* CG-USB-001: storage not approved */
        {"stick, nothing approved", NULL, K(STORAGE), "0781", "5567", "S1", "1-1", {8, -1}, "CG-USB-001", "unapproved"},
        {"stick approved by serial", approve_stick, K(STORAGE), "0781", "5567", "S1", "1-1", {8, -1}, "", "approved"},
        {"same model, other serial", approve_stick, K(STORAGE), "0781", "5567", "S2", "1-1", {8, -1}, "CG-USB-001", "unapproved"},
        {"stick in block mode", block, K(STORAGE), "0781", "5567", "S1", "1-1", {8, -1}, "CG-USB-001", "unapproved"},
        {"stick before its interfaces", NULL, K(STORAGE), "0781", "5567", "S1", "1-1", {-1}, "CG-USB-001", "unapproved"},
        {"approved on its port", by_port, K(STORAGE), "0781", "5567", NULL, "1-4", {8, -1}, "CG-USB-005", "approved"},
        {"approved port, other port", by_port, K(STORAGE), "0781", "5567", NULL, "1-5", {8, -1}, "CG-USB-001,CG-USB-005", "unapproved"},
        /* CG-USB-002: a composite's storage interface */
        {"MFP, nothing approved", NULL, K(PRINTER) | K(SCANNER) | K(STORAGE), "04b8", "1128", "X", "1-3", {0xff, 7, 8, -1}, "CG-USB-002", "unapproved"},
        {"MFP approved to print and scan", approve_mfp_print, K(PRINTER) | K(SCANNER) | K(STORAGE), "04b8", "1128", "X", "1-3", {0xff, 7, 8, -1}, "CG-USB-002", "unapproved"},
        {"MFP approved whole (ids in capitals)", approve_mfp_all, K(PRINTER) | K(SCANNER) | K(STORAGE), "04b8", "1128", "X", "1-3", {0xff, 7, 8, -1}, "", "approved"},
        {"printer alone", NULL, K(PRINTER), "03f0", "002a", "P", "1-2", {7, -1}, "", NULL},
        /* CG-USB-003: phones */
        {"MTP phone", NULL, K(PHONE), "04e8", "6860", "R5", "1-8", {6, 0xff, -1}, "CG-USB-003", NULL},
        {"phone with a network interface", NULL, K(PHONE) | K(NETWORK), "04e8", "6860", "R5", "1-8", {0xe0, -1}, "CG-USB-003", NULL},
        /* CG-USB-004: network adapters */
        {"USB Ethernet", NULL, K(NETWORK), "0b95", "1790", "N", "1-9", {0xff, -1}, "CG-USB-004", NULL},
        /* CG-USB-005: storage without a serial */
        {"stick without serial", NULL, K(STORAGE), "058f", "6387", NULL, "1-1", {8, -1}, "CG-USB-001,CG-USB-005", "unapproved"},
        {"empty serial", NULL, K(STORAGE), "058f", "6387", "", "1-1", {8, -1}, "CG-USB-001,CG-USB-005", "unapproved"},
        {"rule 005 disabled", disable_005, K(STORAGE), "058f", "6387", NULL, "1-1", {8, -1}, "CG-USB-001", "unapproved"},
        /* CG-USB-006: unknown kinds */
        {"USB serial adapter", NULL, K(OTHER), "1a86", "7523", NULL, "1-10", {0xff, -1}, "CG-USB-006", NULL},
        /* never findings */
        {"signing token", NULL, K(SMARTCARD), "096e", "0608", "T", "1-6", {0x0b, -1}, "", "approved"},
        {"signing token, tokens not approved", no_tokens, K(SMARTCARD), "096e", "0608", "T", "1-6", {0x0b, -1}, "", NULL},
        {"keyboard", block, K(INPUT), "046d", "c31c", NULL, "1-7.1", {3, -1}, "", NULL},
        {"hub", NULL, K(HUB), "05e3", "0608", NULL, "1-7", {9, -1}, "", NULL},
};
/* clang-format on */

static struct policy load(const char *text) {
        struct policy p;
        char err[512];
        int r = policy_load_buffer("t.conf", text ? text : "", &p, err, sizeof(err));
        if (r < 0)
                fail_msg("%s", err);
        return p;
}

static void device_from_row(const struct row *row, struct report_device *d,
                            struct report_interface *ifs) {
        report_device_init(d);
        d->kinds = row->kinds;
        d->vendor_id = (char *)(uintptr_t)row->vid;
        d->product_id = (char *)(uintptr_t)row->pid;
        d->serial = (char *)(uintptr_t)row->serial;
        d->port = (char *)(uintptr_t)row->port;
        d->interfaces = ifs;
        for (size_t i = 0; i < 4 && row->classes[i] >= 0; i++) {
                ifs[i] = (struct report_interface){.class_ = row->classes[i]};
                d->n_interfaces++;
        }
}

static void test_cases(void **state) {
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const struct row *row = &cases[i];
                struct policy p = load(row->policy);
                struct report_interface ifs[4];
                struct report_device d;
                struct report_host h = {0};
                struct report r = {0};
                struct policy_result res;
                char got[256] = "";

                device_from_row(row, &d, ifs);
                h.unit = (char *)"U1";
                h.counter = (char *)"Q1";
                r.host = &h;
                r.devices = &d;
                r.n_devices = 1;
                assert_int_equal(policy_evaluate(&r, &p, &res), 0);
                for (size_t k = 0; k < res.n_findings; k++) {
                        const struct report_finding *f = &res.findings[k];
                        const struct policy_rule *rule = policy_rule_find(f->rule_id);
                        assert_non_null(rule);
                        assert_string_equal(f->severity, policy_severity_to_string(rule->severity));
                        assert_string_equal(f->message_vi, rule->title.vi);
                        /* the evidence names the device */
                        assert_non_null(strstr(f->evidence, row->vid));
                        if (row->serial && *row->serial)
                                assert_non_null(strstr(f->evidence, row->serial));
                        snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", k ? "," : "",
                                 f->rule_id);
                }
                if (strcmp(got, row->want) != 0)
                        fail_msg("%s: findings '%s', want '%s'", row->what, got, row->want);
                if (!row->verdict != !res.verdicts[0] ||
                    (row->verdict && strcmp(row->verdict, res.verdicts[0]) != 0))
                        fail_msg("%s: verdict %s, want %s", row->what,
                                 res.verdicts[0] ? res.verdicts[0] : "NULL",
                                 row->verdict ? row->verdict : "NULL");
                policy_result_free(&res);
                policy_free(&p);
        }
}

/* the host rules: where the PC stands, facts missing */
static void test_host(void **state) {
        struct policy p = load(NULL);
        struct report_missing m[2] = {{(char *)"host.dmi", (char *)"EACCES"},
                                      {(char *)"devices", (char *)"x"}};
        struct report_host h = {0};
        struct report r = {0};
        struct policy_result res;

        (void)state;
        r.host = &h;
        h.unit = (char *)"U1";
        assert_int_equal(policy_evaluate(&r, &p, &res), 0);
        assert_int_equal(res.n_findings, 1);
        assert_string_equal(res.findings[0].rule_id, "CG-SYS-001");
        assert_non_null(strstr(res.findings[0].evidence, "counter=-"));
        policy_result_free(&res);
        h.counter = (char *)"Quầy 1";
        r.missing = m;
        r.n_missing = 2;
        assert_int_equal(policy_evaluate(&r, &p, &res), 0);
        assert_int_equal(res.n_findings, 1);
        assert_string_equal(res.findings[0].rule_id, "CG-SYS-002");
        assert_string_equal(res.findings[0].evidence, "2: host.dmi, devices");
        policy_result_free(&res);
        r.host = NULL; /* no host at all: still a finding, no crash */
        r.n_missing = 0;
        assert_int_equal(policy_evaluate(&r, &p, &res), 0);
        assert_int_equal(res.n_findings, 1);
        policy_result_free(&res);
        policy_free(&p);
}

struct bad_row {
        const char *text;
        const char *want; /* the whole message */
};

static const struct bad_row bad[] = {
        {"x = 1;", "t.conf:1: x: unknown setting"},
        {"usb = {\n bogus = 1; };", "t.conf:2: usb.bogus: unknown setting"},
        {"usb = 1;", "t.conf:1: usb: a group { ... } expected"},
        {"usb = {\n storage_mode = \"lock\"; };",
         "t.conf:2: usb.storage_mode: 'lock' is not one of the words allowed (audit, block)"},
        {"usb = { approved = (\n { vendor = \"0781\"; product = \"5567\"; classes = [ 256 ]; } ); "
         "};",
         "t.conf:2: usb.approved[0].classes[0]: 256 is not a USB interface class (0..0xff)"},
        {"usb = { approved = ( 1 ); };", "t.conf:1: usb.approved[0]: a group { ... } expected"},
        {"usb = { approved = [ 1 ]; };",
         "t.conf:1: usb.approved: a list of groups ( { ... }, ... ) expected"},
        {"antivirus = { max_signature_age_days = -1; };",
         "t.conf:1: antivirus.max_signature_age_days: -1 is out of range (0..365)"},
        {"lookup = { thresholds = { regularity_max_cv = 11.5; }; };",
         "t.conf:1: lookup.thresholds.regularity_max_cv: out of range (0..10)"},
        {"lookup = { office_hours = { start = \"25:00\"; }; };",
         "t.conf:1: lookup.office_hours.start: '25:00' is not a time HH:MM (00:00..24:00)"},
        {"lookup = { office_hours = { days = [ ]; }; };",
         "t.conf:1: lookup.office_hours.days: no working day"},
        {"lookup = { endpoints = { names = [ \"a b\" ]; }; };",
         "t.conf:1: lookup.endpoints.names[0]: 'a b' is not a host name (letters, digits, '.', "
         "'-', '*')"},
        {"lookup = { endpoints = { ports = [ 0 ]; }; };",
         "t.conf:1: lookup.endpoints.ports[0]: 0 is out of range (1..65535)"},
        {"accounts = { administrators = [ 1 ]; };",
         "t.conf:1: accounts.administrators[0]: a string expected"},
        {"version = \"\";", "t.conf:1: version: empty"},
        {"usb = {", "t.conf:1: syntax error"},
};

static void test_bad(void **state) {
        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct policy p;
                char err[512] = "";
                int r = policy_load_buffer("t.conf", bad[i].text, &p, err, sizeof(err));
                if (r != -EINVAL || strcmp(err, bad[i].want) != 0)
                        fail_msg("'%s': %d '%s', want '%s'", bad[i].text, r, err, bad[i].want);
        }
}

static void test_defaults(void **state) {
        struct policy p = load(NULL);

        (void)state;
        assert_int_equal(p.usb.mode, POLICY_USB_AUDIT);
        assert_true(p.usb.approve_smartcard);
        assert_int_equal(p.lookup.office_start_min, 7 * 60);
        assert_int_equal(p.lookup.office_end_min, 18 * 60);
        assert_int_equal(p.lookup.daily_off_hours, 1000);
        assert_int_equal(p.antivirus.max_signature_age_days, 3);
        assert_int_equal(p.lookup.working_days, 0x1f);
        assert_int_equal(p.lookup.n_endpoint_ports, 1);
        policy_free(&p);
        /* a list in the file replaces the default one */
        p = load("lookup = { endpoints = { names = [ \"lookup.example.gov.vn\" ]; }; };");
        assert_int_equal(p.lookup.n_endpoint_names, 1);
        assert_string_equal(p.lookup.endpoint_names[0], "lookup.example.gov.vn");
        policy_free(&p);
}

static void test_severity(void **state) {
        (void)state;
        assert_int_equal(policy_severity_from_string("warning"), POLICY_SEVERITY_MEDIUM);
        assert_int_equal(policy_severity_from_string("critical"), POLICY_SEVERITY_CRITICAL);
        assert_int_equal(policy_severity_from_string("info"), POLICY_SEVERITY_INFO);
        assert_true(policy_severity_from_string("High") < 0);
        assert_true(policy_severity_from_string(NULL) < 0);
}

/* every rule: unique id, texts in both languages, at least one legal reference */
static void test_catalogue(void **state) {
        const struct policy_rule *rule;
        size_t n = 0;

        (void)state;
        for (size_t i = 0; (rule = policy_rule_at(i)); i++, n++) {
                assert_ptr_equal(policy_rule_find(rule->id), rule);
                assert_non_null(rule->title.vi);
                assert_non_null(rule->why.en);
                assert_non_null(rule->fix.vi);
                assert_non_null(rule->refs[0]);
                assert_true(rule->severity < POLICY_SEVERITY_MAX);
        }
        assert_true(n >= 20);
        assert_null(policy_rule_find("CG-NOPE-001"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cases),    cmocka_unit_test(test_host),
                cmocka_unit_test(test_bad),      cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_severity), cmocka_unit_test(test_catalogue),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

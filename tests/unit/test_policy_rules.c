/* The rules on the facts of antivirus, accounts, firewall and printers, table-driven: each
 * row is some facts (which collectors ran, what is missing, the section), a policy, the
 * findings the evaluation must give (their ids, in order) and a piece of their evidence.
 * Unknown facts (a collector that did not run, a tristate -1, REPORT_UNSET, a missing[]
 * entry) must give no finding: those rows want "". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "policy.h"

#define U     REPORT_UNKNOWN
#define UNSET REPORT_UNSET
#define NOW   "2026-12-02T10:00:00Z"

/* clang-format off */
#define AV(prod, inst, run, rt, mgd, age) \
        {.product = (prod), .profile = "clamav", .installed = (inst), .running = (run), \
         .realtime = (rt), .managed = (mgd), .profile_verified = 1, .signature_version = "27001", \
         .signature_time = "2026-11-22T09:00:00Z", .signature_age_days = (age)}
#define CLAM(run, rt, age) AV("ClamAV", 1, run, rt, 0, age)
#define KESL AV("Kaspersky Endpoint Security for Linux", 1, 1, 1, 1, UNSET)

static char *sudo_via[] = {"sudoers /etc/sudoers.d/90-x:1"};

/* an account: name, uid, admin, locked, empty password, system, days inactive, password
 * changed, autologin */
#define ACC(n, id, adm, lck, emp, sys, inact, chg, auto_) \
        {.name = (n), .uid = (id), .admin = (adm), .locked = (lck), .password_empty = (emp), \
         .system = (sys), .days_inactive = (inact), \
         .last_login = (inact) == UNSET ? NULL : "2026-08-01T08:00:00Z", \
         .password_changed = (chg), .password_max_days = -1, .autologin = (auto_), \
         .autologin_by = (auto_) == 1 ? "lightdm" : NULL, .log_reader = 0, .guest = 0, \
         .admin_via = (adm) == 1 ? sudo_via : NULL, .n_admin_via = (adm) == 1 ? 1 : 0}
#define ROOT ACC("root", 0, 1, 0, 0, 1, UNSET, "2026-11-30", 0)
#define PERSON(n, inact, chg) ACC(n, 1001, 0, 0, 0, 0, inact, chg, 0)
/* clang-format on */

struct row {
        const char *what;
        const char *policy;     /* NULL: the defaults */
        const char *collectors; /* "antivirus,accounts" */
        const char *missing;    /* a missing fact, or NULL */
        struct report_antivirus *av;
        size_t n_av;
        struct report_account *acc;
        size_t n_acc;
        struct report_firewall *fw;
        struct report_printer *prn;
        size_t n_prn;
        const char *want;     /* the ids of the findings (CG-SYS-* left out), "" for none */
        const char *evidence; /* in the first finding's evidence, or NULL */
};

#define AVS(...)                                                                                   \
        .av = (struct report_antivirus[]){__VA_ARGS__},                                            \
        .n_av = sizeof((struct report_antivirus[]){__VA_ARGS__}) / sizeof(struct report_antivirus)
#define ACCS(...)                                                                                  \
        .acc = (struct report_account[]){__VA_ARGS__},                                             \
        .n_acc = sizeof((struct report_account[]){__VA_ARGS__}) / sizeof(struct report_account)

static const char av_relaxed[] = "antivirus = { realtime = false; central_management = false; "
                                 "max_signature_age_days = 14; };";
static const char av_optional[] = "antivirus = { required = false; };";
static const char admins[] = "accounts = { administrators = [ \"cb\" ]; };";
static const char acc_relaxed[] = "accounts = { inactive_days = 365; password_max_age_days = "
                                  "3650; forbid_empty_passwords = false; forbid_autologin = "
                                  "false; };";
static const char disable_av4[] = "rules = { disabled = [ \"CG-AV-004\" ]; };";

/* listening sockets: ssh reachable, 8080 dropped, 9090 on IPv6 reachable, cups on loopback,
 * mDNS over UDP where the collector cannot tell */
static struct report_port ports[] = {
        {.protocol = "tcp", .port = 22, .address = "0.0.0.0", .family = "ipv4", .reachable = 1},
        {.protocol = "tcp", .port = 8080, .address = "0.0.0.0", .family = "ipv4", .reachable = 0},
        {.protocol = "tcp", .port = 9090, .address = "::", .family = "ipv6", .reachable = 1},
        {.protocol = "tcp", .port = 631, .address = "127.0.0.1", .family = "ipv4", .reachable = 0},
        {.protocol = "udp", .port = 5353, .address = "0.0.0.0", .family = "ipv4", .reachable = U},
};
static struct report_fw_chain accept_chain[] = {
        {.family = "inet", .table = "filter", .name = "input", .policy = "accept", .rules = 3}};
static struct report_fw_chain drop_chain[] = {
        {.family = "inet", .table = "filter", .name = "input", .policy = "drop", .rules = 3}};
#define N_PORTS (sizeof(ports) / sizeof(ports[0]))
static struct report_firewall fw_off = {.backend = "none",
                                        .frontend = "none",
                                        .active = 0,
                                        .default_inbound = "accept",
                                        .open_ports = ports,
                                        .n_open_ports = N_PORTS};
static struct report_firewall fw_accept = {.backend = "nftables",
                                           .frontend = "nftables",
                                           .active = 1,
                                           .default_inbound = "accept",
                                           .input_chains = accept_chain,
                                           .n_input_chains = 1,
                                           .open_ports = ports,
                                           .n_open_ports = N_PORTS};
static struct report_firewall fw_drop = {.backend = "nftables",
                                         .frontend = "nftables",
                                         .active = 1,
                                         .default_inbound = "drop",
                                         .input_chains = drop_chain,
                                         .n_input_chains = 1,
                                         .open_ports = ports,
                                         .n_open_ports = N_PORTS};
static struct report_firewall fw_unknown = {.backend = "nftables",
                                            .frontend = "nftables",
                                            .active = U,
                                            .default_inbound = "unknown",
                                            .open_ports = ports + 4,
                                            .n_open_ports = 1};
static const char fw_optional[] = "firewall = { required = false; };";
static const char fw_no_deny[] = "firewall = { inbound_default_deny = false; };";
static const char allow_ssh[] =
        "firewall = { allowed_services = ( { protocol = \"tcp\"; port = 22; } ); };";
static const char allow_sshd[] = "firewall = { allowed_services = ( { protocol = \"tcp\"; port = "
                                 "22; program = \"/usr/sbin/sshd\"; } ); };";
static const char allow_both[] = "firewall = { allowed_services = ( { protocol = \"tcp\"; port = "
                                 "22; }, { protocol = \"tcp\"; port = 9090; } ); };";
static const char allow_udp22[] =
        "firewall = { allowed_services = ( { protocol = \"udp\"; port = 22; } ); };";
static const char disable_fw1[] = "rules = { disabled = [ \"CG-FW-001\" ]; };";

/* print queues */
static struct report_printer prn_ok[] = {{.name = "Quay1",
                                          .make_model = "HP LaserJet",
                                          .uri = "ipp://192.0.2.5/ipp/print",
                                          .connection = "network",
                                          .address = "192.0.2.5",
                                          .location = "Quầy 1"}};
static struct report_printer prn_noloc[] = {{.name = "Quay2",
                                             .make_model = "HP LaserJet",
                                             .uri = "ipp://192.0.2.6/ipp/print",
                                             .connection = "network",
                                             .address = "192.0.2.6"}};
static struct report_printer prn_emptyloc[] = {{.name = "Quay3",
                                                .make_model = "Epson L3150",
                                                .uri = "usb://EPSON/L3150?serial=X1",
                                                .connection = "usb",
                                                .location = ""}};
static struct report_printer prn_file[] = {
        {.name = "PDF", .uri = "file:///tmp/out.pdf", .connection = "file", .location = "Quầy 1"}};
static struct report_printer prn_other[] = {
        {.name = "CupsPDF", .uri = "cups-pdf:/", .connection = "other", .location = "Quầy 1"}};
static struct report_printer prn_noqueue[] = {
        {.make_model = "Canon LBP2900", .connection = "usb", .usb_port = "1-2"}};
static struct report_printer prn_nouri[] = {{.name = "Quay4", .location = "Quầy 4"}};

/* clang-format off */
static const struct row cases[] = {
        /* CG-AV-001: no product */
        {"no antivirus", NULL, "antivirus", NULL, .want = "CG-AV-001", .evidence = "no anti-malware product recognised"},
        {"no antivirus, not required", av_optional, "antivirus", NULL, .want = ""},
        {"antivirus collector did not run", NULL, "", NULL, .want = ""},
        {"antivirus collector failed", NULL, "", "collector.antivirus", .want = ""},
        {"a profile file refused", NULL, "antivirus", "antivirus.profiles", .want = ""},
        {"a managed, running, fresh product", NULL, "antivirus", NULL, AVS(KESL), .want = ""},
        /* CG-AV-002: not running */
        {"clamd stopped", NULL, "antivirus", NULL, AVS(CLAM(0, 0, 1)), .want = "CG-AV-002,CG-AV-005", .evidence = "ClamAV; installed=yes; running=no"},
        {"running unknown (processes not read)", NULL, "antivirus", "antivirus.processes", AVS(CLAM(U, U, 1)), .want = "CG-AV-005"},
        {"stopped, not required", av_optional, "antivirus", NULL, AVS(CLAM(0, 0, 1)), .want = "CG-AV-005"},
        /* CG-AV-003: no real-time protection */
        {"clamd without clamonacc", NULL, "antivirus", NULL, AVS(CLAM(1, 0, 1)), .want = "CG-AV-003,CG-AV-005", .evidence = "ClamAV; running=yes; realtime=no"},
        {"realtime unknown", NULL, "antivirus", NULL, AVS(CLAM(1, U, 1)), .want = "CG-AV-005"},
        {"realtime not required", av_relaxed, "antivirus", NULL, AVS(CLAM(1, 0, 1)), .want = ""},
        /* CG-AV-004: old signatures */
        {"signatures 10 days old", NULL, "antivirus", NULL, AVS(CLAM(1, 1, 10)), .want = "CG-AV-004,CG-AV-005", .evidence = "ClamAV; signatures=27001; built=2026-11-22T09:00:00Z; age=10 days; limit=3 days"},
        {"signatures 3 days old: at the limit", NULL, "antivirus", NULL, AVS(CLAM(1, 1, 3)), .want = "CG-AV-005"},
        {"signatures 10 days, limit 14", av_relaxed, "antivirus", NULL, AVS(CLAM(1, 1, 10)), .want = ""},
        {"signature age unknown", NULL, "antivirus", NULL, AVS(CLAM(1, 1, UNSET)), .want = "CG-AV-005"},
        {"a database unreadable", NULL, "antivirus", "antivirus[clamav].databases", AVS(CLAM(1, 1, 10)), .want = "CG-AV-005"},
        {"rule 004 disabled", disable_av4, "antivirus", NULL, AVS(CLAM(1, 1, 10)), .want = "CG-AV-005"},
        /* CG-AV-005: not managed */
        {"clamav: no console", NULL, "antivirus", NULL, AVS(CLAM(1, 1, 1)), .want = "CG-AV-005", .evidence = "ClamAV; managed=no"},
        {"managed unknown", NULL, "antivirus", NULL, AVS(AV("ESET", 1, 1, 1, U, UNSET)), .want = ""},
        {"two products, one stopped", NULL, "antivirus", NULL, AVS(KESL, AV("ESET", 1, 0, U, 1, UNSET)), .want = "CG-AV-002", .evidence = "ESET; installed=yes; running=no"},

        /* CG-ACC-001: administrators */
        {"root alone", NULL, "accounts", NULL, ACCS(ROOT), .want = ""},
        {"an admin by sudoers, none allowed", NULL, "accounts", NULL, ACCS(ROOT, ACC("cb", 1001, 1, 0, 0, 0, 2, "2026-11-30", 0)), .want = "CG-ACC-001", .evidence = "account=cb; uid=1001; via=sudoers /etc/sudoers.d/90-x:1"},
        {"the admin allowed", admins, "accounts", NULL, ACCS(ROOT, ACC("cb", 1001, 1, 0, 0, 0, 2, "2026-11-30", 0)), .want = ""},
        {"another admin", admins, "accounts", NULL, ACCS(ACC("dd", 1002, 1, 0, 0, 0, 2, "2026-11-30", 0)), .want = "CG-ACC-001", .evidence = "account=dd"},
        {"a second uid 0", NULL, "accounts", NULL, ACCS(ACC("toor", 0, 1, 0, 0, 1, UNSET, NULL, 0)), .want = "CG-ACC-001", .evidence = "account=toor; uid=0"},
        {"admin unknown", NULL, "accounts", "accounts.admin", ACCS(ACC("cb", 1001, U, 0, 0, 0, 2, "2026-11-30", 0)), .want = ""},
        {"accounts collector did not run", NULL, "antivirus", NULL, AVS(KESL), ACCS(ACC("cb", 1001, 1, 0, 1, 0, 900, "2020-01-01", 1)), .want = ""},
        /* CG-ACC-002: inactive */
        {"inactive 123 days", NULL, "accounts", NULL, ACCS(PERSON("an", 123, "2026-11-30")), .want = "CG-ACC-002", .evidence = "account=an; last_login=2026-08-01T08:00:00Z; inactive=123 days; limit=45 days"},
        {"inactive 45 days: at the limit", NULL, "accounts", NULL, ACCS(PERSON("an", 45, "2026-11-30")), .want = ""},
        {"inactive but locked", NULL, "accounts", NULL, ACCS(ACC("an", 1001, 0, 1, 0, 0, 123, "2026-11-30", 0)), .want = ""},
        {"inactive, locked unknown (shadow not read)", NULL, "accounts", "accounts", ACCS(ACC("an", 1001, 0, U, U, 0, 123, NULL, 0)), .want = ""},
        {"never logged in (unknown)", NULL, "accounts", NULL, ACCS(PERSON("an", UNSET, "2026-11-30")), .want = ""},
        {"a system account inactive", NULL, "accounts", NULL, ACCS(ACC("daemon", 1, 0, 0, 0, 1, 900, "2026-11-30", 0)), .want = ""},
        {"inactive 123 days, limit 365", acc_relaxed, "accounts", NULL, ACCS(PERSON("an", 123, "2026-11-30")), .want = ""},
        /* CG-ACC-003: old password */
        {"password 400 days old", NULL, "accounts", NULL, ACCS(PERSON("bi", 1, "2025-10-28")), .want = "CG-ACC-003", .evidence = "account=bi; password_changed=2025-10-28; age=400 days; limit=90 days"},
        {"password 90 days old", NULL, "accounts", NULL, ACCS(PERSON("bi", 1, "2026-09-03")), .want = ""},
        {"password date unknown", NULL, "accounts", NULL, ACCS(PERSON("bi", 1, NULL)), .want = ""},
        {"password date not a date", NULL, "accounts", NULL, ACCS(PERSON("bi", 1, "yesterday")), .want = ""},
        {"old password, locked account", NULL, "accounts", NULL, ACCS(ACC("bi", 1001, 0, 1, 0, 0, 1, "2020-01-01", 0)), .want = ""},
        {"old password, limit 3650 days", acc_relaxed, "accounts", NULL, ACCS(PERSON("bi", 1, "2025-10-28")), .want = ""},
        /* CG-ACC-004: empty password */
        {"empty password", NULL, "accounts", NULL, ACCS(ACC("kiosk", 1003, 0, 0, 1, 0, 1, NULL, 0)), .want = "CG-ACC-004", .evidence = "account=kiosk; uid=1003; password=empty"},
        {"empty password of a system account", NULL, "accounts", NULL, ACCS(ACC("games", 5, 0, 0, 1, 1, UNSET, NULL, 0)), .want = "CG-ACC-004", .evidence = "account=games"},
        {"empty password unknown", NULL, "accounts", "accounts", ACCS(ACC("kiosk", 1003, 0, U, U, 0, 1, NULL, 0)), .want = ""},
        {"empty password allowed", acc_relaxed, "accounts", NULL, ACCS(ACC("kiosk", 1003, 0, 0, 1, 0, 1, NULL, 0)), .want = ""},
        /* CG-ACC-005: autologin */
        {"autologin", NULL, "accounts", NULL, ACCS(ACC("quay1", 1004, 0, 0, 0, 0, 0, "2026-11-30", 1)), .want = "CG-ACC-005", .evidence = "account=quay1; autologin_by=lightdm"},
        {"autologin unknown", NULL, "accounts", NULL, ACCS(ACC("quay1", 1004, 0, 0, 0, 0, 0, "2026-11-30", U)), .want = ""},
        {"autologin allowed", acc_relaxed, "accounts", NULL, ACCS(ACC("quay1", 1004, 0, 0, 0, 0, 0, "2026-11-30", 1)), .want = ""},

        /* CG-FW-001: no firewall */
        {"no firewall", NULL, "firewall", NULL, .fw = &fw_off, .want = "CG-FW-001,CG-FW-003,CG-FW-003", .evidence = "backend=none; frontend=none; active=no; input chains: none"},
        {"no firewall, not required", fw_optional, "firewall", NULL, .fw = &fw_off, .want = "CG-FW-002,CG-FW-003,CG-FW-003", .evidence = "default_inbound=accept"},
        {"no firewall, rule 001 disabled", disable_fw1, "firewall", NULL, .fw = &fw_off, .want = "CG-FW-002,CG-FW-003,CG-FW-003"},
        {"active unknown", NULL, "firewall", NULL, .fw = &fw_unknown, .want = ""},
        {"the nftables dump refused", NULL, "firewall", "firewall.nftables", .fw = &fw_off, .want = ""},
        {"the ruleset read in part", NULL, "firewall", "firewall.rules", .fw = &fw_drop, .want = ""},
        {"firewall collector did not run", NULL, "accounts", NULL, .fw = &fw_off, .want = ""},
        /* CG-FW-002: inbound accepted by default */
        {"accepting by default", NULL, "firewall", NULL, .fw = &fw_accept, .want = "CG-FW-002,CG-FW-003,CG-FW-003", .evidence = "backend=nftables; frontend=nftables; default_inbound=accept; input chains: inet filter input policy accept"},
        {"accepting by default, allowed", fw_no_deny, "firewall", NULL, .fw = &fw_accept, .want = "CG-FW-003,CG-FW-003"},
        /* CG-FW-003: listening services */
        {"drop by default, nothing allowed", NULL, "firewall", NULL, .fw = &fw_drop, .want = "CG-FW-003,CG-FW-003", .evidence = "tcp/22 on 0.0.0.0; reachable=yes"},
        {"ssh allowed", allow_ssh, "firewall", NULL, .fw = &fw_drop, .want = "CG-FW-003", .evidence = "tcp/9090 on ::; reachable=yes"},
        {"ssh allowed by program (unknown)", allow_sshd, "firewall", NULL, .fw = &fw_drop, .want = "CG-FW-003", .evidence = "tcp/9090"},
        {"udp/22 is not tcp/22", allow_udp22, "firewall", NULL, .fw = &fw_drop, .want = "CG-FW-003,CG-FW-003"},
        {"both allowed", allow_both, "firewall", NULL, .fw = &fw_drop, .want = ""},

        /* CG-PRN-001: no location */
        {"a queue with its location", NULL, "printers", NULL, .prn = prn_ok, .n_prn = 1, .want = ""},
        {"a queue without location", NULL, "printers", NULL, .prn = prn_noloc, .n_prn = 1, .want = "CG-PRN-001", .evidence = "queue=Quay2; model=HP LaserJet; connection=network; address=192.0.2.6; location=-"},
        {"an empty location", NULL, "printers", NULL, .prn = prn_emptyloc, .n_prn = 1, .want = "CG-PRN-001", .evidence = "queue=Quay3; model=Epson L3150; connection=usb; address=-"},
        {"a USB printer without a queue", NULL, "printers", NULL, .prn = prn_noqueue, .n_prn = 1, .want = ""},
        {"printers collector did not run", NULL, "usb", NULL, .prn = prn_noloc, .n_prn = 1, .want = ""},
        /* CG-PRN-002: printing to a file */
        {"a file: queue", NULL, "printers", NULL, .prn = prn_file, .n_prn = 1, .want = "CG-PRN-002", .evidence = "queue=PDF; uri=file:///tmp/out.pdf; connection=file"},
        {"cups-pdf", NULL, "printers", NULL, .prn = prn_other, .n_prn = 1, .want = "CG-PRN-002", .evidence = "queue=CupsPDF; uri=cups-pdf:/; connection=other"},
        {"a queue whose URI is not known", NULL, "printers", NULL, .prn = prn_nouri, .n_prn = 1, .want = ""},

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

static void facts_from_row(const struct row *row, struct report *r, struct report_host *h,
                           char **names, char *buf, size_t size, struct report_missing *m) {
        *r = (struct report){0};
        *h = (struct report_host){0};
        h->unit = (char *)"U1";
        h->counter = (char *)"Q1";
        r->host = h;
        r->generated_at = (char *)NOW;
        snprintf(buf, size, "%s", row->collectors);
        for (char *s = buf; *s;) {
                char *comma = strchr(s, ',');
                names[r->n_collectors++] = s;
                if (!comma)
                        break;
                *comma = '\0';
                s = comma + 1;
        }
        r->collectors = names;
        if (row->missing) {
                m->fact = (char *)(uintptr_t)row->missing;
                m->reason = (char *)"test";
                r->missing = m;
                r->n_missing = 1;
        }
        r->antivirus = row->av;
        r->n_antivirus = row->n_av;
        r->accounts = row->acc;
        r->n_accounts = row->n_acc;
        r->firewall = row->fw;
        r->printers = row->prn;
        r->n_printers = row->n_prn;
}

static void test_cases(void **state) {
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const struct row *row = &cases[i];
                struct policy p = load(row->policy);
                struct report_missing m;
                struct report_host h;
                struct report r;
                struct policy_result res;
                char got[256] = "", buf[128], *names[8];
                const char *first = NULL;

                facts_from_row(row, &r, &h, names, buf, sizeof(buf), &m);
                assert_int_equal(policy_evaluate(&r, &p, &res), 0);
                for (size_t k = 0; k < res.n_findings; k++) {
                        const struct report_finding *f = &res.findings[k];
                        const struct policy_rule *rule = policy_rule_find(f->rule_id);
                        assert_non_null(rule);
                        assert_false(policy_rule_planned(rule));
                        assert_string_equal(f->severity, policy_severity_to_string(rule->severity));
                        if (strncmp(f->rule_id, "CG-SYS-", 7) == 0)
                                continue;
                        if (!first)
                                first = f->evidence;
                        snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
                                 *got ? "," : "", f->rule_id);
                }
                if (strcmp(got, row->want) != 0)
                        fail_msg("%s: findings '%s', want '%s'", row->what, got, row->want);
                if (row->evidence && (!first || !strstr(first, row->evidence)))
                        fail_msg("%s: evidence '%s', want '%s' in it", row->what,
                                 first ? first : "(none)", row->evidence);
                policy_result_free(&res);
                policy_free(&p);
        }
}

/* the implemented families are no longer planned; the lookup rules still are */
static void test_implemented(void **state) {
        static const char *const implemented[] = {
                "CG-AV-001",  "CG-AV-002",  "CG-AV-003",  "CG-AV-004",  "CG-AV-005",
                "CG-ACC-001", "CG-ACC-002", "CG-ACC-003", "CG-ACC-004", "CG-ACC-005",
                "CG-FW-001",  "CG-FW-002",  "CG-FW-003",  "CG-PRN-001", "CG-PRN-002",
        };
        (void)state;
        for (size_t i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++) {
                const struct policy_rule *rule = policy_rule_find(implemented[i]);
                assert_non_null(rule);
                assert_false(policy_rule_planned(rule));
        }
        assert_true(policy_rule_planned(policy_rule_find("CG-LKP-001")));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cases),
                cmocka_unit_test(test_implemented),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

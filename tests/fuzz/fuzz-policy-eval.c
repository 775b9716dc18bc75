/* The evaluation over random facts: devices of any kinds, ids, serials, ports and interfaces,
 * a host or none, antivirus products, accounts, a firewall with its ports, printers, the
 * collectors that ran, facts missing, under a few policies. Never a crash or a leak; every
 * finding names a rule of the catalogue with its severity; the same facts give the same
 * findings (a pure function). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "catalogue.h"
#include "policy.h"

static const char *const policies[] = {
        "",
        "usb = { storage_mode = \"block\"; approve_smartcard = false; };",
        "usb = { approved = ( { vendor = \"0781\"; product = \"5567\"; serial = \"AB\"; },"
        "{ vendor = \"04b8\"; product = \"1128\"; classes = [7, 0xff]; },"
        "{ vendor = \"1058\"; product = \"25a2\"; port = \"1-2\"; } ); };",
        "rules = { disabled = [ \"CG-USB-001\", \"CG-SYS-002\", \"CG-FW-001\" ]; };",
        "antivirus = { required = false; realtime = false; max_signature_age_days = 0; };"
        "firewall = { required = false; allowed_services = ( { protocol = \"tcp\"; port = 22; "
        "program = \"/usr/sbin/sshd\"; } ); };"
        "accounts = { administrators = [ \"a\", \"root\" ]; inactive_days = 1; };",
};
#define N_POLICIES (sizeof(policies) / sizeof(policies[0]))

static const char *const collector_names[] = {"antivirus", "accounts", "firewall", "printers",
                                              "scanners",  "usb",      "system"};
static const char *const missing_facts[] = {
        "host.dmi",
        "devices",
        "antivirus.profiles",
        "antivirus[clamav].databases",
        "collector.antivirus",
        "accounts",
        "firewall.rules",
        "firewall.nftables",
        "printers",
        "collector.accounts",
};

struct input {
        const uint8_t *p;
        size_t n;
};

static unsigned byte(struct input *in) {
        if (!in->n)
                return 0;
        in->n--;
        return *in->p++;
}

/* a short string of hex-ish characters, or NULL */
static char *str(struct input *in) {
        static const char chars[] = "0123456789abcdefAB.-:/ ";
        unsigned len = byte(in);
        char *s;

        if (len == 0xff)
                return NULL;
        len %= 12;
        s = malloc(len + 1);
        if (!s)
                return NULL;
        for (unsigned i = 0; i < len; i++)
                s[i] = chars[byte(in) % (sizeof(chars) - 1)];
        s[len] = '\0';
        return s;
}

static int8_t tri(struct input *in) {
        return (int8_t)(byte(in) % 3) - 1;
}

/* an integer fact: unset, small, or anything */
static int64_t num(struct input *in) {
        unsigned b = byte(in);

        if (b == 0xff)
                return REPORT_UNSET;
        if (b & 0x80)
                return (int64_t)((uint64_t)byte(in) << 56 | (uint64_t)byte(in) << 8 | byte(in));
        return (int64_t)b - 8;
}

/* a date "20YY-MM-DD" (now and then an impossible one), or any short string */
static char *date(struct input *in) {
        char buf[32];

        if (byte(in) & 1)
                return str(in);
        snprintf(buf, sizeof(buf), "20%02u-%02u-%02uT10:00:00Z", byte(in) % 100, byte(in) % 14,
                 byte(in) % 33);
        return strdup(buf);
}

static void posture(struct input *in, struct report *r) {
        size_t n = byte(in) % 3;

        for (size_t i = 0; i < n; i++) {
                struct report_antivirus *a =
                        ARRAY_APPEND(r->antivirus, r->n_antivirus, REPORT_MAX_LIST);
                if (!a)
                        return;
                a->product = str(in);
                a->profile = (byte(in) & 1) ? strdup("clamav") : str(in);
                a->installed = tri(in);
                a->running = tri(in);
                a->realtime = tri(in);
                a->managed = tri(in);
                a->signature_age_days = num(in);
                a->signature_version = str(in);
        }
        n = byte(in) % 4;
        for (size_t i = 0; i < n; i++) {
                struct report_account *a =
                        ARRAY_APPEND(r->accounts, r->n_accounts, REPORT_MAX_LIST);
                if (!a)
                        return;
                a->name = (byte(in) & 1) ? strdup("root") : str(in);
                a->uid = num(in);
                a->admin = tri(in);
                if (byte(in) & 1)
                        (void)strv_append(&a->admin_via, &a->n_admin_via, "group sudo");
                a->locked = tri(in);
                a->password_empty = tri(in);
                a->system = tri(in);
                a->password_changed = date(in);
                a->days_inactive = num(in);
                a->last_login = str(in);
                a->autologin = tri(in);
                a->autologin_by = str(in);
        }
        if (byte(in) & 1) {
                struct report_firewall *fw = calloc(1, sizeof(*fw));
                if (!fw)
                        return;
                r->firewall = fw;
                fw->backend = str(in);
                fw->active = tri(in);
                fw->default_inbound = (byte(in) & 1) ? strdup("accept") : str(in);
                fw->tables = fw->chains = fw->rules = REPORT_UNSET;
                n = byte(in) % 3;
                for (size_t i = 0; i < n; i++) {
                        struct report_fw_chain *c =
                                ARRAY_APPEND(fw->input_chains, fw->n_input_chains, REPORT_MAX_LIST);
                        if (!c)
                                return;
                        c->family = str(in);
                        c->policy = str(in);
                        c->priority = c->rules = REPORT_UNSET;
                }
                n = byte(in) % 4;
                for (size_t i = 0; i < n; i++) {
                        struct report_port *p =
                                ARRAY_APPEND(fw->open_ports, fw->n_open_ports, REPORT_MAX_LIST);
                        if (!p)
                                return;
                        p->protocol = (byte(in) & 1) ? strdup("tcp") : str(in);
                        p->port = (byte(in) & 1) ? 22 : num(in);
                        p->address = str(in);
                        p->program = str(in);
                        p->reachable = tri(in);
                }
        }
        n = byte(in) % 3;
        for (size_t i = 0; i < n; i++) {
                struct report_printer *p =
                        ARRAY_APPEND(r->printers, r->n_printers, REPORT_MAX_LIST);
                if (!p)
                        return;
                p->name = str(in);
                p->uri = str(in);
                p->connection = (byte(in) & 1) ? strdup("file") : str(in);
                p->address = str(in);
                p->location = str(in);
                p->is_default = p->accepting = p->shared = tri(in);
        }
}

static bool same(const struct policy_result *a, const struct policy_result *b) {
        if (a->n_findings != b->n_findings)
                return false;
        for (size_t i = 0; i < a->n_findings; i++)
                if (strcmp(a->findings[i].rule_id, b->findings[i].rule_id) != 0 ||
                    strcmp(a->findings[i].evidence, b->findings[i].evidence) != 0)
                        return false;
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct input in = {data, size};
        struct policy_result res1, res2;
        struct policy p;
        struct report r;
        char err[256];
        size_t n;

        if (policy_load_buffer("fuzz", policies[byte(&in) % N_POLICIES], &p, err, sizeof(err)) < 0)
                abort();
        report_init(&r);
        if (byte(&in) & 1) {
                struct report_host *h = report_ensure_host(&r);
                if (h) {
                        h->unit = str(&in);
                        h->counter = str(&in);
                }
        }
        r.generated_at = date(&in);
        n = byte(&in);
        for (size_t i = 0; i < sizeof(collector_names) / sizeof(collector_names[0]); i++)
                if ((n >> i) & 1)
                        (void)strv_append(&r.collectors, &r.n_collectors, collector_names[i]);
        n = byte(&in) % 4;
        for (size_t i = 0; i < n; i++)
                if (report_add_missing(&r,
                                       missing_facts[byte(&in) % (sizeof(missing_facts) /
                                                                  sizeof(missing_facts[0]))],
                                       "x") < 0)
                        break;
        posture(&in, &r);
        n = byte(&in) % 9;
        for (size_t i = 0; i < n; i++) {
                struct report_device *d = report_add_device(&r);
                size_t k;
                if (!d)
                        break;
                d->kinds = (byte(&in) | byte(&in) << 8) & ((1u << DEVICE_KIND_MAX) - 1);
                d->vendor_id = str(&in);
                d->product_id = str(&in);
                d->serial = str(&in);
                d->port = str(&in);
                d->product = str(&in);
                d->connected = (int8_t)(byte(&in) % 3) - 1;
                k = byte(&in) % 5;
                d->interfaces = calloc(k ? k : 1, sizeof(*d->interfaces));
                if (!d->interfaces)
                        break;
                for (size_t j = 0; j < k; j++) {
                        d->interfaces[j].class_ = (byte(&in) & 0x80) ? byte(&in) % 16 : byte(&in);
                        d->interfaces[j].number = str(&in);
                        d->interfaces[j].subclass = REPORT_UNSET;
                        d->interfaces[j].protocol = REPORT_UNSET;
                }
                d->n_interfaces = k;
        }
        if (policy_evaluate(&r, &p, &res1) == 0) {
                for (size_t i = 0; i < res1.n_findings; i++) {
                        const struct policy_rule *rule = policy_rule_find(res1.findings[i].rule_id);
                        if (!rule || policy_rule_planned(rule) ||
                            strcmp(res1.findings[i].severity,
                                   policy_severity_to_string(rule->severity)) != 0)
                                abort();
                }
                if (policy_evaluate(&r, &p, &res2) == 0) {
                        if (!same(&res1, &res2))
                                abort();
                        policy_result_free(&res2);
                }
                if (policy_apply(&r, &p, &res1) < 0)
                        abort();
                policy_result_free(&res1);
        }
        report_free(&r);
        policy_free(&p);
        return 0;
}

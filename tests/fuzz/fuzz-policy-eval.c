/* The evaluation over random facts: devices of any kinds, ids, serials, ports and interfaces,
 * a host or none, facts missing, under a few policies. Never a crash or a leak; every
 * finding names a rule of the catalogue with its severity; the same facts give the same
 * findings (a pure function). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "policy.h"

static const char *const policies[] = {
        "",
        "usb = { storage_mode = \"block\"; approve_smartcard = false; };",
        "usb = { approved = ( { vendor = \"0781\"; product = \"5567\"; serial = \"AB\"; },"
        "{ vendor = \"04b8\"; product = \"1128\"; classes = [7, 0xff]; },"
        "{ vendor = \"1058\"; product = \"25a2\"; port = \"1-2\"; } ); };",
        "rules = { disabled = [ \"CG-USB-001\", \"CG-SYS-002\" ]; };",
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

        if (policy_load_buffer("fuzz", policies[byte(&in) % 4], &p, err, sizeof(err)) < 0)
                abort();
        report_init(&r);
        if (byte(&in) & 1) {
                struct report_host *h = report_ensure_host(&r);
                if (h) {
                        h->unit = str(&in);
                        h->counter = str(&in);
                }
        }
        n = byte(&in) % 4;
        for (size_t i = 0; i < n; i++)
                if (report_add_missing(&r, (byte(&in) & 1) ? "host.dmi" : "devices", "x") < 0)
                        break;
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

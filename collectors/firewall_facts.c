/* The firewall's facts from the model: which front end wrote it, whether it filters, the
 * inbound default and whether established traffic is accepted (both by evaluating packets,
 * firewall_eval.c), the counts and the input-hook chains. */
#include <netinet/in.h> /* before the kernel headers, which then leave it be */
#include <errno.h>
#include <linux/netfilter.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "firewall.h"

static bool prefix(const char *s, const char *p) {
        return strncmp(s, p, strlen(p)) == 0;
}

/* ufw names its chains ufw-*, firewalld its table firewalld (nftables backend) or its chains
 * *_ZONES (iptables backend), iptables-nft its tables filter/... with INPUT/FORWARD/OUTPUT and
 * xt expressions; any other table is plain nftables. */
static const char *frontend(const struct fw_ruleset *rs) {
        bool iptables = false;

        for (size_t i = 0; i < rs->n_chains; i++)
                if (prefix(rs->chains[i].name, "ufw-") || prefix(rs->chains[i].name, "ufw6-"))
                        return "ufw";
        if (rs->nft_tables_firewalld)
                return "firewalld";
        for (size_t i = 0; i < rs->n_chains; i++) {
                const struct fw_chain *c = &rs->chains[i];
                if (strcmp(c->name, "filter_INPUT_ZONES") == 0 ||
                    strcmp(c->name, "INPUT_ZONES") == 0)
                        return "firewalld";
                if (c->legacy && (c->n_rules || c->policy != FW_V_ACCEPT || !c->base))
                        iptables = true;
                if (!c->legacy && (c->family == FW_FAMILY_IP || c->family == FW_FAMILY_IP6) &&
                    (strcmp(c->name, "INPUT") == 0 || strcmp(c->name, "FORWARD") == 0 ||
                     strcmp(c->name, "OUTPUT") == 0 || strcmp(c->name, "PREROUTING") == 0))
                        iptables = true;
                for (size_t j = 0; j < c->n_rules && !iptables; j++)
                        iptables = c->rules[j].xt;
        }
        if (iptables)
                return "iptables";
        for (size_t i = 0; i < rs->n_chains; i++)
                if (!rs->chains[i].legacy)
                        return "nftables";
        return rs->n_tables ? "nftables" : "none";
}

static const char *backend(const struct fw_ruleset *rs) {
        bool legacy = false, nft = rs->n_tables > 0;

        for (size_t i = 0; i < rs->n_chains; i++)
                if (rs->chains[i].legacy &&
                    (rs->chains[i].n_rules || rs->chains[i].policy != FW_V_ACCEPT))
                        legacy = true;
        return nft ? "nftables" : legacy ? "iptables" : "none";
}

/* Both families: the answer when they agree, else unknown. */
static enum fw_result both(const struct fw_ruleset *rs, struct fw_packet p) {
        enum fw_result v4, v6;

        p.nfproto = NFPROTO_IPV4;
        v4 = firewall_eval(rs, &p);
        p.nfproto = NFPROTO_IPV6;
        v6 = firewall_eval(rs, &p);
        return v4 == v6 ? v4 : FW_R_UNKNOWN;
}

/* Whether some rule on the input path may drop or reject: a chain reachable from an input
 * hook holding such a rule. */
static bool filters(const struct fw_ruleset *rs) {
        bool *seen = calloc(rs->n_chains ? rs->n_chains : 1, 1);
        int *stack = calloc(rs->n_chains ? rs->n_chains : 1, sizeof(int));
        size_t n = 0;
        bool found = false;

        if (!seen || !stack) {
                free(seen);
                free(stack);
                return true; /* no way to tell: the cautious answer is "it may" */
        }
        for (size_t i = 0; i < rs->n_chains; i++)
                if (rs->chains[i].base && rs->chains[i].input) {
                        seen[i] = true;
                        stack[n++] = (int)i;
                        if (rs->chains[i].policy != FW_V_ACCEPT)
                                found = true;
                }
        while (n > 0 && !found) {
                const struct fw_chain *c = &rs->chains[stack[--n]];
                for (size_t j = 0; j < c->n_rules && !found; j++) {
                        const struct fw_rule *r = &c->rules[j];
                        found = r->verdict == FW_V_DROP || r->verdict == FW_V_REJECT ||
                                r->verdict == FW_V_UNKNOWN;
                        if ((r->verdict == FW_V_JUMP || r->verdict == FW_V_GOTO) &&
                            r->target >= 0 && !seen[r->target]) {
                                seen[r->target] = true;
                                stack[n++] = r->target;
                        }
                }
        }
        free(seen);
        free(stack);
        return found;
}

static const char *family_name(const struct fw_chain *c) {
        if (c->legacy)
                return "iptables-legacy";
        return c->family == FW_FAMILY_IP ? "ip" : c->family == FW_FAMILY_IP6 ? "ip6" : "inet";
}

static int add_chain(struct report_firewall *fw, const struct fw_chain *c) {
        struct report_fw_chain *rc = ARRAY_APPEND(fw->input_chains, fw->n_input_chains, 64);

        if (!rc)
                return fw->n_input_chains >= 64 ? 0 : -ENOMEM;
        rc->family = strdup(family_name(c));
        rc->table = strdup(c->table);
        rc->name = strdup(c->name);
        rc->policy = strdup(c->policy == FW_V_DROP ? "drop" : "accept");
        rc->priority = c->priority;
        rc->rules = (int64_t)c->n_rules;
        return rc->family && rc->table && rc->name && rc->policy ? 0 : -ENOMEM;
}

int firewall_facts(const struct fw_ruleset *rs, struct report_firewall *fw) {
        struct fw_packet def = {.l4proto = FW_ANY, .dport = FW_ANY, .ctstate = FW_CT_NEW};
        struct fw_packet est = {
                .l4proto = IPPROTO_TCP, .dport = FW_ANY, .ctstate = FW_CT_ESTABLISHED};
        enum fw_result d, e;
        int r = 0;

        d = both(rs, def);
        e = both(rs, est);
        fw->frontend = strdup(frontend(rs));
        fw->backend = strdup(backend(rs));
        fw->default_inbound = strdup(firewall_result_string(d));
        if (!fw->frontend || !fw->backend || !fw->default_inbound)
                return -ENOMEM;
        fw->active = filters(rs);
        fw->established_accepted = e == FW_R_ACCEPT ? 1 : e == FW_R_UNKNOWN ? REPORT_UNKNOWN : 0;
        fw->tables = (int64_t)rs->n_tables;
        fw->chains = (int64_t)rs->n_chains;
        fw->rules = (int64_t)rs->n_rules;
        for (size_t i = 0; i < rs->n_chains && r == 0; i++)
                if (rs->chains[i].base && rs->chains[i].input)
                        r = add_chain(fw, &rs->chains[i]);
        return r;
}

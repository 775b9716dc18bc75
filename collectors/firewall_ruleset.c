/* The firewall model's containers: chains and rules grown by doubling (a 10,000-rule ruleset
 * must not cost a realloc per rule), bounded by FW_MAX_CHAINS and FW_MAX_RULES. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall.h"

void fw_ruleset_init(struct fw_ruleset *rs) {
        memset(rs, 0, sizeof(*rs));
}

static void cut(struct fw_ruleset *rs, const char *why) {
        if (!rs->cut)
                snprintf(rs->cut_reason, sizeof(rs->cut_reason), "%s", why);
        rs->cut = true;
}

void fw_ruleset_free(struct fw_ruleset *rs) {
        if (!rs)
                return;
        for (size_t i = 0; i < rs->n_chains; i++) {
                struct fw_chain *c = &rs->chains[i];
                for (size_t j = 0; j < c->n_rules; j++)
                        for (size_t k = 0; k < c->rules[j].n_matches; k++)
                                free(c->rules[j].matches[k].ranges);
                free(c->rules);
        }
        free(rs->chains);
        fw_ruleset_init(rs);
}

/* Grow *v (of *cap elements of size) to hold one more than n; false on failure. */
static bool grow(void **v, size_t *cap, size_t n, size_t size) {
        size_t want = *cap ? *cap * 2 : 8;
        void *p;

        if (n < *cap)
                return true;
        p = realloc(*v, want * size);
        if (!p)
                return false;
        *v = p;
        *cap = want;
        return true;
}

struct fw_chain *fw_chain_add(struct fw_ruleset *rs) {
        struct fw_chain *c;

        if (rs->n_chains >= FW_MAX_CHAINS) {
                cut(rs, "more chains than the collector reads");
                return NULL;
        }
        if (!grow((void **)&rs->chains, &rs->cap_chains, rs->n_chains, sizeof(*rs->chains)))
                return NULL;
        c = &rs->chains[rs->n_chains++];
        memset(c, 0, sizeof(*c));
        c->policy = FW_V_ACCEPT;
        return c;
}

struct fw_rule *fw_rule_add(struct fw_ruleset *rs, struct fw_chain *c) {
        struct fw_rule *r;

        if (rs->n_rules >= FW_MAX_RULES) {
                cut(rs, "more rules than the collector reads");
                return NULL;
        }
        if (!grow((void **)&c->rules, &c->cap_rules, c->n_rules, sizeof(*c->rules)))
                return NULL;
        r = &c->rules[c->n_rules++];
        memset(r, 0, sizeof(*r));
        r->target = -1;
        rs->n_rules++;
        return r;
}

int fw_chain_find(const struct fw_ruleset *rs, enum fw_family f, const char *table,
                  const char *name) {
        for (size_t i = 0; i < rs->n_chains; i++) {
                const struct fw_chain *c = &rs->chains[i];
                if (c->family == f && strcmp(c->table, table) == 0 && strcmp(c->name, name) == 0)
                        return (int)i;
        }
        return -1;
}

void fw_ruleset_link(struct fw_ruleset *rs) {
        /* chains are few next to rules; the lookup is linear per jump, once */
        for (size_t i = 0; i < rs->n_chains; i++) {
                struct fw_chain *c = &rs->chains[i];
                for (size_t j = 0; j < c->n_rules; j++) {
                        struct fw_rule *r = &c->rules[j];
                        rs->has_nat |= r->nat;
                        if ((r->verdict == FW_V_JUMP || r->verdict == FW_V_GOTO) && r->target < 0)
                                r->target = fw_chain_find(rs, c->family, c->table, r->target_name);
                }
        }
}

void fw_match_add_range(struct fw_match *m, uint16_t lo, uint16_t hi) {
        struct fw_range *p;

        if (m->kind == FW_M_OTHER)
                return;
        if (m->n_ranges >= FW_MAX_RANGES) {
                m->kind = FW_M_OTHER; /* too many to judge: unknown */
                return;
        }
        p = realloc(m->ranges, (m->n_ranges + 1) * sizeof(*p));
        if (!p) {
                m->kind = FW_M_OTHER;
                return;
        }
        m->ranges = p;
        p[m->n_ranges].lo = lo;
        p[m->n_ranges].hi = hi;
        m->n_ranges++;
}

const struct nlmsghdr *fw_nlmsg_next(const void *buf, size_t len, size_t *off) {
        const struct nlmsghdr *h;

        if (*off > len || len - *off < sizeof(*h) || (*off & 3))
                return NULL;
        h = (const struct nlmsghdr *)((const char *)buf + *off);
        if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - *off)
                return NULL;
        *off += NLMSG_ALIGN(h->nlmsg_len) < len - *off ? NLMSG_ALIGN(h->nlmsg_len) : len - *off;
        return h;
}

/* The nftables dump (netlink messages, firewall_nft_dump.c) read with libnftnl into the
 * firewall model: tables, chains with their hook and policy, and each rule's expressions
 * interpreted just enough to know what a rule matches on (firewall.h). Two passes: sets and
 * chains first, as rules name them. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdio.h> /* libnftnl's headers use FILE */
#include <libnftnl/chain.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall.h"
#include "firewall_nft.h"

static enum fw_family family_of(uint32_t f) {
        switch (f) {
        case NFPROTO_IPV4:
                return FW_FAMILY_IP;
        case NFPROTO_IPV6:
                return FW_FAMILY_IP6;
        case NFPROTO_INET:
                return FW_FAMILY_INET;
        default:
                return FW_FAMILY_OTHER;
        }
}

static void copy_name(char *dst, const char *src) {
        snprintf(dst, FW_NAME_MAX, "%s", src ? src : "");
}

static int parse_table(const struct nlmsghdr *nlh, struct fw_ruleset *rs) {
        struct nftnl_table *t = nftnl_table_alloc();
        const char *name;

        if (!t)
                return -ENOMEM;
        if (nftnl_table_nlmsg_parse(nlh, t) == 0) {
                rs->n_tables++;
                name = nftnl_table_get_str(t, NFTNL_TABLE_NAME);
                if (name && strcmp(name, "firewalld") == 0)
                        rs->nft_tables_firewalld = true;
        }
        nftnl_table_free(t);
        return 0;
}

static int parse_chain(const struct nlmsghdr *nlh, struct fw_ruleset *rs) {
        struct nftnl_chain *nc = nftnl_chain_alloc();
        struct fw_chain *c;
        int r = 0;

        if (!nc)
                return -ENOMEM;
        if (nftnl_chain_nlmsg_parse(nlh, nc) < 0 || !nftnl_chain_is_set(nc, NFTNL_CHAIN_NAME))
                goto out;
        c = fw_chain_add(rs);
        if (!c) {
                r = rs->cut ? 0 : -ENOMEM;
                goto out;
        }
        copy_name(c->table, nftnl_chain_get_str(nc, NFTNL_CHAIN_TABLE));
        copy_name(c->name, nftnl_chain_get_str(nc, NFTNL_CHAIN_NAME));
        c->family = family_of(nftnl_chain_get_u32(nc, NFTNL_CHAIN_FAMILY));
        if (nftnl_chain_is_set(nc, NFTNL_CHAIN_HOOKNUM)) {
                const char *type = nftnl_chain_get_str(nc, NFTNL_CHAIN_TYPE);
                c->base = true;
                c->priority = (int)nftnl_chain_get_s32(nc, NFTNL_CHAIN_PRIO);
                /* a nat chain on input rewrites, it does not filter */
                c->input = nftnl_chain_get_u32(nc, NFTNL_CHAIN_HOOKNUM) == NF_INET_LOCAL_IN &&
                           c->family != FW_FAMILY_OTHER && (!type || strcmp(type, "filter") == 0);
                if (nftnl_chain_is_set(nc, NFTNL_CHAIN_POLICY))
                        c->policy = nftnl_chain_get_u32(nc, NFTNL_CHAIN_POLICY) == NF_DROP
                                            ? FW_V_DROP
                                            : FW_V_ACCEPT;
        }
out:
        nftnl_chain_free(nc);
        return r;
}

/* The chain a rule belongs to: rules come grouped by chain, so the last one is kept. */
static struct fw_chain *rule_chain(struct fw_ruleset *rs, struct nftnl_rule *nr, int *last) {
        enum fw_family f = family_of(nftnl_rule_get_u32(nr, NFTNL_RULE_FAMILY));
        const char *table = nftnl_rule_get_str(nr, NFTNL_RULE_TABLE);
        const char *chain = nftnl_rule_get_str(nr, NFTNL_RULE_CHAIN);

        if (!table || !chain)
                return NULL;
        if (*last >= 0 && (size_t)*last < rs->n_chains) {
                struct fw_chain *c = &rs->chains[*last];
                if (c->family == f && strcmp(c->table, table) == 0 && strcmp(c->name, chain) == 0)
                        return c;
        }
        *last = fw_chain_find(rs, f, table, chain);
        return *last >= 0 ? &rs->chains[*last] : NULL;
}

/* A data attribute (NFTA_DATA_*) whose verdict, if any, is a jump or goto without a chain:
 * libnftnl 1.2.4 (nftnl_parse_verdict) then reads the chain from an uninitialised pointer. */
static bool verdict_bad(const struct nlattr *data) {
        struct nlattr *v, *x;

        mnl_attr_for_each_nested(v, data) {
                bool jump = false, chain = false;

                if (mnl_attr_get_type(v) != NFTA_DATA_VERDICT)
                        continue;
                mnl_attr_for_each_nested(x, v) {
                        if (mnl_attr_get_type(x) == NFTA_VERDICT_CODE &&
                            mnl_attr_validate(x, MNL_TYPE_U32) == 0) {
                                int code = (int)ntohl(mnl_attr_get_u32(x));
                                jump = code == NFT_JUMP || code == NFT_GOTO;
                        }
                        chain |= mnl_attr_get_type(x) == NFTA_VERDICT_CHAIN;
                }
                if (jump && !chain)
                        return true;
        }
        return false;
}

/* An expression (NFTA_LIST_ELEM or NFTA_*_EXPR nest) libnftnl may parse: named by a
 * NUL-ended string (libnftnl dereferences the name unchecked), no chainless jump. */
static bool expr_sane(const struct nlattr *expr) {
        struct nlattr *x, *d;
        bool named = false;

        mnl_attr_for_each_nested(x, expr) {
                if (mnl_attr_get_type(x) == NFTA_EXPR_NAME &&
                    mnl_attr_validate(x, MNL_TYPE_NUL_STRING) == 0)
                        named = true;
                if (mnl_attr_get_type(x) != NFTA_EXPR_DATA)
                        continue;
                mnl_attr_for_each_nested(d, x) {
                        if (mnl_attr_get_type(d) == NFTA_IMMEDIATE_DATA && verdict_bad(d))
                                return false;
                }
        }
        return named;
}

static bool exprs_sane(const struct nlattr *list) {
        struct nlattr *e;

        mnl_attr_for_each_nested(e, list) {
                if (!expr_sane(e))
                        return false;
        }
        return true;
}

/* Whether libnftnl may be given this rule. */
static bool rule_sane(const struct nlmsghdr *nlh) {
        struct nlattr *a;

        mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
                if (mnl_attr_get_type(a) == NFTA_RULE_EXPRESSIONS && !exprs_sane(a))
                        return false;
        }
        return true;
}

/* The same for a set (its expressions) and a set element message (theirs, and a verdict
 * map's chainless jump). */
bool firewall_nft_set_sane(const struct nlmsghdr *nlh, bool elems) {
        struct nlattr *a, *elem, *x;

        mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
                uint16_t t = mnl_attr_get_type(a);

                if (!elems && ((t == NFTA_SET_EXPR && !expr_sane(a)) ||
                               (t == NFTA_SET_EXPRESSIONS && !exprs_sane(a))))
                        return false;
                if (!elems || t != NFTA_SET_ELEM_LIST_ELEMENTS)
                        continue;
                mnl_attr_for_each_nested(elem, a) {
                        mnl_attr_for_each_nested(x, elem) {
                                uint16_t u = mnl_attr_get_type(x);
                                if ((u == NFTA_SET_ELEM_DATA && verdict_bad(x)) ||
                                    (u == NFTA_SET_ELEM_EXPR && !expr_sane(x)) ||
                                    (u == NFTA_SET_ELEM_EXPRESSIONS && !exprs_sane(x)))
                                        return false;
                        }
                }
        }
        return true;
}

static int parse_rule(const struct nlmsghdr *nlh, struct fw_ruleset *rs,
                      const struct nft_sets *sets, int *last) {
        struct nftnl_rule *nr = nftnl_rule_alloc();
        struct fw_chain *c;
        struct fw_rule *rule;
        int r = 0;

        if (!nr)
                return -ENOMEM;
        if (!rule_sane(nlh) || nftnl_rule_nlmsg_parse(nlh, nr) < 0)
                goto out;
        c = rule_chain(rs, nr, last);
        if (!c)
                goto out; /* a rule of a chain not in the dump: changed meanwhile */
        rule = fw_rule_add(rs, c);
        if (!rule) {
                r = rs->cut ? 0 : -ENOMEM;
                goto out;
        }
        firewall_nft_rule(nr, c->family, sets, rule);
out:
        nftnl_rule_free(nr);
        return r;
}

static int parse_gen(const struct nlmsghdr *nlh, struct fw_ruleset *rs) {
        struct nftnl_gen *g = nftnl_gen_alloc();

        if (!g)
                return -ENOMEM;
        if (nftnl_gen_nlmsg_parse(nlh, g) == 0 && nftnl_gen_is_set(g, NFTNL_GEN_ID))
                rs->generation = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
        nftnl_gen_free(g);
        return 0;
}

/* Every whole message of buf, in order; a message cut short or with a length that does not
 * fit ends the walk. */
static int walk(const void *buf, size_t len, bool rules, struct fw_ruleset *rs,
                struct nft_sets *sets) {
        const struct nlmsghdr *nlh;
        size_t off = 0;
        int last = -1, r = 0;

        while (r == 0 && (nlh = fw_nlmsg_next(buf, len, &off))) {
                uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);

                if (nlh->nlmsg_type == NLMSG_ERROR) {
                        const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
                        if (!rules && nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(*e)) &&
                            e->error == -EFBIG) {
                                rs->cut = true;
                                snprintf(rs->cut_reason, sizeof(rs->cut_reason),
                                         "the ruleset dump is larger than %zu MiB",
                                         FW_DUMP_MAX >> 20);
                        }
                        continue;
                }
                if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES)
                        continue;
                if (rules) {
                        if (type == NFT_MSG_NEWRULE)
                                r = parse_rule(nlh, rs, sets, &last);
                        continue;
                }
                switch (type) {
                case NFT_MSG_NEWGEN:
                        r = parse_gen(nlh, rs);
                        break;
                case NFT_MSG_NEWTABLE:
                        r = parse_table(nlh, rs);
                        break;
                case NFT_MSG_NEWCHAIN:
                        r = parse_chain(nlh, rs);
                        break;
                case NFT_MSG_NEWSET:
                case NFT_MSG_NEWSETELEM:
                        r = firewall_nft_set(nlh, type == NFT_MSG_NEWSETELEM, sets);
                        break;
                default:
                        break;
                }
        }
        return r;
}

int firewall_nft_parse(const void *buf, size_t len, struct fw_ruleset *rs) {
        struct nft_sets sets = {0};
        int r;

        r = walk(buf, len, false, rs, &sets);
        if (r == 0)
                r = walk(buf, len, true, rs, &sets);
        firewall_nft_sets_free(&sets);
        rs->have_nft = true;
        fw_ruleset_link(rs);
        return r;
}

/* One nftables rule's expressions, interpreted: the loads into registers (meta, payload, ct,
 * fib, bitwise) are tracked by what they hold, and the comparisons on them (cmp, range,
 * lookup) become the model's matches; the verdict comes from immediate, reject, queue or an
 * iptables target. An expression not known here makes the rule match "unknown" (FW_M_OTHER):
 * the evaluator then never claims more than it knows. */
#include <netinet/in.h> /* before the kernel headers, which then leave it be */
#include <stdio.h>      /* libnftnl's headers use FILE */
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/if_arp.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall_nft.h"

enum reg_kind {
        REG_NONE,
        REG_NFPROTO,
        REG_L4PROTO,
        REG_DPORT,
        REG_SPORT,
        REG_CTSTATE,
        REG_IIF,
        REG_IIFNAME,
        REG_IIFTYPE,
        REG_FIB_DTYPE,
        REG_PORTS, /* sport and dport in one 4-byte load */
        REG_CTSTATUS,
        REG_OTHER
};

#define N_REGS 16

struct interp {
        enum fw_family family;
        const struct nft_sets *sets;
        struct fw_rule *rule;
        const char *table;
        enum reg_kind regs[N_REGS];
        uint32_t mask[N_REGS]; /* ct state after a bitwise and: the bits kept */
        bool masked[N_REGS];
};

/* NFT_REG_1..4 are 16 bytes, NFT_REG32_00.. 4 bytes: the same storage, by 4-byte slot */
static int slot(uint32_t reg) {
        if (reg >= NFT_REG_1 && reg <= NFT_REG_4)
                return (int)(reg - NFT_REG_1) * 4;
        if (reg >= NFT_REG32_00 && reg < NFT_REG32_00 + N_REGS)
                return (int)(reg - NFT_REG32_00);
        return -1;
}

static void set_reg(struct interp *in, uint32_t reg, enum reg_kind k) {
        int s = slot(reg);

        if (s >= 0) {
                in->regs[s] = k;
                in->masked[s] = false;
        }
}

static struct fw_match *add_match(struct interp *in, enum fw_match_kind k) {
        struct fw_match *m;

        if (in->rule->n_matches >= FW_MAX_MATCHES) {
                /* the last one stands for everything beyond: unknown */
                m = &in->rule->matches[FW_MAX_MATCHES - 1];
                m->kind = FW_M_OTHER;
                return NULL;
        }
        m = &in->rule->matches[in->rule->n_matches++];
        memset(m, 0, sizeof(*m));
        m->kind = k;
        return m;
}

static void load_meta(struct interp *in, const struct nftnl_expr *e) {
        enum reg_kind k = REG_OTHER;

        if (!nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG))
                return; /* meta set: no match */
        switch (nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY)) {
        case NFT_META_NFPROTO:
                k = REG_NFPROTO;
                break;
        case NFT_META_L4PROTO:
                k = REG_L4PROTO;
                break;
        case NFT_META_IIF:
                k = REG_IIF;
                break;
        case NFT_META_IIFNAME:
                k = REG_IIFNAME;
                break;
        case NFT_META_IIFTYPE:
                k = REG_IIFTYPE;
                break;
        default:
                break;
        }
        set_reg(in, nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG), k);
}

static void load_payload(struct interp *in, const struct nftnl_expr *e) {
        uint32_t base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
        uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
        uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
        enum reg_kind k = REG_OTHER;

        if (!nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_DREG))
                return; /* a payload write */
        if (base == NFT_PAYLOAD_TRANSPORT_HEADER && len == 2 && off == 2)
                k = REG_DPORT;
        else if (base == NFT_PAYLOAD_TRANSPORT_HEADER && len == 2 && off == 0)
                k = REG_SPORT;
        else if (base == NFT_PAYLOAD_TRANSPORT_HEADER && len == 4 && off == 0)
                k = REG_PORTS; /* iptables-nft's "--sport A --dport B": both in one load */
        else if (base == NFT_PAYLOAD_NETWORK_HEADER && len == 1 &&
                 ((off == 9 && in->family == FW_FAMILY_IP) ||
                  (off == 6 && in->family == FW_FAMILY_IP6)))
                k = REG_L4PROTO; /* ip protocol, ip6 nexthdr */
        set_reg(in, nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_DREG), k);
}

static void load_ct(struct interp *in, const struct nftnl_expr *e) {
        if (!nftnl_expr_is_set(e, NFTNL_EXPR_CT_DREG))
                return; /* ct set */
        set_reg(in, nftnl_expr_get_u32(e, NFTNL_EXPR_CT_DREG),
                nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR)                     ? REG_OTHER
                : nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY) == NFT_CT_STATE  ? REG_CTSTATE
                : nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY) == NFT_CT_STATUS ? REG_CTSTATUS
                                                                            : REG_OTHER);
}

static void load_fib(struct interp *in, const struct nftnl_expr *e) {
        uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_FLAGS);
        bool daddr_type = nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_RESULT) == NFT_FIB_RESULT_ADDRTYPE &&
                          (flags & NFTA_FIB_F_DADDR) && !(flags & NFTA_FIB_F_IIF);

        set_reg(in, nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_DREG),
                daddr_type ? REG_FIB_DTYPE : REG_OTHER);
}

static void bitwise(struct interp *in, const struct nftnl_expr *e) {
        int s = slot(nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_SREG));
        int d = slot(nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_DREG));
        uint32_t mlen = 0, xlen = 0, mask = 0, xor = 0;
        const void *m = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &mlen);
        const void *x = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_XOR, &xlen);

        if (d < 0)
                return;
        if (m && mlen == 4)
                memcpy(&mask, m, 4);
        if (x && xlen == 4)
                memcpy(&xor, x, 4);
        if (s >= 0 && (in->regs[s] == REG_CTSTATE || in->regs[s] == REG_CTSTATUS) && m &&
            mlen == 4 && xor == 0 &&
            (!nftnl_expr_is_set(e, NFTNL_EXPR_BITWISE_OP) ||
             nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_OP) == NFT_BITWISE_BOOL)) {
                in->regs[d] = in->regs[s];
                in->masked[d] = true;
                in->mask[d] = mask; /* ct state is a host-order u32 */
                return;
        }
        in->regs[d] = REG_OTHER;
        in->masked[d] = false;
}

static uint32_t be(const uint8_t *p, uint32_t len) {
        return len == 1 ? p[0] : len == 2 ? (uint32_t)(p[0] << 8 | p[1]) : 0;
}

/* A value comparison on a 1- or 2-byte field (proto, port) as ranges. */
static void value_cmp(struct interp *in, enum fw_match_kind k, uint32_t op, const uint8_t *d,
                      uint32_t len) {
        struct fw_match *m = add_match(in, k);
        uint32_t v = be(d, len), max = len == 1 ? 0xff : 0xffff;

        if (!m)
                return;
        if ((len != 1 && len != 2) || (k == FW_M_NFPROTO && len != 1)) {
                m->kind = FW_M_OTHER;
                return;
        }
        switch (op) {
        case NFT_CMP_NEQ:
                m->invert = true;
                /* fall through */
        case NFT_CMP_EQ:
                fw_match_add_range(m, (uint16_t)v, (uint16_t)v);
                break;
        case NFT_CMP_LT:
                m->invert = v == 0; /* < 0: never, as "not in all" */
                fw_match_add_range(m, 0, (uint16_t)(v == 0 ? max : v - 1));
                break;
        case NFT_CMP_LTE:
                fw_match_add_range(m, 0, (uint16_t)v);
                break;
        case NFT_CMP_GT:
                m->invert = v == max; /* > max: never */
                fw_match_add_range(m, (uint16_t)(v == max ? 0 : v + 1), (uint16_t)max);
                break;
        case NFT_CMP_GTE:
                fw_match_add_range(m, (uint16_t)v, (uint16_t)max);
                break;
        default:
                m->kind = FW_M_OTHER;
        }
}

static enum fw_match_kind value_kind(enum reg_kind k) {
        switch (k) {
        case REG_NFPROTO:
                return FW_M_NFPROTO;
        case REG_L4PROTO:
                return FW_M_L4PROTO;
        case REG_DPORT:
                return FW_M_DPORT;
        case REG_SPORT:
                return FW_M_SPORT;
        default:
                return FW_M_OTHER;
        }
}

static uint32_t host_u32(const uint8_t *d, uint32_t len) {
        uint32_t v = 0;

        if (len == 4)
                memcpy(&v, d, 4);
        else if (len == 2) {
                uint16_t s;
                memcpy(&s, d, 2);
                v = s;
        } else if (len == 1) {
                v = d[0];
        }
        return v;
}

/* A comparison of something that is not a value range: ct state, the input interface, the
 * destination's address type. */
static void flag_cmp(struct interp *in, int s, uint32_t op, const uint8_t *d, uint32_t len) {
        bool eq = op == NFT_CMP_EQ, neq = op == NFT_CMP_NEQ;
        uint32_t v = host_u32(d, len);
        struct fw_match *m;

        if (!eq && !neq) {
                add_match(in, FW_M_OTHER);
                return;
        }
        switch (in->regs[s]) {
        case REG_CTSTATE:
                m = add_match(in, FW_M_CTSTATE);
                if (!m)
                        return;
                if (in->masked[s] && v == 0) { /* ct state & M != 0 */
                        m->value = in->mask[s];
                        m->invert = eq;
                } else if (!in->masked[s]) { /* ct state == V: one state */
                        m->value = v;
                        m->invert = neq;
                } else {
                        m->kind = FW_M_OTHER;
                }
                return;
        case REG_IIF:
        case REG_IIFTYPE:
        case REG_IIFNAME: {
                /* loopback is ifindex 1 in every namespace, type ARPHRD_LOOPBACK, named lo */
                bool lo = in->regs[s] == REG_IIF ? v == 1
                          : in->regs[s] == REG_IIFTYPE
                                  ? v == ARPHRD_LOOPBACK
                                  : strnlen((const char *)d, len) == 2 && memcmp(d, "lo", 2) == 0;
                m = add_match(in, lo ? FW_M_IIF_LO : FW_M_OTHER);
                if (m)
                        m->invert = neq;
                return;
        }
        case REG_CTSTATUS:
                /* ct status & dnat != 0: the one status bit judged */
                m = add_match(in, in->masked[s] && in->mask[s] == 0x20 /* IPS_DST_NAT */ && v == 0
                                          ? FW_M_DNAT
                                          : FW_M_OTHER);
                if (m)
                        m->invert = eq;
                return;
        case REG_FIB_DTYPE:
                m = add_match(in, v == RTN_LOCAL                             ? FW_M_DST_LOCAL
                                  : v == RTN_MULTICAST || v == RTN_BROADCAST ? FW_M_DST_MULTI
                                                                             : FW_M_OTHER);
                if (m)
                        m->invert = neq;
                return;
        default:
                add_match(in, FW_M_OTHER);
        }
}

static void cmp(struct interp *in, const struct nftnl_expr *e) {
        int s = slot(nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_SREG));
        uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP), len = 0;
        const uint8_t *d = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);

        if (s < 0 || !d) {
                add_match(in, FW_M_OTHER);
                return;
        }
        if (in->regs[s] == REG_PORTS && op == NFT_CMP_EQ && len == 4) {
                value_cmp(in, FW_M_SPORT, op, d, 2);
                value_cmp(in, FW_M_DPORT, op, d + 2, 2);
        } else if (value_kind(in->regs[s]) != FW_M_OTHER)
                value_cmp(in, value_kind(in->regs[s]), op, d, len);
        else
                flag_cmp(in, s, op, d, len);
}

static void range(struct interp *in, const struct nftnl_expr *e) {
        int s = slot(nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_SREG));
        uint32_t flen = 0, tlen = 0;
        const uint8_t *from = nftnl_expr_get(e, NFTNL_EXPR_RANGE_FROM_DATA, &flen);
        const uint8_t *to = nftnl_expr_get(e, NFTNL_EXPR_RANGE_TO_DATA, &tlen);
        enum fw_match_kind k = s >= 0 ? value_kind(in->regs[s]) : FW_M_OTHER;
        struct fw_match *m = add_match(in, k);

        if (!m || k == FW_M_OTHER)
                return;
        if (!from || !to || flen != tlen || (flen != 1 && flen != 2)) {
                m->kind = FW_M_OTHER;
                return;
        }
        m->invert = nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP) == NFT_RANGE_NEQ;
        fw_match_add_range(m, (uint16_t)be(from, flen), (uint16_t)be(to, tlen));
}

static void lookup(struct interp *in, const struct nftnl_expr *e, uint32_t family) {
        int s = slot(nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_SREG));
        const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
        enum fw_match_kind k = s >= 0 ? value_kind(in->regs[s]) : FW_M_OTHER;
        const struct nft_set *set;
        struct fw_match *m;

        if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG)) {
                /* a map: what it yields is not judged */
                set_reg(in, nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG), REG_OTHER);
                k = FW_M_OTHER;
        }
        set = name ? firewall_nft_set_find(in->sets, family, in->table, name) : NULL;
        if (s >= 0 && in->regs[s] == REG_CTSTATE && !in->masked[s] &&
            !nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG)) {
                uint32_t mask;
                m = add_match(in, FW_M_CTSTATE);
                if (m && set && firewall_nft_set_mask(set, &mask)) {
                        m->value = mask; /* ct state { established, related } */
                        m->invert =
                                nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS) & NFT_LOOKUP_F_INV;
                } else if (m) {
                        m->kind = FW_M_OTHER;
                }
                return;
        }
        m = add_match(in, k);
        if (!m || k == FW_M_OTHER)
                return;
        m->invert = nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS) & NFT_LOOKUP_F_INV;
        if (!set || !firewall_nft_set_ranges(set, m))
                m->kind = FW_M_OTHER;
}

static void immediate(struct interp *in, const struct nftnl_expr *e) {
        uint32_t dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG);
        const char *chain;

        if (dreg != NFT_REG_VERDICT) {
                set_reg(in, dreg, REG_OTHER);
                return;
        }
        switch ((int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT)) {
        case NF_ACCEPT:
                in->rule->verdict = FW_V_ACCEPT;
                break;
        case NF_DROP:
                in->rule->verdict = FW_V_DROP;
                break;
        case NFT_RETURN:
                in->rule->verdict = FW_V_RETURN;
                break;
        case NFT_JUMP:
        case NFT_GOTO:
                in->rule->verdict = (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) == NFT_JUMP
                                            ? FW_V_JUMP
                                            : FW_V_GOTO;
                chain = nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN);
                snprintf(in->rule->target_name, sizeof(in->rule->target_name), "%s",
                         chain ? chain : "");
                break;
        case NFT_CONTINUE:
                break;
        default: /* queue, stolen, break */
                in->rule->verdict = FW_V_UNKNOWN;
        }
}

static void xt(struct interp *in, const struct nftnl_expr *e, bool target) {
        uint32_t len = 0;
        const char *name = nftnl_expr_get_str(e, target ? NFTNL_EXPR_TG_NAME : NFTNL_EXPR_MT_NAME);
        const void *info =
                nftnl_expr_get(e, target ? NFTNL_EXPR_TG_INFO : NFTNL_EXPR_MT_INFO, &len);
        uint32_t rev = nftnl_expr_get_u32(e, target ? NFTNL_EXPR_TG_REV : NFTNL_EXPR_MT_REV);
        struct fw_match m[2];
        size_t n;

        in->rule->xt = true;
        if (target) {
                in->rule->verdict = firewall_xt_target(name ? name : "");
                return;
        }
        n = firewall_xt_match(name ? name : "", rev, info, info ? len : 0, m);
        for (size_t i = 0; i < n; i++) {
                struct fw_match *slot_m = add_match(in, m[i].kind);
                if (slot_m)
                        *slot_m = m[i];
                else
                        free(m[i].ranges);
        }
}

/* Expressions that neither match nor decide. */
static bool inert(const char *name) {
        static const char *const names[] = {"counter", "log",    "notrack",  "objref",
                                            "nat",     "masq",   "redir",    "dup",
                                            "fwd",     "tproxy", "synproxy", NULL};
        for (size_t i = 0; names[i]; i++)
                if (strcmp(name, names[i]) == 0)
                        return true;
        return false;
}

struct walk {
        struct interp *in;
        uint32_t family;
};

static int expr_cb(struct nftnl_expr *e, void *data) {
        struct walk *w = data;
        struct interp *in = w->in;
        const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

        if (!name)
                name = ""; /* not inert: "unknown" */
        if (strcmp(name, "meta") == 0)
                load_meta(in, e);
        else if (strcmp(name, "payload") == 0)
                load_payload(in, e);
        else if (strcmp(name, "ct") == 0)
                load_ct(in, e);
        else if (strcmp(name, "fib") == 0)
                load_fib(in, e);
        else if (strcmp(name, "bitwise") == 0)
                bitwise(in, e);
        else if (strcmp(name, "cmp") == 0)
                cmp(in, e);
        else if (strcmp(name, "range") == 0)
                range(in, e);
        else if (strcmp(name, "lookup") == 0)
                lookup(in, e, w->family);
        else if (strcmp(name, "immediate") == 0)
                immediate(in, e);
        else if (strcmp(name, "nat") == 0 || strcmp(name, "redir") == 0)
                in->rule->nat = true;
        else if (strcmp(name, "reject") == 0)
                in->rule->verdict = FW_V_REJECT;
        else if (strcmp(name, "queue") == 0)
                in->rule->verdict = FW_V_UNKNOWN;
        else if (strcmp(name, "match") == 0 || strcmp(name, "target") == 0)
                xt(in, e, name[0] == 't');
        else if (!inert(name))
                add_match(in, FW_M_OTHER); /* limit, quota, socket, connlimit, ... */
        return 0;
}

void firewall_nft_rule(struct nftnl_rule *nr, enum fw_family f, const struct nft_sets *sets,
                       struct fw_rule *rule) {
        struct interp in = {.family = f, .sets = sets, .rule = rule};
        struct walk w = {.in = &in, .family = nftnl_rule_get_u32(nr, NFTNL_RULE_FAMILY)};

        in.table = nftnl_rule_get_str(nr, NFTNL_RULE_TABLE);
        if (!in.table)
                in.table = "";
        nftnl_expr_foreach(nr, expr_cb, &w);
}

/* A new packet through the input hook, evaluated on the model: each input-hook chain of the
 * packet's family in priority order, jumps followed, every match true, false or unknown.
 * A chain's outcome is a set of what may happen (accept, drop, reject, return, unknown):
 * a rule that may or may not match adds its verdict and evaluation goes on; the answer is
 * accept, drop or reject only when that is the one possible outcome. */
#include <netinet/in.h> /* before the kernel headers, which then leave it be */
#include <linux/netfilter.h>
#include <stdlib.h>
#include <string.h>

#include "firewall.h"

enum {
        O_ACCEPT = 1,
        O_DROP = 2,
        O_REJECT = 4,
        O_CONT = 8,
        O_UNKNOWN = 16,
        O_DONE = 32,
        O_BUSY = 64
};
enum tri { T_FALSE, T_TRUE, T_UNKNOWN };

struct eval {
        const struct fw_ruleset *rs;
        const struct fw_packet *p;
        uint8_t *memo; /* per chain: its outcome | O_DONE once known */
};

static bool in_ranges(const struct fw_match *m, uint32_t v) {
        for (size_t i = 0; i < m->n_ranges; i++)
                if (v >= m->ranges[i].lo && v <= m->ranges[i].hi)
                        return true;
        return false;
}

static enum tri flip(bool b, bool invert) {
        return b != invert ? T_TRUE : T_FALSE;
}

/* A field the packet does not name (FW_ANY): "a value no rule names", equal to nothing. */
static enum tri value(const struct fw_match *m, uint32_t v) {
        return flip(v != FW_ANY && in_ranges(m, v), m->invert);
}

static enum tri match(const struct eval *ev, const struct fw_match *m) {
        const struct fw_packet *p = ev->p;

        switch (m->kind) {
        case FW_M_NFPROTO:
                return value(m, p->nfproto);
        case FW_M_L4PROTO:
                return value(m, p->l4proto);
        case FW_M_DPORT:
                /* a port match implies a protocol with ports */
                if (p->l4proto != FW_ANY && p->l4proto != IPPROTO_TCP &&
                    p->l4proto != IPPROTO_UDP && p->l4proto != IPPROTO_SCTP &&
                    p->l4proto != IPPROTO_UDPLITE)
                        return T_FALSE;
                return value(m, p->dport);
        case FW_M_SPORT:
                return p->unknown_other ? T_UNKNOWN : flip(false, m->invert);
        case FW_M_CTSTATE:
                return flip((p->ctstate & m->value) != 0, m->invert);
        case FW_M_IIF_LO:
                return flip(false, m->invert); /* from outside: never loopback */
        case FW_M_DST_LOCAL:
                return flip(true, m->invert); /* to a socket of this host */
        case FW_M_DST_MULTI:
                return flip(false, m->invert);
        case FW_M_DNAT:
                /* with no nat rule anywhere, nothing was rewritten */
                if (ev->rs->has_nat)
                        return p->unknown_other ? T_UNKNOWN : T_FALSE;
                return flip(false, m->invert);
        case FW_M_OTHER:
        case FW_M_MAX:
                break;
        }
        return p->unknown_other ? T_UNKNOWN : T_FALSE;
}

static enum tri rule_matches(const struct eval *ev, const struct fw_rule *r) {
        enum tri t = T_TRUE;

        for (size_t i = 0; i < r->n_matches; i++) {
                enum tri m = match(ev, &r->matches[i]);
                if (m == T_FALSE)
                        return T_FALSE;
                if (m == T_UNKNOWN)
                        t = T_UNKNOWN;
        }
        return t;
}

static unsigned chain(struct eval *ev, int idx, unsigned depth);

static unsigned verdict_bits(enum fw_verdict v) {
        switch (v) {
        case FW_V_ACCEPT:
                return O_ACCEPT;
        case FW_V_DROP:
                return O_DROP;
        case FW_V_REJECT:
                return O_REJECT;
        case FW_V_RETURN:
                return O_CONT;
        default:
                return O_UNKNOWN;
        }
}

static unsigned chain_rules(struct eval *ev, const struct fw_chain *c, unsigned depth) {
        unsigned out = 0;

        for (size_t i = 0; i < c->n_rules; i++) {
                const struct fw_rule *r = &c->rules[i];
                enum tri t;
                unsigned sub;

                if (r->verdict == FW_V_NONE)
                        continue;
                t = rule_matches(ev, r);
                if (t == T_FALSE)
                        continue;
                switch (r->verdict) {
                case FW_V_JUMP:
                        sub = chain(ev, r->target, depth + 1);
                        out |= sub & ~(unsigned)O_CONT;
                        if (t == T_TRUE && !(sub & O_CONT))
                                return out;
                        break;
                case FW_V_GOTO:
                        sub = chain(ev, r->target, depth + 1);
                        if (t == T_TRUE)
                                return out | sub;
                        out |= sub;
                        break;
                default:
                        if (t == T_TRUE)
                                return out | verdict_bits(r->verdict);
                        out |= verdict_bits(r->verdict);
                }
        }
        return out | O_CONT;
}

static unsigned chain(struct eval *ev, int idx, unsigned depth) {
        unsigned out;

        if (idx < 0 || (size_t)idx >= ev->rs->n_chains || depth > FW_MAX_DEPTH)
                return O_UNKNOWN;
        if (ev->memo[idx] & O_DONE)
                return ev->memo[idx] & ~(unsigned)O_DONE;
        if (ev->memo[idx] & O_BUSY)
                return O_UNKNOWN; /* a loop: the kernel refuses them, a forged dump may not */
        ev->memo[idx] = O_BUSY;
        out = chain_rules(ev, &ev->rs->chains[idx], depth);
        ev->memo[idx] = (uint8_t)(out | O_DONE);
        return out;
}

static bool applies(const struct fw_chain *c, uint8_t nfproto) {
        if (!c->base || !c->input)
                return false;
        return c->family == FW_FAMILY_INET ||
               (c->family == FW_FAMILY_IP && nfproto == NFPROTO_IPV4) ||
               (c->family == FW_FAMILY_IP6 && nfproto == NFPROTO_IPV6 && !c->legacy);
}

static int by_priority(const void *a, const void *b, void *rs_) {
        const struct fw_ruleset *rs = rs_;
        int x = rs->chains[*(const int *)a].priority, y = rs->chains[*(const int *)b].priority;

        return (x > y) - (x < y);
}

enum fw_result firewall_eval(const struct fw_ruleset *rs, const struct fw_packet *p) {
        struct eval ev = {.rs = rs, .p = p};
        unsigned state = O_ACCEPT;
        int *order;
        size_t n = 0;

        if (rs->n_chains == 0)
                return FW_R_ACCEPT;
        ev.memo = calloc(rs->n_chains, 1);
        order = calloc(rs->n_chains, sizeof(*order));
        if (!ev.memo || !order) {
                free(ev.memo);
                free(order);
                return FW_R_UNKNOWN;
        }
        for (size_t i = 0; i < rs->n_chains; i++)
                if (applies(&rs->chains[i], p->nfproto))
                        order[n++] = (int)i;
        qsort_r(order, n, sizeof(*order), by_priority, (void *)(uintptr_t)rs);
        /* an accept in one base chain hands the packet to the next; a drop ends it */
        for (size_t i = 0; i < n && (state & O_ACCEPT); i++) {
                const struct fw_chain *c = &rs->chains[order[i]];
                unsigned out = chain(&ev, order[i], 0);
                if (out & O_CONT)
                        out = (out & ~(unsigned)O_CONT) | verdict_bits(c->policy);
                state = (state & ~(unsigned)O_ACCEPT) | out;
        }
        free(ev.memo);
        free(order);
        if (state == O_ACCEPT)
                return FW_R_ACCEPT;
        if (state == O_DROP || state == (O_DROP | O_REJECT))
                return FW_R_DROP;
        if (state == O_REJECT)
                return FW_R_REJECT;
        return FW_R_UNKNOWN;
}

const char *firewall_result_string(enum fw_result r) {
        static const char *const s[] = {"accept", "drop", "reject", "unknown"};
        return (unsigned)r <= FW_R_UNKNOWN ? s[r] : "unknown";
}

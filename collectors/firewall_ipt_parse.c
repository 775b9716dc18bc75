/* iptables-legacy's filter table (the bytes firewall_ipt_dump wrote) into the model: the
 * INPUT chain (base, input hook, priority 0 as NF_IP_PRI_FILTER) and every user chain. Every
 * offset and size is checked against the buffer: the bytes may come from anywhere. */
#include <netinet/in.h> /* before the kernel headers, which then leave it be */
#include <errno.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall.h"

struct ipt {
        const uint8_t *base; /* the entries */
        size_t size;
        struct fw_ruleset *rs;
        size_t *starts; /* per chain made: the offset of its first entry, for jumps */
        int *chain_of;
        size_t n_starts;
};

/* The entry at off, if it fits with its target. */
static const struct ipt_entry *entry_at(const struct ipt *t, size_t off) {
        const struct ipt_entry *e;

        if (off > t->size || t->size - off < sizeof(*e) || off % __alignof__(struct ipt_entry))
                return NULL;
        e = (const struct ipt_entry *)(t->base + off);
        /* the kernel aligns every entry, match and target to XT_ALIGN (8 bytes) */
        if (e->next_offset < sizeof(*e) || e->next_offset > t->size - off ||
            e->target_offset < sizeof(*e) || e->next_offset % XT_ALIGN(1) ||
            e->target_offset % XT_ALIGN(1) ||
            (size_t)e->target_offset + sizeof(struct xt_entry_target) > e->next_offset)
                return NULL;
        return e;
}

static const struct xt_entry_target *target_of(const struct ipt_entry *e) {
        return (const struct xt_entry_target *)((const uint8_t *)e + e->target_offset);
}

static bool is_standard(const struct xt_entry_target *tg) {
        return tg->u.user.name[0] == '\0' && tg->u.target_size >= sizeof(struct xt_standard_target);
}

static int standard_verdict(const struct xt_entry_target *tg) {
        int v;

        memcpy(&v, (const uint8_t *)tg + sizeof(*tg), sizeof(v));
        return v;
}

static void add(struct fw_rule *r, enum fw_match_kind k, bool inv) {
        if (r->n_matches < FW_MAX_MATCHES) {
                r->matches[r->n_matches].kind = k;
                r->matches[r->n_matches].invert = inv;
                r->n_matches++;
        }
}

static void ip_part(const struct ipt_ip *ip, struct fw_rule *r) {
        char in[IFNAMSIZ + 1] = {0};

        if (ip->smsk.s_addr || ip->dmsk.s_addr || (ip->flags & IPT_F_FRAG) || ip->outiface[0])
                add(r, FW_M_OTHER, false);
        memcpy(in, ip->iniface, IFNAMSIZ);
        if (in[0])
                add(r, strcmp(in, "lo") == 0 ? FW_M_IIF_LO : FW_M_OTHER,
                    ip->invflags & IPT_INV_VIA_IN);
        if (ip->proto && r->n_matches < FW_MAX_MATCHES) {
                struct fw_match *m = &r->matches[r->n_matches++];
                memset(m, 0, sizeof(*m));
                m->kind = FW_M_L4PROTO;
                m->invert = ip->invflags & IPT_INV_PROTO;
                fw_match_add_range(m, ip->proto, ip->proto);
        }
}

static void matches(const struct ipt_entry *e, struct fw_rule *r) {
        size_t off = sizeof(*e);

        while (off + sizeof(struct xt_entry_match) <= e->target_offset) {
                const struct xt_entry_match *m =
                        (const struct xt_entry_match *)((const uint8_t *)e + off);
                char name[XT_EXTENSION_MAXNAMELEN + 1] = {0};
                struct fw_match out[2];
                size_t n;

                if (m->u.match_size < sizeof(*m) || m->u.match_size > e->target_offset - off ||
                    m->u.match_size % XT_ALIGN(1)) {
                        add(r, FW_M_OTHER, false);
                        return;
                }
                memcpy(name, m->u.user.name, XT_EXTENSION_MAXNAMELEN);
                n = firewall_xt_match(name, m->u.user.revision, m->data,
                                      m->u.match_size - sizeof(*m), out);
                for (size_t i = 0; i < n; i++) {
                        if (r->n_matches < FW_MAX_MATCHES)
                                r->matches[r->n_matches++] = out[i];
                        else
                                free(out[i].ranges);
                }
                off += m->u.match_size;
        }
}

static void verdict(const struct ipt *t, const struct ipt_entry *e, size_t off, struct fw_rule *r) {
        const struct xt_entry_target *tg = target_of(e);
        int v;

        if (!is_standard(tg)) {
                char name[XT_EXTENSION_MAXNAMELEN + 1] = {0};
                memcpy(name, tg->u.user.name, XT_EXTENSION_MAXNAMELEN);
                r->verdict = firewall_xt_target(name);
                return;
        }
        v = standard_verdict(tg);
        if (v == -NF_ACCEPT - 1)
                r->verdict = FW_V_ACCEPT;
        else if (v == -NF_DROP - 1)
                r->verdict = FW_V_DROP;
        else if (v == XT_RETURN)
                r->verdict = FW_V_RETURN;
        else if (v >= 0 && (size_t)v == off + e->next_offset)
                r->verdict = FW_V_NONE; /* to the next rule */
        else if (v >= 0) {
                r->verdict = (e->ip.flags & IPT_F_GOTO) ? FW_V_GOTO : FW_V_JUMP;
                r->target = -1;
                snprintf(r->target_name, sizeof(r->target_name), "@%d", v);
                for (size_t i = 0; i < t->n_starts; i++)
                        if (t->starts[i] == (size_t)v)
                                r->target = t->chain_of[i];
        } else {
                r->verdict = FW_V_UNKNOWN;
        }
}

/* The rules of [from, to) into c; false when an entry does not parse. */
static bool rules(struct ipt *t, struct fw_chain *c, size_t from, size_t to) {
        for (size_t off = from; off < to;) {
                const struct ipt_entry *e = entry_at(t, off);
                struct fw_rule *r;

                if (!e)
                        return false;
                r = fw_rule_add(t->rs, c);
                if (!r)
                        return false;
                ip_part(&e->ip, r);
                matches(e, r);
                verdict(t, e, off, r);
                off += e->next_offset;
        }
        return true;
}

static const char *error_name(const struct ipt_entry *e) {
        const struct xt_entry_target *tg = target_of(e);

        if (strncmp(tg->u.user.name, XT_ERROR_TARGET, XT_EXTENSION_MAXNAMELEN) != 0 ||
            tg->u.target_size < sizeof(*tg) + XT_FUNCTION_MAXNAMELEN)
                return NULL;
        return (const char *)tg->data;
}

static struct fw_chain *new_chain(struct ipt *t, const char *name, size_t start) {
        struct fw_chain *c = fw_chain_add(t->rs);

        if (!c)
                return NULL;
        snprintf(c->table, sizeof(c->table), "filter");
        snprintf(c->name, sizeof(c->name), "%.*s", XT_FUNCTION_MAXNAMELEN - 1, name);
        c->family = FW_FAMILY_IP;
        c->legacy = true;
        t->starts[t->n_starts] = start;
        t->chain_of[t->n_starts++] = (int)(c - t->rs->chains);
        return c;
}

int firewall_ipt_parse(const void *buf, size_t len, struct fw_ruleset *rs) {
        struct ipt_getinfo info;
        struct ipt_get_entries ge;
        struct ipt t = {.rs = rs};
        struct fw_chain *input;
        size_t in_start, in_end, n = 0, cap;
        const struct ipt_entry *e, *policy;
        uint8_t *copy;
        int r = 0;

        if (len < sizeof(info) + sizeof(ge))
                return 0;
        memcpy(&info, buf, sizeof(info));
        memcpy(&ge, (const uint8_t *)buf + sizeof(info), sizeof(ge));
        if (ge.size > len - sizeof(info) - sizeof(ge))
                return 0;
        /* the entries hold 8-byte fields: an aligned copy of them */
        copy = malloc(ge.size ? ge.size : 1);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, (const uint8_t *)buf + sizeof(info) + sizeof(ge), ge.size);
        t.base = copy;
        t.size = ge.size;
        cap = t.size / sizeof(struct ipt_entry) + 2;
        t.starts = calloc(cap, sizeof(*t.starts));
        t.chain_of = calloc(cap, sizeof(*t.chain_of));
        if (!t.starts || !t.chain_of) {
                r = -ENOMEM;
                goto out;
        }
        in_start = info.hook_entry[NF_INET_LOCAL_IN];
        in_end = info.underflow[NF_INET_LOCAL_IN];
        policy = entry_at(&t, in_end);
        if (!policy || in_start > in_end || !(info.valid_hooks & (1u << NF_INET_LOCAL_IN)))
                goto out;
        input = new_chain(&t, "INPUT", in_start);
        if (!input)
                goto out;
        input->base = input->input = true;
        input->policy = is_standard(target_of(policy)) &&
                                        standard_verdict(target_of(policy)) == -NF_DROP - 1
                                ? FW_V_DROP
                                : FW_V_ACCEPT;
        /* user chains first (their offsets are jump targets), then the rules */
        for (size_t off = 0; (e = entry_at(&t, off)) && n < cap; off += e->next_offset, n++) {
                const char *name = error_name(e);
                if (name && strcmp(name, XT_ERROR_TARGET) != 0 &&
                    !new_chain(&t, name, off + e->next_offset))
                        break;
        }
        for (size_t i = 0; i < t.n_starts; i++) {
                struct fw_chain *c = &rs->chains[t.chain_of[i]];
                size_t end = t.starts[i];
                if (i == 0) {
                        end = in_end;
                } else { /* to the chain's closing RETURN: the entry before the next ERROR */
                        for (size_t off = t.starts[i]; (e = entry_at(&t, off));
                             off += e->next_offset) {
                                const struct ipt_entry *next = entry_at(&t, off + e->next_offset);
                                if (!next || error_name(next))
                                        break;
                                end = off + e->next_offset;
                        }
                }
                if (!rules(&t, c, t.starts[i], end))
                        break;
        }
out:
        free(copy);
        free(t.starts);
        free(t.chain_of);
        rs->have_legacy = true;
        return r;
}

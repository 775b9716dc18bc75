/* iptables' matches and targets (xt), as iptables-nft leaves them in nftables rules (the
 * nft_compat "match"/"target" expressions) and as iptables-legacy stores them: the few that
 * decide whether a new inbound packet gets in (tcp, udp, multiport, conntrack, state,
 * addrtype). The info blobs are the kernel's structs: their size is checked before use. */
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <string.h>

#include "firewall.h"

static size_t other(struct fw_match *out) {
        memset(out, 0, sizeof(*out));
        out->kind = FW_M_OTHER;
        return 1;
}

static struct fw_match *ports(struct fw_match *m, enum fw_match_kind k, const uint16_t pts[2],
                              bool inv) {
        memset(m, 0, sizeof(*m));
        m->kind = k;
        m->invert = inv;
        fw_match_add_range(m, pts[0], pts[1]);
        return m;
}

/* tcp/udp: dport always, sport when it is not the whole range; tcp flags are judged for a
 * SYN, what a new connection's first packet is. */
static size_t tcpudp(bool tcp, const void *info, size_t len, struct fw_match out[2]) {
        uint16_t spts[2], dpts[2];
        uint8_t inv;
        size_t n = 0;

        if (tcp) {
                struct xt_tcp t;
                if (len < sizeof(t))
                        return other(out);
                memcpy(&t, info, sizeof(t));
                memcpy(spts, t.spts, sizeof(spts));
                memcpy(dpts, t.dpts, sizeof(dpts));
                inv = t.invflags;
                if (t.flg_mask &&
                    (((0x02 & t.flg_mask) == t.flg_cmp) == !!(inv & XT_TCP_INV_FLAGS))) {
                        /* the flags exclude a SYN: never a new connection */
                        memset(out, 0, sizeof(*out));
                        out->kind = FW_M_CTSTATE; /* an empty state mask never matches */
                        return 1;
                }
        } else {
                struct xt_udp u;
                if (len < sizeof(u))
                        return other(out);
                memcpy(&u, info, sizeof(u));
                memcpy(spts, u.spts, sizeof(spts));
                memcpy(dpts, u.dpts, sizeof(dpts));
                inv = u.invflags;
        }
        ports(&out[n++], FW_M_DPORT, dpts, inv & XT_TCP_INV_DSTPT);
        if (spts[0] != 0 || spts[1] != 0xffff)
                ports(&out[n++], FW_M_SPORT, spts, inv & XT_TCP_INV_SRCPT);
        return n;
}

static size_t multiport(uint32_t rev, const void *info, size_t len, struct fw_match out[2]) {
        struct xt_multiport_v1 mp;
        enum fw_match_kind k;

        if (rev == 0) {
                struct xt_multiport m0;
                if (len < sizeof(m0))
                        return other(out);
                memcpy(&m0, info, sizeof(m0));
                memset(&mp, 0, sizeof(mp));
                mp.flags = m0.flags;
                mp.count = m0.count;
                memcpy(mp.ports, m0.ports, sizeof(mp.ports));
        } else if (len >= sizeof(mp)) {
                memcpy(&mp, info, sizeof(mp));
        } else {
                return other(out);
        }
        if (mp.flags == XT_MULTIPORT_EITHER || mp.count > XT_MULTI_PORTS)
                return other(out);
        k = mp.flags == XT_MULTIPORT_SOURCE ? FW_M_SPORT : FW_M_DPORT;
        memset(out, 0, sizeof(*out));
        out->kind = k;
        out->invert = mp.invert;
        for (unsigned i = 0; i < mp.count; i++) {
                if (mp.pflags[i] && i + 1 < mp.count) { /* a range: this port to the next */
                        fw_match_add_range(out, mp.ports[i], mp.ports[i + 1]);
                        i++;
                } else {
                        fw_match_add_range(out, mp.ports[i], mp.ports[i]);
                }
        }
        return 1;
}

static size_t state(uint32_t mask, bool inv, bool more, struct fw_match out[2]) {
        memset(out, 0, sizeof(*out));
        out->kind = FW_M_CTSTATE;
        out->value = mask & 0xff; /* the same bits as nftables' ct state up to untracked */
        out->invert = inv;
        if (more)
                return 1 + other(&out[1]);
        return 1;
}

static size_t conntrack(uint32_t rev, const void *info, size_t len, struct fw_match out[2]) {
        uint16_t flags, inv, mask;

        if (rev == 1 && len >= sizeof(struct xt_conntrack_mtinfo1)) {
                struct xt_conntrack_mtinfo1 c;
                memcpy(&c, info, sizeof(c));
                flags = c.match_flags, inv = c.invert_flags, mask = c.state_mask;
        } else if ((rev == 2 || rev == 3) && len >= sizeof(struct xt_conntrack_mtinfo2)) {
                struct xt_conntrack_mtinfo2 c;
                memcpy(&c, info, sizeof(c));
                flags = c.match_flags, inv = c.invert_flags, mask = c.state_mask;
        } else {
                return other(out);
        }
        if (!(flags & XT_CONNTRACK_STATE))
                return other(out);
        /* iptables' "-m state" is conntrack with STATE_ALIAS set: no other condition */
        return state(mask, inv & XT_CONNTRACK_STATE,
                     flags & ~(XT_CONNTRACK_STATE | XT_CONNTRACK_STATE_ALIAS), out);
}

static size_t addrtype(uint32_t rev, const void *info, size_t len, struct fw_match out[2]) {
        uint16_t src, dst;
        bool inv;

        if (rev == 1 && len >= sizeof(struct xt_addrtype_info_v1)) {
                struct xt_addrtype_info_v1 a;
                memcpy(&a, info, sizeof(a));
                if (a.flags & (XT_ADDRTYPE_LIMIT_IFACE_IN | XT_ADDRTYPE_LIMIT_IFACE_OUT))
                        return other(out);
                src = a.source, dst = a.dest, inv = a.flags & XT_ADDRTYPE_INVERT_DEST;
        } else if (rev == 0 && len >= sizeof(struct xt_addrtype_info)) {
                struct xt_addrtype_info a;
                memcpy(&a, info, sizeof(a));
                src = a.source, dst = a.dest, inv = a.invert_dest;
        } else {
                return other(out);
        }
        if (src)
                return other(out);
        memset(out, 0, sizeof(*out));
        out->invert = inv;
        if (dst == XT_ADDRTYPE_LOCAL)
                out->kind = FW_M_DST_LOCAL;
        else if (dst && !(dst & ~(XT_ADDRTYPE_BROADCAST | XT_ADDRTYPE_MULTICAST)))
                out->kind = FW_M_DST_MULTI;
        else
                out->kind = FW_M_OTHER;
        return 1;
}

/* Matches on IPv6 extension headers and IPsec: true only for a packet that carries them, and
 * the packet evaluated is a plain TCP or UDP one (ufw drops routing header 0 this way). */
static bool plain_never(const char *name) {
        static const char *const names[] = {"rt", "frag", "hbh", "dst", "ah", "esp", "mh", NULL};

        for (size_t i = 0; names[i]; i++)
                if (strcmp(name, names[i]) == 0)
                        return true;
        return false;
}

size_t firewall_xt_match(const char *name, uint32_t rev, const void *info, size_t len,
                         struct fw_match out[2]) {
        if (!info)
                len = 0;
        if (strcmp(name, "comment") == 0)
                return 0;
        if (strcmp(name, "tcp") == 0 || strcmp(name, "udp") == 0)
                return tcpudp(name[0] == 't', info, len, out);
        if (strcmp(name, "multiport") == 0)
                return multiport(rev, info, len, out);
        if (strcmp(name, "conntrack") == 0)
                return conntrack(rev, info, len, out);
        if (strcmp(name, "state") == 0 && len >= sizeof(struct xt_state_info)) {
                struct xt_state_info s;
                memcpy(&s, info, sizeof(s));
                return state(s.statemask, false, false, out);
        }
        if (strcmp(name, "addrtype") == 0)
                return addrtype(rev, info, len, out);
        if (plain_never(name)) {
                /* an empty state mask: never true for the plain packet evaluated */
                memset(out, 0, sizeof(*out));
                out->kind = FW_M_CTSTATE;
                return 1;
        }
        return other(out); /* limit, recent, hashlimit, mac, iprange, ... */
}

enum fw_verdict firewall_xt_target(const char *name) {
        static const char *const inert[] = {"LOG",  "NFLOG",   "ULOG",  "MARK",  "CONNMARK",
                                            "CT",   "NOTRACK", "TRACE", "AUDIT", "TCPMSS",
                                            "DSCP", "TOS",     NULL};

        if (strcmp(name, "REJECT") == 0)
                return FW_V_REJECT;
        if (strcmp(name, "ACCEPT") == 0)
                return FW_V_ACCEPT;
        if (strcmp(name, "DROP") == 0)
                return FW_V_DROP;
        if (strcmp(name, "RETURN") == 0)
                return FW_V_RETURN;
        for (size_t i = 0; inert[i]; i++)
                if (strcmp(name, inert[i]) == 0)
                        return FW_V_NONE;
        return FW_V_UNKNOWN;
}

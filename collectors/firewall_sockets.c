/* Listening sockets from the kernel (NETLINK_SOCK_DIAG inet_diag dumps: TCP in LISTEN, UDP
 * not connected; IPv4 and IPv6), each with whether the ruleset lets a new packet from outside
 * reach it. Needs no privilege. Loopback-bound sockets are never reachable from outside. */
#include <netinet/in.h> /* before the kernel headers, which then leave it be */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netfilter.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "array.h"
#include "firewall.h"

#define MAX_PORTS 4096
#define RECV_BUF  ((size_t)32 * 1024)

static bool loopback(int family, const uint32_t a[4]) {
        static const uint8_t lo6[16] = {[15] = 1};
        const uint8_t *b = (const uint8_t *)a;

        if (family == AF_INET)
                return b[0] == 127;
        /* ::1, and ::ffff:127.x.x.x */
        return memcmp(b, lo6, 16) == 0 ||
               (memcmp(b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0 && b[12] == 127);
}

static bool wildcard6(const uint32_t a[4]) {
        return !a[0] && !a[1] && !a[2] && !a[3];
}

static int8_t reachable(const struct fw_ruleset *rs, int family, uint8_t proto, uint16_t port,
                        const uint32_t addr[4], bool v6only) {
        struct fw_packet p = {
                .l4proto = proto, .dport = port, .ctstate = FW_CT_NEW, .unknown_other = true};
        enum fw_result v4 = FW_R_DROP, v6 = FW_R_DROP;

        if (loopback(family, addr))
                return 0;
        if (!rs)
                return REPORT_UNKNOWN;
        if (family == AF_INET || (!v6only && wildcard6(addr))) {
                p.nfproto = NFPROTO_IPV4;
                v4 = firewall_eval(rs, &p);
        }
        if (family == AF_INET6) {
                p.nfproto = NFPROTO_IPV6;
                v6 = firewall_eval(rs, &p);
        }
        /* a dual-stack socket is reachable when either family lets a packet in */
        if (v4 == FW_R_ACCEPT || v6 == FW_R_ACCEPT)
                return 1;
        if (v4 == FW_R_UNKNOWN || v6 == FW_R_UNKNOWN)
                return REPORT_UNKNOWN;
        return 0;
}

static bool seen(const struct report_firewall *fw, const char *proto, const char *addr,
                 uint16_t port) {
        for (size_t i = 0; i < fw->n_open_ports; i++) {
                const struct report_port *p = &fw->open_ports[i];
                if (p->port == port && strcmp(p->protocol, proto) == 0 &&
                    strcmp(p->address, addr) == 0)
                        return true;
        }
        return false;
}

static int add_socket(const struct inet_diag_msg *m, size_t len, uint8_t proto,
                      const struct fw_ruleset *rs, struct report_firewall *fw) {
        const char *pname = proto == IPPROTO_TCP ? "tcp" : "udp";
        char addr[INET6_ADDRSTRLEN];
        uint16_t port = ntohs(m->id.idiag_sport);
        bool v6only = false;
        struct report_port *p;
        const struct nlattr *a;

        if ((m->idiag_family != AF_INET && m->idiag_family != AF_INET6) || port == 0)
                return 0;
        if (proto == IPPROTO_TCP ? m->idiag_state != TCP_LISTEN
                                 : m->idiag_state != TCP_CLOSE || m->id.idiag_dport != 0)
                return 0; /* a connection, not a listener */
        a = (const struct nlattr *)((const char *)m + NLMSG_ALIGN(sizeof(*m)));
        for (int left = (int)(len - NLMSG_ALIGN(sizeof(*m))); mnl_attr_ok(a, left);
             a = mnl_attr_next(a)) {
                left -= (int)NLMSG_ALIGN(a->nla_len);
                if (mnl_attr_get_type(a) == INET_DIAG_SKV6ONLY && mnl_attr_get_payload_len(a) >= 1)
                        v6only = *(const uint8_t *)mnl_attr_get_payload(a);
        }
        if (!inet_ntop(m->idiag_family, m->id.idiag_src, addr, sizeof(addr)))
                return 0;
        if (seen(fw, pname, addr, port))
                return 0; /* SO_REUSEPORT: several sockets, one port */
        p = ARRAY_APPEND(fw->open_ports, fw->n_open_ports, MAX_PORTS);
        if (!p)
                return fw->n_open_ports >= MAX_PORTS ? -E2BIG : -ENOMEM;
        p->port = port;
        p->program = NULL;
        p->protocol = strdup(pname);
        p->address = strdup(addr);
        p->family = strdup(m->idiag_family == AF_INET ? "ipv4" : "ipv6");
        p->reachable = reachable(rs, m->idiag_family, proto, port, m->id.idiag_src, v6only);
        return p->protocol && p->address && p->family ? 0 : -ENOMEM;
}

/* One answer's messages; 1 at the dump's end. */
int firewall_sockets_parse(const void *buf, size_t len, uint8_t protocol,
                           const struct fw_ruleset *rs, struct report_firewall *fw) {
        const struct nlmsghdr *nlh;
        size_t off = 0;

        while ((nlh = fw_nlmsg_next(buf, len, &off))) {
                size_t plen = mnl_nlmsg_get_payload_len(nlh);
                int r;

                if (nlh->nlmsg_type == NLMSG_DONE)
                        return 1;
                if (nlh->nlmsg_type == NLMSG_ERROR) {
                        const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
                        return plen >= sizeof(*e) && e->error < 0 ? e->error : -EIO;
                }
                if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY || plen < sizeof(struct inet_diag_msg))
                        continue;
                r = add_socket(mnl_nlmsg_get_payload(nlh), plen, protocol, rs, fw);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int dump(struct mnl_socket *nl, char *buf, uint8_t family, uint8_t proto,
                const struct fw_ruleset *rs, struct report_firewall *fw) {
        struct {
                struct nlmsghdr h;
                struct inet_diag_req_v2 r;
        } req;
        int r = 0;

        memset(&req, 0, sizeof(req));
        req.h.nlmsg_len = sizeof(req);
        req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
        req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        req.h.nlmsg_seq = (uint32_t)time(NULL) + family + proto;
        req.r.sdiag_family = family;
        req.r.sdiag_protocol = proto;
        req.r.idiag_states = proto == IPPROTO_TCP ? 1u << TCP_LISTEN : 1u << TCP_CLOSE;
        req.r.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
        req.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
        if (mnl_socket_sendto(nl, &req, sizeof(req)) < 0)
                return -errno;
        while (r == 0) {
                ssize_t n = mnl_socket_recvfrom(nl, buf, RECV_BUF);
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO;
                r = firewall_sockets_parse(buf, (size_t)n, proto, rs, fw);
        }
        return r < 0 ? r : 0;
}

static int by_port(const void *a, const void *b) {
        const struct report_port *x = a, *y = b;
        int c = strcmp(x->protocol, y->protocol);

        if (c == 0)
                c = (x->port > y->port) - (x->port < y->port);
        if (c == 0)
                c = strcmp(x->family, y->family);
        return c ? c : strcmp(x->address, y->address);
}

int firewall_sockets(const struct fw_ruleset *rs, struct report_firewall *fw) {
        static const uint8_t families[] = {AF_INET, AF_INET6};
        static const uint8_t protos[] = {IPPROTO_TCP, IPPROTO_UDP};
        struct mnl_socket *nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
        char *buf = malloc(RECV_BUF);
        int r = 0;

        if (!nl || !buf) {
                r = !buf ? -ENOMEM : -errno;
                goto out;
        }
        for (size_t f = 0; f < 2 && r == 0; f++)
                for (size_t p = 0; p < 2 && r == 0; p++)
                        r = dump(nl, buf, families[f], protos[p], rs, fw);
        if (fw->n_open_ports > 1)
                qsort(fw->open_ports, fw->n_open_ports, sizeof(*fw->open_ports), by_port);
out:
        free(buf);
        if (nl)
                mnl_socket_close(nl);
        return r;
}

/* The nftables producer: the kernel's ruleset dumped over netlink (libmnl) into a memfd, as
 * the raw messages the kernel sent. It parses nothing but the sets' names it needs to ask for
 * their elements: the unprivileged collector parses the bytes (firewall_nft_parse.c). Runs
 * where CAP_NET_ADMIN is: the kernel refuses nftables dumps to others. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdio.h> /* libnftnl's headers use FILE */
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "firewall.h"
#include "privileged.h"

#define RECV_BUF ((size_t)64 * 1024)

struct dump {
        struct mnl_socket *nl;
        uint32_t portid, seq;
        int fd;
        size_t written;
        bool cut;
        char *buf;
        struct nftnl_set **sets; /* from the NEWSET messages: their elements are asked next */
        size_t n_sets;
};

static int write_all(int fd, const void *p, size_t n) {
        const char *c = p;

        while (n > 0) {
                ssize_t w = write(fd, c, n);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                c += w;
                n -= (size_t)w;
        }
        return 0;
}

/* Say in the dump itself that it was cut: an NLMSG_ERROR of -EFBIG the parser recognises. */
static int write_cut(struct dump *d) {
        struct {
                struct nlmsghdr h;
                struct nlmsgerr e;
        } m;

        memset(&m, 0, sizeof(m));
        m.h.nlmsg_len = sizeof(m);
        m.h.nlmsg_type = NLMSG_ERROR;
        m.e.error = -EFBIG;
        d->cut = true;
        return write_all(d->fd, &m, sizeof(m));
}

static int keep_set(const struct nlmsghdr *nlh, void *data) {
        struct dump *d = data;
        struct nftnl_set *s, **v;

        if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWSET || d->n_sets >= FW_MAX_SETS)
                return MNL_CB_OK;
        s = nftnl_set_alloc();
        if (!s)
                return MNL_CB_ERROR;
        if (nftnl_set_nlmsg_parse(nlh, s) < 0) {
                nftnl_set_free(s);
                return MNL_CB_OK;
        }
        v = realloc(d->sets, (d->n_sets + 1) * sizeof(struct nftnl_set *));
        if (!v) {
                nftnl_set_free(s);
                return MNL_CB_ERROR;
        }
        d->sets = v;
        d->sets[d->n_sets++] = s;
        return MNL_CB_OK;
}

/* Send the request in d->buf and copy every answer into the memfd until the dump's end. An
 * error answer (a family or set gone meanwhile) ends this request only. */
static int run(struct dump *d, const struct nlmsghdr *req, mnl_cb_t cb) {
        char *rbuf = d->buf + MNL_SOCKET_BUFFER_SIZE;
        int r;

        if (mnl_socket_sendto(d->nl, req, req->nlmsg_len) < 0)
                return -errno;
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(d->nl, rbuf, RECV_BUF);
                if (n < 0)
                        return errno == ENOBUFS ? -EAGAIN : -errno;
                if (!d->cut) {
                        if (d->written + (size_t)n > FW_DUMP_MAX) {
                                r = write_cut(d);
                                if (r < 0)
                                        return r;
                        } else {
                                r = write_all(d->fd, rbuf, (size_t)n);
                                if (r < 0)
                                        return r;
                                d->written += (size_t)n;
                        }
                }
                r = mnl_cb_run(rbuf, (size_t)n, d->seq, d->portid, cb, d);
                if (r <= MNL_CB_STOP)
                        return r < 0 && errno != ENOENT && errno != EOPNOTSUPP ? -errno : 0;
        }
}

static int dump_type(struct dump *d, uint16_t type, mnl_cb_t cb) {
        struct nlmsghdr *nlh =
                nftnl_nlmsg_build_hdr(d->buf, type, NFPROTO_UNSPEC, NLM_F_DUMP, ++d->seq);
        return run(d, nlh, cb);
}

static int dump_set_elems(struct dump *d, struct nftnl_set *s) {
        uint32_t family = nftnl_set_get_u32(s, NFTNL_SET_FAMILY);
        struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(d->buf, NFT_MSG_GETSETELEM, (uint16_t)family,
                                                     NLM_F_DUMP, ++d->seq);

        nftnl_set_elems_nlmsg_build_payload(nlh, s);
        return run(d, nlh, NULL);
}

static int open_socket(struct dump *d) {
        d->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
        if (!d->nl)
                return -errno;
        if (mnl_socket_bind(d->nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return -errno;
        d->portid = mnl_socket_get_portid(d->nl);
        d->seq = (uint32_t)time(NULL);
        return 0;
}

static void dump_done(struct dump *d) {
        for (size_t i = 0; i < d->n_sets; i++)
                nftnl_set_free(d->sets[i]);
        free(d->sets);
        free(d->buf);
        if (d->nl)
                mnl_socket_close(d->nl);
}

int firewall_nft_dump(void) {
        static const uint16_t types[] = {NFT_MSG_GETGEN, NFT_MSG_GETTABLE, NFT_MSG_GETCHAIN,
                                         NFT_MSG_GETRULE, NFT_MSG_GETSET};
        struct dump d = {.fd = -1};
        int r;

        d.buf = malloc(MNL_SOCKET_BUFFER_SIZE + RECV_BUF);
        if (!d.buf)
                return -ENOMEM;
        r = open_socket(&d);
        if (r == 0) {
                d.fd = privileged_memfd("nft-ruleset");
                r = d.fd < 0 ? d.fd : 0;
        }
        for (size_t i = 0; r == 0 && i < sizeof(types) / sizeof(types[0]) && !d.cut; i++) {
                if (types[i] == NFT_MSG_GETGEN) {
                        struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(
                                d.buf, NFT_MSG_GETGEN, NFPROTO_UNSPEC, NLM_F_ACK, ++d.seq);
                        r = run(&d, nlh, NULL);
                } else {
                        r = dump_type(&d, types[i], types[i] == NFT_MSG_GETSET ? keep_set : NULL);
                }
        }
        for (size_t i = 0; r == 0 && i < d.n_sets && !d.cut; i++)
                r = dump_set_elems(&d, d.sets[i]);
        if (r == 0)
                r = privileged_rewind(d.fd);
        dump_done(&d);
        if (r < 0) {
                if (d.fd >= 0)
                        close(d.fd);
                return r;
        }
        return d.fd;
}

static int gen_cb(const struct nlmsghdr *nlh, void *data) {
        struct nftnl_gen *g = nftnl_gen_alloc();

        if (!g)
                return MNL_CB_ERROR;
        if (nftnl_gen_nlmsg_parse(nlh, g) == 0 && nftnl_gen_is_set(g, NFTNL_GEN_ID))
                *(uint32_t *)data = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
        nftnl_gen_free(g);
        return MNL_CB_OK;
}

int firewall_nft_generation(uint32_t *ret) {
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
        uint32_t gen = 0, seq = (uint32_t)time(NULL), portid;
        struct nlmsghdr *nlh;
        int r = 0;

        if (!nl)
                return -errno;
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                r = -errno;
                goto out;
        }
        portid = mnl_socket_get_portid(nl);
        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, NFPROTO_UNSPEC, 0, seq);
        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
                r = -errno;
                goto out;
        }
        {
                ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
                if (n < 0 || mnl_cb_run(buf, (size_t)n, seq, portid, gen_cb, &gen) < 0)
                        r = errno ? -errno : -EIO;
        }
        if (r == 0)
                *ret = gen;
out:
        mnl_socket_close(nl);
        return r;
}

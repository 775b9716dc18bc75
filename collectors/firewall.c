/* The `firewall` collector: the kernel's ruleset (nftables over netlink and iptables-legacy's
 * filter table, both through collector_privileged_fd as they need CAP_NET_ADMIN), what it
 * does to a new inbound packet, and the listening sockets with whether they can be reached
 * from outside. Facts only: the policy decides whether they are acceptable. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector.h"
#include "firewall.h"
#include "firewall_watch.h"

static int read_fd(int fd, size_t max, char **ret, size_t *ret_len) {
        size_t len = 0, cap = (size_t)64 * 1024;
        char *buf = malloc(cap);

        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t n;
                if (len == cap) {
                        char *p;
                        if (cap >= max) {
                                free(buf);
                                return -EFBIG;
                        }
                        cap = cap * 2 > max ? max : cap * 2;
                        p = realloc(buf, cap);
                        if (!p) {
                                free(buf);
                                return -ENOMEM;
                        }
                        buf = p;
                }
                n = read(fd, buf + len, cap - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int e = -errno;
                        free(buf);
                        return e;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        *ret = buf;
        *ret_len = len;
        return 0;
}

static const char *why(int e) {
        return e == -EPERM || e == -EACCES ? "needs CAP_NET_ADMIN: the kernel refuses the dump"
                                           : strerror(-e);
}

/* One privileged source parsed into rs; 1 when something was read, 0 when the source is
 * absent (-ENOENT: no iptables-legacy), else a fact reported missing. */
static int read_source(struct collector_ctx *ctx, enum privileged_source s, struct fw_ruleset *rs,
                       struct report *r, const char *fact) {
        int fd = collector_privileged_fd(ctx, s, NULL), e;
        char *buf = NULL;
        size_t len = 0;

        if (fd == -ENOENT)
                return 0;
        if (fd < 0)
                return report_add_missing(r, fact, why(fd)) < 0 ? -ENOMEM : 0;
        e = read_fd(fd, FW_DUMP_MAX + 4096, &buf, &len);
        close(fd);
        if (e == -ENOMEM)
                return e;
        if (e < 0)
                return report_add_missing(r, fact, strerror(-e)) < 0 ? -ENOMEM : 0;
        e = s == PRIVILEGED_NFT_RULESET ? firewall_nft_parse(buf, len, rs)
                                        : firewall_ipt_parse(buf, len, rs);
        free(buf);
        return e < 0 ? e : 1;
}

int firewall_read(struct collector_ctx *ctx, struct report *r, struct report_firewall *fw,
                  uint32_t *ret_generation) {
        struct fw_ruleset rs;
        int nft, legacy, e = 0;

        fw_ruleset_init(&rs);
        nft = read_source(ctx, PRIVILEGED_NFT_RULESET, &rs, r, "firewall.nftables");
        legacy = nft < 0 ? nft : read_source(ctx, PRIVILEGED_IPTABLES, &rs, r, "firewall.iptables");
        if (nft < 0 || legacy < 0) {
                fw_ruleset_free(&rs);
                return nft < 0 ? nft : legacy;
        }
        fw_ruleset_link(&rs);
        if (nft > 0 || legacy > 0) {
                e = firewall_facts(&rs, fw);
                if (e == 0 && rs.cut)
                        e = report_add_missing(r, "firewall.rules", rs.cut_reason);
        }
        if (e == 0) {
                e = firewall_sockets(nft > 0 || legacy > 0 ? &rs : NULL, fw);
                if (e < 0 && e != -ENOMEM)
                        e = report_add_missing(r, "firewall.open_ports", strerror(-e));
        }
        if (ret_generation)
                *ret_generation = rs.generation;
        fw_ruleset_free(&rs);
        return e < 0 ? e : 0;
}

static int firewall_snapshot(struct collector_ctx *ctx, struct report *r) {
        struct report_firewall *fw = calloc(1, sizeof(*fw));

        if (!fw)
                return -ENOMEM;
        r->firewall = fw;
        fw->active = REPORT_UNKNOWN;
        fw->established_accepted = REPORT_UNKNOWN;
        fw->tables = fw->chains = fw->rules = REPORT_UNSET;
        return firewall_read(ctx, r, fw, NULL);
}

const struct collector collector_firewall = {
        .name = "firewall",
        .section = "firewall",
        .init = firewall_watch_start,
        .snapshot = firewall_snapshot,
        .fini = firewall_watch_stop,
        /* in a child: libnftnl exits the process on a malformed attribute (abi_breakage) */
        .timeout_ms = 10000,
};

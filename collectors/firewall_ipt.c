/* iptables-legacy's filter table, where its module is loaded: the producer copies what
 * IPT_SO_GET_INFO and IPT_SO_GET_ENTRIES answer into a memfd (CAP_NET_ADMIN), the parser
 * turns the INPUT chain and the user chains into the model. IPv6 (ip6tables-legacy) is not
 * read. The module is never loaded by us: /proc/net/ip_tables_names says whether the
 * namespace has the table, and asking for it otherwise would load it. */
#include <netinet/in.h> /* before the kernel headers, which then leave it be */
#include <errno.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "firewall.h"
#include "privileged.h"

#define IPT_MAX_SIZE ((size_t)32 << 20)

static bool have_filter(void) {
        FILE *f = fopen("/proc/net/ip_tables_names", "re");
        char line[64];
        bool found = false;

        if (!f)
                return false;
        while (!found && fgets(line, sizeof(line), f))
                found = strcmp(line, "filter\n") == 0;
        fclose(f);
        return found;
}

static int write_all(int fd, const void *p, size_t n) {
        const char *c = p;

        while (n > 0) {
                ssize_t w = write(fd, c, n);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0)
                        return -errno;
                c += w;
                n -= (size_t)w;
        }
        return 0;
}

int firewall_ipt_dump(void) {
        struct ipt_getinfo info;
        struct ipt_get_entries *entries = NULL;
        socklen_t len = sizeof(info);
        int s, fd = -1, r = 0;

        if (!have_filter())
                return -ENOENT;
        s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
        if (s < 0)
                return -errno;
        memset(&info, 0, sizeof(info));
        snprintf(info.name, sizeof(info.name), "filter");
        if (getsockopt(s, IPPROTO_IP, IPT_SO_GET_INFO, &info, &len) < 0) {
                r = errno == ENOPROTOOPT ? -ENOENT : -errno;
                goto out;
        }
        if (info.size > IPT_MAX_SIZE) {
                r = -EFBIG;
                goto out;
        }
        entries = calloc(1, sizeof(*entries) + info.size);
        if (!entries) {
                r = -ENOMEM;
                goto out;
        }
        memcpy(entries->name, info.name, sizeof(entries->name));
        entries->size = info.size;
        len = (socklen_t)(sizeof(*entries) + info.size);
        if (getsockopt(s, IPPROTO_IP, IPT_SO_GET_ENTRIES, entries, &len) < 0) {
                r = -errno; /* EAGAIN: the table changed between the two */
                goto out;
        }
        fd = privileged_memfd("iptables");
        if (fd < 0) {
                r = fd;
                goto out;
        }
        r = write_all(fd, &info, sizeof(info));
        if (r == 0)
                r = write_all(fd, entries, sizeof(*entries) + info.size);
        if (r == 0)
                r = privileged_rewind(fd);
out:
        free(entries);
        close(s);
        if (r < 0) {
                if (fd >= 0)
                        close(fd);
                return r;
        }
        return fd;
}

/* The `system` collector: who this PC is. Hostname, machine id, OS, kernel, DMI identity,
 * network interfaces, uptime. Every fact that cannot be read is listed in report.missing. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <libudev.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "array.h"
#include "collector.h"
#include "fileio.h"
#include "os_release.h"
#include "sysattr.h"
#include "text.h"

#define MACHINE_ID_PATH "/etc/machine-id"

static int missing(struct report *r, const char *fact, int error) {
        return report_add_missing(r, fact, strerror(abs(error)));
}

static int read_machine_id(struct report *r) {
        char *buf = NULL;
        size_t len = 0;
        int e = fileio_read_capped(MACHINE_ID_PATH, 64, &buf, &len);
        bool valid = e == 0 && len >= 32;

        /* machine-id(5): 32 lowercase hex digits and a newline */
        for (size_t i = 0; valid && i < 32; i++)
                valid = (buf[i] >= '0' && buf[i] <= '9') || (buf[i] >= 'a' && buf[i] <= 'f');
        if (valid && len > 32 && buf[32] != '\n')
                valid = false;
        if (valid) {
                buf[32] = '\0';
                r->host->machine_id = buf;
                return 0;
        }
        free(buf);
        if (e < 0)
                return missing(r, "host.machine_id", e);
        return report_add_missing(r, "host.machine_id", "not 32 hex digits: uninitialised?");
}

static int read_os_release(struct report *r) {
        static const char *const paths[] = {"/etc/os-release", "/usr/lib/os-release"};
        struct os_release o;
        char *buf = NULL;
        size_t len = 0;
        int e = -ENOENT;

        for (size_t i = 0; i < 2 && e < 0 && e != -ENOMEM; i++)
                e = fileio_read_capped(paths[i], (size_t)64 * 1024, &buf, &len);
        if (e < 0)
                return e == -ENOMEM ? e : missing(r, "host.os_name", e);
        e = os_release_parse(buf, len, &o);
        free(buf);
        if (e < 0)
                return e;
        r->host->os_id = o.id;
        r->host->os_name = o.name;
        r->host->os_version = o.version;
        return 0;
}

static int read_uname(struct report *r) {
        struct utsname u;

        if (uname(&u) < 0)
                return missing(r, "host.kernel", errno);
        r->host->kernel = text_sanitize(u.release, sizeof(u.release), SYSATTR_MAX);
        r->host->arch = text_sanitize(u.machine, sizeof(u.machine), SYSATTR_MAX);
        r->host->hostname = text_sanitize(u.nodename, sizeof(u.nodename), SYSATTR_MAX);
        return r->host->kernel && r->host->arch && r->host->hostname ? 0 : -ENOMEM;
}

/* Firmware fills unset DMI strings with these; they identify nothing. */
static bool dmi_placeholder(const char *s) {
        static const char *const placeholders[] = {
                "To Be Filled By O.E.M.",
                "To be filled by O.E.M.",
                "Default string",
                "Not Specified",
                "Not Applicable",
                "System Serial Number",
                "0123456789",
                "None",
                "N/A",
                "Default String",
                "Chassis Serial Number",
                "No Asset Tag",
                "Asset-1234567890",
        };
        for (size_t i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++)
                if (strcmp(s, placeholders[i]) == 0)
                        return true;
        return false;
}

static int read_dmi(struct report *r, struct udev *udev) {
        static const struct {
                const char *attr;
                const char *fact;
                size_t offset;
        } attrs[] = {
                {"sys_vendor", "host.dmi_vendor", offsetof(struct report_host, dmi_vendor)},
                {"product_name", "host.dmi_model", offsetof(struct report_host, dmi_model)},
                {"product_serial", "host.dmi_serial", offsetof(struct report_host, dmi_serial)},
                {"chassis_asset_tag", "host.dmi_asset_tag",
                 offsetof(struct report_host, dmi_asset_tag)},
        };
        struct udev_device *dmi = udev_device_new_from_subsystem_sysname(udev, "dmi", "id");

        if (!dmi)
                return report_add_missing(r, "host.dmi", "no DMI table (/sys/class/dmi/id)");
        for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
                char **field = (char **)((char *)r->host + attrs[i].offset);
                int e = sysattr_fact(dmi, attrs[i].attr, field, r, "host", attrs[i].fact + 5);
                if (e < 0) {
                        udev_device_unref(dmi);
                        return e;
                }
                if (*field && dmi_placeholder(*field)) {
                        free(*field);
                        *field = NULL;
                }
        }
        udev_device_unref(dmi);
        return 0;
}

static struct report_netif *netif_get(struct report_host *h, const char *name) {
        struct report_netif *n;

        for (size_t i = 0; i < h->n_netifs; i++)
                if (strcmp(h->netifs[i].name, name) == 0)
                        return &h->netifs[i];
        n = ARRAY_APPEND(h->netifs, h->n_netifs, REPORT_MAX_LIST);
        if (n)
                n->name = text_sanitize(name, strlen(name), IFNAMSIZ);
        return n && n->name ? n : NULL;
}

static int add_address(struct report_netif *n, const struct sockaddr *sa) {
        char buf[INET6_ADDRSTRLEN + 1];

        if (sa->sa_family == AF_INET) {
                inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                          sizeof(buf));
                return strv_append(&n->ipv4, &n->n_ipv4, buf);
        }
        if (sa->sa_family == AF_INET6) {
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                          buf, sizeof(buf));
                return strv_append(&n->ipv6, &n->n_ipv6, buf);
        }
        if (sa->sa_family == AF_PACKET) {
                const struct sockaddr_ll *ll = (const struct sockaddr_ll *)(const void *)sa;
                if (ll->sll_halen != 6 || n->mac)
                        return 0;
                snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", ll->sll_addr[0],
                         ll->sll_addr[1], ll->sll_addr[2], ll->sll_addr[3], ll->sll_addr[4],
                         ll->sll_addr[5]);
                n->mac = strdup(buf);
                return n->mac ? 0 : -ENOMEM;
        }
        return 0;
}

static int read_netifs(struct report *r) {
        struct ifaddrs *ifa;
        int e = 0;

        if (getifaddrs(&ifa) < 0)
                return missing(r, "host.netifs", errno);
        for (struct ifaddrs *i = ifa; i && e == 0; i = i->ifa_next) {
                struct report_netif *n;
                if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK))
                        continue;
                n = netif_get(r->host, i->ifa_name);
                e = n ? add_address(n, i->ifa_addr) : -ENOMEM;
        }
        freeifaddrs(ifa);
        return e;
}

static int system_snapshot(struct collector_ctx *ctx, struct report *r) {
        struct udev *udev;
        struct timespec boot;
        int e;

        (void)ctx;
        if (!report_ensure_host(r))
                return -ENOMEM;
        r->host->agent_version = strdup(COUNTERGUARD_VERSION);
        if (!r->host->agent_version)
                return -ENOMEM;
        if (clock_gettime(CLOCK_BOOTTIME, &boot) == 0)
                r->host->uptime_s = boot.tv_sec;
        if ((e = read_uname(r)) < 0 || (e = read_machine_id(r)) < 0 ||
            (e = read_os_release(r)) < 0 || (e = read_netifs(r)) < 0)
                return e;
        udev = udev_new();
        if (!udev)
                return report_add_missing(r, "host.dmi", "libudev unavailable");
        e = read_dmi(r, udev);
        udev_unref(udev);
        return e;
}

const struct collector collector_system = {
        .name = "system",
        .section = "host",
        .snapshot = system_snapshot,
};

#include "report_table.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "table.h"
#include "usb_classify.h"

/* "7.5 GB" (SI units, as disk vendors print on the label) */
static const char *human_size(int64_t bytes, char *buf, size_t size) {
        static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
        double v = (double)bytes;
        int u = 0;

        if (bytes == REPORT_UNSET)
                return NULL;
        while (v >= 1000 && u < 5) {
                v /= 1000;
                u++;
        }
        snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", v, units[u]);
        return buf;
}

static int print_host(const struct report_host *h, FILE *f) {
        static const struct table_column cols[] = {{"HOST", 20}, {"", 80}};
        char uptime[32] = "", ips[512] = "";
        struct table *t = table_new(cols, 2);
        int e = 0;

        if (!t)
                return -ENOMEM;
        if (h->uptime_s != REPORT_UNSET)
                snprintf(uptime, sizeof(uptime), "%" PRId64 "d %02" PRId64 ":%02" PRId64,
                         h->uptime_s / 86400, h->uptime_s / 3600 % 24, h->uptime_s / 60 % 60);
        for (size_t i = 0; i < h->n_netifs; i++) {
                const struct report_netif *n = &h->netifs[i];
                size_t o = strlen(ips);
                snprintf(ips + o, sizeof(ips) - o, "%s%s %s", o ? "; " : "", n->name,
                         n->n_ipv4 ? n->ipv4[0] : (n->n_ipv6 ? n->ipv6[0] : "-"));
        }
        {
                const char *rows[][2] = {
                        {"Hostname", h->hostname},
                        {"Unit", h->unit},
                        {"Counter", h->counter},
                        {"Machine ID", h->machine_id},
                        {"OS", h->os_name},
                        {"Kernel", h->kernel},
                        {"Vendor", h->dmi_vendor},
                        {"Model", h->dmi_model},
                        {"Serial", h->dmi_serial},
                        {"Asset tag", h->dmi_asset_tag},
                        {"Network", *ips ? ips : NULL},
                        {"Uptime", *uptime ? uptime : NULL},
                        {"Agent", h->agent_version},
                };
                for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]) && e == 0; i++)
                        e = table_add_row(t, rows[i]);
        }
        if (e == 0)
                e = table_print(t, f);
        table_free(t);
        return e;
}

static void disk_summary(const struct report_device *d, char *buf, size_t size) {
        buf[0] = '\0';
        for (size_t i = 0; i < d->n_disks; i++) {
                const struct report_disk *k = &d->disks[i];
                char sz[32];
                const char *label = NULL;
                size_t o = strlen(buf);

                for (size_t p = 0; p < k->n_partitions && !label; p++)
                        label = k->partitions[p].fs_label;
                snprintf(buf + o, size - o, "%s%s %s%s%s", o ? "; " : "", k->name,
                         k->size_bytes == 0 ? "(no medium)"
                                            : human_size(k->size_bytes, sz, sizeof(sz)) ?: "?",
                         k->model ? " " : "", k->model ?: "");
                if (label) {
                        o = strlen(buf);
                        snprintf(buf + o, size - o, " '%s'", label);
                }
        }
}

static int print_devices(const struct report *r, bool with_gap, FILE *f) {
        static const struct table_column cols[] = {
                {"PORT", 12},    {"KIND", 24},   {"ID", 9},    {"VENDOR", 24},
                {"PRODUCT", 32}, {"SERIAL", 24}, {"DISK", 48},
        };
        struct table *t = table_new(cols, 7);
        int e = 0;

        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_devices && e == 0; i++) {
                const struct report_device *d = &r->devices[i];
                char kinds[128], id[16] = "", disk[256];
                const char *row[7];

                if (d->vendor_id && d->product_id)
                        snprintf(id, sizeof(id), "%s:%s", d->vendor_id, d->product_id);
                disk_summary(d, disk, sizeof(disk));
                row[0] = d->port;
                row[1] = usb_kinds_string(d->kinds, kinds, sizeof(kinds));
                row[2] = *id ? id : NULL;
                row[3] = d->vendor;
                row[4] = d->product;
                row[5] = d->serial;
                row[6] = *disk ? disk : NULL;
                e = table_add_row(t, row);
        }
        if (e == 0) {
                fprintf(f, "%sUSB devices: %zu\n", with_gap ? "\n" : "", r->n_devices);
                e = r->n_devices ? table_print(t, f) : 0;
        }
        table_free(t);
        return e;
}

static int print_missing(const struct report *r, FILE *f) {
        static const struct table_column cols[] = {{"NOT READ", 40}, {"WHY", 60}};
        struct table *t;
        int e = 0;

        if (!r->n_missing)
                return 0;
        t = table_new(cols, 2);
        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_missing && e == 0; i++)
                e = table_add_row(t, (const char *[]){r->missing[i].fact, r->missing[i].reason});
        fputc('\n', f);
        if (e == 0)
                e = table_print(t, f);
        table_free(t);
        return e;
}

int report_table_print(const struct report *r, bool with_host, bool with_devices, FILE *f) {
        int e = 0;

        if (with_host && r->host)
                e = print_host(r->host, f);
        if (e == 0 && with_devices)
                e = print_devices(r, with_host, f);
        if (e == 0)
                e = print_missing(r, f);
        return e;
}

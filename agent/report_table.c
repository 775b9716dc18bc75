#include "report_table.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "collector.h"
#include "model.h"
#include "table.h"

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

static int print_host(const struct report *r, FILE *f) {
        const struct report_host *h = r->host;
        static const struct table_column cols[] = {{"HOST", 20}, {"", 80}};
        char uptime[32] = "", ips[512] = "";
        struct table *t = table_new(cols, 2);
        int e = 0;

        if (!t)
                return -ENOMEM;
        if (!h) {
                table_free(t);
                return 0;
        }
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

static int print_devices(const struct report *r, FILE *f) {
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
                row[1] = device_kinds_string(d->kinds, kinds, sizeof(kinds));
                row[2] = *id ? id : NULL;
                row[3] = d->vendor;
                row[4] = d->product;
                row[5] = d->serial;
                row[6] = *disk ? disk : NULL;
                e = table_add_row(t, row);
        }
        if (e == 0) {
                fprintf(f, "USB devices: %zu\n", r->n_devices);
                e = r->n_devices ? table_print(t, f) : 0;
        }
        table_free(t);
        return e;
}

/* One line per queue, and per USB printer without one; where it prints to (the network
 * address or the USB port) before what it is. */
static int print_printers(const struct report *r, FILE *f) {
        static const struct table_column cols[] = {
                {"QUEUE", 24}, {"STATE", 20},  {"DEFAULT", 7},         {"CONNECTION", 10},
                {"WHERE", 32}, {"SERIAL", 24}, {"MAKE AND MODEL", 40}, {"LOCATION", 40},
        };
        struct table *t = table_new(cols, 8);
        int e = 0;

        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_printers && e == 0; i++) {
                const struct report_printer *p = &r->printers[i];
                char state[48] = "", where[300] = "";
                const char *row[8];

                if (p->state)
                        snprintf(state, sizeof(state), "%s%s", p->state,
                                 p->accepting == 0 ? ", rejecting" : "");
                if (p->address)
                        snprintf(where, sizeof(where), "%s", p->address);
                else if (p->usb_port)
                        snprintf(where, sizeof(where), "USB %s", p->usb_port);
                row[0] = p->name ? p->name : "(no queue)";
                row[1] = *state ? state : NULL;
                row[2] = p->is_default == REPORT_UNKNOWN ? NULL : p->is_default ? "yes" : "no";
                row[3] = p->connection;
                row[4] = *where ? where : NULL;
                row[5] = p->usb_serial;
                row[6] = p->make_model;
                row[7] = p->location;
                e = table_add_row(t, row);
        }
        if (e == 0) {
                fprintf(f, "Printers: %zu\n", r->n_printers);
                e = r->n_printers ? table_print(t, f) : 0;
        }
        table_free(t);
        return e;
}

static int print_scanners(const struct report *r, FILE *f) {
        static const struct table_column cols[] = {
                {"SCANNER", 40}, {"CONNECTION", 10}, {"WHERE", 12}, {"SERIAL", 24},
                {"VENDOR", 24},  {"MODEL", 32},      {"TYPE", 24},
        };
        struct table *t = table_new(cols, 7);
        int e = 0;

        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_scanners && e == 0; i++) {
                const struct report_scanner *s = &r->scanners[i];
                char where[80] = "";
                const char *row[7];

                if (s->usb_port)
                        snprintf(where, sizeof(where), "USB %s", s->usb_port);
                row[0] = s->name ? s->name : "(no backend)";
                row[1] = s->connection;
                row[2] = *where ? where : NULL;
                row[3] = s->usb_serial;
                row[4] = s->vendor;
                row[5] = s->model;
                row[6] = s->type;
                e = table_add_row(t, row);
        }
        if (e == 0) {
                fprintf(f, "Scanners: %zu\n", r->n_scanners);
                e = r->n_scanners ? table_print(t, f) : 0;
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

/* A string, number or yes/no: what fits in a cell. */
static bool is_plain(enum field_type t) {
        return t == FIELD_STRING || t == FIELD_INT || t == FIELD_BOOL;
}

/* A section nobody wrote a printer for yet: its item's plain fields as columns. */
static int print_generic(const struct report *r, const struct field_desc *section, FILE *f) {
        const struct object_desc *d = section->object;
        struct table_column cols[16];
        const char *title = section->name;
        size_t n_cols = 0, n_items;
        const char *items;
        struct table *t;
        int e = 0;

        items = *(const char *const *)((const char *)r + section->offset);
        if (section->type == FIELD_OBJECT)
                n_items = items ? 1 : 0;
        else
                n_items = *(const size_t *)((const char *)r + section->count_offset);
        for (size_t i = 0; i < d->n_fields && n_cols < 16; i++)
                if (is_plain(d->fields[i].type))
                        cols[n_cols++] = (struct table_column){d->fields[i].name, 32};
        t = table_new(cols, n_cols);
        if (!t)
                return -ENOMEM;
        for (size_t k = 0; k < n_items && e == 0; k++) {
                const char *item = items + k * d->size;
                char nums[16][24];
                const char *row[16] = {0};
                size_t c = 0;
                for (size_t i = 0; i < d->n_fields && c < n_cols; i++) {
                        const struct field_desc *fd = &d->fields[i];
                        const void *v = item + fd->offset;
                        if (!is_plain(fd->type))
                                continue;
                        row[c] = NULL;
                        if (fd->type == FIELD_STRING) {
                                row[c] = *(const char *const *)v;
                        } else if (fd->type == FIELD_INT && *(const int64_t *)v != REPORT_UNSET) {
                                snprintf(nums[c], sizeof(nums[c]), "%" PRId64, *(const int64_t *)v);
                                row[c] = nums[c];
                        } else if (fd->type == FIELD_BOOL && *(const int8_t *)v != REPORT_UNKNOWN) {
                                row[c] = *(const int8_t *)v ? "yes" : "no";
                        }
                        c++;
                }
                e = table_add_row(t, row);
        }
        if (e == 0) {
                fprintf(f, "%c%s: %zu\n", title[0] - ('a' - 'A'), title + 1, n_items);
                e = n_items ? table_print(t, f) : 0;
        }
        table_free(t);
        return e;
}

static const struct {
        const char *section;
        int (*print)(const struct report *r, FILE *f);
} printers[] = {
        {"host", print_host},
        {"devices", print_devices},
        {"printers", print_printers},
        {"scanners", print_scanners},
};

int report_table_print(const struct report *r, FILE *f) {
        int e = 0;

        /* the sections of the collectors that ran, in their order, a blank line between */
        for (size_t i = 0; i < r->n_collectors && e == 0; i++) {
                const struct collector *c = collector_find(r->collectors[i]);
                const struct field_desc *fd = c ? model_find_field(&report_desc, c->section) : NULL;
                int (*print)(const struct report *, FILE *) = NULL;

                if (!fd)
                        continue;
                for (size_t k = 0; k < sizeof(printers) / sizeof(printers[0]); k++)
                        if (strcmp(printers[k].section, c->section) == 0)
                                print = printers[k].print;
                if (i > 0)
                        fputc('\n', f);
                e = print ? print(r, f) : print_generic(r, fd, f);
        }
        if (e == 0)
                e = print_missing(r, f);
        return e;
}

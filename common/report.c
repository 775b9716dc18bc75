/* The report model's public helpers, thin wrappers over the model descriptions. */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "model.h"

static const char *const kind_names[DEVICE_KIND_MAX] = {
        [DEVICE_KIND_STORAGE] = "storage",
        [DEVICE_KIND_PRINTER] = "printer",
        [DEVICE_KIND_SCANNER] = "scanner",
        [DEVICE_KIND_SMARTCARD] = "smartcard",
        [DEVICE_KIND_INPUT] = "input",
        [DEVICE_KIND_PHONE] = "phone",
        [DEVICE_KIND_NETWORK] = "network",
        [DEVICE_KIND_HUB] = "hub",
        [DEVICE_KIND_CAMERA_AUDIO] = "camera_audio",
        [DEVICE_KIND_OTHER] = "other",
        [DEVICE_KIND_WIRELESS] = "wireless",
        [DEVICE_KIND_SERIAL] = "serial",
};

const char *device_kind_to_string(enum device_kind k) {
        return (unsigned)k < DEVICE_KIND_MAX ? kind_names[k] : NULL;
}

const char *device_kinds_string(uint32_t kinds, char *buf, size_t size) {
        size_t o = 0;

        buf[0] = '\0';
        for (int k = 0; k < DEVICE_KIND_MAX; k++) {
                int n;
                if (!(kinds & (1u << k)))
                        continue;
                n = snprintf(buf + o, size - o, "%s%s", o ? "," : "", device_kind_to_string(k));
                if (n < 0 || (size_t)n >= size - o) {
                        buf[o] = '\0'; /* whole names only */
                        break;
                }
                o += (size_t)n;
        }
        return buf;
}

int device_kind_from_string(const char *s) {
        for (int k = 0; k < DEVICE_KIND_MAX; k++)
                if (strcmp(kind_names[k], s) == 0)
                        return k;
        return -EINVAL;
}

void report_init(struct report *r) {
        model_init(&report_desc, r);
        r->schema_version = REPORT_SCHEMA_VERSION;
}

void report_device_init(struct report_device *d) {
        model_init(&report_device_desc, d);
}

void report_event_init(struct report_event *e) {
        model_init(&report_event_desc, e);
        e->schema_version = REPORT_SCHEMA_VERSION;
}

void report_free(struct report *r) {
        model_free(&report_desc, r);
}

void report_device_free(struct report_device *d) {
        model_free(&report_device_desc, d);
}

void report_event_free(struct report_event *e) {
        model_free(&report_event_desc, e);
}

struct report_host *report_ensure_host(struct report *r) {
        if (!r->host) {
                r->host = malloc(sizeof(*r->host));
                if (r->host)
                        model_init(&report_host_desc, r->host);
        }
        return r->host;
}

struct report_device *report_add_device(struct report *r) {
        struct report_device *d = ARRAY_APPEND(r->devices, r->n_devices, REPORT_MAX_LIST);
        if (d)
                report_device_init(d);
        return d;
}

int report_add_missing(struct report *r, const char *fact, const char *reason) {
        struct report_missing *m = ARRAY_APPEND(r->missing, r->n_missing, REPORT_MAX_LIST);

        if (!m)
                return -ENOMEM;
        m->fact = strdup(fact);
        m->reason = reason ? strdup(reason) : NULL;
        if (!m->fact || (reason && !m->reason))
                return -ENOMEM; /* the element stays, freeable, with what it has */
        return 0;
}

int report_device_copy(const struct report_device *src, struct report_device *ret) {
        return model_copy(&report_device_desc, src, ret);
}

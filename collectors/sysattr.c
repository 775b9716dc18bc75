#include "sysattr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int sysattr_read(struct udev_device *dev, const char *attr, char **ret) {
        const char *v;

        errno = 0;
        v = udev_device_get_sysattr_value(dev, attr);
        if (!v)
                return errno > 0 ? -errno : -ENOENT;
        *ret = text_sanitize(v, strlen(v), SYSATTR_MAX);
        return *ret ? 0 : -ENOMEM;
}

char *sysattr_property(struct udev_device *dev, const char *key) {
        const char *v = udev_device_get_property_value(dev, key);
        char *s;

        if (!v || !*v)
                return NULL;
        s = text_sanitize(v, strlen(v), SYSATTR_MAX);
        if (s && !*s) {
                free(s);
                return NULL;
        }
        return s;
}

char *sysattr_property_decoded(struct udev_device *dev, const char *key) {
        const char *v = udev_device_get_property_value(dev, key);
        char *s;

        if (!v)
                return NULL;
        s = text_unescape_hex(v, SYSATTR_MAX);
        if (s && !*s) {
                free(s);
                return NULL;
        }
        return s;
}

int sysattr_fact(struct udev_device *dev, const char *attr, char **field, struct report *r,
                 const char *subject, const char *fact) {
        char *v = NULL, name[256];
        int e = sysattr_read(dev, attr, &v);

        if (e == -ENOMEM)
                return e;
        if (e == 0) {
                const char *raw = udev_device_get_sysattr_value(dev, attr);
                size_t len = raw ? strlen(raw) : 0;
                if (!v || *field || !*v) {
                        free(v);
                        return 0;
                }
                *field = v;
                /* a value longer than any real descriptor was cut: never silently */
                if (len > SYSATTR_MAX && r) {
                        char why[64];
                        snprintf(name, sizeof(name), "%s.%s", subject, fact);
                        snprintf(why, sizeof(why), "cut at %d of %zu bytes", SYSATTR_MAX, len);
                        return report_add_missing(r, name, why);
                }
                return 0;
        }
        if (e == -ENOENT || !r)
                return 0;
        snprintf(name, sizeof(name), "%s.%s", subject, fact);
        return report_add_missing(r, name, strerror(-e));
}

int64_t sysattr_number(struct udev_device *dev, const char *attr, int base) {
        const char *v = udev_device_get_sysattr_value(dev, attr);
        char *end;
        long long n;

        if (!v || !*v)
                return REPORT_UNSET;
        errno = 0;
        n = strtoll(v, &end, base);
        while (*end == ' ' || *end == '\n')
                end++;
        if (errno || *end || n < 0)
                return REPORT_UNSET;
        return n;
}

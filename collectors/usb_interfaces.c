/* Interfaces without interface nodes: see usb_interfaces.h. Descriptor layouts: USB 2.0
 * specification, 9.6.1 (device, 18 bytes), 9.6.3 (configuration, type 2), 9.6.5 (interface,
 * type 4, 9 bytes: bLength, bDescriptorType, bInterfaceNumber, bAlternateSetting,
 * bNumEndpoints, bInterfaceClass, bInterfaceSubClass, bInterfaceProtocol, iInterface). */
#include "usb_interfaces.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "model.h"
#include "text.h"

#define DESC_DEVICE        1
#define DESC_CONFIGURATION 2
#define DESC_INTERFACE     4

static struct report_interface *add(struct report_interface **v, size_t *n, size_t max, int class_,
                                    int subclass, int protocol) {
        struct report_interface *f = array_append((void **)v, n, sizeof(**v), max);

        if (!f)
                return NULL;
        model_init(&report_interface_desc, f);
        f->class_ = class_;
        f->subclass = subclass;
        f->protocol = protocol;
        return f;
}

static int hex_byte(const char *s) {
        int hi = text_hex_value(s[0]), lo = hi < 0 ? -1 : text_hex_value(s[1]);
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
}

int usb_interfaces_from_property(const char *s, struct report_interface **v, size_t *n,
                                 size_t max) {
        const char *p = s;

        while (*p) {
                int c, sc, pr;
                size_t len;
                if (*p == ':') {
                        p++;
                        continue;
                }
                for (len = 0; p[len] && p[len] != ':'; len++)
                        ;
                if (len == 6 && (c = hex_byte(p)) >= 0 && (sc = hex_byte(p + 2)) >= 0 &&
                    (pr = hex_byte(p + 4)) >= 0) {
                        if (*n >= max)
                                return 0;
                        if (!add(v, n, max, c, sc, pr))
                                return -ENOMEM;
                }
                p += len;
        }
        return 0;
}

int usb_interfaces_from_descriptors(const uint8_t *buf, size_t len, struct report_interface **v,
                                    size_t *n, size_t max) {
        size_t o = 0;
        int configs = 0;

        /* the device descriptor comes first */
        if (len < 18 || buf[0] != 18 || buf[1] != DESC_DEVICE)
                return 0;
        o = 18;
        while (o + 2 <= len) {
                size_t dlen = buf[o];
                uint8_t type = buf[o + 1];
                if (dlen < 2 || o + dlen > len)
                        break; /* malformed: what came before stands */
                if (type == DESC_CONFIGURATION && ++configs > 1)
                        break; /* the first configuration only */
                if (type == DESC_INTERFACE && dlen >= 9 && configs == 1 && buf[o + 3] == 0) {
                        struct report_interface *f;
                        char num[3];
                        if (*n >= max)
                                return 0;
                        f = add(v, n, max, buf[o + 5], buf[o + 6], buf[o + 7]);
                        if (!f)
                                return -ENOMEM;
                        snprintf(num, sizeof(num), "%02x", buf[o + 2]);
                        f->number = strdup(num);
                        if (!f->number)
                                return -ENOMEM;
                }
                o += dlen;
        }
        return 0;
}

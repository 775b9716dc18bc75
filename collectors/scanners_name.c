/* SANE device names: "backend:rest", where rest is the backend's own. sanei_usb names USB
 * devices "libusb:BBB:DDD" (bus and device number, decimal), the net backend prefixes
 * "net:HOST:", the eSCL/AirScan backends give URLs. */
#include "scanners_name.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "report.h"

static const char *const network_backends[] = {"net", "escl", "airscan", "bjnp", NULL};

/* n decimal digits at s, as a number; -1 when they are not exactly that */
static int64_t digits(const char *s, size_t n) {
        int64_t v = 0;

        for (size_t i = 0; i < n; i++) {
                if (!isdigit((unsigned char)s[i]))
                        return -1;
                v = v * 10 + (s[i] - '0');
        }
        return v;
}

static bool libusb_address(const char *name, struct scanners_name *ret) {
        for (const char *p = strstr(name, "libusb:"); p; p = strstr(p + 1, "libusb:")) {
                const char *b = p + 7;
                size_t nb = strspn(b, "0123456789"), nd;
                int64_t bus, dev;
                if (nb == 0 || nb > 3 || b[nb] != ':')
                        continue;
                nd = strspn(b + nb + 1, "0123456789");
                if (nd == 0 || nd > 3)
                        continue;
                bus = digits(b, nb);
                dev = digits(b + nb + 1, nd);
                if (bus <= 0 || dev <= 0)
                        continue;
                ret->busnum = bus;
                ret->devnum = dev;
                return true;
        }
        return false;
}

void scanners_name_parse(const char *name, struct scanners_name *ret) {
        size_t backend = strcspn(name, ":");

        ret->connection = "other";
        ret->busnum = ret->devnum = REPORT_UNSET;
        /* first: "net:HOST:epson2:libusb:001:005" is on another PC's USB bus, not ours */
        for (const char *const *b = network_backends; *b; b++)
                if (strlen(*b) == backend && strncasecmp(name, *b, backend) == 0) {
                        ret->connection = "network";
                        return;
                }
        if (libusb_address(name, ret) || strstr(name, "/dev/usb") || strstr(name, ":usb:"))
                ret->connection = "usb";
        else if (strstr(name, "http://") || strstr(name, "https://"))
                ret->connection = "network";
}

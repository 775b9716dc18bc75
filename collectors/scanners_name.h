/* What a SANE device name says about the scanner's connection: "epson2:libusb:001:005" is
 * USB bus 1 device 5, "net:10.0.0.2:epson2:..." and "escl:http://..." are on the network. */
#pragma once

#include <stdint.h>

struct scanners_name {
        const char *connection; /* "usb", "network", "other" (static strings) */
        int64_t busnum;         /* REPORT_UNSET unless the name has "libusb:BBB:DDD" */
        int64_t devnum;
};

void scanners_name_parse(const char *name, struct scanners_name *ret);

/* What kind of peripheral a USB device is, from what it declares (device and interface
 * classes) and what the system made of it (udev properties, child devices). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "report.h"

struct usb_signals {
        int64_t device_class; /* bDeviceClass, REPORT_UNSET if unknown */
        const struct report_interface *interfaces;
        size_t n_interfaces;
        bool sane_matched; /* udev's SANE rules: libsane_matched=yes */
        bool mtp;          /* udev's libmtp rules: ID_MTP_DEVICE=1 */
        bool has_disk;     /* a block device was created under it */
        bool has_netdev;   /* a network interface was created under it */
        bool has_printer;  /* a usblp/usbmisc printer node was created under it */
        bool has_tty;      /* a serial port (ttyUSBn, ttyACMn) was created under it */
        bool has_wlan;     /* a Wi-Fi interface (net, DEVTYPE=wlan) was created under it */
        bool has_radio;    /* a Bluetooth controller (hciN) was created under it */
};

/* The bit set of enum device_kind; never 0 (DEVICE_KIND_OTHER when nothing matched). */
uint32_t usb_classify(const struct usb_signals *s);

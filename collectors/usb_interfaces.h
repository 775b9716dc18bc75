/* A USB device's interfaces when sysfs has no interface nodes for them (no configuration set,
 * a device left unbound, a recording made that way): from udev's ID_USB_INTERFACES property,
 * or from the interface descriptors in the device's binary `descriptors` attribute. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "report.h"

/* ":0e0100:0e0200:" (class, subclass, protocol in hex, each interface between colons, as
 * udev's usb_id builtin writes it): one interface appended to *v (of *n, at most max) per
 * well-formed entry; others are skipped. 0 or -ENOMEM. */
int usb_interfaces_from_property(const char *s, struct report_interface **v, size_t *n, size_t max);

/* The raw descriptors of sysfs' `descriptors` (the device descriptor, then the configuration
 * descriptors): one interface per interface descriptor of the first configuration, alternate
 * setting 0. Malformed input ends the walk where it goes wrong. 0 or -ENOMEM. */
int usb_interfaces_from_descriptors(const uint8_t *buf, size_t len, struct report_interface **v,
                                    size_t *n, size_t max);

/* Which USB device a printer or scanner is: the PC's USB devices, read the usb collector's
 * way, and the rules that tie a queue (its usb:// URI) or a SANE device to one of them. */
#pragma once

#include <stdbool.h>

#include "report.h"

/* The USB devices present into devs->devices (devs report_init'ed by the caller). 0, -EIO
 * when there is no USB bus to read, -ENOMEM. */
int printers_usb_devices(struct report *devs);

/* Set usb_port and usb_serial of each printer whose device URI names a USB device of devs
 * (by serial; else by make and model, when exactly one device has them), then append a
 * printer without a name for every USB device with a printer interface that no queue
 * matched: a printer nobody set up, or one a queue of another PC's name reaches. 0 or
 * -ENOMEM. */
int printers_usb_match(struct report *r, const struct report *devs);

/* Set the matched device's port and serial into *port and *serial (replacing them). */
int printers_usb_set(const struct report_device *d, char **port, char **serial);

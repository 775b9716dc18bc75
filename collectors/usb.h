/* Enumerating the USB devices present, shared by snapshots and the hotplug cache. */
#pragma once

#include <libudev.h>

#include "report.h"

/* Called with each device found; takes ownership of *d (moves it). */
typedef int (*usb_found_fn)(const char *syspath, struct report_device *d, void *userdata);

/* Every USB device but root hubs, read with usb_read_device. Devices that vanish meanwhile are
 * listed in missing (may be NULL). 0, -EIO when /sys/bus/usb cannot be enumerated, -ENOMEM,
 * or what found returned. */
int usb_enumerate(struct udev *udev, usb_found_fn found, void *userdata, struct report *missing);

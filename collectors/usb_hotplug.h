/* USB hotplug: a udev monitor on the agent's loop turns kernel/udev events into
 * device_added / device_removed / device_changed events, each with the device's facts. */
#pragma once

#include <libudev.h>

#include "collector.h"

/* How long to wait after the last event of a device before reading it: a USB device's
 * interfaces appear within a few ms after it (and it is read again until it has as many as
 * bNumInterfaces says). Disks and network interfaces come later and make a device_changed. */
#define USB_SETTLE_USEC UINT64_C(8000)
/* ... but never longer than this after its first event, so `add` is reported in time. */
#define USB_SETTLE_MAX_USEC UINT64_C(60000)
/* A part of a device going (partition, disk, interface) is most often the device being
 * unplugged: the kernel removes a device's children first, then the device. Its facts are
 * read again only this long after the last such removal, so that an unplugged device is
 * reported once, as device_removed with the facts it had, not first as device_changed. */
#define USB_REMOVE_GRACE_USEC UINT64_C(500000)

int usb_hotplug_start(struct collector_ctx *ctx);
void usb_hotplug_stop(struct collector_ctx *ctx); /* accepts a half-started or unstarted ctx */

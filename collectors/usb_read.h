/* Reading one USB device, with its interfaces and disks, from udev. */
#pragma once

#include <libudev.h>

#include "report.h"

/* Fill ret (report_device_init'ed) with the facts of usb_device dev: ids, strings, port,
 * interfaces, disks with their partitions, and the kinds they add up to. Unreadable facts go
 * to missing (may be NULL). 0, -ENODEV when the device vanished, or -ENOMEM. */
int usb_read_device(struct udev *udev, struct udev_device *dev, struct report_device *ret,
                    struct report *missing);

/* A root hub is the host controller's own, not a peripheral: inventories leave them out. */
bool usb_is_root_hub(struct udev_device *dev);

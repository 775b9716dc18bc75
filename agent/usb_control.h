/* Block mode: an unapproved USB storage device is deauthorized through sysfs as it is plugged
 * in (the whole device, or only its storage interfaces when other interfaces are approved or
 * it has a keyboard or mouse in it); approving it later re-authorizes it. Nothing is done
 * when USBGuard runs: it is in charge. Writing sysfs needs root: the daemon's unprivileged
 * worker routes the writes to its privileged parent (usb_control_set_writer). */
#pragma once

#include <stdbool.h>

#include "policy.h"

struct usb_control;

/* sysfs_root: "/sys" (tests may point elsewhere). p is borrowed until the next
 * usb_control_set_policy. 0 or -ENOMEM. */
int usb_control_new(const char *sysfs_root, const struct policy *p, struct usb_control **ret);
void usb_control_free(struct usb_control *c); /* accepts NULL */

/* Who writes `authorized`: fn(name, value) with name a sysfs USB device ("1-1.2") or
 * interface ("1-1.2:1.0") and value '0' or '1', for every control of this process; NULL (the
 * default) writes SYSFS_ROOT/bus/usb/devices/NAME/authorized in this process. 0 or -errno. */
typedef int (*usb_control_writer_fn)(const char *name, char value, void *userdata);
void usb_control_set_writer(usb_control_writer_fn fn, void *userdata);

/* Whether name is a USB device or interface as sysfs names it ("1-1.2", "1-1.2:1.0"), and
 * nothing that could lead a path elsewhere. */
bool usb_control_name_valid(const char *name);

/* The pid of a running usbguard-daemon (by /proc/PID/comm); -1 when no such process is
 * visible but a unix socket named after usbguard is open (/proc/net/unix); 0: none. */
int usb_control_usbguard_pid(void);

/* A device plugged in or changed: judge it and, in block mode, deauthorize what the policy
 * does not approve. *ret_verdict: "approved", "unapproved", "blocked" or NULL (not judged).
 * 0, or -errno when a write failed (the verdict then stays "unapproved"). */
int usb_control_device(struct usb_control *c, const struct report_device *d,
                       const char **ret_verdict);
/* The facts of a device this control blocked, as they were then (a deauthorized device loses
 * its interfaces: the policy goes on judging what it was), or NULL. */
const struct report_device *usb_control_blocked(const struct usb_control *c, const char *port);

/* A device gone: forget it. */
void usb_control_device_removed(struct usb_control *c, const struct report_device *d);
/* A new policy (a reload): devices it now approves are authorized again. */
void usb_control_set_policy(struct usb_control *c, const struct policy *p);

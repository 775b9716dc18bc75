/* Reading facts from udev devices: sysfs attributes and udev properties, sanitised. */
#pragma once

#include <libudev.h>

#include "report.h"

/* Longest string we keep from a device (USB string descriptors are at most 126 UTF-16
 * characters; anything longer is hostile or broken). */
#define SYSATTR_MAX 255

/* The attribute as sanitised UTF-8 in *ret (malloc'ed). 0 on success, -ENOENT when the device
 * has no such attribute, another -errno when it exists but cannot be read. */
int sysattr_read(struct udev_device *dev, const char *attr, char **ret);

/* The property as sanitised UTF-8 (malloc'ed), or NULL when unset or empty. */
char *sysattr_property(struct udev_device *dev, const char *key);

/* A udev "_ENC" property (ID_MODEL_ENC: spaces and unsafe bytes as \xNN) decoded and
 * sanitised, or NULL when unset or empty. */
char *sysattr_property_decoded(struct udev_device *dev, const char *key);

/* Read attr into *field (replacing nothing if it is already set). A missing attribute leaves
 * it NULL; an unreadable one is recorded in r->missing as "<subject>.<fact>" (r may be NULL
 * when nobody collects missing facts). Returns 0 or -ENOMEM. */
int sysattr_fact(struct udev_device *dev, const char *attr, char **field, struct report *r,
                 const char *subject, const char *fact);

/* Parse a decimal or hex (base 16) attribute; REPORT_UNSET when absent or not a number. */
int64_t sysattr_number(struct udev_device *dev, const char *attr, int base);

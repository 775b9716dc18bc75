/* How the policy sees one USB device: which of its interfaces are approved, whether it
 * carries storage, and what block mode would deauthorize. Shared by the USB rules and by
 * the agent's USB control, so the finding and the block never disagree. */
#pragma once

#include <stdbool.h>

#include "policy.h"

struct usb_judgement {
        bool matched;          /* an approved entry names it (or it is a signing token) */
        bool storage;          /* it has a mass-storage interface (class 08) */
        bool storage_approved; /* ... and the policy approves it */
        bool composite;        /* it has interfaces of other classes beside storage */
        bool human_input;      /* a keyboard or a mouse is part of it: never deauthorized whole */
};

void usb_judge(const struct policy *p, const struct report_device *d, struct usb_judgement *ret);

/* An unapproved storage interface: the finding's and the block's condition. */
static inline bool usb_judgement_unapproved_storage(const struct usb_judgement *j) {
        return j->storage && !j->storage_approved;
}

/* In block mode, deauthorize only the storage interfaces (true) or the whole device (false). */
static inline bool usb_judgement_block_interfaces_only(const struct usb_judgement *j) {
        return j->composite || j->human_input;
}

/* "approved", "unapproved" or NULL (the policy has nothing to say about it). */
const char *usb_judgement_verdict(const struct usb_judgement *j);

/* The USB approval list against one device's facts. */
#include "usb_judge.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#define CLASS_STORAGE 0x08

static bool same(const char *want, const char *got, bool fold) {
        if (!want)
                return true; /* the entry does not say: any */
        if (!got)
                return false;
        return fold ? strcasecmp(want, got) == 0 : strcmp(want, got) == 0;
}

static bool entry_matches(const struct policy_usb_device *e, const struct report_device *d) {
        /* ids are hex: either case; a serial is the maker's string, compared as it is */
        return same(e->vendor_id, d->vendor_id, true) && same(e->product_id, d->product_id, true) &&
               same(e->serial, d->serial, false) && same(e->port, d->port, false);
}

static bool class_in(const uint8_t set[32], int64_t c) {
        return c >= 0 && c <= 0xff && (set[c / 8] & (1u << (c % 8)));
}

static bool all_zero(const uint8_t set[32]) {
        for (int i = 0; i < 32; i++)
                if (set[i])
                        return false;
        return true;
}

void usb_judge(const struct policy *p, const struct report_device *d, struct usb_judgement *ret) {
        struct usb_judgement j = {0};
        uint8_t approved[32] = {0};
        bool all = false;

        for (size_t i = 0; i < p->usb.n_approved; i++) {
                const struct policy_usb_device *e = &p->usb.approved[i];
                if (!entry_matches(e, d))
                        continue;
                j.matched = true;
                if (all_zero(e->classes))
                        all = true;
                for (int k = 0; k < 32; k++)
                        approved[k] |= e->classes[k];
        }
        /* the Government Cipher Committee's signing tokens: smart-card class and nothing else */
        if (!j.matched && p->usb.approve_smartcard && d->kinds == (1u << DEVICE_KIND_SMARTCARD)) {
                j.matched = true;
                all = true;
        }
        for (size_t i = 0; i < d->n_interfaces; i++) {
                int64_t c = d->interfaces[i].class_;
                if (c == CLASS_STORAGE) {
                        j.storage = true;
                        continue;
                }
                j.composite = true;
                if (c == 0x03)
                        j.human_input = true;
        }
        /* no interfaces seen (not configured yet): the classifier's word for it */
        if (d->n_interfaces == 0 && (d->kinds & (1u << DEVICE_KIND_STORAGE)))
                j.storage = true;
        if (d->kinds & (1u << DEVICE_KIND_INPUT))
                j.human_input = true;
        j.storage_approved = !j.storage || all || class_in(approved, CLASS_STORAGE);
        *ret = j;
}

const char *usb_judgement_verdict(const struct usb_judgement *j) {
        if (usb_judgement_unapproved_storage(j))
                return "unapproved";
        if (j->matched)
                return "approved";
        return NULL;
}

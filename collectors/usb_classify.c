/* USB classification, table-driven. Class codes: usb.org "Defined Class Codes"
 * (https://www.usb.org/defined-class-codes). */
#include "usb_classify.h"

#include <string.h>

#define ANY (-1)

struct class_rule {
        int class_, subclass, protocol;
        int kind; /* enum device_kind, or -1: says nothing about the kind */
};

/* First match wins, so specific rules come before their class's catch-all. */
static const struct class_rule interface_rules[] = {
        {0x01, ANY, ANY, DEVICE_KIND_CAMERA_AUDIO}, /* audio */
        {0x02, 0x06, ANY, DEVICE_KIND_NETWORK},     /* CDC ECM */
        {0x02, 0x07, ANY, DEVICE_KIND_NETWORK},     /* CDC ATM */
        {0x02, 0x0a, ANY, DEVICE_KIND_NETWORK},     /* CDC EEM */
        {0x02, 0x0d, ANY, DEVICE_KIND_NETWORK},     /* CDC NCM */
        {0x02, 0x0e, ANY, DEVICE_KIND_NETWORK},     /* CDC MBIM */
        {0x02, 0x02, ANY, DEVICE_KIND_SERIAL},      /* CDC ACM: modems and serial ports */
        {0x02, ANY, ANY, DEVICE_KIND_OTHER},        /* other CDC controls */
        {0x03, ANY, ANY, DEVICE_KIND_INPUT},        /* HID */
        {0x06, ANY, ANY, DEVICE_KIND_CAMERA_AUDIO}, /* still image (PTP cameras) */
        {0x07, ANY, ANY, DEVICE_KIND_PRINTER},
        {0x08, ANY, ANY, DEVICE_KIND_STORAGE},
        {0x09, ANY, ANY, DEVICE_KIND_HUB},
        {0x0a, ANY, ANY, -1},                       /* CDC data: the CDC control decides */
        {0x0b, ANY, ANY, DEVICE_KIND_SMARTCARD},    /* CCID: readers and signing tokens */
        {0x0d, ANY, ANY, DEVICE_KIND_OTHER},        /* content security */
        {0x0e, ANY, ANY, DEVICE_KIND_CAMERA_AUDIO}, /* video */
        {0x10, ANY, ANY, DEVICE_KIND_CAMERA_AUDIO}, /* audio/video */
        {0xe0, 0x01, 0x03, DEVICE_KIND_NETWORK},    /* RNDIS (phone tethering) */
        {0xe0, ANY, ANY, DEVICE_KIND_WIRELESS},     /* wireless controller: Bluetooth, UWB */
        {0xef, 0x04, 0x01, DEVICE_KIND_NETWORK},    /* RNDIS over misc */
        {0xef, ANY, ANY, -1},                       /* IAD and other glue */
        {0xfe, ANY, ANY, -1},                       /* DFU, IrDA bridge, test */
        {0xff, 0x42, 0x01, DEVICE_KIND_PHONE},      /* Android Debug Bridge */
        {0xff, ANY, ANY, -1},                       /* vendor specific: see signals */
        {0xdc, ANY, ANY, -1},                       /* diagnostic */
};

static int rule_kind(int64_t class_, int64_t subclass, int64_t protocol) {
        for (size_t i = 0; i < sizeof(interface_rules) / sizeof(interface_rules[0]); i++) {
                const struct class_rule *r = &interface_rules[i];
                if (r->class_ == class_ && (r->subclass == ANY || r->subclass == subclass) &&
                    (r->protocol == ANY || r->protocol == protocol))
                        return r->kind;
        }
        return DEVICE_KIND_OTHER;
}

/* Linux usb-serial drivers of vendor-specific interfaces (drivers/usb/serial): a serial port
 * whatever the class says. */
static const char *const serial_drivers[] = {
        "ch341",
        "ftdi_sio",
        "pl2303",
        "cp210x",
        "option",
        "qcserial",
        "usb_serial_simple",
        "xr_serial",
        "f81232",
        "ark3116",
        "oti6858",
        "mos7840",
        "mos7720",
        "io_ti",
        "io_edgeport",
        "keyspan",
        "cypress_m8",
        "mct_u232",
        "spcp8x5",
        "kl5kusb105",
        "ti_usb_3410_5052",
        "upd78f0730",
        "metro-usb",
        "belkin_sa",
        "digi_acceleport",
};

static bool is_serial_driver(const char *driver) {
        if (!driver)
                return false;
        for (size_t i = 0; i < sizeof(serial_drivers) / sizeof(serial_drivers[0]); i++)
                if (strcmp(driver, serial_drivers[i]) == 0)
                        return true;
        return false;
}

static bool is_mtp_label(const char *label) {
        return label && (strcmp(label, "MTP") == 0 || strncmp(label, "MTP ", 4) == 0);
}

uint32_t usb_classify(const struct usb_signals *s) {
        uint32_t kinds = 0;
        bool phone = s->mtp;

        for (size_t i = 0; i < s->n_interfaces; i++) {
                const struct report_interface *f = &s->interfaces[i];
                int k;

                if (is_mtp_label(f->label)) {
                        phone = true;
                        continue;
                }
                k = rule_kind(f->class_, f->subclass, f->protocol);
                if (is_serial_driver(f->driver))
                        k = DEVICE_KIND_SERIAL;
                if (k >= 0)
                        kinds |= 1u << k;
        }
        /* Devices without interfaces (not configured yet, or vanished) still say their class. */
        if (s->n_interfaces == 0 && s->device_class != REPORT_UNSET && s->device_class != 0) {
                int k = rule_kind(s->device_class, ANY, ANY);
                if (k >= 0)
                        kinds |= 1u << k;
        }
        if (phone) {
                /* An MTP phone's PTP interface is not a camera. */
                kinds &= ~(1u << DEVICE_KIND_CAMERA_AUDIO);
                kinds |= 1u << DEVICE_KIND_PHONE;
        }
        if (s->sane_matched)
                kinds |= 1u << DEVICE_KIND_SCANNER;
        if (s->has_disk)
                kinds |= 1u << DEVICE_KIND_STORAGE;
        if (s->has_netdev)
                kinds |= 1u << DEVICE_KIND_NETWORK;
        if (s->has_printer)
                kinds |= 1u << DEVICE_KIND_PRINTER;
        if (s->has_tty)
                kinds |= 1u << DEVICE_KIND_SERIAL;
        if (s->has_wlan || s->has_radio)
                kinds |= 1u << DEVICE_KIND_WIRELESS;
        /* "other" only when nothing more telling was found */
        if (kinds & ~(1u << DEVICE_KIND_OTHER))
                kinds &= ~(1u << DEVICE_KIND_OTHER);
        return kinds ? kinds : 1u << DEVICE_KIND_OTHER;
}

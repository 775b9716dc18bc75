/* What a CUPS device URI says about where the printer is: usb://EPSON/L3150%20Series?serial=X,
 * ipp://10.0.0.5/ipp/print, socket://[fe80::1]:9100, dnssd://Name._ipp._tcp.local/, file:/... */
#pragma once

struct printers_uri {
        const char *connection; /* "usb", "network", "file", "other" (static strings) */
        char *address;          /* network: the host, with ":port" when the URI has one */
        char *usb_make;         /* usb: the make and model of the path, percent-decoded */
        char *usb_model;
        char *usb_serial; /* usb: ?serial= */
        char *redacted;   /* the URI with a password in it replaced by "***" */
};

/* Parse uri (any bytes, NUL-terminated). Outputs are valid UTF-8, or NULL when absent.
 * 0 or -ENOMEM; free with printers_uri_free. */
int printers_uri_parse(const char *uri, struct printers_uri *ret);
void printers_uri_free(struct printers_uri *u);

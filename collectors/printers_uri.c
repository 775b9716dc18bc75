/* Device URIs, parsed by hand: the schemes CUPS backends use (RFC 3986 shapes, plus the
 * backends' own usb:, hp: and dnssd: forms). Nothing here trusts the URI to be well formed. */
#include "printers_uri.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "printers_text.h"
#include "text.h"

/* A URI longer than this is not a device URI CUPS would accept (HTTP_MAX_URI is 1024). */
#define URI_MAX 4096

/* implicitclass: cups-browsed's queue for the network printers it found */
static const char *const network_schemes[] = {
        "ipp", "ipps",          "http", "https",    "socket", "lpd",
        "smb", "dnssd",         "beh",  "bjnp",     "mdns",   "pdl-datastream",
        "lpr", "implicitclass", "ncp",  "ippusbxd", NULL,
};

static bool in_list(const char *const *list, const char *s, size_t n) {
        for (; *list; list++)
                if (strlen(*list) == n && strncasecmp(*list, s, n) == 0)
                        return true;
        return false;
}

/* s[0..n) percent-decoded ("%20" -> ' ', a malformed escape kept), then sanitised. NULL when
 * empty (errno 0) or out of memory (errno ENOMEM). */
static char *decode(const char *s, size_t n) {
        char *buf = malloc(n + 1), *out;
        size_t o = 0;

        errno = 0;
        if (!buf)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                int hi, lo;
                if (s[i] == '%' && i + 2 < n && (hi = text_hex_value(s[i + 1])) >= 0 &&
                    (lo = text_hex_value(s[i + 2])) >= 0) {
                        buf[o++] = (char)(hi << 4 | lo);
                        i += 2;
                } else {
                        buf[o++] = s[i];
                }
        }
        out = text_sanitize(buf, o, PRINTERS_TEXT_MAX);
        free(buf);
        if (!out) {
                errno = ENOMEM;
        } else if (!*out) {
                free(out);
                out = NULL;
                errno = 0;
        }
        return out;
}

/* The value of key in a query "a=1&b=2" (n bytes), decoded; NULL when absent. *err on ENOMEM. */
static char *query_value(const char *q, size_t n, const char *key, int *err) {
        size_t klen = strlen(key);
        const char *end = q + n;

        while (q < end) {
                const char *amp = memchr(q, '&', (size_t)(end - q));
                size_t len = amp ? (size_t)(amp - q) : (size_t)(end - q);
                if (len > klen && strncasecmp(q, key, klen) == 0 && q[klen] == '=') {
                        char *v = decode(q + klen + 1, len - klen - 1);
                        if (!v && errno == ENOMEM)
                                *err = -ENOMEM;
                        return v;
                }
                q += len + (amp ? 1 : 0);
        }
        return NULL;
}

/* "//[userinfo@]host[:port]/..." at p: the address (host with its port), and where the
 * userinfo's password starts and ends (for redacting), from the authority alone. */
static int parse_authority(const char *p, struct printers_uri *u, size_t *pw_start, size_t *pw_end,
                           const char *base) {
        size_t len = strcspn(p, "/?#");
        const char *at = NULL, *host;
        size_t hlen;

        for (size_t i = 0; i < len; i++)
                if (p[i] == '@')
                        at = p + i; /* the last '@': userinfo may not hold one, hosts never */
        host = at ? at + 1 : p;
        hlen = len - (size_t)(host - p);
        if (at) {
                const char *colon = memchr(p, ':', (size_t)(at - p));
                if (colon) {
                        *pw_start = (size_t)(colon + 1 - base);
                        *pw_end = (size_t)(at - base);
                }
        }
        if (hlen == 0)
                return 0;
        u->address = decode(host, hlen);
        return u->address || errno != ENOMEM ? 0 : -ENOMEM;
}

static int redact(const char *uri, size_t pw_start, size_t pw_end, struct printers_uri *u) {
        size_t n = strlen(uri);
        char *buf;

        if (pw_end <= pw_start) {
                u->redacted = text_sanitize(uri, n, URI_MAX);
                return u->redacted ? 0 : -ENOMEM;
        }
        buf = malloc(n + 4);
        if (!buf)
                return -ENOMEM;
        memcpy(buf, uri, pw_start);
        memset(buf + pw_start, '*', 3);
        memcpy(buf + pw_start + 3, uri + pw_end, n - pw_end);
        u->redacted = text_sanitize(buf, pw_start + 3 + n - pw_end, URI_MAX);
        free(buf);
        return u->redacted ? 0 : -ENOMEM;
}

/* usb://MAKE/MODEL?serial=S&interface=N (and hp:/usb/MODEL?serial=S): path parts and query */
static int parse_usb(const char *path, struct printers_uri *u, bool hp) {
        size_t len = strcspn(path, "?#");
        const char *slash = memchr(path, '/', len);
        int err = 0;

        if (hp) {
                /* hp:/usb/MODEL: no make in the path, HP's */
                u->usb_model = decode(path, len);
                u->usb_make = strdup("HP");
                if (!u->usb_make)
                        return -ENOMEM;
        } else if (slash) {
                u->usb_make = decode(path, (size_t)(slash - path));
                u->usb_model = decode(slash + 1, len - (size_t)(slash + 1 - path));
        } else {
                u->usb_make = decode(path, len);
        }
        if (path[len] == '?')
                u->usb_serial =
                        query_value(path + len + 1, strcspn(path + len + 1, "#"), "serial", &err);
        return err;
}

int printers_uri_parse(const char *uri, struct printers_uri *u) {
        size_t n = strnlen(uri, URI_MAX + 1), scheme = strcspn(uri, ":/?#");
        size_t pw_start = 0, pw_end = 0;
        const char *rest;
        int e = 0;

        memset(u, 0, sizeof(*u));
        u->connection = "other";
        if (n > URI_MAX || uri[scheme] != ':' || scheme == 0) {
                /* not a URI: kept (sanitised) as the fact it is, nothing parsed */
                return redact(uri, 0, 0, u);
        }
        rest = uri + scheme + 1;
        if (strncasecmp(uri, "usb", scheme) == 0 && scheme == 3) {
                u->connection = "usb";
                e = parse_usb(rest + (strncmp(rest, "//", 2) == 0 ? 2 : 0), u, false);
        } else if (scheme == 2 && strncasecmp(uri, "hp", 2) == 0 &&
                   (strncmp(rest, "/usb/", 5) == 0 || strncmp(rest, "/net/", 5) == 0)) {
                /* HPLIP: hp:/usb/MODEL?serial=S, hp:/net/MODEL?ip=ADDR */
                if (rest[1] == 'u') {
                        u->connection = "usb";
                        e = parse_usb(rest + 5, u, true);
                } else {
                        const char *q = strchr(rest, '?');
                        u->connection = "network";
                        if (q)
                                u->address = query_value(q + 1, strcspn(q + 1, "#"), "ip", &e);
                }
        } else if (scheme == 4 && strncasecmp(uri, "file", 4) == 0) {
                u->connection = "file";
        } else if (in_list(network_schemes, uri, scheme)) {
                u->connection = "network";
                if (strncmp(rest, "//", 2) == 0)
                        e = parse_authority(rest + 2, u, &pw_start, &pw_end, uri);
        }
        if (e == 0)
                e = redact(uri, pw_start, pw_end, u);
        if (e < 0)
                printers_uri_free(u);
        return e;
}

void printers_uri_free(struct printers_uri *u) {
        if (!u)
                return;
        free(u->address);
        free(u->usb_make);
        free(u->usb_model);
        free(u->usb_serial);
        free(u->redacted);
        memset(u, 0, sizeof(*u));
        u->connection = "other";
}

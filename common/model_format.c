/* The string formats of the report model: one checker per format, and the same rule as a
 * regular expression for the JSON Schema, side by side so the two cannot drift apart. */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "model.h"

static bool is_lower_hex(char c) {
        return isdigit((unsigned char)c) || (c >= 'a' && c <= 'f');
}

static bool all_hex(const char *s, size_t n) {
        if (strlen(s) != n)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!is_lower_hex(s[i]))
                        return false;
        return true;
}

/* digits, then exactly the literal characters of `shape` where it has no 'D' */
static bool matches_shape(const char *s, const char *shape) {
        for (; *shape; s++, shape++) {
                if (*shape == 'D' ? !isdigit((unsigned char)*s) : *s != *shape)
                        return false;
        }
        return true;
}

static bool valid_time(const char *s) {
        /* 2026-11-23T17:49:19[.fraction](Z|+07:00) */
        if (strlen(s) < 20 || !matches_shape(s, "DDDD-DD-DDTDD:DD:DD"))
                return false;
        s += 19;
        if (*s == '.') {
                const char *start = ++s;
                while (isdigit((unsigned char)*s))
                        s++;
                if (s == start)
                        return false;
        }
        if (*s == 'Z')
                return s[1] == '\0';
        return (*s == '+' || *s == '-') && strlen(s) == 6 && matches_shape(s + 1, "DD:DD");
}

static bool valid_mac(const char *s) {
        if (strlen(s) != 17)
                return false;
        for (int i = 0; i < 17; i++) {
                bool sep = i % 3 == 2;
                if (sep ? s[i] != ':' : !is_lower_hex(s[i]))
                        return false;
        }
        return true;
}

static bool valid_ip(int af, const char *s) {
        unsigned char buf[sizeof(struct in6_addr)];
        return inet_pton(af, s, buf) == 1;
}

bool model_format_valid(enum field_format f, const char *s) {
        switch (f) {
        case FORMAT_NONE:
                return true;
        case FORMAT_HEX4:
                return all_hex(s, 4);
        case FORMAT_HEX2:
                return all_hex(s, 2);
        case FORMAT_TIME:
                return valid_time(s);
        case FORMAT_DATE:
                return strlen(s) == 10 && matches_shape(s, "DDDD-DD-DD");
        case FORMAT_MAC:
                return valid_mac(s);
        case FORMAT_IPV4:
                return valid_ip(AF_INET, s);
        case FORMAT_IPV6:
                return valid_ip(AF_INET6, s);
        case FORMAT_SHA256:
                return all_hex(s, 64);
        case FORMAT_MAX:
                break;
        }
        return false;
}

static const struct {
        const char *name;
        const char *pattern; /* for the schema; IP addresses use the schema's own formats */
} formats[FORMAT_MAX] = {
        [FORMAT_NONE] = {"string", NULL},
        [FORMAT_HEX4] = {"4-digit hex id", "^[0-9a-f]{4}$"},
        [FORMAT_HEX2] = {"2-digit hex number", "^[0-9a-f]{2}$"},
        [FORMAT_TIME] = {"RFC 3339 time",
                         "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?"
                         "(Z|[+-][0-9]{2}:[0-9]{2})$"},
        [FORMAT_DATE] = {"date (YYYY-MM-DD)", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        [FORMAT_MAC] = {"MAC address", "^[0-9a-f]{2}(:[0-9a-f]{2}){5}$"},
        [FORMAT_IPV4] = {"IPv4 address", NULL},
        [FORMAT_IPV6] = {"IPv6 address", NULL},
        [FORMAT_SHA256] = {"SHA-256 digest", "^[0-9a-f]{64}$"},
};

const char *model_format_name(enum field_format f) {
        return f < FORMAT_MAX ? formats[f].name : "?";
}

const char *model_format_pattern(enum field_format f) {
        return f < FORMAT_MAX ? formats[f].pattern : NULL;
}

/* The policy file's value formats, checked one by one: USB ids, SHA-256, host name patterns,
 * addresses, days, words. No libconfig here: the loader hands strings over. */
#include "values.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool value_is_hex(const char *s, size_t len) {
        if (strlen(s) != len)
                return false;
        for (size_t i = 0; i < len; i++)
                if (!isxdigit((unsigned char)s[i]))
                        return false;
        return true;
}

char *value_lower_dup(const char *s) {
        char *d = strdup(s);
        for (char *c = d; c && *c; c++)
                *c = (char)tolower((unsigned char)*c);
        return d;
}

bool value_name_pattern_ok(const char *s) {
        if (!*s || strlen(s) > 253)
                return false;
        for (const char *c = s; *c; c++)
                if (!isalnum((unsigned char)*c) && !strchr(".-*_", *c))
                        return false;
        return true;
}

bool value_cidr_ok(const char *s) {
        char addr[64], *slash, *end;
        unsigned char buf[16];
        long bits;
        int family;

        if (strlen(s) >= sizeof(addr))
                return false;
        memcpy(addr, s, strlen(s) + 1);
        slash = strchr(addr, '/');
        if (slash)
                *slash = '\0';
        family = strchr(addr, ':') ? AF_INET6 : AF_INET;
        if (inet_pton(family, addr, buf) != 1)
                return false;
        if (!slash)
                return true;
        errno = 0;
        bits = strtol(slash + 1, &end, 10);
        return errno == 0 && end != slash + 1 && !*end && bits >= 0 &&
               bits <= (family == AF_INET6 ? 128 : 32);
}

int value_day_bit(const char *s) {
        const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        for (int i = 0; i < 7; i++)
                if (strcmp(s, days[i]) == 0)
                        return i;
        return -1;
}

int value_word_index(const char *const *words, const char *s) {
        for (int i = 0; words[i]; i++)
                if (strcmp(words[i], s) == 0)
                        return i;
        return -1;
}

/* GnuTLS supplies the randomness and the hash; this file is its only user for that. */
#include "auth.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>
#include <strings.h>

static void to_hex(const unsigned char *in, size_t n, char *out) {
        static const char digits[] = "0123456789abcdef";

        for (size_t i = 0; i < n; i++) {
                out[2 * i] = digits[in[i] >> 4];
                out[2 * i + 1] = digits[in[i] & 0xf];
        }
        out[2 * n] = '\0';
}

int auth_random_hex(size_t n, char *ret, size_t ret_size) {
        unsigned char buf[64];

        if (n > sizeof(buf) || ret_size < 2 * n + 1)
                return -EINVAL;
        if (gnutls_rnd(GNUTLS_RND_KEY, buf, n) < 0)
                return -EIO;
        to_hex(buf, n, ret);
        explicit_bzero(buf, sizeof(buf));
        return 0;
}

int auth_hash_hex(const char *s, char ret[AUTH_HASH_HEX + 1]) {
        unsigned char digest[32];

        if (gnutls_hash_fast(GNUTLS_DIG_SHA256, s, strlen(s), digest) < 0)
                return -EIO;
        to_hex(digest, sizeof(digest), ret);
        return 0;
}

bool auth_equal(const char *a, const char *b, size_t len) {
        volatile unsigned char diff = 0;

        for (size_t i = 0; i < len; i++)
                diff |= (unsigned char)a[i] ^ (unsigned char)b[i];
        return diff == 0;
}

bool auth_is_hex(const char *s, size_t len) {
        for (size_t i = 0; i < len; i++)
                if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
                        return false;
        return s[len] == '\0';
}

int auth_parse_bearer(const char *header, char ret_id[AUTH_ID_HEX + 1],
                      char ret_secret[AUTH_SECRET_HEX + 1]) {
        const char *p;

        if (!header || strncasecmp(header, "Bearer ", 7) != 0)
                return -EINVAL;
        p = header + 7;
        while (*p == ' ')
                p++;
        if (strlen(p) != AUTH_ID_HEX + 1 + AUTH_SECRET_HEX || p[AUTH_ID_HEX] != '.')
                return -EINVAL;
        memcpy(ret_id, p, AUTH_ID_HEX);
        ret_id[AUTH_ID_HEX] = '\0';
        memcpy(ret_secret, p + AUTH_ID_HEX + 1, AUTH_SECRET_HEX);
        ret_secret[AUTH_SECRET_HEX] = '\0';
        if (!auth_is_hex(ret_id, AUTH_ID_HEX) || !auth_is_hex(ret_secret, AUTH_SECRET_HEX))
                return -EINVAL;
        return 0;
}

/* Credentials: the bearer form, the hash, the comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "auth.h"

static void test_hash(void **state) {
        char h[AUTH_HASH_HEX + 1];

        (void)state;
        assert_int_equal(auth_hash_hex("abc", h), 0);
        assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_random(void **state) {
        char a[65], b[65];

        (void)state;
        assert_int_equal(auth_random_hex(32, a, sizeof(a)), 0);
        assert_int_equal(auth_random_hex(32, b, sizeof(b)), 0);
        assert_true(auth_is_hex(a, 64));
        assert_string_not_equal(a, b);
        assert_int_equal(auth_random_hex(32, a, 64), -EINVAL);
}

static void test_equal(void **state) {
        (void)state;
        assert_true(auth_equal("abcd", "abcd", 4));
        assert_false(auth_equal("abcd", "abce", 4));
        assert_false(auth_equal("xbcd", "abcd", 4));
}

static void test_bearer(void **state) {
        char id[AUTH_ID_HEX + 1], secret[AUTH_SECRET_HEX + 1];
        const char *good = "Bearer 0123456789abcdef0123456789abcdef."
                           "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        static const char *const bad[] = {
                NULL,
                "",
                "Bearer",
                "Basic 0123456789abcdef0123456789abcdef."
                "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
                "Bearer 0123456789abcdef0123456789abcdef"
                "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0",
                "Bearer 0123456789ABCDEF0123456789abcdef."
                "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
                "Bearer 0123456789abcdef0123456789abcdef."
                "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff ",
                "Bearer 0123456789abcdef0123456789abcdef.'; DROP TABLE agents;--"
                "00112233445566778899aabbccddeeff001122334455",
        };

        (void)state;
        assert_int_equal(auth_parse_bearer(good, id, secret), 0);
        assert_string_equal(id, "0123456789abcdef0123456789abcdef");
        assert_string_equal(secret,
                            "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_int_equal(auth_parse_bearer(bad[i], id, secret), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hash),
                cmocka_unit_test(test_random),
                cmocka_unit_test(test_equal),
                cmocka_unit_test(test_bearer),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

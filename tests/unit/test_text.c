/* Outside strings made safe: valid UTF-8, bounded, and aligned in tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct sanitize_case {
        const char *in;
        size_t len, max;
        const char *want;
};

static const struct sanitize_case sanitize_cases[] = {
        {"SanDisk", 7, 255, "SanDisk"},
        {" 2.00", 5, 255, "2.00"},
        {"Model   \n", 9, 255, "Model"},
        {"a\xff"
         "b",
         3, 255,
         "a\xef\xbf\xbd"
         "b"},
        {"\xc0\xaf", 2, 255, "\xef\xbf\xbd\xef\xbf\xbd"},                 /* overlong '/' */
        {"\xed\xa0\x80", 3, 255, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
        {"Vi\xe1\xbb\x87t", 6, 255, "Vi\xe1\xbb\x87t"},
        {"Vi\xe1\xbb\x87t", 6, 4, "Vi"}, /* never cut inside a character */
        {"ab\0cd", 5, 255, "ab"},
        {"\x1b[31mRED", 8, 255, "\x1b[31mRED"}, /* controls kept: JSON escapes them */
};

static void test_sanitize(void **state) {
        (void)state;
        for (size_t i = 0; i < sizeof(sanitize_cases) / sizeof(sanitize_cases[0]); i++) {
                const struct sanitize_case *c = &sanitize_cases[i];
                char *s = text_sanitize(c->in, c->len, c->max);
                assert_non_null(s);
                if (strcmp(s, c->want) != 0)
                        fail_msg("case %zu: got '%s', want '%s'", i, s, c->want);
                free(s);
        }
}

static void test_cells(void **state) {
        char cell[64];

        (void)state;
        assert_int_equal(text_cell("short", 10, cell, sizeof(cell)), 5);
        assert_string_equal(cell, "short");
        assert_int_equal(text_cell("a longer string", 6, cell, sizeof(cell)), 6);
        assert_string_equal(cell, "a lon\xe2\x80\xa6");
        assert_int_equal(text_cell("x\x1b[31m\ty", 20, cell, sizeof(cell)), 8);
        assert_string_equal(cell, "x?[31m?y");
        /* Vietnamese: one column per letter, diacritics included */
        assert_int_equal(text_width("M\xe1\xbb\x99t c\xe1\xbb\xad"
                                    "a"),
                         7);
        /* CJK: two columns each */
        assert_int_equal(text_width("\xe6\xbc\xa2\xe5\xad\x97"), 4);
        assert_int_equal(text_cell("\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2", 4, cell, sizeof(cell)),
                         3);
}

static void test_unescape(void **state) {
        static const char *const cases[][2] = {
                {"Cruzer\\x20Blade", "Cruzer Blade"},
                {"\\x41\\x42", "AB"},
                {"bad\\x2", "bad\\x2"},
                {"bad\\xZZ", "bad\\xZZ"},
                {"a\\x00b", "a"},
                {"\\xff", "\xef\xbf\xbd"},
                {"", ""},
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *s = text_unescape_hex(cases[i][0], 255);
                assert_non_null(s);
                if (strcmp(s, cases[i][1]) != 0)
                        fail_msg("'%s': got '%s', want '%s'", cases[i][0], s, cases[i][1]);
                free(s);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sanitize),
                cmocka_unit_test(test_cells),
                cmocka_unit_test(test_unescape),
        };
        setlocale(LC_CTYPE, "C.UTF-8");
        return cmocka_run_group_tests(tests, NULL, NULL);
}

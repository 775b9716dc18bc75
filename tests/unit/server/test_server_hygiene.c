/* What the server does to outside text before it answers, logs or routes: details cut on a
 * character boundary, agent text made printable, %00 left in paths, a JSON parse held to
 * its memory budget. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "http.h"
#include "json_budget.h"
#include "text.h"

static void test_prefix_len(void **state) {
        static const struct {
                const char *s;
                size_t max, want;
        } cases[] = {
                {"abc", 64, 3},           {"abc", 2, 2},
                {"ab\xe1\xba\xa7", 3, 2}, /* "abầ": ầ would be cut after its first byte */
                {"ab\xe1\xba\xa7", 4, 2}, {"ab\xe1\xba\xa7", 5, 5},
                {"\xe1\xba\xa7", 1, 0},   {"", 0, 0},
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                assert_int_equal(text_prefix_len(cases[i].s, cases[i].max), cases[i].want);
}

static void test_printable(void **state) {
        static const struct {
                const char *in, *want;
        } cases[] = {
                {"pc-1", "pc-1"},
                {"pc\x1b[31mRED\a", "pc?[31mRED?"},
                {"a\nb\rc\td", "a?b?c?d"},
                {"x\xc2\x9b"
                 "2J",
                 "x?2J"},                                   /* C1 CSI */
                {"Qu\xe1\xba\xa7y 1", "Qu\xe1\xba\xa7y 1"}, /* Vietnamese stays */
                {"bad\xff", "bad\xef\xbf\xbd"},             /* invalid UTF-8 */
                {"\x7f", "?"},
        };
        char *s;

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                s = text_printable(cases[i].in, 256);
                assert_non_null(s);
                assert_string_equal(s, cases[i].want);
                free(s);
        }
        assert_null(text_printable(NULL, 16));
}

static void test_unescape(void **state) {
        static const struct {
                const char *in, *want;
        } cases[] = {
                {"/api/v1/ping", "/api/v1/ping"},
                {"/api/v1/%70ing", "/api/v1/ping"},
                {"/api/v1/ping%00.html", "/api/v1/ping%00.html"},
                {"%", "%"},
                {"%4", "%4"},
                {"%zz%4a%4A", "%zzJJ"},
        };
        char buf[64];

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                snprintf(buf, sizeof(buf), "%s", cases[i].in);
                assert_int_equal(http_unescape(buf), strlen(cases[i].want));
                assert_string_equal(buf, cases[i].want);
        }
}

static void test_budget(void **state) {
        size_t n = 100000;
        char *text = malloc(3 * n + 2);
        json_error_t err;
        json_t *j;

        (void)state;
        assert_non_null(text);
        text[0] = '[';
        for (size_t i = 0; i < n; i++)
                memcpy(text + 1 + 3 * i, i + 1 < n ? "{}," : "{}]", 3);
        text[3 * n + 1] = '\0';
        /* within a generous budget it parses; within 16 times its size it does not */
        json_budget_begin(SIZE_MAX);
        j = json_loads(text, 0, &err);
        assert_false(json_budget_end());
        assert_non_null(j);
        json_decref(j);
        json_budget_begin(json_budget_for(3 * n + 1) - (1u << 20));
        j = json_loads(text, 0, &err);
        assert_true(json_budget_end());
        assert_null(j);
        free(text);
        assert_int_equal(json_budget_for(10), 16 * 10 + (1u << 20));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_prefix_len),
                cmocka_unit_test(test_printable),
                cmocka_unit_test(test_unescape),
                cmocka_unit_test(test_budget),
        };
        json_budget_install(); /* before any JSON, as the server's main() */
        return cmocka_run_group_tests(tests, NULL, NULL);
}

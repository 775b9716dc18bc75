/* os-release(5) parsing: quoting, escapes, fallbacks, and junk lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "os_release.h"

static void parse(const char *text, struct os_release *o) {
        assert_int_equal(os_release_parse(text, strlen(text), o), 0);
}

static void test_debian(void **state) {
        struct os_release o;

        (void)state;
        parse("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
              "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nID=debian\n",
              &o);
        assert_string_equal(o.id, "debian");
        assert_string_equal(o.name, "Debian GNU/Linux 12 (bookworm)");
        assert_string_equal(o.version, "12");
        os_release_free(&o);
}

static void test_fallbacks_and_quoting(void **state) {
        struct os_release o;

        (void)state;
        parse("# comment\nNAME='Astra Linux'\nVERSION=\"1.7 \\\"x\\\"\"\nbroken line\n=\nID=\n",
              &o);
        assert_null(o.id); /* empty is unknown */
        assert_string_equal(o.name, "Astra Linux");
        assert_string_equal(o.version, "1.7 \"x\"");
        os_release_free(&o);
}

static void test_invalid_utf8(void **state) {
        struct os_release o;

        (void)state;
        parse("PRETTY_NAME=\"Bad \xff name\"\n", &o);
        assert_string_equal(o.name, "Bad \xef\xbf\xbd name");
        os_release_free(&o);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_debian),
                cmocka_unit_test(test_fallbacks_and_quoting),
                cmocka_unit_test(test_invalid_utf8),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

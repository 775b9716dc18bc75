/* agent.ini: what is accepted, and what is refused with which message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "agent_config.h"

static void test_good(void **state) {
        struct agent_config c = {0};

        (void)state;
        assert_int_equal(agent_config_load_string("a.ini",
                                                  "; where this PC stands\n[agent]\nunit = "
                                                  "0101Q1\ncounter = Qu\xe1\xba\xa7y 1\n",
                                                  &c),
                         0);
        assert_string_equal(c.unit, "0101Q1");
        assert_string_equal(c.counter, "Qu\xe1\xba\xa7y 1");
        agent_config_free(&c);
        assert_int_equal(agent_config_load_string("empty.ini", "", &c), 0);
        assert_null(c.unit);
        assert_null(c.counter);
        /* the daemon's defaults */
        assert_string_equal(c.user, "counterguard");
        assert_int_equal(c.snapshot_interval, 300);
        assert_string_equal(c.credential, "/var/lib/counterguard-agent/credential");
        assert_string_equal(c.outbox_path, "/var/lib/counterguard-agent/outbox.db");
        assert_int_equal(c.outbox_cap, 64 << 20);
        assert_null(c.server_url);
        agent_config_free(&c);
        assert_int_equal(agent_config_load_string("daemon.ini",
                                                  "[agent]\nsnapshot_interval = 60\nuser = nobody\n"
                                                  "[server]\nurl = https://10.0.0.1:8443\n"
                                                  "ca = /etc/counterguard/ca.pem\n"
                                                  "[outbox]\ncap = 8M\n",
                                                  &c),
                         0);
        assert_int_equal(c.snapshot_interval, 60);
        assert_string_equal(c.user, "nobody");
        assert_string_equal(c.server_url, "https://10.0.0.1:8443");
        assert_string_equal(c.ca_file, "/etc/counterguard/ca.pem");
        assert_int_equal(c.outbox_cap, 8 << 20);
        agent_config_free(&c);
}

static void test_bad(void **state) {
        static const char *const bad[] = {
                "[agent]\ncolour = red\n",            /* unknown key */
                "[client]\nurl = x\n",                /* unknown section */
                "[server]\nurl = http://x\n",         /* not TLS */
                "[server]\nca = ca.pem\n",            /* not absolute */
                "[agent]\nsnapshot_interval = 5\n",   /* too often */
                "[outbox]\ncap = lots\n",             /* not a size */
                "[agent]\nunit = 01\n  stray line\n", /* would be a continuation elsewhere */
                "unit = 01\n",                        /* outside a section */
                "[agent]\nunit = 01\nunit = 02\n",    /* duplicate */
                "[agent]\nunit = \n",                 /* empty */
                "[agent]\nunit = a b\n",              /* not a code */
                "[agent]\ncounter = \xff\xfe\n",      /* not UTF-8 */
                "[agent\nunit = 01\n",                /* syntax */
        };
        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct agent_config c = {0};
                if (agent_config_load_string("bad.ini", bad[i], &c) != -EINVAL)
                        fail_msg("accepted: %s", bad[i]);
                assert_null(c.unit); /* nothing half-loaded */
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_good),
                cmocka_unit_test(test_bad),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

/* server.ini: every key, sizes, and the errors that stop the server from starting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "ini_config.h"

static void test_full(void **state) {
        struct server_config c;

        (void)state;
        config_init(&c);
        assert_int_equal(config_load_string("t.ini",
                                            "[server]\n"
                                            "listen = [::1]:9443\n"
                                            "tls = off\n"
                                            "tls_cert = /c.pem\n"
                                            "tls_key = /k.pem\n"
                                            "tls_priorities = NORMAL\n"
                                            "threads = 3\n"
                                            "max_body = 8M ; eight\n"
                                            "max_connections = 10\n"
                                            "connection_timeout = 5\n"
                                            "log_level = debug\n"
                                            "[store]\n"
                                            "url = sqlite:/var/lib/x.db   ; or postgresql://\n"
                                            "workers = 4\n"
                                            "queue_max = 0\n"
                                            "retry_after = 7\n"
                                            "busy_timeout_ms = 100\n"
                                            "retention_days = 30\n"
                                            "max_batch_records = 50\n",
                                            &c),
                         0);
        assert_string_equal(c.listen, "[::1]:9443");
        assert_false(c.tls);
        assert_string_equal(c.tls_cert, "/c.pem");
        assert_string_equal(c.tls_key, "/k.pem");
        assert_string_equal(c.tls_priorities, "NORMAL");
        assert_int_equal(c.threads, 3);
        assert_int_equal(c.max_body, 8u << 20);
        assert_int_equal(c.max_connections, 10);
        assert_int_equal(c.connection_timeout_s, 5);
        assert_int_equal(c.log_level, LOG_LEVEL_DEBUG);
        assert_string_equal(c.store_url, "sqlite:/var/lib/x.db");
        assert_int_equal(c.store_workers, 4);
        assert_int_equal(c.store_queue_max, 0);
        assert_int_equal(c.retry_after_s, 7);
        assert_int_equal(c.busy_timeout_ms, 100);
        assert_int_equal(c.retention_days, 30);
        assert_int_equal(c.max_batch_records, 50);
        config_free(&c);
        config_free(NULL);
}

static void test_defaults(void **state) {
        struct server_config c;

        (void)state;
        config_init(&c);
        assert_int_equal(config_load_string("t.ini", "[store]\nurl = x.db\n", &c), 0);
        assert_true(c.tls);
        assert_string_equal(c.listen, "127.0.0.1:8443");
        assert_string_equal(c.tls_priorities, CONFIG_TLS_PRIORITIES);
        assert_int_equal(c.max_body, 8u << 20);
        assert_int_equal(c.max_enroll_body, 64u << 10);
        assert_int_equal(c.max_body_memory, 256u << 20);
        assert_int_equal(c.max_connections_per_address, 64);
        assert_int_equal(c.header_timeout_s, 10);
        assert_int_equal(c.request_timeout_s, 120);
        assert_int_equal(c.credential_cache_ttl_s, 60);
        assert_int_equal(c.retention_days, 365);
        config_free(&c);
}

static void test_errors(void **state) {
        static const char *const bad[] = {
                "[store]\nurl = x\nfoo = 1\n",         /* unknown key */
                "[store]\nurl = x\n[web]\nport = 1\n", /* unknown section */
                "url = x\n",                           /* outside a section */
                "[server]\nmax_body = 8Q\n[store]\nurl = x\n",
                "[server]\nmax_body = 0\n[store]\nurl = x\n",
                "[server]\nthreads = -1\n[store]\nurl = x\n",
                "[server]\nthreads = 99999\n[store]\nurl = x\n",
                "[server]\ntls = maybe\n[store]\nurl = x\n",
                "[server]\nlog_level = loud\n[store]\nurl = x\n",
                "[store]\nurl = x\nurl = y\n",    /* duplicate */
                "[server]\nlisten = 1.2.3.4:1\n", /* no store url */
                "[store]\nurl =\n",               /* empty */
                "[store\nurl = x\n",              /* syntax */
        };

        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct server_config c;
                config_init(&c);
                if (config_load_string("bad.ini", bad[i], &c) != -EINVAL)
                        fail_msg("accepted: %s", bad[i]);
                assert_null(c.store_url); /* freed on failure */
        }
}

static void test_file(void **state) {
        char path[] = "/tmp/test-server-config.XXXXXX";
        struct server_config c;
        int fd;

        (void)state;
        fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "[store]\nurl = a.db\n", 19), 19);
        close(fd);
        config_init(&c);
        assert_int_equal(config_load(path, &c), 0);
        assert_string_equal(c.store_url, "a.db");
        config_free(&c);
        unlink(path);
        assert_int_equal(config_load(path, &c), -ENOENT);
}

static void test_sizes(void **state) {
        static const struct {
                const char *in;
                int ret;
                size_t out;
        } cases[] = {
                {"0", 0, 0},
                {"4096", 0, 4096},
                {"512k", 0, 512 << 10},
                {"8M", 0, 8 << 20},
                {"1G", 0, 1u << 30},
                {"", -EINVAL, 0},
                {"M", -EINVAL, 0},
                {"8MB", -EINVAL, 0},
                {"-1", -EINVAL, 0},
                {"99999999999999999999", -ERANGE, 0},
                {"99999999999999G", -ERANGE, 0},
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                size_t v = 0;
                assert_int_equal(ini_parse_size(cases[i].in, &v), cases[i].ret);
                if (cases[i].ret == 0)
                        assert_int_equal(v, cases[i].out);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_full),   cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_errors), cmocka_unit_test(test_file),
                cmocka_unit_test(test_sizes),
        };
        log_setup("test_server_config", LOG_LEVEL_ERROR);
        return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The antivirus collector's parsers: profile files, ClamAV database headers, clamd.conf and
 * clamd's VERSION answer, and the shipped profiles themselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "antivirus_clamd.h"
#include "antivirus_cvd.h"
#include "antivirus_freshclam.h"
#include "antivirus_profile.h"

/* A 512-byte header: text, then space padding. */
static void header(char buf[CVD_HEADER_SIZE], const char *text) {
        size_t n = strnlen(text, CVD_HEADER_SIZE);

        memset(buf, ' ', CVD_HEADER_SIZE);
        /* no NUL after the text: the padding follows it */
        memcpy(buf, text, n); // NOLINT(bugprone-not-null-terminated-result)
}

static void test_cvd(void **state) {
        char buf[CVD_HEADER_SIZE];
        struct cvd_header h;

        (void)state;
        header(buf, "ClamAV-VDB:20 Nov 2026 09-00 +0000:27000:1:216:183f58cd:X:test:1795165200");
        assert_int_equal(cvd_header_parse(buf, sizeof(buf), &h), 0);
        assert_int_equal(h.version, 27000);
        assert_int_equal(h.signatures, 1);
        assert_int_equal(h.build_time, 1795165200);
        /* cut short: the last field may have lost digits */
        assert_int_equal(cvd_header_parse(buf, 100, &h), -EBADMSG);
        header(buf, "ClamAV-VDB:x:27000:1:216:m:X:test");
        assert_int_equal(cvd_header_parse(buf, sizeof(buf), &h), -EBADMSG);
        header(buf, "ClamAV-VDB:x:27a00:1:216:m:X:test:1");
        assert_int_equal(cvd_header_parse(buf, sizeof(buf), &h), -EBADMSG);
        header(buf, "ClamAV-VDB:x:1:1:216:m:X:test:99999999999999999999");
        assert_int_equal(cvd_header_parse(buf, sizeof(buf), &h), -EBADMSG);
        header(buf, "ClamAV-VDB:x:1:1:216:m:X:test:1:extra");
        assert_int_equal(cvd_header_parse(buf, sizeof(buf), &h), -EBADMSG);
        header(buf, "NotClamAV:x:1:1:216:m:X:test:1");
        assert_int_equal(cvd_header_parse(buf, sizeof(buf), &h), -EBADMSG);
        /* the body starts right after the padding: a NUL ends the header */
        header(buf, "ClamAV-VDB:x:5:2:216:m:X:test:1488891720");
        buf[60] = '\0';
        assert_int_equal(cvd_header_parse(buf, sizeof(buf), &h), 0);
        assert_int_equal(h.build_time, 1488891720);
}

static void test_clamd_version(void **state) {
        struct clamd_version v;
        static const char answer[] = "ClamAV 1.4.6/27000/Fri Nov 20 09:00:00 2026";

        (void)state;
        assert_int_equal(clamd_version_parse(answer, sizeof(answer), &v), 0); /* with its NUL */
        assert_string_equal(v.engine, "1.4.6");
        assert_string_equal(v.database, "27000");
        assert_string_equal(v.date, "Fri Nov 20 09:00:00 2026");
        assert_int_equal(clamd_version_parse("ClamAV 1.4.6\n", 13, &v), 0);
        assert_string_equal(v.engine, "1.4.6");
        assert_string_equal(v.database, "");
        assert_int_equal(clamd_version_parse("COMMAND UNAVAILABLE", 19, &v), -EBADMSG);
        assert_int_equal(clamd_version_parse("ClamAV 1/x2/d", 13, &v), -EBADMSG);
        assert_int_equal(clamd_version_parse("ClamAV \x1b[31m/1/d", 17, &v), -EBADMSG);
        assert_int_equal(clamd_version_parse("ClamAV ", 7, &v), -EBADMSG);
}

static void test_clamd_conf(void **state) {
        static const char good[] = "# clamd.conf\nLocalSocket \"/run/clamav/clamd.ctl\"\n"
                                   "TCPSocket 3310\nTCPAddr 127.0.0.1\nTCPAddr ::1\n"
                                   "DatabaseDirectory /var/lib/clamav\nUnknownKey x\n";
        struct clamd_conf c;
        size_t line = 0;

        (void)state;
        assert_int_equal(clamd_conf_parse(good, strlen(good), &c, &line), 0);
        assert_string_equal(c.local_socket, "/run/clamav/clamd.ctl");
        assert_int_equal(c.tcp_port, 3310);
        assert_string_equal(c.tcp_addr, "127.0.0.1"); /* the first */
        assert_string_equal(c.database_directory, "/var/lib/clamav");
        clamd_conf_free(&c);
        assert_int_equal(clamd_conf_parse("LocalSocket /a\nTCPSocket 99999\n", 30, &c, &line),
                         -EBADMSG);
        assert_int_equal(line, 2);
        assert_int_equal(clamd_conf_parse("DatabaseDirectory relative\n", 27, &c, &line), -EBADMSG);
        assert_int_equal(line, 1);
}

static void test_freshclam_log(void **state) {
        static const char log[] =
                "Mon Nov 30 10:00:00 2026 -> ClamAV update process started at Mon Nov 30 10:00:00 "
                "2026\nMon Nov 30 10:00:02 2026 -> ERROR: Update failed for database: daily\n"
                "-----\nTue Dec  1 08:00:00 2026 -> ClamAV update process started at Tue Dec  1 "
                "08:00:00 2026\nTue Dec  1 08:00:01 2026 -> daily.cld database is up-to-date "
                "(version: 27000, sigs: 1, f-level: 90, builder: x)\n";
        static const char plain[] = "ClamAV update process started at Tue Dec  1 08:00:00 2026\n"
                                    "main.cvd updated (version: 62)\n";
        enum freshclam_result r;
        int64_t t;

        (void)state;
        setenv("TZ", "UTC", 1);
        assert_int_equal(freshclam_log_parse(log, strlen(log), &r, &t), 0);
        assert_int_equal(r, FRESHCLAM_UP_TO_DATE);
        assert_int_equal(t, 1796112000); /* 2026-12-01T08:00:00Z */
        /* without LogTime, and the first run alone: it failed */
        assert_int_equal(freshclam_log_parse(log, 128, &r, &t), 0);
        assert_int_equal(r, FRESHCLAM_FAILED);
        assert_int_equal(freshclam_log_parse(plain, strlen(plain), &r, &t), 0);
        assert_int_equal(r, FRESHCLAM_UPDATED);
        assert_int_equal(freshclam_log_parse("ClamAV update process started at x\n", 35, &r, &t),
                         -ENOENT);
        assert_int_equal(freshclam_log_parse("", 0, &r, &t), -ENOENT);
        assert_string_equal(freshclam_result_to_string(FRESHCLAM_FAILED), "failed");
}

static int parse(struct av_profiles *p, const char *text, char error[AV_ERROR_MAX]) {
        return av_profiles_parse("t.ini", text, strlen(text), p, error);
}

#define GOOD "[x]\nproduct = X AV\nverified = no\nsource = test\n"

static void test_profiles(void **state) {
        struct av_profiles p = {0};
        char error[AV_ERROR_MAX];

        (void)state;
        assert_int_equal(parse(&p,
                               GOOD "installed = /opt/x\ndaemon = /opt/x/bin/*\n"
                                    "realtime = /opt/x/rt sha256:" /* 64 hex digits */
                                    "00112233445566778899aabbccddeeff"
                                    "00112233445566778899AABBCCDDEEFF\nunit = x.service\n",
                               error),
                         0);
        assert_int_equal(p.n, 1);
        assert_string_equal(p.v[0].product, "X AV");
        assert_int_equal(p.v[0].n_exes, 2);
        assert_true(p.v[0].exes[1].has_sha256);
        assert_int_equal(p.v[0].exes[1].sha256[31], 0xff);
        assert_int_equal(p.v[0].exes[1].role, AV_ROLE_REALTIME);
        /* a later file's [x] replaces it */
        assert_int_equal(parse(&p,
                               "[x]\nproduct = Y\nverified = yes\nsource = s\n"
                               "installed = /y\n",
                               error),
                         0);
        assert_int_equal(p.n, 1);
        assert_string_equal(p.v[0].product, "Y");
        assert_int_equal(p.v[0].n_exes, 0);
        av_profiles_free(&p);
}

static void test_profile_errors(void **state) {
        static const struct {
                const char *text;
                const char *error;
        } cases[] = {
                {GOOD "installed = /x\ndaemonn = /x\n", "t.ini:6: unknown key 'daemonn'"},
                {"product = X\n", "t.ini:1: 'product' outside a [profile] section"},
                {"[x]\nverified = no\nsource = s\ninstalled = /x\n",
                 "t.ini:1: profile 'x' has no 'product'"},
                {GOOD "daemon = /x/\n\n[y]\n", "t.ini:7: profile 'y' has no 'product'"},
                {GOOD "installed = /x\n[x]\n", "t.ini:6: profile 'x' defined twice"},
                {"[Bad Id]\n", "t.ini:1: a section is [id], id of a-z, 0-9, '_', '-' (at most 63)"},
                {GOOD "daemon = /x/* sha256:"
                      "00112233445566778899aabbccddeeff"
                      "00112233445566778899aabbccddeeff\n",
                 "t.ini:5: 'daemon': a hash needs an exact path, not a pattern"},
                {GOOD "daemon = /x sha256:00\n",
                 "t.ini:5: 'daemon': after the path, only sha256:<64 hex digits>"},
                {GOOD "installed = relative\n", "t.ini:5: 'installed' needs an absolute path"},
                {GOOD "verified = yes\n", "t.ini:5: 'verified' set twice"},
                {GOOD "managed = maybe\n", "t.ini:5: 'managed' is yes or no, not 'maybe'"},
                {GOOD "\n", "t.ini:1: profile 'x' has neither 'installed' nor a process"},
                {GOOD "signatures = kaspersky /x\n",
                 "t.ini:5: 'signatures' is 'clamav /path' (the only format known)"},
                {GOOD "unit = a/b\n", "t.ini:5: 'unit' is a unit name, not 'a/b'"},
                {GOOD "product\n", "t.ini:5: expected 'key = value' or '[profile]'"},
                {GOOD "source =\n", "t.ini:5: 'source' has no value"},
                {GOOD "x = \001\n", "t.ini:5: a control character"},
        };
        struct av_profiles p = {0};
        char error[AV_ERROR_MAX];

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                assert_int_equal(parse(&p, cases[i].text, error), -EBADMSG);
                assert_string_equal(error, cases[i].error);
                assert_int_equal(p.n, 0); /* all or nothing */
        }
        assert_int_equal(av_profiles_parse("nul.ini", "[x]\0", 4, &p, error), -EBADMSG);
        assert_string_equal(error, "nul.ini: a NUL byte: not a text file");
}

/* The file shipped with the agent parses, and each profile says whether it was verified. */
static void test_shipped(void **state) {
        struct av_profiles p = {0};
        char error[AV_ERROR_MAX];
        bool clamav = false;

        (void)state;
        assert_int_equal(av_profiles_parse("antivirus.ini", av_builtin_profiles,
                                           av_builtin_profiles_size, &p, error),
                         0);
        assert_true(p.n >= 8);
        for (size_t i = 0; i < p.n; i++) {
                assert_true(p.v[i].verified == 0 || p.v[i].verified == 1);
                if (strcmp(p.v[i].id, "clamav") == 0)
                        clamav = p.v[i].verified == 1 && p.v[i].managed == 0;
        }
        assert_true(clamav);
        av_profiles_free(&p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cvd),
                cmocka_unit_test(test_clamd_version),
                cmocka_unit_test(test_clamd_conf),
                cmocka_unit_test(test_profiles),
                cmocka_unit_test(test_profile_errors),
                cmocka_unit_test(test_shipped),
                cmocka_unit_test(test_freshclam_log),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

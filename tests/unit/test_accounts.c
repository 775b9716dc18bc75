/* The accounts' parsers: passwd/shadow/group facts (never a hash), bad lines named by line,
 * sudoers grants (table-driven), display managers' automatic login. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "accounts.h"
#include "accounts_dm.h"
#include "accounts_files.h"
#include "accounts_sudoers.h"
#include "report.h"

static char bad[256];

static void on_bad(const char *file, unsigned line, const char *why, void *userdata) {
        size_t n = strlen(bad);

        (void)userdata;
        snprintf(bad + n, sizeof(bad) - n, "%s:%u:%s;", file, line, why);
}

static void test_passwd_shadow_group(void **state) {
        static const char passwd[] = "root:x:0:0:root:/root:/bin/bash\n"
                                     "alice:x:1001:1001:Alice A,Room 1,,:/home/alice:/bin/sh\n"
                                     "junk\n"
                                     "bob:x:1002:100::/home/bob:\n"
                                     "old::1003:1003:Old style:/:/bin/sh\n"
                                     "neg:x:-1:0::/:/bin/sh\n"
                                     "alice:x:2000:2000:dup:/:/bin/sh\n";
        static const char shadow[] = "root:!locked:20000:0:99999:7:::\n"
                                     "alice:$6$s$h:19000:0:90:7:::\n"
                                     "bob::20000:0::7:::\n"
                                     "nobody-here:x:1:2:3:4:::\n"
                                     "short:line\n";
        static const char group[] = "sudo:x:27:alice\nusers:x:100:\nbad:x:zz:\n";
        struct accounts_db db;
        const struct accounts_user *u;

        (void)state;
        bad[0] = '\0';
        accounts_db_init(&db);
        assert_int_equal(accounts_parse_passwd(&db, passwd, strlen(passwd), "passwd", on_bad, NULL),
                         0);
        assert_int_equal(accounts_parse_shadow(&db, shadow, strlen(shadow), "shadow", on_bad, NULL),
                         0);
        assert_int_equal(accounts_parse_group(&db, group, strlen(group), "group", on_bad, NULL), 0);
        assert_string_equal(bad, "passwd:3:not 7 fields;passwd:6:bad uid or gid;"
                                 "passwd:7:duplicate name, first kept;shadow:5:not 9 fields;"
                                 "group:3:empty name or bad gid;");
        assert_int_equal(db.n_users, 4);
        u = accounts_db_user(&db, "root");
        assert_int_equal(u->locked, 1);
        assert_int_equal(u->password_empty, 0);
        assert_int_equal(u->changed_days, 20000);
        u = accounts_db_user(&db, "alice");
        assert_string_equal(u->gecos, "Alice A");
        assert_int_equal(u->uid, 1001);
        assert_int_equal(u->locked, 0);
        assert_int_equal(u->max_days, 90);
        assert_true(accounts_db_in_group(accounts_db_group(&db, "sudo"), u));
        u = accounts_db_user(&db, "bob");
        assert_null(u->gecos);
        assert_null(u->shell);
        assert_int_equal(u->password_empty, 1);
        assert_int_equal(u->max_days, -1);
        assert_true(accounts_db_in_group(accounts_db_group(&db, "users"), u)); /* primary */
        assert_false(accounts_db_in_group(accounts_db_group(&db, "sudo"), u));
        u = accounts_db_user(&db, "old"); /* no shadow entry: passwd's own empty field */
        assert_int_equal(u->password_empty, 1);
        assert_int_equal(u->changed_days, REPORT_UNSET);
        accounts_db_free(&db);
}

static void test_login_defs(void **state) {
        static const char defs[] = "# c\nUID_MIN\t\t 500\nUID_MAX 2000 # why\nUMASK 022\n";
        struct accounts_db db;

        (void)state;
        accounts_db_init(&db);
        assert_int_equal(db.uid_min, 1000);
        assert_int_equal(db.uid_max, 60000);
        assert_int_equal(accounts_parse_login_defs(&db, defs, strlen(defs)), 0);
        assert_int_equal(db.uid_min, 500);
        assert_int_equal(db.uid_max, 2000);
        accounts_db_free(&db);
}

static int grant(const char *who, unsigned line, void *userdata) {
        char *out = userdata;
        size_t n = strlen(out);

        snprintf(out + n, 256 - n, "%s@%u ", who, line);
        return 0;
}

static int include(const char *path, int dir, unsigned line, void *userdata) {
        char *out = userdata;
        size_t n = strlen(out);

        snprintf(out + n, 256 - n, "%s%s@%u ", dir ? "dir:" : "file:", path, line);
        return 0;
}

static int alias(const char *name, const char *member, unsigned line, void *userdata) {
        char *out = userdata;
        size_t n = strlen(out);

        (void)line;
        snprintf(out + n, 256 - n, "%s>%s ", member, name);
        return 0;
}

static void test_sudoers(void **state) {
        static const struct {
                const char *text, *want;
        } cases[] = {
                {"root ALL=(ALL:ALL) ALL\n", "root@1 "},
                {"%sudo   ALL=(ALL:ALL) ALL\n", "%sudo@1 "},
                {"%ops ALL=(ALL) NOPASSWD: ALL\n", "%ops@1 "},
                {"judy ALL=(root) /usr/bin/apt\n", ""},
                {"alice, bob  host1 = (root) /bin/ls, ALL\n", "alice@1 bob@1 "},
                {"carl ALL = (root) NOPASSWD:SETENV: /bin/ls, \\\n    ALL\n", "carl@1 "},
                {"# erin ALL=(ALL) ALL\nDefaults env_reset\n", ""},
                {"#1000 ALL=(ALL) ALL\n", "#1000@1 "},
                {"!mallory ALL=ALL\n", ""},
                {"\n\n@includedir /etc/sudoers.d\n#include \"/etc/sudoers local\"\n",
                 "dir:/etc/sudoers.d@3 file:/etc/sudoers local@4 "},
                {"#includedir /etc/sudoers.d\n", "dir:/etc/sudoers.d@1 "},
                {"User_Alias ADMINS = ann\nADMINS ALL = ALL\n", "ann>ADMINS ADMINS@2 "},
                {"User_Alias A = x, %y : B = !z, A\n", "x>A %y>A A>B "},
                {"noequals\n", ""},
        };
        static const struct accounts_sudoers_ops ops = {grant, include, NULL, alias};

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char out[256] = "";
                assert_int_equal(
                        accounts_sudoers_parse(cases[i].text, strlen(cases[i].text), &ops, out), 0);
                if (strcmp(out, cases[i].want) != 0)
                        fail_msg("case %zu: got '%s', want '%s'", i, out, cases[i].want);
        }
}

static int autologin(const char *user, enum accounts_dm_kind k, void *userdata) {
        char *out = userdata;
        size_t n = strlen(out);

        snprintf(out + n, 256 - n, "%s:%s ", accounts_dm_name(k), user);
        return 0;
}

static void test_display_managers(void **state) {
        struct accounts_dm dm;
        char out[256] = "";

        (void)state;
        accounts_dm_init(&dm);
        assert_int_equal(accounts_dm_parse(&dm, ACCOUNTS_DM_LIGHTDM,
                                           "[Seat:*]\nautologin-user=gina\nallow-guest=true\n"
                                           "[Other]\nautologin-user=nobody\n"),
                         0);
        /* a later drop-in overrides */
        assert_int_equal(accounts_dm_parse(&dm, ACCOUNTS_DM_LIGHTDM,
                                           "[SeatDefaults]\ngreeter-allow-guest=false\n"),
                         0);
        assert_int_equal(dm.lightdm_guest, 0);
        /* GDM: a user without AutomaticLoginEnable does not log in by itself */
        assert_int_equal(accounts_dm_parse(&dm, ACCOUNTS_DM_GDM,
                                           "# GDM\n[daemon]\nAutomaticLogin=bob\n"
                                           "TimedLoginEnable=true\nTimedLogin=carol\n"),
                         0);
        assert_int_equal(accounts_dm_parse(&dm, ACCOUNTS_DM_SDDM,
                                           "[Autologin]\nUser=dave\nSession=plasma\n"),
                         0);
        assert_int_equal(accounts_dm_parse(&dm, ACCOUNTS_DM_SDDM, "[broken\n"), 1);
        assert_int_equal(accounts_dm_autologins(&dm, autologin, out), 0);
        assert_string_equal(out, "lightdm:gina gdm:carol sddm:dave ");
        accounts_dm_free(&dm);
}

/* Debian 13's lastlog2: the latest time per name; anything else is -EIO, not a crash */
static void test_lastlog2(void **state) {
        char path[] = "/tmp/test-lastlog2-XXXXXX";
        struct report_account acc[3] = {
                {.name = (char *)"alice"}, {.name = (char *)"bob"}, {.name = (char *)"carol"}};
        struct report r = {.accounts = acc, .n_accounts = 3};
        int64_t best[2] = {0, 1700000000};
        sqlite3 *db;
        int fd = mkstemp(path);

        (void)state;
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                                      "CREATE TABLE Lastlog2(Name TEXT PRIMARY KEY, Time INTEGER,"
                                      " TTY TEXT, RemoteHost TEXT, Service TEXT);"
                                      "INSERT INTO Lastlog2 VALUES('bob', 1600000000, 'tty1', '',"
                                      " 'login'), ('carol', 1800000000, 'pts/0', '192.0.2.1',"
                                      " 'sshd'), ('alice', 5, NULL, NULL, NULL);",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
        /* from the second account on: alice is not looked at */
        assert_int_equal(accounts_lastlog2_read(path, &r, 1, best), 0);
        assert_int_equal(best[0], 1600000000);
        assert_int_equal(best[1], 1800000000);
        fd = open(path, O_WRONLY | O_TRUNC);
        assert_int_equal(write(fd, "not sqlite at all, not at all........", 37), 37);
        close(fd);
        assert_int_equal(accounts_lastlog2_read(path, &r, 0, best), -EIO);
        unlink(path);
        assert_int_equal(accounts_lastlog2_read(path, &r, 0, best), -ENOENT);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_passwd_shadow_group),
                cmocka_unit_test(test_login_defs),
                cmocka_unit_test(test_sudoers),
                cmocka_unit_test(test_display_managers),
                cmocka_unit_test(test_lastlog2),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

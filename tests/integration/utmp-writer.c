/* Appends wtmp/btmp records through glibc's updwtmpx(), as login(1), sshd and init do: the
 * accounts and sessions tests write their wtmp and btmp with it. One record per line of
 * stdin:  KIND SECONDS LINE ID USER HOST ADDRESS  ("-" for an empty field), KIND one of
 * login, logout, boot, shutdown, failed (a login record, for btmp). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utmpx.h>

static void set(char *dst, size_t size, const char *s) {
        if (strcmp(s, "-") != 0)
                strncpy(dst, s, size); /* utmp's fields need no NUL when full */
}

int main(int argc, char **argv) {
        char kind[16], line[64], id[16], user[64], host[300], addr[64];
        long long sec;
        int n = 0;

        if (argc != 2) {
                fprintf(stderr, "usage: %s FILE < records\n", argv[0]);
                return 2;
        }
        while (scanf("%15s %lld %63s %15s %63s %299s %63s", kind, &sec, line, id, user, host,
                     addr) == 7) {
                struct utmpx u;

                memset(&u, 0, sizeof(u));
                if (strcmp(kind, "login") == 0 || strcmp(kind, "failed") == 0)
                        u.ut_type = USER_PROCESS;
                else if (strcmp(kind, "logout") == 0)
                        u.ut_type = DEAD_PROCESS;
                else if (strcmp(kind, "boot") == 0)
                        u.ut_type = BOOT_TIME;
                else if (strcmp(kind, "shutdown") == 0)
                        u.ut_type = RUN_LVL;
                else {
                        fprintf(stderr, "unknown kind '%s'\n", kind);
                        return 2;
                }
                u.ut_pid = 1000 + n;
                u.ut_tv.tv_sec = (int32_t)sec;
                set(u.ut_line, sizeof(u.ut_line), line);
                set(u.ut_id, sizeof(u.ut_id), id);
                set(u.ut_user, sizeof(u.ut_user), user);
                set(u.ut_host, sizeof(u.ut_host), host);
                if (strchr(addr, ':'))
                        inet_pton(AF_INET6, addr, u.ut_addr_v6);
                else if (strcmp(addr, "-") != 0)
                        inet_pton(AF_INET, addr, u.ut_addr_v6);
                updwtmpx(argv[1], &u);
                n++;
        }
        return 0;
}

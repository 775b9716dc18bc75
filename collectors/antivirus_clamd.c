/* clamd's configuration and its VERSION answer (antivirus_clamd.h). */
#include "antivirus_clamd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ini_config.h"

void clamd_conf_free(struct clamd_conf *c) {
        if (!c)
                return;
        free(c->local_socket);
        free(c->tcp_addr);
        free(c->database_directory);
        memset(c, 0, sizeof(*c));
}

static int set_string(char **field, const char *v, size_t n, bool keep_first) {
        char *s;

        if (keep_first && *field)
                return 0;
        s = strndup(v, n);
        if (!s)
                return -ENOMEM;
        free(*field);
        *field = s;
        return 0;
}

/* One "Key value" line [p, e): blanks trimmed; a value may be quoted. */
static int conf_line(const char *p, const char *e, struct clamd_conf *c) {
        const char *k, *v;
        size_t kn;
        unsigned port;
        char num[8];

        while (p < e && (*p == ' ' || *p == '\t'))
                p++;
        while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                e--;
        if (p == e || *p == '#')
                return 0;
        k = p;
        while (p < e && *p != ' ' && *p != '\t' && *p != '=')
                p++;
        kn = (size_t)(p - k);
        while (p < e && (*p == ' ' || *p == '\t' || *p == '='))
                p++;
        v = p;
        if (e - v >= 2 && *v == '"' && e[-1] == '"') {
                v++;
                e--;
        }
        if (memchr(v, '\0', (size_t)(e - v)))
                return -EBADMSG;
#define KEY(name) (kn == strlen(name) && strncasecmp(k, name, kn) == 0)
        if (KEY("LocalSocket"))
                return v < e && *v == '/' && e - v < CLAMD_PATH_MAX
                               ? set_string(&c->local_socket, v, (size_t)(e - v), false)
                               : -EBADMSG;
        if (KEY("DatabaseDirectory"))
                return v < e && *v == '/' && e - v < CLAMD_VALUE_MAX
                               ? set_string(&c->database_directory, v, (size_t)(e - v), false)
                               : -EBADMSG;
        if (KEY("TCPAddr"))
                return v < e && e - v < 64 ? set_string(&c->tcp_addr, v, (size_t)(e - v), true)
                                           : -EBADMSG;
        if (KEY("TCPSocket")) {
                if (e - v <= 0 || (size_t)(e - v) >= sizeof(num))
                        return -EBADMSG;
                memcpy(num, v, (size_t)(e - v));
                num[e - v] = '\0';
                if (ini_parse_uint(num, 1, 65535, &port) < 0)
                        return -EBADMSG;
                c->tcp_port = port;
        }
#undef KEY
        return 0;
}

int clamd_conf_parse(const char *buf, size_t len, struct clamd_conf *ret, size_t *ret_line) {
        const char *p = buf, *end = buf + len;
        size_t line = 0;

        memset(ret, 0, sizeof(*ret));
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *eol = nl ? nl : end;
                int r = conf_line(p, eol, ret);
                line++;
                if (r < 0) {
                        if (ret_line)
                                *ret_line = line;
                        clamd_conf_free(ret);
                        return r;
                }
                p = eol + 1;
        }
        return 0;
}

/* "ClamAV 1.4.6/27000/Fri Nov 20 09:00:00 2026"; "ClamAV 1.4.6" when clamd has no dated
 * database. */
int clamd_version_parse(const char *buf, size_t len, struct clamd_version *ret) {
        const char *p = buf, *end, *s1, *s2;

        while (len && (buf[len - 1] == '\0' || buf[len - 1] == '\n'))
                len--;
        end = buf + len;
        if (len < 8 || memcmp(buf, "ClamAV ", 7) != 0 || memchr(buf, '\0', len))
                return -EBADMSG;
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] > 0x7e)
                        return -EBADMSG;
        memset(ret, 0, sizeof(*ret));
        p += 7;
        s1 = memchr(p, '/', (size_t)(end - p));
        if (!s1)
                s1 = end;
        if (s1 == p || (size_t)(s1 - p) >= sizeof(ret->engine))
                return -EBADMSG;
        memcpy(ret->engine, p, (size_t)(s1 - p));
        if (s1 == end)
                return 0;
        p = s1 + 1;
        s2 = memchr(p, '/', (size_t)(end - p));
        if (!s2 || s2 == p || (size_t)(s2 - p) >= sizeof(ret->database) ||
            (size_t)(end - s2 - 1) >= sizeof(ret->date))
                return -EBADMSG;
        for (const char *d = p; d < s2; d++)
                if (*d < '0' || *d > '9')
                        return -EBADMSG;
        memcpy(ret->database, p, (size_t)(s2 - p));
        memcpy(ret->date, s2 + 1, (size_t)(end - s2 - 1));
        return 0;
}

static long long now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until the deadline: 0, -ETIMEDOUT, -errno. */
static int wait_for(int fd, short events, long long deadline) {
        for (;;) {
                struct pollfd pfd = {.fd = fd, .events = events};
                long long left = deadline - now_ms();
                int n;
                if (left <= 0)
                        return -ETIMEDOUT;
                n = poll(&pfd, 1, (int)left);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n > 0)
                        return 0;
        }
}

static int connect_to(const struct clamd_conf *c, long long deadline) {
        struct sockaddr_storage sa;
        socklen_t sa_len;
        int fd, r, err = 0;
        socklen_t err_len = sizeof(err);

        memset(&sa, 0, sizeof(sa));
        if (c->local_socket) {
                struct sockaddr_un *un = (struct sockaddr_un *)&sa;
                size_t n = strlen(c->local_socket);
                if (n >= sizeof(un->sun_path))
                        return -ENAMETOOLONG;
                un->sun_family = AF_UNIX;
                memcpy(un->sun_path, c->local_socket, n);
                sa_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
        } else if (c->tcp_port) {
                /* an address literal only: no name is resolved (no traffic leaves the PC
                 * for a DNS server); no TCPAddr means clamd listens everywhere, loopback too */
                const char *addr = c->tcp_addr ? c->tcp_addr : "127.0.0.1";
                struct sockaddr_in *in = (struct sockaddr_in *)&sa;
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&sa;
                if (inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
                        in->sin_family = AF_INET;
                        in->sin_port = htons((uint16_t)c->tcp_port);
                        sa_len = sizeof(*in);
                } else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
                        in6->sin6_family = AF_INET6;
                        in6->sin6_port = htons((uint16_t)c->tcp_port);
                        sa_len = sizeof(*in6);
                } else {
                        return -EADDRNOTAVAIL;
                }
        } else {
                return -ENOTCONN;
        }
        fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *)&sa, sa_len) == 0)
                return fd;
        r = -errno;
        if (r == -EINPROGRESS || r == -EAGAIN) {
                r = wait_for(fd, POLLOUT, deadline);
                if (r == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) < 0)
                        r = -errno;
                else if (r == 0 && err)
                        r = -err;
                if (r == 0)
                        return fd;
        }
        close(fd);
        return r;
}

int clamd_query_version(const struct clamd_conf *c, unsigned deadline_ms,
                        char answer[CLAMD_ANSWER_MAX + 1]) {
        static const char request[] = "zVERSION"; /* with its NUL: the z form ends so */
        long long deadline = now_ms() + deadline_ms;
        size_t sent = 0, got = 0;
        int fd = connect_to(c, deadline), r = 0;

        answer[0] = '\0';
        if (fd < 0)
                return fd;
        while (r == 0 && sent < sizeof(request)) {
                ssize_t n = send(fd, request + sent, sizeof(request) - sent, MSG_NOSIGNAL);
                if (n > 0)
                        sent += (size_t)n;
                else if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        r = wait_for(fd, POLLOUT, deadline);
                else
                        r = n < 0 ? -errno : -EPIPE;
        }
        /* until its NUL, its end, the cap or the deadline */
        while (r == 0 && got < CLAMD_ANSWER_MAX && !memchr(answer, '\0', got)) {
                ssize_t n;
                r = wait_for(fd, POLLIN, deadline);
                if (r < 0)
                        break;
                n = recv(fd, answer + got, CLAMD_ANSWER_MAX - got, 0);
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                if (n < 0)
                        r = -errno;
                if (n <= 0)
                        break;
                got += (size_t)n;
        }
        close(fd);
        answer[got] = '\0';
        if (r == 0 && got == 0)
                r = -ENODATA;
        return r;
}

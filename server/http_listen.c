/* Before serving: the listening socket, and a check that the TLS settings load (for
 * `serve -n`; libmicrohttpd itself loads them when the server starts). */
#include "http.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

int http_check_tls(const struct server_config *c) {
        gnutls_certificate_credentials_t cred = NULL;
        gnutls_priority_t prio = NULL;
        const char *where = NULL;
        int r;

        if (!c->tls)
                return 0;
        if (!c->tls_cert || !c->tls_key)
                return log_error_errno(-EINVAL, "tls is on: [server] tls_cert and tls_key are "
                                                "required (or tls = off for tests)");
        if (gnutls_certificate_allocate_credentials(&cred) < 0)
                return -ENOMEM;
        r = gnutls_certificate_set_x509_key_file(cred, c->tls_cert, c->tls_key,
                                                 GNUTLS_X509_FMT_PEM);
        if (r < 0)
                log_error("tls_cert '%s', tls_key '%s': %s", c->tls_cert, c->tls_key,
                          gnutls_strerror(r));
        else if ((r = gnutls_priority_init(&prio, c->tls_priorities, &where)) < 0)
                log_error("tls_priorities '%s': %s at '%s'", c->tls_priorities, gnutls_strerror(r),
                          where ? where : "?");
        gnutls_priority_deinit(prio);
        gnutls_certificate_free_credentials(cred);
        return r < 0 ? -EINVAL : 0;
}

int http_listen(const char *address, int *ret_fd) {
        struct addrinfo hints = {.ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM};
        struct addrinfo *ai = NULL;
        struct sockaddr_storage ss = {0};
        socklen_t sl = sizeof(ss);
        char host[256], port[16], shost[NI_MAXHOST], sport[NI_MAXSERV];
        const char *colon = strrchr(address, ':');
        const char *h = address;
        size_t hl;
        int fd, r, one = 1;

        if (!colon || colon[1] == '\0' || strlen(colon + 1) >= sizeof(port))
                return log_error_errno(-EINVAL, "listen '%s': expected host:port", address);
        hl = (size_t)(colon - address);
        if (hl >= 2 && address[0] == '[' && address[hl - 1] == ']') {
                h++;
                hl -= 2;
        }
        if (hl >= sizeof(host))
                return log_error_errno(-EINVAL, "listen '%s': host too long", address);
        memcpy(host, h, hl);
        host[hl] = '\0';
        memcpy(port, colon + 1, strlen(colon + 1) + 1);
        r = getaddrinfo(strcmp(host, "*") == 0 || host[0] == '\0' ? NULL : host, port, &hints, &ai);
        if (r != 0)
                return log_error_errno(-EINVAL, "listen '%s': %s", address, gai_strerror(r));
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
                r = -errno;
                freeaddrinfo(ai);
                return log_error_errno(r, "socket");
        }
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1024) < 0) {
                r = -errno;
                freeaddrinfo(ai);
                close(fd);
                return log_error_errno(r, "cannot listen on '%s'", address);
        }
        freeaddrinfo(ai);
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
            getnameinfo((struct sockaddr *)&ss, sl, shost, sizeof(shost), sport, sizeof(sport),
                        NI_NUMERICHOST | NI_NUMERICSERV) == 0)
                log_info("listening on %s%s%s:%s", ss.ss_family == AF_INET6 ? "[" : "", shost,
                         ss.ss_family == AF_INET6 ? "]" : "", sport);
        *ret_fd = fd;
        return 0;
}

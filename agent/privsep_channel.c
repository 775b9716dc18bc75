/* The worker's side of the channel to the privileged parent: one request at a time, whatever
 * process of the worker's asks (privsep.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "privsep_internal.h"

/* Shared by the worker and the children it forks (a collector's snapshot run aside asks the
 * parent too): the lock keeps one request on the channel at a time, else one process could
 * read the other's reply; the id counter keeps ids unique across them, so a reply left on the
 * channel by a child killed mid-request is recognised as late and dropped. */
struct privsep_shared {
        pthread_mutex_t lock; /* robust: a child killed holding it does not stall the worker */
        uint32_t last_id;
};

int privsep_channel_new(int fd, struct privsep **ret) {
        struct privsep *p = calloc(1, sizeof(*p));
        pthread_mutexattr_t attr;
        int e;

        if (!p)
                return -ENOMEM;
        p->fd = fd;
        p->shared = mmap(NULL, sizeof(*p->shared), PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p->shared == MAP_FAILED) {
                e = -errno;
                free(p);
                return e;
        }
        e = pthread_mutexattr_init(&attr);
        if (e == 0)
                e = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
        if (e == 0)
                e = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
        if (e == 0)
                e = pthread_mutex_init(&p->shared->lock, &attr);
        (void)pthread_mutexattr_destroy(&attr);
        if (e != 0) {
                munmap(p->shared, sizeof(*p->shared));
                free(p);
                return -e;
        }
        *ret = p;
        return 0;
}

static int lock(struct privsep *p) {
        int e = pthread_mutex_lock(&p->shared->lock);

        /* its holder died mid-request: the channel is still sound (ids tell replies apart) */
        if (e == EOWNERDEAD)
                e = pthread_mutex_consistent(&p->shared->lock);
        return -e;
}

static void unlock(struct privsep *p) {
        (void)pthread_mutex_unlock(&p->shared->lock);
}

/* One message and the fd beside it, if any (closed when unwanted). */
static ssize_t recv_with_fd(int sock, void *buf, size_t size, int *ret_fd) {
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int))];
        } control;
        struct iovec iov = {.iov_base = buf, .iov_len = size};
        struct msghdr msg = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buf,
                             .msg_controllen = sizeof(control.buf)};
        ssize_t n = recvmsg(sock, &msg, MSG_TRUNC | MSG_CMSG_CLOEXEC);

        *ret_fd = -1;
        if (n < 0)
                return n;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
                    c->cmsg_len == CMSG_LEN(sizeof(int)))
                        memcpy(ret_fd, CMSG_DATA(c), sizeof(int));
        if (msg.msg_flags & MSG_CTRUNC) {
                /* more than one fd: not from our parent; none is kept */
                if (*ret_fd >= 0)
                        close(*ret_fd);
                *ret_fd = -1;
                errno = EBADMSG;
                return -1;
        }
        return n;
}

static int exchange(struct privsep *p, uint32_t id, const void *req, size_t len, void *reply,
                    size_t size, size_t *ret_len, int *ret_fd) {
        _Alignas(struct privsep_hello_reply) unsigned char buf[PRIVSEP_MSG_MAX];

        if (send(p->fd, req, len, MSG_NOSIGNAL) < 0)
                return errno == EPIPE ? -ECONNRESET : -errno;
        for (;;) {
                struct privsep_header h;
                int fd;
                ssize_t n = recv_with_fd(p->fd, buf, sizeof(buf), &fd);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
                if (n == 0)
                        return -ECONNRESET;
                if ((size_t)n >= sizeof(h)) {
                        memcpy(&h, buf, sizeof(h));
                        /* the late reply of a request that timed out, or of a child's that
                         * was killed before it read it: of any type and size */
                        if (h.id != id) {
                                if (fd >= 0)
                                        close(fd);
                                continue;
                        }
                }
                if ((size_t)n > sizeof(buf) || (size_t)n > size || (size_t)n < sizeof(h)) {
                        if (fd >= 0)
                                close(fd);
                        return -EBADMSG;
                }
                memcpy(reply, buf, (size_t)n);
                *ret_len = (size_t)n;
                *ret_fd = fd;
                return 0;
        }
}

int privsep_transact_raw(struct privsep *p, uint32_t id, const void *req, size_t len, void *reply,
                         size_t size, size_t *ret_len, int *ret_fd) {
        _Alignas(struct privsep_hello_reply) unsigned char buf[PRIVSEP_MSG_MAX];
        int fd = -1, e;

        if (p->fd < 0) {
                /* not separated: the same decoder and handlers, in this process */
                size_t r = privsep_handle_request(req, len, buf, &fd);
                if (r > size) {
                        if (fd >= 0)
                                close(fd);
                        return -EMSGSIZE;
                }
                memcpy(reply, buf, r);
                *ret_len = r;
        } else {
                e = lock(p);
                if (e < 0)
                        return e;
                e = exchange(p, id, req, len, reply, size, ret_len, &fd);
                unlock(p);
                if (e < 0)
                        return e;
        }
        if (ret_fd)
                *ret_fd = fd;
        else if (fd >= 0)
                close(fd);
        return 0;
}

/* One request of the table: its header filled, the reply checked against the table. */
static int transact(struct privsep *p, enum privsep_request_type type, void *req, void *reply,
                    int *ret_fd) {
        const struct privsep_request_desc *d = &privsep_requests[type];
        struct privsep_header h = {.type = type}, rh;
        size_t len = 0;
        int fd = -1, e;

        /* the counter is shared with the worker's children; a torn increment only risks a
         * duplicate id, which the lock makes harmless */
        h.id = __atomic_add_fetch(&p->shared->last_id, 1, __ATOMIC_RELAXED);
        memcpy(req, &h, sizeof(h));
        e = privsep_transact_raw(p, h.id, req, d->request_size, reply, d->reply_size, &len, &fd);
        if (e < 0)
                return e;
        memcpy(&rh, reply, sizeof(rh));
        if (rh.type == type && len == sizeof(rh) && rh.error < 0)
                e = rh.error; /* the parent's refusal */
        else if (rh.type != type || len != d->reply_size || rh.error != 0)
                e = -EBADMSG;
        if (e == 0 && ret_fd) {
                *ret_fd = fd;
                return 0;
        }
        if (fd >= 0)
                close(fd);
        return e;
}

int privsep_hello(struct privsep *p, struct privsep_hello *ret) {
        struct privsep_hello_request req = {{0}};
        struct privsep_hello_reply reply;
        int e;

        if (!p)
                return -EINVAL;
        e = transact(p, PRIV_HELLO, &req, &reply, NULL);
        if (e < 0)
                return e;
        if (!memchr(reply.hello.text, '\0', sizeof(reply.hello.text)))
                return -EBADMSG;
        *ret = reply.hello;
        return 0;
}

int privsep_notify(struct privsep *p, const char *state) {
        struct privsep_notify_request req = {{0}, {0}};
        struct privsep_notify_reply reply;
        size_t len;

        if (!p || !state)
                return -EINVAL;
        len = strlen(state);
        if (len == 0 || len >= sizeof(req.state))
                return -EINVAL;
        memcpy(req.state, state, len);
        return transact(p, PRIV_NOTIFY, &req, &reply, NULL);
}

int privsep_source(struct privsep *p, enum privileged_source s, const char *arg) {
        struct privsep_source_request req = {{0}, 0, 0, {0}};
        struct privsep_source_reply reply;
        size_t len = arg ? strlen(arg) : 0;
        int fd = -1, e;

        if (!p || (unsigned)s >= PRIVILEGED_SOURCE_MAX || (arg && len == 0))
                return -EINVAL;
        if (len >= sizeof(req.arg))
                return -ENAMETOOLONG;
        req.source = (uint32_t)s;
        if (arg)
                memcpy(req.arg, arg, len);
        e = transact(p, PRIV_SOURCE, &req, &reply, &fd);
        if (e < 0)
                return e;
        return fd >= 0 ? fd : -EBADMSG; /* a success carries its fd */
}

int privsep_usb_authorize(struct privsep *p, const char *name, char value) {
        struct privsep_usb_authorize_request req = {{0}, {0}, 0, {0}};
        struct privsep_usb_authorize_reply reply;
        size_t len = name ? strlen(name) : 0;

        if (!p || len == 0 || len >= sizeof(req.name))
                return -EINVAL;
        memcpy(req.name, name, len);
        req.value = value;
        return transact(p, PRIV_USB_AUTHORIZE, &req, &reply, NULL);
}

void privsep_free(struct privsep *p) {
        if (!p)
                return;
        if (p->fd >= 0)
                close(p->fd);
        /* children of the worker map it too: each unmaps its own copy */
        munmap(p->shared, sizeof(*p->shared));
        free(p);
}

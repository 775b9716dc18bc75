/* The privileged parent: its table of requests, the decoder every message from the worker goes
 * through, and its event loop. The worker is the less trusted side (it parses udev data and
 * server replies): every message is checked for size, type and fields before anything runs,
 * and a malformed one costs an error reply, never the parent. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "privileged.h"
#include "privsep_internal.h"
#include "usb_control.h"

static int handle_hello(const void *request, void *reply, int *ret_fd) {
        struct privsep_hello_reply *r = reply;
        struct privsep_status st = {{0}, {0}, 0, 0, 0, 0, 0, 0};
        int e;

        (void)request; /* no arguments */
        (void)ret_fd;
        e = privsep_read_status("/proc/self/status", &st);
        if (e < 0)
                return e;
        r->hello.pid = (int32_t)getpid();
        r->hello.uid = (uint32_t)geteuid();
        r->hello.cap_effective = st.cap_effective;
        r->hello.cap_permitted = st.cap_permitted;
        e = privsep_describe_self(r->hello.text, sizeof(r->hello.text));
        return e == -ENOBUFS ? 0 : e; /* a shortened description is still one */
}

/* What the worker may tell systemd: the states of a service's life and a status line.
 * Never MAINPID= (the service's main process is decided by systemd and the parent), nor
 * FDSTORE=, ERRNO=, BUSERROR= or anything systemd may learn later. */
static bool notify_line_valid(const char *line, size_t len) {
        static const char *const states[] = {"READY=1", "RELOADING=1", "STOPPING=1", "WATCHDOG=1"};

        for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
                if (len == strlen(states[i]) && memcmp(line, states[i], len) == 0)
                        return true;
        if (len < 7 || memcmp(line, "STATUS=", 7) != 0)
                return false;
        for (size_t i = 7; i < len; i++) /* text: no control character (UTF-8 passes) */
                if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
                        return false;
        return true;
}

/* The end of a string in a fixed field: its NUL, with nothing hidden after it (a fixed
 * struct carries what it says); NULL when it is not such a string. */
static const char *fixed_string_end(const char *field, size_t size) {
        const char *end = memchr(field, '\0', size);

        if (!end)
                return NULL;
        for (const char *z = end; z < field + size; z++)
                if (*z)
                        return NULL;
        return end;
}

static int handle_notify(const void *request, void *reply, int *ret_fd) {
        const struct privsep_notify_request *r = request;
        const char *end = fixed_string_end(r->state, sizeof(r->state));
        int e;

        (void)reply; /* the header alone */
        (void)ret_fd;
        if (!end || end == r->state)
                return -EINVAL;
        for (const char *line = r->state; line < end;) {
                const char *nl = memchr(line, '\n', (size_t)(end - line));
                size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);

                if (!notify_line_valid(line, len)) {
                        /* the worker's text is not quoted: it may hold control characters */
                        log_warn("privsep: did not pass on a notification to systemd: the "
                                 "line at byte %zu is not READY, RELOADING, STOPPING, "
                                 "WATCHDOG or STATUS",
                                 (size_t)(line - r->state));
                        return -EINVAL;
                }
                line += len + (nl ? 1 : 0);
        }
        /* sd_notify's convention (> 0 sent, 0 not run by systemd) converted here */
        e = sd_notify(0, r->state);
        return e < 0 ? e : 0;
}

/* The source's own list decides (collectors/privileged.c: each entry says why); the worker's
 * arg is a path only compared with that list, never opened unless it is on it. */
static int handle_source(const void *request, void *reply, int *ret_fd) {
        const struct privsep_source_request *r = request;
        const char *end = fixed_string_end(r->arg, sizeof(r->arg));
        const char *arg = end && end != r->arg ? r->arg : NULL;
        int fd;

        (void)reply; /* the header alone */
        if (!end || r->unused != 0 || r->source >= PRIVILEGED_SOURCE_MAX)
                return -EINVAL;
        if (!privileged_allowed((enum privileged_source)r->source, arg)) {
                /* the worker's text is not quoted: only its length is logged */
                log_warn("privsep: refused the source '%s' with an argument of %zu bytes: not "
                         "on the parent's list",
                         privileged_source_to_string((enum privileged_source)r->source),
                         (size_t)(end - r->arg));
                return -EPERM;
        }
        fd = privileged_produce((enum privileged_source)r->source, arg);
        if (fd < 0)
                return fd;
        *ret_fd = fd;
        return 0;
}

const char *privsep_sysfs_root = "/sys";

/* Only a name sysfs gives a USB device or interface, only 0 or 1: the path is the parent's,
 * the worker chooses which device. Root owns the attribute: no capability. */
static int handle_usb_authorize(const void *request, void *reply, int *ret_fd) {
        const struct privsep_usb_authorize_request *r = request;
        const char *end = fixed_string_end(r->name, sizeof(r->name));
        char path[320];
        ssize_t n;
        int fd, e = 0;

        (void)reply; /* the header alone */
        (void)ret_fd;
        for (size_t i = 0; i < sizeof(r->unused); i++)
                if (r->unused[i])
                        return -EINVAL;
        if (!end || !usb_control_name_valid(r->name) || (r->value != '0' && r->value != '1'))
                return -EINVAL;
        snprintf(path, sizeof(path), "%s/bus/usb/devices/%s/authorized", privsep_sysfs_root,
                 r->name);
        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        n = write(fd, &r->value, 1);
        if (n < 0)
                e = -errno;
        else if (n != 1)
                e = -EIO;
        close(fd);
        if (e == 0)
                log_info("privsep: USB %s authorized = %c", r->name, r->value);
        return e;
}

/* The fixed table. A later issue adds a row (and its enum value, structs and handler); the
 * parent then keeps that row's capabilities, and docs/privsep.md gains the row. Planned:
 * opening the capture handle for the network watch (CAP_NET_RAW). */
const struct privsep_request_desc privsep_requests[PRIV_REQUEST_MAX] = {
        [PRIV_HELLO] =
                {
                        .name = "hello",
                        .request_size = sizeof(struct privsep_hello_request),
                        .reply_size = sizeof(struct privsep_hello_reply),
                        .caps = 0,
                        .why = "the parent's pid, uid and capabilities, for `status`: reads "
                               "only its own /proc/self/status",
                        .handle = handle_hello,
                },
        [PRIV_NOTIFY] =
                {
                        .name = "notify",
                        .request_size = sizeof(struct privsep_notify_request),
                        .reply_size = sizeof(struct privsep_notify_reply),
                        .caps = 0,
                        .why = "READY, RELOADING, STOPPING, WATCHDOG and STATUS for systemd, "
                               "which listens to the service's main process only "
                               "(NotifyAccess=main)",
                        .handle = handle_notify,
                },
        [PRIV_SOURCE] =
                {
                        .name = "source",
                        .request_size = sizeof(struct privsep_source_request),
                        .reply_size = sizeof(struct privsep_source_reply),
                        .caps = (UINT64_C(1) << CAP_NET_ADMIN) | (UINT64_C(1) << CAP_SYS_PTRACE),
                        .why = "what collectors cannot read unprivileged, from a fixed list "
                               "(collectors/privileged.c): root-only files (owned by root: "
                               "no capability); the nftables and iptables rulesets (the "
                               "kernel answers those dumps only with CAP_NET_ADMIN, of the "
                               "socket's opener and sender, so an fd cannot be lent); which "
                               "program each process runs (/proc/PID/exe of another user's "
                               "process needs CAP_SYS_PTRACE)",
                        .handle = handle_source,
                },
        [PRIV_USB_AUTHORIZE] =
                {
                        .name = "usb-authorize",
                        .request_size = sizeof(struct privsep_usb_authorize_request),
                        .reply_size = sizeof(struct privsep_usb_authorize_reply),
                        .caps = 0,
                        .why = "block mode: /sys/bus/usb/devices/NAME/authorized is root's to "
                               "write (0644), no capability; NAME is checked to be a USB "
                               "device or interface",
                        .handle = handle_usb_authorize,
                },
};

uint64_t privsep_parent_caps(void) {
        uint64_t caps = 0;

        for (size_t i = 0; i < PRIV_REQUEST_MAX; i++)
                caps |= privsep_requests[i].caps;
        return caps;
}

static size_t error_reply(const struct privsep_header *h, int error, void *reply) {
        struct privsep_header *out = reply;

        memset(out, 0, sizeof(*out));
        if (h) {
                out->type = h->type;
                out->id = h->id;
        }
        out->error = error;
        return sizeof(*out);
}

size_t privsep_handle_request(const void *msg, size_t len, void *reply, int *ret_fd) {
        const struct privsep_request_desc *d;
        struct privsep_header h;
        int e;

        *ret_fd = -1;
        if (len < sizeof(h)) {
                log_warn("privsep: ignored a request of %zu bytes, shorter than a header", len);
                return error_reply(NULL, -EBADMSG, reply);
        }
        memcpy(&h, msg, sizeof(h)); /* msg need not be aligned */
        if (h.type == PRIV_NONE || h.type >= PRIV_REQUEST_MAX || !privsep_requests[h.type].handle) {
                log_warn("privsep: ignored a request of unknown type %u", h.type);
                return error_reply(&h, -EOPNOTSUPP, reply);
        }
        d = &privsep_requests[h.type];
        if (len != d->request_size) {
                log_warn("privsep: ignored a '%s' request of %zu bytes (it has %zu)", d->name, len,
                         d->request_size);
                return error_reply(&h, -EBADMSG, reply);
        }
        if (h.error != 0 || h.unused != 0) {
                log_warn("privsep: ignored a '%s' request with non-zero reserved fields", d->name);
                return error_reply(&h, -EBADMSG, reply);
        }
        memset(reply, 0, d->reply_size);
        e = d->handle(msg, reply, ret_fd);
        if (e < 0) {
                /* a file that is not there is a fact the collector reports, not a fault */
                log_errno(e == -ENOENT ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARN, e,
                          "privsep: '%s' failed", d->name);
                return error_reply(&h, e, reply);
        }
        ((struct privsep_header *)reply)->type = h.type;
        ((struct privsep_header *)reply)->id = h.id;
        return d->reply_size;
}

struct parent {
        struct loop *loop;
        struct loop_source *io;
        int fd;
        pid_t worker;
        int status;
        _Alignas(struct privsep_hello_reply) unsigned char msg[PRIVSEP_MSG_MAX + 1];
        _Alignas(struct privsep_hello_reply) unsigned char reply[PRIVSEP_MSG_MAX];
};

/* A reply, and beside it (SCM_RIGHTS) the fd it answers with, if any. */
static ssize_t send_with_fd(int sock, const void *buf, size_t len, int fd) {
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int))];
        } control;
        struct iovec iov = {.iov_base = (void *)(uintptr_t)buf, .iov_len = len};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

        if (fd >= 0) {
                struct cmsghdr *c;

                memset(&control, 0, sizeof(control));
                msg.msg_control = control.buf;
                msg.msg_controllen = sizeof(control.buf);
                c = CMSG_FIRSTHDR(&msg);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &fd, sizeof(int));
        }
        return sendmsg(sock, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static int on_request(struct loop_source *s, int fd, uint32_t revents, void *userdata) {
        struct parent *p = userdata;
        int answer_fd;

        (void)revents;
        for (;;) {
                /* MSG_TRUNC: the real length of a message longer than the buffer, refused */
                ssize_t n = recv(fd, p->msg, sizeof(p->msg), MSG_DONTWAIT | MSG_TRUNC);
                size_t len;

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        return 0;
                if (n <= 0) {
                        /* the worker closed its end (or is gone): nothing more to serve;
                         * SIGCHLD ends the loop */
                        log_debug("privsep: the worker closed the channel");
                        loop_source_free(s);
                        p->io = NULL;
                        return 0;
                }
                len = privsep_handle_request(p->msg, (size_t)n, p->reply, &answer_fd);
                if (send_with_fd(fd, p->reply, len, answer_fd) < 0 && errno != EPIPE)
                        /* a worker that sends without reading its replies loses them */
                        log_warn("privsep: dropped a reply: %s", strerror(errno));
                if (answer_fd >= 0)
                        close(answer_fd); /* the worker has its own copy now */
        }
}

static int reap(struct parent *p) {
        int status;
        pid_t r = waitpid(p->worker, &status, WNOHANG);

        if (r < 0 && errno != EINTR)
                return -errno;
        if (r == p->worker) {
                p->status = status;
                loop_quit(p->loop, 0);
        }
        return 0;
}

static int on_signal(struct loop_source *s, const struct signalfd_siginfo *si, void *userdata) {
        struct parent *p = userdata;

        (void)s;
        if (si->ssi_signo == SIGCHLD)
                return reap(p);
        /* systemd's stop and reload, the terminal's ^C, `kill PID`: the worker decides */
        log_debug("privsep: forwarding signal %u to the worker", si->ssi_signo);
        if (kill(p->worker, (int)si->ssi_signo) < 0 && errno != ESRCH)
                log_warn("privsep: could not forward signal %u to the worker: %s", si->ssi_signo,
                         strerror(errno));
        return 0;
}

int privsep_parent_run(int fd, pid_t worker, int *ret_status) {
        static const int signals[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP};
        struct parent *p = calloc(1, sizeof(*p));
        int e;

        if (!p)
                return -ENOMEM;
        p->fd = fd;
        p->worker = worker;
        p->status = -1;
        e = loop_new(&p->loop);
        if (e == 0)
                e = loop_add_io(p->loop, fd, LOOP_IN, on_request, p, &p->io);
        for (size_t i = 0; e == 0 && i < sizeof(signals) / sizeof(signals[0]); i++)
                e = loop_add_signal(p->loop, signals[i], on_signal, p, NULL);
        /* the worker may have exited before SIGCHLD was read from the signalfd */
        if (e == 0)
                e = reap(p);
        if (e == 0 && p->status == -1)
                e = loop_run(p->loop);
        if (e == 0)
                *ret_status = p->status;
        /* freeing the loop unblocks the signals: one that came after the worker's end must
         * not decide the parent's exit status, the worker's does */
        for (size_t i = 1; i < sizeof(signals) / sizeof(signals[0]); i++)
                (void)signal(signals[i], SIG_IGN);
        loop_free(p->loop);
        free(p);
        return e;
}

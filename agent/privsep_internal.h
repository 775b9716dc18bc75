/* Shared by privsep.c (fork, dropping privileges, the worker's side of the channel),
 * privsep_parent.c (the request table, its decoder and the parent's loop) and privsep_status.c
 * (/proc/PID/status); the tests and the fuzz target use the wire format and the decoder. Not
 * for other callers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "privsep.h"

struct privsep_shared;
/* The worker's handle (privsep_channel.c). */
struct privsep {
        int fd;                        /* -1: requests are answered in-process */
        struct privsep_shared *shared; /* shared with the worker's children */
};

/* A handle on fd (-1: in-process). 0 or -errno. */
int privsep_channel_new(int fd, struct privsep **ret);

/* The wire: one SOCK_SEQPACKET message per request and per reply, each a header and the fixed
 * body of its type. Both sides run on the same host from the same binary, so structs travel in
 * host byte order. */
enum privsep_request_type {
        PRIV_NONE = 0, /* never valid: a zeroed message is not a request */
        PRIV_HELLO,
        PRIV_NOTIFY,
        PRIV_SOURCE,
        PRIV_USB_AUTHORIZE,
        PRIV_REQUEST_MAX,
};

struct privsep_header {
        uint32_t type;   /* enum privsep_request_type; a reply echoes it */
        uint32_t id;     /* the worker's counter; a reply echoes it (a late reply is dropped) */
        int32_t error;   /* requests: 0; replies: 0 or -errno (then there is no body) */
        uint32_t unused; /* 0 */
};

struct privsep_hello_request {
        struct privsep_header h;
};

struct privsep_hello_reply {
        struct privsep_header h;
        struct privsep_hello hello;
};

struct privsep_notify_request {
        struct privsep_header h;
        char state[PRIVSEP_NOTIFY_MAX]; /* NUL-terminated, zeroes after it */
};

/* PRIV_NOTIFY's reply: the header alone. */
struct privsep_notify_reply {
        struct privsep_header h;
};

/* PRIV_SOURCE: a privileged source (collectors/privileged.h) as an fd. */
#define PRIVSEP_SOURCE_ARG_MAX 256
struct privsep_source_request {
        struct privsep_header h;
        uint32_t source;                  /* enum privileged_source */
        uint32_t unused;                  /* 0 */
        char arg[PRIVSEP_SOURCE_ARG_MAX]; /* NUL-terminated, zeroes after it; "" for none */
};

/* PRIV_SOURCE's reply: the header alone, the fd beside it (SCM_RIGHTS). */
struct privsep_source_reply {
        struct privsep_header h;
};

/* PRIV_USB_AUTHORIZE: block mode's write of a USB device's or interface's `authorized`. */
struct privsep_usb_authorize_request {
        struct privsep_header h;
        char name[64]; /* "1-1.2" or "1-1.2:1.0", NUL-terminated, zeroes after */
        char value;    /* '0' or '1' */
        char unused[7];
};

/* PRIV_USB_AUTHORIZE's reply: the header alone. */
struct privsep_usb_authorize_reply {
        struct privsep_header h;
};

/* Where PRIV_USB_AUTHORIZE writes: "/sys"; the fuzz target points it where nothing is, so
 * that fuzzing on a PC with USB devices never deauthorizes one. */
extern const char *privsep_sysfs_root;

/* No message is longer: the parent reads into a buffer one byte longer, so a longer one is
 * seen as truncated and refused. */
#define PRIVSEP_MSG_MAX 4096

/* One row per request: what it carries, what the parent keeps a capability for, and why. */
struct privsep_request_desc {
        const char *name;
        size_t request_size; /* exactly, header included */
        size_t reply_size;   /* exactly, header included, on success */
        uint64_t caps;       /* capabilities the parent keeps for it (bit N = capability N) */
        const char *why;     /* why it needs them, for docs/privsep.md and the debug log */
        /* Fill the reply's body (its header is the caller's); 0 or -errno. A request answered
         * with an fd puts it in *ret_fd (else left -1); it goes beside the reply. */
        int (*handle)(const void *request, void *reply, int *ret_fd);
};

extern const struct privsep_request_desc privsep_requests[PRIV_REQUEST_MAX];

/* The parent's capabilities: the union of its requests'. Its own housekeeping needs none:
 * signalling the worker (forwarded SIGTERM/SIGINT/SIGHUP, the worker's parent-death signal)
 * is allowed by sharing the worker's real uid (privsep.c, parent_drop). */
uint64_t privsep_parent_caps(void);

/* Decode one message from the worker, run it and write the reply into reply (at least
 * PRIVSEP_MSG_MAX bytes). Anything malformed (size, type, header fields) gets an error reply,
 * never a crash. len may exceed PRIVSEP_MSG_MAX (a truncated read): that is refused too.
 * Returns the reply's length; an fd that goes beside it in *ret_fd (else -1). */
size_t privsep_handle_request(const void *msg, size_t len, void *reply, int *ret_fd);

/* Serve requests on fd until the worker exits, forwarding SIGTERM/SIGINT/SIGHUP to it; its
 * wait status in *ret_status. The parent's capabilities are already dropped, and those signals
 * and SIGCHLD were blocked before fork (none is lost before the loop reads them). 0 or -errno. */
int privsep_parent_run(int fd, pid_t worker, int *ret_status);

/* Send one message as it is and wait for the reply carrying `id` (replies to earlier ids, late
 * after a timeout, are dropped); not separated, the decoder runs in-process. The reply, at most
 * `size` bytes, in reply and its length in *ret_len. For transact() and the tests, which send
 * malformed messages with it. An fd that came beside the reply in *ret_fd (else -1); ret_fd
 * NULL closes it. 0 or -errno (-ETIMEDOUT, -ECONNRESET: the parent is gone). */
int privsep_transact_raw(struct privsep *p, uint32_t id, const void *req, size_t len, void *reply,
                         size_t size, size_t *ret_len, int *ret_fd);

/* The fields of /proc/PID/status privilege separation is about. */
struct privsep_status {
        uid_t uid[4]; /* real, effective, saved, filesystem */
        gid_t gid[4];
        uint64_t cap_inheritable, cap_permitted, cap_effective, cap_bounding, cap_ambient;
        int no_new_privs;
};

/* 0 or -errno (-EBADMSG: a field missing or unreadable). */
int privsep_read_status(const char *path, struct privsep_status *ret);
/* "cap_kill,cap_net_raw" or "none", into buf (truncated with -ENOBUFS). */
int privsep_caps_text(uint64_t caps, char *buf, size_t size);

/* Privilege separation for `counterguard-agent run` (docs/privsep.md; the OpenBSD/tcpdump
 * pattern). Started as root, the process forks: the child becomes the worker (the agent's
 * own user, no capabilities, no_new_privs) and goes on to run the daemon; the parent stays
 * root with only the capabilities its fixed table of requests needs, answers the worker's
 * requests over a socketpair, forwards SIGTERM/SIGINT/SIGHUP to it, and exits with its status.
 * Every request is synchronous: the worker asks, blocks for the reply (bounded by a timeout),
 * and goes on. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "privileged.h"

/* The worker's handle on its parent (or, not started as root, on itself). */
struct privsep;

/* Room for privsep_describe_self's text, NUL included. */
#define PRIVSEP_DESCRIBE_MAX 512

/* PRIV_HELLO's answer: who the parent is and what it may do, for `status`. */
struct privsep_hello {
        int32_t pid;
        uint32_t uid;           /* effective */
        uint64_t cap_effective; /* bit N set: capability N (linux/capability.h) */
        uint64_t cap_permitted;
        char text[PRIVSEP_DESCRIBE_MAX]; /* the parent's privsep_describe_self() */
};

/* As root: fork; the parent serves requests until the worker exits and then exits itself
 * with the worker's status (never returns); the worker, now `user` with no capabilities, gets
 * 0 and *ret. Not root (tests, developers): no fork, *ret is a handle whose requests are
 * answered in-process, and a log line says privileges are not separated. Call it first, before
 * any thread, fd or loop exists that either side should not inherit. -errno on failure
 * (-ESRCH: no such user; -EPERM: `user` is root). */
int privsep_start(const char *user, struct privsep **ret);
/* The parent's pid, uid and capabilities. 0 or -errno (-ECONNRESET: the parent is gone,
 * -ETIMEDOUT: it did not answer). */
int privsep_hello(struct privsep *p, struct privsep_hello *ret);
/* Tell systemd (sd_notify(3)) through the parent: the unit has NotifyAccess=main, and the
 * main process is the parent. state is what sd_notify takes, one assignment a line, of these
 * only: READY=1, RELOADING=1, STOPPING=1, WATCHDOG=1, STATUS=text (at most
 * PRIVSEP_NOTIFY_MAX - 1 bytes in all). 0 (also when not run by systemd) or -errno (-EINVAL:
 * an assignment the parent does not pass on). */
int privsep_notify(struct privsep *p, const char *state);
#define PRIVSEP_NOTIFY_MAX 256
/* A privileged source (collectors/privileged.h) as a readable fd: produced by the parent, which
 * checks it against its fixed list (privileged_allowed) and keeps the capabilities the sources
 * need; not separated, produced in-process. The fd or -errno (-EPERM: not on the list). Also
 * from a child of the worker (a collector's snapshot run aside): requests from the worker's
 * processes take turns on the channel. */
int privsep_source(struct privsep *p, enum privileged_source s, const char *arg);
/* Block mode: write value ('0' or '1') to /sys/bus/usb/devices/NAME/authorized, NAME a USB
 * device or interface as sysfs names it (usb_control_name_valid). Root's write permission on
 * sysfs, no capability. 0 or -errno (-EINVAL: a name or value the parent refuses). */
int privsep_usb_authorize(struct privsep *p, const char *name, char value);
/* Closes the channel (the parent then only waits for the worker to exit). Accepts NULL. */
void privsep_free(struct privsep *p);

/* The process's own user and capabilities, from /proc/self/status, as one line of text for
 * `status`: "uid=65534(nobody) gid=65534 effective=none permitted=none bounding=none
 * no_new_privs=1". 0 or -errno (-ENOBUFS: buf too small, truncated). */
int privsep_describe_self(char *buf, size_t size);
/* The same of another process (`status` describes the daemon's two), pid 0 being this one.
 * -ENOENT when it is not running. */
int privsep_describe_process(pid_t pid, char *buf, size_t size);

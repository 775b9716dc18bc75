/* Block mode through sysfs `authorized` (Documentation/usb/authorization.rst): 0 unbinds the
 * device or interface and keeps it from binding again, 1 lets it bind. */
#include "usb_control.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "log.h"
#include "usb_judge.h"

#define MAX_BLOCKED 256

struct usb_control {
        char root[256];
        const struct policy *policy;
        int usbguard_pid;
        struct report_device *blocked; /* what we deauthorized: copies, to undo */
        size_t n_blocked;
};

/* A socket whose name says usbguard (its IPC, abstract or in /run): USBGuard runs even where
 * its process is hidden from us (ProtectProc=invisible in the daemon's unit). */
static bool usbguard_socket(void) {
        FILE *f = fopen("/proc/net/unix", "re");
        char line[512];
        bool found = false;

        if (!f)
                return false;
        while (!found && fgets(line, sizeof(line), f))
                found = strstr(line, "usbguard") != NULL;
        fclose(f);
        return found;
}

int usb_control_usbguard_pid(void) {
        DIR *d = opendir("/proc");
        struct dirent *e;
        int pid = 0;

        if (!d)
                return usbguard_socket() ? -1 : 0;
        while (!pid && (e = readdir(d))) {
                char path[300], comm[32] = "";
                FILE *f;

                if (!isdigit((unsigned char)e->d_name[0]))
                        continue;
                snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
                f = fopen(path, "re");
                if (!f)
                        continue; /* gone meanwhile */
                if (fgets(comm, sizeof(comm), f) && strcmp(comm, "usbguard-daemon\n") == 0)
                        pid = (int)strtol(e->d_name, NULL, 10);
                fclose(f);
        }
        closedir(d);
        return pid ? pid : usbguard_socket() ? -1 : 0;
}

int usb_control_new(const char *sysfs_root, const struct policy *p, struct usb_control **ret) {
        struct usb_control *c = calloc(1, sizeof(*c));

        if (!c)
                return -ENOMEM;
        snprintf(c->root, sizeof(c->root), "%s", sysfs_root);
        c->policy = p;
        c->usbguard_pid = usb_control_usbguard_pid();
        if (c->usbguard_pid > 0 && p->usb.mode == POLICY_USB_BLOCK)
                log_warn("USBGuard runs (pid %d): it is in charge of USB authorization, the "
                         "policy's block mode deauthorizes nothing (findings are still made)",
                         c->usbguard_pid);
        else if (c->usbguard_pid < 0 && p->usb.mode == POLICY_USB_BLOCK)
                log_warn("USBGuard runs (its socket is open): it is in charge of USB "
                         "authorization, the policy's block mode deauthorizes nothing");
        *ret = c;
        return 0;
}

void usb_control_free(struct usb_control *c) {
        if (!c)
                return;
        for (size_t i = 0; i < c->n_blocked; i++)
                report_device_free(&c->blocked[i]);
        free(c->blocked);
        free(c);
}

/* A port as the kernel names it ("1-1.2"): nothing else goes into a path. */
static bool valid_port(const char *port) {
        if (!port || !*port || strlen(port) > 32)
                return false;
        for (const char *s = port; *s; s++)
                if (!isdigit((unsigned char)*s) && *s != '-' && *s != '.')
                        return false;
        return true;
}

/* One writer per process: set by the daemon before it makes controls. */
static usb_control_writer_fn writer;
static void *writer_userdata;

void usb_control_set_writer(usb_control_writer_fn fn, void *userdata) {
        writer = fn;
        writer_userdata = userdata;
}

bool usb_control_name_valid(const char *name) {
        /* BUS-PORT[.PORT...][:CONFIG.INTERFACE], digits only between the separators */
        const char *s = name;
        int part = 0; /* 0: bus, 1: ports, 2: config, 3: interface */
        bool digit = false;

        if (!name || strlen(name) > 48)
                return false;
        for (; *s; s++) {
                if (isdigit((unsigned char)*s)) {
                        digit = true;
                        continue;
                }
                if (!digit)
                        return false; /* a separator first, or two in a row */
                digit = false;
                if (*s == '-' && part == 0)
                        part = 1;
                else if (*s == '.' && (part == 1 || part == 2))
                        part = part == 2 ? 3 : 1;
                else if (*s == ':' && part == 1)
                        part = 2;
                else
                        return false;
        }
        return digit && (part == 1 || part == 3);
}

static int write_attr(const char *path, const char *value) {
        int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        ssize_t n;
        int r = 0;

        if (fd < 0)
                return -errno;
        n = write(fd, value, strlen(value));
        if (n < 0)
                r = -errno;
        else if ((size_t)n != strlen(value))
                r = -EIO;
        close(fd);
        return r;
}

static long config_value(const struct usb_control *c, const char *port) {
        char path[400], buf[16] = "";
        long v = 1;
        FILE *f;

        snprintf(path, sizeof(path), "%s/bus/usb/devices/%s/bConfigurationValue", c->root, port);
        f = fopen(path, "re");
        if (f) {
                if (fgets(buf, sizeof(buf), f))
                        v = strtol(buf, NULL, 10);
                fclose(f);
        }
        return v > 0 ? v : 1;
}

static int authorize(const struct usb_control *c, const char *name, const char *value) {
        char path[400];

        if (writer)
                return writer(name, value[0], writer_userdata);
        snprintf(path, sizeof(path), "%s/bus/usb/devices/%s/authorized", c->root, name);
        return write_attr(path, value);
}

/* authorized = value on the device, or on each of its storage interfaces. */
static int set_authorized(const struct usb_control *c, const struct report_device *d,
                          bool interfaces_only, const char *value) {
        char name[64];
        int r = 0;

        if (!interfaces_only)
                return authorize(c, d->port, value);
        for (size_t i = 0; i < d->n_interfaces; i++) {
                const struct report_interface *f = &d->interfaces[i];
                long num;
                int w;

                if (f->class_ != 0x08 || !f->number)
                        continue;
                num = strtol(f->number, NULL, 16);
                snprintf(name, sizeof(name), "%s:%ld.%ld", d->port, config_value(c, d->port), num);
                w = authorize(c, name, value);
                if (w < 0 && r == 0)
                        r = w;
        }
        return r;
}

static ssize_t find_blocked(const struct usb_control *c, const char *port) {
        for (size_t i = 0; i < c->n_blocked; i++)
                if (strcmp(c->blocked[i].port, port) == 0)
                        return (ssize_t)i;
        return -1;
}

static void forget(struct usb_control *c, size_t i) {
        report_device_free(&c->blocked[i]);
        c->blocked[i] = c->blocked[--c->n_blocked];
}

const struct report_device *usb_control_blocked(const struct usb_control *c, const char *port) {
        ssize_t i = port ? find_blocked(c, port) : -1;

        return i >= 0 ? &c->blocked[i] : NULL;
}

int usb_control_device(struct usb_control *c, const struct report_device *d,
                       const char **ret_verdict) {
        struct usb_judgement j;
        struct report_device *copy;
        bool only;
        int r;

        /* blocked already: its facts now (fewer interfaces, once unbound) do not unblock it */
        if (usb_control_blocked(c, d->port)) {
                *ret_verdict = "blocked";
                return 0;
        }
        usb_judge(c->policy, d, &j);
        *ret_verdict = usb_judgement_verdict(&j);
        if (!usb_judgement_unapproved_storage(&j) || c->policy->usb.mode != POLICY_USB_BLOCK ||
            c->usbguard_pid || !valid_port(d->port))
                return 0;
        only = usb_judgement_block_interfaces_only(&j);
        r = set_authorized(c, d, only, "0");
        if (r < 0) {
                log_error_errno(r, "USB %s (port %s): cannot deauthorize its %s",
                                d->product ? d->product : "device", d->port,
                                only ? "storage interface" : "device");
                return r;
        }
        log_info("USB %s (port %s, serial %s): %s deauthorized (policy: block)",
                 d->product ? d->product : "device", d->port, d->serial ? d->serial : "-",
                 only ? "storage interface" : "device");
        *ret_verdict = "blocked";
        copy = ARRAY_APPEND(c->blocked, c->n_blocked, MAX_BLOCKED);
        if (!copy || report_device_copy(d, copy) < 0) {
                if (copy)
                        c->n_blocked--;
                log_warn("USB port %s: cannot remember the block; a reload will not undo it",
                         d->port);
        }
        return 0;
}

void usb_control_device_removed(struct usb_control *c, const struct report_device *d) {
        ssize_t i = d->port ? find_blocked(c, d->port) : -1;

        if (i >= 0)
                forget(c, (size_t)i);
}

void usb_control_set_policy(struct usb_control *c, const struct policy *p) {
        c->policy = p;
        for (size_t i = 0; i < c->n_blocked;) {
                const struct report_device *d = &c->blocked[i];
                struct usb_judgement j;
                int r;

                usb_judge(p, d, &j);
                if (usb_judgement_unapproved_storage(&j) && p->usb.mode == POLICY_USB_BLOCK) {
                        i++;
                        continue;
                }
                r = set_authorized(c, d, usb_judgement_block_interfaces_only(&j), "1");
                if (r < 0)
                        log_error_errno(r, "USB port %s: cannot authorize it again", d->port);
                else
                        log_info("USB port %s: authorized again (the policy approves it now)",
                                 d->port);
                forget(c, i);
        }
}

#include "policy_runtime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "log.h"
#include "policy_file.h"
#include "snapshot.h"
#include "timefmt.h"
#include "usb_control.h"

/* only the USB rules follow hotplug events; the others wait for a snapshot */
#define USB_SCOPE "CG-USB-"

struct policy_runtime {
        struct policy policy;
        struct usb_control *control;
        struct report devices; /* the devices present, as the events told them */
        struct report_finding *told;
        size_t n_told;
};

int policy_runtime_new(const char *path, struct policy_runtime **ret) {
        struct policy_runtime *rt = calloc(1, sizeof(*rt));
        int r;

        if (!rt)
                return -ENOMEM;
        report_init(&rt->devices);
        r = policy_file_load(path, &rt->policy);
        if (r < 0) {
                free(rt);
                return r;
        }
        r = usb_control_new("/sys", &rt->policy, &rt->control);
        if (r < 0) {
                policy_runtime_free(rt);
                return r;
        }
        *ret = rt;
        return 0;
}

static void told_free(struct policy_runtime *rt) {
        for (size_t i = 0; i < rt->n_told; i++)
                policy_finding_free(&rt->told[i]);
        free(rt->told);
        rt->told = NULL;
        rt->n_told = 0;
}

void policy_runtime_free(struct policy_runtime *rt) {
        if (!rt)
                return;
        usb_control_free(rt->control);
        report_free(&rt->devices);
        told_free(rt);
        policy_free(&rt->policy);
        free(rt);
}

int policy_runtime_reload(struct policy_runtime *rt, const char *path) {
        struct policy p;
        int r = policy_file_load(path, &p);

        if (r < 0) {
                log_error("reload: the policy is not usable; the one in use is kept");
                return r;
        }
        policy_free(&rt->policy);
        rt->policy = p;
        usb_control_set_policy(rt->control, &rt->policy);
        log_info("policy reloaded%s%s", p.version ? ": version " : "", p.version ? p.version : "");
        return 0;
}

static bool same_finding(const struct report_finding *a, const struct report_finding *b) {
        return strcmp(a->rule_id, b->rule_id) == 0 &&
               strcmp(a->evidence ? a->evidence : "", b->evidence ? b->evidence : "") == 0;
}

static bool in_scope(const struct report_finding *f, const char *scope) {
        return strncmp(f->rule_id, scope, strlen(scope)) == 0;
}

static void emit_finding(const char *what, const struct report_finding *f,
                         policy_runtime_emit_fn emit, void *userdata) {
        struct report_event ev;
        char now[TIMEFMT_RFC3339_SIZE];

        report_event_init(&ev);
        timefmt_now_rfc3339(now);
        ev.time = now;
        ev.event = (char *)(uintptr_t)what; /* borrowed: the event is not freed */
        ev.finding = (struct report_finding *)(uintptr_t)f;
        emit(&ev, userdata);
}

/* Tell what changed between the findings told and now, within scope ("" for all). */
static int diff(struct policy_runtime *rt, const struct report_finding *now, size_t n_now,
                const char *scope, policy_runtime_emit_fn emit, void *userdata) {
        for (size_t i = 0; i < rt->n_told;) {
                bool still = !in_scope(&rt->told[i], scope);
                for (size_t k = 0; !still && k < n_now; k++)
                        still = same_finding(&rt->told[i], &now[k]);
                if (still) {
                        i++;
                        continue;
                }
                emit_finding("finding_resolved", &rt->told[i], emit, userdata);
                policy_finding_free(&rt->told[i]);
                rt->told[i] = rt->told[--rt->n_told];
        }
        for (size_t k = 0; k < n_now; k++) {
                struct report_finding *slot;
                bool known = !in_scope(&now[k], scope);
                for (size_t i = 0; !known && i < rt->n_told; i++)
                        known = same_finding(&rt->told[i], &now[k]);
                if (known)
                        continue;
                slot = ARRAY_APPEND(rt->told, rt->n_told, REPORT_MAX_LIST);
                if (!slot || policy_finding_copy(&now[k], slot) < 0) {
                        if (slot)
                                rt->n_told--;
                        return -ENOMEM;
                }
                emit_finding("finding_opened", &now[k], emit, userdata);
        }
        return 0;
}

static ssize_t device_at(const struct report *r, const char *port) {
        for (size_t i = 0; port && i < r->n_devices; i++)
                if (r->devices[i].port && strcmp(r->devices[i].port, port) == 0)
                        return (ssize_t)i;
        return -1;
}

/* Keep rt->devices as the events tell it. */
static int track(struct policy_runtime *rt, const char *event, const struct report_device *d) {
        ssize_t i = device_at(&rt->devices, d->port);
        const struct report_device *was = usb_control_blocked(rt->control, d->port);
        struct report_device *slot;

        if (i >= 0) {
                report_device_free(&rt->devices.devices[i]);
                rt->devices.devices[i] = rt->devices.devices[--rt->devices.n_devices];
        }
        if (strcmp(event, "device_removed") == 0)
                return 0;
        slot = ARRAY_APPEND(rt->devices.devices, rt->devices.n_devices, REPORT_MAX_LIST);
        if (!slot)
                return -ENOMEM;
        /* a blocked device is judged on what it was when it was blocked */
        if (report_device_copy(was ? was : d, slot) < 0) {
                rt->devices.n_devices--;
                return -ENOMEM;
        }
        return 0;
}

static int usb_findings(struct policy_runtime *rt, policy_runtime_emit_fn emit, void *userdata) {
        struct policy_result res;
        int r = policy_evaluate(&rt->devices, &rt->policy, &res);

        if (r == 0)
                r = diff(rt, res.findings, res.n_findings, USB_SCOPE, emit, userdata);
        policy_result_free(&res);
        return r;
}

void policy_runtime_event(struct policy_runtime *rt, const struct report_event *ev,
                          policy_runtime_emit_fn emit, void *userdata) {
        struct report_event copy = *ev;
        struct report_device dev;
        const char *verdict = NULL;

        if (!ev->device || !ev->event) {
                emit(ev, userdata);
                return;
        }
        dev = *ev->device;
        if (strcmp(ev->event, "device_removed") == 0)
                usb_control_device_removed(rt->control, ev->device);
        else
                (void)usb_control_device(rt->control, ev->device, &verdict);
        /* the verdict is the policy's: shown on a shallow copy, the collector's event intact */
        dev.verdict = (char *)(uintptr_t)verdict;
        copy.device = &dev;
        emit(&copy, userdata);
        if (track(rt, ev->event, ev->device) < 0 || usb_findings(rt, emit, userdata) < 0)
                log_error("out of memory: the findings of a USB event are not told");
}

/* The snapshot's devices are the ones present: the events' view starts again from them, and
 * in block mode one plugged in before the agent started is blocked now. */
static int refresh_devices(struct policy_runtime *rt, struct report *r) {
        for (size_t i = 0; i < rt->devices.n_devices; i++)
                report_device_free(&rt->devices.devices[i]);
        rt->devices.n_devices = 0;
        for (size_t i = 0; i < r->n_devices; i++) {
                struct report_device *d = &r->devices[i];
                const char *verdict = NULL;

                (void)usb_control_device(rt->control, d, &verdict);
                if (verdict && strcmp(verdict, "blocked") == 0) {
                        free(d->verdict);
                        if (!(d->verdict = strdup(verdict)))
                                return -ENOMEM;
                }
                if (track(rt, "device_added", d) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* The snapshot's facts, with the devices this agent blocked as they were when it blocked
 * them: a shallow view, the report itself untouched (its facts are what is there now). */
static int evaluate_as_blocked(struct policy_runtime *rt, const struct report *r,
                               struct policy_result *ret) {
        struct report view = *r;
        struct report_device *devices = NULL;
        int e;

        if (r->n_devices > 0) {
                devices = calloc(r->n_devices, sizeof(*devices));
                if (!devices)
                        return -ENOMEM;
                for (size_t i = 0; i < r->n_devices; i++) {
                        const struct report_device *was =
                                usb_control_blocked(rt->control, r->devices[i].port);
                        devices[i] = was ? *was : r->devices[i];
                }
                view.devices = devices;
        }
        e = policy_evaluate(&view, &rt->policy, ret);
        free(devices);
        return e;
}

int policy_runtime_start(struct policy_runtime *rt, policy_runtime_emit_fn emit, void *userdata) {
        struct policy_result res = {0};
        collector_set set;
        const char *bad;
        struct report r;
        int e;

        report_init(&r);
        e = collector_set_parse(collectors, "usb", &set, &bad);
        if (e == 0)
                e = snapshot_collect(collectors, set, &r);
        if (e == 0)
                e = refresh_devices(rt, &r);
        if (e == 0)
                e = policy_evaluate(&rt->devices, &rt->policy, &res);
        if (e == 0)
                e = diff(rt, res.findings, res.n_findings, USB_SCOPE, emit, userdata);
        policy_result_free(&res);
        report_free(&r);
        return e;
}

int policy_runtime_snapshot(struct policy_runtime *rt, struct report *r,
                            policy_runtime_emit_fn emit, void *userdata) {
        struct policy_result res = {0};
        int e = refresh_devices(rt, r);

        if (e == 0)
                e = evaluate_as_blocked(rt, r, &res);
        if (e == 0)
                e = diff(rt, res.findings, res.n_findings, "", emit, userdata);
        if (e == 0)
                e = policy_apply(r, &rt->policy, &res);
        policy_result_free(&res);
        return e;
}

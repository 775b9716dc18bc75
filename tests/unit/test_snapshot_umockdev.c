/* A snapshot with slow collectors does not stall the loop (run under umockdev-wrapper): while
 * one collector sleeps in its child process, a USB stick is plugged and its device_added
 * comes at once; a collector that never finishes is killed at its deadline and reported
 * missing; one that crashes costs its own facts only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <umockdev.h>
#include <unistd.h>

#include "collector.h"
#include "loop.h"
#include "report.h"
#include "snapshot.h"

#define DEVROOT "/devices/pci0000:00/0000:00:14.0/usb1"

static int sleepy_snapshot(struct collector_ctx *ctx, struct report *r) {
        (void)ctx;
        usleep(700 * 1000); /* a CUPS server that takes its time */
        r->printers = calloc(1, sizeof(*r->printers));
        if (!r->printers)
                return -ENOMEM;
        r->n_printers = 1;
        r->printers[0].name = strdup("slow-printer");
        r->printers[0].is_default = REPORT_UNKNOWN;
        r->printers[0].accepting = REPORT_UNKNOWN;
        return r->printers[0].name ? 0 : -ENOMEM;
}

static int stuck_snapshot(struct collector_ctx *ctx, struct report *r) {
        (void)ctx;
        (void)r;
        sleep(30); /* a SANE backend waiting on a dead network scanner */
        return 0;
}

static int crashing_snapshot(struct collector_ctx *ctx, struct report *r) {
        (void)ctx;
        (void)r;
        raise(SIGSEGV); /* a library's bug */
        return 0;
}

static const struct collector sleepy = {
        .name = "sleepy", .section = "printers", .snapshot = sleepy_snapshot, .timeout_ms = 5000};
static const struct collector stuck = {
        .name = "stuck", .section = "scanners", .snapshot = stuck_snapshot, .timeout_ms = 300};
static const struct collector crashing = {.name = "crashing",
                                          .section = "antivirus",
                                          .snapshot = crashing_snapshot,
                                          .timeout_ms = 5000};

struct run {
        UMockdevTestbed *tb;
        struct loop *loop;
        uint64_t start, plugged_at, event_at, done_at;
        char event_port[32];
        struct report report;
};

static void on_event(const struct collector *c, const struct report_event *ev, void *userdata) {
        struct run *run = userdata;

        (void)c;
        if (strcmp(ev->event, "device_added") == 0 && !run->event_at) {
                run->event_at = loop_now();
                snprintf(run->event_port, sizeof(run->event_port), "%s", ev->device->port);
        }
}

static int plug(struct loop_source *s, uint64_t now, void *userdata) {
        struct run *run = userdata;
        GError *error = NULL;

        (void)s;
        run->plugged_at = now;
        assert_true(umockdev_testbed_add_from_string(
                run->tb,
                "P: " DEVROOT "/1-2\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\n"
                "A: idVendor=0781\nA: idProduct=5567\nA: serial=SLOW\nA: bDeviceClass=00\n"
                "A: bNumInterfaces= 1\n\n"
                "P: " DEVROOT "/1-2/1-2:1.0\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_interface\n"
                "A: bInterfaceClass=08\n",
                &error));
        return 0;
}

static void on_done(struct snapshot *s, struct report *r, void *userdata) {
        struct run *run = userdata;

        (void)s;
        run->done_at = loop_now();
        run->report = *r;
        report_init(r);
        loop_quit(run->loop, 0);
}

static const char *missing_reason(const struct report *r, const char *fact) {
        for (size_t i = 0; i < r->n_missing; i++)
                if (strcmp(r->missing[i].fact, fact) == 0)
                        return r->missing[i].reason;
        return NULL;
}

static void test_slow_collectors_aside(void **state) {
        extern const struct collector collector_usb;
        const struct collector *list[] = {&sleepy, &stuck, &crashing, &collector_usb, NULL};
        struct collector_ctx *usb = NULL;
        struct snapshot *snap = NULL;
        struct run run = {0};
        GError *error = NULL;
        const char *why;

        (void)state;
        run.tb = umockdev_testbed_new();
        if (!umockdev_in_mock_environment()) {
                fprintf(stderr, "not under umockdev-wrapper\n");
                exit(77);
        }
        assert_true(umockdev_testbed_add_from_string(
                run.tb,
                "P: " DEVROOT "\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nA: idVendor=1d6b\n"
                "A: bDeviceClass=09\n",
                &error));
        report_init(&run.report);
        assert_int_equal(loop_new(&run.loop), 0);
        /* hotplug on the loop, as the daemon has it */
        assert_int_equal(collector_ctx_new(&collector_usb, run.loop, on_event, &run, &usb), 0);
        assert_int_equal(collector_ctx_start(usb), 0);
        run.start = loop_now();
        assert_int_equal(snapshot_start(run.loop, list, COLLECTOR_SET_ALL, on_done, &run, &snap),
                         0);
        assert_int_equal(loop_add_timer(run.loop, 100000, plug, &run, NULL), 0);
        assert_int_equal(loop_run(run.loop), 0);

        /* the stick was announced while the slow collector was still at work */
        assert_true(run.event_at > 0);
        assert_string_equal(run.event_port, "1-2");
        assert_true(run.event_at < run.done_at);
        assert_true(run.event_at - run.plugged_at < 300000);
        /* the stuck one did not hold the snapshot past the sleepy one */
        assert_true(run.done_at - run.start < 2000000);

        /* the sleepy collector's facts, in its section; the others are missing */
        assert_int_equal(run.report.n_printers, 1);
        assert_string_equal(run.report.printers[0].name, "slow-printer");
        assert_int_equal(run.report.n_collectors, 2);
        assert_string_equal(run.report.collectors[0], "sleepy");
        assert_string_equal(run.report.collectors[1], "usb");
        why = missing_reason(&run.report, "collector.stuck");
        assert_non_null(why);
        assert_string_equal(why, "did not finish within 300 ms");
        why = missing_reason(&run.report, "collector.crashing");
        assert_non_null(why);
        assert_string_equal(why, "killed by signal 11");

        snapshot_free(snap);
        collector_ctx_free(usb);
        assert_int_equal(loop_n_sources(run.loop), 1); /* the plug timer, fired and idle */
        loop_free(run.loop);
        report_free(&run.report);
        g_object_unref(run.tb);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_slow_collectors_aside),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

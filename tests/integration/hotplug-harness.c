/* Hotplug through umockdev: start `counterguard-agent watch` on a testbed, then plug and
 * unplug devices and time how long each takes to show up on the agent's stdout.
 *
 *   umockdev-wrapper hotplug-harness OUT STEP... -- AGENT watch ...
 *
 * STEP is `add:FILE` (a umockdev device description; its first P: is the device) or
 * `remove:SYSPATH`; `blip:FILE` adds and at once removes; `plug:FILE`, `unplug:SYSPATH` do the same
 * without waiting for output (the daemon reports to its server), `sleep:MS` waits; `cycle:FILE:N`
 * plugs and unplugs a device N times, `cycle-until:FILE:PATH` until PATH exists,
 * `timed-cycle:FILE:N:GAP_MS:LOG` N times with GAP_MS between cycles, appending to LOG the
 * CLOCK_REALTIME of each plug (when its "add" uevent was sent) as "SECONDS.NANOSECONDS"; `pace:MS`
 * makes the cycles of the steps after it wait MS more each (umockdev aborts when a listener's
 * socket is full: an agent that restarts reads nothing for a while); `run:CMD` runs a shell
 * command, `until:CMD` runs it until it succeeds (180 s at most); `before:FILE` steps come first
 * and are added before the agent starts; `silent-remove:SYSPATH` removes a device (with no devices
 * left below it: their removal is reported, as the kernel's would be) and fails if anything is
 * reported. After each step the harness waits (up to 2 s) for one JSON line and prints "STEP
 * LATENCY_MS". The lines received are appended to OUT. Exit 77 when not under umockdev-wrapper, 1
 * when an event did not arrive. Lines that follow within FOLLOW_UP_MS (device_changed as a disk
 * appears) are kept too. The latency printed is measured twice: from the start of the injection and
 * from its end, in ms. The agent's stderr, from its first line (before it said it was ready too),
 * is copied to the harness's stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <umockdev.h>
#include <unistd.h>

#define WAIT_MS      2000
#define FOLLOW_UP_MS 150

static double now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Read one line from fd within timeout_ms; the line (without newline) into buf. */
static int read_line(int fd, char *buf, size_t size, int timeout_ms) {
        size_t n = 0;
        double deadline = now_ms() + timeout_ms;

        while (n + 1 < size) {
                struct pollfd p = {fd, POLLIN, 0};
                int left = (int)(deadline - now_ms());
                ssize_t r;

                if (left <= 0 || poll(&p, 1, left) <= 0)
                        return -ETIMEDOUT;
                r = read(fd, buf + n, 1); /* byte by byte: never read past the line */
                if (r <= 0)
                        return -EPIPE;
                if (buf[n] == '\n') {
                        buf[n] = '\0';
                        return 0;
                }
                n++;
        }
        return -E2BIG;
}

/* Remove a device as the kernel does: the "remove" uevents (its children's first, then its
 * own), then it is gone. umockdev 0.18.4 and later send them from remove_device() itself
 * (Debian 13 has 0.19.1); older ones remove the files silently (Debian 12 has 0.17.16), so
 * the harness sends the device's own. Never both: the agent would see two removals. */
static void remove_device(UMockdevTestbed *tb, const char *syspath) {
#ifndef UMOCKDEV_REMOVE_SENDS_UEVENTS
        umockdev_testbed_uevent(tb, syspath, "remove");
#endif
        umockdev_testbed_remove_device(tb, syspath);
}

static char *slurp(const char *path) {
        FILE *f = fopen(path, "re");
        char *buf;
        long n;

        if (!f)
                return NULL;
        if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
                fclose(f);
                return NULL;
        }
        buf = calloc(1, (size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
                free(buf);
                buf = NULL;
        }
        fclose(f);
        return buf;
}

/* Plug the device of `text` (a umockdev description), wait, unplug it, wait: one
 * device_added and one device_removed. */
/* The sysfs path of a description's first device: "/sys" + its first P: line. */
static int first_syspath(const char *text, char *buf, size_t size) {
        size_t n;

        if (strncmp(text, "P: ", 3) != 0)
                return -1;
        n = strcspn(text + 3, "\n");
        return snprintf(buf, size, "/sys%.*s", (int)n, text + 3) < (int)size ? 0 : -1;
}

static int cycle_once(UMockdevTestbed *tb, const char *text, struct timespec *plugged) {
        char syspath[512];
        GError *error = NULL;

        if (first_syspath(text, syspath, sizeof(syspath)) < 0)
                return -1;
        if (!umockdev_testbed_add_from_string(tb, text, &error))
                return -1;
        clock_gettime(CLOCK_REALTIME, plugged);
        usleep(30000); /* past the agent's settle time: announced, not dropped as a blip */
        remove_device(tb, syspath);
        /* umockdev leaves the bus's links to the device and its interfaces behind, and
         * would refuse to add the device again: take them away, as the kernel does */
        for (const char *p = text; (p = strstr(p, "P: ")); p += 3) {
                const char *end = p + strcspn(p, "\n"), *base = end;
                char link[1024];
                while (base > p && base[-1] != '/')
                        base--;
                snprintf(link, sizeof(link), "%s/sys/bus/usb/devices/%.*s",
                         umockdev_testbed_get_root_dir(tb), (int)(end - base), base);
                (void)unlink(link);
        }
        usleep(10000);
        return 0;
}

/* What the agent logged since the last call, to our stderr: its pipe must never fill up
 * (the agent would block on it), and a failing test shows it. */
static void drain(int fd) {
        char buf[4096];
        ssize_t n;

        while ((n = read(fd, buf, sizeof(buf))) > 0)
                if (write(2, buf, (size_t)n) < 0)
                        break;
}

static int agent_stderr = -1;
static useconds_t pace_us; /* pace:MS */

/* Run a shell command until it succeeds, up to 180 s (an agent may be waiting out its
 * backoff after a server came back). */
static int until(const char *cmd) {
        for (int i = 0; i < 900; i++) {
                drain(agent_stderr);
                if (system(cmd) == 0)
                        return 0;
                usleep(200000);
        }
        return -1;
}

/* `watch -v` says "watching", `run -v` says "running: ..." once its loop is set up */
static int ready(const char *line) {
        return strstr(line, "watching") || strstr(line, "running: ");
}

int main(int argc, char **argv) {
        UMockdevTestbed *tb;
        int out_pipe[2], err_pipe[2], sep = 0, failed = 0;
        char line[1 << 16];
        FILE *out;
        pid_t pid;

        for (int i = 1; i < argc; i++)
                if (strcmp(argv[i], "--") == 0) {
                        sep = i;
                        break;
                }
        if (argc < 4 || !sep || sep + 1 >= argc) {
                fprintf(stderr, "usage: hotplug-harness OUT STEP... -- AGENT watch\n");
                return 2;
        }
        tb = umockdev_testbed_new();
        if (!umockdev_in_mock_environment()) {
                fprintf(stderr, "not under umockdev-wrapper: skipped\n");
                return 77;
        }
        /* the agent's worker runs as its own user: it reads sysfs like anyone, and under
         * umockdev its udev monitor is a socket made in the testbed's directory */
        (void)chmod(umockdev_testbed_get_root_dir(tb), 01777);
        /* umockdev >= 0.18 routes the opening of any /dev node without its own emulation
         * (/dev/urandom among them) through the testbed's default ioctl socket, made 0755 by
         * root: the worker (nobody) must be able to connect to it too */
        {
                char *sock = g_build_filename(umockdev_testbed_get_root_dir(tb), "ioctl",
                                              "_default", NULL);
                (void)chmod(sock, 0666);
                g_free(sock);
        }
        for (int i = 2; i < sep; i++) {
                GError *error = NULL;
                char *text;
                if (strncmp(argv[i], "before:", 7) != 0)
                        continue;
                text = slurp(argv[i] + 7);
                if (!text || !umockdev_testbed_add_from_string(tb, text, &error)) {
                        fprintf(stderr, "%s: %s\n", argv[i], error ? error->message : "?");
                        free(text);
                        return 1;
                }
                free(text);
        }
        out = fopen(argv[1], "ae");
        if (!out)
                return 1;
        if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
                fclose(out);
                return 1;
        }
        pid = fork();
        if (pid == 0) {
                /* the agent goes with the harness, even when the harness aborts */
                (void)prctl(PR_SET_PDEATHSIG, SIGTERM);
                /* the harness stops it with SIGINT: a test run from a background job starts
                 * with SIGINT ignored, which a shell script could not even trap */
                (void)signal(SIGINT, SIG_DFL);
                dup2(out_pipe[1], 1);
                dup2(err_pipe[1], 2);
                execv(argv[sep + 1], argv + sep + 1);
                _exit(127);
        }
        close(out_pipe[1]);
        close(err_pipe[1]);
        /* ready when it says so on stderr (it runs with -v); what it said before is kept too
         * (a corrupt outbox moved aside at start) */
        while (read_line(err_pipe[0], line, sizeof(line), 10000) == 0) {
                fprintf(stderr, "%s\n", line);
                if (ready(line))
                        break;
        }
        if (!ready(line)) {
                fprintf(stderr, "agent did not start: %s\n", line);
                kill(pid, SIGTERM);
                fclose(out);
                return 1;
        }
        agent_stderr = err_pipe[0];
        (void)fcntl(agent_stderr, F_SETFL, O_NONBLOCK);
        for (int i = 2; i < sep; i++) {
                const char *step = argv[i];
                GError *error = NULL;
                double t0 = now_ms(), t_injected;
                int r;

                drain(agent_stderr);
                if (strncmp(step, "before:", 7) == 0)
                        continue;
                if (strncmp(step, "add:", 4) == 0 || strncmp(step, "blip:", 5) == 0) {
                        bool blip = step[0] == 'b';
                        char *text = slurp(step + (blip ? 5 : 4)), syspath[512];
                        if (!text || !umockdev_testbed_add_from_string(tb, text, &error)) {
                                fprintf(stderr, "%s: %s\n", step, error ? error->message : "?");
                                free(text);
                                fclose(out);
                                return 1;
                        }
                        /* blip: pulled out at once, before the agent could read it */
                        if (blip && first_syspath(text, syspath, sizeof(syspath)) == 0) {
                                remove_device(tb, syspath);
                        }
                        free(text);
                        t_injected = now_ms();
                } else if (strncmp(step, "remove:", 7) == 0) {
                        remove_device(tb, step + 7);
                        t_injected = now_ms();
                } else if (strncmp(step, "plug:", 5) == 0) {
                        /* for the daemon, which reports to its server, not to stdout */
                        char *text = slurp(step + 5);
                        if (!text || !umockdev_testbed_add_from_string(tb, text, &error)) {
                                fprintf(stderr, "%s: %s\n", step, error ? error->message : "?");
                                free(text);
                                fclose(out);
                                return 1;
                        }
                        free(text);
                        printf("%s %.1f\n", step, now_ms() - t0);
                        continue;
                } else if (strncmp(step, "unplug:", 7) == 0) {
                        remove_device(tb, step + 7);
                        continue;
                } else if (strncmp(step, "run:", 4) == 0 || strncmp(step, "until:", 6) == 0) {
                        int ok = step[0] == 'r' ? system(step + 4) == 0 : until(step + 6) == 0;
                        printf("%s %s %.1f\n", ok ? "done" : "FAILED", step, now_ms() - t0);
                        if (!ok) {
                                failed = 1;
                                break;
                        }
                        continue;
                } else if (strncmp(step, "cycle:", 6) == 0 ||
                           strncmp(step, "cycle-until:", 12) == 0) {
                        /* cycle:FILE:N plugs and unplugs N times; cycle-until:FILE:PATH until
                         * PATH exists (at most 10 minutes) */
                        bool counted = step[5] == ':';
                        const char *arg = step + (counted ? 6 : 12), *colon = strrchr(arg, ':');
                        char file[512];
                        char *text;
                        unsigned long n = 0;
                        if (!colon || (size_t)(colon - arg) >= sizeof(file)) {
                                fclose(out);
                                return 2;
                        }
                        snprintf(file, sizeof(file), "%.*s", (int)(colon - arg), arg);
                        text = slurp(file);
                        if (!text) {
                                fclose(out);
                                return 1;
                        }
                        for (; counted ? n < strtoul(colon + 1, NULL, 10)
                                       : access(colon + 1, F_OK) < 0 && now_ms() - t0 < 600000;
                             n++, drain(agent_stderr)) {
                                struct timespec plugged;
                                if (cycle_once(tb, text, &plugged) < 0) {
                                        fprintf(stderr, "%s: cannot plug\n", step);
                                        free(text);
                                        fclose(out);
                                        return 1;
                                }
                                if (pace_us)
                                        usleep(pace_us);
                        }
                        free(text);
                        printf("%s %lu cycles %.1f\n", step, n, now_ms() - t0);
                        continue;
                } else if (strncmp(step, "timed-cycle:", 12) == 0) {
                        /* timed-cycle:FILE:N:GAP_MS:LOG, for the benchmark of plug to stored */
                        char file[512], times_path[512];
                        unsigned long n, gap_ms;
                        char *text;
                        FILE *times;
                        if (sscanf(step + 12, "%511[^:]:%lu:%lu:%511s", file, &n, &gap_ms,
                                   times_path) != 4) {
                                fclose(out);
                                return 2;
                        }
                        text = slurp(file);
                        times = fopen(times_path, "ae");
                        if (!text || !times) {
                                free(text);
                                if (times)
                                        fclose(times);
                                fclose(out);
                                return 1;
                        }
                        for (unsigned long k = 0; k < n; k++, drain(agent_stderr)) {
                                struct timespec plugged;
                                if (cycle_once(tb, text, &plugged) < 0) {
                                        fprintf(stderr, "%s: cannot plug\n", step);
                                        free(text);
                                        fclose(times);
                                        fclose(out);
                                        return 1;
                                }
                                fprintf(times, "%lld.%09ld\n", (long long)plugged.tv_sec,
                                        plugged.tv_nsec);
                                usleep((useconds_t)gap_ms * 1000);
                        }
                        free(text);
                        fclose(times);
                        printf("%s %lu cycles %.1f\n", step, n, now_ms() - t0);
                        continue;
                } else if (strncmp(step, "pace:", 5) == 0) {
                        pace_us = (useconds_t)strtoul(step + 5, NULL, 10) * 1000;
                        continue;
                } else if (strncmp(step, "sleep:", 6) == 0) {
                        usleep((useconds_t)strtoul(step + 6, NULL, 10) * 1000);
                        continue;
                } else if (strncmp(step, "silent-remove:", 14) == 0) {
                        /* something the agent must not report */
                        remove_device(tb, step + 14);
                        if (read_line(out_pipe[0], line, sizeof(line), FOLLOW_UP_MS) == 0) {
                                printf("%s reported: %s\n", step, line);
                                failed = 1;
                        }
                        continue;
                } else {
                        fprintf(stderr, "unknown step '%s'\n", step);
                        fclose(out);
                        return 2;
                }
                r = read_line(out_pipe[0], line, sizeof(line), WAIT_MS);
                if (r < 0) {
                        printf("%s no event within %d ms\n", step, WAIT_MS);
                        failed = 1;
                        break;
                }
                /* from the first uevent, and from the last (umockdev takes a few ms per
                 * sysfs device it writes) */
                printf("%s %.1f %.1f\n", step, now_ms() - t0, now_ms() - t_injected);
                fprintf(out, "# %s\n%s\n", step, line);
                /* follow-ups: a disk that shows up after its device is a device_changed */
                while (read_line(out_pipe[0], line, sizeof(line), FOLLOW_UP_MS) == 0)
                        fprintf(out, "%s\n", line);
                fflush(out);
                fflush(stdout);
        }
        kill(pid, SIGINT);
        {
                int status = 0;
                waitpid(pid, &status, 0);
                drain(agent_stderr);
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                        /* an agent that crashed or leaked (ASan exits non-zero) fails */
                        fprintf(stderr, "agent exit status %d\n", status);
                        while (read_line(err_pipe[0], line, sizeof(line), 200) == 0)
                                fprintf(stderr, "agent: %s\n", line);
                        failed = 1;
                }
        }
        fclose(out);
        g_object_unref(tb);
        return failed;
}

/* The agent's event loop: epoll over file descriptors (udev monitor, timers, signals, later
 * pcap and netlink), one per process, no threads. */
#pragma once

#include <stdint.h>

struct loop;

/* Called when fd is ready; a negative return stops the loop with that error. */
typedef int (*loop_handler_fn)(int fd, uint32_t events, void *userdata);

int loop_new(struct loop **ret);
void loop_free(struct loop *l); /* accepts NULL; does not close the fds */

int loop_add(struct loop *l, int fd, loop_handler_fn fn, void *userdata);
int loop_remove(struct loop *l, int fd);

/* Stop the loop when one of these signals arrives (they are blocked and read from a
 * signalfd). */
int loop_quit_on_signals(struct loop *l, const int *signals, int n);

/* Run until loop_quit or a signal from loop_quit_on_signals. Returns the exit code given to
 * loop_quit (0 for a signal), or a negative errno from a handler. */
int loop_run(struct loop *l);
void loop_quit(struct loop *l, int code);

/* A one-shot monotonic timer fd (CLOCK_MONOTONIC, O_CLOEXEC|O_NONBLOCK), and arming it
 * `usec` from now (0 disarms). */
int loop_timer_new(void);
int loop_timer_arm(int fd, uint64_t usec);

/* One event loop per process: file descriptors (udev monitor, pipes, sockets of libcurl's
 * multi interface, later pcap and netlink), timers and signals, all dispatched from one
 * epoll_wait. Modelled on chrony's scheduler: callers get a handle per source, sources are
 * allocated one by one (no fixed table to run out of), and a source may be freed from any
 * handler, its own included.
 *
 * Handlers return 0 to go on; a negative errno stops loop_run with that error. */
#pragma once

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

struct loop;
struct loop_source;

/* Interest and readiness of an I/O source: any of these, or 0 for none (the fd stays
 * registered). Errors and hang-ups are always reported. */
#define LOOP_IN  ((uint32_t)EPOLLIN)
#define LOOP_OUT ((uint32_t)EPOLLOUT)

/* A timer that is not armed. */
#define LOOP_TIMER_OFF UINT64_MAX

typedef int (*loop_io_fn)(struct loop_source *s, int fd, uint32_t revents, void *userdata);
typedef int (*loop_timer_fn)(struct loop_source *s, uint64_t now_usec, void *userdata);
typedef int (*loop_signal_fn)(struct loop_source *s, const struct signalfd_siginfo *si,
                              void *userdata);

int loop_new(struct loop **ret);
/* Frees the loop and every source still in it (their fds are not closed). Accepts NULL. */
void loop_free(struct loop *l);

/* Watch fd for `events` (LOOP_IN | LOOP_OUT). The fd stays the caller's: free the source
 * before closing it. */
int loop_add_io(struct loop *l, int fd, uint32_t events, loop_io_fn fn, void *userdata,
                struct loop_source **ret);
int loop_io_set_events(struct loop_source *s, uint32_t events);

/* A one-shot timer firing `usec` from now (LOOP_TIMER_OFF: not armed yet). After it fired
 * it is disarmed; re-arm it with loop_timer_set. */
int loop_add_timer(struct loop *l, uint64_t usec, loop_timer_fn fn, void *userdata,
                   struct loop_source **ret);
int loop_timer_set(struct loop_source *s, uint64_t usec);       /* relative; OFF disarms */
int loop_timer_set_at(struct loop_source *s, uint64_t at_usec); /* absolute, loop_now() clock */

/* Deliver signo to fn instead of its default action (it is blocked and read from a
 * signalfd). One source per signal. Freeing the source unblocks the signal. */
int loop_add_signal(struct loop *l, int signo, loop_signal_fn fn, void *userdata,
                    struct loop_source **ret);
/* Stop loop_run (with 0) when one of these signals arrives. */
int loop_quit_on_signals(struct loop *l, const int *signals, int n);

/* Remove and free a source; safe from any handler. Accepts NULL. */
void loop_source_free(struct loop_source *s);
struct loop *loop_source_loop(const struct loop_source *s);

/* Run until loop_quit or a handler fails. Returns the code given to loop_quit, or a
 * handler's negative errno. */
int loop_run(struct loop *l);
void loop_quit(struct loop *l, int code);

/* CLOCK_MONOTONIC in µs: the clock of every timer. */
uint64_t loop_now(void);
/* How many sources the loop holds (tests check that nothing leaks). */
unsigned loop_n_sources(const struct loop *l);

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * event.h - the daemon's event loop: a thin, generic layer over libevent.
 *
 * switchd/event.c is the only file that includes <event2/...>; everything
 * else (live ports, later the control socket) talks to this API.  One loop
 * runs on one thread.
 *
 * Objects: a loop, fd watches, timers and signal watches.  Each watch,
 * timer and signal object owns its libevent event and frees it in its
 * destroy function; destroy(NULL) is a no-op.  Destroy every object before
 * the loop it belongs to.  Callbacks may create, re-arm or destroy other
 * objects and may stop the loop; a callback may destroy its own object only
 * as the last thing it does.
 *
 * Time: timers take absolute deadlines in microseconds of the wall clock
 * (CLOCK_REALTIME, the switch clock when live, see sw_wall_us()).  The
 * delay is computed when the timer is armed and then runs on libevent's
 * monotonic clock, so a wall-clock step only shifts the deadline of timers
 * armed before it: callers that care re-arm at least every second.
 */
#ifndef SWITCHD_EVENT_H
#define SWITCHD_EVENT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sw_loop;
struct sw_fd_watch;
struct sw_timer;
struct sw_signal;

/* The wall clock (CLOCK_REALTIME) in microseconds. */
uint64_t sw_wall_us(void);

/* Create a loop; NULL with a message on failure. */
struct sw_loop *sw_loop_create(char *err, size_t errlen);
void sw_loop_destroy(struct sw_loop *loop);

/* Called once after every round of callbacks (one poll and everything it
 * reported), before the loop sleeps again: the place to flush batches that
 * several callbacks filled.  NULL removes it. */
typedef void (*sw_round_fn)(void *aux);
void sw_loop_set_round_end(struct sw_loop *loop, sw_round_fn fn, void *aux);

/* Rounds that do not wait: each looks at the fds, timers and signals
 * without sleeping, runs what is ready (perhaps nothing) and the round-end
 * hook, for a caller that polls something of its own there (rings that
 * the kernel fills without waking anyone).  It spins: the caller turns it
 * off again when there is nothing to poll.  Off at creation. */
void sw_loop_set_nonblock(struct sw_loop *loop, bool nonblock);

/* Run until sw_loop_stop(); 0 on a clean stop, -1 if the backend failed. */
int sw_loop_run(struct sw_loop *loop);
/* Make sw_loop_run() return after the current round (safe in callbacks). */
void sw_loop_stop(struct sw_loop *loop);

/* ---- fd watches ----------------------------------------------------------- */

enum { SW_FD_READ = 1, SW_FD_WRITE = 2 };

/* 'events' says which conditions fired (SW_FD_READ / SW_FD_WRITE).  Watches
 * are level-triggered: a callback that leaves data unread is called again
 * in the next round, after the other ready watches had their turn. */
typedef void (*sw_fd_fn)(int fd, unsigned events, void *aux);

/* Watch 'fd' for 'events' (SW_FD_READ | SW_FD_WRITE, 0: created idle).
 * The fd stays the caller's: destroy never closes it. */
struct sw_fd_watch *sw_fd_watch_create(
	struct sw_loop *loop, int fd, unsigned events, sw_fd_fn fn, void *aux);
/* Change the watched conditions (e.g. add SW_FD_WRITE while output is
 * queued); 0 or -1. */
int sw_fd_watch_set(struct sw_fd_watch *w, unsigned events);
void sw_fd_watch_destroy(struct sw_fd_watch *w);

/* ---- timers --------------------------------------------------------------- */

typedef void (*sw_timer_fn)(void *aux);

/* A one-shot timer, created disarmed. */
struct sw_timer *sw_timer_create(struct sw_loop *loop, sw_timer_fn fn, void *aux);
/* (Re-)arm to fire at 'deadline_us' (wall clock, microseconds); a deadline
 * in the past fires in the next round; UINT64_MAX disarms. */
void sw_timer_arm(struct sw_timer *t, uint64_t deadline_us);
void sw_timer_disarm(struct sw_timer *t);
void sw_timer_destroy(struct sw_timer *t);

/* ---- signals -------------------------------------------------------------- */

/* The callback runs from the loop, not in signal context, so it may do
 * anything a callback may.  libevent keeps the process-wide handler state
 * (signals are process-wide by nature); only one loop may watch signals. */
typedef void (*sw_signal_fn)(int signo, void *aux);

struct sw_signal *sw_signal_create(struct sw_loop *loop, int signo, sw_signal_fn fn, void *aux);
void sw_signal_destroy(struct sw_signal *s);

#endif /* SWITCHD_EVENT_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * event.c - the sw_loop API over libevent 2.1.  The only file that includes
 * <event2/...>: swapping the event library touches nothing else.
 */
#include <config.h>

#include "switchd/event.h"

#include <event2/event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct sw_loop {
	struct event_base *base; /* owned */
	bool stop;
	bool nonblock; /* rounds do not wait (sw_loop_set_nonblock) */
	sw_round_fn round_fn;
	void *round_aux;
};

struct sw_fd_watch {
	struct sw_loop *loop;
	struct event *ev; /* owned */
	int fd;
	unsigned events;
	sw_fd_fn fn;
	void *aux;
};

struct sw_timer {
	struct event *ev; /* owned */
	sw_timer_fn fn;
	void *aux;
};

struct sw_signal {
	struct event *ev; /* owned */
	sw_signal_fn fn;
	void *aux;
};

uint64_t
sw_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- loop ----------------------------------------------------------------- */

struct sw_loop *
sw_loop_create(char *err, size_t errlen)
{
	struct sw_loop *loop = calloc(1, sizeof(*loop));

	if (!loop) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	loop->base = event_base_new();
	if (!loop->base) {
		snprintf(err, errlen, "libevent: cannot create an event base");
		free(loop);
		return NULL;
	}
	return loop;
}

void
sw_loop_destroy(struct sw_loop *loop)
{
	if (!loop)
		return;
	event_base_free(loop->base);
	free(loop);
}

void
sw_loop_set_round_end(struct sw_loop *loop, sw_round_fn fn, void *aux)
{
	loop->round_fn = fn;
	loop->round_aux = aux;
}

int
sw_loop_run(struct sw_loop *loop)
{
	loop->stop = false;
	while (!loop->stop) {
		/* EVLOOP_ONCE: wait for at least one event, run every callback
		 * that became active, return.  One call is one round. */
		int rc = event_base_loop(
			loop->base, loop->nonblock ? EVLOOP_NONBLOCK : EVLOOP_ONCE);

		if (rc < 0)
			return -1;
		if (loop->round_fn)
			loop->round_fn(loop->round_aux);
		if (rc == 1 && !loop->nonblock)
			break; /* nothing left to wait for: it would spin */
	}
	return 0;
}

void
sw_loop_set_nonblock(struct sw_loop *loop, bool nonblock)
{
	loop->nonblock = nonblock;
}

void
sw_loop_stop(struct sw_loop *loop)
{
	/* sw_loop_run() runs one round per event_base_loop() call, so the
	 * flag alone ends it once the current round's callbacks are done. */
	loop->stop = true;
}

/* ---- fd watches ----------------------------------------------------------- */

static void
fd_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sw_fd_watch *w = arg;
	unsigned events =
		((what & EV_READ) ? SW_FD_READ : 0) | ((what & EV_WRITE) ? SW_FD_WRITE : 0);

	w->fn((int)fd, events, w->aux);
}

static short
ev_flags(unsigned events)
{
	return (short)(EV_PERSIST | ((events & SW_FD_READ) ? EV_READ : 0) |
		((events & SW_FD_WRITE) ? EV_WRITE : 0));
}

struct sw_fd_watch *
sw_fd_watch_create(struct sw_loop *loop, int fd, unsigned events, sw_fd_fn fn, void *aux)
{
	struct sw_fd_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->loop = loop;
	w->fd = fd;
	w->fn = fn;
	w->aux = aux;
	w->ev = event_new(loop->base, fd, ev_flags(events), fd_cb, w);
	if (!w->ev) {
		free(w);
		return NULL;
	}
	w->events = events;
	if (events && event_add(w->ev, NULL)) {
		sw_fd_watch_destroy(w);
		return NULL;
	}
	return w;
}

int
sw_fd_watch_set(struct sw_fd_watch *w, unsigned events)
{
	if (events == w->events)
		return 0;
	/* An event's flags are fixed once assigned: delete, re-assign, add. */
	event_del(w->ev);
	if (event_assign(w->ev, w->loop->base, w->fd, ev_flags(events), fd_cb, w))
		return -1;
	w->events = events;
	return events ? event_add(w->ev, NULL) : 0;
}

void
sw_fd_watch_destroy(struct sw_fd_watch *w)
{
	if (!w)
		return;
	event_free(w->ev); /* also removes it from the loop */
	free(w);
}

/* ---- timers --------------------------------------------------------------- */

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sw_timer *t = arg;

	(void)fd;
	(void)what;
	t->fn(t->aux);
}

struct sw_timer *
sw_timer_create(struct sw_loop *loop, sw_timer_fn fn, void *aux)
{
	struct sw_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->fn = fn;
	t->aux = aux;
	t->ev = evtimer_new(loop->base, timer_cb, t);
	if (!t->ev) {
		free(t);
		return NULL;
	}
	return t;
}

void
sw_timer_arm(struct sw_timer *t, uint64_t deadline_us)
{
	uint64_t now, delay;
	struct timeval tv;

	if (deadline_us == UINT64_MAX) {
		sw_timer_disarm(t);
		return;
	}
	now = sw_wall_us();
	delay = deadline_us > now ? deadline_us - now : 0;
	if (delay > (uint64_t)1e15)
		delay = (uint64_t)1e15; /* keep tv_sec sane on any time_t */
	tv.tv_sec = (time_t)(delay / 1000000u);
	tv.tv_usec = (suseconds_t)(delay % 1000000u);
	evtimer_add(t->ev, &tv); /* re-adding a pending timer moves it */
}

void
sw_timer_disarm(struct sw_timer *t)
{
	evtimer_del(t->ev);
}

void
sw_timer_destroy(struct sw_timer *t)
{
	if (!t)
		return;
	event_free(t->ev);
	free(t);
}

/* ---- signals -------------------------------------------------------------- */

static void
signal_cb(evutil_socket_t signo, short what, void *arg)
{
	struct sw_signal *s = arg;

	(void)what;
	s->fn((int)signo, s->aux);
}

struct sw_signal *
sw_signal_create(struct sw_loop *loop, int signo, sw_signal_fn fn, void *aux)
{
	struct sw_signal *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->fn = fn;
	s->aux = aux;
	s->ev = evsignal_new(loop->base, signo, signal_cb, s);
	if (!s->ev || event_add(s->ev, NULL)) {
		if (s->ev)
			event_free(s->ev);
		free(s);
		return NULL;
	}
	return s;
}

void
sw_signal_destroy(struct sw_signal *s)
{
	if (!s)
		return;
	event_free(s->ev); /* restores the previous disposition of the signal */
	free(s);
}

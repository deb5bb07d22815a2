/* SPDX-License-Identifier: Apache-2.0 */
/*
 * live.c - the switch on real interfaces.
 *
 * Every port gets an AF_PACKET back-end (port_afpacket.c) and a read watch
 * on its receive socket in the event loop (event.c); the back-end says
 * when that socket changes (an interface that went away and came back),
 * and an rtnetlink socket tells the back-ends when links change.  One loop
 * round: each port whose ring has frames switches up to RX_BUDGET of them
 * (the budget keeps one busy port from starving the others: what is left
 * is taken in the next round), then the round-end hook flushes every
 * port's transmit batch once.  A timer runs the switch's timers (FDB
 * ageing) and ticks at least once a second.  SIGINT / SIGTERM stop the
 * loop; then the batches are flushed, the state file is written and the
 * ports are closed.
 *
 * Sleeping or polling.  While a socket is in the epoll set, the kernel
 * takes its wait-queue lock and runs epoll's callback for every frame it
 * puts in the ring, whether the daemon sleeps or not, and it does so on
 * the CPU of whoever sent the frame (measured: a tenth of a veth sender's
 * time; BENCHMARKS.md).  So under load the loop polls instead, as NAPI
 * does: when one read finds at least POLL_ENTER frames waiting, the
 * sockets leave the epoll set and the rounds stop sleeping; each round
 * reads every ring.  When a POLL_WINDOW_US window brings fewer than
 * POLL_KEEP frames, the sockets go back into the epoll set and the loop
 * sleeps again.  Polling spins a core for as long as the load lasts (at
 * least 32 kpps); below that the daemon sleeps between frames as before.
 *
 * The switch clock is the wall clock (CLOCK_REALTIME) in microseconds, held
 * so that it never runs backwards: after a step back it stands still until
 * the wall clock catches up, as replay's clock does over a capture that
 * goes back in time.
 */
#include <config.h>

#include "switchd/live.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "switchd/acl.h"
#include "switchd/event.h"
#include "switchd/port_be.h"
#include "switchd/state.h"
#include "switchd/writer.h"

#define RX_BUDGET 256      /* frames per port per round */
#define TICK_US   1000000u /* the timer fires at least this often */

/* Polling (see sw_live_run's comment at the top): a read of at least
 * POLL_ENTER frames starts it; it goes on while every POLL_WINDOW_US
 * brings at least POLL_KEEP frames (32 kpps). */
#define POLL_ENTER     32
#define POLL_WINDOW_US 1000u
#define POLL_KEEP      32

struct live;

struct live_port {
	struct live *l;
	unsigned idx;
	int fd;                /* owned by the back-end */
	struct sw_fd_watch *w; /* owned */
};

struct live {
	struct sw *sw;
	const struct sw_live_opts *o;
	struct sw_loop *loop;   /* owned */
	struct sw_timer *timer; /* owned */
	struct sw_signal *sig[3];
	struct live_port *ports;  /* owned, one per switch port */
	int nl_fd;                /* rtnetlink, link changes (owned; -1: none) */
	struct sw_fd_watch *nl_w; /* owned */
	unsigned n_ports;
	uint64_t now;   /* the switch clock: last value handed out */
	uint64_t armed; /* the timer's deadline */
	/* Polling the receive rings instead of sleeping on their sockets. */
	bool polling;
	bool poll_enter;      /* a read this round was large enough to start */
	uint64_t win_start;   /* polling: the current window began */
	uint64_t win_frames;  /* ... and brought this many frames */
	uint64_t poll_starts; /* times polling started (logged at stop) */
};

static uint64_t
clock_now(struct live *l)
{
	uint64_t t = sw_wall_us();

	if (t > l->now)
		l->now = t;
	return l->now;
}

static void
port_readable(int fd, unsigned events, void *aux)
{
	struct live_port *lp = aux;

	unsigned n;

	(void)fd;
	(void)events;
	n = sw_afp_rx(lp->l->sw, lp->idx, RX_BUDGET, clock_now(lp->l));
	/* Woken with an empty ring: the socket has an error to collect (the
	 * interface went down or away). */
	if (!n)
		sw_afp_rx_error(lp->l->sw, lp->idx);
	if (n >= POLL_ENTER)
		lp->l->poll_enter = true;
}

/* The back-end opened (fd >= 0) or is about to close (-1) the port's
 * receive socket: watch the new one. */
static void
port_fd(void *aux, int fd)
{
	struct live_port *lp = aux;

	sw_fd_watch_destroy(lp->w);
	lp->w = NULL;
	lp->fd = fd;
	/* While polling, the socket is watched by nobody (see set_polling). */
	if (fd >= 0 &&
		!(lp->w = sw_fd_watch_create(
			  lp->l->loop, fd, lp->l->polling ? 0 : SW_FD_READ, port_readable, lp)))
		fprintf(stderr, "vnswitchd: port %s: cannot watch its socket\n",
			sw_port(lp->l->sw, lp->idx)->name);
}

/* ---- link changes ----------------------------------------------------------
 * An rtnetlink socket subscribed to RTMGRP_LINK: any link message in the
 * switch's namespace (an interface up, down, added, deleted, its MTU
 * changed) makes every port look at its interface at once.  The messages
 * are not parsed: they are rare and the look costs three ioctls a port.
 * Without this socket (no rtnetlink) the ports still look once a second. */

static int
nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
nl_readable(int fd, unsigned events, void *aux)
{
	struct live *l = aux;
	char buf[8192];
	bool any = false;
	uint64_t now;

	(void)events;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		/* ENOBUFS: messages were lost (the socket buffer overflowed):
		 * look at every port anyway. */
		if (n > 0 || (n < 0 && errno == ENOBUFS))
			any = true;
		else if (n < 0 && errno == EINTR)
			continue;
		else
			break;
	}
	if (!any)
		return;
	now = clock_now(l);
	for (unsigned i = 0; i < l->n_ports; i++)
		sw_afp_check(l->sw, i, now);
}

/* Polling on or off: the sockets leave the epoll set (so that the kernel,
 * finding nobody waiting on them, wakes nobody per frame) and the loop
 * stops sleeping; or the other way round.  Adding a socket back to epoll
 * reports it at once if its ring got frames meanwhile: none is stranded. */
static void
set_polling(struct live *l, bool on)
{
	l->polling = on;
	for (unsigned i = 0; i < l->n_ports; i++)
		if (l->ports[i].w && sw_fd_watch_set(l->ports[i].w, on ? 0 : SW_FD_READ))
			fprintf(stderr, "vnswitchd: port %s: cannot %s its socket\n",
				sw_port(l->sw, i)->name, on ? "unwatch" : "watch");
	sw_loop_set_nonblock(l->loop, on);
	if (on) {
		l->poll_starts++;
		l->win_start = l->now;
		l->win_frames = 0;
	}
}

/* Read every port's ring (polling), and decide whether to poll on. */
static void
poll_rings(struct live *l)
{
	if (l->polling) {
		uint64_t now = clock_now(l);

		for (unsigned i = 0; i < l->n_ports; i++)
			l->win_frames += sw_afp_rx(l->sw, i, RX_BUDGET, now);
		if (now - l->win_start >= POLL_WINDOW_US) {
			if (l->win_frames < POLL_KEEP)
				set_polling(l, false);
			l->win_start = now;
			l->win_frames = 0;
		}
	} else if (l->poll_enter) {
		set_polling(l, true);
	}
	l->poll_enter = false;
}

static void
round_end(void *aux)
{
	struct live *l = aux;
	uint64_t next;

	poll_rings(l);
	next = sw_next_deadline(l->sw);

	/* A control frame or command may have started an earlier timer (an
	 * ECP retransmission 2.56 ms away): bring the timer forward. */
	if (next < l->armed) {
		l->armed = next;
		sw_timer_arm(l->timer, next);
	}
	sw_flush(l->sw, l->now);
}

static void
on_timer(void *aux)
{
	struct live *l = aux;
	uint64_t now = clock_now(l), next = sw_run_timers(l->sw, now);

	/* At least once a second: OVS RCU's postponed frees of replaced ACLs
	 * (acl.h); no frame is in flight here. */
	sw_acl_quiesce();
	/* Re-arm often enough that a wall-clock step cannot delay the
	 * switch's timers by more than a tick. */
	if (next > now + TICK_US)
		next = now + TICK_US;
	l->armed = next;
	sw_timer_arm(l->timer, next);
}

static void
on_signal(int signo, void *aux)
{
	struct live *l = aux;

	if (signo == SIGHUP) {
		if (l->o->on_hup)
			l->o->on_hup(l->o->aux);
		else
			fprintf(stderr,
				"vnswitchd: SIGHUP: configuration reload is not "
				"supported yet; ignored\n");
		return;
	}
	fprintf(stderr, "vnswitchd: %s: stopping\n", signo == SIGINT ? "SIGINT" : "SIGTERM");
	sw_loop_stop(l->loop);
}

/* Same document as replay's state.json, written beside and renamed so a
 * reader never sees half a file. */

static int
write_pid(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	return 0;
}

/* Close the ports' back-ends (a final send of what is queued) and forget
 * them, so sw_destroy() does not close them again. */
static void
close_ports(struct live *l)
{
	for (unsigned i = 0; l->ports && i < l->n_ports; i++) {
		struct sw_port *p = sw_port(l->sw, i);

		sw_fd_watch_destroy(l->ports[i].w);
		l->ports[i].w = NULL;
		if (p->ops && p->ops->close)
			p->ops->close(p);
		sw_port_attach(l->sw, i, NULL, NULL);
	}
}

static void
teardown(struct live *l)
{
	close_ports(l);
	sw_fd_watch_destroy(l->nl_w);
	if (l->nl_fd >= 0)
		close(l->nl_fd);
	for (size_t i = 0; i < sizeof(l->sig) / sizeof(l->sig[0]); i++)
		sw_signal_destroy(l->sig[i]);
	sw_timer_destroy(l->timer);
	sw_loop_destroy(l->loop);
	free(l->ports);
}

/* Every port needs an interface before anything is opened. */
static int
check_interfaces(struct sw *sw, char *err, size_t errlen)
{
	const struct sw_conf *c = sw_get_conf(sw);

	for (unsigned i = 0; i < sw_n_ports(sw); i++) {
		const struct sw_port *p = sw_port(sw, i);

		if (p->ifname[0]) {
			for (unsigned j = 0; j < i; j++)
				if (!strcmp(sw_port(sw, j)->ifname, p->ifname)) {
					/* Two sockets would each get every frame. */
					snprintf(err, errlen,
						"%s:%d: ports '%s' and '%s' both use interface "
						"'%s'",
						c->path, i < c->n_ports ? c->ports[i].line : 0,
						sw_port(sw, j)->name, p->name, p->ifname);
					return -1;
				}
			continue;
		}
		snprintf(err, errlen,
			"%s:%d: port '%s' has no 'interface': live mode needs one on every "
			"port (only --replay runs without)",
			c->path, i < c->n_ports ? c->ports[i].line : 0, p->name);
		return -1;
	}
	if (!sw_n_ports(sw)) {
		snprintf(err, errlen, "%s: no ports to run on", c->path);
		return -1;
	}
	return 0;
}

static void
log_totals(struct live *l)
{
	struct sw_counters t;
	uint64_t drops = 0;

	sw_totals(l->sw, &t);
	for (int d = 0; d < SW_DROP_MAX; d++)
		drops += t.drops[d];
	fprintf(stderr,
		"vnswitchd: stopped: %llu frames received, %llu sent, %llu dropped; polled "
		"the rings %llu times\n",
		(unsigned long long)t.rx_frames, (unsigned long long)t.tx_frames,
		(unsigned long long)drops, (unsigned long long)l->poll_starts);
}

int
sw_live_run(struct sw *sw, const struct sw_live_opts *o, char *err, size_t errlen)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct live l = { .sw = sw, .o = o, .nl_fd = -1 };
	char ports_msg[1024] = "";
	bool started = false; /* on_start succeeded, on_stop not yet run */
	size_t off = 0;
	int rc = -1;

	if (check_interfaces(sw, err, errlen))
		return -1;
	l.n_ports = sw_n_ports(sw);
	l.ports = calloc(l.n_ports, sizeof(*l.ports));
	if (!l.ports) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	l.loop = sw_loop_create(err, errlen);
	if (!l.loop)
		goto out;
	l.timer = sw_timer_create(l.loop, on_timer, &l);
	if (!l.timer) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!(l.sig[i] = sw_signal_create(l.loop, sigs[i], on_signal, &l))) {
			snprintf(err, errlen, "cannot watch signal %d", sigs[i]);
			goto out;
		}
	for (unsigned i = 0; i < l.n_ports; i++) {
		struct live_port *lp = &l.ports[i];
		const struct sw_port *p = sw_port(sw, i);

		lp->l = &l;
		lp->idx = i;
		lp->fd = -1;
		if (sw_afp_attach(sw, i, port_fd, lp, err, errlen))
			goto out;
		if (!lp->w) {
			snprintf(err, errlen, "port %s: cannot watch its socket", p->name);
			goto out;
		}
		if (off < sizeof(ports_msg))
			off += (size_t)snprintf(ports_msg + off, sizeof(ports_msg) - off,
				" %s=%s", p->name, p->ifname);
	}
	l.nl_fd = nl_open();
	if (l.nl_fd < 0 ||
		!(l.nl_w = sw_fd_watch_create(l.loop, l.nl_fd, SW_FD_READ, nl_readable, &l)))
		fprintf(stderr,
			"vnswitchd: warning: no rtnetlink link notifications (%s): ports look "
			"at their interfaces once a second\n",
			strerror(errno));
	sw_loop_set_round_end(l.loop, round_end, &l);
	on_timer(&l); /* first run of the switch timers, and arms the timer */
	if (o->on_start && o->on_start(l.loop, o->aux, err, errlen))
		goto out;
	started = true;
	if (o->pid_file && write_pid(o->pid_file, err, errlen))
		goto out;
	/* Scripts wait for this line: every port is open when it appears. */
	fprintf(stderr, "vnswitchd: running live on %u ports:%s (pid %ld)\n", l.n_ports,
		ports_msg, (long)getpid());
	if (sw_loop_run(l.loop)) {
		snprintf(err, errlen, "the event loop failed");
		goto out_pid;
	}
	if (o->on_stop)
		o->on_stop(o->aux);
	started = false;
	sw_flush(sw, clock_now(&l));
	log_totals(&l);
	rc = 0;
	if (o->state_file) {
		if (sw_state_write_file(sw, o->state_file, l.now, err, errlen))
			rc = -1;
		else if (o->verbose)
			fprintf(stderr, "vnswitchd: state written to %s\n", o->state_file);
	}
out_pid:
	if (o->pid_file)
		unlink(o->pid_file);
out:
	if (started && o->on_stop)
		o->on_stop(o->aux);
	teardown(&l);
	return rc;
}

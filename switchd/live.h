/* SPDX-License-Identifier: Apache-2.0 */
/*
 * live.h - run the switch on real interfaces: AF_PACKET ports driven by
 * the libevent loop (switchd/event.c is the only file that includes
 * libevent), the wall clock as the switch clock, SIGINT/SIGTERM to stop.
 */
#ifndef SWITCHD_LIVE_H
#define SWITCHD_LIVE_H 1

#include <stddef.h>

#include "switchd/sw.h"

struct sw_loop;

struct sw_live_opts {
	const char *state_file; /* written on exit (NULL: none) */
	const char *pid_file;   /* written once every port is open, removed on exit */
	int verbose;

	/* Hooks for what else the daemon runs in the same loop (the control
	 * socket).  All may be NULL.  on_start runs once the ports are open,
	 * before the loop: non-zero aborts the start with its message in err.
	 * on_stop runs after the loop stopped (only if on_start succeeded),
	 * before the state file is written and the ports close.  on_hup runs
	 * on SIGHUP (NULL: logged and ignored). */
	int (*on_start)(struct sw_loop *loop, void *aux, char *err, size_t errlen);
	void (*on_stop)(void *aux);
	void (*on_hup)(void *aux);
	void *aux;
};

/* Opens every port (each needs an interface), runs until SIGINT/SIGTERM;
 * 0 on a clean stop, -1 with a message when a port cannot be opened or the
 * state file cannot be written.  Log lines go to stderr ("vnswitchd: "). */
int sw_live_run(struct sw *sw, const struct sw_live_opts *o, char *err, size_t errlen);

#endif /* SWITCHD_LIVE_H */

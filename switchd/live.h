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

struct sw_live_opts {
	const char *state_file; /* written on exit (NULL: none) */
	const char *pid_file;   /* NULL: none */
	int verbose;
};

/* Opens every port with an interface, runs until a stop signal; 0 on a
 * clean stop, -1 with a message when a port cannot be opened. */
int sw_live_run(struct sw *sw, const struct sw_live_opts *o, char *err, size_t errlen);

#endif /* SWITCHD_LIVE_H */

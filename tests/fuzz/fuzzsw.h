/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzzsw.h - a switch for the fuzz targets that drive the switch core
 * (fuzz-ctl.c, fuzz-pipeline.c): built from a configuration text with a
 * memory back-end on every port and, optionally, the control plane; a
 * virtual clock that runs the timers at their deadlines as replay does; and
 * a snapshot of everything observable, to prove that something changed
 * nothing.
 */
#ifndef TESTS_FUZZ_FUZZSW_H
#define TESTS_FUZZ_FUZZSW_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchd/port_be.h"
#include "switchd/sw.h"

#define FZ_MAX_PORTS 8
#define FZ_T0        (1000 * 1000000ull) /* the clock starts at 1000 s */

struct fz {
	struct sw *sw;
	unsigned n_ports;
	/* Borrowed from the caller (large: 512 KB each), outlive sw. */
	struct sw_mem_port *mem;
	uint64_t now;  /* the switch clock */
	uint64_t next; /* the next timer deadline */
};

/*
 * Build the switch from 'conf' (at most FZ_MAX_PORTS ports), attach
 * mem[0..n_ports) (emptied first) and, with 'cplane', the control plane
 * with a fixed seed; run the first timers at FZ_T0.  Aborts on failure:
 * the configuration is the target's own.
 */
void fz_open(struct fz *x, const char *conf, struct sw_mem_port *mem, bool cplane);
void fz_close(struct fz *x);

/* Move the clock to 't' running every timer due on the way, at its own
 * deadline, as replay does; after 64 rounds only the control plane's
 * deadlines are met one by one (as vnswitchd's time warp does), so a long
 * jump costs what a short one does. */
void fz_advance(struct fz *x, uint64_t t);
/* After input: a control frame may have started an earlier timer. */
void fz_after_input(struct fz *x);
/* Forget the frames the ports sent (the memory back-ends keep 256). */
void fz_clear_tx(struct fz *x);
/* Frames sent so far on every port, summed. */
unsigned fz_tx_frames(const struct fz *x);

/* Everything observable as one JSON text (malloc'ed, the caller frees):
 * the state dump (ports, vEths, FDB, counters, control plane), the
 * profiles, the number of events and the last four (the log only ever
 * appends). */
char *fz_snapshot(struct fz *x);

#endif /* TESTS_FUZZ_FUZZSW_H */

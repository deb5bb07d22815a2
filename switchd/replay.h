/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replay.h - run the switch over captures, with capture time as its clock.
 *
 * All inputs are merged by timestamp (ties: the earlier --replay argument
 * first, then file order), timers run between frames and, at the end, up
 * to 'until' after the first frame.  Nothing here reads the wall clock, so
 * the same inputs give the same outputs byte for byte.
 */
#ifndef SWITCHD_REPLAY_H
#define SWITCHD_REPLAY_H 1

#include <stddef.h>
#include <stdint.h>

#include "switchd/sw.h"

struct sw_replay_input {
	unsigned port;
	const char *path;
};

struct sw_replay_result {
	uint64_t first_us, end_us;
	uint64_t frames;
	uint64_t truncated; /* frames whose capture length was short of the wire length */
};

/* until_us: run timers to first frame + until_us at the end (0: stop at the
 * last frame).  Returns 0, or -1 with a message. */
int sw_replay_run(struct sw *sw, const struct sw_replay_input *in, size_t n, uint64_t until_us,
	struct sw_replay_result *res, char *err, size_t errlen);

/* The same with 'step' in place of the pipeline: every burst of frames
 * (and every frame that goes alone: control frames, oversize frames) is
 * handed to step instead of sw_input_burst() / sw_input() (NULL: the
 * pipeline).  For benchmarks: tests/bench-pipeline.c measures the replay
 * path alone (reading, merging, bursts, timers, pcap output) with a step
 * that only copies each frame to an output port. */
typedef void (*sw_replay_step_fn)(void *aux, struct sw *sw, const struct sw_rx *rx, unsigned n);
int sw_replay_run_step(struct sw *sw, const struct sw_replay_input *in, size_t n,
	uint64_t until_us, struct sw_replay_result *res, sw_replay_step_fn step, void *aux,
	char *err, size_t errlen);

#endif /* SWITCHD_REPLAY_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trace.h - what the pipeline decided for one frame (vnctl trace).
 *
 * A trace run goes through the same code as a real frame, but sw_input()
 * changes nothing: no counter, no learning, no vEth created, nothing sent.
 * Each stage appends a step; each output names its port, vEth and the
 * encapsulation it would carry.  Fixed arrays: a trace never allocates.
 */
#ifndef SWITCHD_TRACE_H
#define SWITCHD_TRACE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchd/sw.h"

#define SW_TRACE_MAX_STEPS   32
#define SW_TRACE_MAX_OUTPUTS 64

struct sw_trace_output {
	unsigned port;
	int64_t veth; /* vEth id, -1 for an uplink */
	char encap[96];
	size_t len;
};

struct sw_trace {
	unsigned n_steps;
	char steps[SW_TRACE_MAX_STEPS][160];
	unsigned n_outputs;
	unsigned outputs_dropped; /* beyond SW_TRACE_MAX_OUTPUTS */
	struct sw_trace_output outputs[SW_TRACE_MAX_OUTPUTS];
	bool dropped;
	enum sw_drop drop_reason;
	/* Copies refused at egress (egress ACL / policer, tx_full): counted
	 * per copy; a frame whose every copy was refused is dropped for the
	 * last one's reason. */
	unsigned copies_dropped;
	enum sw_drop copy_drop_reason;
	int64_t src_veth; /* -1: none / uplink */
	int vlan;         /* -1 before classification */
};

void sw_trace_init(struct sw_trace *t);
void sw_trace_step(struct sw_trace *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* SWITCHD_TRACE_H */

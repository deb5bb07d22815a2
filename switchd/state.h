/* SPDX-License-Identifier: Apache-2.0 */
/*
 * state.h - the switch's state as a document: ports, vEths, FDB, counters.
 * Written through the one writer, so the same dump serves state.json in
 * replay and `vnctl show` later.  Lists are sorted (ports in configuration
 * order, vEths by id, the FDB by VLAN then MAC) so output is reproducible.
 */
#ifndef SWITCHD_STATE_H
#define SWITCHD_STATE_H 1

#include <stddef.h>
#include <stdint.h>

#include "switchd/sw.h"
#include "switchd/writer.h"

void sw_state_counters(struct sw_writer *w, const char *tag, const struct sw_counters *c);
void sw_state_ports(struct sw_writer *w, struct sw *sw);
/* One vEth as a list element: binding, VLAN, profile, origin, state,
 * timestamps, rates and counters. */
void sw_state_veth(struct sw_writer *w, struct sw *sw, const struct sw_veth *v);
void sw_state_veths(struct sw_writer *w, struct sw *sw, uint64_t now);
/* The used vEth slots ordered by vEth id (malloc'ed, the caller frees;
 * NULL with *n 0 when out of memory): every listing shows vEths so. */
int32_t *sw_state_slots_by_id(const struct sw *sw, size_t *n);
void sw_state_fdb(struct sw_writer *w, struct sw *sw, uint64_t now, int vlan_filter);
/* Write the whole state as JSON to 'path' (atomic rename); 0 or -1 with
 * a message. */
int sw_state_write_file(
	struct sw *sw, const char *path, uint64_t now, char *err, size_t errlen);
/* The whole state as one object {switch, ports, veths, fdb, totals}. */
void sw_state_dump(struct sw_writer *w, struct sw *sw, uint64_t now);

#endif /* SWITCHD_STATE_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * port_be.h - port back-ends: pcap output (replay), memory (tests) and
 * AF_PACKET (live).  Each attaches a struct sw_port_ops table and its own
 * state to a port; the pipeline never knows which one it talks to.
 */
#ifndef SWITCHD_PORT_BE_H
#define SWITCHD_PORT_BE_H 1

#include <stddef.h>
#include <stdint.h>

#include "switchd/sw.h"

/* Replay output: every frame the port sends is appended to DIR/NAME.pcap
 * with the switch clock as its timestamp (so the same input gives the same
 * file, byte for byte).  The file is created even if nothing is sent. */
int sw_pcapout_attach(struct sw *sw, unsigned port, const char *dir, char *err, size_t errlen);

/* Memory back-end for tests: keeps up to SW_MEM_MAX_FRAMES frames. */
#define SW_MEM_MAX_FRAMES 256
#define SW_MEM_FRAME_MAX  2048
struct sw_mem_port {
	unsigned n;
	unsigned overflow;
	size_t len[SW_MEM_MAX_FRAMES];
	uint64_t ts[SW_MEM_MAX_FRAMES];
	uint8_t data[SW_MEM_MAX_FRAMES][SW_MEM_FRAME_MAX];
	unsigned refuse; /* tests: refuse the next N frames (tx_full) */
};
/* 'm' is owned by the caller and must outlive the switch's use of it. */
void sw_mem_attach(struct sw *sw, unsigned port, struct sw_mem_port *m);

/* Live: AF_PACKET sockets on the port's interface (promiscuous, PACKET_MMAP
 * rings, outgoing frames ignored), reopened when the interface comes back
 * after it went away (port_afpacket.c).  'fd_fn' is told the receive
 * socket to watch (readable: sw_afp_rx, error: sw_afp_rx_error) whenever
 * it changes: the new fd after opening, -1 before closing.  0 or -1. */
typedef void (*sw_afp_fd_fn)(void *aux, int fd);
int sw_afp_attach(
	struct sw *sw, unsigned port, sw_afp_fd_fn fd_fn, void *aux, char *err, size_t errlen);
/* Receive what the ring holds (at most 'budget' frames) into sw_input. */
unsigned sw_afp_rx(struct sw *sw, unsigned port, unsigned budget, uint64_t now);
/* The socket was woken with nothing to read: collect its error. */
void sw_afp_rx_error(struct sw *sw, unsigned port);
/* The links may have changed (rtnetlink): look at the interface now. */
void sw_afp_check(struct sw *sw, unsigned port, uint64_t now);
/* "up", "down" or "absent" (a port with this back-end). */
const char *sw_afp_link(const struct sw_port *p);

#endif /* SWITCHD_PORT_BE_H */

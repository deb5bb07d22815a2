/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lldpagenttest.h - the recording owner shared by the LLDP agent tests
 * (tests/test-lldp-agent.c and tests/test-lldp-agent-rx.c, one program):
 * an agent of the base configuration whose send and neighbour callbacks
 * record into rec, driven in virtual time (microseconds) by tick() and rx().
 * The agents are the caller's to destroy.
 */
#ifndef VN_TESTS_LLDPAGENTTEST_H
#define VN_TESTS_LLDPAGENTTEST_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lldp/agent.h"
#include "lldp/evb.h"
#include "lldp/lldpdu.h"
#include "tests/testutil.h"

/* The captures in tests/data. */
#define CAP_LLDPD   "lldpd-1.0.16_lldp_tx_with_custom_evb_tlv.pcap"
#define CAP_STATION "lldpad_station_evb22_lldp_and_unanswered_vdp_assoc.pcap"
#define CAP_BRIDGE                                                                             \
	"lldpad_station_vs_lldpad_bridge_evb_vdp_assoc_keepalive_deassoc_2filters.pcap"
#define CAP_CRAFTED "lldp_evb2012_cdcp_draft02evb_crafted.pcap"

#define S(x) ((uint64_t)(x)*LLDP_US_PER_S)
#define T0   S(1000) /* an arbitrary start time */

/* ---- a recording owner ---------------------------------------------------- */

#define MAX_SENT   64
#define MAX_EVENTS 64

struct sent {
	uint64_t t;
	size_t len;
	uint8_t buf[LLDP_FRAME_MAX];
};

struct event {
	enum lldp_nb_event ev;
	enum lldp_nb_reason why;
	uint8_t mac5; /* src_mac[4] of the neighbour */
	uint8_t chassis_last;
};

/* Test-program state: CUnit tests are single-threaded. */
struct recorder {
	uint64_t now; /* the time the test is driving the agent at */
	int fail_send;
	size_t n_sent;
	struct sent sent[MAX_SENT];
	size_t n_ev;
	struct event ev[MAX_EVENTS];
	/* EVB owner behaviour in the neighbour callback */
	const struct lldp_evb_local *evb_local;
	struct lldp_evb_oper evb_oper;
	int evb_rc;
};
extern struct recorder rec;

extern struct lldp_pdu dec; /* decode scratch (11 KB) */

void rec_reset(void);
/* The send callback: into rec.sent at rec.now (fails while rec.fail_send). */
int rec_send(void *aux, const uint8_t *frame, size_t len);

extern const uint8_t my_mac[6];

/* The base configuration of an agent of this group (MAC my_mac, "eth1"). */
void base_cfg(struct lldp_agent_cfg *cfg, enum lldp_agent group);
/* An agent on the recorder (rec_send, aux &rec). */
struct lldp_agent_sm *make_agent(const struct lldp_agent_cfg *cfg);
/* A fresh recorder and an agent with the base configuration. */
struct lldp_agent_sm *agent(enum lldp_agent group);

/* Tick, receive at t (rec.now = t first). */
void tick(struct lldp_agent_sm *a, uint64_t t);
enum lldp_rx_result rx(struct lldp_agent_sm *a, const uint8_t *f, size_t len, uint64_t t);

/* An ID of this subtype holding this MAC. */
void assert_mac_id(const struct lldp_id *id, uint8_t subtype, const uint8_t mac[6]);
/* An LLDP frame (EtherType 0x88CC). */
bool is_lldp(const struct tu_frame *f);
/* The EVB TLV e, packed, is hex (five bytes); row names it in a failure. */
void assert_evb_hex(const struct lldp_evb *e, const char *hex, const char *row);

/* The "lldp-agent-rx" suite (tests/test-lldp-agent-rx.c), registered by
 * test-lldp-agent.c. */
extern const struct tu_test lldp_agent_rx_tests[];

#endif /* VN_TESTS_LLDPAGENTTEST_H */

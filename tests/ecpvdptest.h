/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ecpvdptest.h - the harness shared by the ECP state machine and VDP bridge
 * tests (tests/test-ecp-vdp-sm.c and tests/test-ecp-vdp-sm-bridge.c, one
 * program): callbacks that record everything the state machines send,
 * deliver and decide into H, and constructors of an ECP state machine and
 * a VDP bridge wired to them.  Virtual time: every call takes "now".  The
 * tests are single-threaded (CUnit); each resets H with h_reset().
 */
#ifndef VN_TESTS_ECPVDPTEST_H
#define VN_TESTS_ECPVDPTEST_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/testutil.h"
#include "vepa/ecp.h"
#include "vepa/ecp_sm.h"
#include "vepa/vdp.h"
#include "vepa/vdp_bridge.h"

#define MAX_SENT 64

struct sent {
	uint8_t data[ECP_SM_MAX_FRAME];
	size_t len;
	uint64_t now;
};

/* Everything the callbacks saw; reset by each test. */
struct harness {
	/* ECP */
	struct sent frames[MAX_SENT];
	size_t n_frames;
	uint64_t now; /* time of the current call, for tx */
	int tx_rc;
	struct {
		uint16_t subtype;
		uint8_t data[ECP_MAX_ULPDU_LEN];
		size_t len;
	} dl[16];
	size_t n_dl;
	struct {
		uint16_t subtype, seq;
		bool acked;
		uint64_t now;
	} done[16];
	size_t n_done;

	/* VDP */
	struct sent out[MAX_SENT]; /* ULPDUs sent by the bridge */
	size_t n_out;
	struct ecp_sm *ecp;    /* when set, bridge output goes into ECP */
	struct vdp_bridge *br; /* when set, ECP delivers into the bridge */
	int admit_rc;          /* what admit returns */
	uint16_t admit_vid;    /* non-zero: write into every resp filter */
	uint8_t admit_pcp;     /* with admit_vid */
	size_t n_admit;
	uint8_t admit_mode;
	bool admit_had_cur;
	size_t admit_n;
	size_t n_release;
	enum vdp_bridge_reason rel_reason;
	uint8_t rel_state;
	uint16_t rel_vid0; /* granted VID of the first filter */
};
extern struct harness H;

extern struct vdp_pdu g_req, g_rsp; /* ~20 KiB each: off the stack */

void h_reset(void);

/* ECP callbacks: transmit (into H.frames, returns H.tx_rc), deliver (into
 * H.dl, or into the bridge H.br when set); VDP send (into H.out, then into
 * ECP H.ecp when set). */
int cb_tx(void *aux, const uint8_t *frame, size_t len);
void cb_deliver(void *aux, uint16_t subtype, const uint8_t *ulpdu, size_t len, uint64_t now);
int cb_send(void *aux, const uint8_t *ulpdu, size_t len, uint64_t now);

extern const uint8_t our_mac[6];
extern const uint8_t station_mac[6];
extern const uint8_t ncb[6];

/* An ECP state machine with our_mac and these parameters, on the callbacks. */
struct ecp_sm *mk_ecp(uint16_t seq, uint8_t r, uint8_t rte, uint16_t qlen);

enum { BR_DEASSOC = 1, BR_NO_MGRID_KEY = 2 };

/* A bridge with defaults except table sizes, RTE and the BR_* flags. */
struct vdp_bridge *mk_br_x(
	uint16_t max_vsi, uint16_t max_filters, uint8_t rte, unsigned int flags);

/* The "vdp-bridge" suite (tests/test-ecp-vdp-sm-bridge.c), registered by
 * test-ecp-vdp-sm.c. */
extern const struct tu_test ecp_vdp_bridge_tests[];

#endif /* VN_TESTS_ECPVDPTEST_H */

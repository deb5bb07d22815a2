/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cptest.h - the fixture shared by the control plane test programs
 * (tests/test-cplane.c, test-schannel.c, test-abuse.c, test-persist.c;
 * each program links its own copy of cptest.c).
 *
 * A switch from a configuration, the memory back-end (port_be.h) on every
 * port, a control plane attached, and a virtual clock that runs
 * sw_run_timers() at every deadline as replay does.  A test station is
 * played with frames built here with the codecs (ECP, VDP) or by hand
 * (tags, ACKs, data); what the switch sends is decoded with the LLDP, ECP
 * and VDP codecs into struct sent.  The fixture owns its memory ports:
 * fx_close() frees them after the switch.  The tests are single-threaded
 * (CUnit), so the decoded frame S is a global.
 */
#ifndef VN_TESTS_CPTEST_H
#define VN_TESTS_CPTEST_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lldp/lldpdu.h"
#include "switchd/cplane.h"
#include "switchd/port_be.h"
#include "switchd/sw.h"
#include "switchd/swconf.h"
#include "switchd/writer.h"
#include "tests/testutil.h"
#include "vepa/ecp.h"
#include "vepa/vdp.h"
#include "vntag/etag.h"
#include "vntag/vntag.h"

#define SEC        1000000ull
#define T0         (1000 * SEC) /* the switch clock when a fixture opens */
#define NONE       (-1)         /* no S-tag / no C-tag (sent.svid, sent.cvid) */
/* No channel tag: fx_put_head() writes a VN-Tag for svif 0..0xFFFE only. */
#define UNTAGGED   (-1)
/* The bridge's VDP keep-alive supervision with lldpad's defaults (R 3,
 * RTE 8, RKA 20; protocols.md 4.6): 1.5 * (2^20 + 7 * 2^8) * 10 us. */
#define KA_TIMEOUT 15755520ull

extern const uint8_t STATION[6]; /* the test station's source MAC */
extern const uint8_t NCB[6];     /* 01-80-C2-00-00-00, nearest customer bridge */
extern const uint8_t UPMAC[6];   /* a host behind the uplink */
extern const uint8_t MAC1[6];    /* 52:54:00:de:ad:01, a VSI's MAC */
extern const uint8_t MAC2[6];    /* 52:54:00:de:ad:02 */

/* ---- the switch under test ------------------------------------------------------ */

struct fx {
	struct sw *sw;
	struct sw_cplane *cp;
	/* test-persist.c's state file, or NULL; fx_close() destroys it. */
	struct sw_persist *p;
	struct sw_mem_port *m; /* one per switch port, owned by the fixture */
	unsigned n_m;
	uint64_t now, next; /* the clock, the earliest deadline not yet run */
	uint16_t seq;       /* the station's next ECP sequence number (from 1) */
};

/* The switch of a loaded configuration (freed here) with memory ports and
 * a control plane; the clock is not started (fx_start). */
struct fx *fx_build(struct sw_conf *c);
/* Start the clock at 'now': run what is due then. */
void fx_start(struct fx *x, uint64_t now);
/* fx_build() of conf_text, started at T0. */
struct fx *fx_open(const char *conf_text);
void fx_close(struct fx *x);

/* Run every timer up to t, at its own deadline, then set the clock to t. */
void advance(struct fx *x, uint64_t t);
/* One frame into 'port' at the current time; its deadlines are noted. */
void input(struct fx *x, unsigned port, const uint8_t *f, size_t len);
/* Forget what every port sent. */
void clear_out(struct fx *x);

/* ---- frames from the station ------------------------------------------------------ */

/* DA SA, then a VN-Tag with svif (0 <= svif < 0xFFFF, ecid 0) or an E-Tag
 * with ecid (ecid != 0), or nothing; returns the length so far. */
size_t fx_put_head(
	uint8_t *out, const uint8_t *dst, const uint8_t *src, int svif, uint32_t ecid);
/* A VSI TLV: mode, type, the UUID a1b2c3d4-0000-1111-2222-3333444455NN
 * (NN = last), MAC/VID filters; status all zero. */
struct vdp_vsi fx_vsi(uint8_t mode, uint32_t type_id, uint8_t type_version, uint8_t last);
/* After a header of hlen bytes: EtherType ECP, an ECP request 'seq' whose
 * VDPDU (manager ID mgrid) carries the VSI TLV v with its n filters f,
 * padded to 60 bytes (802.3's minimum less the FCS).  Returns the length. */
size_t fx_put_vdp(uint8_t *out, size_t hlen, const char *mgrid, const struct vdp_vsi *v,
	const struct vdp_filter *f, size_t n, uint16_t seq);
/* Zeros after len bytes up to 60, 802.3's minimum frame less the FCS;
 * returns the new length. */
size_t fx_pad60(uint8_t *out, size_t len);
/* After hlen bytes: an ECP ACK of 'seq' (18 bytes untagged: lldpad never
 * pads it). */
size_t fx_put_ack(uint8_t *out, size_t hlen, uint16_t seq);
/* After hlen bytes: a C-tag (vid >= 0), EtherType 0x88B5 and 0xAB bytes up
 * to len. */
size_t fx_put_data(uint8_t *out, size_t hlen, int vid, size_t len);

/* ---- what the switch sent --------------------------------------------------------- */

struct sent {
	bool ecp, lldp, has_vdp;
	uint8_t tag; /* the outer tag: 0 none, 1 VN-Tag, 2 E-Tag */
	struct vntag vt;
	struct etag et;
	int svid, cvid; /* NONE when absent */
	uint16_t type;
	uint8_t dst[6], src[6];
	struct ecp_pdu e;
	struct vdp_pdu vdp;
	struct lldp_pdu lldp_pdu;
	size_t len;
};

extern struct sent S;    /* large: kept off the stack */
extern unsigned S_index; /* the output frame vdp_out() decoded S from */

/* Decode one frame; every frame the switch sends must decode (asserted). */
void decode_out(const uint8_t *f, size_t len, struct sent *s);
/* The k-th (0-based) VDPDU port p sent with S-VID svid (NONE: no S-tag)
 * since clear_out, decoded into S; NULL if none. */
const struct sent *vdp_out(struct fx *x, unsigned p, int svid, unsigned k);
/* ECP ACKs of 'seq' port p sent with S-VID svid. */
unsigned count_acks(struct fx *x, unsigned p, int svid, uint16_t seq);
/* The status octet of a VSI TLV (protocols.md 4.2): 0x40 response, 0x20
 * keep / S, 0x10 hard / M, the error in the low nibble. */
int fx_status(const struct vdp_vsi *v);

/* ---- the switch's state ------------------------------------------------------------- */

/* The first vEth of origin (< 0: any) bound by mac (NULL: any), or NULL. */
const struct sw_veth *find_veth(struct fx *x, int origin, const uint8_t *mac);
/* vEths of origin (< 0: all). */
unsigned count_veths(struct fx *x, int origin);
/* A JSON writer on memory: fx_json_open(), write with j->w, then
 * fx_json_close() returns the text, which the caller frees. */
struct fx_json {
	char *buf;
	size_t len;
	FILE *mem;
	struct sw_writer w;
};
void fx_json_open(struct fx_json *j);
char *fx_json_close(struct fx_json *j);
/* sw_state_dump() as JSON text (the caller frees it). */
char *render_state(struct fx *x);

#endif /* VN_TESTS_CPTEST_H */

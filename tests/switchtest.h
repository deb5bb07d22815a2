/* SPDX-License-Identifier: Apache-2.0 */
/*
 * switchtest.h - the fixture shared by the switch pipeline tests
 * (tests/test-switch.c and tests/test-switch-model.c, one program).
 *
 * Each test builds a switch from a configuration string, puts the memory
 * back-end (port_be.h) on every port, feeds frames to sw_input() with an
 * explicit clock and asserts on what every port sent, byte for byte, and
 * on the port and vEth counters.  Frames are written bit by bit here (MK,
 * not with the codecs under test).  fx_open() allocates the fixture and one
 * memory port per switch port, owned by the fixture: fx_close() frees them
 * after the switch.  The tests are single-threaded (CUnit).
 */
#ifndef VN_TESTS_SWITCHTEST_H
#define VN_TESTS_SWITCHTEST_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchd/port_be.h"
#include "switchd/sw.h"
#include "switchd/swconf.h"
#include "tests/testutil.h"

#define SEC 1000000ull
#define T0  (1000 * SEC) /* the switch clock when a test starts */

/* ---- frames, written bit by bit ---------------------------------------------- */

struct fb {
	uint8_t b[4096];
	size_t n;
};

/* A frame in one call: MK(&f, dst, src, body_len, tags...) with the tags
 * outermost first (NONE: untagged), then EtherType IPv4 and body_len bytes.
 * Each tag is a 64-bit code, kind in the top 4 bits, that mk() writes field
 * by field (not with the codecs under test):
 *   VN-Tag  0x8926, d p dvif(14) | looped r version(2) svif(12)
 *   E-Tag   0x893F, E-PCP E-DEI Ingress_E-CID_base(12) | resv(2) GRP(2)
 *           E-CID_base(12) | Ingress_E-CID_ext(8) | E-CID_ext(8)
 *   C-tag   0x8100, PCP DEI VID;  S-tag 0x88A8, VID */
#define NONE     0ull
#define VW(word) (1ull << 60 | (uint32_t)(word))
#define VN(d, p, dvif, l, svif)                                                                \
	VW((uint32_t)(d) << 31 | (uint32_t)(p) << 30 | (uint32_t)(dvif) << 16 |                \
		(uint32_t)(l) << 15 | (uint32_t)(svif))
#define ET(pcp, in, grp, ecid)                                                                 \
	(2ull << 60 | (uint64_t)(pcp) << 42 | (uint64_t)(grp) << 40 | (uint64_t)(in) << 20 |   \
		(uint64_t)(ecid))
#define CT(pcp, vid) (3ull << 60 | (uint64_t)(pcp) << 12 | (uint64_t)(vid))
#define ST(vid)      (4ull << 60 | (uint64_t)(vid))

struct fb *mk(struct fb *f, const uint8_t *dst, const uint8_t *src, size_t body,
	const uint64_t *tags);
#define MK(f, dst, src, body, ...) mk(f, dst, src, body, (const uint64_t[]) { __VA_ARGS__, 0 })

/* Pad with zeros to 60 bytes: 802.3's 64-byte minimum frame less the FCS. */
const struct fb *pad60(struct fb *f);

extern const uint8_t BC[6];
extern const uint8_t MA[6];  /* station behind up0 */
extern const uint8_t MA2[6]; /* station behind up1 */
extern const uint8_t MB[6];  /* behind vEth 4 (etag 300) */
extern const uint8_t MC[6];  /* behind vEth 1 (vif 5) */
extern const uint8_t MD[6];  /* behind vEth 2 (vif 6) */
extern const uint8_t VM6[6];
extern const uint8_t VM7[6];
extern const uint8_t VM8[6];
extern const uint8_t VM9[6];
extern const uint8_t VMA[6];

/* ---- the switch under test ---------------------------------------------------- */

/* Ports: up0 up1 hv he hp hq; vEths 1..10.  VLAN 10 holds vEths 1 2 (vntag),
 * 4 5 (etag), 6 7 (vepa, relay on), 8 9 (vepa, relay off); VLAN 20 vEth 3;
 * VLAN 0 vEth 10. */
extern const char conf_main[];
enum { P_UP0, P_UP1, P_HV, P_HE, P_HP, P_HQ };

struct fx {
	struct sw *sw;
	unsigned n_ports;
	struct sw_mem_port *mem[SW_MAX_PORTS]; /* owned here, outlive the switch */
};

struct fx *fx_open(const char *text);
void fx_close(struct fx *x);
/* No frame sent on any port (the counters stay). */
void fx_clear(struct fx *x);
/* After a test's setup (learning): no output, every counter back to 0. */
void fx_zero(struct fx *x);
/* sw_input() of one frame at "now", no trace. */
void tx(struct fx *x, unsigned port, const struct fb *f, uint64_t now);

/* The port sent exactly one frame equal to 'want' (among others, maybe). */
bool has1(const struct fx *x, unsigned port, const struct fb *want);

/* Exactly these numbers of frames on ports 0, 1, ... (the rest: none). */
bool nout_is(const struct fx *x, const unsigned *want, size_t n);
#define NOUT(x, ...)                                                                           \
	nout_is(x, (const unsigned[]) { __VA_ARGS__ },                                         \
		sizeof((const unsigned[]) { __VA_ARGS__ }) / sizeof(unsigned))

/* A port's counters; a vEth's, by id (it must exist). */
const struct sw_counters *pc(struct fx *x, unsigned port);
const struct sw_counters *vc(struct fx *x, uint32_t id);

/* rx frames/bytes and tx frames/bytes are these (~0ull: not checked). */
bool ctr_is(
	const struct sw_counters *c, uint64_t rxf, uint64_t rxb, uint64_t txf, uint64_t txb);
#define ANY ~0ull

/* Drops of every reason in c; in the whole switch. */
uint64_t ndrops(const struct sw_counters *c);
uint64_t total_drops(struct fx *x);

/*
 * Feed one frame that must be dropped for 'why': counted once on the port
 * and, when veth_id != 0, on that vEth (with its rx); nothing else counts
 * and nothing is sent.
 */
bool drop_check(
	struct fx *x, unsigned port, const struct fb *f, enum sw_drop why, uint32_t veth_id);

/* drop_check() on a frame built in place: uses the caller's x and f. */
#define DROP(why, veth, port, dst, src, ...)                                                   \
	drop_check(x, port, MK(&f, dst, src, 46, __VA_ARGS__), SW_DROP_##why, veth)

/* The port's first frame, decoded with the codecs: these tag fields, then
 * IPv4 (the inner tag, if any, was removed). */
bool vt_is(
	struct fx *x, unsigned port, bool d, bool p, unsigned dvif, bool looped, unsigned svif);
/* The same for an E-Tag: these fields, then IPv4. */
bool et_is(struct fx *x, unsigned port, unsigned pcp, unsigned ingress, unsigned grp,
	unsigned ecid);
/* vn_eth_parse: exactly one C-tag with this PCP and VID, then IPv4. */
bool ct_is(struct fx *x, unsigned port, unsigned pcp, unsigned vid);

/* Learn station 'mac' on a port in VLAN 'vid' (a broadcast from it). */
void learn_uplink(struct fx *x, unsigned port, const uint8_t *mac, unsigned vid, uint64_t now);
/* The same for a station behind vif on the VN-Tag port hv (in its vEth's VLAN). */
void learn_vif(struct fx *x, const uint8_t *mac, unsigned vif, uint64_t now);

/* xorshift64 (Marsaglia): reproducible pseudo-random numbers from *s. */
uint64_t xorshift(uint64_t *s);

/* The "model" suite (tests/test-switch-model.c), registered by test-switch.c. */
extern const struct tu_test switch_model_tests[];

#endif /* VN_TESTS_SWITCHTEST_H */

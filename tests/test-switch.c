/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-switch.c - the switch pipeline (switchd/pipeline.c, sw.c, htab.c).
 *
 * Each test builds a switch from a configuration string, puts the memory
 * back-end (port_be.h) on every port, feeds frames to sw_input() with an
 * explicit clock and asserts on what every port sent, byte for byte, and
 * on the port and vEth counters.  Frames and expected outputs are written
 * bit by bit here (not with the codecs), then outputs are also decoded with
 * vntag_decode / etag_decode / vn_eth_parse.  White box where the FDB and the
 * vEth slots must be inspected: this file includes sw_internal.h.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/htab.h"
#include "switchd/port_be.h"
#include "switchd/state.h"
#include "switchd/sw.h"
#include "switchd/sw_internal.h"
#include "switchd/swconf.h"
#include "switchd/trace.h"
#include "switchd/writer.h"
#include "tests/testutil.h"
#include "vntag/etag.h"
#include "vntag/eth.h"
#include "vntag/vntag.h"

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

static void
put16(struct fb *f, uint64_t v)
{
	f->b[f->n++] = (uint8_t)(v >> 8);
	f->b[f->n++] = (uint8_t)v;
}

static struct fb *
mk(struct fb *f, const uint8_t *dst, const uint8_t *src, size_t body, const uint64_t *tags)
{
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	f->n = 12;
	for (; *tags; tags++) {
		uint64_t t = *tags;

		switch (t >> 60) {
		case 1:
			put16(f, 0x8926);
			put16(f, t >> 16);
			put16(f, t);
			break;
		case 2:
			put16(f, 0x893F);
			put16(f, (t >> 42 & 7) << 13 | (t >> 20 & 0xFFF));
			put16(f, (t >> 40 & 3) << 12 | (t & 0xFFF));
			f->b[f->n++] = (uint8_t)(t >> 32 & 0xFF);
			f->b[f->n++] = (uint8_t)(t >> 12 & 0xFF);
			break;
		default:
			put16(f, t >> 60 == 3 ? 0x8100 : 0x88A8);
			put16(f, (t >> 12 & 7) << 13 | (t & 0xFFF));
			break;
		}
	}
	put16(f, 0x0800);
	for (size_t i = 0; i < body; i++)
		f->b[f->n++] = (uint8_t)(0x40 + i);
	return f;
}
#define MK(f, dst, src, body, ...) mk(f, dst, src, body, (const uint64_t[]) { __VA_ARGS__, 0 })

static const struct fb *
pad60(struct fb *f)
{
	while (f->n < 60)
		f->b[f->n++] = 0;
	return f;
}

static const uint8_t BC[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MA[6] = { 2, 0, 0, 0, 1, 0xA };  /* station behind up0 */
static const uint8_t MA2[6] = { 2, 0, 0, 0, 1, 0xF }; /* station behind up1 */
static const uint8_t MB[6] = { 2, 0, 0, 0, 1, 0xB };  /* behind vEth 4 (etag 300) */
static const uint8_t MC[6] = { 2, 0, 0, 0, 1, 0xC };  /* behind vEth 1 (vif 5) */
static const uint8_t MD[6] = { 2, 0, 0, 0, 1, 0xD };  /* behind vEth 2 (vif 6) */
static const uint8_t VM6[6] = { 0x52, 0x54, 0, 0, 0, 6 };
static const uint8_t VM7[6] = { 0x52, 0x54, 0, 0, 0, 7 };
static const uint8_t VM8[6] = { 0x52, 0x54, 0, 0, 0, 8 };
static const uint8_t VM9[6] = { 0x52, 0x54, 0, 0, 0, 9 };
static const uint8_t VMA[6] = { 0x52, 0x54, 0, 0, 0, 0xA };

/* ---- the switch under test ---------------------------------------------------- */

/* Ports: up0 up1 hv he hp hq; vEths 1..10.  VLAN 10 holds vEths 1 2 (vntag),
 * 4 5 (etag), 6 7 (vepa, relay on), 8 9 (vepa, relay off); VLAN 20 vEth 3;
 * VLAN 0 vEth 10. */
static const char conf_main[] =
	"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; fdb_aging = 10;\n"
	"  max_veths = 64; fdb_max = 1024; };\n"
	"ports = (\n"
	"  { name = \"up0\"; role = \"uplink\"; vlans = [10, 20]; },\n"
	"  { name = \"up1\"; role = \"uplink\"; vlans = [10]; untagged = true; },\n"
	"  { name = \"hv\"; role = \"host\"; mode = \"vntag\"; },\n"
	"  { name = \"he\"; role = \"host\"; mode = \"etag\"; },\n"
	"  { name = \"hp\"; role = \"host\"; mode = \"vepa\"; reflective_relay = true; },\n"
	"  { name = \"hq\"; role = \"host\"; mode = \"vepa\"; }\n"
	");\n"
	"profiles = ( { name = \"web\"; vlan = 10; } );\n"
	"veths = (\n"
	"  { id = 1; port = \"hv\"; vif = 5; profile = \"web\"; },\n"
	"  { id = 2; port = \"hv\"; vif = 6; profile = \"web\"; },\n"
	"  { id = 3; port = \"hv\"; vif = 4095; vlan = 20; },\n"
	"  { id = 4; port = \"he\"; ecid = 300; profile = \"web\"; },\n"
	"  { id = 5; port = \"he\"; ecid = 0x12345; profile = \"web\"; },\n"
	"  { id = 6; port = \"hp\"; mac = \"52:54:00:00:00:06\"; vlan = 10; },\n"
	"  { id = 7; port = \"hp\"; mac = \"52:54:00:00:00:07\"; vlan = 10; },\n"
	"  { id = 8; port = \"hq\"; mac = \"52:54:00:00:00:08\"; vlan = 10; },\n"
	"  { id = 9; port = \"hq\"; mac = \"52:54:00:00:00:09\"; vlan = 10; },\n"
	"  { id = 10; port = \"hp\"; mac = \"52:54:00:00:00:0a\"; vlan = 0; }\n"
	");\n";
enum { P_UP0, P_UP1, P_HV, P_HE, P_HP, P_HQ };

struct fx {
	struct sw *sw;
	unsigned n_ports;
	struct sw_mem_port *mem[SW_MAX_PORTS]; /* owned here, outlive the switch */
};

static struct fx *
fx_open(const char *text)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct sw_conf conf;
	char err[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	if (sw_conf_load_string(text, "test.conf", &conf, err, sizeof(err))) {
		printf("\n  %s\n", err);
		CU_FAIL_FATAL("configuration");
	}
	x->sw = sw_create(&conf, err, sizeof(err));
	sw_conf_free(&conf); /* the switch keeps its own copy */
	if (!x->sw) {
		printf("\n  %s\n", err);
		CU_FAIL_FATAL("sw_create");
	}
	x->n_ports = sw_n_ports(x->sw);
	for (unsigned i = 0; i < x->n_ports; i++) {
		x->mem[i] = calloc(1, sizeof(*x->mem[i]));
		CU_ASSERT_PTR_NOT_NULL_FATAL(x->mem[i]);
		sw_mem_attach(x->sw, i, x->mem[i]);
	}
	return x;
}

static void
fx_close(struct fx *x)
{
	sw_destroy(x->sw);
	for (unsigned i = 0; i < x->n_ports; i++)
		free(x->mem[i]);
	free(x);
}

static void
fx_clear(struct fx *x)
{
	for (unsigned i = 0; i < x->n_ports; i++)
		x->mem[i]->n = x->mem[i]->overflow = 0;
}

/* After a test's setup (learning): no output, every counter back to 0. */
static void
fx_zero(struct fx *x)
{
	fx_clear(x);
	for (unsigned i = 0; i < x->n_ports; i++)
		memset(&sw_port(x->sw, i)->ctr, 0, sizeof(struct sw_counters));
	for (size_t s = 0; s < sw_veth_slots(x->sw); s++)
		memset(&x->sw->veths[s].ctr, 0, sizeof(struct sw_counters));
}

static void
tx(struct fx *x, unsigned port, const struct fb *f, uint64_t now)
{
	sw_input(x->sw, port, f->b, f->n, now, NULL);
}

static void
hexdump(const char *what, const uint8_t *p, size_t n)
{
	printf("\n    %s (%zu):", what, n);
	for (size_t i = 0; i < n; i++)
		printf("%s%02x", i % 32 ? " " : "\n      ", p[i]);
}

/* The port sent exactly one frame equal to 'want' (among others, maybe). */
static bool
has1(const struct fx *x, unsigned port, const struct fb *want)
{
	const struct sw_mem_port *m = x->mem[port];
	unsigned n = 0;

	for (unsigned i = 0; i < m->n; i++)
		n += m->len[i] == want->n && !memcmp(m->data[i], want->b, want->n);
	if (n != 1) {
		printf("\n  port %u: %u copies of the wanted frame", port, n);
		hexdump("want", want->b, want->n);
		for (unsigned i = 0; i < m->n; i++)
			hexdump("sent", m->data[i], m->len[i]);
	}
	return n == 1;
}

/* Exactly these numbers of frames on ports 0, 1, ... (the rest: none). */
static bool
nout_is(const struct fx *x, const unsigned *want, size_t n)
{
	bool ok = true;

	for (unsigned i = 0; i < x->n_ports; i++)
		ok &= x->mem[i]->n == (i < n ? want[i] : 0);
	if (!ok) {
		printf("\n  frames sent per port:");
		for (unsigned i = 0; i < x->n_ports; i++)
			printf(" %u", x->mem[i]->n);
	}
	return ok;
}
#define NOUT(x, ...)                                                                           \
	nout_is(x, (const unsigned[]) { __VA_ARGS__ },                                         \
		sizeof((const unsigned[]) { __VA_ARGS__ }) / sizeof(unsigned))

static const struct sw_counters *
pc(struct fx *x, unsigned port)
{
	return &sw_port(x->sw, port)->ctr;
}

static const struct sw_counters *
vc(struct fx *x, uint32_t id)
{
	const struct sw_veth *v = sw_veth_by_id(x->sw, id);

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	return &v->ctr;
}

/* rx frames/bytes and tx frames/bytes are these (~0ull: not checked). */
static bool
ctr_is(const struct sw_counters *c, uint64_t rxf, uint64_t rxb, uint64_t txf, uint64_t txb)
{
	bool ok = (rxf == ~0ull || c->rx_frames == rxf) &&
		(rxb == ~0ull || c->rx_bytes == rxb) && (txf == ~0ull || c->tx_frames == txf) &&
		(txb == ~0ull || c->tx_bytes == txb);

	if (!ok)
		printf("\n  counters rx %llu/%llu tx %llu/%llu",
			(unsigned long long)c->rx_frames, (unsigned long long)c->rx_bytes,
			(unsigned long long)c->tx_frames, (unsigned long long)c->tx_bytes);
	return ok;
}
#define ANY ~0ull

static uint64_t
ndrops(const struct sw_counters *c)
{
	uint64_t n = 0;

	for (int d = 0; d < SW_DROP_MAX; d++)
		n += c->drops[d];
	return n;
}

static struct sw_counters
totals(struct fx *x)
{
	struct sw_counters t;

	sw_totals(x->sw, &t);
	return t;
}
#define total_tx(x) (totals(x).tx_frames)

static uint64_t
total_drops(struct fx *x)
{
	struct sw_counters t = totals(x);

	return ndrops(&t);
}

/* Sum of every vEth's counters. */
static void
veth_totals(struct fx *x, struct sw_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t s = 0; s < sw_veth_slots(x->sw); s++) {
		const struct sw_veth *v = sw_veth_slot(x->sw, s);

		if (!v)
			continue;
		out->rx_frames += v->ctr.rx_frames;
		out->tx_frames += v->ctr.tx_frames;
		for (int d = 0; d < SW_DROP_MAX; d++)
			out->drops[d] += v->ctr.drops[d];
	}
}

/*
 * Feed one frame that must be dropped for 'why': counted once on the port
 * and, when veth_id != 0, on that vEth (with its rx); nothing else counts
 * and nothing is sent.
 */
static bool
drop_check(struct fx *x, unsigned port, const struct fb *f, enum sw_drop why, uint32_t veth_id)
{
	struct sw_counters p0 = *pc(x, port), vt0, vt1, t0, t1, v0 = { 0 };
	const struct sw_counters *p1;
	uint64_t tx0 = total_tx(x);
	unsigned one = veth_id != 0;
	bool ok = true;

	if (veth_id)
		v0 = *vc(x, veth_id);
	veth_totals(x, &vt0);
	sw_totals(x->sw, &t0);
	fx_clear(x);
	tx(x, port, f, T0);
	p1 = pc(x, port);
	veth_totals(x, &vt1);
	sw_totals(x->sw, &t1);
	ok &= p1->rx_frames == p0.rx_frames + 1 && p1->rx_bytes == p0.rx_bytes + f->n;
	ok &= p1->drops[why] == p0.drops[why] + 1 && ndrops(&t1) == ndrops(&t0) + 1;
	ok &= total_tx(x) == tx0 && NOUT(x, 0);
	ok &= vt1.rx_frames == vt0.rx_frames + one && ndrops(&vt1) == ndrops(&vt0) + one;
	if (veth_id)
		ok &= vc(x, veth_id)->drops[why] == v0.drops[why] + 1 &&
			vc(x, veth_id)->rx_frames == v0.rx_frames + 1 &&
			vc(x, veth_id)->rx_bytes == v0.rx_bytes + f->n;
	if (!ok) {
		printf("\n  expected drop %s on port %u (vEth %u):", sw_drop_name(why), port,
			veth_id);
		for (int d = 0; d < SW_DROP_MAX; d++)
			if (t1.drops[d] != t0.drops[d])
				printf(" %s+%llu", sw_drop_name(d),
					(unsigned long long)(t1.drops[d] - t0.drops[d]));
		hexdump("frame", f->b, f->n);
	}
	return ok;
}

/* drop_check() on a frame built in place: uses the caller's x and f. */
#define DROP(why, veth, port, dst, src, ...)                                                   \
	drop_check(x, port, MK(&f, dst, src, 46, __VA_ARGS__), SW_DROP_##why, veth)

/* The port's first frame, decoded with the codecs: these tag fields, then
 * IPv4 (the inner tag, if any, was removed). */
static bool
vt_is(struct fx *x, unsigned port, bool d, bool p, unsigned dvif, bool looped, unsigned svif)
{
	const struct sw_mem_port *m = x->mem[port];
	uint16_t next = 0;
	struct vntag t;
	size_t off = 0;

	return m->n && !vntag_decode(m->data[0], m->len[0], &t, &next, &off, NULL) &&
		t.d == d && t.p == p && t.dvif == dvif && t.looped == looped &&
		t.svif == svif && !t.r && !t.version && next == 0x0800 && off == 18;
}

static bool
et_is(struct fx *x, unsigned port, unsigned pcp, unsigned ingress, unsigned grp, unsigned ecid)
{
	const struct sw_mem_port *m = x->mem[port];
	uint16_t next = 0;
	struct etag t;
	size_t off = 0;

	return m->n && !etag_decode(m->data[0], m->len[0], &t, &next, &off, NULL) &&
		t.pcp == pcp && !t.dei && t.ingress_ecid == ingress && !t.resv &&
		t.grp == grp && t.ecid == ecid && next == 0x0800 && off == 20;
}

/* vn_eth_parse: exactly one C-tag with this PCP and VID, then IPv4. */
static bool
ct_is(struct fx *x, unsigned port, unsigned pcp, unsigned vid)
{
	const struct sw_mem_port *m = x->mem[port];
	struct vn_eth e;

	return m->n && !vn_eth_parse(m->data[0], m->len[0], &e, NULL) && e.n_tags == 1 &&
		e.tags[0].tpid == VN_ETH_CTAG && e.tags[0].pcp == pcp && e.tags[0].vid == vid &&
		!e.tags[0].dei && e.type == 0x0800 && e.payload_off == 18;
}

/* Learn station 'mac' on a port in VLAN 'vid' (a broadcast from it). */
static void
learn_uplink(struct fx *x, unsigned port, const uint8_t *mac, unsigned vid, uint64_t now)
{
	struct fb f;

	tx(x, port, vid ? MK(&f, BC, mac, 46, CT(0, vid)) : MK(&f, BC, mac, 46, NONE), now);
	fx_clear(x);
}

static void
learn_vif(struct fx *x, const uint8_t *mac, unsigned vif, uint64_t now)
{
	struct fb f;

	tx(x, P_HV, MK(&f, BC, mac, 46, VN(0, 0, 0, 0, vif)), now);
	fx_clear(x);
}

/* ---- VN-Tag host ports ----------------------------------------------------------- */

static void
test_vntag_flood(void)
{
	struct fx *x = fx_open(conf_main);
	struct fb in, w;
	struct sw_counters t;

	MK(&in, BC, MC, 46, VN(0, 0, 0, 0, 5));
	CU_ASSERT_EQUAL_FATAL(in.n, 66);
	tx(x, P_HV, &in, T0);
	/* up0 up1, the other vif of hv, both E-CIDs, one copy per VEPA port. */
	CU_ASSERT(NOUT(x, 1, 1, 1, 2, 1, 1));
	MK(&w, BC, MC, 46, CT(0, 10));
	CU_ASSERT(has1(x, P_UP0, &w));
	CU_ASSERT(has1(x, P_UP1, &w));
	CU_ASSERT(has1(x, P_HP, &w));
	CU_ASSERT(has1(x, P_HQ, &w));
	/* Back down hv: vif 6 only, looped with svif 5; never vif 5 itself. */
	CU_ASSERT(has1(x, P_HV, MK(&w, BC, MC, 46, VN(1, 0, 6, 1, 5))));
	CU_ASSERT(has1(x, P_HE, MK(&w, BC, MC, 46, ET(0, 0, 0, 300))));
	CU_ASSERT(has1(x, P_HE, MK(&w, BC, MC, 46, ET(0, 0, 0, 0x12345))));

	CU_ASSERT(ctr_is(pc(x, P_HV), 1, 66, 1, 66));
	CU_ASSERT(ctr_is(vc(x, 1), 1, 66, 0, 0));
	CU_ASSERT(ctr_is(vc(x, 2), 0, 0, 1, 66));
	CU_ASSERT(ctr_is(vc(x, 3), 0, 0, 0, 0)); /* VLAN 20 */
	CU_ASSERT(ctr_is(pc(x, P_UP0), 0, 0, 1, 64));
	CU_ASSERT(ctr_is(pc(x, P_HE), 0, 0, 2, 136));
	CU_ASSERT(ctr_is(vc(x, 4), 0, 0, 1, 68));
	CU_ASSERT(ctr_is(vc(x, 5), 0, 0, 1, 68));
	CU_ASSERT(ctr_is(pc(x, P_HP), 0, 0, 1, 64));
	/* A VEPA port gets one flood copy; the station replicates it, so it
	 * counts on every member vEth of the VLAN there. */
	CU_ASSERT(ctr_is(vc(x, 6), 0, 0, 1, 64) && ctr_is(vc(x, 7), 0, 0, 1, 64));
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 1)->last_rx_us, T0);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 2)->last_tx_us, T0);
	sw_totals(x->sw, &t);
	CU_ASSERT_EQUAL(t.rx_frames, 1);
	CU_ASSERT_EQUAL(t.tx_frames, 7);
	CU_ASSERT_EQUAL(ndrops(&t), 0);
	/* The memory back-end stamps frames with the switch clock. */
	CU_ASSERT_EQUAL(x->mem[P_UP0]->ts[0], T0);
	fx_close(x);
}

static void
test_vntag_drops(void)
{
	struct fx *x = fx_open(conf_main);
	struct fb f;

	/* d=1 travels bridge -> adapter only */
	CU_ASSERT(DROP(WRONG_DIRECTION, 0, P_HV, BC, MC, VN(1, 0, 5, 0, 5)));
	/* p=1 (vif list) from a host */
	CU_ASSERT(DROP(WRONG_DIRECTION, 0, P_HV, BC, MC, VN(0, 1, 0, 0, 5)));
	CU_ASSERT(DROP(MALFORMED, 0, P_HV, BC, MC, VW(0x00001005)));
	CU_ASSERT(DROP(MISSING_TAG, 0, P_HV, BC, MC, NONE));
	CU_ASSERT(DROP(MISSING_TAG, 0, P_HV, BC, MC, CT(0, 10)));
	CU_ASSERT(DROP(MISSING_TAG, 0, P_HV, BC, MC, ET(0, 0, 0, 5)));
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, P_HV, BC, MC, VN(0, 0, 0, 0, 99)));
	/* Inner tags: only the vEth's own VLAN (10); vEth 3's 20 is not 1's. */
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 1, P_HV, BC, MC, VN(0, 0, 0, 0, 5), CT(0, 11)));
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 1, P_HV, BC, MC, VN(0, 0, 0, 0, 5), CT(0, 20)));
	/* vEth 3 is in VLAN 20: 10 is refused */
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 3, P_HV, BC, MC, VN(0, 0, 0, 0, 4095), CT(0, 10)));
	/* S-tag inside: not an access frame */
	CU_ASSERT(DROP(MALFORMED, 1, P_HV, BC, MC, VN(0, 0, 0, 0, 5), ST(10)));
	/* two inner C-tags */
	CU_ASSERT(DROP(MALFORMED, 1, P_HV, BC, MC, VN(0, 0, 0, 0, 5), CT(0, 10), CT(0, 10)));
	CU_ASSERT_EQUAL(vc(x, 1)->rx_frames, 4);
	CU_ASSERT_EQUAL(vc(x, 1)->drops[SW_DROP_VLAN_NOT_ALLOWED], 2);
	CU_ASSERT_EQUAL(pc(x, P_HV)->rx_frames, 12);
	CU_ASSERT_EQUAL(total_drops(x), 12);
	fx_close(x);
}

static void
test_vntag_egress(void)
{
	struct fx *x = fx_open(conf_main);
	struct fb f, w;

	learn_uplink(x, P_UP0, MA, 10, T0);
	learn_vif(x, MC, 5, T0);
	learn_vif(x, MD, 6, T0);
	{ /* station B behind E-CID 300 */
		tx(x, P_HE, MK(&f, BC, MB, 46, ET(0, 0, 0, 300)), T0);
		fx_zero(x);
	}

	/* Inner C-tag with the vEth's VLAN: accepted, removed, E-PCP kept. */
	tx(x, P_HV, MK(&f, MB, MC, 46, VN(0, 0, 0, 0, 5), CT(5, 10)), T0 + 1);
	CU_ASSERT(NOUT(x, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HE, MK(&w, MB, MC, 46, ET(5, 0, 0, 300))));
	CU_ASSERT_EQUAL(vc(x, 4)->tx_frames, 1);
	CU_ASSERT_EQUAL(vc(x, 4)->tx_bytes, 68);
	fx_clear(x);

	/* Priority tag (VID 0) from the vEth: its PCP goes in the uplink's tag. */
	tx(x, P_HV, MK(&f, MA, MC, 46, VN(0, 0, 0, 0, 5), CT(3, 0)), T0 + 2);
	CU_ASSERT(NOUT(x, 1));
	CU_ASSERT(has1(x, P_UP0, MK(&w, MA, MC, 46, CT(3, 10))));
	fx_clear(x);

	/* Uplink -> vEth 1: d=1, dvif=5, p=0, not looped, svif 0. */
	tx(x, P_UP0, MK(&f, MC, MA, 46, CT(0, 10)), T0 + 3);
	CU_ASSERT(NOUT(x, 0, 0, 1));
	CU_ASSERT(has1(x, P_HV, MK(&w, MC, MA, 46, VW(0x80050000))));
	CU_ASSERT(vt_is(x, P_HV, 1, 0, 5, 0, 0));
	CU_ASSERT_EQUAL(vc(x, 1)->tx_frames, 1);
	fx_clear(x);

	/* vif 6 -> vif 5, back down the same port: looped=1, svif = 6. */
	tx(x, P_HV, MK(&f, MC, MD, 46, VN(0, 0, 0, 0, 6)), T0 + 4);
	CU_ASSERT(NOUT(x, 0, 0, 1));
	CU_ASSERT(has1(x, P_HV, MK(&w, MC, MD, 46, VW(0x80058006))));
	CU_ASSERT(vt_is(x, P_HV, 1, 0, 5, 1, 6));
	fx_clear(x);

	/* Unicast to a station behind the sender itself: never back to it. */
	CU_ASSERT(DROP(SAME_VETH, 1, P_HV, MC, MC, VN(0, 0, 0, 0, 5)));
	fx_close(x);
}

/* ---- E-Tag host ports --------------------------------------------------------- */

static void
test_etag(void)
{
	struct fx *x = fx_open(conf_main);
	struct fb f, w;

	/* The E-CID field selects the vEth upstream (GRP 0, Ingress_E-CID 0). */
	tx(x, P_HE, MK(&f, BC, MB, 46, ET(0, 0, 0, 0x12345)), T0);
	CU_ASSERT_EQUAL(vc(x, 5)->rx_frames, 1);
	CU_ASSERT_EQUAL(vc(x, 4)->rx_frames, 0);
	/* flood: back down he only to E-CID 300, naming the source 0x12345 */
	CU_ASSERT(NOUT(x, 1, 1, 2, 1, 1, 1));
	CU_ASSERT(has1(x, P_HE, MK(&w, BC, MB, 46, ET(0, 0x12345, 0, 300))));
	CU_ASSERT(has1(x, P_HV, MK(&w, BC, MB, 46, VN(1, 0, 5, 0, 0))));
	fx_clear(x);

	/* Uplink -> E-CID 0x12345: ecid = target, GRP 0, Ingress_E-CID 0. */
	learn_uplink(x, P_UP0, MA, 10, T0);
	fx_zero(x);
	tx(x, P_UP0, MK(&f, MB, MA, 46, CT(6, 10)), T0 + 1);
	CU_ASSERT(NOUT(x, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HE, MK(&w, MB, MA, 46, ET(6, 0, 0, 0x12345))));
	CU_ASSERT(et_is(x, P_HE, 6, 0, 0, 0x12345));
	fx_clear(x);

	/* E-CID 300 -> 0x12345 on the same port: Ingress_E-CID names 300. */
	tx(x, P_HE, MK(&f, MB, MC, 46, ET(0, 0, 0, 300)), T0 + 2);
	CU_ASSERT(NOUT(x, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HE, MK(&w, MB, MC, 46, ET(0, 300, 0, 0x12345))));
	CU_ASSERT(et_is(x, P_HE, 0, 300, 0, 0x12345));
	CU_ASSERT_EQUAL(vc(x, 4)->rx_frames, 1);
	CU_ASSERT_EQUAL(vc(x, 5)->tx_frames, 2);
	fx_clear(x);

	/* E-CID wins over Ingress_E-CID; some port extenders name the source in
	 * Ingress_E-CID alone. */
	tx(x, P_HE, MK(&f, MA, MB, 46, ET(0, 0x12345, 0, 300)), T0 + 3);
	CU_ASSERT_EQUAL(vc(x, 4)->rx_frames, 2);
	CU_ASSERT(NOUT(x, 1));
	fx_clear(x);
	tx(x, P_HE, MK(&f, MA, MB, 46, ET(0, 300, 0, 0)), T0 + 3);
	CU_ASSERT_EQUAL(vc(x, 4)->rx_frames, 3);
	CU_ASSERT(NOUT(x, 1));
	fx_clear(x);

	/* GRP != 0 from a host */
	CU_ASSERT(DROP(WRONG_DIRECTION, 0, P_HE, BC, MB, ET(0, 0, 1, 300)));
	CU_ASSERT(DROP(WRONG_DIRECTION, 0, P_HE, BC, MB, ET(0, 0, 3, 300)));
	CU_ASSERT(DROP(MISSING_TAG, 0, P_HE, BC, MB, NONE));
	CU_ASSERT(DROP(MISSING_TAG, 0, P_HE, BC, MB, VN(0, 0, 0, 0, 300)));
	/* no E-CID at all */
	CU_ASSERT(DROP(MISSING_TAG, 0, P_HE, BC, MB, ET(0, 0, 0, 0)));
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, P_HE, BC, MB, ET(0, 0, 0, 301)));
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 4, P_HE, BC, MB, ET(0, 0, 0, 300), CT(0, 20)));
	fx_close(x);
}

/* ---- VEPA host ports ---------------------------------------------------------- */

static void
test_vepa(void)
{
	struct fx *x = fx_open(conf_main);
	struct sw_counters c0;
	struct fb f;

	/* Source MAC + C-tag VID select the vEth; a flood takes one copy back
	 * out the ingress port (reflective relay, vEth 7 is there). */
	tx(x, P_HP, MK(&f, BC, VM6, 46, CT(0, 10)), T0);
	CU_ASSERT_EQUAL(vc(x, 6)->rx_frames, 1);
	CU_ASSERT_EQUAL(vc(x, 7)->rx_frames, 0);
	CU_ASSERT(NOUT(x, 1, 1, 2, 2, 1, 1));
	CU_ASSERT(has1(x, P_HP, &f));
	CU_ASSERT(has1(x, P_HQ, &f));
	CU_ASSERT(has1(x, P_UP0, &f));
	fx_clear(x);
	tx(x, P_HP, MK(&f, BC, VM7, 46, CT(0, 10)), T0);
	fx_clear(x);

	/* Unicast 6 -> 7 on the same port goes back out, with its C-tag. */
	c0 = *vc(x, 7);
	tx(x, P_HP, MK(&f, VM7, VM6, 46, CT(2, 10)), T0 + 1);
	CU_ASSERT(NOUT(x, 0, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HP, &f));
	CU_ASSERT_EQUAL(vc(x, 7)->tx_frames, c0.tx_frames + 1);
	CU_ASSERT_EQUAL(vc(x, 7)->tx_bytes, c0.tx_bytes + 64);
	fx_clear(x);

	/* A unicast addressed to its own sender is dropped and counted. */
	CU_ASSERT(DROP(SELF_REFLECTION, 6, P_HP, VM6, VM6, CT(0, 10)));

	/* Reflective relay off (hq): nothing goes back out the ingress port. */
	tx(x, P_HQ, MK(&f, BC, VM8, 46, CT(0, 10)), T0);
	CU_ASSERT(NOUT(x, 1, 1, 2, 2, 1, 0));
	fx_clear(x);
	tx(x, P_HQ, MK(&f, BC, VM9, 46, CT(0, 10)), T0);
	CU_ASSERT(NOUT(x, 1, 1, 2, 2, 1, 0));
	fx_clear(x);
	CU_ASSERT(DROP(NO_ROUTE, 8, P_HQ, VM9, VM8, CT(0, 10)));

	/* From an uplink to a VEPA vEth: C-tagged with its VLAN. */
	learn_uplink(x, P_UP0, MA, 10, T0);
	c0 = *vc(x, 8);
	tx(x, P_UP0, MK(&f, VM8, MA, 46, CT(0, 10)), T0 + 1);
	CU_ASSERT(NOUT(x, 0, 0, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HQ, &f));
	CU_ASSERT_EQUAL(vc(x, 8)->tx_frames, c0.tx_frames + 1);
	fx_clear(x);

	/* VLAN 0: untagged both ways (vEth 10, up1 carries untagged). */
	tx(x, P_HP, MK(&f, BC, VMA, 46, NONE), T0);
	CU_ASSERT_EQUAL(vc(x, 10)->rx_frames, 1);
	CU_ASSERT(NOUT(x, 0, 1));
	CU_ASSERT(has1(x, P_UP1, &f));
	fx_clear(x);
	learn_uplink(x, P_UP1, MA2, 0, T0);
	c0 = *vc(x, 10);
	tx(x, P_UP1, MK(&f, VMA, MA2, 46, NONE), T0 + 1);
	CU_ASSERT(NOUT(x, 0, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HP, &f));
	CU_ASSERT_EQUAL(vc(x, 10)->tx_frames, c0.tx_frames + 1);
	fx_clear(x);

	/* The binding is MAC + VLAN on this port. */
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, P_HP, BC, VM6, CT(0, 11)));
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, P_HP, BC, VM6, NONE));
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, P_HP, BC, VMA, CT(0, 10)));
	/* bound on hp, not hq */
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, P_HQ, BC, VM6, CT(0, 10)));
	CU_ASSERT(DROP(MALFORMED, 0, P_HP, BC, VM6, CT(0, 10), CT(0, 10)));
	fx_close(x);
}

/* ---- uplinks ---------------------------------------------------------------------- */

static void
test_uplink(void)
{
	static const uint8_t ME[6] = { 2, 0, 0, 0, 1, 0xE };
	struct fx *x = fx_open(conf_main);
	struct fb f, w;

	/* VLAN 20: only vif 4095 (vEth 3); up1 does not carry it. */
	tx(x, P_UP0, MK(&f, BC, MA, 46, CT(0, 20)), T0);
	CU_ASSERT(NOUT(x, 0, 0, 1));
	CU_ASSERT(has1(x, P_HV, MK(&w, BC, MA, 46, VN(1, 0, 4095, 0, 0))));
	CU_ASSERT(vt_is(x, P_HV, 1, 0, 4095, 0, 0));
	CU_ASSERT_EQUAL(vc(x, 3)->tx_frames, 1);
	CU_ASSERT_EQUAL(pc(x, P_UP0)->rx_frames, 1);
	fx_clear(x);

	/* VLAN 10 with priority 1: the other trunk keeps tag and priority. */
	tx(x, P_UP0, MK(&f, BC, MA, 46, CT(1, 10)), T0);
	CU_ASSERT(NOUT(x, 0, 1, 2, 2, 1, 1));
	CU_ASSERT(has1(x, P_UP1, &f));
	CU_ASSERT(ct_is(x, P_UP1, 1, 10) && ct_is(x, P_HP, 1, 10) && ct_is(x, P_HQ, 1, 10));
	CU_ASSERT(vt_is(x, P_HV, 1, 0, 5, 0, 0) || vt_is(x, P_HV, 1, 0, 6, 0, 0));
	fx_clear(x);

	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 0, P_UP0, BC, MA, CT(0, 30)));
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 0, P_UP0, BC, MA, CT(0, 4095)));
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 0, P_UP1, BC, MA2, CT(0, 20)));
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 0, P_UP0, BC, MA, ST(10), CT(0, 10)));
	CU_ASSERT(DROP(MISSING_TAG, 0, P_UP0, BC, MA, NONE));

	/* up1 has untagged = true: VLAN 0, to vEth 10 untagged. */
	tx(x, P_UP1, MK(&f, BC, MA2, 46, NONE), T0);
	CU_ASSERT(NOUT(x, 0, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HP, &f));
	fx_clear(x);

	/* Uplink to uplink, once learned; never back to the reception port. */
	learn_uplink(x, P_UP1, MA2, 10, T0);
	tx(x, P_UP0, MK(&f, MA2, MA, 46, CT(0, 10)), T0 + 1);
	CU_ASSERT(NOUT(x, 0, 1));
	CU_ASSERT(has1(x, P_UP1, &f));
	fx_clear(x);
	learn_uplink(x, P_UP0, MA, 10, T0);
	CU_ASSERT(DROP(NO_ROUTE, 0, P_UP0, MA, ME, CT(0, 10)));
	fx_close(x);
}

/* ---- learning and ageing --------------------------------------------------------- */

static void
test_learning_aging(void)
{
	struct fx *x = fx_open(conf_main);
	const struct sw_fdb *fdb = sw_get_fdb(x->sw);
	struct fb f, w;

	learn_uplink(x, P_UP0, MA, 10, T0);
	CU_ASSERT_EQUAL(fdb->t.n, 1);
	MK(&f, MA, MC, 46, VN(0, 0, 0, 0, 5));
	MK(&w, MA, MC, 46, CT(0, 10));
	tx(x, P_HV, &f, T0 + 1 * SEC);
	CU_ASSERT(NOUT(x, 1));
	CU_ASSERT(has1(x, P_UP0, &w));
	fx_clear(x);
	/* fdb_aging = 10 s: still known a microsecond before ... */
	tx(x, P_HV, &f, T0 + 10 * SEC - 1);
	CU_ASSERT(NOUT(x, 1));
	fx_clear(x);
	/* ... and flooded again once it has aged (the lookup forgets it). */
	tx(x, P_HV, &f, T0 + 10 * SEC);
	CU_ASSERT(NOUT(x, 1, 1, 1, 2, 1, 1));
	CU_ASSERT(has1(x, P_UP0, &w));
	CU_ASSERT_EQUAL(fdb->t.n, 1); /* MC (vEth 1) only */
	fx_clear(x);
	/* Per-VLAN: MA known in VLAN 10 says nothing about VLAN 20. */
	learn_uplink(x, P_UP0, MA, 10, T0 + 11 * SEC);
	tx(x, P_HV, MK(&f, MA, MC, 46, VN(0, 0, 0, 0, 4095)), T0 + 11 * SEC);
	CU_ASSERT(NOUT(x, 1)); /* flood of VLAN 20: up0 only carries it */
	CU_ASSERT(has1(x, P_UP0, MK(&w, MA, MC, 46, CT(0, 20))));
	CU_ASSERT_EQUAL(fdb->t.n, 3); /* MA/10, MC/10, MC/20 */
	fx_close(x);
}

static void
test_timers(void)
{
	struct fx *x = fx_open(conf_main);
	const struct sw_fdb *fdb = sw_get_fdb(x->sw);
	uint64_t next;

	learn_uplink(x, P_UP0, MA, 10, T0);
	learn_uplink(x, P_UP1, MA2, 10, T0 + 5 * SEC);
	learn_vif(x, MC, 5, T0 + 5 * SEC);
	CU_ASSERT_EQUAL(fdb->t.n, 3);
	CU_ASSERT_EQUAL(fdb->learned, 3);
	next = sw_run_timers(x->sw, T0 + 5 * SEC);
	CU_ASSERT(next > T0 + 5 * SEC && next <= T0 + 5 * SEC + 2500000); /* aging / 4 */
	CU_ASSERT_EQUAL(fdb->t.n, 3);
	next = sw_run_timers(x->sw, T0 + 10 * SEC); /* MA has aged */
	CU_ASSERT(next > T0 + 10 * SEC);
	CU_ASSERT_EQUAL(fdb->t.n, 2);
	next = sw_run_timers(x->sw, T0 + 15 * SEC);
	CU_ASSERT_EQUAL(fdb->t.n, 0);
	CU_ASSERT(next > T0 + 15 * SEC && next <= T0 + 15 * SEC + 2500000);
	fx_close(x);
}

static void
test_station_move(void)
{
	struct fx *x = fx_open(conf_main);
	const struct sw_fdb *fdb = sw_get_fdb(x->sw);
	struct fb f, w;

	learn_uplink(x, P_UP0, MA, 10, T0);
	learn_vif(x, MA, 5, T0 + 1); /* MA moved behind vif 5 */
	CU_ASSERT_EQUAL(fdb->moved, 1);
	CU_ASSERT_EQUAL(fdb->t.n, 1);
	tx(x, P_UP1, MK(&f, MA, MA2, 46, CT(0, 10)), T0 + 2);
	CU_ASSERT(NOUT(x, 0, 0, 1));
	CU_ASSERT(has1(x, P_HV, MK(&w, MA, MA2, 46, VN(1, 0, 5, 0, 0))));
	fx_clear(x);
	learn_uplink(x, P_UP0, MA, 10, T0 + 3); /* and back */
	CU_ASSERT_EQUAL(fdb->moved, 2);
	tx(x, P_HV, MK(&f, MA, MD, 46, VN(0, 0, 0, 0, 6)), T0 + 4);
	CU_ASSERT(NOUT(x, 1));
	CU_ASSERT_EQUAL(fdb->learned, 3); /* MA, MA2, MD */
	fx_close(x);
}

/* ---- auto-create -------------------------------------------------------------------- */

static const char conf_auto[] =
	"switch = { name = \"a\"; mac = \"02:00:00:00:00:01\"; max_veths = 6; fdb_max = 64;\n"
	"  default_profile = \"def\"; };\n"
	"ports = (\n"
	"  { name = \"up\"; role = \"uplink\"; vlans = [10, 30]; },\n"
	"  { name = \"hv\"; role = \"host\"; mode = \"vntag\"; auto_create = true; max_veths = 2; },\n"
	"  { name = \"he\"; role = \"host\"; mode = \"etag\"; auto_create = true; },\n"
	"  { name = \"hp\"; role = \"host\"; mode = \"vepa\"; auto_create = true; },\n"
	"  { name = \"hx\"; role = \"host\"; mode = \"vntag\"; }\n"
	");\n"
	"profiles = ( { name = \"def\"; vlan = 10; } );\n"
	"veths = ( { id = 1; port = \"hv\"; vif = 1; },\n"
	"  { id = 0x1000000; port = \"hx\"; vif = 3; profile = \"def\"; } );\n";
enum { A_UP, A_HV, A_HE, A_HP, A_HX };

static void
test_auto_create(void)
{
	struct fx *x = fx_open(conf_auto);
	const struct sw_veth *v;
	struct sw_trace tr;
	struct fb f, w;

	/* Unknown vif 9: a vEth is created (the configured 0x1000000 is
	 * skipped), in the default profile's VLAN, and the frame forwarded. */
	tx(x, A_HV, MK(&f, BC, MC, 46, VN(0, 0, 0, 0, 9)), T0);
	v = sw_veth_by_id(x->sw, SW_AUTO_ID_BASE + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->origin, SW_ORIGIN_AUTO);
	CU_ASSERT_EQUAL(v->port, A_HV);
	CU_ASSERT_EQUAL(v->kind, SW_BIND_VIF);
	CU_ASSERT_EQUAL(v->key, 9);
	CU_ASSERT_EQUAL(v->vlan, 10);
	CU_ASSERT_STRING_EQUAL(sw_profile_at(x->sw, v->profile)->name, "def");
	CU_ASSERT_EQUAL(v->created_us, T0);
	CU_ASSERT_EQUAL(v->ctr.rx_frames, 1);
	CU_ASSERT_EQUAL(sw_port(x->sw, A_HV)->n_veths, 2);
	CU_ASSERT(NOUT(x, 1, 0, 0, 0, 1));
	CU_ASSERT(has1(x, A_UP, MK(&w, BC, MC, 46, CT(0, 10))));
	CU_ASSERT(has1(x, A_HX, MK(&w, BC, MC, 46, VN(1, 0, 3, 0, 0))));
	CU_ASSERT_EQUAL(total_drops(x), 0);
	fx_clear(x);
	tx(x, A_HV, &f, T0 + 1); /* the same vif again: the same vEth */
	CU_ASSERT_EQUAL(v->ctr.rx_frames, 2);
	CU_ASSERT_EQUAL(sw_port(x->sw, A_HV)->n_veths, 2);
	CU_ASSERT_PTR_NULL(sw_veth_by_id(x->sw, SW_AUTO_ID_BASE + 2));
	/* hv is at its max_veths = 2 */
	CU_ASSERT(DROP(LIMIT, 0, A_HV, BC, MC, VN(0, 0, 0, 0, 10)));

	/* E-CID 77 with an inner tag: the vEth takes that VLAN. */
	tx(x, A_HE, MK(&f, BC, MB, 46, ET(0, 0, 0, 77), CT(0, 30)), T0);
	v = sw_veth_by_id(x->sw, SW_AUTO_ID_BASE + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->kind, SW_BIND_ECID);
	CU_ASSERT_EQUAL(v->key, 77);
	CU_ASSERT_EQUAL(v->vlan, 30);
	CU_ASSERT(NOUT(x, 1));
	CU_ASSERT(has1(x, A_UP, MK(&w, BC, MB, 46, CT(0, 30))));
	/* VID 4095 is reserved (802.1Q Table 9-2): no vEth in it. */
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 0, A_HE, BC, MB, ET(0, 0, 0, 78), CT(0, 4095)));

	/* Trace: a vEth would be created, nothing is. */
	sw_trace_init(&tr);
	MK(&f, BC, VM6, 46, CT(0, 10));
	sw_input(x->sw, A_HP, f.b, f.n, T0, &tr);
	CU_ASSERT_PTR_NULL(sw_veth_by_id(x->sw, SW_AUTO_ID_BASE + 3));
	CU_ASSERT_EQUAL(x->sw->next_auto_id, SW_AUTO_ID_BASE + 3);
	CU_ASSERT_EQUAL(sw_port(x->sw, A_HP)->n_veths, 0);

	/* VEPA: bound by source MAC + VLAN. */
	tx(x, A_HP, &f, T0);
	v = sw_veth_by_id(x->sw, SW_AUTO_ID_BASE + 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->kind, SW_BIND_MAC);
	CU_ASSERT_EQUAL(memcmp(v->mac, VM6, 6), 0);
	CU_ASSERT_EQUAL(v->vlan, 10);
	CU_ASSERT(NOUT(x, 1, 1, 0, 0, 1));
	fx_clear(x);
	/* Untagged from a VEPA host: VLAN 0, not the default profile's. */
	tx(x, A_HP, MK(&f, BC, VMA, 46, NONE), T0);
	v = sw_veth_by_id(x->sw, SW_AUTO_ID_BASE + 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->vlan, 0);
	CU_ASSERT(NOUT(x, 0, 1)); /* vEth 1 is in VLAN 0 */
	tx(x, A_HP, &f, T0 + 1);
	CU_ASSERT_EQUAL(v->ctr.rx_frames, 2);
	fx_clear(x);
	/* The switch is at max_veths = 6. */
	CU_ASSERT(DROP(LIMIT, 0, A_HP, BC, VM7, CT(0, 10)));
	/* No auto_create on hx. */
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, A_HX, BC, MC, VN(0, 0, 0, 0, 4)));
	/* A slot freed: the next id follows on. */
	CU_ASSERT_EQUAL(sw_veth_del(x->sw, SW_AUTO_ID_BASE + 3), 0);
	tx(x, A_HP, MK(&f, BC, VM7, 46, CT(0, 10)), T0);
	v = sw_veth_by_id(x->sw, SW_AUTO_ID_BASE + 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(memcmp(v->mac, VM7, 6), 0);
	fx_close(x);
}

/* ---- drops before classification, admin state, back-end refusal ------------------- */

struct ctl_seen {
	bool consume;
	unsigned calls, port;
	size_t len;
	uint64_t now;
};

static bool
ctl_rx(void *aux, struct sw *sw, unsigned port, const uint8_t *frame, size_t len, uint64_t now)
{
	struct ctl_seen *c = aux;

	(void)sw;
	(void)frame;
	c->calls++;
	c->port = port;
	c->len = len;
	c->now = now;
	return c->consume;
}

static void
test_drops_misc(void)
{
	static const uint8_t R0E[6] = { 0x01, 0x80, 0xC2, 0, 0, 0x0E };
	static const uint8_t R00[6] = { 0x01, 0x80, 0xC2, 0, 0, 0x00 };
	static const uint8_t R0F[6] = { 0x01, 0x80, 0xC2, 0, 0, 0x0F };
	static const uint8_t R10[6] = { 0x01, 0x80, 0xC2, 0, 0, 0x10 };
	static const uint8_t MCAST[6] = { 0x01, 0, 0x5E, 0, 0, 1 };
	struct fx *x = fx_open(conf_main);
	struct ctl_seen cs = { 0 };
	uint64_t d0;
	struct fb f;

	CU_ASSERT(DROP(RESERVED_DA, 0, P_UP0, R0E, MA, CT(0, 10)));
	CU_ASSERT(DROP(RESERVED_DA, 0, P_HV, R00, MC, VN(0, 0, 0, 0, 5)));
	CU_ASSERT(DROP(RESERVED_DA, 0, P_HP, R0F, VM6, CT(0, 10)));
	MK(&f, R10, MA, 46, CT(0, 10)); /* 01-80-C2-00-00-10 is forwarded */
	tx(x, P_UP0, &f, T0);
	CU_ASSERT(NOUT(x, 0, 1, 2, 2, 1, 1));
	fx_clear(x);
	/* A control protocol sees reserved DAs first. */
	sw_set_ctl_rx(x->sw, ctl_rx, &cs);
	cs.consume = true;
	tx(x, P_UP0, MK(&f, R0E, MA, 46, CT(0, 10)), T0 + 7);
	CU_ASSERT_EQUAL(cs.calls, 1);
	CU_ASSERT_EQUAL(cs.port, P_UP0);
	CU_ASSERT_EQUAL(cs.len, f.n);
	CU_ASSERT_EQUAL(cs.now, T0 + 7);
	CU_ASSERT_EQUAL(pc(x, P_UP0)->drops[SW_DROP_RESERVED_DA], 1);
	CU_ASSERT(NOUT(x, 0));
	cs.consume = false;
	CU_ASSERT(drop_check(x, P_UP0, &f, SW_DROP_RESERVED_DA, 0));
	CU_ASSERT_EQUAL(cs.calls, 2);
	tx(x, P_UP0, MK(&f, R10, MA, 46, CT(0, 10)), T0);
	CU_ASSERT_EQUAL(cs.calls, 2);
	fx_clear(x);

	/* A group address is never a source. */
	CU_ASSERT(DROP(SPOOFED_SOURCE, 0, P_UP0, BC, MCAST, CT(0, 10)));
	CU_ASSERT(DROP(SPOOFED_SOURCE, 0, P_HV, BC, MCAST, VN(0, 0, 0, 0, 5)));
	CU_ASSERT(DROP(SPOOFED_SOURCE, 0, P_HP, BC, BC, CT(0, 10)));

	/* Ingress port administratively down. */
	sw_port(x->sw, P_HV)->admin_up = false;
	CU_ASSERT(DROP(PORT_DOWN, 0, P_HV, BC, MC, VN(0, 0, 0, 0, 5)));
	sw_port(x->sw, P_HV)->admin_up = true;
	/* Egress down: left out of floods; a unicast to it is counted. */
	learn_uplink(x, P_UP1, MA2, 10, T0);
	tx(x, P_HQ, MK(&f, BC, VM8, 46, CT(0, 10)), T0);
	fx_clear(x);
	sw_port(x->sw, P_HQ)->admin_up = false;
	sw_port(x->sw, P_UP1)->admin_up = false;
	d0 = total_drops(x);
	tx(x, P_UP0, MK(&f, BC, MA, 46, CT(0, 10)), T0);
	CU_ASSERT(NOUT(x, 0, 0, 2, 2, 1, 0));
	CU_ASSERT_EQUAL(total_drops(x), d0);
	fx_clear(x);
	CU_ASSERT(DROP(PORT_DOWN, 0, P_UP0, VM8, MA, CT(0, 10)));
	CU_ASSERT(DROP(PORT_DOWN, 1, P_HV, MA2, MC, VN(0, 0, 0, 0, 5)));
	sw_port(x->sw, P_HQ)->admin_up = true;
	sw_port(x->sw, P_UP1)->admin_up = true;

	/* The back-end refuses (tx_full): one copy is lost, counted per copy
	 * on the egress port, never as the ingress frame's fate. */
	learn_uplink(x, P_UP0, MA, 10, T0);
	fx_zero(x);
	x->mem[P_UP0]->refuse = 1;
	tx(x, P_HV, MK(&f, MA, MC, 46, VN(0, 0, 0, 0, 5)), T0);
	CU_ASSERT(NOUT(x, 0));
	CU_ASSERT_EQUAL(pc(x, P_UP0)->drops[SW_DROP_TX_FULL], 1);
	CU_ASSERT_EQUAL(pc(x, P_HV)->drops[SW_DROP_TX_FULL], 0);
	CU_ASSERT_EQUAL(x->mem[P_UP0]->refuse, 0);
	tx(x, P_HV, &f, T0);
	CU_ASSERT(NOUT(x, 1));
	fx_clear(x);
	/* In a flood, one refusing port costs one copy. */
	x->mem[P_HQ]->refuse = 1;
	tx(x, P_UP0, MK(&f, BC, MA, 46, CT(0, 10)), T0);
	CU_ASSERT(NOUT(x, 0, 1, 2, 2, 1, 0));
	CU_ASSERT_EQUAL(pc(x, P_HQ)->drops[SW_DROP_TX_FULL], 1);
	CU_ASSERT_EQUAL(pc(x, P_UP0)->drops[SW_DROP_TX_FULL], 1); /* from the unicast above */
	CU_ASSERT_EQUAL(pc(x, P_HQ)->tx_frames, 0);
	CU_ASSERT_EQUAL(pc(x, P_HE)->tx_frames, 2);
	fx_clear(x);
	/* Larger than the back-end's frames: lost at the egress port. */
	learn_vif(x, MC, 5, T0);
	tx(x, P_UP0, MK(&f, MC, MA, SW_MEM_FRAME_MAX, CT(0, 10)), T0);
	CU_ASSERT(NOUT(x, 0));
	CU_ASSERT_EQUAL(pc(x, P_HV)->drops[SW_DROP_TX_FULL], 1);
	CU_ASSERT_EQUAL(pc(x, P_UP0)->drops[SW_DROP_TX_FULL], 1);
	fx_close(x);
}

/* ---- truncation and garbage ------------------------------------------------------- */

/* Every prefix of 'full' shorter than its headers is malformed (once, no
 * output); longer prefixes are forwarded to one port.  Each prefix is fed
 * from a buffer of exactly its length so that ASan sees any over-read. */
static void
truncations(struct fx *x, unsigned port, const struct fb *full, size_t hdr)
{
	for (size_t len = 0; len <= full->n; len++) {
		uint8_t *b = malloc(len ? len : 1);
		uint64_t m0 = pc(x, port)->drops[SW_DROP_MALFORMED], d0 = total_drops(x);
		bool short_ = len < hdr;
		unsigned sent = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		memcpy(b, full->b, len);
		fx_clear(x);
		sw_input(x->sw, port, b, len, T0 + 1, NULL);
		free(b);
		for (unsigned p = 0; p < x->n_ports; p++)
			sent += x->mem[p]->n;
		CU_ASSERT_EQUAL(pc(x, port)->drops[SW_DROP_MALFORMED], m0 + short_);
		CU_ASSERT_EQUAL(total_drops(x), d0 + short_);
		CU_ASSERT_EQUAL(sent, short_ ? 0 : 1);
	}
}

static void
test_truncated(void)
{
	struct fx *x = fx_open(conf_main);
	struct fb f;

	learn_uplink(x, P_UP0, MA, 10, T0);
	learn_vif(x, MC, 5, T0);
	MK(&f, MA, MC, 46, VN(0, 0, 0, 0, 5), CT(0, 10));
	truncations(x, P_HV, &f, 24);
	MK(&f, MA, MB, 46, ET(0, 0, 0, 300), CT(0, 10));
	truncations(x, P_HE, &f, 26);
	MK(&f, MA, VM6, 46, CT(0, 10));
	truncations(x, P_HP, &f, 18);
	MK(&f, MC, MA, 46, CT(0, 10));
	truncations(x, P_UP0, &f, 18);
	fx_close(x);
}

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random frames built from plausible pieces, on every port: never a crash,
 * at most one drop per frame and no output with a drop. */
static void
test_garbage(void)
{
	static const uint16_t types[] = { 0x8926, 0x893F, 0x8100, 0x88A8, 0x0800, 0x0600,
		0x05DC, 0x05DD, 0x0000, 0xFFFF };
	struct fx *x = fx_open(conf_main);
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	unsigned bad = 0;

	for (unsigned i = 0; i < 20000; i++) {
		size_t len = 0, want = xorshift(&seed) % 72;
		uint8_t *b = malloc(want ? want : 1), buf[80];
		uint64_t d0 = total_drops(x);
		unsigned port = (unsigned)(xorshift(&seed) % 6), sent = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		while (len + 2 <= sizeof(buf)) {
			uint64_t r = xorshift(&seed);

			if (len >= 12 && r % 3 == 0) {
				uint16_t t =
					types[(r >> 8) % (sizeof(types) / sizeof(types[0]))];

				buf[len++] = (uint8_t)(t >> 8);
				buf[len++] = (uint8_t)t;
			} else {
				buf[len++] = (uint8_t)(r >> 16);
			}
			if (len == 6 && r % 2)
				buf[0] = 0xFF; /* broadcasts reach further */
		}
		memcpy(b, buf, want);
		fx_clear(x);
		sw_input(x->sw, port, b, want, T0 + i, NULL);
		free(b);
		for (unsigned p = 0; p < x->n_ports; p++)
			sent += x->mem[p]->n;
		if (total_drops(x) > d0 + 1 || (total_drops(x) == d0 + 1 && sent))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	fx_close(x);
}

/* ---- minimum frame size ----------------------------------------------------------- */

static void
test_padding(void)
{
	static const size_t bodies[] = { 0, 10, 41, 42, 43 };
	struct fx *x = fx_open(conf_main);
	struct fb f, w;

	learn_uplink(x, P_UP0, MA, 10, T0);
	learn_vif(x, MC, 5, T0);
	fx_zero(x);
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		uint64_t b0 = pc(x, P_UP0)->tx_bytes;

		tx(x, P_HV, MK(&f, MA, MC, bodies[i], VN(0, 0, 0, 0, 5)), T0);
		CU_ASSERT(NOUT(x, 1)); /* 18 + body bytes, at least 60 */
		CU_ASSERT(has1(x, P_UP0, pad60(MK(&w, MA, MC, bodies[i], CT(0, 10)))));
		CU_ASSERT_EQUAL(
			pc(x, P_UP0)->tx_bytes - b0, 18 + bodies[i] < 60 ? 60 : 18 + bodies[i]);
		fx_clear(x);
	}
	/* A 28-byte runt from the uplink: 30 bytes with the VN-Tag, padded. */
	tx(x, P_UP0, MK(&f, MC, MA, 10, CT(0, 10)), T0);
	CU_ASSERT(has1(x, P_HV, pad60(MK(&w, MC, MA, 10, VN(1, 0, 5, 0, 0)))));
	CU_ASSERT_EQUAL(vc(x, 1)->tx_bytes, 60);
	fx_clear(x);
	/* Headers only, untagged out to VLAN 0 vEth 10. */
	tx(x, P_UP1, MK(&f, VMA, MA2, 0, NONE), T0);
	CU_ASSERT(NOUT(x, 0, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HP, pad60(MK(&w, VMA, MA2, 0, NONE))));
	fx_close(x);
}

/* ---- trace: the same decisions, no change ------------------------------------------ */

struct snap {
	char *dump;
	size_t dump_len;
	struct sw_htab_ent *fdb;
	size_t fdb_bytes;
	uint32_t fdb_n;
	struct sw_veth *veths;
	size_t veth_bytes;
	struct sw_port ports[8];
	uint32_t next_auto_id;
};

/* Everything a frame could change: the state dump (ports, vEths, FDB,
 * counters) and, raw, the FDB table, the vEth slots and the ports. */
static void
snap_take(struct fx *x, struct snap *s, uint64_t now)
{
	FILE *f = open_memstream(&s->dump, &s->dump_len);
	struct sw_writer w;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	sw_writer_init(&w, SW_FMT_KEYVALUE, f);
	sw_state_dump(&w, x->sw, now);
	sw_writer_finish(&w);
	fclose(f);
	s->fdb_n = x->sw->fdb.t.n;
	s->fdb_bytes = ((size_t)x->sw->fdb.t.mask + 1) * sizeof(struct sw_htab_ent);
	s->fdb = malloc(s->fdb_bytes);
	s->veth_bytes = x->sw->max_veths * sizeof(struct sw_veth);
	s->veths = malloc(s->veth_bytes);
	CU_ASSERT_FATAL(s->fdb && s->veths && x->n_ports <= 8);
	memcpy(s->fdb, x->sw->fdb.t.ent, s->fdb_bytes);
	memcpy(s->veths, x->sw->veths, s->veth_bytes);
	memcpy(s->ports, x->sw->ports, x->n_ports * sizeof(struct sw_port));
	s->next_auto_id = x->sw->next_auto_id;
}

static bool
snap_same(struct fx *x, const struct snap *a, const struct snap *b)
{
	bool ok = a->dump_len == b->dump_len && !memcmp(a->dump, b->dump, a->dump_len) &&
		a->fdb_n == b->fdb_n && !memcmp(a->fdb, b->fdb, a->fdb_bytes) &&
		!memcmp(a->veths, b->veths, a->veth_bytes) &&
		!memcmp(a->ports, b->ports, x->n_ports * sizeof(struct sw_port)) &&
		a->next_auto_id == b->next_auto_id;

	if (!ok)
		printf("\n  state changed: fdb %u -> %u\n--- before\n%s--- after\n%s", a->fdb_n,
			b->fdb_n, a->dump, b->dump);
	return ok;
}

static void
snap_free(struct snap *s)
{
	free(s->dump);
	free(s->fdb);
	free(s->veths);
}

static const struct sw_trace_output *
trace_out(const struct sw_trace *t, unsigned port, int64_t veth)
{
	for (unsigned i = 0; i < t->n_outputs; i++)
		if (t->outputs[i].port == port && t->outputs[i].veth == veth)
			return &t->outputs[i];
	return NULL;
}

static bool
trace_has_step(const struct sw_trace *t, const char *s)
{
	for (unsigned i = 0; i < t->n_steps; i++)
		if (strstr(t->steps[i], s))
			return true;
	return false;
}

static void
trace(struct fx *x, struct sw_trace *t, unsigned port, const struct fb *f, uint64_t now)
{
	sw_trace_init(t);
	sw_input(x->sw, port, f->b, f->n, now, t);
}

static void
test_trace(void)
{
	struct fx *x = fx_open(conf_main);
	const struct sw_trace_output *o;
	struct snap before, after;
	struct sw_trace t;
	struct fb f;

	learn_uplink(x, P_UP0, MA, 10, T0);
	learn_vif(x, MC, 5, T0);
	learn_uplink(x, P_HP, VM6, 10, T0);
	x->mem[P_UP1]->refuse = 1;
	snap_take(x, &before, T0);

	/* Unicast back down the port: looped, with the sender's vif. */
	trace(x, &t, P_HV, MK(&f, MC, MD, 46, VN(0, 0, 0, 0, 6)), T0 + 1);
	CU_ASSERT_EQUAL(t.src_veth, 2);
	CU_ASSERT_EQUAL(t.vlan, 10);
	CU_ASSERT_FALSE(t.dropped);
	CU_ASSERT_EQUAL_FATAL(t.n_outputs, 1);
	CU_ASSERT_EQUAL(t.outputs[0].port, P_HV);
	CU_ASSERT_EQUAL(t.outputs[0].veth, 1);
	CU_ASSERT_STRING_EQUAL(t.outputs[0].encap, "vntag d=1 p=0 dvif=5 looped=1 svif=6");
	CU_ASSERT_EQUAL(t.outputs[0].len, 66);
	CU_ASSERT(trace_has_step(&t, "fdb: known on vEth 1"));

	/* A flood from an uplink: every output with its encapsulation (the
	 * refusing back-end is not asked). */
	trace(x, &t, P_UP0, MK(&f, BC, MA, 10, CT(0, 10)), T0 + 1);
	CU_ASSERT_EQUAL(t.src_veth, -1);
	CU_ASSERT_EQUAL(t.vlan, 10);
	CU_ASSERT_FALSE(t.dropped);
	CU_ASSERT_EQUAL(t.n_outputs, 7);
	o = trace_out(&t, P_UP1, -1);
	CU_ASSERT(o && !strcmp(o->encap, "802.1Q vid=10") && o->len == 60);
	o = trace_out(&t, P_HV, 2);
	CU_ASSERT(o && !strcmp(o->encap, "vntag d=1 p=0 dvif=6 looped=0 svif=0"));
	o = trace_out(&t, P_HE, 5);
	CU_ASSERT(o && !strcmp(o->encap, "etag ecid=74565 grp=0 ingress_ecid=0"));
	o = trace_out(&t, P_HQ, -1); /* one VEPA copy for the port */
	CU_ASSERT(o && !strcmp(o->encap, "802.1Q vid=10"));

	/* Drops, with their reason. */
	trace(x, &t, P_HV, MK(&f, BC, MC, 46, VN(0, 0, 0, 0, 99)), T0 + 1);
	CU_ASSERT(t.dropped && t.drop_reason == SW_DROP_UNKNOWN_VETH);
	CU_ASSERT_EQUAL(t.src_veth, -1);
	CU_ASSERT_EQUAL(t.vlan, -1);
	CU_ASSERT_EQUAL(t.n_outputs, 0);
	CU_ASSERT(trace_has_step(&t, "drop: unknown_veth"));
	trace(x, &t, P_HV, MK(&f, BC, MC, 46, VN(1, 0, 0, 0, 5)), T0 + 1);
	CU_ASSERT(t.dropped && t.drop_reason == SW_DROP_WRONG_DIRECTION);
	trace(x, &t, P_HP, MK(&f, VM6, VM6, 46, CT(0, 10)), T0 + 1);
	CU_ASSERT(t.dropped && t.drop_reason == SW_DROP_SELF_REFLECTION);
	CU_ASSERT_EQUAL(t.src_veth, 6);
	trace(x, &t, P_HV, MK(&f, BC, MC, 46, VN(0, 0, 0, 0, 5), CT(0, 11)), T0 + 1);
	CU_ASSERT(t.dropped && t.drop_reason == SW_DROP_VLAN_NOT_ALLOWED);
	CU_ASSERT_EQUAL(t.src_veth, 1);
	sw_port(x->sw, P_HQ)->admin_up = false;
	trace(x, &t, P_HQ, MK(&f, BC, VM8, 46, CT(0, 10)), T0 + 1);
	CU_ASSERT(t.dropped && t.drop_reason == SW_DROP_PORT_DOWN);
	sw_port(x->sw, P_HQ)->admin_up = true;

	/* An aged entry: the trace floods, as the frame would, and leaves the
	 * entry for the timers (a trace changes nothing, not even the FDB). */
	trace(x, &t, P_HV, MK(&f, MA, MC, 46, VN(0, 0, 0, 0, 5)), T0 + 20 * SEC);
	CU_ASSERT(trace_has_step(&t, "fdb: unknown unicast"));
	CU_ASSERT_EQUAL(t.n_outputs, 7);
	CU_ASSERT_EQUAL(x->sw->fdb.t.n, before.fdb_n);

	CU_ASSERT(NOUT(x, 0));
	CU_ASSERT_EQUAL(x->mem[P_UP1]->refuse, 1);
	snap_take(x, &after, T0);
	CU_ASSERT(snap_same(x, &before, &after));
	snap_free(&before);
	snap_free(&after);
	fx_close(x);
}

/* ---- vEth add / delete ------------------------------------------------------------- */

static unsigned
fdb_entries_to(struct fx *x, int32_t dst)
{
	const struct sw_htab *t = &x->sw->fdb.t;
	unsigned n = 0;

	for (uint64_t i = 0; i <= t->mask; i++)
		n += t->ent[i].val == dst;
	return n;
}

static unsigned
vlan_list_len(struct fx *x, unsigned vlan)
{
	unsigned n = 0;

	for (int32_t s = x->sw->vlan_head[vlan]; s >= 0 && n < 100000;
		s = x->sw->veths[s].vlan_next)
		n++;
	return n;
}

static int
add_vif(struct fx *x, uint32_t id, unsigned vif, int vlan, char *err, size_t errlen)
{
	struct sw_conf_veth cv = { .id = id, .kind = SW_BIND_VIF, .key = vif };

	snprintf(cv.port, sizeof(cv.port), "hv");
	cv.has_vlan = vlan >= 0;
	cv.vlan = (uint16_t)(vlan >= 0 ? vlan : 0);
	return sw_veth_add(x->sw, &cv, SW_ORIGIN_VDP, T0, err, errlen);
}

static void
test_veth_add_del(void)
{
	static const uint8_t MX[6] = { 2, 0, 0, 0, 2, 0x20 };
	struct fx *x = fx_open(conf_main);
	const struct sw_veth *v;
	struct fb f, w;
	int32_t slot;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(add_vif(x, 50, 20, 10, err, sizeof(err)), 0);
	v = sw_veth_by_id(x->sw, 50);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	slot = (int32_t)(v - x->sw->veths);
	CU_ASSERT_PTR_EQUAL(sw_veth_slot(x->sw, (size_t)slot), v);
	CU_ASSERT_EQUAL(v->origin, SW_ORIGIN_VDP);
	CU_ASSERT_EQUAL(sw_port(x->sw, P_HV)->n_veths, 4);
	CU_ASSERT_EQUAL(vlan_list_len(x, 10), 9);
	learn_vif(x, MX, 20, T0);
	CU_ASSERT_EQUAL(fdb_entries_to(x, slot), 1);
	tx(x, P_UP0, MK(&f, MX, MA, 46, CT(0, 10)), T0);
	CU_ASSERT(NOUT(x, 0, 0, 1));
	CU_ASSERT(has1(x, P_HV, MK(&w, MX, MA, 46, VN(1, 0, 20, 0, 0))));
	fx_clear(x);

	/* Deleted: gone from both indexes, its VLAN and the FDB. */
	CU_ASSERT_EQUAL(sw_veth_del(x->sw, 50), 0);
	CU_ASSERT_PTR_NULL(sw_veth_by_id(x->sw, 50));
	CU_ASSERT_PTR_NULL(sw_veth_slot(x->sw, (size_t)slot));
	CU_ASSERT_EQUAL(fdb_entries_to(x, slot), 0);
	CU_ASSERT_EQUAL(sw_port(x->sw, P_HV)->n_veths, 3);
	CU_ASSERT_EQUAL(vlan_list_len(x, 10), 8);
	CU_ASSERT_EQUAL(sw_veth_del(x->sw, 50), -1);
	tx(x, P_UP0, &f, T0); /* MX is unknown again: flood */
	CU_ASSERT(NOUT(x, 0, 1, 2, 2, 1, 1));
	fx_clear(x);
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, P_HV, BC, MX, VN(0, 0, 0, 0, 20)));

	/* The slot is reused cleanly: fresh counters, no stale FDB entry. */
	CU_ASSERT_EQUAL_FATAL(add_vif(x, 51, 21, -1, err, sizeof(err)), 0);
	v = sw_veth_by_id(x->sw, 51);
	CU_ASSERT_EQUAL((int32_t)(v - x->sw->veths), slot);
	CU_ASSERT_EQUAL(v->ctr.rx_frames + v->ctr.tx_frames + ndrops(&v->ctr), 0);
	CU_ASSERT_EQUAL(v->vlan, 0);
	CU_ASSERT_EQUAL(v->key, 21);
	CU_ASSERT_EQUAL(vlan_list_len(x, 0), 2);
	tx(x, P_UP0, MK(&f, MX, MA, 46, CT(0, 10)), T0);
	CU_ASSERT(NOUT(x, 0, 1, 2, 2, 1, 1));
	fx_clear(x);
	CU_ASSERT_EQUAL(sw_veth_del(x->sw, 51), 0);

	/* Refusals leave everything as it was. */
	{
		static const struct {
			uint32_t id;
			const char *port;
			enum sw_bind kind;
			uint32_t key;
			int vlan;
			const char *profile, *msg;
		} bad[] = {
			{ 1, "hv", SW_BIND_VIF, 30, -1, "", "already exists" },
			{ 60, "hv", SW_BIND_VIF, 5, -1, "", "already taken" },
			{ 60, "hv", SW_BIND_ECID, 5, -1, "", "vntag port" },
			{ 60, "he", SW_BIND_VIF, 5, -1, "", "etag port" },
			{ 60, "nope", SW_BIND_VIF, 5, -1, "", "no host port" },
			{ 60, "up0", SW_BIND_VIF, 5, -1, "", "no host port" },
			{ 60, "hv", SW_BIND_VIF, 30, -1, "db", "no profile" },
			{ 60, "hv", SW_BIND_VIF, 4096, -1, "", "vif" },
			{ 60, "he", SW_BIND_ECID, 0, -1, "", "E-CID" },
			{ 60, "he", SW_BIND_ECID, 0x100000, -1, "", "E-CID" },
			{ 60, "hv", SW_BIND_VIF, 30, 4095, "", "VLAN" },
			{ 60, "hv", SW_BIND_VIF, 30, 5000, "", "VLAN" },
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			struct sw_conf_veth cv = {
				.id = bad[i].id, .kind = bad[i].kind, .key = bad[i].key
			};

			snprintf(cv.port, sizeof(cv.port), "%s", bad[i].port);
			snprintf(cv.profile, sizeof(cv.profile), "%s", bad[i].profile);
			cv.has_vlan = bad[i].vlan >= 0;
			cv.vlan = (uint16_t)(bad[i].vlan >= 0 ? bad[i].vlan : 0);
			err[0] = '\0';
			CU_ASSERT_EQUAL(
				sw_veth_add(x->sw, &cv, SW_ORIGIN_VDP, T0, err, sizeof(err)),
				-1);
			if (!strstr(err, bad[i].msg))
				printf("\n  refusal %zu: '%s' (want '%s')", i, err, bad[i].msg);
			CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].msg));
			CU_ASSERT_EQUAL(x->sw->n_veths, 10);
		}
	}
	sw_port(x->sw, P_HE)->max_veths = 2;
	{
		struct sw_conf_veth cv = { .id = 60, .kind = SW_BIND_ECID, .key = 9 };

		snprintf(cv.port, sizeof(cv.port), "he");
		CU_ASSERT_EQUAL(
			sw_veth_add(x->sw, &cv, SW_ORIGIN_VDP, T0, err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "port 'he' is at max_veths = 2"));
	}
	/* Fill the switch (max_veths = 64): 54 more fit. */
	for (unsigned i = 0; i < 60; i++) {
		int rc = add_vif(x, 1000 + i, 1000 + i, 10, err, sizeof(err));

		CU_ASSERT_EQUAL(rc, i < 54 ? 0 : -1);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "the switch is at max_veths = 64"));
	CU_ASSERT_EQUAL(x->sw->n_veths, 64);
	CU_ASSERT_EQUAL(vlan_list_len(x, 10), 8 + 54);
	fx_close(x);
}

/* Random adds and deletes against a reference: indexes, flood lists, slot
 * reuse and counts stay consistent. */
static void
test_veth_churn(void)
{
	struct fx *x = fx_open(conf_main);
	bool present[64] = { false };
	unsigned n = 0, errors = 0;
	uint64_t seed = 12345;
	char err[256];

	for (unsigned op = 0; op < 20000; op++) {
		unsigned k = (unsigned)(xorshift(&seed) % 64);

		if (!present[k]) {
			errors += add_vif(x, 200 + k, 200 + k, (int)(k % 3) * 10, err,
					  sizeof(err)) != 0;
			present[k] = true;
			n++;
		} else {
			errors += sw_veth_del(x->sw, 200 + k) != 0;
			present[k] = false;
			n--;
		}
		if (op % 97 == 0) {
			unsigned by_vlan[3] = { 0 };

			for (unsigned j = 0; j < 64; j++) {
				const struct sw_veth *v = sw_veth_by_id(x->sw, 200 + j);

				errors += !v != !present[j];
				errors += v && (v->key != 200 + j || v->vlan != (j % 3) * 10);
				by_vlan[j % 3] += present[j];
			}
			errors += vlan_list_len(x, 0) != by_vlan[0] + 1;
			errors += vlan_list_len(x, 10) != by_vlan[1] + 8;
			errors += vlan_list_len(x, 20) != by_vlan[2] + 1;
			errors += sw_port(x->sw, P_HV)->n_veths != 3 + n;
			errors += x->sw->n_veths != 10 + n;
			errors += x->sw->by_bind.n != 10 + n || x->sw->by_id.n != 10 + n;
		}
	}
	CU_ASSERT_EQUAL(errors, 0);
	CU_ASSERT(sw_veth_slots(x->sw) <= 64);
	fx_close(x);
}

/* ---- the hash table ------------------------------------------------------------------ */

/* Every entry is reachable: no empty slot between its home and itself. */
static bool
htab_sound(const struct sw_htab *t)
{
	uint32_t used = 0;

	for (uint32_t i = 0; i <= t->mask; i++) {
		const struct sw_htab_ent *e = &t->ent[i];

		if (e->val == SW_HTAB_EMPTY)
			continue;
		used++;
		for (uint32_t j = sw_htab_hash(e->k1, e->k2) & t->mask; j != i;
			j = (j + 1) & t->mask)
			if (t->ent[j].val == SW_HTAB_EMPTY)
				return false;
	}
	return used == t->n;
}

static void
htab_stress(uint32_t max, unsigned ops, unsigned check_every)
{
	const unsigned nkeys = 3 * max + 7;
	struct sw_htab t;
	bool *in = calloc(nkeys, sizeof(*in));
	int32_t *val = calloc(nkeys, sizeof(*val));
	uint64_t seed = 0xC0FFEEull + max, aux_sum = 0;
	unsigned n = 0, errors = 0, refused = 0;

	CU_ASSERT_FATAL(in && val);
	CU_ASSERT_EQUAL_FATAL(sw_htab_init(&t, max), 0);
	CU_ASSERT(t.mask + 1 >= 2 * max);
	for (unsigned op = 0; op < ops; op++) {
		uint64_t r = xorshift(&seed);
		unsigned k = (unsigned)((r >> 8) % nkeys);
		uint64_t k1 = (uint64_t)k * 0x100000001ull ^ 0xABCD000000000000ull;
		uint32_t k2 = k % 5;
		struct sw_htab_ent *e = sw_htab_find(&t, k1, k2);

		errors += !e != !in[k];
		errors += e && (e->val != val[k] || e->aux != (uint64_t)k * 7);
		switch (r % 8) {
		case 0:
		case 1:
		case 2:
		case 3:
			if (in[k])
				break;
			e = sw_htab_insert(&t, k1, k2, (int32_t)(r >> 40), (uint64_t)k * 7);
			if (n >= max) {
				errors += e != NULL;
				refused++;
				break;
			}
			errors += !e;
			in[k] = true;
			val[k] = (int32_t)(r >> 40);
			n++;
			break;
		case 4:
		case 5:
		case 6:
			if (!in[k])
				break;
			sw_htab_remove(&t, e);
			in[k] = false;
			n--;
			break;
		default:
			if (e)
				e->val = val[k] = (int32_t)(r >> 33);
			break;
		}
		if (op % check_every == 0) {
			errors += t.n != n || !htab_sound(&t);
			for (unsigned j = 0; j < nkeys; j++) {
				uint64_t j1 =
					(uint64_t)j * 0x100000001ull ^ 0xABCD000000000000ull;
				const struct sw_htab_ent *f = sw_htab_find(&t, j1, j % 5);

				errors += !f != !in[j] || (f && f->val != val[j]);
				aux_sum += f ? f->aux : 0;
			}
		}
	}
	CU_ASSERT_EQUAL(errors, 0);
	CU_ASSERT(refused > 0); /* the table was full at times */
	CU_ASSERT(aux_sum > 0);
	sw_htab_clear(&t);
	CU_ASSERT_EQUAL(t.n, 0);
	CU_ASSERT_PTR_NULL(sw_htab_find(&t, 0xABCD000000000000ull, 0));
	sw_htab_free(&t);
	free(in);
	free(val);
}

static void
test_htab(void)
{
	struct sw_htab t;

	htab_stress(8, 100000, 1);      /* 16 slots: wrap-around everywhere */
	htab_stress(1000, 100000, 997); /* 2048 slots, long clusters */
	CU_ASSERT_EQUAL(sw_htab_init(&t, (1u << 30) + 1), -1);
}

/* FDB flush (vEth deleted) and sweep (ageing) remove while scanning. */
static void
test_fdb_flush_sweep(void)
{
	uint64_t seed = 77;
	unsigned errors = 0;

	for (unsigned round = 0; round < 2000; round++) {
		struct sw_fdb f;
		uint8_t mac[6] = { 2, 0, 0, 0, 0, 0 };
		int32_t dst[60];
		uint64_t when[60];
		unsigned n = 1 + (unsigned)(xorshift(&seed) % 60);
		int32_t gone = (int32_t)(xorshift(&seed) % 4);

		CU_ASSERT_EQUAL_FATAL(sw_fdb_init(&f, 60, 10), 0);
		for (unsigned i = 0; i < n; i++) {
			mac[5] = (uint8_t)i;
			dst[i] = (int32_t)(xorshift(&seed) % 4) - 1; /* -1 is uplink 0 */
			when[i] = T0 + (xorshift(&seed) % 20) * SEC;
			sw_fdb_learn(&f, 10, mac, dst[i], when[i]);
		}
		sw_fdb_flush_dst(&f, gone);
		errors += !htab_sound(&f.t);
		sw_fdb_sweep(&f, T0 + 20 * SEC);
		errors += !htab_sound(&f.t);
		for (unsigned i = 0; i < n; i++) {
			bool keep = dst[i] != gone && when[i] + 10 * SEC > T0 + 20 * SEC;

			mac[5] = (uint8_t)i;
			errors += (sw_fdb_lookup(&f, 10, mac, T0 + 20 * SEC) !=
					  SW_HTAB_EMPTY) != keep;
		}
		sw_fdb_free(&f);
	}
	CU_ASSERT_EQUAL(errors, 0);
}

/* The builder against the wire format (protocols.md examples). */
static void
test_builder(void)
{
	uint8_t want[128];
	struct vntag vt;
	struct etag et;
	uint16_t next;
	size_t off;
	struct fb f;
	int n;

	MK(&f, MA, MC, 2, VN(1, 1, 7, 1, 5), CT(5, 10));
	n = tu_hex(
		"02 00 00 00 01 0a 02 00 00 00 01 0c 89 26 c0 07 80 05 81 00 a0 0a 08 00 40 41",
		want, sizeof(want));
	CU_ASSERT_EQUAL_FATAL(n, (int)f.n);
	CU_ASSERT_EQUAL(memcmp(f.b, want, f.n), 0);
	CU_ASSERT_EQUAL(vntag_decode(f.b, f.n, &vt, &next, &off, NULL), 0);
	CU_ASSERT(vt.d && vt.p && vt.looped && vt.dvif == 7 && vt.svif == 5 && next == 0x8100);
	MK(&f, MA, MC, 0, ET(5, 0x12345, 1, 300));
	n = tu_hex("02 00 00 00 01 0a 02 00 00 00 01 0c 89 3f a3 45 11 2c 12 00 08 00", want,
		sizeof(want));
	CU_ASSERT_EQUAL_FATAL(n, (int)f.n);
	CU_ASSERT_EQUAL(memcmp(f.b, want, f.n), 0);
	CU_ASSERT_EQUAL(etag_decode(f.b, f.n, &et, &next, &off, NULL), 0);
	CU_ASSERT(et.pcp == 5 && et.ingress_ecid == 0x12345 && et.grp == 1 && et.ecid == 300);
}

static void
add_suites(void)
{
	static const struct tu_test ports[] = {
		{ "frame builder matches the wire", test_builder },
		{ "vntag: svif selects, flood one frame per vif", test_vntag_flood },
		{ "vntag: drops", test_vntag_drops },
		{ "vntag: inner tag, egress, looped", test_vntag_egress },
		{ "etag", test_etag },
		{ "vepa: MAC+VLAN, reflective relay", test_vepa },
		{ "uplink trunks", test_uplink },
		{ NULL, NULL },
	};
	static const struct tu_test fdb[] = {
		{ "learning and ageing", test_learning_aging },
		{ "sw_run_timers sweeps", test_timers },
		{ "station moves", test_station_move },
		{ "flush and sweep while scanning", test_fdb_flush_sweep },
		{ "htab against a reference", test_htab },
		{ NULL, NULL },
	};
	static const struct tu_test misc[] = {
		{ "auto_create and limits", test_auto_create },
		{ "reserved DA, spoofed source, admin down, tx_full", test_drops_misc },
		{ "truncated at every length", test_truncated },
		{ "random garbage", test_garbage },
		{ "padding to 60 bytes", test_padding },
		{ "trace changes nothing", test_trace },
		{ "vEth add/del", test_veth_add_del },
		{ "vEth churn", test_veth_churn },
		{ NULL, NULL },
	};

	tu_add_suite("pipeline", ports);
	tu_add_suite("fdb", fdb);
	tu_add_suite("model", misc);
}

int
main(void)
{
	return tu_run("test-switch", add_suites);
}

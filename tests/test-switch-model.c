/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-switch-model.c - the "model" suite of tests/test-switch: auto-created
 * vEths and limits, drops before classification, admin state and back-end
 * refusal, truncated and random frames, padding, trace (changes nothing),
 * vEth add/delete and churn.  The fixture is in switchtest.c; test-switch.c
 * registers switch_model_tests.  White box: includes sw_internal.h.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/htab.h"
#include "switchd/state.h"
#include "switchd/sw.h"
#include "switchd/sw_internal.h"
#include "switchd/swconf.h"
#include "switchd/trace.h"
#include "switchd/writer.h"
#include "tests/switchtest.h"
#include "tests/testutil.h"

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

/* Registered as the "model" suite by test-switch.c, in this order. */
const struct tu_test switch_model_tests[] = {
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

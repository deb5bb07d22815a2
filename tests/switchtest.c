/* SPDX-License-Identifier: Apache-2.0 */
/*
 * switchtest.c - the fixture shared by the switch pipeline tests: frame
 * builder, the switch of conf_main on memory ports, output and counter
 * checks (see switchtest.h).  White box: includes sw_internal.h to reset
 * and read the vEth slots.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/sw_internal.h"
#include "tests/switchtest.h"
#include "vntag/etag.h"
#include "vntag/eth.h"
#include "vntag/vntag.h"

/* ---- frames, written bit by bit ---------------------------------------------- */

static void
put16(struct fb *f, uint64_t v)
{
	f->b[f->n++] = (uint8_t)(v >> 8);
	f->b[f->n++] = (uint8_t)v;
}

struct fb *
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

const struct fb *
pad60(struct fb *f)
{
	while (f->n < 60)
		f->b[f->n++] = 0;
	return f;
}

const uint8_t BC[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
const uint8_t MA[6] = { 2, 0, 0, 0, 1, 0xA };  /* station behind up0 */
const uint8_t MA2[6] = { 2, 0, 0, 0, 1, 0xF }; /* station behind up1 */
const uint8_t MB[6] = { 2, 0, 0, 0, 1, 0xB };  /* behind vEth 4 (etag 300) */
const uint8_t MC[6] = { 2, 0, 0, 0, 1, 0xC };  /* behind vEth 1 (vif 5) */
const uint8_t MD[6] = { 2, 0, 0, 0, 1, 0xD };  /* behind vEth 2 (vif 6) */
const uint8_t VM6[6] = { 0x52, 0x54, 0, 0, 0, 6 };
const uint8_t VM7[6] = { 0x52, 0x54, 0, 0, 0, 7 };
const uint8_t VM8[6] = { 0x52, 0x54, 0, 0, 0, 8 };
const uint8_t VM9[6] = { 0x52, 0x54, 0, 0, 0, 9 };
const uint8_t VMA[6] = { 0x52, 0x54, 0, 0, 0, 0xA };

/* ---- the switch under test ---------------------------------------------------- */

const char conf_main[] =
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

struct fx *
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

void
fx_close(struct fx *x)
{
	sw_destroy(x->sw);
	for (unsigned i = 0; i < x->n_ports; i++)
		free(x->mem[i]);
	free(x);
}

void
fx_clear(struct fx *x)
{
	for (unsigned i = 0; i < x->n_ports; i++)
		x->mem[i]->n = x->mem[i]->overflow = 0;
}

void
fx_zero(struct fx *x)
{
	fx_clear(x);
	for (unsigned i = 0; i < x->n_ports; i++)
		memset(&sw_port(x->sw, i)->ctr, 0, sizeof(struct sw_counters));
	for (size_t s = 0; s < sw_veth_slots(x->sw); s++)
		memset(&x->sw->veths[s].ctr, 0, sizeof(struct sw_counters));
}

void
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

bool
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

bool
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

const struct sw_counters *
pc(struct fx *x, unsigned port)
{
	return &sw_port(x->sw, port)->ctr;
}

const struct sw_counters *
vc(struct fx *x, uint32_t id)
{
	const struct sw_veth *v = sw_veth_by_id(x->sw, id);

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	return &v->ctr;
}

bool
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

uint64_t
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

uint64_t
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

bool
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

bool
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

bool
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

bool
ct_is(struct fx *x, unsigned port, unsigned pcp, unsigned vid)
{
	const struct sw_mem_port *m = x->mem[port];
	struct vn_eth e;

	return m->n && !vn_eth_parse(m->data[0], m->len[0], &e, NULL) && e.n_tags == 1 &&
		e.tags[0].tpid == VN_ETH_CTAG && e.tags[0].pcp == pcp && e.tags[0].vid == vid &&
		!e.tags[0].dei && e.type == 0x0800 && e.payload_off == 18;
}

void
learn_uplink(struct fx *x, unsigned port, const uint8_t *mac, unsigned vid, uint64_t now)
{
	struct fb f;

	tx(x, port, vid ? MK(&f, BC, mac, 46, CT(0, vid)) : MK(&f, BC, mac, 46, NONE), now);
	fx_clear(x);
}

void
learn_vif(struct fx *x, const uint8_t *mac, unsigned vif, uint64_t now)
{
	struct fb f;

	tx(x, P_HV, MK(&f, BC, mac, 46, VN(0, 0, 0, 0, vif)), now);
	fx_clear(x);
}

uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

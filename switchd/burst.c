/* SPDX-License-Identifier: Apache-2.0 */
/*
 * burst.c - the datapath for a burst of frames: the same pipeline
 * (pipeline.c, frame by frame, in order), preceded by passes that only
 * prefetch what each frame will touch, so that the cache misses of a burst
 * overlap instead of following one another.
 *
 * Why: with thousands of vEths the tables (vEth bindings, FDB, bound MACs)
 * and the vEths themselves no longer fit in the caches, and one frame costs
 * a chain of dependent misses (binding -> vEth -> FDB -> destination vEth),
 * each a trip to memory.  Over a burst, pass A computes every frame's
 * binding key and prefetches its hash slot; pass B finds the binding (now
 * cached: the vEth slot and, in the entry's aux word, its VLAN) and
 * prefetches the source vEth's two hot cache lines and the FDB and MAC
 * table slots of (VLAN, SA) and (VLAN, DA); pass C finds the destination in
 * the FDB and prefetches its vEth and the source's policy state; then each
 * frame runs through the pipeline, finding everything in the cache.  The
 * passes read only: a key they get wrong (a frame the fast path does not
 * parse, a binding changed since) costs a useless prefetch, never a wrong
 * decision, which is the pipeline's alone.
 */
#include <config.h>

#include "switchd/sw.h"

#include <string.h>

#include "switchd/sw_internal.h"
#include "vntag/etag.h"
#include "vntag/eth.h"

/* Frames prefetched together: enough to cover a memory latency with the
 * work of the others, few enough that their lines stay in L1/L2. */
#define SW_BURST 32

static inline void
prefetch(const void *p)
{
	__builtin_prefetch(p, 1, 3);
}

static inline void
prefetch_slot(const struct sw_htab *t, uint64_t k1, uint32_t k2)
{
	if (t->n)
		prefetch(&t->ent[sw_htab_hash(k1, k2) & t->mask]);
}

/* What pass A learned of a frame. */
struct pre {
	uint64_t k1; /* its binding key (host ports), 0: none */
	uint32_t k2;
	int32_t slot; /* its vEth (pass B), -1 */
	uint16_t vlan;
	bool known_vlan; /* uplink: the frame's own VLAN */
};

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Pass A for one frame: the binding key a well-formed frame of its port
 * would have (pipeline.c decides what the frame really is). */
static void
pass_a(struct sw *sw, const struct sw_rx *rx, struct pre *p)
{
	const struct sw_port *port = &sw->ports[rx->port];
	const uint8_t *f = rx->frame;
	uint16_t type;

	p->k1 = 0;
	p->slot = -1;
	p->known_vlan = false;
	if (rx->len < 22)
		return;
	type = be16(f + 12);
	switch (port->mode) {
	case SW_MODE_VNTAG:
		if (type != VN_ETH_VNTAG)
			return;
		p->k1 = SW_BIND_K1(SW_BIND_VIF, be16(f + 16) & 0xFFF);
		p->k2 = SW_BIND_K2(port->idx, 0);
		break;
	case SW_MODE_ETAG: {
		struct etag t;

		if (type != VN_ETH_ETAG)
			return;
		etag_unpack(f + 14, &t);
		p->k1 = SW_BIND_K1(SW_BIND_ECID, t.ecid ? t.ecid : t.ingress_ecid);
		p->k2 = SW_BIND_K2(port->idx, 0);
		break;
	}
	case SW_MODE_VEPA:
		if (type == VN_ETH_STAG)
			return; /* S-channels: left to the pipeline */
		p->k1 = SW_MACBIND_K1(
			f + VN_ETH_ALEN, type == VN_ETH_CTAG ? be16(f + 14) & 0xFFF : 0);
		p->k2 = SW_BIND_K2(port->idx, SW_SCHAN_DEFAULT_SVID);
		break;
	default:
		p->vlan = type == VN_ETH_CTAG ? be16(f + 14) & 0xFFF : 0;
		p->known_vlan = true;
		break;
	}
	if (p->k1)
		prefetch_slot(&sw->by_bind, p->k1, p->k2);
}

/* Pass B: the binding's vEth and VLAN; prefetch them and the VLAN's
 * FDB / MAC slots of this frame's addresses. */
static void
pass_b(struct sw *sw, const struct sw_rx *rx, struct pre *p)
{
	const uint8_t *f = rx->frame;

	if (p->k1) {
		const struct sw_htab_ent *e = sw_htab_find(&sw->by_bind, p->k1, p->k2);

		if (!e)
			return;
		p->slot = e->val;
		p->vlan = (uint16_t)e->aux;
		prefetch(&sw->veths[p->slot]);
		prefetch((const uint8_t *)&sw->veths[p->slot] + 64);
	} else if (!p->known_vlan) {
		return;
	}
	prefetch_slot(&sw->fdb.t, SW_FDB_K1(p->vlan, f + VN_ETH_ALEN), 0);
	prefetch_slot(&sw->by_mac, SW_FDB_K1(p->vlan, f + VN_ETH_ALEN), 0);
	if (!(f[0] & 1))
		prefetch_slot(&sw->fdb.t, SW_FDB_K1(p->vlan, f), 0);
}

/* Pass C: the destination vEth of a known unicast, and the source's
 * policy state. */
static void
pass_c(struct sw *sw, const struct sw_rx *rx, const struct pre *p)
{
	const struct sw_htab_ent *e;

	if (p->slot >= 0 && sw->veths[p->slot].pol)
		prefetch(sw->veths[p->slot].pol);
	if ((p->slot < 0 && !p->known_vlan) || (rx->frame[0] & 1) || !sw->fdb.t.n)
		return;
	e = sw_htab_find(&sw->fdb.t, SW_FDB_K1(p->vlan, rx->frame), 0);
	if (e && e->val >= 0) {
		prefetch(&sw->veths[e->val]);
		prefetch((const uint8_t *)&sw->veths[e->val] + 64);
	}
}

void
sw_input_burst(struct sw *sw, const struct sw_rx *rx, unsigned n)
{
	struct pre pre[SW_BURST];

	for (unsigned base = 0; base < n; base += SW_BURST) {
		unsigned m = n - base < SW_BURST ? n - base : SW_BURST;
		const struct sw_rx *r = rx + base;

		for (unsigned i = 0; i < m; i++)
			if (r[i].port < sw->n_ports)
				pass_a(sw, &r[i], &pre[i]);
			else
				pre[i].k1 = 0, pre[i].slot = -1, pre[i].known_vlan = false;
		for (unsigned i = 0; i < m; i++)
			pass_b(sw, &r[i], &pre[i]);
		for (unsigned i = 0; i < m; i++)
			pass_c(sw, &r[i], &pre[i]);
		for (unsigned i = 0; i < m; i++)
			sw_input_rx(sw, r[i].port, r[i].frame, r[i].len, r[i].now, r[i].rx_us);
	}
}

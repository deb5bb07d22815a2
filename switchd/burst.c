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
 * binding key and prefetches its hash slot (VN-Tag ports: finds the vEth
 * by index and prefetches it); pass B finds the binding (now cached: the
 * vEth slot and, in the entry's aux word, its VLAN) and prefetches the
 * source vEth's hot pair of cache lines and the FDB and MAC table slots of
 * (VLAN, SA) -- unless the vEth's learning cache spares that -- and (VLAN,
 * DA); pass C finds the destination in
 * the FDB and prefetches its vEth and the source's policy state; then each
 * frame runs through the pipeline, finding everything in the cache.  The
 * passes read only: a key they get wrong (a frame the fast path does not
 * parse, a binding changed since) costs a useless prefetch, never a wrong
 * decision, which is the pipeline's alone.
 */
#include <config.h>

#include "switchd/sw.h"

#include <string.h>

#include "switchd/acl.h"
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

/* A vEth's hot pair of cache lines (struct sw_veth). */
static inline void
prefetch_veth(const struct sw *sw, int32_t slot)
{
	prefetch(&sw->veths[slot]);
	prefetch((const uint8_t *)&sw->veths[slot] + 64);
}

/* What the passes learned of a frame. */
struct pre {
	uint64_t k1; /* its binding key still to look up (pass B), 0: none */
	uint32_t k2;
	int32_t slot; /* its vEth, -1 */
	uint16_t vlan;
	uint16_t inner_off; /* its inner EtherType, after every tag */
	bool known_vlan;    /* slot or uplink: the VLAN of its FDB keys */
	bool host;
};

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The FDB slot of the destination (a known unicast's next miss). */
static inline void
prefetch_da(const struct sw *sw, const uint8_t *f, uint16_t vlan)
{
	if (!(f[0] & 1))
		prefetch_slot(&sw->fdb.t, SW_FDB_K1(vlan, f), 0);
}

/* Pass A: what a well-formed frame of its port would be (pipeline.c
 * decides what it really is).  VN-Tag ports: the vEth and its VLAN by
 * index, so its lines and the destination's FDB slot at once; uplinks:
 * the frame's VLAN, so the FDB and MAC slots; others: the binding's slot. */
static void
pass_a(struct sw *sw, const struct sw_rx *rx, struct pre *p)
{
	const struct sw_port *port = &sw->ports[rx->port];
	const uint8_t *f = rx->frame;
	uint16_t type;

	p->k1 = 0;
	p->slot = -1;
	p->known_vlan = false;
	p->host = port->role == SW_ROLE_HOST;
	if (rx->len < 22)
		return;
	type = be16(f + 12);
	/* Where the pipeline's inner frame will continue (its ACL key): past
	 * the port's tag and any C-tag. */
	p->inner_off = type == VN_ETH_VNTAG ? 18 : type == VN_ETH_ETAG ? 20 : 12;
	if (p->inner_off + 6u <= rx->len && be16(f + p->inner_off) == VN_ETH_CTAG)
		p->inner_off += 4;
	switch (port->mode) {
	case SW_MODE_VNTAG:
		if (type != VN_ETH_VNTAG)
			return;
		if (port->vif_slot) {
			unsigned vif = be16(f + 16) & 0xFFF;

			p->slot = port->vif_slot[vif];
			if (p->slot < 0)
				return;
			p->vlan = port->vif_vlan[vif];
			p->known_vlan = true;
			prefetch_veth(sw, p->slot);
			prefetch_da(sw, f, p->vlan);
			return;
		}
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
		prefetch_da(sw, f, p->vlan);
		prefetch_slot(&sw->fdb.t, SW_FDB_K1(p->vlan, f + VN_ETH_ALEN), 0);
		prefetch_slot(&sw->by_mac, SW_FDB_K1(p->vlan, f + VN_ETH_ALEN), 0);
		return;
	}
	prefetch_slot(&sw->by_bind, p->k1, p->k2);
}

/* Pass B: the bindings pass A could only prefetch (their slot and, in the
 * entry's aux word, the vEth's VLAN); the source MAC's slot in the bound
 * MACs. */
static void
pass_b(struct sw *sw, const struct sw_rx *rx, struct pre *p)
{
	if (p->k1) {
		const struct sw_htab_ent *e = sw_htab_find(&sw->by_bind, p->k1, p->k2);

		if (!e)
			return;
		p->slot = e->val;
		p->vlan = (uint16_t)e->aux;
		p->known_vlan = true;
		prefetch_veth(sw, p->slot);
		prefetch_da(sw, rx->frame, p->vlan);
	}
	if (p->host && p->known_vlan)
		prefetch_slot(&sw->by_mac, SW_FDB_K1(p->vlan, rx->frame + VN_ETH_ALEN), 0);
}

/* Pass C: the destination vEth of a known unicast; the source's FDB entry
 * unless the vEth's learning cache spares the pipeline that (pipeline.c,
 * learn()); the source's policy state. */
static void
pass_c(struct sw *sw, const struct sw_rx *rx, const struct pre *p)
{
	const uint8_t *f = rx->frame;

	if (!p->known_vlan)
		return;
	if (!(f[0] & 1) && sw->fdb.t.n) {
		const struct sw_htab_ent *e =
			sw_htab_find(&sw->fdb.t, SW_FDB_K1(p->vlan, f), 0);

		if (e && e->val >= 0)
			prefetch_veth(sw, e->val);
	}
	if (p->slot >= 0) {
		const struct sw_veth *v = &sw->veths[p->slot];

		if (v->learn_vlan != p->vlan ||
			memcmp(v->learn_mac, f + VN_ETH_ALEN, VN_ETH_ALEN))
			prefetch_slot(&sw->fdb.t, SW_FDB_K1(p->vlan, f + VN_ETH_ALEN), 0);
		if (v->pol) {
			const struct sw_acl *acl = sw->profiles[v->profile].pol.acl[SW_DIR_IN];

			prefetch(v->pol);
			/* The ACL's header cache set this frame will look up
			 * (an untagged-inside VN-Tag / E-Tag / C-tag frame: the
			 * pipeline's inner frame starts after the outer tag). */
			if (acl && rx->len > 22)
				sw_acl_prefetch(acl, f, f + p->inner_off,
					rx->len - p->inner_off, p->vlan);
		}
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
				pre[i] = (struct pre) { .slot = -1 };
		for (unsigned i = 0; i < m; i++)
			pass_b(sw, &r[i], &pre[i]);
		for (unsigned i = 0; i < m; i++)
			pass_c(sw, &r[i], &pre[i]);
		for (unsigned i = 0; i < m; i++)
			sw_input_rx(sw, r[i].port, r[i].frame, r[i].len, r[i].now, r[i].rx_us);
	}
}

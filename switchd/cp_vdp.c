/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cp_vdp.c - VDP admission and the vEths of associated VSIs: the admit and
 * release callbacks of every channel's vdp_bridge, the links VSI <-> vEth
 * and the bridge-initiated de-associate.  The rules are in cplane.h.
 *
 * The machine calls admit() before it creates or changes its VSI record and
 * release() when a record goes; admit() of an ASSOCIATE creates (or
 * re-binds) the vEth at once, so the answer the machine sends and the vEth
 * agree.  The one way the machine could still refuse after admit() said yes
 * (a VID or PCP it cannot send, which admit() never produces) is caught by
 * cp_vdp_reconcile() after the VDPDU.
 *
 * Resource reservation (PRE-ASSOCIATE with RR, cplane.h): admit() of an
 * RR request plans the VSI as for an ASSOCIATE and holds what the plan
 * needs in a reservation link (struct cp_link, rsv): one vEth on the port
 * and switch-wide, its extra bound MACs, its MACs in its VLAN (rsv_mac)
 * and, on a VN-Tag / E-Tag channel, the vif / E-CID.  Every plan counts
 * the reservations of the other VSIs as taken; the VSI's own ASSOCIATE
 * turns its reservation link into its vEth link.  release() of the record
 * (DE-ASSOCIATE, keep-alive expiry, HARD, port or S-channel gone), or a
 * change to PRE-ASSOCIATE, gives the reservation up; cp_vdp_reconcile()
 * drops any whose record is no longer pre-associated with RR.  Other
 * makers of vEths (the CLI, auto-create, reload) ask
 * sw_cplane_rsv_check().
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "switchd/admin.h"
#include "switchd/cp_internal.h"
#include "switchd/policy.h"
#include "vntag/eth.h"

/* What an admitted request becomes. */
struct cp_plan {
	int32_t profile;
	uint16_t vlan;
	size_t n_macs; /* distinct MAC filters, in request order */
	uint8_t macs[1 + SW_VETH_EXTRA_MACS][VN_ETH_ALEN];
	int32_t self; /* slot of the VSI's vEth, -1 if it has none */
	/* The VSI's own reservation on this channel (its link value, -1 for
	 * none): what it holds is not in the way of its own request. */
	int32_t own_rsv;
	/* The refusal is for what another VSI's reservation holds. */
	bool rsv_hit;
	/* A migration (cplane.h): the VSI's vEth is on this other channel
	 * (its slot is self); NULL otherwise. */
	struct cp_chan *from_ch;
	struct cp_link *from;
	/* Which counter a refusal goes to (struct sw_cplane.refused). */
	enum {
		CP_REF_OTHER,
		CP_REF_VSI_LIMIT,
		CP_REF_VETH_LIMIT,
		CP_REF_BINDING,
		CP_REF_MIGRATION
	} ref;
};

/* ---- links --------------------------------------------------------------------- */

static uint64_t
cp_vsi_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53ull;
	h ^= h >> 33;
	return h;
}

/* by_vsi's key of a VSI ID: 96 bits of a hash keyed with the seed (random
 * live), so that nobody can make two VSI IDs share one on purpose. */
static void
cp_vsi_key(const struct sw_cplane *cp, uint8_t fmt, const uint8_t *vsiid, uint64_t *k1,
	uint32_t *k2)
{
	uint64_t a = cp_vsi_mix(cp->seed ^ ((uint64_t)fmt << 56 | 0x5653494944ull)), b = ~a;

	for (size_t i = 0; i < VDP_VSIID_LEN; i += 8) {
		uint64_t w = 0;

		for (size_t j = 0; j < 8; j++)
			w = w << 8 | vsiid[i + j];
		a = cp_vsi_mix(a ^ w);
		b = cp_vsi_mix(b + w * 0x9E3779B97F4A7C15ull);
	}
	*k1 = a;
	*k2 = (uint32_t)(b ^ b >> 32);
}

/* The link a by_veth / by_vsi / rsv_mac value names, in use or not. */
static struct cp_link *
cp_link_slot(const struct sw_cplane *cp, int32_t val, struct cp_chan **ch)
{
	uint32_t v = (uint32_t)val, port = v >> 20, chan = v >> 8 & 0xFFF, link = v & 0xFF;

	if (port >= cp->n_ports || chan >= cp->ports[port].n_chans)
		return NULL;
	*ch = cp->ports[port].chans[chan];
	if (link >= (*ch)->n_links)
		return NULL;
	return &(*ch)->links[link];
}

static struct cp_link *
cp_link_at(struct sw_cplane *cp, int32_t val, struct cp_chan **ch)
{
	struct cp_link *l = cp_link_slot(cp, val, ch);

	return l && l->used ? l : NULL;
}

static int32_t
cp_link_val(const struct cp_chan *ch, const struct cp_link *l)
{
	return CP_LINK_VAL(ch->port->idx, ch->index, (uint32_t)(l - ch->links));
}

/* The link of VSI ID (fmt, vsiid) anywhere on the switch, or NULL. */
static struct cp_link *
cp_vsi_link(struct sw_cplane *cp, uint8_t fmt, const uint8_t *vsiid, struct cp_chan **ch)
{
	const struct sw_htab_ent *e;
	struct cp_link *l;
	uint64_t k1;
	uint32_t k2;

	cp_vsi_key(cp, fmt, vsiid, &k1, &k2);
	e = sw_htab_find(&cp->by_vsi, k1, k2);
	if (!e || !(l = cp_link_at(cp, e->val, ch)))
		return NULL;
	return l->fmt == fmt && !memcmp(l->vsiid, vsiid, VDP_VSIID_LEN) ? l : NULL;
}

/* Enter a new link in by_veth and by_vsi (both sized for max_veths, as
 * the links are VDP vEths: the inserts cannot fail). */
static void
cp_link_index(struct cp_chan *ch, struct cp_link *l)
{
	struct sw_cplane *cp = ch->port->cp;
	int32_t val = CP_LINK_VAL(ch->port->idx, ch->index, (uint32_t)(l - ch->links));
	uint64_t k1;
	uint32_t k2;

	sw_htab_insert(&cp->by_veth, l->veth, 0, val, 0);
	cp_vsi_key(cp, l->fmt, l->vsiid, &k1, &k2);
	if (!sw_htab_find(&cp->by_vsi, k1, k2))
		sw_htab_insert(&cp->by_vsi, k1, k2, val, 0);
}

static struct cp_link *
cp_link_find(struct cp_chan *ch, const uint8_t *mgrid, uint8_t fmt, const uint8_t *vsiid)
{
	for (uint16_t i = 0; i < ch->n_links; i++) {
		struct cp_link *l = &ch->links[i];

		if (l->used && l->fmt == fmt && !memcmp(l->vsiid, vsiid, VDP_VSIID_LEN) &&
			!memcmp(l->mgrid, mgrid, VDP_MGRID_LEN))
			return l;
	}
	return NULL;
}

struct cp_link *
cp_vdp_link_of(struct cp_chan *ch, const struct vdp_bridge_vsi *vsi)
{
	return cp_link_find(ch, vsi->mgrid, vsi->vsiid_format, vsi->vsiid);
}

static void
cp_link_drop(struct cp_chan *ch, struct cp_link *l)
{
	struct sw_cplane *cp = ch->port->cp;
	int32_t val = CP_LINK_VAL(ch->port->idx, ch->index, (uint32_t)(l - ch->links));
	struct sw_htab_ent *e = sw_htab_find(&cp->by_veth, l->veth, 0);
	uint64_t k1;
	uint32_t k2;

	if (e)
		sw_htab_remove(&cp->by_veth, e);
	cp_vsi_key(cp, l->fmt, l->vsiid, &k1, &k2);
	e = sw_htab_find(&cp->by_vsi, k1, k2);
	if (e && e->val == val)
		sw_htab_remove(&cp->by_vsi, e);
	memset(l, 0, sizeof(*l));
}

bool
cp_vdp_find_veth(struct sw_cplane *cp, uint32_t id, struct cp_chan **ch, struct cp_link **l)
{
	const struct sw_htab_ent *e = sw_htab_find(&cp->by_veth, id, 0);

	return e && (*l = cp_link_at(cp, e->val, ch)) != NULL;
}

/* A free link of channel ch (neither a vEth's nor a reservation), or NULL
 * (never: the links are as many as the machine's VSI records, and a
 * record has one link at most). */
static struct cp_link *
cp_link_free(struct cp_chan *ch)
{
	for (uint16_t i = 0; i < ch->n_links; i++)
		if (!ch->links[i].used && !ch->links[i].rsv)
			return &ch->links[i];
	return NULL;
}

static const char *
cp_vsiid_text(const uint8_t fmt, const uint8_t *vsiid, char *buf, size_t n)
{
	if (vdp_vsiid_format_text(fmt, vsiid, buf, n) < 0)
		snprintf(buf, n, "(format %u)", fmt);
	return buf;
}

/* ---- reservations ----------------------------------------------------------------- */

static struct cp_link *
cp_rsv_find(const struct cp_chan *ch, const uint8_t *mgrid, uint8_t fmt, const uint8_t *vsiid)
{
	for (uint16_t i = 0; i < ch->n_links; i++) {
		struct cp_link *l = &ch->links[i];

		if (l->rsv && l->fmt == fmt && !memcmp(l->vsiid, vsiid, VDP_VSIID_LEN) &&
			!memcmp(l->mgrid, mgrid, VDP_MGRID_LEN))
			return l;
	}
	return NULL;
}

const struct cp_link *
cp_vdp_rsv_of(const struct cp_chan *ch, const struct vdp_bridge_vsi *vsi)
{
	return cp_rsv_find(ch, vsi->mgrid, vsi->vsiid_format, vsi->vsiid);
}

/* The extra bound MACs (sw.n_extra_macs) of a vEth with n MACs on ch's
 * port: the first MAC binds on a VEPA port, the vif / E-CID elsewhere. */
static size_t
cp_extra_of(const struct cp_chan *ch, size_t n)
{
	bool by_mac = ch->port->cp->sw->ports[ch->port->idx].mode == SW_MODE_VEPA;

	return by_mac ? (n ? n - 1 : 0) : n;
}

/* "VSI ID on PORT CHANNEL" of a reservation (refusal reasons). */
static void
cp_rsv_describe(const struct sw_cplane *cp, int32_t val, char *buf, size_t n)
{
	char id[VDP_VSIID_TEXT_MAX], where[32];
	struct cp_chan *ch = NULL;
	const struct cp_link *l = cp_link_slot(cp, val, &ch);

	if (!l || !l->rsv) {
		snprintf(buf, n, "another VSI"); /* not reached: rsv_mac is exact */
		return;
	}
	cp_chan_describe(ch, where, sizeof(where));
	snprintf(buf, n, "VSI %s on %s %s", cp_vsiid_text(l->fmt, l->vsiid, id, sizeof(id)),
		cp->sw->ports[ch->port->idx].name, where);
}

/* Give reservation l up: its MACs, its vEth and its extra MACs go back to
 * everyone, the link is free. */
static void
cp_rsv_release(struct cp_chan *ch, struct cp_link *l)
{
	struct sw_cplane *cp = ch->port->cp;
	int32_t val = cp_link_val(ch, l);

	for (uint8_t i = 0; cp->rsv_mac.ent && i < l->rsv_n_macs; i++) {
		struct sw_htab_ent *e =
			sw_htab_find(&cp->rsv_mac, SW_FDB_K1(l->rsv_vlan, l->rsv_macs[i]), 0);

		if (e && e->val == val)
			sw_htab_remove(&cp->rsv_mac, e);
	}
	cp->n_rsv--;
	ch->port->n_rsv--;
	cp->rsv_extra -= (uint32_t)cp_extra_of(ch, l->rsv_n_macs);
	memset(l, 0, sizeof(*l));
}

/* Hold what plan pl needs for the VSI: a new reservation, or its own one
 * replaced.  The plan checked that no other VSI and no vEth holds any of
 * it, and made rsv_mac (cp_plan). */
static void
cp_rsv_hold(struct cp_chan *ch, const struct vdp_vsi *req, const uint8_t *mgrid,
	const struct cp_plan *pl)
{
	struct sw_cplane *cp = ch->port->cp;
	struct cp_link *l = cp_rsv_find(ch, mgrid, req->vsiid_format, req->vsiid);
	int32_t val;

	if (l)
		cp_rsv_release(ch, l);
	l = cp_link_free(ch);
	if (!l || !cp->rsv_mac.ent)
		return; /* not reached (cp_link_free, cp_plan) */
	l->rsv = true;
	memcpy(l->mgrid, mgrid, VDP_MGRID_LEN);
	l->fmt = req->vsiid_format;
	memcpy(l->vsiid, req->vsiid, VDP_VSIID_LEN);
	l->rsv_vlan = pl->vlan;
	l->rsv_profile = pl->profile;
	l->rsv_n_macs = (uint8_t)pl->n_macs;
	memcpy(l->rsv_macs, pl->macs, pl->n_macs * VN_ETH_ALEN);
	val = cp_link_val(ch, l);
	/* rsv_mac holds 2 x max_veths entries and the reservations' MACs
	 * never pass that: the inserts cannot fail. */
	for (size_t i = 0; i < pl->n_macs; i++)
		sw_htab_insert(&cp->rsv_mac, SW_FDB_K1(pl->vlan, pl->macs[i]), 0, val, 0);
	cp->n_rsv++;
	ch->port->n_rsv++;
	cp->rsv_extra += (uint32_t)cp_extra_of(ch, pl->n_macs);
	ch->admitted = true; /* cp_vdp_reconcile checks it after the VDPDU */
}

/* The VSI's reservation on ch, if any, goes (a change to PRE-ASSOCIATE). */
static void
cp_rsv_drop(struct cp_chan *ch, const uint8_t *mgrid, uint8_t fmt, const uint8_t *vsiid)
{
	struct cp_link *l = cp_rsv_find(ch, mgrid, fmt, vsiid);

	if (l)
		cp_rsv_release(ch, l);
}

uint32_t
sw_cplane_rsv_veths(const struct sw_cplane *cp, int port)
{
	if (!cp)
		return 0;
	if (port < 0)
		return cp->n_rsv;
	return (unsigned)port < cp->n_ports ? cp->ports[port].n_rsv : 0;
}

int
sw_cplane_rsv_check(
	const struct sw_cplane *cp, const struct sw_veth *v, bool room, char *why, size_t wn)
{
	const struct sw *sw;
	const struct sw_port *p;
	char who[96], m[18];

	if (!cp || !cp->n_rsv || v->port >= cp->n_ports)
		return 0; /* nothing reserved: nothing in the way */
	sw = cp->sw;
	p = &sw->ports[v->port];
	if (v->kind == SW_BIND_MAC && cp->rsv_mac.ent) {
		const struct sw_htab_ent *e =
			sw_htab_find(&cp->rsv_mac, SW_FDB_K1(v->vlan, v->mac), 0);

		if (e) {
			cp_rsv_describe(cp, e->val, who, sizeof(who));
			vn_eth_format_mac(v->mac, m);
			snprintf(why, wn, "MAC %s in VLAN %u is reserved for %s", m, v->vlan,
				who);
			return -1;
		}
	}
	if (v->kind == SW_BIND_VIF || v->kind == SW_BIND_ECID) {
		const struct cp_port *pp = &cp->ports[v->port];
		uint8_t kind = v->kind == SW_BIND_VIF ? CP_CHAN_VIF : CP_CHAN_ECID;

		for (uint32_t c = 0; c < pp->n_chans; c++) {
			const struct cp_chan *ch = pp->chans[c];

			if (ch->kind != kind || ch->id != v->key)
				continue;
			for (uint16_t i = 0; i < ch->n_links; i++)
				if (ch->links[i].rsv) {
					cp_rsv_describe(cp, cp_link_val(ch, &ch->links[i]), who,
						sizeof(who));
					snprintf(why, wn, "%s %u on port %s is reserved for %s",
						cp_chan_kind_name(kind), v->key, p->name, who);
					return -1;
				}
		}
	}
	if (room && p->n_veths + cp->ports[v->port].n_rsv >= p->max_veths) {
		snprintf(why, wn,
			"port '%s' is at max_veths = %u (%u vEths, %u reserved by VDP)",
			p->name, p->max_veths, p->n_veths, cp->ports[v->port].n_rsv);
		return -1;
	}
	if (room && sw->n_veths + cp->n_rsv >= sw->max_veths) {
		snprintf(why, wn,
			"the switch is at max_veths = %u (%u vEths, %u reserved by VDP)",
			sw->max_veths, sw->n_veths, cp->n_rsv);
		return -1;
	}
	return 0;
}

/* ---- admission --------------------------------------------------------------------- */

/* A request on this channel for what vEth 'slot' holds: evidence for the
 * path audit (two sources claim one binding). */
static void
cp_audit_conflict(struct cp_chan *ch, int32_t slot)
{
	char where[48], chan[32];

	cp_chan_describe(ch, chan, sizeof(chan));
	snprintf(where, sizeof(where), "%s %s", ch->port->cp->sw->ports[ch->port->idx].name,
		chan);
	sw_audit_conflict(ch->port->cp->sw, slot, ch->port->idx, where, ch->port->cp->now);
}

static int32_t
cp_profile_for(const struct sw *sw, uint32_t type_id, uint8_t version)
{
	for (size_t i = 0; i < sw->n_profiles; i++)
		if (sw->profiles[i].name[0] && sw->profiles[i].type_id == type_id &&
			sw->profiles[i].type_version == version)
			return (int32_t)i;
	return -1;
}

/* A request here for a VSI whose vEth is on another channel (cplane.h,
 * migration).  0: admitted as a migration (pl->from set); else the
 * refusal, with why. */
static int
cp_plan_migration(struct cp_chan *ch, const struct vdp_vsi *req, uint8_t mode,
	struct cp_chan *och, struct cp_link *ol, struct cp_plan *pl, char *why, size_t wn)
{
	struct sw *sw = ch->port->cp->sw;
	const struct vdp_bridge_vsi *ov =
		vdp_bridge_find(och->vdp, ol->mgrid, ol->fmt, ol->vsiid);
	const struct sw_veth *v = sw_veth_by_id(sw, ol->veth);
	char where[32];

	cp_chan_describe(och, where, sizeof(where));
	if (!v)
		return VDP_ERR_OTHER;        /* a link always has its vEth */
	pl->self = (int32_t)(v - sw->veths); /* the events go on its history */
	if (och == ch) {
		/* The same VSI ID from another VSI manager on this channel: a
		 * second vEth for one VSI is what by_vsi exists to prevent. */
		pl->ref = CP_REF_BINDING;
		snprintf(why, wn,
			"the VSI ID is associated on this channel by another manager (vEth %u)",
			v->id);
		return VDP_ERR_OTHER;
	}
	pl->ref = CP_REF_MIGRATION;
	if (!req->status.hard_or_m) {
		cp_audit_conflict(ch, pl->self);
		snprintf(why, wn,
			"VSI active on %s %s (vEth %u): migration needs the M hint here",
			sw->ports[och->port->idx].name, where, v->id);
		return VDP_ERR_OTHER;
	}
	if (mode == VDP_TLV_ASSOC && !(ov && ov->hint_s)) {
		snprintf(why, wn, "VSI active on %s %s (vEth %u), not suspended there (S hint)",
			sw->ports[och->port->idx].name, where, v->id);
		return VDP_ERR_OTHER;
	}
	pl->from_ch = och;
	pl->from = ol;
	return 0;
}

/* Check a request against the switch (cplane.h, "VDP admission" and
 * "Resource reservation"); fills the plan.  cur: the VSI's record on this
 * channel, NULL for a new VSI.  What other VSIs' reservations hold counts
 * as taken; the VSI's own reservation does not.  A PRE-ASSOCIATE with RR
 * needs what an ASSOCIATE of a new VSI needs: a vEth on the port and
 * switch-wide (even when its vEth is on another channel and may move
 * here: until the ASSOCIATE it stays there), its extra MACs, its MACs and
 * vif / E-CID.  Returns 0 or an enum vdp_error with the reason in why. */
static int
cp_plan(struct cp_chan *ch, const struct vdp_vsi *req, const struct vdp_filter *f, size_t n,
	uint8_t mode, const uint8_t *mgrid, const struct vdp_bridge_vsi *cur,
	struct cp_plan *pl, char *why, size_t wn)
{
	struct sw_cplane *cp = ch->port->cp;
	struct sw *sw = ch->port->cp->sw;
	const struct sw_port *p = &sw->ports[ch->port->idx];
	const struct sw_profile *prof;
	bool by_mac = p->mode == SW_MODE_VEPA;
	size_t max_macs = by_mac ? 1 + SW_VETH_EXTRA_MACS : SW_VETH_EXTRA_MACS;
	const struct cp_link *l = cp_link_find(ch, mgrid, req->vsiid_format, req->vsiid);
	const struct sw_veth *self = l ? sw_veth_by_id(sw, l->veth) : NULL;
	size_t old_extra = self ? self->n_extra_macs : 0, new_extra;
	const struct cp_link *own = cp_rsv_find(ch, mgrid, req->vsiid_format, req->vsiid);
	bool rr = mode == VDP_TLV_PREASSOC_RR, need_port, need_sw;
	/* What the other VSIs' reservations hold: on this port, switch-wide,
	 * extra MACs. */
	uint32_t rsv_port = ch->port->n_rsv - (own ? 1 : 0);
	uint32_t rsv_all = cp->n_rsv - (own ? 1 : 0);
	uint64_t rsv_extra = cp->rsv_extra - (own ? cp_extra_of(ch, own->rsv_n_macs) : 0);
	uint64_t extra_room;
	char m[18], who[96];

	memset(pl, 0, sizeof(*pl));
	pl->self = self ? (int32_t)(self - sw->veths) : -1;
	pl->own_rsv = own ? cp_link_val(ch, own) : -1;
	if (!cur && cp->n_vsi >= sw->conf.max_vsis && sw->conf.max_vsis) {
		pl->ref = CP_REF_VSI_LIMIT;
		snprintf(why, wn, "the switch is at max_vsis = %u", sw->conf.max_vsis);
		return VDP_ERR_INSUFFICIENT_RESOURCES;
	}
	if (!l) {
		struct cp_chan *och;
		struct cp_link *ol = cp_vsi_link(cp, req->vsiid_format, req->vsiid, &och);
		int rc = ol ? cp_plan_migration(ch, req, mode, och, ol, pl, why, wn) : 0;

		if (rc)
			return rc;
		if (pl->from)
			old_extra = sw->veths[pl->self].n_extra_macs;
	}
	if (!by_mac && ch->kind == CP_CHAN_UNTAGGED) {
		snprintf(why, wn,
			"untagged VDP on %s port %s: a VSI is bound by the %s its request is "
			"tagged with",
			sw_mode_name(p->mode), p->name,
			p->mode == SW_MODE_VNTAG ? "vif" : "E-CID");
		return VDP_ERR_OTHER;
	}
	pl->profile = cp_profile_for(sw, req->type_id, req->type_version);
	if (pl->profile < 0) {
		snprintf(why, wn, "no profile has VSI type %u version %u", req->type_id,
			req->type_version);
		return VDP_ERR_OTHER;
	}
	prof = &sw->profiles[pl->profile];
	for (size_t i = 0; i < n; i++) {
		uint16_t vid = f[i].vid ? f[i].vid : prof->has_vlan ? prof->vlan : 0;

		if (f[i].vid && prof->has_vlan && f[i].vid != prof->vlan) {
			snprintf(why, wn, "VID %u: profile %s allows VLAN %u only", f[i].vid,
				prof->name, prof->vlan);
			return VDP_ERR_INVALID_VID_GROUP_MAC;
		}
		if (i && vid != pl->vlan) {
			snprintf(why, wn, "the filters ask for VLANs %u and %u; a vEth has one",
				pl->vlan, vid);
			return VDP_ERR_INVALID_VID_GROUP_MAC;
		}
		pl->vlan = vid;
	}
	if (req->fif == VDP_FIF_MAC_VID || req->fif == VDP_FIF_GROUP_MAC_VID) {
		for (size_t i = 0; i < n; i++) {
			bool dup = false;

			vn_eth_format_mac(f[i].mac, m);
			if ((f[i].mac[0] & 1) ||
				!(f[i].mac[0] | f[i].mac[1] | f[i].mac[2] | f[i].mac[3] |
					f[i].mac[4] | f[i].mac[5])) {
				snprintf(why, wn, "MAC %s is not a unicast address", m);
				return VDP_ERR_INVALID_VID_GROUP_MAC;
			}
			for (size_t j = 0; j < pl->n_macs; j++)
				dup |= !memcmp(pl->macs[j], f[i].mac, VN_ETH_ALEN);
			if (dup)
				continue;
			if (pl->n_macs == max_macs) {
				snprintf(why, wn, "more than %zu MACs: a vEth binds no more",
					max_macs);
				return VDP_ERR_INSUFFICIENT_RESOURCES;
			}
			memcpy(pl->macs[pl->n_macs++], f[i].mac, VN_ETH_ALEN);
		}
	} else if (by_mac) {
		snprintf(why, wn, "filter format %s has no MAC: a VEPA port binds VSIs by MAC",
			vdp_fif_name(req->fif));
		return VDP_ERR_INVALID_FORMAT;
	}
	for (size_t i = 0; i < pl->n_macs; i++) {
		int32_t owner = sw_mac_owner(sw, pl->vlan, pl->macs[i]);
		/* On its channel: the same MAC+VLAN key on another S-channel is
		 * another binding (by_mac still holds a MAC once per VLAN). */
		const struct sw_htab_ent *e = by_mac
			? sw_htab_find(&sw->by_bind, SW_MACBIND_K1(pl->macs[i], pl->vlan),
				  SW_BIND_K2(p->idx, cp_chan_svid(ch)))
			: NULL;

		if (owner < 0 && e)
			owner = e->val;
		if (owner >= 0 && owner != pl->self) {
			pl->ref = CP_REF_BINDING;
			cp_audit_conflict(ch, owner);
			vn_eth_format_mac(pl->macs[i], m);
			snprintf(why, wn, "MAC %s in VLAN %u is bound to vEth %u", m, pl->vlan,
				sw->veths[owner].id);
			return VDP_ERR_INVALID_VID_GROUP_MAC;
		}
		/* Reserved for another VSI: refused as a bound one is. */
		e = cp->rsv_mac.ent
			? sw_htab_find(&cp->rsv_mac, SW_FDB_K1(pl->vlan, pl->macs[i]), 0)
			: NULL;
		if (e && e->val != pl->own_rsv) {
			pl->ref = CP_REF_BINDING;
			pl->rsv_hit = true;
			cp_rsv_describe(cp, e->val, who, sizeof(who));
			vn_eth_format_mac(pl->macs[i], m);
			snprintf(why, wn, "MAC %s in VLAN %u is reserved for %s", m, pl->vlan,
				who);
			return VDP_ERR_INVALID_VID_GROUP_MAC;
		}
	}
	if (!by_mac) {
		enum sw_bind kind = ch->kind == CP_CHAN_VIF ? SW_BIND_VIF : SW_BIND_ECID;
		const struct sw_htab_ent *e =
			sw_htab_find(&sw->by_bind, SW_BIND_K1(kind, ch->id), p->idx);

		if (e && e->val != pl->self) {
			pl->ref = CP_REF_BINDING;
			cp_audit_conflict(ch, e->val);
			snprintf(why, wn, "%s %u on port %s is bound to vEth %u",
				cp_chan_kind_name(ch->kind), ch->id, p->name,
				sw->veths[e->val].id);
			return VDP_ERR_OTHER;
		}
		/* The channel's vif / E-CID reserved for another VSI. */
		for (uint16_t i = 0; i < ch->n_links; i++) {
			if (!ch->links[i].rsv || &ch->links[i] == own)
				continue;
			pl->ref = CP_REF_BINDING;
			pl->rsv_hit = true;
			cp_rsv_describe(cp, cp_link_val(ch, &ch->links[i]), who, sizeof(who));
			snprintf(why, wn, "%s %u on port %s is reserved for %s",
				cp_chan_kind_name(ch->kind), ch->id, p->name, who);
			return VDP_ERR_OTHER;
		}
	}
	new_extra = by_mac ? (pl->n_macs ? pl->n_macs - 1 : 0) : pl->n_macs;
	/* A reservation holds all its extra MACs (the vEth it may replace
	 * keeps its own until the ASSOCIATE). */
	if (rr)
		old_extra = 0;
	extra_room = sw->n_extra_macs + rsv_extra < sw->max_veths
		? sw->max_veths - sw->n_extra_macs - rsv_extra
		: 0;
	if (new_extra > old_extra && new_extra - old_extra > extra_room) {
		pl->rsv_hit = new_extra - old_extra <= sw->max_veths - sw->n_extra_macs;
		snprintf(why, wn, "the switch has no room for %zu more bound MACs%s",
			new_extra - old_extra, pl->rsv_hit ? " (reserved by VDP)" : "");
		return VDP_ERR_INSUFFICIENT_RESOURCES;
	}
	/* A vEth that moves in from another port counts on this one; a
	 * reservation holds one whatever the VSI has elsewhere. */
	need_port = rr || pl->self < 0 || (pl->from && sw->veths[pl->self].port != p->idx);
	if (need_port && p->n_veths + rsv_port >= p->max_veths) {
		pl->ref = CP_REF_VETH_LIMIT;
		pl->rsv_hit = p->n_veths < p->max_veths;
		snprintf(why, wn, "port %s is at max_veths = %u%s", p->name, p->max_veths,
			pl->rsv_hit ? " (with the vEths reserved by VDP)" : "");
		return VDP_ERR_INSUFFICIENT_RESOURCES;
	}
	need_sw = rr || pl->self < 0;
	if (need_sw && sw->n_veths + rsv_all >= sw->max_veths) {
		pl->ref = CP_REF_VETH_LIMIT;
		pl->rsv_hit = sw->n_veths < sw->max_veths;
		snprintf(why, wn, "the switch is at max_veths = %u%s", sw->max_veths,
			pl->rsv_hit ? " (with the vEths reserved by VDP)" : "");
		return VDP_ERR_INSUFFICIENT_RESOURCES;
	}
	/* The reservations' MAC table, made by the first one. */
	if (rr && !cp->rsv_mac.ent && sw_htab_init(&cp->rsv_mac, 2 * sw->max_veths)) {
		memset(&cp->rsv_mac, 0, sizeof(cp->rsv_mac));
		snprintf(why, wn, "no memory for the reservations' table");
		return VDP_ERR_INSUFFICIENT_RESOURCES;
	}
	return 0;
}

/* Move vEth 'slot' onto channel ch, bound as the plan says: the
 * re-binding of sw_veth_rebind plus the port, kind, key and S-VID.  The
 * plan checked that nothing else holds the new binding. */
static void
cp_veth_move(struct cp_chan *ch, int32_t slot, const struct cp_plan *pl)
{
	struct sw *sw = ch->port->cp->sw;
	struct sw_veth *v = &sw->veths[slot];
	const struct sw_port *p = &sw->ports[ch->port->idx];
	bool by_mac = p->mode == SW_MODE_VEPA;
	const uint8_t(*extra)[VN_ETH_ALEN] = by_mac ? pl->macs + 1 : pl->macs;
	size_t n_extra = by_mac ? pl->n_macs - 1 : pl->n_macs;

	sw_veth_unindex(sw, slot);
	sw_vlan_unlink(sw, slot);
	sw_fdb_flush_dst(&sw->fdb, slot);
	sw->n_extra_macs -= v->n_extra_macs;
	sw->ports[v->port].n_veths--;
	v->port = (uint16_t)p->idx;
	v->kind = by_mac ? SW_BIND_MAC : ch->kind == CP_CHAN_VIF ? SW_BIND_VIF : SW_BIND_ECID;
	v->key = by_mac ? 0 : ch->id;
	v->svid = by_mac ? cp_chan_svid(ch) : 0;
	memset(v->mac, 0, VN_ETH_ALEN);
	if (by_mac)
		memcpy(v->mac, pl->macs[0], VN_ETH_ALEN);
	v->n_extra_macs = (uint8_t)n_extra;
	for (size_t i = 0; i < n_extra; i++)
		memcpy(v->extra_macs[i], extra[i], VN_ETH_ALEN);
	v->vlan = pl->vlan;
	v->own_vlan = true;
	if (v->profile != pl->profile) {
		v->profile = pl->profile;
		sw_policy_veth_attach(sw, slot); /* the new profile's policy, fresh */
	}
	sw->n_extra_macs += v->n_extra_macs;
	sw->ports[p->idx].n_veths++;
	sw_vlan_link(sw, slot);
	sw_veth_index(sw, slot);
}

/* ASSOCIATE with the M hint for a VSI suspended (S hint) on another
 * channel: its vEth moves here with its id, counters and policy; the old
 * station is told by an unsolicited DE-ASSOCIATE (its machine is another
 * instance than the one calling admit, so this is no re-entrancy). */
static int
cp_migrate(struct cp_chan *ch, const struct vdp_vsi *req, const uint8_t *mgrid,
	const struct cp_plan *pl, uint64_t now, char *why, size_t wn)
{
	struct sw_cplane *cp = ch->port->cp;
	struct sw *sw = cp->sw;
	struct cp_chan *och = pl->from_ch;
	struct cp_link *l = cp_rsv_find(ch, mgrid, req->vsiid_format, req->vsiid),
		       *ol = pl->from;
	const struct vdp_bridge_vsi *ov;
	char id[VDP_VSIID_TEXT_MAX], from[32], to[32];
	const char *from_port = sw->ports[och->port->idx].name;
	uint32_t veth = ol->veth;

	/* Its reservation here, if it made one, becomes its vEth's link. */
	if (l)
		cp_rsv_release(ch, l);
	else
		l = cp_link_free(ch);
	if (!l) {
		snprintf(why, wn, "no free VSI link on this channel"); /* not reached */
		return -1;
	}
	cp_vsiid_text(req->vsiid_format, req->vsiid, id, sizeof(id));
	cp_chan_describe(och, from, sizeof(from));
	cp_chan_describe(ch, to, sizeof(to));
	ov = vdp_bridge_find(och->vdp, ol->mgrid, ol->fmt, ol->vsiid);
	cp_link_drop(och, ol); /* its release() below then leaves the vEth alone */
	if (ov)
		vdp_bridge_deassoc(och->vdp, ov, VDP_BRIDGE_REASON_ADMIN, now);
	cp_veth_move(ch, pl->self, pl);
	l->used = true;
	memcpy(l->mgrid, mgrid, VDP_MGRID_LEN);
	l->fmt = req->vsiid_format;
	memcpy(l->vsiid, req->vsiid, VDP_VSIID_LEN);
	l->veth = veth;
	cp_link_index(ch, l);
	ch->admitted = true;
	cp->dirty = true;
	cp->refused.migrations++;
	sw_event_log(sw, veth, SW_EV_MIGRATED, now,
		"VSI %s moved from %s %s to %s %s (M and S hints), vlan %u", id, from_port,
		from, sw->ports[ch->port->idx].name, to, pl->vlan);
	return 0;
}

/* Create or re-bind the VSI's vEth.  0, or -1 with why. */
static int
cp_apply(struct cp_chan *ch, const struct vdp_vsi *req, const uint8_t *mgrid,
	const struct cp_plan *pl, uint64_t now, char *why, size_t wn)
{
	struct sw_cplane *cp = ch->port->cp;
	struct sw *sw = cp->sw;
	const struct sw_port *p = &sw->ports[ch->port->idx];
	bool by_mac = p->mode == SW_MODE_VEPA;
	const uint8_t(*extra)[VN_ETH_ALEN] = by_mac ? pl->macs + 1 : pl->macs;
	size_t n_extra = by_mac ? pl->n_macs - 1 : pl->n_macs;
	static const uint8_t zero[VN_ETH_ALEN];
	struct sw_conf_veth cv = { 0 };
	char id[VDP_VSIID_TEXT_MAX], where[32];
	struct cp_link *l = NULL;
	bool had_rsv;
	int32_t slot;

	cp_vsiid_text(req->vsiid_format, req->vsiid, id, sizeof(id));
	cp_chan_describe(ch, where, sizeof(where));
	if (pl->from)
		return cp_migrate(ch, req, mgrid, pl, now, why, wn);
	if (pl->self >= 0) {
		sw_veth_rebind(sw, pl->self, pl->profile, pl->vlan, by_mac ? pl->macs[0] : zero,
			extra, n_extra, now);
		sw_event_log(sw, sw->veths[pl->self].id, SW_EV_ASSOCIATED, now,
			"VSI %s changed: type %u v%u, vlan %u", id, req->type_id,
			req->type_version, pl->vlan);
		return 0;
	}
	/* The VSI's reservation, if it made one, becomes its vEth's link once
	 * the vEth is made (until then it still holds everything). */
	l = cp_rsv_find(ch, mgrid, req->vsiid_format, req->vsiid);
	if (!l)
		l = cp_link_free(ch);
	if (!l) {
		snprintf(why, wn, "no free VSI link on channel %s", where); /* not reached */
		return -1;
	}
	cv.id = sw_veth_alloc_id(sw);
	snprintf(cv.port, sizeof(cv.port), "%s", p->name);
	cv.kind = by_mac ? SW_BIND_MAC : ch->kind == CP_CHAN_VIF ? SW_BIND_VIF : SW_BIND_ECID;
	cv.key = by_mac ? 0 : ch->id;
	if (by_mac) {
		memcpy(cv.mac, pl->macs[0], VN_ETH_ALEN);
		cv.svid = cp_chan_svid(ch); /* bound to the channel it associated on */
	}
	cv.has_vlan = true;
	cv.vlan = pl->vlan;
	snprintf(cv.profile, sizeof(cv.profile), "%s", sw->profiles[pl->profile].name);
	if (sw_veth_add_macs(sw, &cv, SW_ORIGIN_VDP, extra, n_extra, now, &slot, why, wn))
		return -1;
	had_rsv = l->rsv;
	if (had_rsv)
		cp_rsv_release(ch, l);
	l->used = true;
	memcpy(l->mgrid, mgrid, VDP_MGRID_LEN);
	l->fmt = req->vsiid_format;
	memcpy(l->vsiid, req->vsiid, VDP_VSIID_LEN);
	l->veth = cv.id;
	cp_link_index(ch, l);
	ch->admitted = true;
	sw_event_log(sw, cv.id, SW_EV_ASSOCIATED, now, "VSI %s type %u v%u on %s %s, vlan %u%s",
		id, req->type_id, req->type_version, p->name, where, pl->vlan,
		had_rsv ? " (reserved)" : "");
	return 0;
}

static void
cp_refused(struct cp_chan *ch, const struct vdp_vsi *req, uint8_t mode, int code,
	const struct cp_plan *pl, const char *why, uint64_t now)
{
	struct sw *sw = ch->port->cp->sw;
	struct cp_refusal *r = &ch->refusal;
	char id[VDP_VSIID_TEXT_MAX], where[32];

	cp_vsiid_text(req->vsiid_format, req->vsiid, id, sizeof(id));
	cp_chan_describe(ch, where, sizeof(where));
	switch (pl->ref) {
	case CP_REF_VSI_LIMIT:
		ch->port->cp->refused.vsi_limit++;
		break;
	case CP_REF_VETH_LIMIT:
		ch->port->cp->refused.veth_limit++;
		break;
	case CP_REF_BINDING:
		ch->port->cp->refused.binding++;
		break;
	case CP_REF_MIGRATION:
		ch->port->cp->refused.migration_refused++;
		break;
	default:
		break;
	}
	if (pl->rsv_hit)
		ch->port->cp->refused.reserved++;
	r->valid = true;
	r->ts_us = now;
	r->mode = mode;
	r->status = (uint8_t)code;
	r->type_id = req->type_id;
	r->type_version = req->type_version;
	r->fmt = req->vsiid_format;
	memcpy(r->vsiid, req->vsiid, VDP_VSIID_LEN);
	snprintf(r->reason, sizeof(r->reason), "%s", why);
	/* On the vEth if the VSI has one (a refused change), else vEth 0. */
	sw_event_log(sw, pl->self >= 0 ? sw->veths[pl->self].id : 0, SW_EV_REFUSED, now,
		"%s VSI %s on %s %s: status %d: %s", vdp_tlv_type_name(mode), id,
		sw->ports[ch->port->idx].name, where, code, why);
}

int
cp_vdp_admit(void *aux, const struct vdp_vsi *req, const struct vdp_filter *filters, size_t n,
	uint8_t mode, struct vdp_filter *resp, const uint8_t mgrid[VDP_MGRID_LEN],
	const struct vdp_bridge_vsi *cur)
{
	struct cp_chan *ch = aux;
	uint64_t now = ch->port->cp->now;
	struct cp_plan pl;
	char why[96];
	int rc;

	rc = cp_plan(ch, req, filters, n, mode, mgrid, cur, &pl, why, sizeof(why));
	if (!rc && mode == VDP_TLV_ASSOC &&
		cp_apply(ch, req, mgrid, &pl, now, why, sizeof(why)))
		rc = VDP_ERR_OTHER;
	if (rc) {
		cp_refused(ch, req, mode, rc, &pl, why, now);
		return rc;
	}
	/* PRE-ASSOCIATE with RR holds what the plan needs (a change replaces
	 * what it held); plain PRE-ASSOCIATE holds nothing, and gives up a
	 * reservation the VSI had; ASSOCIATE used it (cp_apply). */
	if (mode == VDP_TLV_PREASSOC_RR)
		cp_rsv_hold(ch, req, mgrid, &pl);
	else if (mode == VDP_TLV_PREASSOC)
		cp_rsv_drop(ch, mgrid, req->vsiid_format, req->vsiid);
	if (!cur)
		ch->port->cp->n_vsi++; /* the machine makes the record now */
	if (pl.from && mode != VDP_TLV_ASSOC) {
		char id[VDP_VSIID_TEXT_MAX], where[32];

		cp_vsiid_text(req->vsiid_format, req->vsiid, id, sizeof(id));
		cp_chan_describe(ch, where, sizeof(where));
		ch->port->cp->refused.pending++;
		sw_event_log(ch->port->cp->sw, pl.from->veth, SW_EV_MIGRATING, now,
			"VSI %s %s on %s %s with the M hint", id, vdp_tlv_type_name(mode),
			ch->port->cp->sw->ports[ch->port->idx].name, where);
	}
	/* VID 0 ("bridge chooses") gets the VLAN; the others are it already. */
	for (size_t i = 0; i < n; i++)
		resp[i].vid = pl.vlan;
	return 0;
}

void
cp_vdp_release(void *aux, const struct vdp_bridge_vsi *vsi, enum vdp_bridge_reason why)
{
	struct cp_chan *ch = aux;
	struct sw_cplane *cp = ch->port->cp;
	struct cp_link *l = cp_vdp_link_of(ch, vsi);
	char id[VDP_VSIID_TEXT_MAX], reason[96];
	enum sw_event_kind kind = SW_EV_DEASSOCIATED;
	uint32_t veth;

	if (cp->n_vsi)
		cp->n_vsi--; /* every record goes through here (vdp_bridge.h) */
	/* A reservation goes with its record, whatever the reason. */
	cp_rsv_drop(ch, vsi->mgrid, vsi->vsiid_format, vsi->vsiid);
	if (!l)
		return; /* a pre-association, or a migrated VSI: no vEth here */
	veth = l->veth;
	cp_link_drop(ch, l);
	cp_vsiid_text(vsi->vsiid_format, vsi->vsiid, id, sizeof(id));
	switch (why) {
	case VDP_BRIDGE_REASON_STATION:
		snprintf(reason, sizeof(reason), "VSI %s de-associated by the station", id);
		break;
	case VDP_BRIDGE_REASON_KEEPALIVE:
		kind = SW_EV_KEEPALIVE_EXPIRED;
		snprintf(reason, sizeof(reason), "VSI %s: no keep-alive for %llu us", id,
			(unsigned long long)vdp_bridge_keepalive_us(cp_chan_oper(ch)->r,
				cp_chan_oper(ch)->rte, cp_chan_oper(ch)->rka));
		break;
	case VDP_BRIDGE_REASON_ADMIN:
		snprintf(reason, sizeof(reason), "VSI %s de-associated by the bridge (admin)",
			id);
		break;
	default:
		/* An S-channel going away says why (cp_schan.c). */
		if (ch->release_why)
			snprintf(reason, sizeof(reason), "VSI %s: %s", id, ch->release_why);
		else
			snprintf(reason, sizeof(reason), "VSI %s released: %s", id,
				vdp_bridge_reason_name(why));
		break;
	}
	sw_event_log(cp->sw, veth, kind, cp->now, "%s", reason);
	sw_veth_remove(cp->sw, veth, cp->now,
		kind == SW_EV_KEEPALIVE_EXPIRED            ? "keep-alive expired"
			: why == VDP_BRIDGE_REASON_STATION ? "de-associated by the station"
			: why == VDP_BRIDGE_REASON_ADMIN   ? "de-associated by the bridge"
			: ch->release_why                  ? ch->release_why
							   : "VSI released");
}

void
cp_vdp_reconcile(struct cp_chan *ch)
{
	struct sw_cplane *cp = ch->port->cp;

	for (uint16_t i = 0; i < ch->n_links; i++) {
		struct cp_link *l = &ch->links[i];
		const struct vdp_bridge_vsi *v;
		uint32_t veth;

		if (l->rsv) {
			/* Held only for a record pre-associated with RR. */
			v = vdp_bridge_find(ch->vdp, l->mgrid, l->fmt, l->vsiid);
			if (!v || v->state != VDP_TLV_PREASSOC_RR)
				cp_rsv_release(ch, l);
			continue;
		}
		if (!l->used || vdp_bridge_find(ch->vdp, l->mgrid, l->fmt, l->vsiid))
			continue;
		veth = l->veth;
		cp_link_drop(ch, l);
		sw_veth_remove(cp->sw, veth, cp->now, "association not completed");
	}
}

int
sw_cplane_veth_deassoc(struct sw_cplane *cp, uint32_t id, uint64_t now)
{
	const struct vdp_bridge_vsi *vsi;
	struct cp_chan *ch;
	struct cp_link *l;

	if (!cp_vdp_find_veth(cp, id, &ch, &l))
		return -1;
	if (now > cp->now)
		cp->now = now;
	cp->dirty = true;
	vsi = vdp_bridge_find(ch->vdp, l->mgrid, l->fmt, l->vsiid);
	if (!vsi || vdp_bridge_deassoc(ch->vdp, vsi, VDP_BRIDGE_REASON_ADMIN, cp->now)) {
		/* No VSI behind it (cannot happen): forget the link, the
		 * caller deletes the vEth itself. */
		cp_link_drop(ch, l);
		return -1;
	}
	return 0;
}

/* ---- limits ---------------------------------------------------------------------- */

static void
cp_limits_agent(const struct cp_agent *a, struct sw_cplane_limits *out)
{
	if (!a->sm)
		return;
	out->lldp_neighbors += (uint32_t)lldp_agent_neighbor_count(a->sm);
	out->lldp_dropped += lldp_agent_stats(a->sm)->drops;
}

void
sw_cplane_limits(struct sw_cplane *cp, struct sw_cplane_limits *out)
{
	uint32_t n_vsi = 0;

	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < cp->n_ports; i++) {
		const struct cp_port *pp = &cp->ports[i];

		for (unsigned a = 0; a < CP_N_AGENTS; a++)
			if (cp_port_has_agent(pp, a))
				cp_limits_agent(&pp->agents[a], out);
		for (unsigned k = 0; k < SW_SCHAN_SLOTS; k++)
			if (pp->schans[k])
				cp_limits_agent(&pp->schans[k]->agent, out);
		for (uint32_t c = 0; c < pp->n_chans; c++) {
			const struct vdp_bridge_stats *st;

			if (!pp->chans[c]->vdp)
				continue;
			st = vdp_bridge_stats(pp->chans[c]->vdp);
			n_vsi += st->n_vsi;
			out->vsi_table_full += st->table_full;
		}
		out->channels_refused += pp->chans_refused;
	}
	/* The running count is kept by admit/release; the machines have
	 * the truth. */
	cp->n_vsi = n_vsi;
	out->n_vsi = n_vsi;
	out->max_vsis = cp->sw->conf.max_vsis;
	out->vsi_limit = cp->refused.vsi_limit;
	out->veth_limit = cp->refused.veth_limit;
	out->binding_refused = cp->refused.binding;
	out->migrations = cp->refused.migrations;
	out->migrations_pending = cp->refused.pending;
	out->migrations_refused = cp->refused.migration_refused;
	out->rsv_veths = cp->n_rsv;
	out->rsv_macs = cp->rsv_mac.n;
	out->rsv_extra_macs = cp->rsv_extra;
	out->rsv_refused = cp->refused.reserved;
	out->lldp_max_neighbors = cp->sw->conf.lldp.max_neighbors;
}

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
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "switchd/admin.h"
#include "switchd/cp_internal.h"
#include "vntag/eth.h"

/* What an admitted request becomes. */
struct cp_plan {
	int32_t profile;
	uint16_t vlan;
	size_t n_macs; /* distinct MAC filters, in request order */
	uint8_t macs[1 + SW_VETH_EXTRA_MACS][VN_ETH_ALEN];
	int32_t self; /* slot of the VSI's vEth, -1 if it has none */
};

/* ---- links --------------------------------------------------------------------- */

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
	struct sw_htab_ent *e = sw_htab_find(&ch->port->cp->by_veth, l->veth, 0);

	if (e)
		sw_htab_remove(&ch->port->cp->by_veth, e);
	memset(l, 0, sizeof(*l));
}

bool
cp_vdp_find_veth(struct sw_cplane *cp, uint32_t id, struct cp_chan **ch, struct cp_link **l)
{
	const struct sw_htab_ent *e = sw_htab_find(&cp->by_veth, id, 0);
	uint32_t v, port, chan, link;

	if (!e)
		return false;
	v = (uint32_t)e->val;
	port = v >> 20;
	chan = v >> 8 & 0xFFF;
	link = v & 0xFF;
	if (port >= cp->n_ports || chan >= cp->ports[port].n_chans)
		return false;
	*ch = cp->ports[port].chans[chan];
	if (link >= (*ch)->n_links || !(*ch)->links[link].used)
		return false;
	*l = &(*ch)->links[link];
	return true;
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

static const char *
cp_vsiid_text(const uint8_t fmt, const uint8_t *vsiid, char *buf, size_t n)
{
	if (vdp_vsiid_format_text(fmt, vsiid, buf, n) < 0)
		snprintf(buf, n, "(format %u)", fmt);
	return buf;
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

/* Check a request against the switch (cplane.h, "VDP admission"); fills
 * the plan.  Returns 0 or an enum vdp_error with the reason in why. */
static int
cp_plan(struct cp_chan *ch, const struct vdp_vsi *req, const struct vdp_filter *f, size_t n,
	const uint8_t *mgrid, struct cp_plan *pl, char *why, size_t wn)
{
	struct sw *sw = ch->port->cp->sw;
	const struct sw_port *p = &sw->ports[ch->port->idx];
	const struct sw_profile *prof;
	bool by_mac = p->mode == SW_MODE_VEPA;
	size_t max_macs = by_mac ? 1 + SW_VETH_EXTRA_MACS : SW_VETH_EXTRA_MACS;
	const struct cp_link *l = cp_link_find(ch, mgrid, req->vsiid_format, req->vsiid);
	const struct sw_veth *self = l ? sw_veth_by_id(sw, l->veth) : NULL;
	size_t old_extra = self ? self->n_extra_macs : 0, new_extra;
	char m[18];

	memset(pl, 0, sizeof(*pl));
	pl->self = self ? (int32_t)(self - sw->veths) : -1;
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
			cp_audit_conflict(ch, owner);
			vn_eth_format_mac(pl->macs[i], m);
			snprintf(why, wn, "MAC %s in VLAN %u is bound to vEth %u", m, pl->vlan,
				sw->veths[owner].id);
			return VDP_ERR_INVALID_VID_GROUP_MAC;
		}
	}
	if (!by_mac) {
		enum sw_bind kind = ch->kind == CP_CHAN_VIF ? SW_BIND_VIF : SW_BIND_ECID;
		const struct sw_htab_ent *e =
			sw_htab_find(&sw->by_bind, SW_BIND_K1(kind, ch->id), p->idx);

		if (e && e->val != pl->self) {
			cp_audit_conflict(ch, e->val);
			snprintf(why, wn, "%s %u on port %s is bound to vEth %u",
				cp_chan_kind_name(ch->kind), ch->id, p->name,
				sw->veths[e->val].id);
			return VDP_ERR_OTHER;
		}
	}
	new_extra = by_mac ? (pl->n_macs ? pl->n_macs - 1 : 0) : pl->n_macs;
	if (new_extra > old_extra && new_extra - old_extra > sw->max_veths - sw->n_extra_macs) {
		snprintf(why, wn, "the switch has no room for %zu more bound MACs",
			new_extra - old_extra);
		return VDP_ERR_INSUFFICIENT_RESOURCES;
	}
	if (pl->self < 0 && p->n_veths >= p->max_veths) {
		snprintf(why, wn, "port %s is at max_veths = %u", p->name, p->max_veths);
		return VDP_ERR_INSUFFICIENT_RESOURCES;
	}
	if (pl->self < 0 && sw->n_veths >= sw->max_veths) {
		snprintf(why, wn, "the switch is at max_veths = %u", sw->max_veths);
		return VDP_ERR_INSUFFICIENT_RESOURCES;
	}
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
	int32_t slot;

	cp_vsiid_text(req->vsiid_format, req->vsiid, id, sizeof(id));
	cp_chan_describe(ch, where, sizeof(where));
	if (pl->self >= 0) {
		sw_veth_rebind(sw, pl->self, pl->profile, pl->vlan, by_mac ? pl->macs[0] : zero,
			extra, n_extra, now);
		sw_event_log(sw, sw->veths[pl->self].id, SW_EV_ASSOCIATED, now,
			"VSI %s changed: type %u v%u, vlan %u", id, req->type_id,
			req->type_version, pl->vlan);
		return 0;
	}
	for (uint16_t i = 0; i < ch->n_links && !l; i++)
		if (!ch->links[i].used)
			l = &ch->links[i];
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
	l->used = true;
	memcpy(l->mgrid, mgrid, VDP_MGRID_LEN);
	l->fmt = req->vsiid_format;
	memcpy(l->vsiid, req->vsiid, VDP_VSIID_LEN);
	l->veth = cv.id;
	sw_htab_insert(&cp->by_veth, cv.id, 0,
		CP_LINK_VAL(ch->port->idx, ch->index, (uint32_t)(l - ch->links)), 0);
	ch->admitted = true;
	sw_event_log(sw, cv.id, SW_EV_ASSOCIATED, now, "VSI %s type %u v%u on %s %s, vlan %u",
		id, req->type_id, req->type_version, p->name, where, pl->vlan);
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

	(void)cur; /* the link tells whether the VSI has a vEth */
	rc = cp_plan(ch, req, filters, n, mgrid, &pl, why, sizeof(why));
	if (!rc && mode == VDP_TLV_ASSOC &&
		cp_apply(ch, req, mgrid, &pl, now, why, sizeof(why)))
		rc = VDP_ERR_OTHER;
	if (rc) {
		cp_refused(ch, req, mode, rc, &pl, why, now);
		return rc;
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

	if (!l)
		return; /* a pre-association: it had no vEth */
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
		uint32_t veth;

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

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cp_persist.c - the control plane's part of the state file (persist.h):
 * the VDP associations that have a vEth, listed for saving and restored at
 * start-up.
 *
 * Why VDP vEths are restored, not left to re-associate.  In VDP (802.1Qbg-
 * 2012 clause 41, 802.1Q-2014 41.5) the station keeps its VSI in the
 * associated state until it de-associates or the bridge tells it so; a
 * bridge restart tells it nothing (no DE-ASSOCIATE was sent), so the
 * station goes on sending keep-alives -- repeats of its ASSOCIATE -- every
 * 2^RKA x 10 us and expects the VSI's traffic to flow meanwhile.  Left to
 * re-associate, the station's VMs would lose every frame for up to one
 * keep-alive interval (10.5 s with lldpad's defaults) and meanwhile their
 * MACs would be unknown sources: dropped on ports without auto_create, or
 * worse, made auto-created vEths without their profile's policy on ports
 * with it, after which the keep-alive itself would be refused (MAC bound
 * to another vEth).  Restoring the record keeps both ends in the state
 * they both believe in, and the vEth comes back with its binding, VLAN and
 * profile (its policy) before the first frame is switched.
 *
 * What keeps a restored association honest:
 *   - admission runs again, against the profiles the switch runs now (a
 *     VSI type whose profile went is refused and gets no vEth);
 *   - the VDP machine's keep-alive supervision restarts at start-up
 *     (vdp_bridge_restore): a station that went away while the switch was
 *     down -- or whose VM migrated elsewhere -- is reaped one supervision
 *     time later with an unsolicited DE-ASSOCIATE, exactly as if the switch
 *     had stayed up, and its MACs become free for the new port;
 *   - the supervision runs with the larger of the timers the channel had
 *     negotiated and its current ones, until the station's EVB TLV arrives
 *     again and the negotiation sets them (a station with a longer RKA than
 *     the bridge's own is not reaped before its first keep-alive).
 *
 * Not restored: pre-associations (no vEth; the station repeats them) and
 * VSIs on S-channels: CDCP starts afresh after a restart, so the S-channel
 * is not there yet.  Those come back the way the protocol provides: the
 * station's next keep-alive is a whole ASSOCIATE, which the bridge takes as
 * a new one once the channel is granted again; until then their frames are
 * dropped as unknown_channel (an S-VID that is no active channel).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "switchd/admin.h"
#include "switchd/cp_internal.h"
#include "switchd/persist.h"
#include "vntag/eth.h"

void
sw_cplane_vsi_each(
	struct sw_cplane *cp, void (*fn)(void *aux, const struct sw_persist_vsi *), void *aux)
{
	struct sw_persist_vsi s;

	for (unsigned pi = 0; cp && pi < cp->n_ports; pi++) {
		struct cp_port *pp = &cp->ports[pi];

		for (uint32_t ci = 0; ci < pp->n_chans; ci++) {
			struct cp_chan *ch = pp->chans[ci];
			const struct lldp_evb_oper *o;

			if (ch->kind == CP_CHAN_SVID && !ch->schan)
				continue; /* inactive */
			o = cp_chan_oper(ch);
			for (uint16_t li = 0; li < ch->n_links; li++) {
				const struct cp_link *l = &ch->links[li];
				const struct vdp_bridge_vsi *v;

				if (!l->used)
					continue;
				v = vdp_bridge_find(ch->vdp, l->mgrid, l->fmt, l->vsiid);
				if (!v || v->state != VDP_TLV_ASSOC)
					continue;
				memset(&s, 0, sizeof(s));
				snprintf(s.port, sizeof(s.port), "%s",
					cp->sw->ports[pp->idx].name);
				s.chan_kind = ch->kind;
				s.chan_id = ch->id;
				s.veth = l->veth;
				memcpy(s.mgrid, v->mgrid, VDP_MGRID_LEN);
				s.type_id = v->type_id;
				s.type_version = v->type_version;
				s.vsiid_format = v->vsiid_format;
				memcpy(s.vsiid, v->vsiid, VDP_VSIID_LEN);
				s.fif = v->fif;
				s.hint_m = v->hint_m;
				s.hint_s = v->hint_s;
				s.r = o->r;
				s.rte = o->rte;
				s.rka = o->rka;
				s.n_filters = v->n_filters < SW_PERSIST_FILTERS
					? v->n_filters
					: SW_PERSIST_FILTERS;
				memcpy(s.filters, v->req_filters,
					s.n_filters * sizeof(s.filters[0]));
				fn(aux, &s);
			}
		}
	}
}

static uint8_t
max_u8(uint8_t a, uint8_t b)
{
	return a > b ? a : b;
}

int
sw_cplane_vsi_restore(struct sw_cplane *cp, const struct sw_persist_vsi *s, uint64_t now,
	uint32_t *veth, char *why, size_t wn)
{
	struct sw *sw = cp->sw;
	struct sw_port *p = sw_port_by_name(sw, s->port);
	struct vdp_vsi v = { 0 };
	const struct lldp_evb_oper *o;
	const struct cp_link *l;
	const struct vdp_bridge_vsi *rec;
	uint32_t next_auto = sw->next_auto_id;
	struct cp_port *pp;
	struct cp_chan *ch;
	bool kind_ok;
	int rc;

	if (!p || p->role != SW_ROLE_HOST) {
		snprintf(why, wn, "port '%s' is no host port now", s->port);
		return -1;
	}
	pp = &cp->ports[p->idx];
	switch (s->chan_kind) {
	case CP_CHAN_UNTAGGED:
		kind_ok = p->mode == SW_MODE_VEPA && !s->chan_id;
		break;
	case CP_CHAN_VIF:
		kind_ok = p->mode == SW_MODE_VNTAG;
		break;
	case CP_CHAN_ECID:
		kind_ok = p->mode == SW_MODE_ETAG && s->chan_id;
		break;
	case CP_CHAN_SVID:
		snprintf(why, wn,
			"S-channel %u: S-channels start afresh (CDCP); the station's next "
			"keep-alive associates it again once the channel is granted",
			s->chan_id);
		return -1;
	default:
		kind_ok = false;
		break;
	}
	if (!kind_ok) {
		snprintf(why, wn, "%s %u does not fit %s port %s",
			cp_chan_kind_name(s->chan_kind), s->chan_id, sw_mode_name(p->mode),
			p->name);
		return -1;
	}
	if (!s->n_filters || s->n_filters > SW_PERSIST_FILTERS) {
		snprintf(why, wn, "%u filters", s->n_filters);
		return -1;
	}
	ch = cp_chan_get(pp, s->chan_kind, s->chan_id, now);
	if (!ch) {
		snprintf(why, wn, "port %s has no room for another VDP channel (max_channels)",
			p->name);
		return -1;
	}
	v.mode = VDP_TLV_ASSOC;
	v.status.hard_or_m = s->hint_m;
	v.status.keep_or_s = s->hint_s;
	v.type_id = s->type_id;
	v.type_version = s->type_version;
	v.vsiid_format = s->vsiid_format;
	memcpy(v.vsiid, s->vsiid, VDP_VSIID_LEN);
	v.fif = s->fif;
	v.n_filters = s->n_filters;
	/* The same id as before when it is free: operators and scripts keep
	 * naming the vEth they knew (ids of VDP vEths come from the automatic
	 * range, sw_veth_alloc_id). */
	if (s->veth >= SW_AUTO_ID_BASE && s->veth <= 0x7FFFFFFF && !sw_veth_by_id(sw, s->veth))
		sw->next_auto_id = s->veth;
	ch->refusal.valid = false;
	cp->now = now;
	rc = vdp_bridge_restore(ch->vdp, s->mgrid, &v, s->filters, s->n_filters, now);
	/* A vEth admit() made for a record that did not make it goes. */
	cp_vdp_reconcile(ch);
	if (sw->next_auto_id < next_auto)
		sw->next_auto_id = next_auto;
	cp->dirty = true;
	if (rc) {
		if (rc > 0 && ch->refusal.valid)
			snprintf(why, wn, "refused (status %d): %s", rc, ch->refusal.reason);
		else if (rc > 0)
			snprintf(why, wn, "refused (status %d, %s)", rc, vdp_error_name(rc));
		else if (rc == VN_ENOSPC)
			snprintf(why, wn, "the channel's VSI table is full");
		else
			snprintf(why, wn,
				"invalid record (a field out of range, group IDs not "
				"negotiated, or the VSI twice)");
		return -1;
	}
	rec = vdp_bridge_find(ch->vdp, s->mgrid, s->vsiid_format, s->vsiid);
	l = rec ? cp_vdp_link_of(ch, rec) : NULL;
	if (!l) {
		snprintf(why, wn, "no vEth after admission"); /* not reached */
		return -1;
	}
	*veth = l->veth;
	/* Supervise with the larger timers until the negotiation sets them. */
	o = cp_chan_oper(ch);
	if (vdp_bridge_keepalive_us(s->r, s->rte, s->rka) >
		vdp_bridge_keepalive_us(o->r, o->rte, o->rka))
		vdp_bridge_set_timers(ch->vdp, max_u8(o->r, s->r), max_u8(o->rte, s->rte),
			max_u8(o->rka, s->rka));
	return 0;
}

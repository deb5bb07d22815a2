/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cp_audit.c - the control plane's answers to the path audit (audit.h):
 * for a VDP vEth, its VSI's association and last keep-alive, where they
 * come from, the keep-alive window of that channel, and whether another
 * vEth is linked to the same VSI ID.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "switchd/audit.h"
#include "switchd/cp_internal.h"

/* Format and VSI ID as a 64-bit key (FNV-1a; collisions only merge two
 * IDs' counts, and the duplicate's partner is then checked by comparing
 * the IDs themselves). */
static uint64_t
vsi_key(uint8_t fmt, const uint8_t *vsiid)
{
	uint64_t h = 0xCBF29CE484222325ull ^ fmt;

	for (unsigned i = 0; i < VDP_VSIID_LEN; i++)
		h = (h ^ vsiid[i]) * 0x100000001B3ull;
	return h;
}

void
sw_cplane_audit_prepare(struct sw_cplane *cp)
{
	struct sw_htab *t = &cp->sw->audit.vsis;

	if (!t->ent)
		return;
	if (t->n) /* not the whole table every second when there is no VSI */
		sw_htab_clear(t);
	for (unsigned p = 0; p < cp->n_ports; p++)
		for (uint32_t c = 0; c < cp->ports[p].n_chans; c++) {
			const struct cp_chan *ch = cp->ports[p].chans[c];

			for (uint16_t i = 0; ch && i < ch->n_links; i++) {
				const struct cp_link *l = &ch->links[i];
				struct sw_htab_ent *e;

				if (!l->used)
					continue;
				e = sw_htab_find(t, vsi_key(l->fmt, l->vsiid), 0);
				if (e)
					e->aux++;
				else
					sw_htab_insert(t, vsi_key(l->fmt, l->vsiid), 0,
						(int32_t)l->veth, 1);
			}
		}
}

/* Another link with the same VSI ID than the one of vEth 'id'. */
static uint32_t
other_link(const struct sw_cplane *cp, const struct cp_link *me)
{
	for (unsigned p = 0; p < cp->n_ports; p++)
		for (uint32_t c = 0; c < cp->ports[p].n_chans; c++) {
			const struct cp_chan *ch = cp->ports[p].chans[c];

			for (uint16_t i = 0; ch && i < ch->n_links; i++) {
				const struct cp_link *l = &ch->links[i];

				if (l->used && l != me && l->fmt == me->fmt &&
					!memcmp(l->vsiid, me->vsiid, VDP_VSIID_LEN))
					return l->veth;
			}
		}
	return 0;
}

bool
sw_cplane_veth_vsi(struct sw_cplane *cp, uint32_t id, bool partner, struct sw_cp_vsi_info *out)
{
	const struct vdp_bridge_vsi *vsi;
	const struct lldp_evb_oper *o;
	const struct sw_htab_ent *e;
	struct cp_chan *ch;
	struct cp_link *l;
	char chan[32];

	memset(out, 0, sizeof(*out));
	if (!cp || !cp_vdp_find_veth(cp, id, &ch, &l))
		return false;
	vsi = vdp_bridge_find(ch->vdp, l->mgrid, l->fmt, l->vsiid);
	if (!vsi)
		return false;
	o = cp_chan_oper(ch);
	out->valid = true;
	out->assoc_us = vsi->created_us;
	out->refreshed_us = vsi->refreshed_us;
	out->n_refresh = vsi->n_refresh;
	out->ka_us = vdp_bridge_keepalive_us(o->r, o->rte, o->rka);
	cp_chan_describe(ch, chan, sizeof(chan));
	snprintf(out->where, sizeof(out->where), "%s %s", cp->sw->ports[ch->port->idx].name,
		chan);
	if (vdp_vsiid_format_text(l->fmt, l->vsiid, out->vsiid, sizeof(out->vsiid)) < 0)
		snprintf(out->vsiid, sizeof(out->vsiid), "(format %u)", l->fmt);
	e = cp->sw->audit.vsis.ent
		? sw_htab_find(&cp->sw->audit.vsis, vsi_key(l->fmt, l->vsiid), 0)
		: NULL;
	out->dup_count = e ? (uint32_t)e->aux : 1;
	if (partner && out->dup_count > 1)
		out->dup_veth = other_link(cp, l); /* a scan: only when asked */
	return true;
}

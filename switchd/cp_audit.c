/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cp_audit.c - the control plane's answers to the path audit (audit.h):
 * for a VDP vEth, its VSI's association and last keep-alive, where they
 * come from and the keep-alive window of that channel.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "switchd/audit.h"
#include "switchd/cp_internal.h"

bool
sw_cplane_veth_vsi(struct sw_cplane *cp, uint32_t id, struct sw_cp_vsi_info *out)
{
	const struct vdp_bridge_vsi *vsi;
	const struct lldp_evb_oper *o;
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
	return true;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cp_schan.c - S-channels on VEPA ports (802.1Qbg-2012 clause 42): the CDCP
 * bridge role and the channels it grants, each a sub-port of its VEPA port
 * with its own nearest-customer-bridge LLDP agent (inside its S-tag), EVB
 * negotiation (its own reflective relay and ECP/VDP timers) and ECP/VDP
 * channel (kind svid: VDP on it creates vEths bound to the channel).
 *
 * CDCP (protocols.md 5.5, 5.6).  A VEPA port with 'schannels' has a third
 * LLDP agent, nearest non-TPMR bridge (01-80-C2-00-00-03), which always
 * carries the bridge's CDCP TLV (role bridge, SComp, its ChnCap, the granted
 * pairs: (1,1) alone until a station asks).  The station's TLV (role
 * station) is taken from that agent's neighbours; which agent carries CDCP
 * is inferred, not verified (protocols.md 5.6), so a station TLV that
 * arrives on the nearest-bridge agent (01-80-C2-00-00-0E) is accepted too
 * when the non-TPMR agent has none, and the bridge then answers on that
 * agent as well.  (The nearest-customer-bridge address is relayed by
 * S-VLAN components, so CDCP is never taken from there.)  Whenever those
 * agents' neighbours change, the station's TLV goes through
 * cdcp_bridge_rx() (vepa/cdcp.h: stable S-VIDs from the port's pool), and
 * when it is gone (TTL expiry, shutdown, a restarted station, the agent
 * re-created) through cdcp_bridge_reset(): back to the default channel.
 * The active channels then become sub-ports: a channel the machine no
 * longer grants is removed at once -- its frames are dropped from then on
 * (unknown_channel), its VDP vEths are released with the reason, its
 * auto-created vEths deleted (configured vEths with its S-VID stay, and
 * work again when a channel has that S-VID); a newly granted channel gets
 * a datapath slot (sw_schan_set), an agent and an ECP/VDP channel.
 *
 * The default channel (SCID 1, S-VID 1) is the port itself: its agents,
 * its untagged ECP/VDP channel, its EVB (relay_active).  Frames S-tagged
 * with S-VID 1 are taken as untagged; the bridge sends the default
 * channel's frames untagged.
 *
 * Per channel EVB: as the port's (cplane.h), from the channel agent's
 * station EVB TLV: reflective relay on the channel = the port's
 * reflective_relay AND (no station TLV ? true : RRREQ); the channel's ECP
 * and VDP take its R, RTE, RKA and group IDs.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/cp_internal.h"
#include "vntag/eth.h"

/* The station's CDCP TLV among an agent's neighbours: the most recently
 * updated one with role station, or NULL. */
static const struct lldp_cdcp *
cp_cdcp_find_station(const struct lldp_agent_sm *a)
{
	const struct lldp_neighbor *best = NULL;

	for (size_t k = 0; a && k < lldp_agent_neighbor_count(a); k++) {
		const struct lldp_neighbor *nb = lldp_agent_neighbor(a, k);

		if (nb->has_cdcp && nb->cdcp.role == LLDP_CDCP_ROLE_STATION &&
			(!best || nb->last_update >= best->last_update))
			best = nb;
	}
	return best ? &best->cdcp : NULL;
}

static struct sw_port *
cp_sw_port(const struct cp_port *pp)
{
	return &pp->cp->sw->ports[pp->idx];
}

/* ---- one S-channel --------------------------------------------------------------- */

void
cp_schan_evb_update(struct cp_schan *s)
{
	struct cp_port *pp = s->port;
	struct sw_port *p = cp_sw_port(pp);
	const struct lldp_evb *st = s->agent.sm ? lldp_evb_find_station(s->agent.sm) : NULL;
	struct lldp_evb_local loc;
	struct lldp_evb tlv;
	struct lldp_evb_oper oper;

	cp_evb_local(pp, &loc);
	if (lldp_evb_negotiate(&loc, st, &tlv, &oper)) {
		/* Out of range local values (a hand-built configuration):
		 * lldpad's defaults, as for the port (cp_evb_update). */
		lldp_evb_local_init(&loc);
		loc.rrcap = p->reflective_relay;
		st = NULL;
		lldp_evb_negotiate(&loc, NULL, &tlv, &oper);
	}
	s->evb.local = loc;
	s->evb.tlv = tlv;
	s->evb.oper = oper;
	s->evb.has_station = st != NULL;
	if (st)
		s->evb.station = *st;
	if (s->agent.sm)
		lldp_agent_set_evb(s->agent.sm, &tlv, NULL); /* sent only on change */
	/* The datapath follows RRCTR once a station took part, the
	 * configuration before (as sw_port_update_relay for the port). */
	sw_schan_set(p, s->svid, s->slot, loc.rrcap && (!st || st->rrreq));
	if (s->chan && s->chan->ecp && s->chan->vdp) {
		ecp_sm_set_timers(s->chan->ecp, oper.r, oper.rte);
		vdp_bridge_set_timers(s->chan->vdp, oper.r, oper.rte, oper.rka);
		vdp_bridge_set_group_ids(s->chan->vdp, oper.group_ids);
	}
	pp->cp->dirty = true;
}

/* A granted channel becomes a sub-port.  NULL if the port has no slot,
 * channel or memory left (the channel then stays without a sub-port:
 * its frames are dropped as unknown_channel). */
static struct cp_schan *
cp_schan_add(struct cp_port *pp, uint16_t scid, uint16_t svid, uint64_t now)
{
	struct sw_port *p = cp_sw_port(pp);
	struct cp_schan *s;
	unsigned slot = 0;
	char err[128];

	for (unsigned k = 2; k < SW_SCHAN_SLOTS && !slot; k++)
		if (!pp->schans[k])
			slot = k;
	if (!slot || !(s = calloc(1, sizeof(*s))))
		return NULL;
	s->port = pp;
	s->scid = scid;
	s->svid = svid;
	s->slot = (uint8_t)slot;
	s->created_us = now;
	snprintf(s->port_id, sizeof(s->port_id), "%s.%u", p->name, svid);
	snprintf(s->port_desc, sizeof(s->port_desc),
		"S-channel SCID %u S-VID %u of vepa host port %s", scid, svid, p->name);
	/* The EVB values without a station first: the channel's ECP and VDP
	 * machines are created with them. */
	cp_evb_local(pp, &s->evb.local);
	if (lldp_evb_negotiate(&s->evb.local, NULL, &s->evb.tlv, &s->evb.oper)) {
		lldp_evb_local_init(&s->evb.local);
		lldp_evb_negotiate(&s->evb.local, NULL, &s->evb.tlv, &s->evb.oper);
	}
	if (cp_agent_make_on(&s->agent, pp, CP_NCB, s, err, sizeof(err))) {
		free(s);
		return NULL;
	}
	s->chan = cp_chan_for_schan(pp, s, now);
	if (!s->chan) {
		lldp_agent_destroy(s->agent.sm);
		free(s);
		return NULL;
	}
	pp->schans[slot] = s;
	cp_schan_evb_update(s); /* the agent's EVB TLV, the datapath slot */
	return s;
}

/* A channel goes: its frames are dropped from now on, its VSIs released
 * (their vEths deleted with 'why'), its auto-created vEths deleted. */
static void
cp_schan_remove(struct cp_schan *s, const char *why, uint64_t now)
{
	struct cp_port *pp = s->port;
	struct sw *sw = pp->cp->sw;
	struct cp_chan *ch = s->chan;

	sw_schan_clear(cp_sw_port(pp), s->svid);
	if (ch) {
		if (ch->vdp) {
			ch->release_why = why;
			vdp_bridge_release_all(
				ch->vdp, VDP_BRIDGE_REASON_PORT_DOWN, false, now);
			ch->release_why = NULL;
			cp_vdp_reconcile(ch);
		}
		if (ch->ecp)
			ecp_sm_reset(ch->ecp, ch->initial_seq);
		ch->schan = NULL; /* inactive until an S-channel reuses it */
	}
	/* vEths learnt on the channel come back with traffic on the next
	 * one; configured vEths are configuration and stay. */
	for (size_t slot = 0; slot < sw->slots_hwm; slot++) {
		const struct sw_veth *v = &sw->veths[slot];

		if (v->used && v->port == pp->idx && v->kind == SW_BIND_MAC &&
			v->svid == s->svid && v->origin == SW_ORIGIN_AUTO)
			sw_veth_remove(sw, v->id, now, why);
	}
	lldp_agent_destroy(s->agent.sm);
	pp->schans[s->slot] = NULL;
	free(s);
	pp->cp->dirty = true;
}

static void
cp_schan_remove_all(struct cp_port *pp, const char *what, uint64_t now)
{
	for (unsigned k = 2; k < SW_SCHAN_SLOTS; k++) {
		struct cp_schan *s = pp->schans[k];
		char why[96];

		if (!s)
			continue;
		snprintf(why, sizeof(why), "S-channel %u (S-VID %u) removed: %s", s->scid,
			s->svid, what);
		cp_schan_remove(s, why, now);
	}
}

/* ---- CDCP -------------------------------------------------------------------------- */

/* Make the sub-ports the machine's active channels, and advertise its TLV. */
static void
cp_schan_sync(struct cp_port *pp, const char *why_gone)
{
	uint64_t now = pp->cp->now;
	struct cdcp_chan act[SW_SCHAN_MAX];
	size_t n = cdcp_bridge_channels(pp->cdcp, act, SW_SCHAN_MAX);
	bool changed = false;

	for (unsigned k = 2; k < SW_SCHAN_SLOTS; k++) {
		struct cp_schan *s = pp->schans[k];
		bool keep = false;
		char why[96];

		for (size_t i = 1; s && i < n && !keep; i++)
			keep = act[i].scid == s->scid && act[i].svid == s->svid;
		if (!s || keep)
			continue;
		snprintf(why, sizeof(why), "S-channel %u (S-VID %u) removed: %s", s->scid,
			s->svid,
			!pp->cdcp_has_station ? (why_gone ? why_gone : "the station is gone")
					      : "the station no longer asks for it");
		cp_schan_remove(s, why, now);
		changed = true;
	}
	for (size_t i = 1; i < n; i++) {
		bool have = false;

		for (unsigned k = 2; k < SW_SCHAN_SLOTS && !have; k++)
			have = pp->schans[k] && pp->schans[k]->scid == act[i].scid;
		if (!have) {
			cp_schan_add(pp, act[i].scid, act[i].svid, now);
			changed = true;
		}
	}
	cdcp_bridge_tlv(pp->cdcp, &pp->cdcp_tlv);
	if (pp->agents[CP_NTPMR].sm)
		lldp_agent_set_cdcp(pp->agents[CP_NTPMR].sm, &pp->cdcp_tlv, NULL);
	/* The nearest-bridge agent answers only a station that asked there. */
	if (pp->agents[CP_NB].sm)
		lldp_agent_set_cdcp(pp->agents[CP_NB].sm,
			pp->cdcp_has_station && pp->cdcp_from == CP_NB ? &pp->cdcp_tlv : NULL,
			NULL);
	if (changed)
		pp->cdcp_changed_us = now;
	pp->cp->dirty = true;
}

static bool
cp_cdcp_same(const struct lldp_cdcp *a, const struct lldp_cdcp *b)
{
	return a->role == b->role && a->scomp == b->scomp && a->chncap == b->chncap &&
		a->n_chan == b->n_chan &&
		!memcmp(a->chan, b->chan, a->n_chan * sizeof(a->chan[0]));
}

void
cp_cdcp_update(struct cp_port *pp, const char *why_gone)
{
	const struct lldp_cdcp *st;
	uint8_t from = CP_NTPMR;

	if (!pp->cdcp)
		return;
	st = cp_cdcp_find_station(pp->agents[CP_NTPMR].sm);
	if (!st && (st = cp_cdcp_find_station(pp->agents[CP_NB].sm)))
		from = CP_NB;
	if (st) {
		/* The machine again only for a TLV it has not seen (the agents
		 * call back for any change of the station's LLDPDU).  A copy:
		 * the neighbour entry may go before the next update. */
		if (!pp->cdcp_has_station || !cp_cdcp_same(st, &pp->cdcp_station))
			cdcp_bridge_rx(pp->cdcp, st);
		pp->cdcp_station = *st;
		pp->cdcp_has_station = true;
		pp->cdcp_from = from;
	} else if (pp->cdcp_has_station) {
		pp->cdcp_has_station = false;
		cdcp_bridge_reset(pp->cdcp);
		pp->cdcp_resets++;
	}
	cp_schan_sync(pp, why_gone);
}

/* ---- the port ------------------------------------------------------------------------ */

int
cp_schan_port_init(struct cp_port *pp, char *err, size_t errlen)
{
	const struct sw_port *p = cp_sw_port(pp);

	if (!pp->host || p->mode != SW_MODE_VEPA || !p->schan_on)
		return 0;
	pp->cdcp_cfg.chncap = p->chncap;
	pp->cdcp_cfg.svid_min = p->svid_min;
	pp->cdcp_cfg.svid_max = p->svid_max;
	pp->cdcp = cdcp_bridge_create(&pp->cdcp_cfg);
	if (!pp->cdcp) {
		snprintf(err, errlen,
			"port %s: cannot create its CDCP machine (chncap %u, pool %u..%u)",
			p->name, p->chncap, p->svid_min, p->svid_max);
		return -1;
	}
	if (cp_agent_make_on(&pp->agents[CP_NTPMR], pp, CP_NTPMR, NULL, err, errlen))
		return -1;
	cp_schan_sync(pp, NULL); /* the TLV: the default channel alone */
	return 0;
}

void
cp_schan_port_free(struct cp_port *pp)
{
	/* Destroy sends nothing and deletes no vEth (the switch goes too):
	 * only the datapath's channels are forgotten. */
	for (unsigned k = 2; k < SW_SCHAN_SLOTS; k++) {
		struct cp_schan *s = pp->schans[k];

		if (!s)
			continue;
		if (pp->cp->sw)
			sw_schan_clear(cp_sw_port(pp), s->svid);
		if (s->chan)
			s->chan->schan = NULL;
		lldp_agent_destroy(s->agent.sm);
		free(s);
		pp->schans[k] = NULL;
	}
	cdcp_bridge_destroy(pp->cdcp);
	pp->cdcp = NULL;
}

void
cp_schan_port_changed(struct cp_port *pp)
{
	struct sw_port *p = cp_sw_port(pp);
	uint64_t now = pp->cp->now;
	bool want = pp->host && p->mode == SW_MODE_VEPA && p->schan_on;
	char err[128];

	if (pp->cdcp &&
		(!want || pp->cdcp_cfg.chncap != p->chncap ||
			pp->cdcp_cfg.svid_min != p->svid_min ||
			pp->cdcp_cfg.svid_max != p->svid_max)) {
		/* Off, or another ChnCap / pool: every granted channel goes;
		 * a new machine grants again from the station's TLV. */
		cp_schan_remove_all(pp,
			want ? "the S-channel configuration changed" : "S-channels turned off",
			now);
		cdcp_bridge_destroy(pp->cdcp);
		pp->cdcp = NULL;
		if (!want) {
			struct lldp_agent_sm *a = pp->agents[CP_NTPMR].sm;

			/* The station learns the bridge's CDCP is gone. */
			if (a && !lldp_agent_is_shut(a) && lldp_agent_stats(a)->tx_frames)
				lldp_agent_shutdown(a, now);
			lldp_agent_destroy(a);
			pp->agents[CP_NTPMR].sm = NULL;
			if (pp->agents[CP_NB].sm)
				lldp_agent_set_cdcp(pp->agents[CP_NB].sm, NULL, NULL);
			pp->cdcp_has_station = false;
			memset(&pp->cdcp_tlv, 0, sizeof(pp->cdcp_tlv));
			return;
		}
		pp->cdcp_cfg.chncap = p->chncap;
		pp->cdcp_cfg.svid_min = p->svid_min;
		pp->cdcp_cfg.svid_max = p->svid_max;
		pp->cdcp = cdcp_bridge_create(&pp->cdcp_cfg);
		pp->cdcp_has_station = false;
		if (!pp->cdcp)
			return; /* out of memory: no S-channels (shown as off) */
	}
	if (!want)
		return;
	if (!pp->cdcp) {
		/* Turned on by a reload. */
		if (cp_schan_port_init(pp, err, sizeof(err)))
			return;
	} else if (cp_agent_stale(&pp->agents[CP_NTPMR])) {
		cp_agent_make_on(&pp->agents[CP_NTPMR], pp, CP_NTPMR, NULL, err, sizeof(err));
	}
	for (unsigned k = 2; k < SW_SCHAN_SLOTS; k++) {
		struct cp_schan *s = pp->schans[k];

		if (!s)
			continue;
		if (cp_agent_stale(&s->agent))
			cp_agent_make_on(&s->agent, pp, CP_NCB, s, err, sizeof(err));
		cp_schan_evb_update(s); /* reflective_relay, switch.evb */
	}
	/* Re-created agents lost their neighbours, the station's TLV with
	 * them: grant again from what is there now. */
	cp_cdcp_update(pp, "the LLDP agent was re-configured");
}

/* ---- frames and timers --------------------------------------------------------------- */

bool
cp_schan_rx(struct cp_port *pp, uint16_t svid, const struct vn_eth *eth, const uint8_t *frame,
	size_t len, uint64_t now)
{
	struct cp_schan *s = pp->schans[sw_schan_slot(cp_sw_port(pp), svid)];
	struct cp_chan *ch;

	/* Slot 1 (the default channel) is the port's and has no entry. */
	if (!s || s->svid != svid || eth->n_tags || eth->is_8023)
		return false;
	if (eth->type == VN_ETH_LLDP) {
		enum lldp_rx_result r;

		/* Inside an S-channel only the customer-bridge agent runs. */
		if (!s->agent.sm || lldp_mac_agent(eth->dst) != LLDP_AGENT_NEAREST_CUSTOMER)
			return false;
		r = lldp_agent_rx(s->agent.sm, frame, len, now);
		pp->cp->dirty = true;
		return r != LLDP_RX_DISABLED && r != LLDP_RX_NOT_MINE;
	}
	if (eth->type != VN_ETH_ECP || !(ch = s->chan) || !ch->ecp)
		return false;
	ch->rx_frames++;
	ch->admitted = false;
	ecp_sm_rx(ch->ecp, frame, len, now);
	if (ch->admitted)
		cp_vdp_reconcile(ch);
	pp->cp->dirty = true;
	return true;
}

void
cp_schan_shutdown(struct cp_port *pp, uint64_t now)
{
	for (unsigned k = 2; k < SW_SCHAN_SLOTS; k++) {
		struct lldp_agent_sm *a = pp->schans[k] ? pp->schans[k]->agent.sm : NULL;

		if (a && !lldp_agent_is_shut(a) && lldp_agent_stats(a)->tx_frames)
			lldp_agent_shutdown(a, now);
	}
}

uint64_t
cp_schan_next_deadline(const struct cp_port *pp)
{
	uint64_t next = UINT64_MAX, t;

	for (unsigned k = 2; pp->cdcp && k < SW_SCHAN_SLOTS; k++)
		if (pp->schans[k] && pp->schans[k]->agent.sm &&
			(t = lldp_agent_next_deadline(pp->schans[k]->agent.sm)) < next)
			next = t;
	return next;
}

void
cp_schan_run(struct cp_port *pp, uint64_t now)
{
	for (unsigned k = 2; pp->cdcp && k < SW_SCHAN_SLOTS; k++) {
		struct lldp_agent_sm *a = pp->schans[k] ? pp->schans[k]->agent.sm : NULL;

		/* A channel agent's callbacks change its own EVB only: the
		 * S-channels stay as they are during the loop. */
		if (a && lldp_agent_next_deadline(a) <= now)
			lldp_agent_tick(a, now);
	}
}

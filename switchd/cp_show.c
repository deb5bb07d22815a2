/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cp_show.c - the control plane through the one writer: vnctl show lldp
 * neighbors / lldp statistics / evb / ecp / vdp, the VDP part of show veths,
 * and state.json's "control" object.  Read-only.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "switchd/cp_internal.h"
#include "vntag/eth.h"

static const char *
cp_agent_name(unsigned which)
{
	return which == CP_NCB      ? "nearest_customer_bridge"
		: which == CP_NTPMR ? "nearest_nontpmr_bridge"
				    : "nearest_bridge";
}

/* A chassis or port ID as text: a MAC for the MAC subtypes, the string for
 * printable IDs, hex otherwise. */
static void
cp_w_id(struct sw_writer *w, const char *tag, const char *label, const struct lldp_id *id,
	bool chassis)
{
	bool mac = id->len == VN_ETH_ALEN &&
		id->subtype == (chassis ? LLDP_CHASSIS_MAC : LLDP_PORT_MAC);
	bool text = id->len > 0;
	char buf[LLDP_ID_MAX + 1];

	if (mac) {
		vn_eth_format_mac(id->id, buf);
		sw_w_str(w, tag, label, buf);
		return;
	}
	for (unsigned i = 0; i < id->len; i++)
		text &= id->id[i] >= 0x20 && id->id[i] < 0x7F;
	if (!text) {
		sw_w_hex(w, tag, label, id->id, id->len);
		return;
	}
	memcpy(buf, id->id, id->len);
	buf[id->len] = '\0';
	sw_w_str(w, tag, label, buf);
}

static void
cp_w_lstr(struct sw_writer *w, const char *tag, const char *label, bool has,
	const struct lldp_str *s)
{
	char buf[LLDP_STR_MAX + 1];
	unsigned n = 0;

	/* Non-printable bytes become '.': the text must stay valid UTF-8. */
	for (unsigned i = 0; has && i < s->len; i++)
		buf[n++] = s->str[i] >= 0x20 && s->str[i] < 0x7F ? s->str[i] : '.';
	buf[n] = '\0';
	sw_w_str(w, tag, label, buf);
}

static void
cp_w_evb(struct sw_writer *w, const char *tag, const char *label, const struct lldp_evb *e)
{
	sw_w_obj_start(w, tag, label);
	sw_w_bool(w, "bgid", "BGID", e->bgid);
	sw_w_bool(w, "rrcap", "RRCAP", e->rrcap);
	sw_w_bool(w, "rrctr", "RRCTR", e->rrctr);
	sw_w_bool(w, "sgid", "SGID", e->sgid);
	sw_w_bool(w, "rrreq", "RRREQ", e->rrreq);
	sw_w_uint(w, "rrstat", "RRSTAT", e->rrstat);
	sw_w_uint(w, "r", "R (ECP retries)", e->r);
	sw_w_uint(w, "rte", "RTE", e->rte);
	sw_w_str(w, "mode", "Mode",
		e->mode == LLDP_EVB_MODE_BRIDGE            ? "bridge"
			: e->mode == LLDP_EVB_MODE_STATION ? "station"
							   : "none");
	sw_w_bool(w, "rwd_rol", "RWD remote", e->rwd_rol);
	sw_w_uint(w, "rwd", "RWD", e->rwd);
	sw_w_bool(w, "rka_rol", "RKA remote", e->rka_rol);
	sw_w_uint(w, "rka", "RKA", e->rka);
	sw_w_obj_end(w);
}

/* ---- LLDP ------------------------------------------------------------------------ */

/* A port's S-channels by S-VID (show order). */
static size_t
cp_sorted_schans(const struct cp_port *pp, const struct cp_schan **out)
{
	size_t n = 0;

	for (unsigned k = 2; k < SW_SCHAN_SLOTS; k++) {
		const struct cp_schan *s = pp->schans[k];
		size_t j;

		if (!s)
			continue;
		for (j = n++; j > 0 && out[j - 1]->svid > s->svid; j--)
			out[j] = out[j - 1];
		out[j] = s;
	}
	return n;
}

/* The neighbours of one agent; svid 0 for the port's own agents, else the
 * S-channel's. */
static void
cp_w_neighbors_of(struct sw_writer *w, const char *port, unsigned which, uint16_t svid,
	const struct lldp_agent_sm *sm, uint64_t now)
{
	for (size_t k = 0; sm && k < lldp_agent_neighbor_count(sm); k++) {
		const struct lldp_neighbor *nb = lldp_agent_neighbor(sm, k);
		char m[18];

		sw_w_obj_start(w, NULL, NULL);
		sw_w_str(w, "port", "Port", port);
		sw_w_str(w, "agent", "Agent", cp_agent_name(which));
		sw_w_uint(w, "svid", "S-channel (S-VID; 0 the port)", svid);
		vn_eth_format_mac(nb->src_mac, m);
		sw_w_str(w, "src_mac", "Source MAC", m);
		sw_w_uint(w, "chassis_id_subtype", "Chassis ID subtype", nb->chassis.subtype);
		cp_w_id(w, "chassis_id", "Chassis ID", &nb->chassis, true);
		sw_w_uint(w, "port_id_subtype", "Port ID subtype", nb->port.subtype);
		cp_w_id(w, "port_id", "Port ID", &nb->port, false);
		sw_w_uint(w, "ttl", "TTL (s)", nb->ttl);
		sw_w_uint(w, "expires_in_s", "Expires in (s)",
			nb->expires > now ? (nb->expires - now + 999999) / 1000000 : 0);
		cp_w_lstr(w, "port_description", "Port description", nb->has_port_desc,
			&nb->port_desc);
		cp_w_lstr(w, "system_name", "System name", nb->has_sys_name, &nb->sys_name);
		cp_w_lstr(w, "system_description", "System description", nb->has_sys_desc,
			&nb->sys_desc);
		sw_w_uint(w, "capabilities", "Capabilities",
			nb->has_sys_cap ? nb->sys_cap.cap : 0);
		sw_w_uint(w, "capabilities_enabled", "Capabilities enabled",
			nb->has_sys_cap ? nb->sys_cap.enabled : 0);
		sw_w_bool(w, "has_evb", "EVB TLV", nb->has_evb);
		if (nb->has_evb)
			cp_w_evb(w, "evb", "EVB", &nb->evb);
		sw_w_bool(w, "has_cdcp", "CDCP TLV", nb->has_cdcp);
		sw_w_uint(w, "tlvs_unrecognized", "Unrecognized TLVs", nb->tlvs_unrecognized);
		sw_w_uint(w, "rx_frames", "LLDPDUs", nb->rx_frames);
		sw_w_uint(w, "first_seen_us", "First seen (us)", nb->first_seen);
		sw_w_uint(w, "last_update_us", "Last update (us)", nb->last_update);
		sw_w_obj_end(w);
	}
}

void
sw_cplane_show_lldp_neighbors(struct sw_writer *w, struct sw_cplane *cp, uint64_t now)
{
	sw_w_list_start(w, "neighbors", "LLDP neighbors");
	for (unsigned i = 0; i < cp->n_ports; i++) {
		const struct cp_port *pp = &cp->ports[i];
		const struct cp_schan *sc[SW_SCHAN_MAX];
		size_t n = cp_sorted_schans(pp, sc);

		for (unsigned a = 0; a < CP_N_AGENTS; a++)
			cp_w_neighbors_of(
				w, cp->sw->ports[i].name, a, 0, pp->agents[a].sm, now);
		for (size_t k = 0; k < n; k++)
			cp_w_neighbors_of(w, cp->sw->ports[i].name, CP_NCB, sc[k]->svid,
				sc[k]->agent.sm, now);
	}
	sw_w_list_end(w);
}

static void
cp_w_agent_stats(
	struct sw_writer *w, const char *port, uint16_t svid, const struct cp_agent *ag)
{
	static const struct lldp_agent_stats zero;
	const struct lldp_agent_stats *st = ag->sm ? lldp_agent_stats(ag->sm) : &zero;

	sw_w_obj_start(w, NULL, NULL);
	sw_w_str(w, "port", "Port", port);
	sw_w_str(w, "agent", "Agent", cp_agent_name(ag->which));
	sw_w_uint(w, "svid", "S-channel (S-VID; 0 the port)", svid);
	sw_w_str(w, "admin", "Admin", sw_lldp_admin_name(ag->admin));
	sw_w_uint(w, "tx_interval", "Transmit interval (s)", ag->tx_interval);
	sw_w_uint(w, "ttl", "TTL sent (s)", ag->sm ? lldp_agent_ttl(ag->sm) : 0);
	sw_w_uint(w, "neighbors", "Neighbors", ag->sm ? lldp_agent_neighbor_count(ag->sm) : 0);
	sw_w_uint(w, "tx_frames", "Sent", st->tx_frames);
	sw_w_uint(w, "tx_errors", "Send errors", st->tx_errors);
	sw_w_uint(w, "rx_frames", "Received", st->rx_frames);
	sw_w_uint(w, "rx_discarded", "Discarded", st->rx_discarded);
	sw_w_uint(w, "rx_tlvs_unrecognized", "Unrecognized TLVs", st->rx_tlvs_unrecognized);
	sw_w_uint(w, "rx_tlvs_discarded", "Discarded TLVs", st->rx_tlvs_discarded);
	sw_w_uint(w, "ageouts", "Ageouts", st->ageouts);
	sw_w_uint(w, "inserts", "Inserts", st->inserts);
	sw_w_uint(w, "deletes", "Deletes", st->deletes);
	sw_w_uint(w, "drops", "Drops (table full)", st->drops);
	sw_w_obj_end(w);
}

void
sw_cplane_show_lldp_stats(struct sw_writer *w, struct sw_cplane *cp)
{
	sw_w_list_start(w, "lldp", "LLDP agents");
	for (unsigned i = 0; i < cp->n_ports; i++) {
		const struct cp_port *pp = &cp->ports[i];
		const struct cp_schan *sc[SW_SCHAN_MAX];
		size_t n = cp_sorted_schans(pp, sc);

		for (unsigned a = 0; a < CP_N_AGENTS; a++) {
			struct cp_agent ag = pp->agents[a];

			if (!cp_port_has_agent(pp, a))
				continue;
			ag.which = (uint8_t)a; /* set even if creation failed */
			cp_w_agent_stats(w, cp->sw->ports[i].name, 0, &ag);
		}
		for (size_t k = 0; k < n; k++)
			cp_w_agent_stats(w, cp->sw->ports[i].name, sc[k]->svid, &sc[k]->agent);
	}
	sw_w_list_end(w);
}

/* ---- EVB ------------------------------------------------------------------------ */

void
sw_cplane_show_evb(struct sw_writer *w, struct sw_cplane *cp)
{
	sw_w_list_start(w, "evb", "EVB");
	for (unsigned i = 0; i < cp->n_ports; i++) {
		const struct cp_port *pp = &cp->ports[i];
		const struct sw_port *p = &cp->sw->ports[i];
		const struct lldp_evb_local *l = &pp->evb_local;
		const struct lldp_evb_oper *o = &pp->oper;
		static const struct lldp_evb none;

		if (!pp->host)
			continue;
		sw_w_obj_start(w, NULL, NULL);
		sw_w_str(w, "port", "Port", p->name);
		sw_w_str(w, "mode", "Mode", sw_mode_name(p->mode));
		sw_w_str(w, "lldp", "LLDP", sw_lldp_admin_name(pp->agents[CP_NCB].admin));
		sw_w_obj_start(w, "local", "Configured");
		sw_w_bool(w, "bgid", "BGID", l->bgid);
		sw_w_bool(w, "rrcap", "RRCAP", l->rrcap);
		sw_w_uint(w, "r", "R", l->r);
		sw_w_uint(w, "rte", "RTE", l->rte);
		sw_w_uint(w, "rwd", "RWD", l->rwd);
		sw_w_uint(w, "rka", "RKA", l->rka);
		sw_w_obj_end(w);
		cp_w_evb(w, "tlv", "TLV sent", &pp->evb_tlv);
		sw_w_bool(w, "station_present", "Station TLV", pp->has_station);
		cp_w_evb(w, "station", "Station TLV", pp->has_station ? &pp->station : &none);
		sw_w_obj_start(w, "oper", "Operational");
		sw_w_bool(
			w, "reflective_relay", "Reflective relay (RRCTR)", o->reflective_relay);
		sw_w_bool(
			w, "relay_active", "Reflective relay in the datapath", p->relay_active);
		sw_w_bool(w, "group_ids", "Group IDs", o->group_ids);
		sw_w_uint(w, "r", "R", o->r);
		sw_w_uint(w, "rte", "RTE", o->rte);
		sw_w_uint(w, "rwd", "RWD", o->rwd);
		sw_w_uint(w, "rka", "RKA", o->rka);
		sw_w_bool(w, "rwd_remote", "RWD from the station", o->rwd_remote);
		sw_w_bool(w, "rka_remote", "RKA from the station", o->rka_remote);
		sw_w_uint(w, "ecp_ack_us", "ECP ACK timer (us)", o->ecp_ack_us);
		sw_w_uint(w, "vdp_resource_wait_us", "VDP resource wait (us)",
			o->vdp_resource_wait_us);
		sw_w_uint(w, "vdp_keepalive_us", "VDP keep-alive (us)", o->vdp_keepalive_us);
		sw_w_uint(w, "vdp_keepalive_timeout_us", "VDP keep-alive supervision (us)",
			o->vdp_keepalive_timeout_us);
		sw_w_obj_end(w);
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
}

/* ---- ECP ------------------------------------------------------------------------ */

static void
cp_w_chan_id(struct sw_writer *w, const struct cp_chan *ch)
{
	sw_w_str(w, "port", "Port", ch->port->cp->sw->ports[ch->port->idx].name);
	sw_w_str(w, "channel", "Channel", cp_chan_kind_name(ch->kind));
	sw_w_uint(w, "channel_id", "Channel id", ch->id);
}

/* Channels of a port, untagged first then by kind and number. */
static size_t
cp_sorted_chans(const struct cp_port *pp, const struct cp_chan **out)
{
	size_t n = 0;

	for (uint32_t i = 0; i < pp->n_chans; i++) {
		const struct cp_chan *c = pp->chans[i];
		size_t j;

		if (c->kind == CP_CHAN_SVID && !c->schan)
			continue; /* no S-channel has it now */
		j = n++;

		for (; j > 0 &&
			(out[j - 1]->kind > c->kind ||
				(out[j - 1]->kind == c->kind && out[j - 1]->id > c->id));
			j--)
			out[j] = out[j - 1];
		out[j] = c;
	}
	return n;
}

/* Channels that handle frames (an S-channel's only while it exists). */
static uint32_t
cp_active_chans(const struct cp_port *pp)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < pp->n_chans; i++)
		n += pp->chans[i]->kind != CP_CHAN_SVID || pp->chans[i]->schan;
	return n;
}

/* Call fn for every channel: ports in order, each port's channels sorted. */
static void
cp_each_chan(struct sw_cplane *cp, struct sw_writer *w,
	void (*fn)(struct sw_writer *w, const struct cp_chan *ch))
{
	for (unsigned i = 0; i < cp->n_ports; i++) {
		const struct cp_port *pp = &cp->ports[i];
		const struct cp_chan *sorted[SW_CEIL_CHANNELS];
		size_t n = cp_sorted_chans(pp, sorted);

		for (size_t k = 0; k < n; k++)
			fn(w, sorted[k]);
	}
}

static void
cp_w_ecp_chan(struct sw_writer *w, const struct cp_chan *ch)
{
	const struct ecp_sm_stats *st = ecp_sm_stats(ch->ecp);
	struct ecp_sm_info in;

	ecp_sm_get_info(ch->ecp, &in);
	sw_w_obj_start(w, NULL, NULL);
	cp_w_chan_id(w, ch);
	sw_w_uint(w, "initial_seq", "Initial sequence number", ch->initial_seq);
	sw_w_bool(w, "outstanding", "Request outstanding", in.outstanding);
	sw_w_uint(w, "tx_seq", "Outstanding sequence number", in.outstanding ? in.tx_seq : 0);
	sw_w_uint(w, "next_seq", "Next sequence number", in.next_seq);
	sw_w_uint(w, "retries", "Retransmissions of it", in.retries);
	sw_w_uint(w, "queued", "Queued", in.queued);
	sw_w_bool(w, "rx_seen", "Request received", in.rx_seen);
	sw_w_uint(w, "rx_last_seq", "Last received sequence number",
		in.rx_seen ? in.rx_last_seq : 0);
	sw_w_uint(w, "r", "R", in.max_retries);
	sw_w_uint(w, "rte", "RTE", in.rte);
	sw_w_uint(w, "ack_timeout_us", "ACK timer (us)", in.ack_timeout_us);
	sw_w_uint(w, "created_us", "Created (us)", ch->created_us);
	sw_w_uint(w, "rx_frames", "Frames received", ch->rx_frames);
	sw_w_uint(w, "tx_frames", "Frames sent", ch->tx_frames);
	sw_w_uint(w, "tx_errors", "Frames not sent", ch->tx_errors);
	sw_w_obj_start(w, "stats", "Statistics");
	sw_w_uint(w, "tx_requests", "Requests sent", st->tx_requests);
	sw_w_uint(w, "tx_retransmissions", "Retransmissions", st->tx_retransmissions);
	sw_w_uint(w, "tx_acks", "ACKs sent", st->tx_acks);
	sw_w_uint(w, "tx_completed", "Requests acknowledged", st->tx_completed);
	sw_w_uint(w, "tx_errors", "Requests given up", st->tx_errors);
	sw_w_uint(w, "ack_timeouts", "ACK timeouts", st->ack_timeouts);
	sw_w_uint(w, "tx_failures", "Send failures", st->tx_failures);
	sw_w_uint(w, "queue_overflows", "Queue overflows", st->queue_overflows);
	sw_w_uint(w, "rx_requests", "Requests received", st->rx_requests);
	sw_w_uint(w, "rx_duplicates", "Duplicates", st->rx_duplicates);
	sw_w_uint(w, "rx_acks", "ACKs received", st->rx_acks);
	sw_w_uint(w, "rx_acks_ignored", "ACKs ignored", st->rx_acks_ignored);
	sw_w_uint(w, "rx_malformed", "Malformed", st->rx_malformed);
	sw_w_str(w, "last_malformed", "Last malformed",
		st->last_malformed ? st->last_malformed : "");
	sw_w_obj_end(w);
	sw_w_obj_end(w);
}

void
sw_cplane_show_ecp(struct sw_writer *w, struct sw_cplane *cp)
{
	sw_w_obj_start(w, "ecp", "ECP");
	sw_w_list_start(w, "ports", "Ports");
	for (unsigned i = 0; i < cp->n_ports; i++) {
		const struct cp_port *pp = &cp->ports[i];

		if (!pp->host)
			continue;
		sw_w_obj_start(w, NULL, NULL);
		sw_w_str(w, "port", "Port", cp->sw->ports[i].name);
		sw_w_uint(w, "channels", "Channels", cp_active_chans(pp));
		sw_w_uint(w, "max_channels", "Max channels", cp->sw->ports[i].max_channels);
		sw_w_uint(w, "channels_refused", "Frames for a channel over the limit",
			pp->chans_refused);
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
	sw_w_list_start(w, "channels", "Channels");
	cp_each_chan(cp, w, cp_w_ecp_chan);
	sw_w_list_end(w);
	sw_w_obj_end(w);
}

/* ---- VDP ------------------------------------------------------------------------ */

static void
cp_w_vsiid(struct sw_writer *w, uint8_t fmt, const uint8_t *vsiid)
{
	char t[VDP_VSIID_TEXT_MAX];

	sw_w_str(w, "vsiid_format", "VSI ID format", vdp_vsiid_format_name(fmt));
	if (vdp_vsiid_format_text(fmt, vsiid, t, sizeof(t)) < 0)
		sw_w_hex(w, "vsiid", "VSI ID", vsiid, VDP_VSIID_LEN);
	else
		sw_w_str(w, "vsiid", "VSI ID", t);
}

/* What a VSI pre-associated with RR holds for its ASSOCIATE (cplane.h,
 * "Resource reservation"): the same keys for every VSI, held or not. */
static void
cp_w_rsv(struct sw_writer *w, const struct cp_chan *ch, const struct cp_link *r)
{
	const struct sw *sw = ch->port->cp->sw;

	sw_w_obj_start(w, "reservation", "Reservation");
	sw_w_bool(w, "held", "Held", r != NULL);
	sw_w_str(w, "port", "vEth on port", r ? sw->ports[ch->port->idx].name : "");
	sw_w_uint(w, "vlan", "VLAN", r ? r->rsv_vlan : 0);
	sw_w_str(w, "profile", "Profile",
		r && r->rsv_profile >= 0 && (size_t)r->rsv_profile < sw->n_profiles
			? sw->profiles[r->rsv_profile].name
			: "");
	sw_w_list_start(w, "macs", "MACs");
	for (uint8_t i = 0; r && i < r->rsv_n_macs; i++) {
		char m[18];

		vn_eth_format_mac(r->rsv_macs[i], m);
		sw_w_str(w, NULL, NULL, m);
	}
	sw_w_list_end(w);
	sw_w_obj_end(w);
}

static void
cp_w_vsi(struct sw_writer *w, const struct cp_chan *ch, const struct vdp_bridge_vsi *v)
{
	const struct cp_link *l = cp_vdp_link_of((struct cp_chan *)ch, v);

	cp_w_vsiid(w, v->vsiid_format, v->vsiid);
	sw_w_hex(w, "mgrid", "Manager ID", v->mgrid, VDP_MGRID_LEN);
	sw_w_uint(w, "type_id", "VSI type", v->type_id);
	sw_w_uint(w, "type_version", "VSI type version", v->type_version);
	sw_w_str(w, "state", "State", vdp_tlv_type_name(v->state));
	sw_w_str(w, "mode", "Last request", vdp_tlv_type_name(v->mode));
	sw_w_str(w, "fif", "Filter format", vdp_fif_name(v->fif));
	sw_w_list_start(w, "filters", "Filters (granted)");
	for (uint16_t i = 0; i < v->n_filters; i++) {
		const struct vdp_filter *f = &v->filters[i];
		char m[18];

		sw_w_obj_start(w, NULL, NULL);
		sw_w_uint(w, "vid", "VID", f->vid);
		sw_w_uint(w, "requested_vid", "VID requested", v->req_filters[i].vid);
		sw_w_bool(w, "ps", "PCP significant", f->ps);
		sw_w_uint(w, "pcp", "PCP", f->pcp);
		vn_eth_format_mac(f->mac, m);
		sw_w_str(w, "mac", "MAC", m);
		sw_w_uint(w, "group_id", "Group ID", f->group_id);
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
	sw_w_bool(w, "hint_m", "Migrate-to hint (M)", v->hint_m);
	sw_w_bool(w, "hint_s", "Suspend / migrate-from hint (S)", v->hint_s);
	sw_w_uint(w, "last_status", "Last status octet", v->last_status);
	sw_w_str(w, "last_error", "Last status",
		vdp_error_name(v->last_status & VDP_STATUS_ERROR));
	sw_w_str(w, "last_reason", "Last reason", v->last_reason ? v->last_reason : "");
	sw_w_uint(w, "created_us", "Created (us)", v->created_us);
	sw_w_uint(w, "refreshed_us", "Last request (us)", v->refreshed_us);
	sw_w_uint(w, "keepalives", "Keep-alives", v->n_refresh);
	sw_w_uint(w, "keepalive_timeout_us", "Keep-alive supervision (us)",
		vdp_bridge_vsi_deadline(ch->vdp, v) - v->refreshed_us);
	sw_w_uint(w, "expires_us", "Expires (us)", vdp_bridge_vsi_deadline(ch->vdp, v));
	sw_w_uint(w, "veth", "vEth", l ? l->veth : 0);
	cp_w_rsv(w, ch, cp_vdp_rsv_of(ch, v));
}

static void
cp_w_vdp_vsis(struct sw_writer *w, const struct cp_chan *ch)
{
	for (const struct vdp_bridge_vsi *v = vdp_bridge_next(ch->vdp, NULL); v;
		v = vdp_bridge_next(ch->vdp, v)) {
		sw_w_obj_start(w, NULL, NULL);
		cp_w_chan_id(w, ch);
		cp_w_vsi(w, ch, v);
		sw_w_obj_end(w);
	}
}

static void
cp_w_vdp_chan(struct sw_writer *w, const struct cp_chan *ch)
{
	const struct vdp_bridge_stats *st = vdp_bridge_stats(ch->vdp);
	const struct cp_refusal *r = &ch->refusal;

	sw_w_obj_start(w, NULL, NULL);
	cp_w_chan_id(w, ch);
	sw_w_uint(w, "vsis", "VSIs", st->n_vsi);
	sw_w_obj_start(w, "stats", "Statistics");
	sw_w_uint(w, "rx_pdus", "VDPDUs received", st->rx_pdus);
	sw_w_uint(w, "rx_requests", "Requests", st->rx_requests);
	sw_w_uint(w, "rx_ignored", "Responses ignored", st->rx_ignored);
	sw_w_uint(w, "rx_malformed", "Malformed", st->rx_malformed);
	sw_w_str(w, "last_malformed", "Last malformed",
		st->last_malformed ? st->last_malformed : "");
	sw_w_list_start(w, "status", "Responses by status 0..5");
	for (int k = 0; k <= VDP_ERR_MAX; k++)
		sw_w_uint(w, NULL, NULL, st->status[k]);
	sw_w_list_end(w);
	sw_w_uint(w, "resp_keep", "With KEEP", st->resp_keep);
	sw_w_uint(w, "resp_hard", "With HARD", st->resp_hard);
	sw_w_uint(w, "admitted", "Admitted", st->admitted);
	sw_w_uint(w, "refused", "Refused", st->refused);
	sw_w_uint(w, "keepalives", "Keep-alives", st->keepalives);
	sw_w_uint(w, "keepalive_expiries", "Keep-alive expiries", st->keepalive_expiries);
	sw_w_uint(w, "station_deassocs", "De-associated by the station", st->station_deassocs);
	sw_w_uint(w, "unknown_deassocs", "De-associates of unknown VSIs", st->unknown_deassocs);
	sw_w_uint(w, "bridge_deassocs", "De-associated by the bridge", st->bridge_deassocs);
	sw_w_uint(w, "table_full", "Refused: table full", st->table_full);
	sw_w_uint(w, "tx_pdus", "VDPDUs sent", st->tx_pdus);
	sw_w_uint(w, "tx_unsolicited", "Unsolicited DE-ASSOCIATEs", st->tx_unsolicited);
	sw_w_uint(w, "tx_failures", "Send failures", st->tx_failures);
	sw_w_obj_end(w);
	sw_w_obj_start(w, "last_refusal", "Last refusal of a new VSI");
	sw_w_bool(w, "valid", "Any", r->valid);
	sw_w_uint(w, "ts_us", "Time (us)", r->ts_us);
	sw_w_str(w, "mode", "Request", r->valid ? vdp_tlv_type_name(r->mode) : "");
	sw_w_uint(w, "status", "Status", r->status);
	sw_w_uint(w, "type_id", "VSI type", r->type_id);
	sw_w_uint(w, "type_version", "VSI type version", r->type_version);
	if (r->valid) {
		cp_w_vsiid(w, r->fmt, r->vsiid);
	} else {
		sw_w_str(w, "vsiid_format", "VSI ID format", "");
		sw_w_str(w, "vsiid", "VSI ID", "");
	}
	sw_w_str(w, "reason", "Reason", r->reason);
	sw_w_obj_end(w);
	sw_w_obj_end(w);
}

void
sw_cplane_show_vdp(struct sw_writer *w, struct sw_cplane *cp)
{
	sw_w_obj_start(w, "vdp", "VDP");
	sw_w_list_start(w, "vsis", "VSIs");
	cp_each_chan(cp, w, cp_w_vdp_vsis);
	sw_w_list_end(w);
	sw_w_list_start(w, "channels", "Channels");
	cp_each_chan(cp, w, cp_w_vdp_chan);
	sw_w_list_end(w);
	sw_w_obj_end(w);
}

void
sw_cplane_show_veth(struct sw_writer *w, struct sw_cplane *cp, const struct sw_veth *v)
{
	const struct vdp_bridge_vsi *vsi;
	struct cp_chan *ch;
	struct cp_link *l;

	if (!cp || v->origin != SW_ORIGIN_VDP || !cp_vdp_find_veth(cp, v->id, &ch, &l))
		return;
	vsi = vdp_bridge_find(ch->vdp, l->mgrid, l->fmt, l->vsiid);
	sw_w_obj_start(w, "vdp", "VDP");
	sw_w_str(w, "channel", "Channel", cp_chan_kind_name(ch->kind));
	sw_w_uint(w, "channel_id", "Channel id", ch->id);
	if (vsi) {
		cp_w_vsiid(w, vsi->vsiid_format, vsi->vsiid);
		sw_w_hex(w, "mgrid", "Manager ID", vsi->mgrid, VDP_MGRID_LEN);
		sw_w_uint(w, "type_id", "VSI type", vsi->type_id);
		sw_w_uint(w, "type_version", "VSI type version", vsi->type_version);
		sw_w_str(w, "state", "State", vdp_tlv_type_name(vsi->state));
		sw_w_bool(w, "hint_m", "Migrate-to hint (M)", vsi->hint_m);
		sw_w_bool(w, "hint_s", "Suspend / migrate-from hint (S)", vsi->hint_s);
		sw_w_uint(w, "last_status", "Last status octet", vsi->last_status);
		sw_w_str(w, "last_reason", "Last reason",
			vsi->last_reason ? vsi->last_reason : "");
		sw_w_uint(w, "expires_us", "Keep-alive expires (us)",
			vdp_bridge_vsi_deadline(ch->vdp, vsi));
	}
	sw_w_obj_end(w);
}

/* ---- S-channels ------------------------------------------------------------------ */

static void
cp_w_cdcp(struct sw_writer *w, const char *tag, const char *label, bool present,
	const struct lldp_cdcp *c)
{
	sw_w_obj_start(w, tag, label);
	sw_w_bool(w, "present", "Present", present);
	sw_w_str(w, "role", "Role",
		!present                                    ? ""
			: c->role == LLDP_CDCP_ROLE_STATION ? "station"
							    : "bridge");
	sw_w_bool(w, "scomp", "SComp", present && c->scomp);
	sw_w_uint(w, "chncap", "ChnCap", present ? c->chncap : 0);
	sw_w_list_start(w, "channels", "Channels (SCID, S-VID)");
	for (uint16_t i = 0; present && i < c->n_chan; i++) {
		sw_w_obj_start(w, NULL, NULL);
		sw_w_uint(w, "scid", "SCID", c->chan[i].scid);
		sw_w_uint(w, "svid", "S-VID", c->chan[i].svid);
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
	sw_w_obj_end(w);
}

/* vEths bound to a channel of a port. */
static unsigned
cp_count_veths(const struct sw *sw, unsigned port, uint16_t svid)
{
	unsigned n = 0;

	for (size_t s = 0; s < sw->slots_hwm; s++) {
		const struct sw_veth *v = &sw->veths[s];

		n += v->used && v->port == port && v->kind == SW_BIND_MAC && v->svid == svid;
	}
	return n;
}

/* One channel: the default one (s NULL: the port's own agent and EVB) or
 * a granted one. */
static void
cp_w_schan(struct sw_writer *w, const struct cp_port *pp, const struct cp_schan *s)
{
	const struct sw *sw = pp->cp->sw;
	const struct sw_port *p = &sw->ports[pp->idx];
	uint16_t svid = s ? s->svid : SW_SCHAN_DEFAULT_SVID;
	const struct cp_agent *ag = s ? &s->agent : &pp->agents[CP_NCB];
	const struct lldp_evb_oper *o = s ? &s->evb.oper : &pp->oper;
	const struct cp_chan *ch = s ? s->chan : NULL;
	static const struct lldp_evb none;

	for (uint32_t i = 0; !s && i < pp->n_chans; i++)
		if (pp->chans[i]->kind == CP_CHAN_UNTAGGED)
			ch = pp->chans[i];
	sw_w_obj_start(w, NULL, NULL);
	sw_w_uint(w, "scid", "SCID", s ? s->scid : CDCP_DEFAULT_SCID);
	sw_w_uint(w, "svid", "S-VID", svid);
	sw_w_bool(w, "default", "Default channel", !s);
	sw_w_str(w, "lldp_port_id", "LLDP Port ID", s ? s->port_id : p->name);
	sw_w_bool(w, "relay", "Reflective relay in the datapath", sw_schan_relay(p, svid));
	sw_w_bool(w, "rrctr", "Reflective relay negotiated (RRCTR)", o->reflective_relay);
	sw_w_bool(
		w, "station_evb", "Station EVB TLV", s ? s->evb.has_station : pp->has_station);
	cp_w_evb(w, "evb_tlv", "EVB TLV sent", s ? &s->evb.tlv : &pp->evb_tlv);
	cp_w_evb(w, "evb_station", "Station EVB TLV",
		s ? (s->evb.has_station ? &s->evb.station : &none)
		  : (pp->has_station ? &pp->station : &none));
	sw_w_uint(w, "ecp_ack_us", "ECP ACK timer (us)", o->ecp_ack_us);
	sw_w_uint(w, "vdp_keepalive_timeout_us", "VDP keep-alive supervision (us)",
		o->vdp_keepalive_timeout_us);
	sw_w_uint(w, "lldp_neighbors", "LLDP neighbors",
		ag->sm ? lldp_agent_neighbor_count(ag->sm) : 0);
	sw_w_uint(w, "lldp_tx_frames", "LLDPDUs sent",
		ag->sm ? lldp_agent_stats(ag->sm)->tx_frames : 0);
	sw_w_uint(w, "lldp_rx_frames", "LLDPDUs received",
		ag->sm ? lldp_agent_stats(ag->sm)->rx_frames : 0);
	sw_w_uint(w, "vsis", "VSIs", ch && ch->vdp ? vdp_bridge_stats(ch->vdp)->n_vsi : 0);
	sw_w_uint(w, "veths", "vEths", cp_count_veths(sw, pp->idx, svid));
	sw_w_uint(w, "created_us", "Created (us)", s ? s->created_us : 0);
	sw_w_obj_end(w);
}

void
sw_cplane_show_schannels(struct sw_writer *w, struct sw_cplane *cp)
{
	sw_w_list_start(w, "schannels", "S-channels");
	for (unsigned i = 0; i < cp->n_ports; i++) {
		const struct cp_port *pp = &cp->ports[i];
		const struct sw_port *p = &cp->sw->ports[i];
		const struct cdcp_stats *st = pp->cdcp ? cdcp_bridge_stats(pp->cdcp) : NULL;
		static const struct cdcp_stats zero;
		const struct cp_schan *sc[SW_SCHAN_MAX];
		size_t n = cp_sorted_schans(pp, sc);

		if (!p->schan_on)
			continue;
		if (!st)
			st = &zero;
		sw_w_obj_start(w, NULL, NULL);
		sw_w_str(w, "port", "Port", p->name);
		sw_w_uint(w, "chncap", "ChnCap", p->chncap);
		sw_w_uint(w, "svid_min", "S-VID pool from", p->svid_min);
		sw_w_uint(w, "svid_max", "S-VID pool to", p->svid_max);
		/* off: no CDCP machine (out of memory); waiting: no station
		 * TLV, the default channel alone; operational: a station's TLV
		 * is answered. */
		sw_w_str(w, "state", "CDCP state",
			!pp->cdcp                      ? "off"
				: pp->cdcp_has_station ? "operational"
						       : "waiting");
		sw_w_str(w, "station_agent", "Station TLV received on",
			pp->cdcp_has_station ? cp_agent_name(pp->cdcp_from) : "");
		cp_w_cdcp(w, "station", "Station TLV", pp->cdcp_has_station, &pp->cdcp_station);
		cp_w_cdcp(w, "bridge", "Bridge TLV sent", pp->cdcp != NULL, &pp->cdcp_tlv);
		sw_w_obj_start(w, "stats", "Statistics");
		sw_w_uint(w, "rx", "Station TLVs processed", st->rx);
		sw_w_uint(w, "rx_ignored", "TLVs ignored (role bridge)", st->rx_ignored);
		sw_w_uint(w, "granted", "Channels granted", st->granted);
		sw_w_uint(w, "released", "Channels released", st->released);
		sw_w_uint(w, "refused", "Channels refused", st->refused);
		sw_w_uint(w, "resets", "Station gone", pp->cdcp_resets);
		sw_w_obj_end(w);
		sw_w_uint(w, "changed_us", "Channels last changed (us)", pp->cdcp_changed_us);
		sw_w_list_start(w, "channels", "Active channels");
		cp_w_schan(w, pp, NULL);
		for (size_t k = 0; k < n; k++)
			cp_w_schan(w, pp, sc[k]);
		sw_w_list_end(w);
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
}

void
sw_cplane_dump(struct sw_writer *w, struct sw_cplane *cp, uint64_t now)
{
	sw_w_obj_start(w, "control", "Control plane");
	sw_cplane_show_lldp_stats(w, cp);
	sw_cplane_show_lldp_neighbors(w, cp, now);
	sw_cplane_show_evb(w, cp);
	sw_cplane_show_ecp(w, cp);
	sw_cplane_show_vdp(w, cp);
	sw_cplane_show_schannels(w, cp);
	sw_w_obj_end(w);
}

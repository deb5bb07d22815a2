/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cplane.c - the control plane: ports and their LLDP agents, EVB, channels
 * with their ECP and VDP machines, receive, transmit and timers.  The VDP
 * admission is in cp_vdp.c, rendering in cp_show.c; see cplane.h for the
 * behaviour.
 */
#include <config.h>

#include "switchd/cplane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/cp_internal.h"
#include "vntag/etag.h"
#include "vntag/eth.h"
#include "vntag/vntag.h"

/* ---- names ------------------------------------------------------------------ */

const char *
cp_chan_kind_name(unsigned kind)
{
	switch (kind) {
	case CP_CHAN_VIF:
		return "vif";
	case CP_CHAN_ECID:
		return "ecid";
	default:
		return "untagged";
	}
}

void
cp_chan_describe(const struct cp_chan *ch, char *buf, size_t n)
{
	if (ch->kind == CP_CHAN_UNTAGGED)
		snprintf(buf, n, "untagged");
	else
		snprintf(buf, n, "%s %u", cp_chan_kind_name(ch->kind), ch->id);
}

/* ---- transmit ------------------------------------------------------------------ */

/* One frame (untagged, DA SA type ..., at least 60 bytes) out of a port,
 * with the channel's tag after SA.  0, or -1 if it could not go. */
static int
cp_port_tx(struct sw_cplane *cp, unsigned port, uint8_t kind, uint32_t id, const uint8_t *frame,
	size_t len)
{
	struct sw_port *p = &cp->sw->ports[port];
	size_t taglen = kind == CP_CHAN_VIF ? VNTAG_HLEN : kind == CP_CHAN_ECID ? ETAG_HLEN : 0;
	uint8_t *b;

	if (!p->admin_up || !p->ops || len < 2 * VN_ETH_ALEN)
		return -1;
	b = p->ops->tx_buf(p, len + taglen);
	if (!b) {
		p->ctr.drops[SW_DROP_TX_FULL]++;
		return -1;
	}
	memcpy(b, frame, 2 * VN_ETH_ALEN);
	if (kind == CP_CHAN_VIF) {
		/* Towards the adapter: d=1, dvif = the channel's vif. */
		struct vntag t = { .d = true, .dvif = (uint16_t)id };
		uint32_t word = 0;

		vntag_pack(&t, &word, NULL); /* svif <= 4095 < the 14-bit dvif range */
		vn_put_be16(b + 12, VNTAG_TPID);
		vn_put_be32(b + 14, word);
	} else if (kind == CP_CHAN_ECID) {
		struct etag t = { .ecid = id };

		vn_put_be16(b + 12, ETAG_TPID);
		etag_pack(&t, b + 14, NULL); /* E-CID came from a 20-bit field */
	}
	memcpy(b + 12 + taglen, frame + 12, len - 12);
	p->ops->tx_commit(p, len + taglen, cp->now);
	p->ctr.tx_frames++;
	p->ctr.tx_bytes += len + taglen;
	return 0;
}

/* ---- LLDP and EVB ----------------------------------------------------------------- */

static int
cp_lldp_send(void *aux, const uint8_t *frame, size_t len)
{
	struct cp_agent *a = aux;

	return cp_port_tx(a->port->cp, a->port->idx, CP_CHAN_UNTAGGED, 0, frame, len);
}

static void cp_evb_update(struct cp_port *pp);

static void
cp_lldp_neighbor(void *aux, struct lldp_agent_sm *sm, enum lldp_nb_event ev,
	enum lldp_nb_reason why, const struct lldp_neighbor *nb)
{
	struct cp_agent *a = aux;

	(void)sm;
	(void)ev;
	(void)why;
	(void)nb;
	/* The station's EVB TLV arrives on the customer-bridge agent; a
	 * callback may set the agent's TLVs (lldp_evb_update does). */
	if (a->which == CP_NCB)
		cp_evb_update(a->port);
	a->port->cp->dirty = true;
}

static enum lldp_admin
cp_lldp_admin(enum sw_lldp_admin a)
{
	switch (a) {
	case SW_LLDP_RXTX:
		return LLDP_ADMIN_RXTX;
	case SW_LLDP_RX:
		return LLDP_ADMIN_RX_ONLY;
	case SW_LLDP_TX:
		return LLDP_ADMIN_TX_ONLY;
	case SW_LLDP_DISABLED:
		break;
	}
	return LLDP_ADMIN_DISABLED;
}

/* A hand-built sw_conf may leave these 0: the protocol defaults. */
static uint16_t
cp_tx_interval(const struct sw_conf *c)
{
	return c->lldp.tx_interval ? c->lldp.tx_interval : LLDP_DEF_TX_INTERVAL;
}

static uint8_t
cp_tx_hold(const struct sw_conf *c)
{
	return c->lldp.tx_hold ? c->lldp.tx_hold : LLDP_DEF_TX_HOLD;
}

/* (Re-)create one agent with the port's current settings. */
static int
cp_agent_make(struct cp_port *pp, unsigned which, char *err, size_t errlen)
{
	struct sw_cplane *cp = pp->cp;
	const struct sw_conf *conf = &cp->sw->conf;
	struct sw_port *p = &cp->sw->ports[pp->idx];
	struct cp_agent *a = &pp->agents[which];
	struct lldp_agent_cfg cfg;

	lldp_agent_destroy(a->sm);
	a->sm = NULL;
	a->port = pp;
	a->which = (uint8_t)which;
	a->admin = p->lldp_admin;
	a->tx_interval = cp_tx_interval(conf);
	a->tx_hold = cp_tx_hold(conf);
	lldp_agent_cfg_init(&cfg);
	cfg.group = which == CP_NCB ? LLDP_AGENT_NEAREST_CUSTOMER : LLDP_AGENT_NEAREST_BRIDGE;
	cfg.admin = cp_lldp_admin(a->admin);
	memcpy(cfg.local.mac, conf->mac, VN_ETH_ALEN);
	cfg.local.port_name = p->name;
	cfg.local.port_desc = pp->port_desc;
	cfg.local.sys_name = conf->name;
	cfg.local.sys_desc = cp->sys_desc;
	cfg.local.sys_cap = LLDP_CAP_BRIDGE;
	cfg.local.sys_cap_enabled = LLDP_CAP_BRIDGE;
	cfg.tx_interval = a->tx_interval;
	cfg.tx_hold = a->tx_hold;
	cfg.neighbor_cb = cp_lldp_neighbor;
	a->sm = lldp_agent_create(&cfg, cp_lldp_send, a);
	if (!a->sm) {
		snprintf(err, errlen, "port %s: cannot create its LLDP agent", p->name);
		return -1;
	}
	return 0;
}

/* Negotiate EVB again and apply the operational values (see cplane.h). */
static void
cp_evb_update(struct cp_port *pp)
{
	struct sw *sw = pp->cp->sw;
	struct sw_port *p = &sw->ports[pp->idx];
	struct lldp_agent_sm *a = pp->agents[CP_NCB].sm;
	const struct lldp_evb *st = NULL;
	struct lldp_evb_local loc;
	struct lldp_evb tlv;
	struct lldp_evb_oper oper;

	if (!pp->host)
		return;
	loc.rrcap = p->mode == SW_MODE_VEPA && p->reflective_relay;
	loc.bgid = sw->conf.evb.bgid;
	loc.r = sw->conf.evb.r;
	loc.rte = sw->conf.evb.rte;
	loc.rwd = sw->conf.evb.rwd;
	loc.rka = sw->conf.evb.rka;
	/* Only what LLDP receive let in: an agent that does not receive has
	 * no neighbours. */
	if (a)
		st = lldp_evb_find_station(a);
	if (lldp_evb_negotiate(&loc, st, &tlv, &oper)) {
		/* Out of range local values (a hand-built configuration):
		 * lldpad's defaults; a station TLV cannot be out of range (its
		 * fields are as wide as the limits). */
		lldp_evb_local_init(&loc);
		loc.rrcap = p->mode == SW_MODE_VEPA && p->reflective_relay;
		st = NULL;
		lldp_evb_negotiate(&loc, NULL, &tlv, &oper);
	}
	pp->evb_local = loc;
	pp->evb_tlv = tlv;
	pp->oper = oper;
	pp->has_station = st != NULL;
	if (st)
		pp->station = *st;
	if (a)
		lldp_agent_set_evb(a, &tlv, NULL); /* a frame goes out only on change */
	p->evb_station = st != NULL;
	p->evb_rrreq = st && st->rrreq;
	sw_port_update_relay(p);
	for (uint32_t i = 0; i < pp->n_chans; i++) {
		struct cp_chan *ch = pp->chans[i];

		ecp_sm_set_timers(ch->ecp, oper.r, oper.rte);
		vdp_bridge_set_timers(ch->vdp, oper.r, oper.rte, oper.rka);
		vdp_bridge_set_group_ids(ch->vdp, oper.group_ids);
	}
	pp->cp->dirty = true;
}

/* ---- channels ------------------------------------------------------------------------ */

static uint64_t
cp_mix(uint64_t x)
{
	/* splitmix64's finaliser: every input bit reaches every output bit. */
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

static int
cp_ecp_tx(void *aux, const uint8_t *frame, size_t len)
{
	struct cp_chan *ch = aux;
	int rc = cp_port_tx(ch->port->cp, ch->port->idx, ch->kind, ch->id, frame, len);

	if (rc)
		ch->tx_errors++;
	else
		ch->tx_frames++;
	return rc;
}

static void
cp_ecp_deliver(void *aux, uint16_t subtype, const uint8_t *ulpdu, size_t len, uint64_t now)
{
	struct cp_chan *ch = aux;

	/* PE-CSP (802.1BR) has no user here yet; the machine ACKed it. */
	if (subtype == ECP_SUBTYPE_VDP)
		vdp_bridge_rx(ch->vdp, ulpdu, len, now);
}

static int
cp_vdp_send(void *aux, const uint8_t *ulpdu, size_t len, uint64_t now)
{
	struct cp_chan *ch = aux;

	return ecp_sm_send(ch->ecp, ECP_SUBTYPE_VDP, ulpdu, len, now);
}

static void
cp_chan_free(struct cp_chan *ch)
{
	if (!ch)
		return;
	ecp_sm_destroy(ch->ecp);
	vdp_bridge_destroy(ch->vdp);
	free(ch->links);
	free(ch);
}

/* The channel (kind, id) of a port, created if new and the port has room. */
static struct cp_chan *
cp_chan_get(struct cp_port *pp, uint8_t kind, uint32_t id, uint64_t now)
{
	static const struct ecp_sm_callbacks ecb = {
		.tx = cp_ecp_tx,
		.deliver = cp_ecp_deliver,
	};
	static const struct vdp_bridge_callbacks vcb = {
		.send = cp_vdp_send,
		.admit = cp_vdp_admit,
		.release = cp_vdp_release,
	};
	struct sw_cplane *cp = pp->cp;
	const struct sw_port *p = &cp->sw->ports[pp->idx];
	struct ecp_sm_config ec;
	struct vdp_bridge_config vc;
	struct cp_chan *ch;
	uint64_t h;

	for (uint32_t i = 0; i < pp->n_chans; i++)
		if (pp->chans[i]->kind == kind && pp->chans[i]->id == id)
			return pp->chans[i];
	/* The link value keeps 12 bits for the channel index. */
	if (pp->n_chans >= p->max_channels || pp->n_chans >= SW_CEIL_CHANNELS)
		return NULL;
	if (pp->n_chans == pp->cap_chans) {
		uint32_t cap = pp->cap_chans ? 2 * pp->cap_chans : 8;
		struct cp_chan **n = realloc(pp->chans, cap * sizeof(*n));

		if (!n)
			return NULL;
		pp->chans = n;
		pp->cap_chans = cap;
	}
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return NULL;
	ch->port = pp;
	ch->index = (uint16_t)pp->n_chans;
	ch->kind = kind;
	ch->id = id;
	ch->created_us = now;
	/* Random live, reproducible in replay: the seed, the port, the
	 * channel.  0 is skipped as lldpad's inc_seqno does. */
	h = cp_mix(cp->seed ^ cp_mix((uint64_t)pp->idx << 40 | (uint64_t)kind << 32 | id));
	ch->initial_seq = (uint16_t)h ? (uint16_t)h : 1;
	ecp_sm_config_default(&ec);
	memcpy(ec.mac, cp->sw->conf.mac, VN_ETH_ALEN);
	ec.initial_seq = ch->initial_seq;
	ec.max_retries = pp->oper.r;
	ec.rte = pp->oper.rte;
	ec.queue_len = CP_ECP_QUEUE;
	vdp_bridge_config_default(&vc);
	vc.max_vsi = kind == CP_CHAN_UNTAGGED ? CP_VSI_UNTAGGED : CP_VSI_TAGGED;
	vc.max_filters = CP_FILTERS;
	vc.r = pp->oper.r;
	vc.rte = pp->oper.rte;
	vc.rka = pp->oper.rka;
	vc.group_ids = pp->oper.group_ids;
	ch->n_links = vc.max_vsi;
	ch->links = calloc(ch->n_links, sizeof(*ch->links));
	ch->ecp = ecp_sm_create(&ec, &ecb, ch);
	ch->vdp = vdp_bridge_create(&vc, &vcb, ch);
	if (!ch->links || !ch->ecp || !ch->vdp) {
		cp_chan_free(ch);
		return NULL;
	}
	pp->chans[pp->n_chans++] = ch;
	cp->dirty = true;
	return ch;
}

/* ---- receive ------------------------------------------------------------------------- */

static bool
cp_rx_lldp(struct cp_port *pp, const struct vn_eth *eth, const uint8_t *frame, size_t len,
	uint64_t now)
{
	int which = lldp_mac_agent(eth->dst);
	struct lldp_agent_sm *a;
	enum lldp_rx_result r;

	/* Untagged only: a tagged LLDPDU belongs to no agent here. */
	if (eth->n_tags || which < 0)
		return false;
	if (which == LLDP_AGENT_NEAREST_BRIDGE)
		a = pp->agents[CP_NB].sm;
	else if (which == LLDP_AGENT_NEAREST_CUSTOMER)
		a = pp->agents[CP_NCB].sm;
	else
		a = NULL; /* 01-80-C2-00-00-03: no agent (CDCP may bring one) */
	if (!a)
		return false;
	r = lldp_agent_rx(a, frame, len, now);
	pp->cp->dirty = true;
	/* Disabled receive: not handled, so it counts as reserved_da. */
	return r != LLDP_RX_DISABLED && r != LLDP_RX_NOT_MINE;
}

static bool
cp_rx_ecp(struct cp_port *pp, const struct vn_eth *eth, const uint8_t *frame, size_t len,
	uint64_t now)
{
	struct sw_cplane *cp = pp->cp;
	const struct sw_port *p = &cp->sw->ports[pp->idx];
	const uint8_t *in = frame;
	size_t inlen = len, taglen = 0;
	uint8_t kind = CP_CHAN_UNTAGGED;
	struct cp_chan *ch;
	uint32_t id = 0;

	if (!pp->host)
		return false;
	if (eth->n_tags == 1 && eth->tags[0].tpid == VN_ETH_VNTAG && p->mode == SW_MODE_VNTAG) {
		struct vntag t;

		vntag_unpack(vn_get_be32(frame + eth->tags[0].off + 2), &t);
		if (t.d || t.p || t.version)
			return false; /* not from the adapter: not ours */
		kind = CP_CHAN_VIF;
		id = t.svif;
		taglen = VNTAG_HLEN;
	} else if (eth->n_tags == 1 && eth->tags[0].tpid == VN_ETH_ETAG &&
		p->mode == SW_MODE_ETAG) {
		struct etag t;

		etag_unpack(frame + eth->tags[0].off + 2, &t);
		id = t.ecid ? t.ecid : t.ingress_ecid; /* as the pipeline reads it */
		if (t.grp || !id)
			return false;
		kind = CP_CHAN_ECID;
		taglen = ETAG_HLEN;
	} else if (eth->n_tags) {
		return false;
	}
	ch = cp_chan_get(pp, kind, id, now);
	if (!ch) {
		pp->chans_refused++;
		return false;
	}
	if (taglen) {
		/* The machine reads an untagged frame: copy it without the tag. */
		if (len - taglen > sizeof(cp->scratch))
			return false;
		memcpy(cp->scratch, frame, 12);
		memcpy(cp->scratch + 12, frame + 12 + taglen, len - 12 - taglen);
		in = cp->scratch;
		inlen = len - taglen;
	}
	ch->rx_frames++;
	ch->admitted = false;
	ecp_sm_rx(ch->ecp, in, inlen, now);
	if (ch->admitted)
		cp_vdp_reconcile(ch);
	cp->dirty = true;
	return true;
}

static bool
cp_ctl_rx(
	void *aux, struct sw *sw, unsigned port, const uint8_t *frame, size_t len, uint64_t now)
{
	struct sw_cplane *cp = aux;
	struct vn_eth eth;

	(void)sw;
	if (port >= cp->n_ports || vn_eth_parse(frame, len, &eth, NULL))
		return false;
	cp->now = now;
	if (eth.type == VN_ETH_LLDP && !eth.is_8023)
		return cp_rx_lldp(&cp->ports[port], &eth, frame, len, now);
	if (eth.type == VN_ETH_ECP && !eth.is_8023)
		return cp_rx_ecp(&cp->ports[port], &eth, frame, len, now);
	return false;
}

/* ---- life cycle ------------------------------------------------------------------------ */

struct sw_cplane *
sw_cplane_create(struct sw *sw, const struct sw_cplane_config *cfg, char *err, size_t errlen)
{
	struct sw_cplane *cp = calloc(1, sizeof(*cp));

	if (!cp || !(cp->ports = calloc(sw->n_ports ? sw->n_ports : 1, sizeof(*cp->ports))) ||
		sw_htab_init(&cp->by_veth, sw->max_veths)) {
		snprintf(err, errlen, "out of memory for the control plane");
		if (cp)
			free(cp->ports);
		free(cp);
		return NULL;
	}
	cp->sw = sw;
	cp->seed = cfg ? cfg->seed : SW_CPLANE_REPLAY_SEED;
	cp->n_ports = sw->n_ports;
	cp->dirty = true;
	snprintf(cp->sys_desc, sizeof(cp->sys_desc), "vnswitch %s", PACKAGE_VERSION);
	for (unsigned i = 0; i < cp->n_ports; i++) {
		struct cp_port *pp = &cp->ports[i];
		const struct sw_port *p = &sw->ports[i];

		pp->cp = cp;
		pp->idx = i;
		pp->host = p->role == SW_ROLE_HOST;
		if (pp->host)
			snprintf(pp->port_desc, sizeof(pp->port_desc), "%s host port %s",
				sw_mode_name(p->mode), p->name);
		else
			snprintf(pp->port_desc, sizeof(pp->port_desc), "uplink %s", p->name);
		if (cp_agent_make(pp, CP_NB, err, errlen) ||
			(pp->host && cp_agent_make(pp, CP_NCB, err, errlen))) {
			sw_cplane_destroy(cp);
			return NULL;
		}
		lldp_evb_local_init(&pp->evb_local);
		cp_evb_update(pp);
	}
	sw->cp = cp;
	sw_set_ctl_rx(sw, cp_ctl_rx, cp);
	return cp;
}

void
sw_cplane_destroy(struct sw_cplane *cp)
{
	if (!cp)
		return;
	if (cp->sw && cp->sw->cp == cp) {
		cp->sw->cp = NULL;
		sw_set_ctl_rx(cp->sw, NULL, NULL);
		/* Every port's relay falls back to its configuration. */
		for (unsigned i = 0; i < cp->n_ports; i++) {
			cp->sw->ports[i].evb_station = false;
			sw_port_update_relay(&cp->sw->ports[i]);
		}
	}
	for (unsigned i = 0; cp->ports && i < cp->n_ports; i++) {
		struct cp_port *pp = &cp->ports[i];

		for (unsigned a = 0; a < CP_N_AGENTS; a++)
			lldp_agent_destroy(pp->agents[a].sm);
		for (uint32_t c = 0; c < pp->n_chans; c++)
			cp_chan_free(pp->chans[c]);
		free(pp->chans);
	}
	sw_htab_free(&cp->by_veth);
	free(cp->ports);
	free(cp);
}

void
sw_cplane_port_changed(struct sw_cplane *cp, unsigned port, uint64_t now)
{
	struct cp_port *pp;
	const struct sw_port *p;
	char err[128];

	if (port >= cp->n_ports)
		return;
	pp = &cp->ports[port];
	p = &cp->sw->ports[port];
	if (now > cp->now)
		cp->now = now;
	for (unsigned w = 0; w < (pp->host ? 2u : 1u); w++) {
		const struct cp_agent *a = &pp->agents[w];

		if (a->sm && a->admin == p->lldp_admin &&
			a->tx_interval == cp_tx_interval(&cp->sw->conf) &&
			a->tx_hold == cp_tx_hold(&cp->sw->conf))
			continue;
		/* Neighbours go with the old agent; the new one starts on the
		 * next run.  Creation only fails for lack of memory, and then
		 * the port has no agent (shown as such). */
		cp_agent_make(pp, w, err, sizeof(err));
	}
	cp_evb_update(pp);
	cp->dirty = true;
}

void
sw_cplane_shutdown(struct sw_cplane *cp, uint64_t now)
{
	cp->now = now;
	for (unsigned i = 0; i < cp->n_ports; i++)
		for (unsigned a = 0; a < CP_N_AGENTS; a++) {
			struct lldp_agent_sm *sm = cp->ports[i].agents[a].sm;

			/* Only agents that transmit and have started. */
			if (sm && !lldp_agent_is_shut(sm) && lldp_agent_stats(sm)->tx_frames)
				lldp_agent_shutdown(sm, now);
		}
	cp->dirty = true;
}

/* ---- timers ---------------------------------------------------------------------------------- */

static uint64_t
cp_compute_next(struct sw_cplane *cp)
{
	uint64_t next = UINT64_MAX, t;

	for (unsigned i = 0; i < cp->n_ports; i++) {
		const struct cp_port *pp = &cp->ports[i];

		for (unsigned a = 0; a < CP_N_AGENTS; a++)
			if (pp->agents[a].sm &&
				(t = lldp_agent_next_deadline(pp->agents[a].sm)) < next)
				next = t;
		for (uint32_t c = 0; c < pp->n_chans; c++) {
			if ((t = ecp_sm_next_deadline(pp->chans[c]->ecp)) < next)
				next = t;
			if ((t = vdp_bridge_next_deadline(pp->chans[c]->vdp)) < next)
				next = t;
		}
	}
	return next;
}

uint64_t
sw_cplane_run(struct sw_cplane *cp, uint64_t now)
{
	if (now > cp->now)
		cp->now = now;
	for (unsigned i = 0; i < cp->n_ports; i++) {
		struct cp_port *pp = &cp->ports[i];

		for (unsigned a = 0; a < CP_N_AGENTS; a++) {
			struct lldp_agent_sm *sm = pp->agents[a].sm;

			if (sm && lldp_agent_next_deadline(sm) <= now)
				lldp_agent_tick(sm, now);
		}
		for (uint32_t c = 0; c < pp->n_chans; c++) {
			struct cp_chan *ch = pp->chans[c];

			if (ecp_sm_next_deadline(ch->ecp) <= now)
				ecp_sm_tick(ch->ecp, now);
			/* Keep-alive expiry releases VSIs (their vEths go in the
			 * release callback) and sends unsolicited DE-ASSOCIATEs. */
			if (vdp_bridge_next_deadline(ch->vdp) <= now)
				vdp_bridge_tick(ch->vdp, now);
		}
	}
	cp->next = cp_compute_next(cp);
	cp->dirty = false;
	return cp->next;
}

uint64_t
sw_cplane_next_deadline(struct sw_cplane *cp)
{
	if (cp->dirty) {
		cp->next = cp_compute_next(cp);
		cp->dirty = false;
	}
	return cp->next;
}

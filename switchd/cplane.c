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
	case CP_CHAN_SVID:
		return "svid";
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

bool
cp_port_has_agent(const struct cp_port *pp, unsigned which)
{
	return which == CP_NB || (which == CP_NCB && pp->host) ||
		(which == CP_NTPMR && pp->cdcp);
}

uint16_t
cp_chan_svid(const struct cp_chan *ch)
{
	return ch->kind == CP_CHAN_SVID ? (uint16_t)ch->id : SW_SCHAN_DEFAULT_SVID;
}

const struct lldp_evb_oper *
cp_chan_oper(const struct cp_chan *ch)
{
	return ch->schan ? &ch->schan->evb.oper : &ch->port->oper;
}

/* ---- transmit ------------------------------------------------------------------ */

/* One frame (untagged, DA SA type ..., at least 60 bytes) out of a port,
 * with the channel's tag after SA.  0, or -1 if it could not go. */
int
cp_port_tx(struct sw_cplane *cp, unsigned port, uint8_t kind, uint32_t id, const uint8_t *frame,
	size_t len)
{
	struct sw_port *p = &cp->sw->ports[port];
	size_t taglen = kind == CP_CHAN_VIF ? VNTAG_HLEN
		: kind == CP_CHAN_ECID      ? ETAG_HLEN
		: kind == CP_CHAN_SVID      ? 4
					    : 0;
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
	} else if (kind == CP_CHAN_SVID) {
		/* An S-channel's control frame: the S-tag, PCP 0. */
		vn_put_be16(b + 12, VN_ETH_STAG);
		vn_put_be16(b + 14, (uint16_t)(id & 0xFFF));
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

	if (a->schan)
		return cp_port_tx(
			a->port->cp, a->port->idx, CP_CHAN_SVID, a->schan->svid, frame, len);
	return cp_port_tx(a->port->cp, a->port->idx, CP_CHAN_UNTAGGED, 0, frame, len);
}

static void cp_evb_update(struct cp_port *pp);

static void
cp_lldp_neighbor(void *aux, struct lldp_agent_sm *sm, enum lldp_nb_event ev,
	enum lldp_nb_reason why, const struct lldp_neighbor *nb)
{
	struct cp_agent *a = aux;

	(void)sm;
	(void)nb;
	/* The station's EVB TLV arrives on the customer-bridge agent (an
	 * S-channel's on its own), its CDCP TLV on the non-TPMR or the
	 * nearest-bridge agent; a callback may set the agents' TLVs. */
	if (a->schan)
		cp_schan_evb_update(a->schan);
	else if (a->which == CP_NCB)
		cp_evb_update(a->port);
	else if (a->port->cdcp)
		cp_cdcp_update(a->port,
			ev != LLDP_NB_REMOVED ? NULL
				: why == LLDP_NB_AGED
				? "the station's LLDP information aged out"
				: why == LLDP_NB_SHUTDOWN ? "the station sent an LLDP shutdown"
							  : "the station restarted");
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

/* switch.lldp.max_neighbors (a configuration built by hand has 0). */
static uint16_t
cp_max_neighbors(const struct sw_conf *c)
{
	return c->lldp.max_neighbors && c->lldp.max_neighbors <= LLDP_NEIGHBORS_LIMIT
		? c->lldp.max_neighbors
		: LLDP_DEF_MAX_NEIGHBORS;
}

int
cp_agent_make_on(struct cp_agent *a, struct cp_port *pp, unsigned which, struct cp_schan *s,
	char *err, size_t errlen)
{
	struct sw_cplane *cp = pp->cp;
	const struct sw_conf *conf = &cp->sw->conf;
	struct sw_port *p = &cp->sw->ports[pp->idx];
	struct lldp_agent_cfg cfg;

	lldp_agent_destroy(a->sm);
	a->sm = NULL;
	a->port = pp;
	a->which = (uint8_t)which;
	a->schan = s;
	a->admin = p->lldp_admin;
	a->tx_interval = cp_tx_interval(conf);
	a->tx_hold = cp_tx_hold(conf);
	a->max_neighbors = cp_max_neighbors(conf);
	lldp_agent_cfg_init(&cfg);
	cfg.group = which == CP_NCB ? LLDP_AGENT_NEAREST_CUSTOMER
		: which == CP_NTPMR ? LLDP_AGENT_NEAREST_NONTPMR
				    : LLDP_AGENT_NEAREST_BRIDGE;
	cfg.admin = cp_lldp_admin(a->admin);
	memcpy(cfg.local.mac, conf->mac, VN_ETH_ALEN);
	/* An S-channel is a port of its own (802.1Qbg 42): its own Port ID. */
	cfg.local.port_name = s ? s->port_id : p->name;
	cfg.local.port_desc = s ? s->port_desc : pp->port_desc;
	cfg.local.sys_name = conf->name;
	cfg.local.sys_desc = cp->sys_desc;
	cfg.local.sys_cap = LLDP_CAP_BRIDGE;
	cfg.local.sys_cap_enabled = LLDP_CAP_BRIDGE;
	cfg.tx_interval = a->tx_interval;
	cfg.tx_hold = a->tx_hold;
	cfg.max_neighbors = a->max_neighbors; /* more are dropped, counted (issue 9) */
	cfg.neighbor_cb = cp_lldp_neighbor;
	a->sm = lldp_agent_create(&cfg, cp_lldp_send, a);
	if (!a->sm) {
		snprintf(err, errlen, "port %s: cannot create its LLDP agent", p->name);
		return -1;
	}
	return 0;
}

/* (Re-)create one of the port's own agents with its current settings. */
static int
cp_agent_make(struct cp_port *pp, unsigned which, char *err, size_t errlen)
{
	return cp_agent_make_on(&pp->agents[which], pp, which, NULL, err, errlen);
}

bool
cp_agent_stale(const struct cp_agent *a)
{
	const struct sw *sw = a->port->cp->sw;

	return !a->sm || a->admin != sw->ports[a->port->idx].lldp_admin ||
		a->tx_interval != cp_tx_interval(&sw->conf) ||
		a->tx_hold != cp_tx_hold(&sw->conf) ||
		a->max_neighbors != cp_max_neighbors(&sw->conf);
}

void
cp_evb_local(const struct cp_port *pp, struct lldp_evb_local *loc)
{
	const struct sw *sw = pp->cp->sw;
	const struct sw_port *p = &sw->ports[pp->idx];

	loc->rrcap = p->mode == SW_MODE_VEPA && p->reflective_relay;
	loc->bgid = sw->conf.evb.bgid;
	loc->r = sw->conf.evb.r;
	loc->rte = sw->conf.evb.rte;
	loc->rwd = sw->conf.evb.rwd;
	loc->rka = sw->conf.evb.rka;
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
	cp_evb_local(pp, &loc);
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

		if (ch->kind == CP_CHAN_SVID)
			continue; /* an S-channel negotiates for itself */
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

/* (Re-)create a channel's machines and link table for its kind and id,
 * with the operational EVB values it runs with.  0, or -1 (memory). */
static int
cp_chan_machines(struct cp_chan *ch)
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
	struct cp_port *pp = ch->port;
	struct sw_cplane *cp = pp->cp;
	const struct lldp_evb_oper *o = cp_chan_oper(ch);
	struct ecp_sm_config ec;
	struct vdp_bridge_config vc;
	uint64_t h;

	ecp_sm_destroy(ch->ecp);
	vdp_bridge_destroy(ch->vdp);
	free(ch->links);
	/* Random live, reproducible in replay: the seed, the port, the
	 * channel.  0 is skipped as lldpad's inc_seqno does. */
	h = cp_mix(
		cp->seed ^ cp_mix((uint64_t)pp->idx << 40 | (uint64_t)ch->kind << 32 | ch->id));
	ch->initial_seq = (uint16_t)h ? (uint16_t)h : 1;
	ecp_sm_config_default(&ec);
	memcpy(ec.mac, cp->sw->conf.mac, VN_ETH_ALEN);
	ec.initial_seq = ch->initial_seq;
	ec.max_retries = o->r;
	ec.rte = o->rte;
	ec.queue_len = CP_ECP_QUEUE;
	vdp_bridge_config_default(&vc);
	/* The untagged channel of a VEPA port and an S-channel carry every
	 * VSI of a host (or of its VEB / VEPA on that channel). */
	vc.max_vsi = ch->kind == CP_CHAN_UNTAGGED || ch->kind == CP_CHAN_SVID ? CP_VSI_UNTAGGED
									      : CP_VSI_TAGGED;
	vc.max_filters = CP_FILTERS;
	vc.r = o->r;
	vc.rte = o->rte;
	vc.rka = o->rka;
	vc.group_ids = o->group_ids;
	ch->n_links = vc.max_vsi;
	ch->links = calloc(ch->n_links, sizeof(*ch->links));
	ch->ecp = ecp_sm_create(&ec, &ecb, ch);
	ch->vdp = vdp_bridge_create(&vc, &vcb, ch);
	return ch->links && ch->ecp && ch->vdp ? 0 : -1;
}

/* A new channel (kind, id) of a port; limit: within the port's
 * max_channels (S-channels are limited by their ChnCap instead). */
static struct cp_chan *
cp_chan_new(struct cp_port *pp, uint8_t kind, uint32_t id, struct cp_schan *s, bool limit,
	uint64_t now)
{
	struct sw_cplane *cp = pp->cp;
	const struct sw_port *p = &cp->sw->ports[pp->idx];
	uint32_t counted = 0;
	struct cp_chan *ch;

	for (uint32_t i = 0; limit && i < pp->n_chans; i++)
		counted += pp->chans[i]->kind != CP_CHAN_SVID;
	/* The link value keeps 12 bits for the channel index. */
	if ((limit && counted >= p->max_channels) || pp->n_chans >= SW_CEIL_CHANNELS)
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
	ch->schan = s;
	ch->created_us = now;
	if (cp_chan_machines(ch)) {
		cp_chan_free(ch);
		return NULL;
	}
	pp->chans[pp->n_chans++] = ch;
	cp->dirty = true;
	return ch;
}

/* The channel (kind, id) of a port, created if new and the port has room
 * (not for S-channels: CDCP makes those, cp_chan_for_schan). */
struct cp_chan *
cp_chan_get(struct cp_port *pp, uint8_t kind, uint32_t id, uint64_t now)
{
	for (uint32_t i = 0; i < pp->n_chans; i++)
		if (pp->chans[i]->kind == kind && pp->chans[i]->id == id)
			return pp->chans[i];
	return cp_chan_new(pp, kind, id, NULL, true, now);
}

struct cp_chan *
cp_chan_for_schan(struct cp_port *pp, struct cp_schan *s, uint64_t now)
{
	struct cp_chan *ch = NULL;

	/* Reuse an inactive one: an S-channel's VSIs went with it, and its
	 * index stays valid for the links of the next. */
	for (uint32_t i = 0; i < pp->n_chans && !ch; i++)
		if (pp->chans[i]->kind == CP_CHAN_SVID && !pp->chans[i]->schan)
			ch = pp->chans[i];
	if (!ch)
		return cp_chan_new(pp, CP_CHAN_SVID, s->svid, s, false, now);
	ch->id = s->svid;
	ch->schan = s;
	ch->created_us = now;
	ch->rx_frames = ch->tx_frames = ch->tx_errors = 0;
	memset(&ch->refusal, 0, sizeof(ch->refusal));
	if (cp_chan_machines(ch)) {
		/* Out of memory: it stays inactive, with no machines left
		 * half-made (they are re-created on the next use). */
		ch->schan = NULL;
		return NULL;
	}
	pp->cp->dirty = true;
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

	/* Untagged only (S-tagged: cp_schan_rx): a tagged LLDPDU belongs to
	 * no agent here. */
	if (eth->n_tags || which < 0)
		return false;
	if (which == LLDP_AGENT_NEAREST_BRIDGE)
		a = pp->agents[CP_NB].sm;
	else if (which == LLDP_AGENT_NEAREST_CUSTOMER)
		a = pp->agents[CP_NCB].sm;
	else
		a = pp->agents[CP_NTPMR].sm; /* 01-80-C2-00-00-03: CDCP (S-channels only) */
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
	struct cp_port *pp;
	struct vn_eth eth;

	(void)sw;
	if (port >= cp->n_ports || vn_eth_parse(frame, len, &eth, NULL))
		return false;
	cp->now = now;
	pp = &cp->ports[port];
	if (eth.n_tags && eth.tags[0].tpid == VN_ETH_STAG) {
		uint16_t svid = eth.tags[0].vid;

		/* S-channels (VEPA ports with CDCP): the S-tag names the
		 * channel.  The machines read untagged frames: a copy without
		 * the S-tag (no allocation per frame). */
		if (!pp->cdcp || eth.tags[0].off != 12 || len - 4 > sizeof(cp->scratch))
			return false;
		memcpy(cp->scratch, frame, 12);
		memcpy(cp->scratch + 12, frame + 16, len - 16);
		frame = cp->scratch;
		len -= 4;
		if (vn_eth_parse(frame, len, &eth, NULL))
			return false;
		if (svid != SW_SCHAN_DEFAULT_SVID)
			return cp_schan_rx(pp, svid, &eth, frame, len, now);
		/* S-VID 1 is the default channel: the port's own agents and
		 * untagged ECP channel, as if untagged. */
	}
	if (eth.type == VN_ETH_LLDP && !eth.is_8023)
		return cp_rx_lldp(pp, &eth, frame, len, now);
	if (eth.type == VN_ETH_ECP && !eth.is_8023)
		return cp_rx_ecp(pp, &eth, frame, len, now);
	return false;
}

/* ---- life cycle ------------------------------------------------------------------------ */

struct sw_cplane *
sw_cplane_create(struct sw *sw, const struct sw_cplane_config *cfg, char *err, size_t errlen)
{
	struct sw_cplane *cp = calloc(1, sizeof(*cp));

	if (!cp || !(cp->ports = calloc(sw->n_ports ? sw->n_ports : 1, sizeof(*cp->ports))) ||
		sw_htab_init(&cp->by_veth, sw->max_veths) ||
		sw_htab_init(&cp->by_vsi, sw->max_veths)) {
		snprintf(err, errlen, "out of memory for the control plane");
		if (cp)
			sw_htab_free(&cp->by_veth);
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
			(pp->host && cp_agent_make(pp, CP_NCB, err, errlen)) ||
			cp_schan_port_init(pp, err, errlen)) {
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

		cp_schan_port_free(pp);
		for (unsigned a = 0; a < CP_N_AGENTS; a++)
			lldp_agent_destroy(pp->agents[a].sm);
		for (uint32_t c = 0; c < pp->n_chans; c++)
			cp_chan_free(pp->chans[c]);
		free(pp->chans);
	}
	sw_htab_free(&cp->by_veth);
	sw_htab_free(&cp->by_vsi);
	sw_htab_free(&cp->rsv_mac); /* cp_vdp.c: made by the first reservation */
	free(cp->ports);
	free(cp);
}

void
sw_cplane_port_changed(struct sw_cplane *cp, unsigned port, uint64_t now)
{
	struct cp_port *pp;
	char err[128];

	if (port >= cp->n_ports)
		return;
	pp = &cp->ports[port];
	if (now > cp->now)
		cp->now = now;
	for (unsigned w = 0; w < CP_N_AGENTS; w++) {
		if (w == CP_NTPMR || !cp_port_has_agent(pp, w) ||
			!cp_agent_stale(&pp->agents[w]))
			continue;
		/* Neighbours go with the old agent; the new one starts on the
		 * next run.  Creation only fails for lack of memory, and then
		 * the port has no agent (shown as such). */
		cp_agent_make(pp, w, err, sizeof(err));
	}
	cp_evb_update(pp);
	/* S-channels: CDCP on, off or re-configured, their agents and EVB;
	 * the station's CDCP TLV may have gone with a re-created agent. */
	cp_schan_port_changed(pp);
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
	for (unsigned i = 0; i < cp->n_ports; i++)
		cp_schan_shutdown(&cp->ports[i], now);
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
			const struct cp_chan *ch = pp->chans[c];

			if (ch->kind == CP_CHAN_SVID && !ch->schan)
				continue; /* inactive: no timers */
			if ((t = ecp_sm_next_deadline(ch->ecp)) < next)
				next = t;
			if ((t = vdp_bridge_next_deadline(ch->vdp)) < next)
				next = t;
		}
		if ((t = cp_schan_next_deadline(pp)) < next)
			next = t;
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
		/* The S-channels' agents first: CDCP (the port's agents,
		 * above) may have just removed some. */
		cp_schan_run(pp, now);
		for (uint32_t c = 0; c < pp->n_chans; c++) {
			struct cp_chan *ch = pp->chans[c];

			if (ch->kind == CP_CHAN_SVID && !ch->schan)
				continue;
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

/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>
#include "lldp/agent.h"

#include <stdlib.h>
#include <string.h>

/*
 * The local MIB in the agent's own storage: what lldp_agent_local points to,
 * copied, plus the org TLVs set by the owner.  Kept apart from the encoded
 * frame so a rejected change can be dropped without touching either.
 */
struct lldp_mib {
	uint8_t mac[VN_ETH_ALEN];
	struct lldp_id chassis;
	struct lldp_id port;
	bool has_port_desc, has_sys_name, has_sys_desc, has_sys_cap, has_mgmt;
	bool has_evb, has_cdcp;
	struct lldp_str port_desc;
	struct lldp_str sys_name;
	struct lldp_str sys_desc;
	struct lldp_sys_cap sys_cap;
	struct lldp_mgmt mgmt;
	struct lldp_evb evb;
	struct lldp_cdcp cdcp;
};

struct lldp_agent_sm {
	struct lldp_agent_cfg cfg; /* local's pointers are cleared: see mib */
	lldp_agent_send_cb send;
	void *aux;
	uint8_t group_mac[VN_ETH_ALEN];
	uint16_t tx_ttl; /* txTTL */

	struct lldp_mib mib;

	/* transmit timer machine (9.2.9) and transmit machine (9.2.8) */
	bool started;           /* first tick seen: TX_TIMER_INITIALIZE done */
	bool shut;              /* shutdown LLDPDU sent: transmit stopped */
	bool tx_now;            /* txNow: a frame is signalled, waiting for credit */
	bool local_change;      /* localChange */
	bool new_neighbor;      /* newNeighbor */
	bool in_cb;             /* an owner callback is running */
	unsigned int tx_fast;   /* txFast: fast frames still to send */
	unsigned int tx_credit; /* txCredit */
	uint64_t tx_due;        /* txTTR expiry, us */
	uint64_t credit_at;     /* next txTick, us */
	uint64_t now;           /* latest time passed in */

	/* receive side */
	uint64_t too_many_until; /* tooManyNeighborsTimer expiry, us */
	struct vn_err last_err;
	size_t n_nb;
	struct lldp_neighbor *nb;      /* cfg.max_neighbors entries, dense, insertion order */
	struct lldp_neighbor nb_stage; /* an LLDPDU being taken in */
	struct lldp_neighbor nb_gone;  /* a removed neighbour, for the callback */

	struct lldp_agent_stats stats;

	/* the information frame, and a scratch frame for changes and shutdown */
	size_t frame_len;
	size_t stage_len;
	uint8_t frame[LLDP_FRAME_MAX];
	uint8_t stage[LLDP_FRAME_MAX];

	/* decode / encode scratch (11 KB: kept off the stack) */
	struct lldp_pdu pdu;
};

/* ---- configuration ------------------------------------------------------ */

void
lldp_agent_cfg_init(struct lldp_agent_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->group = LLDP_AGENT_NEAREST_BRIDGE;
	cfg->admin = LLDP_ADMIN_RXTX;
	cfg->local.sys_cap = LLDP_CAP_BRIDGE;
	cfg->local.sys_cap_enabled = LLDP_CAP_BRIDGE;
	cfg->tx_interval = LLDP_DEF_TX_INTERVAL;
	cfg->tx_hold = LLDP_DEF_TX_HOLD;
	cfg->fast_tx = LLDP_DEF_FAST_TX;
	cfg->tx_fast_init = LLDP_DEF_TX_FAST_INIT;
	cfg->tx_credit_max = LLDP_DEF_TX_CREDIT_MAX;
	cfg->max_neighbors = LLDP_DEF_MAX_NEIGHBORS;
	cfg->replace_same_source = true;
}

/* Copy a NUL-terminated string of at most 255 bytes into an lldp_str. */
static int
copy_str(struct lldp_str *dst, const char *src, const char *too_long, struct vn_err *err)
{
	size_t n = strnlen(src, LLDP_STR_MAX + 1);

	if (n > LLDP_STR_MAX)
		return vn_fail(err, VN_EINVAL, too_long, 0);
	memset(dst, 0, sizeof(*dst));
	dst->len = (uint8_t)n;
	memcpy(dst->str, src, n);
	return 0;
}

/* Fill the local-MIB part of *m from *local (org TLVs untouched). */
static int
mib_set_local(struct lldp_mib *m, const struct lldp_agent_local *local, struct vn_err *err)
{
	size_t n;
	int rc;

	if (!local->port_name)
		return vn_fail(err, VN_EINVAL, "port name (Port ID) is missing", 0);
	n = strnlen(local->port_name, LLDP_ID_MAX + 1);
	if (n == 0 || n > LLDP_ID_MAX)
		return vn_fail(err, VN_EINVAL, "port name is not 1..255 bytes", 0);

	memcpy(m->mac, local->mac, VN_ETH_ALEN);
	memset(&m->chassis, 0, sizeof(m->chassis));
	m->chassis.subtype = LLDP_CHASSIS_MAC;
	m->chassis.len = VN_ETH_ALEN;
	memcpy(m->chassis.id, local->mac, VN_ETH_ALEN);
	memset(&m->port, 0, sizeof(m->port));
	m->port.subtype = LLDP_PORT_IFNAME;
	m->port.len = (uint8_t)n;
	memcpy(m->port.id, local->port_name, n);

	m->has_port_desc = local->port_desc != NULL;
	if (local->port_desc &&
		(rc = copy_str(&m->port_desc, local->port_desc,
			 "port description longer than 255 bytes", err)) != 0)
		return rc;
	m->has_sys_name = local->sys_name != NULL;
	if (local->sys_name &&
		(rc = copy_str(&m->sys_name, local->sys_name,
			 "system name longer than 255 bytes", err)) != 0)
		return rc;
	m->has_sys_desc = local->sys_desc != NULL;
	if (local->sys_desc &&
		(rc = copy_str(&m->sys_desc, local->sys_desc,
			 "system description longer than 255 bytes", err)) != 0)
		return rc;
	m->has_sys_cap = local->sys_cap != 0 || local->sys_cap_enabled != 0;
	m->sys_cap.cap = local->sys_cap;
	m->sys_cap.enabled = local->sys_cap_enabled;
	m->has_mgmt = local->mgmt != NULL;
	if (local->mgmt)
		m->mgmt = *local->mgmt; /* ranges checked by lldp_encode */
	return 0;
}

int
lldp_agent_cfg_validate(const struct lldp_agent_cfg *cfg, struct vn_err *err)
{
	struct lldp_mib m; /* about 2 KB */

	if ((unsigned int)cfg->group > LLDP_AGENT_NEAREST_CUSTOMER)
		return vn_fail(err, VN_EINVAL, "unknown LLDP agent group", 0);
	if ((unsigned int)cfg->admin > LLDP_ADMIN_DISABLED)
		return vn_fail(err, VN_EINVAL, "unknown adminStatus", 0);
	/* 802.1AB-2016 9.2.5 / LLDP-V2-MIB ranges. */
	if (cfg->tx_interval < 1 || cfg->tx_interval > 3600)
		return vn_fail(err, VN_EINVAL, "msgTxInterval is not 1..3600 s", 0);
	if (cfg->tx_hold < 1 || cfg->tx_hold > 100)
		return vn_fail(err, VN_EINVAL, "msgTxHold is not 1..100", 0);
	if (cfg->fast_tx < 1 || cfg->fast_tx > 3600)
		return vn_fail(err, VN_EINVAL, "msgFastTx is not 1..3600 s", 0);
	if (cfg->tx_fast_init < 1 || cfg->tx_fast_init > 8)
		return vn_fail(err, VN_EINVAL, "txFastInit is not 1..8", 0);
	if (cfg->tx_credit_max < 1 || cfg->tx_credit_max > 10)
		return vn_fail(err, VN_EINVAL, "txCreditMax is not 1..10", 0);
	if (cfg->max_neighbors < 1 || cfg->max_neighbors > LLDP_NEIGHBORS_LIMIT)
		return vn_fail(err, VN_EINVAL, "max_neighbors is not 1..256", 0);
	memset(&m, 0, sizeof(m));
	return mib_set_local(&m, &cfg->local, err);
}

/* ---- building frames ---------------------------------------------------- */

/*
 * Encode *m into a->stage as a complete Ethernet frame: DA = the agent's
 * group MAC, SA = the configured MAC, 0x88CC, the LLDPDU (mibConstrInfoLLDPDU,
 * or mibConstrShutdownLLDPDU when shutdown: Chassis ID, Port ID, TTL 0, End),
 * zero padding to 60 bytes.
 */
static int
build_frame(
	struct lldp_agent_sm *a, const struct lldp_mib *m, bool shutdown, struct vn_err *err)
{
	struct lldp_pdu *p = &a->pdu;
	size_t pdu_len = 0;
	int rc;

	memset(p, 0, sizeof(*p));
	p->chassis = m->chassis;
	p->port = m->port;
	p->end = true; /* optional since 802.1AB-2016; lldpd and lldpad send it */
	if (!shutdown) {
		p->ttl = a->tx_ttl;
		p->has_port_desc = m->has_port_desc;
		p->port_desc = m->port_desc;
		p->has_sys_name = m->has_sys_name;
		p->sys_name = m->sys_name;
		p->has_sys_desc = m->has_sys_desc;
		p->sys_desc = m->sys_desc;
		p->has_sys_cap = m->has_sys_cap;
		p->sys_cap = m->sys_cap;
		if (m->has_mgmt) {
			p->n_mgmt = 1;
			p->mgmt[0] = m->mgmt;
		}
		p->has_evb = m->has_evb;
		p->evb = m->evb;
		p->has_cdcp = m->has_cdcp;
		p->cdcp = m->cdcp;
	}
	rc = lldp_encode(p, a->stage + LLDP_ETH_HDR_LEN, LLDP_MAX_PDU_LEN, &pdu_len, err);
	if (rc == VN_ENOSPC)
		return vn_fail(err, rc, "LLDPDU does not fit in a 1500-byte payload", 0);
	if (rc)
		return rc;
	memcpy(a->stage, a->group_mac, VN_ETH_ALEN);
	memcpy(a->stage + VN_ETH_ALEN, m->mac, VN_ETH_ALEN);
	vn_put_be16(a->stage + 2 * VN_ETH_ALEN, VN_ETH_LLDP);
	a->stage_len = LLDP_ETH_HDR_LEN + pdu_len;
	if (a->stage_len < LLDP_FRAME_MIN) {
		memset(a->stage + a->stage_len, 0, LLDP_FRAME_MIN - a->stage_len);
		a->stage_len = LLDP_FRAME_MIN;
	}
	return 0;
}

static bool
tx_enabled(const struct lldp_agent_sm *a)
{
	return a->cfg.admin == LLDP_ADMIN_RXTX || a->cfg.admin == LLDP_ADMIN_TX_ONLY;
}

static bool
rx_enabled(const struct lldp_agent_sm *a)
{
	return a->cfg.admin == LLDP_ADMIN_RXTX || a->cfg.admin == LLDP_ADMIN_RX_ONLY;
}

/*
 * Make *m the local MIB if it encodes.  A frame is signalled only when the
 * bytes change: the owner may re-set the same EVB TLV after every LLDPDU it
 * receives without making the agent transmit each time (lldpad's bridge
 * signals somethingChangedLocal on every EVB TLV it receives, which is why
 * two lldpads exchange LLDPDUs every second forever).
 */
static int
commit_mib(struct lldp_agent_sm *a, const struct lldp_mib *m, struct vn_err *err)
{
	int rc = build_frame(a, m, false, err);

	if (rc)
		return rc;
	a->mib = *m;
	if (a->stage_len == a->frame_len && !memcmp(a->stage, a->frame, a->frame_len))
		return 0;
	memcpy(a->frame, a->stage, a->stage_len);
	a->frame_len = a->stage_len;
	if (a->started && !a->shut && tx_enabled(a))
		a->local_change = true;
	return 0;
}

int
lldp_agent_set_local(
	struct lldp_agent_sm *a, const struct lldp_agent_local *local, struct vn_err *err)
{
	struct lldp_mib m = a->mib;
	int rc = mib_set_local(&m, local, err);

	return rc ? rc : commit_mib(a, &m, err);
}

int
lldp_agent_set_evb(struct lldp_agent_sm *a, const struct lldp_evb *evb, struct vn_err *err)
{
	struct lldp_mib m = a->mib;

	m.has_evb = evb != NULL;
	if (evb)
		m.evb = *evb;
	else
		memset(&m.evb, 0, sizeof(m.evb));
	return commit_mib(a, &m, err);
}

int
lldp_agent_set_cdcp(struct lldp_agent_sm *a, const struct lldp_cdcp *cdcp, struct vn_err *err)
{
	struct lldp_mib m = a->mib;

	m.has_cdcp = cdcp != NULL;
	if (cdcp)
		m.cdcp = *cdcp;
	else
		memset(&m.cdcp, 0, sizeof(m.cdcp));
	return commit_mib(a, &m, err);
}

/* ---- create / destroy --------------------------------------------------- */

struct lldp_agent_sm *
lldp_agent_create(const struct lldp_agent_cfg *cfg, lldp_agent_send_cb send, void *aux)
{
	struct lldp_agent_sm *a;
	struct lldp_mib m;
	uint32_t ttl;

	if (!send || lldp_agent_cfg_validate(cfg, NULL) != 0)
		return NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->nb = calloc(cfg->max_neighbors, sizeof(*a->nb));
	if (!a->nb) {
		free(a);
		return NULL;
	}
	a->cfg = *cfg;
	/* The strings were the caller's: only the copies in a->mib are used. */
	memset(&a->cfg.local, 0, sizeof(a->cfg.local));
	a->send = send;
	a->aux = aux;
	lldp_agent_mac(cfg->group, a->group_mac);
	/* txTTL = min(65535, msgTxInterval * msgTxHold + 1), 802.1AB-2016 9.2.5.22 */
	ttl = (uint32_t)cfg->tx_interval * cfg->tx_hold + 1;
	a->tx_ttl = ttl > 65535 ? 65535 : (uint16_t)ttl;

	memset(&m, 0, sizeof(m));
	if (mib_set_local(&m, &cfg->local, NULL) != 0 || commit_mib(a, &m, NULL) != 0) {
		lldp_agent_destroy(a); /* e.g. a management address out of range */
		return NULL;
	}
	return a;
}

void
lldp_agent_destroy(struct lldp_agent_sm *a)
{
	if (!a)
		return;
	free(a->nb);
	free(a);
}

/* ---- neighbour table ---------------------------------------------------- */

static void
notify(struct lldp_agent_sm *a, enum lldp_nb_event ev, enum lldp_nb_reason why,
	const struct lldp_neighbor *nb)
{
	if (!a->cfg.neighbor_cb)
		return;
	a->in_cb = true;
	a->cfg.neighbor_cb(a->aux, a, ev, why, nb);
	a->in_cb = false;
}

static bool
id_eq(const struct lldp_id *x, const struct lldp_id *y)
{
	return x->subtype == y->subtype && x->len == y->len && !memcmp(x->id, y->id, x->len);
}

static int
find_msap(const struct lldp_agent_sm *a, const struct lldp_id *chassis,
	const struct lldp_id *port)
{
	for (size_t i = 0; i < a->n_nb; i++)
		if (id_eq(&a->nb[i].chassis, chassis) && id_eq(&a->nb[i].port, port))
			return (int)i;
	return -1;
}

/*
 * Remove entry i.  The owner is told afterwards, with a copy: when its
 * callback looks at the table (to renegotiate EVB, say) the neighbour is
 * already gone.
 */
static void
remove_nb(struct lldp_agent_sm *a, size_t i, enum lldp_nb_reason why)
{
	a->stats.deletes++; /* every removal, as lldpd counts h_delete_cnt */
	if (a->cfg.neighbor_cb)
		a->nb_gone = a->nb[i];
	if (i + 1 < a->n_nb)
		memmove(&a->nb[i], &a->nb[i + 1], (a->n_nb - i - 1) * sizeof(a->nb[0]));
	a->n_nb--;
	notify(a, LLDP_NB_REMOVED, why, &a->nb_gone);
}

/* rxInfoAge: drop every neighbour whose TTL has run out (now >= expires). */
static void
age(struct lldp_agent_sm *a, uint64_t now)
{
	size_t i = 0;

	while (i < a->n_nb) {
		if (now >= a->nb[i].expires) {
			a->stats.ageouts++;
			remove_nb(a, i, LLDP_NB_AGED);
		} else {
			i++;
		}
	}
}

static void
note_time(struct lldp_agent_sm *a, uint64_t now)
{
	if (now > a->now)
		a->now = now;
}

/* Take what the switch needs out of the decoded LLDPDU (a->pdu). */
static void
stage_neighbor(struct lldp_agent_sm *a, const uint8_t *frame, size_t len, uint64_t now)
{
	const struct lldp_pdu *p = &a->pdu;
	struct lldp_neighbor *s = &a->nb_stage;
	size_t pdu_len = len - LLDP_ETH_HDR_LEN;

	memset(s, 0, sizeof(*s));
	memcpy(s->src_mac, frame + VN_ETH_ALEN, VN_ETH_ALEN);
	s->chassis = p->chassis;
	s->port = p->port;
	s->ttl = p->ttl;
	s->last_update = now;
	s->expires = now + (uint64_t)p->ttl * LLDP_US_PER_S;
	s->has_port_desc = p->has_port_desc;
	s->port_desc = p->port_desc;
	s->has_sys_name = p->has_sys_name;
	s->sys_name = p->sys_name;
	s->has_sys_desc = p->has_sys_desc;
	s->sys_desc = p->sys_desc;
	s->has_sys_cap = p->has_sys_cap;
	s->sys_cap = p->sys_cap;
	s->has_mgmt = p->n_mgmt > 0;
	if (p->n_mgmt)
		s->mgmt = p->mgmt[0];
	s->has_evb = p->has_evb;
	s->evb = p->evb;
	s->has_cdcp = p->has_cdcp;
	s->cdcp = p->cdcp;
	s->has_evb_draft = p->has_evb_draft;
	s->evb_draft = p->evb_draft;
	s->tlvs_unrecognized = lldp_tlvs_unrecognized(p);
	/* Jumbo LLDPDUs are not kept raw: every one then counts as a change. */
	if (pdu_len <= LLDP_MAX_PDU_LEN) {
		s->raw_len = (uint16_t)pdu_len;
		memcpy(s->raw, frame + LLDP_ETH_HDR_LEN, pdu_len);
	}
}

enum lldp_rx_result
lldp_agent_rx(struct lldp_agent_sm *a, const uint8_t *frame, size_t len, uint64_t now)
{
	struct lldp_neighbor *s = &a->nb_stage;
	struct vn_err err = { NULL, 0 };
	int i;

	if (!frame || len < LLDP_ETH_HDR_LEN || memcmp(frame, a->group_mac, VN_ETH_ALEN) != 0 ||
		vn_get_be16(frame + 2 * VN_ETH_ALEN) != VN_ETH_LLDP)
		return LLDP_RX_NOT_MINE;
	if (!rx_enabled(a) || a->in_cb)
		return LLDP_RX_DISABLED;
	note_time(a, now);
	age(a, now);

	a->stats.rx_frames++;
	if (lldp_decode(frame + LLDP_ETH_HDR_LEN, len - LLDP_ETH_HDR_LEN, &a->pdu, &err) != 0) {
		/* 802.1AB-2016 9.2.7.x rxProcessFrame: a bad LLDPDU is discarded
		 * and counted; lldpd does the same (rx_discarded_cnt). */
		a->stats.rx_discarded++;
		a->last_err = err;
		return LLDP_RX_DISCARDED;
	}
	a->stats.rx_tlvs_unrecognized += lldp_tlvs_unrecognized(&a->pdu);
	a->stats.rx_tlvs_discarded += a->pdu.mgmt_dropped;
	stage_neighbor(a, frame, len, now);
	/* From here on a->pdu is free: callbacks may rebuild the local frame. */

	i = find_msap(a, &s->chassis, &s->port);
	if (s->ttl == 0) {
		/* Shutdown LLDPDU: forget the MSAP now (9.2.7.x, lldpd). */
		if (i >= 0)
			remove_nb(a, (size_t)i, LLDP_NB_SHUTDOWN);
		return LLDP_RX_OK;
	}
	if (i >= 0) {
		struct lldp_neighbor *nb = &a->nb[i];
		bool changed = s->raw_len == 0 || s->raw_len != nb->raw_len ||
			memcmp(s->raw, nb->raw, s->raw_len) != 0 ||
			memcmp(s->src_mac, nb->src_mac, VN_ETH_ALEN) != 0;

		s->first_seen = nb->first_seen;
		s->rx_frames = nb->rx_frames + 1;
		*nb = *s;
		if (changed)
			notify(a, LLDP_NB_UPDATED, LLDP_NB_NEW, nb);
		return LLDP_RX_OK;
	}
	if (a->cfg.replace_same_source) {
		size_t j = 0;

		while (j < a->n_nb) {
			if (!memcmp(a->nb[j].src_mac, s->src_mac, VN_ETH_ALEN))
				remove_nb(a, j, LLDP_NB_REPLACED);
			else
				j++;
		}
	}
	if (a->n_nb >= a->cfg.max_neighbors) {
		/* 9.2.7.7 tooManyNeighbors: keep what we have, drop the new one
		 * (lldpd: "too many neighbors for port, drop this new one"). */
		a->stats.drops++;
		if (s->expires > a->too_many_until)
			a->too_many_until = s->expires;
		return LLDP_RX_DROPPED;
	}
	s->first_seen = now;
	s->rx_frames = 1;
	a->nb[a->n_nb] = *s;
	a->n_nb++;
	a->stats.inserts++;
	/* 9.2.7.x: a new neighbour starts fast transmission (TX_FAST_START). */
	if (tx_enabled(a) && !a->shut)
		a->new_neighbor = true;
	notify(a, LLDP_NB_ADDED, LLDP_NB_NEW, &a->nb[a->n_nb - 1]);
	return LLDP_RX_OK;
}

/* ---- transmit ----------------------------------------------------------- */

static int
send_frame(struct lldp_agent_sm *a, const uint8_t *frame, size_t len)
{
	int rc = a->send(a->aux, frame, len);

	if (rc == 0)
		a->stats.tx_frames++;
	else
		a->stats.tx_errors++;
	return rc;
}

/* SIGNAL_TX: txNow; restart txTTR with the fast or the normal interval. */
static void
signal_tx(struct lldp_agent_sm *a, uint64_t now)
{
	a->tx_now = true;
	a->local_change = false;
	a->tx_due = now +
		(uint64_t)(a->tx_fast > 0 ? a->cfg.fast_tx : a->cfg.tx_interval) *
			LLDP_US_PER_S;
}

/* TX_TIMER_EXPIRES: one fast frame fewer to go, then SIGNAL_TX. */
static void
timer_expires(struct lldp_agent_sm *a, uint64_t now)
{
	if (a->tx_fast > 0)
		a->tx_fast--;
	signal_tx(a, now);
}

static void
tx_run(struct lldp_agent_sm *a, uint64_t now)
{
	if (!tx_enabled(a) || a->shut)
		return;
	if (!a->started) {
		/* TX_TIMER_INITIALIZE / TX_LLDP_INITIALIZE, with the fast start
		 * lldpd and lldpad do when an agent comes up. */
		a->started = true;
		a->tx_credit = a->cfg.tx_credit_max;
		a->credit_at = now + LLDP_US_PER_S;
		a->tx_fast = a->cfg.tx_fast_init;
		a->tx_due = now;
		a->local_change = false;
	}
	/* TX_TICK, once a second: txAddCredit() up to txCreditMax. */
	if (now >= a->credit_at) {
		uint64_t ticks = (now - a->credit_at) / LLDP_US_PER_S + 1;
		uint64_t credit = a->tx_credit + ticks;

		a->tx_credit = credit > a->cfg.tx_credit_max ? a->cfg.tx_credit_max
							     : (unsigned int)credit;
		a->credit_at += ticks * LLDP_US_PER_S;
	}
	if (a->new_neighbor) {
		/* TX_FAST_START */
		a->new_neighbor = false;
		if (a->tx_fast == 0)
			a->tx_fast = a->cfg.tx_fast_init;
		timer_expires(a, now);
	} else if (a->local_change) {
		signal_tx(a, now);
	} else if (now >= a->tx_due) {
		timer_expires(a, now);
	}
	/* TX_INFO_FRAME when txNow and txCredit > 0. */
	if (a->tx_now && a->tx_credit > 0) {
		send_frame(a, a->frame, a->frame_len);
		a->tx_credit--;
		a->tx_now = false;
	}
}

void
lldp_agent_tick(struct lldp_agent_sm *a, uint64_t now)
{
	if (a->in_cb)
		return;
	note_time(a, now);
	age(a, now);
	tx_run(a, now);
}

uint64_t
lldp_agent_next_deadline(const struct lldp_agent_sm *a)
{
	uint64_t d = UINT64_MAX;

	if (tx_enabled(a) && !a->shut) {
		if (!a->started)
			d = 0;
		else if (a->new_neighbor || a->local_change)
			d = a->now;
		else if (a->tx_now)
			d = a->credit_at; /* signalled, waiting for a credit */
		else
			d = a->tx_due;
	}
	for (size_t i = 0; i < a->n_nb; i++)
		if (a->nb[i].expires < d)
			d = a->nb[i].expires;
	return d;
}

int
lldp_agent_shutdown(struct lldp_agent_sm *a, uint64_t now)
{
	int rc;

	if (a->in_cb || a->shut || !tx_enabled(a))
		return VN_EINVAL;
	note_time(a, now);
	/* TX_SHUTDOWN_FRAME: mibConstrShutdownLLDPDU, sent regardless of credit. */
	rc = build_frame(a, &a->mib, true, NULL);
	if (rc)
		return rc; /* cannot happen: the info frame with the same IDs encoded */
	a->shut = true;
	a->tx_now = false;
	a->local_change = false;
	a->new_neighbor = false;
	return send_frame(a, a->stage, a->stage_len);
}

/* ---- read access -------------------------------------------------------- */

const struct lldp_agent_stats *
lldp_agent_stats(const struct lldp_agent_sm *a)
{
	return &a->stats;
}

enum lldp_agent
lldp_agent_group(const struct lldp_agent_sm *a)
{
	return a->cfg.group;
}

uint16_t
lldp_agent_ttl(const struct lldp_agent_sm *a)
{
	return a->tx_ttl;
}

bool
lldp_agent_is_shut(const struct lldp_agent_sm *a)
{
	return a->shut;
}

const uint8_t *
lldp_agent_frame(const struct lldp_agent_sm *a, size_t *len)
{
	*len = a->frame_len;
	return a->frame;
}

struct vn_err
lldp_agent_last_error(const struct lldp_agent_sm *a)
{
	return a->last_err;
}

bool
lldp_agent_too_many_neighbors(const struct lldp_agent_sm *a, uint64_t now)
{
	return now < a->too_many_until;
}

size_t
lldp_agent_neighbor_count(const struct lldp_agent_sm *a)
{
	return a->n_nb;
}

const struct lldp_neighbor *
lldp_agent_neighbor(const struct lldp_agent_sm *a, size_t i)
{
	return i < a->n_nb ? &a->nb[i] : NULL;
}

const struct lldp_neighbor *
lldp_agent_find(const struct lldp_agent_sm *a, const struct lldp_id *chassis,
	const struct lldp_id *port)
{
	int i = find_msap(a, chassis, port);

	return i >= 0 ? &a->nb[i] : NULL;
}

const char *
lldp_nb_reason_name(enum lldp_nb_reason why)
{
	switch (why) {
	case LLDP_NB_NEW:
		return "received";
	case LLDP_NB_AGED:
		return "ttl expired";
	case LLDP_NB_SHUTDOWN:
		return "shutdown";
	case LLDP_NB_REPLACED:
		return "replaced";
	}
	return "unknown";
}

const char *
lldp_rx_result_name(enum lldp_rx_result r)
{
	switch (r) {
	case LLDP_RX_OK:
		return "ok";
	case LLDP_RX_DISCARDED:
		return "discarded";
	case LLDP_RX_DROPPED:
		return "dropped";
	case LLDP_RX_DISABLED:
		return "disabled";
	case LLDP_RX_NOT_MINE:
		return "not mine";
	}
	return "unknown";
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vdp_bridge.c - VDP bridge role (802.1Qbg-2012 / 802.1Q-2014 clause 41,
 * lldpad qbg/vdp22sm.c bridge side).  See vdp_bridge.h for the behaviour.
 */
#include <config.h>

#include "vepa/vdp_bridge.h"

#include <stdlib.h>
#include <string.h>

/* Bytes of a VSI TLV value up to and including the VSI ID: enough to name
 * the VSI (status 1, type id 3, version 1, format 1, VSI ID 16). */
#define VDP_VSI_NAME_LEN  22
/* The Manager ID TLV every VDPDU starts with. */
#define VDP_MGRID_TLV_LEN (VDP_TLV_HDR_LEN + VDP_MGRID_LEN)

struct vdp_bridge {
	struct vdp_bridge_config cfg;
	struct vdp_bridge_callbacks cb;
	void *aux;
	struct vdp_bridge_vsi *tab; /* cfg.max_vsi records */
	struct vdp_filter *pool;    /* 2 * max_vsi * max_filters entries */
	struct vdp_pdu *in;         /* decoded request (about 20 KiB) */
	struct vdp_pdu *one;        /* one-VSI PDU for vdp_encode */
	struct vdp_filter *scratch; /* VDP_MAX_FILTERS_PER_VSI entries */
	uint8_t *out;               /* response under construction */
	uint8_t *tlv;               /* vdp_encode output of 'one' */
	/* Finding a VSI without scanning the table (a request, a query):
	 * open addressing on format + VSI ID (the Manager ID, when it is part
	 * of the key, is compared in the probe), record index + 1 per slot, 0
	 * empty; backward-shift deletion, no tombstones.  idx_mask + 1 slots,
	 * at least twice max_vsi. */
	uint32_t *idx;
	uint32_t idx_mask;
	/* Free records: a bit per record (set: free), so that a new VSI takes
	 * the lowest free record, as the table's order is shown. */
	uint64_t *free_bits;
	/* The earliest refresh time of the records in use, kept as records
	 * come, are refreshed and go (a scan only when the earliest one is
	 * refreshed or goes).  UINT64_MAX: none. */
	uint64_t min_refreshed;
	struct vdp_bridge_stats stats;
};

/* A response VDPDU being built in br->out. */
struct vdp_resp {
	struct vn_wr w;
	size_t n_tlv;
};

void
vdp_bridge_config_default(struct vdp_bridge_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_vsi = 64;
	cfg->max_filters = 32;
	cfg->r = 3; /* lldpad defaults, lldp_evb22_cmds.c */
	cfg->rte = 8;
	cfg->rka = 20;
	cfg->key_mgrid = true;
	cfg->group_ids = false;
	cfg->refuse_with_deassoc = false;
}

uint64_t
vdp_bridge_keepalive_us(unsigned int r, unsigned int rte, unsigned int rka)
{
	/* lldpad vdp22_timeout, citing 41.5.5.9: towait = (1 + 2R) * 2^RTE * 10
	 * + 2^RKA * 10; towait += towait / 2. */
	uint64_t t = ((uint64_t)(2 * r + 1) << rte) * 10 + ((uint64_t)1 << rka) * 10;

	return t + t / 2;
}

static bool
vdp_br_timers_ok(unsigned int r, unsigned int rte, unsigned int rka)
{
	return r <= 7 && rte <= 31 && rka <= 31;
}

struct vdp_bridge *
vdp_bridge_create(
	const struct vdp_bridge_config *cfg, const struct vdp_bridge_callbacks *cb, void *aux)
{
	struct vdp_bridge *br;
	size_t per;

	if (!cfg || !cb || !cb->send || !cfg->max_vsi || !cfg->max_filters ||
		cfg->max_filters > VDP_MAX_FILTERS_PER_VSI ||
		!vdp_br_timers_ok(cfg->r, cfg->rte, cfg->rka))
		return NULL;
	br = calloc(1, sizeof(*br));
	if (!br)
		return NULL;
	br->cfg = *cfg;
	br->cb = *cb;
	br->aux = aux;
	per = cfg->max_filters;
	br->tab = calloc(cfg->max_vsi, sizeof(*br->tab));
	br->pool = calloc((size_t)cfg->max_vsi * 2 * per, sizeof(*br->pool));
	br->in = calloc(1, sizeof(*br->in));
	br->one = calloc(1, sizeof(*br->one));
	br->scratch = calloc(VDP_MAX_FILTERS_PER_VSI, sizeof(*br->scratch));
	br->out = calloc(1, VDP_MAX_PDU_LEN);
	br->tlv = calloc(1, VDP_MAX_PDU_LEN);
	br->idx_mask = 15;
	while ((size_t)br->idx_mask + 1 < 2 * (size_t)cfg->max_vsi)
		br->idx_mask = br->idx_mask * 2 + 1;
	br->idx = calloc((size_t)br->idx_mask + 1, sizeof(*br->idx));
	br->free_bits = calloc((cfg->max_vsi + 63) / 64, sizeof(*br->free_bits));
	br->min_refreshed = UINT64_MAX;
	if (!br->tab || !br->pool || !br->in || !br->one || !br->scratch || !br->out ||
		!br->tlv || !br->idx || !br->free_bits) {
		vdp_bridge_destroy(br);
		return NULL;
	}
	for (size_t i = 0; i < cfg->max_vsi; i++) {
		br->free_bits[i / 64] |= 1ull << (i % 64);
		br->tab[i].filters = br->pool + i * 2 * per;
		br->tab[i].req_filters = br->pool + i * 2 * per + per;
	}
	return br;
}

void
vdp_bridge_destroy(struct vdp_bridge *br)
{
	if (!br)
		return;
	free(br->tab);
	free(br->pool);
	free(br->in);
	free(br->one);
	free(br->scratch);
	free(br->out);
	free(br->tlv);
	free(br->idx);
	free(br->free_bits);
	free(br);
}

/* ---- table ------------------------------------------------------------- */

static uint32_t
vdp_br_hash(uint8_t format, const uint8_t *vsiid)
{
	uint32_t h = 2166136261u ^ format; /* FNV-1a */

	for (unsigned i = 0; i < VDP_VSIID_LEN; i++)
		h = (h ^ vsiid[i]) * 16777619u;
	return h ^ h >> 15;
}

static struct vdp_bridge_vsi *
vdp_br_lookup(
	const struct vdp_bridge *br, const uint8_t *mgrid, uint8_t format, const uint8_t *vsiid)
{
	for (uint32_t i = vdp_br_hash(format, vsiid) & br->idx_mask; br->idx[i];
		i = (i + 1) & br->idx_mask) {
		struct vdp_bridge_vsi *v = &br->tab[br->idx[i] - 1];

		if (!v->in_use || v->vsiid_format != format ||
			memcmp(v->vsiid, vsiid, VDP_VSIID_LEN))
			continue;
		if (br->cfg.key_mgrid && memcmp(v->mgrid, mgrid, VDP_MGRID_LEN))
			continue;
		return v;
	}
	return NULL;
}

/* A record that just got its key (format, VSI ID) goes into the index. */
static void
vdp_br_index(struct vdp_bridge *br, const struct vdp_bridge_vsi *v)
{
	uint32_t i = vdp_br_hash(v->vsiid_format, v->vsiid) & br->idx_mask;

	while (br->idx[i])
		i = (i + 1) & br->idx_mask;
	br->idx[i] = (uint32_t)(v - br->tab) + 1;
}

/* ... and out of it, before its key is cleared (backward shift: every
 * entry after the hole that may move closer to its home slot does). */
static void
vdp_br_unindex(struct vdp_bridge *br, const struct vdp_bridge_vsi *v)
{
	uint32_t want = (uint32_t)(v - br->tab) + 1, m = br->idx_mask;
	uint32_t j = vdp_br_hash(v->vsiid_format, v->vsiid) & m;

	while (br->idx[j] && br->idx[j] != want)
		j = (j + 1) & m;
	if (!br->idx[j])
		return; /* not indexed (cannot happen) */
	br->idx[j] = 0;
	for (uint32_t k = (j + 1) & m; br->idx[k]; k = (k + 1) & m) {
		const struct vdp_bridge_vsi *x = &br->tab[br->idx[k] - 1];
		uint32_t h = vdp_br_hash(x->vsiid_format, x->vsiid) & m;

		/* Leave it if its home is cyclically in (j, k]. */
		if (j <= k ? (h > j && h <= k) : (h > j || h <= k))
			continue;
		br->idx[j] = br->idx[k];
		br->idx[k] = 0;
		j = k;
	}
}

/* The lowest free record, taken (NULL: the table is full). */
static struct vdp_bridge_vsi *
vdp_br_alloc(struct vdp_bridge *br)
{
	for (size_t w = 0; w < ((size_t)br->cfg.max_vsi + 63) / 64; w++)
		if (br->free_bits[w]) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(br->free_bits[w]);

			return i < (size_t)br->cfg.max_vsi ? &br->tab[i] : NULL;
		}
	return NULL;
}

/* The earliest refresh of the records in use, looked for again (the
 * record that held it was refreshed or went). */
static void
vdp_br_min_again(struct vdp_bridge *br)
{
	br->min_refreshed = UINT64_MAX;
	for (size_t i = 0; i < br->cfg.max_vsi; i++)
		if (br->tab[i].in_use && br->tab[i].refreshed_us < br->min_refreshed)
			br->min_refreshed = br->tab[i].refreshed_us;
}

/* A record refreshed at 'now': when it held the earliest refresh, the
 * earliest is looked for again, so that next_deadline stays exact. */
static void
vdp_br_refresh(struct vdp_bridge *br, struct vdp_bridge_vsi *v, uint64_t now)
{
	bool was_min = v->refreshed_us == br->min_refreshed;

	v->refreshed_us = now;
	if (was_min)
		vdp_br_min_again(br);
}

/* A record comes into use with its key set: taken, indexed, timed. */
static void
vdp_br_taken(struct vdp_bridge *br, struct vdp_bridge_vsi *v)
{
	size_t i = (size_t)(v - br->tab);

	br->free_bits[i / 64] &= ~(1ull << (i % 64));
	vdp_br_index(br, v);
	if (v->refreshed_us < br->min_refreshed)
		br->min_refreshed = v->refreshed_us;
}

/* release() then forget the record (its filter slices stay assigned). */
static void
vdp_br_remove(struct vdp_bridge *br, struct vdp_bridge_vsi *v, enum vdp_bridge_reason reason)
{
	struct vdp_filter *f = v->filters, *rf = v->req_filters;

	size_t i = (size_t)(v - br->tab);
	bool was_min;

	if (br->cb.release)
		br->cb.release(br->aux, v, reason);
	br->stats.releases++;
	vdp_br_unindex(br, v);
	br->free_bits[i / 64] |= 1ull << (i % 64);
	was_min = v->refreshed_us == br->min_refreshed;
	memset(v, 0, sizeof(*v));
	v->filters = f;
	v->req_filters = rf;
	br->stats.n_vsi--;
	if (was_min)
		vdp_br_min_again(br);
}

uint64_t
vdp_bridge_vsi_deadline(const struct vdp_bridge *br, const struct vdp_bridge_vsi *vsi)
{
	return vsi->refreshed_us + vdp_bridge_keepalive_us(br->cfg.r, br->cfg.rte, br->cfg.rka);
}

/* ---- responses ----------------------------------------------------------- */

static void
vdp_resp_begin(struct vdp_bridge *br, struct vdp_resp *r, const uint8_t *mgrid)
{
	vn_wr_init(&r->w, br->out, VDP_MAX_PDU_LEN);
	vn_wr_be16(&r->w, (uint16_t)(VDP_TLV_MGRID << 9 | VDP_MGRID_LEN));
	vn_wr_bytes(&r->w, mgrid, VDP_MGRID_LEN);
	r->n_tlv = 0;
}

static void
vdp_resp_end(struct vdp_bridge *br, struct vdp_resp *r, uint64_t now)
{
	if (!r->n_tlv)
		return;
	br->stats.tx_pdus++;
	if (br->cb.send(br->aux, br->out, r->w.off, now))
		br->stats.tx_failures++;
}

static bool
vdp_resp_room(struct vdp_bridge *br, struct vdp_resp *r, size_t n)
{
	if (n > r->w.cap - r->w.off) {
		br->stats.tx_failures++; /* only a jumbo request can get here */
		return false;
	}
	return true;
}

/* Append one VSI TLV built by vdp_encode: encode a one-VSI VDPDU and keep
 * what follows its Manager ID TLV.  id supplies type, version, VSI ID and
 * filter format; mode and status are given. */
static void
vdp_resp_add(struct vdp_bridge *br, struct vdp_resp *r, const uint8_t *mgrid,
	const struct vdp_vsi *id, uint8_t mode, const struct vdp_status *st,
	const struct vdp_filter *f, size_t n)
{
	struct vdp_vsi t = *id;
	size_t len = 0;

	t.mode = mode;
	t.status = *st;
	vdp_pdu_init(br->one);
	br->one->has_mgrid = true;
	memcpy(br->one->mgrid, mgrid, VDP_MGRID_LEN);
	if (vdp_pdu_add_vsi(br->one, &t, f, n) < 0 ||
		vdp_encode(br->one, br->tlv, VDP_MAX_PDU_LEN, &len, NULL) ||
		len <= VDP_MGRID_TLV_LEN) {
		br->stats.tx_failures++; /* not reached: callers validate first */
		return;
	}
	if (!vdp_resp_room(br, r, len - VDP_MGRID_TLV_LEN))
		return;
	vn_wr_bytes(&r->w, br->tlv + VDP_MGRID_TLV_LEN, len - VDP_MGRID_TLV_LEN);
	r->n_tlv++;
}

/* Append a VSI TLV vdp_encode cannot build (a request that is itself
 * invalid): header, the new status octet, then val[1..vlen) verbatim. */
static void
vdp_resp_add_raw(struct vdp_bridge *br, struct vdp_resp *r, unsigned int type,
	const uint8_t *val, size_t vlen, uint8_t status)
{
	if (!vdp_resp_room(br, r, VDP_TLV_HDR_LEN + vlen))
		return;
	vn_wr_be16(&r->w, (uint16_t)(type << 9 | vlen));
	vn_wr_u8(&r->w, status);
	vn_wr_bytes(&r->w, val + 1, vlen - 1);
	r->n_tlv++;
}

/* A decoded VSI TLV with no filter entry, written field by field (the
 * encoder refuses n = 0, lldpad ignores such a TLV). */
static void
vdp_resp_add_empty(
	struct vdp_bridge *br, struct vdp_resp *r, const struct vdp_vsi *v, uint8_t status)
{
	uint8_t val[VDP_VSI_FIXED_LEN];

	val[0] = status;
	val[1] = (uint8_t)(v->type_id >> 16);
	val[2] = (uint8_t)(v->type_id >> 8);
	val[3] = (uint8_t)v->type_id;
	val[4] = v->type_version;
	val[5] = v->vsiid_format;
	memcpy(val + 6, v->vsiid, VDP_VSIID_LEN);
	val[22] = v->fif;
	val[23] = 0;
	val[24] = 0;
	vdp_resp_add_raw(br, r, v->mode, val, sizeof(val), status);
}

static uint8_t
vdp_status_octet(const struct vdp_status *st)
{
	uint8_t o = 0;

	(void)vdp_status_pack(st, &o, NULL);
	return o;
}

static void
vdp_br_count(struct vdp_bridge *br, const struct vdp_status *st)
{
	br->stats.status[st->error]++;
	if (st->keep_or_s)
		br->stats.resp_keep++;
	if (st->hard_or_m)
		br->stats.resp_hard++;
}

/* The record's identity as a VSI TLV template. */
static void
vdp_br_rec_vsi(const struct vdp_bridge_vsi *v, struct vdp_vsi *t)
{
	memset(t, 0, sizeof(*t));
	t->type_id = v->type_id;
	t->type_version = v->type_version;
	t->vsiid_format = v->vsiid_format;
	memcpy(t->vsiid, v->vsiid, VDP_VSIID_LEN);
	t->fif = v->fif;
}

/* Unsolicited DE-ASSOCIATE (status 0x00: no response bit) in its own VDPDU. */
static void
vdp_br_send_deassoc(struct vdp_bridge *br, const struct vdp_bridge_vsi *v, uint64_t now)
{
	struct vdp_status st = { 0 };
	struct vdp_resp r;
	struct vdp_vsi t;

	vdp_br_rec_vsi(v, &t);
	vdp_resp_begin(br, &r, v->mgrid);
	vdp_resp_add(br, &r, v->mgrid, &t, VDP_TLV_DEASSOC, &st, v->filters, v->n_filters);
	br->stats.tx_unsolicited++;
	vdp_resp_end(br, &r, now);
}

/* ---- requests ------------------------------------------------------------ */

/* Does a repeated request carry the filters already granted?  The station
 * may send the granted VID or 0 again; MAC, GroupID and, when PS is set,
 * PCP must be the same (lldpad cmp_fdata1). */
static bool
vdp_br_filters_match(const struct vdp_filter *req, const struct vdp_filter *got, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (memcmp(req[i].mac, got[i].mac, sizeof(req[i].mac)) ||
			req[i].group_id != got[i].group_id)
			return false;
		if (req[i].vid && req[i].vid != got[i].vid)
			return false;
		if (req[i].ps && (!got[i].ps || req[i].pcp != got[i].pcp))
			return false;
	}
	return true;
}

/* After admit: the owner may only fill VID 0 and set PCP where PS was clear;
 * restore everything else (lldpad's station rejects a response whose MAC,
 * GroupID or non-zero VID differ, and the whole word when PS is set).
 * False if the owner produced a VID or PCP that cannot be sent. */
static bool
vdp_br_fixup(const struct vdp_filter *req, struct vdp_filter *resp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memcpy(resp[i].mac, req[i].mac, sizeof(resp[i].mac));
		resp[i].group_id = req[i].group_id;
		if (req[i].vid)
			resp[i].vid = req[i].vid;
		if (req[i].ps) {
			resp[i].ps = true;
			resp[i].pcp = req[i].pcp;
		}
		if (resp[i].vid >= VDP_VID_RESERVED || resp[i].pcp > 7)
			return false;
	}
	return true;
}

/* Context of one request TLV. */
struct vdp_req {
	const struct vdp_pdu *pdu;
	const struct vdp_vsi *v;
	const struct vdp_filter *f;
	size_t n;
	struct vdp_bridge_vsi *cur; /* existing record or NULL */
};

/* Answer a refused request.  With an existing record and no hard error the
 * previous state is kept (KEEP); with HARD the record is released. */
static void
vdp_br_refuse(struct vdp_bridge *br, struct vdp_resp *r, struct vdp_req *q, uint8_t code,
	bool hard, const char *reason)
{
	struct vdp_status st = { .response = true, .error = code };
	uint8_t mode = q->v->mode;

	st.keep_or_s = q->cur && !hard;
	st.hard_or_m = hard;
	if (!st.keep_or_s && br->cfg.refuse_with_deassoc)
		mode = VDP_TLV_DEASSOC; /* lldpad BR_DEASSOC sets vsi_mode = DEASSOC */
	br->stats.refused++;
	vdp_br_count(br, &st);
	if (q->n)
		vdp_resp_add(br, r, q->pdu->mgrid, q->v, mode, &st, q->f, q->n);
	else
		vdp_resp_add_empty(br, r, q->v, vdp_status_octet(&st));
	if (q->cur) {
		q->cur->last_status = vdp_status_octet(&st);
		q->cur->last_reason = reason;
		if (hard)
			vdp_br_remove(br, q->cur, VDP_BRIDGE_REASON_HARD);
	}
}

static void
vdp_br_success(struct vdp_bridge *br, struct vdp_resp *r, struct vdp_req *q,
	const struct vdp_filter *granted, const char *reason)
{
	struct vdp_status st = { .response = true };

	vdp_br_count(br, &st);
	vdp_resp_add(br, r, q->pdu->mgrid, q->v, q->v->mode, &st, granted, q->n);
	if (q->cur) {
		q->cur->last_status = vdp_status_octet(&st);
		q->cur->last_reason = reason;
	}
}

static void
vdp_br_deassoc_req(struct vdp_bridge *br, struct vdp_resp *r, struct vdp_req *q)
{
	struct vdp_filter *f = br->scratch;

	if (!q->cur) {
		/* lldpad vdp22_station_info: nothing allocated -> just ACK. */
		br->stats.unknown_deassocs++;
		vdp_br_success(br, r, q, q->f, NULL);
		return;
	}
	/* Echo the request, with the granted VID where it says 0. */
	memcpy(f, q->f, q->n * sizeof(*f));
	if (q->n == q->cur->n_filters)
		for (size_t i = 0; i < q->n; i++)
			if (!f[i].vid)
				f[i].vid = q->cur->filters[i].vid;
	br->stats.station_deassocs++;
	vdp_br_success(br, r, q, f, "de-associated by the station");
	vdp_br_remove(br, q->cur, VDP_BRIDGE_REASON_STATION);
}

static bool
vdp_br_is_keepalive(const struct vdp_req *q)
{
	const struct vdp_bridge_vsi *c = q->cur;
	const struct vdp_vsi *v = q->v;

	return v->mode == c->state && v->type_id == c->type_id &&
		v->type_version == c->type_version && v->fif == c->fif &&
		q->n == c->n_filters && !memcmp(q->pdu->mgrid, c->mgrid, VDP_MGRID_LEN) &&
		vdp_br_filters_match(q->f, c->filters, q->n);
}

/* Ask the owner, then create or update the record. */
static void
vdp_br_admit(struct vdp_bridge *br, struct vdp_resp *r, struct vdp_req *q, uint64_t now)
{
	const struct vdp_vsi *v = q->v;
	struct vdp_filter *g = br->scratch;
	struct vdp_bridge_vsi *c;
	bool fresh;
	bool hard = false;
	int rc = 0;

	memcpy(g, q->f, q->n * sizeof(*g));
	if (br->cb.admit)
		rc = br->cb.admit(br->aux, v, q->f, q->n, v->mode, g, q->pdu->mgrid, q->cur);
	if (rc < 0 || (rc & ~(VDP_BRIDGE_ADMIT_HARD | VDP_STATUS_ERROR)) ||
		(rc & VDP_STATUS_ERROR) > VDP_ERR_MAX) {
		vdp_br_refuse(br, r, q, VDP_ERR_OTHER, false, "admission returned a bad code");
		return;
	}
	hard = (rc & VDP_BRIDGE_ADMIT_HARD) != 0;
	rc &= VDP_STATUS_ERROR;
	if (rc) {
		vdp_br_refuse(br, r, q, (uint8_t)rc, hard, "refused by admission");
		return;
	}
	if (!vdp_br_fixup(q->f, g, q->n)) {
		vdp_br_refuse(br, r, q, VDP_ERR_OTHER, false,
			"admission returned a VID or PCP out of range");
		return;
	}
	c = q->cur;
	fresh = !c;
	if (!c) {
		c = vdp_br_alloc(br); /* checked by the caller */
		c->in_use = true;
		c->created_us = now;
		c->refreshed_us = now;
		c->hint_m = vdp_status_m_bit(&v->status);
		c->hint_s = vdp_status_s_bit(&v->status);
		br->stats.n_vsi++;
	}
	c->state = v->mode;
	c->mode = v->mode;
	memcpy(c->mgrid, q->pdu->mgrid, VDP_MGRID_LEN);
	c->type_id = v->type_id;
	c->type_version = v->type_version;
	c->vsiid_format = v->vsiid_format;
	memcpy(c->vsiid, v->vsiid, VDP_VSIID_LEN);
	c->fif = v->fif;
	c->n_filters = (uint16_t)q->n;
	memcpy(c->filters, g, q->n * sizeof(*g));
	memcpy(c->req_filters, q->f, q->n * sizeof(*g));
	if (fresh)
		vdp_br_taken(br, c);
	q->cur = c;
	br->stats.admitted++;
	vdp_br_success(br, r, q, c->filters, "admitted");
}

static void
vdp_br_request(struct vdp_bridge *br, struct vdp_resp *r, const struct vdp_pdu *pdu,
	const struct vdp_vsi *v, uint64_t now)
{
	struct vdp_req q = { .pdu = pdu, .v = v };

	if (v->status.response) {
		br->stats.rx_ignored++; /* a response is no request (lldpad response_ok) */
		return;
	}
	br->stats.rx_requests++;
	q.f = vdp_vsi_filters(pdu, v);
	q.n = v->n_filters;
	q.cur = vdp_br_lookup(br, pdu->mgrid, v->vsiid_format, v->vsiid);
	if (q.cur) {
		/* Any request shows the station alive; hints are recorded. */
		q.cur->mode = v->mode;
		vdp_br_refresh(br, q.cur, now);
		q.cur->hint_m = vdp_status_m_bit(&v->status);
		q.cur->hint_s = vdp_status_s_bit(&v->status);
	}

	if (!q.n) {
		vdp_br_refuse(br, r, &q, VDP_ERR_INVALID_FORMAT, false,
			"VSI TLV without filter entry");
		return;
	}
	/* lldpad filter_ok: GroupID formats need BGID and SGID. */
	if (!br->cfg.group_ids &&
		(v->fif == VDP_FIF_GROUP_VID || v->fif == VDP_FIF_GROUP_MAC_VID)) {
		vdp_br_refuse(br, r, &q, VDP_ERR_INVALID_FORMAT, false,
			"GroupID filter format not negotiated");
		return;
	}
	if (v->mode == VDP_TLV_DEASSOC) {
		vdp_br_deassoc_req(br, r, &q);
		return;
	}
	if (q.n > br->cfg.max_filters) {
		vdp_br_refuse(br, r, &q, VDP_ERR_INSUFFICIENT_RESOURCES, false,
			"more filter entries than the bridge keeps per VSI");
		return;
	}
	if (q.cur) {
		if (q.cur->state == VDP_TLV_ASSOC &&
			(v->mode == VDP_TLV_PREASSOC || v->mode == VDP_TLV_PREASSOC_RR)) {
			vdp_br_refuse(br, r, &q, VDP_ERR_OTHER, false,
				"associate to pre-associate refused");
			return;
		}
		if (vdp_br_is_keepalive(&q)) {
			q.cur->n_refresh++;
			br->stats.keepalives++;
			vdp_br_success(br, r, &q, q.cur->filters, "keep-alive");
			return;
		}
	} else if (!vdp_br_alloc(br)) {
		br->stats.table_full++;
		vdp_br_refuse(
			br, r, &q, VDP_ERR_INSUFFICIENT_RESOURCES, false, "VSI table full");
		return;
	}
	vdp_br_admit(br, r, &q, now);
}

/* vdp_decode failed: answer status 1 for every VSI TLV that can be named. */
static void
vdp_br_malformed(struct vdp_bridge *br, const uint8_t *buf, size_t len, uint64_t now)
{
	const uint8_t *mgrid, *val;
	struct vdp_resp r;
	struct vn_rd rd;
	uint16_t hdr;

	vn_rd_init(&rd, buf, len);
	/* lldpad drops a VDPDU that does not start with a Manager ID TLV. */
	if (!vn_rd_be16(&rd, &hdr) || hdr >> 9 != VDP_TLV_MGRID ||
		(hdr & VDP_TLV_MAX_LEN) != VDP_MGRID_LEN)
		return;
	mgrid = vn_rd_ptr(&rd, VDP_MGRID_LEN);
	if (!mgrid)
		return;
	vdp_resp_begin(br, &r, mgrid);
	while (vn_rd_be16(&rd, &hdr)) {
		unsigned int type = hdr >> 9;
		size_t tlen = hdr & VDP_TLV_MAX_LEN;
		size_t avail = tlen < vn_rd_left(&rd) ? tlen : vn_rd_left(&rd);

		if (type == VDP_TLV_END || type == VDP_TLV_MGRID)
			break;
		val = vn_rd_ptr(&rd, avail);
		if (type >= VDP_TLV_PREASSOC && type <= VDP_TLV_DEASSOC &&
			avail >= VDP_VSI_NAME_LEN && !(val[0] & VDP_STATUS_RESPONSE)) {
			struct vdp_bridge_vsi *cur = vdp_br_lookup(br, mgrid, val[5], val + 6);
			struct vdp_status st = { .response = true,
				.error = VDP_ERR_INVALID_FORMAT };

			st.keep_or_s = cur != NULL;
			br->stats.rx_requests++;
			br->stats.refused++;
			vdp_br_count(br, &st);
			if (cur) {
				vdp_br_refresh(br, cur, now);
				cur->last_status = vdp_status_octet(&st);
				cur->last_reason = "malformed request";
			}
			vdp_resp_add_raw(br, &r, type, val, avail, vdp_status_octet(&st));
		}
		if (avail < tlen)
			break;
	}
	vdp_resp_end(br, &r, now);
}

int
vdp_bridge_rx(struct vdp_bridge *br, const uint8_t *ulpdu, size_t len, uint64_t now)
{
	struct vn_err e = { 0 };
	struct vdp_resp r;

	br->stats.rx_pdus++;
	if (vdp_decode(ulpdu, len, br->in, &e)) {
		br->stats.rx_malformed++;
		br->stats.last_malformed = e.reason;
		vdp_br_malformed(br, ulpdu, len, now);
		return VN_EBADMSG;
	}
	vdp_resp_begin(br, &r, br->in->mgrid);
	for (size_t i = 0; i < br->in->n_vsi; i++)
		vdp_br_request(br, &r, br->in, &br->in->vsi[i], now);
	vdp_resp_end(br, &r, now);
	return 0;
}

/* ---- restore ----------------------------------------------------------------- */

int
vdp_bridge_restore(struct vdp_bridge *br, const uint8_t mgrid[VDP_MGRID_LEN],
	const struct vdp_vsi *v, const struct vdp_filter *f, size_t n, uint64_t now)
{
	struct vdp_filter *g = br->scratch;
	struct vdp_bridge_vsi *c;
	struct vdp_vsi t;
	size_t len = 0;
	int rc = 0;

	if (!mgrid || !v || !f || !n || n > br->cfg.max_filters ||
		(v->mode != VDP_TLV_PREASSOC && v->mode != VDP_TLV_PREASSOC_RR &&
			v->mode != VDP_TLV_ASSOC) ||
		(!br->cfg.group_ids &&
			(v->fif == VDP_FIF_GROUP_VID || v->fif == VDP_FIF_GROUP_MAC_VID)))
		return VN_EINVAL;
	/* Whatever the record holds must make a valid response (keep-alive
	 * answers are built from it): the encoder checks every field. */
	t = *v;
	t.status = (struct vdp_status) { .response = true };
	vdp_pdu_init(br->one);
	br->one->has_mgrid = true;
	memcpy(br->one->mgrid, mgrid, VDP_MGRID_LEN);
	if (vdp_pdu_add_vsi(br->one, &t, f, n) < 0 ||
		vdp_encode(br->one, br->tlv, VDP_MAX_PDU_LEN, &len, NULL))
		return VN_EINVAL;
	if (vdp_br_lookup(br, mgrid, v->vsiid_format, v->vsiid))
		return VN_EINVAL;
	c = vdp_br_alloc(br);
	if (!c) {
		br->stats.table_full++;
		return VN_ENOSPC;
	}
	memcpy(g, f, n * sizeof(*g));
	if (br->cb.admit)
		rc = br->cb.admit(br->aux, v, f, n, v->mode, g, mgrid, NULL);
	if (rc) {
		br->stats.refused++;
		rc &= VDP_STATUS_ERROR;
		return rc > 0 && rc <= VDP_ERR_MAX ? rc : VDP_ERR_OTHER;
	}
	if (!vdp_br_fixup(f, g, n)) {
		br->stats.refused++;
		return VDP_ERR_OTHER;
	}
	c->in_use = true;
	c->created_us = now;
	c->refreshed_us = now; /* the keep-alive supervision starts afresh */
	c->hint_m = vdp_status_m_bit(&v->status);
	c->hint_s = vdp_status_s_bit(&v->status);
	c->state = v->mode;
	c->mode = v->mode;
	memcpy(c->mgrid, mgrid, VDP_MGRID_LEN);
	c->type_id = v->type_id;
	c->type_version = v->type_version;
	c->vsiid_format = v->vsiid_format;
	memcpy(c->vsiid, v->vsiid, VDP_VSIID_LEN);
	c->fif = v->fif;
	c->n_filters = (uint16_t)n;
	memcpy(c->filters, g, n * sizeof(*g));
	memcpy(c->req_filters, f, n * sizeof(*g));
	c->last_status = 0x40; /* as if answered with success */
	c->last_reason = "restored";
	vdp_br_taken(br, c);
	br->stats.n_vsi++;
	br->stats.admitted++;
	br->stats.restored++;
	return 0;
}

/* ---- timers and bridge-initiated changes ----------------------------------- */

void
vdp_bridge_tick(struct vdp_bridge *br, uint64_t now)
{
	uint64_t min = UINT64_MAX;

	/* Nothing can be due before the earliest refresh's deadline. */
	if (!br->stats.n_vsi || now < vdp_bridge_next_deadline(br))
		return;
	for (size_t i = 0; i < br->cfg.max_vsi; i++) {
		struct vdp_bridge_vsi *v = &br->tab[i];

		if (!v->in_use)
			continue;
		if (now < vdp_bridge_vsi_deadline(br, v)) {
			if (v->refreshed_us < min)
				min = v->refreshed_us;
			continue;
		}
		br->stats.keepalive_expiries++;
		v->last_reason = "keep-alive expired";
		vdp_br_send_deassoc(br, v, now);
		vdp_br_remove(br, v, VDP_BRIDGE_REASON_KEEPALIVE);
	}
	br->min_refreshed = min;
}

uint64_t
vdp_bridge_next_deadline(const struct vdp_bridge *br)
{
	/* Exact: min_refreshed follows every record that comes, is
	 * refreshed (vdp_br_refresh) or goes (vdp_br_remove). */
	if (!br->stats.n_vsi || br->min_refreshed == UINT64_MAX)
		return VDP_BRIDGE_NEVER;
	return br->min_refreshed + vdp_bridge_keepalive_us(br->cfg.r, br->cfg.rte, br->cfg.rka);
}

static struct vdp_bridge_vsi *
vdp_br_own(const struct vdp_bridge *br, const struct vdp_bridge_vsi *vsi)
{
	for (size_t i = 0; i < br->cfg.max_vsi; i++)
		if (&br->tab[i] == vsi && vsi->in_use)
			return &br->tab[i];
	return NULL;
}

int
vdp_bridge_deassoc(struct vdp_bridge *br, const struct vdp_bridge_vsi *vsi,
	enum vdp_bridge_reason reason, uint64_t now)
{
	struct vdp_bridge_vsi *v = vdp_br_own(br, vsi);

	if (!v)
		return VN_EINVAL;
	br->stats.bridge_deassocs++;
	v->last_reason = "de-associated by the bridge";
	vdp_br_send_deassoc(br, v, now);
	vdp_br_remove(br, v, reason);
	return 0;
}

void
vdp_bridge_release_all(
	struct vdp_bridge *br, enum vdp_bridge_reason reason, bool send_deassoc, uint64_t now)
{
	for (size_t i = 0; i < br->cfg.max_vsi; i++) {
		struct vdp_bridge_vsi *v = &br->tab[i];

		if (!v->in_use)
			continue;
		br->stats.bridge_deassocs++;
		if (send_deassoc)
			vdp_br_send_deassoc(br, v, now);
		vdp_br_remove(br, v, reason);
	}
}

int
vdp_bridge_set_timers(struct vdp_bridge *br, uint8_t r, uint8_t rte, uint8_t rka)
{
	if (!vdp_br_timers_ok(r, rte, rka))
		return VN_EINVAL;
	br->cfg.r = r;
	br->cfg.rte = rte;
	br->cfg.rka = rka;
	return 0;
}

void
vdp_bridge_set_group_ids(struct vdp_bridge *br, bool on)
{
	br->cfg.group_ids = on;
}

/* ---- queries --------------------------------------------------------------- */

const struct vdp_bridge_vsi *
vdp_bridge_find(const struct vdp_bridge *br, const uint8_t mgrid[VDP_MGRID_LEN],
	uint8_t vsiid_format, const uint8_t vsiid[VDP_VSIID_LEN])
{
	return vdp_br_lookup(br, mgrid, vsiid_format, vsiid);
}

const struct vdp_bridge_vsi *
vdp_bridge_next(const struct vdp_bridge *br, const struct vdp_bridge_vsi *prev)
{
	size_t i = 0;

	if (prev) {
		uintptr_t a = (uintptr_t)prev, b = (uintptr_t)br->tab;

		if (a < b || a >= b + br->cfg.max_vsi * sizeof(*br->tab))
			return NULL;
		i = (a - b) / sizeof(*br->tab) + 1;
	}
	for (; i < br->cfg.max_vsi; i++)
		if (br->tab[i].in_use)
			return &br->tab[i];
	return NULL;
}

const struct vdp_bridge_stats *
vdp_bridge_stats(const struct vdp_bridge *br)
{
	return &br->stats;
}

const char *
vdp_bridge_reason_name(unsigned int reason)
{
	switch (reason) {
	case VDP_BRIDGE_REASON_STATION:
		return "station";
	case VDP_BRIDGE_REASON_KEEPALIVE:
		return "keep-alive";
	case VDP_BRIDGE_REASON_ADMIN:
		return "admin";
	case VDP_BRIDGE_REASON_HARD:
		return "hard-error";
	case VDP_BRIDGE_REASON_PORT_DOWN:
		return "port-down";
	default:
		return "unknown";
	}
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pipeline.c - the datapath, read top to bottom:
 *
 *   ingress port/tag  ->  vEth  ->  ingress ACL, ingress policer
 *   ->  VLAN/FDB (learn, look up)  ->  per egress vEth: egress ACL, egress
 *   policer  ->  encapsulation  ->  the port's transmit
 *
 * Every stage passes the frame on or drops it with exactly one reason
 * counter.  Nothing allocates: the frame is read in place and each output
 * is written straight into the egress back-end's buffer.  With a trace the
 * same code records its decisions and changes nothing.
 *
 * Policy (the vEth's profile: policy.h) costs nothing for vEths without:
 * one flag in the vEth.  The ACL classifies the inner frame as one buffer,
 * DA SA EtherType payload with every tag taken off, with the vEth's VLAN
 * and the frame's priority as its tag (sw_acl_eval_tci); a frame with tags
 * is copied once into the switch's scratch buffer for that, and that copy
 * is then the frame switched.  A DSCP remark of the ingress policy is
 * written into that copy (every output carries it; the input is never
 * written); one of the egress policy into the output buffer of that copy
 * only.  A PCP remark sets the priority the output's C-tag, S-tag or
 * E-Tag carries.  The size a policer counts is the inner frame: DA to the
 * end of the payload, without VN-Tag, E-Tag, S-tag or C-tag (so a frame
 * costs the same tagged or not, in and out), without FCS.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "switchd/acl.h"
#include "switchd/sw_internal.h"
#include "switchd/trace.h"
#include "vntag/etag.h"
#include "vntag/eth.h"
#include "vntag/vntag.h"

#define ETH_MIN_LEN         60 /* 802.3 minimum frame without FCS: shorter output is padded */
#define SW_LEARN_REFRESH_MS 1000u /* learn(): an FDB entry's refresh period */

/* Everything known about the frame being switched. */
struct pctx {
	struct sw *sw;
	struct sw_trace *tr;
	uint64_t now;
	uint64_t rx_us; /* when the frame was received: the policers' time */
	const uint8_t *frame;
	size_t len;
	struct sw_port *in;
	struct sw_veth *src; /* NULL from an uplink */
	int32_t src_slot;    /* -1 from an uplink */
	uint16_t vlan;       /* classified VLAN, 0 = untagged domain */
	uint8_t pcp;         /* priority to carry in an egress C-tag (and S-tag) */
	size_t inner_off;    /* offset of the inner EtherType / length field */
	/* VEPA ingress: the S-channel (its S-VID; SW_SCHAN_DEFAULT_SVID for
	 * untagged frames and S-VID 1) and the first tag after its S-tag;
	 * 0 / 0 on other ports. */
	uint16_t in_svid;
	unsigned first_tag;
};

/* "One copy per (port, channel)" floods (VEPA): the first vEth of a VLAN
 * on a sub-port to take the copy marks the channel, the others find the
 * mark. */
static inline bool
chan_marked(const struct pctx *c, unsigned port, unsigned slot)
{
	return c->sw->flood_marks[port * SW_SCHAN_SLOTS + slot] == c->sw->flood_stamp;
}

static inline void
mark_chan(struct pctx *c, unsigned port, unsigned slot)
{
	c->sw->flood_marks[port * SW_SCHAN_SLOTS + slot] = c->sw->flood_stamp;
}

static void
drop(struct pctx *c, enum sw_drop why)
{
	if (c->tr) {
		c->tr->dropped = true;
		c->tr->drop_reason = why;
		sw_trace_step(c->tr, "drop: %s", sw_drop_name(why));
		return;
	}
	c->in->ctr.drops[why]++;
	if (c->src)
		c->src->ctr.drops[why]++;
}

/* A copy that the egress port cannot take: one frame may have many copies
 * (a flood), so this is counted per copy where it happened, on the egress
 * port and the destination vEth, not as the ingress frame's fate. */
static void
drop_copy(struct pctx *c, struct sw_port *out, struct sw_veth *dst, enum sw_drop why)
{
	if (c->tr) {
		c->tr->copies_dropped++;
		c->tr->copy_drop_reason = why;
		if (dst)
			sw_trace_step(c->tr, "drop copy to port %s vEth %u: %s", out->name,
				dst->id, sw_drop_name(why));
		else
			sw_trace_step(c->tr, "drop copy to port %s: %s", out->name,
				sw_drop_name(why));
		return;
	}
	out->ctr.drops[why]++;
	if (dst)
		dst->ctr.drops[why]++;
}

/* ---- egress: encapsulate one copy and hand it to the port ----------------- */

enum encap_kind { ENC_NONE, ENC_CTAG, ENC_VNTAG, ENC_ETAG };

struct encap {
	enum encap_kind kind;
	uint16_t svid; /* an S-tag with this S-VID first (VEPA S-channels); 0: none */
	uint16_t vid;  /* ENC_CTAG */
	uint8_t pcp;   /* priority of the C-tag and S-tag */
	int8_t dscp;   /* >= 0: remark this copy (egress policy) */
	struct vntag vt;
	struct etag et;
};

/* ---- policy: ACLs and policers of the vEths' profiles ------------------------ */

/* The inner frame copied into the scratch buffer (DA SA EtherType
 * payload), which from then on is the frame switched: the same bytes go
 * out, and a remark may be written into it.  false if it does not fit
 * (no back-end sends such a frame). */
static bool
inner_copy(struct pctx *c)
{
	struct sw *sw = c->sw;
	size_t rest = c->len - c->inner_off;

	if (c->frame == sw->scratch)
		return true;
	if (2 * VN_ETH_ALEN + rest > sizeof(sw->scratch))
		return false;
	memcpy(sw->scratch, c->frame, 2 * VN_ETH_ALEN);
	memcpy(sw->scratch + 2 * VN_ETH_ALEN, c->frame + c->inner_off, rest);
	c->frame = sw->scratch;
	c->len = 2 * VN_ETH_ALEN + rest;
	c->inner_off = 2 * VN_ETH_ALEN;
	return true;
}

/* The size a policer and the hit counters count: the inner frame. */
static size_t
inner_size(const struct pctx *c)
{
	return 2 * VN_ETH_ALEN + c->len - c->inner_off;
}

/* What one direction of a vEth's policy decided for a frame or a copy. */
struct verdict {
	bool pass;
	enum sw_drop why; /* when !pass */
	int pcp;          /* the priority it leaves with */
	int dscp;         /* >= 0: remark */
};

static void
trace_acl(struct pctx *c, const char *what, const struct sw_acl *acl,
	const struct sw_acl_result *res, const struct sw_veth *v)
{
	struct sw_acl_rule_info info;
	char act[SW_ACL_ACTION_MAX];

	if (res->rule >= 0 && !sw_acl_rule_get(acl, (size_t)res->rule, &info)) {
		sw_acl_format_action(info.action, act, sizeof(act));
		sw_trace_step(c->tr, "%s vEth %u: rule %d (priority %u, %s): %s", what, v->id,
			res->rule + 1, info.priority, info.match[0] ? info.match : "any", act);
	} else {
		sw_acl_format_action(sw_acl_default_action(acl), act, sizeof(act));
		sw_trace_step(
			c->tr, "%s vEth %u: no rule matches: default %s", what, v->id, act);
	}
}

/* Direction d of vEth v's policy on the frame as it stands; 'vlan' is the
 * vEth's VLAN, 'pcp' the priority so far. */
static struct verdict
police_dir(struct pctx *c, struct sw_veth *v, enum sw_dir d, int pcp)
{
	static const char *const acl_name[SW_DIR_N] = { "acl_in", "acl_out" };
	static const char *const pol_name[SW_DIR_N] = { "police_in", "police_out" };
	const struct sw_profile_pol *pp = &c->sw->profiles[v->profile].pol;
	struct sw_veth_pol *st = v->pol;
	struct verdict vd = { .pass = true, .pcp = pcp, .dscp = -1 };
	size_t size = inner_size(c);

	if (!st) {
		/* No memory for its state: the vEth fails closed. */
		if (c->tr)
			sw_trace_step(c->tr, "%s vEth %u: no policy state", acl_name[d], v->id);
		return (struct verdict) { false, d ? SW_DROP_ACL_OUT : SW_DROP_ACL_IN, pcp,
			-1 };
	}
	if (pp->acl[d]) {
		struct sw_acl_result res;

		/* The inner frame as two pieces (DA SA, then from the inner
		 * EtherType on): the tags in between are skipped, not cut out
		 * by a copy (the copy is made only for a remark). */
		if (sw_acl_peek_split(pp->acl[d], c->frame, c->frame + c->inner_off,
			    c->len - c->inner_off,
			    (uint16_t)((unsigned)(pcp & 7) << 13 | v->vlan), &res))
			return (struct verdict) { false, d ? SW_DROP_ACL_OUT : SW_DROP_ACL_IN,
				pcp, -1 };
		if (c->tr) {
			trace_acl(c, acl_name[d], pp->acl[d], &res, v);
		} else if (st->hits[d]) {
			/* Per vEth: the rule's counter, the default's last. */
			uint32_t i = res.rule >= 0 && (uint32_t)res.rule < st->n_rules[d]
				? (uint32_t)res.rule
				: st->n_rules[d];

			st->hits[d][i].frames++;
			st->hits[d][i].bytes += size;
		}
		if (res.verdict == SW_ACL_DENY)
			return (struct verdict) { false, d ? SW_DROP_ACL_OUT : SW_DROP_ACL_IN,
				pcp, -1 };
		if (res.pcp >= 0)
			vd.pcp = res.pcp;
		vd.dscp = res.dscp;
	}
	if (pp->police[d]) {
		struct sw_pol_result r;

		if (c->tr) {
			struct sw_pol tmp = st->pol[d]; /* a trace changes nothing */

			r = sw_pol_police(&tmp, size, c->rx_us);
			sw_trace_step(c->tr, "%s vEth %u: %zu bytes %s", pol_name[d], v->id,
				size,
				r.color == SW_POL_GREEN            ? "conform"
					: r.color == SW_POL_YELLOW ? "yellow"
								   : "exceed");
		} else {
			r = sw_pol_police(&st->pol[d], size, c->rx_us);
		}
		switch (r.act.type) {
		case SW_POL_ACT_DROP:
			return (struct verdict) { false,
				d ? SW_DROP_POLICE_OUT : SW_DROP_POLICE_IN, pcp, -1 };
		case SW_POL_ACT_SET_DSCP:
			vd.dscp = r.act.value;
			break;
		case SW_POL_ACT_SET_PCP:
			vd.pcp = r.act.value;
			break;
		default:
			break;
		}
	}
	return vd;
}

/* Ingress: the source vEth's acl_in and police_in.  A DSCP remark is
 * written into the switch's copy of the frame, which every output then
 * carries. */
static bool
ingress_policy(struct pctx *c)
{
	struct verdict vd = police_dir(c, c->src, SW_DIR_IN, c->pcp);

	if (!vd.pass) {
		drop(c, vd.why);
		return false;
	}
	c->pcp = (uint8_t)vd.pcp;
	if (vd.dscp >= 0 && inner_copy(c))
		sw_acl_set_dscp(c->sw->scratch, c->len, (uint8_t)vd.dscp);
	return true;
}

/* Egress: the destination vEth's acl_out and police_out for one copy; the
 * remarks go into 'e' (that copy only). */
static bool
egress_policy(struct pctx *c, struct sw_port *out, struct sw_veth *dst, struct encap *e)
{
	struct verdict vd = police_dir(c, dst, SW_DIR_OUT, e->pcp);

	if (!vd.pass) {
		drop_copy(c, out, dst, vd.why);
		return false;
	}
	e->pcp = (uint8_t)vd.pcp;
	e->dscp = (int8_t)vd.dscp;
	return true;
}

static void
describe_encap(const struct encap *e, char *buf, size_t n)
{
	if (e->svid) {
		/* Only VEPA vEths get an S-tag: a C-tag or nothing follows. */
		if (e->kind == ENC_CTAG)
			snprintf(buf, n, "802.1ad svid=%u 802.1Q vid=%u", e->svid, e->vid);
		else
			snprintf(buf, n, "802.1ad svid=%u", e->svid);
		return;
	}
	switch (e->kind) {
	case ENC_NONE:
		snprintf(buf, n, "untagged");
		break;
	case ENC_CTAG:
		snprintf(buf, n, "802.1Q vid=%u", e->vid);
		break;
	case ENC_VNTAG:
		snprintf(buf, n, "vntag d=1 p=0 dvif=%u looped=%u svif=%u", e->vt.dvif,
			e->vt.looped, e->vt.svif);
		break;
	case ENC_ETAG:
		snprintf(buf, n, "etag ecid=%u grp=0 ingress_ecid=%u", e->et.ecid,
			e->et.ingress_ecid);
		break;
	}
}

static size_t
emit(struct pctx *c, struct sw_port *out, struct sw_veth *dst, const struct encap *e)
{
	size_t taglen = (e->svid ? 4 : 0) +
		(e->kind == ENC_VNTAG                 ? VNTAG_HLEN
				: e->kind == ENC_ETAG ? ETAG_HLEN
				: e->kind == ENC_CTAG ? 4
						      : 0);
	size_t rest = c->len - c->inner_off;
	size_t total = 2 * VN_ETH_ALEN + taglen + rest;
	size_t padded = total < ETH_MIN_LEN ? ETH_MIN_LEN : total;
	uint8_t *b, *p;

	if (c->tr) {
		struct sw_trace_output *o;

		if (c->tr->n_outputs >= SW_TRACE_MAX_OUTPUTS) {
			c->tr->outputs_dropped++;
			return 0;
		}
		o = &c->tr->outputs[c->tr->n_outputs++];
		o->port = out->idx;
		o->veth = dst ? (int64_t)dst->id : -1;
		o->len = padded;
		describe_encap(e, o->encap, sizeof(o->encap));
		return 0;
	}
	if (!out->ops || !(b = out->ops->tx_buf(out, padded))) {
		drop_copy(c, out, dst, SW_DROP_TX_FULL);
		return 0;
	}
	memcpy(b, c->frame, 2 * VN_ETH_ALEN);
	p = b + 2 * VN_ETH_ALEN;
	if (e->svid) {
		/* S-channel: the S-tag (802.1ad) first, then the C-tag if any. */
		vn_put_be16(p, VN_ETH_STAG);
		vn_put_be16(p + 2, (uint16_t)((unsigned)e->pcp << 13 | e->svid));
		p += 4;
	}
	switch (e->kind) {
	case ENC_VNTAG: {
		uint32_t word = 0;

		vntag_pack(&e->vt, &word, NULL); /* fields were range-checked at bind time */
		vn_put_be16(p, VNTAG_TPID);
		vn_put_be32(p + 2, word);
		break;
	}
	case ENC_ETAG:
		vn_put_be16(p, ETAG_TPID);
		etag_pack(&e->et, p + 2, NULL);
		break;
	case ENC_CTAG:
		vn_put_be16(p, VN_ETH_CTAG);
		vn_put_be16(p + 2, (uint16_t)((unsigned)e->pcp << 13 | e->vid));
		break;
	case ENC_NONE:
		break;
	}
	memcpy(b + 2 * VN_ETH_ALEN + taglen, c->frame + c->inner_off, rest);
	/* The egress remark goes into this copy only.  sw_acl_set_dscp()
	 * reads the EtherType at offset 12 and what follows, so it is handed
	 * the copy from 'taglen' on: the tags then stand where it skips. */
	if (e->dscp >= 0)
		sw_acl_set_dscp(b + taglen, total - taglen, (uint8_t)e->dscp);
	if (padded > total)
		memset(b + total, 0, padded - total);
	out->ops->tx_commit(out, padded, c->now);
	out->ctr.tx_frames++;
	out->ctr.tx_bytes += padded;
	if (dst) {
		dst->ctr.tx_frames++;
		dst->ctr.tx_bytes += padded;
		dst->last_tx_us = c->now;
	}
	return padded;
}

/* The one VEPA copy of a flood reaches every member vEth of its channel
 * (the station replicates it): count it on each of them. */
static void
credit(struct pctx *c, struct sw_veth *dst, size_t len)
{
	if (c->tr || !len)
		return;
	dst->ctr.tx_frames++;
	dst->ctr.tx_bytes += len;
	dst->last_tx_us = c->now;
}

/* Send to one vEth; 'flood' tells a VEPA port to take one copy per
 * channel only. */
static void
to_veth(struct pctx *c, struct sw_veth *dst, bool flood)
{
	struct sw_port *out = &c->sw->ports[dst->port];
	bool same_port = out == c->in;
	struct encap e = { .pcp = c->pcp, .dscp = -1 };
	size_t len;

	if (dst == c->src) {
		if (!flood)
			drop(c,
				out->mode == SW_MODE_VEPA ? SW_DROP_SELF_REFLECTION
							  : SW_DROP_SAME_VETH);
		return; /* never back to the vEth it came from */
	}
	if (!out->admin_up) {
		if (!flood)
			drop(c, SW_DROP_PORT_DOWN); /* a unicast must not vanish uncounted */
		return;
	}
	/* The destination's egress policy, before encapsulation (a VEPA
	 * flood copy: below, per channel). */
	if (dst->has_policy && out->mode != SW_MODE_VEPA && !egress_policy(c, out, dst, &e))
		return;
	switch (out->mode) {
	case SW_MODE_VNTAG:
		/* d=1 towards the adapter; back down the ingress port the frame
		 * is looped with the sender's vif so the adapter can prune it. */
		e.kind = ENC_VNTAG;
		e.vt.d = true;
		e.vt.dvif = (uint16_t)dst->key;
		if (same_port && c->src) {
			e.vt.looped = true;
			e.vt.svif = (uint16_t)c->src->key;
		}
		break;
	case SW_MODE_ETAG:
		/* Downstream E-CID = the target, GRP 0; back down the same port the
		 * Ingress_E-CID names the source for pruning (802.1BR 7.7). */
		e.kind = ENC_ETAG;
		e.et.pcp = e.pcp;
		e.et.ecid = dst->key;
		if (same_port && c->src)
			e.et.ingress_ecid = c->src->key;
		break;
	case SW_MODE_VEPA: {
		/* Each S-channel is a sub-port (802.1Qbg 42): its vEths are
		 * reached only while the channel is active. */
		unsigned slot = sw_schan_slot(out, dst->svid);

		if (!slot) {
			if (!flood)
				drop(c, SW_DROP_UNKNOWN_CHANNEL);
			return;
		}
		/* Reflective relay (802.1Qbg 40.x, the bridge's hairpin): back out
		 * the sub-port it came in on only when that channel's relay is
		 * on; another channel of the same port is another port.  A
		 * flood sends one copy per channel. */
		if (same_port && dst->svid == c->in_svid && !sw_schan_relay(out, dst->svid)) {
			if (!flood)
				drop(c, SW_DROP_NO_ROUTE);
			return;
		}
		if (flood && chan_marked(c, out->idx, slot)) {
			credit(c, dst, c->sw->flood_copy_len[out->idx * SW_SCHAN_SLOTS + slot]);
			return;
		}
		/* The one copy of a flood reaches every member vEth of the
		 * channel (the station replicates it): the first member whose
		 * egress policy passes it takes it, with its remarks; one that
		 * refuses it counts the drop and leaves the copy to the next. */
		if (dst->has_policy && !egress_policy(c, out, dst, &e))
			return;
		if (flood)
			mark_chan(c, out->idx, slot);
		if (dst->svid != SW_SCHAN_DEFAULT_SVID)
			e.svid = dst->svid; /* the default channel goes untagged */
		if (dst->vlan) {
			e.kind = ENC_CTAG;
			e.vid = dst->vlan;
		}
		if (c->tr)
			sw_trace_step(c->tr, "output: port %s vEth %u", out->name, dst->id);
		len = emit(c, out, NULL, &e);
		if (!len && !c->tr)
			dst->ctr.drops[SW_DROP_TX_FULL]++; /* the member that took the copy */
		if (flood)
			c->sw->flood_copy_len[out->idx * SW_SCHAN_SLOTS + slot] = (uint32_t)len;
		credit(c, dst, len);
		return;
	}
	case SW_MODE_NONE:
		return;
	}
	if (c->tr)
		sw_trace_step(c->tr, "output: port %s vEth %u", out->name, dst->id);
	emit(c, out, dst, &e);
}

static void
to_uplink(struct pctx *c, struct sw_port *out, bool flood)
{
	struct encap e = { .pcp = c->pcp, .dscp = -1 }; /* uplinks have no policy */

	if (out == c->in) {
		if (!flood)
			drop(c, SW_DROP_NO_ROUTE); /* 802.1Q 8.6.1: not back to the reception port */
		return;
	}
	if (!out->admin_up) {
		if (!flood)
			drop(c, SW_DROP_PORT_DOWN); /* a unicast must not vanish uncounted */
		return;
	}
	if (!sw_vlan_test(out->vlans, c->vlan))
		return;
	if (c->vlan) {
		e.kind = ENC_CTAG;
		e.vid = c->vlan;
	}
	if (c->tr)
		sw_trace_step(c->tr, "output: uplink %s", out->name);
	emit(c, out, NULL, &e);
}

static void
flood(struct pctx *c)
{
	struct sw *sw = c->sw;

	if (++sw->flood_stamp == 0) {
		/* Wrapped: no mark may look like the new stamp. */
		memset(sw->flood_marks, 0,
			sizeof(*sw->flood_marks) * sw->n_ports * SW_SCHAN_SLOTS);
		sw->flood_stamp = 1;
	}
	if (c->tr)
		sw_trace_step(c->tr, "flood in VLAN %u", c->vlan);
	for (int32_t s = sw->vlan_head[c->vlan]; s >= 0; s = sw->veths[s].vlan_next)
		to_veth(c, &sw->veths[s], true);
	for (unsigned i = 0; i < sw->n_ports; i++)
		if (sw->ports[i].role == SW_ROLE_UPLINK)
			to_uplink(c, &sw->ports[i], true);
}

/* ---- forwarding: learn, look up, deliver ------------------------------------- */

/* sw_fdb_lookup() forgets an expired entry as it finds it; a trace must
 * change nothing, so it only looks. */
static int32_t
fdb_lookup(struct pctx *c, const uint8_t *mac)
{
	struct sw_fdb *f = &c->sw->fdb;
	const struct sw_htab_ent *e;

	if (!c->tr)
		return sw_fdb_lookup(f, c->vlan, mac, c->now);
	e = sw_htab_find(&f->t, SW_FDB_K1(c->vlan, mac), 0);
	return e && c->now < e->aux + f->aging_us ? e->val : SW_HTAB_EMPTY;
}

/* Learn the source (802.1Q 8.7).  A vEth sends from one MAC, or a few:
 * when the frame's MAC and VLAN are the ones this vEth last refreshed in
 * the FDB, in the same FDB epoch (no entry has gone or moved since) and
 * less than a second ago, the entry is there, points here and is fresh to
 * the second (the FDB's ages are whole seconds; ageing is 10 s at least,
 * 802.1Q 8.8.3), so the FDB is not touched -- a cache miss per frame with
 * many vEths.  Anything else learns as before. */
static void
learn(struct pctx *c, const uint8_t *smac)
{
	struct sw *sw = c->sw;
	struct sw_veth *v = c->src;
	uint32_t ms = (uint32_t)(c->now / 1000u);

	if (!v) {
		sw_fdb_learn(&sw->fdb, c->vlan, smac, SW_DST_PORT(c->in->idx), c->now);
		return;
	}
	if (v->learn_epoch == sw->fdb.epoch && v->learn_vlan == c->vlan &&
		ms - v->learn_ms < SW_LEARN_REFRESH_MS &&
		!memcmp(v->learn_mac, smac, VN_ETH_ALEN))
		return;
	sw_fdb_learn(&sw->fdb, c->vlan, smac, c->src_slot, c->now);
	memcpy(v->learn_mac, smac, VN_ETH_ALEN);
	v->learn_vlan = c->vlan;
	v->learn_epoch = sw->fdb.epoch; /* after the learn: a move it made bumped it */
	v->learn_ms = ms;
}

static void
forward(struct pctx *c)
{
	struct sw *sw = c->sw;
	const uint8_t *dmac = c->frame, *smac = c->frame + VN_ETH_ALEN;
	int32_t dst;

	if (!c->tr)
		learn(c, smac);
	if (dmac[0] & 1) {
		flood(c);
		return;
	}
	dst = fdb_lookup(c, dmac);
	if (dst == SW_HTAB_EMPTY) {
		if (c->tr)
			sw_trace_step(c->tr, "fdb: unknown unicast");
		flood(c);
		return;
	}
	if (SW_DST_IS_PORT(dst)) {
		if (c->tr)
			sw_trace_step(c->tr, "fdb: known on uplink %s",
				sw->ports[SW_DST_PORT_IDX(dst)].name);
		to_uplink(c, &sw->ports[SW_DST_PORT_IDX(dst)], false);
	} else {
		if (c->tr)
			sw_trace_step(c->tr, "fdb: known on vEth %u", sw->veths[dst].id);
		to_veth(c, &sw->veths[dst], false);
	}
}

/* ---- ingress ------------------------------------------------------------------ */

/* The path audit (audit.h): a frame whose source MAC is bound to a vEth
 * arrived some other way (untagged, on another vif / E-CID / channel, on
 * an uplink).  Recorded on the vEth that binds it; looked for only while
 * some MAC is bound at all, and never by a trace. */
static void
audit_stray(struct pctx *c, enum sw_seen_kind kind, unsigned bind, uint32_t key, uint16_t vlan)
{
	const uint8_t *sa = c->frame + VN_ETH_ALEN;
	int32_t owner;

	if (c->tr || !sw_audit_active(&c->sw->audit))
		return;
	owner = sw_audit_mac_owner(&c->sw->audit, sa);
	if (owner >= 0 && owner != c->src_slot)
		sw_audit_seen(c->sw, owner, sa, kind, bind, c->in->idx, vlan, key, c->now);
}

/* The VID of a frame's first tag when it is a C-tag, else 0. */
static uint16_t
first_cvid(const struct vn_eth *eth)
{
	return eth->n_tags && eth->tags[0].tpid == VN_ETH_CTAG ? eth->tags[0].vid : 0;
}

static struct sw_veth *
auto_create(struct pctx *c, enum sw_bind kind, uint32_t key, uint16_t vlan)
{
	struct sw *sw = c->sw;
	struct sw_conf_veth cv = { 0 };
	struct sw_htab_ent *e;
	char err[160];

	if (vlan > 4094) {
		drop(c, SW_DROP_VLAN_NOT_ALLOWED); /* VID 4095 is reserved (802.1Q Table 9-2) */
		return NULL;
	}
	if (c->in->n_veths >= c->in->max_veths || sw->n_veths >= sw->max_veths) {
		drop(c, SW_DROP_LIMIT);
		return NULL;
	}
	if (c->tr) {
		sw_trace_step(c->tr, "auto_create: a vEth would be created");
		return NULL;
	}
	cv.id = sw_veth_alloc_id(sw);
	snprintf(cv.port, sizeof(cv.port), "%s", c->in->name);
	cv.kind = kind;
	cv.key = key;
	if (kind == SW_BIND_MAC) {
		memcpy(cv.mac, c->frame + VN_ETH_ALEN, VN_ETH_ALEN);
		cv.svid = c->in_svid; /* on the channel it came from */
	}
	if (sw->default_profile >= 0)
		snprintf(cv.profile, sizeof(cv.profile), "%s",
			sw->profiles[sw->default_profile].name);
	cv.has_vlan = kind == SW_BIND_MAC || vlan != 0 || sw->default_profile < 0 ||
		!sw->profiles[sw->default_profile].has_vlan;
	cv.vlan = vlan;
	if (sw_veth_add(sw, &cv, SW_ORIGIN_AUTO, c->now, err, sizeof(err))) {
		drop(c, SW_DROP_LIMIT);
		return NULL;
	}
	e = sw_htab_find(&sw->by_id, cv.id, 0);
	return &sw->veths[e->val];
}

static struct sw_veth *
lookup_veth(struct pctx *c, uint64_t k1, enum sw_bind kind, uint32_t key, uint16_t vlan)
{
	struct sw_htab_ent *e;
	int32_t slot;
	struct sw_veth *v;

	if (kind == SW_BIND_VIF && c->in->vif_slot) {
		slot = c->in->vif_slot[key & 0xFFF]; /* the same binding, by index */
	} else {
		e = sw_htab_find(&c->sw->by_bind, k1,
			SW_BIND_K2(c->in->idx, kind == SW_BIND_MAC ? c->in_svid : 0));
		slot = e ? e->val : -1;
	}
	if (slot >= 0) {
		v = &c->sw->veths[slot];
	} else if (!c->in->auto_create) {
		audit_stray(c, SW_SEEN_UNBOUND, kind, key, vlan);
		drop(c, SW_DROP_UNKNOWN_VETH);
		return NULL;
	} else if (!(v = auto_create(c, kind, key, vlan))) {
		return NULL;
	}
	c->src_slot = (int32_t)(v - c->sw->veths);
	if (c->tr) {
		c->tr->src_veth = v->id;
	} else {
		v->ctr.rx_frames++;
		v->ctr.rx_bytes += c->len;
		v->last_rx_us = c->now;
	}
	return v;
}

/* Inner 802.1Q tag on an access vEth: only its own VLAN (or a priority tag,
 * VID 0, 802.1Q 6.9.1) is accepted, and the tag is removed. */
static bool
inner_tag_ok(struct pctx *c, const struct vn_eth *eth, unsigned first_inner)
{
	if (eth->n_tags > first_inner + 1 ||
		(eth->n_tags == first_inner + 1 &&
			eth->tags[first_inner].tpid != VN_ETH_CTAG)) {
		drop(c, SW_DROP_MALFORMED);
		return false;
	}
	if (eth->n_tags == first_inner + 1) {
		const struct vn_eth_tag *t = &eth->tags[first_inner];

		if (t->vid != 0 && t->vid != c->src->vlan) {
			drop(c, SW_DROP_VLAN_NOT_ALLOWED);
			return false;
		}
		c->pcp = t->pcp;
	}
	return true;
}

static bool
ingress_vntag(struct pctx *c, const struct vn_eth *eth)
{
	struct vntag t;
	uint16_t vid = 0;

	if (!eth->n_tags || eth->tags[0].tpid != VN_ETH_VNTAG) {
		audit_stray(c, SW_SEEN_UNTAGGED, 0, 0, first_cvid(eth));
		drop(c, SW_DROP_MISSING_TAG);
		return false;
	}
	vntag_unpack(vn_get_be32(c->frame + eth->tags[0].off + 2), &t);
	if (t.d || t.p) {
		drop(c, SW_DROP_WRONG_DIRECTION); /* d=1 travels bridge -> adapter only */
		return false;
	}
	if (t.version != 0) {
		drop(c, SW_DROP_MALFORMED);
		return false;
	}
	if (eth->n_tags > 1 && eth->tags[1].tpid == VN_ETH_CTAG)
		vid = eth->tags[1].vid;
	c->src = lookup_veth(c, SW_BIND_K1(SW_BIND_VIF, t.svif), SW_BIND_VIF, t.svif, vid);
	if (!c->src)
		return false;
	if (c->tr)
		sw_trace_step(c->tr, "ingress: vntag svif=%u -> vEth %u", t.svif, c->src->id);
	return inner_tag_ok(c, eth, 1);
}

static bool
ingress_etag(struct pctx *c, const struct vn_eth *eth)
{
	struct etag t;
	uint32_t ecid;
	uint16_t vid = 0;

	if (!eth->n_tags || eth->tags[0].tpid != VN_ETH_ETAG) {
		audit_stray(c, SW_SEEN_UNTAGGED, 0, 0, first_cvid(eth));
		drop(c, SW_DROP_MISSING_TAG);
		return false;
	}
	etag_unpack(c->frame + eth->tags[0].off + 2, &t);
	if (t.grp != 0) {
		drop(c, SW_DROP_WRONG_DIRECTION); /* multicast E-CIDs travel downstream only */
		return false;
	}
	/* Upstream, 802.1BR puts the source port's E-CID in the E-CID field
	 * with Ingress_E-CID 0; some port extenders name the source in
	 * Ingress_E-CID instead.  Either selects the vEth: E-CID when set. */
	ecid = t.ecid ? t.ecid : t.ingress_ecid;
	if (!ecid) {
		drop(c, SW_DROP_MISSING_TAG);
		return false;
	}
	if (eth->n_tags > 1 && eth->tags[1].tpid == VN_ETH_CTAG)
		vid = eth->tags[1].vid;
	c->src = lookup_veth(c, SW_BIND_K1(SW_BIND_ECID, ecid), SW_BIND_ECID, ecid, vid);
	if (!c->src)
		return false;
	if (c->tr)
		sw_trace_step(c->tr, "ingress: etag ecid=%u -> vEth %u", ecid, c->src->id);
	return inner_tag_ok(c, eth, 1);
}

/* Inside its channel (the S-tag, if any, already taken: first_tag) a VEPA
 * frame is untagged or has one C-tag. */
static bool
ingress_vepa(struct pctx *c, const struct vn_eth *eth)
{
	unsigned f = c->first_tag, n = eth->n_tags - f;
	uint16_t vid = 0;

	if (n > 1 || (n == 1 && eth->tags[f].tpid != VN_ETH_CTAG)) {
		/* Without S-channels an S-tag (or any other tag) is not the
		 * C-tag a VEPA port expects: missing_tag, as before. */
		drop(c,
			f == 0 && eth->tags[0].tpid != VN_ETH_CTAG ? SW_DROP_MISSING_TAG
								   : SW_DROP_MALFORMED);
		return false;
	}
	if (n == 1) {
		vid = eth->tags[f].vid;
		c->pcp = eth->tags[f].pcp;
	}
	c->src = lookup_veth(c, SW_MACBIND_K1(eth->src, vid), SW_BIND_MAC, 0, vid);
	if (!c->src)
		return false;
	if (c->tr && c->in_svid != SW_SCHAN_DEFAULT_SVID)
		sw_trace_step(c->tr, "ingress: vepa S-VID %u mac+vlan %u -> vEth %u",
			c->in_svid, vid, c->src->id);
	else if (c->tr)
		sw_trace_step(c->tr, "ingress: vepa mac+vlan %u -> vEth %u", vid, c->src->id);
	return true;
}

/* A VEPA port with S-channels: an S-tag selects the channel (its S-VID
 * must be an active one); S-VID 1 and untagged frames are the default
 * channel. */
static bool
ingress_schan(struct pctx *c, const struct vn_eth *eth)
{
	uint16_t svid;

	c->in_svid = SW_SCHAN_DEFAULT_SVID;
	if (!c->in->schan_on || !eth->n_tags || eth->tags[0].tpid != VN_ETH_STAG)
		return true;
	svid = eth->tags[0].vid;
	if (!sw_schan_slot(c->in, svid)) {
		if (c->tr)
			sw_trace_step(c->tr, "ingress: S-VID %u is no active S-channel", svid);
		audit_stray(c, SW_SEEN_CHANNEL, 0, svid,
			eth->n_tags > 1 && eth->tags[1].tpid == VN_ETH_CTAG ? eth->tags[1].vid
									    : 0);
		drop(c, SW_DROP_UNKNOWN_CHANNEL);
		return false;
	}
	c->in_svid = svid;
	c->first_tag = 1;
	c->pcp = eth->tags[0].pcp; /* an inner C-tag's PCP takes over */
	return true;
}

static bool
ingress_uplink(struct pctx *c, const struct vn_eth *eth)
{
	uint16_t vid = 0;

	if (eth->n_tags > 1 || (eth->n_tags == 1 && eth->tags[0].tpid != VN_ETH_CTAG)) {
		drop(c, SW_DROP_VLAN_NOT_ALLOWED);
		return false;
	}
	if (eth->n_tags == 1) {
		vid = eth->tags[0].vid;
		c->pcp = eth->tags[0].pcp;
	}
	if (!sw_vlan_test(c->in->vlans, vid)) {
		audit_stray(c, SW_SEEN_UPLINK, 0, 0, vid);
		drop(c, eth->n_tags ? SW_DROP_VLAN_NOT_ALLOWED : SW_DROP_MISSING_TAG);
		return false;
	}
	c->vlan = vid;
	if (c->tr)
		sw_trace_step(c->tr, "ingress: uplink vlan %u", vid);
	return true;
}

static void input(struct sw *sw, unsigned port, const uint8_t *frame, size_t len, uint64_t now,
	uint64_t rx_us, struct sw_trace *trace);

void
sw_input(struct sw *sw, unsigned port, const uint8_t *frame, size_t len, uint64_t now,
	struct sw_trace *trace)
{
	input(sw, port, frame, len, now, now, trace);
}

void
sw_input_rx(struct sw *sw, unsigned port, const uint8_t *frame, size_t len, uint64_t now,
	uint64_t rx_us)
{
	input(sw, port, frame, len, now, rx_us < now ? rx_us : now, NULL);
}

static void
input(struct sw *sw, unsigned port, const uint8_t *frame, size_t len, uint64_t now,
	uint64_t rx_us, struct sw_trace *trace)
{
	struct pctx c = { .sw = sw,
		.tr = trace,
		.now = now,
		.rx_us = rx_us,
		.frame = frame,
		.len = len,
		.src_slot = -1 };
	struct vn_eth eth;
	int32_t owner;
	bool ok;

	if (port >= sw->n_ports)
		return;
	c.in = &sw->ports[port];
	if (!trace) {
		if (now > sw->now_us)
			sw->now_us = now;
		c.in->ctr.rx_frames++;
		c.in->ctr.rx_bytes += len;
	}
	if (!c.in->admin_up) {
		drop(&c, SW_DROP_PORT_DOWN);
		return;
	}
	if (vn_eth_parse(frame, len, &eth, NULL)) {
		drop(&c, SW_DROP_MALFORMED);
		return;
	}
	/* The S-channel first: a frame of an inactive channel is dropped
	 * whatever it is (control frames of active channels go on to the
	 * control plane with their S-tag). */
	if (c.in->mode == SW_MODE_VEPA && !ingress_schan(&c, &eth))
		return;
	if (sw_reserved_da(eth.dst)) {
		if (!trace && sw->ctl_rx && sw->ctl_rx(sw->ctl_aux, sw, port, frame, len, now))
			return;
		drop(&c, SW_DROP_RESERVED_DA);
		return;
	}
	if (eth.src[0] & 1) {
		drop(&c, SW_DROP_SPOOFED_SOURCE); /* a group address is never a source */
		return;
	}
	c.inner_off = eth.payload_off - 2;
	switch (c.in->mode) {
	case SW_MODE_VNTAG:
		ok = ingress_vntag(&c, &eth);
		break;
	case SW_MODE_ETAG:
		ok = ingress_etag(&c, &eth);
		break;
	case SW_MODE_VEPA:
		ok = ingress_vepa(&c, &eth);
		break;
	default:
		ok = ingress_uplink(&c, &eth);
		break;
	}
	if (!ok)
		return;
	if (c.src)
		c.vlan = c.src->vlan;
	if (trace)
		trace->vlan = c.vlan;
	/* A MAC bound to a vEth may be a source only there (a host uses only
	 * the MACs bound to its own vEths). */
	owner = sw_mac_owner(sw, c.vlan, eth.src);
	if (owner >= 0 && owner != c.src_slot) {
		if (!trace)
			sw_audit_seen(sw, owner, eth.src, c.src ? SW_SEEN_VETH : SW_SEEN_UPLINK,
				0, port, c.vlan, c.src ? c.src->id : 0, now);
		drop(&c, SW_DROP_SPOOFED_SOURCE);
		return;
	}
	/* Bound in another VLAN (or channel): forwarded, but the audit wants
	 * to know. */
	if (owner < 0)
		audit_stray(&c, c.src ? SW_SEEN_VETH : SW_SEEN_UPLINK, 0, c.src ? c.src->id : 0,
			c.vlan);
	/* The source vEth's ingress ACL and policer. */
	if (c.src && c.src->has_policy && !ingress_policy(&c))
		return;
	forward(&c);
}

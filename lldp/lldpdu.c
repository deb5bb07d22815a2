/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "lldp/lldpdu.h"

/*
 * lldpdu.c - LLDPDU framing and the basic TLVs (IEEE 802.1AB-2016 clause 8).
 * The EVB/CDCP information strings are in lldp_org.c.
 *
 * Validation follows what lldpad (lldp/rx.c) and lldpd (protocols/lldp.c)
 * enforce: Chassis ID, Port ID and TTL first and in that order, never
 * repeated, TTL exactly 2 bytes, every TLV inside the buffer.  Where
 * 802.1AB would let a receiver discard just one bad optional TLV, this
 * codec rejects the whole LLDPDU with a reason; the agent counts it as a
 * discarded frame (statsFramesDiscardedTotal).
 */

/* ---- helpers ------------------------------------------------------------ */

static void
order_add(struct lldp_pdu *p, enum lldp_kind kind, uint8_t index)
{
	/* Cannot overflow: every kept TLV has its own slot (LLDP_MAX_ORDER). */
	if (p->n_order < LLDP_MAX_ORDER) {
		p->order[p->n_order].kind = (uint8_t)kind;
		p->order[p->n_order].index = index;
		p->n_order++;
	}
}

/* Is (oui, subtype) one of the org TLVs decoded into their own struct? */
static bool
org_known(uint32_t oui, uint8_t subtype)
{
	return (oui == LLDP_OUI_IEEE_8021 &&
		       (subtype == LLDP_SUBTYPE_EVB || subtype == LLDP_SUBTYPE_CDCP)) ||
		(oui == LLDP_OUI_QBG_DRAFT && subtype == LLDP_SUBTYPE_EVBDRAFT);
}

/* Turn an offset reported by an *_unpack() helper into an LLDPDU offset. */
static int
rebase(int rc, struct vn_err *err, size_t base)
{
	if (rc && err)
		err->offset += base;
	return rc;
}

/* ---- decode ------------------------------------------------------------- */

/* Chassis ID (type 1) or Port ID (type 2), 802.1AB-2016 8.5.2/8.5.3. */
static int
decode_id(struct vn_rd *v, size_t at, bool is_port, struct lldp_id *id, struct vn_err *err)
{
	size_t tlen = vn_rd_left(v);

	if (tlen < 2)
		return vn_fail(err, VN_EBADMSG,
			is_port ? "Port ID TLV shorter than 2 bytes"
				: "Chassis ID TLV shorter than 2 bytes",
			at);
	if (tlen > 1 + LLDP_ID_MAX)
		return vn_fail(err, VN_EBADMSG,
			is_port ? "Port ID TLV longer than 256 bytes"
				: "Chassis ID TLV longer than 256 bytes",
			at);
	if (!vn_rd_u8(v, &id->subtype))
		return vn_fail(err, VN_EBADMSG, "ID subtype truncated", vn_rd_pos(v));
	/* Subtype 0 and 8..255 are reserved (802.1AB-2016 Tables 8-2, 8-3);
	 * lldpad CHASSIS_ID_INVALID()/PORT_ID_INVALID() reject them too. */
	if (id->subtype == 0 || id->subtype > 7)
		return vn_fail(err, VN_EBADMSG,
			is_port ? "Port ID subtype is reserved (not 1..7)"
				: "Chassis ID subtype is reserved (not 1..7)",
			vn_rd_pos(v) - 1);
	id->len = (uint8_t)(tlen - 1);
	if (!vn_rd_bytes(v, id->id, id->len))
		return vn_fail(err, VN_EBADMSG, "ID truncated", vn_rd_pos(v));
	return 0;
}

/* Port Description, System Name, System Description: 0..255 bytes of text. */
static int
decode_str(
	struct vn_rd *v, size_t at, unsigned int type, struct lldp_str *s, struct vn_err *err)
{
	static const char *const too_long[] = {
		[LLDP_TLV_PORT_DESC] = "Port Description TLV longer than 255 bytes",
		[LLDP_TLV_SYS_NAME] = "System Name TLV longer than 255 bytes",
		[LLDP_TLV_SYS_DESC] = "System Description TLV longer than 255 bytes",
	};
	size_t tlen = vn_rd_left(v);

	if (tlen > LLDP_STR_MAX)
		return vn_fail(err, VN_EBADMSG, too_long[type], at);
	s->len = (uint8_t)tlen;
	if (!vn_rd_bytes(v, s->str, s->len))
		return vn_fail(err, VN_EBADMSG, "string truncated", vn_rd_pos(v));
	s->str[s->len] = '\0';
	return 0;
}

/* Management Address (type 8), 802.1AB-2016 8.5.9. */
static int
decode_mgmt(struct vn_rd *v, size_t at, struct lldp_mgmt *m, struct vn_err *err)
{
	uint8_t slen;

	if (vn_rd_left(v) < 9)
		return vn_fail(
			err, VN_EBADMSG, "Management Address TLV shorter than 9 bytes", at);
	if (!vn_rd_u8(v, &slen))
		return vn_fail(err, VN_EBADMSG, "management address string length truncated",
			vn_rd_pos(v));
	/* The string length counts the subtype byte plus a 1..31-byte address. */
	if (slen < 2 || slen > 1 + LLDP_MADDR_MAX)
		return vn_fail(err, VN_EBADMSG, "management address string length not in 2..32",
			vn_rd_pos(v) - 1);
	m->addr_len = (uint8_t)(slen - 1);
	if (!vn_rd_u8(v, &m->addr_subtype) || !vn_rd_bytes(v, m->addr, m->addr_len))
		return vn_fail(
			err, VN_EBADMSG, "management address runs past the TLV", vn_rd_pos(v));
	if (!vn_rd_u8(v, &m->if_subtype) || !vn_rd_be32(v, &m->if_number) ||
		!vn_rd_u8(v, &m->oid_len))
		return vn_fail(err, VN_EBADMSG,
			"Management Address TLV truncated after the address", vn_rd_pos(v));
	/* LLDP-MIB LldpManAddrIfSubtype defines only 1..3. */
	if (m->if_subtype < LLDP_IFNUM_UNKNOWN || m->if_subtype > LLDP_IFNUM_SYSPORT)
		return vn_fail(err, VN_EBADMSG,
			"management interface numbering subtype not 1..3", vn_rd_pos(v) - 6);
	if (m->oid_len > LLDP_OID_MAX)
		return vn_fail(
			err, VN_EBADMSG, "management OID length over 128", vn_rd_pos(v) - 1);
	if (!vn_rd_bytes(v, m->oid, m->oid_len))
		return vn_fail(
			err, VN_EBADMSG, "management OID runs past the TLV", vn_rd_pos(v));
	/* The field lengths must account for the TLV length exactly. */
	if (vn_rd_left(v) != 0)
		return vn_fail(err, VN_EBADMSG,
			"Management Address TLV has bytes after the OID", vn_rd_pos(v));
	return 0;
}

/* Copy the rest of 'v' (the value, or the org info string) as a raw TLV. */
static int
keep_unknown(struct lldp_pdu *out, unsigned int type, uint32_t oui, uint8_t subtype,
	struct vn_rd *v, struct vn_err *err)
{
	size_t len = vn_rd_left(v);
	struct lldp_unknown *u;

	if (out->n_unknown >= LLDP_MAX_UNKNOWN) {
		out->unknown_dropped++;
		return 0;
	}
	u = &out->unknown[out->n_unknown];
	u->type = (uint8_t)type;
	u->oui = oui;
	u->subtype = subtype;
	u->len = (uint16_t)len; /* <= 511: a TLV length is 9 bits */
	if (!vn_rd_bytes(v, u->value, len))
		return vn_fail(err, VN_EBADMSG, "TLV value truncated", vn_rd_pos(v));
	order_add(out, LLDP_K_UNKNOWN, out->n_unknown);
	out->n_unknown++;
	return 0;
}

/* Organizationally specific TLV (type 127): OUI(3) + subtype(1) + 0..507. */
static int
decode_org(struct vn_rd *v, size_t at, struct lldp_pdu *out, struct vn_err *err)
{
	size_t tlen = vn_rd_left(v);
	uint32_t oui;
	uint8_t sub;
	size_t info_at, ilen;
	const uint8_t *info;
	int rc;

	if (tlen < LLDP_ORG_HDR_LEN)
		return vn_fail(err, VN_EBADMSG,
			"Organizationally Specific TLV shorter than 4 bytes", at);
	if (!vn_rd_be24(v, &oui) || !vn_rd_u8(v, &sub))
		return vn_fail(err, VN_EBADMSG, "OUI truncated", vn_rd_pos(v));
	if (!org_known(oui, sub))
		return keep_unknown(out, LLDP_TLV_ORG, oui, sub, v, err);
	info_at = vn_rd_pos(v);
	ilen = vn_rd_left(v);
	info = vn_rd_ptr(v, ilen);
	if (!info)
		return vn_fail(err, VN_EBADMSG, "org info truncated", info_at);

	if (oui == LLDP_OUI_IEEE_8021 && sub == LLDP_SUBTYPE_EVB) {
		/* 802.1Q allows one EVB TLV per LLDPDU; lldpad keeps one. */
		if (out->has_evb)
			return vn_fail(err, VN_EBADMSG, "EVB TLV repeated", at);
		if (tlen != LLDP_ORG_HDR_LEN + LLDP_EVB_INFO_LEN)
			return vn_fail(err, VN_EBADMSG, "EVB TLV length is not 9", at);
		rc = rebase(lldp_evb_unpack(info, ilen, &out->evb, err), err, info_at);
		if (rc)
			return rc;
		out->has_evb = true;
		order_add(out, LLDP_K_EVB, 0);
	} else if (oui == LLDP_OUI_IEEE_8021 && sub == LLDP_SUBTYPE_CDCP) {
		if (out->has_cdcp)
			return vn_fail(err, VN_EBADMSG, "CDCP TLV repeated", at);
		/* tcpdump print-lldp.c: length >= 8 and (length - 8) % 3 == 0. */
		if (tlen < LLDP_ORG_HDR_LEN + LLDP_CDCP_FIXED_LEN)
			return vn_fail(err, VN_EBADMSG, "CDCP TLV shorter than 8 bytes", at);
		if ((tlen - LLDP_ORG_HDR_LEN - LLDP_CDCP_FIXED_LEN) % 3 != 0)
			return vn_fail(err, VN_EBADMSG, "CDCP TLV length is not 8+3n", at);
		rc = rebase(lldp_cdcp_unpack(info, ilen, &out->cdcp, err), err, info_at);
		if (rc)
			return rc;
		out->has_cdcp = true;
		order_add(out, LLDP_K_CDCP, 0);
	} else if (oui == LLDP_OUI_QBG_DRAFT && sub == LLDP_SUBTYPE_EVBDRAFT) {
		if (out->has_evb_draft)
			return vn_fail(err, VN_EBADMSG, "draft EVB TLV repeated", at);
		if (tlen != LLDP_ORG_HDR_LEN + LLDP_EVBD_INFO_LEN)
			return vn_fail(err, VN_EBADMSG, "draft EVB TLV length is not 13", at);
		rc = rebase(
			lldp_evb_draft_unpack(info, ilen, &out->evb_draft, err), err, info_at);
		if (rc)
			return rc;
		out->has_evb_draft = true;
		order_add(out, LLDP_K_EVB_DRAFT, 0);
	}
	return 0;
}

/* One TLV after the mandatory three. 'v' covers exactly its value. */
static int
decode_optional(
	unsigned int type, struct vn_rd *v, size_t at, struct lldp_pdu *out, struct vn_err *err)
{
	struct lldp_mgmt scratch;
	size_t tlen = vn_rd_left(v);
	int rc;

	switch (type) {
	case LLDP_TLV_CHASSIS_ID:
		return vn_fail(err, VN_EBADMSG, "Chassis ID TLV repeated", at);
	case LLDP_TLV_PORT_ID:
		return vn_fail(err, VN_EBADMSG, "Port ID TLV repeated", at);
	case LLDP_TLV_TTL:
		return vn_fail(err, VN_EBADMSG, "TTL TLV repeated", at);
	case LLDP_TLV_PORT_DESC:
		if (out->has_port_desc)
			return vn_fail(err, VN_EBADMSG, "Port Description TLV repeated", at);
		rc = decode_str(v, at, type, &out->port_desc, err);
		if (rc)
			return rc;
		out->has_port_desc = true;
		order_add(out, LLDP_K_PORT_DESC, 0);
		return 0;
	case LLDP_TLV_SYS_NAME:
		if (out->has_sys_name)
			return vn_fail(err, VN_EBADMSG, "System Name TLV repeated", at);
		rc = decode_str(v, at, type, &out->sys_name, err);
		if (rc)
			return rc;
		out->has_sys_name = true;
		order_add(out, LLDP_K_SYS_NAME, 0);
		return 0;
	case LLDP_TLV_SYS_DESC:
		if (out->has_sys_desc)
			return vn_fail(err, VN_EBADMSG, "System Description TLV repeated", at);
		rc = decode_str(v, at, type, &out->sys_desc, err);
		if (rc)
			return rc;
		out->has_sys_desc = true;
		order_add(out, LLDP_K_SYS_DESC, 0);
		return 0;
	case LLDP_TLV_SYS_CAP:
		if (out->has_sys_cap)
			return vn_fail(err, VN_EBADMSG, "System Capabilities TLV repeated", at);
		if (tlen != 4)
			return vn_fail(
				err, VN_EBADMSG, "System Capabilities TLV length is not 4", at);
		if (!vn_rd_be16(v, &out->sys_cap.cap) || !vn_rd_be16(v, &out->sys_cap.enabled))
			return vn_fail(
				err, VN_EBADMSG, "System Capabilities truncated", vn_rd_pos(v));
		out->has_sys_cap = true;
		order_add(out, LLDP_K_SYS_CAP, 0);
		return 0;
	case LLDP_TLV_MGMT_ADDR:
		/* Validate every one, keep the first LLDP_MAX_MGMT. */
		if (out->n_mgmt >= LLDP_MAX_MGMT) {
			rc = decode_mgmt(v, at, &scratch, err);
			if (rc == 0)
				out->mgmt_dropped++;
			return rc;
		}
		rc = decode_mgmt(v, at, &out->mgmt[out->n_mgmt], err);
		if (rc)
			return rc;
		order_add(out, LLDP_K_MGMT, out->n_mgmt);
		out->n_mgmt++;
		return 0;
	case LLDP_TLV_ORG:
		return decode_org(v, at, out, err);
	default:
		/* 9..126: reserved types are counted as unrecognised and kept
		 * (802.1AB: statsTLVsUnrecognizedTotal), never rejected. */
		return keep_unknown(out, type, 0, 0, v, err);
	}
}

int
lldp_decode(const uint8_t *buf, size_t len, struct lldp_pdu *out, struct vn_err *err)
{
	static const char *const not_first[3] = {
		"first TLV is not Chassis ID",
		"second TLV is not Port ID",
		"third TLV is not TTL",
	};
	static const char *const missing[3] = {
		"missing Chassis ID TLV",
		"missing Port ID TLV",
		"missing TTL TLV",
	};
	struct vn_rd r;
	unsigned int idx = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	vn_rd_init(&r, buf, len);
	while (vn_rd_left(&r) > 0) {
		size_t at = vn_rd_pos(&r);
		unsigned int type, tlen;
		struct vn_rd v;
		uint16_t hdr;

		/* A lone trailing byte is a truncated header, not padding: padding
		 * only ever follows an End TLV, and then it is never read. */
		if (!vn_rd_be16(&r, &hdr))
			return vn_fail(err, VN_EBADMSG, "truncated TLV header", at);
		type = hdr >> 9;
		tlen = hdr & LLDP_TLV_MAX_VALUE;
		if (!vn_rd_sub(&r, tlen, &v))
			return vn_fail(err, VN_EBADMSG,
				"TLV length runs past the end of the LLDPDU", at);

		/* 802.1AB-2016 8.2: Chassis ID, Port ID, TTL come first, in order. */
		if (idx < 3 && type != idx + 1)
			return vn_fail(err, VN_EBADMSG, not_first[idx], at);
		switch (idx) {
		case 0:
			rc = decode_id(&v, at, false, &out->chassis, err);
			break;
		case 1:
			rc = decode_id(&v, at, true, &out->port, err);
			break;
		case 2:
			/* lldpad rx.c drops an LLDPDU whose TTL length is not 2. */
			if (tlen != 2)
				return vn_fail(err, VN_EBADMSG, "TTL TLV length is not 2", at);
			rc = vn_rd_be16(&v, &out->ttl)
				? 0
				: vn_fail(err, VN_EBADMSG, "TTL truncated", at);
			break;
		default:
			if (type == LLDP_TLV_END) {
				/* 802.1AB-2016 8.5.12: the End TLV has length 0. */
				if (tlen != 0)
					return vn_fail(
						err, VN_EBADMSG, "End TLV length is not 0", at);
				out->end = true;
				return 0;
			}
			rc = decode_optional(type, &v, at, out, err);
			break;
		}
		if (rc)
			return rc;
		idx++;
	}
	/* No End TLV (optional since 802.1AB-2016): the buffer ended on a TLV
	 * boundary, which is fine once the mandatory three have been seen. */
	if (idx < 3)
		return vn_fail(err, VN_EBADMSG, missing[idx], vn_rd_pos(&r));
	return 0;
}

/* ---- encode ------------------------------------------------------------- */

static void
put_hdr(struct vn_wr *w, unsigned int type, size_t len)
{
	vn_wr_be16(w, (uint16_t)(type << 9 | (len & LLDP_TLV_MAX_VALUE)));
}

static int
check_id(const struct lldp_id *id, bool is_port, struct vn_err *err)
{
	if (id->subtype == 0 || id->subtype > 7)
		return vn_fail(err, VN_EINVAL,
			is_port ? "Port ID subtype not 1..7" : "Chassis ID subtype not 1..7",
			0);
	if (id->len == 0)
		return vn_fail(err, VN_EINVAL,
			is_port ? "Port ID is empty" : "Chassis ID is empty", 0);
	return 0;
}

static void
put_id(struct vn_wr *w, unsigned int type, const struct lldp_id *id)
{
	put_hdr(w, type, 1 + (size_t)id->len);
	vn_wr_u8(w, id->subtype);
	vn_wr_bytes(w, id->id, id->len);
}

/* Position of (kind, index) in a "seen" array, or -1 if it names nothing. */
static int
order_slot(const struct lldp_order *o)
{
	switch (o->kind) {
	case LLDP_K_PORT_DESC:
	case LLDP_K_SYS_NAME:
	case LLDP_K_SYS_DESC:
	case LLDP_K_SYS_CAP:
		return o->index == 0 ? o->kind - LLDP_K_PORT_DESC : -1;
	case LLDP_K_MGMT:
		return o->index < LLDP_MAX_MGMT ? 4 + o->index : -1;
	case LLDP_K_EVB:
	case LLDP_K_CDCP:
	case LLDP_K_EVB_DRAFT:
		return o->index == 0 ? 4 + LLDP_MAX_MGMT + (o->kind - LLDP_K_EVB) : -1;
	case LLDP_K_UNKNOWN:
		return o->index < LLDP_MAX_UNKNOWN ? 7 + LLDP_MAX_MGMT + o->index : -1;
	default:
		return -1;
	}
}

static bool
order_present(const struct lldp_pdu *in, const struct lldp_order *o)
{
	switch (o->kind) {
	case LLDP_K_PORT_DESC:
		return in->has_port_desc;
	case LLDP_K_SYS_NAME:
		return in->has_sys_name;
	case LLDP_K_SYS_DESC:
		return in->has_sys_desc;
	case LLDP_K_SYS_CAP:
		return in->has_sys_cap;
	case LLDP_K_MGMT:
		return o->index < in->n_mgmt;
	case LLDP_K_EVB:
		return in->has_evb;
	case LLDP_K_CDCP:
		return in->has_cdcp;
	case LLDP_K_EVB_DRAFT:
		return in->has_evb_draft;
	case LLDP_K_UNKNOWN:
		return o->index < in->n_unknown;
	default:
		return false;
	}
}

/* The canonical order of every present optional TLV; returns the count. */
static size_t
canonical_order(const struct lldp_pdu *in, struct lldp_order *o)
{
	size_t n = 0;

#define ADD(k, i)                                                                              \
	do {                                                                                   \
		o[n].kind = (uint8_t)(k);                                                      \
		o[n].index = (uint8_t)(i);                                                     \
		n++;                                                                           \
	} while (0)
	if (in->has_port_desc)
		ADD(LLDP_K_PORT_DESC, 0);
	if (in->has_sys_name)
		ADD(LLDP_K_SYS_NAME, 0);
	if (in->has_sys_desc)
		ADD(LLDP_K_SYS_DESC, 0);
	if (in->has_sys_cap)
		ADD(LLDP_K_SYS_CAP, 0);
	for (size_t i = 0; i < in->n_mgmt; i++)
		ADD(LLDP_K_MGMT, i);
	if (in->has_evb)
		ADD(LLDP_K_EVB, 0);
	if (in->has_cdcp)
		ADD(LLDP_K_CDCP, 0);
	if (in->has_evb_draft)
		ADD(LLDP_K_EVB_DRAFT, 0);
	for (size_t i = 0; i < in->n_unknown; i++)
		ADD(LLDP_K_UNKNOWN, i);
#undef ADD
	return n;
}

/* A caller-supplied order must name every present TLV exactly once. */
static int
check_order(const struct lldp_pdu *in, size_t n_present, struct vn_err *err)
{
	bool seen[LLDP_MAX_ORDER] = { false };

	for (size_t i = 0; i < in->n_order; i++) {
		int slot = order_slot(&in->order[i]);

		if (slot < 0)
			return vn_fail(
				err, VN_EINVAL, "order entry names no TLV kind/index", 0);
		if (!order_present(in, &in->order[i]))
			return vn_fail(err, VN_EINVAL,
				"order entry names a TLV that is not present", 0);
		if (seen[slot])
			return vn_fail(err, VN_EINVAL, "order list names a TLV twice", 0);
		seen[slot] = true;
	}
	if (in->n_order != n_present)
		return vn_fail(err, VN_EINVAL, "order list omits a present TLV", 0);
	return 0;
}

static int
put_mgmt(struct vn_wr *w, const struct lldp_mgmt *m, struct vn_err *err)
{
	if (m->addr_len < 1 || m->addr_len > LLDP_MADDR_MAX)
		return vn_fail(err, VN_EINVAL, "management address length not 1..31", 0);
	if (m->if_subtype < LLDP_IFNUM_UNKNOWN || m->if_subtype > LLDP_IFNUM_SYSPORT)
		return vn_fail(
			err, VN_EINVAL, "management interface numbering subtype not 1..3", 0);
	if (m->oid_len > LLDP_OID_MAX)
		return vn_fail(err, VN_EINVAL, "management OID length over 128", 0);
	put_hdr(w, LLDP_TLV_MGMT_ADDR, 8 + (size_t)m->addr_len + m->oid_len);
	vn_wr_u8(w, (uint8_t)(m->addr_len + 1));
	vn_wr_u8(w, m->addr_subtype);
	vn_wr_bytes(w, m->addr, m->addr_len);
	vn_wr_u8(w, m->if_subtype);
	vn_wr_be32(w, m->if_number);
	vn_wr_u8(w, m->oid_len);
	vn_wr_bytes(w, m->oid, m->oid_len);
	return 0;
}

static void
put_org(struct vn_wr *w, uint32_t oui, uint8_t subtype, const uint8_t *info, size_t len)
{
	put_hdr(w, LLDP_TLV_ORG, LLDP_ORG_HDR_LEN + len);
	vn_wr_be24(w, oui);
	vn_wr_u8(w, subtype);
	vn_wr_bytes(w, info, len);
}

static int
put_unknown(struct vn_wr *w, const struct lldp_unknown *u, struct vn_err *err)
{
	if (u->type == LLDP_TLV_ORG) {
		if (u->oui > 0xFFFFFF)
			return vn_fail(err, VN_EINVAL, "unknown org TLV OUI over 24 bits", 0);
		/* It would decode as the structured TLV, breaking the round trip. */
		if (org_known(u->oui, u->subtype))
			return vn_fail(err, VN_EINVAL,
				"unknown org TLV uses the EVB, CDCP or draft EVB OUI/subtype",
				0);
		if (u->len > LLDP_ORG_MAX_INFO)
			return vn_fail(
				err, VN_EINVAL, "unknown org TLV info longer than 507", 0);
		put_org(w, u->oui, u->subtype, u->value, u->len);
		return 0;
	}
	if (u->type <= LLDP_TLV_MGMT_ADDR || u->type > LLDP_TLV_ORG)
		return vn_fail(err, VN_EINVAL, "unknown TLV type not 9..127", 0);
	if (u->len > LLDP_TLV_MAX_VALUE)
		return vn_fail(err, VN_EINVAL, "unknown TLV value longer than 511", 0);
	put_hdr(w, u->type, u->len);
	vn_wr_bytes(w, u->value, u->len);
	return 0;
}

static int
put_optional(struct vn_wr *w, const struct lldp_pdu *in, const struct lldp_order *o,
	struct vn_err *err)
{
	uint8_t info[LLDP_ORG_MAX_INFO];
	size_t ilen = 0;
	int rc;

	switch (o->kind) {
	case LLDP_K_PORT_DESC:
		put_hdr(w, LLDP_TLV_PORT_DESC, in->port_desc.len);
		vn_wr_bytes(w, in->port_desc.str, in->port_desc.len);
		return 0;
	case LLDP_K_SYS_NAME:
		put_hdr(w, LLDP_TLV_SYS_NAME, in->sys_name.len);
		vn_wr_bytes(w, in->sys_name.str, in->sys_name.len);
		return 0;
	case LLDP_K_SYS_DESC:
		put_hdr(w, LLDP_TLV_SYS_DESC, in->sys_desc.len);
		vn_wr_bytes(w, in->sys_desc.str, in->sys_desc.len);
		return 0;
	case LLDP_K_SYS_CAP:
		put_hdr(w, LLDP_TLV_SYS_CAP, 4);
		vn_wr_be16(w, in->sys_cap.cap);
		vn_wr_be16(w, in->sys_cap.enabled);
		return 0;
	case LLDP_K_MGMT:
		return put_mgmt(w, &in->mgmt[o->index], err);
	case LLDP_K_EVB:
		rc = lldp_evb_pack(&in->evb, info, sizeof(info), &ilen, err);
		if (rc == 0)
			put_org(w, LLDP_OUI_IEEE_8021, LLDP_SUBTYPE_EVB, info, ilen);
		return rc;
	case LLDP_K_CDCP:
		rc = lldp_cdcp_pack(&in->cdcp, info, sizeof(info), &ilen, err);
		if (rc == 0)
			put_org(w, LLDP_OUI_IEEE_8021, LLDP_SUBTYPE_CDCP, info, ilen);
		return rc;
	case LLDP_K_EVB_DRAFT:
		rc = lldp_evb_draft_pack(&in->evb_draft, info, sizeof(info), &ilen, err);
		if (rc == 0)
			put_org(w, LLDP_OUI_QBG_DRAFT, LLDP_SUBTYPE_EVBDRAFT, info, ilen);
		return rc;
	case LLDP_K_UNKNOWN:
		return put_unknown(w, &in->unknown[o->index], err);
	default:
		return vn_fail(err, VN_EINVAL, "order entry names no TLV kind/index", 0);
	}
}

int
lldp_encode(const struct lldp_pdu *in, uint8_t *buf, size_t cap, size_t *len_out,
	struct vn_err *err)
{
	struct lldp_order canon[LLDP_MAX_ORDER];
	const struct lldp_order *order;
	size_t n_order;
	struct vn_wr w;
	int rc;

	if ((rc = check_id(&in->chassis, false, err)) || (rc = check_id(&in->port, true, err)))
		return rc;
	if (in->n_mgmt > LLDP_MAX_MGMT)
		return vn_fail(err, VN_EINVAL, "more than 4 management addresses", 0);
	if (in->n_unknown > LLDP_MAX_UNKNOWN)
		return vn_fail(err, VN_EINVAL, "more than 16 unknown TLVs", 0);
	if (in->n_order > LLDP_MAX_ORDER)
		return vn_fail(err, VN_EINVAL, "order list longer than LLDP_MAX_ORDER", 0);
	n_order = canonical_order(in, canon);
	order = canon;
	if (in->n_order) {
		rc = check_order(in, n_order, err);
		if (rc)
			return rc;
		order = in->order;
	}

	vn_wr_init(&w, buf, cap);
	put_id(&w, LLDP_TLV_CHASSIS_ID, &in->chassis);
	put_id(&w, LLDP_TLV_PORT_ID, &in->port);
	put_hdr(&w, LLDP_TLV_TTL, 2);
	vn_wr_be16(&w, in->ttl);
	/* Keep going after an overflow so that a bad field still reports
	 * VN_EINVAL rather than VN_ENOSPC (writes after overflow are no-ops). */
	for (size_t i = 0; i < n_order; i++) {
		rc = put_optional(&w, in, &order[i], err);
		if (rc)
			return rc;
	}
	if (in->end)
		put_hdr(&w, LLDP_TLV_END, 0);
	if (w.overflow)
		return vn_fail(err, VN_ENOSPC, "LLDPDU does not fit in the buffer", 0);
	*len_out = w.off;
	return 0;
}

/* ---- names -------------------------------------------------------------- */

const char *
lldp_tlv_type_name(unsigned int type)
{
	switch (type) {
	case LLDP_TLV_END:
		return "End of LLDPDU";
	case LLDP_TLV_CHASSIS_ID:
		return "Chassis ID";
	case LLDP_TLV_PORT_ID:
		return "Port ID";
	case LLDP_TLV_TTL:
		return "Time To Live";
	case LLDP_TLV_PORT_DESC:
		return "Port Description";
	case LLDP_TLV_SYS_NAME:
		return "System Name";
	case LLDP_TLV_SYS_DESC:
		return "System Description";
	case LLDP_TLV_SYS_CAP:
		return "System Capabilities";
	case LLDP_TLV_MGMT_ADDR:
		return "Management Address";
	case LLDP_TLV_ORG:
		return "Organizationally Specific";
	default:
		return type < LLDP_TLV_ORG ? "Reserved" : "Invalid";
	}
}

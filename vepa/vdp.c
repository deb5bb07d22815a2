/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "vepa/vdp.h"

/* The array bounds of vdp.h, derived there from VDP_MAX_PDU_LEN. */
#define MGRID_TLV   (VDP_TLV_HDR_LEN + VDP_MGRID_LEN)
#define MIN_VSI_TLV (VDP_TLV_HDR_LEN + VDP_VSI_FIXED_LEN)
_Static_assert(VDP_MAX_PDU_LEN == 1500 - 4, "ECP ULPDU in a 1500-byte payload");
_Static_assert(VDP_MAX_VSI == (VDP_MAX_PDU_LEN - MGRID_TLV) / MIN_VSI_TLV, "VSI bound");
_Static_assert(VDP_MAX_ORG ==
		(VDP_MAX_PDU_LEN - MGRID_TLV - MIN_VSI_TLV) /
			(VDP_TLV_HDR_LEN + VDP_ORG_MIN_LEN),
	"org bound");
_Static_assert(VDP_MAX_FILTERS ==
		2 * VDP_MAX_FILTERS_PER_VSI +
			(VDP_MAX_PDU_LEN - MGRID_TLV -
				2 * (MIN_VSI_TLV + 2 * VDP_MAX_FILTERS_PER_VSI) - MIN_VSI_TLV) /
				2,
	"filter bound");

/* ---- small pieces ---------------------------------------------------- */

void
vdp_status_unpack(uint8_t octet, struct vdp_status *s)
{
	s->response = (octet & VDP_STATUS_RESPONSE) != 0;
	s->keep_or_s = (octet & VDP_STATUS_KEEP) != 0;
	s->hard_or_m = (octet & VDP_STATUS_HARD) != 0;
	/* In a request the low nibble is reserved (sent 0, ignored). */
	s->error = s->response ? (uint8_t)(octet & VDP_STATUS_ERROR) : 0;
}

int
vdp_status_pack(const struct vdp_status *s, uint8_t *octet, struct vn_err *err)
{
	if (s->response && s->error > VDP_ERR_MAX)
		return vn_fail(
			err, VN_EINVAL, "VDP response error code is reserved (6..15)", 0);
	if (!s->response && s->error)
		return vn_fail(err, VN_EINVAL, "VDP request cannot carry an error code", 0);
	*octet = (uint8_t)((s->response ? VDP_STATUS_RESPONSE : 0) |
		(s->keep_or_s ? VDP_STATUS_KEEP : 0) | (s->hard_or_m ? VDP_STATUS_HARD : 0) |
		s->error);
	return 0;
}

size_t
vdp_fif_entry_size(unsigned int fif)
{
	switch (fif) {
	case VDP_FIF_VID:
		return 2;
	case VDP_FIF_MAC_VID:
		return 8;
	case VDP_FIF_GROUP_VID:
		return 6;
	case VDP_FIF_GROUP_MAC_VID:
		return 12;
	default:
		return 0;
	}
}

void
vdp_psvid_unpack(uint16_t word, struct vdp_filter *f)
{
	f->ps = (word & VDP_PS_MASK) != 0;
	f->pcp = (uint8_t)((word & VDP_PCP_MASK) >> 12);
	f->vid = word & VDP_VID_MASK;
}

uint16_t
vdp_psvid_pack(const struct vdp_filter *f)
{
	return (uint16_t)((f->ps ? VDP_PS_MASK : 0) | (f->pcp & 7u) << 12 |
		(f->vid & VDP_VID_MASK));
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int
vdp_vsiid_check(unsigned int format, const uint8_t id[VDP_VSIID_LEN], struct vn_err *err)
{
	switch (format) {
	case VDP_VSIID_IPV4:
		/* IPv4-mapped IPv6 form.  lldpad only rejects the ID when both
		 * bytes 10 and 11 differ from 0xFF; we require both to be 0xFF. */
		if (!all_zero(id, 10) || id[10] != 0xFF || id[11] != 0xFF)
			return vn_fail(err, VN_EBADMSG,
				"IPv4 VSI ID is not in IPv4-mapped form (10 zero bytes, FF FF)",
				0);
		return 0;
	case VDP_VSIID_IPV6:
		if (all_zero(id, VDP_VSIID_LEN))
			return vn_fail(err, VN_EBADMSG, "IPv6 VSI ID is all zero", 0);
		return 0;
	case VDP_VSIID_MAC:
		if (!all_zero(id, 10))
			return vn_fail(err, VN_EBADMSG,
				"MAC VSI ID does not start with 10 zero bytes", 0);
		return 0;
	case VDP_VSIID_LOCAL:
	case VDP_VSIID_UUID:
		/* Opaque.  (lldpad's UUID "all zero" test only looks at the first
		 * sizeof(pointer) bytes; the standard asks for no such check.) */
		return 0;
	default:
		return vn_fail(err, VN_EBADMSG, "VSI ID format is reserved (0 or 6..255)", 0);
	}
}

/* ---- decode ---------------------------------------------------------- */

/* Decode the value of a VSI TLV (types 1-4); v covers exactly the value. */
static int
vdp_decode_vsi(
	struct vn_rd *v, uint8_t mode, size_t hdr_off, struct vdp_pdu *out, struct vn_err *err)
{
	struct vdp_vsi *vsi;
	struct vn_err e;
	uint8_t status = 0, fif = 0;
	uint16_t n = 0;
	size_t esz, need, at;
	int rc;

	if (vn_rd_left(v) < VDP_VSI_FIXED_LEN)
		return vn_fail(
			err, VN_EBADMSG, "VSI TLV shorter than its 25 fixed bytes", hdr_off);
	if (out->n_vsi >= VDP_MAX_VSI)
		return vn_fail(err, VN_EBADMSG, "too many VSI TLVs in one VDPDU", hdr_off);
	vsi = &out->vsi[out->n_vsi];
	memset(vsi, 0, sizeof(*vsi));
	vsi->mode = mode;
	vsi->offset = hdr_off;

	at = vn_rd_pos(v);
	(void)vn_rd_u8(v, &status);
	vdp_status_unpack(status, &vsi->status);
	/* Response error codes 6..15 are reserved (protocols.md 4.2). */
	if (vsi->status.response && vsi->status.error > VDP_ERR_MAX)
		return vn_fail(
			err, VN_EBADMSG, "VDP response error code is reserved (6..15)", at);
	(void)vn_rd_be24(v, &vsi->type_id);
	(void)vn_rd_u8(v, &vsi->type_version);
	at = vn_rd_pos(v);
	(void)vn_rd_u8(v, &vsi->vsiid_format);
	(void)vn_rd_bytes(v, vsi->vsiid, VDP_VSIID_LEN);
	rc = vdp_vsiid_check(vsi->vsiid_format, vsi->vsiid, &e);
	if (rc)
		return vn_fail(err, rc, e.reason, at);
	at = vn_rd_pos(v);
	(void)vn_rd_u8(v, &fif);
	esz = vdp_fif_entry_size(fif);
	if (!esz)
		return vn_fail(
			err, VN_EBADMSG, "filter info format is reserved (0 or 5..255)", at);
	vsi->fif = fif;
	at = vn_rd_pos(v);
	(void)vn_rd_be16(v, &n);
	/* lldpad (ptlv_2_vsi22): the TLV length must equal 23 + 2 + n * size. */
	need = (size_t)n * esz;
	if (need > vn_rd_left(v))
		return vn_fail(err, VN_EBADMSG,
			"VSI TLV filter entry count needs more bytes than the TLV length gives",
			at);
	if (need < vn_rd_left(v))
		return vn_fail(err, VN_EBADMSG,
			"VSI TLV length exceeds what its filter entry count needs", at);
	if ((size_t)out->n_filters + n > VDP_MAX_FILTERS)
		return vn_fail(err, VN_EBADMSG, "too many filter entries in one VDPDU", at);
	vsi->n_filters = n;
	vsi->filter_base = out->n_filters;

	for (uint16_t i = 0; i < n; i++) {
		struct vdp_filter *f = &out->filters[out->n_filters + i];
		uint16_t word = 0;

		memset(f, 0, sizeof(*f));
		if (fif == VDP_FIF_GROUP_VID || fif == VDP_FIF_GROUP_MAC_VID)
			(void)vn_rd_be32(v, &f->group_id);
		if (fif == VDP_FIF_MAC_VID || fif == VDP_FIF_GROUP_MAC_VID)
			(void)vn_rd_bytes(v, f->mac, sizeof(f->mac));
		at = vn_rd_pos(v);
		(void)vn_rd_be16(v, &word);
		vdp_psvid_unpack(word, f);
		/* 802.1Q-2014 9.6 Table 9-2: VID 0xFFF is reserved.  (lldpad also
		 * refuses VID 1, which the standard allows; we accept it.) */
		if (f->vid == VDP_VID_RESERVED)
			return vn_fail(
				err, VN_EBADMSG, "filter entry uses the reserved VID 4095", at);
	}
	out->n_filters = (uint16_t)(out->n_filters + n);
	out->n_vsi++;
	return 0;
}

static int
vdp_decode_org(struct vn_rd *v, size_t hdr_off, struct vdp_pdu *out, struct vn_err *err)
{
	struct vdp_org *o;
	size_t left = vn_rd_left(v);

	if (left < VDP_ORG_MIN_LEN)
		return vn_fail(err, VN_EBADMSG,
			"organizationally defined TLV shorter than OUI and subtype", hdr_off);
	if (out->n_org >= VDP_MAX_ORG)
		return vn_fail(err, VN_EBADMSG,
			"too many organizationally defined TLVs in one VDPDU", hdr_off);
	o = &out->org[out->n_org++];
	o->vsi = out->n_vsi ? (uint16_t)(out->n_vsi - 1) : VDP_ORG_NO_VSI;
	(void)vn_rd_be24(v, &o->oui);
	(void)vn_rd_u8(v, &o->subtype);
	o->data_len = (uint16_t)(left - VDP_ORG_MIN_LEN);
	o->data = o->data_len ? vn_rd_ptr(v, o->data_len) : NULL;
	return 0;
}

int
vdp_decode(const uint8_t *buf, size_t len, struct vdp_pdu *out, struct vn_err *err)
{
	struct vn_rd r;
	bool first = true;

	out->has_mgrid = false;
	memset(out->mgrid, 0, sizeof(out->mgrid));
	out->n_vsi = 0;
	out->n_filters = 0;
	out->n_org = 0;
	out->n_unknown = 0;
	out->end_tlv = false;
	out->tlv_len = 0;

	vn_rd_init(&r, buf, len);
	for (;;) {
		size_t hdr_off = vn_rd_pos(&r);
		uint16_t hdr = 0, tlen;
		uint8_t type;
		struct vn_rd v;
		int rc = 0;

		if (vn_rd_left(&r) == 0)
			break;
		if (vn_rd_left(&r) == 1) {
			uint8_t b = 0;

			/* Too short for a header: only zero padding is allowed. */
			(void)vn_rd_u8(&r, &b);
			if (!first && b == 0)
				break;
			return vn_fail(
				err, VN_EBADMSG, "VDPDU ends inside a TLV header", hdr_off);
		}
		(void)vn_rd_be16(&r, &hdr);
		type = (uint8_t)(hdr >> 9);
		tlen = hdr & 0x1FF;
		if (type == VDP_TLV_END) {
			if (first)
				break; /* reported below as a missing Manager ID */
			/* End TLV or zero padding: stop; what follows is not read. */
			out->end_tlv = true;
			break;
		}
		if (first && type != VDP_TLV_MGRID)
			return vn_fail(err, VN_EBADMSG, "first VDP TLV is not a Manager ID TLV",
				hdr_off);
		if (!vn_rd_sub(&r, tlen, &v))
			return vn_fail(err, VN_EBADMSG,
				"VDP TLV length runs past the end of the VDPDU", hdr_off);
		switch (type) {
		case VDP_TLV_MGRID:
			if (!first)
				return vn_fail(
					err, VN_EBADMSG, "duplicate Manager ID TLV", hdr_off);
			if (tlen != VDP_MGRID_LEN)
				return vn_fail(err, VN_EBADMSG,
					"Manager ID TLV length is not 16", hdr_off);
			(void)vn_rd_bytes(&v, out->mgrid, VDP_MGRID_LEN);
			out->has_mgrid = true;
			break;
		case VDP_TLV_PREASSOC:
		case VDP_TLV_PREASSOC_RR:
		case VDP_TLV_ASSOC:
		case VDP_TLV_DEASSOC:
			rc = vdp_decode_vsi(&v, type, hdr_off, out, err);
			break;
		case VDP_TLV_ORG:
			rc = vdp_decode_org(&v, hdr_off, out, err);
			break;
		default:
			/* Unknown type: skipped, as lldpad does (vdp22_ecp22in). */
			if (out->n_unknown < UINT16_MAX)
				out->n_unknown++;
			break;
		}
		if (rc)
			return rc;
		first = false;
		out->tlv_len = vn_rd_pos(&r);
	}
	if (!out->has_mgrid)
		return vn_fail(err, VN_EBADMSG, "VDPDU has no Manager ID TLV", 0);
	if (!out->n_vsi)
		return vn_fail(err, VN_EBADMSG, "VDPDU has no VSI TLV", out->tlv_len);
	return 0;
}

/* ---- encode ---------------------------------------------------------- */

static void
wr_tlv_hdr(struct vn_wr *w, unsigned int type, size_t len)
{
	vn_wr_be16(w, (uint16_t)(type << 9 | (len & VDP_TLV_MAX_LEN)));
}

static int
vdp_check_vsi(const struct vdp_pdu *in, const struct vdp_vsi *vsi, size_t *tlv_len,
	struct vn_err *err)
{
	struct vn_err e;
	size_t esz;
	uint8_t octet;
	int rc;

	if (vsi->mode < VDP_TLV_PREASSOC || vsi->mode > VDP_TLV_DEASSOC)
		return vn_fail(err, VN_EINVAL, "VSI TLV mode is not 1..4", 0);
	rc = vdp_status_pack(&vsi->status, &octet, err);
	if (rc)
		return rc;
	if (vsi->type_id > 0xFFFFFF)
		return vn_fail(err, VN_EINVAL, "VSI type id exceeds 24 bits", 0);
	if (vdp_vsiid_check(vsi->vsiid_format, vsi->vsiid, &e))
		return vn_fail(err, VN_EINVAL, e.reason, 0);
	esz = vdp_fif_entry_size(vsi->fif);
	if (!esz)
		return vn_fail(
			err, VN_EINVAL, "filter info format is reserved (0 or 5..255)", 0);
	/* lldpad ignores a VSI TLV with no entries (ptlv_2_vsi22). */
	if (!vsi->n_filters)
		return vn_fail(
			err, VN_EINVAL, "VSI TLV has no filter entries (lldpad ignores it)", 0);
	if ((size_t)vsi->filter_base + vsi->n_filters > in->n_filters)
		return vn_fail(
			err, VN_EINVAL, "VSI filter slice lies outside the filter array", 0);
	*tlv_len = VDP_VSI_FIXED_LEN + (size_t)vsi->n_filters * esz;
	if (*tlv_len > VDP_TLV_MAX_LEN)
		return vn_fail(err, VN_EINVAL, "VSI TLV value longer than 511 bytes", 0);
	for (size_t i = 0; i < vsi->n_filters; i++) {
		const struct vdp_filter *f = &in->filters[vsi->filter_base + i];

		if (f->pcp > 7)
			return vn_fail(err, VN_EINVAL, "filter entry PCP exceeds 7", 0);
		if (f->vid >= VDP_VID_RESERVED)
			return vn_fail(err, VN_EINVAL, "filter entry VID exceeds 4094", 0);
	}
	return 0;
}

static void
vdp_write_vsi(
	struct vn_wr *w, const struct vdp_pdu *in, const struct vdp_vsi *vsi, size_t tlv_len)
{
	uint8_t octet = 0;

	(void)vdp_status_pack(&vsi->status, &octet, NULL);
	wr_tlv_hdr(w, vsi->mode, tlv_len);
	vn_wr_u8(w, octet);
	vn_wr_be24(w, vsi->type_id);
	vn_wr_u8(w, vsi->type_version);
	vn_wr_u8(w, vsi->vsiid_format);
	vn_wr_bytes(w, vsi->vsiid, VDP_VSIID_LEN);
	vn_wr_u8(w, vsi->fif);
	vn_wr_be16(w, vsi->n_filters);
	for (size_t i = 0; i < vsi->n_filters; i++) {
		const struct vdp_filter *f = &in->filters[vsi->filter_base + i];

		if (vsi->fif == VDP_FIF_GROUP_VID || vsi->fif == VDP_FIF_GROUP_MAC_VID)
			vn_wr_be32(w, f->group_id);
		if (vsi->fif == VDP_FIF_MAC_VID || vsi->fif == VDP_FIF_GROUP_MAC_VID)
			vn_wr_bytes(w, f->mac, sizeof(f->mac));
		vn_wr_be16(w, vdp_psvid_pack(f));
	}
}

static void
vdp_write_orgs(struct vn_wr *w, const struct vdp_pdu *in, uint16_t vsi)
{
	for (size_t i = 0; i < in->n_org; i++) {
		const struct vdp_org *o = &in->org[i];

		if (o->vsi != vsi)
			continue;
		wr_tlv_hdr(w, VDP_TLV_ORG, VDP_ORG_MIN_LEN + (size_t)o->data_len);
		vn_wr_be24(w, o->oui);
		vn_wr_u8(w, o->subtype);
		vn_wr_bytes(w, o->data, o->data_len);
	}
}

int
vdp_encode(
	const struct vdp_pdu *in, uint8_t *buf, size_t cap, size_t *len_out, struct vn_err *err)
{
	struct vn_wr w;
	size_t tlv_len;
	int rc;

	/* Validate everything first so that nothing half-written escapes. */
	if (!in->has_mgrid)
		return vn_fail(err, VN_EINVAL,
			"VDPDU needs a Manager ID TLV (lldpad drops PDUs without one)", 0);
	if (!in->n_vsi)
		return vn_fail(err, VN_EINVAL, "VDPDU has no VSI TLV", 0);
	if (in->n_vsi > VDP_MAX_VSI || in->n_filters > VDP_MAX_FILTERS ||
		in->n_org > VDP_MAX_ORG)
		return vn_fail(err, VN_EINVAL, "VDPDU array count exceeds its bound", 0);
	for (size_t i = 0; i < in->n_vsi; i++) {
		rc = vdp_check_vsi(in, &in->vsi[i], &tlv_len, err);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < in->n_org; i++) {
		const struct vdp_org *o = &in->org[i];

		if (o->vsi != VDP_ORG_NO_VSI && o->vsi >= in->n_vsi)
			return vn_fail(err, VN_EINVAL,
				"org TLV refers to a VSI TLV that is not there", 0);
		if (o->oui > 0xFFFFFF)
			return vn_fail(err, VN_EINVAL, "org TLV OUI exceeds 24 bits", 0);
		if (o->data_len > VDP_TLV_MAX_LEN - VDP_ORG_MIN_LEN)
			return vn_fail(
				err, VN_EINVAL, "org TLV value longer than 511 bytes", 0);
		if (o->data_len && !o->data)
			return vn_fail(err, VN_EINVAL, "org TLV data pointer is NULL", 0);
	}

	vn_wr_init(&w, buf, cap);
	wr_tlv_hdr(&w, VDP_TLV_MGRID, VDP_MGRID_LEN);
	vn_wr_bytes(&w, in->mgrid, VDP_MGRID_LEN);
	vdp_write_orgs(&w, in, VDP_ORG_NO_VSI);
	for (uint16_t i = 0; i < in->n_vsi; i++) {
		(void)vdp_check_vsi(in, &in->vsi[i], &tlv_len, NULL);
		vdp_write_vsi(&w, in, &in->vsi[i], tlv_len);
		vdp_write_orgs(&w, in, i);
	}
	if (in->end_tlv)
		vn_wr_zero(&w, VDP_TLV_HDR_LEN);
	if (w.overflow)
		return vn_fail(err, VN_ENOSPC, "buffer too small for the VDPDU", cap);
	if (len_out)
		*len_out = w.off;
	return 0;
}

/* ---- builders -------------------------------------------------------- */

void
vdp_pdu_init(struct vdp_pdu *pdu)
{
	pdu->has_mgrid = false;
	memset(pdu->mgrid, 0, sizeof(pdu->mgrid));
	pdu->n_vsi = 0;
	pdu->n_filters = 0;
	pdu->n_org = 0;
	pdu->end_tlv = false;
	pdu->n_unknown = 0;
	pdu->tlv_len = 0;
}

int
vdp_pdu_add_vsi(struct vdp_pdu *pdu, const struct vdp_vsi *vsi,
	const struct vdp_filter *filters, size_t n)
{
	struct vdp_vsi *v;

	if (pdu->n_vsi >= VDP_MAX_VSI || pdu->n_filters > VDP_MAX_FILTERS ||
		n > (size_t)(VDP_MAX_FILTERS - pdu->n_filters))
		return -1;
	v = &pdu->vsi[pdu->n_vsi];
	*v = *vsi;
	v->filter_base = pdu->n_filters;
	v->n_filters = (uint16_t)n;
	if (n)
		memcpy(&pdu->filters[pdu->n_filters], filters, n * sizeof(*filters));
	pdu->n_filters = (uint16_t)(pdu->n_filters + n);
	return pdu->n_vsi++;
}

int
vdp_pdu_add_org(struct vdp_pdu *pdu, uint16_t vsi, uint32_t oui, uint8_t subtype,
	const uint8_t *data, uint16_t data_len)
{
	struct vdp_org *o;

	if (pdu->n_org >= VDP_MAX_ORG)
		return -1;
	o = &pdu->org[pdu->n_org];
	o->vsi = vsi;
	o->oui = oui;
	o->subtype = subtype;
	o->data = data;
	o->data_len = data_len;
	return pdu->n_org++;
}

/* ---- names and text -------------------------------------------------- */

const char *
vdp_tlv_type_name(unsigned int type)
{
	switch (type) {
	case VDP_TLV_END:
		return "End";
	case VDP_TLV_PREASSOC:
		return "Pre-Associate";
	case VDP_TLV_PREASSOC_RR:
		return "Pre-Associate with Resource Reservation";
	case VDP_TLV_ASSOC:
		return "Associate";
	case VDP_TLV_DEASSOC:
		return "De-Associate";
	case VDP_TLV_MGRID:
		return "VSI Manager ID";
	case VDP_TLV_ORG:
		return "Organizationally defined";
	default:
		return "unknown";
	}
}

const char *
vdp_error_name(unsigned int code)
{
	switch (code) {
	case VDP_ERR_SUCCESS:
		return "success";
	case VDP_ERR_INVALID_FORMAT:
		return "invalid format";
	case VDP_ERR_INSUFFICIENT_RESOURCES:
		return "insufficient resources";
	case VDP_ERR_NO_VSI_MANAGER:
		return "unable to contact VSI manager";
	case VDP_ERR_OTHER:
		return "other failure";
	case VDP_ERR_INVALID_VID_GROUP_MAC:
		return "invalid VID, GroupID or MAC";
	default:
		return "reserved";
	}
}

const char *
vdp_fif_name(unsigned int fif)
{
	switch (fif) {
	case VDP_FIF_VID:
		return "VID";
	case VDP_FIF_MAC_VID:
		return "MAC/VID";
	case VDP_FIF_GROUP_VID:
		return "GroupID/VID";
	case VDP_FIF_GROUP_MAC_VID:
		return "GroupID/MAC/VID";
	default:
		return "reserved";
	}
}

const char *
vdp_vsiid_format_name(unsigned int format)
{
	switch (format) {
	case VDP_VSIID_IPV4:
		return "IPv4";
	case VDP_VSIID_IPV6:
		return "IPv6";
	case VDP_VSIID_MAC:
		return "MAC";
	case VDP_VSIID_LOCAL:
		return "local";
	case VDP_VSIID_UUID:
		return "UUID";
	default:
		return "reserved";
	}
}

/* A bounded string builder for vdp_vsiid_format_text. */
struct txt {
	char *buf;
	size_t cap;
	size_t len;
	bool overflow;
};

static void
txt_ch(struct txt *t, char c)
{
	if (t->len + 1 >= t->cap) {
		t->overflow = true;
		return;
	}
	t->buf[t->len++] = c;
	t->buf[t->len] = '\0';
}

static void
txt_hex(struct txt *t, unsigned int v, unsigned int digits, bool strip)
{
	static const char hex[] = "0123456789abcdef";
	bool lead = strip;

	for (unsigned int i = digits; i-- > 0;) {
		unsigned int d = (v >> (4 * i)) & 0xF;

		if (lead && d == 0 && i > 0)
			continue;
		lead = false;
		txt_ch(t, hex[d]);
	}
}

static void
txt_dec(struct txt *t, unsigned int v)
{
	if (v >= 100)
		txt_ch(t, (char)('0' + v / 100));
	if (v >= 10)
		txt_ch(t, (char)('0' + v / 10 % 10));
	txt_ch(t, (char)('0' + v % 10));
}

static void
txt_ipv6(struct txt *t, const uint8_t *id)
{
	uint16_t g[8];
	int best = -1, best_len = 0;

	for (int i = 0; i < 8; i++)
		g[i] = vn_get_be16(id + 2 * i);
	/* RFC 5952 4.2: compress the longest run (first if tied) of >= 2 zeros. */
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			txt_ch(t, ':');
			txt_ch(t, ':');
			i += best_len - 1;
			continue;
		}
		if (i && i != best + best_len)
			txt_ch(t, ':');
		txt_hex(t, g[i], 4, true);
	}
}

int
vdp_vsiid_format_text(
	unsigned int format, const uint8_t id[VDP_VSIID_LEN], char *buf, size_t cap)
{
	struct txt t = { buf, cap, 0, false };

	if (cap)
		buf[0] = '\0';
	switch (format) {
	case VDP_VSIID_UUID:
		for (int i = 0; i < VDP_VSIID_LEN; i++) {
			if (i == 4 || i == 6 || i == 8 || i == 10)
				txt_ch(&t, '-');
			txt_hex(&t, id[i], 2, false);
		}
		break;
	case VDP_VSIID_IPV4:
		for (int i = 12; i < 16; i++) {
			if (i > 12)
				txt_ch(&t, '.');
			txt_dec(&t, id[i]);
		}
		break;
	case VDP_VSIID_IPV6:
		txt_ipv6(&t, id);
		break;
	case VDP_VSIID_MAC:
		for (int i = 10; i < 16; i++) {
			if (i > 10)
				txt_ch(&t, ':');
			txt_hex(&t, id[i], 2, false);
		}
		break;
	case VDP_VSIID_LOCAL:
		for (int i = 0; i < VDP_VSIID_LEN; i++)
			txt_hex(&t, id[i], 2, false);
		break;
	default:
		return VN_EINVAL;
	}
	if (t.overflow || !cap)
		return VN_ENOSPC;
	return (int)t.len;
}

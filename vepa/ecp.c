/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "vepa/ecp.h"

static bool
ecp_subtype_known(unsigned int subtype)
{
	return subtype == ECP_SUBTYPE_VDP || subtype == ECP_SUBTYPE_PECSP;
}

int
ecp_decode(const uint8_t *buf, size_t len, struct ecp_pdu *out, struct vn_err *err)
{
	struct vn_rd r;
	uint16_t word, seq;

	vn_rd_init(&r, buf, len);
	if (!vn_rd_be16(&r, &word))
		return vn_fail(
			err, VN_EBADMSG, "ECPDU shorter than its version/op/subtype word", len);
	/* lldpad (ecp22.c) drops every version other than 1. */
	if ((word & ECP_VERSION_MASK) >> 12 != ECP_VERSION)
		return vn_fail(err, VN_EBADMSG, "ECP version is not 1", 0);
	/* op 2 and 3 are not defined by 802.1Qbg-2012; lldpad logs and drops. */
	if ((word & ECP_OP_MASK) >> 10 > ECP_OP_ACK)
		return vn_fail(err, VN_EBADMSG, "ECP op is reserved (2 or 3)", 0);
	/* Subtypes: 1 VDP, 2 PE-CSP; lldpad drops any other. */
	if (!ecp_subtype_known(word & ECP_SUBTYPE_MASK))
		return vn_fail(
			err, VN_EBADMSG, "ECP subtype is neither VDP (1) nor PE-CSP (2)", 0);
	if (!vn_rd_be16(&r, &seq))
		return vn_fail(err, VN_EBADMSG, "ECPDU ends inside its sequence number", len);

	out->version = (uint8_t)((word & ECP_VERSION_MASK) >> 12);
	out->op = (uint8_t)((word & ECP_OP_MASK) >> 10);
	out->subtype = word & ECP_SUBTYPE_MASK;
	out->seq = seq;
	if (out->op == ECP_OP_ACK) {
		/* Everything after an ACK header is Ethernet padding. */
		out->ulpdu = NULL;
		out->ulpdu_len = 0;
		out->pad_len = vn_rd_left(&r);
	} else {
		out->ulpdu_len = vn_rd_left(&r);
		out->ulpdu = vn_rd_ptr(&r, out->ulpdu_len);
		out->pad_len = 0;
	}
	return 0;
}

int
ecp_encode(
	const struct ecp_pdu *in, uint8_t *buf, size_t cap, size_t *len_out, struct vn_err *err)
{
	struct vn_wr w;

	if (in->version != ECP_VERSION)
		return vn_fail(err, VN_EINVAL, "ECP version is not 1", 0);
	if (in->op > ECP_OP_ACK)
		return vn_fail(err, VN_EINVAL, "ECP op is reserved (2 or 3)", 0);
	if (!ecp_subtype_known(in->subtype))
		return vn_fail(
			err, VN_EINVAL, "ECP subtype is neither VDP (1) nor PE-CSP (2)", 0);
	if (in->op == ECP_OP_ACK && in->ulpdu_len)
		return vn_fail(err, VN_EINVAL, "ECP ACK cannot carry a ULPDU", 0);
	if (in->ulpdu_len > ECP_MAX_ULPDU_LEN)
		return vn_fail(err, VN_EINVAL, "ECP ULPDU longer than 1496 bytes", 0);
	if (in->ulpdu_len && !in->ulpdu)
		return vn_fail(err, VN_EINVAL, "ECP ULPDU pointer is NULL", 0);

	vn_wr_init(&w, buf, cap);
	vn_wr_be16(
		&w, (uint16_t)(ECP_VERSION << 12 | (unsigned int)in->op << 10 | in->subtype));
	vn_wr_be16(&w, in->seq);
	if (in->op == ECP_OP_REQUEST)
		vn_wr_bytes(&w, in->ulpdu, in->ulpdu_len);
	if (w.overflow)
		return vn_fail(err, VN_ENOSPC, "buffer too small for the ECPDU", cap);
	if (len_out)
		*len_out = w.off;
	return 0;
}

const char *
ecp_op_name(unsigned int op)
{
	switch (op) {
	case ECP_OP_REQUEST:
		return "request";
	case ECP_OP_ACK:
		return "ack";
	default:
		return "reserved";
	}
}

const char *
ecp_subtype_name(unsigned int subtype)
{
	switch (subtype) {
	case ECP_SUBTYPE_VDP:
		return "VDP";
	case ECP_SUBTYPE_PECSP:
		return "PE-CSP";
	default:
		return "unknown";
	}
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ecp.h - Edge Control Protocol, IEEE 802.1Qbg-2012 (802.1Q-2014 clause 43),
 * EtherType 0x8940: header codec.
 *
 * The codec works on the ECPDU, i.e. the bytes after the 14-byte Ethernet
 * header (the caller strips DA, SA and EtherType):
 *
 *    15     12 11 10 9                  0
 *   +---------+-----+--------------------+----------------+---------- - -
 *   | version | op  |   subtype (10)     | sequence (16)  | ULPDU ...
 *   +---------+-----+--------------------+----------------+---------- - -
 *
 * version must be 1; op 0 = request (carries a ULPDU), 1 = acknowledgement;
 * subtype 1 = VDP, 2 = PE-CSP (802.1BR).  Bit layout as packed by lldpad
 * (include/qbg_ecp22.h) and read by Wireshark (packet-ecp.c).  Every other
 * version, op and subtype value is rejected, as lldpad's ecp22 receive path
 * drops them (the standard reserves op 2 and 3 and the other subtypes).
 *
 * An ACK carries no ULPDU: whatever follows its 4-byte header is Ethernet
 * padding.  lldpad sends its ACKs as unpadded 18-byte frames (a 4-byte
 * ECPDU); NICs and other stacks pad to 60 bytes.  The decoder accepts any
 * trailer after an ACK header and does not look at its content (IEEE 802.3
 * leaves the pad content unspecified); it reports its length in pad_len.
 *
 * A request's ULPDU is everything after the header, padding included: ECP
 * carries no ULPDU length, so the upper-layer protocol finds its own end
 * (VDP stops at a type-0 TLV, see vdp.h).  A request with an empty ULPDU
 * decodes (ECP is transparent to its payload); the ULP decoder rejects it.
 *
 * Memory: after ecp_decode, out->ulpdu points into the caller's buffer and
 * is valid only while that buffer is.  For ecp_encode, in->ulpdu is the
 * caller's ULPDU and is copied into the output buffer.
 */
#ifndef VEPA_ECP_H
#define VEPA_ECP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/codec.h"

#define ECP_VERSION 1 /* 802.1Qbg-2012 ECP ("ecp22" in lldpad) */
#define ECP_HDR_LEN 4 /* version/op/subtype word + sequence number */

/*
 * Largest ULPDU that fits in an untagged 1500-byte Ethernet payload after the
 * ECP header.  lldpad uses 1494 (ECP22_MAXPAYLOAD_LEN: 1500 - 4 - 2, keeping
 * room for an End TLV it no longer sends).
 */
#define ECP_MAX_ULPDU_LEN (1500 - ECP_HDR_LEN)

/* Header word masks (host order). */
#define ECP_VERSION_MASK 0xF000
#define ECP_OP_MASK      0x0C00
#define ECP_SUBTYPE_MASK 0x03FF

enum ecp_op {
	ECP_OP_REQUEST = 0, /* carries a ULPDU */
	ECP_OP_ACK = 1,     /* echoes the acknowledged sequence number */
			    /* 2 and 3 are reserved; lldpad drops them, so does ecp_decode */
};

enum ecp_subtype {
	ECP_SUBTYPE_VDP = 1,   /* VSI Discovery and Configuration Protocol */
	ECP_SUBTYPE_PECSP = 2, /* 802.1BR Port Extender Control and Status */
};

struct ecp_pdu {
	uint8_t version;  /* 4 bits; always ECP_VERSION after a decode */
	uint8_t op;       /* enum ecp_op */
	uint16_t subtype; /* 10 bits, enum ecp_subtype */
	uint16_t seq;     /* request: sender's sequence; ACK: the one acknowledged */
	/* Request: the ULPDU (padding included, see above).  ACK: NULL and 0. */
	const uint8_t *ulpdu;
	size_t ulpdu_len;
	size_t pad_len; /* decode only: bytes after an ACK's header (ignored) */
};

/*
 * Decode the ECPDU in buf[0..len).  Returns 0 or VN_EBADMSG (truncated
 * header, version other than 1, reserved op, unknown subtype).
 */
int ecp_decode(const uint8_t *buf, size_t len, struct ecp_pdu *out, struct vn_err *err);

/*
 * Write the 4-byte header and, for a request, the ULPDU (no padding: padding
 * a short frame to 60 bytes is the transmit path's business).  Returns 0,
 * VN_ENOSPC, or VN_EINVAL (version not 1, reserved op or subtype, an ACK with
 * a ULPDU, a ULPDU longer than ECP_MAX_ULPDU_LEN, ulpdu NULL with a length).
 */
int ecp_encode(const struct ecp_pdu *in, uint8_t *buf, size_t cap, size_t *len_out,
	struct vn_err *err);

/* "request", "ack" or "reserved". */
const char *ecp_op_name(unsigned int op);
/* "VDP", "PE-CSP" or "unknown". */
const char *ecp_subtype_name(unsigned int subtype);

#endif /* VEPA_ECP_H */

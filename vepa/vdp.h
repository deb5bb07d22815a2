/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vdp.h - VSI Discovery and Configuration Protocol, IEEE 802.1Qbg-2012
 * (802.1Q-2014 clause 41): VDPDU codec.
 *
 * A VDPDU is the ULPDU of an ECP request with subtype 1 (see ecp.h).  It is
 * a sequence of TLVs with the LLDP-style 16-bit header: 7-bit type, 9-bit
 * length of the value.
 *
 *   type 5    VSI Manager ID, value exactly 16 bytes
 *   type 1-4  VSI TLV: Pre-Associate, Pre-Associate with Resource
 *             Reservation, Associate, De-Associate
 *   type 127  organizationally defined: OUI(3) subtype(1) data
 *   type 0    End (or zero padding)
 *
 * VSI TLV value (length = 25 + n * entry size, exactly):
 *
 *   status(1) type id(3) type version(1) VSI ID format(1) VSI ID(16)
 *   filter info format(1) n(2) entries(n * 2/8/6/12)
 *
 * Decoding rules (what is rejected, and why):
 *
 *  - The first TLV must be the Manager ID and it must not appear again
 *    (lldpad vdp22_ecp22in drops the PDU otherwise: "No Manager ID TLV",
 *    "Duplicate Manager ID TLV").  Its length must be 16.
 *  - Parsing stops at the first TLV of type 0 or at the end of the buffer.
 *    Since lldpad commit 61b69da no End TLV is sent and short frames are
 *    zero-padded, so a type-0 header is End or padding alike; the bytes after
 *    it are neither read nor checked (802.3 pad content is unspecified).  A
 *    single trailing byte (too short for a header) is accepted only if it is
 *    zero, i.e. padding.
 *  - At least one VSI TLV must be present: a VDPDU without one asks nothing.
 *  - A TLV whose length runs past the end of the buffer is rejected.
 *  - VSI TLV: the length must equal 25 + n * entry size exactly, with
 *    distinct reasons for a count that needs more bytes than the TLV has and
 *    for a TLV longer than its count needs (lldpad ptlv_2_vsi22 ignores both).
 *    Reserved values are rejected: VSI ID format 0 and 6..255, filter info
 *    format 0 and 5..255, response error codes 6..15, and VID 4095 (802.1Q-
 *    2014 9.6, Table 9-2 reserves it).  VID 1 and all other VIDs are
 *    accepted: lldpad's check_vid refusal of VID 1 is a quirk, not the
 *    standard.  The VSI ID is checked against its format: IPv4 must be the
 *    IPv4-mapped form (10 zero bytes, FF FF, address), MAC must be 10 zero
 *    bytes and the MAC, IPv6 must not be all zero; local and UUID IDs are
 *    opaque (lldpad's IPv4 and UUID checks are buggy, protocols.md 4.3).
 *  - n = 0 is accepted and decoded (lldpad ignores such a TLV but keeps the
 *    rest of the PDU); the state machine decides.  The encoder refuses it.
 *  - Status bit 7 is reserved: ignored on receipt, sent as 0.  In a request
 *    the low nibble is reserved too: ignored (error reads 0), sent as 0.
 *  - Organizationally defined TLVs must hold at least OUI and subtype; they
 *    are kept as pointer + length into the input and attached to the VSI TLV
 *    before them (VDP_ORG_NO_VSI if they come before the first VSI TLV).
 *  - TLVs of any other type (6..126) are skipped and counted in n_unknown,
 *    as lldpad skips them.
 *
 * Bounds.  All arrays are fixed (decoders do not allocate).  They are sized
 * so that every legal VDPDU that fits an untagged frame (VDP_MAX_PDU_LEN =
 * 1496 bytes, i.e. ECP_MAX_ULPDU_LEN) decodes; a longer (jumbo) VDPDU that
 * needs more is rejected with "too many ..." reasons.  Derivations:
 *   VSI TLVs:  1496 - 18 (Manager ID) = 1478 bytes; the smallest VSI TLV is
 *              27 bytes (n = 0): 1478 / 27 = 54.
 *   filters:   a VSI TLV value is at most 511 bytes (9-bit length), so at
 *              most 243 VID entries (2 bytes) per VSI TLV at 27 + 486 = 513
 *              bytes; two of those use 1026 of the 1478 bytes, and the
 *              remaining 452 hold one more TLV with 212: 2 * 243 + 212 = 698.
 *   org TLVs:  1478 - 27 (one VSI TLV is required) = 1451; the smallest org
 *              TLV is 6 bytes: 1451 / 6 = 241.
 * struct vdp_pdu is therefore about 20 KiB; keep it off small stacks.
 *
 * Memory: vdp_decode fills a caller-owned struct vdp_pdu.  Filter entries of
 * all VSI TLVs share the array filters[]; each VSI names its slice with
 * filter_base and n_filters (indexes, not pointers, so the struct can be
 * copied).  vdp_org.data points into the caller's input buffer and is valid
 * only while that buffer is.  Unknown TLVs are not kept, so re-encoding a
 * decoded PDU drops them.
 */
#ifndef VEPA_VDP_H
#define VEPA_VDP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/codec.h"

/* TLV types (protocols.md 4.1; lldpad enum vdp22_modes / VDP22_MGRID). */
enum vdp_tlv_type {
	VDP_TLV_END = 0,
	VDP_TLV_PREASSOC = 1,
	VDP_TLV_PREASSOC_RR = 2, /* Pre-Associate with Resource Reservation */
	VDP_TLV_ASSOC = 3,
	VDP_TLV_DEASSOC = 4,
	VDP_TLV_MGRID = 5,
	VDP_TLV_ORG = 127,
};

#define VDP_TLV_HDR_LEN         2
#define VDP_TLV_MAX_LEN         511 /* 9-bit length */
#define VDP_MGRID_LEN           16
#define VDP_VSIID_LEN           16
#define VDP_VSI_FIXED_LEN       25 /* VSI TLV value before the filter entries */
#define VDP_ORG_MIN_LEN         4  /* OUI + subtype */
#define VDP_MAX_PDU_LEN         1496
#define VDP_MAX_VSI             54
#define VDP_MAX_FILTERS         698
#define VDP_MAX_ORG             241
#define VDP_ORG_NO_VSI          0xFFFF /* org TLV before the first VSI TLV */
#define VDP_MAX_FILTERS_PER_VSI ((VDP_TLV_MAX_LEN - VDP_VSI_FIXED_LEN) / 2) /* 243 */

/*
 * Status octet, the first byte of a VSI TLV (protocols.md 4.2; lldpad
 * qbg_vdp22.h after commit 66f229b, Wireshark packet-ecp.c masks):
 *
 *   bit      request (0x40 clear)           response (0x40 set)
 *   0x80     reserved                       reserved
 *   0x40     0                              1 ("ACK")
 *   0x20     S: suspend / migrate-from      KEEP: command refused, previous
 *                                           state kept
 *   0x10     M: migrate-to                  HARD error
 *   0x0F     reserved                       error code (enum vdp_error)
 */
#define VDP_STATUS_RESERVED 0x80
#define VDP_STATUS_RESPONSE 0x40
#define VDP_STATUS_KEEP     0x20 /* response */
#define VDP_STATUS_HARD     0x10 /* response */
#define VDP_STATUS_S        0x20 /* request: lldpad VDP22_MIGFROM */
#define VDP_STATUS_M        0x10 /* request: lldpad VDP22_MIGTO */
#define VDP_STATUS_ERROR    0x0F /* response */

/* Response error codes (low nibble); 6..15 are reserved. */
enum vdp_error {
	VDP_ERR_SUCCESS = 0,
	VDP_ERR_INVALID_FORMAT = 1,
	VDP_ERR_INSUFFICIENT_RESOURCES = 2,
	VDP_ERR_NO_VSI_MANAGER = 3, /* unable to contact the VSI manager */
	VDP_ERR_OTHER = 4,
	VDP_ERR_INVALID_VID_GROUP_MAC = 5, /* invalid VID, GroupID or MAC */
	VDP_ERR_MAX = 5,
};

/*
 * The status octet decoded.  The two middle bits mean different things in
 * requests and responses; the field names say both, and the accessors below
 * name exactly one meaning each (and answer false for the other direction).
 */
struct vdp_status {
	bool response;  /* 0x40 */
	bool keep_or_s; /* 0x20: response KEEP, request S (migrate-from) */
	bool hard_or_m; /* 0x10: response HARD, request M (migrate-to) */
	uint8_t error;  /* response: enum vdp_error; request: always 0 */
};

static inline bool
vdp_status_keep(const struct vdp_status *s)
{
	return s->response && s->keep_or_s;
}

static inline bool
vdp_status_hard(const struct vdp_status *s)
{
	return s->response && s->hard_or_m;
}

static inline bool
vdp_status_s_bit(const struct vdp_status *s)
{
	return !s->response && s->keep_or_s;
}

static inline bool
vdp_status_m_bit(const struct vdp_status *s)
{
	return !s->response && s->hard_or_m;
}

/* Octet -> fields (never fails: reserved bits are dropped, a request's low
 * nibble reads as error 0; the decoder rejects response error codes > 5). */
void vdp_status_unpack(uint8_t octet, struct vdp_status *s);
/* Fields -> octet; VN_EINVAL for an error code > 5, or non-zero in a request. */
int vdp_status_pack(const struct vdp_status *s, uint8_t *octet, struct vn_err *err);

/* VSI ID formats (protocols.md 4.3; lldpad enum vdp22_vsiid_fmt). */
enum vdp_vsiid_format {
	VDP_VSIID_IPV4 = 1,  /* ::ffff:a.b.c.d */
	VDP_VSIID_IPV6 = 2,  /* not all zero */
	VDP_VSIID_MAC = 3,   /* 10 zero bytes + MAC */
	VDP_VSIID_LOCAL = 4, /* opaque */
	VDP_VSIID_UUID = 5,  /* RFC 4122, wire order */
};

/* Filter info formats (protocols.md 4.4; lldpad VDP22_FFMT_*). */
enum vdp_fif {
	VDP_FIF_VID = 1,          /* PS/PCP/VID(2) */
	VDP_FIF_MAC_VID = 2,      /* MAC(6) PS/PCP/VID(2) */
	VDP_FIF_GROUP_VID = 3,    /* GroupID(4) PS/PCP/VID(2) */
	VDP_FIF_GROUP_MAC_VID = 4 /* GroupID(4) MAC(6) PS/PCP/VID(2) */
};

/* The 16-bit PS/PCP/VID word of a filter entry. */
#define VDP_PS_MASK      0x8000
#define VDP_PCP_MASK     0x7000
#define VDP_VID_MASK     0x0FFF
#define VDP_VID_RESERVED 4095 /* 802.1Q-2014 9.6 Table 9-2 */

struct vdp_filter {
	bool ps;           /* PCP significant */
	uint8_t pcp;       /* 0..7, kept even when ps is clear */
	uint16_t vid;      /* 0..4094; 0 in a request lets the bridge choose */
	uint32_t group_id; /* formats 3 and 4, else 0 */
	uint8_t mac[6];    /* formats 2 and 4, else zero */
};

struct vdp_vsi {
	uint8_t mode; /* TLV type 1..4 (enum vdp_tlv_type) */
	struct vdp_status status;
	uint32_t type_id;     /* 24 bits */
	uint8_t type_version; /* VSI type version */
	uint8_t vsiid_format; /* enum vdp_vsiid_format */
	uint8_t vsiid[VDP_VSIID_LEN];
	uint8_t fif;          /* enum vdp_fif */
	uint16_t n_filters;   /* n on the wire */
	uint16_t filter_base; /* index of the first entry in vdp_pdu.filters */
	size_t offset;        /* decode: offset of the TLV header in the input */
};

struct vdp_org {
	uint16_t vsi;    /* index in vdp_pdu.vsi of the VSI TLV before it, or VDP_ORG_NO_VSI */
	uint32_t oui;    /* 24 bits, e.g. 0x00000C Cisco (lldpad vdp22cisco_oui.c) */
	uint8_t subtype; /* e.g. 0xF1 VM name, 0xF2 L3 address for Cisco */
	const uint8_t *data; /* after OUI and subtype; decode: points into the input */
	uint16_t data_len;
};

struct vdp_pdu {
	bool has_mgrid; /* always true after a decode; the encoder requires it */
	uint8_t mgrid[VDP_MGRID_LEN];
	uint16_t n_vsi;
	struct vdp_vsi vsi[VDP_MAX_VSI]; /* in wire order */
	uint16_t n_filters;              /* entries used in filters[] */
	struct vdp_filter filters[VDP_MAX_FILTERS];
	uint16_t n_org;
	struct vdp_org org[VDP_MAX_ORG]; /* in wire order */
	/* Decode: the PDU held a type-0 TLV header (End or zero padding).
	 * Encode: append an End TLV (00 00); lldpad no longer sends one. */
	bool end_tlv;
	uint16_t n_unknown; /* decode: TLVs of unknown type skipped */
	size_t tlv_len;     /* decode: bytes used by TLVs, End and padding excluded */
};

/*
 * Decode the VDPDU in buf[0..len) (an ECP request's ULPDU, padding
 * included).  Returns 0 or VN_EBADMSG.  out is fully overwritten.
 */
int vdp_decode(const uint8_t *buf, size_t len, struct vdp_pdu *out, struct vn_err *err);

/*
 * Encode: Manager ID TLV, then each VSI TLV followed by the org TLVs attached
 * to it (org TLVs with VDP_ORG_NO_VSI go right after the Manager ID), then
 * an End TLV only if in->end_tlv.  Every VSI TLV gets the exact length
 * 25 + n * entry size, which lldpad requires.  Returns 0, VN_ENOSPC, or
 * VN_EINVAL for anything the decoder would reject or lldpad would ignore:
 * no Manager ID, no VSI TLV, mode not 1..4, a VSI TLV with no filter entry,
 * reserved formats or status values, PCP > 7, VID > 4094, a type id over 24
 * bits, a TLV value over 511 bytes, a filter slice or org VSI index outside
 * the arrays.
 */
int vdp_encode(const struct vdp_pdu *in, uint8_t *buf, size_t cap, size_t *len_out,
	struct vn_err *err);

/* Builders for encoders: reset a PDU (no VSI, no Manager ID); append a VSI
 * TLV whose n filter entries are copied into the shared pool (filter_base
 * and n_filters of *vsi are ignored and set); append an org TLV (data is
 * referenced, not copied).  They return the new index or -1 when full. */
void vdp_pdu_init(struct vdp_pdu *pdu);
int vdp_pdu_add_vsi(struct vdp_pdu *pdu, const struct vdp_vsi *vsi,
	const struct vdp_filter *filters, size_t n);
int vdp_pdu_add_org(struct vdp_pdu *pdu, uint16_t vsi, uint32_t oui, uint8_t subtype,
	const uint8_t *data, uint16_t data_len);

/* Entries of one VSI TLV (vsi must belong to pdu). */
static inline const struct vdp_filter *
vdp_vsi_filters(const struct vdp_pdu *pdu, const struct vdp_vsi *vsi)
{
	return &pdu->filters[vsi->filter_base];
}

/* Size of one filter entry for a format, 0 for a reserved one. */
size_t vdp_fif_entry_size(unsigned int fif);

/* PS/PCP/VID word <-> fields (pack masks pcp to 3 and vid to 12 bits). */
void vdp_psvid_unpack(uint16_t word, struct vdp_filter *f);
uint16_t vdp_psvid_pack(const struct vdp_filter *f);

/* 0 if the 16-byte VSI ID is valid for its format, else VN_EBADMSG with the
 * reason (offset 0). */
int vdp_vsiid_check(unsigned int format, const uint8_t id[VDP_VSIID_LEN], struct vn_err *err);

/* Names for logs and the CLI; "reserved" / "unknown" for other values. */
const char *vdp_tlv_type_name(unsigned int type);
const char *vdp_error_name(unsigned int code);
const char *vdp_fif_name(unsigned int fif);
const char *vdp_vsiid_format_name(unsigned int format);

/*
 * Format a VSI ID as text into buf (always NUL-terminated when cap > 0):
 *   UUID   8-4-4-4-12 lowercase hex (a1b2c3d4-0000-1111-2222-333344445555)
 *   IPv4   dotted quad of the last 4 bytes (192.0.2.1)
 *   IPv6   RFC 5952 style: lowercase hex groups, longest run of two or more
 *          zero groups as "::" (2001:db8::1)
 *   MAC    colon hex of the last 6 bytes (52:54:00:11:22:33)
 *   local  32 lowercase hex digits
 * The content is not validated (see vdp_vsiid_check).  Returns the length
 * written, VN_EINVAL for a reserved format, VN_ENOSPC if cap is too small
 * (VDP_VSIID_TEXT_MAX always suffices).
 */
#define VDP_VSIID_TEXT_MAX 40
int vdp_vsiid_format_text(
	unsigned int format, const uint8_t id[VDP_VSIID_LEN], char *buf, size_t cap);

#endif /* VEPA_VDP_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lldpdu.h - LLDPDU codec (IEEE 802.1AB-2016 clause 8) with the EVB (802.1Qbg-2012),
 * CDCP and pre-standard (draft 0.2) EVB organizationally specific TLVs.
 *
 * Scope: the LLDPDU only, i.e. what follows the 14-byte Ethernet header with
 * EtherType 0x88CC (VN_ETH_LLDP).  The caller strips or prepends the Ethernet
 * header and picks the destination group MAC (LLDP_MAC_* below).  Error
 * offsets (struct vn_err) are relative to the first byte of the LLDPDU.
 *
 * Memory: lldp_decode() copies every value it keeps into the caller-owned
 * struct lldp_pdu (fixed-size arrays, no pointers into the input), so the
 * input buffer can be reused as soon as it returns.  The struct is large
 * (about 11 KB, mostly the unknown-TLV store): keep it off small stacks.
 *
 * Round trip: lldp_decode() records the order of the optional TLVs it kept
 * (lldp_pdu.order) and whether an End TLV was present (lldp_pdu.end), so
 * lldp_encode() of a decoded PDU reproduces the input byte for byte up to and
 * including the End TLV, with three documented exceptions: reserved bits of
 * the EVB and CDCP TLVs are ignored on receipt and sent as 0 (the 802.1Q
 * convention for reserved fields), TLVs counted in mgmt_dropped or
 * unknown_dropped are gone, and bytes after the End TLV (Ethernet padding)
 * are not part of the LLDPDU.
 *
 * Building a PDU from configuration: zero the struct, fill chassis, port and
 * ttl, set the has_* flags / counts of the optional TLVs wanted, leave
 * n_order at 0 (lldp_encode() then emits the canonical order described at
 * struct lldp_pdu) and set end = true to send an End TLV.
 */
#ifndef VN_LLDPDU_H
#define VN_LLDPDU_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/codec.h"

/* ---- TLV types (802.1AB-2016 Table 8-1) ------------------------------ */

#define LLDP_TLV_END        0 /* End of LLDPDU; optional since 802.1AB-2016 */
#define LLDP_TLV_CHASSIS_ID 1
#define LLDP_TLV_PORT_ID    2
#define LLDP_TLV_TTL        3
#define LLDP_TLV_PORT_DESC  4
#define LLDP_TLV_SYS_NAME   5
#define LLDP_TLV_SYS_DESC   6
#define LLDP_TLV_SYS_CAP    7
#define LLDP_TLV_MGMT_ADDR  8
/* 9..126 are reserved: kept as unknown TLVs. */
#define LLDP_TLV_ORG        127

/* A TLV header is 16 bits: type in bits 15-9, value length in bits 8-0. */
#define LLDP_TLV_HDR_LEN   2
#define LLDP_TLV_MAX_VALUE 511

/* Chassis ID subtypes (802.1AB-2016 Table 8-2); 0 and 8..255 are reserved. */
#define LLDP_CHASSIS_COMPONENT 1
#define LLDP_CHASSIS_IFALIAS   2
#define LLDP_CHASSIS_PORT      3
#define LLDP_CHASSIS_MAC       4
#define LLDP_CHASSIS_NETADDR   5
#define LLDP_CHASSIS_IFNAME    6
#define LLDP_CHASSIS_LOCAL     7

/* Port ID subtypes (802.1AB-2016 Table 8-3); 0 and 8..255 are reserved. */
#define LLDP_PORT_IFALIAS   1
#define LLDP_PORT_COMPONENT 2
#define LLDP_PORT_MAC       3
#define LLDP_PORT_NETADDR   4
#define LLDP_PORT_IFNAME    5
#define LLDP_PORT_CIRCUIT   6
#define LLDP_PORT_LOCAL     7

/* System capability bits (802.1AB-2016 Table 8-4); bits 11-15 reserved. */
#define LLDP_CAP_OTHER    (1u << 0)
#define LLDP_CAP_REPEATER (1u << 1)
#define LLDP_CAP_BRIDGE   (1u << 2)
#define LLDP_CAP_WLAN_AP  (1u << 3)
#define LLDP_CAP_ROUTER   (1u << 4)
#define LLDP_CAP_PHONE    (1u << 5)
#define LLDP_CAP_DOCSIS   (1u << 6)
#define LLDP_CAP_STATION  (1u << 7)
#define LLDP_CAP_CVLAN    (1u << 8)
#define LLDP_CAP_SVLAN    (1u << 9)
#define LLDP_CAP_TPMR     (1u << 10)

/* Management address: IANA address family numbers used as the address
 * subtype, and interface numbering subtypes (LLDP-MIB LldpManAddrIfSubtype). */
#define LLDP_ADDR_IPV4     1
#define LLDP_ADDR_IPV6     2
#define LLDP_ADDR_ALL802   6
#define LLDP_IFNUM_UNKNOWN 1
#define LLDP_IFNUM_IFINDEX 2
#define LLDP_IFNUM_SYSPORT 3

/* Organizationally specific TLVs handled here (lldpad lldp.h, tcpdump print-lldp.c). */
#define LLDP_OUI_IEEE_8021    0x0080C2 /* IEEE 802.1 */
#define LLDP_OUI_IEEE_8023    0x00120F /* IEEE 802.3 (kept as unknown) */
#define LLDP_OUI_QBG_DRAFT    0x001B3F /* 802.1Qbg drafts */
#define LLDP_SUBTYPE_EVB      0x0D     /* under 00-80-C2 */
#define LLDP_SUBTYPE_CDCP     0x0E     /* under 00-80-C2 */
#define LLDP_SUBTYPE_EVBDRAFT 0x00     /* under 00-1B-3F */
#define LLDP_ORG_HDR_LEN      4        /* OUI(3) + subtype(1) */
#define LLDP_ORG_MAX_INFO     (LLDP_TLV_MAX_VALUE - LLDP_ORG_HDR_LEN) /* 507 */

/* ---- LLDP agents and their group MACs (802.1AB-2016 Table 7-1) -------- */

/* Initialisers, e.g. `uint8_t da[6] = LLDP_MAC_NEAREST_BRIDGE;`. */
#define LLDP_MAC_NEAREST_BRIDGE                                                                \
	{                                                                                      \
		0x01, 0x80, 0xC2, 0x00, 0x00, 0x0E                                             \
	}
#define LLDP_MAC_NEAREST_NONTPMR_BRIDGE                                                        \
	{                                                                                      \
		0x01, 0x80, 0xC2, 0x00, 0x00, 0x03                                             \
	}
#define LLDP_MAC_NEAREST_CUSTOMER_BRIDGE                                                       \
	{                                                                                      \
		0x01, 0x80, 0xC2, 0x00, 0x00, 0x00                                             \
	}

enum lldp_agent {
	LLDP_AGENT_NEAREST_BRIDGE = 0,   /* 01-80-C2-00-00-0E: default agent */
	LLDP_AGENT_NEAREST_NONTPMR = 1,  /* 01-80-C2-00-00-03: likely CDCP (unverified) */
	LLDP_AGENT_NEAREST_CUSTOMER = 2, /* 01-80-C2-00-00-00: EVB TLVs (lldpad) */
};

/* The last octet of each agent's group MAC; the first five are 01-80-C2-00-00. */
static inline uint8_t
lldp_agent_mac_last(enum lldp_agent agent)
{
	switch (agent) {
	case LLDP_AGENT_NEAREST_NONTPMR:
		return 0x03;
	case LLDP_AGENT_NEAREST_CUSTOMER:
		return 0x00;
	case LLDP_AGENT_NEAREST_BRIDGE:
	default:
		return 0x0E;
	}
}

/* Write the agent's group MAC into mac[0..5]. */
static inline void
lldp_agent_mac(enum lldp_agent agent, uint8_t mac[VN_ETH_ALEN])
{
	mac[0] = 0x01;
	mac[1] = 0x80;
	mac[2] = 0xC2;
	mac[3] = 0x00;
	mac[4] = 0x00;
	mac[5] = lldp_agent_mac_last(agent);
}

/* The agent a destination MAC belongs to, or -1 if it is none of the three. */
static inline int
lldp_mac_agent(const uint8_t mac[VN_ETH_ALEN])
{
	static const uint8_t prefix[5] = { 0x01, 0x80, 0xC2, 0x00, 0x00 };

	if (memcmp(mac, prefix, sizeof(prefix)) != 0)
		return -1;
	switch (mac[5]) {
	case 0x0E:
		return LLDP_AGENT_NEAREST_BRIDGE;
	case 0x03:
		return LLDP_AGENT_NEAREST_NONTPMR;
	case 0x00:
		return LLDP_AGENT_NEAREST_CUSTOMER;
	default:
		return -1;
	}
}

/* ---- basic TLVs ------------------------------------------------------- */

#define LLDP_ID_MAX    255 /* chassis/port ID string: 1..255 bytes */
#define LLDP_STR_MAX   255 /* port/system description, system name: 0..255 */
#define LLDP_MADDR_MAX 31  /* management address: 1..31 bytes */
#define LLDP_OID_MAX   128 /* management OID: 0..128 bytes */

/* Chassis ID (type 1) or Port ID (type 2): value = subtype(1) + id(len). */
struct lldp_id {
	uint8_t subtype;         /* 1..7 (LLDP_CHASSIS_* / LLDP_PORT_*) */
	uint8_t len;             /* 1..255: bytes in id[] */
	uint8_t id[LLDP_ID_MAX]; /* raw ID (a MAC for subtype MAC, text for names) */
};

/* Port Description (4), System Name (5), System Description (6). */
struct lldp_str {
	uint8_t len;                /* 0..255 bytes on the wire */
	char str[LLDP_STR_MAX + 1]; /* the bytes; decode NUL-terminates at str[len]
				     * (the wire text may itself contain NULs) */
};

/* System Capabilities (type 7): value is exactly 4 bytes. */
struct lldp_sys_cap {
	uint16_t cap;     /* bytes 0-1: LLDP_CAP_* supported */
	uint16_t enabled; /* bytes 2-3: LLDP_CAP_* enabled */
};

/*
 * Management Address (type 8), 802.1AB-2016 8.5.9.  Wire value:
 *   addr string length(1) = 1 + addr_len, 2..32
 *   address subtype(1), address(addr_len)
 *   interface numbering subtype(1), interface number(4)
 *   OID string length(1) = oid_len, 0..128
 *   OID(oid_len)
 * so the TLV length is exactly 8 + addr_len + oid_len (9..167).
 */
struct lldp_mgmt {
	uint8_t addr_subtype; /* IANA address family (LLDP_ADDR_*), not checked */
	uint8_t addr_len;     /* 1..31 */
	uint8_t addr[LLDP_MADDR_MAX];
	uint8_t if_subtype;        /* 1..3 (LLDP_IFNUM_*); others rejected */
	uint32_t if_number;        /* ifIndex or system port number */
	uint8_t oid_len;           /* 0..128 */
	uint8_t oid[LLDP_OID_MAX]; /* BER-encoded OID, not interpreted */
};

/* ---- 802.1Qbg-2012 EVB TLV (00-80-C2 / 0x0D, TLV length 9) ------------ */

#define LLDP_EVB_INFO_LEN 5 /* bytes after OUI and subtype */

#define LLDP_EVB_MODE_NONE    0 /* EVB not supported */
#define LLDP_EVB_MODE_BRIDGE  1
#define LLDP_EVB_MODE_STATION 2 /* 3 is reserved: rejected on decode and encode */

#define LLDP_EVB_RRSTAT_OFF     0 /* reflective relay not enabled */
#define LLDP_EVB_RRSTAT_ON      1 /* enabled */
#define LLDP_EVB_RRSTAT_UNKNOWN 3 /* station has not heard a bridge TLV yet; 2 unused */

/*
 * The 5 info bytes (802.1Qbg-2012; lldpad lldp_evb22.h and tcpdump
 * print-lldp.c agree bit for bit).  Reserved bits are ignored on receipt and
 * sent as zero.  Exponents are in units of 10 us x 2^x.
 */
struct lldp_evb {
	/* byte 0, EVB Bridge Status: bits 7-3 reserved */
	bool bgid;  /* bit 2: bridge supports VDP group IDs */
	bool rrcap; /* bit 1: bridge can do reflective relay */
	bool rrctr; /* bit 0: reflective relay is on for this port */
	/* byte 1, EVB Station Status: bits 7-4 reserved */
	bool sgid;      /* bit 3: station supports VDP group IDs */
	bool rrreq;     /* bit 2: station requests reflective relay */
	uint8_t rrstat; /* bits 1-0: LLDP_EVB_RRSTAT_* */
	/* byte 2 */
	uint8_t r;   /* bits 7-5: ECP maximum retries, 0..7 */
	uint8_t rte; /* bits 4-0: ECP retransmission exponent, 0..31 */
	/* byte 3 */
	uint8_t mode; /* bits 7-6: LLDP_EVB_MODE_*, 0..2 */
	bool rwd_rol; /* bit 5: ROL for RWD (1 = remote value adopted) */
	uint8_t rwd;  /* bits 4-0: VDP resource wait delay exponent, 0..31 */
	/* byte 4: bits 7-6 reserved */
	bool rka_rol; /* bit 5: ROL for RKA */
	uint8_t rka;  /* bits 4-0: VDP reinit keep-alive exponent, 0..31 */
};

/* ---- CDCP TLV (00-80-C2 / 0x0E, TLV length 8 + 3n) -------------------- */

#define LLDP_CDCP_MAX_CHAN  167 /* floor((511 - 8) / 3): the 9-bit length allows no more */
#define LLDP_CDCP_FIXED_LEN 4   /* fixed info bytes after OUI and subtype */

#define LLDP_CDCP_ROLE_BRIDGE  0
#define LLDP_CDCP_ROLE_STATION 1

struct lldp_cdcp_chan {
	uint16_t scid; /* bits 23-12 of the 3-byte pair: S-channel ID, 0..4095 */
	uint16_t svid; /* bits 11-0: S-VID, 0 = "please assign" (station) */
};

/*
 * The first 32-bit word (802.1Qbg-2012 CDCP TLV, tcpdump print-lldp.c):
 *   bit 31 Role, bits 30-28 reserved, bit 27 SComp, bits 26-12 reserved,
 *   bits 11-0 ChnCap; then n 3-byte (SCID, SVID) pairs.
 * Reserved bits are ignored on receipt and sent as zero.
 */
struct lldp_cdcp {
	uint8_t role;    /* bit 31: LLDP_CDCP_ROLE_* */
	bool scomp;      /* bit 27: sender has an S-VLAN component */
	uint16_t chncap; /* bits 11-0: number of S-channels supported, 0..4095 */
	uint16_t n_chan; /* 0..167 pairs in chan[] */
	struct lldp_cdcp_chan chan[LLDP_CDCP_MAX_CHAN];
};

/* ---- pre-standard EVB TLV (00-1B-3F / 0x00, TLV length 13) ------------ */

#define LLDP_EVBD_INFO_LEN 9 /* bytes after OUI and subtype */

/* Forwarding mode bits (lldpad lldp.h LLDP_EVB_CAPABILITY_FORWARD_*). */
#define LLDP_EVBD_MODE_STD 0x80
#define LLDP_EVBD_MODE_RR  0x40
/* Capability bits (LLDP_EVB_CAPABILITY_PROTOCOL_*). */
#define LLDP_EVBD_CAP_RTE  0x04
#define LLDP_EVBD_CAP_ECP  0x02
#define LLDP_EVBD_CAP_VDP  0x01

/* lldpad struct tlv_info_evb; Wireshark reads mode+cap as one 16-bit field.
 * All bytes are kept verbatim (undefined bits included) so they round-trip. */
struct lldp_evb_draft {
	uint8_t sup_mode;  /* byte 0: supported forwarding mode, LLDP_EVBD_MODE_* */
	uint8_t sup_cap;   /* byte 1: supported capabilities, LLDP_EVBD_CAP_* */
	uint8_t cfg_mode;  /* byte 2: configured forwarding mode */
	uint8_t cfg_cap;   /* byte 3: configured capabilities */
	uint16_t sup_vsis; /* bytes 4-5: supported number of VSIs */
	uint16_t cfg_vsis; /* bytes 6-7: configured number of VSIs */
	uint8_t rte;       /* byte 8: retransmission timer exponent */
};

/* ---- unrecognised TLVs ------------------------------------------------ */

/*
 * A reserved TLV type (9..126), or an organizationally specific TLV (127)
 * whose OUI/subtype is not one of the three above (802.3 TLVs included).
 * For type 127, value[] is the information string after OUI and subtype.
 */
struct lldp_unknown {
	uint8_t type;    /* 9..126 or 127 */
	uint8_t subtype; /* type 127 only: org subtype */
	uint32_t oui;    /* type 127 only: 24-bit OUI */
	uint16_t len;    /* bytes in value[]: 0..511, or 0..507 for type 127 */
	uint8_t value[LLDP_TLV_MAX_VALUE];
};

/* ---- the LLDPDU --------------------------------------------------------- */

#define LLDP_MAX_MGMT    4  /* management addresses kept; more are counted */
#define LLDP_MAX_UNKNOWN 16 /* unrecognised TLVs kept; more are counted */

/* Kinds of optional TLV, as named in the order list. */
enum lldp_kind {
	LLDP_K_PORT_DESC = 1, /* 0 is left invalid so a zeroed entry is caught */
	LLDP_K_SYS_NAME,
	LLDP_K_SYS_DESC,
	LLDP_K_SYS_CAP,
	LLDP_K_MGMT, /* index into mgmt[] */
	LLDP_K_EVB,
	LLDP_K_CDCP,
	LLDP_K_EVB_DRAFT,
	LLDP_K_UNKNOWN, /* index into unknown[] */
};

struct lldp_order {
	uint8_t kind;  /* enum lldp_kind */
	uint8_t index; /* 0 except for LLDP_K_MGMT and LLDP_K_UNKNOWN */
};

/* Every optional TLV the struct can hold, each at most once in the order. */
#define LLDP_MAX_ORDER (4 + LLDP_MAX_MGMT + 3 + LLDP_MAX_UNKNOWN)

/*
 * A decoded (or to-be-encoded) LLDPDU.
 *
 * Decoding rules (802.1AB-2016 clause 8/9; lldpad lldp/rx.c; lldpd):
 *  - the first three TLVs are Chassis ID, Port ID and TTL, in that order,
 *    and none of them may appear again;
 *  - Port Description, System Name, System Description, System Capabilities,
 *    EVB, CDCP and draft EVB may each appear at most once (a repeat rejects
 *    the LLDPDU: this codec does not pick a winner);
 *  - up to LLDP_MAX_MGMT Management Address TLVs are kept, further valid
 *    ones are counted in mgmt_dropped; likewise unknown TLVs beyond
 *    LLDP_MAX_UNKNOWN in unknown_dropped;
 *  - an End TLV (type 0) ends parsing; whatever follows it is Ethernet
 *    padding and is not examined.  Without an End TLV the LLDPDU runs to the
 *    end of the buffer, which must end on a TLV boundary.
 *
 * Encoding order: Chassis ID, Port ID, TTL, then the optional TLVs as listed
 * in order[0..n_order-1] (which must name every present TLV exactly once),
 * or, when n_order is 0, in canonical order: Port Description, System Name,
 * System Description, System Capabilities, mgmt[0..], EVB, CDCP, draft EVB,
 * unknown[0..]; finally an End TLV when end is set.
 */
struct lldp_pdu {
	struct lldp_id chassis; /* type 1, mandatory, first */
	struct lldp_id port;    /* type 2, mandatory, second */
	uint16_t ttl;           /* type 3, mandatory, third: seconds, 0 = shutdown */

	bool has_port_desc;
	bool has_sys_name;
	bool has_sys_desc;
	bool has_sys_cap;
	bool has_evb;
	bool has_cdcp;
	bool has_evb_draft;
	bool end; /* an End TLV was present / is to be sent */

	struct lldp_str port_desc;   /* type 4 */
	struct lldp_str sys_name;    /* type 5 */
	struct lldp_str sys_desc;    /* type 6 */
	struct lldp_sys_cap sys_cap; /* type 7 */

	uint8_t n_mgmt;        /* type 8: 0..LLDP_MAX_MGMT kept */
	uint32_t mgmt_dropped; /* valid type-8 TLVs beyond LLDP_MAX_MGMT (decode only) */
	struct lldp_mgmt mgmt[LLDP_MAX_MGMT];

	struct lldp_evb evb;             /* 00-80-C2 / 0x0D */
	struct lldp_cdcp cdcp;           /* 00-80-C2 / 0x0E */
	struct lldp_evb_draft evb_draft; /* 00-1B-3F / 0x00 */

	uint8_t n_unknown;        /* 0..LLDP_MAX_UNKNOWN kept */
	uint32_t unknown_dropped; /* unknown TLVs beyond LLDP_MAX_UNKNOWN (decode only) */
	struct lldp_unknown unknown[LLDP_MAX_UNKNOWN];

	uint8_t n_order; /* 0..LLDP_MAX_ORDER; decode always fills it */
	struct lldp_order order[LLDP_MAX_ORDER];
};

/* Unrecognised TLVs seen by the decoder (802.1AB statsTLVsUnrecognizedTotal). */
static inline uint32_t
lldp_tlvs_unrecognized(const struct lldp_pdu *pdu)
{
	return pdu->n_unknown + pdu->unknown_dropped;
}

/* ---- API ---------------------------------------------------------------- */

/*
 * Decode the LLDPDU in buf[0..len) into *out (fully overwritten).  Returns 0,
 * or VN_EBADMSG with err->reason and err->offset (from buf[0]).
 */
int lldp_decode(const uint8_t *buf, size_t len, struct lldp_pdu *out, struct vn_err *err);

/*
 * Encode *in into buf[0..cap); on success *len_out is the LLDPDU length.
 * Returns 0, VN_ENOSPC (buffer too small) or VN_EINVAL (a field out of range
 * or an inconsistent order list; err->offset is then 0).
 */
int lldp_encode(const struct lldp_pdu *in, uint8_t *buf, size_t cap, size_t *len_out,
	struct vn_err *err);

/*
 * The information strings of the org TLVs on their own: what follows the OUI
 * and subtype (5 bytes for EVB, 4 + 3n for CDCP, 9 for draft EVB).  Same
 * return conventions as lldp_decode/lldp_encode; offsets are from buf[0].
 */
int lldp_evb_unpack(const uint8_t *buf, size_t len, struct lldp_evb *out, struct vn_err *err);
int lldp_evb_pack(const struct lldp_evb *in, uint8_t *buf, size_t cap, size_t *len_out,
	struct vn_err *err);
int lldp_cdcp_unpack(const uint8_t *buf, size_t len, struct lldp_cdcp *out, struct vn_err *err);
int lldp_cdcp_pack(const struct lldp_cdcp *in, uint8_t *buf, size_t cap, size_t *len_out,
	struct vn_err *err);
int lldp_evb_draft_unpack(
	const uint8_t *buf, size_t len, struct lldp_evb_draft *out, struct vn_err *err);
int lldp_evb_draft_pack(const struct lldp_evb_draft *in, uint8_t *buf, size_t cap,
	size_t *len_out, struct vn_err *err);

/* Name of a TLV type ("Chassis ID", ..., "Reserved" for 9..126). */
const char *lldp_tlv_type_name(unsigned int type);

#endif /* VN_LLDPDU_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * etag.h - IEEE 802.1BR E-Tag (EtherType 0x893F) codec.
 *
 * The 8-byte tag (TPID included) sits right after the source MAC, in front
 * of any S-tag or C-tag (802.1BR-2012 clause 7.7; Wireshark packet-etag.c):
 *
 *   bytes 2-3: E-PCP(3) E-DEI(1) Ingress_E-CID_base(12)
 *   bytes 4-5: Reserved(2) GRP(2) E-CID_base(12)
 *   byte  6  : Ingress_E-CID_ext(8)
 *   byte  7  : E-CID_ext(8)
 *
 * E-CID = ext << 12 | base (20 bits).  GRP 0 means E-CID names one extended
 * port; 1..3 name a multicast replication group.  Upstream (port extender
 * -> controlling bridge) the E-CID is the source port and Ingress_E-CID is 0;
 * downstream the Ingress_E-CID names the source for pruning (802.1BR 8.x).
 *
 * The reserved bits are reported and ignored on receipt and always sent as
 * 0 (the IEEE 802.1 convention for reserved fields).
 */
#ifndef VNTAG_ETAG_H
#define VNTAG_ETAG_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/codec.h"

#define ETAG_TPID     0x893F
#define ETAG_HLEN     8
#define ETAG_ECID_MAX 0xFFFFF /* 20 bits */

struct etag {
	uint8_t pcp;           /* E-PCP, 3 bits */
	bool dei;              /* E-DEI */
	uint32_t ingress_ecid; /* 20 bits */
	uint8_t resv;          /* 2 reserved bits as received */
	uint8_t grp;           /* 2 bits: 0 point-to-point, 1..3 multicast */
	uint32_t ecid;         /* 20 bits */
};

/* The 6 bytes after the TPID <-> fields; pack rejects out-of-range fields. */
void etag_unpack(const uint8_t in[6], struct etag *t);
int etag_pack(const struct etag *t, uint8_t out[6], struct vn_err *err);

/* Decode the E-Tag of a frame whose EtherType (offset 12) is 0x893F;
 * *next_type / *next_off as for vntag_decode (offset 20). */
int etag_decode(const uint8_t *frame, size_t len, struct etag *t, uint16_t *next_type,
	size_t *next_off, struct vn_err *err);

/* In-place insert after the source MAC (needs ETAG_HLEN bytes of headroom)
 * and removal. */
int etag_push(struct vn_pkt *pkt, const struct etag *t, struct vn_err *err);
int etag_pop(struct vn_pkt *pkt, struct etag *t, struct vn_err *err);

#endif /* VNTAG_ETAG_H */

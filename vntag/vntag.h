/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vntag.h - Cisco VN-Tag (EtherType 0x8926) codec.
 *
 * VN-Tag is the pre-standard tag of 802.1Qbh / Cisco Adapter-FEX and VM-FEX.
 * It sits right after the source MAC, before any 802.1Q tag:
 *
 *   DA(6) SA(6) 0x8926 word(4) [0x8100 TCI] EtherType|802.3-length payload
 *
 *    31 30 29                 16 15 14 13 12 11             0
 *   +--+--+---------------------+--+--+-----+----------------+
 *   |d |p |   dvif_id (14)      |l |r | ver |  svif_id (12)  |
 *   +--+--+---------------------+--+--+-----+----------------+
 *
 * Layout as in current Wireshark (packet-vntag.c) and p4lang/switch; 14-bit
 * dvif (older Wireshark split it 2+12; real gear uses the low 12).
 * d=0: interface virtualizer -> bridge, svif names the source vif.
 * d=1: bridge -> virtualizer; p=1 makes dvif a vif-list id; l (looped) asks
 * the virtualizer not to deliver to svif (source pruning).
 *
 * There is no IEEE text for VN-Tag, so the decoder reports every bit
 * (including r and version) and rejects only what cannot be parsed; the
 * switch pipeline decides policy (d must be 0 from a host, version must be 0)
 * and counts its drops.
 */
#ifndef VNTAG_VNTAG_H
#define VNTAG_VNTAG_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/codec.h"

#define VNTAG_TPID     0x8926
#define VNTAG_HLEN     6      /* TPID + 32-bit word */
#define VNTAG_VIF_MAX  0x3FFF /* dvif: 14 bits */
#define VNTAG_SVIF_MAX 0x0FFF /* svif: 12 bits */

struct vntag {
	bool d;          /* direction: 1 = from bridge */
	bool p;          /* pointer: dvif is a vif-list id (d=1 only) */
	uint16_t dvif;   /* destination vif or list id, 14 bits */
	bool looped;     /* frame returns to the virtualizer it came from */
	bool r;          /* reserved, sent as 0 */
	uint8_t version; /* 2 bits, sent as 0 */
	uint16_t svif;   /* source vif, 12 bits */
};

/* The 32-bit tag word (host order) <-> fields.  pack rejects out-of-range
 * fields with VN_EINVAL. */
void vntag_unpack(uint32_t word, struct vntag *t);
int vntag_pack(const struct vntag *t, uint32_t *word, struct vn_err *err);

/*
 * Decode the VN-Tag of an Ethernet frame whose EtherType (offset 12) is
 * 0x8926.  On success *next_type is the 16-bit value after the tag (an
 * EtherType >= 0x0600, 0x8100 for an inner 802.1Q tag, or an 802.3 length
 * <= 1500) and *next_off its offset in the frame (18).  Values 1501..1535
 * are neither and are rejected.
 */
int vntag_decode(const uint8_t *frame, size_t len, struct vntag *t, uint16_t *next_type,
	size_t *next_off, struct vn_err *err);

/* Insert a VN-Tag after the source MAC (needs VNTAG_HLEN bytes of headroom)
 * / remove it (the frame must carry one; *t receives it if non-NULL). */
int vntag_push(struct vn_pkt *pkt, const struct vntag *t, struct vn_err *err);
int vntag_pop(struct vn_pkt *pkt, struct vntag *t, struct vn_err *err);

#endif /* VNTAG_VNTAG_H */

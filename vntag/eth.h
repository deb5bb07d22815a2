/* SPDX-License-Identifier: Apache-2.0 */
/*
 * eth.h - walk the Ethernet header and its tag stack.
 *
 * vn_eth_parse() finds the MAC addresses, every tag in front of the payload
 * and the final EtherType (or 802.3 length), without interpreting the tags'
 * contents beyond 802.1Q TCIs: VN-Tag and E-Tag words are decoded by their
 * own codecs at the offsets recorded here.  Accepted stack, outermost first
 * (the order 802.1BR 7.7 and the VN-Tag sources give):
 *
 *   [VN-Tag | E-Tag]  [S-tag 0x88A8]  [C-tag 0x8100]*  EtherType|length
 *
 * at most VN_ETH_MAX_TAGS tags in all.  A VN-Tag or E-Tag anywhere but first
 * is rejected, as is an S-tag after a C-tag.
 */
#ifndef VNTAG_ETH_H
#define VNTAG_ETH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/codec.h"

#define VN_ETH_MAX_TAGS 4

struct vn_eth_tag {
	uint16_t tpid; /* VN_ETH_VNTAG, VN_ETH_ETAG, VN_ETH_STAG or VN_ETH_CTAG */
	uint16_t off;  /* offset of the TPID in the frame */
	/* For S-tags and C-tags only (802.1Q 9.6): */
	uint8_t pcp;
	bool dei;
	uint16_t vid;
};

struct vn_eth {
	uint8_t dst[VN_ETH_ALEN];
	uint8_t src[VN_ETH_ALEN];
	struct vn_eth_tag tags[VN_ETH_MAX_TAGS];
	unsigned n_tags;
	uint16_t type;      /* final EtherType, or the 802.3 length if is_8023 */
	bool is_8023;       /* 'type' is an 802.3 length (<= 1500) */
	size_t payload_off; /* first byte after the final EtherType/length */
};

int vn_eth_parse(const uint8_t *frame, size_t len, struct vn_eth *eth, struct vn_err *err);

/* Format a MAC as aa:bb:cc:dd:ee:ff into buf (at least 18 bytes). */
void vn_eth_format_mac(const uint8_t mac[VN_ETH_ALEN], char buf[18]);

/* Parse "aa:bb:cc:dd:ee:ff" (also '-' separators); true on success. */
bool vn_eth_parse_mac(const char *s, uint8_t mac[VN_ETH_ALEN]);

#endif /* VNTAG_ETH_H */

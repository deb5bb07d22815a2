/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "vntag/eth.h"

#include "vntag/etag.h"
#include "vntag/vntag.h"

int
vn_eth_parse(const uint8_t *frame, size_t len, struct vn_eth *eth, struct vn_err *err)
{
	struct vn_rd r;
	uint16_t type;
	bool seen_ctag = false;

	vn_rd_init(&r, frame, len);
	eth->n_tags = 0;
	if (!vn_rd_bytes(&r, eth->dst, VN_ETH_ALEN) || !vn_rd_bytes(&r, eth->src, VN_ETH_ALEN))
		return vn_fail(err, VN_EBADMSG, "frame shorter than its MAC addresses", len);
	for (;;) {
		size_t off = vn_rd_pos(&r);
		struct vn_eth_tag *tag;
		size_t body;

		if (!vn_rd_be16(&r, &type))
			return vn_fail(err, VN_EBADMSG, "frame ends before its EtherType", len);
		switch (type) {
		case VN_ETH_VNTAG:
		case VN_ETH_ETAG:
			if (eth->n_tags)
				return vn_fail(err, VN_EBADMSG,
					"VN-Tag/E-Tag must directly follow the source MAC",
					off);
			body = type == VN_ETH_VNTAG ? VNTAG_HLEN - 2 : ETAG_HLEN - 2;
			break;
		case VN_ETH_STAG:
			if (seen_ctag)
				return vn_fail(err, VN_EBADMSG, "S-tag after a C-tag", off);
			body = 2;
			break;
		case VN_ETH_CTAG:
			seen_ctag = true;
			body = 2;
			break;
		default:
			if (!vn_eth_type_or_len_ok(type))
				return vn_fail(err, VN_EBADMSG,
					"neither an EtherType nor an 802.3 length", off);
			eth->type = type;
			eth->is_8023 = type <= 1500;
			eth->payload_off = vn_rd_pos(&r);
			return 0;
		}
		if (eth->n_tags == VN_ETH_MAX_TAGS)
			return vn_fail(err, VN_EBADMSG, "too many tags", off);
		tag = &eth->tags[eth->n_tags++];
		tag->tpid = type;
		tag->off = (uint16_t)off;
		tag->pcp = 0;
		tag->dei = false;
		tag->vid = 0;
		if (body == 2) {
			uint16_t tci;

			if (!vn_rd_be16(&r, &tci))
				return vn_fail(err, VN_EBADMSG, "802.1Q tag truncated", len);
			tag->pcp = (uint8_t)(tci >> 13);
			tag->dei = (tci & 0x1000) != 0;
			tag->vid = tci & 0x0FFF;
		} else if (!vn_rd_skip(&r, body)) {
			return vn_fail(err, VN_EBADMSG,
				type == VN_ETH_VNTAG ? "VN-Tag truncated" : "E-Tag truncated",
				len);
		}
	}
}

void
vn_eth_format_mac(const uint8_t mac[VN_ETH_ALEN], char buf[18])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < VN_ETH_ALEN; i++) {
		buf[i * 3] = hex[mac[i] >> 4];
		buf[i * 3 + 1] = hex[mac[i] & 15];
		buf[i * 3 + 2] = i == VN_ETH_ALEN - 1 ? '\0' : ':';
	}
}

static int
hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
vn_eth_parse_mac(const char *s, uint8_t mac[VN_ETH_ALEN])
{
	for (int i = 0; i < VN_ETH_ALEN; i++) {
		int hi = hexdigit(s[0]), lo = hi < 0 ? -1 : hexdigit(s[1]);

		if (hi < 0 || lo < 0)
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < VN_ETH_ALEN - 1) {
			if (*s != ':' && *s != '-')
				return false;
			s++;
		}
	}
	return *s == '\0';
}

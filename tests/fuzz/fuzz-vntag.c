/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-vntag.c - the input is an Ethernet frame.
 *
 *  - vntag_decode / etag_decode: on success the fields pack back to the
 *    tag's bytes (E-Tag: but for the reserved bits, sent as 0), the next
 *    EtherType and its offset are the frame's; on failure there is a
 *    reason and an offset inside the frame;
 *  - vn_eth_parse: tags in order at increasing offsets, a VN-Tag / E-Tag
 *    only first, the final type read from where payload_off says, and the
 *    tag codecs agree with the walk;
 *  - push / pop: popping the frame's own VN-Tag / E-Tag and pushing it back
 *    gives the frame again; pushing a tag made from the input's bytes on
 *    any frame and popping it gives the frame again, and decodes to the
 *    fields pushed;
 *  - vn_eth_parse_mac / vn_eth_format_mac on the input as text.
 */
#include <config.h>

#include <stdbool.h>
#include <string.h>

#include "common/codec.h"
#include "tests/fuzz/fuzz.h"
#include "vntag/etag.h"
#include "vntag/eth.h"
#include "vntag/vntag.h"

#define HEADROOM 16 /* room for either tag */

/* Field by field: the structs have padding. */
static bool
vntag_eq(const struct vntag *a, const struct vntag *b)
{
	return a->d == b->d && a->p == b->p && a->dvif == b->dvif && a->looped == b->looped &&
		a->r == b->r && a->version == b->version && a->svif == b->svif;
}

static bool
etag_eq(const struct etag *a, const struct etag *b)
{
	return a->pcp == b->pcp && a->dei == b->dei && a->ingress_ecid == b->ingress_ecid &&
		a->resv == b->resv && a->grp == b->grp && a->ecid == b->ecid;
}

static void
check_err(int rc, const struct vn_err *err, size_t size)
{
	FUZZ_CHECK(rc == VN_EBADMSG, "decode returned %d", rc);
	FUZZ_CHECK(err->reason && err->reason[0], "failure without a reason");
	FUZZ_CHECK(err->offset <= size, "error offset %zu past the frame (%zu)", err->offset,
		size);
}

static void
check_vntag(const uint8_t *d, size_t size)
{
	struct vn_err err = { NULL, 0 };
	struct vntag t;
	uint16_t next = 0;
	size_t off = 0;
	uint32_t word = 0;
	int rc = vntag_decode(d, size, &t, &next, &off, &err);

	if (rc) {
		check_err(rc, &err, size);
		return;
	}
	FUZZ_CHECK(size >= 20 && off == 18, "size %zu next_off %zu", size, off);
	FUZZ_CHECK(vn_get_be16(d + 12) == VNTAG_TPID, "not a VN-Tag");
	FUZZ_CHECK(next == vn_get_be16(d + 18), "next type %04x", next);
	FUZZ_CHECK(vn_eth_type_or_len_ok(next), "next type %04x accepted", next);
	FUZZ_CHECK(vntag_pack(&t, &word, &err) == 0, "pack of a decoded tag: %s", err.reason);
	FUZZ_CHECK(word == vn_get_be32(d + 14), "pack %08x != wire %08x", word,
		vn_get_be32(d + 14));
	{
		struct vntag u;

		vntag_unpack(word, &u);
		FUZZ_CHECK(vntag_eq(&u, &t), "unpack(pack(t)) != t");
	}
}

static void
check_etag(const uint8_t *d, size_t size)
{
	struct vn_err err = { NULL, 0 };
	struct etag t;
	uint16_t next = 0;
	size_t off = 0;
	uint8_t body[6], wire[6];
	int rc = etag_decode(d, size, &t, &next, &off, &err);

	if (rc) {
		check_err(rc, &err, size);
		return;
	}
	FUZZ_CHECK(size >= 22 && off == 20, "size %zu next_off %zu", size, off);
	FUZZ_CHECK(vn_get_be16(d + 12) == ETAG_TPID, "not an E-Tag");
	FUZZ_CHECK(next == vn_get_be16(d + 20), "next type %04x", next);
	FUZZ_CHECK(t.pcp <= 7 && t.grp <= 3 && t.resv <= 3 && t.ecid <= ETAG_ECID_MAX &&
			t.ingress_ecid <= ETAG_ECID_MAX,
		"field out of range");
	FUZZ_CHECK(etag_pack(&t, body, &err) == 0, "pack of a decoded tag: %s", err.reason);
	memcpy(wire, d + 14, sizeof(wire));
	wire[2] &= 0x3F; /* the reserved bits, sent as 0 */
	FUZZ_CHECK(!memcmp(body, wire, sizeof(wire)), "pack != wire (reserved bits cleared)");
	FUZZ_CHECK(t.resv == d[16] >> 6, "resv %u", t.resv);
}

static void
check_eth(const uint8_t *d, size_t size)
{
	struct vn_err err = { NULL, 0 };
	struct vn_eth eth;
	size_t expect_off = 12;
	int rc = vn_eth_parse(d, size, &eth, &err);

	if (rc) {
		check_err(rc, &err, size);
		return;
	}
	FUZZ_CHECK(!memcmp(eth.dst, d, 6) && !memcmp(eth.src, d + 6, 6), "MACs");
	FUZZ_CHECK(eth.n_tags <= VN_ETH_MAX_TAGS, "%u tags", eth.n_tags);
	for (unsigned i = 0; i < eth.n_tags; i++) {
		const struct vn_eth_tag *tg = &eth.tags[i];

		FUZZ_CHECK(tg->off == expect_off, "tag %u at %u, expected %zu", i, tg->off,
			expect_off);
		FUZZ_CHECK(vn_get_be16(d + tg->off) == tg->tpid, "tag %u tpid", i);
		switch (tg->tpid) {
		case VN_ETH_VNTAG:
		case VN_ETH_ETAG:
			FUZZ_CHECK(i == 0, "VN-Tag/E-Tag as tag %u", i);
			expect_off += tg->tpid == VN_ETH_VNTAG ? VNTAG_HLEN : ETAG_HLEN;
			break;
		case VN_ETH_STAG:
		case VN_ETH_CTAG: {
			uint16_t tci = vn_get_be16(d + tg->off + 2);

			FUZZ_CHECK(tg->vid == (tci & 0xFFF) && tg->pcp == tci >> 13 &&
					tg->dei == !!(tci & 0x1000),
				"tag %u TCI", i);
			if (tg->tpid == VN_ETH_STAG)
				FUZZ_CHECK(i == 0 || eth.tags[i - 1].tpid != VN_ETH_CTAG,
					"S-tag after a C-tag");
			expect_off += 4;
			break;
		}
		default:
			FUZZ_CHECK(0, "tag %u has tpid %04x", i, tg->tpid);
		}
	}
	FUZZ_CHECK(eth.payload_off == expect_off + 2 && eth.payload_off <= size,
		"payload_off %zu, expected %zu (size %zu)", eth.payload_off, expect_off + 2,
		size);
	FUZZ_CHECK(eth.type == vn_get_be16(d + expect_off), "type %04x", eth.type);
	FUZZ_CHECK(vn_eth_type_or_len_ok(eth.type), "type %04x", eth.type);
	FUZZ_CHECK(eth.is_8023 == (eth.type <= 1500), "is_8023");
	/* The tag codecs accept what the walk accepted. */
	if (eth.n_tags && eth.tags[0].tpid == VN_ETH_VNTAG) {
		struct vntag t;

		FUZZ_CHECK(vntag_decode(d, size, &t, NULL, NULL, &err) == 0,
			"walk accepts a VN-Tag vntag_decode rejects: %s", err.reason);
	}
	if (eth.n_tags && eth.tags[0].tpid == VN_ETH_ETAG) {
		struct etag t;

		FUZZ_CHECK(etag_decode(d, size, &t, NULL, NULL, &err) == 0,
			"walk accepts an E-Tag etag_decode rejects: %s", err.reason);
	}
}

/* The frame 'd' copied behind HEADROOM bytes of headroom in 'buf'. */
static void
load(struct vn_pkt *pkt, uint8_t *buf, const uint8_t *d, size_t size)
{
	memcpy(buf + HEADROOM, d, size);
	vn_pkt_init(pkt, buf, HEADROOM + size, HEADROOM, size);
}

static void
check_pop_push(const uint8_t *d, size_t size, uint8_t *buf)
{
	struct vn_err err = { NULL, 0 };
	struct vn_pkt pkt;
	struct vntag vt;
	struct etag et;

	load(&pkt, buf, d, size);
	if (vntag_pop(&pkt, &vt, &err) == 0) {
		FUZZ_CHECK(pkt.len == size - VNTAG_HLEN, "len after pop %zu", pkt.len);
		FUZZ_CHECK(!memcmp(pkt.data, d, 12) &&
				!memcmp(pkt.data + 12, d + 12 + VNTAG_HLEN,
					size - 12 - VNTAG_HLEN),
			"pop moved the wrong bytes");
		FUZZ_CHECK(vntag_push(&pkt, &vt, &err) == 0, "push back: %s", err.reason);
		FUZZ_CHECK(pkt.len == size && !memcmp(pkt.data, d, size), "pop+push != frame");
	} else {
		FUZZ_CHECK(
			pkt.len == size && !memcmp(pkt.data, d, size), "failed pop changed it");
	}

	load(&pkt, buf, d, size);
	if (etag_pop(&pkt, &et, &err) == 0) {
		uint8_t want[ETAG_HLEN];

		FUZZ_CHECK(pkt.len == size - ETAG_HLEN, "len after pop %zu", pkt.len);
		FUZZ_CHECK(!memcmp(pkt.data, d, 12) &&
				!memcmp(pkt.data + 12, d + 12 + ETAG_HLEN,
					size - 12 - ETAG_HLEN),
			"pop moved the wrong bytes");
		FUZZ_CHECK(etag_push(&pkt, &et, &err) == 0, "push back: %s", err.reason);
		memcpy(want, d + 12, ETAG_HLEN);
		want[4] &= 0x3F;
		FUZZ_CHECK(pkt.len == size && !memcmp(pkt.data, d, 12) &&
				!memcmp(pkt.data + 12, want, ETAG_HLEN) &&
				!memcmp(pkt.data + 20, d + 20, size - 20),
			"pop+push != frame (reserved bits cleared)");
	} else {
		FUZZ_CHECK(
			pkt.len == size && !memcmp(pkt.data, d, size), "failed pop changed it");
	}
}

/* Push a tag whose fields come from the input's first bytes onto the
 * frame, decode it, pop it: the frame comes back unchanged. */
static void
check_push_pop(const uint8_t *d, size_t size, uint8_t *buf)
{
	struct vn_err err = { NULL, 0 };
	uint32_t w = size >= 4 ? vn_get_be32(d) : 0x12345678u;
	uint8_t b6[6] = { 0 };
	struct vn_pkt pkt;
	struct vntag vt, vt2;
	struct etag et, et2;
	int rc;

	vntag_unpack(w, &vt);
	load(&pkt, buf, d, size);
	rc = vntag_push(&pkt, &vt, &err);
	if (size < 12) {
		FUZZ_CHECK(rc == VN_ENOSPC, "push on %zu bytes: %d", size, rc);
	} else {
		uint16_t next;

		FUZZ_CHECK(rc == 0, "push: %s", err.reason);
		FUZZ_CHECK(
			pkt.len == size + VNTAG_HLEN && vn_pkt_headroom(&pkt) == HEADROOM - 6,
			"push len/headroom");
		/* Decode also wants a valid EtherType after the tag; then the
		 * fields are those pushed and pop gives the frame back. */
		if (vntag_decode(pkt.data, pkt.len, &vt2, &next, NULL, &err) == 0) {
			FUZZ_CHECK(vntag_eq(&vt, &vt2), "decode after push: fields differ");
			FUZZ_CHECK(vntag_pop(&pkt, NULL, &err) == 0, "pop: %s", err.reason);
			FUZZ_CHECK(pkt.len == size && !memcmp(pkt.data, d, size), "push+pop");
		} else {
			FUZZ_CHECK(size < 14 || !vn_eth_type_or_len_ok(vn_get_be16(d + 12)),
				"decode after push: %s", err.reason);
		}
	}

	memcpy(b6, d, size < 6 ? size : 6);
	etag_unpack(b6, &et);
	et.resv = 0;
	load(&pkt, buf, d, size);
	rc = etag_push(&pkt, &et, &err);
	if (size < 12) {
		FUZZ_CHECK(rc == VN_ENOSPC, "push on %zu bytes: %d", size, rc);
	} else {
		FUZZ_CHECK(rc == 0, "push: %s", err.reason);
		if (etag_decode(pkt.data, pkt.len, &et2, NULL, NULL, &err) == 0) {
			FUZZ_CHECK(etag_eq(&et, &et2), "decode after push: fields differ");
			FUZZ_CHECK(etag_pop(&pkt, NULL, &err) == 0, "pop: %s", err.reason);
			FUZZ_CHECK(pkt.len == size && !memcmp(pkt.data, d, size), "push+pop");
		} else {
			FUZZ_CHECK(size < 14 || !vn_eth_type_or_len_ok(vn_get_be16(d + 12)),
				"decode after push: %s", err.reason);
		}
	}
}

static void
check_mac_text(const uint8_t *d, size_t size)
{
	char text[32], again[18];
	uint8_t mac[6], mac2[6];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

	memcpy(text, d, n);
	text[n] = '\0';
	if (!vn_eth_parse_mac(text, mac))
		return;
	vn_eth_format_mac(mac, again);
	FUZZ_CHECK(strlen(again) == 17, "formatted MAC '%s'", again);
	FUZZ_CHECK(
		vn_eth_parse_mac(again, mac2) && !memcmp(mac, mac2, 6), "MAC text round trip");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;

	check_vntag(data, size);
	check_etag(data, size);
	check_eth(data, size);
	/* Exactly headroom + frame, so ASan sees any write past either end. */
	buf = malloc(HEADROOM + size);
	if (!buf)
		return 0;
	check_pop_push(data, size, buf);
	check_push_pop(data, size, buf);
	free(buf);
	check_mac_text(data, size);
	return 0;
}

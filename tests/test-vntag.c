/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the VN-Tag and E-Tag codecs and the Ethernet tag walk. */
#include <config.h>

#include <string.h>

#include "tests/testutil.h"
#include "vntag/etag.h"
#include "vntag/eth.h"
#include "vntag/vntag.h"

#define MACS "02 00 00 00 00 02 02 00 00 00 00 01 "

static size_t
frame(const char *hex, uint8_t *buf, size_t cap)
{
	int n = tu_hex(hex, buf, cap);

	CU_ASSERT_FATAL(n > 0);
	return (size_t)n;
}

/* protocols.md 1.2 worked examples, TPID included. */
static void
test_vntag_examples(void)
{
	static const struct {
		const char *hex;
		struct vntag t;
	} cases[] = {
		{ "89 26 00 00 00 05", { .svif = 5 } },
		{ "89 26 80 05 00 00", { .d = true, .dvif = 5 } },
		{ "89 26 C0 07 80 05",
			{ .d = true, .p = true, .dvif = 7, .looped = true, .svif = 5 } },
		{ "89 26 3F FF 7F FF",
			{ .dvif = 0x3FFF, .r = true, .version = 3, .svif = 0xFFF } },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[64], out[64];
		char hex[128];
		size_t len, nlen;
		struct vntag t;
		uint16_t next;
		size_t off;
		struct vn_err err = { 0 };
		struct vn_pkt pkt;

		snprintf(hex, sizeof(hex), MACS "%s 08 00 45", cases[i].hex);
		len = frame(hex, buf, sizeof(buf));
		CU_ASSERT_EQUAL_FATAL(vntag_decode(buf, len, &t, &next, &off, &err), 0);
		CU_ASSERT_EQUAL(t.d, cases[i].t.d);
		CU_ASSERT_EQUAL(t.p, cases[i].t.p);
		CU_ASSERT_EQUAL(t.dvif, cases[i].t.dvif);
		CU_ASSERT_EQUAL(t.looped, cases[i].t.looped);
		CU_ASSERT_EQUAL(t.r, cases[i].t.r);
		CU_ASSERT_EQUAL(t.version, cases[i].t.version);
		CU_ASSERT_EQUAL(t.svif, cases[i].t.svif);
		CU_ASSERT_EQUAL(next, 0x0800);
		CU_ASSERT_EQUAL(off, 18);

		/* push onto the untagged frame rebuilds the same bytes */
		memset(out, 0xEE, sizeof(out));
		memcpy(out + 16, buf, 12);
		memcpy(out + 28, buf + 18, len - 18);
		nlen = len - VNTAG_HLEN;
		vn_pkt_init(&pkt, out, sizeof(out), 16, nlen);
		CU_ASSERT_EQUAL_FATAL(vntag_push(&pkt, &cases[i].t, &err), 0);
		CU_ASSERT_EQUAL(pkt.len, len);
		CU_ASSERT_EQUAL(memcmp(pkt.data, buf, len), 0);
		CU_ASSERT_EQUAL(vn_pkt_headroom(&pkt), 10);

		/* and pop gives back the untagged frame and the tag */
		memset(&t, 0, sizeof(t));
		CU_ASSERT_EQUAL_FATAL(vntag_pop(&pkt, &t, &err), 0);
		CU_ASSERT_EQUAL(pkt.len, nlen);
		CU_ASSERT_EQUAL(memcmp(pkt.data, buf, 12), 0);
		CU_ASSERT_EQUAL(memcmp(pkt.data + 12, buf + 18, len - 18), 0);
		CU_ASSERT_EQUAL(t.dvif, cases[i].t.dvif);
		CU_ASSERT_EQUAL(t.svif, cases[i].t.svif);
	}
}

/* The crafted capture, checked against tshark 4.0's vntag.* fields:
 *  1  0 0 0     0 0 0 5    0x0800
 *  2  1 0 291   1 0 0 5    0x0800
 *  3  1 1 10940 0 0 0 4095 0x0806
 *  4  0 0 0     0 0 0 7    0x8100 (vlan 100)
 *  5  0 0 0     0 0 1 9    0x0800 */
static void
test_vntag_capture(void)
{
	static const struct {
		bool d, p;
		uint16_t dvif;
		bool l;
		uint8_t ver;
		uint16_t svif, next;
	} want[] = {
		{ 0, 0, 0, 0, 0, 5, 0x0800 },
		{ 1, 0, 291, 1, 0, 5, 0x0800 },
		{ 1, 1, 10940, 0, 0, 4095, 0x0806 },
		{ 0, 0, 0, 0, 0, 7, 0x8100 },
		{ 0, 0, 0, 0, 1, 9, 0x0800 },
	};
	struct tu_pcap *p = tu_pcap_load("vntag_crafted_5variants.pcap");

	CU_ASSERT_EQUAL_FATAL(p->n, 5);
	for (size_t i = 0; i < p->n; i++) {
		struct vntag t;
		uint16_t next;
		struct vn_err err = { 0 };
		struct vn_eth eth;
		uint32_t word;

		CU_ASSERT_EQUAL_FATAL(vntag_decode(p->frames[i].data, p->frames[i].len, &t,
					      &next, NULL, &err),
			0);
		CU_ASSERT_EQUAL(t.d, want[i].d);
		CU_ASSERT_EQUAL(t.p, want[i].p);
		CU_ASSERT_EQUAL(t.dvif, want[i].dvif);
		CU_ASSERT_EQUAL(t.looped, want[i].l);
		CU_ASSERT_EQUAL(t.r, false);
		CU_ASSERT_EQUAL(t.version, want[i].ver);
		CU_ASSERT_EQUAL(t.svif, want[i].svif);
		CU_ASSERT_EQUAL(next, want[i].next);
		/* byte-exact re-encode of the word */
		CU_ASSERT_EQUAL(vntag_pack(&t, &word, &err), 0);
		CU_ASSERT_EQUAL(word, vn_get_be32(p->frames[i].data + 14));

		CU_ASSERT_EQUAL_FATAL(
			vn_eth_parse(p->frames[i].data, p->frames[i].len, &eth, &err), 0);
		CU_ASSERT_EQUAL(eth.tags[0].tpid, VN_ETH_VNTAG);
		if (i == 3) {
			CU_ASSERT_EQUAL(eth.n_tags, 2);
			CU_ASSERT_EQUAL(eth.tags[1].vid, 100);
			CU_ASSERT_EQUAL(eth.type, 0x0800);
		} else {
			CU_ASSERT_EQUAL(eth.n_tags, 1);
			CU_ASSERT_EQUAL(eth.type, want[i].next);
		}
	}
	tu_pcap_free(p);
}

static void
test_vntag_malformed(void)
{
	uint8_t buf[64];
	size_t len = frame(MACS "89 26 00 00 00 05 08 00", buf, sizeof(buf));
	struct vntag t;
	struct vn_err err;
	uint32_t word;
	struct vn_pkt pkt;

	/* truncation at every offset */
	for (size_t cut = 0; cut < len; cut++) {
		err.reason = NULL;
		CU_ASSERT_EQUAL(vntag_decode(buf, cut, &t, NULL, NULL, &err), VN_EBADMSG);
		CU_ASSERT_PTR_NOT_NULL(err.reason);
	}
	/* 1501..1535 is neither a length nor an EtherType */
	buf[18] = 0x05;
	buf[19] = 0xDD;
	err.reason = NULL;
	CU_ASSERT_EQUAL(vntag_decode(buf, len, &t, NULL, NULL, &err), VN_EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(err.reason);
	CU_ASSERT_EQUAL(err.offset, 18);
	/* 802.3 length 1500 and EtherType 0x0600 are fine */
	buf[19] = 0xDC;
	CU_ASSERT_EQUAL(vntag_decode(buf, len, &t, NULL, NULL, &err), 0);
	buf[18] = 0x06;
	buf[19] = 0x00;
	CU_ASSERT_EQUAL(vntag_decode(buf, len, &t, NULL, NULL, &err), 0);
	/* not a VN-Tag */
	buf[12] = 0x81;
	buf[13] = 0x00;
	CU_ASSERT_EQUAL(vntag_decode(buf, len, &t, NULL, NULL, &err), VN_EBADMSG);
	/* out-of-range fields refuse to encode */
	t = (struct vntag) { .dvif = 0x4000 };
	CU_ASSERT_EQUAL(vntag_pack(&t, &word, &err), VN_EINVAL);
	t = (struct vntag) { .svif = 0x1000 };
	CU_ASSERT_EQUAL(vntag_pack(&t, &word, &err), VN_EINVAL);
	t = (struct vntag) { .version = 4 };
	CU_ASSERT_EQUAL(vntag_pack(&t, &word, &err), VN_EINVAL);
	/* push needs headroom; pop needs a tag */
	t = (struct vntag) { .svif = 1 };
	vn_pkt_init(&pkt, buf, sizeof(buf), 4, 20);
	CU_ASSERT_EQUAL(vntag_push(&pkt, &t, &err), VN_ENOSPC);
	CU_ASSERT_EQUAL(pkt.len, 20);
	vn_pkt_init(&pkt, buf, sizeof(buf), 0, len);
	CU_ASSERT_EQUAL(vntag_pop(&pkt, &t, &err), VN_EBADMSG);
	CU_ASSERT_EQUAL(pkt.len, len);
}

/* protocols.md 2.2 worked examples plus a 20-bit E-CID using the ext bytes. */
static void
test_etag_examples(void)
{
	static const struct {
		const char *hex;
		struct etag t;
	} cases[] = {
		{ "89 3F 00 00 01 23 00 00", { .ecid = 0x123 } },
		{ "89 3F 61 23 10 45 00 00",
			{ .pcp = 3, .ingress_ecid = 0x123, .grp = 1, .ecid = 0x045 } },
		{ "89 3F F0 01 3C DE 12 AB",
			{ .pcp = 7,
				.dei = true,
				.ingress_ecid = 0x12001,
				.grp = 3,
				.ecid = 0xABCDE } },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[64], out[64];
		char hex[128];
		size_t len;
		struct etag t;
		uint16_t next;
		size_t off;
		struct vn_err err = { 0 };
		struct vn_pkt pkt;

		snprintf(hex, sizeof(hex), MACS "%s 88 cc", cases[i].hex);
		len = frame(hex, buf, sizeof(buf));
		CU_ASSERT_EQUAL_FATAL(etag_decode(buf, len, &t, &next, &off, &err), 0);
		CU_ASSERT_EQUAL(t.pcp, cases[i].t.pcp);
		CU_ASSERT_EQUAL(t.dei, cases[i].t.dei);
		CU_ASSERT_EQUAL(t.ingress_ecid, cases[i].t.ingress_ecid);
		CU_ASSERT_EQUAL(t.grp, cases[i].t.grp);
		CU_ASSERT_EQUAL(t.ecid, cases[i].t.ecid);
		CU_ASSERT_EQUAL(t.resv, 0);
		CU_ASSERT_EQUAL(next, VN_ETH_LLDP);
		CU_ASSERT_EQUAL(off, 20);

		memcpy(out + 20, buf, 12);
		memcpy(out + 32, buf + 20, len - 20);
		vn_pkt_init(&pkt, out, sizeof(out), 20, len - ETAG_HLEN);
		CU_ASSERT_EQUAL_FATAL(etag_push(&pkt, &cases[i].t, &err), 0);
		CU_ASSERT_EQUAL(pkt.len, len);
		CU_ASSERT_EQUAL(memcmp(pkt.data, buf, len), 0);
		CU_ASSERT_EQUAL_FATAL(etag_pop(&pkt, &t, &err), 0);
		CU_ASSERT_EQUAL(pkt.len, len - ETAG_HLEN);
		CU_ASSERT_EQUAL(memcmp(pkt.data + 12, buf + 20, len - 20), 0);
		CU_ASSERT_EQUAL(t.ecid, cases[i].t.ecid);
	}
}

static void
test_etag_malformed(void)
{
	uint8_t buf[64], body[6];
	size_t len = frame(MACS "89 3F 00 00 01 23 00 00 08 00", buf, sizeof(buf));
	struct etag t;
	struct vn_err err;

	for (size_t cut = 0; cut < len; cut++) {
		err.reason = NULL;
		CU_ASSERT_EQUAL(etag_decode(buf, cut, &t, NULL, NULL, &err), VN_EBADMSG);
		CU_ASSERT_PTR_NOT_NULL(err.reason);
	}
	/* reserved bits are reported, ignored, and never sent */
	buf[16] |= 0xC0;
	CU_ASSERT_EQUAL(etag_decode(buf, len, &t, NULL, NULL, &err), 0);
	CU_ASSERT_EQUAL(t.resv, 3);
	CU_ASSERT_EQUAL(t.ecid, 0x123);
	CU_ASSERT_EQUAL(etag_pack(&t, body, &err), 0);
	CU_ASSERT_EQUAL(body[2], 0x01);
	buf[20] = 0x05;
	buf[21] = 0xFF;
	CU_ASSERT_EQUAL(etag_decode(buf, len, &t, NULL, NULL, &err), VN_EBADMSG);
	t = (struct etag) { .ecid = 0x100000 };
	CU_ASSERT_EQUAL(etag_pack(&t, body, &err), VN_EINVAL);
	t = (struct etag) { .ingress_ecid = 0x100000 };
	CU_ASSERT_EQUAL(etag_pack(&t, body, &err), VN_EINVAL);
	t = (struct etag) { .pcp = 8 };
	CU_ASSERT_EQUAL(etag_pack(&t, body, &err), VN_EINVAL);
	t = (struct etag) { .grp = 4 };
	CU_ASSERT_EQUAL(etag_pack(&t, body, &err), VN_EINVAL);
}

static void
test_eth_stacks(void)
{
	static const struct {
		const char *hex;
		int rc;
		unsigned n_tags;
		uint16_t type;
	} cases[] = {
		{ MACS "08 00", 0, 0, 0x0800 },
		{ MACS "00 2e", 0, 0, 46 },
		{ MACS "89 3F 00 00 01 23 00 00 88 a8 00 64 81 00 20 0a 08 06", 0, 3, 0x0806 },
		{ MACS "88 a8 00 64 81 00 00 0a 81 00 00 0b 08 00", 0, 3, 0x0800 },
		{ MACS "81 00 00 0a 89 26 00 00 00 05 08 00", VN_EBADMSG, 0, 0 },
		{ MACS "89 26 00 00 00 05 89 3F 00 00 01 23 00 00 08 00", VN_EBADMSG, 0, 0 },
		{ MACS "81 00 00 0a 88 a8 00 64 08 00", VN_EBADMSG, 0, 0 },
		{ MACS "81 00 00 01 81 00 00 02 81 00 00 03 81 00 00 04 81 00 00 05 08 00",
			VN_EBADMSG, 0, 0 },
		{ MACS "05 ff", VN_EBADMSG, 0, 0 },
		{ MACS "81 00 00", VN_EBADMSG, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[128];
		size_t len = frame(cases[i].hex, buf, sizeof(buf));
		struct vn_eth eth;
		struct vn_err err = { 0 };
		int rc = vn_eth_parse(buf, len, &eth, &err);

		CU_ASSERT_EQUAL(rc, cases[i].rc);
		if (rc == 0) {
			CU_ASSERT_EQUAL(eth.n_tags, cases[i].n_tags);
			CU_ASSERT_EQUAL(eth.type, cases[i].type);
		} else {
			CU_ASSERT_PTR_NOT_NULL(err.reason);
		}
		/* every truncation of an accepted frame fails cleanly */
		for (size_t cut = 0; rc == 0 && cut < len; cut++)
			CU_ASSERT_EQUAL(vn_eth_parse(buf, cut, &eth, &err), VN_EBADMSG);
	}
}

static void
test_mac_text(void)
{
	uint8_t mac[6];
	char s[18];

	CU_ASSERT_TRUE(vn_eth_parse_mac("52:54:00:AB:cd:0f", mac));
	vn_eth_format_mac(mac, s);
	CU_ASSERT_STRING_EQUAL(s, "52:54:00:ab:cd:0f");
	CU_ASSERT_TRUE(vn_eth_parse_mac("52-54-00-ab-cd-0f", mac));
	CU_ASSERT_FALSE(vn_eth_parse_mac("52:54:00:ab:cd", mac));
	CU_ASSERT_FALSE(vn_eth_parse_mac("52:54:00:ab:cd:0f:", mac));
	CU_ASSERT_FALSE(vn_eth_parse_mac("5:54:00:ab:cd:0f", mac));
	CU_ASSERT_FALSE(vn_eth_parse_mac("", mac));
}

static void
add_suites(void)
{
	static const struct tu_test vntag[] = {
		{ "worked examples, push and pop", test_vntag_examples },
		{ "crafted capture vs tshark", test_vntag_capture },
		{ "malformed input", test_vntag_malformed },
		{ NULL, NULL },
	};
	static const struct tu_test etag[] = {
		{ "worked examples, push and pop", test_etag_examples },
		{ "malformed input", test_etag_malformed },
		{ NULL, NULL },
	};
	static const struct tu_test eth[] = {
		{ "tag stacks", test_eth_stacks },
		{ "MAC text", test_mac_text },
		{ NULL, NULL },
	};
	tu_add_suite("vntag", vntag);
	tu_add_suite("etag", etag);
	tu_add_suite("eth", eth);
}

int
main(void)
{
	return tu_run("test-vntag", add_suites);
}

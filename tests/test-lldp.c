/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "lldp/lldpdu.h"
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * test-lldp.c - LLDPDU codec: captured frames (lldpd, lldpad station and
 * bridge, crafted EVB-2012/CDCP/draft EVB), the EVB examples of lldpad's
 * test/qbg22/evb22/defines.evb and the project's CDCP examples (wire-format
 * reference §5.3/§5.5), round trips of every TLV kind, truncation at every
 * offset, a table of malformed LLDPDUs and the encoder's error returns.
 *
 * Expected field values of the captured frames were read off
 * `tcpdump -vv -r FILE` (which decodes EVB-2012 and CDCP) and, for the draft
 * EVB TLV, `tshark -V` (Wireshark's dissect_ieee_802_1qbg_tlv).
 */

#define ETH_HDR 14
#define BUFSZ   4096

/* The PDUs are ~11 KB each: keep them off the stack. */
static struct lldp_pdu pdu, pdu2;
static uint8_t vbuf[BUFSZ], obuf[BUFSZ];

static size_t
hex(const char *h, uint8_t *buf)
{
	int n = tu_hex(h, buf, BUFSZ);

	CU_ASSERT_FATAL(n >= 0);
	return (size_t)n;
}

static int
decode_report(const uint8_t *buf, size_t len, struct lldp_pdu *p, const char *what)
{
	struct vn_err err = { NULL, 0 };
	int rc = lldp_decode(buf, len, p, &err);

	if (rc)
		printf("\n  %s: decode failed: %s at %zu\n", what,
			err.reason ? err.reason : "?", err.offset);
	return rc;
}

/* Encode p and return the length; the test fails if encoding fails. */
static size_t
encode_ok(const struct lldp_pdu *p, uint8_t *out, size_t cap)
{
	struct vn_err err = { NULL, 0 };
	size_t len = 0;
	int rc = lldp_encode(p, out, cap, &len, &err);

	if (rc)
		printf("\n  encode failed: %s\n", err.reason ? err.reason : "?");
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return len;
}

/*
 * Decode buf, re-encode, and require the encoding to equal buf up to its
 * length; whatever buf has beyond that (Ethernet padding after an End TLV)
 * must be zero.  Returns the re-encoded length.
 */
static size_t
roundtrip(const uint8_t *buf, size_t len, struct lldp_pdu *p, const char *what)
{
	size_t n;

	CU_ASSERT_EQUAL_FATAL(decode_report(buf, len, p, what), 0);
	n = encode_ok(p, obuf, sizeof(obuf));
	CU_ASSERT_FATAL(n <= len);
	if (memcmp(obuf, buf, n) != 0)
		printf("\n  %s: re-encoding differs\n", what);
	CU_ASSERT_EQUAL(memcmp(obuf, buf, n), 0);
	for (size_t i = n; i < len; i++)
		CU_ASSERT_EQUAL(buf[i], 0);
	return n;
}

static void
assert_id(const struct lldp_id *id, uint8_t subtype, const void *val, size_t len)
{
	CU_ASSERT_EQUAL(id->subtype, subtype);
	CU_ASSERT_EQUAL(id->len, len);
	CU_ASSERT_EQUAL(memcmp(id->id, val, len), 0);
}

static void
assert_str(const struct lldp_str *s, const char *want)
{
	CU_ASSERT_EQUAL(s->len, strlen(want));
	CU_ASSERT_STRING_EQUAL(s->str, want);
}

static void
assert_evb(const struct lldp_evb *g, const struct lldp_evb *w)
{
	CU_ASSERT_EQUAL(g->bgid, w->bgid);
	CU_ASSERT_EQUAL(g->rrcap, w->rrcap);
	CU_ASSERT_EQUAL(g->rrctr, w->rrctr);
	CU_ASSERT_EQUAL(g->sgid, w->sgid);
	CU_ASSERT_EQUAL(g->rrreq, w->rrreq);
	CU_ASSERT_EQUAL(g->rrstat, w->rrstat);
	CU_ASSERT_EQUAL(g->r, w->r);
	CU_ASSERT_EQUAL(g->rte, w->rte);
	CU_ASSERT_EQUAL(g->mode, w->mode);
	CU_ASSERT_EQUAL(g->rwd_rol, w->rwd_rol);
	CU_ASSERT_EQUAL(g->rwd, w->rwd);
	CU_ASSERT_EQUAL(g->rka_rol, w->rka_rol);
	CU_ASSERT_EQUAL(g->rka, w->rka);
}

/* Field by field: struct padding is not compared. */
static void
assert_mgmt(const struct lldp_mgmt *g, const struct lldp_mgmt *w)
{
	CU_ASSERT_EQUAL(g->addr_subtype, w->addr_subtype);
	CU_ASSERT_EQUAL_FATAL(g->addr_len, w->addr_len);
	CU_ASSERT_EQUAL(memcmp(g->addr, w->addr, w->addr_len), 0);
	CU_ASSERT_EQUAL(g->if_subtype, w->if_subtype);
	CU_ASSERT_EQUAL(g->if_number, w->if_number);
	CU_ASSERT_EQUAL_FATAL(g->oid_len, w->oid_len);
	CU_ASSERT_EQUAL(memcmp(g->oid, w->oid, w->oid_len), 0);
}

static void
assert_evb_draft(const struct lldp_evb_draft *g, const struct lldp_evb_draft *w)
{
	CU_ASSERT_EQUAL(g->sup_mode, w->sup_mode);
	CU_ASSERT_EQUAL(g->sup_cap, w->sup_cap);
	CU_ASSERT_EQUAL(g->cfg_mode, w->cfg_mode);
	CU_ASSERT_EQUAL(g->cfg_cap, w->cfg_cap);
	CU_ASSERT_EQUAL(g->sup_vsis, w->sup_vsis);
	CU_ASSERT_EQUAL(g->cfg_vsis, w->cfg_vsis);
	CU_ASSERT_EQUAL(g->rte, w->rte);
}

static void
assert_order(const struct lldp_pdu *p, const struct lldp_order *want, size_t n)
{
	CU_ASSERT_EQUAL_FATAL(p->n_order, n);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(p->order[i].kind, want[i].kind);
		CU_ASSERT_EQUAL(p->order[i].index, want[i].index);
	}
}

/*
 * Truncate buf (a whole LLDPDU, ending with its End TLV if it has one) at
 * every offset 0..len-1, in an exactly-sized heap copy so that ASan sees any
 * over-read.  A cut on a TLV boundary after the TTL TLV leaves a valid
 * LLDPDU without End TLV (802.1AB-2016 makes End optional): it must decode,
 * hold as many optional TLVs as precede the cut and re-encode to the prefix.
 * Every other cut must fail with a reason and an offset inside the prefix.
 */
static void
check_truncations(const uint8_t *buf, size_t len, const char *what)
{
	size_t ends[BUFSZ / 2]; /* end offset of each TLV, in order */
	size_t n_tlv = 0, off = 0;

	while (off + 2 <= len) {
		size_t tl = (size_t)((buf[off] & 1) << 8 | buf[off + 1]);

		off += 2 + tl;
		CU_ASSERT_FATAL(off <= len);
		ends[n_tlv++] = off;
	}
	CU_ASSERT_EQUAL_FATAL(off, len);

	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		struct vn_err err = { NULL, 0 };
		size_t k = 0;
		bool valid = false;
		int rc;

		CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
		memcpy(copy, buf, cut);
		for (k = 0; k < n_tlv; k++) {
			if (ends[k] == cut) {
				valid = k >= 2; /* the TTL TLV (third) or later */
				break;
			}
		}
		rc = lldp_decode(copy, cut, &pdu2, &err);
		if (valid) {
			size_t n;

			if (rc)
				printf("\n  %s cut %zu: %s\n", what, cut, err.reason);
			CU_ASSERT_EQUAL(rc, 0);
			if (rc == 0) {
				CU_ASSERT_FALSE(pdu2.end);
				CU_ASSERT_EQUAL(
					pdu2.n_order + pdu2.mgmt_dropped + pdu2.unknown_dropped,
					k - 2);
				n = encode_ok(&pdu2, obuf, sizeof(obuf));
				CU_ASSERT_EQUAL(n, cut);
				CU_ASSERT_EQUAL(memcmp(obuf, buf, cut), 0);
			}
		} else {
			if (rc != VN_EBADMSG)
				printf("\n  %s cut %zu: rc %d\n", what, cut, rc);
			CU_ASSERT_EQUAL(rc, VN_EBADMSG);
			CU_ASSERT_PTR_NOT_NULL(err.reason);
			CU_ASSERT(err.offset <= cut);
		}
		free(copy);
	}
}

/* ---- captures ----------------------------------------------------------- */

static bool
is_lldp(const struct tu_frame *f)
{
	return f->len >= ETH_HDR && f->data[12] == 0x88 && f->data[13] == 0xCC;
}

/*
 * EVB TLVs seen in the lldpad captures (tcpdump -vv), positional fields:
 * bgid rrcap rrctr, sgid rrreq rrstat, r rte, mode rwd_rol rwd, rka_rol rka.
 */
/* 00 07 68 94 14: station before it has heard a bridge */
static const struct lldp_evb evb_sta_init = { 0, 0, 0, 0, 1, 3, 3, 8, 2, 0, 20, 0, 20 };
/* 02 00 68 54 14: bridge offering reflective relay */
static const struct lldp_evb evb_br_init = { 0, 1, 0, 0, 0, 0, 3, 8, 1, 0, 20, 0, 20 };
/* 02 04 68 b4 34: station echoes the bridge status, requests RR, adopts RWD/RKA */
static const struct lldp_evb evb_sta_req = { 0, 1, 0, 0, 1, 0, 3, 8, 2, 1, 20, 1, 20 };
/* 03 04 6e 74 34: bridge turns RR on */
static const struct lldp_evb evb_br_rr = { 0, 1, 1, 0, 1, 0, 3, 14, 1, 1, 20, 1, 20 };
/* 03 05 6e b4 34: station sees RR on */
static const struct lldp_evb evb_sta_on = { 0, 1, 1, 0, 1, 1, 3, 14, 2, 1, 20, 1, 20 };
/* 03 05 6e 74 34: bridge echoes RRSTAT 1 */
static const struct lldp_evb evb_br_on = { 0, 1, 1, 0, 1, 1, 3, 14, 1, 1, 20, 1, 20 };
/* 03 07 6e 74 34: bridge echoes a restarted station's RRSTAT 3 */
static const struct lldp_evb evb_br_unk = { 0, 1, 1, 0, 1, 3, 3, 14, 1, 1, 20, 1, 20 };

struct lldpad_frame {
	size_t frame; /* index in the capture */
	uint8_t mac5; /* chassis = port = 02:00:00:00:mac5:01 */
	uint16_t ttl;
	const struct lldp_evb *evb; /* NULL: no EVB TLV */
};

static void
check_lldpad_capture(const char *file, const struct lldpad_frame *want, size_t n_want)
{
	struct tu_pcap *pc = tu_pcap_load(file);
	size_t seen = 0;

	for (size_t i = 0; i < pc->n; i++) {
		const struct tu_frame *f = &pc->frames[i];
		const struct lldpad_frame *w;
		uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
		size_t n;

		if (!is_lldp(f))
			continue;
		CU_ASSERT_FATAL(seen < n_want);
		w = &want[seen++];
		CU_ASSERT_EQUAL(i, w->frame);
		mac[4] = w->mac5;
		n = roundtrip(f->data + ETH_HDR, f->len - ETH_HDR, &pdu, file);
		/* lldpad: chassis 9 + port 9 + TTL 4 + EVB 11 + End 2, then padding. */
		CU_ASSERT_EQUAL(n, w->evb ? 35u : 24u);
		assert_id(&pdu.chassis, LLDP_CHASSIS_MAC, mac, 6);
		assert_id(&pdu.port, LLDP_PORT_MAC, mac, 6);
		CU_ASSERT_EQUAL(pdu.ttl, w->ttl);
		CU_ASSERT_TRUE(pdu.end);
		CU_ASSERT_EQUAL(pdu.has_evb, w->evb != NULL);
		CU_ASSERT_EQUAL(pdu.n_order, w->evb ? 1 : 0);
		if (w->evb)
			assert_evb(&pdu.evb, w->evb);
		CU_ASSERT_FALSE(pdu.has_cdcp || pdu.has_evb_draft || pdu.has_sys_name);
		CU_ASSERT_EQUAL(pdu.n_unknown, 0);
		check_truncations(f->data + ETH_HDR, n, file);
	}
	CU_ASSERT_EQUAL(seen, n_want);
	tu_pcap_free(pc);
}

static void
test_capture_lldpad_station(void)
{
	static const struct lldpad_frame want[] = {
		{ 0, 0x5a, 120, &evb_sta_init },
		{ 1, 0x5a, 120, &evb_sta_init },
		{ 2, 0x5a, 120, &evb_sta_init },
		{ 3, 0x5a, 120, &evb_sta_init },
		{ 4, 0x5a, 120, &evb_sta_init },
		{ 9, 0x5a, 120, &evb_sta_init },
		{ 10, 0x5a, 120, &evb_sta_init },
	};

	check_lldpad_capture("lldpad_station_evb22_lldp_and_unanswered_vdp_assoc.pcap", want,
		sizeof(want) / sizeof(want[0]));
}

static void
test_capture_lldpad_bridge(void)
{
	static const struct lldpad_frame want[] = {
		{ 0, 0x5a, 120, &evb_sta_init },
		{ 1, 0xb7, 120, &evb_br_init },
		{ 2, 0x5a, 120, &evb_sta_req },
		{ 3, 0xb7, 120, &evb_br_rr },
		{ 4, 0x5a, 120, &evb_sta_on },
		{ 5, 0xb7, 120, &evb_br_on },
		{ 6, 0x5a, 120, &evb_sta_on },
		{ 7, 0xb7, 0, NULL }, /* bridge shutdown LLDPDU: TTL 0, no EVB */
		{ 8, 0x5a, 120, &evb_sta_init },
		{ 9, 0x5a, 120, &evb_sta_init },
		{ 10, 0x5a, 120, &evb_sta_init },
		{ 11, 0xb7, 120, &evb_br_unk },
		{ 12, 0x5a, 120, &evb_sta_on },
		{ 13, 0xb7, 120, &evb_br_on },
		{ 14, 0x5a, 120, &evb_sta_on },
		{ 15, 0xb7, 120, &evb_br_on },
		{ 16, 0x5a, 120, &evb_sta_on },
		{ 17, 0xb7, 120, &evb_br_on },
		{ 22, 0x5a, 120, &evb_sta_on },
		{ 23, 0xb7, 120, &evb_br_on },
		{ 24, 0x5a, 120, &evb_sta_on },
		{ 25, 0xb7, 120, &evb_br_on },
		{ 26, 0x5a, 120, &evb_sta_on },
	};

	check_lldpad_capture(
		"lldpad_station_vs_lldpad_bridge_evb_vdp_assoc_keepalive_deassoc_2filters.pcap",
		want, sizeof(want) / sizeof(want[0]));
}

static void
test_capture_lldpd(void)
{
	static const char file[] = "lldpd-1.0.16_lldp_tx_with_custom_evb_tlv.pcap";
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x0a, 0x01 };
	static const uint8_t v6[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0,
		0x0a, 0x01 };
	static const uint8_t lag[5] = { 0x01, 0, 0, 0, 0 };
	static const uint8_t macphy[5] = { 0x00, 0x80, 0x00, 0x00, 0x36 };
	static const struct lldp_order order[] = {
		{ LLDP_K_SYS_NAME, 0 },
		{ LLDP_K_SYS_DESC, 0 },
		{ LLDP_K_SYS_CAP, 0 },
		{ LLDP_K_MGMT, 0 },
		{ LLDP_K_PORT_DESC, 0 },
		{ LLDP_K_UNKNOWN, 0 },
		{ LLDP_K_UNKNOWN, 1 },
		{ LLDP_K_EVB, 0 },
	};
	static const struct lldp_evb zero_evb = { .mode = LLDP_EVB_MODE_NONE };
	struct tu_pcap *pc = tu_pcap_load(file);
	size_t seen = 0;

	for (size_t i = 0; i < pc->n; i++) {
		const struct tu_frame *f = &pc->frames[i];
		bool with_evb = i >= 3; /* lldpd was given the custom EVB TLV after frame 2 */
		size_t n;

		CU_ASSERT_TRUE_FATAL(is_lldp(f));
		seen++;
		/* No padding in these frames: the whole payload round-trips. */
		n = roundtrip(f->data + ETH_HDR, f->len - ETH_HDR, &pdu, file);
		CU_ASSERT_EQUAL(n, with_evb ? 139u : 128u);
		CU_ASSERT_EQUAL(n, f->len - ETH_HDR);
		assert_id(&pdu.chassis, LLDP_CHASSIS_MAC, mac, 6);
		assert_id(&pdu.port, LLDP_PORT_MAC, mac, 6);
		CU_ASSERT_EQUAL(pdu.ttl, 8);
		CU_ASSERT_TRUE(pdu.has_sys_name);
		assert_str(&pdu.sys_name, "lldpd-peer-a");
		CU_ASSERT_TRUE(pdu.has_sys_desc);
		assert_str(&pdu.sys_desc, "lldpd test peer in netns pr-a");
		CU_ASSERT_TRUE(pdu.has_sys_cap);
		CU_ASSERT_EQUAL(pdu.sys_cap.cap,
			LLDP_CAP_BRIDGE | LLDP_CAP_WLAN_AP | LLDP_CAP_ROUTER |
				LLDP_CAP_STATION);
		CU_ASSERT_EQUAL(pdu.sys_cap.enabled, LLDP_CAP_STATION);
		CU_ASSERT_EQUAL_FATAL(pdu.n_mgmt, 1);
		CU_ASSERT_EQUAL(pdu.mgmt[0].addr_subtype, LLDP_ADDR_IPV6);
		CU_ASSERT_EQUAL(pdu.mgmt[0].addr_len, 16);
		CU_ASSERT_EQUAL(memcmp(pdu.mgmt[0].addr, v6, 16), 0);
		CU_ASSERT_EQUAL(pdu.mgmt[0].if_subtype, LLDP_IFNUM_IFINDEX);
		CU_ASSERT_EQUAL(pdu.mgmt[0].if_number, 6);
		CU_ASSERT_EQUAL(pdu.mgmt[0].oid_len, 0);
		CU_ASSERT_TRUE(pdu.has_port_desc);
		assert_str(&pdu.port_desc, "pa0");
		/* The two IEEE 802.3 TLVs are not decoded: kept raw, counted. */
		CU_ASSERT_EQUAL_FATAL(pdu.n_unknown, 2);
		CU_ASSERT_EQUAL(lldp_tlvs_unrecognized(&pdu), 2);
		CU_ASSERT_EQUAL(pdu.unknown[0].type, LLDP_TLV_ORG);
		CU_ASSERT_EQUAL(pdu.unknown[0].oui, LLDP_OUI_IEEE_8023);
		CU_ASSERT_EQUAL(pdu.unknown[0].subtype, 3); /* link aggregation */
		CU_ASSERT_EQUAL(pdu.unknown[0].len, 5);
		CU_ASSERT_EQUAL(memcmp(pdu.unknown[0].value, lag, 5), 0);
		CU_ASSERT_EQUAL(pdu.unknown[1].oui, LLDP_OUI_IEEE_8023);
		CU_ASSERT_EQUAL(pdu.unknown[1].subtype, 1); /* MAC/PHY config/status */
		CU_ASSERT_EQUAL(pdu.unknown[1].len, 5);
		CU_ASSERT_EQUAL(memcmp(pdu.unknown[1].value, macphy, 5), 0);
		CU_ASSERT_EQUAL(pdu.has_evb, with_evb);
		if (with_evb)
			assert_evb(&pdu.evb, &zero_evb);
		CU_ASSERT_FALSE(pdu.has_cdcp || pdu.has_evb_draft);
		/* lldpd's own TLV order, which is not our canonical one. */
		assert_order(&pdu, order, with_evb ? 8 : 7);
		CU_ASSERT_TRUE(pdu.end);
		if (i == 0 || i == 3)
			check_truncations(f->data + ETH_HDR, n, file);
	}
	CU_ASSERT_EQUAL(seen, 7);
	tu_pcap_free(pc);
}

static void
test_capture_crafted(void)
{
	static const char file[] = "lldp_evb2012_cdcp_draft02evb_crafted.pcap";
	static const uint8_t br_mac[6] = { 0x00, 0xde, 0xfb, 0, 0, 0x01 };
	static const uint8_t st_mac[6] = { 0x52, 0x54, 0, 0, 0, 0x01 };
	/* 07 05 6e 54 14 (positional fields as for evb_sta_init) */
	static const struct lldp_evb evb_br = { 1, 1, 1, 0, 1, 1, 3, 14, 1, 0, 20, 0, 20 };
	struct tu_pcap *pc = tu_pcap_load(file);

	CU_ASSERT_EQUAL_FATAL(pc->n, 5);
	for (size_t i = 0; i < pc->n; i++) {
		const struct tu_frame *f = &pc->frames[i];
		size_t n;

		CU_ASSERT_TRUE_FATAL(is_lldp(f));
		n = roundtrip(f->data + ETH_HDR, f->len - ETH_HDR, &pdu, file);
		assert_id(&pdu.chassis, LLDP_CHASSIS_MAC, (i == 0 || i == 2) ? br_mac : st_mac,
			6);
		assert_id(&pdu.port, LLDP_PORT_IFNAME, "Eth1/1", 6);
		CU_ASSERT_EQUAL(pdu.ttl, 120);
		CU_ASSERT_TRUE(pdu.end);
		CU_ASSERT_EQUAL(pdu.n_order, 1);
		CU_ASSERT_EQUAL(pdu.has_evb, i <= 1);
		CU_ASSERT_EQUAL(pdu.has_cdcp, i == 2 || i == 3);
		CU_ASSERT_EQUAL(pdu.has_evb_draft, i == 4);
		check_truncations(f->data + ETH_HDR, n, file);
		switch (i) {
		case 0:
			CU_ASSERT_EQUAL(n, 35u); /* 22 + EVB 11 + End 2 */
			assert_evb(&pdu.evb, &evb_br);
			break;
		case 1:
			assert_evb(&pdu.evb, &evb_sta_init);
			break;
		case 2:
			/* 88 00 00 04 | 001 001 | 002 064: 22 + CDCP 16 + End 2 */
			CU_ASSERT_EQUAL(n, 40u);
			CU_ASSERT_EQUAL(pdu.cdcp.role, LLDP_CDCP_ROLE_STATION);
			CU_ASSERT_TRUE(pdu.cdcp.scomp);
			CU_ASSERT_EQUAL(pdu.cdcp.chncap, 4);
			CU_ASSERT_EQUAL_FATAL(pdu.cdcp.n_chan, 2);
			CU_ASSERT_EQUAL(pdu.cdcp.chan[0].scid, 1);
			CU_ASSERT_EQUAL(pdu.cdcp.chan[0].svid, 1);
			CU_ASSERT_EQUAL(pdu.cdcp.chan[1].scid, 2);
			CU_ASSERT_EQUAL(pdu.cdcp.chan[1].svid, 100);
			break;
		case 3:
			/* 00 00 00 02 | 001 001 | 002 000 */
			CU_ASSERT_EQUAL(pdu.cdcp.role, LLDP_CDCP_ROLE_BRIDGE);
			CU_ASSERT_FALSE(pdu.cdcp.scomp);
			CU_ASSERT_EQUAL(pdu.cdcp.chncap, 2);
			CU_ASSERT_EQUAL_FATAL(pdu.cdcp.n_chan, 2);
			CU_ASSERT_EQUAL(pdu.cdcp.chan[0].scid, 1);
			CU_ASSERT_EQUAL(pdu.cdcp.chan[0].svid, 1);
			CU_ASSERT_EQUAL(pdu.cdcp.chan[1].scid, 2);
			CU_ASSERT_EQUAL(pdu.cdcp.chan[1].svid, 0);
			break;
		case 4: /* 02 00 07 07 0f0c df00 00, as Wireshark reads it */
			CU_ASSERT_EQUAL(n, 39u); /* 22 + draft EVB 15 + End 2 */
			CU_ASSERT_EQUAL(pdu.evb_draft.sup_mode, 0x02);
			CU_ASSERT_EQUAL(pdu.evb_draft.sup_cap, 0x00);
			CU_ASSERT_EQUAL(pdu.evb_draft.cfg_mode, 0x07);
			CU_ASSERT_EQUAL(pdu.evb_draft.cfg_cap,
				LLDP_EVBD_CAP_RTE | LLDP_EVBD_CAP_ECP | LLDP_EVBD_CAP_VDP);
			CU_ASSERT_EQUAL(pdu.evb_draft.sup_vsis, 3852);
			CU_ASSERT_EQUAL(pdu.evb_draft.cfg_vsis, 57088);
			CU_ASSERT_EQUAL(pdu.evb_draft.rte, 0);
			break;
		}
	}
	tu_pcap_free(pc);
}

/* ---- wire-format reference examples (§5.3, §5.5) ----------------------------------------- */

/* lldpad test/qbg22 LLDPDU head: chassis "dummy\0", port "eth0", TTL 120. */
#define LLDPAD_HEAD "02 07 06 64 75 6d 6d 79 00 04 05 05 65 74 68 30 06 02 00 78 "

static void
test_doc_examples(void)
{
	static const struct {
		const char *hex;
		struct lldp_evb evb;
	} evbs[] = {
		/* §5.3 bridge, no reflective relay */
		{ "fe 09 00 80 c2 0d 00 00 00 40 00", { .mode = LLDP_EVB_MODE_BRIDGE } },
		/* §5.3 station answer: R=3 RTE=8, station, RWD=8, RKA=8 */
		{ "fe 09 00 80 c2 0d 00 00 68 88 08",
			{ .r = 3,
				.rte = 8,
				.mode = LLDP_EVB_MODE_STATION,
				.rwd = 8,
				.rka = 8 } },
		/* §5.3 bridge offering reflective relay */
		{ "fe 09 00 80 c2 0d 02 00 00 40 00",
			{ .rrcap = true, .mode = LLDP_EVB_MODE_BRIDGE } },
		/* §5.3 station requesting it */
		{ "fe 09 00 80 c2 0d 00 04 00 80 00",
			{ .rrreq = true, .mode = LLDP_EVB_MODE_STATION } },
	};
	static const uint8_t dummy[6] = { 'd', 'u', 'm', 'm', 'y', 0 };
	char h[256];
	size_t n;

	for (size_t i = 0; i < sizeof(evbs) / sizeof(evbs[0]); i++) {
		uint8_t info[8];
		size_t ilen;
		struct lldp_evb e;

		snprintf(h, sizeof(h), "%s%s 00 00", LLDPAD_HEAD, evbs[i].hex);
		n = hex(h, vbuf);
		CU_ASSERT_EQUAL(roundtrip(vbuf, n, &pdu, evbs[i].hex), n);
		assert_id(&pdu.chassis, LLDP_CHASSIS_IFNAME, dummy, 6);
		assert_id(&pdu.port, LLDP_PORT_IFNAME, "eth0", 4);
		CU_ASSERT_EQUAL(pdu.ttl, 120);
		CU_ASSERT_TRUE(pdu.has_evb);
		assert_evb(&pdu.evb, &evbs[i].evb);
		/* The 5 info bytes on their own. */
		CU_ASSERT_EQUAL(
			lldp_evb_pack(&evbs[i].evb, info, sizeof(info), &ilen, NULL), 0);
		CU_ASSERT_EQUAL(ilen, 5);
		CU_ASSERT_EQUAL(memcmp(info, vbuf + 20 + 6, 5), 0);
		CU_ASSERT_EQUAL(lldp_evb_unpack(vbuf + 20 + 6, 5, &e, NULL), 0);
		assert_evb(&e, &evbs[i].evb);
		check_truncations(vbuf, n, evbs[i].hex);
	}

	/* §5.5 CDCP: station wants SCID 2 and has SComp; bridge grants S-VID 100. */
	n = hex(LLDPAD_HEAD "fe 0e 00 80 c2 0e 88 00 00 04 00 10 01 00 20 00 00 00", vbuf);
	CU_ASSERT_EQUAL(roundtrip(vbuf, n, &pdu, "cdcp station"), n);
	CU_ASSERT_TRUE_FATAL(pdu.has_cdcp);
	CU_ASSERT_EQUAL(pdu.cdcp.role, LLDP_CDCP_ROLE_STATION);
	CU_ASSERT_TRUE(pdu.cdcp.scomp);
	CU_ASSERT_EQUAL(pdu.cdcp.chncap, 4);
	CU_ASSERT_EQUAL_FATAL(pdu.cdcp.n_chan, 2);
	CU_ASSERT_EQUAL(pdu.cdcp.chan[0].scid, 1);
	CU_ASSERT_EQUAL(pdu.cdcp.chan[0].svid, 1);
	CU_ASSERT_EQUAL(pdu.cdcp.chan[1].scid, 2);
	CU_ASSERT_EQUAL(pdu.cdcp.chan[1].svid, 0);
	check_truncations(vbuf, n, "cdcp station");

	n = hex(LLDPAD_HEAD "fe 0e 00 80 c2 0e 00 00 00 04 00 10 01 00 20 64 00 00", vbuf);
	CU_ASSERT_EQUAL(roundtrip(vbuf, n, &pdu, "cdcp bridge"), n);
	CU_ASSERT_TRUE_FATAL(pdu.has_cdcp);
	CU_ASSERT_EQUAL(pdu.cdcp.role, LLDP_CDCP_ROLE_BRIDGE);
	CU_ASSERT_FALSE(pdu.cdcp.scomp);
	CU_ASSERT_EQUAL(pdu.cdcp.chncap, 4);
	CU_ASSERT_EQUAL_FATAL(pdu.cdcp.n_chan, 2);
	CU_ASSERT_EQUAL(pdu.cdcp.chan[1].scid, 2);
	CU_ASSERT_EQUAL(pdu.cdcp.chan[1].svid, 100);
	check_truncations(vbuf, n, "cdcp bridge");
}

/* ---- round trips of every TLV kind -------------------------------------- */

#define ALL_KINDS                                                                              \
	"02 07 04 00 de fb 00 00 01 "                               /* chassis MAC */          \
	"04 07 05 45 74 68 31 2f 31 "                               /* port "Eth1/1" */        \
	"06 02 00 78 "                                              /* TTL 120 */              \
	"08 06 75 70 6c 69 6e 6b "                                  /* port desc */            \
	"0a 04 74 6f 72 31 "                                        /* sys name "tor1" */      \
	"0c 00 "                                                    /* sys desc "" */          \
	"0e 04 00 14 00 04 "                                        /* sys cap */              \
	"10 0c 05 01 0a 00 00 01 02 00 00 00 03 00 "                /* mgmt IPv4 */            \
	"10 11 07 06 00 de fb 00 00 01 03 00 00 00 07 03 2b 06 01 " /* mgmt MAC+OID */         \
	"fe 09 00 80 c2 0d 02 00 68 54 14 "                         /* EVB */                  \
	"fe 11 00 80 c2 0e 08 00 00 03 00 10 01 00 20 64 00 30 65 " /* CDCP */                 \
	"fe 0d 00 1b 3f 00 c0 07 40 07 0c df 00 0a 0f "             /* draft EVB */            \
	"12 02 ab cd "                                              /* reserved type 9 */      \
	"fe 06 00 12 0f 04 05 ee "                                  /* 802.3 max frame size */ \
	"00 00"

/* The canonical order of the optional TLVs of ALL_KINDS. */
static const struct lldp_order canon[] = {
	{ LLDP_K_PORT_DESC, 0 },
	{ LLDP_K_SYS_NAME, 0 },
	{ LLDP_K_SYS_DESC, 0 },
	{ LLDP_K_SYS_CAP, 0 },
	{ LLDP_K_MGMT, 0 },
	{ LLDP_K_MGMT, 1 },
	{ LLDP_K_EVB, 0 },
	{ LLDP_K_CDCP, 0 },
	{ LLDP_K_EVB_DRAFT, 0 },
	{ LLDP_K_UNKNOWN, 0 },
	{ LLDP_K_UNKNOWN, 1 },
};
#define N_CANON (sizeof(canon) / sizeof(canon[0]))

static void
set_order(struct lldp_pdu *p, size_t n)
{
	p->n_order = (uint8_t)n;
	memcpy(p->order, canon, n * sizeof(canon[0]));
}

static void
build_all_kinds(struct lldp_pdu *p)
{
	memset(p, 0, sizeof(*p));
	p->chassis.subtype = LLDP_CHASSIS_MAC;
	p->chassis.len = 6;
	memcpy(p->chassis.id, "\x00\xde\xfb\x00\x00\x01", 6);
	p->port.subtype = LLDP_PORT_IFNAME;
	p->port.len = 6;
	memcpy(p->port.id, "Eth1/1", 6);
	p->ttl = 120;
	p->has_port_desc = true;
	p->port_desc.len = 6;
	memcpy(p->port_desc.str, "uplink", 6);
	p->has_sys_name = true;
	p->sys_name.len = 4;
	memcpy(p->sys_name.str, "tor1", 4);
	p->has_sys_desc = true; /* empty but present */
	p->has_sys_cap = true;
	p->sys_cap.cap = LLDP_CAP_BRIDGE | LLDP_CAP_ROUTER;
	p->sys_cap.enabled = LLDP_CAP_BRIDGE;
	p->n_mgmt = 2;
	p->mgmt[0] = (struct lldp_mgmt) { .addr_subtype = LLDP_ADDR_IPV4,
		.addr_len = 4,
		.addr = { 10, 0, 0, 1 },
		.if_subtype = LLDP_IFNUM_IFINDEX,
		.if_number = 3 };
	p->mgmt[1] = (struct lldp_mgmt) { .addr_subtype = LLDP_ADDR_ALL802,
		.addr_len = 6,
		.addr = { 0x00, 0xde, 0xfb, 0, 0, 0x01 },
		.if_subtype = LLDP_IFNUM_SYSPORT,
		.if_number = 7,
		.oid_len = 3,
		.oid = { 0x2b, 0x06, 0x01 } };
	p->has_evb = true;
	p->evb = evb_br_init;
	p->has_cdcp = true;
	p->cdcp.role = LLDP_CDCP_ROLE_BRIDGE;
	p->cdcp.scomp = true;
	p->cdcp.chncap = 3;
	p->cdcp.n_chan = 3;
	p->cdcp.chan[0] = (struct lldp_cdcp_chan) { 1, 1 };
	p->cdcp.chan[1] = (struct lldp_cdcp_chan) { 2, 100 };
	p->cdcp.chan[2] = (struct lldp_cdcp_chan) { 3, 101 };
	p->has_evb_draft = true;
	p->evb_draft =
		(struct lldp_evb_draft) { .sup_mode = LLDP_EVBD_MODE_STD | LLDP_EVBD_MODE_RR,
			.sup_cap = 0x07,
			.cfg_mode = LLDP_EVBD_MODE_RR,
			.cfg_cap = 0x07,
			.sup_vsis = 3295,
			.cfg_vsis = 10,
			.rte = 15 };
	p->n_unknown = 2;
	p->unknown[0] = (struct lldp_unknown) { .type = 9, .len = 2, .value = { 0xab, 0xcd } };
	p->unknown[1] = (struct lldp_unknown) { .type = LLDP_TLV_ORG,
		.oui = LLDP_OUI_IEEE_8023,
		.subtype = 4,
		.len = 2,
		.value = { 0x05, 0xee } };
	p->end = true;
}

static void
test_roundtrip_all_kinds(void)
{
	size_t n = hex(ALL_KINDS, vbuf), m;

	/* Built from fields with n_order = 0: canonical order, exact bytes. */
	build_all_kinds(&pdu);
	m = encode_ok(&pdu, obuf, sizeof(obuf));
	CU_ASSERT_EQUAL(m, n);
	CU_ASSERT_EQUAL(memcmp(obuf, vbuf, n), 0);

	/* Decoded back: every field. */
	CU_ASSERT_EQUAL(roundtrip(vbuf, n, &pdu2, "all kinds"), n);
	assert_order(&pdu2, canon, N_CANON);
	assert_str(&pdu2.port_desc, "uplink");
	assert_str(&pdu2.sys_name, "tor1");
	CU_ASSERT_TRUE(pdu2.has_sys_desc);
	assert_str(&pdu2.sys_desc, "");
	CU_ASSERT_EQUAL(pdu2.sys_cap.cap, 0x0014);
	CU_ASSERT_EQUAL(pdu2.sys_cap.enabled, 0x0004);
	CU_ASSERT_EQUAL_FATAL(pdu2.n_mgmt, 2);
	assert_mgmt(&pdu2.mgmt[0], &pdu.mgmt[0]);
	CU_ASSERT_EQUAL(pdu2.mgmt[1].addr_subtype, LLDP_ADDR_ALL802);
	CU_ASSERT_EQUAL(pdu2.mgmt[1].addr_len, 6);
	CU_ASSERT_EQUAL(pdu2.mgmt[1].if_subtype, LLDP_IFNUM_SYSPORT);
	CU_ASSERT_EQUAL(pdu2.mgmt[1].if_number, 7);
	CU_ASSERT_EQUAL(pdu2.mgmt[1].oid_len, 3);
	CU_ASSERT_EQUAL(memcmp(pdu2.mgmt[1].oid, "\x2b\x06\x01", 3), 0);
	assert_evb(&pdu2.evb, &evb_br_init);
	CU_ASSERT_EQUAL(pdu2.cdcp.role, LLDP_CDCP_ROLE_BRIDGE);
	CU_ASSERT_TRUE(pdu2.cdcp.scomp);
	CU_ASSERT_EQUAL(pdu2.cdcp.chncap, 3);
	CU_ASSERT_EQUAL_FATAL(pdu2.cdcp.n_chan, 3);
	CU_ASSERT_EQUAL(pdu2.cdcp.chan[2].scid, 3);
	CU_ASSERT_EQUAL(pdu2.cdcp.chan[2].svid, 101);
	assert_evb_draft(&pdu2.evb_draft, &pdu.evb_draft);
	CU_ASSERT_EQUAL(pdu2.evb_draft.sup_vsis, 3295);
	CU_ASSERT_EQUAL(pdu2.evb_draft.rte, 15);
	CU_ASSERT_EQUAL_FATAL(pdu2.n_unknown, 2);
	CU_ASSERT_EQUAL(pdu2.unknown[0].type, 9);
	CU_ASSERT_EQUAL(pdu2.unknown[0].len, 2);
	CU_ASSERT_EQUAL(memcmp(pdu2.unknown[0].value, "\xab\xcd", 2), 0);
	CU_ASSERT_EQUAL(pdu2.unknown[1].oui, LLDP_OUI_IEEE_8023);
	CU_ASSERT_EQUAL(pdu2.unknown[1].subtype, 4);
	CU_ASSERT_EQUAL(lldp_tlvs_unrecognized(&pdu2), 2);
	CU_ASSERT_TRUE(pdu2.end);
	check_truncations(vbuf, n, "all kinds");

	/* Without the End TLV: accepted, and not re-added. */
	CU_ASSERT_EQUAL(roundtrip(vbuf, n - 2, &pdu2, "all kinds, no End"), n - 2);
	CU_ASSERT_FALSE(pdu2.end);
}

/* A caller-chosen order is honoured and survives decode/encode. */
static void
test_roundtrip_custom_order(void)
{
	size_t n, m;

	build_all_kinds(&pdu);
	pdu.n_order = N_CANON;
	for (size_t i = 0; i < N_CANON; i++) /* reverse of the canonical order */
		pdu.order[i] = canon[N_CANON - 1 - i];
	n = encode_ok(&pdu, vbuf, sizeof(vbuf));
	/* First optional TLV is now the 802.3 org TLV, last the Port Description. */
	CU_ASSERT_EQUAL(memcmp(vbuf + 22, "\xfe\x06\x00\x12\x0f\x04\x05\xee", 8), 0);
	CU_ASSERT_EQUAL(memcmp(vbuf + n - 10, "\x08\x06uplink\x00\x00", 10), 0);
	CU_ASSERT_EQUAL(roundtrip(vbuf, n, &pdu2, "custom order"), n);
	/* Decoded indices are positions in the decoded arrays. */
	CU_ASSERT_EQUAL(pdu2.order[0].kind, LLDP_K_UNKNOWN);
	CU_ASSERT_EQUAL(pdu2.order[0].index, 0);
	CU_ASSERT_EQUAL(pdu2.unknown[0].oui, LLDP_OUI_IEEE_8023);
	CU_ASSERT_EQUAL(pdu2.order[4].kind, LLDP_K_EVB);
	CU_ASSERT_EQUAL(pdu2.order[10].kind, LLDP_K_PORT_DESC);
	CU_ASSERT_EQUAL(pdu2.mgmt[0].addr_subtype, LLDP_ADDR_ALL802);
	m = encode_ok(&pdu2, obuf, sizeof(obuf));
	CU_ASSERT_EQUAL(m, n);
	CU_ASSERT_EQUAL(memcmp(obuf, vbuf, n), 0);
}

/* Every length at its maximum. */
static void
test_roundtrip_max_sizes(void)
{
	size_t n;

	memset(&pdu, 0, sizeof(pdu));
	pdu.chassis.subtype = LLDP_CHASSIS_LOCAL;
	pdu.chassis.len = 255;
	memset(pdu.chassis.id, 'c', 255);
	pdu.port.subtype = LLDP_PORT_LOCAL;
	pdu.port.len = 255;
	memset(pdu.port.id, 'p', 255);
	pdu.ttl = 65535;
	pdu.has_sys_desc = true;
	pdu.sys_desc.len = 255;
	memset(pdu.sys_desc.str, 'd', 255);
	pdu.n_mgmt = 1;
	pdu.mgmt[0].addr_subtype = 0xff;
	pdu.mgmt[0].addr_len = 31;
	memset(pdu.mgmt[0].addr, 0xa5, 31);
	pdu.mgmt[0].if_subtype = LLDP_IFNUM_UNKNOWN;
	pdu.mgmt[0].if_number = 0xffffffff;
	pdu.mgmt[0].oid_len = 128;
	memset(pdu.mgmt[0].oid, 0x5a, 128);
	pdu.has_evb = true;
	pdu.evb = (struct lldp_evb) { true, true, true, true, true, 3, 7, 31, 2, true, 31, true,
		31 };
	pdu.has_cdcp = true;
	pdu.cdcp.role = LLDP_CDCP_ROLE_STATION;
	pdu.cdcp.chncap = 0xfff;
	pdu.cdcp.n_chan = LLDP_CDCP_MAX_CHAN;
	for (size_t i = 0; i < LLDP_CDCP_MAX_CHAN; i++)
		pdu.cdcp.chan[i] =
			(struct lldp_cdcp_chan) { (uint16_t)(0xfff - i), (uint16_t)i };
	pdu.n_unknown = 2;
	pdu.unknown[0].type = 126;
	pdu.unknown[0].len = 511;
	memset(pdu.unknown[0].value, 0x11, 511);
	pdu.unknown[1].type = LLDP_TLV_ORG;
	pdu.unknown[1].oui = 0xffffff;
	pdu.unknown[1].subtype = 0xff;
	pdu.unknown[1].len = 507;
	memset(pdu.unknown[1].value, 0x22, 507);

	n = encode_ok(&pdu, vbuf, sizeof(vbuf));
	/* 258 + 258 + 4 + 257 + 169 + 11 + 511 + 513 + 513, no End */
	CU_ASSERT_EQUAL(n, 2494u);
	CU_ASSERT_EQUAL(vbuf[0], 0x03); /* type 1, length 256 */
	CU_ASSERT_EQUAL(vbuf[1], 0x00);
	CU_ASSERT_EQUAL(roundtrip(vbuf, n, &pdu2, "max sizes"), n);
	CU_ASSERT_EQUAL(pdu2.chassis.len, 255);
	CU_ASSERT_EQUAL(pdu2.port.len, 255);
	CU_ASSERT_EQUAL(pdu2.ttl, 65535);
	CU_ASSERT_EQUAL(pdu2.sys_desc.len, 255);
	CU_ASSERT_EQUAL(pdu2.sys_desc.str[255], '\0');
	assert_mgmt(&pdu2.mgmt[0], &pdu.mgmt[0]);
	assert_evb(&pdu2.evb, &pdu.evb);
	CU_ASSERT_EQUAL(pdu2.cdcp.n_chan, 167);
	CU_ASSERT_EQUAL(pdu2.cdcp.chncap, 0xfff);
	CU_ASSERT_EQUAL(pdu2.cdcp.chan[166].scid, 0xfff - 166);
	CU_ASSERT_EQUAL(pdu2.cdcp.chan[166].svid, 166);
	CU_ASSERT_EQUAL(pdu2.unknown[0].len, 511);
	CU_ASSERT_EQUAL(pdu2.unknown[1].len, 507);
	CU_ASSERT_EQUAL(pdu2.unknown[1].oui, 0xffffff);
	CU_ASSERT_FALSE(pdu2.end);
	check_truncations(vbuf, n, "max sizes");
}

/* Beyond 4 management addresses and 16 unknown TLVs: counted, not kept. */
static void
test_limits(void)
{
	static const char mgmt[] = "10 0c 05 01 0a 00 00 01 02 00 00 00 03 00 ";
	char h[BUFSZ];
	size_t n;

	strcpy(h, LLDPAD_HEAD);
	for (int i = 0; i < 6; i++)
		strcat(h, mgmt);
	for (int i = 0; i < 18; i++)
		strcat(h, "12 01 42 ");
	strcat(h, "00 00");
	n = hex(h, vbuf);
	CU_ASSERT_EQUAL_FATAL(decode_report(vbuf, n, &pdu, "limits"), 0);
	CU_ASSERT_EQUAL(pdu.n_mgmt, LLDP_MAX_MGMT);
	CU_ASSERT_EQUAL(pdu.mgmt_dropped, 2);
	CU_ASSERT_EQUAL(pdu.n_unknown, LLDP_MAX_UNKNOWN);
	CU_ASSERT_EQUAL(pdu.unknown_dropped, 2);
	CU_ASSERT_EQUAL(lldp_tlvs_unrecognized(&pdu), 18);
	CU_ASSERT_EQUAL(pdu.n_order, LLDP_MAX_MGMT + LLDP_MAX_UNKNOWN);
	/* Re-encoding keeps what was kept: 4 + 16 TLVs. */
	CU_ASSERT_EQUAL(encode_ok(&pdu, obuf, sizeof(obuf)), 20 + 4 * 14 + 16 * 3 + 2);

	/* A dropped management address is still validated. */
	strcpy(h, LLDPAD_HEAD);
	for (int i = 0; i < 4; i++)
		strcat(h, mgmt);
	strcat(h, "10 0c 05 01 0a 00 00 01 09 00 00 00 03 00 00 00");
	n = hex(h, vbuf);
	CU_ASSERT_EQUAL(lldp_decode(vbuf, n, &pdu, NULL), VN_EBADMSG);
}

/* Valid LLDPDUs with something unusual in them. */
static void
test_accept_edge_cases(void)
{
	struct vn_err err;
	size_t n;

	/* Only the mandatory TLVs, no End. */
	n = hex(LLDPAD_HEAD, vbuf);
	CU_ASSERT_EQUAL(roundtrip(vbuf, n, &pdu, "bare"), n);
	CU_ASSERT_FALSE(pdu.end);
	CU_ASSERT_EQUAL(pdu.n_order, 0);

	/* Bytes after End are padding and never examined. */
	n = hex(LLDPAD_HEAD "00 00 ff ff 13", vbuf);
	CU_ASSERT_EQUAL(decode_report(vbuf, n, &pdu, "after End"), 0);
	CU_ASSERT_TRUE(pdu.end);
	CU_ASSERT_EQUAL(encode_ok(&pdu, obuf, sizeof(obuf)), 22u);

	/* Zero padding after End (as in every lldpad frame). */
	n = hex(LLDPAD_HEAD "00 00 00 00 00 00 00", vbuf);
	CU_ASSERT_EQUAL(roundtrip(vbuf, n, &pdu, "zero pad"), 22u);

	/* TTL 0 (shutdown) and an empty System Name. */
	n = hex("02 07 06 64 75 6d 6d 79 00 04 05 05 65 74 68 30 06 02 00 00 0a 00 00 00",
		vbuf);
	CU_ASSERT_EQUAL(roundtrip(vbuf, n, &pdu, "ttl 0"), n);
	CU_ASSERT_EQUAL(pdu.ttl, 0);
	CU_ASSERT_TRUE(pdu.has_sys_name);
	CU_ASSERT_EQUAL(pdu.sys_name.len, 0);

	/* Reserved TLV type 9 with no value, and type 126. */
	n = hex(LLDPAD_HEAD "12 00 fc 01 77 00 00", vbuf);
	CU_ASSERT_EQUAL(roundtrip(vbuf, n, &pdu, "reserved types"), n);
	CU_ASSERT_EQUAL_FATAL(pdu.n_unknown, 2);
	CU_ASSERT_EQUAL(pdu.unknown[0].type, 9);
	CU_ASSERT_EQUAL(pdu.unknown[0].len, 0);
	CU_ASSERT_EQUAL(pdu.unknown[1].type, 126);
	CU_ASSERT_EQUAL(pdu.unknown[1].value[0], 0x77);

	/* Org TLV with an empty information string; other 802.1 and draft subtypes. */
	n = hex(LLDPAD_HEAD "fe 04 00 80 c2 01 fe 05 00 1b 3f 02 99 fe 05 00 80 c2 0f 01 00 00",
		vbuf);
	CU_ASSERT_EQUAL(roundtrip(vbuf, n, &pdu, "other org"), n);
	CU_ASSERT_EQUAL_FATAL(pdu.n_unknown, 3);
	CU_ASSERT_EQUAL(pdu.unknown[0].oui, LLDP_OUI_IEEE_8021);
	CU_ASSERT_EQUAL(pdu.unknown[0].subtype, 1);
	CU_ASSERT_EQUAL(pdu.unknown[0].len, 0);
	CU_ASSERT_EQUAL(pdu.unknown[1].oui, LLDP_OUI_QBG_DRAFT);
	CU_ASSERT_EQUAL(pdu.unknown[1].subtype, 2);
	CU_ASSERT_EQUAL(pdu.unknown[2].subtype, 0x0f); /* 802.1BR port extension */

	/* EVB reserved bits set: ignored on receipt, sent as zero. */
	n = hex(LLDPAD_HEAD "fe 09 00 80 c2 0d f8 f0 00 40 c0 00 00", vbuf);
	CU_ASSERT_EQUAL(decode_report(vbuf, n, &pdu, "evb reserved"), 0);
	CU_ASSERT_FALSE(pdu.evb.bgid || pdu.evb.rrcap || pdu.evb.rrctr || pdu.evb.sgid ||
		pdu.evb.rrreq || pdu.evb.rka_rol);
	CU_ASSERT_EQUAL(pdu.evb.rrstat, 0);
	CU_ASSERT_EQUAL(pdu.evb.mode, LLDP_EVB_MODE_BRIDGE);
	CU_ASSERT_EQUAL(pdu.evb.rka, 0);
	n = encode_ok(&pdu, obuf, sizeof(obuf));
	CU_ASSERT_EQUAL(memcmp(obuf + 26, "\x00\x00\x00\x40\x00", 5), 0);

	/* CDCP reserved bits set (bits 30-28, 26-12). */
	n = hex(LLDPAD_HEAD "fe 08 00 80 c2 0e 77 ff f0 05", vbuf);
	CU_ASSERT_EQUAL(decode_report(vbuf, n, &pdu, "cdcp reserved"), 0);
	CU_ASSERT_EQUAL(pdu.cdcp.role, LLDP_CDCP_ROLE_BRIDGE);
	CU_ASSERT_FALSE(pdu.cdcp.scomp);
	CU_ASSERT_EQUAL(pdu.cdcp.chncap, 5);
	CU_ASSERT_EQUAL(pdu.cdcp.n_chan, 0);
	n = encode_ok(&pdu, obuf, sizeof(obuf));
	CU_ASSERT_EQUAL(n, 30u);
	CU_ASSERT_EQUAL(memcmp(obuf + 26, "\x00\x00\x00\x05", 4), 0);

	/* A NULL err is allowed. */
	CU_ASSERT_EQUAL(lldp_decode(vbuf, 3, &pdu, NULL), VN_EBADMSG);
	err.reason = NULL;
	CU_ASSERT_EQUAL(lldp_decode(vbuf, 0, &pdu, &err), VN_EBADMSG);
	CU_ASSERT_STRING_EQUAL(err.reason, "missing Chassis ID TLV");
}

/* ---- malformed input ----------------------------------------------------- */

#define CH   "02 07 04 00 de fb 00 00 01 " /* offsets 0..8 */
#define PT   "04 07 05 45 74 68 31 2f 31 " /* 9..17 */
#define TTL  "06 02 00 78 "                /* 18..21 */
#define HDR  CH PT TTL                     /* first optional TLV at 22 */
#define EVB  "fe 09 00 80 c2 0d 00 00 00 40 00 "
#define CDCP "fe 08 00 80 c2 0e 00 00 00 01 "
#define EVBD "fe 0d 00 1b 3f 00 c0 07 40 07 0c df 00 0a 0f "

static const struct bad {
	const char *name;
	const char *hex;
	const char *reason;
	size_t offset;
} bad[] = {
	{ "empty", "", "missing Chassis ID TLV", 0 },
	{ "port first", PT CH TTL, "first TLV is not Chassis ID", 0 },
	{ "End first", "00 00", "first TLV is not Chassis ID", 0 },
	{ "ttl before port", CH TTL PT, "second TLV is not Port ID", 9 },
	{ "chassis twice at start", CH CH PT TTL, "second TLV is not Port ID", 9 },
	{ "only chassis", CH, "missing Port ID TLV", 9 },
	{ "no ttl", CH PT, "missing TTL TLV", 18 },
	{ "End instead of ttl", CH PT "00 00", "third TLV is not TTL", 18 },
	{ "sys name instead of ttl", CH PT "0a 01 61" TTL, "third TLV is not TTL", 18 },
	{ "chassis repeated", HDR CH, "Chassis ID TLV repeated", 22 },
	{ "port repeated", HDR "08 01 61 " PT, "Port ID TLV repeated", 25 },
	{ "ttl repeated", HDR TTL "00 00", "TTL TLV repeated", 22 },
	{ "ttl length 3", CH PT "06 03 00 78 00", "TTL TLV length is not 2", 18 },
	{ "ttl length 1", CH PT "06 01 78", "TTL TLV length is not 2", 18 },
	{ "ttl length 0", CH PT "06 00", "TTL TLV length is not 2", 18 },
	{ "chassis subtype 0", "02 07 00 00 de fb 00 00 01 " PT TTL,
		"Chassis ID subtype is reserved (not 1..7)", 2 },
	{ "chassis subtype 8", "02 07 08 00 de fb 00 00 01 " PT TTL,
		"Chassis ID subtype is reserved (not 1..7)", 2 },
	{ "port subtype 0", CH "04 07 00 45 74 68 31 2f 31 " TTL,
		"Port ID subtype is reserved (not 1..7)", 11 },
	{ "port subtype 8", CH "04 07 08 45 74 68 31 2f 31 " TTL,
		"Port ID subtype is reserved (not 1..7)", 11 },
	{ "chassis length 1", "02 01 04 " PT TTL, "Chassis ID TLV shorter than 2 bytes", 0 },
	{ "chassis length 0", "02 00 " PT TTL, "Chassis ID TLV shorter than 2 bytes", 0 },
	{ "port length 1", CH "04 01 05 " TTL, "Port ID TLV shorter than 2 bytes", 9 },
	{ "chassis length past end", "02 08 04 00 de fb 00 00 01",
		"TLV length runs past the end of the LLDPDU", 0 },
	{ "TLV length past end", HDR "0a 10 74 6f 72 31",
		"TLV length runs past the end of the LLDPDU", 22 },
	{ "TLV length 511 past end", HDR "0b ff 74",
		"TLV length runs past the end of the LLDPDU", 22 },
	{ "lone trailing byte", HDR "0a", "truncated TLV header", 22 },
	{ "lone trailing zero", HDR "00", "truncated TLV header", 22 },
	{ "End with length 1", HDR "00 01 00", "End TLV length is not 0", 22 },
	{ "port desc repeated", HDR "08 01 61 08 01 62", "Port Description TLV repeated", 25 },
	{ "sys name repeated", HDR "0a 01 61 08 00 0a 00", "System Name TLV repeated", 27 },
	{ "sys desc repeated", HDR "0c 00 0c 00", "System Description TLV repeated", 24 },
	{ "sys cap repeated", HDR "0e 04 00 14 00 04 0e 04 00 14 00 04",
		"System Capabilities TLV repeated", 28 },
	{ "sys cap length 3", HDR "0e 03 00 14 00", "System Capabilities TLV length is not 4",
		22 },
	{ "sys cap length 5", HDR "0e 05 00 14 00 04 00",
		"System Capabilities TLV length is not 4", 22 },
	{ "mgmt length 8", HDR "10 08 05 01 0a 00 00 01 02 00",
		"Management Address TLV shorter than 9 bytes", 22 },
	{ "mgmt strlen 1", HDR "10 09 01 01 0a 02 00 00 00 03 00",
		"management address string length not in 2..32", 24 },
	{ "mgmt strlen 33", HDR "10 0c 21 01 0a 00 00 01 02 00 00 00 03 00",
		"management address string length not in 2..32", 24 },
	{ "mgmt address past TLV", HDR "10 0c 14 01 0a 00 00 01 02 00 00 00 03 00",
		"management address runs past the TLV", 26 },
	{ "mgmt no OID length", HDR "10 0c 06 01 0a 00 00 01 02 02 00 00 00 03",
		"Management Address TLV truncated after the address", 36 },
	{ "mgmt if subtype 0", HDR "10 0c 05 01 0a 00 00 01 00 00 00 00 03 00",
		"management interface numbering subtype not 1..3", 30 },
	{ "mgmt if subtype 4", HDR "10 0c 05 01 0a 00 00 01 04 00 00 00 03 00",
		"management interface numbering subtype not 1..3", 30 },
	{ "mgmt OID length 129", HDR "10 0c 05 01 0a 00 00 01 02 00 00 00 03 81",
		"management OID length over 128", 35 },
	{ "mgmt OID past TLV", HDR "10 0e 05 01 0a 00 00 01 02 00 00 00 03 05 2b 06",
		"management OID runs past the TLV", 36 },
	{ "mgmt trailing byte", HDR "10 0d 05 01 0a 00 00 01 02 00 00 00 03 00 ff",
		"Management Address TLV has bytes after the OID", 36 },
	{ "org length 3", HDR "fe 03 00 80 c2",
		"Organizationally Specific TLV shorter than 4 bytes", 22 },
	{ "org length 0", HDR "fe 00", "Organizationally Specific TLV shorter than 4 bytes",
		22 },
	{ "EVB length 8", HDR "fe 08 00 80 c2 0d 00 00 00 40", "EVB TLV length is not 9", 22 },
	{ "EVB length 10", HDR "fe 0a 00 80 c2 0d 00 00 00 40 00 00", "EVB TLV length is not 9",
		22 },
	{ "EVB length 4", HDR "fe 04 00 80 c2 0d", "EVB TLV length is not 9", 22 },
	{ "EVB mode 3", HDR "fe 09 00 80 c2 0d 00 00 00 c0 00", "EVB mode 3 is reserved", 31 },
	{ "EVB repeated", HDR EVB EVB, "EVB TLV repeated", 33 },
	{ "CDCP length 10", HDR "fe 0a 00 80 c2 0e 00 00 00 01 00 10",
		"CDCP TLV length is not 8+3n", 22 },
	{ "CDCP length 9", HDR "fe 09 00 80 c2 0e 00 00 00 01 00",
		"CDCP TLV length is not 8+3n", 22 },
	{ "CDCP length 7", HDR "fe 07 00 80 c2 0e 00 00 00", "CDCP TLV shorter than 8 bytes",
		22 },
	{ "CDCP length 4", HDR "fe 04 00 80 c2 0e", "CDCP TLV shorter than 8 bytes", 22 },
	{ "CDCP repeated", HDR CDCP EVB CDCP, "CDCP TLV repeated", 43 },
	{ "draft EVB length 12", HDR "fe 0c 00 1b 3f 00 c0 07 40 07 0c df 00 0a",
		"draft EVB TLV length is not 13", 22 },
	{ "draft EVB length 14", HDR "fe 0e 00 1b 3f 00 c0 07 40 07 0c df 00 0a 0f 00",
		"draft EVB TLV length is not 13", 22 },
	{ "draft EVB repeated", HDR EVBD EVBD, "draft EVB TLV repeated", 37 },
	{ "bad TLV after a good End-less run", HDR EVB "fe 02 00 80",
		"Organizationally Specific TLV shorter than 4 bytes", 33 },
};

static void
test_malformed_table(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vn_err err = { NULL, 12345 };
		size_t n = hex(bad[i].hex, vbuf);
		uint8_t *copy = malloc(n ? n : 1);
		int rc;

		CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
		memcpy(copy, vbuf, n);
		rc = lldp_decode(copy, n, &pdu, &err);
		if (rc != VN_EBADMSG || !err.reason || strcmp(err.reason, bad[i].reason) != 0 ||
			err.offset != bad[i].offset)
			printf("\n  '%s': rc %d reason '%s' offset %zu\n", bad[i].name, rc,
				err.reason ? err.reason : "(null)", err.offset);
		CU_ASSERT_EQUAL(rc, VN_EBADMSG);
		CU_ASSERT_PTR_NOT_NULL_FATAL(err.reason);
		CU_ASSERT_STRING_EQUAL(err.reason, bad[i].reason);
		CU_ASSERT_EQUAL(err.offset, bad[i].offset);
		free(copy);
	}
}

/* Over-long strings and IDs need more bytes than a table line holds. */
static void
test_malformed_long(void)
{
	struct vn_err err;
	size_t n = hex(HDR, vbuf);

	/* System Name of 256 bytes. */
	vbuf[n] = (LLDP_TLV_SYS_NAME << 1) | 1;
	vbuf[n + 1] = 0x00;
	memset(vbuf + n + 2, 'x', 256);
	CU_ASSERT_EQUAL(lldp_decode(vbuf, n + 258, &pdu, &err), VN_EBADMSG);
	CU_ASSERT_STRING_EQUAL(err.reason, "System Name TLV longer than 255 bytes");
	CU_ASSERT_EQUAL(err.offset, 22);
	vbuf[n] = (LLDP_TLV_PORT_DESC << 1) | 1;
	CU_ASSERT_EQUAL(lldp_decode(vbuf, n + 258, &pdu, &err), VN_EBADMSG);
	CU_ASSERT_STRING_EQUAL(err.reason, "Port Description TLV longer than 255 bytes");
	vbuf[n] = (LLDP_TLV_SYS_DESC << 1) | 1;
	CU_ASSERT_EQUAL(lldp_decode(vbuf, n + 258, &pdu, &err), VN_EBADMSG);
	CU_ASSERT_STRING_EQUAL(err.reason, "System Description TLV longer than 255 bytes");
	/* 255 is fine. */
	vbuf[n] = LLDP_TLV_SYS_DESC << 1;
	vbuf[n + 1] = 0xff;
	CU_ASSERT_EQUAL(roundtrip(vbuf, n + 257, &pdu, "255 desc"), n + 257);

	/* Chassis ID of 257 bytes (subtype + 256). */
	vbuf[0] = (LLDP_TLV_CHASSIS_ID << 1) | 1;
	vbuf[1] = 0x01;
	vbuf[2] = LLDP_CHASSIS_LOCAL;
	memset(vbuf + 3, 'c', 256);
	n = 259 + (size_t)hex(PT TTL, vbuf + 259);
	CU_ASSERT_EQUAL(lldp_decode(vbuf, n, &pdu, &err), VN_EBADMSG);
	CU_ASSERT_STRING_EQUAL(err.reason, "Chassis ID TLV longer than 256 bytes");
	CU_ASSERT_EQUAL(err.offset, 0);
}

/* Truncation of hand-made vectors that carry every TLV kind. */
static void
test_truncation_vectors(void)
{
	static const char *const vec[] = {
		HDR EVB "00 00",
		HDR CDCP "00 00",
		HDR EVBD "00 00",
		LLDPAD_HEAD "fe 0e 00 80 c2 0e 88 00 00 04 00 10 01 00 20 00 00 00",
		HDR
		"10 11 07 06 00 de fb 00 00 01 03 00 00 00 07 03 2b 06 01 0e 04 00 14 00 04",
	};

	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		size_t n = hex(vec[i], vbuf);

		CU_ASSERT_EQUAL(roundtrip(vbuf, n, &pdu, vec[i]), n);
		check_truncations(vbuf, n, vec[i]);
	}
}

/* ---- encoder errors ----------------------------------------------------- */

static void
expect_einval(const struct lldp_pdu *p, const char *what, const char *reason)
{
	struct vn_err err = { NULL, 0 };
	size_t len = 777;
	int rc = lldp_encode(p, obuf, sizeof(obuf), &len, &err);

	if (rc != VN_EINVAL || !err.reason || strcmp(err.reason, reason) != 0)
		printf("\n  encode '%s': rc %d reason '%s'\n", what, rc,
			err.reason ? err.reason : "(null)");
	CU_ASSERT_EQUAL(rc, VN_EINVAL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(err.reason);
	CU_ASSERT_STRING_EQUAL(err.reason, reason);
	CU_ASSERT_EQUAL(len, 777); /* untouched */
}

static void
test_encode_einval(void)
{
	static const char ord_none[] = "order entry names no TLV kind/index";
	static const char ord_absent[] = "order entry names a TLV that is not present";
	static const char known_org[] =
		"unknown org TLV uses the EVB, CDCP or draft EVB OUI/subtype";
#define MUT(stmt, reason)                                                                      \
	do {                                                                                   \
		build_all_kinds(&pdu);                                                         \
		stmt;                                                                          \
		expect_einval(&pdu, #stmt, reason);                                            \
	} while (0)
	MUT(pdu.chassis.subtype = 0, "Chassis ID subtype not 1..7");
	MUT(pdu.chassis.subtype = 8, "Chassis ID subtype not 1..7");
	MUT(pdu.chassis.len = 0, "Chassis ID is empty");
	MUT(pdu.port.subtype = 0, "Port ID subtype not 1..7");
	MUT(pdu.port.len = 0, "Port ID is empty");
	MUT(pdu.n_mgmt = 5, "more than 4 management addresses");
	MUT(pdu.mgmt[0].addr_len = 0, "management address length not 1..31");
	MUT(pdu.mgmt[0].addr_len = 32, "management address length not 1..31");
	MUT(pdu.mgmt[1].if_subtype = 0, "management interface numbering subtype not 1..3");
	MUT(pdu.mgmt[1].if_subtype = 4, "management interface numbering subtype not 1..3");
	MUT(pdu.mgmt[1].oid_len = 129, "management OID length over 128");
	MUT(pdu.evb.mode = 3, "EVB mode not 0..2 (3 is reserved)");
	MUT(pdu.evb.rte = 32, "EVB RTE over 31");
	MUT(pdu.evb.r = 8, "EVB R (ECP retries) over 7");
	MUT(pdu.evb.rwd = 32, "EVB RWD over 31");
	MUT(pdu.evb.rka = 32, "EVB RKA over 31");
	MUT(pdu.evb.rrstat = 4, "EVB RRSTAT over 3");
	MUT(pdu.cdcp.role = 2, "CDCP role not 0 (bridge) or 1 (station)");
	MUT(pdu.cdcp.chncap = 0x1000, "CDCP ChnCap over 4095");
	MUT(pdu.cdcp.n_chan = LLDP_CDCP_MAX_CHAN + 1, "CDCP has more than 167 pairs");
	MUT(pdu.cdcp.chan[1].scid = 0x1000, "CDCP SCID over 4095");
	MUT(pdu.cdcp.chan[1].svid = 0x1000, "CDCP SVID over 4095");
	MUT(pdu.n_unknown = LLDP_MAX_UNKNOWN + 1, "more than 16 unknown TLVs");
	MUT(pdu.unknown[0].type = LLDP_TLV_MGMT_ADDR, "unknown TLV type not 9..127");
	MUT(pdu.unknown[0].type = 0, "unknown TLV type not 9..127");
	MUT(pdu.unknown[0].type = 128, "unknown TLV type not 9..127");
	MUT(pdu.unknown[0].len = 512, "unknown TLV value longer than 511");
	MUT(pdu.unknown[1].len = 508, "unknown org TLV info longer than 507");
	MUT(pdu.unknown[1].oui = 0x1000000, "unknown org TLV OUI over 24 bits");
	MUT((pdu.unknown[1].oui = LLDP_OUI_IEEE_8021,
		    pdu.unknown[1].subtype = LLDP_SUBTYPE_EVB),
		known_org);
	MUT((pdu.unknown[1].oui = LLDP_OUI_IEEE_8021,
		    pdu.unknown[1].subtype = LLDP_SUBTYPE_CDCP),
		known_org);
	MUT((pdu.unknown[1].oui = LLDP_OUI_QBG_DRAFT, pdu.unknown[1].subtype = 0), known_org);
	/* Order lists that do not name every present TLV exactly once. */
	MUT((pdu.n_order = 1, pdu.order[0] = (struct lldp_order) { 0, 0 }), ord_none);
	MUT((pdu.n_order = 1, pdu.order[0] = (struct lldp_order) { LLDP_K_UNKNOWN + 1, 0 }),
		ord_none);
	MUT((pdu.n_order = 1, pdu.order[0] = (struct lldp_order) { LLDP_K_SYS_CAP, 1 }),
		ord_none);
	MUT((pdu.n_order = 1, pdu.order[0] = (struct lldp_order) { LLDP_K_UNKNOWN, 16 }),
		ord_none);
	MUT((pdu.n_order = 1, pdu.order[0] = (struct lldp_order) { LLDP_K_MGMT, 2 }),
		ord_absent);
	MUT((set_order(&pdu, N_CANON), pdu.has_evb = false), ord_absent);
	MUT((set_order(&pdu, N_CANON), pdu.n_mgmt = 1), ord_absent);
	MUT((set_order(&pdu, N_CANON), pdu.order[3] = pdu.order[2]),
		"order list names a TLV twice");
	MUT(set_order(&pdu, N_CANON - 1), "order list omits a present TLV");
	MUT(pdu.n_order = LLDP_MAX_ORDER + 1, "order list longer than LLDP_MAX_ORDER");
#undef MUT
}

/* A failing encode never writes past cap and reports VN_ENOSPC. */
static void
test_encode_enospc(void)
{
	size_t full;

	build_all_kinds(&pdu);
	full = encode_ok(&pdu, vbuf, sizeof(vbuf));
	for (size_t cap = 0; cap < full; cap++) {
		uint8_t *b = malloc(cap ? cap : 1);
		struct vn_err err = { NULL, 0 };
		size_t len = 777;

		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		CU_ASSERT_EQUAL(lldp_encode(&pdu, b, cap, &len, &err), VN_ENOSPC);
		CU_ASSERT_PTR_NOT_NULL(err.reason);
		CU_ASSERT_EQUAL(len, 777);
		free(b);
	}
	/* An invalid field wins over a short buffer. */
	pdu.evb.mode = 3;
	CU_ASSERT_EQUAL(lldp_encode(&pdu, obuf, 10, &full, NULL), VN_EINVAL);
}

/* ---- org info helpers on their own --------------------------------------- */

static void
test_evb_pack_unpack(void)
{
	struct lldp_evb e,
		all = { true, true, true, true, true, 3, 7, 31, 2, true, 31, true, 31 };
	struct vn_err err;
	uint8_t b[8];
	size_t n = 0;

	CU_ASSERT_EQUAL(lldp_evb_pack(&all, b, sizeof(b), &n, &err), 0);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(memcmp(b, "\x07\x0f\xff\xbf\x3f", 5), 0);
	CU_ASSERT_EQUAL(lldp_evb_unpack(b, 5, &e, &err), 0);
	assert_evb(&e, &all);
	/* §5.3 station example, from fields. */
	e = (struct lldp_evb) {
		.r = 3, .rte = 8, .mode = LLDP_EVB_MODE_STATION, .rwd = 8, .rka = 8
	};
	CU_ASSERT_EQUAL(lldp_evb_pack(&e, b, sizeof(b), &n, NULL), 0);
	CU_ASSERT_EQUAL(memcmp(b, "\x00\x00\x68\x88\x08", 5), 0);

	CU_ASSERT_EQUAL(lldp_evb_pack(&e, b, 4, &n, &err), VN_ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(err.reason);
	CU_ASSERT_EQUAL(lldp_evb_unpack(b, 4, &e, &err), VN_EBADMSG);
	CU_ASSERT_STRING_EQUAL(err.reason, "EVB info is not 5 bytes");
	CU_ASSERT_EQUAL(lldp_evb_unpack(b, 6, &e, &err), VN_EBADMSG);
	memcpy(b, "\x00\x00\x00\xc0\x00", 5);
	CU_ASSERT_EQUAL(lldp_evb_unpack(b, 5, &e, &err), VN_EBADMSG);
	CU_ASSERT_STRING_EQUAL(err.reason, "EVB mode 3 is reserved");
	CU_ASSERT_EQUAL(err.offset, 3);
	all.mode = 3;
	CU_ASSERT_EQUAL(lldp_evb_pack(&all, b, sizeof(b), &n, &err), VN_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(err.reason);
}

static void
test_cdcp_pack_unpack(void)
{
	static uint8_t b[600];
	static struct lldp_cdcp c, d;
	struct vn_err err;
	size_t n = 0;

	/* §5.5 station request, from fields. */
	memset(&c, 0, sizeof(c));
	c.role = LLDP_CDCP_ROLE_STATION;
	c.scomp = true;
	c.chncap = 4;
	c.n_chan = 2;
	c.chan[0] = (struct lldp_cdcp_chan) { 1, 1 };
	c.chan[1] = (struct lldp_cdcp_chan) { 2, 0 };
	CU_ASSERT_EQUAL(lldp_cdcp_pack(&c, b, sizeof(b), &n, &err), 0);
	CU_ASSERT_EQUAL(n, 10);
	CU_ASSERT_EQUAL(memcmp(b, "\x88\x00\x00\x04\x00\x10\x01\x00\x20\x00", 10), 0);
	CU_ASSERT_EQUAL(lldp_cdcp_unpack(b, n, &d, &err), 0);
	CU_ASSERT_EQUAL(d.role, c.role);
	CU_ASSERT_EQUAL(d.scomp, c.scomp);
	CU_ASSERT_EQUAL(d.chncap, 4);
	CU_ASSERT_EQUAL(d.n_chan, 2);
	CU_ASSERT_EQUAL(d.chan[1].scid, 2);
	/* No pairs at all is a valid TLV (length 8). */
	CU_ASSERT_EQUAL(lldp_cdcp_unpack(b, 4, &d, &err), 0);
	CU_ASSERT_EQUAL(d.n_chan, 0);

	CU_ASSERT_EQUAL(lldp_cdcp_pack(&c, b, 9, &n, &err), VN_ENOSPC);
	CU_ASSERT_EQUAL(lldp_cdcp_unpack(b, 3, &d, &err), VN_EBADMSG);
	CU_ASSERT_STRING_EQUAL(err.reason, "CDCP info shorter than 4 bytes");
	CU_ASSERT_EQUAL(lldp_cdcp_unpack(b, 6, &d, &err), VN_EBADMSG);
	CU_ASSERT_STRING_EQUAL(err.reason, "CDCP info length is not 4+3n");
	/* 168 pairs only fit outside an LLDP TLV. */
	memset(b, 0, sizeof(b));
	CU_ASSERT_EQUAL(lldp_cdcp_unpack(b, 4 + 3 * 167, &d, &err), 0);
	CU_ASSERT_EQUAL(d.n_chan, 167);
	CU_ASSERT_EQUAL(lldp_cdcp_unpack(b, 4 + 3 * 168, &d, &err), VN_EBADMSG);
	CU_ASSERT_STRING_EQUAL(err.reason, "CDCP info has more than 167 pairs");
}

static void
test_evb_draft_pack_unpack(void)
{
	struct lldp_evb_draft e = { LLDP_EVBD_MODE_STD, LLDP_EVBD_CAP_VDP, LLDP_EVBD_MODE_RR,
		LLDP_EVBD_CAP_ECP, 3295, 65535, 31 };
	struct lldp_evb_draft d;
	struct vn_err err;
	uint8_t b[16];
	size_t n = 0;

	CU_ASSERT_EQUAL(lldp_evb_draft_pack(&e, b, sizeof(b), &n, &err), 0);
	CU_ASSERT_EQUAL(n, 9);
	CU_ASSERT_EQUAL(memcmp(b, "\x80\x01\x40\x02\x0c\xdf\xff\xff\x1f", 9), 0);
	CU_ASSERT_EQUAL(lldp_evb_draft_unpack(b, 9, &d, &err), 0);
	assert_evb_draft(&d, &e);
	CU_ASSERT_EQUAL(lldp_evb_draft_pack(&e, b, 8, &n, &err), VN_ENOSPC);
	CU_ASSERT_EQUAL(lldp_evb_draft_unpack(b, 8, &d, &err), VN_EBADMSG);
	CU_ASSERT_STRING_EQUAL(err.reason, "draft EVB info is not 9 bytes");
	CU_ASSERT_EQUAL(lldp_evb_draft_unpack(b, 10, &d, &err), VN_EBADMSG);
}

/* ---- names and addresses ------------------------------------------------ */

static void
test_names_and_macs(void)
{
	static const uint8_t nb[6] = LLDP_MAC_NEAREST_BRIDGE;
	static const uint8_t nntb[6] = LLDP_MAC_NEAREST_NONTPMR_BRIDGE;
	static const uint8_t ncb[6] = LLDP_MAC_NEAREST_CUSTOMER_BRIDGE;
	static const uint8_t stp_like[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x01 };
	static const uint8_t other[6] = { 0x01, 0x80, 0xc2, 0x00, 0x01, 0x0e };
	uint8_t m[6];

	CU_ASSERT_STRING_EQUAL(lldp_tlv_type_name(LLDP_TLV_END), "End of LLDPDU");
	CU_ASSERT_STRING_EQUAL(lldp_tlv_type_name(LLDP_TLV_CHASSIS_ID), "Chassis ID");
	CU_ASSERT_STRING_EQUAL(lldp_tlv_type_name(LLDP_TLV_TTL), "Time To Live");
	CU_ASSERT_STRING_EQUAL(lldp_tlv_type_name(LLDP_TLV_MGMT_ADDR), "Management Address");
	CU_ASSERT_STRING_EQUAL(lldp_tlv_type_name(9), "Reserved");
	CU_ASSERT_STRING_EQUAL(lldp_tlv_type_name(126), "Reserved");
	CU_ASSERT_STRING_EQUAL(lldp_tlv_type_name(LLDP_TLV_ORG), "Organizationally Specific");
	CU_ASSERT_STRING_EQUAL(lldp_tlv_type_name(128), "Invalid");
	for (unsigned int t = 0; t < 130; t++)
		CU_ASSERT_PTR_NOT_NULL(lldp_tlv_type_name(t));

	CU_ASSERT_EQUAL(memcmp(nb, "\x01\x80\xc2\x00\x00\x0e", 6), 0);
	CU_ASSERT_EQUAL(memcmp(nntb, "\x01\x80\xc2\x00\x00\x03", 6), 0);
	CU_ASSERT_EQUAL(memcmp(ncb, "\x01\x80\xc2\x00\x00\x00", 6), 0);
	lldp_agent_mac(LLDP_AGENT_NEAREST_BRIDGE, m);
	CU_ASSERT_EQUAL(memcmp(m, nb, 6), 0);
	lldp_agent_mac(LLDP_AGENT_NEAREST_NONTPMR, m);
	CU_ASSERT_EQUAL(memcmp(m, nntb, 6), 0);
	lldp_agent_mac(LLDP_AGENT_NEAREST_CUSTOMER, m);
	CU_ASSERT_EQUAL(memcmp(m, ncb, 6), 0);
	CU_ASSERT_EQUAL(lldp_mac_agent(nb), LLDP_AGENT_NEAREST_BRIDGE);
	CU_ASSERT_EQUAL(lldp_mac_agent(nntb), LLDP_AGENT_NEAREST_NONTPMR);
	CU_ASSERT_EQUAL(lldp_mac_agent(ncb), LLDP_AGENT_NEAREST_CUSTOMER);
	CU_ASSERT_EQUAL(lldp_mac_agent(stp_like), -1);
	CU_ASSERT_EQUAL(lldp_mac_agent(other), -1);
}

/* ---- registration -------------------------------------------------------- */

static void
add_suites(void)
{
	static const struct tu_test captures[] = {
		{ "lldpd with EVB TLV", test_capture_lldpd },
		{ "crafted EVB-2012, CDCP, draft EVB", test_capture_crafted },
		{ "lldpad station", test_capture_lldpad_station },
		{ "lldpad station vs bridge", test_capture_lldpad_bridge },
		{ NULL, NULL },
	};
	static const struct tu_test codec[] = {
		{ "wire-format reference examples", test_doc_examples },
		{ "round trip, every TLV kind", test_roundtrip_all_kinds },
		{ "round trip, custom order", test_roundtrip_custom_order },
		{ "round trip, maximum sizes", test_roundtrip_max_sizes },
		{ "4 mgmt / 16 unknown limits", test_limits },
		{ "accepted edge cases", test_accept_edge_cases },
		{ "EVB pack/unpack", test_evb_pack_unpack },
		{ "CDCP pack/unpack", test_cdcp_pack_unpack },
		{ "draft EVB pack/unpack", test_evb_draft_pack_unpack },
		{ "names and group MACs", test_names_and_macs },
		{ NULL, NULL },
	};
	static const struct tu_test malformed[] = {
		{ "malformed table", test_malformed_table },
		{ "over-long strings and IDs", test_malformed_long },
		{ "truncation at every offset", test_truncation_vectors },
		{ "encoder VN_EINVAL", test_encode_einval },
		{ "encoder VN_ENOSPC", test_encode_enospc },
		{ NULL, NULL },
	};

	tu_add_suite("lldp captures", captures);
	tu_add_suite("lldp codec", codec);
	tu_add_suite("lldp malformed", malformed);
}

int
main(void)
{
	return tu_run("test-lldp", add_suites);
}

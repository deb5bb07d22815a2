/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the CDCP bridge role. */
#include <config.h>

#include <string.h>

#include "lldp/lldpdu.h"
#include "tests/testutil.h"
#include "vepa/cdcp.h"

static struct lldp_cdcp
station(uint16_t chncap, const uint16_t (*pairs)[2], size_t n)
{
	struct lldp_cdcp s = {
		.role = LLDP_CDCP_ROLE_STATION, .scomp = true, .chncap = chncap
	};

	for (size_t i = 0; i < n; i++) {
		s.chan[i].scid = pairs[i][0];
		s.chan[i].svid = pairs[i][1];
	}
	s.n_chan = (uint16_t)n;
	return s;
}

static void
test_default_only(void)
{
	struct cdcp_cfg cfg = { .chncap = 4, .svid_min = 100, .svid_max = 199 };
	struct cdcp_bridge *c = cdcp_bridge_create(&cfg);
	struct lldp_cdcp tlv;
	struct cdcp_chan ch[8];

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	cdcp_bridge_tlv(c, &tlv);
	CU_ASSERT_EQUAL(tlv.role, LLDP_CDCP_ROLE_BRIDGE);
	CU_ASSERT_TRUE(tlv.scomp);
	CU_ASSERT_EQUAL(tlv.chncap, 4);
	CU_ASSERT_EQUAL(tlv.n_chan, 1);
	CU_ASSERT_EQUAL(tlv.chan[0].scid, 1);
	CU_ASSERT_EQUAL(tlv.chan[0].svid, 1);
	CU_ASSERT_EQUAL(cdcp_bridge_channels(c, ch, 8), 1);
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 1), 1);
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 2), 0);
	cdcp_bridge_destroy(c);
}

/* protocols.md 5.5: a station wants SCID 2, the bridge grants an S-VID; the
 * encoded bridge TLV is the worked example's layout. */
static void
test_grant_and_encode(void)
{
	static const uint16_t want[][2] = { { 1, 1 }, { 2, 0 } };
	struct cdcp_cfg cfg = { .chncap = 4, .svid_min = 100, .svid_max = 199 };
	struct cdcp_bridge *c = cdcp_bridge_create(&cfg);
	struct lldp_cdcp st = station(4, want, 2), tlv;
	uint8_t buf[64], expect[64];
	size_t len;
	int n;

	CU_ASSERT_TRUE(cdcp_bridge_rx(c, &st));
	CU_ASSERT_FALSE(cdcp_bridge_rx(c, &st)); /* same request: nothing changes */
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 2), 100);
	cdcp_bridge_tlv(c, &tlv);
	CU_ASSERT_EQUAL_FATAL(lldp_cdcp_pack(&tlv, buf, sizeof(buf), &len, NULL), 0);
	/* Role 0 (bridge), SComp, ChnCap 4, (1,1), (2,100). */
	n = tu_hex("08 00 00 04 00 10 01 00 20 64", expect, sizeof(expect));
	CU_ASSERT_EQUAL(len, (size_t)n);
	CU_ASSERT_EQUAL(memcmp(buf, expect, len), 0);
	CU_ASSERT_EQUAL(cdcp_bridge_stats(c)->granted, 1);
	cdcp_bridge_destroy(c);
}

static void
test_stable_and_release(void)
{
	static const uint16_t a[][2] = { { 1, 0 }, { 2, 0 }, { 3, 0 } };
	static const uint16_t b[][2] = { { 3, 0 } };
	static const uint16_t c3[][2] = { { 3, 0 }, { 2, 0 } };
	struct cdcp_cfg cfg = { .chncap = 8, .svid_min = 10, .svid_max = 20 };
	struct cdcp_bridge *c = cdcp_bridge_create(&cfg);
	struct lldp_cdcp st = station(8, a, 3);

	CU_ASSERT_TRUE(cdcp_bridge_rx(c, &st));
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 2), 10);
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 3), 11);
	/* Dropping channel 2 keeps channel 3's S-VID. */
	st = station(8, b, 1);
	CU_ASSERT_TRUE(cdcp_bridge_rx(c, &st));
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 2), 0);
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 3), 11);
	CU_ASSERT_EQUAL(cdcp_bridge_stats(c)->released, 1);
	/* Asking again for 2 reuses the freed S-VID. */
	st = station(8, c3, 2);
	CU_ASSERT_TRUE(cdcp_bridge_rx(c, &st));
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 3), 11);
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 2), 10);
	/* Station gone: default only. */
	CU_ASSERT_TRUE(cdcp_bridge_reset(c));
	CU_ASSERT_FALSE(cdcp_bridge_reset(c));
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 3), 0);
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 1), 1);
	cdcp_bridge_destroy(c);
}

static void
test_limits(void)
{
	static const uint16_t many[][2] = { { 2, 0 }, { 3, 0 }, { 4, 0 }, { 5, 0 }, { 0, 0 } };
	static const uint16_t asked[][2] = { { 2, 15 }, { 3, 15 }, { 4, 999 } };
	struct cdcp_cfg cfg = { .chncap = 3, .svid_min = 10, .svid_max = 20 };
	struct cdcp_cfg small = { .chncap = 8, .svid_min = 10, .svid_max = 11 };
	struct cdcp_cfg bad = { .chncap = 0, .svid_min = 10, .svid_max = 11 };
	struct cdcp_bridge *c = cdcp_bridge_create(&cfg);
	struct lldp_cdcp st = station(8, many, 5), tlv;
	struct cdcp_chan ch[8];

	/* min(bridge 3, station 8) = 3 channels incl. the default. */
	CU_ASSERT_TRUE(cdcp_bridge_rx(c, &st));
	CU_ASSERT_EQUAL(cdcp_bridge_channels(c, ch, 8), 3);
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 4), 0);
	CU_ASSERT_EQUAL(cdcp_bridge_stats(c)->refused, 3); /* SCID 4, 5 and 0 */
	/* The station's own smaller ChnCap wins too, and is what the bridge
	 * advertises (min of both sides). */
	st = station(2, many, 5);
	CU_ASSERT_TRUE(cdcp_bridge_rx(c, &st));
	CU_ASSERT_EQUAL(cdcp_bridge_channels(c, ch, 8), 2);
	cdcp_bridge_tlv(c, &tlv);
	CU_ASSERT_EQUAL(tlv.chncap, 2);
	CU_ASSERT_TRUE(cdcp_bridge_reset(c));
	cdcp_bridge_tlv(c, &tlv);
	CU_ASSERT_EQUAL(tlv.chncap, 3);
	cdcp_bridge_destroy(c);

	/* Requested S-VIDs: granted when free and in the pool, else picked. */
	c = cdcp_bridge_create(&cfg);
	st = station(8, asked, 3);
	cdcp_bridge_rx(c, &st);
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 2), 15);
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 3), 10);
	cdcp_bridge_destroy(c);

	/* Pool of two: the third request is refused. */
	c = cdcp_bridge_create(&small);
	st = station(8, many, 3);
	cdcp_bridge_rx(c, &st);
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 2), 10);
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 3), 11);
	CU_ASSERT_EQUAL(cdcp_bridge_svid(c, 4), 0);
	CU_ASSERT_EQUAL(cdcp_bridge_stats(c)->refused, 1);
	cdcp_bridge_destroy(c);

	/* A bridge TLV (role 0) is not a request. */
	c = cdcp_bridge_create(&cfg);
	st = station(8, many, 2);
	st.role = LLDP_CDCP_ROLE_BRIDGE;
	CU_ASSERT_FALSE(cdcp_bridge_rx(c, &st));
	CU_ASSERT_EQUAL(cdcp_bridge_stats(c)->rx_ignored, 1);
	cdcp_bridge_destroy(c);

	CU_ASSERT_PTR_NULL(cdcp_bridge_create(&bad));
	bad = (struct cdcp_cfg) { .chncap = 4, .svid_min = 1, .svid_max = 10 };
	CU_ASSERT_PTR_NULL(cdcp_bridge_create(&bad));
	bad = (struct cdcp_cfg) { .chncap = 4, .svid_min = 20, .svid_max = 10 };
	CU_ASSERT_PTR_NULL(cdcp_bridge_create(&bad));
	bad = (struct cdcp_cfg) { .chncap = 168, .svid_min = 10, .svid_max = 20 };
	CU_ASSERT_PTR_NULL(cdcp_bridge_create(&bad));
}

static void
add_suites(void)
{
	static const struct tu_test t[] = {
		{ "default channel only", test_default_only },
		{ "grant and encode", test_grant_and_encode },
		{ "stable assignments and release", test_stable_and_release },
		{ "capacity, pool and bad config", test_limits },
		{ NULL, NULL },
	};
	tu_add_suite("cdcp bridge", t);
}

int
main(void)
{
	return tu_run("test-cdcp", add_suites);
}

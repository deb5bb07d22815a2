/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-switch.c - the switch pipeline (switchd/pipeline.c, sw.c, htab.c):
 * the "pipeline" suite (VN-Tag, E-Tag, VEPA host ports, uplinks) and the
 * "fdb" suite (learning, ageing, the hash table); the "model" suite is in
 * test-switch-model.c and the shared fixture in switchtest.c, all one
 * program.
 *
 * Each test builds a switch from a configuration string, puts the memory
 * back-end (port_be.h) on every port, feeds frames to sw_input() with an
 * explicit clock and asserts on what every port sent, byte for byte, and
 * on the port and vEth counters.  Frames and expected outputs are written
 * bit by bit (not with the codecs), then outputs are also decoded with
 * vntag_decode / etag_decode / vn_eth_parse.  White box where the FDB and the
 * vEth slots must be inspected: this file includes sw_internal.h.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "switchd/htab.h"
#include "switchd/sw.h"
#include "switchd/sw_internal.h"
#include "tests/switchtest.h"
#include "tests/testutil.h"
#include "vntag/etag.h"
#include "vntag/vntag.h"

/* ---- VN-Tag host ports ----------------------------------------------------------- */

static void
test_vntag_flood(void)
{
	struct fx *x = fx_open(conf_main);
	struct fb in, w;
	struct sw_counters t;

	MK(&in, BC, MC, 46, VN(0, 0, 0, 0, 5));
	CU_ASSERT_EQUAL_FATAL(in.n, 66);
	tx(x, P_HV, &in, T0);
	/* up0 up1, the other vif of hv, both E-CIDs, one copy per VEPA port. */
	CU_ASSERT(NOUT(x, 1, 1, 1, 2, 1, 1));
	MK(&w, BC, MC, 46, CT(0, 10));
	CU_ASSERT(has1(x, P_UP0, &w));
	CU_ASSERT(has1(x, P_UP1, &w));
	CU_ASSERT(has1(x, P_HP, &w));
	CU_ASSERT(has1(x, P_HQ, &w));
	/* Back down hv: vif 6 only, looped with svif 5; never vif 5 itself. */
	CU_ASSERT(has1(x, P_HV, MK(&w, BC, MC, 46, VN(1, 0, 6, 1, 5))));
	CU_ASSERT(has1(x, P_HE, MK(&w, BC, MC, 46, ET(0, 0, 0, 300))));
	CU_ASSERT(has1(x, P_HE, MK(&w, BC, MC, 46, ET(0, 0, 0, 0x12345))));

	CU_ASSERT(ctr_is(pc(x, P_HV), 1, 66, 1, 66));
	CU_ASSERT(ctr_is(vc(x, 1), 1, 66, 0, 0));
	CU_ASSERT(ctr_is(vc(x, 2), 0, 0, 1, 66));
	CU_ASSERT(ctr_is(vc(x, 3), 0, 0, 0, 0)); /* VLAN 20 */
	CU_ASSERT(ctr_is(pc(x, P_UP0), 0, 0, 1, 64));
	CU_ASSERT(ctr_is(pc(x, P_HE), 0, 0, 2, 136));
	CU_ASSERT(ctr_is(vc(x, 4), 0, 0, 1, 68));
	CU_ASSERT(ctr_is(vc(x, 5), 0, 0, 1, 68));
	CU_ASSERT(ctr_is(pc(x, P_HP), 0, 0, 1, 64));
	/* A VEPA port gets one flood copy; the station replicates it, so it
	 * counts on every member vEth of the VLAN there. */
	CU_ASSERT(ctr_is(vc(x, 6), 0, 0, 1, 64) && ctr_is(vc(x, 7), 0, 0, 1, 64));
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 1)->last_rx_us, T0);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 2)->last_tx_us, T0);
	sw_totals(x->sw, &t);
	CU_ASSERT_EQUAL(t.rx_frames, 1);
	CU_ASSERT_EQUAL(t.tx_frames, 7);
	CU_ASSERT_EQUAL(ndrops(&t), 0);
	/* The memory back-end stamps frames with the switch clock. */
	CU_ASSERT_EQUAL(x->mem[P_UP0]->ts[0], T0);
	fx_close(x);
}

static void
test_vntag_drops(void)
{
	struct fx *x = fx_open(conf_main);
	struct fb f;

	/* d=1 travels bridge -> adapter only */
	CU_ASSERT(DROP(WRONG_DIRECTION, 0, P_HV, BC, MC, VN(1, 0, 5, 0, 5)));
	/* p=1 (vif list) from a host */
	CU_ASSERT(DROP(WRONG_DIRECTION, 0, P_HV, BC, MC, VN(0, 1, 0, 0, 5)));
	CU_ASSERT(DROP(MALFORMED, 0, P_HV, BC, MC, VW(0x00001005)));
	CU_ASSERT(DROP(MISSING_TAG, 0, P_HV, BC, MC, NONE));
	CU_ASSERT(DROP(MISSING_TAG, 0, P_HV, BC, MC, CT(0, 10)));
	CU_ASSERT(DROP(MISSING_TAG, 0, P_HV, BC, MC, ET(0, 0, 0, 5)));
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, P_HV, BC, MC, VN(0, 0, 0, 0, 99)));
	/* Inner tags: only the vEth's own VLAN (10); vEth 3's 20 is not 1's. */
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 1, P_HV, BC, MC, VN(0, 0, 0, 0, 5), CT(0, 11)));
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 1, P_HV, BC, MC, VN(0, 0, 0, 0, 5), CT(0, 20)));
	/* vEth 3 is in VLAN 20: 10 is refused */
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 3, P_HV, BC, MC, VN(0, 0, 0, 0, 4095), CT(0, 10)));
	/* S-tag inside: not an access frame */
	CU_ASSERT(DROP(MALFORMED, 1, P_HV, BC, MC, VN(0, 0, 0, 0, 5), ST(10)));
	/* two inner C-tags */
	CU_ASSERT(DROP(MALFORMED, 1, P_HV, BC, MC, VN(0, 0, 0, 0, 5), CT(0, 10), CT(0, 10)));
	CU_ASSERT_EQUAL(vc(x, 1)->rx_frames, 4);
	CU_ASSERT_EQUAL(vc(x, 1)->drops[SW_DROP_VLAN_NOT_ALLOWED], 2);
	CU_ASSERT_EQUAL(pc(x, P_HV)->rx_frames, 12);
	CU_ASSERT_EQUAL(total_drops(x), 12);
	fx_close(x);
}

static void
test_vntag_egress(void)
{
	struct fx *x = fx_open(conf_main);
	struct fb f, w;

	learn_uplink(x, P_UP0, MA, 10, T0);
	learn_vif(x, MC, 5, T0);
	learn_vif(x, MD, 6, T0);
	{ /* station B behind E-CID 300 */
		tx(x, P_HE, MK(&f, BC, MB, 46, ET(0, 0, 0, 300)), T0);
		fx_zero(x);
	}

	/* Inner C-tag with the vEth's VLAN: accepted, removed, E-PCP kept. */
	tx(x, P_HV, MK(&f, MB, MC, 46, VN(0, 0, 0, 0, 5), CT(5, 10)), T0 + 1);
	CU_ASSERT(NOUT(x, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HE, MK(&w, MB, MC, 46, ET(5, 0, 0, 300))));
	CU_ASSERT_EQUAL(vc(x, 4)->tx_frames, 1);
	CU_ASSERT_EQUAL(vc(x, 4)->tx_bytes, 68);
	fx_clear(x);

	/* Priority tag (VID 0) from the vEth: its PCP goes in the uplink's tag. */
	tx(x, P_HV, MK(&f, MA, MC, 46, VN(0, 0, 0, 0, 5), CT(3, 0)), T0 + 2);
	CU_ASSERT(NOUT(x, 1));
	CU_ASSERT(has1(x, P_UP0, MK(&w, MA, MC, 46, CT(3, 10))));
	fx_clear(x);

	/* Uplink -> vEth 1: d=1, dvif=5, p=0, not looped, svif 0. */
	tx(x, P_UP0, MK(&f, MC, MA, 46, CT(0, 10)), T0 + 3);
	CU_ASSERT(NOUT(x, 0, 0, 1));
	CU_ASSERT(has1(x, P_HV, MK(&w, MC, MA, 46, VW(0x80050000))));
	CU_ASSERT(vt_is(x, P_HV, 1, 0, 5, 0, 0));
	CU_ASSERT_EQUAL(vc(x, 1)->tx_frames, 1);
	fx_clear(x);

	/* vif 6 -> vif 5, back down the same port: looped=1, svif = 6. */
	tx(x, P_HV, MK(&f, MC, MD, 46, VN(0, 0, 0, 0, 6)), T0 + 4);
	CU_ASSERT(NOUT(x, 0, 0, 1));
	CU_ASSERT(has1(x, P_HV, MK(&w, MC, MD, 46, VW(0x80058006))));
	CU_ASSERT(vt_is(x, P_HV, 1, 0, 5, 1, 6));
	fx_clear(x);

	/* Unicast to a station behind the sender itself: never back to it. */
	CU_ASSERT(DROP(SAME_VETH, 1, P_HV, MC, MC, VN(0, 0, 0, 0, 5)));
	fx_close(x);
}

/* ---- E-Tag host ports --------------------------------------------------------- */

static void
test_etag(void)
{
	struct fx *x = fx_open(conf_main);
	struct fb f, w;

	/* The E-CID field selects the vEth upstream (GRP 0, Ingress_E-CID 0). */
	tx(x, P_HE, MK(&f, BC, MB, 46, ET(0, 0, 0, 0x12345)), T0);
	CU_ASSERT_EQUAL(vc(x, 5)->rx_frames, 1);
	CU_ASSERT_EQUAL(vc(x, 4)->rx_frames, 0);
	/* flood: back down he only to E-CID 300, naming the source 0x12345 */
	CU_ASSERT(NOUT(x, 1, 1, 2, 1, 1, 1));
	CU_ASSERT(has1(x, P_HE, MK(&w, BC, MB, 46, ET(0, 0x12345, 0, 300))));
	CU_ASSERT(has1(x, P_HV, MK(&w, BC, MB, 46, VN(1, 0, 5, 0, 0))));
	fx_clear(x);

	/* Uplink -> E-CID 0x12345: ecid = target, GRP 0, Ingress_E-CID 0. */
	learn_uplink(x, P_UP0, MA, 10, T0);
	fx_zero(x);
	tx(x, P_UP0, MK(&f, MB, MA, 46, CT(6, 10)), T0 + 1);
	CU_ASSERT(NOUT(x, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HE, MK(&w, MB, MA, 46, ET(6, 0, 0, 0x12345))));
	CU_ASSERT(et_is(x, P_HE, 6, 0, 0, 0x12345));
	fx_clear(x);

	/* E-CID 300 -> 0x12345 on the same port: Ingress_E-CID names 300. */
	tx(x, P_HE, MK(&f, MB, MC, 46, ET(0, 0, 0, 300)), T0 + 2);
	CU_ASSERT(NOUT(x, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HE, MK(&w, MB, MC, 46, ET(0, 300, 0, 0x12345))));
	CU_ASSERT(et_is(x, P_HE, 0, 300, 0, 0x12345));
	CU_ASSERT_EQUAL(vc(x, 4)->rx_frames, 1);
	CU_ASSERT_EQUAL(vc(x, 5)->tx_frames, 2);
	fx_clear(x);

	/* E-CID wins over Ingress_E-CID; some port extenders name the source in
	 * Ingress_E-CID alone. */
	tx(x, P_HE, MK(&f, MA, MB, 46, ET(0, 0x12345, 0, 300)), T0 + 3);
	CU_ASSERT_EQUAL(vc(x, 4)->rx_frames, 2);
	CU_ASSERT(NOUT(x, 1));
	fx_clear(x);
	tx(x, P_HE, MK(&f, MA, MB, 46, ET(0, 300, 0, 0)), T0 + 3);
	CU_ASSERT_EQUAL(vc(x, 4)->rx_frames, 3);
	CU_ASSERT(NOUT(x, 1));
	fx_clear(x);

	/* GRP != 0 from a host */
	CU_ASSERT(DROP(WRONG_DIRECTION, 0, P_HE, BC, MB, ET(0, 0, 1, 300)));
	CU_ASSERT(DROP(WRONG_DIRECTION, 0, P_HE, BC, MB, ET(0, 0, 3, 300)));
	CU_ASSERT(DROP(MISSING_TAG, 0, P_HE, BC, MB, NONE));
	CU_ASSERT(DROP(MISSING_TAG, 0, P_HE, BC, MB, VN(0, 0, 0, 0, 300)));
	/* no E-CID at all */
	CU_ASSERT(DROP(MISSING_TAG, 0, P_HE, BC, MB, ET(0, 0, 0, 0)));
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, P_HE, BC, MB, ET(0, 0, 0, 301)));
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 4, P_HE, BC, MB, ET(0, 0, 0, 300), CT(0, 20)));
	fx_close(x);
}

/* ---- VEPA host ports ---------------------------------------------------------- */

static void
test_vepa(void)
{
	struct fx *x = fx_open(conf_main);
	struct sw_counters c0;
	struct fb f;

	/* Source MAC + C-tag VID select the vEth; a flood takes one copy back
	 * out the ingress port (reflective relay, vEth 7 is there). */
	tx(x, P_HP, MK(&f, BC, VM6, 46, CT(0, 10)), T0);
	CU_ASSERT_EQUAL(vc(x, 6)->rx_frames, 1);
	CU_ASSERT_EQUAL(vc(x, 7)->rx_frames, 0);
	CU_ASSERT(NOUT(x, 1, 1, 2, 2, 1, 1));
	CU_ASSERT(has1(x, P_HP, &f));
	CU_ASSERT(has1(x, P_HQ, &f));
	CU_ASSERT(has1(x, P_UP0, &f));
	fx_clear(x);
	tx(x, P_HP, MK(&f, BC, VM7, 46, CT(0, 10)), T0);
	fx_clear(x);

	/* Unicast 6 -> 7 on the same port goes back out, with its C-tag. */
	c0 = *vc(x, 7);
	tx(x, P_HP, MK(&f, VM7, VM6, 46, CT(2, 10)), T0 + 1);
	CU_ASSERT(NOUT(x, 0, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HP, &f));
	CU_ASSERT_EQUAL(vc(x, 7)->tx_frames, c0.tx_frames + 1);
	CU_ASSERT_EQUAL(vc(x, 7)->tx_bytes, c0.tx_bytes + 64);
	fx_clear(x);

	/* A unicast addressed to its own sender is dropped and counted. */
	CU_ASSERT(DROP(SELF_REFLECTION, 6, P_HP, VM6, VM6, CT(0, 10)));

	/* Reflective relay off (hq): nothing goes back out the ingress port. */
	tx(x, P_HQ, MK(&f, BC, VM8, 46, CT(0, 10)), T0);
	CU_ASSERT(NOUT(x, 1, 1, 2, 2, 1, 0));
	fx_clear(x);
	tx(x, P_HQ, MK(&f, BC, VM9, 46, CT(0, 10)), T0);
	CU_ASSERT(NOUT(x, 1, 1, 2, 2, 1, 0));
	fx_clear(x);
	CU_ASSERT(DROP(NO_ROUTE, 8, P_HQ, VM9, VM8, CT(0, 10)));

	/* From an uplink to a VEPA vEth: C-tagged with its VLAN. */
	learn_uplink(x, P_UP0, MA, 10, T0);
	c0 = *vc(x, 8);
	tx(x, P_UP0, MK(&f, VM8, MA, 46, CT(0, 10)), T0 + 1);
	CU_ASSERT(NOUT(x, 0, 0, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HQ, &f));
	CU_ASSERT_EQUAL(vc(x, 8)->tx_frames, c0.tx_frames + 1);
	fx_clear(x);

	/* VLAN 0: untagged both ways (vEth 10, up1 carries untagged). */
	tx(x, P_HP, MK(&f, BC, VMA, 46, NONE), T0);
	CU_ASSERT_EQUAL(vc(x, 10)->rx_frames, 1);
	CU_ASSERT(NOUT(x, 0, 1));
	CU_ASSERT(has1(x, P_UP1, &f));
	fx_clear(x);
	learn_uplink(x, P_UP1, MA2, 0, T0);
	c0 = *vc(x, 10);
	tx(x, P_UP1, MK(&f, VMA, MA2, 46, NONE), T0 + 1);
	CU_ASSERT(NOUT(x, 0, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HP, &f));
	CU_ASSERT_EQUAL(vc(x, 10)->tx_frames, c0.tx_frames + 1);
	fx_clear(x);

	/* The binding is MAC + VLAN on this port. */
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, P_HP, BC, VM6, CT(0, 11)));
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, P_HP, BC, VM6, NONE));
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, P_HP, BC, VMA, CT(0, 10)));
	/* bound on hp, not hq */
	CU_ASSERT(DROP(UNKNOWN_VETH, 0, P_HQ, BC, VM6, CT(0, 10)));
	CU_ASSERT(DROP(MALFORMED, 0, P_HP, BC, VM6, CT(0, 10), CT(0, 10)));
	fx_close(x);
}

/* ---- uplinks ---------------------------------------------------------------------- */

static void
test_uplink(void)
{
	static const uint8_t ME[6] = { 2, 0, 0, 0, 1, 0xE };
	struct fx *x = fx_open(conf_main);
	struct fb f, w;

	/* VLAN 20: only vif 4095 (vEth 3); up1 does not carry it. */
	tx(x, P_UP0, MK(&f, BC, MA, 46, CT(0, 20)), T0);
	CU_ASSERT(NOUT(x, 0, 0, 1));
	CU_ASSERT(has1(x, P_HV, MK(&w, BC, MA, 46, VN(1, 0, 4095, 0, 0))));
	CU_ASSERT(vt_is(x, P_HV, 1, 0, 4095, 0, 0));
	CU_ASSERT_EQUAL(vc(x, 3)->tx_frames, 1);
	CU_ASSERT_EQUAL(pc(x, P_UP0)->rx_frames, 1);
	fx_clear(x);

	/* VLAN 10 with priority 1: the other trunk keeps tag and priority. */
	tx(x, P_UP0, MK(&f, BC, MA, 46, CT(1, 10)), T0);
	CU_ASSERT(NOUT(x, 0, 1, 2, 2, 1, 1));
	CU_ASSERT(has1(x, P_UP1, &f));
	CU_ASSERT(ct_is(x, P_UP1, 1, 10) && ct_is(x, P_HP, 1, 10) && ct_is(x, P_HQ, 1, 10));
	CU_ASSERT(vt_is(x, P_HV, 1, 0, 5, 0, 0) || vt_is(x, P_HV, 1, 0, 6, 0, 0));
	fx_clear(x);

	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 0, P_UP0, BC, MA, CT(0, 30)));
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 0, P_UP0, BC, MA, CT(0, 4095)));
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 0, P_UP1, BC, MA2, CT(0, 20)));
	CU_ASSERT(DROP(VLAN_NOT_ALLOWED, 0, P_UP0, BC, MA, ST(10), CT(0, 10)));
	CU_ASSERT(DROP(MISSING_TAG, 0, P_UP0, BC, MA, NONE));

	/* up1 has untagged = true: VLAN 0, to vEth 10 untagged. */
	tx(x, P_UP1, MK(&f, BC, MA2, 46, NONE), T0);
	CU_ASSERT(NOUT(x, 0, 0, 0, 0, 1));
	CU_ASSERT(has1(x, P_HP, &f));
	fx_clear(x);

	/* Uplink to uplink, once learned; never back to the reception port. */
	learn_uplink(x, P_UP1, MA2, 10, T0);
	tx(x, P_UP0, MK(&f, MA2, MA, 46, CT(0, 10)), T0 + 1);
	CU_ASSERT(NOUT(x, 0, 1));
	CU_ASSERT(has1(x, P_UP1, &f));
	fx_clear(x);
	learn_uplink(x, P_UP0, MA, 10, T0);
	CU_ASSERT(DROP(NO_ROUTE, 0, P_UP0, MA, ME, CT(0, 10)));
	fx_close(x);
}

/* ---- learning and ageing --------------------------------------------------------- */

static void
test_learning_aging(void)
{
	struct fx *x = fx_open(conf_main);
	const struct sw_fdb *fdb = sw_get_fdb(x->sw);
	struct fb f, w;

	learn_uplink(x, P_UP0, MA, 10, T0);
	CU_ASSERT_EQUAL(fdb->t.n, 1);
	MK(&f, MA, MC, 46, VN(0, 0, 0, 0, 5));
	MK(&w, MA, MC, 46, CT(0, 10));
	tx(x, P_HV, &f, T0 + 1 * SEC);
	CU_ASSERT(NOUT(x, 1));
	CU_ASSERT(has1(x, P_UP0, &w));
	fx_clear(x);
	/* fdb_aging = 10 s: still known a microsecond before ... */
	tx(x, P_HV, &f, T0 + 10 * SEC - 1);
	CU_ASSERT(NOUT(x, 1));
	fx_clear(x);
	/* ... and flooded again once it has aged (the lookup forgets it). */
	tx(x, P_HV, &f, T0 + 10 * SEC);
	CU_ASSERT(NOUT(x, 1, 1, 1, 2, 1, 1));
	CU_ASSERT(has1(x, P_UP0, &w));
	CU_ASSERT_EQUAL(fdb->t.n, 1); /* MC (vEth 1) only */
	fx_clear(x);
	/* Per-VLAN: MA known in VLAN 10 says nothing about VLAN 20. */
	learn_uplink(x, P_UP0, MA, 10, T0 + 11 * SEC);
	tx(x, P_HV, MK(&f, MA, MC, 46, VN(0, 0, 0, 0, 4095)), T0 + 11 * SEC);
	CU_ASSERT(NOUT(x, 1)); /* flood of VLAN 20: up0 only carries it */
	CU_ASSERT(has1(x, P_UP0, MK(&w, MA, MC, 46, CT(0, 20))));
	CU_ASSERT_EQUAL(fdb->t.n, 3); /* MA/10, MC/10, MC/20 */
	fx_close(x);
}

static void
test_timers(void)
{
	struct fx *x = fx_open(conf_main);
	const struct sw_fdb *fdb = sw_get_fdb(x->sw);
	uint64_t next;

	learn_uplink(x, P_UP0, MA, 10, T0);
	learn_uplink(x, P_UP1, MA2, 10, T0 + 5 * SEC);
	learn_vif(x, MC, 5, T0 + 5 * SEC);
	CU_ASSERT_EQUAL(fdb->t.n, 3);
	CU_ASSERT_EQUAL(fdb->learned, 3);
	next = sw_run_timers(x->sw, T0 + 5 * SEC);
	CU_ASSERT(next > T0 + 5 * SEC && next <= T0 + 5 * SEC + 2500000); /* aging / 4 */
	CU_ASSERT_EQUAL(fdb->t.n, 3);
	next = sw_run_timers(x->sw, T0 + 10 * SEC); /* MA has aged */
	CU_ASSERT(next > T0 + 10 * SEC);
	CU_ASSERT_EQUAL(fdb->t.n, 2);
	next = sw_run_timers(x->sw, T0 + 15 * SEC);
	CU_ASSERT_EQUAL(fdb->t.n, 0);
	CU_ASSERT(next > T0 + 15 * SEC && next <= T0 + 15 * SEC + 2500000);
	fx_close(x);
}

static void
test_station_move(void)
{
	struct fx *x = fx_open(conf_main);
	const struct sw_fdb *fdb = sw_get_fdb(x->sw);
	struct fb f, w;

	learn_uplink(x, P_UP0, MA, 10, T0);
	learn_vif(x, MA, 5, T0 + 1); /* MA moved behind vif 5 */
	CU_ASSERT_EQUAL(fdb->moved, 1);
	CU_ASSERT_EQUAL(fdb->t.n, 1);
	tx(x, P_UP1, MK(&f, MA, MA2, 46, CT(0, 10)), T0 + 2);
	CU_ASSERT(NOUT(x, 0, 0, 1));
	CU_ASSERT(has1(x, P_HV, MK(&w, MA, MA2, 46, VN(1, 0, 5, 0, 0))));
	fx_clear(x);
	learn_uplink(x, P_UP0, MA, 10, T0 + 3); /* and back */
	CU_ASSERT_EQUAL(fdb->moved, 2);
	tx(x, P_HV, MK(&f, MA, MD, 46, VN(0, 0, 0, 0, 6)), T0 + 4);
	CU_ASSERT(NOUT(x, 1));
	CU_ASSERT_EQUAL(fdb->learned, 3); /* MA, MA2, MD */
	fx_close(x);
}

/* ---- the hash table ------------------------------------------------------------------ */

/* Every entry is reachable: no empty slot between its home and itself. */
static bool
htab_sound(const struct sw_htab *t)
{
	uint32_t used = 0;

	for (uint32_t i = 0; i <= t->mask; i++) {
		const struct sw_htab_ent *e = &t->ent[i];

		if (e->val == SW_HTAB_EMPTY)
			continue;
		used++;
		for (uint32_t j = sw_htab_hash(e->k1, e->k2) & t->mask; j != i;
			j = (j + 1) & t->mask)
			if (t->ent[j].val == SW_HTAB_EMPTY)
				return false;
	}
	return used == t->n;
}

static void
htab_stress(uint32_t max, unsigned ops, unsigned check_every)
{
	const unsigned nkeys = 3 * max + 7;
	struct sw_htab t;
	bool *in = calloc(nkeys, sizeof(*in));
	int32_t *val = calloc(nkeys, sizeof(*val));
	uint64_t seed = 0xC0FFEEull + max, aux_sum = 0;
	unsigned n = 0, errors = 0, refused = 0;

	CU_ASSERT_FATAL(in && val);
	CU_ASSERT_EQUAL_FATAL(sw_htab_init(&t, max), 0);
	CU_ASSERT(t.mask + 1 >= 2 * max);
	for (unsigned op = 0; op < ops; op++) {
		uint64_t r = xorshift(&seed);
		unsigned k = (unsigned)((r >> 8) % nkeys);
		uint64_t k1 = (uint64_t)k * 0x100000001ull ^ 0xABCD000000000000ull;
		uint32_t k2 = k % 5;
		struct sw_htab_ent *e = sw_htab_find(&t, k1, k2);

		errors += !e != !in[k];
		errors += e && (e->val != val[k] || e->aux != (uint64_t)k * 7);
		switch (r % 8) {
		case 0:
		case 1:
		case 2:
		case 3:
			if (in[k])
				break;
			e = sw_htab_insert(&t, k1, k2, (int32_t)(r >> 40), (uint64_t)k * 7);
			if (n >= max) {
				errors += e != NULL;
				refused++;
				break;
			}
			errors += !e;
			in[k] = true;
			val[k] = (int32_t)(r >> 40);
			n++;
			break;
		case 4:
		case 5:
		case 6:
			if (!in[k])
				break;
			sw_htab_remove(&t, e);
			in[k] = false;
			n--;
			break;
		default:
			if (e)
				e->val = val[k] = (int32_t)(r >> 33);
			break;
		}
		if (op % check_every == 0) {
			errors += t.n != n || !htab_sound(&t);
			for (unsigned j = 0; j < nkeys; j++) {
				uint64_t j1 =
					(uint64_t)j * 0x100000001ull ^ 0xABCD000000000000ull;
				const struct sw_htab_ent *f = sw_htab_find(&t, j1, j % 5);

				errors += !f != !in[j] || (f && f->val != val[j]);
				aux_sum += f ? f->aux : 0;
			}
		}
	}
	CU_ASSERT_EQUAL(errors, 0);
	CU_ASSERT(refused > 0); /* the table was full at times */
	CU_ASSERT(aux_sum > 0);
	sw_htab_clear(&t);
	CU_ASSERT_EQUAL(t.n, 0);
	CU_ASSERT_PTR_NULL(sw_htab_find(&t, 0xABCD000000000000ull, 0));
	sw_htab_free(&t);
	free(in);
	free(val);
}

static void
test_htab(void)
{
	struct sw_htab t;

	htab_stress(8, 100000, 1);      /* 16 slots: wrap-around everywhere */
	htab_stress(1000, 100000, 997); /* 2048 slots, long clusters */
	CU_ASSERT_EQUAL(sw_htab_init(&t, (1u << 30) + 1), -1);
}

/* FDB flush (vEth deleted) and sweep (ageing) remove while scanning. */
static void
test_fdb_flush_sweep(void)
{
	uint64_t seed = 77;
	unsigned errors = 0;

	for (unsigned round = 0; round < 2000; round++) {
		struct sw_fdb f;
		uint8_t mac[6] = { 2, 0, 0, 0, 0, 0 };
		int32_t dst[60];
		uint64_t when[60];
		unsigned n = 1 + (unsigned)(xorshift(&seed) % 60);
		int32_t gone = (int32_t)(xorshift(&seed) % 4);

		CU_ASSERT_EQUAL_FATAL(sw_fdb_init(&f, 60, 10), 0);
		for (unsigned i = 0; i < n; i++) {
			mac[5] = (uint8_t)i;
			dst[i] = (int32_t)(xorshift(&seed) % 4) - 1; /* -1 is uplink 0 */
			when[i] = T0 + (xorshift(&seed) % 20) * SEC;
			sw_fdb_learn(&f, 10, mac, dst[i], when[i]);
		}
		sw_fdb_flush_dst(&f, gone);
		errors += !htab_sound(&f.t);
		sw_fdb_sweep(&f, T0 + 20 * SEC);
		errors += !htab_sound(&f.t);
		for (unsigned i = 0; i < n; i++) {
			bool keep = dst[i] != gone && when[i] + 10 * SEC > T0 + 20 * SEC;

			mac[5] = (uint8_t)i;
			errors += (sw_fdb_lookup(&f, 10, mac, T0 + 20 * SEC) !=
					  SW_HTAB_EMPTY) != keep;
		}
		sw_fdb_free(&f);
	}
	CU_ASSERT_EQUAL(errors, 0);
}

/* The builder against the wire format (protocols.md examples). */
static void
test_builder(void)
{
	uint8_t want[128];
	struct vntag vt;
	struct etag et;
	uint16_t next;
	size_t off;
	struct fb f;
	int n;

	MK(&f, MA, MC, 2, VN(1, 1, 7, 1, 5), CT(5, 10));
	n = tu_hex(
		"02 00 00 00 01 0a 02 00 00 00 01 0c 89 26 c0 07 80 05 81 00 a0 0a 08 00 40 41",
		want, sizeof(want));
	CU_ASSERT_EQUAL_FATAL(n, (int)f.n);
	CU_ASSERT_EQUAL(memcmp(f.b, want, f.n), 0);
	CU_ASSERT_EQUAL(vntag_decode(f.b, f.n, &vt, &next, &off, NULL), 0);
	CU_ASSERT(vt.d && vt.p && vt.looped && vt.dvif == 7 && vt.svif == 5 && next == 0x8100);
	MK(&f, MA, MC, 0, ET(5, 0x12345, 1, 300));
	n = tu_hex("02 00 00 00 01 0a 02 00 00 00 01 0c 89 3f a3 45 11 2c 12 00 08 00", want,
		sizeof(want));
	CU_ASSERT_EQUAL_FATAL(n, (int)f.n);
	CU_ASSERT_EQUAL(memcmp(f.b, want, f.n), 0);
	CU_ASSERT_EQUAL(etag_decode(f.b, f.n, &et, &next, &off, NULL), 0);
	CU_ASSERT(et.pcp == 5 && et.ingress_ecid == 0x12345 && et.grp == 1 && et.ecid == 300);
}

static void
add_suites(void)
{
	static const struct tu_test ports[] = {
		{ "frame builder matches the wire", test_builder },
		{ "vntag: svif selects, flood one frame per vif", test_vntag_flood },
		{ "vntag: drops", test_vntag_drops },
		{ "vntag: inner tag, egress, looped", test_vntag_egress },
		{ "etag", test_etag },
		{ "vepa: MAC+VLAN, reflective relay", test_vepa },
		{ "uplink trunks", test_uplink },
		{ NULL, NULL },
	};
	static const struct tu_test fdb[] = {
		{ "learning and ageing", test_learning_aging },
		{ "sw_run_timers sweeps", test_timers },
		{ "station moves", test_station_move },
		{ "flush and sweep while scanning", test_fdb_flush_sweep },
		{ "htab against a reference", test_htab },
		{ NULL, NULL },
	};

	tu_add_suite("pipeline", ports);
	tu_add_suite("fdb", fdb);
	tu_add_suite("model", switch_model_tests);
}

int
main(void)
{
	return tu_run("test-switch", add_suites);
}

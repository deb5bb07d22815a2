/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-abuse.c - what hosts may not do to the switch (issue 9), on a switch
 * with the memory back-end on every port, a control plane and a virtual
 * clock (no timers run unless a test advances it; tests/cptest.c, the
 * fixture the control plane tests share):
 *
 *  - migration: a VDP request on one port for a VSI whose vEth is on
 *    another moves it only with the M hint there and the S hint where it
 *    is (cplane.h), else it is refused with a status and counted; MACs and
 *    vifs bound to another vEth are refused and counted;
 *  - limits: switch.max_vsis, port max_veths, switch.fdb_max_per_veth,
 *    switch.fdb_max, switch.lldp.max_neighbors, each refusal counted;
 *  - floods: 100k distinct VDP ASSOCIATEs and PRE-ASSOCIATEs, and 100k
 *    random source MACs from a vEth, from an uplink and on an auto-create
 *    port: the tables stop at their limits, the heap does not grow, and
 *    the existing vEths' frames are still delivered.
 *
 * White box where counters are read (cp_internal.h, sw_internal.h).
 */
#include <config.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/admin.h"
#include "switchd/cp_internal.h"
#include "switchd/sw_internal.h"
#include "tests/cptest.h"
#include "vntag/eth.h"

#define FLOOD 100000u

enum { UP0, H1, H2, H3, H4, H5 };

static const uint8_t NB[6] = { 0x01, 0x80, 0xC2, 0x00, 0x00, 0x0E };
static const uint8_t M100[6] = { 0x52, 0x54, 0x00, 0x00, 0x01, 0x00 };
static const uint8_t M101[6] = { 0x52, 0x54, 0x00, 0x00, 0x01, 0x01 };
static const uint8_t VM1[6] = { 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01 };
static const uint8_t VM2[6] = { 0x52, 0x54, 0x00, 0xaa, 0x00, 0x02 };

/* up0 uplink; h1 VN-Tag; h2, h3 VEPA hosts (VDP); h4 VEPA with
 * auto-create; h5 E-Tag. */
static const char *conf_text =
	"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; max_veths = 512;\n"
	"  max_vsis = 200; fdb_max = 4096; fdb_max_per_veth = 64;\n"
	"  lldp = { admin = \"rx\"; max_neighbors = 3; }; };\n"
	"ports = (\n"
	"  { name = \"up0\"; role = \"uplink\"; vlans = [100]; },\n"
	"  { name = \"h1\"; role = \"host\"; mode = \"vntag\"; max_channels = 4; },\n"
	"  { name = \"h2\"; role = \"host\"; mode = \"vepa\"; max_veths = 64; },\n"
	"  { name = \"h3\"; role = \"host\"; mode = \"vepa\"; },\n"
	"  { name = \"h4\"; role = \"host\"; mode = \"vepa\"; auto_create = true; max_veths = 32; },\n"
	"  { name = \"h5\"; role = \"host\"; mode = \"etag\"; }\n"
	");\n"
	"profiles = ( { name = \"web\"; type_id = 42; type_version = 3; vlan = 100; } );\n"
	"veths = ( { id = 100; port = \"h1\"; vif = 5; profile = \"web\"; },\n"
	"          { id = 101; port = \"h3\"; mac = \"52:54:00:00:01:01\"; profile = \"web\"; } );\n";

/* ---- frames ----------------------------------------------------------------------- */

struct req {
	uint8_t mode;
	uint8_t hints; /* VDP_STATUS_M / VDP_STATUS_S */
	uint8_t vsiid[VDP_VSIID_LEN];
	size_t n_macs;
	uint8_t macs[2][6];
};

static void
vsiid_of(uint8_t *id, uint32_t n)
{
	memset(id, 0, VDP_VSIID_LEN);
	memcpy(id, "\xa1\xb2\xc3\xd4\x00\x00\x41\x11\x82\x22", 10);
	vn_put_be32(id + 12, n);
}

/* An ECP request carrying one VSI TLV (UUID format, MAC/VID filters with
 * VID 0), to the nearest customer bridge, untagged or VN-Tagged. */
static size_t
mk_vdp(uint8_t *out, const struct req *q, uint16_t seq, int svif)
{
	struct vdp_vsi v = fx_vsi(q->mode, 42, 3, 0);
	struct vdp_filter f[2] = { 0 };

	vdp_status_unpack(q->hints, &v.status);
	memcpy(v.vsiid, q->vsiid, VDP_VSIID_LEN);
	for (size_t i = 0; i < q->n_macs; i++)
		memcpy(f[i].mac, q->macs[i], 6);
	return fx_put_vdp(out, fx_put_head(out, NCB, STATION, svif, 0), "vnswitch-abuse", &v, f,
		q->n_macs, seq);
}

/* An ECP ACK for the bridge's request 'seq'. */
static size_t
mk_ack(uint8_t *out, uint16_t seq, int svif)
{
	return fx_put_ack(out, fx_put_head(out, NCB, STATION, svif, 0), seq);
}

/* A data frame DA SA [VN-Tag] [C-tag] 0x88B5, 60 bytes. */
static size_t
mk_data(uint8_t *out, const uint8_t *dst, const uint8_t *src, int vid, int svif)
{
	return fx_put_data(out, fx_put_head(out, dst, src, svif, 0), vid, 60);
}

/* The VDPDUs port p sent since clear_out: how many, and of the last
 * one its ECP sequence number and its first VSI TLV. */
struct vdp_seen {
	unsigned n;
	uint16_t seq;
	struct vdp_vsi vsi;
};

static void
sent_vdp(struct fx *x, unsigned p, struct vdp_seen *s)
{
	static struct vdp_pdu pdu;

	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < x->m[p].n; i++) {
		const uint8_t *f = x->m[p].data[i];
		size_t len = x->m[p].len[i], off = 12;
		struct ecp_pdu e;

		if (len > 18 && vn_get_be16(f + 12) == VNTAG_TPID)
			off += VNTAG_HLEN;
		if (len < off + 2 || vn_get_be16(f + off) != VN_ETH_ECP ||
			ecp_decode(f + off + 2, len - off - 2, &e, NULL) ||
			e.op != ECP_OP_REQUEST ||
			vdp_decode(e.ulpdu, e.ulpdu_len, &pdu, NULL) || !pdu.n_vsi)
			continue;
		s->n++;
		s->seq = e.seq;
		s->vsi = pdu.vsi[0];
	}
}

/* One request on port p (channel svif, or untagged); the station ACKs the
 * answer.  Returns the answer's status octet, or -1 if none came. */
static int
ask(struct fx *x, unsigned p, const struct req *q, int svif)
{
	uint8_t f[600], a[64];
	struct vdp_seen s;
	size_t n = mk_vdp(f, q, x->seq++, svif);

	if (!x->seq)
		x->seq = 1;
	clear_out(x);
	input(x, p, f, n);
	sent_vdp(x, p, &s);
	if (!s.n)
		return -1;
	input(x, p, a, mk_ack(a, s.seq, svif));
	if (getenv("ABUSE_DEBUG"))
		fprintf(stderr, "port %u mode %u hints %#x -> %#x error %u\n", p, q->mode,
			q->hints, s.vsi.mode, s.vsi.status.error);
	return fx_status(&s.vsi);
}

static struct req
req1(uint8_t mode, uint8_t hints, uint32_t vsi, const uint8_t *mac)
{
	struct req q = { .mode = mode, .hints = hints, .n_macs = mac ? 1 : 0 };

	vsiid_of(q.vsiid, vsi);
	if (mac)
		memcpy(q.macs[0], mac, 6);
	return q;
}

static const struct sw_veth *
veth_with_mac(struct fx *x, const uint8_t *mac)
{
	return find_veth(x, SW_ORIGIN_VDP, mac);
}

/* The last event of vEth id, or NULL. */
static const struct sw_event *
last_event(struct fx *x, uint32_t id)
{
	const struct sw_event *last = NULL;

	for (size_t i = 0; i < sw_n_events(x->sw); i++)
		if (sw_event_at(x->sw, i)->veth == id)
			last = sw_event_at(x->sw, i);
	return last;
}

static unsigned
frames_to(struct fx *x, unsigned p, const uint8_t *dst)
{
	unsigned n = 0;

	for (unsigned i = 0; i < x->m[p].n; i++)
		n += !memcmp(x->m[p].data[i], dst, 6);
	return n;
}

/* ---- migration ------------------------------------------------------------------ */

#define OK      0x40
#define REFUSED 0x44 /* error 4, other failure */

static void
test_migration(void)
{
	struct fx *x = fx_open(conf_text);
	struct sw_cplane_limits lim;
	const struct sw_veth *v;
	struct req q;
	uint32_t id, counted;
	uint8_t f[128];
	struct vdp_seen s;

	/* VSI 1 associates on h2: a vEth bound by VM1. */
	q = req1(VDP_TLV_ASSOC, 0, 1, VM1);
	CU_ASSERT_EQUAL(ask(x, H2, &q, UNTAGGED), OK);
	v = veth_with_mac(x, VM1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->port, H2);
	id = v->id;

	/* The same VSI on h3 without a hint: refused, nothing moves. */
	CU_ASSERT_EQUAL(ask(x, H3, &q, UNTAGGED), REFUSED);
	v = sw_veth_by_id(x->sw, id);
	CU_ASSERT_FATAL(v && v->port == H2);
	CU_ASSERT_EQUAL(last_event(x, id)->kind, SW_EV_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_event(x, id)->detail, "M hint"));
	/* ... nor with a PRE-ASSOCIATE without M. */
	q = req1(VDP_TLV_PREASSOC, 0, 1, VM1);
	CU_ASSERT_EQUAL(ask(x, H3, &q, UNTAGGED), REFUSED);
	/* PRE-ASSOCIATE with M: admitted, recorded, nothing moves. */
	q = req1(VDP_TLV_PREASSOC, VDP_STATUS_M, 1, VM1);
	CU_ASSERT_EQUAL(ask(x, H3, &q, UNTAGGED), OK);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, id)->port, H2);
	CU_ASSERT_EQUAL(last_event(x, id)->kind, SW_EV_MIGRATING);
	/* ASSOCIATE with M while h2 still runs it (no S): refused, the
	 * pre-association kept (KEEP). */
	q = req1(VDP_TLV_ASSOC, VDP_STATUS_M, 1, VM1);
	CU_ASSERT_EQUAL(ask(x, H3, &q, UNTAGGED), REFUSED | 0x20);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, id)->port, H2);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_event(x, id)->detail, "not suspended"));

	/* h2's station suspends it (S hint on its keep-alive) ... */
	x->sw->veths[sw_veth_by_id(x->sw, id) - x->sw->veths].ctr.rx_frames = 7;
	q = req1(VDP_TLV_ASSOC, VDP_STATUS_S, 1, VM1);
	CU_ASSERT_EQUAL(ask(x, H2, &q, UNTAGGED), OK);
	/* ... and h3's ASSOCIATE with M moves it: same id, counters kept,
	 * re-bound on h3; h2's station gets an unsolicited DE-ASSOCIATE. */
	q = req1(VDP_TLV_ASSOC, VDP_STATUS_M, 1, VM1);
	CU_ASSERT_EQUAL(ask(x, H3, &q, UNTAGGED), OK);
	v = sw_veth_by_id(x->sw, id);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(v->port, H3);
	CU_ASSERT_EQUAL(v->ctr.rx_frames, 7);
	CU_ASSERT_EQUAL(v->origin, SW_ORIGIN_VDP);
	CU_ASSERT_EQUAL(x->sw->ports[H2].n_veths, 0);
	CU_ASSERT_EQUAL(x->sw->ports[H3].n_veths, 2);
	CU_ASSERT_EQUAL(last_event(x, id)->kind, SW_EV_MIGRATED);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_event(x, id)->detail, "from h2"));
	sent_vdp(x, H2, &s);
	CU_ASSERT_EQUAL(s.n, 1);
	CU_ASSERT_EQUAL(s.vsi.mode, VDP_TLV_DEASSOC);
	CU_ASSERT_FALSE(s.vsi.status.response);
	input(x, H2, f, mk_ack(f, s.seq, UNTAGGED)); /* the station takes it */
	/* Its frames count from h3 now, and are not taken on h2. */
	clear_out(x);
	input(x, H3, f, mk_data(f, M100, VM1, 100, -1));
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, id)->ctr.rx_frames, 8);
	CU_ASSERT_EQUAL(frames_to(x, H1, M100), 1);
	input(x, H2, f, mk_data(f, M100, VM1, 100, -1));
	CU_ASSERT_EQUAL(x->sw->ports[H2].ctr.drops[SW_DROP_SPOOFED_SOURCE] +
			x->sw->ports[H2].ctr.drops[SW_DROP_UNKNOWN_VETH],
		1);
	/* The old station insisting (no hint) is refused. */
	q = req1(VDP_TLV_ASSOC, 0, 1, VM1);
	CU_ASSERT_EQUAL(ask(x, H2, &q, UNTAGGED), REFUSED);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, id)->port, H3);

	/* VEPA -> VN-Tag: suspended on h3, associated with M on h1 vif 9. */
	q = req1(VDP_TLV_ASSOC, VDP_STATUS_S, 1, VM1);
	CU_ASSERT_EQUAL(ask(x, H3, &q, UNTAGGED), OK);
	q = req1(VDP_TLV_ASSOC, VDP_STATUS_M, 1, VM1);
	CU_ASSERT_EQUAL(ask(x, H1, &q, 9), OK);
	v = sw_veth_by_id(x->sw, id);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(v->port, H1);
	CU_ASSERT_EQUAL(v->kind, SW_BIND_VIF);
	CU_ASSERT_EQUAL(v->key, 9);
	CU_ASSERT_EQUAL(v->n_extra_macs, 1); /* VM1 reserved to it */
	CU_ASSERT_EQUAL(x->sw->ports[H3].n_veths, 1);
	clear_out(x);
	input(x, H1, f, mk_data(f, M101, VM1, -1, 9));
	CU_ASSERT_EQUAL(frames_to(x, H3, M101), 1);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, id)->ctr.rx_frames, 9);
	/* VM1 is the vEth's: another VSI may not bind it (status 5). */
	q = req1(VDP_TLV_ASSOC, 0, 2, VM1);
	CU_ASSERT_EQUAL(ask(x, H2, &q, UNTAGGED), 0x45);
	/* Nor take the vif of configured vEth 100 (status 4). */
	q = req1(VDP_TLV_ASSOC, 0, 3, VM2);
	CU_ASSERT_EQUAL(ask(x, H1, &q, 5), REFUSED);
	/* De-associated where it is, the VSI is free for anyone. */
	q = req1(VDP_TLV_DEASSOC, 0, 1, VM1);
	CU_ASSERT_EQUAL(ask(x, H1, &q, 9), OK);
	CU_ASSERT_PTR_NULL(sw_veth_by_id(x->sw, id));
	q = req1(VDP_TLV_ASSOC, 0, 1, VM1);
	CU_ASSERT_EQUAL(ask(x, H2, &q, UNTAGGED), OK);
	CU_ASSERT_PTR_NOT_NULL(veth_with_mac(x, VM1));

	counted = x->cp->n_vsi;
	sw_cplane_limits(x->cp, &lim);
	CU_ASSERT_EQUAL(lim.migrations, 2);
	CU_ASSERT_EQUAL(lim.migrations_pending, 1);
	CU_ASSERT_EQUAL(lim.migrations_refused, 4);
	CU_ASSERT_EQUAL(lim.binding_refused, 2);
	/* One VSI record left (on h2): the running count agrees with the
	 * machines'. */
	CU_ASSERT_EQUAL(lim.n_vsi, 1);
	CU_ASSERT_EQUAL(counted, 1);
	fx_close(x);
}

/* ---- LLDP neighbours --------------------------------------------------------------- */

static size_t
mk_lldp(uint8_t *out, uint32_t chassis)
{
	uint8_t src[6] = { 0x02, 0x11, 0, 0, 0, 0 };
	size_t n = 14;

	vn_put_be32(src + 2, chassis);
	memcpy(out, NB, 6);
	memcpy(out + 6, src, 6);
	vn_put_be16(out + 12, VN_ETH_LLDP);
	vn_put_be16(out + n, 1 << 9 | 7); /* Chassis ID: MAC */
	out[n + 2] = 4;
	memcpy(out + n + 3, src, 6);
	n += 9;
	vn_put_be16(out + n, 2 << 9 | 7); /* Port ID: MAC */
	out[n + 2] = 3;
	memcpy(out + n + 3, src, 6);
	n += 9;
	vn_put_be16(out + n, 3 << 9 | 2); /* TTL 120 s */
	vn_put_be16(out + n + 2, 120);
	n += 4;
	vn_put_be16(out + n, 0); /* End */
	n += 2;
	memset(out + n, 0, 60 - n);
	return 60;
}

static void
test_lldp_neighbors(void)
{
	struct fx *x = fx_open(conf_text);
	struct sw_cplane_limits lim;
	uint8_t f[64];

	for (uint32_t i = 0; i < 1000; i++)
		input(x, UP0, f, mk_lldp(f, i));
	sw_cplane_limits(x->cp, &lim);
	CU_ASSERT_EQUAL(lim.lldp_max_neighbors, 3);
	CU_ASSERT_EQUAL(lim.lldp_neighbors, 3);
	CU_ASSERT_EQUAL(lim.lldp_dropped, 997);
	fx_close(x);
}

/* ---- floods --------------------------------------------------------------------- */

static uint64_t rng = 0x243F6A8885A308D3ull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void
rnd_mac(uint8_t *m)
{
	uint64_t r = rnd();

	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)(r >> (8 * i));
	m[0] = (uint8_t)((m[0] & 0xFC) | 0x02); /* unicast, locally administered */
}

static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks;
}

/* The existing vEths still reach each other: 100 (h1 vif 5) <-> 101 (h3)
 * and the uplink -> 100, and a VDP vEth on h2 -> 101. */
static void
check_traffic(struct fx *x, const uint8_t *vdp_mac)
{
	uint8_t f[128];
	uint64_t rx100 = sw_veth_by_id(x->sw, 100)->ctr.tx_frames;

	clear_out(x);
	input(x, H1, f, mk_data(f, M101, M100, -1, 5));
	CU_ASSERT_EQUAL(frames_to(x, H3, M101), 1);
	input(x, H3, f, mk_data(f, M100, M101, 100, -1));
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 100)->ctr.tx_frames, rx100 + 1);
	input(x, UP0, f, mk_data(f, M100, UPMAC, 100, -1));
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 100)->ctr.tx_frames, rx100 + 2);
	if (vdp_mac) {
		clear_out(x);
		input(x, H2, f, mk_data(f, M101, vdp_mac, 100, -1));
		CU_ASSERT_EQUAL(frames_to(x, H3, M101), 1);
	}
}

static void
test_vdp_flood(void)
{
	struct fx *x = fx_open(conf_text);
	struct sw_cplane_limits lim;
	unsigned ok = 0, refused = 0, none = 0;
	size_t heap = 0;
	struct req q;
	const struct vdp_bridge_stats *st;

	/* An established VDP vEth on h2 before the flood. */
	q = req1(VDP_TLV_ASSOC, 0, 0xFFFFFF, VM2);
	CU_ASSERT_EQUAL_FATAL(ask(x, H2, &q, UNTAGGED), OK);
	check_traffic(x, VM2);
	/* 100k distinct VSIs with distinct MACs: 50k ASSOCIATEs on h2 fill
	 * its vEths (64), 50k PRE-ASSOCIATEs on h3 the switch's VSIs (200);
	 * the rest is refused with status 2. */
	for (uint32_t i = 0; i < FLOOD; i++) {
		uint8_t mac[6] = { 0x52, 0x54, 0x01, 0, 0, 0 };
		bool pre = i >= FLOOD / 2;
		int rc;

		vn_put_be32(mac + 2, 0x01000000 | i);
		q = req1(pre ? VDP_TLV_PREASSOC : VDP_TLV_ASSOC, 0, i, mac);
		rc = ask(x, pre ? H3 : H2, &q, UNTAGGED);
		ok += rc == OK;
		refused += rc == 0x42;
		none += rc < 0;
		/* Once each port's channel exists (its tables are allocated
		 * with it), nothing more is: the heap stays put. */
		if (i == 1000 || i == FLOOD / 2 + 1000)
			heap = heap_in_use();
		if (i == FLOOD / 2 - 1)
			CU_ASSERT(heap_in_use() <= heap + 65536);
	}
	CU_ASSERT_EQUAL(none, 0);
	CU_ASSERT_EQUAL(ok + refused, FLOOD);
	/* 63 more vEths (64 on h2 with the established one), 200 VSIs. */
	CU_ASSERT_EQUAL(x->sw->ports[H2].n_veths, 64);
	sw_cplane_limits(x->cp, &lim);
	CU_ASSERT_EQUAL(lim.n_vsi, 200);
	CU_ASSERT_EQUAL(ok, 199);
	CU_ASSERT_EQUAL(lim.veth_limit, FLOOD / 2 - 63);
	CU_ASSERT_EQUAL(lim.vsi_limit, FLOOD / 2 - 136);
	st = vdp_bridge_stats(x->cp->ports[H2].chans[0]->vdp);
	CU_ASSERT_EQUAL(st->n_vsi, 64);
	st = vdp_bridge_stats(x->cp->ports[H3].chans[0]->vdp);
	CU_ASSERT_EQUAL(st->n_vsi, 136);
	CU_ASSERT_EQUAL(x->sw->ports[H3].n_veths, 1); /* pre-associations make none */
	CU_ASSERT(heap_in_use() <= heap + 65536);
	/* The same on the VN-Tag port across vifs: 4 channels at most, each
	 * with a table of 16. */
	for (uint32_t i = 0; i < 2000; i++) {
		uint8_t mac[6] = { 0x52, 0x54, 0x02, 0, 0, 0 };

		vn_put_be32(mac + 2, i);
		q = req1(VDP_TLV_PREASSOC, 0, 0x100000 + i, mac);
		ask(x, H1, &q, 10 + (int)(i % 40));
	}
	CU_ASSERT_EQUAL(x->cp->ports[H1].n_chans, 4);
	sw_cplane_limits(x->cp, &lim);
	CU_ASSERT(lim.channels_refused > 0);
	CU_ASSERT_EQUAL(lim.n_vsi, 200); /* still at the switch's limit */
	/* The established vEths (configured and VDP) still forward, and the
	 * VDP one is still kept alive. */
	check_traffic(x, VM2);
	q = req1(VDP_TLV_ASSOC, 0, 0xFFFFFF, VM2);
	CU_ASSERT_EQUAL(ask(x, H2, &q, UNTAGGED), OK);
	fx_close(x);
}

static void
test_mac_flood(void)
{
	struct fx *x = fx_open(conf_text);
	const struct sw_veth *v100;
	uint8_t f[128], mac[6];
	size_t heap = 0;

	check_traffic(x, NULL); /* M100 and M101 learned */
	/* 100k random source MACs from vEth 100: it holds 64 FDB entries at
	 * most, every other learn is refused and counted; its frames still
	 * forward. */
	for (uint32_t i = 0; i < FLOOD; i++) {
		rnd_mac(mac);
		clear_out(x);
		input(x, H1, f, mk_data(f, M101, mac, -1, 5));
		if (i == 1000)
			heap = heap_in_use();
	}
	v100 = sw_veth_by_id(x->sw, 100);
	CU_ASSERT_EQUAL(v100->fdb_n, 64);
	CU_ASSERT_EQUAL(v100->fdb_refused, FLOOD - 63);
	CU_ASSERT_EQUAL(x->sw->fdb.veth_refused, FLOOD - 63);
	CU_ASSERT_EQUAL(v100->ctr.rx_frames, FLOOD + 1);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 101)->ctr.tx_frames, FLOOD + 1);
	/* 100k from the uplink: the FDB stops at fdb_max. */
	for (uint32_t i = 0; i < FLOOD; i++) {
		rnd_mac(mac);
		clear_out(x);
		input(x, UP0, f, mk_data(f, M100, mac, 100, -1));
	}
	CU_ASSERT_EQUAL(x->sw->fdb.t.n, 4096);
	CU_ASSERT(x->sw->fdb.full > 0);
	/* 100k on the auto-create port: 32 vEths, then drops as limit. */
	for (uint32_t i = 0; i < FLOOD; i++) {
		rnd_mac(mac);
		clear_out(x);
		input(x, H4, f, mk_data(f, M101, mac, -1, -1));
	}
	CU_ASSERT_EQUAL(x->sw->ports[H4].n_veths, 32);
	CU_ASSERT_EQUAL(x->sw->ports[H4].ctr.drops[SW_DROP_LIMIT], FLOOD - 32);
	CU_ASSERT(heap_in_use() <= heap + 65536);
	check_traffic(x, NULL);
	/* The share frees up as entries go (the vEth deleted). */
	CU_ASSERT_EQUAL(sw_veth_del(x->sw, 100), 0);
	CU_ASSERT(x->sw->fdb.t.n <= 4096 - 64);
	fx_close(x);
}

static void
add_suites(void)
{
	static const struct tu_test tests[] = {
		{ "migration needs the M and S hints", test_migration },
		{ "LLDP neighbours per agent", test_lldp_neighbors },
		{ "100k VDP requests", test_vdp_flood },
		{ "100k random source MACs", test_mac_flood },
		{ NULL, NULL },
	};
	tu_add_suite("abuse", tests);
}

int
main(void)
{
	return tu_run("test-abuse", add_suites);
}

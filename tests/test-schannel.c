/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-schannel.c - S-channels on VEPA ports (802.1Qbg clause 42): CDCP in
 * the control plane (switchd/cp_schan.c) and the S-tagged datapath
 * (switchd/pipeline.c).  A switch from a configuration string, the memory
 * back-end on every port, a control plane attached, a virtual clock that
 * runs sw_run_timers() at every deadline as replay does (tests/cptest.c,
 * the fixture the control plane tests share).  The station is
 * played with crafted LLDPDUs (lldp_encode), ECP/VDP frames and data
 * frames; what the switch sends is decoded and its bytes asserted.
 */
#include <config.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "switchd/admin.h"
#include "switchd/cp_internal.h"
#include "switchd/trace.h"
#include "switchd/writer.h"
#include "tests/cptest.h"
#include "vntag/eth.h"

#define UP 0 /* port indexes of conf_sc */
#define H2 1
#define H4 2

static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
/* h2: A, A2 on the default channel; B, C (VLAN 10) and D (VLAN 20) on S-VID
 * 100; E is what VDP associates; H on h4. */
static const uint8_t MA[6] = { 0x52, 0x54, 0x00, 0x00, 0x01, 0x01 };
static const uint8_t MA2[6] = { 0x52, 0x54, 0x00, 0x00, 0x01, 0x02 };
static const uint8_t MB[6] = { 0x52, 0x54, 0x00, 0x00, 0x01, 0x03 };
static const uint8_t MC[6] = { 0x52, 0x54, 0x00, 0x00, 0x01, 0x04 };
static const uint8_t MD[6] = { 0x52, 0x54, 0x00, 0x00, 0x01, 0x05 };
static const uint8_t ME[6] = { 0x52, 0x54, 0x00, 0xde, 0xad, 0x01 };

static const char *conf_sc =
	"switch = { name = \"tor1\"; mac = \"02:00:00:00:00:01\"; lldp = { admin = \"rxtx\"; }; };\n"
	"ports = (\n"
	"  { name = \"up0\"; role = \"uplink\"; vlans = [10, 20]; },\n"
	"  { name = \"h2\"; role = \"host\"; mode = \"vepa\"; reflective_relay = true;\n"
	"    schannels = { chncap = 4; svid_min = 100; svid_max = 199; }; },\n"
	"  { name = \"h4\"; role = \"host\"; mode = \"vepa\"; reflective_relay = true; }\n"
	");\n"
	"profiles = ( { name = \"web\"; type_id = 42; type_version = 3; vlan = 10; } );\n"
	"veths = (\n"
	"  { id = 1; port = \"h2\"; mac = \"52:54:00:00:01:01\"; vlan = 10; },\n"
	"  { id = 2; port = \"h2\"; mac = \"52:54:00:00:01:02\"; vlan = 10; },\n"
	"  { id = 3; port = \"h2\"; mac = \"52:54:00:00:01:03\"; vlan = 10; svid = 100; },\n"
	"  { id = 4; port = \"h2\"; mac = \"52:54:00:00:01:04\"; vlan = 10; svid = 100; },\n"
	"  { id = 5; port = \"h2\"; mac = \"52:54:00:00:01:05\"; vlan = 20; svid = 100; },\n"
	"  { id = 6; port = \"h4\"; mac = \"52:54:00:00:04:01\"; vlan = 10; }\n"
	");\n";

/* ---- fixture (the rest: tests/cptest.h) -------------------------------------------- */

static uint64_t
drops(struct fx *x, unsigned port, enum sw_drop d)
{
	return sw_port(x->sw, port)->ctr.drops[d];
}

static const struct sw_veth *
veth(struct fx *x, uint32_t id)
{
	return sw_veth_by_id(x->sw, id);
}

/* ---- frames ------------------------------------------------------------------------ */

/* DA SA [S-tag svid] [C-tag cvid]: returns the length so far. */
static size_t
put_tags(uint8_t *out, const uint8_t *dst, const uint8_t *src, int svid, int cvid)
{
	size_t n = 12;

	memcpy(out, dst, 6);
	memcpy(out + 6, src, 6);
	if (svid != NONE) {
		vn_put_be16(out + n, VN_ETH_STAG);
		vn_put_be16(out + n + 2, (uint16_t)svid);
		n += 4;
	}
	if (cvid != NONE) {
		vn_put_be16(out + n, VN_ETH_CTAG);
		vn_put_be16(out + n + 2, (uint16_t)cvid);
		n += 4;
	}
	return n;
}

/* A data frame: EtherType 0x88B5, padded to 64 bytes. */
static size_t
mk_data(uint8_t *out, const uint8_t *dst, const uint8_t *src, int svid, int cvid)
{
	return fx_put_data(out, put_tags(out, dst, src, svid, cvid), NONE, 64);
}

struct st_lldp {
	uint8_t agent; /* last byte of the DA: 0x03, 0x0E or 0x00 */
	int svid;      /* S-tag, or NONE */
	uint16_t ttl;
	bool cdcp;
	uint16_t chncap;
	uint16_t n_pairs;
	uint16_t pairs[4][2];
	bool evb;
	bool rrreq;
};

/* A station LLDPDU: chassis = its MAC, port "eth0", the TLVs asked for. */
static size_t
mk_lldp(uint8_t *out, const struct st_lldp *q)
{
	static struct lldp_pdu pdu; /* large: off the stack */
	uint8_t da[6];
	size_t n, len = 0;

	memset(&pdu, 0, sizeof(pdu));
	pdu.chassis.subtype = LLDP_CHASSIS_MAC;
	pdu.chassis.len = 6;
	memcpy(pdu.chassis.id, STATION, 6);
	pdu.port.subtype = LLDP_PORT_IFNAME;
	pdu.port.len = 4;
	memcpy(pdu.port.id, "eth0", 4);
	pdu.ttl = q->ttl;
	pdu.end = true;
	if (q->cdcp) {
		pdu.has_cdcp = true;
		pdu.cdcp.role = LLDP_CDCP_ROLE_STATION;
		pdu.cdcp.scomp = true;
		pdu.cdcp.chncap = q->chncap;
		pdu.cdcp.n_chan = q->n_pairs;
		for (unsigned i = 0; i < q->n_pairs; i++) {
			pdu.cdcp.chan[i].scid = q->pairs[i][0];
			pdu.cdcp.chan[i].svid = q->pairs[i][1];
		}
	}
	if (q->evb) {
		pdu.has_evb = true;
		pdu.evb.mode = LLDP_EVB_MODE_STATION;
		pdu.evb.rrreq = q->rrreq;
		pdu.evb.rrstat = 3;
		pdu.evb.r = 3;
		pdu.evb.rte = 8;
		pdu.evb.rwd = 20;
		pdu.evb.rka = 20;
	}
	memcpy(da, NCB, 5);
	da[5] = q->agent;
	n = put_tags(out, da, STATION, q->svid, NONE);
	vn_put_be16(out + n, VN_ETH_LLDP);
	n += 2;
	CU_ASSERT_FATAL(lldp_encode(&pdu, out + n, 1500, &len, NULL) == 0);
	return fx_pad60(out, n + len);
}

/* The station of the brief: CDCP to 01-80-C2-00-00-03, role station, SComp,
 * ChnCap 4, pairs (1,0) (2,0). */
static size_t
mk_station_cdcp(uint8_t *out, uint16_t ttl, uint8_t agent)
{
	struct st_lldp q = { .agent = agent,
		.svid = NONE,
		.ttl = ttl,
		.cdcp = true,
		.chncap = 4,
		.n_pairs = 2,
		.pairs = { { 1, 0 }, { 2, 0 } } };

	return mk_lldp(out, &q);
}

/* An ECP request with one VDP ASSOCIATE (type 42 v3, MAC/VID filter mac,
 * VID 0) to the nearest customer bridge, S-tagged when svid != NONE. */
static size_t
mk_assoc(uint8_t *out, const uint8_t *mac, uint16_t seq, int svid, uint8_t vsiid_last)
{
	struct vdp_vsi v = fx_vsi(VDP_TLV_ASSOC, 42, 3, vsiid_last);
	struct vdp_filter f = { 0 };

	memcpy(f.mac, mac, 6);
	return fx_put_vdp(
		out, put_tags(out, NCB, STATION, svid, NONE), "vnswitch-test", &v, &f, 1, seq);
}

static size_t
mk_ack(uint8_t *out, uint16_t seq, int svid)
{
	return fx_put_ack(out, put_tags(out, NCB, STATION, svid, NONE), seq);
}

/* ---- what the switch sent ------------------------------------------------------------- */

/* Data frames (0x88B5) port p sent since clear_out. */
static unsigned
n_data(struct fx *x, unsigned p)
{
	unsigned n = 0;

	for (unsigned i = 0; i < x->m[p].n; i++)
		n += vn_get_be16(x->m[p].data[i] + 12) == 0x88B5 ||
			vn_get_be16(x->m[p].data[i] + 16) == 0x88B5 ||
			vn_get_be16(x->m[p].data[i] + 20) == 0x88B5;
	return n;
}

/* The k-th data frame port p sent, as bytes (NULL if none). */
static const uint8_t *
data_out(struct fx *x, unsigned p, unsigned k, size_t *len)
{
	for (unsigned i = 0; i < x->m[p].n; i++) {
		const uint8_t *f = x->m[p].data[i];

		if ((vn_get_be16(f + 12) == 0x88B5 || vn_get_be16(f + 16) == 0x88B5 ||
			    vn_get_be16(f + 20) == 0x88B5) &&
			k-- == 0) {
			*len = x->m[p].len[i];
			return f;
		}
	}
	return NULL;
}

/* The k-th LLDPDU port p sent to group address 01-80-C2-00-00-<agent>
 * with S-VID svid (NONE: untagged), decoded into S; NULL if none. */
static const struct sent *
lldp_out(struct fx *x, unsigned p, uint8_t agent, int svid, unsigned k, unsigned *index)
{
	for (unsigned i = 0; i < x->m[p].n; i++) {
		decode_out(x->m[p].data[i], x->m[p].len[i], &S);
		if (S.lldp && S.dst[5] == agent && S.svid == svid && k-- == 0) {
			if (index)
				*index = i;
			return &S;
		}
	}
	return NULL;
}

/* The station's CDCP TLV arrives and the switch runs its timers: channel 2
 * gets S-VID 100 (the pool's first). */
static void
grant(struct fx *x, uint16_t ttl)
{
	uint8_t f[256];

	input(x, H2, f, mk_station_cdcp(f, ttl, 0x03));
	advance(x, x->now);
	CU_ASSERT_EQUAL_FATAL(sw_schan_slot(sw_port(x->sw, H2), 100), 2);
}

/* Everything a writer renders from a show function, as JSON text (free). */
static char *
render(struct fx *x, void (*fn)(struct sw_writer *, struct sw_cplane *))
{
	struct fx_json j;

	fx_json_open(&j);
	fn(&j.w, x->cp);
	return fx_json_close(&j);
}

static char *
render_neighbors(struct fx *x)
{
	struct fx_json j;

	fx_json_open(&j);
	sw_cplane_show_lldp_neighbors(&j.w, x->cp, x->now);
	return fx_json_close(&j);
}

/* ---- CDCP -------------------------------------------------------------------------- */

/* tcpdump -vv decodes the bridge's CDCP TLV as the brief's (1,1) (2,100);
 * skipped without tcpdump. */
static void
tcpdump_check(const uint8_t *frame, size_t len)
{
	char path[] = "/tmp/vnswitch-schannel-XXXXXX";
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)len, .len = (bpf_u_int32)len };
	char cmd[256], out[8192];
	pcap_dumper_t *d;
	size_t n = 0;
	pcap_t *p;
	FILE *f;
	int fd;

	if (system("command -v tcpdump >/dev/null 2>&1") != 0) {
		fprintf(stderr, "(tcpdump not found: CDCP wire check skipped) ");
		return;
	}
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	p = pcap_open_dead(DLT_EN10MB, 65535);
	d = pcap_dump_open(p, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	pcap_dump((u_char *)d, &h, frame);
	pcap_dump_close(d);
	pcap_close(p);
	snprintf(cmd, sizeof(cmd), "tcpdump -nn -vv -r %s 2>&1", path);
	f = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	pclose(f);
	unlink(path);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "CDCP Subtype (14)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Role: 0, RES: 0, Scomp: 1 ChnCap: 4"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "SCID: 1, SVID: 1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "SCID: 2, SVID: 100"));
	if (!strstr(out, "SCID: 2, SVID: 100"))
		fprintf(stderr, "%s\n", out);
}

static void
test_cdcp_grant(void)
{
	struct fx *x = fx_open(conf_sc);
	const struct cp_port *pp = &x->cp->ports[H2];
	const struct sent *s;
	unsigned idx;
	uint8_t f[256];

	/* Before any station: the non-TPMR agent advertises the default
	 * channel alone; the port without schannels has no such agent. */
	s = lldp_out(x, H2, 0x03, NONE, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(s->lldp_pdu.has_cdcp);
	CU_ASSERT_EQUAL(s->lldp_pdu.cdcp.role, LLDP_CDCP_ROLE_BRIDGE);
	CU_ASSERT_EQUAL(s->lldp_pdu.cdcp.n_chan, 1);
	CU_ASSERT_EQUAL(s->lldp_pdu.cdcp.chan[0].scid, 1);
	CU_ASSERT_EQUAL(s->lldp_pdu.cdcp.chan[0].svid, 1);
	CU_ASSERT_FALSE(lldp_out(x, H2, 0x0E, NONE, 0, NULL)->lldp_pdu.has_cdcp);
	CU_ASSERT_PTR_NULL(lldp_out(x, H4, 0x03, NONE, 0, NULL));
	CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 1), 1);
	CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 100), 0);

	/* The station asks for (1,0) (2,0): the answer grants (1,1) (2,100). */
	clear_out(x);
	advance(x, T0 + SEC / 2);
	input(x, H2, f, mk_station_cdcp(f, 120, 0x03));
	advance(x, x->now);
	CU_ASSERT_TRUE(pp->cdcp_has_station);
	CU_ASSERT_EQUAL(pp->cdcp_from, CP_NTPMR);
	s = lldp_out(x, H2, 0x03, NONE, 0, &idx);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(s->lldp_pdu.has_cdcp);
	CU_ASSERT_EQUAL(s->lldp_pdu.cdcp.role, LLDP_CDCP_ROLE_BRIDGE);
	CU_ASSERT_TRUE(s->lldp_pdu.cdcp.scomp);
	CU_ASSERT_EQUAL(s->lldp_pdu.cdcp.chncap, 4);
	CU_ASSERT_EQUAL_FATAL(s->lldp_pdu.cdcp.n_chan, 2);
	CU_ASSERT_EQUAL(s->lldp_pdu.cdcp.chan[0].scid, 1);
	CU_ASSERT_EQUAL(s->lldp_pdu.cdcp.chan[0].svid, 1);
	CU_ASSERT_EQUAL(s->lldp_pdu.cdcp.chan[1].scid, 2);
	CU_ASSERT_EQUAL(s->lldp_pdu.cdcp.chan[1].svid, 100);
	/* On the wire: OUI 00-80-C2, subtype 0E, role 0 + SComp, ChnCap 4,
	 * then (1,1) (2,100) as 3-byte pairs (protocols.md 5.5). */
	{
		const uint8_t want[] = { 0xFE, 0x0E, 0x00, 0x80, 0xC2, 0x0E, 0x08, 0x00, 0x00,
			0x04, 0x00, 0x10, 0x01, 0x00, 0x20, 0x64 };
		const uint8_t *b = x->m[H2].data[idx];
		size_t len = x->m[H2].len[idx];
		bool found = false;

		for (size_t i = 14; i + sizeof(want) <= len && !found; i++)
			found = !memcmp(b + i, want, sizeof(want));
		CU_ASSERT_TRUE(found);
		tcpdump_check(b, len);
	}
	/* The channel is a sub-port with its own agent and ECP/VDP channel. */
	CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 100), 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pp->schans[2]);
	CU_ASSERT_EQUAL(pp->schans[2]->scid, 2);
	CU_ASSERT_EQUAL(pp->schans[2]->svid, 100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pp->schans[2]->chan);
	CU_ASSERT_EQUAL(pp->schans[2]->chan->kind, CP_CHAN_SVID);
	/* The same TLV again changes nothing (stable S-VIDs). */
	clear_out(x);
	advance(x, x->now + SEC);
	input(x, H2, f, mk_station_cdcp(f, 120, 0x03));
	advance(x, x->now);
	CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 100), 2);
	CU_ASSERT_EQUAL(cdcp_bridge_stats(pp->cdcp)->granted, 1);
	/* show schannels. */
	{
		char *j = render(x, sw_cplane_show_schannels);

		CU_ASSERT_PTR_NOT_NULL(
			strstr(j, "\"port\":\"h2\",\"chncap\":4,\"svid_min\":100"));
		CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"state\":\"operational\""));
		CU_ASSERT_PTR_NOT_NULL(
			strstr(j, "\"station_agent\":\"nearest_nontpmr_bridge\""));
		CU_ASSERT_PTR_NOT_NULL(
			strstr(j, "\"station\":{\"present\":true,\"role\":\"station\""));
		CU_ASSERT_PTR_NOT_NULL(strstr(j, "{\"scid\":2,\"svid\":0}"));
		CU_ASSERT_PTR_NOT_NULL(strstr(j, "{\"scid\":2,\"svid\":100}"));
		CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"scid\":2,\"svid\":100,\"default\":false"));
		CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"lldp_port_id\":\"h2.100\""));
		CU_ASSERT_PTR_NULL(strstr(j, "\"port\":\"h4\""));
		free(j);
	}
	fx_close(x);
}

/* The station's TLV on the nearest-bridge agent is accepted too, and
 * answered there. */
static void
test_cdcp_nearest_bridge(void)
{
	struct fx *x = fx_open(conf_sc);
	const struct cp_port *pp = &x->cp->ports[H2];
	const struct sent *s;
	uint8_t f[256];

	clear_out(x);
	input(x, H2, f, mk_station_cdcp(f, 120, 0x0E));
	advance(x, x->now);
	CU_ASSERT_TRUE(pp->cdcp_has_station);
	CU_ASSERT_EQUAL(pp->cdcp_from, CP_NB);
	CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 100), 2);
	s = lldp_out(x, H2, 0x0E, NONE, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(s->lldp_pdu.has_cdcp);
	CU_ASSERT_EQUAL(s->lldp_pdu.cdcp.n_chan, 2);
	s = lldp_out(x, H2, 0x03, NONE, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->lldp_pdu.cdcp.n_chan, 2);
	/* On the customer-bridge agent it is not CDCP's (S-VLAN components
	 * relay that address). */
	fx_close(x);
	x = fx_open(conf_sc);
	input(x, H2, f, mk_station_cdcp(f, 120, 0x00));
	advance(x, x->now);
	CU_ASSERT_FALSE(x->cp->ports[H2].cdcp_has_station);
	CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 100), 0);
	fx_close(x);
}

/* ---- datapath ------------------------------------------------------------------------ */

static void
test_datapath(void)
{
	uint64_t tx3, tx4;
	struct fx *x = fx_open(conf_sc);
	const uint8_t *o;
	uint8_t f[128];
	size_t len;

	/* Before CDCP granted it, S-VID 100 is no channel. */
	input(x, H2, f, mk_data(f, MA, MB, 100, 10));
	CU_ASSERT_EQUAL(drops(x, H2, SW_DROP_UNKNOWN_CHANNEL), 1);
	CU_ASSERT_EQUAL(veth(x, 3)->ctr.rx_frames, 0);
	grant(x, 120);

	/* A broadcast from A (default channel, untagged): one copy per
	 * (port, channel) with a member in VLAN 10 -- h2 default (A2; relay
	 * on), h2 S-VID 100 (B, C), h4, the uplink. */
	clear_out(x);
	input(x, H2, f, mk_data(f, BCAST, MA, NONE, 10));
	CU_ASSERT_EQUAL(veth(x, 1)->ctr.rx_frames, 1);
	CU_ASSERT_EQUAL_FATAL(n_data(x, H2), 2);
	CU_ASSERT_EQUAL(n_data(x, H4), 1);
	CU_ASSERT_EQUAL(n_data(x, UP), 1);
	{
		unsigned tagged = 0;

		for (unsigned k = 0; k < 2; k++) {
			o = data_out(x, H2, k, &len);
			decode_out(o, len, &S);
			CU_ASSERT_EQUAL(S.cvid, 10);
			tagged += S.svid == 100;
			CU_ASSERT(S.svid == 100 || S.svid == NONE);
		}
		CU_ASSERT_EQUAL(tagged, 1);
	}

	/* B (S-VID 100) -> A (default channel): another sub-port of the same
	 * port, forwarded whatever the relay; default channel frames go
	 * without an S-tag, with A's C-tag. */
	clear_out(x);
	input(x, H2, f, mk_data(f, MA, MB, 100, 10));
	CU_ASSERT_EQUAL(veth(x, 3)->ctr.rx_frames, 1);
	o = data_out(x, H2, 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(memcmp(o, MA, 6), 0);
	CU_ASSERT_EQUAL(memcmp(o + 6, MB, 6), 0);
	CU_ASSERT_EQUAL(memcmp(o + 12, "\x81\x00\x00\x0a\x88\xb5", 6), 0);
	CU_ASSERT_EQUAL(veth(x, 1)->ctr.tx_frames, 1);

	/* A -> B: S-tag 0x88A8 S-VID 100 first, then the C-tag, then the
	 * payload as it came. */
	clear_out(x);
	tx3 = veth(x, 3)->ctr.tx_frames;
	input(x, H2, f, mk_data(f, MB, MA, NONE, 10));
	o = data_out(x, H2, 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(len, 68);
	CU_ASSERT_EQUAL(memcmp(o, MB, 6), 0);
	CU_ASSERT_EQUAL(memcmp(o + 6, MA, 6), 0);
	CU_ASSERT_EQUAL(memcmp(o + 12, "\x88\xa8\x00\x64\x81\x00\x00\x0a\x88\xb5\xab", 11), 0);
	CU_ASSERT_EQUAL(veth(x, 3)->ctr.tx_frames, tx3 + 1);
	/* The uplink -> B: the same encapsulation. */
	clear_out(x);
	input(x, UP, f, mk_data(f, MB, UPMAC, NONE, 10));
	o = data_out(x, H2, 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(memcmp(o + 12, "\x88\xa8\x00\x64\x81\x00\x00\x0a\x88\xb5", 10), 0);

	/* B -> C: the same channel, its relay on (configured, no station
	 * EVB on the channel yet): reflected with its S-tag. */
	input(x, H2, f, mk_data(f, UPMAC, MC, 100, 10)); /* the FDB learns C */
	clear_out(x);
	tx4 = veth(x, 4)->ctr.tx_frames;
	input(x, H2, f, mk_data(f, MC, MB, 100, 10));
	CU_ASSERT_EQUAL(n_data(x, H2), 1);
	o = data_out(x, H2, 0, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(memcmp(o + 12, "\x88\xa8\x00\x64\x81\x00\x00\x0a", 8), 0);
	CU_ASSERT_EQUAL(veth(x, 4)->ctr.tx_frames, tx4 + 1);

	/* The default channel S-tagged with S-VID 1 is the default channel:
	 * A2 -> A, tagged and untagged alike, reflected untagged (relay on). */
	clear_out(x);
	input(x, H2, f, mk_data(f, MA, MA2, 1, 10));
	input(x, H2, f, mk_data(f, MA, MA2, NONE, 10));
	CU_ASSERT_EQUAL(veth(x, 2)->ctr.rx_frames, 2);
	CU_ASSERT_EQUAL_FATAL(n_data(x, H2), 2);
	for (unsigned k = 0; k < 2; k++) {
		o = data_out(x, H2, k, &len);
		CU_ASSERT_EQUAL(memcmp(o + 12, "\x81\x00\x00\x0a\x88\xb5", 6), 0);
	}

	/* An S-VID no channel has: dropped, counted. */
	clear_out(x);
	input(x, H2, f, mk_data(f, MA, MB, 150, 10));
	input(x, H2, f, mk_data(f, BCAST, MB, 0, 10));
	CU_ASSERT_EQUAL(drops(x, H2, SW_DROP_UNKNOWN_CHANNEL), 3);
	CU_ASSERT_EQUAL(x->m[H2].n + x->m[UP].n + x->m[H4].n, 0);

	/* Bindings are per channel: A's MAC+VLAN on S-VID 100 is not A. */
	input(x, H2, f, mk_data(f, MB, MA, 100, 10));
	CU_ASSERT_EQUAL(drops(x, H2, SW_DROP_UNKNOWN_VETH), 1);
	CU_ASSERT_EQUAL(veth(x, 1)->ctr.rx_frames, 2);

	/* Inside a channel the VEPA rules: D is VLAN 20 (a C-tag 10 is not
	 * its binding), two C-tags are malformed, untagged is VLAN 0. */
	input(x, H2, f, mk_data(f, MA, MD, 100, 10));
	CU_ASSERT_EQUAL(drops(x, H2, SW_DROP_UNKNOWN_VETH), 2);
	{
		size_t n = mk_data(f, MA, MD, 100, 20);

		memmove(f + 24, f + 20, n - 24);
		vn_put_be16(f + 20, VN_ETH_CTAG);
		vn_put_be16(f + 22, 20);
		input(x, H2, f, n);
		CU_ASSERT_EQUAL(drops(x, H2, SW_DROP_MALFORMED), 1);
	}
	/* A VLAN 20 flood from the uplink: h2 has one member there, D on
	 * S-VID 100: one copy, S-tag 100 + C-tag 20. */
	clear_out(x);
	input(x, UP, f, mk_data(f, BCAST, UPMAC, NONE, 20));
	CU_ASSERT_EQUAL_FATAL(n_data(x, H2), 1);
	o = data_out(x, H2, 0, &len);
	CU_ASSERT_EQUAL(memcmp(o + 12, "\x88\xa8\x00\x64\x81\x00\x00\x14", 8), 0);

	/* A port without schannels: S-tagged frames are missing_tag as
	 * before. */
	input(x, H4, f, mk_data(f, MA, (const uint8_t *)"\x52\x54\x00\x00\x04\x01", 100, 10));
	CU_ASSERT_EQUAL(drops(x, H4, SW_DROP_MISSING_TAG), 1);
	CU_ASSERT_EQUAL(drops(x, H4, SW_DROP_UNKNOWN_CHANNEL), 0);

	/* vnctl trace shows the S-tag. */
	{
		struct sw_trace tr;

		sw_trace_init(&tr);
		sw_input(x->sw, H2, f, mk_data(f, MB, MA, NONE, 10), x->now, &tr);
		CU_ASSERT_EQUAL_FATAL(tr.n_outputs, 1);
		CU_ASSERT_STRING_EQUAL(tr.outputs[0].encap, "802.1ad svid=100 802.1Q vid=10");
		sw_trace_init(&tr);
		sw_input(x->sw, H2, f, mk_data(f, MA, MB, 100, 10), x->now, &tr);
		CU_ASSERT_PTR_NOT_NULL(strstr(tr.steps[0], "S-VID 100"));
	}
	/* show veths: svid on the port with S-channels only. */
	{
		char *j = render_state(x);

		CU_ASSERT_PTR_NOT_NULL(
			strstr(j, "\"mac\":\"52:54:00:00:01:03\",\"svid\":100,\"vlan\":10"));
		CU_ASSERT_PTR_NOT_NULL(
			strstr(j, "\"mac\":\"52:54:00:00:01:01\",\"svid\":1,\"vlan\":10"));
		CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"mac\":\"52:54:00:00:04:01\",\"vlan\":10"));
		CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"unknown_channel\":3"));
		CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"schannels\":[{\"port\":\"h2\""));
		free(j);
	}
	fx_close(x);
}

/* Reflective relay per channel, each from its own EVB negotiation. */
static void
test_relay_per_channel(void)
{
	struct fx *x = fx_open(conf_sc);
	struct st_lldp q = { .agent = 0x00, .ttl = 120, .evb = true };
	const struct cp_port *pp = &x->cp->ports[H2];
	uint8_t f[256];

	grant(x, 120);
	/* The FDB learns A, A2 and C. */
	input(x, H2, f, mk_data(f, UPMAC, MA, NONE, 10));
	input(x, H2, f, mk_data(f, UPMAC, MA2, NONE, 10));
	input(x, H2, f, mk_data(f, UPMAC, MC, 100, 10));
	/* The channel's station says no RRREQ inside S-VID 100. */
	q.svid = 100;
	q.rrreq = false;
	input(x, H2, f, mk_lldp(f, &q));
	CU_ASSERT_TRUE(pp->schans[2]->evb.has_station);
	CU_ASSERT_FALSE(sw_schan_relay(sw_port(x->sw, H2), 100));
	CU_ASSERT_TRUE(sw_schan_relay(sw_port(x->sw, H2), 1));
	clear_out(x);
	input(x, H2, f, mk_data(f, MC, MB, 100, 10)); /* B -> C: no way back */
	CU_ASSERT_EQUAL(n_data(x, H2), 0);
	CU_ASSERT_EQUAL(drops(x, H2, SW_DROP_NO_ROUTE), 1);
	input(x, H2, f, mk_data(f, MB, MA, NONE, 10));  /* A -> B: another sub-port */
	input(x, H2, f, mk_data(f, MA, MB, 100, 10));   /* B -> A */
	input(x, H2, f, mk_data(f, MA2, MA, NONE, 10)); /* A -> A2: default relay on */
	CU_ASSERT_EQUAL(n_data(x, H2), 3);
	/* A flood from B: the default channel and the uplink, not back down
	 * S-VID 100. */
	clear_out(x);
	input(x, H2, f, mk_data(f, BCAST, MB, 100, 10));
	CU_ASSERT_EQUAL_FATAL(n_data(x, H2), 1);
	{
		size_t len;
		const uint8_t *o = data_out(x, H2, 0, &len);

		CU_ASSERT_EQUAL(vn_get_be16(o + 12), VN_ETH_CTAG);
	}
	/* Then the other way round: the channel asks for relay, the port's
	 * own station (default channel) does not. */
	q.rrreq = true;
	input(x, H2, f, mk_lldp(f, &q));
	q.svid = NONE;
	q.rrreq = false;
	input(x, H2, f, mk_lldp(f, &q));
	CU_ASSERT_TRUE(sw_schan_relay(sw_port(x->sw, H2), 100));
	CU_ASSERT_FALSE(sw_schan_relay(sw_port(x->sw, H2), 1));
	clear_out(x);
	input(x, H2, f, mk_data(f, MC, MB, 100, 10));   /* reflected */
	input(x, H2, f, mk_data(f, MA2, MA, NONE, 10)); /* no_route */
	CU_ASSERT_EQUAL(n_data(x, H2), 1);
	CU_ASSERT_EQUAL(drops(x, H2, SW_DROP_NO_ROUTE), 2);
	/* The channel agent answers its station inside the S-tag: Port ID
	 * "h2.100", RRCTR set. */
	advance(x, x->now + 2 * SEC);
	{
		const struct sent *s = lldp_out(x, H2, 0x00, 100, 0, NULL);

		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_EQUAL(s->lldp_pdu.port.len, 6);
		CU_ASSERT_EQUAL(memcmp(s->lldp_pdu.port.id, "h2.100", 6), 0);
		CU_ASSERT_TRUE(s->lldp_pdu.has_evb);
		CU_ASSERT_TRUE(s->lldp_pdu.evb.rrctr);
		CU_ASSERT_EQUAL(s->lldp_pdu.evb.mode, LLDP_EVB_MODE_BRIDGE);
	}
	/* show lldp neighbors / statistics list the channel's agent. */
	{
		char *j = render(x, sw_cplane_show_lldp_stats);

		CU_ASSERT_PTR_NOT_NULL(strstr(j,
			"\"port\":\"h2\",\"agent\":\"nearest_customer_bridge\",\"svid\":100"));
		CU_ASSERT_PTR_NOT_NULL(strstr(
			j, "\"port\":\"h2\",\"agent\":\"nearest_nontpmr_bridge\",\"svid\":0"));
		free(j);
		j = render_neighbors(x);
		CU_ASSERT_PTR_NOT_NULL(strstr(j,
			"\"port\":\"h2\",\"agent\":\"nearest_customer_bridge\",\"svid\":100"));
		CU_ASSERT_PTR_NOT_NULL(
			strstr(j, "\"agent\":\"nearest_nontpmr_bridge\",\"svid\":0"));
		free(j);
	}
	/* Configured off on the port: off on every channel. */
	{
		char err[128];

		CU_ASSERT_EQUAL(
			sw_port_set(x->sw, "h2", "reflective_relay", "false", err, sizeof(err)),
			0);
		CU_ASSERT_FALSE(sw_schan_relay(sw_port(x->sw, H2), 100));
		CU_ASSERT_FALSE(pp->schans[2]->evb.tlv.rrcap);
		CU_ASSERT_EQUAL(
			sw_port_set(x->sw, "h2", "reflective_relay", "true", err, sizeof(err)),
			0);
		CU_ASSERT_TRUE(sw_schan_relay(sw_port(x->sw, H2), 100));
	}
	fx_close(x);
}

static bool
event_has(struct fx *x, uint32_t id, const char *text)
{
	for (size_t i = 0; i < sw_n_events(x->sw); i++) {
		const struct sw_event *e = sw_event_at(x->sw, i);

		if (e->veth == id && strstr(e->detail, text))
			return true;
	}
	return false;
}

static uint32_t
associate(struct fx *x, const uint8_t *mac, uint16_t seq, uint8_t last)
{
	const struct sent *s;
	uint8_t f[256];
	uint32_t id = 0;

	clear_out(x);
	input(x, H2, f, mk_assoc(f, mac, seq, 100, last));
	s = vdp_out(x, H2, 100, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->vdp.vsi[0].status.error, 0);
	input(x, H2, f, mk_ack(f, s->e.seq, 100));
	for (size_t k = 0; k < sw_veth_slots(x->sw); k++) {
		const struct sw_veth *w = sw_veth_slot(x->sw, k);

		if (w && w->origin == SW_ORIGIN_VDP && !memcmp(w->mac, mac, 6))
			id = w->id;
	}
	CU_ASSERT_NOT_EQUAL(id, 0);
	return id;
}

/* ---- VDP on a channel ------------------------------------------------------------------ */

static void
test_vdp_on_channel(void)
{
	struct fx *x = fx_open(conf_sc);
	const struct sw_veth *v = NULL;
	const struct sent *s;
	uint8_t f[256];
	uint16_t rseq;
	size_t len;

	grant(x, 120);
	clear_out(x);
	input(x, H2, f, mk_assoc(f, ME, 7, 100, 0x61));
	/* The ACK and the answer carry the channel's S-tag. */
	CU_ASSERT_EQUAL(count_acks(x, H2, 100, 7), 1);
	CU_ASSERT_EQUAL(count_acks(x, H2, NONE, 7), 0);
	s = vdp_out(x, H2, 100, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->vdp.vsi[0].status.error, 0);
	CU_ASSERT_EQUAL(s->vdp.filters[0].vid, 10);
	rseq = s->e.seq;
	/* The first bytes after SA: S-tag 100, then ECP. */
	for (unsigned i = 0; i < x->m[H2].n; i++)
		if (vn_get_be16(x->m[H2].data[i] + 16) == VN_ETH_ECP)
			CU_ASSERT_EQUAL(
				memcmp(x->m[H2].data[i] + 12, "\x88\xa8\x00\x64\x89\x40", 6),
				0);
	input(x, H2, f, mk_ack(f, rseq, 100));
	for (size_t k = 0; k < sw_veth_slots(x->sw); k++) {
		const struct sw_veth *w = sw_veth_slot(x->sw, k);

		if (w && w->origin == SW_ORIGIN_VDP)
			v = w;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->svid, 100);
	CU_ASSERT_EQUAL(v->vlan, 10);
	/* Its traffic: on S-VID 100 it is the vEth, untagged it is unknown. */
	clear_out(x);
	input(x, H2, f, mk_data(f, UPMAC, ME, 100, 10));
	CU_ASSERT_EQUAL(v->ctr.rx_frames, 1);
	CU_ASSERT_EQUAL(n_data(x, UP), 1);
	input(x, H2, f, mk_data(f, UPMAC, ME, NONE, 10));
	CU_ASSERT_EQUAL(drops(x, H2, SW_DROP_UNKNOWN_VETH), 1);
	clear_out(x);
	input(x, UP, f, mk_data(f, ME, UPMAC, NONE, 10));
	CU_ASSERT_PTR_NOT_NULL_FATAL(data_out(x, H2, 0, &len));
	CU_ASSERT_EQUAL(
		memcmp(data_out(x, H2, 0, &len) + 12, "\x88\xa8\x00\x64\x81\x00", 6), 0);
	/* The untagged channel knows nothing of it; the same MAC there is
	 * refused (a MAC is bound once per VLAN, as across ports). */
	clear_out(x);
	input(x, H2, f, mk_assoc(f, ME, 1, NONE, 0x62));
	s = vdp_out(x, H2, NONE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->vdp.vsi[0].status.error, VDP_ERR_INVALID_VID_GROUP_MAC);
	/* vnctl veth del: an unsolicited DE-ASSOCIATE inside the S-tag. */
	{
		uint32_t id = v->id;

		clear_out(x);
		CU_ASSERT_EQUAL(sw_veth_del(x->sw, id), 0);
		s = vdp_out(x, H2, 100, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_EQUAL(s->vdp.vsi[0].mode, VDP_TLV_DEASSOC);
		CU_ASSERT_PTR_NULL(veth(x, id));
		input(x, H2, f, mk_ack(f, s->e.seq, 100));
		v = veth(x, associate(x, ME, 9, 0x63));
		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	}
	/* show vdp / show veths name the channel. */
	{
		char *j = render(x, sw_cplane_show_vdp);

		CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"channel\":\"svid\",\"channel_id\":100"));
		free(j);
		j = render_state(x);
		CU_ASSERT_PTR_NOT_NULL(strstr(
			j, "\"svid\":100,\"vlan\":10,\"profile\":\"web\",\"origin\":\"vdp\""));
		free(j);
	}
	fx_close(x);
}

/* ---- the station goes ---------------------------------------------------------------------- */

static void
test_station_ttl_expiry(void)
{
	struct fx *x = fx_open(
		"switch = { name = \"tor1\"; mac = \"02:00:00:00:00:01\"; };\n"
		"ports = (\n"
		"  { name = \"up0\"; role = \"uplink\"; vlans = [10, 20]; },\n"
		"  { name = \"h2\"; role = \"host\"; mode = \"vepa\"; reflective_relay = true;\n"
		"    auto_create = true;\n"
		"    schannels = { chncap = 4; svid_min = 100; svid_max = 199; }; }\n"
		");\n"
		"profiles = ( { name = \"web\"; type_id = 42; type_version = 3; vlan = 10; } );\n"
		"veths = ( { id = 3; port = \"h2\"; mac = \"52:54:00:00:01:03\"; vlan = 10; svid = "
		"100; } );\n");
	const struct cp_port *pp = &x->cp->ports[H2];
	const struct sent *s;
	uint8_t f[256];
	uint32_t vdp_id, auto_id = 0;

	grant(x, 5); /* the station's TTL: 5 s (inside the VDP keep-alive) */
	vdp_id = associate(x, ME, 1, 0x71);
	/* An auto-created vEth on the channel, and B (configured) learnt. */
	input(x, H2, f, mk_data(f, UPMAC, MC, 100, 10));
	for (size_t k = 0; k < sw_veth_slots(x->sw); k++) {
		const struct sw_veth *w = sw_veth_slot(x->sw, k);

		if (w && w->origin == SW_ORIGIN_AUTO)
			auto_id = w->id;
	}
	CU_ASSERT_NOT_EQUAL_FATAL(auto_id, 0);
	CU_ASSERT_EQUAL(veth(x, auto_id)->svid, 100);
	input(x, H2, f, mk_data(f, UPMAC, MB, 100, 10));
	CU_ASSERT_EQUAL(veth(x, 3)->ctr.rx_frames, 1);

	/* 5 s after its last LLDPDU the station's information ages out. */
	clear_out(x);
	advance(x, x->now + 5 * SEC + 1);
	CU_ASSERT_FALSE(pp->cdcp_has_station);
	CU_ASSERT_PTR_NULL(pp->schans[2]);
	CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 100), 0);
	CU_ASSERT_EQUAL(pp->cdcp_resets, 1);
	/* Its VDP vEth was released with the reason, its auto vEth deleted;
	 * the configured one stays. */
	CU_ASSERT_PTR_NULL(veth(x, vdp_id));
	CU_ASSERT_TRUE(event_has(x, vdp_id, "aged out"));
	CU_ASSERT_TRUE(event_has(x, vdp_id, "S-channel 2 (S-VID 100) removed"));
	CU_ASSERT_PTR_NULL(veth(x, auto_id));
	CU_ASSERT_PTR_NOT_NULL(veth(x, 3));
	/* The bridge's TLV is back to the default channel (the last
	 * LLDPDU it sent, the one it sends next). */
	{
		unsigned k = 0;

		while (lldp_out(x, H2, 0x03, NONE, k, NULL))
			k++;
		CU_ASSERT_NOT_EQUAL_FATAL(k, 0);
		s = lldp_out(x, H2, 0x03, NONE, k - 1, NULL);
		CU_ASSERT_EQUAL(s->lldp_pdu.cdcp.n_chan, 1);
	}
	CU_ASSERT_EQUAL(pp->cdcp_tlv.n_chan, 1);
	/* Its frames are dropped, both ways. */
	clear_out(x);
	input(x, H2, f, mk_data(f, UPMAC, MB, 100, 10));
	CU_ASSERT_EQUAL(drops(x, H2, SW_DROP_UNKNOWN_CHANNEL), 1);
	input(x, UP, f, mk_data(f, MB, UPMAC, NONE, 10)); /* B is in the FDB */
	CU_ASSERT_EQUAL(drops(x, UP, SW_DROP_UNKNOWN_CHANNEL), 1);
	input(x, UP, f, mk_data(f, BCAST, UPMAC, NONE, 10)); /* no member left */
	CU_ASSERT_EQUAL(n_data(x, H2), 0);
	/* The station comes back: the same S-VID, the configured vEth works. */
	grant(x, 120);
	clear_out(x);
	input(x, UP, f, mk_data(f, MB, UPMAC, NONE, 10));
	CU_ASSERT_EQUAL(n_data(x, H2), 1);
	/* A shutdown LLDPDU (TTL 0) removes it at once. */
	input(x, H2, f, mk_station_cdcp(f, 0, 0x03));
	CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 100), 0);
	CU_ASSERT_EQUAL(pp->cdcp_resets, 2);
	/* The station asks for fewer channels: the dropped one goes. */
	{
		struct st_lldp q = { .agent = 0x03,
			.svid = NONE,
			.ttl = 120,
			.cdcp = true,
			.chncap = 4,
			.n_pairs = 3,
			.pairs = { { 1, 0 }, { 2, 0 }, { 3, 0 } } };

		input(x, H2, f, mk_lldp(f, &q));
		CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 100), 2);
		CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 101), 3);
		vdp_id = associate(x, ME, 2, 0x72);
		q.n_pairs = 2;
		q.pairs[1][0] = 3; /* keeps SCID 3 (S-VID 101), drops SCID 2 */
		advance(x, x->now + SEC);
		input(x, H2, f, mk_lldp(f, &q));
		CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 100), 0);
		CU_ASSERT_NOT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 101), 0);
		CU_ASSERT_PTR_NULL(veth(x, vdp_id));
		CU_ASSERT_TRUE(event_has(x, vdp_id, "no longer asks"));
	}
	fx_close(x);
}

/* ---- configuration ------------------------------------------------------------------------ */

static void
test_config(void)
{
	static const struct {
		const char *port, *veth, *err;
	} bad[] = {
		{ "mode = \"vntag\"; schannels = { chncap = 4; };", "", "apply to vepa ports" },
		{ "mode = \"vepa\"; schannels = { chncap = 0; };", "", "out of range 1..167" },
		{ "mode = \"vepa\"; schannels = { chncap = 168; };", "",
			"out of range 1..167" },
		{ "mode = \"vepa\"; schannels = { svid_min = 1; };", "",
			"out of range 2..4094" },
		{ "mode = \"vepa\"; schannels = { svid_min = 200; svid_max = 100; };", "",
			"ports.[1].schannels.svid_max: the pool 200..100 is empty" },
		{ "mode = \"vepa\"; schannels = { chncap = 4; svids = 3; };", "",
			"schannels.svids: unknown setting" },
		{ "mode = \"vepa\"; schannels = 4;", "", "expected a group" },
		{ "mode = \"vepa\"; schannels = { svid_min = 100; svid_max = 199; };",
			"veths = ( { id = 1; port = \"h2\"; mac = \"52:54:00:00:00:01\";\n svid = "
			"99; } );",
			"veths.[1].svid: S-VID 99 is outside the pool 100..199" },
		{ "mode = \"vepa\";",
			"veths = ( { id = 1; port = \"h2\"; mac = \"52:54:00:00:00:01\"; svid = 100; "
			"} );",
			"port 'h2' has no schannels" },
	};
	struct sw_conf c;
	char text[1024], err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; };\n"
			"ports = ( { name = \"h2\"; role = \"host\"; %s } );\n%s\n",
			bad[i].port, bad[i].veth);
		CU_ASSERT_EQUAL(sw_conf_load_string(text, "t.conf", &c, err, sizeof(err)), -1);
		if (!strstr(err, bad[i].err))
			fprintf(stderr, "\n%zu: %s\n", i, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].err));
		/* file:line of the setting (the vEth's line for a cross-reference). */
		CU_ASSERT_EQUAL(strncmp(err, bad[i].veth[0] ? "t.conf:3:" : "t.conf:2:", 9), 0);
	}
	/* Defaults: chncap 4, the pool 2..4094. */
	CU_ASSERT_EQUAL_FATAL(
		sw_conf_load_string(
			"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; };\n"
			"ports = ( { name = \"h2\"; role = \"host\"; mode = \"vepa\";\n"
			"  schannels = { }; } );\n",
			"t.conf", &c, err, sizeof(err)),
		0);
	CU_ASSERT_TRUE(c.ports[0].schannels);
	CU_ASSERT_EQUAL(c.ports[0].chncap, SW_DEF_CHNCAP);
	CU_ASSERT_EQUAL(c.ports[0].svid_min, 2);
	CU_ASSERT_EQUAL(c.ports[0].svid_max, 4094);
	sw_conf_free(&c);
}

/* config save writes schannels and the vEths' S-VIDs; reload with the same
 * file changes nothing; another pool re-grants; no schannels turns CDCP off. */
static void
test_save_reload(void)
{
	struct fx *x = fx_open(conf_sc);
	const struct cp_port *pp = &x->cp->ports[H2];
	char path[] = "/tmp/vnswitch-schannel-conf-XXXXXX";
	struct sw_conf c;
	char err[512], *text;
	uint32_t vdp_id;
	FILE *f;
	long n;
	int fd;

	grant(x, 120);
	vdp_id = associate(x, ME, 1, 0x71);
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(sw_config_save(x->sw, path, err, sizeof(err)), 0);
	f = fopen(path, "r");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	CU_ASSERT_EQUAL(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "schannels"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "svid_min = 100;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "svid = 100;"));
	/* It loads back; applying it changes no channel. */
	CU_ASSERT_EQUAL_FATAL(sw_conf_load(path, &c, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(c.ports[H2].schannels);
	CU_ASSERT_EQUAL(c.ports[H2].chncap, 4);
	CU_ASSERT_EQUAL(c.veths[2].svid, 100);
	CU_ASSERT_EQUAL(sw_config_apply(x->sw, &c, x->now, err, sizeof(err)), 0);
	sw_conf_free(&c);
	CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 100), 2);
	CU_ASSERT_PTR_NOT_NULL(veth(x, vdp_id));
	CU_ASSERT_PTR_NOT_NULL(veth(x, 3));
	CU_ASSERT_EQUAL(veth(x, 3)->svid, 100);
	/* Another pool: the channel is granted again from it, its VSIs go. */
	{
		char *p = strstr(text, "svid_min = 100;"), *q;

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		memcpy(p, "svid_min = 150;", 15);
		/* The configured vEths on S-VID 100 must move into the pool. */
		while ((q = strstr(text, "svid = 100;")))
			memcpy(q, "svid = 150;", 11);
	}
	CU_ASSERT_EQUAL_FATAL(sw_conf_load_string(text, "t.conf", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(sw_config_apply(x->sw, &c, x->now, err, sizeof(err)), 0);
	sw_conf_free(&c);
	CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 100), 0);
	CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 150), 2);
	CU_ASSERT_PTR_NULL(veth(x, vdp_id));
	CU_ASSERT_TRUE(event_has(x, vdp_id, "configuration changed"));
	CU_ASSERT_EQUAL(veth(x, 3)->svid, 150);
	CU_ASSERT_TRUE(pp->cdcp_has_station);
	/* Without schannels: CDCP off, the non-TPMR agent gone. */
	CU_ASSERT_EQUAL_FATAL(
		sw_conf_load_string(
			"switch = { name = \"tor1\"; mac = \"02:00:00:00:00:01\"; };\n"
			"ports = (\n"
			"  { name = \"up0\"; role = \"uplink\"; vlans = [10, 20]; },\n"
			"  { name = \"h2\"; role = \"host\"; mode = \"vepa\"; },\n"
			"  { name = \"h4\"; role = \"host\"; mode = \"vepa\"; }\n"
			");\n"
			"profiles = ( { name = \"web\"; type_id = 42; type_version = 3; "
			"vlan = 10; } );\n",
			"t.conf", &c, err, sizeof(err)),
		0);
	CU_ASSERT_EQUAL(sw_config_apply(x->sw, &c, x->now, err, sizeof(err)), 0);
	sw_conf_free(&c);
	CU_ASSERT_PTR_NULL(pp->cdcp);
	CU_ASSERT_PTR_NULL(pp->agents[CP_NTPMR].sm);
	CU_ASSERT_FALSE(sw_port(x->sw, H2)->schan_on);
	CU_ASSERT_EQUAL(sw_schan_slot(sw_port(x->sw, H2), 150), 0);
	{
		uint8_t fr[128];

		input(x, H2, fr, mk_data(fr, MA, MB, 150, 10));
		CU_ASSERT_EQUAL(drops(x, H2, SW_DROP_MISSING_TAG), 1);
	}
	unlink(path);
	free(text);
	fx_close(x);
}

/* vnctl veth add / set with svid (sw_veth_add / sw_veth_set). */
static void
test_cli_svid(void)
{
	struct fx *x = fx_open(conf_sc);
	struct sw_conf_veth cv = { .id = 20,
		.port = "h2",
		.kind = SW_BIND_MAC,
		.has_vlan = true,
		.vlan = 10,
		.svid = 120 };
	struct sw_veth_change ch = { .set_svid = true, .svid = 100 };
	char err[256];

	memcpy(cv.mac, "\x52\x54\x00\x00\x09\x01", 6);
	CU_ASSERT_EQUAL(sw_veth_add(x->sw, &cv, SW_ORIGIN_CONFIG, x->now, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(veth(x, 20)->svid, 120);
	cv.id = 21;
	cv.svid = 99;
	cv.mac[5] = 2;
	CU_ASSERT_EQUAL(
		sw_veth_add(x->sw, &cv, SW_ORIGIN_CONFIG, x->now, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "outside the pool"));
	CU_ASSERT_EQUAL(sw_veth_set(x->sw, 20, &ch, x->now, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(veth(x, 20)->svid, 100);
	ch.svid = 1;
	CU_ASSERT_EQUAL(sw_veth_set(x->sw, 20, &ch, x->now, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(veth(x, 20)->svid, 1);
	/* On h4 (no schannels) only the default channel. */
	cv.id = 22;
	cv.svid = 100;
	snprintf(cv.port, sizeof(cv.port), "h4");
	CU_ASSERT_EQUAL(
		sw_veth_add(x->sw, &cv, SW_ORIGIN_CONFIG, x->now, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no S-channels"));
	fx_close(x);
}

static void
add_suites(void)
{
	static const struct tu_test tests[] = {
		{ "CDCP: the station's TLV granted (1,1) (2,100)", test_cdcp_grant },
		{ "CDCP on the nearest-bridge agent", test_cdcp_nearest_bridge },
		{ "datapath: S-tags, VEPA rules inside, floods, drops", test_datapath },
		{ "reflective relay per channel", test_relay_per_channel },
		{ "VDP on a channel", test_vdp_on_channel },
		{ "station gone: TTL expiry, shutdown, fewer channels",
			test_station_ttl_expiry },
		{ "configuration", test_config },
		{ "config save and reload", test_save_reload },
		{ "veth add / set svid", test_cli_svid },
		{ NULL, NULL },
	};

	tu_add_suite("schannel", tests);
}

int
main(void)
{
	return tu_run("schannel", add_suites);
}

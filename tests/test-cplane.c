/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-cplane.c - the switch's control plane (switchd/cplane.c, cp_vdp.c):
 * a switch from a configuration string with the memory back-end on every
 * port, a control plane attached, and a virtual clock that runs
 * sw_run_timers() at every deadline as replay does (tests/cptest.c, the
 * fixture the control plane tests share).  Inputs are the real
 * lldpad station frames of tests/data and crafted ECP/VDP frames; outputs
 * are decoded with the LLDP, ECP and VDP codecs.  White box where the
 * negotiated EVB values are read (cp_internal.h).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/admin.h"
#include "switchd/cp_internal.h"
#include "tests/cptest.h"
#include "vntag/eth.h"

#define ACK_US 2560ull /* 10 us * 2^8 */

static const uint8_t SWMAC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t MAC3[6] = { 0x52, 0x54, 0x00, 0xde, 0xad, 0x03 };

/* up0 uplink, h1 vntag, h2 vepa, h3 etag. */
static const char *conf_main =
	"switch = { name = \"tor1\"; mac = \"02:00:00:00:00:01\"; lldp = { admin = \"rxtx\"; }; };\n"
	"ports = (\n"
	"  { name = \"up0\"; role = \"uplink\"; vlans = [100, 200]; },\n"
	"  { name = \"h1\"; role = \"host\"; mode = \"vntag\"; max_channels = 3; },\n"
	"  { name = \"h2\"; role = \"host\"; mode = \"vepa\"; reflective_relay = true; },\n"
	"  { name = \"h3\"; role = \"host\"; mode = \"etag\"; }\n"
	");\n"
	"profiles = ( { name = \"web\"; type_id = 42; type_version = 3; vlan = 100; },\n"
	"             { name = \"lab\"; type_id = 5; type_version = 4; vlan = 200; } );\n";

/* ---- frames (the fixture: tests/cptest.h) ------------------------------------------ */

struct vsi_req {
	uint8_t mode;
	uint8_t status; /* request hint bits (M 0x10, S 0x20) */
	uint32_t type_id;
	uint8_t type_version;
	uint8_t vsiid_last; /* UUID a1b2c3d4-...-NN */
	uint8_t fif;
	size_t n;
	struct vdp_filter f[4];
};

/* An ECP request (seq) carrying one VSI TLV, to 01-80-C2-00-00-00, with a
 * VN-Tag (svif >= 0 and vif) or E-Tag (ecid > 0) when asked. */
static size_t
mk_vdp(uint8_t *out, const struct vsi_req *q, uint16_t seq, int svif, uint32_t ecid)
{
	struct vdp_vsi v = fx_vsi(q->mode, q->type_id, q->type_version, q->vsiid_last);

	vdp_status_unpack(q->status, &v.status);
	if (q->fif)
		v.fif = q->fif;
	return fx_put_vdp(out, fx_put_head(out, NCB, STATION, svif, ecid), "vnswitch-test", &v,
		q->f, q->n, seq);
}

/* An 18-byte ECP ACK, as lldpad sends it (never padded). */
static size_t
mk_ack(uint8_t *out, uint16_t seq)
{
	return fx_put_ack(out, fx_put_head(out, NCB, STATION, UNTAGGED, 0), seq);
}

/* A data frame: DA SA [C-tag vid | VN-Tag svif | E-Tag ecid] 0x88B5 padding. */
static size_t
mk_data(uint8_t *out, const uint8_t *dst, const uint8_t *src, int vid, int svif, uint32_t ecid)
{
	return fx_put_data(out, fx_put_head(out, dst, src, svif, ecid), vid, 60);
}

/* ---- decoding what the switch sent (no S-tags here) --------------------------------- */

static unsigned
count_vdp(struct fx *x, unsigned p)
{
	unsigned n = 0;

	while (vdp_out(x, p, NONE, n))
		n++;
	return n;
}

/* Send one request on port p and return the status octet of the answer,
 * which the test station then ACKs (ECP is stop-and-wait: an answer not
 * ACKed holds the next one back for up to (R + 1) ACK timers). */
static int
ask(struct fx *x, unsigned p, const struct vsi_req *q, uint16_t seq, int svif, uint32_t ecid)
{
	uint8_t f[1600], a[64];
	size_t n = mk_vdp(f, q, seq, svif, ecid);
	const struct sent *s;

	clear_out(x);
	input(x, p, f, n);
	CU_ASSERT_EQUAL(count_acks(x, p, NONE, seq), 1);
	s = vdp_out(x, p, NONE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(s->vdp.n_vsi, 1);
	/* The ACK, tagged like the request. */
	n = fx_put_ack(a, fx_put_head(a, NCB, STATION, svif, ecid), s->e.seq);
	input(x, p, a, n);
	s = vdp_out(x, p, NONE, 0);
	return fx_status(&s->vdp.vsi[0]);
}

static const struct sw_veth *
vdp_veth(struct fx *x)
{
	return find_veth(x, SW_ORIGIN_VDP, NULL);
}

static unsigned
count_vdp_veths(struct fx *x)
{
	return count_veths(x, SW_ORIGIN_VDP);
}

static struct vsi_req
assoc2(void)
{
	struct vsi_req q = { .mode = VDP_TLV_ASSOC,
		.type_id = 42,
		.type_version = 3,
		.vsiid_last = 0x55,
		.n = 2 };

	memcpy(q.f[0].mac, MAC1, 6);
	memcpy(q.f[1].mac, MAC2, 6);
	return q;
}

/* ---- LLDP and EVB -------------------------------------------------------------------- */

static const struct sent *
lldp_out(struct fx *x, unsigned p, bool ncb, unsigned k)
{
	for (unsigned i = 0; i < x->m[p].n; i++) {
		decode_out(x->m[p].data[i], x->m[p].len[i], &S);
		if (S.lldp && (S.dst[5] == 0x00) == ncb && k-- == 0)
			return &S;
	}
	return NULL;
}

static void
test_lldp_evb(void)
{
	struct tu_pcap *pc =
		tu_pcap_load("lldpad_station_evb22_lldp_and_unanswered_vdp_assoc.pcap");
	struct fx *x = fx_open(conf_main);
	struct cp_port *pp = &x->cp->ports[2];
	const struct sent *s;

	/* Before any station: the configured relay, the local EVB values. */
	CU_ASSERT_TRUE(sw_port(x->sw, 2)->relay_active);
	s = lldp_out(x, 2, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(s->lldp_pdu.has_evb);
	CU_ASSERT_EQUAL(s->lldp_pdu.evb.mode, LLDP_EVB_MODE_BRIDGE);
	CU_ASSERT_TRUE(s->lldp_pdu.evb.rrcap);
	CU_ASSERT_FALSE(s->lldp_pdu.evb.rrctr);
	CU_ASSERT_EQUAL(s->lldp_pdu.chassis.subtype, LLDP_CHASSIS_MAC);
	CU_ASSERT_EQUAL(memcmp(s->lldp_pdu.chassis.id, SWMAC, 6), 0);
	CU_ASSERT_EQUAL(memcmp(s->src, SWMAC, 6), 0);
	CU_ASSERT_EQUAL(s->lldp_pdu.port.subtype, LLDP_PORT_IFNAME);
	CU_ASSERT_EQUAL(memcmp(s->lldp_pdu.port.id, "h2", 2), 0);
	CU_ASSERT_TRUE(s->lldp_pdu.has_sys_name);
	CU_ASSERT_STRING_EQUAL(s->lldp_pdu.sys_name.str, "tor1");
	CU_ASSERT_EQUAL(strncmp(s->lldp_pdu.sys_desc.str, "vnswitch ", 9), 0);
	CU_ASSERT_TRUE(s->lldp_pdu.sys_cap.enabled & LLDP_CAP_BRIDGE);
	/* The nearest-bridge agent carries no EVB TLV; an uplink has no
	 * customer-bridge agent. */
	s = lldp_out(x, 2, false, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_FALSE(s->lldp_pdu.has_evb);
	CU_ASSERT_PTR_NOT_NULL(lldp_out(x, 0, false, 0));
	CU_ASSERT_PTR_NULL(lldp_out(x, 0, true, 0));
	CU_ASSERT_EQUAL(x->m[2].n, 2); /* port counters = what went out */
	CU_ASSERT_EQUAL(sw_port(x->sw, 2)->ctr.tx_frames, 2);

	/* The real lldpad station TLV (RRREQ, R 3, RTE 8, RWD 20, RKA 20). */
	clear_out(x);
	advance(x, T0 + 100000);
	input(x, 2, pc->frames[0].data, pc->frames[0].len);
	CU_ASSERT_TRUE(pp->has_station);
	CU_ASSERT_TRUE(pp->oper.reflective_relay);
	CU_ASSERT_TRUE(sw_port(x->sw, 2)->relay_active);
	CU_ASSERT_EQUAL(pp->oper.vdp_keepalive_timeout_us, KA_TIMEOUT);
	/* The answer: RRCTR set, the station status echoed, ROL for RWD/RKA. */
	advance(x, x->now);
	s = lldp_out(x, 2, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(s->lldp_pdu.evb.rrctr);
	CU_ASSERT_TRUE(s->lldp_pdu.evb.rrreq);
	CU_ASSERT_EQUAL(s->lldp_pdu.evb.rrstat, 3);
	CU_ASSERT_TRUE(s->lldp_pdu.evb.rwd_rol);
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(pp->agents[CP_NCB].sm), 1);

	/* Relay configured off: RRCAP 0, so RRCTR 0 and no hairpin. */
	{
		char err[128];

		CU_ASSERT_EQUAL(
			sw_port_set(x->sw, "h2", "reflective_relay", "false", err, sizeof(err)),
			0);
		CU_ASSERT_FALSE(pp->oper.reflective_relay);
		CU_ASSERT_FALSE(pp->evb_tlv.rrcap);
		CU_ASSERT_FALSE(sw_port(x->sw, 2)->relay_active);
		CU_ASSERT_EQUAL(
			sw_port_set(x->sw, "h2", "reflective_relay", "true", err, sizeof(err)),
			0);
		CU_ASSERT_TRUE(sw_port(x->sw, 2)->relay_active);
	}
	/* A station TLV without RRREQ: the negotiation turns relay off. */
	{
		uint8_t f[128];
		size_t len = pc->frames[0].len;
		const uint8_t *evb = NULL;

		memcpy(f, pc->frames[0].data, len);
		for (size_t i = 14; i + 6 < len; i++)
			if (!memcmp(f + i, "\x00\x80\xc2\x0d", 4))
				evb = f + i;
		CU_ASSERT_PTR_NOT_NULL_FATAL(evb);
		f[evb - f + 5] &= (uint8_t)~0x04; /* station status: RRREQ off */
		advance(x, x->now + SEC);
		input(x, 2, f, len);
		CU_ASSERT_FALSE(pp->oper.reflective_relay);
		CU_ASSERT_FALSE(sw_port(x->sw, 2)->relay_active);
	}
	/* The neighbour ages out (TTL 120 s): back to the configuration. */
	advance(x, x->now + 121 * SEC);
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(pp->agents[CP_NCB].sm), 0);
	CU_ASSERT_FALSE(pp->has_station);
	CU_ASSERT_TRUE(sw_port(x->sw, 2)->relay_active);
	/* Shutdown: one TTL 0 LLDPDU per transmitting agent (3 host ports x 2
	 * agents + the uplink's one). */
	clear_out(x);
	sw_cplane_shutdown(x->cp, x->now);
	s = lldp_out(x, 2, true, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->lldp_pdu.ttl, 0);
	CU_ASSERT_EQUAL(x->m[0].n + x->m[1].n + x->m[2].n + x->m[3].n, 7);
	fx_close(x);
	tu_pcap_free(pc);
}

/* LLDP disabled by configuration: nothing sent, LLDPDUs are not handled. */
static void
test_lldp_disabled(void)
{
	struct tu_pcap *pc =
		tu_pcap_load("lldpad_station_evb22_lldp_and_unanswered_vdp_assoc.pcap");
	struct fx *x =
		fx_open("switch = { name = \"t\"; mac = \"02:00:00:00:00:01\";\n"
			"  lldp = { admin = \"disabled\"; }; };\n"
			"ports = ( { name = \"h2\"; role = \"host\"; mode = \"vepa\"; } );\n");

	advance(x, T0 + 100 * SEC);
	CU_ASSERT_EQUAL(x->m[0].n, 0);
	input(x, 0, pc->frames[0].data, pc->frames[0].len);
	CU_ASSERT_EQUAL(sw_port(x->sw, 0)->ctr.drops[SW_DROP_RESERVED_DA], 1);
	fx_close(x);
	tu_pcap_free(pc);
}

/* ---- VDP ------------------------------------------------------------------------------ */

/* The real lldpad ASSOCIATE (type 5 v4, VID 0, one MAC) gets the profile's
 * VLAN back; a vEth of origin vdp appears. */
static void
test_assoc_real_vid0(void)
{
	struct tu_pcap *pc =
		tu_pcap_load("lldpad_station_evb22_lldp_and_unanswered_vdp_assoc.pcap");
	struct fx *x = fx_open(conf_main);
	const struct sent *s;
	const struct sw_veth *v;

	clear_out(x);
	advance(x, T0 + SEC / 2);
	input(x, 2, pc->frames[5].data, pc->frames[5].len); /* ECP seq 1, ASSOC */
	CU_ASSERT_EQUAL(count_acks(x, 2, NONE, 1), 1);
	s = vdp_out(x, 2, NONE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(memcmp(s->dst, NCB, 6), 0);
	CU_ASSERT_EQUAL(s->vdp.vsi[0].mode, VDP_TLV_ASSOC);
	CU_ASSERT_TRUE(s->vdp.vsi[0].status.response);
	CU_ASSERT_EQUAL(s->vdp.vsi[0].status.error, 0);
	CU_ASSERT_EQUAL(s->vdp.vsi[0].type_id, 5);
	CU_ASSERT_EQUAL(s->vdp.filters[0].vid, 200);
	v = vdp_veth(x);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->vlan, 200);
	CU_ASSERT_EQUAL(v->kind, SW_BIND_MAC);
	CU_ASSERT_EQUAL(memcmp(v->mac, "\x52\x54\x00\x11\x22\x33", 6), 0);
	/* lldpad's 3 retransmissions of seq 1 are duplicates: re-ACKed only. */
	clear_out(x);
	for (int i = 6; i < 9; i++)
		input(x, 2, pc->frames[i].data, pc->frames[i].len);
	CU_ASSERT_EQUAL(count_acks(x, 2, NONE, 1), 3);
	CU_ASSERT_EQUAL(count_vdp(x, 2), 0);
	CU_ASSERT_EQUAL(ecp_sm_stats(x->cp->ports[2].chans[0]->ecp)->rx_duplicates, 3);
	fx_close(x);
	tu_pcap_free(pc);
}

/* Two MAC filters: one vEth bound to both, forwarding like a static one. */
static void
test_assoc_two_macs_forward(void)
{
	struct fx *x = fx_open(conf_main);
	struct vsi_req q = assoc2();
	const struct sw_veth *v;
	const struct sent *s;
	uint8_t f[128];
	uint16_t resp_seq;

	CU_ASSERT_EQUAL(ask(x, 2, &q, 11, UNTAGGED, 0), 0x40);
	s = vdp_out(x, 2, NONE, 0);
	CU_ASSERT_EQUAL(s->vdp.n_filters, 2);
	CU_ASSERT_EQUAL(s->vdp.filters[0].vid, 100);
	CU_ASSERT_EQUAL(s->vdp.filters[1].vid, 100);
	CU_ASSERT_EQUAL(memcmp(s->vdp.mgrid, "vnswitch-test", 13), 0);
	resp_seq = s->e.seq;
	/* The station ACKs (18-byte runt): no retransmission. */
	clear_out(x);
	input(x, 2, f, mk_ack(f, resp_seq));
	advance(x, x->now + 10 * ACK_US);
	CU_ASSERT_EQUAL(count_vdp(x, 2), 0);
	CU_ASSERT_EQUAL(ecp_sm_stats(x->cp->ports[2].chans[0]->ecp)->tx_completed, 1);
	v = vdp_veth(x);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->vlan, 100);
	CU_ASSERT_EQUAL(v->n_extra_macs, 1);
	CU_ASSERT_EQUAL(memcmp(v->mac, MAC1, 6), 0);
	CU_ASSERT_EQUAL(memcmp(v->extra_macs[0], MAC2, 6), 0);
	CU_ASSERT_EQUAL(v->profile, 0);
	/* A data frame from each MAC goes to the uplink, tagged VLAN 100. */
	clear_out(x);
	input(x, 2, f, mk_data(f, UPMAC, MAC1, 100, -1, 0));
	input(x, 2, f, mk_data(f, UPMAC, MAC2, 100, -1, 0));
	CU_ASSERT_EQUAL(x->m[0].n, 2);
	CU_ASSERT_EQUAL(v->ctr.rx_frames, 2);
	/* And back: from the uplink to MAC2, out of h2 with the C-tag. */
	clear_out(x);
	input(x, 0, f, mk_data(f, MAC2, UPMAC, 100, -1, 0));
	CU_ASSERT_EQUAL_FATAL(x->m[2].n, 1);
	CU_ASSERT_EQUAL(vn_get_be16(x->m[2].data[0] + 14) & 0xFFF, 100);
	CU_ASSERT_EQUAL(v->ctr.tx_frames, 1);
	/* Another MAC is not this vEth's (no auto_create): unknown. */
	input(x, 2, f, mk_data(f, UPMAC, MAC3, 100, -1, 0));
	CU_ASSERT_EQUAL(sw_port(x->sw, 2)->ctr.drops[SW_DROP_UNKNOWN_VETH], 1);
	/* Both MACs are reserved: a static vEth cannot take MAC2. */
	{
		struct sw_conf_veth cv = { .id = 7,
			.port = "h2",
			.kind = SW_BIND_MAC,
			.has_vlan = true,
			.vlan = 100 };
		char err[160];

		memcpy(cv.mac, MAC2, 6);
		CU_ASSERT_NOT_EQUAL(
			sw_veth_add(x->sw, &cv, SW_ORIGIN_CONFIG, x->now, err, sizeof(err)), 0);
	}
	/* State shows the VDP fields (one writer: state.json and show veths). */
	{
		char *buf = render_state(x);

		CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"origin\":\"vdp\""));
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"macs\":[\"52:54:00:de:ad:02\"]"));
		CU_ASSERT_PTR_NOT_NULL(
			strstr(buf, "\"vsiid\":\"a1b2c3d4-0000-1111-2222-333344445555\""));
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"control\":{"));
		free(buf);
	}
	fx_close(x);
}

static void
test_refusals(void)
{
	struct fx *x = fx_open(conf_main);
	struct vsi_req q = assoc2();
	char err[160];

	/* Unknown VSI type: 4, no vEth, a refused event on vEth 0. */
	q.type_id = 43;
	CU_ASSERT_EQUAL(ask(x, 2, &q, 1, UNTAGGED, 0), 0x44);
	CU_ASSERT_EQUAL(count_vdp_veths(x), 0);
	CU_ASSERT_EQUAL(sw_event_at(x->sw, sw_n_events(x->sw) - 1)->kind, SW_EV_REFUSED);
	CU_ASSERT_TRUE(x->cp->ports[2].chans[0]->refusal.valid);
	CU_ASSERT_EQUAL(x->cp->ports[2].chans[0]->refusal.status, 4);
	/* A VID the profile does not allow: 5. */
	q = assoc2();
	q.f[0].vid = 300;
	q.f[1].vid = 300;
	CU_ASSERT_EQUAL(ask(x, 2, &q, 2, UNTAGGED, 0), 0x45);
	/* Filters asking for two VLANs: 5. */
	q.f[0].vid = 100;
	q.f[1].vid = 0;
	q.type_id = 5;
	q.type_version = 4;
	CU_ASSERT_EQUAL(ask(x, 2, &q, 3, UNTAGGED, 0), 0x45);
	/* VID-only filters on a VEPA port: 1 (nothing to bind). */
	q = assoc2();
	q.fif = VDP_FIF_VID;
	q.n = 1;
	CU_ASSERT_EQUAL(ask(x, 2, &q, 4, UNTAGGED, 0), 0x41);
	/* A MAC bound to a static vEth: 5. */
	{
		struct sw_conf_veth cv = { .id = 7,
			.port = "h2",
			.kind = SW_BIND_MAC,
			.has_vlan = true,
			.vlan = 100 };

		memcpy(cv.mac, MAC2, 6);
		CU_ASSERT_EQUAL_FATAL(
			sw_veth_add(x->sw, &cv, SW_ORIGIN_CONFIG, x->now, err, sizeof(err)), 0);
	}
	q = assoc2();
	CU_ASSERT_EQUAL(ask(x, 2, &q, 5, UNTAGGED, 0), 0x45);
	/* The port exhausted (max_veths 1, taken by vEth 7): 2. */
	CU_ASSERT_EQUAL(sw_port_set(x->sw, "h2", "max_veths", "1", err, sizeof(err)), 0);
	memcpy(q.f[1].mac, MAC3, 6);
	CU_ASSERT_EQUAL(ask(x, 2, &q, 6, UNTAGGED, 0), 0x42);
	CU_ASSERT_EQUAL(count_vdp_veths(x), 0);
	/* Room again: the same request now succeeds. */
	CU_ASSERT_EQUAL(sw_port_set(x->sw, "h2", "max_veths", "2", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ask(x, 2, &q, 7, UNTAGGED, 0), 0x40);
	CU_ASSERT_EQUAL(count_vdp_veths(x), 1);
	/* A change of the associated VSI that is refused keeps it (KEEP). */
	q.f[0].vid = 200;
	q.f[1].vid = 200;
	CU_ASSERT_EQUAL(ask(x, 2, &q, 8, UNTAGGED, 0), 0x65);
	CU_ASSERT_EQUAL(count_vdp_veths(x), 1);
	fx_close(x);
}

static void
test_keepalive(void)
{
	struct fx *x = fx_open(conf_main);
	struct vsi_req q = assoc2();
	const struct sent *s;
	uint64_t t;
	uint32_t id;

	CU_ASSERT_EQUAL(ask(x, 2, &q, 1, UNTAGGED, 0), 0x40);
	id = vdp_veth(x)->id;
	/* Keep-alives every 2^RKA * 10 us keep it (the same request again). */
	for (uint16_t k = 0; k < 4; k++) {
		advance(x, x->now + 10485760);
		CU_ASSERT_EQUAL(ask(x, 2, &q, (uint16_t)(2 + k), UNTAGGED, 0), 0x40);
		CU_ASSERT_PTR_NOT_NULL(sw_veth_by_id(x->sw, id));
	}
	CU_ASSERT_EQUAL(vdp_bridge_stats(x->cp->ports[2].chans[0]->vdp)->keepalives, 4);
	/* Silence: gone exactly 1.5 * (2^RKA + (2R+1) * 2^RTE) * 10 us after
	 * the last refresh, with an unsolicited DE-ASSOCIATE (status 0). */
	t = x->now;
	clear_out(x);
	advance(x, t + KA_TIMEOUT - 1);
	CU_ASSERT_PTR_NOT_NULL(sw_veth_by_id(x->sw, id));
	clear_out(x);
	advance(x, t + KA_TIMEOUT);
	CU_ASSERT_PTR_NULL(sw_veth_by_id(x->sw, id));
	s = vdp_out(x, 2, NONE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->vdp.vsi[0].mode, VDP_TLV_DEASSOC);
	CU_ASSERT_FALSE(s->vdp.vsi[0].status.response);
	CU_ASSERT_EQUAL(x->m[2].ts[S_index], t + KA_TIMEOUT);
	CU_ASSERT_EQUAL(
		sw_event_at(x->sw, sw_n_events(x->sw) - 2)->kind, SW_EV_KEEPALIVE_EXPIRED);
	CU_ASSERT_EQUAL(sw_event_at(x->sw, sw_n_events(x->sw) - 1)->kind, SW_EV_DELETED);
	fx_close(x);
}

static void
test_deassoc(void)
{
	struct fx *x = fx_open(conf_main);
	struct vsi_req q = assoc2();
	const struct sent *s;
	uint32_t id;

	/* From the station: the answer echoes the granted VID. */
	CU_ASSERT_EQUAL(ask(x, 2, &q, 1, UNTAGGED, 0), 0x40);
	id = vdp_veth(x)->id;
	q.mode = VDP_TLV_DEASSOC;
	CU_ASSERT_EQUAL(ask(x, 2, &q, 2, UNTAGGED, 0), 0x40);
	CU_ASSERT_PTR_NULL(sw_veth_by_id(x->sw, id));
	CU_ASSERT_EQUAL(sw_event_at(x->sw, sw_n_events(x->sw) - 2)->kind, SW_EV_DEASSOCIATED);

	/* From the bridge: veth del sends an unsolicited DE-ASSOCIATE. */
	q.mode = VDP_TLV_ASSOC;
	CU_ASSERT_EQUAL(ask(x, 2, &q, 3, UNTAGGED, 0), 0x40);
	id = vdp_veth(x)->id;
	clear_out(x);
	CU_ASSERT_EQUAL(sw_veth_del(x->sw, id), 0);
	CU_ASSERT_PTR_NULL(sw_veth_by_id(x->sw, id));
	s = vdp_out(x, 2, NONE, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->vdp.vsi[0].mode, VDP_TLV_DEASSOC);
	CU_ASSERT_FALSE(s->vdp.vsi[0].status.response);
	CU_ASSERT_EQUAL(s->vdp.filters[0].vid, 100);
	CU_ASSERT_EQUAL(vdp_bridge_stats(x->cp->ports[2].chans[0]->vdp)->n_vsi, 0);
	/* It is retransmitted by ECP until the station ACKs (R = 3). */
	advance(x, x->now + 5 * ACK_US);
	CU_ASSERT_EQUAL(count_vdp(x, 2), 4);

	/* PRE-ASSOCIATE validates and creates nothing; ASSOCIATE then does. */
	q.mode = VDP_TLV_PREASSOC;
	q.status = 0x10; /* M: migrate-to */
	CU_ASSERT_EQUAL(ask(x, 2, &q, 4, UNTAGGED, 0), 0x40);
	CU_ASSERT_EQUAL(count_vdp_veths(x), 0);
	CU_ASSERT_TRUE(vdp_bridge_next(x->cp->ports[2].chans[0]->vdp, NULL)->hint_m);
	q.mode = VDP_TLV_ASSOC;
	q.status = 0;
	CU_ASSERT_EQUAL(ask(x, 2, &q, 5, UNTAGGED, 0), 0x40);
	CU_ASSERT_EQUAL(count_vdp_veths(x), 1);
	/* veth set cannot move a VDP vEth. */
	{
		struct sw_veth_change ch = { .set_vlan = true, .vlan = 200 };
		char err[200];

		CU_ASSERT_NOT_EQUAL(
			sw_veth_set(x->sw, vdp_veth(x)->id, &ch, x->now, err, sizeof(err)), 0);
	}
	fx_close(x);
}

/* VN-Tag: a tagged request is channel vif N, binds the vif, and is
 * answered with d=1 dvif=N; untagged is refused with 4. */
static void
test_vntag_channel(void)
{
	struct fx *x = fx_open(conf_main);
	struct vsi_req q = assoc2();
	const struct sw_veth *v;
	const struct sent *s;
	uint8_t f[128];

	CU_ASSERT_EQUAL(ask(x, 1, &q, 1, UNTAGGED, 0), 0x44);
	CU_ASSERT_EQUAL(ask(x, 1, &q, 1, 7, 0), 0x40); /* another channel, its own seq */
	s = vdp_out(x, 1, NONE, 0);
	CU_ASSERT_EQUAL(s->tag, 1);
	CU_ASSERT_TRUE(s->vt.d);
	CU_ASSERT_EQUAL(s->vt.dvif, 7);
	/* The ACK too carries the tag. */
	decode_out(x->m[1].data[0], x->m[1].len[0], &S);
	CU_ASSERT_TRUE(S.ecp && S.e.op == ECP_OP_ACK && S.tag == 1 && S.vt.dvif == 7);
	v = vdp_veth(x);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->kind, SW_BIND_VIF);
	CU_ASSERT_EQUAL(v->key, 7);
	CU_ASSERT_EQUAL(v->vlan, 100);
	CU_ASSERT_EQUAL(v->n_extra_macs, 2);
	/* Traffic from vif 7 (either MAC) reaches the uplink. */
	clear_out(x);
	input(x, 1, f, mk_data(f, UPMAC, MAC1, -1, 7, 0));
	input(x, 1, f, mk_data(f, UPMAC, MAC2, -1, 7, 0));
	CU_ASSERT_EQUAL(x->m[0].n, 2);
	CU_ASSERT_EQUAL(v->ctr.rx_frames, 2);
	/* The MACs are reserved to vif 7: from another vif they are spoofed. */
	{
		struct sw_conf_veth cv = { .id = 9,
			.port = "h1",
			.kind = SW_BIND_VIF,
			.key = 8,
			.has_vlan = true,
			.vlan = 100 };
		char err[160];

		CU_ASSERT_EQUAL_FATAL(
			sw_veth_add(x->sw, &cv, SW_ORIGIN_CONFIG, x->now, err, sizeof(err)), 0);
		input(x, 1, f, mk_data(f, UPMAC, MAC1, -1, 8, 0));
		CU_ASSERT_EQUAL(sw_port(x->sw, 1)->ctr.drops[SW_DROP_SPOOFED_SOURCE], 1);
		/* vif 8 is bound statically: a VSI on channel vif 8 gets 4. */
		q.vsiid_last = 0x66;
		memcpy(q.f[0].mac, MAC3, 6);
		q.n = 1;
		CU_ASSERT_EQUAL(ask(x, 1, &q, 1, 8, 0), 0x44);
	}
	/* max_channels = 3 (untagged, vif 7, vif 8): a fourth is not handled,
	 * counted, dropped as reserved_da. */
	clear_out(x);
	input(x, 1, f, mk_vdp(f, &q, 1, 9, 0));
	CU_ASSERT_EQUAL(x->m[1].n, 0);
	CU_ASSERT_EQUAL(x->cp->ports[1].chans_refused, 1);
	CU_ASSERT_EQUAL(sw_port(x->sw, 1)->ctr.drops[SW_DROP_RESERVED_DA], 1);
	fx_close(x);
}

static void
test_etag_channel(void)
{
	struct fx *x = fx_open(conf_main);
	struct vsi_req q = assoc2();
	const struct sw_veth *v;
	const struct sent *s;
	uint8_t f[128];

	CU_ASSERT_EQUAL(ask(x, 3, &q, 1, -1, 300), 0x40);
	s = vdp_out(x, 3, NONE, 0);
	CU_ASSERT_EQUAL(s->tag, 2);
	CU_ASSERT_EQUAL(s->et.ecid, 300);
	CU_ASSERT_EQUAL(s->et.grp, 0);
	v = vdp_veth(x);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->kind, SW_BIND_ECID);
	CU_ASSERT_EQUAL(v->key, 300);
	clear_out(x);
	input(x, 3, f, mk_data(f, UPMAC, MAC2, -1, -1, 300));
	CU_ASSERT_EQUAL(x->m[0].n, 1);
	fx_close(x);
}

/* The first sequence number: from the seed, the port and the channel. */
static void
test_seed(void)
{
	struct fx *a = fx_open(conf_main), *b = fx_open(conf_main);
	struct vsi_req q = assoc2();
	uint16_t s1, s2, s3;

	ask(a, 2, &q, 1, UNTAGGED, 0);
	s1 = vdp_out(a, 2, NONE, 0)->e.seq;
	ask(b, 2, &q, 1, UNTAGGED, 0);
	s2 = vdp_out(b, 2, NONE, 0)->e.seq;
	CU_ASSERT_EQUAL(s1, s2);
	CU_ASSERT_EQUAL(s1, a->cp->ports[2].chans[0]->initial_seq);
	ask(a, 1, &q, 1, 7, 0);
	s3 = vdp_out(a, 1, NONE, 0)->e.seq;
	CU_ASSERT_NOT_EQUAL(s1, s3);
	fx_close(a);
	fx_close(b);
}

/* Configuration: switch.evb, switch.lldp and the port settings. */
static void
test_conf(void)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "evb = { r = 8; };", "switch.evb.r: 8 is out of range 0..7" },
		{ "evb = { rte = 32; };", "switch.evb.rte: 32 is out of range 0..31" },
		{ "evb = { rka = -1; };", "switch.evb.rka: -1 is out of range 0..31" },
		{ "evb = { bgid = 1; };", "switch.evb.bgid: expected true or false" },
		{ "evb = { x = 1; };", "switch.evb.x: unknown setting" },
		{ "evb = 3;", "switch.evb: expected a group" },
		{ "lldp = { admin = \"on\"; };", "switch.lldp.admin: 'on' is not" },
		{ "lldp = { tx_interval = 0; };",
			"switch.lldp.tx_interval: 0 is out of range" },
		{ "lldp = { tx_interval = 3600; tx_hold = 100; };", "the TTL must stay below" },
	};
	struct sw_conf c;
	char text[512], err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; %s };\n",
			bad[i].text);
		CU_ASSERT_EQUAL(sw_conf_load_string(text, "t.conf", &c, err, sizeof(err)), -1);
		if (!strstr(err, bad[i].err))
			fprintf(stderr, "\n%s -> %s\n", bad[i].text, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].err));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "t.conf:1:"));
	}
	CU_ASSERT_EQUAL(
		sw_conf_load_string(
			"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; };\n"
			"ports = ( { name = \"u\"; role = \"uplink\"; max_channels = 3; } );",
			"t.conf", &c, err, sizeof(err)),
		-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "host ports only"));
	CU_ASSERT_EQUAL(
		sw_conf_load_string(
			"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; };\n"
			"ports = ( { name = \"u\"; role = \"uplink\"; lldp = \"up\"; } );",
			"t.conf", &c, err, sizeof(err)),
		-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ports.[1].lldp: 'up' is not"));
	CU_ASSERT_EQUAL_FATAL(
		sw_conf_load_string(
			"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\";\n"
			"  evb = { r = 2; rte = 10; rwd = 21; rka = 22; bgid = true; };\n"
			"  lldp = { admin = \"tx\"; tx_interval = 10; tx_hold = 3; }; };\n"
			"ports = ( { name = \"u\"; role = \"uplink\"; },\n"
			"  { name = \"h\"; role = \"host\"; mode = \"vepa\"; lldp = \"rx\";\n"
			"    max_channels = 5; } );",
			"t.conf", &c, err, sizeof(err)),
		0);
	CU_ASSERT_EQUAL(c.evb.r, 2);
	CU_ASSERT_EQUAL(c.evb.rte, 10);
	CU_ASSERT_EQUAL(c.evb.rwd, 21);
	CU_ASSERT_EQUAL(c.evb.rka, 22);
	CU_ASSERT_TRUE(c.evb.bgid);
	CU_ASSERT_EQUAL(c.lldp.admin, SW_LLDP_TX);
	CU_ASSERT_EQUAL(c.lldp.tx_interval, 10);
	CU_ASSERT_EQUAL(sw_conf_port_lldp(&c, &c.ports[0]), SW_LLDP_TX);
	CU_ASSERT_EQUAL(sw_conf_port_lldp(&c, &c.ports[1]), SW_LLDP_RX);
	CU_ASSERT_EQUAL(c.ports[1].max_channels, 5);
	sw_conf_free(&c);
}

/* EVB values from switch.evb: the station's larger RTE wins. */
static void
test_evb_conf(void)
{
	struct tu_pcap *pc =
		tu_pcap_load("lldpad_station_evb22_lldp_and_unanswered_vdp_assoc.pcap");
	struct fx *x = fx_open(
		"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; lldp = { admin = \"rxtx\"; };\n"
		"  evb = { r = 2; rte = 6; rwd = 21; rka = 10; }; };\n"
		"ports = ( { name = \"h2\"; role = \"host\"; mode = \"vepa\"; } );\n");
	struct cp_port *pp = &x->cp->ports[0];

	CU_ASSERT_EQUAL(pp->oper.r, 2);
	CU_ASSERT_EQUAL(pp->oper.rte, 6);
	CU_ASSERT_EQUAL(pp->oper.rka, 10);
	input(x, 0, pc->frames[0].data, pc->frames[0].len); /* R 3, RTE 8, RWD 20, RKA 20 */
	CU_ASSERT_EQUAL(pp->oper.r, 3);
	CU_ASSERT_EQUAL(pp->oper.rte, 8);
	CU_ASSERT_EQUAL(pp->oper.rwd, 21);
	CU_ASSERT_FALSE(pp->oper.rwd_remote);
	CU_ASSERT_EQUAL(pp->oper.rka, 20);
	CU_ASSERT_TRUE(pp->oper.rka_remote);
	/* No RRCAP configured: no relay whatever the station asks. */
	CU_ASSERT_FALSE(pp->oper.reflective_relay);
	CU_ASSERT_FALSE(sw_port(x->sw, 0)->relay_active);
	fx_close(x);
	tu_pcap_free(pc);
}

static void
add_suites(void)
{
	static const struct tu_test tests[] = {
		{ "LLDP with the EVB TLV, negotiation, ageing, shutdown", test_lldp_evb },
		{ "LLDP disabled by configuration", test_lldp_disabled },
		{ "real lldpad ASSOCIATE, VID 0, duplicates", test_assoc_real_vid0 },
		{ "two MAC filters: one vEth that forwards", test_assoc_two_macs_forward },
		{ "refusals: status 4, 5, 1, 2, KEEP", test_refusals },
		{ "keep-alive refresh and expiry", test_keepalive },
		{ "DE-ASSOCIATE from either side, PRE-ASSOCIATE", test_deassoc },
		{ "VN-Tag channels", test_vntag_channel },
		{ "E-Tag channels", test_etag_channel },
		{ "ECP initial sequence numbers", test_seed },
		{ "configuration", test_conf },
		{ "EVB values from switch.evb", test_evb_conf },
		{ NULL, NULL },
	};

	tu_add_suite("cplane", tests);
}

int
main(void)
{
	return tu_run("cplane", add_suites);
}

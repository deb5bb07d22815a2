/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-vdp-rr.c - VDP PRE-ASSOCIATE with resource reservation (TLV type 2,
 * 802.1Qbg-2012 clause 41) in the switch's control plane (switchd/cp_vdp.c,
 * cplane.h "Resource reservation"): what a reservation holds (a vEth on its
 * port and switch-wide, its MACs, its vif), that the VSI's ASSOCIATE then
 * gets it even on a full port, that it goes with the VSI (DE-ASSOCIATE,
 * keep-alive expiry, a change), that the other makers of vEths (the CLI,
 * auto-create, reload) respect it, and that a plain PRE-ASSOCIATE (type 1)
 * holds nothing.
 *
 * The shared control plane fixture (tests/cptest.h): a switch on memory
 * ports with a control plane and a virtual clock, a test station sending
 * crafted ECP/VDP frames and ACKing the answers.  White box where the
 * reservation counts are read (cp_internal.h).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/admin.h"
#include "switchd/cp_internal.h"
#include "tests/cptest.h"
#include "vntag/eth.h"

enum { UP0 = 0, H1 = 1, H2 = 2, H3 = 3 }; /* port indexes of conf_rr */

static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MAC3[6] = { 0x52, 0x54, 0x00, 0xde, 0xad, 0x03 };
static const uint8_t MAC4[6] = { 0x52, 0x54, 0x00, 0xde, 0xad, 0x04 };

/* up0 uplink; h1 VN-Tag; h2 VEPA with room for 2 vEths and auto-create;
 * h3 VEPA.  The switch has room for 4 vEths. */
static const char *conf_rr =
	"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; max_veths = 4; };\n"
	"ports = (\n"
	"  { name = \"up0\"; role = \"uplink\"; vlans = [100]; },\n"
	"  { name = \"h1\"; role = \"host\"; mode = \"vntag\"; },\n"
	"  { name = \"h2\"; role = \"host\"; mode = \"vepa\"; max_veths = 2; auto_create = true; },\n"
	"  { name = \"h3\"; role = \"host\"; mode = \"vepa\"; }\n"
	");\n"
	"profiles = ( { name = \"web\"; type_id = 42; type_version = 3; vlan = 100; } );\n";

/* ---- the station -------------------------------------------------------------------- */

/* A request: mode, hints (VDP_STATUS_M / _S), the VSI ID a1b2c3d4-...-NN,
 * VSI type 42 v3 (profile web), MAC filters with VID 0 (the bridge
 * chooses). */
struct req {
	uint8_t mode;
	uint8_t hints;
	uint8_t last;
	size_t n;
	const uint8_t *macs[3];
};

/* ACK the k-th VDPDU port p sent since clear_out (ECP is stop-and-wait:
 * one not ACKed holds the next back) and return its VSI TLV (in S until
 * the next decode), or NULL if there is none. */
static const struct vdp_vsi *
ack_vdp(struct fx *x, unsigned p, int svif, unsigned k)
{
	const struct sent *s = vdp_out(x, p, NONE, k);
	uint16_t seq;
	uint8_t fr[64];
	size_t n;

	if (!s)
		return NULL;
	CU_ASSERT_EQUAL_FATAL(s->vdp.n_vsi, 1);
	seq = s->e.seq;
	n = fx_put_ack(fr, fx_put_head(fr, NCB, STATION, svif, 0), seq);
	input(x, p, fr, n);
	return vdp_out(x, p, NONE, k) ? &S.vdp.vsi[0] : NULL;
}

/* Send r on port p (VN-Tag svif, or UNTAGGED), ACK the answer as the
 * station does, and return its status octet (-1: no answer). */
static int
ask(struct fx *x, unsigned p, const struct req *r, int svif)
{
	struct vdp_vsi v = fx_vsi(r->mode, 42, 3, r->last);
	struct vdp_filter f[3];
	const struct vdp_vsi *got;
	uint8_t fr[1600];
	size_t n;

	memset(f, 0, sizeof(f));
	for (size_t i = 0; i < r->n; i++)
		memcpy(f[i].mac, r->macs[i], 6);
	vdp_status_unpack(r->hints, &v.status);
	n = fx_put_vdp(fr, fx_put_head(fr, NCB, STATION, svif, 0), "vdp-rr-test", &v, f, r->n,
		x->seq++);
	clear_out(x);
	input(x, p, fr, n);
	got = ack_vdp(x, p, svif, 0);
	return got ? fx_status(got) : -1;
}

static struct req
req1(uint8_t mode, uint8_t last, const uint8_t *mac)
{
	struct req r = { .mode = mode, .last = last, .n = 1, .macs = { mac } };

	return r;
}

/* A data frame from src in VLAN vid (C-tag) on a VEPA port. */
static void
send_data(struct fx *x, unsigned p, const uint8_t *src, uint16_t vid)
{
	uint8_t f[60];

	memcpy(f, BCAST, 6);
	memcpy(f + 6, src, 6);
	vn_put_be16(f + 12, VN_ETH_CTAG);
	vn_put_be16(f + 14, vid);
	vn_put_be16(f + 16, 0x88B5);
	memset(f + 18, 0xAB, sizeof(f) - 18);
	input(x, p, f, sizeof(f));
}

/* ---- the switch's state ------------------------------------------------------------- */

static const struct sw_veth *
veth_of(struct fx *x, const uint8_t *mac)
{
	return find_veth(x, -1, mac);
}

static struct sw_cplane_limits
limits(struct fx *x)
{
	struct sw_cplane_limits l;

	sw_cplane_limits(x->cp, &l);
	return l;
}

/* vnctl show vdp as JSON (the caller frees it). */
static char *
show_vdp(struct fx *x)
{
	struct fx_json j;

	fx_json_open(&j);
	sw_cplane_show_vdp(&j.w, x->cp);
	return fx_json_close(&j);
}

/* A vEth as the CLI adds it (vnctl veth add), on a VEPA port by MAC. */
static int
cli_add_mac(struct fx *x, uint32_t id, const char *port, const uint8_t *mac, char *err,
	size_t errlen)
{
	struct sw_conf_veth cv = { 0 };

	cv.id = id;
	snprintf(cv.port, sizeof(cv.port), "%s", port);
	cv.kind = SW_BIND_MAC;
	memcpy(cv.mac, mac, 6);
	cv.has_vlan = true;
	cv.vlan = 100;
	return sw_veth_add(x->sw, &cv, SW_ORIGIN_CONFIG, x->now, err, errlen);
}

/* ---- tests ------------------------------------------------------------------------------ */

/* RR holds a vEth on its port: with one reserved and one associated, h2
 * (max_veths 2) is full for everyone else -- VDP (ASSOCIATE, RR and plain
 * PRE-ASSOCIATE are refused with status 2, counted), the CLI and
 * auto-create -- but the reserved VSI's ASSOCIATE succeeds and takes it. */
static void
test_rr_port_full(void)
{
	struct fx *x = fx_open(conf_rr);
	struct req a = req1(VDP_TLV_PREASSOC_RR, 0x01, MAC1);
	struct req b = req1(VDP_TLV_ASSOC, 0x02, MAC2);
	struct req c = req1(VDP_TLV_ASSOC, 0x03, MAC3);
	struct sw_cplane_limits l;
	const struct sw_veth *v;
	char err[256];

	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	l = limits(x);
	CU_ASSERT_EQUAL(l.rsv_veths, 1);
	CU_ASSERT_EQUAL(l.rsv_macs, 1);
	CU_ASSERT_EQUAL(l.n_vsi, 1); /* a pre-association counts in max_vsis */
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, H2), 1);
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, H3), 0);
	CU_ASSERT_EQUAL(count_veths(x, -1), 0); /* nothing forwards before ASSOCIATE */
	/* One vEth left on h2: B takes it. */
	CU_ASSERT_EQUAL(ask(x, H2, &b, UNTAGGED), 0x40);
	CU_ASSERT_EQUAL(count_veths(x, -1), 1);
	/* Now h2 is full: 1 vEth + 1 reserved. */
	CU_ASSERT_EQUAL(ask(x, H2, &c, UNTAGGED), 0x42);
	c.mode = VDP_TLV_PREASSOC_RR;
	CU_ASSERT_EQUAL(ask(x, H2, &c, UNTAGGED), 0x42);
	c.mode = VDP_TLV_PREASSOC; /* validates against the same room */
	CU_ASSERT_EQUAL(ask(x, H2, &c, UNTAGGED), 0x42);
	l = limits(x);
	CU_ASSERT_EQUAL(l.veth_limit, 3);
	CU_ASSERT_EQUAL(l.rsv_refused, 3);
	CU_ASSERT_EQUAL(l.n_vsi, 2);
	CU_ASSERT_NOT_EQUAL(
		strstr(x->cp->ports[H2].chans[0]->refusal.reason, "reserved by VDP"), NULL);
	/* The CLI and auto-create neither. */
	CU_ASSERT_EQUAL(cli_add_mac(x, 500, "h2", MAC4, err, sizeof(err)), -1);
	CU_ASSERT_NOT_EQUAL(strstr(err, "reserved by VDP"), NULL);
	send_data(x, H2, MAC4, 100);
	CU_ASSERT_EQUAL(sw_port(x->sw, H2)->ctr.drops[SW_DROP_LIMIT], 1);
	CU_ASSERT_PTR_NULL(veth_of(x, MAC4));
	/* On another port there is room (switch: 1 + 1 of 4). */
	CU_ASSERT_EQUAL(cli_add_mac(x, 501, "h3", MAC4, err, sizeof(err)), 0);
	/* A's ASSOCIATE gets its vEth although the port is otherwise full. */
	a.mode = VDP_TLV_ASSOC;
	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	v = veth_of(x, MAC1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->origin, SW_ORIGIN_VDP);
	CU_ASSERT_EQUAL(v->port, H2);
	CU_ASSERT_EQUAL(v->vlan, 100);
	CU_ASSERT_EQUAL(sw_port(x->sw, H2)->n_veths, 2);
	l = limits(x);
	CU_ASSERT_EQUAL(l.rsv_veths, 0); /* used: the vEth took its place */
	CU_ASSERT_EQUAL(l.rsv_macs, 0);
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, H2), 0);
	CU_ASSERT_EQUAL(l.n_vsi, 2);
	fx_close(x);
}

/* RR holds the VSI's MACs: another VSI's request for one is refused with
 * status 5 (ASSOCIATE, RR and type 1 alike), so are a CLI vEth and
 * auto-create; the VSI's ASSOCIATE binds them. */
static void
test_rr_macs(void)
{
	struct fx *x = fx_open(conf_rr);
	struct req a = {
		.mode = VDP_TLV_PREASSOC_RR, .last = 0x01, .n = 2, .macs = { MAC1, MAC2 }
	};
	struct req b = req1(VDP_TLV_ASSOC, 0x02, MAC2);
	struct sw_cplane_limits l;
	const struct sw_veth *v;
	char err[256];

	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	l = limits(x);
	CU_ASSERT_EQUAL(l.rsv_macs, 2);
	CU_ASSERT_EQUAL(l.rsv_extra_macs, 1); /* the second MAC of a VEPA vEth */
	/* The same MAC from another VSI, on the same port or another one. */
	CU_ASSERT_EQUAL(ask(x, H2, &b, UNTAGGED), 0x45);
	CU_ASSERT_EQUAL(ask(x, H3, &b, UNTAGGED), 0x45);
	b.mode = VDP_TLV_PREASSOC_RR;
	CU_ASSERT_EQUAL(ask(x, H3, &b, UNTAGGED), 0x45);
	b.mode = VDP_TLV_PREASSOC;
	CU_ASSERT_EQUAL(ask(x, H3, &b, UNTAGGED), 0x45);
	l = limits(x);
	CU_ASSERT_EQUAL(l.binding_refused, 4);
	CU_ASSERT_EQUAL(l.rsv_refused, 4);
	CU_ASSERT_EQUAL(l.n_vsi, 1);
	CU_ASSERT_NOT_EQUAL(
		strstr(x->cp->ports[H3].chans[0]->refusal.reason, "is reserved for VSI"), NULL);
	/* The CLI: refused, naming the VSI; auto-create: a limit drop. */
	CU_ASSERT_EQUAL(cli_add_mac(x, 500, "h3", MAC1, err, sizeof(err)), -1);
	CU_ASSERT_NOT_EQUAL(strstr(err, "is reserved for VSI"), NULL);
	send_data(x, H2, MAC2, 100);
	CU_ASSERT_EQUAL(sw_port(x->sw, H2)->ctr.drops[SW_DROP_LIMIT], 1);
	CU_ASSERT_EQUAL(count_veths(x, -1), 0);
	/* Another VLAN is another binding: not reserved. */
	{
		struct sw_conf_veth cv = {
			.id = 502, .kind = SW_BIND_MAC, .has_vlan = true, .vlan = 200
		};

		snprintf(cv.port, sizeof(cv.port), "h3");
		memcpy(cv.mac, MAC1, 6);
		CU_ASSERT_EQUAL(
			sw_veth_add(x->sw, &cv, SW_ORIGIN_CONFIG, x->now, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(sw_veth_del(x->sw, 502), 0);
	}
	/* A's ASSOCIATE: one vEth bound by MAC1, MAC2 as its extra MAC. */
	a.mode = VDP_TLV_ASSOC;
	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	v = veth_of(x, MAC1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->n_extra_macs, 1);
	CU_ASSERT_EQUAL(memcmp(v->extra_macs[0], MAC2, 6), 0);
	CU_ASSERT_EQUAL(limits(x).rsv_macs, 0);
	CU_ASSERT_EQUAL(limits(x).rsv_extra_macs, 0);
	fx_close(x);
}

/* Switch-wide: max_veths = 4 counts reservations on every port. */
static void
test_rr_switch_wide(void)
{
	struct fx *x = fx_open(conf_rr);
	struct req r = req1(VDP_TLV_PREASSOC_RR, 0x01, MAC1);
	char err[256];

	CU_ASSERT_EQUAL(ask(x, H3, &r, UNTAGGED), 0x40);
	r = req1(VDP_TLV_PREASSOC_RR, 0x02, MAC2);
	CU_ASSERT_EQUAL(ask(x, H3, &r, UNTAGGED), 0x40);
	r = req1(VDP_TLV_PREASSOC_RR, 0x03, MAC3);
	CU_ASSERT_EQUAL(ask(x, H2, &r, UNTAGGED), 0x40);
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, -1), 3);
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, H3), 2);
	/* One vEth left switch-wide: the CLI takes it, then VDP is refused. */
	CU_ASSERT_EQUAL(cli_add_mac(x, 500, "h3", MAC4, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(
		cli_add_mac(x, 501, "h2", (const uint8_t[6]) { 0x52, 0x54, 0x00, 0, 0, 9 }, err,
			sizeof(err)),
		-1);
	CU_ASSERT_NOT_EQUAL(strstr(err, "the switch is at max_veths = 4"), NULL);
	r = req1(VDP_TLV_ASSOC, 0x04, (const uint8_t[6]) { 0x52, 0x54, 0x00, 0, 0, 10 });
	CU_ASSERT_EQUAL(ask(x, H2, &r, UNTAGGED), 0x42);
	CU_ASSERT_EQUAL(limits(x).rsv_refused, 1);
	/* Every reserved VSI still associates: the switch ends full. */
	r = req1(VDP_TLV_ASSOC, 0x01, MAC1);
	CU_ASSERT_EQUAL(ask(x, H3, &r, UNTAGGED), 0x40);
	r = req1(VDP_TLV_ASSOC, 0x02, MAC2);
	CU_ASSERT_EQUAL(ask(x, H3, &r, UNTAGGED), 0x40);
	r = req1(VDP_TLV_ASSOC, 0x03, MAC3);
	CU_ASSERT_EQUAL(ask(x, H2, &r, UNTAGGED), 0x40);
	CU_ASSERT_EQUAL(count_veths(x, -1), 4);
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, -1), 0);
	fx_close(x);
}

/* The reservation goes with the VSI: keep-alive expiry (an unsolicited
 * DE-ASSOCIATE), DE-ASSOCIATE from the station; repeated RRs (keep-alives)
 * keep it past the first supervision time. */
static void
test_rr_release(void)
{
	struct fx *x = fx_open(conf_rr);
	struct req a = req1(VDP_TLV_PREASSOC_RR, 0x01, MAC1);
	struct req b = req1(VDP_TLV_ASSOC, 0x02, MAC1);
	uint64_t t;

	/* Keep-alives keep it. */
	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	for (t = x->now + KA_TIMEOUT / 2; t < T0 + 3 * KA_TIMEOUT; t += KA_TIMEOUT / 2) {
		advance(x, t);
		CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	}
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, -1), 1);
	CU_ASSERT_EQUAL(vdp_bridge_stats(x->cp->ports[H2].chans[0]->vdp)->keepalives, 5);
	CU_ASSERT_EQUAL(ask(x, H3, &b, UNTAGGED), 0x45);
	/* Silence: expiry releases it, the station is told. */
	clear_out(x);
	advance(x, x->now + KA_TIMEOUT);
	CU_ASSERT_EQUAL(
		vdp_bridge_stats(x->cp->ports[H2].chans[0]->vdp)->keepalive_expiries, 1);
	CU_ASSERT_EQUAL(vdp_bridge_stats(x->cp->ports[H2].chans[0]->vdp)->tx_unsolicited, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ack_vdp(x, H2, UNTAGGED, 0));
	CU_ASSERT_EQUAL(S.vdp.vsi[0].mode, VDP_TLV_DEASSOC);
	CU_ASSERT_EQUAL(fx_status(&S.vdp.vsi[0]), 0x00); /* unsolicited */
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, -1), 0);
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, H2), 0);
	CU_ASSERT_EQUAL(limits(x).rsv_macs, 0);
	CU_ASSERT_EQUAL(limits(x).n_vsi, 0);
	/* MAC1 is anyone's again. */
	CU_ASSERT_EQUAL(ask(x, H3, &b, UNTAGGED), 0x40);
	b.mode = VDP_TLV_DEASSOC;
	CU_ASSERT_EQUAL(ask(x, H3, &b, UNTAGGED), 0x40);
	CU_ASSERT_EQUAL(count_veths(x, -1), 0);

	/* DE-ASSOCIATE of the pre-associated VSI. */
	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, H2), 1);
	a.mode = VDP_TLV_DEASSOC;
	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, -1), 0);
	CU_ASSERT_EQUAL(limits(x).rsv_macs, 0);
	b.mode = VDP_TLV_ASSOC;
	CU_ASSERT_EQUAL(ask(x, H3, &b, UNTAGGED), 0x40);
	fx_close(x);
}

/* A change replaces the reservation: RR with other MACs frees the old
 * ones; a PRE-ASSOCIATE (type 1) of the VSI gives it up.  Plain
 * PRE-ASSOCIATE reserves nothing. */
static void
test_rr_replace_and_type1(void)
{
	struct fx *x = fx_open(conf_rr);
	struct req a = req1(VDP_TLV_PREASSOC_RR, 0x01, MAC1);
	struct req b = req1(VDP_TLV_ASSOC, 0x02, MAC1);
	struct req p = req1(VDP_TLV_PREASSOC, 0x03, MAC3);
	char *j;

	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	a.macs[0] = MAC2; /* a change of the pre-associated VSI */
	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	CU_ASSERT_EQUAL(limits(x).rsv_veths, 1);
	CU_ASSERT_EQUAL(limits(x).rsv_macs, 1);
	CU_ASSERT_EQUAL(ask(x, H3, &b, UNTAGGED), 0x40); /* MAC1 is free again */
	b = req1(VDP_TLV_ASSOC, 0x04, MAC2);
	CU_ASSERT_EQUAL(ask(x, H3, &b, UNTAGGED), 0x45); /* MAC2 is held */
	/* Type 1 for the same VSI: admitted, the reservation goes. */
	a.mode = VDP_TLV_PREASSOC;
	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	CU_ASSERT_EQUAL(limits(x).rsv_veths, 0);
	CU_ASSERT_EQUAL(ask(x, H3, &b, UNTAGGED), 0x40);

	/* Type 1 alone: validated, nothing held.  Its MAC can be taken by
	 * another VSI, and then its own ASSOCIATE fails. */
	CU_ASSERT_EQUAL(ask(x, H2, &p, UNTAGGED), 0x40);
	CU_ASSERT_EQUAL(limits(x).rsv_veths, 0);
	CU_ASSERT_EQUAL(limits(x).rsv_macs, 0);
	CU_ASSERT_EQUAL(limits(x).n_vsi, 4);
	j = show_vdp(x);
	CU_ASSERT_PTR_NULL(strstr(j, "\"held\":true"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"held\":false"));
	free(j);
	b = req1(VDP_TLV_ASSOC, 0x05, MAC3);
	CU_ASSERT_EQUAL(ask(x, H3, &b, UNTAGGED), 0x40);
	p.mode = VDP_TLV_ASSOC;
	CU_ASSERT_EQUAL(ask(x, H2, &p, UNTAGGED), 0x65); /* KEEP: still pre-associated */
	CU_ASSERT_EQUAL(limits(x).rsv_refused, 1);       /* only the refusal of MAC2 */
	fx_close(x);
}

/* vnctl show vdp: a VSI's state and what its reservation holds. */
static void
test_rr_show(void)
{
	struct fx *x = fx_open(conf_rr);
	struct req a = {
		.mode = VDP_TLV_PREASSOC_RR, .last = 0x01, .n = 2, .macs = { MAC1, MAC2 }
	};
	char *j;

	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	j = show_vdp(x);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(j, "\"state\":\"Pre-Associate with Resource Reservation\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(j,
		"\"reservation\":{\"held\":true,\"port\":\"h2\","
		"\"vlan\":100,\"profile\":\"web\","
		"\"macs\":[\"52:54:00:de:ad:01\",\"52:54:00:de:ad:02\"]}"));
	free(j);
	a.mode = VDP_TLV_ASSOC;
	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	j = show_vdp(x);
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"state\":\"Associate\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(j,
		"\"reservation\":{\"held\":false,\"port\":\"\","
		"\"vlan\":0,\"profile\":\"\",\"macs\":[]}"));
	free(j);
	fx_close(x);
}

/* On a VN-Tag port the vif is held: another VSI on that vif is refused
 * (status 4), so is a CLI vEth on it; the VSI's ASSOCIATE binds it. */
static void
test_rr_vif(void)
{
	struct fx *x = fx_open(conf_rr);
	struct req a = req1(VDP_TLV_PREASSOC_RR, 0x01, MAC1);
	struct req b = req1(VDP_TLV_ASSOC, 0x02, MAC2);
	struct sw_conf_veth cv = { .id = 600, .kind = SW_BIND_VIF, .key = 7 };
	const struct sw_veth *v;
	char err[256];

	snprintf(cv.port, sizeof(cv.port), "h1");
	snprintf(cv.profile, sizeof(cv.profile), "web");
	CU_ASSERT_EQUAL(ask(x, H1, &a, 7), 0x40);
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, H1), 1);
	CU_ASSERT_EQUAL(ask(x, H1, &b, 7), 0x44);
	CU_ASSERT_EQUAL(limits(x).binding_refused, 1);
	CU_ASSERT_EQUAL(limits(x).rsv_refused, 1);
	CU_ASSERT_EQUAL(
		sw_veth_add(x->sw, &cv, SW_ORIGIN_CONFIG, x->now, err, sizeof(err)), -1);
	CU_ASSERT_NOT_EQUAL(strstr(err, "vif 7 on port h1 is reserved for VSI"), NULL);
	cv.key = 8; /* another vif is free */
	CU_ASSERT_EQUAL(sw_veth_add(x->sw, &cv, SW_ORIGIN_CONFIG, x->now, err, sizeof(err)), 0);
	a.mode = VDP_TLV_ASSOC;
	CU_ASSERT_EQUAL(ask(x, H1, &a, 7), 0x40);
	v = NULL;
	for (size_t s = 0; s < sw_veth_slots(x->sw); s++) {
		const struct sw_veth *w = sw_veth_slot(x->sw, s);

		if (w && w->origin == SW_ORIGIN_VDP)
			v = w;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->kind, SW_BIND_VIF);
	CU_ASSERT_EQUAL(v->key, 7);
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, -1), 0);
	fx_close(x);
}

/* Config reload and port set: refused, nothing applied, when they would
 * take what a reservation holds. */
static void
test_rr_reload(void)
{
	struct fx *x = fx_open(conf_rr);
	struct req a = req1(VDP_TLV_PREASSOC_RR, 0x01, MAC1);
	struct sw_conf c;
	char err[512];

	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	CU_ASSERT_EQUAL_FATAL(
		sw_conf_load_string(
			"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; max_veths = 4; };\n"
			"ports = (\n"
			"  { name = \"up0\"; role = \"uplink\"; vlans = [100]; },\n"
			"  { name = \"h1\"; role = \"host\"; mode = \"vntag\"; },\n"
			"  { name = \"h2\"; role = \"host\"; mode = \"vepa\"; max_veths = 2; auto_create = true; },\n"
			"  { name = \"h3\"; role = \"host\"; mode = \"vepa\"; }\n"
			");\n"
			"profiles = ( { name = \"web\"; type_id = 42; type_version = 3; vlan = 100; } );\n"
			"veths = ( { id = 700; port = \"h3\"; mac = \"52:54:00:de:ad:01\"; profile = \"web\"; } );\n",
			"new.conf", &c, err, sizeof(err)),
		0);
	CU_ASSERT_EQUAL(sw_config_apply(x->sw, &c, x->now, err, sizeof(err)), -1);
	CU_ASSERT_NOT_EQUAL(strstr(err, "new.conf:"), NULL);
	CU_ASSERT_NOT_EQUAL(strstr(err, "is reserved for VSI"), NULL);
	CU_ASSERT_EQUAL(count_veths(x, -1), 0);
	sw_conf_free(&c);
	/* h2's max_veths below its vEths + reservations. */
	CU_ASSERT_EQUAL(sw_port_set(x->sw, "h2", "max_veths", "0", err, sizeof(err)), -1);
	CU_ASSERT_NOT_EQUAL(strstr(err, "reserved by VDP"), NULL);
	CU_ASSERT_EQUAL(sw_port_set(x->sw, "h2", "max_veths", "1", err, sizeof(err)), 0);
	a.mode = VDP_TLV_ASSOC;
	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	CU_ASSERT_EQUAL(sw_port(x->sw, H2)->n_veths, 1);
	fx_close(x);
}

/* Migration: RR with the M hint on h3 for a VSI associated on h2 holds a
 * vEth on h3 (the VSI's own MAC is not in its way); after the S hint on
 * h2, ASSOCIATE with M on h3 moves the vEth into the reservation. */
static void
test_rr_migration(void)
{
	struct fx *x = fx_open(conf_rr);
	struct req a = req1(VDP_TLV_ASSOC, 0x01, MAC1);
	const struct sw_veth *v;
	uint32_t id;

	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	v = veth_of(x, MAC1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	id = v->id;
	a.mode = VDP_TLV_PREASSOC_RR;
	a.hints = VDP_STATUS_M;
	CU_ASSERT_EQUAL(ask(x, H3, &a, UNTAGGED), 0x40);
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, H3), 1);
	CU_ASSERT_EQUAL(limits(x).rsv_macs, 1);
	a.mode = VDP_TLV_ASSOC;
	a.hints = VDP_STATUS_S;
	CU_ASSERT_EQUAL(ask(x, H2, &a, UNTAGGED), 0x40);
	a.hints = VDP_STATUS_M;
	CU_ASSERT_EQUAL(ask(x, H3, &a, UNTAGGED), 0x40);
	v = veth_of(x, MAC1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->id, id);
	CU_ASSERT_EQUAL(v->port, H3);
	CU_ASSERT_EQUAL(limits(x).migrations, 1);
	CU_ASSERT_EQUAL(sw_cplane_rsv_veths(x->cp, -1), 0);
	CU_ASSERT_EQUAL(limits(x).rsv_macs, 0);
	CU_ASSERT_EQUAL(count_veths(x, -1), 1);
	fx_close(x);
}

static void
add_suites(void)
{
	static const struct tu_test tests[] = {
		{ "RR holds a vEth on a full port", test_rr_port_full },
		{ "RR holds its MACs", test_rr_macs },
		{ "RR counts switch-wide", test_rr_switch_wide },
		{ "expiry and de-associate release", test_rr_release },
		{ "a change replaces, type 1 holds nothing", test_rr_replace_and_type1 },
		{ "show vdp", test_rr_show },
		{ "RR holds the vif", test_rr_vif },
		{ "reload and port set respect it", test_rr_reload },
		{ "RR with the M hint, then a move", test_rr_migration },
		{ NULL, NULL },
	};

	tu_add_suite("vdp-rr", tests);
}

int
main(void)
{
	return tu_run("vdp-rr", add_suites);
}

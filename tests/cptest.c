/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cptest.c - the fixture shared by the control plane test programs: the
 * switch on memory ports with a control plane and a virtual clock, the
 * station's frames, the decoding of what the switch sent (see cptest.h).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/persist.h"
#include "switchd/state.h"
#include "tests/cptest.h"
#include "vntag/eth.h"

const uint8_t STATION[6] = { 0x02, 0x00, 0x00, 0x00, 0x5a, 0x01 };
const uint8_t NCB[6] = { 0x01, 0x80, 0xC2, 0x00, 0x00, 0x00 };
const uint8_t UPMAC[6] = { 0x02, 0x00, 0x00, 0x00, 0x0a, 0x01 };
const uint8_t MAC1[6] = { 0x52, 0x54, 0x00, 0xde, 0xad, 0x01 };
const uint8_t MAC2[6] = { 0x52, 0x54, 0x00, 0xde, 0xad, 0x02 };

struct sent S;
unsigned S_index;

/* ---- the switch under test ------------------------------------------------------ */

struct fx *
fx_build(struct sw_conf *c)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct sw_cplane_config cc = { .seed = 1 };
	char err[512];

	x->sw = sw_create(c, err, sizeof(err));
	sw_conf_free(c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x->sw);
	/* The memory ports must outlive the switch's use of them (port_be.h):
	 * fx_close() frees them after sw_destroy(). */
	x->n_m = (unsigned)sw_n_ports(x->sw);
	x->m = calloc(x->n_m ? x->n_m : 1, sizeof(*x->m));
	for (unsigned i = 0; i < x->n_m; i++)
		sw_mem_attach(x->sw, i, &x->m[i]);
	x->cp = sw_cplane_create(x->sw, &cc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(x->cp);
	x->seq = 1;
	return x;
}

void
fx_start(struct fx *x, uint64_t now)
{
	x->now = now;
	x->next = sw_run_timers(x->sw, now);
}

struct fx *
fx_open(const char *conf_text)
{
	struct sw_conf c;
	char err[512];
	struct fx *x;

	if (sw_conf_load_string(conf_text, "test.conf", &c, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		CU_FAIL_FATAL("configuration");
	}
	x = fx_build(&c);
	fx_start(x, T0);
	return x;
}

void
fx_close(struct fx *x)
{
	sw_persist_destroy(x->p);
	sw_destroy(x->sw);
	free(x->m);
	free(x);
}

void
advance(struct fx *x, uint64_t t)
{
	while (x->next <= t)
		x->next = sw_run_timers(x->sw, x->next);
	x->now = t;
}

void
input(struct fx *x, unsigned port, const uint8_t *f, size_t len)
{
	uint64_t dl;

	sw_input(x->sw, port, f, len, x->now, NULL);
	dl = sw_next_deadline(x->sw);
	if (dl < x->next)
		x->next = dl < x->now ? x->now : dl;
}

void
clear_out(struct fx *x)
{
	for (unsigned i = 0; i < x->n_m; i++)
		x->m[i].n = 0;
}

/* ---- frames from the station ------------------------------------------------------ */

size_t
fx_put_head(uint8_t *out, const uint8_t *dst, const uint8_t *src, int svif, uint32_t ecid)
{
	size_t n = 12;

	memcpy(out, dst, 6);
	memcpy(out + 6, src, 6);
	if (svif >= 0 && svif < 0xFFFF && !ecid) {
		struct vntag t = { .svif = (uint16_t)svif };
		uint32_t w = 0;

		vntag_pack(&t, &w, NULL);
		vn_put_be16(out + n, VNTAG_TPID);
		vn_put_be32(out + n + 2, w);
		n += VNTAG_HLEN;
	} else if (ecid) {
		struct etag t = { .ecid = ecid };

		vn_put_be16(out + n, ETAG_TPID);
		etag_pack(&t, out + n + 2, NULL);
		n += ETAG_HLEN;
	}
	return n;
}

struct vdp_vsi
fx_vsi(uint8_t mode, uint32_t type_id, uint8_t type_version, uint8_t last)
{
	struct vdp_vsi v = { 0 };

	v.mode = mode;
	v.type_id = type_id;
	v.type_version = type_version;
	v.vsiid_format = VDP_VSIID_UUID;
	memcpy(v.vsiid, "\xa1\xb2\xc3\xd4\x00\x00\x11\x11\x22\x22\x33\x33\x44\x44\x55", 15);
	v.vsiid[15] = last;
	v.fif = VDP_FIF_MAC_VID;
	return v;
}

size_t
fx_put_vdp(uint8_t *out, size_t hlen, const char *mgrid, const struct vdp_vsi *v,
	const struct vdp_filter *f, size_t n, uint16_t seq)
{
	static struct vdp_pdu pdu; /* large: off the stack */
	uint8_t ul[1500];
	size_t ulen = 0;
	struct ecp_pdu e = { .version = ECP_VERSION,
		.op = ECP_OP_REQUEST,
		.subtype = ECP_SUBTYPE_VDP,
		.seq = seq };

	vdp_pdu_init(&pdu);
	pdu.has_mgrid = true;
	memcpy(pdu.mgrid, mgrid, strlen(mgrid));
	CU_ASSERT_FATAL(vdp_pdu_add_vsi(&pdu, v, f, n) >= 0);
	CU_ASSERT_FATAL(vdp_encode(&pdu, ul, sizeof(ul), &ulen, NULL) == 0);
	e.ulpdu = ul;
	e.ulpdu_len = ulen;
	vn_put_be16(out + hlen, VN_ETH_ECP);
	hlen += 2;
	CU_ASSERT_FATAL(ecp_encode(&e, out + hlen, 1500, &ulen, NULL) == 0);
	return fx_pad60(out, hlen + ulen);
}

size_t
fx_pad60(uint8_t *out, size_t len)
{
	if (len >= 60)
		return len;
	memset(out + len, 0, 60 - len);
	return 60;
}

size_t
fx_put_ack(uint8_t *out, size_t hlen, uint16_t seq)
{
	vn_put_be16(out + hlen, VN_ETH_ECP);
	vn_put_be16(out + hlen + 2, 0x1401); /* version 1, ACK, subtype VDP */
	vn_put_be16(out + hlen + 4, seq);
	return hlen + 6;
}

size_t
fx_put_data(uint8_t *out, size_t hlen, int vid, size_t len)
{
	if (vid >= 0) {
		vn_put_be16(out + hlen, VN_ETH_CTAG);
		vn_put_be16(out + hlen + 2, (uint16_t)vid);
		hlen += 4;
	}
	vn_put_be16(out + hlen, 0x88B5);
	memset(out + hlen + 2, 0xAB, len - hlen - 2);
	return len;
}

/* ---- what the switch sent --------------------------------------------------------- */

void
decode_out(const uint8_t *f, size_t len, struct sent *s)
{
	struct vn_eth eth;

	memset(s, 0, sizeof(*s));
	s->svid = s->cvid = NONE;
	s->len = len;
	CU_ASSERT_FATAL(vn_eth_parse(f, len, &eth, NULL) == 0);
	memcpy(s->dst, eth.dst, 6);
	memcpy(s->src, eth.src, 6);
	if (eth.n_tags && eth.tags[0].tpid == VN_ETH_VNTAG) {
		s->tag = 1;
		vntag_unpack(vn_get_be32(f + eth.tags[0].off + 2), &s->vt);
	} else if (eth.n_tags && eth.tags[0].tpid == VN_ETH_ETAG) {
		s->tag = 2;
		etag_unpack(f + eth.tags[0].off + 2, &s->et);
	}
	for (unsigned i = 0; i < eth.n_tags; i++) {
		if (eth.tags[i].tpid == VN_ETH_STAG)
			s->svid = eth.tags[i].vid;
		else if (eth.tags[i].tpid == VN_ETH_CTAG)
			s->cvid = eth.tags[i].vid;
	}
	s->type = eth.type;
	if (eth.type == VN_ETH_ECP) {
		s->ecp = true;
		CU_ASSERT_FATAL(ecp_decode(f + eth.payload_off, len - eth.payload_off, &s->e,
					NULL) == 0);
		if (s->e.op == ECP_OP_REQUEST) {
			CU_ASSERT_FATAL(
				vdp_decode(s->e.ulpdu, s->e.ulpdu_len, &s->vdp, NULL) == 0);
			s->has_vdp = true;
		}
	} else if (eth.type == VN_ETH_LLDP) {
		s->lldp = true;
		CU_ASSERT_FATAL(lldp_decode(f + eth.payload_off, len - eth.payload_off,
					&s->lldp_pdu, NULL) == 0);
	}
}

const struct sent *
vdp_out(struct fx *x, unsigned p, int svid, unsigned k)
{
	for (unsigned i = 0; i < x->m[p].n; i++) {
		decode_out(x->m[p].data[i], x->m[p].len[i], &S);
		S_index = i;
		if (S.has_vdp && S.svid == svid && k-- == 0)
			return &S;
	}
	return NULL;
}

unsigned
count_acks(struct fx *x, unsigned p, int svid, uint16_t seq)
{
	unsigned n = 0;

	for (unsigned i = 0; i < x->m[p].n; i++) {
		decode_out(x->m[p].data[i], x->m[p].len[i], &S);
		n += S.ecp && S.e.op == ECP_OP_ACK && S.e.seq == seq && S.svid == svid;
	}
	return n;
}

int
fx_status(const struct vdp_vsi *v)
{
	return (v->status.response ? 0x40 : 0) | (v->status.keep_or_s ? 0x20 : 0) |
		(v->status.hard_or_m ? 0x10 : 0) | v->status.error;
}

/* ---- the switch's state ------------------------------------------------------------- */

const struct sw_veth *
find_veth(struct fx *x, int origin, const uint8_t *mac)
{
	for (size_t s = 0; s < sw_veth_slots(x->sw); s++) {
		const struct sw_veth *v = sw_veth_slot(x->sw, s);

		if (v && (origin < 0 || v->origin == origin) &&
			(!mac || !memcmp(v->mac, mac, 6)))
			return v;
	}
	return NULL;
}

unsigned
count_veths(struct fx *x, int origin)
{
	unsigned n = 0;

	for (size_t s = 0; s < sw_veth_slots(x->sw); s++) {
		const struct sw_veth *v = sw_veth_slot(x->sw, s);

		n += v && (origin < 0 || v->origin == origin);
	}
	return n;
}

void
fx_json_open(struct fx_json *j)
{
	j->buf = NULL;
	j->len = 0;
	j->mem = open_memstream(&j->buf, &j->len);
	sw_writer_init(&j->w, SW_FMT_JSON, j->mem);
}

char *
fx_json_close(struct fx_json *j)
{
	sw_writer_finish(&j->w);
	fclose(j->mem);
	return j->buf;
}

char *
render_state(struct fx *x)
{
	struct fx_json j;

	fx_json_open(&j);
	sw_state_dump(&j.w, x->sw, x->now);
	return fx_json_close(&j);
}

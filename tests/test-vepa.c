/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-vepa.c - ECP-2012 and VDP-2012 codecs: vectors from real captures
 * (values checked with tshark and the qbg22.lua dissector), the worked
 * example of protocols.md 10, round trips of every TLV type, filter format
 * and VSI ID format, truncation at every offset, malformed-input tables and
 * the array bounds.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "common/codec.h"
#include "tests/testutil.h"
#include "vepa/ecp.h"
#include "vepa/vdp.h"

/* The decoded/built PDUs are ~20 KiB each: keep them off the stack. */
static struct vdp_pdu g_a, g_b;

static size_t
hex(const char *s, uint8_t *buf, size_t cap)
{
	int n = tu_hex(s, buf, cap);

	CU_ASSERT_FATAL(n >= 0);
	return (size_t)n;
}

/* True when the reason is set and contains 'want' (any reason if NULL). */
static bool
reason_has(const char *reason, const char *want)
{
	return reason && (!want || strstr(reason, want));
}

/* Assert a failure: the code and a reason containing 'want'. */
#define ASSERT_FAIL(rc, code, e, want)                                                         \
	do {                                                                                   \
		CU_ASSERT_EQUAL((rc), (code));                                                 \
		CU_ASSERT(reason_has((e).reason, (want)));                                     \
	} while (0)

/* ==== ECP ============================================================== */

static void
test_ecp_request(void)
{
	uint8_t b[16];
	size_t n = hex("10 01 12 24 0a 10", b, sizeof(b));
	struct ecp_pdu p;
	struct vn_err e = { 0 };

	CU_ASSERT_EQUAL_FATAL(ecp_decode(b, n, &p, &e), 0);
	CU_ASSERT_EQUAL(p.version, 1);
	CU_ASSERT_EQUAL(p.op, ECP_OP_REQUEST);
	CU_ASSERT_EQUAL(p.subtype, ECP_SUBTYPE_VDP);
	CU_ASSERT_EQUAL(p.seq, 0x1224);
	CU_ASSERT_PTR_EQUAL(p.ulpdu, b + 4);
	CU_ASSERT_EQUAL(p.ulpdu_len, 2);
	CU_ASSERT_EQUAL(p.pad_len, 0);

	/* PE-CSP (802.1BR) subtype is accepted. */
	n = hex("10 02 00 07 99", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(ecp_decode(b, n, &p, &e), 0);
	CU_ASSERT_EQUAL(p.subtype, ECP_SUBTYPE_PECSP);
	CU_ASSERT_EQUAL(p.seq, 7);
	CU_ASSERT_EQUAL(p.ulpdu_len, 1);

	/* A request with an empty ULPDU decodes; VDP rejects the empty VDPDU. */
	n = hex("10 01 00 01", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(ecp_decode(b, n, &p, &e), 0);
	CU_ASSERT_EQUAL(p.ulpdu_len, 0);
	CU_ASSERT_EQUAL(vdp_decode(p.ulpdu, p.ulpdu_len, &g_a, &e), VN_EBADMSG);
}

static void
test_ecp_ack(void)
{
	uint8_t b[64] = { 0 };
	struct ecp_pdu p;
	struct vn_err e = { 0 };

	/* lldpad's unpadded 18-byte ACK: a 4-byte ECPDU. */
	hex("14 01 00 0b", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(ecp_decode(b, 4, &p, &e), 0);
	CU_ASSERT_EQUAL(p.op, ECP_OP_ACK);
	CU_ASSERT_EQUAL(p.seq, 11);
	CU_ASSERT_PTR_NULL(p.ulpdu);
	CU_ASSERT_EQUAL(p.ulpdu_len, 0);
	CU_ASSERT_EQUAL(p.pad_len, 0);

	/* Padded to 60 bytes: 42 zero bytes of padding. */
	CU_ASSERT_EQUAL_FATAL(ecp_decode(b, 46, &p, &e), 0);
	CU_ASSERT_PTR_NULL(p.ulpdu);
	CU_ASSERT_EQUAL(p.pad_len, 42);

	/* Pad content is not looked at (802.3 leaves it unspecified). */
	memset(b + 4, 0xA5, 42);
	CU_ASSERT_EQUAL_FATAL(ecp_decode(b, 46, &p, &e), 0);
	CU_ASSERT_EQUAL(p.op, ECP_OP_ACK);
	CU_ASSERT_EQUAL(p.pad_len, 42);
	CU_ASSERT_STRING_EQUAL(ecp_op_name(p.op), "ack");
}

static void
test_ecp_malformed(void)
{
	static const struct {
		const char *hex;
		const char *why;
	} t[] = {
		{ "", "shorter than its version" }, { "10", "shorter than its version" },
		{ "10 01", "sequence" }, { "10 01 00", "sequence" },
		{ "00 01 00 01", "version is not 1" },
		{ "20 01 00 01", "version is not 1" }, /* version 2 */
		{ "f0 01 00 01", "version is not 1" },
		{ "18 01 00 01", "op is reserved" }, /* op 2 */
		{ "1c 01 00 01", "op is reserved" }, /* op 3 */
		{ "10 00 00 01", "subtype" },        /* subtype 0 */
		{ "10 03 00 01", "subtype" },        /* subtype 3 */
		{ "13 ff 00 01", "subtype" },        /* subtype 0x3FF */
		{ "14 00 00 01", "subtype" },        /* ACK, subtype 0 */
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t b[8];
		size_t n = hex(t[i].hex, b, sizeof(b));
		struct ecp_pdu p;
		struct vn_err e = { 0 };
		int rc = ecp_decode(b, n, &p, &e);

		ASSERT_FAIL(rc, VN_EBADMSG, e, t[i].why);
		CU_ASSERT(e.offset <= n);
	}
}

static void
test_ecp_encode(void)
{
	static const uint8_t ulp[3] = { 0x0a, 0x10, 0x00 };
	struct ecp_pdu p = { .version = 1, .op = ECP_OP_REQUEST, .subtype = 1, .seq = 0x1224 };
	uint8_t b[16], want[16];
	size_t n = 0, wn;
	struct vn_err e = { 0 };

	p.ulpdu = ulp;
	p.ulpdu_len = sizeof(ulp);
	CU_ASSERT_EQUAL_FATAL(ecp_encode(&p, b, sizeof(b), &n, &e), 0);
	wn = hex("10 01 12 24 0a 10 00", want, sizeof(want));
	CU_ASSERT_EQUAL(n, wn);
	CU_ASSERT_EQUAL(memcmp(b, want, wn), 0);
	for (size_t cap = 0; cap < wn; cap++)
		CU_ASSERT_EQUAL(ecp_encode(&p, b, cap, &n, &e), VN_ENOSPC);

	p.op = ECP_OP_ACK;
	p.ulpdu = NULL;
	p.ulpdu_len = 0;
	p.seq = 11;
	CU_ASSERT_EQUAL_FATAL(ecp_encode(&p, b, sizeof(b), &n, &e), 0);
	CU_ASSERT_EQUAL(n, 4);
	wn = hex("14 01 00 0b", want, sizeof(want));
	CU_ASSERT_EQUAL(memcmp(b, want, 4), 0);

	/* Out-of-range fields. */
	{
		struct ecp_pdu q = p;

		q.version = 2;
		ASSERT_FAIL(ecp_encode(&q, b, sizeof(b), &n, &e), VN_EINVAL, e, "version");
		q = p;
		q.op = 2;
		ASSERT_FAIL(ecp_encode(&q, b, sizeof(b), &n, &e), VN_EINVAL, e, "op");
		q = p;
		q.subtype = 3;
		ASSERT_FAIL(ecp_encode(&q, b, sizeof(b), &n, &e), VN_EINVAL, e, "subtype");
		q = p;
		q.ulpdu = ulp;
		q.ulpdu_len = 3;
		ASSERT_FAIL(ecp_encode(&q, b, sizeof(b), &n, &e), VN_EINVAL, e, "ACK");
		q.op = ECP_OP_REQUEST;
		q.ulpdu_len = ECP_MAX_ULPDU_LEN + 1;
		ASSERT_FAIL(ecp_encode(&q, b, sizeof(b), &n, &e), VN_EINVAL, e, "1496");
		q.ulpdu = NULL;
		q.ulpdu_len = 3;
		ASSERT_FAIL(ecp_encode(&q, b, sizeof(b), &n, &e), VN_EINVAL, e, "NULL");
	}
	CU_ASSERT_STRING_EQUAL(ecp_subtype_name(1), "VDP");
	CU_ASSERT_STRING_EQUAL(ecp_subtype_name(2), "PE-CSP");
	CU_ASSERT_STRING_EQUAL(ecp_subtype_name(3), "unknown");
	CU_ASSERT_STRING_EQUAL(ecp_op_name(0), "request");
	CU_ASSERT_STRING_EQUAL(ecp_op_name(3), "reserved");
}

/* ==== shared VDP helpers ================================================ */

static void
assert_pdu_equal(const struct vdp_pdu *a, const struct vdp_pdu *b)
{
	CU_ASSERT_EQUAL(a->has_mgrid, b->has_mgrid);
	CU_ASSERT_EQUAL(memcmp(a->mgrid, b->mgrid, VDP_MGRID_LEN), 0);
	CU_ASSERT_EQUAL_FATAL(a->n_vsi, b->n_vsi);
	for (size_t i = 0; i < a->n_vsi; i++) {
		const struct vdp_vsi *x = &a->vsi[i], *y = &b->vsi[i];

		CU_ASSERT_EQUAL(x->mode, y->mode);
		CU_ASSERT_EQUAL(x->status.response, y->status.response);
		CU_ASSERT_EQUAL(x->status.keep_or_s, y->status.keep_or_s);
		CU_ASSERT_EQUAL(x->status.hard_or_m, y->status.hard_or_m);
		CU_ASSERT_EQUAL(x->status.error, y->status.error);
		CU_ASSERT_EQUAL(x->type_id, y->type_id);
		CU_ASSERT_EQUAL(x->type_version, y->type_version);
		CU_ASSERT_EQUAL(x->vsiid_format, y->vsiid_format);
		CU_ASSERT_EQUAL(memcmp(x->vsiid, y->vsiid, VDP_VSIID_LEN), 0);
		CU_ASSERT_EQUAL(x->fif, y->fif);
		CU_ASSERT_EQUAL_FATAL(x->n_filters, y->n_filters);
		for (size_t j = 0; j < x->n_filters; j++) {
			const struct vdp_filter *f = &vdp_vsi_filters(a, x)[j];
			const struct vdp_filter *g = &vdp_vsi_filters(b, y)[j];

			CU_ASSERT_EQUAL(f->ps, g->ps);
			CU_ASSERT_EQUAL(f->pcp, g->pcp);
			CU_ASSERT_EQUAL(f->vid, g->vid);
			CU_ASSERT_EQUAL(f->group_id, g->group_id);
			CU_ASSERT_EQUAL(memcmp(f->mac, g->mac, 6), 0);
		}
	}
	CU_ASSERT_EQUAL_FATAL(a->n_org, b->n_org);
	for (size_t i = 0; i < a->n_org; i++) {
		CU_ASSERT_EQUAL(a->org[i].vsi, b->org[i].vsi);
		CU_ASSERT_EQUAL(a->org[i].oui, b->org[i].oui);
		CU_ASSERT_EQUAL(a->org[i].subtype, b->org[i].subtype);
		CU_ASSERT_EQUAL_FATAL(a->org[i].data_len, b->org[i].data_len);
		if (a->org[i].data_len)
			CU_ASSERT_EQUAL(
				memcmp(a->org[i].data, b->org[i].data, a->org[i].data_len), 0);
	}
}

/*
 * Truncate the VDPDU u[0..len) at every length q < len.  A prefix is a valid
 * VDPDU exactly when it ends on a TLV boundary after the first VSI TLV, or
 * one zero byte (padding) past such a boundary, or inside the End TLV /
 * padding after the last TLV (2 bytes of type-0 header are there).  Valid
 * prefixes must decode to the VSI TLVs they contain; all others must fail
 * with a reason and an offset inside the prefix.
 */
static void
check_vdp_truncations(const uint8_t *u, size_t len)
{
	static struct vdp_pdu full, part;
	size_t bound[VDP_MAX_VSI + VDP_MAX_ORG + 8], nvsi_at[VDP_MAX_VSI + VDP_MAX_ORG + 8];
	size_t nb = 0, off = 0, nvsi = 0;
	struct vn_err e = { 0 };

	CU_ASSERT_EQUAL_FATAL(vdp_decode(u, len, &full, &e), 0);
	while (off < full.tlv_len) {
		unsigned int type = u[off] >> 1,
			     tl = (unsigned int)(u[off] & 1) << 8 | u[off + 1];

		off += 2 + tl;
		if (type >= 1 && type <= 4)
			nvsi++;
		bound[nb] = off;
		nvsi_at[nb++] = nvsi;
	}
	CU_ASSERT_EQUAL_FATAL(off, full.tlv_len);
	for (size_t q = 0; q < len; q++) {
		bool valid = full.end_tlv && q >= full.tlv_len + 2;
		size_t want_vsi = full.n_vsi;
		int rc;

		for (size_t i = 0; i < nb && !valid; i++) {
			if (!nvsi_at[i])
				continue;
			if (q == bound[i] || (q == bound[i] + 1 && u[bound[i]] == 0)) {
				valid = true;
				want_vsi = nvsi_at[i];
			}
		}
		memset(&e, 0, sizeof(e));
		rc = vdp_decode(u, q, &part, &e);
		if (valid) {
			CU_ASSERT_EQUAL(rc, 0);
			if (rc == 0) {
				CU_ASSERT_EQUAL(part.n_vsi, want_vsi);
				CU_ASSERT_EQUAL(
					memcmp(part.mgrid, full.mgrid, VDP_MGRID_LEN), 0);
				CU_ASSERT_EQUAL(part.vsi[0].type_id, full.vsi[0].type_id);
				CU_ASSERT_EQUAL(part.vsi[0].n_filters, full.vsi[0].n_filters);
			}
		} else {
			ASSERT_FAIL(rc, VN_EBADMSG, e, NULL);
			CU_ASSERT(e.offset <= q);
		}
	}
}

/* Truncate an ECPDU at every length; VDP requests go on to the VDP check. */
static void
check_ecp_truncations(const uint8_t *b, size_t len)
{
	struct ecp_pdu full, p;
	struct vn_err e = { 0 };

	CU_ASSERT_EQUAL_FATAL(ecp_decode(b, len, &full, &e), 0);
	for (size_t q = 0; q < len; q++) {
		memset(&e, 0, sizeof(e));
		if (q < ECP_HDR_LEN) {
			ASSERT_FAIL(ecp_decode(b, q, &p, &e), VN_EBADMSG, e, NULL);
			CU_ASSERT(e.offset <= q);
			continue;
		}
		/* Any longer prefix is a valid ECPDU (ECP has no length field). */
		CU_ASSERT_EQUAL(ecp_decode(b, q, &p, &e), 0);
		CU_ASSERT_EQUAL(p.seq, full.seq);
		CU_ASSERT_EQUAL(p.op, full.op);
		CU_ASSERT_EQUAL(p.op == ECP_OP_ACK ? p.pad_len : p.ulpdu_len, q - ECP_HDR_LEN);
	}
	if (full.op == ECP_OP_REQUEST && full.subtype == ECP_SUBTYPE_VDP)
		check_vdp_truncations(full.ulpdu, full.ulpdu_len);
}

/* Decode, re-encode and compare with the input bytes (End/padding aside). */
static void
check_vdp_reencode(const uint8_t *u, size_t len, const struct vdp_pdu *d)
{
	static uint8_t out[2048];
	size_t n = 0, want = d->tlv_len + (d->end_tlv ? 2 : 0);
	struct vn_err e = { 0 };

	CU_ASSERT_EQUAL(d->n_unknown, 0);
	CU_ASSERT_EQUAL_FATAL(vdp_encode(d, out, sizeof(out), &n, &e), 0);
	CU_ASSERT_EQUAL_FATAL(n, want);
	CU_ASSERT_FATAL(n <= len);
	CU_ASSERT_EQUAL(memcmp(out, u, n), 0);
}

/* ==== the worked example of protocols.md 10 ============================ */

#define WORKED                                                                                 \
	"0a10 000102030405060708090a0b0c0d0e0f"                                                \
	"0621 00 123456 07 05 a1b2c3d4000011112222333344445555"                                \
	"02 0001 02aabbccddee 000a"

static void
test_vdp_worked_example(void)
{
	uint8_t u[64], out[64];
	size_t n = hex(WORKED, u, sizeof(u)), on = 0;
	struct vn_err e = { 0 };
	const struct vdp_vsi *v;
	const struct vdp_filter *f;
	static const uint8_t mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	static const struct {
		uint8_t octet;
		bool response, keep, hard;
		uint8_t error;
	} st[] = {
		{ 0x40, true, false, false, VDP_ERR_SUCCESS },
		{ 0x60, true, true, false, VDP_ERR_SUCCESS },
		{ 0x42, true, false, false, VDP_ERR_INSUFFICIENT_RESOURCES },
		{ 0x52, true, false, true, VDP_ERR_INSUFFICIENT_RESOURCES },
	};

	CU_ASSERT_EQUAL_FATAL(n, 53);
	CU_ASSERT_EQUAL_FATAL(vdp_decode(u, n, &g_a, &e), 0);
	CU_ASSERT(g_a.has_mgrid);
	for (int i = 0; i < 16; i++)
		CU_ASSERT_EQUAL(g_a.mgrid[i], i);
	CU_ASSERT_EQUAL_FATAL(g_a.n_vsi, 1);
	v = &g_a.vsi[0];
	CU_ASSERT_EQUAL(v->mode, VDP_TLV_ASSOC);
	CU_ASSERT_EQUAL(v->offset, 18);
	CU_ASSERT_FALSE(v->status.response);
	CU_ASSERT_FALSE(vdp_status_s_bit(&v->status));
	CU_ASSERT_FALSE(vdp_status_m_bit(&v->status));
	CU_ASSERT_EQUAL(v->type_id, 0x123456);
	CU_ASSERT_EQUAL(v->type_version, 7);
	CU_ASSERT_EQUAL(v->vsiid_format, VDP_VSIID_UUID);
	CU_ASSERT_EQUAL(v->vsiid[0], 0xa1);
	CU_ASSERT_EQUAL(v->vsiid[15], 0x55);
	CU_ASSERT_EQUAL(v->fif, VDP_FIF_MAC_VID);
	CU_ASSERT_EQUAL_FATAL(v->n_filters, 1);
	f = vdp_vsi_filters(&g_a, v);
	CU_ASSERT_EQUAL(memcmp(f->mac, mac, 6), 0);
	CU_ASSERT_FALSE(f->ps);
	CU_ASSERT_EQUAL(f->pcp, 0);
	CU_ASSERT_EQUAL(f->vid, 10);
	CU_ASSERT_EQUAL(g_a.tlv_len, 53);
	CU_ASSERT_FALSE(g_a.end_tlv);
	CU_ASSERT_EQUAL(g_a.n_unknown, 0);
	CU_ASSERT_EQUAL(g_a.n_org, 0);
	check_vdp_reencode(u, n, &g_a);
	check_vdp_truncations(u, n);

	/* Bridge responses: the same bytes with another status octet. */
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		u[20] = st[i].octet;
		CU_ASSERT_EQUAL_FATAL(vdp_decode(u, n, &g_a, &e), 0);
		v = &g_a.vsi[0];
		CU_ASSERT_EQUAL(v->status.response, st[i].response);
		CU_ASSERT_EQUAL(vdp_status_keep(&v->status), st[i].keep);
		CU_ASSERT_EQUAL(vdp_status_hard(&v->status), st[i].hard);
		CU_ASSERT_FALSE(vdp_status_s_bit(&v->status));
		CU_ASSERT_FALSE(vdp_status_m_bit(&v->status));
		CU_ASSERT_EQUAL(v->status.error, st[i].error);
		CU_ASSERT_EQUAL_FATAL(vdp_encode(&g_a, out, sizeof(out), &on, &e), 0);
		CU_ASSERT_EQUAL(on, n);
		CU_ASSERT_EQUAL(memcmp(out, u, n), 0);
	}
	CU_ASSERT_STRING_EQUAL(
		vdp_error_name(g_a.vsi[0].status.error), "insufficient resources");

	/* Inside an ECP request with header 10 01 SS SS. */
	{
		uint8_t fr[80];
		struct ecp_pdu p = { .version = 1, .op = 0, .subtype = 1, .seq = 0x0102 };

		p.ulpdu = u;
		p.ulpdu_len = n;
		CU_ASSERT_EQUAL_FATAL(ecp_encode(&p, fr, sizeof(fr), &on, &e), 0);
		CU_ASSERT_EQUAL(on, 57);
		CU_ASSERT_EQUAL(fr[0], 0x10);
		CU_ASSERT_EQUAL(fr[1], 0x01);
		CU_ASSERT_EQUAL(fr[2], 0x01);
		CU_ASSERT_EQUAL(fr[3], 0x02);
		CU_ASSERT_EQUAL(memcmp(fr + 4, u, n), 0);
		check_ecp_truncations(fr, on);
	}
}

/* ==== status octet ====================================================== */

static void
test_vdp_status(void)
{
	struct vn_err e = { 0 };

	for (unsigned int o = 0; o < 256; o++) {
		struct vdp_status s;
		uint8_t back = 0;

		vdp_status_unpack((uint8_t)o, &s);
		CU_ASSERT_EQUAL(s.response, (o & 0x40) != 0);
		CU_ASSERT_EQUAL(s.keep_or_s, (o & 0x20) != 0);
		CU_ASSERT_EQUAL(s.hard_or_m, (o & 0x10) != 0);
		CU_ASSERT_EQUAL(s.error, (o & 0x40) ? (o & 0x0F) : 0);
		CU_ASSERT_EQUAL(vdp_status_keep(&s), (o & 0x60) == 0x60);
		CU_ASSERT_EQUAL(vdp_status_hard(&s), (o & 0x50) == 0x50);
		CU_ASSERT_EQUAL(vdp_status_s_bit(&s), (o & 0x60) == 0x20);
		CU_ASSERT_EQUAL(vdp_status_m_bit(&s), (o & 0x50) == 0x10);
		if ((o & 0x40) && (o & 0x0F) > 5) {
			ASSERT_FAIL(vdp_status_pack(&s, &back, &e), VN_EINVAL, e, "reserved");
			continue;
		}
		CU_ASSERT_EQUAL_FATAL(vdp_status_pack(&s, &back, &e), 0);
		/* Reserved bit 7 and a request's low nibble are sent as 0. */
		CU_ASSERT_EQUAL(back, (o & 0x40) ? (o & 0x7F) : (o & 0x70));
	}
	{
		struct vdp_status s = { .response = false, .error = 1 };
		uint8_t back;

		ASSERT_FAIL(vdp_status_pack(&s, &back, &e), VN_EINVAL, e, "request");
	}
}

/* ==== round trips ======================================================= */

static void
fill_vsiid(uint8_t fmt, uint8_t id[16])
{
	static const char *const ids[] = {
		[VDP_VSIID_IPV4] = "00000000000000000000ffffc0000201",
		[VDP_VSIID_IPV6] = "20010db8000000000000000000000001",
		[VDP_VSIID_MAC] = "00000000000000000000525400112233",
		[VDP_VSIID_LOCAL] = "000102030405060708090a0b0c0d0e0f",
		[VDP_VSIID_UUID] = "a1b2c3d4000011112222333344445555",
	};

	CU_ASSERT_EQUAL_FATAL(hex(ids[fmt], id, 16), 16);
}

/* A VSI of the given kind with 'n' entries exercising every entry field. */
static void
make_vsi(struct vdp_vsi *v, struct vdp_filter *f, size_t n, uint8_t mode, uint8_t fif,
	uint8_t fmt, uint8_t status)
{
	memset(v, 0, sizeof(*v));
	v->mode = mode;
	vdp_status_unpack(status, &v->status);
	v->type_id = 0xABCDEF;
	v->type_version = 0x42;
	v->vsiid_format = fmt;
	fill_vsiid(fmt, v->vsiid);
	v->fif = fif;
	for (size_t i = 0; i < n; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		f[i].ps = i & 1;
		f[i].pcp = (uint8_t)((i * 3) & 7);
		f[i].vid = (uint16_t)(i == 0 ? 0 : i == 1 ? 4094 : 100 + i);
		if (fif == VDP_FIF_GROUP_VID || fif == VDP_FIF_GROUP_MAC_VID)
			f[i].group_id = 0xDEAD0000u + (uint32_t)i;
		if (fif == VDP_FIF_MAC_VID || fif == VDP_FIF_GROUP_MAC_VID) {
			static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0x00 };

			memcpy(f[i].mac, mac, 6);
			f[i].mac[5] = (uint8_t)i;
		}
	}
}

static void
test_vdp_roundtrip_all(void)
{
	static const uint8_t statuses[] = { 0x00, 0x10, 0x20, 0x30, 0x40, 0x60, 0x75, 0x53 };
	static uint8_t buf[2048], again[2048];
	unsigned int k = 0;

	for (uint8_t mode = 1; mode <= 4; mode++)
		for (uint8_t fif = 1; fif <= 4; fif++)
			for (uint8_t fmt = 1; fmt <= 5; fmt++) {
				struct vdp_vsi v;
				struct vdp_filter f[3];
				size_t n = 0, n2 = 0, esz = vdp_fif_entry_size(fif);
				struct vn_err e = { 0 };

				make_vsi(&v, f, 3, mode, fif, fmt,
					statuses[k++ % sizeof(statuses)]);
				vdp_pdu_init(&g_a);
				g_a.has_mgrid = true;
				memcpy(g_a.mgrid, "vnswitch-mgr-01", 16);
				CU_ASSERT_EQUAL_FATAL(vdp_pdu_add_vsi(&g_a, &v, f, 3), 0);
				CU_ASSERT_EQUAL_FATAL(
					vdp_encode(&g_a, buf, sizeof(buf), &n, &e), 0);
				CU_ASSERT_EQUAL(n, 18 + 2 + 25 + 3 * esz);
				/* TLV header: type = mode, length = 25 + n * size. */
				CU_ASSERT_EQUAL(buf[18] >> 1, mode);
				CU_ASSERT_EQUAL((buf[18] & 1) << 8 | buf[19], 25 + 3 * esz);
				CU_ASSERT_EQUAL(buf[18 + 2 + 5], fmt);
				CU_ASSERT_EQUAL(buf[18 + 2 + 22], fif);
				CU_ASSERT_EQUAL(buf[18 + 2 + 24], 3);
				CU_ASSERT_EQUAL_FATAL(vdp_decode(buf, n, &g_b, &e), 0);
				assert_pdu_equal(&g_a, &g_b);
				CU_ASSERT_EQUAL(g_b.tlv_len, n);
				CU_ASSERT_EQUAL_FATAL(
					vdp_encode(&g_b, again, sizeof(again), &n2, &e), 0);
				CU_ASSERT_EQUAL(n2, n);
				CU_ASSERT_EQUAL(memcmp(buf, again, n), 0);
			}
	CU_ASSERT_EQUAL(k, 80);
}

/* Several VSI TLVs, org TLVs before and after them, and the End TLV option. */
static void
test_vdp_roundtrip_multi(void)
{
	static const uint8_t vmname[] = { 5, 'a', 'b' };
	static uint8_t buf[2048], again[2048];
	struct vdp_vsi v;
	struct vdp_filter f[4];
	size_t n = 0, n2 = 0;
	struct vn_err e = { 0 };

	vdp_pdu_init(&g_a);
	g_a.has_mgrid = true;
	memset(g_a.mgrid, 0x77, 16);
	CU_ASSERT_EQUAL(vdp_pdu_add_org(&g_a, VDP_ORG_NO_VSI, 0x0080C2, 9, NULL, 0), 0);
	make_vsi(&v, f, 2, VDP_TLV_PREASSOC, VDP_FIF_VID, VDP_VSIID_MAC, 0x10);
	CU_ASSERT_EQUAL(vdp_pdu_add_vsi(&g_a, &v, f, 2), 0);
	CU_ASSERT_EQUAL(vdp_pdu_add_org(&g_a, 0, 0x00000C, 0xF1, vmname, sizeof(vmname)), 1);
	CU_ASSERT_EQUAL(vdp_pdu_add_org(&g_a, 0, 0x00000C, 0xF2, vmname, 1), 2);
	make_vsi(&v, f, 4, VDP_TLV_ASSOC, VDP_FIF_GROUP_MAC_VID, VDP_VSIID_IPV4, 0x00);
	CU_ASSERT_EQUAL(vdp_pdu_add_vsi(&g_a, &v, f, 4), 1);
	make_vsi(&v, f, 1, VDP_TLV_DEASSOC, VDP_FIF_GROUP_VID, VDP_VSIID_IPV6, 0x00);
	CU_ASSERT_EQUAL(vdp_pdu_add_vsi(&g_a, &v, f, 1), 2);
	CU_ASSERT_EQUAL(vdp_pdu_add_org(&g_a, 2, 0x123456, 1, NULL, 0), 3);
	CU_ASSERT_EQUAL(g_a.n_filters, 7);
	CU_ASSERT_EQUAL(g_a.vsi[2].filter_base, 6);

	for (int end = 0; end <= 1; end++) {
		size_t want = 18 + 6 + (27 + 4) + (6 + 3) + (6 + 1) + (27 + 48) + (27 + 6) + 6;

		g_a.end_tlv = end;
		CU_ASSERT_EQUAL_FATAL(vdp_encode(&g_a, buf, sizeof(buf), &n, &e), 0);
		CU_ASSERT_EQUAL(n, want + (end ? 2 : 0));
		/* Order: Manager ID, orphan org, VSI 0, its two orgs, VSI 1, VSI 2, org. */
		CU_ASSERT_EQUAL(buf[0], 0x0a);
		CU_ASSERT_EQUAL(buf[18], 0xfe);
		CU_ASSERT_EQUAL(buf[19], 4);
		CU_ASSERT_EQUAL(buf[24] >> 1, VDP_TLV_PREASSOC);
		CU_ASSERT_EQUAL(buf[24 + 31], 0xfe);
		if (end) {
			CU_ASSERT_EQUAL(buf[n - 2], 0);
			CU_ASSERT_EQUAL(buf[n - 1], 0);
		}
		CU_ASSERT_EQUAL_FATAL(vdp_decode(buf, n, &g_b, &e), 0);
		assert_pdu_equal(&g_a, &g_b);
		CU_ASSERT_EQUAL(g_b.end_tlv, end);
		CU_ASSERT_EQUAL(g_b.tlv_len, want);
		/* Org data points into the decoded buffer. */
		CU_ASSERT_PTR_EQUAL(g_b.org[1].data, buf + 24 + 31 + 6);
		CU_ASSERT_PTR_NULL(g_b.org[0].data);
		CU_ASSERT_EQUAL_FATAL(vdp_encode(&g_b, again, sizeof(again), &n2, &e), 0);
		CU_ASSERT_EQUAL(n2, n);
		CU_ASSERT_EQUAL(memcmp(buf, again, n), 0);
		check_vdp_truncations(buf, n);
		for (size_t cap = 0; cap < n; cap++)
			ASSERT_FAIL(vdp_encode(&g_a, again, cap, &n2, &e), VN_ENOSPC, e,
				"too small");
	}
}

/* ==== captures ========================================================== */

struct exp_entry {
	const char *mac; /* 12 hex digits or NULL */
	uint32_t gid;
	bool ps;
	uint8_t pcp;
	uint16_t vid;
};

struct exp_frame {
	unsigned int frame; /* 1-based, as tshark numbers them */
	uint8_t op;
	uint16_t seq;
	size_t pad; /* ACK only */
	uint8_t mode, status, fif;
	bool end;
	uint16_t n;
	struct exp_entry e[2];
};

struct exp_file {
	const char *name;
	const char *mgrid, *vsiid; /* same in every VDP request of the file */
	uint32_t type_id;
	uint8_t type_version;
	const struct exp_frame *f;
	size_t nf;
};

#define MAC33 "525400112233"
static const struct exp_frame crafted[] = {
	{ 1, 0, 1, 0, 3, 0x00, 2, false, 1, { { MAC33, 0, false, 0, 0 } } },
	{ 2, 1, 1, 42, 0, 0, 0, false, 0, { { 0 } } },
	{ 3, 0, 256, 0, 3, 0x40, 2, true, 1, { { MAC33, 0, false, 3, 100 } } },
	{ 4, 0, 2, 0, 1, 0x10, 1, false, 1, { { NULL, 0, false, 0, 200 } } },
	{ 5, 0, 3, 0, 2, 0x20, 3, false, 1, { { NULL, 77, false, 0, 300 } } },
	{ 6, 0, 4, 0, 3, 0x00, 4, false, 1, { { "525400112234", 77, false, 0, 300 } } },
	{ 7, 0, 257, 0, 3, 0x72, 2, false, 1, { { MAC33, 0, false, 0, 100 } } },
	{ 8, 0, 258, 0, 4, 0x00, 2, false, 1, { { MAC33, 0, false, 0, 100 } } },
	{ 9, 0, 5, 0, 3, 0x00, 2, false, 2,
		{ { MAC33, 0, false, 0, 10 }, { "525400112235", 0, false, 0, 20 } } },
};

static const struct exp_frame unanswered[] = {
	{ 6, 0, 1, 0, 3, 0x00, 2, false, 1, { { MAC33, 0, false, 0, 0 } } },
	{ 7, 0, 1, 0, 3, 0x00, 2, false, 1, { { MAC33, 0, false, 0, 0 } } },
	{ 8, 0, 1, 0, 3, 0x00, 2, false, 1, { { MAC33, 0, false, 0, 0 } } },
	{ 9, 0, 1, 0, 3, 0x00, 2, false, 1, { { MAC33, 0, false, 0, 0 } } },
};

#define TWO                                                                                    \
	{                                                                                      \
		{ "525400dead01", 0, false, 0, 0 },                                            \
		{                                                                              \
			"525400dead02", 0, false, 0, 0                                         \
		}                                                                              \
	}
static const struct exp_frame twofilters[] = {
	{ 19, 0, 11, 0, 3, 0x00, 2, false, 2, TWO },
	{ 20, 1, 11, 0, 0, 0, 0, false, 0, { { 0 } } },
	{ 21, 0, 1, 0, 3, 0x40, 2, false, 2, TWO },
	{ 22, 1, 1, 0, 0, 0, 0, false, 0, { { 0 } } },
	{ 28, 0, 12, 0, 3, 0x00, 2, false, 2, TWO },
	{ 29, 1, 12, 0, 0, 0, 0, false, 0, { { 0 } } },
	{ 30, 0, 2, 0, 3, 0x40, 2, false, 2, TWO },
	{ 31, 1, 2, 0, 0, 0, 0, false, 0, { { 0 } } },
	{ 32, 0, 13, 0, 4, 0x00, 2, false, 2, TWO },
	{ 33, 1, 13, 0, 0, 0, 0, false, 0, { { 0 } } },
	{ 34, 0, 3, 0, 4, 0x40, 2, false, 2, TWO },
	{ 35, 1, 3, 0, 0, 0, 0, false, 0, { { 0 } } },
};

static const struct exp_file files[] = {
	{ "ecp_vdp2012_crafted_all_formats.pcap", "6f70656e737461636b2d6d6772000000",
		"a1b2c3d4000011112222333344445555", 5, 4, crafted,
		sizeof(crafted) / sizeof(crafted[0]) },
	{ "lldpad_station_evb22_lldp_and_unanswered_vdp_assoc.pcap",
		"626c61626c6100000000000000000000", "a1b2c3d4000011112222333344445555", 5, 4,
		unanswered, sizeof(unanswered) / sizeof(unanswered[0]) },
	{ "lldpad_station_vs_lldpad_bridge_evb_vdp_assoc_keepalive_deassoc_2filters.pcap",
		"72656662726964676500000000000000", "deadbeef000011112222333344445555", 42, 3,
		twofilters, sizeof(twofilters) / sizeof(twofilters[0]) },
};

static void
check_capture_vdp(const struct exp_file *x, const struct exp_frame *w, const struct ecp_pdu *p)
{
	uint8_t mgrid[16], vsiid[16], mac[6];
	struct vn_err e = { 0 };
	const struct vdp_vsi *v;
	uint8_t octet = 0;

	CU_ASSERT_EQUAL_FATAL(vdp_decode(p->ulpdu, p->ulpdu_len, &g_a, &e), 0);
	hex(x->mgrid, mgrid, sizeof(mgrid));
	hex(x->vsiid, vsiid, sizeof(vsiid));
	CU_ASSERT(g_a.has_mgrid);
	CU_ASSERT_EQUAL(memcmp(g_a.mgrid, mgrid, 16), 0);
	CU_ASSERT_EQUAL_FATAL(g_a.n_vsi, 1);
	CU_ASSERT_EQUAL(g_a.n_org, 0);
	CU_ASSERT_EQUAL(g_a.end_tlv, w->end);
	v = &g_a.vsi[0];
	CU_ASSERT_EQUAL(v->mode, w->mode);
	CU_ASSERT_EQUAL(vdp_status_pack(&v->status, &octet, &e), 0);
	CU_ASSERT_EQUAL(octet, w->status);
	CU_ASSERT_EQUAL(v->status.response, (w->status & 0x40) != 0);
	CU_ASSERT_EQUAL(v->type_id, x->type_id);
	CU_ASSERT_EQUAL(v->type_version, x->type_version);
	CU_ASSERT_EQUAL(v->vsiid_format, VDP_VSIID_UUID);
	CU_ASSERT_EQUAL(memcmp(v->vsiid, vsiid, 16), 0);
	CU_ASSERT_EQUAL(v->fif, w->fif);
	CU_ASSERT_EQUAL_FATAL(v->n_filters, w->n);
	for (size_t i = 0; i < w->n; i++) {
		const struct vdp_filter *f = &vdp_vsi_filters(&g_a, v)[i];

		memset(mac, 0, sizeof(mac));
		if (w->e[i].mac)
			hex(w->e[i].mac, mac, sizeof(mac));
		CU_ASSERT_EQUAL(memcmp(f->mac, mac, 6), 0);
		CU_ASSERT_EQUAL(f->group_id, w->e[i].gid);
		CU_ASSERT_EQUAL(f->ps, w->e[i].ps);
		CU_ASSERT_EQUAL(f->pcp, w->e[i].pcp);
		CU_ASSERT_EQUAL(f->vid, w->e[i].vid);
	}
	check_vdp_reencode(p->ulpdu, p->ulpdu_len, &g_a);
}

static void
check_capture(const struct exp_file *x)
{
	struct tu_pcap *pc = tu_pcap_load(x->name);
	static uint8_t vb[2048], eb[2048];
	size_t seen = 0;

	for (size_t i = 0; i < pc->n; i++) {
		const struct tu_frame *fr = &pc->frames[i];
		const struct exp_frame *w = NULL;
		struct ecp_pdu p, q;
		struct vn_err e = { 0 };
		size_t vn = 0, en = 0;

		if (fr->len < 14 || vn_get_be16(fr->data + 12) != VN_ETH_ECP)
			continue;
		for (size_t j = 0; j < x->nf; j++)
			if (x->f[j].frame == i + 1)
				w = &x->f[j];
		CU_ASSERT_PTR_NOT_NULL_FATAL(w);
		seen++;
		CU_ASSERT_EQUAL_FATAL(ecp_decode(fr->data + 14, fr->len - 14, &p, &e), 0);
		CU_ASSERT_EQUAL(p.version, 1);
		CU_ASSERT_EQUAL(p.subtype, ECP_SUBTYPE_VDP);
		CU_ASSERT_EQUAL(p.op, w->op);
		CU_ASSERT_EQUAL(p.seq, w->seq);
		check_ecp_truncations(fr->data + 14, fr->len - 14);
		if (p.op == ECP_OP_ACK) {
			CU_ASSERT_EQUAL(p.pad_len, w->pad);
			CU_ASSERT_EQUAL(fr->len, 18 + w->pad);
			CU_ASSERT_EQUAL_FATAL(ecp_encode(&p, eb, sizeof(eb), &en, &e), 0);
			CU_ASSERT_EQUAL(en, 4);
			CU_ASSERT_EQUAL(memcmp(eb, fr->data + 14, 4), 0);
			continue;
		}
		check_capture_vdp(x, w, &p);
		/* Re-encode VDP then ECP and compare with the frame (no padding). */
		CU_ASSERT_EQUAL_FATAL(vdp_encode(&g_a, vb, sizeof(vb), &vn, &e), 0);
		q = p;
		q.ulpdu = vb;
		q.ulpdu_len = vn;
		CU_ASSERT_EQUAL_FATAL(ecp_encode(&q, eb, sizeof(eb), &en, &e), 0);
		CU_ASSERT_EQUAL(en, 4 + vn);
		CU_ASSERT_FATAL(14 + en <= fr->len);
		CU_ASSERT_EQUAL(memcmp(eb, fr->data + 14, en), 0);
		/* Whatever follows in these captures is zero (End TLV / none). */
		for (size_t k = 14 + en; k < fr->len; k++)
			CU_ASSERT_EQUAL(fr->data[k], 0);
	}
	CU_ASSERT_EQUAL(seen, x->nf);
	tu_pcap_free(pc);
}

static void
test_capture_crafted(void)
{
	check_capture(&files[0]);
	/* Frame 7 in detail: 0x72 = response, KEEP, HARD, error 2. */
	{
		struct tu_pcap *pc = tu_pcap_load(files[0].name);
		struct ecp_pdu p;
		struct vn_err e = { 0 };
		const struct vdp_status *s;

		CU_ASSERT_EQUAL_FATAL(
			ecp_decode(pc->frames[6].data + 14, pc->frames[6].len - 14, &p, &e), 0);
		CU_ASSERT_EQUAL_FATAL(vdp_decode(p.ulpdu, p.ulpdu_len, &g_a, &e), 0);
		s = &g_a.vsi[0].status;
		CU_ASSERT(s->response);
		CU_ASSERT(vdp_status_keep(s));
		CU_ASSERT(vdp_status_hard(s));
		CU_ASSERT_EQUAL(s->error, VDP_ERR_INSUFFICIENT_RESOURCES);
		/* Frame 4: request with the M bit; frame 5: with the S bit. */
		CU_ASSERT_EQUAL_FATAL(
			ecp_decode(pc->frames[3].data + 14, pc->frames[3].len - 14, &p, &e), 0);
		CU_ASSERT_EQUAL_FATAL(vdp_decode(p.ulpdu, p.ulpdu_len, &g_a, &e), 0);
		CU_ASSERT(vdp_status_m_bit(&g_a.vsi[0].status));
		CU_ASSERT_FALSE(vdp_status_s_bit(&g_a.vsi[0].status));
		CU_ASSERT_FALSE(vdp_status_hard(&g_a.vsi[0].status));
		CU_ASSERT_EQUAL_FATAL(
			ecp_decode(pc->frames[4].data + 14, pc->frames[4].len - 14, &p, &e), 0);
		CU_ASSERT_EQUAL_FATAL(vdp_decode(p.ulpdu, p.ulpdu_len, &g_a, &e), 0);
		CU_ASSERT(vdp_status_s_bit(&g_a.vsi[0].status));
		CU_ASSERT_FALSE(vdp_status_keep(&g_a.vsi[0].status));
		tu_pcap_free(pc);
	}
}

static void
test_capture_lldpad_unanswered(void)
{
	check_capture(&files[1]);
}

static void
test_capture_lldpad_bridge(void)
{
	check_capture(&files[2]);
}

/* ==== malformed VDPDUs ================================================== */

#define MGR   "0a10 00112233445566778899aabbccddeeff"
#define UUID  "a1b2c3d4000011112222333344445555"
#define VSI33 "0621 00 000005 04 05" UUID "02 0001 525400112233 000a" /* valid */

static void
test_vdp_malformed(void)
{
	static const struct {
		const char *hex;
		const char *why;
	} t[] = {
		/* structure */
		{ "", "no Manager ID" },
		{ "00", "ends inside a TLV header" },
		{ "0000 0000", "no Manager ID" },
		{ VSI33, "first VDP TLV is not a Manager ID" },
		{ "fe04 00000cf1" MGR VSI33, "first VDP TLV is not a Manager ID" },
		{ MGR MGR VSI33, "duplicate Manager ID" },
		{ MGR VSI33 MGR, "duplicate Manager ID" },
		{ "0a0f 00112233445566778899aabbccddee" VSI33,
			"Manager ID TLV length is not 16" },
		{ "0a11 00112233445566778899aabbccddeeff00" VSI33,
			"Manager ID TLV length is not 16" },
		{ "0a10 00112233445566778899aabbccddee", "runs past the end" },
		{ MGR, "no VSI TLV" },
		{ MGR "fe04 00000cf1", "no VSI TLV" },
		{ MGR "0c00"
		      "0000",
			"no VSI TLV" }, /* unknown type 6 only */
		{ MGR VSI33 "01", "ends inside a TLV header" },
		{ MGR VSI33 "0c05 0000", "runs past the end" },
		{ MGR "0622 00 000005 04 05" UUID "02 0001 525400112233 000a",
			"runs past the end" },
		{ MGR "fe03 00000c", "shorter than OUI" },
		/* VSI TLV fixed part */
		{ MGR "0618 00 000005 04 05" UUID "02 00", "shorter than its 25" },
		{ MGR "0600", "shorter than its 25" },
		/* count disagreeing with the length, both directions */
		{ MGR "0621 00 000005 04 05" UUID "02 0002 525400112233 000a",
			"needs more bytes" },
		{ MGR "0621 00 000005 04 05" UUID "02 0000 525400112233 000a", "exceeds what" },
		{ MGR "0622 00 000005 04 05" UUID "02 0001 525400112233 000a 00",
			"exceeds what" },
		{ MGR "061b 00 000005 04 05" UUID "01 ffff 000a", "needs more bytes" },
		{ MGR "0620 00 000005 04 05" UUID "02 0001 525400112233 00",
			"needs more bytes" },
		/* reserved formats */
		{ MGR "0621 00 000005 04 05" UUID "00 0001 525400112233 000a",
			"filter info format" },
		{ MGR "0621 00 000005 04 05" UUID "05 0001 525400112233 000a",
			"filter info format" },
		{ MGR "0621 00 000005 04 00" UUID "02 0001 525400112233 000a",
			"VSI ID format" },
		{ MGR "0621 00 000005 04 06" UUID "02 0001 525400112233 000a",
			"VSI ID format" },
		{ MGR "0621 00 000005 04 ff" UUID "02 0001 525400112233 000a",
			"VSI ID format" },
		/* VSI ID content */
		{ MGR "0621 00 000005 04 01 00000000000000000000ff00c0000201"
		      "02 0001 525400112233 000a",
			"IPv4-mapped" }, /* lldpad lets this one through */
		{ MGR "0621 00 000005 04 01 0000000000000000000000ffc0000201"
		      "02 0001 525400112233 000a",
			"IPv4-mapped" },
		{ MGR "0621 00 000005 04 01 01000000000000000000ffffc0000201"
		      "02 0001 525400112233 000a",
			"IPv4-mapped" },
		{ MGR "0621 00 000005 04 01" UUID "02 0001 525400112233 000a", "IPv4-mapped" },
		{ MGR "0621 00 000005 04 03 00000000000000000001525400112233"
		      "02 0001 525400112233 000a",
			"MAC VSI ID" },
		{ MGR "0621 00 000005 04 02 00000000000000000000000000000000"
		      "02 0001 525400112233 000a",
			"all zero" },
		/* reserved values */
		{ MGR "0621 00 000005 04 05" UUID "02 0001 525400112233 0fff", "VID 4095" },
		{ MGR "0621 00 000005 04 05" UUID "02 0001 525400112233 ffff", "VID 4095" },
		{ MGR "061d 00 000005 04 05" UUID "01 0002 000a 0fff", "VID 4095" },
		{ MGR "0621 46 000005 04 05" UUID "02 0001 525400112233 000a", "(6..15)" },
		{ MGR "0621 4f 000005 04 05" UUID "02 0001 525400112233 000a", "(6..15)" },
		{ MGR "0621 7f 000005 04 05" UUID "02 0001 525400112233 000a", "(6..15)" },
		/* the second VSI TLV is bad */
		{ MGR VSI33 "0621 00 000005 04 05" UUID "04 0001 525400112233 000a",
			"needs more bytes" },
	};
	uint8_t b[256];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t n = hex(t[i].hex, b, sizeof(b));
		struct vn_err e = { 0 };
		int rc = vdp_decode(b, n, &g_a, &e);

		if (rc != VN_EBADMSG || !e.reason || !strstr(e.reason, t[i].why))
			fprintf(stderr, "\ncase %zu: rc %d reason '%s'\n", i, rc,
				e.reason ? e.reason : "(null)");
		ASSERT_FAIL(rc, VN_EBADMSG, e, t[i].why);
		CU_ASSERT(e.offset <= n);
	}
}

/* Decisions that are accepted (and where lldpad differs). */
static void
test_vdp_accepted_oddities(void)
{
	uint8_t b[256];
	size_t n;
	struct vn_err e = { 0 };

	/* n = 0: decoded (lldpad ignores the TLV); the encoder refuses it. */
	n = hex(MGR "0619 00 000005 04 05" UUID "02 0000", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(vdp_decode(b, n, &g_a, &e), 0);
	CU_ASSERT_EQUAL(g_a.vsi[0].n_filters, 0);
	ASSERT_FAIL(vdp_encode(&g_a, b, sizeof(b), &n, &e), VN_EINVAL, e, "no filter entries");

	/* VID 1 (lldpad refuses it) and 4094 are fine; PS/PCP decoded. */
	n = hex(MGR "061d 00 000005 04 05" UUID "01 0002 0001 bffe", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(vdp_decode(b, n, &g_a, &e), 0);
	CU_ASSERT_EQUAL(g_a.filters[0].vid, 1);
	CU_ASSERT_EQUAL(g_a.filters[1].vid, 4094);
	CU_ASSERT(g_a.filters[1].ps);
	CU_ASSERT_EQUAL(g_a.filters[1].pcp, 3);

	/* Reserved status bit 7 and a request's low nibble are ignored. */
	n = hex(MGR "0621 bf 000005 04 05" UUID "02 0001 525400112233 000a", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(vdp_decode(b, n, &g_a, &e), 0);
	CU_ASSERT_FALSE(g_a.vsi[0].status.response);
	CU_ASSERT(vdp_status_s_bit(&g_a.vsi[0].status));
	CU_ASSERT(vdp_status_m_bit(&g_a.vsi[0].status));
	CU_ASSERT_EQUAL(g_a.vsi[0].status.error, 0);
	n = hex(MGR "0621 c5 000005 04 05" UUID "02 0001 525400112233 000a", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(vdp_decode(b, n, &g_a, &e), 0);
	CU_ASSERT(g_a.vsi[0].status.response);
	CU_ASSERT_EQUAL(g_a.vsi[0].status.error, VDP_ERR_INVALID_VID_GROUP_MAC);

	/* Unknown TLV types are skipped and counted; org TLVs attach. */
	n = hex(MGR "fe05 0000 0c 01 aa"
		    "0c02 abcd" VSI33 "fc00"
		    "fe04 00000c f2",
		b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(vdp_decode(b, n, &g_a, &e), 0);
	CU_ASSERT_EQUAL(g_a.n_unknown, 2);
	CU_ASSERT_EQUAL_FATAL(g_a.n_org, 2);
	CU_ASSERT_EQUAL(g_a.org[0].vsi, VDP_ORG_NO_VSI);
	CU_ASSERT_EQUAL(g_a.org[0].oui, 0x00000C);
	CU_ASSERT_EQUAL(g_a.org[0].subtype, 1);
	CU_ASSERT_EQUAL(g_a.org[0].data_len, 1);
	CU_ASSERT_PTR_EQUAL(g_a.org[0].data, b + 18 + 6);
	CU_ASSERT_EQUAL(g_a.org[1].vsi, 0);
	CU_ASSERT_EQUAL(g_a.org[1].subtype, 0xF2);
	CU_ASSERT_EQUAL(g_a.org[1].data_len, 0);
	CU_ASSERT_EQUAL(g_a.tlv_len, n);

	/* Parsing stops at type 0; what follows is not read. */
	n = hex(MGR VSI33 "0005 ffff ffff"
			  "0a10",
		b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(vdp_decode(b, n, &g_a, &e), 0);
	CU_ASSERT(g_a.end_tlv);
	CU_ASSERT_EQUAL(g_a.tlv_len, 53);
	CU_ASSERT_EQUAL(g_a.n_vsi, 1);
	/* One trailing zero byte is padding. */
	n = hex(MGR VSI33 "00", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(vdp_decode(b, n, &g_a, &e), 0);
	CU_ASSERT_FALSE(g_a.end_tlv);
	CU_ASSERT_EQUAL(g_a.tlv_len, 53);
	/* Zero padding to a 60-byte frame. */
	memset(b + 53, 0, 20);
	CU_ASSERT_EQUAL_FATAL(vdp_decode(b, 73, &g_a, &e), 0);
	CU_ASSERT(g_a.end_tlv);

	/* All VSI ID formats with valid content decode. */
	for (uint8_t fmt = 1; fmt <= 5; fmt++) {
		uint8_t id[16];

		fill_vsiid(fmt, id);
		CU_ASSERT_EQUAL(vdp_vsiid_check(fmt, id, &e), 0);
	}
	{
		uint8_t z[16] = { 0 };

		CU_ASSERT_EQUAL(vdp_vsiid_check(VDP_VSIID_UUID, z, &e), 0);
		CU_ASSERT_EQUAL(vdp_vsiid_check(VDP_VSIID_LOCAL, z, &e), 0);
		CU_ASSERT_EQUAL(vdp_vsiid_check(VDP_VSIID_MAC, z, &e), 0);
	}
}

/* ==== bounds ============================================================ */

/* A VSI TLV (Associate, UUID, given fif) with n all-zero entries (VID 0). */
static size_t
raw_vsi(uint8_t *p, uint8_t fif, uint16_t n)
{
	size_t len = 25 + n * vdp_fif_entry_size(fif);
	struct vn_wr w;

	vn_wr_init(&w, p, 2 + len);
	vn_wr_be16(&w, (uint16_t)(VDP_TLV_ASSOC << 9 | len));
	vn_wr_u8(&w, 0);
	vn_wr_be24(&w, 5);
	vn_wr_u8(&w, 4);
	vn_wr_u8(&w, VDP_VSIID_UUID);
	vn_wr_zero(&w, 16);
	vn_wr_u8(&w, fif);
	vn_wr_be16(&w, n);
	vn_wr_zero(&w, len - 25);
	CU_ASSERT_FATAL(!w.overflow);
	return w.off;
}

static void
test_vdp_bounds(void)
{
	static uint8_t b[4096], out[4096];
	size_t n, on = 0;
	struct vn_err e = { 0 };

	/* 54 VSI TLVs with n = 0 fit 1496 bytes and decode; 55 do not. */
	n = hex(MGR, b, sizeof(b));
	for (int i = 0; i < VDP_MAX_VSI; i++)
		n += raw_vsi(b + n, VDP_FIF_VID, 0);
	CU_ASSERT(n <= VDP_MAX_PDU_LEN);
	CU_ASSERT_EQUAL_FATAL(vdp_decode(b, n, &g_a, &e), 0);
	CU_ASSERT_EQUAL(g_a.n_vsi, VDP_MAX_VSI);
	n += raw_vsi(b + n, VDP_FIF_VID, 0);
	ASSERT_FAIL(vdp_decode(b, n, &g_a, &e), VN_EBADMSG, e, "too many VSI TLVs");

	/* 243 + 243 + 212 VID entries: the most a 1496-byte VDPDU can hold. */
	n = hex(MGR, b, sizeof(b));
	n += raw_vsi(b + n, VDP_FIF_VID, VDP_MAX_FILTERS_PER_VSI);
	n += raw_vsi(b + n, VDP_FIF_VID, VDP_MAX_FILTERS_PER_VSI);
	n += raw_vsi(b + n, VDP_FIF_VID, 212);
	CU_ASSERT(n <= VDP_MAX_PDU_LEN);
	CU_ASSERT(n + 2 > VDP_MAX_PDU_LEN); /* one more entry would not fit */
	CU_ASSERT_EQUAL_FATAL(vdp_decode(b, n, &g_a, &e), 0);
	CU_ASSERT_EQUAL(g_a.n_filters, VDP_MAX_FILTERS);
	CU_ASSERT_EQUAL(g_a.vsi[2].filter_base, 486);
	CU_ASSERT_EQUAL_FATAL(vdp_encode(&g_a, out, sizeof(out), &on, &e), 0);
	CU_ASSERT_EQUAL(on, n);
	CU_ASSERT_EQUAL(memcmp(out, b, n), 0);
	n += raw_vsi(b + n, VDP_FIF_VID, 1); /* a jumbo VDPDU */
	ASSERT_FAIL(vdp_decode(b, n, &g_a, &e), VN_EBADMSG, e, "too many filter entries");

	/* 241 org TLVs after one VSI TLV fit; 242 do not. */
	n = hex(MGR, b, sizeof(b));
	n += raw_vsi(b + n, VDP_FIF_VID, 0);
	for (int i = 0; i < VDP_MAX_ORG; i++)
		n += hex("fe04 00000c f1", b + n, sizeof(b) - n);
	CU_ASSERT(n <= VDP_MAX_PDU_LEN);
	CU_ASSERT_EQUAL_FATAL(vdp_decode(b, n, &g_a, &e), 0);
	CU_ASSERT_EQUAL(g_a.n_org, VDP_MAX_ORG);
	n += hex("fe04 00000c f1", b + n, sizeof(b) - n);
	ASSERT_FAIL(vdp_decode(b, n, &g_a, &e), VN_EBADMSG, e, "too many organizationally");

	/* Builders refuse to overflow. */
	{
		static struct vdp_filter f[VDP_MAX_FILTERS + 1];
		struct vdp_vsi v;

		make_vsi(&v, f, 1, VDP_TLV_ASSOC, VDP_FIF_VID, VDP_VSIID_UUID, 0);
		vdp_pdu_init(&g_a);
		CU_ASSERT_EQUAL(vdp_pdu_add_vsi(&g_a, &v, f, VDP_MAX_FILTERS + 1), -1);
		CU_ASSERT_EQUAL(vdp_pdu_add_vsi(&g_a, &v, f, VDP_MAX_FILTERS), 0);
		CU_ASSERT_EQUAL(vdp_pdu_add_vsi(&g_a, &v, f, 1), -1);
		for (int i = 0; i < VDP_MAX_ORG; i++)
			CU_ASSERT_EQUAL(vdp_pdu_add_org(&g_a, 0, 1, 1, NULL, 0), i);
		CU_ASSERT_EQUAL(vdp_pdu_add_org(&g_a, 0, 1, 1, NULL, 0), -1);
	}
}

/* ==== encoder refusals ================================================== */

static void
base_pdu(struct vdp_pdu *p)
{
	struct vdp_vsi v;
	struct vdp_filter f[2];

	vdp_pdu_init(p);
	p->has_mgrid = true;
	make_vsi(&v, f, 2, VDP_TLV_ASSOC, VDP_FIF_MAC_VID, VDP_VSIID_UUID, 0);
	CU_ASSERT_EQUAL_FATAL(vdp_pdu_add_vsi(p, &v, f, 2), 0);
	CU_ASSERT_EQUAL_FATAL(vdp_pdu_add_org(p, 0, 0x00000C, 0xF1, NULL, 0), 0);
}

static void
test_vdp_encode_invalid(void)
{
	static uint8_t b[2048];
	size_t n = 0;
	struct vn_err e = { 0 };
	struct vdp_pdu *p = &g_a;

#define EXPECT_EINVAL(mutation, why)                                                           \
	do {                                                                                   \
		base_pdu(p);                                                                   \
		mutation;                                                                      \
		memset(&e, 0, sizeof(e));                                                      \
		ASSERT_FAIL(vdp_encode(p, b, sizeof(b), &n, &e), VN_EINVAL, e, why);           \
	} while (0)

	base_pdu(p);
	CU_ASSERT_EQUAL_FATAL(vdp_encode(p, b, sizeof(b), &n, &e), 0);
	CU_ASSERT_EQUAL(n, 18 + 2 + 25 + 16 + 6);

	EXPECT_EINVAL(p->has_mgrid = false, "Manager ID");
	EXPECT_EINVAL(p->n_vsi = 0, "no VSI TLV");
	EXPECT_EINVAL(p->n_vsi = VDP_MAX_VSI + 1, "bound");
	EXPECT_EINVAL(p->vsi[0].mode = 0, "mode");
	EXPECT_EINVAL(p->vsi[0].mode = VDP_TLV_MGRID, "mode");
	EXPECT_EINVAL(
		(p->vsi[0].status.response = true, p->vsi[0].status.error = 6), "reserved");
	EXPECT_EINVAL(p->vsi[0].status.error = 1, "request");
	EXPECT_EINVAL(p->vsi[0].type_id = 0x1000000, "24 bits");
	EXPECT_EINVAL(p->vsi[0].vsiid_format = 0, "VSI ID format");
	EXPECT_EINVAL(p->vsi[0].vsiid_format = 6, "VSI ID format");
	EXPECT_EINVAL(p->vsi[0].vsiid_format = VDP_VSIID_IPV4, "IPv4-mapped");
	EXPECT_EINVAL(p->vsi[0].fif = 0, "filter info format");
	EXPECT_EINVAL(p->vsi[0].fif = 5, "filter info format");
	EXPECT_EINVAL(p->vsi[0].n_filters = 0, "no filter entries");
	EXPECT_EINVAL(p->vsi[0].n_filters = 3, "outside");
	EXPECT_EINVAL(p->vsi[0].filter_base = 1, "outside");
	EXPECT_EINVAL(p->filters[1].pcp = 8, "PCP");
	EXPECT_EINVAL(p->filters[1].vid = 4095, "VID");
	EXPECT_EINVAL((p->vsi[0].fif = VDP_FIF_GROUP_MAC_VID, p->vsi[0].n_filters = 41,
			      p->n_filters = 41),
		"511");
	EXPECT_EINVAL(p->org[0].vsi = 1, "org TLV refers");
	EXPECT_EINVAL(p->org[0].oui = 0x1000000, "OUI");
	EXPECT_EINVAL(p->org[0].data_len = 508, "511");
	EXPECT_EINVAL(p->org[0].data_len = 1, "NULL");
#undef EXPECT_EINVAL

	/* 40 GroupID/MAC/VID entries make 25 + 480 = 505: allowed. */
	base_pdu(p);
	p->vsi[0].fif = VDP_FIF_GROUP_MAC_VID;
	p->vsi[0].n_filters = 40;
	p->n_filters = 40;
	memset(p->filters, 0, 40 * sizeof(p->filters[0]));
	CU_ASSERT_EQUAL(vdp_encode(p, b, sizeof(b), &n, &e), 0);
	CU_ASSERT_EQUAL(n, 18 + 2 + 505 + 6);
}

/* ==== names and text ==================================================== */

static void
test_vdp_names(void)
{
	CU_ASSERT_STRING_EQUAL(vdp_tlv_type_name(0), "End");
	CU_ASSERT_STRING_EQUAL(vdp_tlv_type_name(1), "Pre-Associate");
	CU_ASSERT_STRING_EQUAL(vdp_tlv_type_name(2), "Pre-Associate with Resource Reservation");
	CU_ASSERT_STRING_EQUAL(vdp_tlv_type_name(3), "Associate");
	CU_ASSERT_STRING_EQUAL(vdp_tlv_type_name(4), "De-Associate");
	CU_ASSERT_STRING_EQUAL(vdp_tlv_type_name(5), "VSI Manager ID");
	CU_ASSERT_STRING_EQUAL(vdp_tlv_type_name(127), "Organizationally defined");
	CU_ASSERT_STRING_EQUAL(vdp_tlv_type_name(6), "unknown");
	CU_ASSERT_STRING_EQUAL(vdp_error_name(0), "success");
	CU_ASSERT_STRING_EQUAL(vdp_error_name(1), "invalid format");
	CU_ASSERT_STRING_EQUAL(vdp_error_name(3), "unable to contact VSI manager");
	CU_ASSERT_STRING_EQUAL(vdp_error_name(4), "other failure");
	CU_ASSERT_STRING_EQUAL(vdp_error_name(5), "invalid VID, GroupID or MAC");
	CU_ASSERT_STRING_EQUAL(vdp_error_name(6), "reserved");
	CU_ASSERT_STRING_EQUAL(vdp_fif_name(1), "VID");
	CU_ASSERT_STRING_EQUAL(vdp_fif_name(2), "MAC/VID");
	CU_ASSERT_STRING_EQUAL(vdp_fif_name(3), "GroupID/VID");
	CU_ASSERT_STRING_EQUAL(vdp_fif_name(4), "GroupID/MAC/VID");
	CU_ASSERT_STRING_EQUAL(vdp_fif_name(0), "reserved");
	CU_ASSERT_STRING_EQUAL(vdp_vsiid_format_name(1), "IPv4");
	CU_ASSERT_STRING_EQUAL(vdp_vsiid_format_name(2), "IPv6");
	CU_ASSERT_STRING_EQUAL(vdp_vsiid_format_name(3), "MAC");
	CU_ASSERT_STRING_EQUAL(vdp_vsiid_format_name(4), "local");
	CU_ASSERT_STRING_EQUAL(vdp_vsiid_format_name(5), "UUID");
	CU_ASSERT_STRING_EQUAL(vdp_vsiid_format_name(6), "reserved");
	CU_ASSERT_EQUAL(vdp_fif_entry_size(1), 2);
	CU_ASSERT_EQUAL(vdp_fif_entry_size(2), 8);
	CU_ASSERT_EQUAL(vdp_fif_entry_size(3), 6);
	CU_ASSERT_EQUAL(vdp_fif_entry_size(4), 12);
	CU_ASSERT_EQUAL(vdp_fif_entry_size(5), 0);
}

static void
test_vdp_vsiid_text(void)
{
	static const struct {
		uint8_t fmt;
		const char *id, *text;
	} t[] = {
		{ 5, "a1b2c3d4000011112222333344445555",
			"a1b2c3d4-0000-1111-2222-333344445555" },
		{ 5, "DEADBEEF000011112222333344445555",
			"deadbeef-0000-1111-2222-333344445555" },
		{ 1, "00000000000000000000ffffc0000201", "192.0.2.1" },
		{ 1, "00000000000000000000ffff0aff6400", "10.255.100.0" },
		{ 3, "00000000000000000000525400aabbcc", "52:54:00:aa:bb:cc" },
		{ 4, "000102030405060708090a0b0c0d0e0f", "000102030405060708090a0b0c0d0e0f" },
		{ 2, "20010db8000000000000000000000001", "2001:db8::1" },
		{ 2, "00000000000000000000000000000001", "::1" },
		{ 2, "00000000000000000000000000000000", "::" },
		{ 2, "00010000000000000000000000000000", "1::" },
		{ 2, "fe800000000000000001000000000001", "fe80::1:0:0:1" },
		{ 2, "00010000000000020000000000000003", "1:0:0:2::3" },
		{ 2, "00010000000000020000000000030004", "1::2:0:0:3:4" },
		{ 2, "00010000000200030004000500060007", "1:0:2:3:4:5:6:7" },
		{ 2, "ffffffffffffffffffffffffffffffff",
			"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	};
	char buf[VDP_VSIID_TEXT_MAX];
	uint8_t id[16];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t len = strlen(t[i].text);

		hex(t[i].id, id, sizeof(id));
		CU_ASSERT_EQUAL(
			vdp_vsiid_format_text(t[i].fmt, id, buf, sizeof(buf)), (int)len);
		CU_ASSERT_STRING_EQUAL(buf, t[i].text);
		/* Exactly enough room, then one byte short. */
		CU_ASSERT_EQUAL(vdp_vsiid_format_text(t[i].fmt, id, buf, len + 1), (int)len);
		CU_ASSERT_EQUAL(vdp_vsiid_format_text(t[i].fmt, id, buf, len), VN_ENOSPC);
		CU_ASSERT_EQUAL(strlen(buf), len - 1);
	}
	CU_ASSERT_EQUAL(vdp_vsiid_format_text(0, id, buf, sizeof(buf)), VN_EINVAL);
	CU_ASSERT_EQUAL(vdp_vsiid_format_text(6, id, buf, sizeof(buf)), VN_EINVAL);
	CU_ASSERT_EQUAL(vdp_vsiid_format_text(5, id, buf, 0), VN_ENOSPC);
}

static void
test_psvid(void)
{
	struct vdp_filter f;

	vdp_psvid_unpack(0xB064, &f);
	CU_ASSERT(f.ps);
	CU_ASSERT_EQUAL(f.pcp, 3);
	CU_ASSERT_EQUAL(f.vid, 100);
	CU_ASSERT_EQUAL(vdp_psvid_pack(&f), 0xB064);
	vdp_psvid_unpack(0x3064, &f); /* crafted frame 3: PS 0, PCP 3, VID 100 */
	CU_ASSERT_FALSE(f.ps);
	CU_ASSERT_EQUAL(f.pcp, 3);
	CU_ASSERT_EQUAL(f.vid, 100);
	for (unsigned int w = 0; w <= 0xFFFF; w += 7) {
		vdp_psvid_unpack((uint16_t)w, &f);
		CU_ASSERT_EQUAL(vdp_psvid_pack(&f), w);
	}
}

static void
add_suites(void)
{
	static const struct tu_test ecp[] = {
		{ "request header", test_ecp_request },
		{ "ACK, unpadded and padded", test_ecp_ack },
		{ "malformed ECPDUs", test_ecp_malformed },
		{ "encode", test_ecp_encode },
		{ NULL, NULL },
	};
	static const struct tu_test vdp[] = {
		{ "worked example (protocols.md 10)", test_vdp_worked_example },
		{ "status octet", test_vdp_status },
		{ "PS/PCP/VID word", test_psvid },
		{ "round trip: 4 modes x 4 filter formats x 5 VSI ID formats",
			test_vdp_roundtrip_all },
		{ "round trip: several VSIs, org TLVs, End TLV", test_vdp_roundtrip_multi },
		{ "malformed VDPDUs", test_vdp_malformed },
		{ "accepted oddities", test_vdp_accepted_oddities },
		{ "array bounds", test_vdp_bounds },
		{ "encoder refusals", test_vdp_encode_invalid },
		{ "names", test_vdp_names },
		{ "VSI ID as text", test_vdp_vsiid_text },
		{ NULL, NULL },
	};
	static const struct tu_test cap[] = {
		{ "crafted, all filter formats", test_capture_crafted },
		{ "lldpad station, unanswered associate", test_capture_lldpad_unanswered },
		{ "lldpad station vs lldpad bridge, 2 filters", test_capture_lldpad_bridge },
		{ NULL, NULL },
	};

	tu_add_suite("ecp", ecp);
	tu_add_suite("vdp", vdp);
	tu_add_suite("captures", cap);
}

int
main(void)
{
	return tu_run("test-vepa", add_suites);
}

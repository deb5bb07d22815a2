/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-vdp.c - the input is a VDPDU (an ECP request's ULPDU).
 *
 *  - vdp_decode fails with a reason and an offset inside the input, or
 *    succeeds with every index inside its array and no reserved VID;
 *  - on success vdp_encode of the result succeeds (unless a VSI TLV has no
 *    filter entry, which vdp.h says the encoder refuses), the encoding
 *    decodes to the same PDU, and without unknown TLVs it is the input up
 *    to the last TLV byte for byte, but for the status octets' reserved
 *    bits (plus the End TLV if there was one);
 *  - VSI IDs format as text within VDP_VSIID_TEXT_MAX.
 */
#include <config.h>

#include <string.h>

#include "tests/fuzz/fuzz.h"
#include "vepa/vdp.h"

/* Two ~20 KB structs: static, since libFuzzer passes no context; every
 * field read is written by vdp_decode first on each call. */
static struct vdp_pdu pdu1, pdu2;

static bool
filter_eq(const struct vdp_filter *a, const struct vdp_filter *b)
{
	return a->ps == b->ps && a->pcp == b->pcp && a->vid == b->vid &&
		a->group_id == b->group_id && !memcmp(a->mac, b->mac, sizeof(a->mac));
}

static void
check_same(const struct vdp_pdu *a, const struct vdp_pdu *b)
{
	FUZZ_CHECK(a->has_mgrid == b->has_mgrid && !memcmp(a->mgrid, b->mgrid, VDP_MGRID_LEN),
		"Manager ID");
	FUZZ_CHECK(a->n_vsi == b->n_vsi && a->n_filters == b->n_filters &&
			a->n_org == b->n_org && a->end_tlv == b->end_tlv,
		"counts: vsi %u/%u filters %u/%u org %u/%u", a->n_vsi, b->n_vsi, a->n_filters,
		b->n_filters, a->n_org, b->n_org);
	for (unsigned i = 0; i < a->n_vsi; i++) {
		const struct vdp_vsi *x = &a->vsi[i], *y = &b->vsi[i];

		FUZZ_CHECK(x->mode == y->mode && x->status.response == y->status.response &&
				x->status.keep_or_s == y->status.keep_or_s &&
				x->status.hard_or_m == y->status.hard_or_m &&
				x->status.error == y->status.error &&
				x->type_id == y->type_id &&
				x->type_version == y->type_version &&
				x->vsiid_format == y->vsiid_format &&
				!memcmp(x->vsiid, y->vsiid, VDP_VSIID_LEN) &&
				x->fif == y->fif && x->n_filters == y->n_filters &&
				x->filter_base == y->filter_base,
			"VSI %u", i);
		for (unsigned k = 0; k < x->n_filters; k++)
			FUZZ_CHECK(filter_eq(&a->filters[x->filter_base + k],
					   &b->filters[y->filter_base + k]),
				"VSI %u filter %u", i, k);
	}
	for (unsigned i = 0; i < a->n_org; i++) {
		const struct vdp_org *x = &a->org[i], *y = &b->org[i];

		FUZZ_CHECK(x->vsi == y->vsi && x->oui == y->oui && x->subtype == y->subtype &&
				x->data_len == y->data_len &&
				(!x->data_len || !memcmp(x->data, y->data, x->data_len)),
			"org TLV %u", i);
	}
}

static void
check_decoded(const struct vdp_pdu *p, size_t size)
{
	FUZZ_CHECK(p->has_mgrid && p->n_vsi >= 1, "decoded without Manager ID / VSI");
	FUZZ_CHECK(p->n_vsi <= VDP_MAX_VSI && p->n_filters <= VDP_MAX_FILTERS &&
			p->n_org <= VDP_MAX_ORG && p->tlv_len <= size,
		"counts");
	for (unsigned i = 0; i < p->n_vsi; i++) {
		const struct vdp_vsi *v = &p->vsi[i];
		char text[VDP_VSIID_TEXT_MAX];
		int n;

		FUZZ_CHECK(v->mode >= VDP_TLV_PREASSOC && v->mode <= VDP_TLV_DEASSOC, "mode");
		FUZZ_CHECK((size_t)v->filter_base + v->n_filters <= p->n_filters &&
				v->n_filters <= VDP_MAX_FILTERS_PER_VSI,
			"VSI %u filter slice", i);
		FUZZ_CHECK(vdp_fif_entry_size(v->fif) > 0 && v->offset < size, "VSI %u", i);
		FUZZ_CHECK(!v->status.response ? v->status.error == 0
					       : v->status.error <= VDP_ERR_MAX,
			"VSI %u error %u", i, v->status.error);
		FUZZ_CHECK(vdp_vsiid_check(v->vsiid_format, v->vsiid, NULL) == 0, "VSI ID");
		n = vdp_vsiid_format_text(v->vsiid_format, v->vsiid, text, sizeof(text));
		FUZZ_CHECK(n >= 0 && (size_t)n < sizeof(text) && strlen(text) == (size_t)n,
			"VSI ID text: %d", n);
		for (unsigned k = 0; k < v->n_filters; k++)
			FUZZ_CHECK(p->filters[v->filter_base + k].vid < VDP_VID_RESERVED,
				"reserved VID");
		(void)vdp_tlv_type_name(v->mode);
		(void)vdp_error_name(v->status.error);
		(void)vdp_fif_name(v->fif);
		(void)vdp_vsiid_format_name(v->vsiid_format);
	}
	for (unsigned i = 0; i < p->n_org; i++)
		FUZZ_CHECK(p->org[i].vsi == VDP_ORG_NO_VSI || p->org[i].vsi < p->n_vsi,
			"org %u refers to VSI %u", i, p->org[i].vsi);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vn_err err = { NULL, 0 };
	size_t cap = size + 64, len = 0;
	bool empty_vsi = false;
	uint8_t *out;
	int rc = vdp_decode(data, size, &pdu1, &err);

	if (rc) {
		FUZZ_CHECK(rc == VN_EBADMSG, "decode returned %d", rc);
		FUZZ_CHECK(err.reason && err.offset <= size, "error offset %zu of %zu",
			err.offset, size);
		return 0;
	}
	check_decoded(&pdu1, size);
	for (unsigned i = 0; i < pdu1.n_vsi; i++)
		empty_vsi |= pdu1.vsi[i].n_filters == 0;

	out = malloc(cap);
	if (!out)
		abort();
	rc = vdp_encode(&pdu1, out, cap, &len, &err);
	if (empty_vsi) {
		FUZZ_CHECK(rc == VN_EINVAL, "encode of a VSI TLV without filters: %d", rc);
		free(out);
		return 0;
	}
	FUZZ_CHECK(rc == 0, "encode of a decoded VDPDU: %d %s", rc, err.reason);
	FUZZ_CHECK(len <= size + (pdu1.end_tlv ? 2 : 0), "encoding longer than the input");

	if (!pdu1.n_unknown) {
		/* The input's TLVs with the status octets' reserved bits cleared
		 * (0x80; in a request also the low nibble), then 00 00 for an End
		 * TLV: what the encoder must write. */
		uint8_t *want = malloc(pdu1.tlv_len + 2);

		if (!want)
			abort();
		memcpy(want, data, pdu1.tlv_len);
		for (unsigned i = 0; i < pdu1.n_vsi; i++) {
			uint8_t *st = &want[pdu1.vsi[i].offset + VDP_TLV_HDR_LEN];

			*st &= (uint8_t) ~(VDP_STATUS_RESERVED |
				(*st & VDP_STATUS_RESPONSE ? 0 : VDP_STATUS_ERROR));
		}
		memset(want + pdu1.tlv_len, 0, 2);
		FUZZ_CHECK(
			len == pdu1.tlv_len + (pdu1.end_tlv ? 2 : 0) && !memcmp(out, want, len),
			"encoding (%zu bytes) differs from the input's TLVs (%zu bytes)", len,
			pdu1.tlv_len);
		free(want);
	}

	rc = vdp_decode(out, len, &pdu2, &err);
	FUZZ_CHECK(rc == 0, "decode of our own encoding: %s at %zu", err.reason, err.offset);
	FUZZ_CHECK(pdu2.n_unknown == 0 && pdu2.tlv_len == len - (pdu1.end_tlv ? 2 : 0),
		"re-decode: unknown %u tlv_len %zu", pdu2.n_unknown, pdu2.tlv_len);
	check_same(&pdu1, &pdu2);

	/* Every shorter buffer: ENOSPC, and no byte written past it. */
	{
		size_t short_cap = len - 1 - (size_t)(data[0] % (len < 16 ? len : 16));
		uint8_t *small = malloc(short_cap ? short_cap : 1);

		if (!small)
			abort();
		FUZZ_CHECK(vdp_encode(&pdu1, small, short_cap, NULL, &err) == VN_ENOSPC,
			"encode into %zu of %zu bytes", short_cap, len);
		free(small);
	}
	free(out);
	return 0;
}

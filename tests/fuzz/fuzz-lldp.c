/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-lldp.c - the input is an LLDPDU (what follows the Ethernet header).
 *
 *  - lldp_decode either fails with a reason and an offset inside the input,
 *    or succeeds; then lldp_encode of the result must succeed, and
 *  - decoding that encoding gives the same struct (but for the counts of
 *    TLVs dropped beyond the kept ones, which are gone), and encoding it
 *    again gives the same bytes;
 *  - without EVB / CDCP TLVs (whose reserved bits are sent as 0) and without
 *    dropped TLVs, the encoding is the input byte for byte up to the End TLV
 *    (or the whole input without one): the round trip lldpdu.h promises;
 *  - a decoded EVB TLV negotiates against the default bridge values
 *    (lldp_evb_negotiate) and what the bridge would send packs;
 *  - the org TLV codecs on the raw input: EVB, CDCP and draft EVB info
 *    strings that unpack pack back to the input (reserved bits cleared).
 */
#include <config.h>

#include <string.h>

#include "lldp/evb.h"
#include "lldp/lldpdu.h"
#include "tests/fuzz/fuzz.h"

/*
 * A pass works on three ~11 KB structs; libFuzzer's entry point has no
 * context argument, so they live here rather than on the stack.  They are
 * written before they are read on every call: nothing carries over from
 * one input to the next.
 */
static struct lldp_pdu pdu1, pdu2, pdu3;

static void
check_roundtrip(const uint8_t *d, size_t size)
{
	struct vn_err err = { NULL, 0 };
	size_t cap = size + 16, len1 = 0, len2 = 0;
	uint8_t *out1, *out2;
	bool reserved, dropped;
	int rc = lldp_decode(d, size, &pdu1, &err);

	if (rc) {
		FUZZ_CHECK(rc == VN_EBADMSG, "decode returned %d", rc);
		FUZZ_CHECK(err.reason && err.offset <= size, "error offset %zu of %zu",
			err.offset, size);
		return;
	}
	FUZZ_CHECK(pdu1.chassis.len >= 1 && pdu1.port.len >= 1, "empty ID accepted");
	FUZZ_CHECK(pdu1.n_mgmt <= LLDP_MAX_MGMT && pdu1.n_unknown <= LLDP_MAX_UNKNOWN &&
			pdu1.n_order <= LLDP_MAX_ORDER &&
			pdu1.cdcp.n_chan <= LLDP_CDCP_MAX_CHAN,
		"counts over their arrays");
	FUZZ_CHECK(lldp_tlvs_unrecognized(&pdu1) >= pdu1.n_unknown, "unrecognized");

	/* An encoding is never longer than the input: every TLV kept is
	 * written as it came, and the End TLV only if there was one. */
	out1 = malloc(cap);
	out2 = malloc(cap);
	if (!out1 || !out2)
		abort();
	rc = lldp_encode(&pdu1, out1, cap, &len1, &err);
	FUZZ_CHECK(rc == 0, "encode of a decoded LLDPDU: %d %s", rc, err.reason);
	FUZZ_CHECK(len1 <= size, "encoding %zu bytes longer than the input %zu", len1, size);

	reserved = pdu1.has_evb || pdu1.has_cdcp;
	dropped = pdu1.mgmt_dropped || pdu1.unknown_dropped;
	if (!dropped) {
		if (!pdu1.end)
			FUZZ_CHECK(len1 == size, "no End TLV: encoded %zu of %zu", len1, size);
		if (!reserved)
			FUZZ_CHECK(!memcmp(out1, d, len1), "encoding differs from the input");
	}

	rc = lldp_decode(out1, len1, &pdu2, &err);
	FUZZ_CHECK(rc == 0, "decode of our own encoding: %s at %zu", err.reason, err.offset);
	pdu1.mgmt_dropped = 0;
	pdu1.unknown_dropped = 0;
	FUZZ_CHECK(!memcmp(&pdu1, &pdu2, sizeof(pdu1)), "decode(encode(pdu)) != pdu");

	rc = lldp_encode(&pdu2, out2, cap, &len2, &err);
	FUZZ_CHECK(
		rc == 0 && len2 == len1 && !memcmp(out1, out2, len1), "encoding is not stable");

	/* Encode into every shorter buffer: ENOSPC, never a write past it
	 * (ASan watches the exact-size copy). */
	if (len1 > 0) {
		size_t short_cap = len1 - 1 - (size_t)(d[0] % (len1 < 8 ? len1 : 8));
		uint8_t *small = malloc(short_cap ? short_cap : 1);

		if (!small)
			abort();
		rc = lldp_encode(&pdu1, small, short_cap, &len2, &err);
		FUZZ_CHECK(rc == VN_ENOSPC, "encode into %zu of %zu bytes: %d", short_cap, len1,
			rc);
		free(small);
	}

	if (pdu1.has_evb) {
		struct lldp_evb_local local;
		struct lldp_evb tlv;
		struct lldp_evb_oper oper;
		uint8_t b[LLDP_EVB_INFO_LEN];
		size_t n;

		lldp_evb_local_init(&local);
		rc = lldp_evb_negotiate(&local, &pdu1.evb, &tlv, &oper);
		FUZZ_CHECK(rc == 0, "negotiate with a decoded EVB TLV: %d", rc);
		FUZZ_CHECK(oper.r >= local.r && oper.rte >= local.rte &&
				oper.rka >= local.rka && oper.rwd >= local.rwd,
			"operational value below the bridge's");
		FUZZ_CHECK(lldp_evb_pack(&tlv, b, sizeof(b), &n, &err) == 0 && n == sizeof(b),
			"the bridge's EVB TLV does not pack: %s", err.reason);
	}
	free(out1);
	free(out2);
}

static void
check_org(const uint8_t *d, size_t size)
{
	struct vn_err err = { NULL, 0 };
	uint8_t out[LLDP_TLV_MAX_VALUE];
	size_t n = 0;

	if (lldp_evb_unpack(d, size, &pdu3.evb, &err) == 0) {
		FUZZ_CHECK(lldp_evb_pack(&pdu3.evb, out, sizeof(out), &n, &err) == 0,
			"EVB pack: %s", err.reason);
		FUZZ_CHECK(n == size && out[0] == (d[0] & 0x07) && out[1] == (d[1] & 0x0F) &&
				out[2] == d[2] && out[3] == d[3] && out[4] == (d[4] & 0x3F),
			"EVB round trip");
	}
	if (lldp_cdcp_unpack(d, size, &pdu3.cdcp, &err) == 0) {
		FUZZ_CHECK(lldp_cdcp_pack(&pdu3.cdcp, out, sizeof(out), &n, &err) == 0,
			"CDCP pack: %s", err.reason);
		FUZZ_CHECK(n == size && out[0] == (d[0] & 0x88) && out[1] == (d[1] & 0x00) &&
				out[2] == (d[2] & 0x0F) && out[3] == d[3] &&
				!memcmp(out + 4, d + 4, size - 4),
			"CDCP round trip");
	}
	if (lldp_evb_draft_unpack(d, size, &pdu3.evb_draft, &err) == 0) {
		FUZZ_CHECK(
			lldp_evb_draft_pack(&pdu3.evb_draft, out, sizeof(out), &n, &err) == 0,
			"draft EVB pack: %s", err.reason);
		FUZZ_CHECK(n == size && !memcmp(out, d, size), "draft EVB round trip");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_roundtrip(data, size);
	check_org(data, size);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-ecp.c - the input is read twice.
 *
 * 1. As an ECPDU (what follows the Ethernet header): ecp_decode fails with
 *    a reason and an offset inside the input, or its result encodes back to
 *    the input (a request: all of it; an ACK: its 4-byte header) unless the
 *    ULPDU is longer than an untagged frame holds, which the encoder
 *    refuses.
 *
 * 2. As a script for one ECP state machine (vepa/ecp_sm.h), records of
 *      op(1) [len(1) bytes(len)]
 *    op & 3: 0 a received frame (our Ethernet header + the bytes),
 *            1 a ULPDU to send (subtype from bits 2-3),
 *            2 the clock moves by a step from bits 2-7, then the timers run,
 *            3 new R / RTE from bits 2-7 (all ones: ecp_sm_reset).
 *    What the machine sends is decoded and counted; after every step its
 *    statistics must add up: one ACK per request received, duplicates
 *    acknowledged but not delivered, every frame sent accounted for as a
 *    request, a retransmission or an ACK, nothing completed that was not
 *    sent, the queue within its length, a timer never in the past.
 */
#include <config.h>

#include <string.h>

#include "common/codec.h"
#include "tests/fuzz/fuzz.h"
#include "vepa/ecp.h"
#include "vepa/ecp_sm.h"

#define QUEUE_LEN 4

struct run {
	struct ecp_sm *sm;
	uint64_t now;
	uint64_t frames, acks_sent, delivered, done_acked, done_failed;
	uint64_t abandoned; /* requests in flight at an ecp_sm_reset (no tx_done) */
	bool in_deliver;
};

static int
cb_tx(void *aux, const uint8_t *frame, size_t len)
{
	struct run *r = aux;
	struct vn_err err = { NULL, 0 };
	struct ecp_pdu pdu;

	FUZZ_CHECK(len >= ECP_SM_MIN_FRAME && len <= ECP_SM_MAX_FRAME, "sent %zu bytes", len);
	FUZZ_CHECK(vn_get_be16(frame + 12) == VN_ETH_ECP, "sent a non-ECP frame");
	FUZZ_CHECK(ecp_decode(frame + 14, len - 14, &pdu, &err) == 0, "sent a bad ECPDU: %s",
		err.reason);
	r->frames++;
	if (pdu.op == ECP_OP_ACK)
		r->acks_sent++;
	/* Every 7th frame is "lost" by the back-end: the machine must retry. */
	return r->frames % 7 == 0 ? -1 : 0;
}

static void
cb_deliver(void *aux, uint16_t subtype, const uint8_t *ulpdu, size_t len, uint64_t now)
{
	struct run *r = aux;

	FUZZ_CHECK(!r->in_deliver, "deliver re-entered");
	FUZZ_CHECK(subtype == ECP_SUBTYPE_VDP || subtype == ECP_SUBTYPE_PECSP, "subtype %u",
		subtype);
	FUZZ_CHECK(now == r->now, "deliver at %llu, now %llu", (unsigned long long)now,
		(unsigned long long)r->now);
	r->delivered++;
	/* Answer from inside deliver, as the VDP bridge does: the one
	 * re-entry ecp_sm.h allows. */
	if (len && ulpdu[0] & 1) {
		r->in_deliver = true;
		(void)ecp_sm_send(r->sm, subtype, ulpdu, len, now);
		r->in_deliver = false;
	}
}

static void
cb_tx_done(void *aux, uint16_t subtype, uint16_t seq, bool acked, uint64_t now)
{
	struct run *r = aux;

	FUZZ_CHECK(seq != 0, "sequence number 0 was used");
	(void)subtype;
	(void)now;
	if (acked)
		r->done_acked++;
	else
		r->done_failed++;
}

static void
check_stats(const struct run *r)
{
	const struct ecp_sm_stats *s = ecp_sm_stats(r->sm);
	struct ecp_sm_info info;
	uint64_t dl = ecp_sm_next_deadline(r->sm);

	ecp_sm_get_info(r->sm, &info);
	FUZZ_CHECK(s->tx_acks == s->rx_requests && r->acks_sent == s->tx_acks,
		"ACKs %llu sent %llu for %llu requests", (unsigned long long)s->tx_acks,
		(unsigned long long)r->acks_sent, (unsigned long long)s->rx_requests);
	FUZZ_CHECK(s->rx_duplicates <= s->rx_requests &&
			r->delivered == s->rx_requests - s->rx_duplicates,
		"delivered %llu of %llu requests, %llu duplicates",
		(unsigned long long)r->delivered, (unsigned long long)s->rx_requests,
		(unsigned long long)s->rx_duplicates);
	FUZZ_CHECK(r->frames == s->tx_requests + s->tx_retransmissions + s->tx_acks,
		"frames sent %llu", (unsigned long long)r->frames);
	FUZZ_CHECK(s->tx_completed == r->done_acked && s->tx_errors == r->done_failed &&
			s->tx_completed + s->tx_errors + info.outstanding + r->abandoned ==
				s->tx_requests,
		"completed %llu + errors %llu + outstanding %d + reset %llu != requests %llu",
		(unsigned long long)s->tx_completed, (unsigned long long)s->tx_errors,
		info.outstanding, (unsigned long long)r->abandoned,
		(unsigned long long)s->tx_requests);
	FUZZ_CHECK(info.queued <= QUEUE_LEN && (!info.queued || info.outstanding),
		"queued %u outstanding %d", info.queued, info.outstanding);
	FUZZ_CHECK(info.outstanding ? dl >= r->now && dl != ECP_SM_NEVER : dl == ECP_SM_NEVER,
		"deadline %llu now %llu", (unsigned long long)dl, (unsigned long long)r->now);
	FUZZ_CHECK(info.next_seq != 0 && (!info.outstanding || info.tx_seq != 0), "seq 0");
}

static void
run_script(const uint8_t *d, size_t size)
{
	static const struct ecp_sm_callbacks cb = {
		.tx = cb_tx, .deliver = cb_deliver, .tx_done = cb_tx_done
	};
	struct ecp_sm_config cfg;
	struct run r = { .now = 1000000 };
	uint8_t frame[14 + 255];
	size_t i = 0;

	ecp_sm_config_default(&cfg);
	cfg.mac[0] = 0x02;
	cfg.mac[5] = 0x01;
	cfg.queue_len = QUEUE_LEN;
	cfg.initial_seq = 0xFFFE; /* wraps around within a few requests */
	r.sm = ecp_sm_create(&cfg, &cb, &r);
	FUZZ_CHECK(r.sm, "ecp_sm_create with defaults");
	memcpy(frame, (const uint8_t[]) { 0x01, 0x80, 0xC2, 0x00, 0x00, 0x00 }, 6);
	memcpy(frame + 6, (const uint8_t[]) { 0x02, 0x00, 0x00, 0x00, 0x5a, 0x01 }, 6);
	vn_put_be16(frame + 12, VN_ETH_ECP);

	while (i < size) {
		uint8_t op = d[i++], len = 0;

		if ((op & 3) < 2) {
			if (i >= size)
				break;
			len = d[i++];
			if (len > size - i)
				len = (uint8_t)(size - i);
		}
		switch (op & 3) {
		case 0:
			memcpy(frame + 14, d + i, len);
			(void)ecp_sm_rx(r.sm, frame, 14 + (size_t)len, r.now);
			break;
		case 1: {
			int rc =
				ecp_sm_send(r.sm, (uint16_t)((op >> 2) & 3), d + i, len, r.now);

			FUZZ_CHECK(
				rc == 0 || rc == VN_ENOSPC || rc == VN_EINVAL, "send: %d", rc);
			break;
		}
		case 2: {
			uint64_t dl = ecp_sm_next_deadline(r.sm);

			/* Bits 2-7: 0 jumps to the next deadline, else 2^(n/4) us. */
			if (!(op >> 2) && dl != ECP_SM_NEVER)
				r.now = dl;
			else
				r.now += (uint64_t)1 << ((op >> 2) / 2);
			ecp_sm_tick(r.sm, r.now);
			break;
		}
		default:
			if ((op >> 2) == 0x3F) {
				struct ecp_sm_info info;

				ecp_sm_get_info(r.sm, &info);
				r.abandoned += info.outstanding;
				ecp_sm_reset(r.sm, 0);
			} else
				FUZZ_CHECK(ecp_sm_set_timers(r.sm, (op >> 2) & 7,
						   (uint8_t)(op >> 5)) == 0,
					"set_timers");
			break;
		}
		i += len;
		check_stats(&r);
	}
	ecp_sm_destroy(r.sm);
}

static void
check_codec(const uint8_t *d, size_t size)
{
	struct vn_err err = { NULL, 0 };
	struct ecp_pdu pdu;
	uint8_t *out;
	size_t len = 0;
	int rc = ecp_decode(d, size, &pdu, &err);

	if (rc) {
		FUZZ_CHECK(rc == VN_EBADMSG, "decode returned %d", rc);
		FUZZ_CHECK(err.reason && err.offset <= size, "error offset %zu of %zu",
			err.offset, size);
		return;
	}
	FUZZ_CHECK(size >= ECP_HDR_LEN && pdu.version == ECP_VERSION && pdu.op <= ECP_OP_ACK,
		"header");
	if (pdu.op == ECP_OP_ACK)
		FUZZ_CHECK(!pdu.ulpdu && !pdu.ulpdu_len && pdu.pad_len == size - 4, "ACK");
	else
		FUZZ_CHECK(pdu.ulpdu == d + 4 && pdu.ulpdu_len == size - 4 && !pdu.pad_len,
			"request");
	(void)ecp_op_name(pdu.op);
	(void)ecp_subtype_name(pdu.subtype);
	out = malloc(size);
	if (!out)
		abort();
	rc = ecp_encode(&pdu, out, size, &len, &err);
	if (pdu.ulpdu_len > ECP_MAX_ULPDU_LEN) {
		FUZZ_CHECK(
			rc == VN_EINVAL, "encode of a %zu-byte ULPDU: %d", pdu.ulpdu_len, rc);
	} else {
		FUZZ_CHECK(rc == 0, "encode of a decoded ECPDU: %s", err.reason);
		FUZZ_CHECK(len == (pdu.op == ECP_OP_ACK ? 4 : size) && !memcmp(out, d, len),
			"encoding differs from the input");
		if (len > 0)
			FUZZ_CHECK(ecp_encode(&pdu, out, len - 1, NULL, &err) == VN_ENOSPC,
				"encode into a short buffer");
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_codec(data, size);
	run_script(data, size);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ecp_sm.c - ECP transmit and receive state machines (802.1Qbg-2012 /
 * 802.1Q-2014 clause 43; lldpad qbg/ecp22.c as the interop reference).
 * See ecp_sm.h for the behaviour and where it differs from lldpad.
 */
#include <config.h>

#include "vepa/ecp_sm.h"

#include <stdlib.h>
#include <string.h>

/* One waiting ULPDU; data points into ecp_sm.q_mem (cfg.max_ulpdu bytes). */
struct ecp_slot {
	uint16_t subtype;
	uint16_t len;
	uint8_t *data;
};

struct ecp_sm {
	struct ecp_sm_config cfg;
	struct ecp_sm_callbacks cb;
	void *aux;

	/* Transmit (802.1Q-2014 43.3.7 variables in comments). */
	uint16_t next_seq; /* "sequence" of the next new ECPDU, never 0 */
	bool busy;         /* an ECPDU is outstanding */
	uint16_t cur_seq;  /* its sequence number */
	uint16_t cur_sub;  /* its subtype */
	uint8_t retries;   /* "retries": retransmissions so far */
	uint64_t deadline; /* "ackTimer" expiry */
	uint8_t *frame;    /* the outstanding frame, resent as is */
	size_t frame_len;
	struct ecp_slot *q; /* FIFO ring of cfg.queue_len slots */
	uint16_t q_head, q_count;
	uint8_t *q_mem;

	/* Receive. */
	bool rx_seen;      /* a request arrived since create/reset */
	uint16_t last_seq; /* "lastSeq" */

	struct ecp_sm_stats stats;
};

static const uint8_t ecp_ncb_addr[VN_ETH_ALEN] = { 0x01, 0x80, 0xC2, 0x00, 0x00, 0x00 };

void
ecp_sm_config_default(struct ecp_sm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->req_da, ecp_ncb_addr, VN_ETH_ALEN);
	memcpy(cfg->ack_da, ecp_ncb_addr, VN_ETH_ALEN);
	cfg->initial_seq = 1;
	cfg->max_retries = 3; /* lldpad ECP22_MAX_RETRIES_DEFAULT */
	cfg->rte = 8;         /* lldpad ECP22_ACK_TIMER_DEFAULT */
	cfg->queue_len = 16;
	cfg->max_ulpdu = ECP_MAX_ULPDU_LEN;
}

/* lldpad inc_seqno: 0 is never used as a sequence number. */
static uint16_t
ecp_seq_next(uint16_t s)
{
	s++;
	if (!s)
		s++;
	return s;
}

struct ecp_sm *
ecp_sm_create(const struct ecp_sm_config *cfg, const struct ecp_sm_callbacks *cb, void *aux)
{
	struct ecp_sm *ecp;

	if (!cfg || !cb || !cb->tx || !cb->deliver)
		return NULL;
	if (cfg->max_retries > ECP_SM_MAX_R || cfg->rte > ECP_SM_MAX_RTE || !cfg->queue_len ||
		!cfg->max_ulpdu || cfg->max_ulpdu > ECP_MAX_ULPDU_LEN)
		return NULL;
	ecp = calloc(1, sizeof(*ecp));
	if (!ecp)
		return NULL;
	ecp->cfg = *cfg;
	ecp->cb = *cb;
	ecp->aux = aux;
	ecp->frame = calloc(1, ECP_SM_MAX_FRAME);
	ecp->q = calloc(cfg->queue_len, sizeof(*ecp->q));
	ecp->q_mem = calloc(cfg->queue_len, cfg->max_ulpdu);
	if (!ecp->frame || !ecp->q || !ecp->q_mem) {
		ecp_sm_destroy(ecp);
		return NULL;
	}
	for (size_t i = 0; i < cfg->queue_len; i++)
		ecp->q[i].data = ecp->q_mem + i * cfg->max_ulpdu;
	ecp_sm_reset(ecp, cfg->initial_seq);
	return ecp;
}

void
ecp_sm_destroy(struct ecp_sm *ecp)
{
	if (!ecp)
		return;
	free(ecp->frame);
	free(ecp->q);
	free(ecp->q_mem);
	free(ecp);
}

void
ecp_sm_reset(struct ecp_sm *ecp, uint16_t initial_seq)
{
	ecp->next_seq = initial_seq ? initial_seq : 1;
	ecp->busy = false;
	ecp->retries = 0;
	ecp->deadline = 0;
	ecp->frame_len = 0;
	ecp->q_head = 0;
	ecp->q_count = 0;
	ecp->rx_seen = false;
	ecp->last_seq = 0;
}

/* DA, SA, EtherType into buf[0..14). */
static void
ecp_eth_hdr(const struct ecp_sm *ecp, uint8_t *buf, const uint8_t *da)
{
	memcpy(buf, da, VN_ETH_ALEN);
	memcpy(buf + VN_ETH_ALEN, ecp->cfg.mac, VN_ETH_ALEN);
	vn_put_be16(buf + 2 * VN_ETH_ALEN, VN_ETH_ECP);
}

static void
ecp_tx_frame(struct ecp_sm *ecp, const uint8_t *frame, size_t len)
{
	if (ecp->cb.tx(ecp->aux, frame, len))
		ecp->stats.tx_failures++;
}

/* Build and send the first copy of a new request (state transmitECPDU). */
static void
ecp_start_request(
	struct ecp_sm *ecp, uint16_t subtype, const uint8_t *ulpdu, size_t len, uint64_t now)
{
	struct ecp_pdu pdu = { 0 };
	size_t n = 0;

	pdu.version = ECP_VERSION;
	pdu.op = ECP_OP_REQUEST;
	pdu.subtype = subtype;
	pdu.seq = ecp->next_seq;
	pdu.ulpdu = ulpdu;
	pdu.ulpdu_len = len;
	ecp_eth_hdr(ecp, ecp->frame, ecp->cfg.req_da);
	/* Cannot fail: subtype and length were checked by ecp_sm_send and the
	 * frame buffer holds ECP_MAX_ULPDU_LEN. */
	(void)ecp_encode(&pdu, ecp->frame + ECP_SM_ETH_HLEN, ECP_SM_MAX_FRAME - ECP_SM_ETH_HLEN,
		&n, NULL);
	n += ECP_SM_ETH_HLEN;
	if (n < ECP_SM_MIN_FRAME) {
		memset(ecp->frame + n, 0, ECP_SM_MIN_FRAME - n);
		n = ECP_SM_MIN_FRAME;
	}
	ecp->frame_len = n;
	ecp->busy = true;
	ecp->cur_seq = pdu.seq;
	ecp->cur_sub = subtype;
	ecp->retries = 0;
	ecp->next_seq = ecp_seq_next(ecp->next_seq);
	ecp->deadline = now + ecp_sm_ack_timeout_us(ecp->cfg.rte);
	ecp->stats.tx_requests++;
	ecp_tx_frame(ecp, ecp->frame, ecp->frame_len);
}

/* Nothing outstanding: send the next queued ULPDU, if any. */
static void
ecp_start_next(struct ecp_sm *ecp, uint64_t now)
{
	struct ecp_slot *s;

	if (ecp->busy || !ecp->q_count)
		return;
	s = &ecp->q[ecp->q_head];
	ecp->q_head = (uint16_t)((ecp->q_head + 1) % ecp->cfg.queue_len);
	ecp->q_count--;
	/* The slot stays intact until a later ecp_sm_send reuses it, which can
	 * only happen after ecp_start_request has copied it into the frame. */
	ecp_start_request(ecp, s->subtype, s->data, s->len, now);
}

/* The outstanding request is over (acknowledged or given up). */
static void
ecp_finish(struct ecp_sm *ecp, bool acked, uint64_t now)
{
	uint16_t seq = ecp->cur_seq, sub = ecp->cur_sub;

	ecp->busy = false;
	if (acked)
		ecp->stats.tx_completed++;
	else
		ecp->stats.tx_errors++;
	if (ecp->cb.tx_done)
		ecp->cb.tx_done(ecp->aux, sub, seq, acked, now);
	ecp_start_next(ecp, now);
}

int
ecp_sm_send(
	struct ecp_sm *ecp, uint16_t subtype, const uint8_t *ulpdu, size_t len, uint64_t now)
{
	struct ecp_slot *s;

	if (!ulpdu || !len || len > ecp->cfg.max_ulpdu)
		return VN_EINVAL;
	if (subtype != ECP_SUBTYPE_VDP && subtype != ECP_SUBTYPE_PECSP)
		return VN_EINVAL;
	if (!ecp->busy && !ecp->q_count) {
		ecp_start_request(ecp, subtype, ulpdu, len, now);
		return 0;
	}
	if (ecp->q_count >= ecp->cfg.queue_len) {
		ecp->stats.queue_overflows++;
		return VN_ENOSPC;
	}
	s = &ecp->q[(ecp->q_head + ecp->q_count) % ecp->cfg.queue_len];
	s->subtype = subtype;
	s->len = (uint16_t)len;
	memcpy(s->data, ulpdu, len);
	ecp->q_count++;
	return 0;
}

/* Acknowledge a received request: 4-byte ECPDU, frame padded to 60 bytes. */
static void
ecp_send_ack(struct ecp_sm *ecp, uint16_t subtype, uint16_t seq)
{
	uint8_t f[ECP_SM_MIN_FRAME] = { 0 };

	ecp_eth_hdr(ecp, f, ecp->cfg.ack_da);
	/* lldpad ecp22_es_send_ack copies the request's version and subtype
	 * and sets op = ACK. */
	vn_put_be16(f + ECP_SM_ETH_HLEN,
		(uint16_t)(ECP_VERSION << 12 | ECP_OP_ACK << 10 |
			(subtype & ECP_SUBTYPE_MASK)));
	vn_put_be16(f + ECP_SM_ETH_HLEN + 2, seq);
	ecp->stats.tx_acks++;
	ecp_tx_frame(ecp, f, sizeof(f));
}

static int
ecp_malformed(struct ecp_sm *ecp, const char *reason)
{
	ecp->stats.rx_malformed++;
	ecp->stats.last_malformed = reason;
	return VN_EBADMSG;
}

int
ecp_sm_rx(struct ecp_sm *ecp, const uint8_t *frame, size_t len, uint64_t now)
{
	struct ecp_pdu pdu;
	struct vn_err e = { 0 };

	if (len < ECP_SM_ETH_HLEN)
		return ecp_malformed(ecp, "frame shorter than an Ethernet header");
	if (vn_get_be16(frame + 2 * VN_ETH_ALEN) != VN_ETH_ECP)
		return ecp_malformed(ecp, "EtherType is not ECP (0x8940)");
	if (ecp_decode(frame + ECP_SM_ETH_HLEN, len - ECP_SM_ETH_HLEN, &pdu, &e))
		return ecp_malformed(ecp, e.reason);

	if (pdu.op == ECP_OP_ACK) {
		if (ecp->busy && pdu.seq == ecp->cur_seq) {
			ecp->stats.rx_acks++;
			ecp_finish(ecp, true, now);
		} else {
			ecp->stats.rx_acks_ignored++;
		}
		return 0;
	}

	/* Request: receiveECPDU -> (newECPDU) -> sendAck.  The ACK goes out
	 * before the ULPDU is handed up, so an answer produced by the upper
	 * layer follows the ACK on the wire, as with lldpad. */
	ecp->stats.rx_requests++;
	ecp_send_ack(ecp, pdu.subtype, pdu.seq);
	if (ecp->rx_seen && pdu.seq == ecp->last_seq) {
		ecp->stats.rx_duplicates++;
		return 0;
	}
	ecp->rx_seen = true;
	ecp->last_seq = pdu.seq;
	/* Last action: deliver may re-enter through ecp_sm_send. */
	ecp->cb.deliver(ecp->aux, pdu.subtype, pdu.ulpdu, pdu.ulpdu_len, now);
	return 0;
}

void
ecp_sm_tick(struct ecp_sm *ecp, uint64_t now)
{
	if (!ecp->busy || now < ecp->deadline)
		return;
	ecp->stats.ack_timeouts++;
	if (ecp->retries < ecp->cfg.max_retries) {
		ecp->retries++;
		ecp->stats.tx_retransmissions++;
		ecp->deadline = now + ecp_sm_ack_timeout_us(ecp->cfg.rte);
		ecp_tx_frame(ecp, ecp->frame, ecp->frame_len);
		return;
	}
	ecp_finish(ecp, false, now);
}

uint64_t
ecp_sm_next_deadline(const struct ecp_sm *ecp)
{
	return ecp->busy ? ecp->deadline : ECP_SM_NEVER;
}

int
ecp_sm_set_timers(struct ecp_sm *ecp, uint8_t max_retries, uint8_t rte)
{
	if (max_retries > ECP_SM_MAX_R || rte > ECP_SM_MAX_RTE)
		return VN_EINVAL;
	ecp->cfg.max_retries = max_retries;
	ecp->cfg.rte = rte;
	return 0;
}

const struct ecp_sm_stats *
ecp_sm_stats(const struct ecp_sm *ecp)
{
	return &ecp->stats;
}

void
ecp_sm_get_info(const struct ecp_sm *ecp, struct ecp_sm_info *info)
{
	memset(info, 0, sizeof(*info));
	info->outstanding = ecp->busy;
	info->tx_seq = ecp->busy ? ecp->cur_seq : 0;
	info->next_seq = ecp->next_seq;
	info->retries = ecp->retries;
	info->queued = ecp->q_count;
	info->rx_seen = ecp->rx_seen;
	info->rx_last_seq = ecp->last_seq;
	info->max_retries = ecp->cfg.max_retries;
	info->rte = ecp->cfg.rte;
	info->ack_timeout_us = ecp_sm_ack_timeout_us(ecp->cfg.rte);
}

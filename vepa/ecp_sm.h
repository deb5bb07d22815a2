/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ecp_sm.h - Edge Control Protocol state machines (IEEE 802.1Qbg-2012,
 * 802.1Q-2014 clause 43): one instance per port or S-channel.
 *
 * A pure state machine (design rule 2): no clock, no I/O, no globals, no
 * logging.  The caller passes the current time (microseconds, any epoch, never
 * going backwards) and received frames in, and gets frames out through a
 * callback.  All memory is allocated by ecp_sm_create (fixed capacities from
 * the configuration) and freed by ecp_sm_destroy.
 *
 * Transmit (43.3.7, lldpad qbg/ecp22.c): stop-and-wait.  One ECPDU is
 * outstanding; further ULPDUs wait in a FIFO of cfg.queue_len entries (one
 * more is refused with VN_ENOSPC and counted in queue_overflows).  The
 * first request carries cfg.initial_seq and each new request the next value,
 * skipping 0 on wrap-around as lldpad's inc_seqno does.  The initial value
 * must be random (or persisted): lldpad drops a request whose sequence number
 * equals the last one it received, and that memory survives our restart
 * (peers.md 3.4).  The caller seeds it from the clock live and from a fixed
 * seed in replay, so replay output stays byte-for-byte stable.
 *
 * The ACK timer is 10 us * 2^RTE (protocols.md 3.1, pitfall 15: lldpad's
 * comment says milliseconds, its arithmetic is in us).  On each expiry the
 * same frame is sent again, at most R times; when the timer expires after the
 * R-th retransmission the ULPDU is given up (tx_errors), tx_done reports it
 * and the next queued ULPDU goes out.  Difference from lldpad: lldpad gives
 * up right after sending its last retransmission without waiting for its ACK;
 * we wait one more ACK period so that the last copy can still be
 * acknowledged.  Both send 1 + R frames.  RTE and R can change at any time
 * (EVB negotiation, ecp_sm_set_timers); a running timer keeps its deadline.
 *
 * Receive: a request is acknowledged at once (op ACK, same subtype and
 * sequence number, a 4-byte ECPDU padded to a 60-byte frame, DA cfg.ack_da:
 * lldpad sends its ACKs to the nearest-customer-bridge group address
 * 01-80-C2-00-00-00, not to the requester, pitfall 7) and its ULPDU is
 * delivered to the upper layer, unless it is a duplicate: a request whose
 * sequence number equals the last one received is re-acknowledged and not
 * delivered again.  The first request after create (or ecp_sm_reset) is
 * always new (lldpad sets lastSeq = seq - 1 in receiveFirst).  An ACK
 * whose sequence number matches the outstanding request completes it; any
 * other ACK is counted (rx_acks_ignored) and ignored.  lldpad's unpadded
 * 18-byte ACK frames are accepted like padded ones (ecp_decode ignores what
 * follows an ACK header).  The destination address of received frames is
 * not checked (lldpad's ecp22 receive path does not either); the caller has
 * already demultiplexed the port or S-channel and removed any S-tag.
 *
 * Re-entrancy: callbacks may call ecp_sm_send (the VDP bridge answers from
 * inside deliver), ecp_sm_stats and ecp_sm_next_deadline; they must not call
 * ecp_sm_rx, ecp_sm_tick, ecp_sm_reset or ecp_sm_destroy.
 */
#ifndef VEPA_ECP_SM_H
#define VEPA_ECP_SM_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/codec.h"
#include "vepa/ecp.h"

#define ECP_SM_NEVER     UINT64_MAX /* next_deadline: no timer running */
#define ECP_SM_ETH_HLEN  14
#define ECP_SM_MIN_FRAME 60 /* frames are zero-padded to this (802.3 minimum, no FCS) */
#define ECP_SM_MAX_FRAME (ECP_SM_ETH_HLEN + ECP_HDR_LEN + ECP_MAX_ULPDU_LEN) /* 1514 */
#define ECP_SM_MAX_R     7  /* R is 3 bits in the EVB TLV (802.1Q-2014 D.2.13) */
#define ECP_SM_MAX_RTE   31 /* RTE is 5 bits in the EVB TLV */

struct ecp_sm_config {
	uint8_t mac[VN_ETH_ALEN];    /* our source address */
	uint8_t req_da[VN_ETH_ALEN]; /* DA of our requests (default 01-80-C2-00-00-00) */
	uint8_t ack_da[VN_ETH_ALEN]; /* DA of our ACKs (default 01-80-C2-00-00-00, as lldpad) */
	uint16_t initial_seq;        /* sequence number of the first request; 0 means 1 */
	uint8_t max_retries;         /* R: retransmissions per request, 0..7 (default 3) */
	uint8_t rte;                 /* ACK timer exponent, 0..31 (default 8: 2.56 ms) */
	uint16_t queue_len;          /* ULPDUs waiting behind the outstanding one, >= 1 */
	uint16_t max_ulpdu;          /* largest ULPDU accepted, 1..ECP_MAX_ULPDU_LEN */
};

struct ecp_sm_callbacks {
	/* Send one whole Ethernet frame (DA, SA, 0x8940, ECPDU, padding).  A
	 * non-zero return is counted in tx_failures; a request is then retried
	 * by the ACK timer as if it had been lost.  Required. */
	int (*tx)(void *aux, const uint8_t *frame, size_t len);
	/* A new (not duplicate) request's ULPDU, padding included (ECP has no
	 * ULPDU length; VDP finds its own end).  ulpdu points into the frame
	 * passed to ecp_sm_rx.  Required. */
	void (*deliver)(
		void *aux, uint16_t subtype, const uint8_t *ulpdu, size_t len, uint64_t now);
	/* Optional (may be NULL): a request was acknowledged (acked) or given
	 * up after R retransmissions (!acked). */
	void (*tx_done)(void *aux, uint16_t subtype, uint16_t seq, bool acked, uint64_t now);
};

struct ecp_sm_stats {
	uint64_t tx_requests;        /* ECPDUs sent for the first time */
	uint64_t tx_retransmissions; /* resends after an ACK timeout */
	uint64_t tx_acks;            /* ACKs sent (re-ACKs of duplicates included) */
	uint64_t tx_completed;       /* requests acknowledged by the peer */
	uint64_t tx_errors;          /* requests given up after R retransmissions */
	uint64_t ack_timeouts; /* ACK timer expiries (each retransmission and each give-up) */
	uint64_t tx_failures;  /* tx callback returned non-zero */
	uint64_t queue_overflows;   /* ecp_sm_send refused: queue full */
	uint64_t rx_requests;       /* requests received, duplicates included */
	uint64_t rx_duplicates;     /* requests repeating the last sequence number */
	uint64_t rx_acks;           /* ACKs matching the outstanding request */
	uint64_t rx_acks_ignored;   /* other ACKs (stale, unsolicited) */
	uint64_t rx_malformed;      /* frames that are not a valid ECPDU */
	const char *last_malformed; /* reason of the last one (static string) or NULL */
};

/* Operational state, for "show ecp". */
struct ecp_sm_info {
	bool outstanding;     /* a request waits for its ACK */
	uint16_t tx_seq;      /* outstanding request's seq (valid if outstanding) */
	uint16_t next_seq;    /* seq of the next new request */
	uint8_t retries;      /* retransmissions of the outstanding request so far */
	uint16_t queued;      /* ULPDUs waiting */
	bool rx_seen;         /* a request has been received since create/reset */
	uint16_t rx_last_seq; /* last request seq received (valid if rx_seen) */
	uint8_t max_retries;  /* current R */
	uint8_t rte;          /* current RTE */
	uint64_t ack_timeout_us;
};

struct ecp_sm;

/* Defaults: lldpad's R = 3, RTE = 8, DAs 01-80-C2-00-00-00, queue 16,
 * max_ulpdu ECP_MAX_ULPDU_LEN, initial_seq 1, mac zero (set it). */
void ecp_sm_config_default(struct ecp_sm_config *cfg);

/* ACK timeout for an RTE: 10 us * 2^rte. */
static inline uint64_t
ecp_sm_ack_timeout_us(unsigned int rte)
{
	return (uint64_t)10 << rte;
}

/* NULL if the configuration is out of range (see struct ecp_sm_config),
 * a required callback is missing, or memory runs out.  cfg and cb are
 * copied; aux is handed to every callback. */
struct ecp_sm *ecp_sm_create(
	const struct ecp_sm_config *cfg, const struct ecp_sm_callbacks *cb, void *aux);
void ecp_sm_destroy(struct ecp_sm *ecp);

/* Queue a ULPDU (copied) for transmission; sent at once if nothing is
 * outstanding.  0, VN_ENOSPC (queue full, counted), VN_EINVAL (empty, longer
 * than cfg.max_ulpdu, or subtype not VDP/PE-CSP). */
int ecp_sm_send(
	struct ecp_sm *ecp, uint16_t subtype, const uint8_t *ulpdu, size_t len, uint64_t now);

/* A received Ethernet frame (untagged: EtherType 0x8940 at offset 12).
 * 0, or VN_EBADMSG for a frame that is not a valid ECPDU (counted). */
int ecp_sm_rx(struct ecp_sm *ecp, const uint8_t *frame, size_t len, uint64_t now);

/* Run the timers: call at next_deadline (or any time later). */
void ecp_sm_tick(struct ecp_sm *ecp, uint64_t now);

/* When tick must next be called, or ECP_SM_NEVER. */
uint64_t ecp_sm_next_deadline(const struct ecp_sm *ecp);

/* New R / RTE (EVB negotiation).  0 or VN_EINVAL (R > 7, RTE > 31). */
int ecp_sm_set_timers(struct ecp_sm *ecp, uint8_t max_retries, uint8_t rte);

/* Forget everything in flight (port down): drop the outstanding request and
 * the queue without calling tx_done, restart numbering at initial_seq (0
 * means 1) and treat the next received request as the first. */
void ecp_sm_reset(struct ecp_sm *ecp, uint16_t initial_seq);

const struct ecp_sm_stats *ecp_sm_stats(const struct ecp_sm *ecp);
void ecp_sm_get_info(const struct ecp_sm *ecp, struct ecp_sm_info *info);

#endif /* VEPA_ECP_SM_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * evb.h - EVB TLV negotiation in the bridge role (IEEE 802.1Qbg-2012, the
 * EVB TLV of 802.1Q-2014 D.2.12), following lldpad (lldp_evb22.c
 * bridge_tlv()/common_tlv(), the other real implementation) where the
 * standard leaves room.
 *
 * Given the bridge's configuration and the station's EVB TLV (from the LLDP
 * neighbour table, or none), lldp_evb_negotiate() computes the TLV the
 * bridge sends and the operational values:
 *  - RRCTR = local RRCAP && station RRREQ: reflective relay on the port;
 *  - the station status byte (SGID, RRREQ, RRSTAT) is echoed as received,
 *    as lldpad's bridge does ("Copy my last station status"); 0 without one;
 *  - R, RTE, RWD, RKA = max(local, remote).  For RWD and RKA the ROL bit is
 *    1 when the remote value is used, which lldpad decides as
 *    remote >= local (a tie counts as remote: lldpad's bridge with RWD 20
 *    facing a station with RWD 20 sends ROL 1, see the captures).  Without a
 *    station TLV the local values are used with ROL 0 (lldpad would set ROL
 *    when its local value is 0, comparing against an all-zero TLV);
 *  - VDP group IDs are used only if local BGID && station SGID.
 *
 * A TLV whose mode is not "EVB station" (0: not supported, 1: another
 * bridge) is not negotiated with and is treated as absent; lldpad does not
 * check the mode, but a bridge's TLV has no station status to honour.
 *
 * Timer units (802.1Qbg-2012; protocols.md §8.15): every exponent x means
 * 10 us * 2^x.  The derived timers:
 *   ECP ack timer          10 us * 2^RTE            (RTE 8: 2560 us)
 *   VDP resource wait      10 us * 2^RWD
 *   VDP keep-alive         10 us * 2^RKA            (RKA 20: 10.48576 s)
 *   bridge keep-alive supervision
 *                          1.5 * (2^RKA + (2R+1) * 2^RTE) * 10 us
 *   (the station's keep-alive period plus the time its ECP needs to deliver
 *   one message with all retries, with 50 % margin).
 *
 * Pure functions: no I/O, no clock, no globals.
 */
#ifndef VN_LLDP_EVB_H
#define VN_LLDP_EVB_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lldp/lldpdu.h"

struct lldp_agent_sm;

#define LLDP_EVB_R_MAX   7  /* 3 bits */
#define LLDP_EVB_EXP_MAX 31 /* 5 bits: RTE, RWD, RKA */

/* The bridge's EVB configuration (lldptool evbrrcap, evbgpid, ecpretries,
 * ecprte, vdprwd, vdprka). */
struct lldp_evb_local {
	bool rrcap;  /* the port can do reflective relay */
	bool bgid;   /* VDP group IDs supported */
	uint8_t r;   /* ECP maximum retries, 0..7 */
	uint8_t rte; /* ECP retransmission exponent, 0..31 */
	uint8_t rwd; /* VDP resource wait delay exponent, 0..31 */
	uint8_t rka; /* VDP reinit keep-alive exponent, 0..31 */
};

/* The outcome of a negotiation. */
struct lldp_evb_oper {
	bool station;                      /* a station TLV took part */
	bool reflective_relay;             /* RRCTR: hairpin forwarding on the port */
	bool group_ids;                    /* VDP group ID filter formats allowed */
	uint8_t r, rte, rwd, rka;          /* operational values (the max) */
	bool rwd_remote, rka_remote;       /* ROL bits: the station's value was used */
	uint64_t ecp_ack_us;               /* 10 us * 2^RTE */
	uint64_t vdp_resource_wait_us;     /* 10 us * 2^RWD */
	uint64_t vdp_keepalive_us;         /* 10 us * 2^RKA */
	uint64_t vdp_keepalive_timeout_us; /* 1.5 * (2^RKA + (2R+1) * 2^RTE) * 10 us */
};

/* lldpad's defaults: R 3, RTE 8, RWD 20, RKA 20; reflective relay offered,
 * group IDs not (lldpad's evbgpid defaults to no). */
void lldp_evb_local_init(struct lldp_evb_local *local);

/* 10 us * 2^exp, in microseconds (exp 0..31). */
uint64_t lldp_evb_exp_us(unsigned int exp);

/* 1.5 * (2^rka + (2r+1) * 2^rte) * 10 us, exact in microseconds. */
uint64_t lldp_evb_keepalive_timeout_us(unsigned int r, unsigned int rte, unsigned int rka);

/*
 * Negotiate.  station: the station's EVB TLV, or NULL if none was received.
 * Fills *tlv_to_send (mode EVB bridge) and *oper.  Returns 0, or VN_EINVAL
 * if a value is out of range (local or station R > 7 or an exponent > 31),
 * and then leaves both outputs untouched.
 */
int lldp_evb_negotiate(const struct lldp_evb_local *local, const struct lldp_evb *station,
	struct lldp_evb *tlv_to_send, struct lldp_evb_oper *oper);

/*
 * The station EVB TLV in an agent's neighbour table: that of the most
 * recently updated neighbour whose EVB TLV says "EVB station", or NULL.
 */
const struct lldp_evb *lldp_evb_find_station(const struct lldp_agent_sm *a);

/*
 * The owner's one-liner, for the neighbour callback and start-up: negotiate
 * with lldp_evb_find_station(a) and put the result in the agent's LLDPDU
 * (lldp_agent_set_evb; a frame goes out only if the TLV changed).  oper may
 * be NULL.  Returns 0 or VN_EINVAL.
 */
int lldp_evb_update(struct lldp_agent_sm *a, const struct lldp_evb_local *local,
	struct lldp_evb_oper *oper);

#endif /* VN_LLDP_EVB_H */

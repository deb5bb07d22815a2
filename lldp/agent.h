/* SPDX-License-Identifier: Apache-2.0 */
/*
 * agent.h - the LLDP agent (IEEE 802.1AB-2016 clause 9) as a pure state
 * machine: one object per (port, group MAC).
 *
 * Design rule 2: the agent reads no clock, does no I/O, logs nothing and keeps
 * no globals.  Time comes in as an argument (uint64_t microseconds, any
 * monotonic origin), frames come in through lldp_agent_rx() and leave through
 * the send callback given to lldp_agent_create().  All memory (the neighbour
 * table, the transmit frame and the decode scratch, about 55 KB with 8
 * neighbours) is allocated once in lldp_agent_create(); nothing is allocated
 * per frame.
 *
 * Driving it: call lldp_agent_tick(a, now) whenever now reaches
 * lldp_agent_next_deadline(a) (a deadline at or before the current time
 * means "now"), and after every lldp_agent_rx() / lldp_agent_set_*() re-read
 * the deadline.  The first tick (or rx) starts the agent.
 *
 * Transmit (802.1AB-2016 9.2.8 transmit and 9.2.9 transmit timer machines):
 *  - a frame every msgTxInterval (txTTR), the timer restarting whenever a
 *    frame is signalled;
 *  - fast start: txFastInit frames msgFastTx apart when a new neighbour
 *    appears (newNeighbor) and, as lldpd and lldpad do, when the agent starts
 *    (the standard's TX_TIMER_INITIALIZE sends one frame and waits
 *    msgTxInterval);
 *  - a changed local MIB (lldp_agent_set_local/_evb/_cdcp with new content)
 *    signals a frame at once (localChange);
 *  - every information frame costs one txCredit; credits come back one per
 *    second (txTick) up to txCreditMax, so at most txCreditMax frames go out
 *    back to back.  The shutdown frame costs none (TX_SHUTDOWN_FRAME);
 *  - TTL = min(65535, msgTxInterval x msgTxHold + 1) (802.1AB-2016 9.2.5.22
 *    txTTL).  lldpd and lldpad send msgTxInterval x msgTxHold without the +1.
 *
 * Receive (802.1AB-2016 9.2.7 receive machine, 9.2.7.7 too many neighbours):
 *  - the frame must be addressed to this agent's group MAC with EtherType
 *    0x88CC, otherwise lldp_agent_rx() returns LLDP_RX_NOT_MINE and counts
 *    nothing, so the caller can offer it to the port's other agents;
 *  - a malformed LLDPDU (lldp_decode() fails) is counted in rx_discarded and
 *    changes nothing else;
 *  - neighbours are keyed by MSAP (chassis ID + port ID); an LLDPDU for a
 *    known MSAP replaces the stored information and restarts its TTL; TTL 0
 *    removes it at once; a new MSAP is inserted if the table has room, else
 *    dropped and counted in drops (the standard allows either dropping the
 *    new one or evicting; lldpd drops the new one, and so do we);
 *  - a neighbour expires at exactly last update + TTL seconds (lldpd:
 *    now >= p_lastupdate + p_ttl); ageing runs in tick() and before each rx.
 *  - replace_same_source (a vnswitch choice; neither the standard nor lldpd
 *    does it): a new MSAP from the same source MAC as a stored neighbour
 *    (a peer that restarted with another chassis or port ID) replaces that
 *    neighbour at once instead of leaving it to age out for up to its TTL.
 *
 * The object is struct lldp_agent_sm: the tag "lldp_agent" is taken by the
 * enum of group MACs in lldpdu.h (C has one namespace for all tags).
 *
 * Owner callbacks (optional): neighbour added / updated (content changed: a
 * refresh with identical bytes is silent) / removed with a reason.  Inside
 * a callback the owner may read the agent and call lldp_agent_set_*() (the
 * EVB TLV is typically recomputed there), but must not call rx, tick,
 * shutdown or destroy: those are ignored while a callback runs (destroy
 * cannot be and must simply not be called).  The neighbour pointer is valid
 * only during the callback; for "removed" it points to a copy, the entry
 * having already left the table.
 */
#ifndef VN_LLDP_AGENT_H
#define VN_LLDP_AGENT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/codec.h"
#include "lldp/lldpdu.h"

/* Ethernet framing of an LLDPDU: DA(6) SA(6) EtherType(2), no VLAN tag. */
#define LLDP_ETH_HDR_LEN     14
#define LLDP_MAX_PDU_LEN     1500 /* an untagged 1500-byte payload */
#define LLDP_FRAME_MAX       (LLDP_ETH_HDR_LEN + LLDP_MAX_PDU_LEN)
#define LLDP_FRAME_MIN       60 /* 802.3 minimum frame without FCS: pad to it */
#define LLDP_NEIGHBORS_LIMIT 256

#define LLDP_US_PER_S 1000000ULL

/*
 * Protocol defaults and ranges (802.1AB-2016 9.2.5, LLDP-V2-MIB):
 * msgTxInterval 1..3600 s (30), msgTxHold 1..100 (4), msgFastTx 1..3600 s
 * (1), txFastInit 1..8 (4), txCreditMax 1..10 (5).
 */
#define LLDP_DEF_TX_INTERVAL   30
#define LLDP_DEF_TX_HOLD       4
#define LLDP_DEF_FAST_TX       1
#define LLDP_DEF_TX_FAST_INIT  4
#define LLDP_DEF_TX_CREDIT_MAX 5
#define LLDP_DEF_MAX_NEIGHBORS 8

/* adminStatus (802.1AB-2016 9.2.5.1). */
enum lldp_admin {
	LLDP_ADMIN_RXTX = 0, /* default */
	LLDP_ADMIN_TX_ONLY,
	LLDP_ADMIN_RX_ONLY,
	LLDP_ADMIN_DISABLED,
};

/*
 * What the agent advertises about itself (the local MIB).  Strings are the
 * caller's, NUL-terminated, at most 255 bytes, and copied: they need not
 * outlive the call that passes them.  NULL omits the optional TLV.
 */
struct lldp_agent_local {
	uint8_t mac[VN_ETH_ALEN];     /* Chassis ID (subtype MAC address) and frame SA */
	const char *port_name;        /* Port ID, subtype interface name: 1..255 bytes */
	const char *port_desc;        /* Port Description (type 4), or NULL */
	const char *sys_name;         /* System Name (type 5), or NULL */
	const char *sys_desc;         /* System Description (type 6), or NULL */
	uint16_t sys_cap;             /* System Capabilities (type 7), LLDP_CAP_*; */
	uint16_t sys_cap_enabled;     /* both 0: no TLV */
	const struct lldp_mgmt *mgmt; /* Management Address (type 8), or NULL */
};

struct lldp_agent_sm;
struct lldp_neighbor;

/* Send one complete Ethernet frame (DA, SA, 0x88CC, LLDPDU, padded to 60).
 * frame points into the agent and is valid during the call only; the
 * callback must not call back into the agent.  Return 0, or non-zero if it
 * could not be sent (counted in tx_errors, not in tx_frames). */
typedef int (*lldp_agent_send_cb)(void *aux, const uint8_t *frame, size_t len);

enum lldp_nb_event {
	LLDP_NB_ADDED = 1,
	LLDP_NB_UPDATED, /* a stored neighbour's LLDPDU changed */
	LLDP_NB_REMOVED,
};

enum lldp_nb_reason {
	LLDP_NB_NEW = 0,  /* added/updated: an LLDPDU was received */
	LLDP_NB_AGED,     /* removed: rxInfoTTL expired */
	LLDP_NB_SHUTDOWN, /* removed: an LLDPDU with TTL 0 */
	LLDP_NB_REPLACED, /* removed: its sender now advertises another MSAP */
};

typedef void (*lldp_agent_nb_cb)(void *aux, struct lldp_agent_sm *a, enum lldp_nb_event ev,
	enum lldp_nb_reason why, const struct lldp_neighbor *nb);

/* Configuration; lldp_agent_cfg_init() fills the defaults. */
struct lldp_agent_cfg {
	enum lldp_agent group; /* which group MAC (lldpdu.h): 0E, 03 or 00 */
	enum lldp_admin admin;
	struct lldp_agent_local local;
	uint16_t tx_interval;         /* msgTxInterval, seconds */
	uint8_t tx_hold;              /* msgTxHold */
	uint16_t fast_tx;             /* msgFastTx, seconds */
	uint8_t tx_fast_init;         /* txFastInit, frames */
	uint8_t tx_credit_max;        /* txCreditMax */
	uint16_t max_neighbors;       /* 1..LLDP_NEIGHBORS_LIMIT */
	bool replace_same_source;     /* see the header comment; default true */
	lldp_agent_nb_cb neighbor_cb; /* optional; gets the aux of create() */
};

/* What the agent keeps of a neighbour's last LLDPDU (read-only to callers). */
struct lldp_neighbor {
	uint8_t src_mac[VN_ETH_ALEN]; /* SA of the last LLDPDU */
	struct lldp_id chassis;       /* MSAP, part 1 */
	struct lldp_id port;          /* MSAP, part 2 */
	uint16_t ttl;                 /* seconds, as received (never 0 here) */
	uint64_t first_seen;          /* us: when inserted */
	uint64_t last_update;         /* us: last LLDPDU received */
	uint64_t expires;             /* us: last_update + ttl s; removed when now >= this */
	uint64_t rx_frames;           /* LLDPDUs accepted for this MSAP */

	bool has_port_desc, has_sys_name, has_sys_desc, has_sys_cap, has_mgmt;
	bool has_evb, has_cdcp, has_evb_draft;
	struct lldp_str port_desc;
	struct lldp_str sys_name;
	struct lldp_str sys_desc;
	struct lldp_sys_cap sys_cap;
	struct lldp_mgmt mgmt; /* the first Management Address TLV */
	struct lldp_evb evb;
	struct lldp_cdcp cdcp;
	struct lldp_evb_draft evb_draft;
	uint32_t tlvs_unrecognized; /* in the last LLDPDU */

	/* private: the last LLDPDU's bytes (to tell updates from refreshes) */
	uint16_t raw_len;
	uint8_t raw[LLDP_MAX_PDU_LEN];
};

/* Statistics (802.1AB-2016 9.2.6 counters; names as lldpd shows them). */
struct lldp_agent_stats {
	uint64_t tx_frames;            /* statsFramesOutTotal, shutdown frame included */
	uint64_t tx_errors;            /* the send callback failed (not in tx_frames) */
	uint64_t rx_frames;            /* statsFramesInTotal: LLDP frames for this agent,
			      * discarded ones included (as lldpd counts) */
	uint64_t rx_discarded;         /* statsFramesDiscardedTotal: malformed */
	uint64_t rx_tlvs_unrecognized; /* statsTLVsUnrecognizedTotal */
	uint64_t rx_tlvs_discarded;    /* statsTLVsDiscardedTotal: mgmt beyond LLDP_MAX_MGMT */
	uint64_t ageouts;              /* statsAgeoutsTotal: TTL expiry */
	uint64_t inserts;              /* lldpStatsRemTablesInserts */
	uint64_t deletes;              /* ...Deletes: ageouts, TTL 0 and replacements */
	uint64_t drops;                /* ...Drops: new MSAP, table full */
};

/* Result of lldp_agent_rx(). */
enum lldp_rx_result {
	LLDP_RX_OK = 0,    /* accepted: table updated (or TTL 0 processed) */
	LLDP_RX_DISCARDED, /* ours but malformed: counted in rx_discarded */
	LLDP_RX_DROPPED,   /* valid, new MSAP, table full: counted in drops */
	LLDP_RX_DISABLED,  /* ours, but adminStatus excludes receive */
	LLDP_RX_NOT_MINE,  /* not LLDP or another group MAC: nothing counted */
};

/* Defaults: nearest bridge, rxtx, the protocol defaults above, a bridge's
 * capabilities, replace_same_source; local strings NULL, MAC zero. */
void lldp_agent_cfg_init(struct lldp_agent_cfg *cfg);

/* Check a configuration: 0 or VN_EINVAL with err->reason. */
int lldp_agent_cfg_validate(const struct lldp_agent_cfg *cfg, struct vn_err *err);

/* NULL if cfg is invalid (see lldp_agent_cfg_validate) or out of memory.
 * send must not be NULL.  cfg is copied. */
struct lldp_agent_sm *lldp_agent_create(
	const struct lldp_agent_cfg *cfg, lldp_agent_send_cb send, void *aux);
void lldp_agent_destroy(struct lldp_agent_sm *a); /* sends nothing; NULL ok */

/* Process one received Ethernet frame (untagged, as received). */
enum lldp_rx_result lldp_agent_rx(
	struct lldp_agent_sm *a, const uint8_t *frame, size_t len, uint64_t now);

/* Run the timers: age neighbours out, send what is due. */
void lldp_agent_tick(struct lldp_agent_sm *a, uint64_t now);

/* Earliest time tick() has work; UINT64_MAX if none. */
uint64_t lldp_agent_next_deadline(const struct lldp_agent_sm *a);

/*
 * Send the shutdown LLDPDU (Chassis ID, Port ID, TTL 0, End) and stop
 * transmitting; receive and ageing go on until destroy.  Returns 0, the send
 * callback's non-zero return (the agent is shut down all the same), or
 * VN_EINVAL if already shut down, tx is disabled or a callback is running.
 */
int lldp_agent_shutdown(struct lldp_agent_sm *a, uint64_t now);

/*
 * Change the local MIB.  Each rebuilds the LLDPDU; if its bytes differ from
 * the current one a frame is signalled (localChange), otherwise nothing
 * happens.  Returns 0, or VN_EINVAL / VN_ENOSPC (a field out of range, an
 * LLDPDU over 1500 bytes) with err->reason, and then nothing changed.
 * _evb and _cdcp: NULL removes the TLV.  The owner decides which agent
 * carries them (lldpad accepts the EVB TLV only on the nearest customer
 * bridge agent).
 */
int lldp_agent_set_local(
	struct lldp_agent_sm *a, const struct lldp_agent_local *local, struct vn_err *err);
int lldp_agent_set_evb(struct lldp_agent_sm *a, const struct lldp_evb *evb, struct vn_err *err);
int lldp_agent_set_cdcp(
	struct lldp_agent_sm *a, const struct lldp_cdcp *cdcp, struct vn_err *err);

/* ---- read access ---------------------------------------------------------- */

const struct lldp_agent_stats *lldp_agent_stats(const struct lldp_agent_sm *a);
enum lldp_agent lldp_agent_group(const struct lldp_agent_sm *a);
uint16_t lldp_agent_ttl(const struct lldp_agent_sm *a); /* txTTL, seconds */
bool lldp_agent_is_shut(const struct lldp_agent_sm *a);
/* The current information frame (what the next transmission sends). */
const uint8_t *lldp_agent_frame(const struct lldp_agent_sm *a, size_t *len);
/* Why the last discarded frame was malformed (reason NULL if none yet). */
struct vn_err lldp_agent_last_error(const struct lldp_agent_sm *a);
/* True while the too-many-neighbours condition holds (9.2.7.7: until the
 * TTL of the last dropped LLDPDU has run out). */
bool lldp_agent_too_many_neighbors(const struct lldp_agent_sm *a, uint64_t now);

/* Neighbours in insertion order, 0..count-1; pointers stay valid until the
 * next rx, tick or destroy. */
size_t lldp_agent_neighbor_count(const struct lldp_agent_sm *a);
const struct lldp_neighbor *lldp_agent_neighbor(const struct lldp_agent_sm *a, size_t i);
const struct lldp_neighbor *lldp_agent_find(const struct lldp_agent_sm *a,
	const struct lldp_id *chassis, const struct lldp_id *port);

const char *lldp_nb_reason_name(enum lldp_nb_reason why);
const char *lldp_rx_result_name(enum lldp_rx_result r);

#endif /* VN_LLDP_AGENT_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vdp_bridge.h - VDP bridge role (IEEE 802.1Qbg-2012, 802.1Q-2014 clause 41;
 * lldpad qbg/vdp22sm.c bridge side as the interop reference): one instance
 * per port or S-channel, fed with the VDPDUs its ECP instance delivers.
 *
 * A pure state machine (design rule 2): time and VDPDUs come in as arguments,
 * VDPDUs go out through the send callback (normally into ecp_sm_send), the
 * owner decides admission through the admit callback and is told through the
 * release callback when a VSI goes away.  No clock, no I/O, no globals, no
 * logging; everything is allocated by vdp_bridge_create.
 *
 * The VSI table (cfg.max_vsi records, cfg.max_filters filter entries each) is
 * keyed by VSI ID format + VSI ID, plus the Manager ID when cfg.key_mgrid is
 * set (the default; lldpad's station matches a response on the Manager ID
 * too).  A request for a known key with another type, version or filter set
 * is a change of that VSI.
 *
 * Per request (VSI TLV types 1..4 whose response bit is clear; TLVs with
 * the response bit are not requests and are ignored, as lldpad's bridge
 * ignores them in response_ok):
 *
 *   PRE-ASSOCIATE (1), PRE-ASSOCIATE with RR (2), ASSOCIATE (3):
 *     unknown VSI         admit(); success creates the record in that state,
 *                         a refusal answers the error and keeps nothing.
 *     same mode, same     keep-alive: the record is refreshed and the TLV is
 *     type/filters        echoed with 0x40 and the granted VIDs; admit is
 *                         not called (lldpad's BR_ALIVE state).
 *     other request       admit() with the current record: preassoc(-RR) ->
 *                         preassoc(-RR)/assoc, assoc with new type/filters.
 *                         Success updates the record.  A refusal keeps the
 *                         previous state and answers with KEEP (0x20), unless
 *                         admit set VDP_BRIDGE_ADMIT_HARD: then the VSI is
 *                         released and the answer carries HARD (0x10), as
 *                         lldpad's vdp22br_process sets it for errors > 0x0F.
 *     assoc -> preassoc   refused without asking admit: status 4 with KEEP,
 *                         the association is kept (lldpad's transition table
 *                         in vdp22sm.c marks it an error).
 *   DE-ASSOCIATE (4):     known VSI: release, answer 0x40.  Unknown VSI:
 *                         answer 0x40 (lldpad vdp22_station_info).
 *
 *   Refused without asking admit: no filter entry or a GroupID format that
 *   was not negotiated (cfg.group_ids) -> 1 invalid format; table full or
 *   more entries than cfg.max_filters -> 2 insufficient resources.
 *
 * Responses: one VDPDU per received VDPDU: the Manager ID TLV first, then
 * for each request TLV, in order, its VSI TLV with the response bit (0x40)
 * and the status, built with vdp_encode (exact length 25 + n * entry size:
 * lldpad drops anything else).  The TLV type is the request's, except that a
 * refusal that leaves no VSI is sent as DE-ASSOCIATE when
 * cfg.refuse_with_deassoc is set (lldpad's bridge state machine goes through
 * BR_DEASSOC there; its station treats both alike).  Filters: the granted
 * ones on success (the owner may replace VID 0 - "bridge chooses" - and the
 * PCP of entries whose PS bit is clear; everything else is restored from the
 * request, because lldpad's station rejects a response whose MAC, GroupID or
 * non-zero VID differ), the request's on a refusal.  Request hint bits (M/S)
 * are recorded, never echoed: in a response those bits mean HARD/KEEP.
 *
 * Malformed VDPDUs (vdp_decode fails) are counted.  If the PDU starts with a
 * well-formed Manager ID TLV and a VSI TLV holds at least status, type,
 * version, VSI ID format and VSI ID, each such TLV is answered with status 1
 * (invalid format) by echoing its bytes (as far as they are present) with the
 * status octet replaced: vdp_encode cannot build an invalid TLV, and lldpad
 * will not match it anyway, but a conforming station learns why.  A decoded
 * VSI TLV with no filter entry is answered the same way.
 *
 * Keep-alive (41.5.5.9 as lldpad vdp22_timeout computes it): a VSI not
 * refreshed within 1.5 * (2^RKA + (2R + 1) * 2^RTE) * 10 us is removed when
 * now >= last_refresh + that time: RELEASE is called and an unsolicited
 * DE-ASSOCIATE (TLV type 4, status 0x00) is sent, which lldpad's station
 * takes as a bridge-initiated de-associate (vdp22_bridge_info).  Any
 * request for the VSI, refused or not, restarts the time (lldpad restarts
 * its keep-alive timer in BR_WAITCMD after every answer).
 *
 * Re-entrancy: callbacks may read (find, next, stats) but must not call rx,
 * tick, deassoc, release_all, set_timers or destroy.  Record pointers stay
 * valid until the VSI is removed; a release callback's record is valid only
 * during the call.
 */
#ifndef VEPA_VDP_BRIDGE_H
#define VEPA_VDP_BRIDGE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/codec.h"
#include "vepa/vdp.h"

#define VDP_BRIDGE_NEVER UINT64_MAX /* next_deadline: no VSI */

/* admit() may OR this into a refusal code: the VSI is given up (HARD bit). */
#define VDP_BRIDGE_ADMIT_HARD 0x10

struct vdp_bridge_config {
	uint16_t max_vsi;     /* table capacity, >= 1 (default 64) */
	uint16_t max_filters; /* entries per VSI, 1..VDP_MAX_FILTERS_PER_VSI (default 32) */
	uint8_t r;            /* ECP R, 0..7 (default 3) */
	uint8_t rte;          /* ECP RTE, 0..31 (default 8) */
	uint8_t rka;          /* keep-alive exponent, 0..31 (default 20) */
	bool key_mgrid;       /* Manager ID is part of the VSI key (default true) */
	bool group_ids;       /* GroupID formats 3/4 allowed (BGID and SGID) (default false) */
	bool refuse_with_deassoc; /* refusals that leave no VSI use TLV type 4 (default false) */
};

/* Why a VSI went away (release callback, vdp_bridge_deassoc). */
enum vdp_bridge_reason {
	VDP_BRIDGE_REASON_STATION = 1, /* the station sent DE-ASSOCIATE */
	VDP_BRIDGE_REASON_KEEPALIVE,   /* keep-alive expired */
	VDP_BRIDGE_REASON_ADMIN,       /* bridge-initiated (vnctl veth del) */
	VDP_BRIDGE_REASON_HARD,        /* a change refused with VDP_BRIDGE_ADMIT_HARD */
	VDP_BRIDGE_REASON_PORT_DOWN,   /* vdp_bridge_release_all */
};

/* One VSI.  state is the association state as a TLV type (1..3); mode the
 * last request's TLV type.  filters: as granted (sent in responses);
 * req_filters: as last requested (VID 0 where the station let us choose). */
struct vdp_bridge_vsi {
	bool in_use;
	uint8_t state;
	uint8_t mode;
	uint8_t mgrid[VDP_MGRID_LEN];
	uint32_t type_id;
	uint8_t type_version;
	uint8_t vsiid_format;
	uint8_t vsiid[VDP_VSIID_LEN];
	uint8_t fif;
	uint16_t n_filters;
	struct vdp_filter *filters;     /* n_filters entries, owned by the bridge */
	struct vdp_filter *req_filters; /* n_filters entries, owned by the bridge */
	bool hint_m;                    /* M (migrate-to) in the last request */
	bool hint_s;                    /* S (suspend / migrate-from) in the last request */
	uint8_t last_status;            /* status octet of the last response for it */
	const char *last_reason;        /* why (static string) */
	uint64_t created_us;
	uint64_t refreshed_us; /* last request seen; keep-alive counts from here */
	uint64_t n_refresh;    /* keep-alives received */
};

/*
 * Admission.  req: the request TLV (mode, type, VSI ID, hints in status);
 * filters[0..n): its entries; resp_filters[0..n): a copy of them that the
 * owner may edit (VID 0 -> the profile's VLAN, PCP where PS is clear); mgrid:
 * the request's Manager ID; cur: the existing record (a change) or NULL (a
 * new VSI).  Returns enum vdp_error (0 admits), optionally OR
 * VDP_BRIDGE_ADMIT_HARD; anything else counts as 4 (other failure).  A NULL
 * admit admits everything unchanged (lldpad's bridge without BUILD_DEBUG).
 */
typedef int (*vdp_bridge_admit_fn)(void *aux, const struct vdp_vsi *req,
	const struct vdp_filter *filters, size_t n, uint8_t mode,
	struct vdp_filter *resp_filters, const uint8_t mgrid[VDP_MGRID_LEN],
	const struct vdp_bridge_vsi *cur);

struct vdp_bridge_callbacks {
	/* Send a VDPDU (an ECP ULPDU; pass to ecp_sm_send with subtype VDP).
	 * A non-zero return is counted in tx_failures.  Required. */
	int (*send)(void *aux, const uint8_t *ulpdu, size_t len, uint64_t now);
	vdp_bridge_admit_fn admit; /* optional, see above */
	/* A VSI goes away (after admit accepted it once).  Optional. */
	void (*release)(
		void *aux, const struct vdp_bridge_vsi *vsi, enum vdp_bridge_reason reason);
};

struct vdp_bridge_stats {
	uint64_t rx_pdus;                 /* VDPDUs received */
	uint64_t rx_requests;             /* VSI TLVs handled as requests */
	uint64_t rx_ignored;              /* VSI TLVs with the response bit set */
	uint64_t rx_malformed;            /* VDPDUs vdp_decode rejected */
	const char *last_malformed;       /* its reason (static string) or NULL */
	uint64_t status[VDP_ERR_MAX + 1]; /* responses sent, per error code */
	uint64_t resp_keep;               /* ... of which with KEEP */
	uint64_t resp_hard;               /* ... of which with HARD */
	uint64_t admitted;                /* requests admit() accepted */
	uint64_t refused;                 /* requests answered with an error */
	uint64_t keepalives;              /* refreshes (same mode repeated) */
	uint64_t keepalive_expiries;      /* VSIs removed by the keep-alive timer */
	uint64_t station_deassocs;        /* DE-ASSOCIATE of a known VSI */
	uint64_t unknown_deassocs;        /* DE-ASSOCIATE of an unknown VSI (ACKed) */
	uint64_t bridge_deassocs;         /* vdp_bridge_deassoc / release_all */
	uint64_t table_full;              /* new VSIs refused for lack of a record */
	uint64_t releases;                /* release callbacks */
	uint64_t restored;                /* records put back by vdp_bridge_restore */
	uint64_t tx_pdus;                 /* VDPDUs sent (responses and unsolicited) */
	uint64_t tx_unsolicited;          /* unsolicited DE-ASSOCIATE TLVs sent */
	uint64_t tx_failures;             /* send callback failed or response did not fit */
	uint32_t n_vsi;                   /* records in use */
};

struct vdp_bridge;

/* Defaults as in struct vdp_bridge_config (lldpad's R 3, RTE 8, RKA 20). */
void vdp_bridge_config_default(struct vdp_bridge_config *cfg);

/* Keep-alive time in us: 1.5 * (2^rka + (2r + 1) * 2^rte) * 10 (exact: the
 * sum is a multiple of 10, so halving it never rounds). */
uint64_t vdp_bridge_keepalive_us(unsigned int r, unsigned int rte, unsigned int rka);

/* NULL for an out-of-range configuration, a missing send callback or no
 * memory.  cfg and cb are copied. */
struct vdp_bridge *vdp_bridge_create(
	const struct vdp_bridge_config *cfg, const struct vdp_bridge_callbacks *cb, void *aux);
/* Frees everything; calls no callback (use release_all first if needed). */
void vdp_bridge_destroy(struct vdp_bridge *br);

/* A VDPDU from ECP (padding included).  0, or VN_EBADMSG if it does not
 * decode (counted; answered with status 1 where a VSI can be named). */
int vdp_bridge_rx(struct vdp_bridge *br, const uint8_t *ulpdu, size_t len, uint64_t now);

/*
 * Put back a VSI its owner kept across a restart (vnswitchd's state file):
 * mgrid, v (mode PRE-ASSOCIATE, PRE-ASSOCIATE with RR or ASSOCIATE, type,
 * version, VSI ID, filter format; the M/S hints in v->status) and the
 * filters as the station requested them (VID 0: the bridge chose).
 * admit() is asked as for a new request, so the owner checks the VSI
 * against what it runs now; on success the record is created with
 * refreshed_us = now: its keep-alive supervision starts afresh, and a
 * station that went away meanwhile is removed one keep-alive time later
 * as any silent station is.  Nothing is sent: the station still holds the
 * association, and its next keep-alive finds the record.  Returns 0, a
 * refusal code (enum vdp_error, > 0) from admission, VN_ENOSPC (table
 * full) or VN_EINVAL (a field out of range, a GroupID format not
 * negotiated, or the VSI is already in the table).
 */
int vdp_bridge_restore(struct vdp_bridge *br, const uint8_t mgrid[VDP_MGRID_LEN],
	const struct vdp_vsi *v, const struct vdp_filter *f, size_t n, uint64_t now);

/* Remove VSIs whose keep-alive expired. */
void vdp_bridge_tick(struct vdp_bridge *br, uint64_t now);
/* When tick must next be called, or VDP_BRIDGE_NEVER. */
uint64_t vdp_bridge_next_deadline(const struct vdp_bridge *br);

/* Bridge-initiated de-associate: unsolicited DE-ASSOCIATE, release(reason),
 * record removed.  0, or VN_EINVAL if vsi is not a record of this bridge. */
int vdp_bridge_deassoc(struct vdp_bridge *br, const struct vdp_bridge_vsi *vsi,
	enum vdp_bridge_reason reason, uint64_t now);
/* Every VSI: release(reason) and, if send_deassoc, an unsolicited
 * DE-ASSOCIATE each (port going down: usually false). */
void vdp_bridge_release_all(
	struct vdp_bridge *br, enum vdp_bridge_reason reason, bool send_deassoc, uint64_t now);

/* New R / RTE / RKA (EVB negotiation); applies to running keep-alives too
 * (deadlines are computed from refreshed_us).  0 or VN_EINVAL. */
int vdp_bridge_set_timers(struct vdp_bridge *br, uint8_t r, uint8_t rte, uint8_t rka);
/* GroupID formats negotiated (EVB TLV BGID and SGID). */
void vdp_bridge_set_group_ids(struct vdp_bridge *br, bool on);

/* Lookup (mgrid ignored unless cfg.key_mgrid) and iteration (prev NULL for
 * the first; NULL at the end). */
const struct vdp_bridge_vsi *vdp_bridge_find(const struct vdp_bridge *br,
	const uint8_t mgrid[VDP_MGRID_LEN], uint8_t vsiid_format,
	const uint8_t vsiid[VDP_VSIID_LEN]);
const struct vdp_bridge_vsi *vdp_bridge_next(
	const struct vdp_bridge *br, const struct vdp_bridge_vsi *prev);
/* Keep-alive expiry of one VSI (refreshed_us + keep-alive time). */
uint64_t vdp_bridge_vsi_deadline(const struct vdp_bridge *br, const struct vdp_bridge_vsi *vsi);

const struct vdp_bridge_stats *vdp_bridge_stats(const struct vdp_bridge *br);

/* "station", "keep-alive", "admin", "hard-error", "port-down", "unknown". */
const char *vdp_bridge_reason_name(unsigned int reason);

#endif /* VEPA_VDP_BRIDGE_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cdcp.h - S-Channel Discovery and Configuration Protocol, bridge role
 * (IEEE 802.1Qbg-2012 clause 42.4; the CDCP TLV is coded in lldp/lldpdu.h).
 *
 * The station lists the S-channels it wants as (SCID, SVID) pairs, SVID 0
 * meaning "please assign".  The bridge answers with its own TLV: role
 * bridge, SComp set, ChnCap = min(own, station's), and the pairs it grants:
 * the default channel SCID 1 <-> SVID 1 always first, then every requested
 * SCID it could give an SVID from the port's pool.  A channel missing from
 * the bridge's list is inactive.  Assignments are stable: a channel keeps
 * its SVID for as long as the station keeps asking for it, and an SVID is
 * free again only when its channel is dropped.
 *
 * Pure: no I/O, no clock, no allocation after create.  The switch feeds
 * the station's TLV (from the LLDP neighbour table) and reads back the TLV
 * to advertise and the active channels.
 */
#ifndef VEPA_CDCP_H
#define VEPA_CDCP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lldp/lldpdu.h"

#define CDCP_DEFAULT_SCID 1
#define CDCP_DEFAULT_SVID 1

struct cdcp_cfg {
	uint16_t chncap;   /* channels the bridge supports, incl. the default (>= 1) */
	uint16_t svid_min; /* pool of S-VIDs to assign, 2..4094 */
	uint16_t svid_max;
};

struct cdcp_chan {
	uint16_t scid;
	uint16_t svid;
};

struct cdcp_stats {
	uint64_t rx;         /* station TLVs processed */
	uint64_t rx_ignored; /* TLVs that were not from a station (role bridge) */
	uint64_t granted;    /* channels granted (default excluded) */
	uint64_t released;   /* channels dropped */
	uint64_t refused;    /* requested channels not granted (chncap or pool) */
};

struct cdcp_bridge;

/* Returns NULL if cfg is invalid (chncap 0 or > 167, an empty or out of
 * range pool) or memory is short. */
struct cdcp_bridge *cdcp_bridge_create(const struct cdcp_cfg *cfg);
void cdcp_bridge_destroy(struct cdcp_bridge *c);

/*
 * Process the station's TLV.  Returns true when the set of active channels
 * (and so the TLV to send) changed.  A TLV with role bridge is ignored.
 * A requested SVID other than 0 is granted as asked when it lies in the
 * pool and is free, else the bridge picks one (the bridge assigns SVIDs,
 * 802.1Qbg 42.4.6); SCIDs 0 and above chncap are refused.
 */
bool cdcp_bridge_rx(struct cdcp_bridge *c, const struct lldp_cdcp *station);

/* The station went away (LLDP TTL expiry or shutdown): back to the
 * default channel only.  Returns true when something changed. */
bool cdcp_bridge_reset(struct cdcp_bridge *c);

/* The TLV the bridge advertises. */
void cdcp_bridge_tlv(const struct cdcp_bridge *c, struct lldp_cdcp *out);

/* Active channels, default first; returns the count written (<= max). */
size_t cdcp_bridge_channels(const struct cdcp_bridge *c, struct cdcp_chan *out, size_t max);

/* The S-VID of an active channel, 0 if the SCID is not active. */
uint16_t cdcp_bridge_svid(const struct cdcp_bridge *c, uint16_t scid);

const struct cdcp_stats *cdcp_bridge_stats(const struct cdcp_bridge *c);

#endif /* VEPA_CDCP_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cplane.h - the switch's control plane: LLDP, EVB, ECP and the VDP bridge
 * role (802.1AB, 802.1Qbg-2012), built on the pure machines of lldp/agent.h,
 * lldp/evb.h, vepa/ecp_sm.h and vepa/vdp_bridge.h, and S-channels on VEPA
 * ports (CDCP, vepa/cdcp.h; see "S-channels" below).
 *
 * One control plane per switch, attached by sw_cplane_create(): from then
 * on the switch owns it (sw_destroy() destroys it first), the pipeline hands
 * it every frame to 01-80-C2-00-00-0x (sw_set_ctl_rx), sw_run_timers() runs
 * its timers and sw_next_deadline() includes its deadlines, so replay (the
 * capture clock), --stay (inject / time warp) and live (the event loop's
 * timer) drive the same code.  Nothing here reads a clock or allocates per
 * frame: channels and their machines are allocated when first used, vEth
 * records when a VSI associates.
 *
 * Per port:
 *  - an LLDP agent for the nearest bridge (01-80-C2-00-00-0E) on every port
 *    and one for the nearest customer bridge (01-80-C2-00-00-00) on host
 *    ports, which carries the bridge's EVB TLV (lldpad talks EVB on that
 *    agent only); VEPA ports with 'schannels' also have one for the nearest
 *    non-TPMR bridge (01-80-C2-00-00-03), which carries CDCP.  Local
 *    information: chassis ID = the switch MAC, port ID =
 *    the port name (interface name subtype), system name = the switch name,
 *    system description "vnswitch VERSION", capabilities bridge (enabled).
 *    Admin status: the port's 'lldp' setting or switch.lldp.admin (default
 *    disabled, see vnswitch.conf(5)); a change recreates the agent.
 *  - EVB (host ports): local values from switch.evb, RRCAP = the port's
 *    configured reflective_relay (VEPA ports; never on VN-Tag / E-Tag
 *    ports).  Whenever the customer-bridge agent's neighbours change the
 *    negotiation runs again (lldp_evb_negotiate with the station's TLV):
 *    the TLV sent, and the operational values: R, RTE, RWD, RKA = the larger
 *    of local and remote; reflective relay on a VEPA port = configured AND
 *    (no station TLV ? true : station RRREQ), i.e. the datapath follows RRCTR
 *    once a station took part and the configuration before that (and again
 *    when the station's neighbour entry goes); group IDs = BGID && SGID.
 *    The ECP (R, RTE) and VDP (R, RTE, RKA, group IDs) machines of the port
 *    take the operational values at once.
 *  - ECP + VDP bridge per channel: channel "untagged" (frames without a tag)
 *    on every host port; on a VN-Tag port a VN-Tagged ECP frame (d=0, p=0,
 *    svif N) is channel vif N, on an E-Tag port an E-Tagged one (GRP 0,
 *    E-CID N, or Ingress_E-CID N when E-CID is 0) is channel ecid N.  Frames
 *    the switch sends on a channel carry its tag (VN-Tag d=1 dvif=N; E-Tag
 *    E-CID N, GRP 0).  Channels are created on first use up to the port's
 *    max_channels (default 64); a frame for one more is not handled
 *    (counted in channels_refused, dropped as reserved_da).  The first ECP
 *    sequence number of a channel is a hash of the seed (sw_cplane_config),
 *    the port index and the channel: random live (the daemon seeds from
 *    getrandom), reproducible in replay.
 *
 * VDP admission (802.1Qbg-2012 clause 41; status codes of protocols.md 4.2):
 *  - the VSI type (type_id, type_version) must be a profile's, else 4;
 *  - every filter resolves to one VLAN: VID 0 gets the profile's VLAN (0,
 *    untagged, when the profile has none), which the response carries back;
 *    a non-zero VID must be the profile's VLAN if it has one, else 5; the
 *    filters of one VSI must resolve to the same VLAN (a vEth has one), else
 *    5;
 *  - MAC filters: unicast, at most 1 + SW_VETH_EXTRA_MACS of them on a VEPA
 *    port (SW_VETH_EXTRA_MACS on a VN-Tag / E-Tag port), else 5 / 2; a MAC
 *    bound to another vEth in that VLAN -> 5; a VEPA port needs MAC filters
 *    (formats 1 and 3 carry none) -> 1;
 *  - on a VN-Tag / E-Tag port the request must come tagged: untagged -> 4
 *    (the vif / E-CID is what binds the vEth); a vif / E-CID already bound
 *    to another vEth -> 4;
 *  - a new vEth needs room: the port's max_veths or the switch's max_veths
 *    reached -> 2; a new VSI needs room: switch.max_vsis VSI records (every
 *    channel's, pre-associations included) -> 2;
 *  - a VSI ID has one vEth switch-wide.  A request on one port or channel
 *    for a VSI whose vEth is on another is a migration (802.1Qbg-2012
 *    41.2.x hints, protocols.md 4.2): without the M (migrate-to) hint it is
 *    refused -> 4; PRE-ASSOCIATE(-RR) with M is admitted (nothing moves, an
 *    event on the vEth); ASSOCIATE with M moves the vEth only when the
 *    VSI's last request where it is had the S (suspended / migrate-from)
 *    hint, else -> 4: the vEth keeps its id, counters and policy, is
 *    re-bound on the new channel, and the old station gets an unsolicited
 *    DE-ASSOCIATE.  Once the old port de-associated it, a request anywhere
 *    is a new association.  Never a silent takeover: each move and each
 *    refusal is an event and a counter (sw_cplane_limits);
 *  - GroupID formats and table limits are the machine's (vdp_bridge.h).
 *  PRE-ASSOCIATE and PRE-ASSOCIATE with resource reservation are checked
 *  the same way but create no vEth (the latter reserves, see below).  ASSOCIATE
 *  creates a vEth of origin vdp: on a VEPA port bound by the filters' MACs
 *  in the resolved VLAN (the first MAC as its binding, the others as extra
 *  bound MACs); on a VN-Tag / E-Tag port bound by the channel's vif / E-CID
 *  with the filter MACs reserved to it.  Its VLAN is its own (the VID the
 *  station was granted: it does not follow later profile VLAN changes),
 *  its profile the matched one.  A change of an associated VSI (new type or
 *  filters) re-binds the same vEth.  The vEth goes away with its VSI: a
 *  DE-ASSOCIATE from the station, keep-alive expiry (an unsolicited
 *  DE-ASSOCIATE is sent), a HARD refusal, or sw_veth_del() on it (vnctl
 *  veth del: the bridge sends an unsolicited DE-ASSOCIATE first).  Each
 *  step is in the vEth's event history (associated, deassociated,
 *  keepalive_expired, refused; a refusal of a new VSI is logged on vEth 0).
 *
 * Resource reservation (PRE-ASSOCIATE with RR, TLV type 2; 802.1Qbg-2012
 * clause 41): an admitted PRE-ASSOCIATE-RR holds, for that VSI, what its
 * ASSOCIATE will take, so that the ASSOCIATE cannot fail for lack of it:
 * a vEth on its port (within the port's max_veths) and switch-wide
 * (max_veths), its extra bound MACs (within max_veths, as vEths' extra
 * MACs count), its MACs in the resolved VLAN (once per VLAN switch-wide,
 * as a bound MAC) and, on a VN-Tag / E-Tag channel, the vif / E-CID.  Its
 * VSI record already counts against switch.max_vsis, as every
 * pre-association does.  A reservation always holds a vEth, even for a
 * VSI that has one on another channel (migration, M hint): that one
 * stays there until the ASSOCIATE moves it.  Every other request counts
 * what reservations hold as taken: a MAC or vif / E-CID reserved for
 * another VSI -> 5 / 4 (binding_refused), no room left beside the
 * reservations -> 2 (veth_limit), each also counted in rsv_refused.  So
 * do the other makers of vEths (sw_cplane_rsv_check): vnctl veth add
 * (an error), auto-create (a 'limit' drop) and config reload (an error,
 * nothing applied).  The VSI's ASSOCIATE uses its reservation (the vEth
 * takes its place); a repeated PRE-ASSOCIATE-RR is a keep-alive and keeps
 * it; a changed one replaces it; a PRE-ASSOCIATE (type 1) of the VSI
 * gives it up (type 1 validates and holds nothing); it goes with the
 * VSI's record: DE-ASSOCIATE, keep-alive expiry (a pre-association is
 * supervised as an association is), HARD, port or S-channel gone.  A
 * refused change (KEEP) keeps it.  A reservation is its channel's: the
 * same VSI ID on another port or channel is refused what it holds until
 * it goes there (only a vEth moves with the M and S hints).  Reservations
 * are not in the state file (pre-associations are not): after a restart
 * the station's next PRE-ASSOCIATE-RR reserves again.  Shown in vnctl show
 * vdp (per VSI: "reservation") and show limits.
 *
 * Transmit: through the port's back-end (ops->tx_buf / tx_commit), counted
 * in the port's tx counters; a full back-end counts tx_full.  Nothing is
 * sent on a port that is administratively down (the machines count a
 * transmit error; VSIs there expire by keep-alive).
 *
 * S-channels (cp_schan.c has the details): on a VEPA port with 'schannels'
 * the CDCP bridge machine answers the station's CDCP TLV (from the
 * non-TPMR agent, or else the nearest-bridge agent) with S-VIDs from the
 * port's pool; each granted channel is a sub-port (the datapath's
 * sw_schan_* slots) with its own customer-bridge agent inside its S-tag
 * (Port ID "PORT.SVID"), its own EVB negotiation and reflective relay, and
 * its own ECP/VDP channel, kind "svid" (VDP there creates vEths bound to
 * the channel).  S-tagged control frames are demultiplexed by their S-VID;
 * S-VID 1 is the default channel, the port itself (its untagged agents and
 * channel).  The station gone (TTL expiry, shutdown): the channels go,
 * their VDP vEths are released with the reason, their frames dropped.
 */
#ifndef SWITCHD_CPLANE_H
#define SWITCHD_CPLANE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchd/sw.h"
#include "switchd/writer.h"

/* The default seed of replay and --stay: replay output is reproducible. */
#define SW_CPLANE_REPLAY_SEED 0x766E737769746368ull /* "vnswitch" */

struct sw_cplane_config {
	uint64_t seed; /* ECP initial sequence numbers (see above) */
};

/* Create the control plane of 'sw' and attach it (the switch owns it from
 * now on).  Agents are created for every port; nothing is sent before the
 * first sw_run_timers().  NULL with a message on failure. */
struct sw_cplane *sw_cplane_create(
	struct sw *sw, const struct sw_cplane_config *cfg, char *err, size_t errlen);
/* Detach and free (sends nothing; sw_destroy calls it).  NULL is a no-op. */
void sw_cplane_destroy(struct sw_cplane *cp);

/* Run every machine due at 'now'; returns the earliest deadline left. */
uint64_t sw_cplane_run(struct sw_cplane *cp, uint64_t now);
/* The earliest deadline, UINT64_MAX if none. */
uint64_t sw_cplane_next_deadline(struct sw_cplane *cp);

/* Daemon stop: every LLDP agent that transmits sends its shutdown LLDPDU
 * (TTL 0); best effort. */
void sw_cplane_shutdown(struct sw_cplane *cp, uint64_t now);

/* A port's settings changed (reflective_relay, lldp, reload of switch.evb
 * or switch.lldp): re-create agents whose settings differ, negotiate EVB
 * again. */
void sw_cplane_port_changed(struct sw_cplane *cp, unsigned port, uint64_t now);

/* Bridge-initiated de-associate of the VSI behind VDP vEth 'id': an
 * unsolicited DE-ASSOCIATE goes to the station and the vEth is deleted.
 * 0, or -1 if 'id' is not a VDP vEth of this control plane. */
int sw_cplane_veth_deassoc(struct sw_cplane *cp, uint32_t id, uint64_t now);

/* The control plane's limits, their use and what they refused (issue 9;
 * vnctl show limits).  The VSI count is recounted from the machines. */
struct sw_cplane_limits {
	uint32_t n_vsi, max_vsis;    /* VSI records, switch.max_vsis */
	uint64_t vsi_limit;          /* new VSIs refused at max_vsis */
	uint64_t vsi_table_full;     /* ... at a channel's table size */
	uint64_t veth_limit;         /* new VDP vEths refused at max_veths */
	uint64_t binding_refused;    /* MAC / vif / E-CID / VSI ID of another vEth */
	uint64_t migrations;         /* VSIs moved (M hint here, S hint there) */
	uint64_t migrations_pending; /* pre-associated elsewhere with the M hint */
	uint64_t migrations_refused; /* requests for a VSI active elsewhere */
	uint64_t channels_refused;   /* ECP/VDP channels over max_channels */
	uint32_t rsv_veths;          /* vEths reserved (PRE-ASSOCIATE with RR) */
	uint32_t rsv_macs;           /* MACs reserved */
	uint32_t rsv_extra_macs;     /* extra bound MACs reserved */
	uint64_t rsv_refused;        /* requests refused for another VSI's reservation */
	uint32_t lldp_neighbors;     /* in every agent's table */
	uint16_t lldp_max_neighbors; /* per agent */
	uint64_t lldp_dropped;       /* new neighbours dropped at the limit */
};
void sw_cplane_limits(struct sw_cplane *cp, struct sw_cplane_limits *out);

/* Reservations (see "Resource reservation" above).  The vEths reserved on
 * port 'port' (< 0: switch-wide; 0 for a NULL cp).  Whether a vEth that
 * VDP does not make may take what v describes (its port, kind, key, VLAN
 * and MAC; not yet in the switch's tables): -1 with why if a reservation
 * holds its MAC or vif / E-CID or, with 'room', if its port or the switch
 * has no vEth left beside the reservations; 0 otherwise (and for a NULL
 * cp). */
uint32_t sw_cplane_rsv_veths(const struct sw_cplane *cp, int port);
int sw_cplane_rsv_check(
	const struct sw_cplane *cp, const struct sw_veth *v, bool room, char *why, size_t wn);

/* ---- rendering (cp_show.c) -------------------------------------------------
 * Lists are arrays in a stable order (ports in configuration order, agents
 * nearest bridge first, channels untagged first then by number, VSIs in
 * table order); keys are stable. */
void sw_cplane_show_lldp_neighbors(struct sw_writer *w, struct sw_cplane *cp, uint64_t now);
void sw_cplane_show_lldp_stats(struct sw_writer *w, struct sw_cplane *cp);
void sw_cplane_show_evb(struct sw_writer *w, struct sw_cplane *cp);
void sw_cplane_show_ecp(struct sw_writer *w, struct sw_cplane *cp);
void sw_cplane_show_vdp(struct sw_writer *w, struct sw_cplane *cp);
/* VEPA ports with S-channels: CDCP state, the station's and the bridge's
 * TLVs, the active channels (the default one first, then by S-VID). */
void sw_cplane_show_schannels(struct sw_writer *w, struct sw_cplane *cp);
/* The VDP fields of a vEth (inside its object; nothing for other vEths). */
void sw_cplane_show_veth(struct sw_writer *w, struct sw_cplane *cp, const struct sw_veth *v);
/* Everything above as one object (state.json "control"). */
void sw_cplane_dump(struct sw_writer *w, struct sw_cplane *cp, uint64_t now);

#endif /* SWITCHD_CPLANE_H */

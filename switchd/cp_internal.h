/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cp_internal.h - the control plane's own structures, shared by cplane.c
 * (ports, LLDP, EVB, channels, receive, transmit, timers), cp_vdp.c (VDP
 * admission and the vEths of VSIs), cp_schan.c (S-channels: CDCP and the
 * channels' own agents and EVB) and cp_show.c (rendering).  Nothing outside
 * these files includes it (the white-box tests aside).
 *
 * Ownership: struct sw_cplane owns its ports array; each port owns its
 * agents, its channel array, its CDCP machine and its S-channels; each
 * channel owns its ECP and VDP machines and its link table.  Channels live
 * until the control plane is destroyed, so pointers to them (the machines'
 * aux) stay valid: an S-channel's ECP/VDP channel (kind svid) goes
 * inactive when the S-channel goes, and is reused by the next one.  An
 * S-channel (struct cp_schan, with its agent) is freed when CDCP drops it.
 */
#ifndef SWITCHD_CP_INTERNAL_H
#define SWITCHD_CP_INTERNAL_H 1

#include "lldp/agent.h"
#include "lldp/evb.h"
#include "switchd/cplane.h"
#include "switchd/sw_internal.h"
#include "vepa/cdcp.h"
#include "vepa/ecp_sm.h"
#include "vepa/vdp_bridge.h"

/* The agents of a port: nearest bridge (every port), nearest customer
 * bridge (host ports), nearest non-TPMR bridge (VEPA ports with S-channels:
 * it carries CDCP). */
enum { CP_NB = 0, CP_NCB = 1, CP_NTPMR = 2, CP_N_AGENTS = 3 };

/* How a channel's frames are told apart on its port. */
enum cp_chan_kind {
	CP_CHAN_UNTAGGED = 0, /* no tag (on a VEPA port: also S-tagged with S-VID 1) */
	CP_CHAN_VIF = 1,      /* VN-Tag svif (in) / dvif (out) */
	CP_CHAN_ECID = 2,     /* E-Tag E-CID */
	CP_CHAN_SVID = 3,     /* an S-channel: S-tag 0x88A8 with its S-VID */
};

/* VSI table sizes: the untagged channel of a VEPA port carries every VSI
 * of the host; a vif / E-CID names one vNIC, which has one VSI (a few more
 * while it migrates or is pre-associated). */
#define CP_VSI_UNTAGGED 256
#define CP_VSI_TAGGED   16
#define CP_FILTERS      16 /* filter entries kept per VSI (lldpad sends 1..2) */
#define CP_ECP_QUEUE    16

/* A VSI that has a vEth (used): the VSI key (Manager ID, VSI ID format
 * and ID; vdp_bridge keys on the Manager ID too) and the vEth id.  Or a
 * VSI pre-associated with resource reservation (rsv, never with used;
 * cp_vdp.c): the same key and what its ASSOCIATE will take, held for it
 * until then (cplane.h, "Resource reservation"). */
struct cp_link {
	bool used;
	bool rsv;
	uint8_t mgrid[VDP_MGRID_LEN];
	uint8_t fmt;
	uint8_t vsiid[VDP_VSIID_LEN];
	uint32_t veth;
	/* rsv: the VLAN, the profile and the MACs (in request order; on a
	 * VEPA port the first is the binding) the vEth will have. */
	uint16_t rsv_vlan;
	uint8_t rsv_n_macs;
	int32_t rsv_profile;
	uint8_t rsv_macs[1 + SW_VETH_EXTRA_MACS][VN_ETH_ALEN];
};

/* The last request the channel refused that left no VSI behind. */
struct cp_refusal {
	bool valid;
	uint64_t ts_us;
	uint8_t mode;   /* request TLV type */
	uint8_t status; /* error code sent */
	uint32_t type_id;
	uint8_t type_version;
	uint8_t fmt;
	uint8_t vsiid[VDP_VSIID_LEN];
	char reason[96];
};

struct cp_port;
struct cp_schan;
struct vn_eth;

struct cp_chan {
	struct cp_port *port;
	uint16_t index; /* in port->chans */
	uint8_t kind;   /* enum cp_chan_kind */
	uint32_t id;    /* vif, E-CID or S-VID; 0 untagged */
	/* Kind svid: the S-channel it serves, NULL while inactive (no
	 * S-channel has it: it handles no frame, runs no timer and is not
	 * shown).  The other kinds are always active. */
	struct cp_schan *schan;
	/* While an S-channel goes: the reason its vEths are released with. */
	const char *release_why;
	uint16_t initial_seq;
	struct ecp_sm *ecp;
	struct vdp_bridge *vdp;
	uint16_t n_links; /* = the VSI table size */
	struct cp_link *links;
	bool admitted; /* admit() made a vEth during the current rx */
	struct cp_refusal refusal;
	uint64_t created_us;
	uint64_t rx_frames, tx_frames, tx_errors;
};

struct cp_agent {
	struct cp_port *port;
	uint8_t which;          /* CP_NB / CP_NCB / CP_NTPMR */
	struct cp_schan *schan; /* an S-channel's agent (inside its S-tag), or NULL */
	struct lldp_agent_sm *sm;
	/* What it was created with (a change re-creates it). */
	enum sw_lldp_admin admin;
	uint16_t tx_interval;
	uint8_t tx_hold;
	uint16_t max_neighbors;
};

struct cp_port {
	struct sw_cplane *cp;
	unsigned idx;
	bool host;
	struct cp_agent agents[CP_N_AGENTS]; /* [CP_NCB] only on host ports */
	char port_desc[64];                  /* LLDP Port Description */
	/* EVB (host ports): what was negotiated last. */
	struct lldp_evb_local evb_local;
	struct lldp_evb evb_tlv; /* the TLV sent */
	bool has_station;
	struct lldp_evb station; /* the station's TLV it used */
	struct lldp_evb_oper oper;
	/* Channels, created on first use, never freed before destroy. */
	struct cp_chan **chans;
	uint32_t n_chans, cap_chans;
	uint64_t chans_refused;
	/* S-channels (VEPA ports with 'schannels', cp_schan.c): the CDCP
	 * bridge machine and what it was created with, the station's TLV in
	 * use (from the non-TPMR agent, else the nearest-bridge agent), the
	 * TLV sent, and the granted channels by datapath slot (2..; slot 1 is
	 * the default channel, which is the port itself). */
	struct cdcp_bridge *cdcp;
	struct cdcp_cfg cdcp_cfg;
	bool cdcp_has_station;
	uint8_t cdcp_from; /* CP_NTPMR or CP_NB: the agent the station's TLV came on */
	struct lldp_cdcp cdcp_station;
	struct lldp_cdcp cdcp_tlv;
	uint64_t cdcp_resets; /* station gone: back to the default channel */
	uint64_t cdcp_changed_us;
	struct cp_schan *schans[SW_SCHAN_SLOTS];
	uint32_t n_rsv; /* reservations on the port's channels (cp_vdp.c) */
};

/* The EVB state of an S-channel (the port's own is in struct cp_port). */
struct cp_evb {
	struct lldp_evb_local local;
	struct lldp_evb tlv;
	bool has_station;
	struct lldp_evb station;
	struct lldp_evb_oper oper;
};

/* A granted S-channel: a sub-port of its VEPA port with its own
 * nearest-customer-bridge agent (inside the S-tag), EVB negotiation
 * (reflective relay, ECP/VDP timers) and ECP/VDP channel. */
struct cp_schan {
	struct cp_port *port;
	uint16_t scid, svid;
	uint8_t slot; /* in sw_port.schan_* */
	struct cp_agent agent;
	struct cp_chan *chan;
	struct cp_evb evb;
	char port_id[SW_NAME_MAX + 8]; /* LLDP Port ID: "PORT.SVID" */
	char port_desc[96];
	uint64_t created_us;
};

struct sw_cplane {
	struct sw *sw;
	uint64_t seed;
	unsigned n_ports;
	struct cp_port *ports;
	/* VDP vEth id -> where its link is: port << 20 | channel << 8 | link. */
	struct sw_htab by_veth;
	/* VSI ID (format + ID) -> where its link is, switch-wide (cp_vdp.c):
	 * a VSI ID has one vEth at most, so that a request for it on another
	 * port or channel is seen as a migration (issue 9).  k1/k2: a hash of
	 * the format and ID keyed with 'seed'; val as in by_veth. */
	struct sw_htab by_vsi;
	/* VSI records in every channel's table (+1 when admit() lets a new
	 * one in, -1 on release()), against switch.max_vsis. */
	uint32_t n_vsi;
	/* What VDP admission refused or moved (vnctl show limits). */
	struct {
		uint64_t vsi_limit;  /* new VSIs refused at switch.max_vsis */
		uint64_t veth_limit; /* new vEths refused at max_veths */
		uint64_t binding;    /* a MAC / vif / E-CID / VSI ID held by another vEth */
		uint64_t migrations; /* VSIs moved to another port or channel */
		uint64_t pending;    /* pre-associations elsewhere with the M hint */
		uint64_t migration_refused; /* requests for a VSI active elsewhere */
		uint64_t reserved;          /* ... for what another VSI's reservation holds */
	} refused;
	/* Reservations (PRE-ASSOCIATE with resource reservation, cp_vdp.c):
	 * how many (each holds a vEth on its port and switch-wide), the extra
	 * bound MACs they hold (against max_veths, as sw.n_extra_macs), and
	 * their MACs, once per VLAN switch-wide as by_mac binds them: k1 =
	 * SW_FDB_K1(vlan, mac), val = the link as in by_veth.  rsv_mac is
	 * allocated by the first reservation (2 x max_veths entries: each
	 * reservation holds a vEth and its extra MACs count against
	 * max_veths, so it never fills), freed by sw_cplane_destroy. */
	uint32_t n_rsv;
	uint32_t rsv_extra;
	struct sw_htab rsv_mac;
	/* The clock of the call in progress: the machines' send callbacks
	 * take no time, the back-ends do. */
	uint64_t now;
	bool dirty; /* some machine changed since 'next' was computed */
	uint64_t next;
	char sys_desc[64];
	/* An untagged copy of a tagged ECP frame for the machine (no
	 * allocation per frame). */
	uint8_t scratch[ECP_SM_MAX_FRAME + 16];
};

#define CP_LINK_VAL(port, chan, link) ((int32_t)((port) << 20 | (chan) << 8 | (link)))

/* cplane.c */
const char *cp_chan_kind_name(unsigned kind);
/* "untagged", "vif 7", "ecid 300", "svid 100" */
void cp_chan_describe(const struct cp_chan *ch, char *buf, size_t n);
/* Whether a port has agent 'which' (cp_port.agents[which] in use). */
bool cp_port_has_agent(const struct cp_port *pp, unsigned which);
/* One frame out of a port on a channel kind / id (the tag inserted). */
int cp_port_tx(struct sw_cplane *cp, unsigned port, uint8_t kind, uint32_t id,
	const uint8_t *frame, size_t len);
/* (Re-)create an agent with its port's current settings; s: an
 * S-channel's agent (its Port ID, inside its S-tag).  0 or -1 with err. */
int cp_agent_make_on(struct cp_agent *a, struct cp_port *pp, unsigned which, struct cp_schan *s,
	char *err, size_t errlen);
/* Whether an agent's settings differ from its port's (re-create it). */
bool cp_agent_stale(const struct cp_agent *a);
/* The bridge's local EVB values on a port. */
void cp_evb_local(const struct cp_port *pp, struct lldp_evb_local *loc);
/* The channel (kind, id) of a port (not svid), created if new and the port
 * has room (max_channels); NULL otherwise. */
struct cp_chan *cp_chan_get(struct cp_port *pp, uint8_t kind, uint32_t id, uint64_t now);
/* An ECP/VDP channel for S-channel s: an inactive svid channel of the port
 * re-initialised, or a new one.  NULL if the port has no room. */
struct cp_chan *cp_chan_for_schan(struct cp_port *pp, struct cp_schan *s, uint64_t now);
/* The operational EVB values a channel runs with (its S-channel's, or its
 * port's). */
const struct lldp_evb_oper *cp_chan_oper(const struct cp_chan *ch);
/* Its S-VID: the S-channel's, SW_SCHAN_DEFAULT_SVID otherwise. */
uint16_t cp_chan_svid(const struct cp_chan *ch);

/* cp_schan.c: S-channels.  Create / free a port's CDCP machine and its
 * non-TPMR agent (VEPA ports with 'schannels'); the neighbour callback of
 * the nearest-bridge and non-TPMR agents (the station's CDCP TLV); a
 * channel agent's (its EVB); a port's settings changed; receive on a
 * channel; the channels' timers. */
int cp_schan_port_init(struct cp_port *pp, char *err, size_t errlen);
void cp_schan_port_free(struct cp_port *pp);
/* why_gone: what to tell the vEths of channels that go because the
 * station's TLV went (NULL: the generic reason). */
void cp_cdcp_update(struct cp_port *pp, const char *why_gone);
void cp_schan_evb_update(struct cp_schan *s);
void cp_schan_port_changed(struct cp_port *pp);
/* An S-tagged LLDPDU or ECP frame on active S-channel 'svid' (S-VID 1:
 * the port's own agents / untagged channel); false if not handled. */
bool cp_schan_rx(struct cp_port *pp, uint16_t svid, const struct vn_eth *eth,
	const uint8_t *frame, size_t len, uint64_t now);
void cp_schan_shutdown(struct cp_port *pp, uint64_t now);
uint64_t cp_schan_next_deadline(const struct cp_port *pp);
void cp_schan_run(struct cp_port *pp, uint64_t now);

/* cp_vdp.c: the VDP bridge callbacks and the vEth links. */
int cp_vdp_admit(void *aux, const struct vdp_vsi *req, const struct vdp_filter *filters,
	size_t n, uint8_t mode, struct vdp_filter *resp_filters,
	const uint8_t mgrid[VDP_MGRID_LEN], const struct vdp_bridge_vsi *cur);
void cp_vdp_release(void *aux, const struct vdp_bridge_vsi *vsi, enum vdp_bridge_reason why);
/* After a VDPDU was handled: a vEth whose VSI did not make it into the
 * table (the machine refused after admit) goes. */
void cp_vdp_reconcile(struct cp_chan *ch);
/* The link of a VSI record, or NULL. */
struct cp_link *cp_vdp_link_of(struct cp_chan *ch, const struct vdp_bridge_vsi *vsi);
/* The channel and link of VDP vEth 'id', or false. */
bool cp_vdp_find_veth(
	struct sw_cplane *cp, uint32_t id, struct cp_chan **ch, struct cp_link **l);
/* The reservation of a VSI record, or NULL. */
const struct cp_link *cp_vdp_rsv_of(const struct cp_chan *ch, const struct vdp_bridge_vsi *vsi);

#endif /* SWITCHD_CP_INTERNAL_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cp_internal.h - the control plane's own structures, shared by cplane.c
 * (ports, LLDP, EVB, channels, receive, transmit, timers), cp_vdp.c (VDP
 * admission and the vEths of VSIs) and cp_show.c (rendering).  Nothing
 * outside these three files includes it.
 *
 * Ownership: struct sw_cplane owns its ports array; each port owns its
 * agents and its channel array; each channel owns its ECP and VDP machines
 * and its link table.  Channels live until the control plane is destroyed,
 * so pointers to them (the machines' aux) stay valid.
 */
#ifndef SWITCHD_CP_INTERNAL_H
#define SWITCHD_CP_INTERNAL_H 1

#include "lldp/agent.h"
#include "lldp/evb.h"
#include "switchd/cplane.h"
#include "switchd/sw_internal.h"
#include "vepa/ecp_sm.h"
#include "vepa/vdp_bridge.h"

/* The agents of a port. */
enum { CP_NB = 0, CP_NCB = 1, CP_N_AGENTS = 2 };

/* How a channel's frames are told apart on its port. */
enum cp_chan_kind {
	CP_CHAN_UNTAGGED = 0, /* no tag */
	CP_CHAN_VIF = 1,      /* VN-Tag svif (in) / dvif (out) */
	CP_CHAN_ECID = 2,     /* E-Tag E-CID */
			      /* CP_CHAN_SVID: S-channels (CDCP), later */
};

/* VSI table sizes: the untagged channel of a VEPA port carries every VSI
 * of the host; a vif / E-CID names one vNIC, which has one VSI (a few more
 * while it migrates or is pre-associated). */
#define CP_VSI_UNTAGGED 256
#define CP_VSI_TAGGED   16
#define CP_FILTERS      16 /* filter entries kept per VSI (lldpad sends 1..2) */
#define CP_ECP_QUEUE    16

/* A VSI that has a vEth: the VSI key (Manager ID, VSI ID format and ID;
 * vdp_bridge keys on the Manager ID too) and the vEth id. */
struct cp_link {
	bool used;
	uint8_t mgrid[VDP_MGRID_LEN];
	uint8_t fmt;
	uint8_t vsiid[VDP_VSIID_LEN];
	uint32_t veth;
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

struct cp_chan {
	struct cp_port *port;
	uint16_t index; /* in port->chans */
	uint8_t kind;   /* enum cp_chan_kind */
	uint32_t id;    /* vif or E-CID; 0 untagged */
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
	uint8_t which; /* CP_NB / CP_NCB */
	struct lldp_agent_sm *sm;
	/* What it was created with (a change re-creates it). */
	enum sw_lldp_admin admin;
	uint16_t tx_interval;
	uint8_t tx_hold;
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
	/* S-channels (CDCP) go here later: a struct cdcp_bridge and its
	 * channels (kind CP_CHAN_SVID) with their own agents. */
};

struct sw_cplane {
	struct sw *sw;
	uint64_t seed;
	unsigned n_ports;
	struct cp_port *ports;
	/* VDP vEth id -> where its link is: port << 20 | channel << 8 | link. */
	struct sw_htab by_veth;
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
/* "untagged", "vif 7", "ecid 300" */
void cp_chan_describe(const struct cp_chan *ch, char *buf, size_t n);

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

#endif /* SWITCHD_CP_INTERNAL_H */

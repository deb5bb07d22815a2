/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sw.h - the switch model and its datapath entry point.
 *
 * A struct sw holds ports, profiles, vEths and the FDB, all in arrays sized
 * at start-up from configured limits, so that the per-frame path never
 * allocates.  One vEth type serves every front end: its binding is
 * {port, kind, key} with kind VIF (VN-Tag svif/dvif), ECID (802.1BR) or MAC
 * (+VLAN, VEPA).  Everything runs on one thread; there are no globals, so
 * several switches can live in one process (the tests do that).
 *
 * Time is in microseconds on the switch clock: the wall clock live, capture
 * time in replay.  Nothing here reads a clock.
 */
#ifndef SWITCHD_SW_H
#define SWITCHD_SW_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/codec.h"
#include "switchd/swconf.h"

struct sw;
struct sw_port;
struct sw_trace;
struct sw_cplane;
struct sw_acl;
struct sw_veth_pol;

/* Why a frame was dropped.  Every drop in the pipeline bumps exactly one of
 * these on the ingress port and, once the vEth is known, on the vEth --
 * except tx_full, which loses one copy of a frame (a flood has many): it is
 * counted on the egress port and the destination vEth, once per copy. */
enum sw_drop {
	SW_DROP_MALFORMED,   /* does not parse */
	SW_DROP_MISSING_TAG, /* host port frame without its VN-Tag/E-Tag; untagged on an uplink */
	SW_DROP_WRONG_DIRECTION,  /* VN-Tag d=1 / E-Tag GRP!=0 from a host */
	SW_DROP_UNKNOWN_VETH,     /* no vEth for this vif / E-CID / MAC+VLAN */
	SW_DROP_VLAN_NOT_ALLOWED, /* inner tag not the vEth's VLAN, uplink VLAN not carried */
	SW_DROP_SPOOFED_SOURCE,   /* group source MAC, or a MAC bound to another vEth */
	SW_DROP_SELF_REFLECTION,  /* VEPA unicast addressed to its own sender */
	SW_DROP_LIMIT,            /* auto-create refused: max_veths / switch limit */
	SW_DROP_PORT_DOWN,        /* ingress port, or a unicast's egress port, is down */
	SW_DROP_RESERVED_DA,      /* 01-80-C2-00-00-0x not handled by a control protocol */
	SW_DROP_SAME_VETH,        /* destination is the source vEth itself */
	SW_DROP_NO_ROUTE, /* reflective relay off: the only way out is the ingress port */
	/* VEPA port with S-channels: an S-tag whose S-VID is no active channel's
	 * (none granted by CDCP, or the station went away); or a unicast to a
	 * vEth whose channel is not active. */
	SW_DROP_UNKNOWN_CHANNEL,
	/* Per-vEth policy (its profile's acl_in / police_in): the source
	 * vEth's ingress ACL denied the frame, or its ingress policer dropped
	 * it (counted like the reasons above, on the ingress port and vEth). */
	SW_DROP_ACL_IN,
	/* The destination vEth's egress ACL denied, or its egress policer
	 * dropped, one copy: counted per copy like tx_full, on the egress
	 * port and the destination vEth. */
	SW_DROP_ACL_OUT,
	SW_DROP_POLICE_IN,
	SW_DROP_POLICE_OUT,
	SW_DROP_TX_FULL, /* the egress port could not take the frame */
	SW_DROP_MAX
};

const char *sw_drop_name(enum sw_drop d);

struct sw_counters {
	uint64_t rx_frames, rx_bytes;
	uint64_t tx_frames, tx_bytes;
	uint64_t drops[SW_DROP_MAX];
};

/* Port back-end: a table of functions (AF_PACKET, pcap replay, test dummy).
 * The pipeline writes each egress frame straight into the back-end's buffer:
 * tx_buf() returns room for up to 'len' bytes (NULL if none: the frame is
 * counted as SW_DROP_TX_FULL), tx_commit() hands over the bytes written. */
struct sw_port_ops {
	const char *name;
	uint8_t *(*tx_buf)(struct sw_port *p, size_t len);
	void (*tx_commit)(struct sw_port *p, size_t len, uint64_t now);
	void (*flush)(struct sw_port *p, uint64_t now); /* may be NULL */
	void (*close)(struct sw_port *p);               /* may be NULL */
	/* The interface's state, "up", "down" (admin down or no carrier) or
	 * "absent" (deleted); NULL for back-ends without an interface
	 * (replay, tests): nothing is shown. */
	const char *(*link)(const struct sw_port *p);
};

struct sw_port {
	unsigned idx;
	char name[SW_NAME_MAX];
	char ifname[SW_NAME_MAX];
	enum sw_role role;
	enum sw_mode mode;
	bool admin_up;
	bool auto_create;
	bool reflective_relay; /* configured (RRCAP in the EVB TLV) */
	/* What the datapath does (VEPA): the configured value, until an EVB
	 * station's TLV arrives; then configured AND the station's RRREQ (the
	 * RRCTR the bridge advertises).  sw_port_update_relay() derives it. */
	bool relay_active;
	bool evb_station;              /* the control plane has a station's EVB TLV ... */
	bool evb_rrreq;                /* ... and it asks for reflective relay */
	enum sw_lldp_admin lldp_admin; /* effective (port setting or switch default) */
	uint32_t max_channels;         /* ECP/VDP channels (host ports) */
	/*
	 * S-channels (VEPA ports with 'schannels'; 802.1Qbg clause 42).  The
	 * configuration (CDCP bridge: chncap, the S-VID pool), then the
	 * datapath's view of the active channels, which the control plane
	 * keeps (CDCP grants and releases them; each channel's own EVB
	 * negotiation sets its relay).  A channel has a slot 1..SW_SCHAN_MAX:
	 * slot 1 is the default channel (S-VID 1: untagged or S-tagged 1), the
	 * others are granted channels.  schan_slot[svid] is 0 for an S-VID
	 * that is no active channel.  The default channel's relay is
	 * relay_active; schan_relay[slot] is the relay of the others.
	 * Without 'schannels' an S-tagged frame is dropped as missing_tag.
	 */
	bool schan_on;
	uint16_t chncap, svid_min, svid_max;
	uint8_t schan_slot[4096];
	bool schan_relay[SW_SCHAN_SLOTS];
	uint32_t max_veths;
	uint32_t n_veths;
	/* VN-Tag ports: the vEth slot of each svif (-1: none), 4096 entries
	 * (16 KiB, cache-resident): the datapath's binding lookup without a
	 * hash probe.  Kept with by_bind (sw_veth_index / unindex). */
	int32_t *vif_slot;
	uint16_t *vif_vlan;      /* ... and its VLAN (a prefetching hint, burst.c) */
	uint8_t vlans[4096 / 8]; /* uplink: VLANs carried (bit set) */
	struct sw_counters ctr;
	const struct sw_port_ops *ops;
	void *be; /* back-end state, owned by the back-end */
};

enum sw_origin { SW_ORIGIN_CONFIG, SW_ORIGIN_AUTO, SW_ORIGIN_VDP };

/* MACs a vEth binds besides 'mac' (VDP: a VSI with several MAC filters). */
#define SW_VETH_EXTRA_MACS 8

/*
 * A vEth.  The layout is the datapath's: everything it reads for every frame
 * is in the first cache line and the counters it bumps start the second, so
 * that a vEth costs the pipeline one 128-byte pair of lines (the pair the
 * CPU's adjacent-line prefetcher fetches together; sw_input_burst
 * prefetches it); the rest (bindings' MACs, rates, windows) is cold.  The
 * vEth array is 128-byte aligned (sw_create).
 */
struct sw_veth {
	/* ---- hot: first cache line ---- */
	bool used;
	uint8_t kind;   /* enum sw_bind */
	uint8_t origin; /* enum sw_origin */
	/* Per-vEth policy (policy.c): has_policy when its profile has any
	 * (the datapath looks at nothing else for vEths without); then 'pol'
	 * holds its ACL hit counters and policer buckets, owned by the vEth.
	 * has_policy with pol NULL (no memory for it) drops the vEth's
	 * traffic as acl_in / acl_out: policy fails closed. */
	bool has_policy;
	bool own_vlan; /* VLAN set on the vEth itself, not taken from its profile */
	bool dropping; /* drops were seen in the last rate window (events) */
	/* More bound MACs (extra_macs below), in the same VLAN.  MAC kind:
	 * each is a binding of its own (by_bind) and reserved to this vEth
	 * (by_mac); VIF / ECID kinds (VDP on VN-Tag / E-Tag ports): only
	 * reserved (by_mac), the vif / E-CID binds.  Set only by the control
	 * plane. */
	uint8_t n_extra_macs;
	uint16_t port;
	uint16_t vlan; /* access VLAN, 0..4094 (0: untagged) */
	/* MAC kind: the S-channel's S-VID (SW_SCHAN_DEFAULT_SVID: the default
	 * channel, as on every VEPA port without S-channels); 0 otherwise.
	 * Part of the binding: the same MAC+VLAN key on another channel is
	 * another binding (by_bind k2 = SW_BIND_K2(port, svid)). */
	uint16_t svid;
	uint32_t id;
	uint32_t key;    /* vif or E-CID (VIF/ECID kinds) */
	int32_t profile; /* index in sw->profiles, -1 for none */
	/* Flood list of its VLAN: slots, -1 terminated. */
	int32_t vlan_next, vlan_prev;
	struct sw_veth_pol *pol;
	uint64_t last_rx_us, last_tx_us;
	/* ---- second line: the learning cache, the counters (rx_*, tx_*
	 * first; the drops run on into the cold lines) ---- */
	/* The source MAC and VLAN this vEth's frames last refreshed in the
	 * FDB, when (ms of the switch clock) and under which FDB epoch: a
	 * frame from the same MAC within a second of it need not touch the
	 * FDB (pipeline.c, learn()). */
	uint8_t learn_mac[VN_ETH_ALEN];
	uint16_t learn_vlan;
	uint16_t learn_epoch;
	uint32_t learn_ms;
	struct sw_counters ctr;
	uint8_t mac[VN_ETH_ALEN]; /* MAC kind: the bound MAC */
	uint8_t extra_macs[SW_VETH_EXTRA_MACS][VN_ETH_ALEN];
	uint64_t created_us;
	/* Rates over the last completed window (sw_run_timers): per second. */
	uint64_t rx_pps, tx_pps, rx_bps, tx_bps;
	uint64_t win_rx_frames, win_tx_frames, win_rx_bytes, win_tx_bytes, win_drops;
	/* FDB entries pointing at it, and learns refused because it had its
	 * share (switch.fdb_max_per_veth; sw.c). */
	uint32_t fdb_n;
	uint64_t fdb_refused;
} __attribute__((aligned(128)));

/* A profile's policy as the switch runs it (policy.c), owned by the
 * profile: the compiled ACL of each direction (NULL: none, every frame
 * passes) and the policer settings every vEth of the profile gets its own
 * buckets from. */
struct sw_profile_pol {
	struct sw_acl *acl[SW_DIR_N];
	bool police[SW_DIR_N];
	struct sw_pol_conf police_conf[SW_DIR_N];
	bool active; /* any of the above */
};

struct sw_profile {
	char name[SW_NAME_MAX];
	uint32_t type_id;
	uint8_t type_version;
	uint16_t vlan;
	bool has_vlan;
	struct sw_profile_pol pol;
};

/* Create a switch from a validated configuration; ports get no back-end
 * (sw_port_attach sets it).  Returns NULL with a message on failure. */
struct sw *sw_create(const struct sw_conf *conf, char *err, size_t errlen);
void sw_destroy(struct sw *sw);

void sw_port_attach(struct sw *sw, unsigned port, const struct sw_port_ops *ops, void *be);
unsigned sw_n_ports(const struct sw *sw);
struct sw_port *sw_port(struct sw *sw, unsigned idx);
struct sw_port *sw_port_by_name(struct sw *sw, const char *name);

/* vEths: add (validated like the configuration), delete, look up. */
int sw_veth_add(struct sw *sw, const struct sw_conf_veth *cv, enum sw_origin origin,
	uint64_t now, char *err, size_t errlen);
/* Delete.  A VDP vEth on a switch with a control plane is de-associated
 * instead: the bridge sends the station an unsolicited DE-ASSOCIATE and the
 * vEth goes with its VSI (the reason then is the control plane's). */
int sw_veth_del(struct sw *sw, uint32_t id);
int sw_veth_del_reason(struct sw *sw, uint32_t id, uint64_t now, const char *reason);
const struct sw_veth *sw_veth_by_id(const struct sw *sw, uint32_t id);
/* Iterate: slots 0..sw_veth_slots()-1, skipping !used. */
size_t sw_veth_slots(const struct sw *sw);
const struct sw_veth *sw_veth_slot(const struct sw *sw, size_t slot);
const struct sw_profile *sw_profile_at(const struct sw *sw, int idx);
size_t sw_n_profiles(const struct sw *sw);

/*
 * The datapath: one received frame on a port at time 'now'.  The frame is
 * read, never modified or kept.  Egress frames go out through the ports'
 * back-ends before this returns.  With 'trace' non-NULL every decision is
 * recorded there and nothing is sent (vnctl trace).
 */
void sw_input(struct sw *sw, unsigned port, const uint8_t *frame, size_t len, uint64_t now,
	struct sw_trace *trace);
/* The same, with the time the frame was received when that is earlier
 * than 'now' (live: the kernel's receive timestamp of a frame that waited
 * in the ring).  The per-vEth policers go by it, so that a batch read late
 * does not look like a burst; everything else goes by 'now'. */
void sw_input_rx(struct sw *sw, unsigned port, const uint8_t *frame, size_t len, uint64_t now,
	uint64_t rx_us);

/* A burst of received frames, switched in order as by sw_input_rx() one
 * after the other, with the cache misses of the whole burst overlapped
 * (burst.c): the live ring's frames, a replay's frames up to the next
 * timer.  The frames are read, never kept. */
struct sw_rx {
	const uint8_t *frame;
	uint32_t len;
	uint16_t port;
	uint64_t now;   /* the switch clock for this frame */
	uint64_t rx_us; /* when it was received (the policers' time) */
};
void sw_input_burst(struct sw *sw, const struct sw_rx *rx, unsigned n);

/* 802.1Q 8.6.3 Table 8-1: 01-80-C2-00-00-00..0F are never forwarded;
 * they are the control plane's. */
static inline bool
sw_reserved_da(const uint8_t *d)
{
	return d[0] == 0x01 && d[1] == 0x80 && d[2] == 0xC2 && d[3] == 0 && d[4] == 0 &&
		(d[5] & 0xF0) == 0;
}

/* Control frames (destination 01-80-C2-00-00-0x) are offered to this
 * callback first; it returns true when it consumed the frame. */
typedef bool (*sw_ctl_rx_fn)(void *aux, struct sw *sw, unsigned port, const uint8_t *frame,
	size_t len, uint64_t now);
void sw_set_ctl_rx(struct sw *sw, sw_ctl_rx_fn fn, void *aux);

/* Run timers due at 'now' (FDB aging, rates and, with a control plane,
 * LLDP transmission and ageing, ECP retransmission, VDP keep-alive
 * supervision); returns the next deadline or UINT64_MAX. */
uint64_t sw_run_timers(struct sw *sw, uint64_t now);
/* The next deadline as it stands now, without running anything: a received
 * control frame may have started a timer earlier than the one
 * sw_run_timers() last returned (an ECP retransmission), so callers take
 * the minimum of both after input. */
uint64_t sw_next_deadline(struct sw *sw);

/* The control plane (switchd/cplane.h) attached to the switch, or NULL. */
struct sw_cplane *sw_get_cplane(const struct sw *sw);

/* Derive relay_active from reflective_relay and the EVB state (call after
 * changing either). */
void sw_port_update_relay(struct sw_port *p);

/* S-channels: the active channel with S-VID 'svid' on port 'p' and whether
 * its reflective relay is on; 0 / false if it is none.  The default
 * channel (S-VID 1) is always active on a VEPA port. */
static inline unsigned
sw_schan_slot(const struct sw_port *p, uint16_t svid)
{
	return svid < 4096 ? p->schan_slot[svid] : 0;
}
bool sw_schan_relay(const struct sw_port *p, uint16_t svid);
/* The control plane activates / deactivates a granted channel (slot
 * 2..SW_SCHAN_MAX) and sets its relay. */
void sw_schan_set(struct sw_port *p, uint16_t svid, unsigned slot, bool relay);
void sw_schan_clear(struct sw_port *p, uint16_t svid);

/* Flush every port's transmit batch. */
void sw_flush(struct sw *sw, uint64_t now);

/* Totals over all ports. */
void sw_totals(const struct sw *sw, struct sw_counters *out);

/* The FDB, for state dumps. */
struct sw_fdb;
const struct sw_fdb *sw_get_fdb(const struct sw *sw);
const struct sw_conf *sw_get_conf(const struct sw *sw);

#endif /* SWITCHD_SW_H */

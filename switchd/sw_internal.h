/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sw_internal.h - struct sw itself, shared by the model (sw.c), the
 * pipeline (pipeline.c) and the state dump (state.c).  Nothing outside
 * switchd/ includes it.
 */
#ifndef SWITCHD_SW_INTERNAL_H
#define SWITCHD_SW_INTERNAL_H 1

#include "switchd/audit.h"
#include "switchd/htab.h"
#include "switchd/sw.h"

/* FDB destinations: >= 0 a vEth slot, < 0 an uplink port -(idx + 1). */
#define SW_DST_PORT(idx)   (-(int32_t)(idx)-1)
#define SW_DST_IS_PORT(d)  ((d) < 0)
#define SW_DST_PORT_IDX(d) ((unsigned)(-(d)-1))

/* vEth binding keys (sw_htab k1/k2): k2 = port index and, for MAC-bound
 * vEths, the S-VID of their channel above it (1: the default channel), so
 * that a binding is per sub-port: a frame on one S-channel never resolves
 * to a vEth of another.  (A MAC stays bound once per VLAN switch-wide,
 * by_mac: channels are ports of one bridge, which learns a MAC in one
 * place.) */
#define SW_BIND_K1(kind, key)  ((uint64_t)(kind) << 60 | (uint64_t)(key))
#define SW_BIND_K2(port, svid) ((uint32_t)(svid) << 16 | (uint32_t)(port))
static inline uint64_t
sw_mac_u64(const uint8_t *m)
{
	return (uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 | (uint64_t)m[2] << 24 |
		(uint64_t)m[3] << 16 | (uint64_t)m[4] << 8 | m[5];
}
#define SW_MACBIND_K1(mac, vlan)                                                               \
	((uint64_t)SW_BIND_MAC << 60 | (uint64_t)(vlan) << 48 | sw_mac_u64(mac))
#define SW_FDB_K1(vlan, mac) ((uint64_t)(vlan) << 48 | sw_mac_u64(mac))

#define SW_AUTO_ID_BASE   0x01000000u
#define SW_DEF_EVENTS     4096
#define SW_RATE_WINDOW_US 1000000u

struct sw_event;

/* Per-vEth policy state (policy.c), one allocation: the policers of its
 * profile's directions and the hit counters of its ACL rules, one per
 * rule of the profile's compiled ACL in list order, then the default's. */
struct sw_acl_hit {
	uint64_t frames, bytes; /* bytes: the inner frame, as the policer counts */
};
struct sw_veth_pol {
	/* First: what every policed frame reads, in the line of the ingress
	 * policer's hot fields (policer.h keeps those first). */
	uint32_t n_rules[SW_DIR_N];        /* rules of the ACL it was built for */
	struct sw_acl_hit *hits[SW_DIR_N]; /* n_rules + 1, or NULL: no ACL */
	struct sw_pol pol[SW_DIR_N];       /* used where the profile polices */
	struct sw_acl_hit data[];          /* backing store of hits */
};

struct sw_fdb {
	struct sw_htab t; /* k1 = SW_FDB_K1, k2 = 0, val = destination, aux = last seen (us) */
	uint64_t aging_us;
	uint64_t next_sweep_us;
	uint64_t learned, moved, full; /* statistics */
	/* Bumped whenever an entry goes or moves: the vEths' learning
	 * caches (struct sw_veth learn_*) are valid only in the epoch they
	 * were filled in. */
	uint16_t epoch;
	/* Each vEth's share (issue 9): at most veth_max entries point at one
	 * vEth (its fdb_n); a learn beyond is refused, counted on the vEth
	 * (fdb_refused) and in veth_refused; the frame still forwards.
	 * veths: the switch's vEth array (NULL: no shares). */
	struct sw_veth *veths;
	uint32_t veth_max;
	uint64_t veth_refused;
};

struct sw {
	struct sw_conf conf; /* owned copy (arrays are the caller's until sw_destroy) */
	unsigned n_ports;
	struct sw_port *ports;
	size_t n_profiles;
	struct sw_profile *profiles;
	int32_t default_profile;

	/* vEths: slots with a free list; two indexes. */
	uint32_t max_veths;
	uint32_t n_veths;
	/* Extra MACs bound switch-wide (sw_veth.extra_macs); at most
	 * max_veths, so that by_bind and by_mac (sized for twice max_veths)
	 * never refuse an insert. */
	uint32_t n_extra_macs;
	struct sw_veth *veths;
	int32_t *free_next; /* free list through slots */
	int32_t free_head;
	size_t slots_hwm;       /* slots ever used: iteration bound */
	struct sw_htab by_id;   /* k1 = id */
	struct sw_htab by_bind; /* k1 = SW_BIND_K1 / SW_MACBIND_K1, k2 = port */
	/* MACs bound to a vEth, whatever its port: a frame sourced from one
	 * of them anywhere else is spoofed.  k1 = SW_FDB_K1(vlan, mac). */
	struct sw_htab by_mac;
	/* Flood lists: per VLAN, head slot of the vEths in it (-1: none). */
	int32_t vlan_head[4096];
	/* "One copy per (port, channel)" of a VEPA flood: a mark per port and
	 * channel slot, n_ports x SW_SCHAN_SLOTS, allocated with the switch;
	 * a flood takes a new stamp instead of clearing them. */
	uint32_t *flood_marks;
	uint32_t *flood_copy_len; /* bytes of the one VEPA copy sent (0: none) */
	uint32_t flood_stamp;

	struct sw_fdb fdb;

	/* Auto-created vEths get ids from here up (configured ids are usually
	 * small; collisions are skipped). */
	uint32_t next_auto_id;

	/* The switch clock as last seen (events logged without a caller's now). */
	uint64_t now_us;
	uint64_t next_rate_us;

	/* Per-vEth history: a ring of ev_cap events. */
	struct sw_event *events;
	uint32_t ev_cap, ev_next, ev_count;

	/* Control frames (reserved group DAs) go here first. */
	sw_ctl_rx_fn ctl_rx;
	void *ctl_aux;

	/* The control plane (cplane.c), owned once attached: sw_destroy()
	 * destroys it before the ports close. */
	struct sw_cplane *cp;

	/* The path audit (audit.c): per-vEth sightings and findings. */
	struct sw_audit audit;
	/* Log lines (audit findings): vnswitchd writes them to stderr. */
	sw_log_fn log;
	void *log_aux;

	/* Scratch buffer for one inner frame being rebuilt (no allocation per
	 * frame): the policy stages build the inner frame here (DA SA
	 * EtherType payload, every tag removed) for the ACL and for remarking
	 * (the input frame is never written). */
	uint8_t scratch[16384];
};

/* Internal helpers of sw.c shared with admin.c and runconf.c. */
uint64_t sw_bind_k1(const struct sw_veth *v);
static inline uint32_t
sw_bind_k2(const struct sw_veth *v)
{
	return SW_BIND_K2(v->port, v->kind == SW_BIND_MAC ? v->svid : 0);
}
/* A port's S-channel settings from its configuration (create, reload);
 * the active channels stay the control plane's. */
void sw_port_set_schannels(struct sw_port *p, const struct sw_conf_port *cp);
/* Enter / remove a vEth slot in the binding indexes (by_bind, by_mac). */
void sw_veth_index(struct sw *sw, int32_t slot);
void sw_veth_unindex(struct sw *sw, int32_t slot);
/* A free vEth id from the automatic range (auto-created and VDP vEths). */
uint32_t sw_veth_alloc_id(struct sw *sw);
/* sw_veth_add with extra bound MACs (n <= SW_VETH_EXTRA_MACS), checked
 * like the first; on success *slot_out (if not NULL) is the new slot. */
int sw_veth_add_macs(struct sw *sw, const struct sw_conf_veth *cv, enum sw_origin origin,
	const uint8_t (*extra)[VN_ETH_ALEN], size_t n, uint64_t now, int32_t *slot_out,
	char *err, size_t errlen);
/* Delete whatever the origin (the control plane's own path: no
 * de-associate).  0, or -1 if there is no such vEth. */
int sw_veth_remove(struct sw *sw, uint32_t id, uint64_t now, const char *reason);
/* Re-bind a vEth in place (VDP: an association changed its filters):
 * new profile, VLAN (own), first MAC and extra MACs; the caller checked
 * that nothing else holds them.  Counters and id stay. */
void sw_veth_rebind(struct sw *sw, int32_t slot, int32_t profile, uint16_t vlan,
	const uint8_t *mac, const uint8_t (*extra)[VN_ETH_ALEN], size_t n, uint64_t now);
/* The vEth a MAC is bound to in a VLAN, or -1. */
int32_t sw_mac_owner(const struct sw *sw, uint16_t vlan, const uint8_t *mac);
void sw_vlan_link(struct sw *sw, int32_t slot);
void sw_vlan_unlink(struct sw *sw, int32_t slot);
int32_t sw_profile_index(const struct sw *sw, const char *name);

int sw_fdb_init(struct sw_fdb *f, uint32_t max, uint32_t aging_s);
void sw_fdb_free(struct sw_fdb *f);
/* Learn (vlan, mac) -> dst at 'now'. */
void sw_fdb_learn(
	struct sw_fdb *f, uint16_t vlan, const uint8_t *mac, int32_t dst, uint64_t now);
/* Destination of (vlan, mac), or SW_HTAB_EMPTY if unknown or aged out. */
int32_t sw_fdb_lookup(struct sw_fdb *f, uint16_t vlan, const uint8_t *mac, uint64_t now);
/* Forget every entry pointing at dst (a vEth deleted, a port gone). */
void sw_fdb_flush_dst(struct sw_fdb *f, int32_t dst);
/* Remove aged entries; returns the number removed. */
size_t sw_fdb_sweep(struct sw_fdb *f, uint64_t now);

#endif /* SWITCHD_SW_INTERNAL_H */

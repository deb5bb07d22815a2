/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swconf.h - vnswitch configuration: the libconfig file as plain data.
 *
 * sw_conf_load() reads and validates a whole file before anything uses it:
 * on the first error it returns -1 with "FILE:LINE: SETTING: what is wrong"
 * and the caller starts nothing (design rule 6: never half-applied).  The
 * struct owns all its memory (fixed arrays plus the heap arrays below);
 * free it with sw_conf_free().  Limits are configurable in the file.
 */
#ifndef SWITCHD_SWCONF_H
#define SWITCHD_SWCONF_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchd/policer.h"

#define SW_NAME_MAX 32

enum sw_role { SW_ROLE_UPLINK, SW_ROLE_HOST };
enum sw_mode { SW_MODE_NONE, SW_MODE_VNTAG, SW_MODE_ETAG, SW_MODE_VEPA };
enum sw_bind { SW_BIND_VIF, SW_BIND_ECID, SW_BIND_MAC };

/* Defaults and hard ceilings of the configurable limits. */
#define SW_DEF_MAX_VETHS    65536 /* switch-wide vEth limit */
#define SW_CEIL_MAX_VETHS   1048576
#define SW_DEF_PORT_VETHS   4096 /* per host port */
#define SW_DEF_FDB_MAX      262144
#define SW_CEIL_FDB_MAX     16777216
#define SW_DEF_FDB_AGING_S  300 /* 802.1Q 8.8.3 recommended ageing time */
#define SW_MAX_PORTS        256
#define SW_MAX_PROFILES     4096
#define SW_DEF_CHANNELS     64 /* ECP/VDP instances per host port (channels) */
#define SW_CEIL_CHANNELS    4096
/* Issue 9: VDP VSIs switch-wide (associated and pre-associated) and the FDB
 * entries one vEth may fill by learning (a host sending from random MACs
 * fills its own share, never the switch's table). */
#define SW_DEF_MAX_VSIS     16384
#define SW_CEIL_MAX_VSIS    1048576
#define SW_DEF_FDB_PER_VETH 1024

/* S-channels (802.1Qbg clause 42, CDCP) on VEPA ports: 'schannels'.  ChnCap
 * counts the default channel (SCID 1 / S-VID 1) and fits one CDCP TLV
 * (at most 167 pairs); the pool is the S-VIDs the bridge assigns. */
#define SW_SCHAN_DEFAULT_SVID 1
#define SW_SCHAN_MAX          167                /* LLDP_CDCP_MAX_CHAN */
#define SW_SCHAN_SLOTS        (SW_SCHAN_MAX + 1) /* slot 0 = "no channel" */
#define SW_DEF_CHNCAP         4
#define SW_DEF_SVID_MIN       2
#define SW_DEF_SVID_MAX       4094

/* LLDP adminStatus (802.1AB-2016 9.2.5.1), as the switch configures it. */
enum sw_lldp_admin { SW_LLDP_DISABLED, SW_LLDP_RX, SW_LLDP_TX, SW_LLDP_RXTX };
#define SW_LLDP_INHERIT (-1) /* a port without its own setting: the switch's */

/* switch.evb: the bridge's EVB TLV values (802.1Qbg-2012, the EVB TLV of
 * 802.1Q-2014 D.2.12); defaults are lldpad's (lldp_evb22_cmds.c). */
struct sw_conf_evb {
	uint8_t r;   /* ECP maximum retries 0..7 (3) */
	uint8_t rte; /* ECP retransmission exponent 0..31 (8: 10 us * 2^8) */
	uint8_t rwd; /* VDP resource wait delay exponent 0..31 (20) */
	uint8_t rka; /* VDP reinit keep-alive exponent 0..31 (20) */
	bool bgid;   /* VDP group IDs supported (false) */
};

/* switch.lldp: agent settings shared by every port. */
struct sw_conf_lldp {
	enum sw_lldp_admin admin; /* default for ports without their own 'lldp' */
	uint16_t tx_interval;     /* msgTxInterval, 1..3600 s (30) */
	uint8_t tx_hold;          /* msgTxHold, 1..100 (4) */
	uint16_t max_neighbors;   /* per agent, 1..256 (8); a new one beyond is dropped */
};

struct sw_conf_port {
	char name[SW_NAME_MAX];
	char ifname[SW_NAME_MAX]; /* empty: no interface (replay only) */
	enum sw_role role;
	enum sw_mode mode; /* SW_MODE_NONE for uplinks */
	bool auto_create;
	bool reflective_relay;
	bool admin_up;
	uint32_t max_veths;
	uint32_t max_channels; /* host: ECP/VDP channels (untagged, vifs, E-CIDs) */
	int lldp_admin;        /* enum sw_lldp_admin, or SW_LLDP_INHERIT */
	/* VEPA: S-channels ('schannels' group present: CDCP on). */
	bool schannels;
	uint16_t chncap;   /* 1..SW_SCHAN_MAX, the default channel included */
	uint16_t svid_min; /* the pool of S-VIDs to assign, 2..4094 */
	uint16_t svid_max;
	uint8_t vlans[4096 / 8]; /* uplink: carried VLANs */
	int line;                /* where it was defined, for later messages */
};

/*
 * Per-vEth policy of a profile (issue 6): ACLs and policers per direction.
 * "in" is what a vEth sends (checked as it enters the switch), "out" what
 * is sent to it (checked per copy, before encapsulation).
 */
enum sw_dir { SW_DIR_IN, SW_DIR_OUT, SW_DIR_N };
#define SW_ACL_MATCH_MAX  1024 /* one rule's match string, NUL included */
#define SW_ACL_ACTION_MAX 32   /* an action string, NUL included */

struct sw_conf_acl_rule {
	int64_t priority; /* 0..65535, the higher wins */
	char match[SW_ACL_MATCH_MAX];
	char action[SW_ACL_ACTION_MAX];
	int line;
};

struct sw_conf_policy {
	/* Rules in list order (ties of priority go to the earlier rule).
	 * rules[d] is a heap array owned by whoever owns the profile: the
	 * struct sw_conf (sw_conf_free frees it) or the caller of the admin
	 * functions, which copy what they keep. */
	size_t n_rules[SW_DIR_N];
	struct sw_conf_acl_rule *rules[SW_DIR_N];
	/* When no rule matches: "" is allow. */
	char acl_default[SW_DIR_N][SW_ACL_ACTION_MAX];
	bool police[SW_DIR_N];
	struct sw_pol_conf police_conf[SW_DIR_N]; /* validated by sw_pol_check */
	int police_line[SW_DIR_N];
};

struct sw_conf_profile {
	char name[SW_NAME_MAX];
	uint32_t type_id;     /* VSI type id, 24 bits */
	uint8_t type_version; /* VSI type version */
	bool has_vlan;
	uint16_t vlan;
	struct sw_conf_policy policy;
	int line;
};

struct sw_conf_veth {
	uint32_t id;
	char port[SW_NAME_MAX];
	enum sw_bind kind;
	uint32_t key; /* vif (0..4095) or E-CID (1..0xFFFFF) */
	uint8_t mac[6];
	/* MAC kind: the S-channel (its S-VID) on a VEPA port; 0 or 1 = the
	 * default channel.  Others need the port's 'schannels' and an S-VID
	 * of its pool. */
	uint16_t svid;
	bool has_vlan;
	bool vlan_from_profile; /* validation copied the profile's VLAN into vlan */
	uint16_t vlan;
	char profile[SW_NAME_MAX]; /* empty: none */
	int line;
};

/* switch.audit (audit.h): the path audit's settings. */
struct sw_conf_audit {
	bool enabled;
	uint32_t window_s; /* the bypass share's window (1..3600 s) */
	uint32_t idle_s;   /* idle after this long without a frame, non-VDP vEths (0: never) */
	uint32_t bypass_share; /* bypassed below this percentage of its MACs' frames (1..100) */
	uint32_t log_rate;     /* log lines per second at most (0: none) */
};
#define SW_DEF_AUDIT_WINDOW_S 10
#define SW_DEF_AUDIT_IDLE_S   300
#define SW_DEF_AUDIT_SHARE    50
#define SW_DEF_AUDIT_LOG_RATE 10

struct sw_conf {
	char path[512];
	char name[SW_NAME_MAX];
	uint8_t mac[6];
	uint32_t max_veths;
	uint32_t fdb_max;
	uint32_t fdb_max_per_veth; /* learned entries per vEth (SW_DEF_FDB_PER_VETH) */
	uint32_t max_vsis;         /* VDP VSIs switch-wide (SW_DEF_MAX_VSIS) */
	uint32_t fdb_aging_s;
	char default_profile[SW_NAME_MAX]; /* for auto-created vEths; empty: none */
	struct sw_conf_evb evb;
	struct sw_conf_lldp lldp;
	struct sw_conf_audit audit;

	size_t n_ports;
	struct sw_conf_port *ports;
	size_t n_profiles;
	struct sw_conf_profile *profiles;
	size_t n_veths;
	struct sw_conf_veth *veths;
};

void sw_conf_audit_default(struct sw_conf_audit *a);
int sw_conf_load(const char *path, struct sw_conf *conf, char *err, size_t errlen);
/* Parse from a string (tests); 'name' stands in for the file name. */
int sw_conf_load_string(
	const char *text, const char *name, struct sw_conf *conf, char *err, size_t errlen);
void sw_conf_free(struct sw_conf *conf);

/* Free a policy's rule arrays (the struct itself is the caller's). */
void sw_conf_policy_free(struct sw_conf_policy *p);
/* Deep copy (rule arrays duplicated): 0, or -1 when out of memory. */
int sw_conf_policy_copy(struct sw_conf_policy *dst, const struct sw_conf_policy *src);
/* Does the policy do anything (a rule, a default other than allow, a
 * policer)? */
bool sw_conf_policy_active(const struct sw_conf_policy *p);
/* Check a whole policy as the loader does; the message names the profile,
 * the direction and the rule ("profile 'web' acl_in rule 2 (priority 100):
 * cannot parse match ..."). */
int sw_conf_policy_check(
	const char *profile, const struct sw_conf_policy *p, char *err, size_t errlen);
/* Parse a policer's settings given as key/value strings (vnctl):
 * rate_kbps, burst_bytes, rate_pps, burst_packets, peak_rate_kbps,
 * peak_burst_bytes, peak_rate_pps, peak_burst_packets, exceed, yellow.
 * Validated with sw_pol_check.  0 or -1. */
int sw_conf_police_parse(const char *const *keys, const char *const *values, size_t n,
	struct sw_pol_conf *out, char *err, size_t errlen);
/* Is 'key' one of the policer settings above? */
bool sw_conf_police_key(const char *key);
/* "in"/"out" */
const char *sw_dir_name(enum sw_dir d);

const char *sw_mode_name(enum sw_mode m);
/* "disabled", "rx", "tx", "rxtx"; parse returns -1 for anything else. */
const char *sw_lldp_admin_name(enum sw_lldp_admin a);
int sw_lldp_admin_parse(const char *s);
/* The defaults of switch.evb and switch.lldp. */
void sw_conf_evb_default(struct sw_conf_evb *evb);
void sw_conf_lldp_default(struct sw_conf_lldp *lldp);
/* A port's effective LLDP admin status. */
enum sw_lldp_admin sw_conf_port_lldp(const struct sw_conf *c, const struct sw_conf_port *p);
const char *sw_role_name(enum sw_role r);

static inline bool
sw_vlan_test(const uint8_t *bits, unsigned vid)
{
	return vid < 4096 && (bits[vid >> 3] >> (vid & 7)) & 1;
}

static inline void
sw_vlan_set(uint8_t *bits, unsigned vid)
{
	if (vid < 4096)
		bits[vid >> 3] |= (uint8_t)(1u << (vid & 7));
}

#endif /* SWITCHD_SWCONF_H */

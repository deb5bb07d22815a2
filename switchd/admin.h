/* SPDX-License-Identifier: Apache-2.0 */
/*
 * admin.h - changing a running switch: vEth, profile and port changes, the
 * event history, rates, counters, and the running configuration (save and
 * reload).  Every change is validated completely before anything is
 * touched: an invalid change returns -1 with the reason and leaves the
 * switch exactly as it was (design rule 6).
 */
#ifndef SWITCHD_ADMIN_H
#define SWITCHD_ADMIN_H 1

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "switchd/sw.h"

/* ---- per-vEth history ---------------------------------------------------- */

enum sw_event_kind {
	SW_EV_CREATED,
	SW_EV_BOUND,
	SW_EV_PROFILE,
	SW_EV_DROPS_STARTED,
	SW_EV_DROPS_STOPPED,
	SW_EV_CHANGED,
	SW_EV_DELETED,
	SW_EV_ASSOCIATED,        /* VDP: the station associated it (or changed it) */
	SW_EV_DEASSOCIATED,      /* VDP: de-associated by the station or the bridge */
	SW_EV_KEEPALIVE_EXPIRED, /* VDP: no keep-alive within the supervision time */
	SW_EV_REFUSED,           /* VDP: a request was refused (vEth 0: no vEth yet) */
	SW_EV_FINDING_OPENED,    /* path audit: a finding opened (audit.h) */
	SW_EV_FINDING_CLOSED,    /* path audit: ... and closed */
	SW_EV_MIGRATING,         /* VDP: pre-associated elsewhere with the M hint */
	SW_EV_MIGRATED,          /* VDP: moved to another port or channel (M and S hints) */
	SW_EV_MAX
};

struct sw_event {
	uint64_t ts_us;
	uint32_t veth;
	uint8_t kind; /* enum sw_event_kind */
	char detail[160];
};

const char *sw_event_name(enum sw_event_kind k);
void sw_event_log(struct sw *sw, uint32_t veth, enum sw_event_kind k, uint64_t now,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Events oldest first: i in 0..sw_n_events()-1. */
size_t sw_n_events(const struct sw *sw);
const struct sw_event *sw_event_at(const struct sw *sw, size_t i);

/* ---- changes ---------------------------------------------------------------- */

struct sw_veth_change {
	bool set_profile;
	char profile[SW_NAME_MAX]; /* empty: none */
	bool set_vlan;
	bool clear_vlan; /* follow the profile's VLAN again */
	uint16_t vlan;
	bool set_bind;
	char port[SW_NAME_MAX];
	enum sw_bind kind;
	uint32_t key;
	uint8_t mac[6];
	bool set_svid; /* MAC-bound: move to the S-channel svid (1: default) */
	uint16_t svid;
};

int sw_veth_set(struct sw *sw, uint32_t id, const struct sw_veth_change *ch, uint64_t now,
	char *err, size_t errlen);

/* Add a profile, its policy (p->policy) compiled; a bad rule is refused
 * with a message naming the profile and the rule. */
int sw_profile_add(struct sw *sw, const struct sw_conf_profile *p, char *err, size_t errlen);
/* The same with the policy already built (sw_policy_build): the profile
 * takes *pol over on success (*pol is zeroed), else it stays the caller's. */
int sw_profile_add_built(struct sw *sw, const struct sw_conf_profile *p,
	struct sw_profile_pol *pol, char *err, size_t errlen);
int sw_profile_del(struct sw *sw, const char *name, char *err, size_t errlen);
/* Replace a profile's settings, its policy included (p->policy); vEths that
 * take their VLAN from it follow, and every vEth of it gets the new policy
 * (counters of unchanged rules and kept policers survive).  All or
 * nothing. */
int sw_profile_set(
	struct sw *sw, const struct sw_conf_profile *p, uint64_t now, char *err, size_t errlen);

/* Set profile idx to p without checks (sw_profile_set checks first):
 * vEths that follow its VLAN move.  rekey: also re-index the MAC+VLAN
 * bindings that move; false when the caller rebuilds the binding index
 * itself afterwards (reload, where several moves may swap bindings). */
void sw_profile_update(
	struct sw *sw, int32_t idx, const struct sw_conf_profile *p, uint64_t now, bool rekey);

/* key: admin (up|down), auto_create (true|false), max_veths (N),
 * reflective_relay (true|false), lldp (rxtx|rx|tx|disabled).  The control
 * plane, if any, follows (EVB TLV, LLDP agents). */
int sw_port_set(struct sw *sw, const char *port, const char *key, const char *value, char *err,
	size_t errlen);

void sw_counters_clear(struct sw *sw);

/* Rates and drop events: called every window by sw_run_timers. */
void sw_rates_tick(struct sw *sw, uint64_t now, uint64_t window_us);

/* Write the running configuration as a libconfig file that loads back to
 * the same state (atomic: written under a fresh name beside it with
 * O_EXCL, then renamed).  An existing 'path' must be a regular file: a
 * symbolic link or anything else is refused, never written through. */
int sw_config_save(struct sw *sw, const char *path, char *err, size_t errlen);
/* The same configuration text written to 'out' (the state file). */
int sw_config_write(struct sw *sw, FILE *out, char *err, size_t errlen);

/* Where a control request may make the daemon write (vnctl config save
 * [PATH]): 'arg' NULL is the configuration file; otherwise PATH must be
 * the configuration file itself or a file directly in 'save_dir' (NULL:
 * none allowed), compared after resolving symbolic links and '..' in its
 * directory.  A relative PATH is taken from save_dir, or else from the
 * configuration file's directory.  The resolved path goes to out; -1 with
 * a message naming what is allowed otherwise. */
int sw_config_save_path(const char *config_path, const char *save_dir, const char *arg,
	char *out, size_t outlen, char *err, size_t errlen);

/* Apply a new configuration (reload): ports keep their back-ends (adding
 * or removing ports needs a restart and is refused); profiles and
 * configured vEths are added, changed or removed; vEths and counters that
 * did not change are untouched.  All or nothing. */
int sw_config_apply(
	struct sw *sw, const struct sw_conf *conf, uint64_t now, char *err, size_t errlen);

#endif /* SWITCHD_ADMIN_H */

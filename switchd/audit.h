/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit.h - the path audit: does a vEth's data plane agree with its control
 * plane?
 *
 * A host can keep a VSI associated (keep-alives arriving) or a VF
 * configured while the VM's traffic leaves another way: through the
 * hypervisor's vSwitch, untagged on the same port, on another vif / E-CID /
 * S-channel, on another host port or through the uplink.  The switch sees
 * both planes, so it says when they disagree.  Per vEth it keeps where its
 * bound MACs were seen as a source *other than on the vEth itself*
 * (sightings, recorded by the datapath on the paths such frames take), and
 * once per rate tick (sw_run_timers) it derives findings:
 *
 *   duplicate  a bound MAC is bound to another live vEth too (in another
 *              VLAN or S-channel), or a station asked for its MACs,
 *              binding or VSI from another source within the window
 *              (refused -- a VSI ID never has two vEths, cp_vdp.c's by_vsi
 *              sees to that -- but two adapters claim it);
 *   bypassed   its MACs were seen elsewhere in the last one to two audit
 *              windows and the vEth carried less than bypass_share percent
 *              of that traffic;
 *   idle       associated (VDP) for more than 2 x the keep-alive window,
 *              or configured for more than audit.idle seconds (static and
 *              auto vEths), with no frame received for as long;
 *
 * and a verdict: duplicate, bypassed or idle (that order), else direct
 * (frames on the vEth in the window, none elsewhere) or unknown (no
 * evidence either way yet).  A finding opens and closes as an event in the
 * vEth's history (SW_EV_FINDING_OPENED / _CLOSED), counted per kind, with
 * a log line through the switch's log callback (at most audit.log_rate per
 * second; the rest are counted as suppressed).
 *
 * Everything goes by the switch clock: capture time in replay, so findings
 * open at the same microsecond on every run.  Memory: struct sw owns one
 * struct sw_veth_audit per vEth slot (allocated with the switch) and a MAC
 * index; the datapath records sightings without allocating.
 */
#ifndef SWITCHD_AUDIT_H
#define SWITCHD_AUDIT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchd/htab.h"

struct sw;
struct sw_veth;
struct sw_writer;
struct sw_cplane;

enum sw_finding { SW_FIND_DUPLICATE, SW_FIND_BYPASSED, SW_FIND_IDLE, SW_FIND_MAX };

enum sw_verdict {
	SW_VERDICT_UNKNOWN,
	SW_VERDICT_DIRECT,
	SW_VERDICT_IDLE,
	SW_VERDICT_BYPASSED,
	SW_VERDICT_DUPLICATE,
};

/* Where a bound MAC was seen as a source, other than on its vEth. */
enum sw_seen_kind {
	SW_SEEN_UNTAGGED, /* VN-Tag / E-Tag port without the tag */
	SW_SEEN_VETH,     /* on another vEth ('key' = its id) */
	SW_SEEN_UNBOUND,  /* on a vif / E-CID / MAC+VLAN no vEth has ('key') */
	SW_SEEN_CHANNEL,  /* on an S-channel that is not active ('key' = S-VID) */
	SW_SEEN_UPLINK,   /* on an uplink */
};

#define SW_AUDIT_SEEN 4 /* sightings kept per vEth: the most recent places */

struct sw_seen {
	uint8_t kind; /* enum sw_seen_kind */
	uint8_t bind; /* SW_SEEN_UNBOUND: enum sw_bind of 'key' */
	uint16_t port;
	uint16_t vlan; /* the frame's VLAN (0: untagged) */
	uint32_t key;
	uint8_t mac[6]; /* which bound MAC */
	uint64_t frames, first_us, last_us;
	uint64_t win[2]; /* frames in the current / previous audit window */
};

struct sw_veth_audit {
	/* Watched since (creation; configured vEths: the first tick, as they
	 * are made before the clock is known) and the current window began. */
	uint64_t since_us;
	uint64_t win_start_us;
	uint64_t own_mark; /* the vEth's rx_frames then */
	uint64_t own_prev; /* its frames in the previous window */
	uint8_t open;      /* bit (1 << enum sw_finding) per open finding */
	uint8_t n_seen;
	uint8_t verdict; /* enum sw_verdict, as of the last tick */
	uint64_t opened_us[SW_FIND_MAX], closed_us[SW_FIND_MAX];
	uint32_t n_opened[SW_FIND_MAX];
	uint64_t seen_replaced; /* sightings dropped to make room for newer ones */
	struct sw_seen seen[SW_AUDIT_SEEN];
	/* Requests for its MACs / vif / VSI from another source (VDP). */
	uint64_t conflicts, conflict_us;
	uint16_t conflict_port;
	char conflict_where[40];
	char why[SW_FIND_MAX][112]; /* evidence of each open finding */
};

/* Switch-wide audit state (struct sw owns one). */
struct sw_audit {
	struct sw_veth_audit *va; /* max_veths, by vEth slot */
	/* Bound MACs whatever their VLAN: k1 = MAC, val = one vEth slot
	 * binding it, aux = how many bindings (VLANs / channels) hold it. */
	struct sw_htab macs;
	uint64_t opened[SW_FIND_MAX], closed[SW_FIND_MAX];
	uint64_t sightings; /* frames recorded as sightings */
	/* Log lines: a token bucket of conf.log_rate per second. */
	uint64_t log_tokens_us, log_suppressed, log_lines;
};

typedef void (*sw_log_fn)(void *aux, const char *line);

int sw_audit_init(struct sw *sw, uint32_t max_veths);
void sw_audit_free(struct sw *sw);
/* Where the switch's log lines go (vnswitchd: stderr); NULL: nowhere. */
void sw_set_log(struct sw *sw, sw_log_fn fn, void *aux);

/* sw.c: a new vEth in 'slot' (fresh state); its MACs entered / removed
 * from the MAC index (with sw_veth_index / sw_veth_unindex). */
void sw_audit_veth_new(struct sw *sw, int32_t slot, uint64_t now);
void sw_audit_index(struct sw *sw, int32_t slot);
void sw_audit_unindex(struct sw *sw, int32_t slot);

/* The datapath: is any MAC bound at all (else nothing to look for)?  And
 * the vEth slot that binds 'mac' in some VLAN, or -1. */
static inline bool
sw_audit_active(const struct sw_audit *a)
{
	return a->macs.n != 0;
}
int32_t sw_audit_mac_owner(const struct sw_audit *a, const uint8_t *mac);
/* Record a frame from 'mac' (bound to vEth 'slot') seen elsewhere. */
void sw_audit_seen(struct sw *sw, int32_t slot, const uint8_t *mac, enum sw_seen_kind kind,
	unsigned bind, unsigned port, uint16_t vlan, uint32_t key, uint64_t now);

/* The control plane: a request for vEth 'slot''s MACs, binding or VSI came
 * from another source ('where', e.g. "h2 S-VID 5"), and was refused. */
void sw_audit_conflict(
	struct sw *sw, int32_t slot, unsigned port, const char *where, uint64_t now);

/* Once per rate tick: rotate windows, open and close findings. */
void sw_audit_tick(struct sw *sw, uint64_t now);

/* The control plane's side of a VDP vEth (cp_audit.c). */
struct sw_cp_vsi_info {
	bool valid;
	uint64_t assoc_us, refreshed_us, n_refresh;
	uint64_t ka_us; /* the keep-alive (supervision) window of its channel */
	char where[48]; /* "h2 S-VID 5", "h1 vif 7", ... */
	char vsiid[48];
};
bool sw_cplane_veth_vsi(struct sw_cplane *cp, uint32_t id, struct sw_cp_vsi_info *out);

const char *sw_verdict_name(enum sw_verdict v);
const char *sw_finding_name(enum sw_finding f);
enum sw_verdict sw_audit_verdict(const struct sw *sw, const struct sw_veth *v);

/* vnctl diagnose: one vEth (id) or all (id 0) as a list of records:
 * verdict, reason, findings with evidence.  -1 if there is no such vEth. */
int sw_audit_write(const struct sw *sw, uint32_t id, struct sw_writer *w);

#endif /* SWITCHD_AUDIT_H */

/* SPDX-License-Identifier: Apache-2.0 */
/* admin.c - changes to a running switch; see admin.h. */
#include <config.h>

#include "switchd/admin.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/cplane.h"
#include "switchd/policy.h"
#include "switchd/sw_internal.h"
#include "vntag/eth.h"

/* ---- events ---------------------------------------------------------------- */

const char *
sw_event_name(enum sw_event_kind k)
{
	static const char *const names[SW_EV_MAX] = {
		[SW_EV_CREATED] = "created",
		[SW_EV_BOUND] = "bound",
		[SW_EV_PROFILE] = "profile_applied",
		[SW_EV_DROPS_STARTED] = "drops_started",
		[SW_EV_DROPS_STOPPED] = "drops_stopped",
		[SW_EV_CHANGED] = "changed",
		[SW_EV_DELETED] = "deleted",
		[SW_EV_ASSOCIATED] = "associated",
		[SW_EV_DEASSOCIATED] = "deassociated",
		[SW_EV_KEEPALIVE_EXPIRED] = "keepalive_expired",
		[SW_EV_REFUSED] = "refused",
		[SW_EV_FINDING_OPENED] = "finding_opened",
		[SW_EV_FINDING_CLOSED] = "finding_closed",
		[SW_EV_MIGRATING] = "migrating",
		[SW_EV_MIGRATED] = "migrated",
	};
	return (unsigned)k < SW_EV_MAX ? names[k] : "unknown";
}

void
sw_event_log(
	struct sw *sw, uint32_t veth, enum sw_event_kind k, uint64_t now, const char *fmt, ...)
{
	struct sw_event *e;
	va_list ap;

	if (!sw->ev_cap)
		return;
	/* A ring: the oldest event makes room for the newest. */
	e = &sw->events[sw->ev_next];
	sw->ev_next = (sw->ev_next + 1) % sw->ev_cap;
	if (sw->ev_count < sw->ev_cap)
		sw->ev_count++;
	e->ts_us = now;
	e->veth = veth;
	e->kind = (uint8_t)k;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
}

size_t
sw_n_events(const struct sw *sw)
{
	return sw->ev_count;
}

const struct sw_event *
sw_event_at(const struct sw *sw, size_t i)
{
	size_t first =
		(sw->ev_next + sw->ev_cap - sw->ev_count) % (sw->ev_cap ? sw->ev_cap : 1);

	return i < sw->ev_count ? &sw->events[(first + i) % sw->ev_cap] : NULL;
}

/* ---- rates and drop events ----------------------------------------------------- */

static uint64_t
drops_total(const struct sw_counters *c)
{
	uint64_t d = 0;

	for (int i = 0; i < SW_DROP_MAX; i++)
		d += c->drops[i];
	return d;
}

static enum sw_drop
main_drop(const struct sw_counters *c)
{
	enum sw_drop best = 0;

	for (int i = 1; i < SW_DROP_MAX; i++)
		if (c->drops[i] > c->drops[best])
			best = i;
	return best;
}

void
sw_rates_tick(struct sw *sw, uint64_t now, uint64_t window_us)
{
	for (size_t s = 0; s < sw->slots_hwm; s++) {
		struct sw_veth *v = &sw->veths[s];
		uint64_t d;

		if (!v->used)
			continue;
		v->rx_pps = (v->ctr.rx_frames - v->win_rx_frames) * 1000000u / window_us;
		v->tx_pps = (v->ctr.tx_frames - v->win_tx_frames) * 1000000u / window_us;
		v->rx_bps = (v->ctr.rx_bytes - v->win_rx_bytes) * 8000000u / window_us;
		v->tx_bps = (v->ctr.tx_bytes - v->win_tx_bytes) * 8000000u / window_us;
		d = drops_total(&v->ctr) - v->win_drops;
		if (d && !v->dropping) {
			v->dropping = true;
			sw_event_log(sw, v->id, SW_EV_DROPS_STARTED, now,
				"%llu drops, mostly %s", (unsigned long long)d,
				sw_drop_name(main_drop(&v->ctr)));
		} else if (!d && v->dropping) {
			v->dropping = false;
			sw_event_log(sw, v->id, SW_EV_DROPS_STOPPED, now,
				"no drop in the last window");
		}
		v->win_rx_frames = v->ctr.rx_frames;
		v->win_tx_frames = v->ctr.tx_frames;
		v->win_rx_bytes = v->ctr.rx_bytes;
		v->win_tx_bytes = v->ctr.tx_bytes;
		v->win_drops = drops_total(&v->ctr);
	}
}

void
sw_counters_clear(struct sw *sw)
{
	for (unsigned i = 0; i < sw->n_ports; i++)
		memset(&sw->ports[i].ctr, 0, sizeof(sw->ports[i].ctr));
	for (size_t s = 0; s < sw->slots_hwm; s++) {
		struct sw_veth *v = &sw->veths[s];

		memset(&v->ctr, 0, sizeof(v->ctr));
		v->win_rx_frames = v->win_tx_frames = v->win_rx_bytes = v->win_tx_bytes = 0;
		v->win_drops = 0;
	}
	sw_policy_clear_counters(sw);
}

/* ---- vEths --------------------------------------------------------------------- */

int
sw_veth_set(struct sw *sw, uint32_t id, const struct sw_veth_change *ch, uint64_t now,
	char *err, size_t errlen)
{
	struct sw_htab_ent *e = sw_htab_find(&sw->by_id, id, 0);
	struct sw_veth *v, nv;
	struct sw_port *np;
	int32_t slot, prof;
	bool rebind, profile_changed;

	if (!e) {
		snprintf(err, errlen, "no vEth %u", id);
		return -1;
	}
	slot = e->val;
	v = &sw->veths[slot];
	nv = *v;
	/* A VDP vEth's binding and VLAN are what its station was granted: the
	 * station would go on sending with them. */
	if (v->origin == SW_ORIGIN_VDP &&
		(ch->set_bind || ch->set_vlan || ch->clear_vlan || ch->set_svid)) {
		snprintf(err, errlen,
			"vEth %u belongs to a VDP association: its binding and VLAN are the "
			"station's (veth del de-associates it)",
			id);
		return -1;
	}
	/* Work out the new settings completely before changing anything. */
	if (ch->set_profile) {
		prof = ch->profile[0] ? sw_profile_index(sw, ch->profile) : -1;
		if (ch->profile[0] && prof < 0) {
			snprintf(err, errlen, "no profile named '%s'", ch->profile);
			return -1;
		}
		nv.profile = prof;
	}
	if (ch->set_vlan) {
		nv.vlan = ch->vlan;
		nv.own_vlan = true;
	} else if (ch->clear_vlan) {
		nv.own_vlan = false;
	}
	if (!nv.own_vlan) {
		const struct sw_profile *p = sw_profile_at(sw, nv.profile);

		nv.vlan = p && p->has_vlan ? p->vlan : 0;
	}
	np = &sw->ports[v->port];
	if (ch->set_bind) {
		np = ch->port[0] ? sw_port_by_name(sw, ch->port) : np;
		if (!np || np->role != SW_ROLE_HOST) {
			snprintf(err, errlen, "no host port named '%s'", ch->port);
			return -1;
		}
		if ((np->mode == SW_MODE_VNTAG && ch->kind != SW_BIND_VIF) ||
			(np->mode == SW_MODE_ETAG && ch->kind != SW_BIND_ECID) ||
			(np->mode == SW_MODE_VEPA && ch->kind != SW_BIND_MAC)) {
			snprintf(err, errlen, "port '%s' is a %s port", np->name,
				sw_mode_name(np->mode));
			return -1;
		}
		nv.port = (uint16_t)np->idx;
		nv.kind = (uint8_t)ch->kind;
		nv.key = ch->kind == SW_BIND_MAC ? 0 : ch->key;
		memset(nv.mac, 0, sizeof(nv.mac));
		if (ch->kind == SW_BIND_MAC)
			memcpy(nv.mac, ch->mac, sizeof(nv.mac));
		/* A MAC-bound vEth keeps its channel on its port, and starts on
		 * the default one elsewhere. */
		nv.svid = ch->kind != SW_BIND_MAC                      ? 0
			: nv.port == v->port && v->kind == SW_BIND_MAC ? v->svid
								       : SW_SCHAN_DEFAULT_SVID;
	}
	if (ch->set_svid) {
		if (nv.kind != SW_BIND_MAC) {
			snprintf(err, errlen, "svid applies to MAC-bound vEths (vepa ports)");
			return -1;
		}
		nv.svid = ch->svid ? ch->svid : SW_SCHAN_DEFAULT_SVID;
		if (nv.svid != SW_SCHAN_DEFAULT_SVID &&
			(!np->schan_on || nv.svid < np->svid_min || nv.svid > np->svid_max)) {
			if (np->schan_on)
				snprintf(err, errlen,
					"S-VID %u is outside the pool %u..%u of port '%s'",
					nv.svid, np->svid_min, np->svid_max, np->name);
			else
				snprintf(err, errlen,
					"port '%s' has no S-channels (svid 1 only)", np->name);
			return -1;
		}
	}
	rebind = sw_bind_k1(&nv) != sw_bind_k1(v) || sw_bind_k2(&nv) != sw_bind_k2(v);
	if (rebind) {
		int32_t owner;

		e = sw_htab_find(&sw->by_bind, sw_bind_k1(&nv), sw_bind_k2(&nv));
		if (e && e->val != slot) {
			snprintf(err, errlen, "that binding on port '%s' belongs to vEth %u",
				np->name, sw->veths[e->val].id);
			return -1;
		}
		/* A MAC is bound once per VLAN, whatever the port (by_mac). */
		owner = nv.kind == SW_BIND_MAC ? sw_mac_owner(sw, nv.vlan, nv.mac) : -1;
		if (owner >= 0 && owner != slot) {
			snprintf(err, errlen, "that MAC in VLAN %u belongs to vEth %u", nv.vlan,
				sw->veths[owner].id);
			return -1;
		}
		/* Nor what a VSI's PRE-ASSOCIATE with RR holds (cplane.h). */
		if (sw_cplane_rsv_check(sw->cp, &nv, false, err, errlen))
			return -1;
		if (nv.port != v->port &&
			np->n_veths + sw_cplane_rsv_veths(sw->cp, (int)np->idx) >=
				np->max_veths) {
			snprintf(err, errlen, "port '%s' is at max_veths = %u", np->name,
				np->max_veths);
			return -1;
		}
	}
	/* Apply: re-index binding and VLAN membership, keep counters.  The
	 * old binding leaves the indexes while 'v' still describes it. */
	if (rebind) {
		sw_veth_unindex(sw, slot);
		sw->ports[v->port].n_veths--;
		sw->ports[nv.port].n_veths++;
		sw_fdb_flush_dst(&sw->fdb, slot);
		sw_event_log(sw, id, SW_EV_BOUND, now, "bound on port %s", np->name);
	}
	if (nv.vlan != v->vlan) {
		sw_vlan_unlink(sw, slot);
		v->vlan = nv.vlan;
		sw_vlan_link(sw, slot);
		sw_fdb_flush_dst(&sw->fdb, slot);
	}
	profile_changed = nv.profile != v->profile;
	if (profile_changed) {
		const struct sw_profile *p = sw_profile_at(sw, nv.profile);

		sw_event_log(sw, id, SW_EV_PROFILE, now, "profile %s", p ? p->name : "none");
	}
	nv.vlan_next = v->vlan_next;
	nv.vlan_prev = v->vlan_prev;
	*v = nv;
	if (rebind)
		sw_veth_index(sw, slot);
	/* Another profile: its policy, with fresh counters (out of memory
	 * leaves the vEth failing closed, logged). */
	if (profile_changed)
		sw_policy_veth_attach(sw, slot);
	sw_event_log(sw, id, SW_EV_CHANGED, now, "vlan %u", v->vlan);
	return 0;
}

/* ---- profiles ------------------------------------------------------------------- */

int
sw_profile_add(struct sw *sw, const struct sw_conf_profile *p, char *err, size_t errlen)
{
	struct sw_profile_pol pol;

	if (sw_profile_index(sw, p->name) >= 0) {
		snprintf(err, errlen, "profile '%s' already exists", p->name);
		return -1;
	}
	if (sw_policy_build(p->name, &p->policy, &pol, err, errlen))
		return -1;
	if (sw_profile_add_built(sw, p, &pol, err, errlen)) {
		sw_policy_free(&pol);
		return -1;
	}
	return 0;
}

int
sw_profile_add_built(struct sw *sw, const struct sw_conf_profile *p, struct sw_profile_pol *pol,
	char *err, size_t errlen)
{
	struct sw_profile *np;
	size_t slot = sw->n_profiles;

	for (size_t i = 0; i < sw->n_profiles; i++)
		if (!sw->profiles[i].name[0]) {
			slot = i; /* reuse a deleted slot */
			break;
		}
	if (slot == sw->n_profiles) {
		if (sw->n_profiles >= SW_MAX_PROFILES) {
			snprintf(err, errlen, "at most %d profiles", SW_MAX_PROFILES);
			return -1;
		}
		np = realloc(sw->profiles, (sw->n_profiles + 1) * sizeof(*np));
		if (!np) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		sw->profiles = np;
		sw->n_profiles++;
	}
	np = &sw->profiles[slot];
	memset(np, 0, sizeof(*np));
	snprintf(np->name, sizeof(np->name), "%s", p->name);
	np->type_id = p->type_id;
	np->type_version = p->type_version;
	np->has_vlan = p->has_vlan;
	np->vlan = p->vlan;
	np->pol = *pol; /* the profile owns it now */
	memset(pol, 0, sizeof(*pol));
	return 0;
}

static size_t
profile_users(const struct sw *sw, int32_t idx)
{
	size_t n = 0;

	for (size_t s = 0; s < sw->slots_hwm; s++)
		n += sw->veths[s].used && sw->veths[s].profile == idx;
	return n;
}

int
sw_profile_del(struct sw *sw, const char *name, char *err, size_t errlen)
{
	int32_t idx = sw_profile_index(sw, name);
	size_t users;

	if (idx < 0) {
		snprintf(err, errlen, "no profile named '%s'", name);
		return -1;
	}
	if ((users = profile_users(sw, idx))) {
		snprintf(err, errlen, "profile '%s' is used by %zu vEth(s)", name, users);
		return -1;
	}
	if (sw->default_profile == idx) {
		snprintf(err, errlen,
			"profile '%s' is the default profile for auto-created vEths", name);
		return -1;
	}
	/* A tombstone keeps the other profiles' indexes stable. */
	sw_policy_free(&sw->profiles[idx].pol);
	memset(&sw->profiles[idx], 0, sizeof(sw->profiles[idx]));
	return 0;
}

/* The VLAN vEth 'v' takes from a profile with these settings. */
static uint16_t
profile_vlan(const struct sw_conf_profile *p)
{
	return p->has_vlan ? p->vlan : 0;
}

int
sw_profile_set(
	struct sw *sw, const struct sw_conf_profile *p, uint64_t now, char *err, size_t errlen)
{
	int32_t idx = sw_profile_index(sw, p->name);
	uint16_t vlan = profile_vlan(p);
	struct sw_policy_txn *txn = NULL;
	struct sw_conf_policy cur;
	struct sw_profile_pol pol;
	bool same;

	if (idx < 0) {
		snprintf(err, errlen, "no profile named '%s'", p->name);
		return -1;
	}
	/* Check first: a MAC-bound vEth that follows the profile's VLAN is
	 * bound by MAC+VLAN, so a new VLAN is a new binding, and it must not
	 * be another vEth's, on its port (by_bind) or anywhere (by_mac: a MAC
	 * is bound once per VLAN).  vEths that follow the same profile move
	 * together and cannot collide with each other: they had distinct
	 * MACs in the same VLAN. */
	for (size_t s = 0; s < sw->slots_hwm; s++) {
		const struct sw_veth *v = &sw->veths[s];
		struct sw_veth nv;
		struct sw_htab_ent *e;
		int32_t owner;

		if (!v->used || v->profile != idx || v->own_vlan || v->kind != SW_BIND_MAC ||
			v->vlan == vlan)
			continue;
		nv = *v;
		nv.vlan = vlan;
		e = sw_htab_find(&sw->by_bind, sw_bind_k1(&nv), sw_bind_k2(&nv));
		owner = e ? e->val : sw_mac_owner(sw, vlan, v->mac);
		/* A MAC reserved in that VLAN (cplane.h) is taken too. */
		if (sw_cplane_rsv_check(sw->cp, &nv, false, err, errlen))
			return -1;
		if (owner >= 0 && owner != (int32_t)s) {
			char m[18];

			vn_eth_format_mac(v->mac, m);
			snprintf(err, errlen,
				"vEth %u would move to MAC %s in VLAN %u, which is vEth %u's "
				"binding",
				v->id, m, vlan, sw->veths[owner].id);
			return -1;
		}
	}
	/* The policy: rebuilt only when it changes (a rebuild keeps the
	 * counters of unchanged rules, but starts a new flow cache). */
	if (sw_policy_get_conf(&sw->profiles[idx].pol, &cur)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	same = sw_conf_policy_equal(&cur, &p->policy);
	sw_conf_policy_free(&cur);
	if (!same) {
		if (sw_policy_build(p->name, &p->policy, &pol, err, errlen))
			return -1;
		if (!(txn = sw_policy_prepare(sw, idx, &pol, err, errlen)))
			return -1;
	}
	/* Nothing below fails. */
	if (txn)
		sw_policy_commit(sw, txn, now);
	sw_profile_update(sw, idx, p, now, true);
	return 0;
}

void
sw_profile_update(
	struct sw *sw, int32_t idx, const struct sw_conf_profile *p, uint64_t now, bool rekey)
{
	struct sw_profile *prof = &sw->profiles[idx];
	uint16_t vlan = profile_vlan(p);

	prof->type_id = p->type_id;
	prof->type_version = p->type_version;
	prof->has_vlan = p->has_vlan;
	prof->vlan = p->vlan;
	for (size_t s = 0; s < sw->slots_hwm; s++) {
		struct sw_veth *v = &sw->veths[s];

		if (!v->used || v->profile != idx)
			continue;
		if (!v->own_vlan && v->vlan != vlan) {
			/* MAC+VLAN is the binding of a MAC-bound vEth. */
			bool mac = rekey && v->kind == SW_BIND_MAC;

			if (mac)
				sw_veth_unindex(sw, (int32_t)s);
			sw_vlan_unlink(sw, (int32_t)s);
			v->vlan = vlan;
			sw_vlan_link(sw, (int32_t)s);
			if (mac)
				sw_veth_index(sw, (int32_t)s);
			sw_fdb_flush_dst(&sw->fdb, (int32_t)s);
		}
		sw_event_log(sw, v->id, SW_EV_PROFILE, now, "profile %s changed (vlan %u)",
			prof->name, v->vlan);
	}
}

/* ---- ports ------------------------------------------------------------------- */

int
sw_port_set(struct sw *sw, const char *port, const char *key, const char *value, char *err,
	size_t errlen)
{
	struct sw_port *p = sw_port_by_name(sw, port);
	bool b;

	if (!p) {
		snprintf(err, errlen, "no port named '%s'", port);
		return -1;
	}
	if (!strcmp(key, "admin")) {
		if (strcmp(value, "up") && strcmp(value, "down")) {
			snprintf(err, errlen, "admin: '%s' is not up or down", value);
			return -1;
		}
		p->admin_up = !strcmp(value, "up");
		return 0;
	}
	if (!strcmp(key, "lldp")) {
		int a = sw_lldp_admin_parse(value);

		if (a < 0) {
			snprintf(err, errlen, "lldp: '%s' is not rxtx, rx, tx or disabled",
				value);
			return -1;
		}
		p->lldp_admin = (enum sw_lldp_admin)a;
		if (sw->cp)
			sw_cplane_port_changed(sw->cp, p->idx, sw->now_us);
		return 0;
	}
	if (!strcmp(key, "max_veths")) {
		char *end;
		unsigned long n;

		errno = 0;
		n = strtoul(value, &end, 10);
		/* Digits only: strtoul alone would take " 5", "+5" and "-1". */
		if (p->role != SW_ROLE_HOST || errno || *end || *value < '0' || *value > '9' ||
			n > SW_CEIL_MAX_VETHS) {
			snprintf(err, errlen, "max_veths: '%s' is not 0..%u on a host port",
				value, SW_CEIL_MAX_VETHS);
			return -1;
		}
		if (n < p->n_veths + sw_cplane_rsv_veths(sw->cp, (int)p->idx)) {
			snprintf(err, errlen,
				"max_veths: port '%s' already has %u vEths (%u more reserved by "
				"VDP)",
				port, p->n_veths, sw_cplane_rsv_veths(sw->cp, (int)p->idx));
			return -1;
		}
		p->max_veths = (uint32_t)n;
		return 0;
	}
	if (!strcmp(key, "auto_create") || !strcmp(key, "reflective_relay")) {
		if (!strcmp(value, "true") || !strcmp(value, "on") || !strcmp(value, "yes"))
			b = true;
		else if (!strcmp(value, "false") || !strcmp(value, "off") ||
			!strcmp(value, "no"))
			b = false;
		else {
			snprintf(err, errlen, "%s: '%s' is not true or false", key, value);
			return -1;
		}
		if (p->role != SW_ROLE_HOST) {
			snprintf(err, errlen, "%s applies to host ports", key);
			return -1;
		}
		if (key[0] == 'a') {
			p->auto_create = b;
		} else {
			if (p->mode != SW_MODE_VEPA) {
				snprintf(err, errlen, "reflective_relay applies to vepa ports");
				return -1;
			}
			p->reflective_relay = b;
			sw_port_update_relay(p);
			if (sw->cp)
				sw_cplane_port_changed(sw->cp, p->idx, sw->now_us);
		}
		return 0;
	}
	snprintf(err, errlen, "port set: unknown setting '%s'", key);
	return -1;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* sw.c - the switch model: ports, profiles, vEths and the FDB. */
#include <config.h>

#include "switchd/sw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/acl.h"
#include "switchd/admin.h"
#include "switchd/cplane.h"
#include "switchd/policy.h"
#include "switchd/sw_internal.h"
#include "vntag/etag.h"
#include "vntag/eth.h"
#include "vntag/vntag.h"

const char *
sw_drop_name(enum sw_drop d)
{
	static const char *const names[SW_DROP_MAX] = {
		[SW_DROP_MALFORMED] = "malformed",
		[SW_DROP_MISSING_TAG] = "missing_tag",
		[SW_DROP_WRONG_DIRECTION] = "wrong_direction",
		[SW_DROP_UNKNOWN_VETH] = "unknown_veth",
		[SW_DROP_VLAN_NOT_ALLOWED] = "vlan_not_allowed",
		[SW_DROP_SPOOFED_SOURCE] = "spoofed_source",
		[SW_DROP_SELF_REFLECTION] = "self_reflection",
		[SW_DROP_LIMIT] = "limit",
		[SW_DROP_PORT_DOWN] = "port_down",
		[SW_DROP_RESERVED_DA] = "reserved_da",
		[SW_DROP_SAME_VETH] = "same_veth",
		[SW_DROP_NO_ROUTE] = "no_route",
		[SW_DROP_UNKNOWN_CHANNEL] = "unknown_channel",
		[SW_DROP_ACL_IN] = "acl_in",
		[SW_DROP_ACL_OUT] = "acl_out",
		[SW_DROP_POLICE_IN] = "police_in",
		[SW_DROP_POLICE_OUT] = "police_out",
		[SW_DROP_TX_FULL] = "tx_full",
	};
	return (unsigned)d < SW_DROP_MAX ? names[d] : "unknown";
}

/* ---- FDB ----------------------------------------------------------- */

int
sw_fdb_init(struct sw_fdb *f, uint32_t max, uint32_t aging_s)
{
	memset(f, 0, sizeof(*f));
	f->aging_us = (uint64_t)aging_s * 1000000u;
	return sw_htab_init(&f->t, max);
}

void
sw_fdb_free(struct sw_fdb *f)
{
	sw_htab_free(&f->t);
}

/* The vEth an FDB destination is, when shares are kept. */
static struct sw_veth *
fdb_veth(struct sw_fdb *f, int32_t dst)
{
	return dst >= 0 && f->veths ? &f->veths[dst] : NULL;
}

/* An entry pointing at dst goes (or moves away). */
static void
fdb_unref(struct sw_fdb *f, int32_t dst)
{
	struct sw_veth *v = fdb_veth(f, dst);

	if (v && v->fdb_n)
		v->fdb_n--;
}

/* May dst take one more entry?  Counts the refusal if not. */
static bool
fdb_room(struct sw_fdb *f, int32_t dst)
{
	struct sw_veth *v = fdb_veth(f, dst);

	if (!v || !f->veth_max || v->fdb_n < f->veth_max)
		return true;
	v->fdb_refused++;
	f->veth_refused++;
	return false;
}

void
sw_fdb_learn(struct sw_fdb *f, uint16_t vlan, const uint8_t *mac, int32_t dst, uint64_t now)
{
	uint64_t k1 = SW_FDB_K1(vlan, mac);
	struct sw_htab_ent *e = sw_htab_find(&f->t, k1, 0);
	struct sw_veth *v;

	if (e) {
		if (e->val != dst) {
			/* Station moved.  Onto a vEth at its share: the old
			 * entry is stale anyway, so it goes (replies flood). */
			fdb_unref(f, e->val);
			if (!fdb_room(f, dst)) {
				sw_htab_remove(&f->t, e);
				f->epoch++;
				return;
			}
			if ((v = fdb_veth(f, dst)))
				v->fdb_n++;
			e->val = dst;
			f->moved++;
			f->epoch++;
		}
		e->aux = now;
		return;
	}
	/* A vEth at its share learns no more (issue 9: a host sending from
	 * random MACs cannot fill the table); the frame still forwards. */
	if (!fdb_room(f, dst))
		return;
	if (sw_htab_insert(&f->t, k1, 0, dst, now)) {
		f->learned++;
		if ((v = fdb_veth(f, dst)))
			v->fdb_n++;
	} else {
		f->full++; /* table full: the frame still forwards, its replies flood */
	}
}

int32_t
sw_fdb_lookup(struct sw_fdb *f, uint16_t vlan, const uint8_t *mac, uint64_t now)
{
	struct sw_htab_ent *e = sw_htab_find(&f->t, SW_FDB_K1(vlan, mac), 0);

	if (!e)
		return SW_HTAB_EMPTY;
	if (now >= e->aux + f->aging_us) {
		/* Lazy ageing (802.1Q 8.8.3): an expired entry is gone. */
		fdb_unref(f, e->val);
		sw_htab_remove(&f->t, e);
		f->epoch++;
		return SW_HTAB_EMPTY;
	}
	return e->val;
}

void
sw_fdb_flush_dst(struct sw_fdb *f, int32_t dst)
{
	for (uint64_t i = 0; i <= f->t.mask;) {
		struct sw_htab_ent *e = &f->t.ent[i];

		/* After a removal the slot may hold a shifted entry: look again. */
		if (e->val == dst) {
			fdb_unref(f, dst);
			sw_htab_remove(&f->t, e);
			f->epoch++;
		} else {
			i++;
		}
	}
}

size_t
sw_fdb_sweep(struct sw_fdb *f, uint64_t now)
{
	size_t n = 0;

	for (uint64_t i = 0; i <= f->t.mask;) {
		struct sw_htab_ent *e = &f->t.ent[i];

		if (e->val != SW_HTAB_EMPTY && now >= e->aux + f->aging_us) {
			fdb_unref(f, e->val);
			sw_htab_remove(&f->t, e);
			f->epoch++;
			n++;
		} else {
			i++;
		}
	}
	return n;
}

/* ---- model ------------------------------------------------------------ */

static void *
dup_array(const void *src, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p && n)
		memcpy(p, src, n * size);
	return p;
}

int32_t
sw_profile_index(const struct sw *sw, const char *name)
{
	if (!name[0])
		return -1; /* deleted profiles are empty-named tombstones */
	for (size_t i = 0; i < sw->n_profiles; i++)
		if (!strcmp(sw->profiles[i].name, name))
			return (int32_t)i;
	return -1;
}

struct sw *
sw_create(const struct sw_conf *conf, char *err, size_t errlen)
{
	struct sw *sw = calloc(1, sizeof(*sw));

	if (!sw) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	sw->conf = *conf;
	sw->conf.ports = dup_array(conf->ports, conf->n_ports, sizeof(*conf->ports));
	sw->conf.profiles =
		dup_array(conf->profiles, conf->n_profiles, sizeof(*conf->profiles));
	sw->conf.veths = dup_array(conf->veths, conf->n_veths, sizeof(*conf->veths));
	/* The copy keeps no ACL rules: they belong to the caller's conf, and
	 * the running ones are the profiles' (sw->profiles[i].pol). */
	for (size_t i = 0; sw->conf.profiles && i < conf->n_profiles; i++)
		memset(&sw->conf.profiles[i].policy, 0, sizeof(sw->conf.profiles[i].policy));
	sw->n_ports = (unsigned)conf->n_ports;
	sw->ports = calloc(conf->n_ports ? conf->n_ports : 1, sizeof(*sw->ports));
	sw->n_profiles = conf->n_profiles;
	sw->profiles = calloc(conf->n_profiles ? conf->n_profiles : 1, sizeof(*sw->profiles));
	sw->max_veths = conf->max_veths;
	/* Cache-line aligned (struct sw_veth's layout relies on it). */
	sw->veths = sw_alloc_big((size_t)conf->max_veths * sizeof(*sw->veths));
	sw->free_next = calloc(conf->max_veths, sizeof(*sw->free_next));
	sw->flood_marks = calloc(
		(conf->n_ports ? conf->n_ports : 1) * SW_SCHAN_SLOTS, sizeof(*sw->flood_marks));
	sw->flood_copy_len = calloc((conf->n_ports ? conf->n_ports : 1) * SW_SCHAN_SLOTS,
		sizeof(*sw->flood_copy_len));
	if (!sw->conf.ports || !sw->conf.profiles || !sw->conf.veths || !sw->ports ||
		!sw->profiles || !sw->veths || !sw->free_next || !sw->flood_marks ||
		!sw->flood_copy_len || sw_htab_init(&sw->by_id, conf->max_veths) ||
		sw_htab_init(&sw->by_bind, 2 * conf->max_veths) ||
		sw_htab_init(&sw->by_mac, 2 * conf->max_veths) ||
		sw_audit_init(sw, conf->max_veths) ||
		sw_fdb_init(&sw->fdb, conf->fdb_max, conf->fdb_aging_s)) {
		snprintf(err, errlen, "out of memory for %u vEths / %u FDB entries",
			conf->max_veths, conf->fdb_max);
		sw_destroy(sw);
		return NULL;
	}
	sw->fdb.veths = sw->veths;
	sw->fdb.veth_max = conf->fdb_max_per_veth;
	for (uint32_t i = 0; i < conf->max_veths; i++)
		sw->free_next[i] = i + 1 < conf->max_veths ? (int32_t)(i + 1) : -1;
	sw->free_head = 0;
	sw->next_auto_id = SW_AUTO_ID_BASE;
	sw->ev_cap = SW_DEF_EVENTS;
	sw->events = calloc(sw->ev_cap, sizeof(*sw->events));
	if (!sw->events) {
		snprintf(err, errlen, "out of memory for the event log");
		sw_destroy(sw);
		return NULL;
	}
	for (unsigned v = 0; v < 4096; v++)
		sw->vlan_head[v] = -1;
	for (unsigned i = 0; i < sw->n_ports; i++) {
		const struct sw_conf_port *cp = &conf->ports[i];
		struct sw_port *p = &sw->ports[i];

		p->idx = i;
		snprintf(p->name, sizeof(p->name), "%s", cp->name);
		snprintf(p->ifname, sizeof(p->ifname), "%s", cp->ifname);
		p->role = cp->role;
		p->mode = cp->mode;
		p->admin_up = cp->admin_up;
		p->auto_create = cp->auto_create;
		p->reflective_relay = cp->reflective_relay;
		p->max_veths = cp->max_veths;
		p->max_channels = cp->max_channels ? cp->max_channels : SW_DEF_CHANNELS;
		p->lldp_admin = sw_conf_port_lldp(conf, cp);
		memcpy(p->vlans, cp->vlans, sizeof(p->vlans));
		if (p->mode == SW_MODE_VNTAG && p->role == SW_ROLE_HOST) {
			p->vif_slot = malloc(4096 * sizeof(*p->vif_slot));
			p->vif_vlan = calloc(4096, sizeof(*p->vif_vlan));
			if (!p->vif_slot || !p->vif_vlan) {
				snprintf(err, errlen, "out of memory");
				sw_destroy(sw);
				return NULL;
			}
			for (unsigned v = 0; v < 4096; v++)
				p->vif_slot[v] = -1;
		}
		sw_port_update_relay(p);
		sw_port_set_schannels(p, cp);
	}
	for (size_t i = 0; i < sw->n_profiles; i++) {
		const struct sw_conf_profile *cp = &conf->profiles[i];
		struct sw_profile *p = &sw->profiles[i];

		snprintf(p->name, sizeof(p->name), "%s", cp->name);
		p->type_id = cp->type_id;
		p->type_version = cp->type_version;
		p->vlan = cp->vlan;
		p->has_vlan = cp->has_vlan;
		if (sw_policy_build(cp->name, &cp->policy, &p->pol, err, errlen)) {
			sw_destroy(sw);
			return NULL;
		}
	}
	sw->default_profile =
		conf->default_profile[0] ? sw_profile_index(sw, conf->default_profile) : -1;
	for (size_t i = 0; i < conf->n_veths; i++) {
		if (sw_veth_add(sw, &conf->veths[i], SW_ORIGIN_CONFIG, 0, err, errlen)) {
			sw_destroy(sw);
			return NULL;
		}
	}
	return sw;
}

void
sw_destroy(struct sw *sw)
{
	if (!sw)
		return;
	/* The control plane may still send (it never does on destroy) and
	 * holds pointers into the ports: it goes first. */
	sw_cplane_destroy(sw->cp);
	for (unsigned i = 0; sw->ports && i < sw->n_ports; i++)
		if (sw->ports[i].ops && sw->ports[i].ops->close)
			sw->ports[i].ops->close(&sw->ports[i]);
	for (size_t s = 0; sw->veths && s < sw->slots_hwm; s++)
		sw_policy_veth_detach(&sw->veths[s]);
	for (size_t i = 0; sw->profiles && i < sw->n_profiles; i++)
		sw_policy_free(&sw->profiles[i].pol);
	sw_htab_free(&sw->by_id);
	sw_htab_free(&sw->by_bind);
	sw_htab_free(&sw->by_mac);
	sw_audit_free(sw);
	sw_fdb_free(&sw->fdb);
	free(sw->veths);
	free(sw->free_next);
	free(sw->flood_marks);
	free(sw->flood_copy_len);
	free(sw->events);
	for (unsigned i = 0; sw->ports && i < sw->n_ports; i++)
		free(sw->ports[i].vif_slot), free(sw->ports[i].vif_vlan);
	free(sw->ports);
	free(sw->profiles);
	sw_conf_free(&sw->conf);
	free(sw);
	sw_acl_quiesce(); /* the destroyed ACLs' postponed classifier frees */
}

void
sw_port_attach(struct sw *sw, unsigned port, const struct sw_port_ops *ops, void *be)
{
	sw->ports[port].ops = ops;
	sw->ports[port].be = be;
}

unsigned
sw_n_ports(const struct sw *sw)
{
	return sw->n_ports;
}

struct sw_port *
sw_port(struct sw *sw, unsigned idx)
{
	return idx < sw->n_ports ? &sw->ports[idx] : NULL;
}

struct sw_port *
sw_port_by_name(struct sw *sw, const char *name)
{
	for (unsigned i = 0; i < sw->n_ports; i++)
		if (!strcmp(sw->ports[i].name, name))
			return &sw->ports[i];
	return NULL;
}

uint64_t
sw_bind_k1(const struct sw_veth *v)
{
	return v->kind == SW_BIND_MAC ? SW_MACBIND_K1(v->mac, v->vlan)
				      : SW_BIND_K1(v->kind, v->key);
}

void
sw_vlan_link(struct sw *sw, int32_t slot)
{
	struct sw_veth *v = &sw->veths[slot];

	v->vlan_prev = -1;
	v->vlan_next = sw->vlan_head[v->vlan];
	if (v->vlan_next >= 0)
		sw->veths[v->vlan_next].vlan_prev = slot;
	sw->vlan_head[v->vlan] = slot;
}

void
sw_vlan_unlink(struct sw *sw, int32_t slot)
{
	struct sw_veth *v = &sw->veths[slot];

	if (v->vlan_prev >= 0)
		sw->veths[v->vlan_prev].vlan_next = v->vlan_next;
	else
		sw->vlan_head[v->vlan] = v->vlan_next;
	if (v->vlan_next >= 0)
		sw->veths[v->vlan_next].vlan_prev = v->vlan_prev;
}

void
sw_veth_index(struct sw *sw, int32_t slot)
{
	const struct sw_veth *v = &sw->veths[slot];

	/* Both tables are sized for twice max_veths and the extra MACs are
	 * capped at max_veths (n_extra_macs): inserts cannot fail. */
	/* aux: the vEth's VLAN, for sw_input_burst's prefetching (a hint:
	 * stale after a VLAN change until the next re-index, never used to
	 * decide anything). */
	sw_htab_insert(&sw->by_bind, sw_bind_k1(v), sw_bind_k2(v), slot, v->vlan);
	if (v->kind == SW_BIND_VIF && sw->ports[v->port].vif_slot && v->key < 4096) {
		sw->ports[v->port].vif_slot[v->key] = slot;
		sw->ports[v->port].vif_vlan[v->key] = v->vlan;
	}
	if (v->kind == SW_BIND_MAC)
		sw_htab_insert(&sw->by_mac, SW_FDB_K1(v->vlan, v->mac), 0, slot, 0);
	for (unsigned i = 0; i < v->n_extra_macs; i++) {
		const uint8_t *m = v->extra_macs[i];

		if (v->kind == SW_BIND_MAC)
			sw_htab_insert(&sw->by_bind, SW_MACBIND_K1(m, v->vlan), sw_bind_k2(v),
				slot, v->vlan);
		sw_htab_insert(&sw->by_mac, SW_FDB_K1(v->vlan, m), 0, slot, 0);
	}
	sw_audit_index(sw, slot);
}

static void
unindex_one(struct sw_htab *t, uint64_t k1, uint32_t k2, int32_t slot)
{
	struct sw_htab_ent *e = sw_htab_find(t, k1, k2);

	if (e && e->val == slot)
		sw_htab_remove(t, e);
}

void
sw_veth_unindex(struct sw *sw, int32_t slot)
{
	const struct sw_veth *v = &sw->veths[slot];

	sw_audit_unindex(sw, slot);
	unindex_one(&sw->by_bind, sw_bind_k1(v), sw_bind_k2(v), slot);
	if (v->kind == SW_BIND_VIF && sw->ports[v->port].vif_slot && v->key < 4096 &&
		sw->ports[v->port].vif_slot[v->key] == slot)
		sw->ports[v->port].vif_slot[v->key] = -1;
	if (v->kind == SW_BIND_MAC)
		unindex_one(&sw->by_mac, SW_FDB_K1(v->vlan, v->mac), 0, slot);
	for (unsigned i = 0; i < v->n_extra_macs; i++) {
		const uint8_t *m = v->extra_macs[i];

		if (v->kind == SW_BIND_MAC)
			unindex_one(
				&sw->by_bind, SW_MACBIND_K1(m, v->vlan), sw_bind_k2(v), slot);
		unindex_one(&sw->by_mac, SW_FDB_K1(v->vlan, m), 0, slot);
	}
}

int32_t
sw_mac_owner(const struct sw *sw, uint16_t vlan, const uint8_t *mac)
{
	const struct sw_htab_ent *e;

	if (!sw->by_mac.n) /* no MAC bound: do not touch the table at all */
		return -1;
	e = sw_htab_find(&sw->by_mac, SW_FDB_K1(vlan, mac), 0);
	return e ? e->val : -1;
}

uint32_t
sw_veth_alloc_id(struct sw *sw)
{
	while (sw_htab_find(&sw->by_id, sw->next_auto_id, 0))
		sw->next_auto_id =
			sw->next_auto_id >= 0x7FFFFFFF ? SW_AUTO_ID_BASE : sw->next_auto_id + 1;
	return sw->next_auto_id++;
}

int
sw_veth_add(struct sw *sw, const struct sw_conf_veth *cv, enum sw_origin origin, uint64_t now,
	char *err, size_t errlen)
{
	return sw_veth_add_macs(sw, cv, origin, NULL, 0, now, NULL, err, errlen);
}

/* Is 'mac' in VLAN 'vlan' free for vEth 'self' (-1: a new one) on sub-port
 * k2 (SW_BIND_K2)?  Checks the switch-wide MAC reservation and, for a
 * MAC-bound vEth, its sub-port's bindings.  Returns the slot that holds it,
 * or -1. */
static int32_t
mac_taken(const struct sw *sw, uint16_t vlan, const uint8_t *mac, bool bind, uint32_t k2,
	int32_t self)
{
	int32_t owner = sw_mac_owner(sw, vlan, mac);
	const struct sw_htab_ent *e;

	if (owner >= 0 && owner != self)
		return owner;
	e = bind ? sw_htab_find(&sw->by_bind, SW_MACBIND_K1(mac, vlan), k2) : NULL;
	return e && e->val != self ? e->val : -1;
}

int
sw_veth_add_macs(struct sw *sw, const struct sw_conf_veth *cv, enum sw_origin origin,
	const uint8_t (*extra)[VN_ETH_ALEN], size_t n, uint64_t now, int32_t *slot_out,
	char *err, size_t errlen)
{
	struct sw_port *p = sw_port_by_name(sw, cv->port);
	struct sw_veth tmp = { 0 };
	int32_t slot;

	if (!p || p->role != SW_ROLE_HOST) {
		snprintf(err, errlen, "vEth %u: no host port named '%s'", cv->id, cv->port);
		return -1;
	}
	if (sw_htab_find(&sw->by_id, cv->id, 0)) {
		snprintf(err, errlen, "vEth %u already exists", cv->id);
		return -1;
	}
	if ((p->mode == SW_MODE_VNTAG && cv->kind != SW_BIND_VIF) ||
		(p->mode == SW_MODE_ETAG && cv->kind != SW_BIND_ECID) ||
		(p->mode == SW_MODE_VEPA && cv->kind != SW_BIND_MAC)) {
		snprintf(err, errlen, "vEth %u: port '%s' is a %s port", cv->id, p->name,
			sw_mode_name(p->mode));
		return -1;
	}
	/* The configuration's ranges, for callers that bypass it (auto-create,
	 * VDP, the CLI): the key must fit its tag and the VLAN index the
	 * 4096-entry flood lists (VID 4095 is reserved, 802.1Q Table 9-2). */
	if (cv->kind == SW_BIND_VIF && cv->key > VNTAG_SVIF_MAX) {
		snprintf(err, errlen, "vEth %u: vif %u is out of range 0..%u", cv->id, cv->key,
			VNTAG_SVIF_MAX);
		return -1;
	}
	if (cv->kind == SW_BIND_ECID && (cv->key < 1 || cv->key > ETAG_ECID_MAX)) {
		snprintf(err, errlen, "vEth %u: E-CID %u is out of range 1..%u", cv->id,
			cv->key, ETAG_ECID_MAX);
		return -1;
	}
	if (cv->has_vlan && cv->vlan > 4094) {
		snprintf(err, errlen, "vEth %u: VLAN %u is out of range 0..4094", cv->id,
			cv->vlan);
		return -1;
	}
	tmp.id = cv->id;
	tmp.port = (uint16_t)p->idx;
	tmp.kind = (uint8_t)cv->kind;
	tmp.origin = (uint8_t)origin;
	tmp.key = cv->key;
	memcpy(tmp.mac, cv->mac, sizeof(tmp.mac));
	if (tmp.kind == SW_BIND_MAC) {
		/* The default channel unless the port's S-channels pool has it
		 * (the configuration's rule, for the CLI and the tests). */
		tmp.svid = cv->svid ? cv->svid : SW_SCHAN_DEFAULT_SVID;
		if (tmp.svid != SW_SCHAN_DEFAULT_SVID &&
			(!p->schan_on || tmp.svid < p->svid_min || tmp.svid > p->svid_max)) {
			if (p->schan_on)
				snprintf(err, errlen,
					"vEth %u: S-VID %u is outside the pool %u..%u of port "
					"'%s'",
					cv->id, tmp.svid, p->svid_min, p->svid_max, p->name);
			else
				snprintf(err, errlen,
					"vEth %u: port '%s' has no S-channels (svid 1 only)",
					cv->id, p->name);
			return -1;
		}
	}
	tmp.profile = cv->profile[0] ? sw_profile_index(sw, cv->profile) : -1;
	if (cv->profile[0] && tmp.profile < 0) {
		snprintf(err, errlen, "vEth %u: no profile named '%s'", cv->id, cv->profile);
		return -1;
	}
	tmp.own_vlan = cv->has_vlan && !cv->vlan_from_profile;
	if (cv->has_vlan)
		tmp.vlan = cv->vlan;
	else if (tmp.profile >= 0 && sw->profiles[tmp.profile].has_vlan)
		tmp.vlan = sw->profiles[tmp.profile].vlan;
	if (sw_htab_find(&sw->by_bind, sw_bind_k1(&tmp), sw_bind_k2(&tmp))) {
		snprintf(err, errlen, "vEth %u: its binding on port '%s' is already taken",
			cv->id, p->name);
		return -1;
	}
	if (tmp.kind == SW_BIND_MAC && sw_mac_owner(sw, tmp.vlan, tmp.mac) >= 0) {
		snprintf(err, errlen, "vEth %u: its MAC in VLAN %u is bound to vEth %u", cv->id,
			tmp.vlan, sw->veths[sw_mac_owner(sw, tmp.vlan, tmp.mac)].id);
		return -1;
	}
	if (n > SW_VETH_EXTRA_MACS || n > sw->max_veths - sw->n_extra_macs) {
		snprintf(err, errlen, "vEth %u: no room for %zu more bound MACs", cv->id, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int32_t owner = mac_taken(
			sw, tmp.vlan, extra[i], tmp.kind == SW_BIND_MAC, sw_bind_k2(&tmp), -1);
		char m[18];

		vn_eth_format_mac(extra[i], m);
		if ((extra[i][0] & 1) || owner >= 0 ||
			(tmp.kind == SW_BIND_MAC && !memcmp(extra[i], tmp.mac, VN_ETH_ALEN))) {
			snprintf(err, errlen, "vEth %u: MAC %s in VLAN %u %s", cv->id, m,
				tmp.vlan,
				owner >= 0 ? "is bound to another vEth"
					   : "is a group address or listed twice");
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (!memcmp(extra[i], extra[j], VN_ETH_ALEN)) {
				snprintf(
					err, errlen, "vEth %u: MAC %s listed twice", cv->id, m);
				return -1;
			}
		memcpy(tmp.extra_macs[i], extra[i], VN_ETH_ALEN);
	}
	tmp.n_extra_macs = (uint8_t)n;
	/* What a VSI's PRE-ASSOCIATE with RR reserved is its ASSOCIATE's
	 * (cplane.h): VDP checked its own requests against it already. */
	if (origin != SW_ORIGIN_VDP && sw->cp) {
		char why[160];

		if (sw_cplane_rsv_check(sw->cp, &tmp, true, why, sizeof(why))) {
			snprintf(err, errlen, "vEth %u: %s", cv->id, why);
			return -1;
		}
	}
	if (p->n_veths >= p->max_veths) {
		snprintf(err, errlen, "vEth %u: port '%s' is at max_veths = %u", cv->id,
			p->name, p->max_veths);
		return -1;
	}
	if (sw->free_head < 0) {
		snprintf(err, errlen, "vEth %u: the switch is at max_veths = %u", cv->id,
			sw->max_veths);
		return -1;
	}
	slot = sw->free_head;
	sw->free_head = sw->free_next[slot];
	tmp.used = true;
	tmp.created_us = now;
	tmp.learn_epoch = (uint16_t)(sw->fdb.epoch - 1); /* an empty learning cache */
	sw->veths[slot] = tmp;
	sw_audit_veth_new(sw, slot, now);
	sw->n_extra_macs += tmp.n_extra_macs;
	if (slot_out)
		*slot_out = slot;
	/* Both tables are sized for max_veths, so these inserts cannot fail. */
	sw_htab_insert(&sw->by_id, tmp.id, 0, slot, 0);
	sw_veth_index(sw, slot);
	sw_vlan_link(sw, slot);
	if ((size_t)slot + 1 > sw->slots_hwm)
		sw->slots_hwm = (size_t)slot + 1;
	p->n_veths++;
	sw->n_veths++;
	sw_event_log(sw, tmp.id, SW_EV_CREATED, now, "%s vEth",
		origin == SW_ORIGIN_AUTO          ? "auto-created"
			: origin == SW_ORIGIN_VDP ? "VDP"
						  : "configured");
	if (tmp.kind == SW_BIND_MAC) {
		char m[18];

		vn_eth_format_mac(tmp.mac, m);
		if (tmp.svid != SW_SCHAN_DEFAULT_SVID)
			sw_event_log(sw, tmp.id, SW_EV_BOUND, now,
				"port %s S-VID %u mac %s vlan %u%s", p->name, tmp.svid, m,
				tmp.vlan, tmp.n_extra_macs ? " (and more MACs)" : "");
		else
			sw_event_log(sw, tmp.id, SW_EV_BOUND, now, "port %s mac %s vlan %u%s",
				p->name, m, tmp.vlan,
				tmp.n_extra_macs ? " (and more MACs)" : "");
	} else {
		sw_event_log(sw, tmp.id, SW_EV_BOUND, now, "port %s %s %u vlan %u", p->name,
			tmp.kind == SW_BIND_VIF ? "vif" : "ecid", tmp.key, tmp.vlan);
	}
	if (tmp.profile >= 0)
		sw_event_log(sw, tmp.id, SW_EV_PROFILE, now, "profile %s",
			sw->profiles[tmp.profile].name);
	/* Its policy state (none without a profile with policy).  Out of
	 * memory here leaves the vEth failing closed (sw.h), logged. */
	sw_policy_veth_attach(sw, slot);
	return 0;
}

int
sw_veth_del(struct sw *sw, uint32_t id)
{
	return sw_veth_del_reason(sw, id, sw->now_us, "deleted");
}

int
sw_veth_del_reason(struct sw *sw, uint32_t id, uint64_t now, const char *reason)
{
	const struct sw_veth *v = sw_veth_by_id(sw, id);

	/* A VDP vEth exists because its station associated it: deleting it
	 * is a bridge-initiated de-associate, which removes it (cplane.c). */
	if (v && v->origin == SW_ORIGIN_VDP && sw->cp &&
		!sw_cplane_veth_deassoc(sw->cp, id, now))
		return 0;
	return sw_veth_remove(sw, id, now, reason);
}

void
sw_veth_rebind(struct sw *sw, int32_t slot, int32_t profile, uint16_t vlan, const uint8_t *mac,
	const uint8_t (*extra)[VN_ETH_ALEN], size_t n, uint64_t now)
{
	struct sw_veth *v = &sw->veths[slot];

	sw_veth_unindex(sw, slot);
	sw_vlan_unlink(sw, slot);
	sw_fdb_flush_dst(&sw->fdb, slot);
	sw->n_extra_macs -= v->n_extra_macs;
	if (v->profile != profile) {
		v->profile = profile;
		sw_policy_veth_attach(sw, slot); /* the new profile's policy, fresh */
	}
	v->vlan = vlan;
	v->own_vlan = true;
	memcpy(v->mac, mac, VN_ETH_ALEN);
	v->n_extra_macs = (uint8_t)n;
	for (size_t i = 0; i < n; i++)
		memcpy(v->extra_macs[i], extra[i], VN_ETH_ALEN);
	sw->n_extra_macs += v->n_extra_macs;
	sw_vlan_link(sw, slot);
	sw_veth_index(sw, slot);
	sw_event_log(sw, v->id, SW_EV_CHANGED, now, "re-bound: vlan %u, %u more MACs", vlan,
		v->n_extra_macs);
}

int
sw_veth_remove(struct sw *sw, uint32_t id, uint64_t now, const char *reason)
{
	struct sw_htab_ent *e = sw_htab_find(&sw->by_id, id, 0);
	struct sw_veth *v;
	int32_t slot;

	if (!e)
		return -1;
	slot = e->val;
	v = &sw->veths[slot];
	sw_htab_remove(&sw->by_id, e);
	sw_veth_unindex(sw, slot);
	sw_vlan_unlink(sw, slot);
	sw_fdb_flush_dst(&sw->fdb, slot);
	sw->ports[v->port].n_veths--;
	sw->n_veths--;
	sw->n_extra_macs -= v->n_extra_macs;
	sw_event_log(sw, id, SW_EV_DELETED, now, "%s", reason);
	sw_policy_veth_detach(v);
	memset(v, 0, sizeof(*v));
	sw->free_next[slot] = sw->free_head;
	sw->free_head = slot;
	return 0;
}

const struct sw_veth *
sw_veth_by_id(const struct sw *sw, uint32_t id)
{
	const struct sw_htab_ent *e = sw_htab_find(&sw->by_id, id, 0);

	return e ? &sw->veths[e->val] : NULL;
}

size_t
sw_veth_slots(const struct sw *sw)
{
	return sw->slots_hwm;
}

const struct sw_veth *
sw_veth_slot(const struct sw *sw, size_t slot)
{
	return slot < sw->slots_hwm && sw->veths[slot].used ? &sw->veths[slot] : NULL;
}

const struct sw_profile *
sw_profile_at(const struct sw *sw, int idx)
{
	return idx >= 0 && (size_t)idx < sw->n_profiles && sw->profiles[idx].name[0]
		? &sw->profiles[idx]
		: NULL;
}

size_t
sw_n_profiles(const struct sw *sw)
{
	return sw->n_profiles;
}

uint64_t
sw_run_timers(struct sw *sw, uint64_t now)
{
	/* Sweep aged FDB entries a few times per ageing period; lookups
	 * already ignore expired ones, the sweep only frees their slots. */
	uint64_t period = sw->fdb.aging_us / 4;

	if (period < 1000000)
		period = 1000000;
	if (now > sw->now_us)
		sw->now_us = now;
	if (now >= sw->fdb.next_sweep_us) {
		sw_fdb_sweep(&sw->fdb, now);
		sw->fdb.next_sweep_us = now + period;
	}
	/* Rates and drop events over fixed windows (show veths, events). */
	if (!sw->next_rate_us)
		sw->next_rate_us = now + SW_RATE_WINDOW_US;
	if (now >= sw->next_rate_us) {
		sw_rates_tick(sw, now, SW_RATE_WINDOW_US);
		sw_audit_tick(sw, now); /* findings, at the same cadence */
		sw->next_rate_us = now + SW_RATE_WINDOW_US;
	}
	if (sw->cp)
		sw_cplane_run(sw->cp, now);
	return sw_next_deadline(sw);
}

uint64_t
sw_next_deadline(struct sw *sw)
{
	uint64_t next = sw->fdb.next_sweep_us < sw->next_rate_us ? sw->fdb.next_sweep_us
								 : sw->next_rate_us;
	uint64_t cp = sw->cp ? sw_cplane_next_deadline(sw->cp) : UINT64_MAX;

	return cp < next ? cp : next;
}

struct sw_cplane *
sw_get_cplane(const struct sw *sw)
{
	return sw->cp;
}

void
sw_port_update_relay(struct sw_port *p)
{
	/* The EVB negotiation (RRCTR = RRCAP && RRREQ) decides once a
	 * station took part; before that the configuration does. */
	p->relay_active = p->mode == SW_MODE_VEPA && p->reflective_relay &&
		(!p->evb_station || p->evb_rrreq);
}

void
sw_port_set_schannels(struct sw_port *p, const struct sw_conf_port *cp)
{
	p->schan_on = p->mode == SW_MODE_VEPA && cp->schannels;
	p->chncap = p->schan_on ? cp->chncap : 0;
	p->svid_min = p->schan_on ? cp->svid_min : 0;
	p->svid_max = p->schan_on ? cp->svid_max : 0;
	/* Granted channels are the control plane's to add and remove; the
	 * default channel exists on every VEPA port. */
	if (p->mode == SW_MODE_VEPA)
		p->schan_slot[SW_SCHAN_DEFAULT_SVID] = 1;
}

bool
sw_schan_relay(const struct sw_port *p, uint16_t svid)
{
	unsigned slot = sw_schan_slot(p, svid);

	if (slot == 1)
		return p->relay_active;
	return slot && p->schan_relay[slot];
}

void
sw_schan_set(struct sw_port *p, uint16_t svid, unsigned slot, bool relay)
{
	if (svid <= SW_SCHAN_DEFAULT_SVID || svid > 4094 || slot < 2 || slot >= SW_SCHAN_SLOTS)
		return;
	p->schan_slot[svid] = (uint8_t)slot;
	p->schan_relay[slot] = relay;
}

void
sw_schan_clear(struct sw_port *p, uint16_t svid)
{
	unsigned slot = sw_schan_slot(p, svid);

	if (svid <= SW_SCHAN_DEFAULT_SVID || !slot)
		return;
	p->schan_slot[svid] = 0;
	p->schan_relay[slot] = false;
}

void
sw_flush(struct sw *sw, uint64_t now)
{
	for (unsigned i = 0; i < sw->n_ports; i++)
		if (sw->ports[i].ops && sw->ports[i].ops->flush)
			sw->ports[i].ops->flush(&sw->ports[i], now);
}

void
sw_totals(const struct sw *sw, struct sw_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < sw->n_ports; i++) {
		const struct sw_counters *c = &sw->ports[i].ctr;

		out->rx_frames += c->rx_frames;
		out->rx_bytes += c->rx_bytes;
		out->tx_frames += c->tx_frames;
		out->tx_bytes += c->tx_bytes;
		for (int d = 0; d < SW_DROP_MAX; d++)
			out->drops[d] += c->drops[d];
	}
}

void
sw_set_ctl_rx(struct sw *sw, sw_ctl_rx_fn fn, void *aux)
{
	sw->ctl_rx = fn;
	sw->ctl_aux = aux;
}

const struct sw_fdb *
sw_get_fdb(const struct sw *sw)
{
	return &sw->fdb;
}

const struct sw_conf *
sw_get_conf(const struct sw *sw)
{
	return &sw->conf;
}

/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "switchd/state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/cplane.h"
#include "switchd/policy.h"
#include "switchd/sw_internal.h"
#include "vntag/eth.h"

static const char *
origin_name(uint8_t o)
{
	/* The names: static (configured), vdp, auto. */
	return o == SW_ORIGIN_AUTO ? "auto" : o == SW_ORIGIN_VDP ? "vdp" : "static";
}

void
sw_state_counters(struct sw_writer *w, const char *tag, const struct sw_counters *c)
{
	sw_w_obj_start(w, tag, "Counters");
	sw_w_uint(w, "rx_frames", "Received frames", c->rx_frames);
	sw_w_uint(w, "rx_bytes", "Received bytes", c->rx_bytes);
	sw_w_uint(w, "tx_frames", "Sent frames", c->tx_frames);
	sw_w_uint(w, "tx_bytes", "Sent bytes", c->tx_bytes);
	sw_w_obj_start(w, "drops", "Drops");
	for (int d = 0; d < SW_DROP_MAX; d++)
		sw_w_uint(w, sw_drop_name(d), NULL, c->drops[d]);
	sw_w_obj_end(w);
	sw_w_obj_end(w);
}

void
sw_state_ports(struct sw_writer *w, struct sw *sw)
{
	sw_w_list_start(w, "ports", "Ports");
	for (unsigned i = 0; i < sw->n_ports; i++) {
		const struct sw_port *p = &sw->ports[i];

		sw_w_obj_start(w, NULL, NULL);
		sw_w_str(w, "name", "Name", p->name);
		sw_w_str(w, "role", "Role", sw_role_name(p->role));
		sw_w_str(w, "mode", "Mode",
			p->role == SW_ROLE_HOST ? sw_mode_name(p->mode) : "trunk");
		sw_w_str(w, "interface", "Interface", p->ifname);
		sw_w_str(w, "admin", "Admin", p->admin_up ? "up" : "down");
		/* Live: the interface itself (copies to a port whose link is
		 * not up are refused and counted as tx_full). */
		if (p->ops && p->ops->link)
			sw_w_str(w, "link", "Link", p->ops->link(p));
		if (p->role == SW_ROLE_UPLINK) {
			sw_w_list_start(w, "vlans", "VLANs");
			for (unsigned v = 1; v < 4095; v++)
				if (sw_vlan_test(p->vlans, v))
					sw_w_uint(w, NULL, NULL, v);
			sw_w_list_end(w);
			sw_w_bool(
				w, "untagged", "Untagged (VLAN 0)", sw_vlan_test(p->vlans, 0));
		} else {
			sw_w_uint(w, "veths", "vEths", p->n_veths);
			sw_w_uint(w, "max_veths", "Max vEths", p->max_veths);
			sw_w_bool(w, "auto_create", "Auto-create", p->auto_create);
			if (p->mode == SW_MODE_VEPA)
				sw_w_bool(w, "reflective_relay", "Reflective relay",
					p->reflective_relay);
		}
		sw_state_counters(w, "counters", &p->ctr);
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
}

void
sw_state_veth(struct sw_writer *w, struct sw *sw, const struct sw_veth *v)
{
	const struct sw_profile *prof = sw_profile_at(sw, v->profile);

	sw_w_obj_start(w, NULL, NULL);
	sw_w_uint(w, "id", "ID", v->id);
	sw_w_str(w, "port", "Port", sw->ports[v->port].name);
	if (v->kind == SW_BIND_VIF) {
		sw_w_str(w, "bind", "Bound by", "vif");
		sw_w_uint(w, "vif", "VIF", v->key);
	} else if (v->kind == SW_BIND_ECID) {
		sw_w_str(w, "bind", "Bound by", "ecid");
		sw_w_uint(w, "ecid", "E-CID", v->key);
	} else {
		char m[18];

		vn_eth_format_mac(v->mac, m);
		sw_w_str(w, "bind", "Bound by", "mac");
		sw_w_str(w, "mac", "MAC", m);
		/* On a port with S-channels: its channel (1: the default one;
		 * show schannels).  Other VEPA ports have only the default. */
		if (sw->ports[v->port].schan_on)
			sw_w_uint(w, "svid", "S-channel (S-VID)", v->svid);
	}
	if (v->n_extra_macs) {
		/* VDP: the VSI's other MAC filters, bound as well. */
		sw_w_list_start(w, "macs", "More MACs");
		for (unsigned i = 0; i < v->n_extra_macs; i++) {
			char m[18];

			vn_eth_format_mac(v->extra_macs[i], m);
			sw_w_str(w, NULL, NULL, m);
		}
		sw_w_list_end(w);
	}
	sw_w_uint(w, "vlan", "VLAN", v->vlan);
	sw_w_str(w, "profile", "Profile", prof ? prof->name : "");
	sw_w_str(w, "origin", "Origin", origin_name(v->origin));
	sw_cplane_show_veth(w, sw->cp, v);
	sw_w_str(w, "state", "State", sw->ports[v->port].admin_up ? "up" : "down");
	/* The path audit's verdict as of its last tick (vnctl diagnose). */
	sw_w_str(w, "verdict", "Verdict", sw_verdict_name(sw_audit_verdict(sw, v)));
	sw_w_uint(w, "created_us", "Created (us)", v->created_us);
	sw_w_uint(w, "last_rx_us", "Last received (us)", v->last_rx_us);
	sw_w_uint(w, "last_tx_us", "Last sent (us)", v->last_tx_us);
	sw_w_obj_start(w, "rates", "Rates");
	sw_w_uint(w, "rx_pps", "Received frames/s", v->rx_pps);
	sw_w_uint(w, "tx_pps", "Sent frames/s", v->tx_pps);
	sw_w_uint(w, "rx_bps", "Received bits/s", v->rx_bps);
	sw_w_uint(w, "tx_bps", "Sent bits/s", v->tx_bps);
	sw_w_obj_end(w);
	sw_state_counters(w, "counters", &v->ctr);
	sw_w_obj_end(w);
}

static int
cmp_slot_by_id(const void *a, const void *b, void *arg)
{
	const struct sw_veth *v = arg;
	uint32_t x = v[*(const int32_t *)a].id, y = v[*(const int32_t *)b].id;

	return x < y ? -1 : x > y;
}

int32_t *
sw_state_slots_by_id(const struct sw *sw, size_t *n)
{
	int32_t *slots = malloc((sw->slots_hwm ? sw->slots_hwm : 1) * sizeof(*slots));

	*n = 0;
	for (size_t s = 0; slots && s < sw->slots_hwm; s++)
		if (sw->veths[s].used)
			slots[(*n)++] = (int32_t)s;
	if (slots)
		qsort_r(slots, *n, sizeof(*slots), cmp_slot_by_id, (void *)sw->veths);
	return slots;
}

void
sw_state_veths(struct sw_writer *w, struct sw *sw, uint64_t now)
{
	size_t n;
	int32_t *slots = sw_state_slots_by_id(sw, &n);

	(void)now;
	sw_w_list_start(w, "veths", "vEths");
	for (size_t i = 0; i < n; i++)
		sw_state_veth(w, sw, &sw->veths[slots[i]]);
	sw_w_list_end(w);
	free(slots);
}

static int
cmp_fdb(const void *a, const void *b)
{
	uint64_t x = ((const struct sw_htab_ent *)a)->k1,
		 y = ((const struct sw_htab_ent *)b)->k1;

	return x < y ? -1 : x > y;
}

void
sw_state_fdb(struct sw_writer *w, struct sw *sw, uint64_t now, int vlan_filter)
{
	const struct sw_fdb *f = &sw->fdb;
	struct sw_htab_ent *ents = malloc((f->t.n ? f->t.n : 1) * sizeof(*ents));
	size_t n = 0;

	for (uint64_t i = 0; ents && i <= f->t.mask; i++) {
		const struct sw_htab_ent *e = &f->t.ent[i];

		if (e->val == SW_HTAB_EMPTY || now >= e->aux + f->aging_us)
			continue;
		if (vlan_filter >= 0 && (int)(e->k1 >> 48) != vlan_filter)
			continue;
		ents[n++] = *e;
	}
	if (ents)
		qsort(ents, n, sizeof(*ents), cmp_fdb);
	sw_w_list_start(w, "fdb", "FDB");
	for (size_t i = 0; i < n; i++) {
		uint8_t mac[6];
		char m[18];

		for (int b = 0; b < 6; b++)
			mac[b] = (uint8_t)(ents[i].k1 >> (40 - 8 * b));
		vn_eth_format_mac(mac, m);
		sw_w_obj_start(w, NULL, NULL);
		sw_w_uint(w, "vlan", "VLAN", ents[i].k1 >> 48);
		sw_w_str(w, "mac", "MAC", m);
		if (SW_DST_IS_PORT(ents[i].val)) {
			sw_w_str(w, "port", "Port",
				sw->ports[SW_DST_PORT_IDX(ents[i].val)].name);
		} else {
			const struct sw_veth *v = &sw->veths[ents[i].val];

			sw_w_str(w, "port", "Port", sw->ports[v->port].name);
			sw_w_uint(w, "veth", "vEth", v->id);
		}
		sw_w_uint(w, "age_s", "Age (s)", (now - ents[i].aux) / 1000000u);
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
	free(ents);
}

void
sw_state_dump(struct sw_writer *w, struct sw *sw, uint64_t now)
{
	struct sw_counters tot;

	sw_w_obj_start(w, "state", NULL);
	sw_w_obj_start(w, "switch", "Switch");
	sw_w_str(w, "name", "Name", sw->conf.name);
	sw_w_uint(w, "veths", "vEths", sw->n_veths);
	sw_w_uint(w, "max_veths", "Max vEths", sw->max_veths);
	sw_w_uint(w, "fdb_entries", "FDB entries", sw->fdb.t.n);
	sw_w_uint(w, "fdb_learned", "FDB learned", sw->fdb.learned);
	sw_w_uint(w, "fdb_moved", "FDB moves", sw->fdb.moved);
	sw_w_uint(w, "fdb_full", "FDB full (not learned)", sw->fdb.full);
	sw_w_obj_end(w);
	sw_state_ports(w, sw);
	sw_state_veths(w, sw, now);
	sw_state_fdb(w, sw, now, -1);
	/* Per-vEth policy: the same documents as vnctl show acl / show qos. */
	sw_policy_show_acl(w, sw, NULL);
	sw_policy_show_qos(w, sw, now, NULL);
	sw_totals(sw, &tot);
	sw_state_counters(w, "totals", &tot);
	if (sw->cp)
		sw_cplane_dump(w, sw->cp, now);
	/* The path audit, as vnctl diagnose prints it. */
	sw_w_obj_start(w, "audit", "Path audit");
	sw_audit_write(sw, 0, w);
	sw_w_obj_end(w);
	sw_w_obj_end(w);
}

int
sw_state_write_file(struct sw *sw, const char *path, uint64_t now, char *err, size_t errlen)
{
	struct sw_writer w;
	char tmp[4096];
	FILE *f;

	/* Written beside and renamed, so a reader never sees half a file. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	sw_writer_init(&w, SW_FMT_JSON, f);
	sw_state_dump(&w, sw, now);
	sw_writer_finish(&w);
	if (ferror(f) | fclose(f) || rename(tmp, path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		remove(tmp);
		return -1;
	}
	return 0;
}

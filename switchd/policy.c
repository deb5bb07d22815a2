/* SPDX-License-Identifier: Apache-2.0 */
/* policy.c - per-vEth policy as the switch runs it; see policy.h. */
#include <config.h>

#include "switchd/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/acl.h"
#include "switchd/admin.h"
#include "switchd/state.h"
#include "switchd/sw_internal.h"

/* ---- building a profile's policy ------------------------------------------------ */

static struct sw_acl_action
default_action(const char *s)
{
	struct sw_acl_action a = { SW_ACL_ACT_ALLOW, 0 };
	char msg[8];

	if (s && s[0] && sw_acl_parse_action(s, &a, msg, sizeof(msg)))
		a = (struct sw_acl_action) { SW_ACL_ACT_ALLOW, 0 }; /* checked before */
	return a;
}

static bool
acl_action_equal(struct sw_acl_action a, struct sw_acl_action b)
{
	return a.type == b.type && a.value == b.value;
}

int
sw_policy_build(const char *profile, const struct sw_conf_policy *cp,
	struct sw_profile_pol *out, char *err, size_t errlen)
{
	struct sw_profile_pol n;
	char msg[768];

	memset(&n, 0, sizeof(n));
	if (sw_conf_policy_check(profile, cp, err, errlen))
		return -1;
	for (int d = 0; d < SW_DIR_N; d++) {
		struct sw_acl_action dflt = default_action(cp->acl_default[d]);
		struct sw_acl_rule_spec *specs;

		n.police[d] = cp->police[d];
		if (cp->police[d])
			n.police_conf[d] = cp->police_conf[d];
		/* No rule and the default allows: no ACL at all that way, so
		 * its frames cost nothing. */
		if (!cp->n_rules[d] && dflt.type == SW_ACL_ACT_ALLOW)
			continue;
		specs = calloc(cp->n_rules[d] ? cp->n_rules[d] : 1, sizeof(*specs));
		if (!specs) {
			snprintf(err, errlen, "out of memory");
			sw_policy_free(&n);
			return -1;
		}
		for (size_t i = 0; i < cp->n_rules[d]; i++)
			specs[i] = (struct sw_acl_rule_spec) { cp->rules[d][i].priority,
				cp->rules[d][i].match, cp->rules[d][i].action };
		n.acl[d] = sw_acl_create(specs, cp->n_rules[d],
			cp->acl_default[d][0] ? cp->acl_default[d] : NULL, SW_POLICY_CACHE, msg,
			sizeof(msg));
		free(specs);
		if (!n.acl[d]) {
			snprintf(err, errlen, "profile '%s' acl_%s: %s", profile,
				sw_dir_name(d), msg);
			sw_policy_free(&n);
			return -1;
		}
	}
	n.active = n.acl[0] || n.acl[1] || n.police[0] || n.police[1];
	*out = n;
	return 0;
}

void
sw_policy_free(struct sw_profile_pol *p)
{
	for (int d = 0; d < SW_DIR_N; d++) {
		sw_acl_destroy(p->acl[d]);
		p->acl[d] = NULL;
	}
	memset(p, 0, sizeof(*p));
}

int
sw_policy_get_conf(const struct sw_profile_pol *p, struct sw_conf_policy *out)
{
	struct sw_conf_policy c;

	memset(&c, 0, sizeof(c));
	for (int d = 0; d < SW_DIR_N; d++) {
		size_t n = sw_acl_n_rules(p->acl[d]);
		struct sw_acl_action dflt = sw_acl_default_action(p->acl[d]);

		c.police[d] = p->police[d];
		if (p->police[d])
			c.police_conf[d] = p->police_conf[d];
		if (dflt.type != SW_ACL_ACT_ALLOW)
			sw_acl_format_action(dflt, c.acl_default[d], sizeof(c.acl_default[d]));
		if (!n)
			continue;
		c.rules[d] = calloc(n, sizeof(*c.rules[d]));
		if (!c.rules[d]) {
			sw_conf_policy_free(&c);
			return -1;
		}
		c.n_rules[d] = n;
		for (size_t i = 0; i < n; i++) {
			struct sw_conf_acl_rule *r = &c.rules[d][i];
			struct sw_acl_rule_info info;

			sw_acl_rule_get(p->acl[d], i, &info);
			r->priority = info.priority;
			snprintf(r->match, sizeof(r->match), "%s", info.match);
			sw_acl_format_action(info.action, r->action, sizeof(r->action));
		}
	}
	*out = c;
	return 0;
}

static bool
pol_action_equal(struct sw_pol_action a, struct sw_pol_action b)
{
	return a.type == b.type && a.value == b.value;
}

static bool
police_conf_equal(const struct sw_pol_conf *a, const struct sw_pol_conf *b)
{
	return a->mode == b->mode && a->trtcm == b->trtcm && a->rate == b->rate &&
		a->burst == b->burst && a->peak_rate == b->peak_rate &&
		a->peak_burst == b->peak_burst && a->max_frame == b->max_frame &&
		pol_action_equal(a->exceed, b->exceed) &&
		pol_action_equal(a->yellow, b->yellow);
}

bool
sw_conf_policy_equal(const struct sw_conf_policy *a, const struct sw_conf_policy *b)
{
	for (int d = 0; d < SW_DIR_N; d++) {
		if (a->n_rules[d] != b->n_rules[d] || a->police[d] != b->police[d] ||
			!acl_action_equal(default_action(a->acl_default[d]),
				default_action(b->acl_default[d])))
			return false;
		if (a->police[d] && !police_conf_equal(&a->police_conf[d], &b->police_conf[d]))
			return false;
		for (size_t i = 0; i < a->n_rules[d]; i++) {
			const struct sw_conf_acl_rule *x = &a->rules[d][i],
						      *y = &b->rules[d][i];

			if (x->priority != y->priority || strcmp(x->match, y->match) ||
				!acl_action_equal(
					default_action(x->action), default_action(y->action)))
				return false;
		}
	}
	return true;
}

/* ---- per-vEth state ------------------------------------------------------------ */

/* A zeroed state shaped for policy 'p' (hit arrays for its ACLs). */
static struct sw_veth_pol *
state_new(const struct sw_profile_pol *p)
{
	size_t total = 0;
	struct sw_veth_pol *st;

	for (int d = 0; d < SW_DIR_N; d++)
		if (p->acl[d])
			total += sw_acl_n_rules(p->acl[d]) + 1;
	st = calloc(1, sizeof(*st) + total * sizeof(st->data[0]));
	if (!st)
		return NULL;
	total = 0;
	for (int d = 0; d < SW_DIR_N; d++) {
		if (!p->acl[d])
			continue;
		st->n_rules[d] = (uint32_t)sw_acl_n_rules(p->acl[d]);
		st->hits[d] = &st->data[total];
		total += st->n_rules[d] + 1;
	}
	return st;
}

static void
state_init_policers(struct sw_veth_pol *st, const struct sw_profile_pol *p)
{
	char msg[160];

	for (int d = 0; d < SW_DIR_N; d++)
		if (p->police[d])
			sw_pol_init(&st->pol[d], &p->police_conf[d], msg, sizeof(msg));
}

void
sw_policy_veth_detach(struct sw_veth *v)
{
	free(v->pol);
	v->pol = NULL;
	v->has_policy = false;
}

int
sw_policy_veth_attach(struct sw *sw, int32_t slot)
{
	struct sw_veth *v = &sw->veths[slot];
	const struct sw_profile *prof = sw_profile_at(sw, v->profile);

	sw_policy_veth_detach(v);
	if (!prof || !prof->pol.active)
		return 0;
	v->has_policy = true; /* from here on, without state it fails closed */
	v->pol = state_new(&prof->pol);
	/* One more vEth through the profile's ACLs: their flow caches grow
	 * with the vEths (bounded by the switch's max_veths). */
	for (int d = 0; d < SW_DIR_N; d++)
		sw_acl_add_users(prof->pol.acl[d], 1, sw->max_veths);
	if (!v->pol) {
		sw_event_log(sw, v->id, SW_EV_CHANGED, sw->now_us,
			"no memory for the policy state of profile %s: its traffic is dropped",
			prof->name);
		return -1;
	}
	state_init_policers(v->pol, &prof->pol);
	return 0;
}

void
sw_policy_clear_counters(struct sw *sw)
{
	for (size_t s = 0; s < sw->slots_hwm; s++) {
		struct sw_veth_pol *st = sw->veths[s].used ? sw->veths[s].pol : NULL;

		if (!st)
			continue;
		for (int d = 0; d < SW_DIR_N; d++) {
			memset(&st->pol[d].ctr, 0, sizeof(st->pol[d].ctr));
			if (st->hits[d])
				memset(st->hits[d], 0,
					(st->n_rules[d] + 1) * sizeof(*st->hits[d]));
		}
	}
	for (size_t i = 0; i < sw->n_profiles; i++)
		for (int d = 0; d < SW_DIR_N; d++)
			if (sw->profiles[i].pol.acl[d])
				sw_acl_clear_counters(sw->profiles[i].pol.acl[d]);
}

/* ---- replacing a profile's policy ------------------------------------------------ */

struct sw_policy_txn {
	int32_t profile;
	struct sw_profile_pol np; /* owned until committed */
	size_t n;                 /* vEths of the profile */
	int32_t *slots;           /* their slots */
	struct sw_veth_pol **st;  /* their new states (NULL: np has no policy) */
	int32_t *from[SW_DIR_N];  /* new rule -> old rule (sw_acl_rule_map) */
};

static void
txn_free(struct sw_policy_txn *t, bool free_states)
{
	if (!t)
		return;
	for (size_t i = 0; free_states && t->st && i < t->n; i++)
		free(t->st[i]);
	free(t->st);
	free(t->slots);
	for (int d = 0; d < SW_DIR_N; d++)
		free(t->from[d]);
	free(t);
}

/* sw_policy_prepare without taking np over on failure. */
static struct sw_policy_txn *
prepare(struct sw *sw, int32_t profile, struct sw_profile_pol *np, char *err, size_t errlen)
{
	const struct sw_profile_pol *old = &sw->profiles[profile].pol;
	struct sw_policy_txn *t = calloc(1, sizeof(*t));
	size_t n = 0;

	if (!t)
		goto oom;
	t->profile = profile;
	t->np = *np;
	for (size_t s = 0; s < sw->slots_hwm; s++)
		n += sw->veths[s].used && sw->veths[s].profile == profile;
	t->slots = calloc(n ? n : 1, sizeof(*t->slots));
	t->st = calloc(n ? n : 1, sizeof(*t->st));
	if (!t->slots || !t->st)
		goto oom;
	for (size_t s = 0; s < sw->slots_hwm; s++)
		if (sw->veths[s].used && sw->veths[s].profile == profile)
			t->slots[t->n++] = (int32_t)s;
	for (size_t i = 0; np->active && i < t->n; i++)
		if (!(t->st[i] = state_new(np)))
			goto oom;
	/* The new ACLs' flow caches, sized for the profile's vEths. */
	for (int d = 0; np->active && d < SW_DIR_N; d++)
		sw_acl_add_users(np->acl[d], (uint32_t)t->n, sw->max_veths);
	for (int d = 0; d < SW_DIR_N; d++) {
		size_t nr = sw_acl_n_rules(np->acl[d]);

		if (!np->acl[d])
			continue;
		t->from[d] = malloc((nr ? nr : 1) * sizeof(*t->from[d]));
		if (!t->from[d] || sw_acl_rule_map(old->acl[d], np->acl[d], t->from[d]))
			goto oom;
	}
	return t;
oom:
	snprintf(err, errlen, "out of memory for the policy of profile '%s'",
		sw->profiles[profile].name);
	txn_free(t, true);
	return NULL;
}

struct sw_policy_txn *
sw_policy_prepare(
	struct sw *sw, int32_t profile, struct sw_profile_pol *np, char *err, size_t errlen)
{
	struct sw_policy_txn *t = prepare(sw, profile, np, err, errlen);

	if (!t)
		sw_policy_free(np);
	return t;
}

void
sw_policy_abort(struct sw_policy_txn *t)
{
	if (!t)
		return;
	sw_policy_free(&t->np);
	txn_free(t, true);
}

/* Carry one vEth's counters and buckets from its old state to its new. */
static void
carry(const struct sw_profile_pol *old, const struct sw_veth_pol *os,
	const struct sw_policy_txn *t, struct sw_veth_pol *ns, uint64_t now)
{
	const struct sw_profile_pol *np = &t->np;
	char msg[160];

	for (int d = 0; d < SW_DIR_N; d++) {
		if (np->police[d]) {
			/* A kept policer keeps its tokens (capped) and counters. */
			if (os && old->police[d]) {
				ns->pol[d] = os->pol[d];
				if (sw_pol_update(&ns->pol[d], &np->police_conf[d], now, msg,
					    sizeof(msg)))
					sw_pol_init(&ns->pol[d], &np->police_conf[d], msg,
						sizeof(msg));
			} else {
				sw_pol_init(&ns->pol[d], &np->police_conf[d], msg, sizeof(msg));
			}
		}
		if (!np->acl[d] || !os || !os->hits[d] || !old->acl[d] ||
			os->n_rules[d] != sw_acl_n_rules(old->acl[d]))
			continue;
		for (uint32_t r = 0; r < ns->n_rules[d]; r++)
			if (t->from[d][r] >= 0)
				ns->hits[d][r] = os->hits[d][t->from[d][r]];
		if (acl_action_equal(sw_acl_default_action(old->acl[d]),
			    sw_acl_default_action(np->acl[d])))
			ns->hits[d][ns->n_rules[d]] = os->hits[d][os->n_rules[d]];
	}
}

void
sw_policy_commit(struct sw *sw, struct sw_policy_txn *t, uint64_t now)
{
	struct sw_profile *prof = &sw->profiles[t->profile];

	for (size_t i = 0; i < t->n; i++) {
		struct sw_veth *v = &sw->veths[t->slots[i]];

		if (t->st[i])
			carry(&prof->pol, v->pol, t, t->st[i], now);
		free(v->pol);
		v->pol = t->st[i];
		v->has_policy = t->np.active;
		sw_event_log(sw, v->id, SW_EV_PROFILE, now, "profile %s: policy changed",
			prof->name);
	}
	for (int d = 0; d < SW_DIR_N; d++)
		if (prof->pol.acl[d] != t->np.acl[d])
			sw_acl_destroy(prof->pol.acl[d]);
	prof->pol = t->np;
	txn_free(t, false);
}

void
sw_policy_install(struct sw *sw, int32_t profile, struct sw_profile_pol *np, uint64_t now)
{
	struct sw_profile *prof = &sw->profiles[profile];
	struct sw_policy_txn *t;
	char err[160];

	if ((t = prepare(sw, profile, np, err, sizeof(err)))) {
		sw_policy_commit(sw, t, now);
		memset(np, 0, sizeof(*np));
		return;
	}
	/* Out of memory for the carried state: install anyway, every vEth
	 * starting afresh (or failing closed). */
	for (int d = 0; d < SW_DIR_N; d++)
		if (prof->pol.acl[d] != np->acl[d])
			sw_acl_destroy(prof->pol.acl[d]);
	prof->pol = *np;
	memset(np, 0, sizeof(*np));
	for (size_t s = 0; s < sw->slots_hwm; s++)
		if (sw->veths[s].used && sw->veths[s].profile == profile)
			sw_policy_veth_attach(sw, (int32_t)s);
}

/* ---- edits from vnctl ------------------------------------------------------------ */

int
sw_profile_get_conf(
	struct sw *sw, const char *name, struct sw_conf_profile *cp, char *err, size_t errlen)
{
	int32_t idx = sw_profile_index(sw, name);
	const struct sw_profile *p;

	if (idx < 0) {
		snprintf(err, errlen, "no profile named '%s'", name);
		return -1;
	}
	p = &sw->profiles[idx];
	memset(cp, 0, sizeof(*cp));
	snprintf(cp->name, sizeof(cp->name), "%s", p->name);
	cp->type_id = p->type_id;
	cp->type_version = p->type_version;
	cp->has_vlan = p->has_vlan;
	cp->vlan = p->vlan;
	if (sw_policy_get_conf(&p->pol, &cp->policy)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
sw_policy_acl_add(struct sw *sw, const char *profile, enum sw_dir d,
	const struct sw_conf_acl_rule *rule, uint64_t now, char *err, size_t errlen)
{
	struct sw_conf_profile cp;
	struct sw_conf_acl_rule *r;
	int rc;

	if (sw_profile_get_conf(sw, profile, &cp, err, errlen))
		return -1;
	r = realloc(cp.policy.rules[d], (cp.policy.n_rules[d] + 1) * sizeof(*r));
	if (!r) {
		sw_conf_policy_free(&cp.policy);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r[cp.policy.n_rules[d]++] = *rule; /* last: it loses ties of priority */
	cp.policy.rules[d] = r;
	rc = sw_profile_set(sw, &cp, now, err, errlen);
	sw_conf_policy_free(&cp.policy);
	return rc;
}

int
sw_policy_acl_del(struct sw *sw, const char *profile, enum sw_dir d, int64_t priority,
	const char *match, uint64_t now, size_t *n_deleted, char *err, size_t errlen)
{
	struct sw_conf_profile cp;
	size_t k = 0, n;
	int rc;

	if (sw_profile_get_conf(sw, profile, &cp, err, errlen))
		return -1;
	n = cp.policy.n_rules[d];
	for (size_t i = 0; i < n; i++) {
		const struct sw_conf_acl_rule *r = &cp.policy.rules[d][i];

		if (r->priority == priority && (!match || !strcmp(r->match, match)))
			continue;
		cp.policy.rules[d][k++] = *r;
	}
	*n_deleted = n - k;
	if (!*n_deleted) {
		snprintf(err, errlen, "profile '%s' acl_%s has no rule of priority %lld%s%s%s",
			profile, sw_dir_name(d), (long long)priority,
			match ? " and match '" : "", match ? match : "", match ? "'" : "");
		sw_conf_policy_free(&cp.policy);
		return -1;
	}
	cp.policy.n_rules[d] = k;
	rc = sw_profile_set(sw, &cp, now, err, errlen);
	sw_conf_policy_free(&cp.policy);
	return rc;
}

/* ---- show --------------------------------------------------------------------------- */

/* The slots to show, sorted by id (caller frees; NULL without memory);
 * *n their number: 'only', or every vEth with policy. */
static int32_t *
slots_to_show(struct sw *sw, const struct sw_veth *only, size_t *n)
{
	int32_t *slots;
	size_t k = 0;

	if (only) {
		slots = malloc(sizeof(*slots));
		*n = slots ? 1 : 0;
		if (slots)
			slots[0] = (int32_t)(only - sw->veths);
		return slots;
	}
	slots = sw_state_slots_by_id(sw, n);
	for (size_t i = 0; slots && i < *n; i++)
		if (sw->veths[slots[i]].has_policy)
			slots[k++] = slots[i];
	*n = k;
	return slots;
}

static const char *const dir_label[SW_DIR_N] = { "Ingress (from the vEth)",
	"Egress (to the vEth)" };

static void
show_acl_dir(struct sw_writer *w, const struct sw_acl *acl, const struct sw_veth_pol *st,
	enum sw_dir d)
{
	/* Counters only from a state built for this ACL (its rule count). */
	const struct sw_acl_hit *h =
		st && st->hits[d] && st->n_rules[d] == sw_acl_n_rules(acl) ? st->hits[d] : NULL;
	size_t n = sw_acl_n_rules(acl);
	char act[SW_ACL_ACTION_MAX];

	sw_w_obj_start(w, sw_dir_name(d), dir_label[d]);
	sw_w_bool(w, "active", "ACL", acl != NULL);
	sw_w_list_start(w, "rules", "Rules");
	for (size_t i = 0; i < n; i++) {
		struct sw_acl_rule_info info;

		sw_acl_rule_get(acl, i, &info);
		sw_acl_format_action(info.action, act, sizeof(act));
		sw_w_obj_start(w, NULL, NULL);
		sw_w_uint(w, "rule", "Rule", i + 1);
		sw_w_uint(w, "priority", "Priority", info.priority);
		sw_w_str(w, "match", "Match", info.match);
		sw_w_str(w, "action", "Action", act);
		sw_w_uint(w, "hits", "Hits (frames)", h ? h[i].frames : 0);
		sw_w_uint(w, "bytes", "Bytes", h ? h[i].bytes : 0);
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
	sw_acl_format_action(sw_acl_default_action(acl), act, sizeof(act));
	sw_w_obj_start(w, "default", "Default (no rule matched)");
	sw_w_str(w, "action", "Action", act);
	sw_w_uint(w, "hits", "Hits (frames)", h ? h[n].frames : 0);
	sw_w_uint(w, "bytes", "Bytes", h ? h[n].bytes : 0);
	sw_w_obj_end(w);
	sw_w_obj_end(w);
}

void
sw_policy_show_acl(struct sw_writer *w, struct sw *sw, const struct sw_veth *only)
{
	size_t n;
	int32_t *slots = slots_to_show(sw, only, &n);

	sw_w_list_start(w, "acl", "ACLs");
	for (size_t i = 0; slots && i < n; i++) {
		const struct sw_veth *v = &sw->veths[slots[i]];
		const struct sw_profile *p = sw_profile_at(sw, v->profile);

		sw_w_obj_start(w, NULL, NULL);
		sw_w_uint(w, "veth", "vEth", v->id);
		sw_w_str(w, "profile", "Profile", p ? p->name : "");
		if (v->has_policy && !v->pol)
			sw_w_str(w, "error", "Error",
				"no memory for its policy state: its traffic is dropped");
		for (int d = 0; d < SW_DIR_N; d++)
			show_acl_dir(w, p ? p->pol.acl[d] : NULL, v->pol, d);
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
	free(slots);
}

static void
show_police_conf(struct sw_writer *w, const struct sw_pol_conf *c)
{
	bool bytes = c->mode == SW_POL_BYTES;
	char a[SW_ACL_ACTION_MAX];
	struct sw_pol_action ex = c->exceed, ye = c->yellow;

	if (ex.type == SW_POL_ACT_DEFAULT)
		ex = (struct sw_pol_action) { SW_POL_ACT_DROP, 0 };
	if (ye.type == SW_POL_ACT_DEFAULT)
		ye = (struct sw_pol_action) { SW_POL_ACT_PASS, 0 };
	sw_w_str(w, "mode", "Mode", bytes ? "bytes" : "packets");
	sw_w_str(w, "marker", "Marker", c->trtcm ? "trtcm" : "single-rate");
	sw_w_uint(w, "rate", bytes ? "Rate (kbit/s)" : "Rate (packets/s)", (uint64_t)c->rate);
	sw_w_uint(w, "burst", bytes ? "Burst (bytes)" : "Burst (packets)", (uint64_t)c->burst);
	sw_w_uint(w, "peak_rate", bytes ? "Peak rate (kbit/s)" : "Peak rate (packets/s)",
		c->trtcm ? (uint64_t)c->peak_rate : 0);
	sw_w_uint(w, "peak_burst", bytes ? "Peak burst (bytes)" : "Peak burst (packets)",
		c->trtcm ? (uint64_t)c->peak_burst : 0);
	sw_pol_format_action(ex, a, sizeof(a));
	sw_w_str(w, "exceed", c->trtcm ? "Red (exceed) action" : "Exceed action", a);
	sw_pol_format_action(ye, a, sizeof(a));
	sw_w_str(w, "yellow", "Yellow action", c->trtcm ? a : "");
}

void
sw_policy_show_qos(struct sw_writer *w, struct sw *sw, uint64_t now, const struct sw_veth *only)
{
	size_t n;
	int32_t *slots = slots_to_show(sw, only, &n);

	sw_w_list_start(w, "qos", "QoS");
	for (size_t i = 0; slots && i < n; i++) {
		const struct sw_veth *v = &sw->veths[slots[i]];
		const struct sw_profile *p = sw_profile_at(sw, v->profile);

		sw_w_obj_start(w, NULL, NULL);
		sw_w_uint(w, "veth", "vEth", v->id);
		sw_w_str(w, "profile", "Profile", p ? p->name : "");
		if (v->has_policy && !v->pol)
			sw_w_str(w, "error", "Error",
				"no memory for its policy state: its traffic is dropped");
		for (int d = 0; d < SW_DIR_N; d++) {
			bool on = p && p->pol.police[d] && v->pol;
			const struct sw_pol *pol = on ? &v->pol->pol[d] : NULL;
			struct sw_pol_state st = { 0 };
			struct sw_pol_counters ctr = { 0 };

			if (pol) {
				sw_pol_get_state(pol, now, &st);
				ctr = pol->ctr;
			}
			sw_w_obj_start(w, sw_dir_name(d), dir_label[d]);
			sw_w_bool(w, "active", "Policer", p && p->pol.police[d]);
			if (p && p->pol.police[d])
				show_police_conf(w, &p->pol.police_conf[d]);
			sw_w_obj_start(w, "bucket", "Bucket now");
			sw_w_uint(w, "tokens", "Tokens", st.tokens);
			sw_w_uint(w, "burst", "Size", st.burst);
			sw_w_uint(w, "peak_tokens", "Peak tokens", st.peak_tokens);
			sw_w_uint(w, "peak_burst", "Peak size", st.peak_burst);
			sw_w_obj_end(w);
			sw_w_obj_start(w, "counters", "Counters");
			sw_w_uint(w, "conform_frames", "Conform (green) frames",
				ctr.frames[SW_POL_GREEN]);
			sw_w_uint(w, "conform_bytes", "Conform (green) bytes",
				ctr.bytes[SW_POL_GREEN]);
			sw_w_uint(w, "yellow_frames", "Yellow frames (trTCM)",
				ctr.frames[SW_POL_YELLOW]);
			sw_w_uint(w, "yellow_bytes", "Yellow bytes (trTCM)",
				ctr.bytes[SW_POL_YELLOW]);
			sw_w_uint(w, "exceed_frames", "Exceed (red) frames",
				ctr.frames[SW_POL_RED]);
			sw_w_uint(
				w, "exceed_bytes", "Exceed (red) bytes", ctr.bytes[SW_POL_RED]);
			sw_w_obj_end(w);
			sw_w_obj_end(w);
		}
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
	free(slots);
}

void
sw_policy_show_profile(struct sw_writer *w, const struct sw_profile *p)
{
	static const char *const acl_tag[SW_DIR_N] = { "acl_in", "acl_out" };
	static const char *const pol_tag[SW_DIR_N] = { "police_in", "police_out" };

	for (int d = 0; d < SW_DIR_N; d++) {
		const struct sw_acl *acl = p->pol.acl[d];
		struct sw_acl_stats st = { 0 };
		char act[SW_ACL_ACTION_MAX];
		size_t n = sw_acl_n_rules(acl);

		if (acl)
			sw_acl_get_stats(acl, &st);
		sw_w_obj_start(w, acl_tag[d], d ? "ACL out" : "ACL in");
		sw_w_list_start(w, "rules", "Rules");
		for (size_t i = 0; i < n; i++) {
			struct sw_acl_rule_info info;

			sw_acl_rule_get(acl, i, &info);
			sw_acl_format_action(info.action, act, sizeof(act));
			sw_w_obj_start(w, NULL, NULL);
			sw_w_uint(w, "priority", "Priority", info.priority);
			sw_w_str(w, "match", "Match", info.match);
			sw_w_str(w, "action", "Action", act);
			sw_w_obj_end(w);
		}
		sw_w_list_end(w);
		sw_acl_format_action(sw_acl_default_action(acl), act, sizeof(act));
		sw_w_str(w, "default", "Default", act);
		sw_w_uint(w, "masks", "Masks (classifier subtables)", st.n_masks);
		sw_w_uint(w, "cache_entries", "Flow cache entries", st.cache_entries);
		sw_w_uint(w, "lookups", "Lookups", st.lookups);
		sw_w_uint(w, "cache_hits", "Flow cache hits", st.cache_hits);
		sw_w_uint(w, "cache_misses", "Flow cache misses", st.cache_misses);
		sw_w_uint(w, "generation", "Generation", st.generation);
		sw_w_obj_end(w);
		sw_w_obj_start(w, pol_tag[d], d ? "Policer out" : "Policer in");
		sw_w_bool(w, "active", "Active", p->pol.police[d]);
		if (p->pol.police[d])
			show_police_conf(w, &p->pol.police_conf[d]);
		sw_w_obj_end(w);
	}
}

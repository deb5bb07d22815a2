/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swconf_policy.c - the profiles' policy settings (acl_in, acl_out,
 * acl_default, police_in, police_out), split from swconf.c.
 */
#include <config.h>

#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/acl.h"
#include "switchd/swconf.h"
#include "switchd/swconf_int.h"

/* ---- profile policy (issue 6) ---------------------------------------------------- */

const char *
sw_dir_name(enum sw_dir d)
{
	return d == SW_DIR_OUT ? "out" : "in";
}

/* The policer settings, in the order of these names (struct police_acc). */
static const char *const police_int_keys[] = { "rate_kbps", "burst_bytes", "rate_pps",
	"burst_packets", "peak_rate_kbps", "peak_burst_bytes", "peak_rate_pps",
	"peak_burst_packets", NULL };
enum { PK_RATE_KBPS, PK_BURST_BYTES, PK_RATE_PPS, PK_BURST_PACKETS, PK_N = 8 };

struct police_acc {
	bool has[PK_N];
	int64_t v[PK_N];
	struct sw_pol_action exceed, yellow; /* SW_POL_ACT_DEFAULT unless given */
};

bool
sw_conf_police_key(const char *key)
{
	for (int i = 0; police_int_keys[i]; i++)
		if (!strcmp(key, police_int_keys[i]))
			return true;
	return !strcmp(key, "exceed") || !strcmp(key, "yellow");
}

/* Record one setting.  0, or -1 with a message. */
static int
police_set(struct police_acc *a, const char *key, bool is_int, int64_t iv, const char *sv,
	char *err, size_t errlen)
{
	char msg[200];

	for (int i = 0; police_int_keys[i]; i++) {
		if (strcmp(key, police_int_keys[i]))
			continue;
		if (!is_int) {
			snprintf(err, errlen, "%s: expected an integer", key);
			return -1;
		}
		a->has[i] = true;
		a->v[i] = iv;
		return 0;
	}
	if (!strcmp(key, "exceed") || !strcmp(key, "yellow")) {
		struct sw_pol_action *act = key[0] == 'e' ? &a->exceed : &a->yellow;

		if (is_int || sw_pol_parse_action(sv, act, msg, sizeof(msg))) {
			snprintf(err, errlen, "%s: %s", key,
				is_int ? "expected an action string" : msg);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen,
		"unknown setting '%s' (rate_kbps, burst_bytes, rate_pps, burst_packets, "
		"peak_*, exceed, yellow)",
		key);
	return -1;
}

/* The collected settings as a checked policer configuration. */
static int
police_finish(const struct police_acc *a, struct sw_pol_conf *out, char *err, size_t errlen)
{
	bool bytes = a->has[0] || a->has[1] || a->has[4] || a->has[5];
	bool pkts = a->has[2] || a->has[3] || a->has[6] || a->has[7];
	struct sw_pol_conf c = { 0 };
	int base;

	if (bytes && pkts) {
		snprintf(err, errlen,
			"give the rates and bursts in bytes (rate_kbps, burst_bytes) or in "
			"packets (rate_pps, burst_packets), not both");
		return -1;
	}
	if (!bytes && !pkts) {
		snprintf(err, errlen,
			"needs rate_kbps and burst_bytes, or rate_pps and burst_packets");
		return -1;
	}
	c.mode = bytes ? SW_POL_BYTES : SW_POL_PACKETS;
	base = bytes ? 0 : 2;
	for (int k = 0; k < 2; k++)
		if (!a->has[base + k]) {
			snprintf(err, errlen, "%s is missing", police_int_keys[base + k]);
			return -1;
		}
	c.rate = a->v[base];
	c.burst = a->v[base + 1];
	if (a->has[base + 4] || a->has[base + 5]) {
		for (int k = 4; k < 6; k++)
			if (!a->has[base + k]) {
				snprintf(err, errlen,
					"%s is missing (a two-rate marker needs a peak rate "
					"and a peak burst)",
					police_int_keys[base + k]);
				return -1;
			}
		c.trtcm = true;
		c.peak_rate = a->v[base + 4];
		c.peak_burst = a->v[base + 5];
	}
	c.exceed = a->exceed;
	c.yellow = a->yellow;
	if (sw_pol_check(&c, err, errlen))
		return -1;
	*out = c;
	return 0;
}

int
sw_conf_police_parse(const char *const *keys, const char *const *values, size_t n,
	struct sw_pol_conf *out, char *err, size_t errlen)
{
	struct police_acc a;

	memset(&a, 0, sizeof(a));
	for (size_t i = 0; i < n; i++) {
		bool is_int = false;
		long long v = 0;

		for (int k = 0; police_int_keys[k]; k++)
			if (!strcmp(keys[i], police_int_keys[k])) {
				const char *q = values[i];
				char *end;

				/* Digits with an optional minus (refused later as
				 * "must be positive", the message a negative
				 * rate deserves). */
				if (*q == '-')
					q++;
				if (*q < '0' || *q > '9') {
					snprintf(err, errlen, "%s: '%s' is not a number",
						keys[i], values[i]);
					return -1;
				}
				v = strtoll(values[i], &end, 10);
				if (*end) {
					snprintf(err, errlen, "%s: '%s' is not a number",
						keys[i], values[i]);
					return -1;
				}
				is_int = true;
			}
		if (police_set(&a, keys[i], is_int, v, values[i], err, errlen))
			return -1;
	}
	return police_finish(&a, out, err, errlen);
}

/* police_in / police_out = { rate_kbps = 1000; burst_bytes = 15000; exceed = "drop"; } */
static int
parse_police(struct swc_ctx *c, const config_setting_t *g, const char *path,
	const char *profile, const char *what, struct sw_pol_conf *out)
{
	struct police_acc a;
	char msg[256];

	memset(&a, 0, sizeof(a));
	if (!config_setting_is_group(g))
		return swc_fail(c, g, path,
			"profile '%s' %s: expected a group { rate_kbps = N; burst_bytes = N; } "
			"or { rate_pps = N; burst_packets = N; }",
			profile, what);
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
		const char *key = config_setting_name(e);
		int t = config_setting_type(e);
		bool is_int = t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
		int64_t iv = t == CONFIG_TYPE_INT64 ? config_setting_get_int64(e)
			: t == CONFIG_TYPE_INT      ? config_setting_get_int(e)
						    : 0;
		const char *sv = t == CONFIG_TYPE_STRING ? config_setting_get_string(e) : "";
		char lp[160];

		if (police_set(&a, key ? key : "?", is_int, iv, sv, msg, sizeof(msg)))
			return swc_fail(c, e, swc_leaf(lp, sizeof(lp), path, key ? key : "?"),
				"profile '%s' %s: %s", profile, what, msg);
	}
	if (police_finish(&a, out, msg, sizeof(msg)))
		return swc_fail(c, g, path, "profile '%s' %s: %s", profile, what, msg);
	return 0;
}

/* acl_in / acl_out = ( { priority = 100; match = "..."; action = "deny"; }, ... ) */
static int
parse_acl(struct swc_ctx *c, const config_setting_t *l, const char *path, const char *profile,
	const char *what, struct sw_conf_acl_rule **out, size_t *n_out)
{
	static const char *const keys[] = { "priority", "match", "action", NULL };
	struct sw_conf_acl_rule *rules;
	size_t n;

	if (!config_setting_is_list(l) &&
		!(config_setting_is_array(l) && !config_setting_length(l)))
		return swc_fail(c, l, path,
			"profile '%s' %s: expected a list ( { priority = 100; match = \"...\"; "
			"action = \"deny\"; }, ... )",
			profile, what);
	n = (size_t)config_setting_length(l);
	if (n > SW_ACL_MAX_RULES)
		return swc_fail(c, l, path, "profile '%s' %s: %zu rules exceed the limit of %d",
			profile, what, n, SW_ACL_MAX_RULES);
	rules = calloc(n ? n : 1, sizeof(*rules));
	if (!rules)
		return swc_fail(c, l, path, "out of memory");
	*out = rules; /* owned by the profile from here on, even on error */
	for (size_t i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(l, (unsigned)i);
		struct sw_conf_acl_rule *r = &rules[i];
		struct sw_acl_rule_spec spec;
		const char *match = "", *action = NULL;
		char rp[128], lp[160], msg[768];
		long long v;
		int rc;

		snprintf(rp, sizeof(rp), "%s.[%zu]", path, i + 1);
		r->line = config_setting_source_line(g);
		if (!config_setting_is_group(g))
			return swc_fail(c, g, rp,
				"profile '%s' %s rule %zu: expected a group { priority = 100; "
				"match = \"...\"; action = \"deny\"; }",
				profile, what, i + 1);
		if (swc_check_keys(c, g, rp, keys))
			return -1;
		rc = swc_get_int(c, g, rp, "priority", 0, SW_ACL_PRIORITY_MAX, &v);
		if (rc < 0)
			return -1;
		if (!rc)
			return swc_fail(c, g, swc_leaf(lp, sizeof(lp), rp, "priority"),
				"profile '%s' %s rule %zu: missing (0..%d, the higher wins)",
				profile, what, i + 1, SW_ACL_PRIORITY_MAX);
		r->priority = v;
		if (swc_get_str(c, g, rp, "match", &match) < 0 ||
			swc_get_str(c, g, rp, "action", &action) < 0)
			return -1;
		if (!action)
			return swc_fail(c, g, swc_leaf(lp, sizeof(lp), rp, "action"),
				"profile '%s' %s rule %zu (priority %lld): missing (allow, deny, "
				"set_pcp=N or set_dscp=N)",
				profile, what, i + 1, v);
		if (strlen(match) >= sizeof(r->match) || strlen(action) >= sizeof(r->action))
			return swc_fail(c, g, rp,
				"profile '%s' %s rule %zu (priority %lld): match or action too long "
				"(at most %zu / %zu characters)",
				profile, what, i + 1, v, sizeof(r->match) - 1,
				sizeof(r->action) - 1);
		snprintf(r->match, sizeof(r->match), "%s", match);
		snprintf(r->action, sizeof(r->action), "%s", action);
		spec = (struct sw_acl_rule_spec) { r->priority, r->match, r->action };
		if (sw_acl_check_rule(&spec, msg, sizeof(msg))) {
			/* Point at the setting at fault: the action or the match. */
			struct sw_acl_action a;
			char m2[160];
			bool bad_action = sw_acl_parse_action(action, &a, m2, sizeof(m2)) != 0;
			const char *k = bad_action ? "action" : "match";
			const config_setting_t *ks = config_setting_get_member(g, k);

			return swc_fail(c, ks ? ks : g, swc_leaf(lp, sizeof(lp), rp, k),
				"profile '%s' %s rule %zu (priority %lld): %s", profile, what,
				i + 1, v, msg);
		}
	}
	*n_out = n;
	return 0;
}

/* acl_default = "deny"; (both directions) or { in = "deny"; out = "allow"; } */
static int
parse_acl_default(struct swc_ctx *c, const config_setting_t *s, const char *path,
	const char *profile, struct sw_conf_policy *pol)
{
	static const char *const keys[] = { "in", "out", NULL };
	struct sw_acl_action a;
	char msg[200], lp[160];

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		const char *v = config_setting_get_string(s);

		if (strlen(v) >= SW_ACL_ACTION_MAX ||
			sw_acl_parse_action(v, &a, msg, sizeof(msg)))
			return swc_fail(c, s, path, "profile '%s' acl_default: %s", profile,
				strlen(v) >= SW_ACL_ACTION_MAX ? "too long" : msg);
		for (int d = 0; d < SW_DIR_N; d++)
			snprintf(pol->acl_default[d], SW_ACL_ACTION_MAX, "%s", v);
		return 0;
	}
	if (!config_setting_is_group(s))
		return swc_fail(c, s, path,
			"profile '%s' acl_default: expected \"allow\", \"deny\", ... or { in = "
			"\"deny\"; out = \"allow\"; }",
			profile);
	if (swc_check_keys(c, s, path, keys))
		return -1;
	for (int d = 0; d < SW_DIR_N; d++) {
		const char *v = NULL;

		if (swc_get_str(c, s, path, keys[d], &v) < 0)
			return -1;
		if (!v)
			continue;
		if (strlen(v) >= SW_ACL_ACTION_MAX ||
			sw_acl_parse_action(v, &a, msg, sizeof(msg)))
			return swc_fail(c, config_setting_get_member(s, keys[d]),
				swc_leaf(lp, sizeof(lp), path, keys[d]),
				"profile '%s' acl_default.%s: %s", profile, keys[d],
				strlen(v) >= SW_ACL_ACTION_MAX ? "too long" : msg);
		snprintf(pol->acl_default[d], SW_ACL_ACTION_MAX, "%s", v);
	}
	return 0;
}

int
swc_parse_policy(struct swc_ctx *c, const config_setting_t *g, const char *path,
	const char *profile, struct sw_conf_policy *pol)
{
	static const char *const acl_keys[SW_DIR_N] = { "acl_in", "acl_out" };
	static const char *const pol_keys[SW_DIR_N] = { "police_in", "police_out" };
	const config_setting_t *s;
	char lp[160];

	for (int d = 0; d < SW_DIR_N; d++) {
		if ((s = config_setting_get_member(g, acl_keys[d])) &&
			parse_acl(c, s, swc_leaf(lp, sizeof(lp), path, acl_keys[d]), profile,
				acl_keys[d], &pol->rules[d], &pol->n_rules[d]))
			return -1;
		if ((s = config_setting_get_member(g, pol_keys[d]))) {
			pol->police_line[d] = config_setting_source_line(s);
			if (parse_police(c, s, swc_leaf(lp, sizeof(lp), path, pol_keys[d]),
				    profile, pol_keys[d], &pol->police_conf[d]))
				return -1;
			pol->police[d] = true;
		}
	}
	if ((s = config_setting_get_member(g, "acl_default")) &&
		parse_acl_default(
			c, s, swc_leaf(lp, sizeof(lp), path, "acl_default"), profile, pol))
		return -1;
	return 0;
}

void
sw_conf_policy_free(struct sw_conf_policy *p)
{
	for (int d = 0; d < SW_DIR_N; d++) {
		free(p->rules[d]);
		p->rules[d] = NULL;
		p->n_rules[d] = 0;
	}
}

int
sw_conf_policy_copy(struct sw_conf_policy *dst, const struct sw_conf_policy *src)
{
	struct sw_conf_policy n = *src;

	for (int d = 0; d < SW_DIR_N; d++) {
		n.rules[d] = NULL;
		if (!src->n_rules[d])
			continue;
		n.rules[d] = malloc(src->n_rules[d] * sizeof(*n.rules[d]));
		if (!n.rules[d]) {
			sw_conf_policy_free(&n);
			return -1;
		}
		memcpy(n.rules[d], src->rules[d], src->n_rules[d] * sizeof(*n.rules[d]));
	}
	*dst = n;
	return 0;
}

bool
sw_conf_policy_active(const struct sw_conf_policy *p)
{
	for (int d = 0; d < SW_DIR_N; d++) {
		struct sw_acl_action a = { SW_ACL_ACT_ALLOW, 0 };
		char msg[8];

		if (p->acl_default[d][0])
			sw_acl_parse_action(p->acl_default[d], &a, msg, sizeof(msg));
		if (p->n_rules[d] || a.type != SW_ACL_ACT_ALLOW || p->police[d])
			return true;
	}
	return false;
}

int
sw_conf_policy_check(
	const char *profile, const struct sw_conf_policy *p, char *err, size_t errlen)
{
	char msg[768];

	for (int d = 0; d < SW_DIR_N; d++) {
		struct sw_acl_action a;

		if (p->n_rules[d] > SW_ACL_MAX_RULES) {
			snprintf(err, errlen,
				"profile '%s' acl_%s: %zu rules exceed the limit of %d",
				profile, sw_dir_name(d), p->n_rules[d], SW_ACL_MAX_RULES);
			return -1;
		}
		for (size_t i = 0; i < p->n_rules[d]; i++) {
			const struct sw_conf_acl_rule *r = &p->rules[d][i];
			struct sw_acl_rule_spec spec = { r->priority, r->match, r->action };

			if (sw_acl_check_rule(&spec, msg, sizeof(msg))) {
				snprintf(err, errlen,
					"profile '%s' acl_%s rule %zu (priority %lld): %s",
					profile, sw_dir_name(d), i + 1, (long long)r->priority,
					msg);
				return -1;
			}
		}
		if (p->acl_default[d][0] &&
			sw_acl_parse_action(p->acl_default[d], &a, msg, sizeof(msg))) {
			snprintf(err, errlen, "profile '%s' acl_default %s: %s", profile,
				sw_dir_name(d), msg);
			return -1;
		}
		if (p->police[d] && sw_pol_check(&p->police_conf[d], msg, sizeof(msg))) {
			snprintf(err, errlen, "profile '%s' police_%s: %s", profile,
				sw_dir_name(d), msg);
			return -1;
		}
	}
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "switchd/swconf.h"
#include "switchd/swconf_int.h"

#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/acl.h"
#include "switchd/htab.h"
#include "vntag/etag.h"
#include "vntag/eth.h"

int __attribute__((format(printf, 4, 5)))
swc_fail(struct swc_ctx *c, const config_setting_t *s, const char *path, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s && config_setting_source_line(s))
		snprintf(c->err, c->errlen, "%s:%u: %s: %s", c->file,
			config_setting_source_line(s), path, msg);
	else
		snprintf(c->err, c->errlen, "%s: %s: %s", c->file, path, msg);
	return -1;
}

/* "path.key" into buf: errors name the setting at fault, not its group. */
const char *
swc_leaf(char *buf, size_t n, const char *path, const char *key)
{
	snprintf(buf, n, "%s.%s", path, key);
	return buf;
}

/* Refuse settings this version does not know: a typo must not pass as a
 * default silently. */
int
swc_check_keys(struct swc_ctx *c, const config_setting_t *g, const char *path,
	const char *const *allowed)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(e);
		bool ok = false;

		for (const char *const *a = allowed; *a; a++)
			if (name && !strcmp(name, *a))
				ok = true;
		if (!ok) {
			char p[128];

			/* Top-level settings (path "") are named alone. */
			snprintf(p, sizeof(p), "%s%s%s", path, *path ? "." : "",
				name ? name : "?");
			return swc_fail(c, e, p, "unknown setting");
		}
	}
	return 0;
}

/* Typed getters: 0 = absent (value untouched), 1 = present, -1 = error. */
int
swc_get_int(struct swc_ctx *c, const config_setting_t *g, const char *path, const char *key,
	long long lo, long long hi, long long *out)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	char p[128];
	long long v;

	if (!s)
		return 0;
	snprintf(p, sizeof(p), "%s.%s", path, key);
	if (config_setting_type(s) == CONFIG_TYPE_INT)
		v = config_setting_get_int(s);
	else if (config_setting_type(s) == CONFIG_TYPE_INT64)
		v = config_setting_get_int64(s);
	else
		return swc_fail(c, s, p, "expected an integer");
	if (v < lo || v > hi)
		return swc_fail(c, s, p, "%lld is out of range %lld..%lld", v, lo, hi);
	*out = v;
	return 1;
}

int
swc_get_bool(struct swc_ctx *c, const config_setting_t *g, const char *path, const char *key,
	bool *out)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	char p[128];

	if (!s)
		return 0;
	snprintf(p, sizeof(p), "%s.%s", path, key);
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return swc_fail(c, s, p, "expected true or false");
	*out = config_setting_get_bool(s) != 0;
	return 1;
}

int
swc_get_str(struct swc_ctx *c, const config_setting_t *g, const char *path, const char *key,
	const char **out)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	char p[128];

	if (!s)
		return 0;
	snprintf(p, sizeof(p), "%s.%s", path, key);
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return swc_fail(c, s, p, "expected a string");
	*out = config_setting_get_string(s);
	return 1;
}

config_setting_t *
swc_add_str(config_setting_t *g, const char *k, const char *v)
{
	config_setting_t *s = config_setting_add(g, k, CONFIG_TYPE_STRING);

	if (s)
		config_setting_set_string(s, v);
	return s;
}

void
swc_add_int(config_setting_t *g, const char *k, long long v)
{
	config_setting_t *s = config_setting_add(g, k, CONFIG_TYPE_INT);

	if (s)
		config_setting_set_int(s, (int)v);
}

void
swc_add_int64(config_setting_t *g, const char *k, long long v)
{
	config_setting_t *s = config_setting_add(g, k, CONFIG_TYPE_INT64);

	if (s)
		config_setting_set_int64(s, v);
}

void
swc_add_bool(config_setting_t *g, const char *k, bool v)
{
	config_setting_t *s = config_setting_add(g, k, CONFIG_TYPE_BOOL);

	if (s)
		config_setting_set_bool(s, v);
}

/* A name: 1..31 characters of [A-Za-z0-9_.:-]. */
int
swc_get_name(struct swc_ctx *c, const config_setting_t *g, const char *path, const char *key,
	bool required, char out[SW_NAME_MAX])
{
	const char *v = NULL;
	int rc = swc_get_str(c, g, path, key, &v);
	char p[128];

	snprintf(p, sizeof(p), "%s.%s", path, key);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (required)
			return swc_fail(c, g, p, "missing");
		out[0] = '\0';
		return 0;
	}
	if (!*v || strlen(v) >= SW_NAME_MAX)
		return swc_fail(c, config_setting_get_member(g, key), p,
			"must be 1..%d characters", SW_NAME_MAX - 1);
	for (const char *q = v; *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
			    (*q >= '0' && *q <= '9') || *q == '_' || *q == '-' || *q == '.' ||
			    *q == ':'))
			return swc_fail(c, config_setting_get_member(g, key), p,
				"'%s' has a character other than letters, digits and _ - . :",
				v);
	snprintf(out, SW_NAME_MAX, "%s", v);
	return 1;
}

int
swc_get_mac(struct swc_ctx *c, const config_setting_t *g, const char *path, const char *key,
	bool unicast, uint8_t mac[6])
{
	const char *v = NULL;
	int rc = swc_get_str(c, g, path, key, &v);
	char p[128];

	if (rc <= 0)
		return rc;
	snprintf(p, sizeof(p), "%s.%s", path, key);
	if (!vn_eth_parse_mac(v, mac))
		return swc_fail(c, config_setting_get_member(g, key), p,
			"'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", v);
	if (unicast && (mac[0] & 1))
		return swc_fail(c, config_setting_get_member(g, key), p,
			"%s is a group address; a unicast MAC is needed", v);
	if (unicast && !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return swc_fail(c, config_setting_get_member(g, key), p,
			"the all-zero MAC is not valid");
	return 1;
}

/* switch.evb = { r = 3; rte = 8; rwd = 20; rka = 20; bgid = false; } */
static int
parse_evb(struct swc_ctx *c, const config_setting_t *g, struct sw_conf_evb *evb)
{
	static const char *const keys[] = { "r", "rte", "rwd", "rka", "bgid", NULL };
	static const struct {
		const char *key;
		long long max; /* R is 3 bits, the exponents 5 (802.1Q-2014 D.2.12) */
	} fields[] = { { "r", 7 }, { "rte", 31 }, { "rwd", 31 }, { "rka", 31 } };
	uint8_t *dst[] = { &evb->r, &evb->rte, &evb->rwd, &evb->rka };
	long long v;
	int rc;

	if (!config_setting_is_group(g))
		return swc_fail(c, g, "switch.evb",
			"expected a group { r = 3; rte = 8; rwd = 20; rka = 20; bgid = false; }");
	if (swc_check_keys(c, g, "switch.evb", keys))
		return -1;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if ((rc = swc_get_int(
			     c, g, "switch.evb", fields[i].key, 0, fields[i].max, &v)) < 0)
			return -1;
		if (rc)
			*dst[i] = (uint8_t)v;
	}
	return swc_get_bool(c, g, "switch.evb", "bgid", &evb->bgid) < 0 ? -1 : 0;
}

/* An LLDP admin status string at g.key into *out (enum sw_lldp_admin). */
static int
get_lldp_admin(struct swc_ctx *c, const config_setting_t *g, const char *path, const char *key,
	int *out)
{
	const char *v = NULL;
	char p[128];
	int rc = swc_get_str(c, g, path, key, &v), a;

	if (rc <= 0)
		return rc;
	snprintf(p, sizeof(p), "%s.%s", path, key);
	a = sw_lldp_admin_parse(v);
	if (a < 0)
		return swc_fail(c, config_setting_get_member(g, key), p,
			"'%s' is not \"rxtx\", \"rx\", \"tx\" or \"disabled\"", v);
	*out = a;
	return 1;
}

/* switch.lldp = { admin = "disabled"; tx_interval = 30; tx_hold = 4; } */
static int
parse_lldp(struct swc_ctx *c, const config_setting_t *g, struct sw_conf_lldp *lldp)
{
	static const char *const keys[] = { "admin", "tx_interval", "tx_hold", "max_neighbors",
		NULL };
	long long v;
	int rc, a = (int)lldp->admin;

	if (!config_setting_is_group(g))
		return swc_fail(c, g, "switch.lldp",
			"expected a group { admin = \"rxtx\"; tx_interval = 30; tx_hold = 4; }");
	if (swc_check_keys(c, g, "switch.lldp", keys) ||
		get_lldp_admin(c, g, "switch.lldp", "admin", &a) < 0)
		return -1;
	lldp->admin = (enum sw_lldp_admin)a;
	/* 802.1AB-2016 9.2.5.7 msgTxInterval 1..3600, 9.2.5.6 msgTxHold 1..100;
	 * the TTL they give (interval x hold + 1) must fit in 16 bits. */
	if ((rc = swc_get_int(c, g, "switch.lldp", "tx_interval", 1, 3600, &v)) < 0)
		return -1;
	if (rc)
		lldp->tx_interval = (uint16_t)v;
	if ((rc = swc_get_int(c, g, "switch.lldp", "tx_hold", 1, 100, &v)) < 0)
		return -1;
	if (rc)
		lldp->tx_hold = (uint8_t)v;
	if ((rc = swc_get_int(c, g, "switch.lldp", "max_neighbors", 1, 256, &v)) < 0)
		return -1;
	if (rc)
		lldp->max_neighbors = (uint16_t)v;
	if ((uint32_t)lldp->tx_interval * lldp->tx_hold + 1 > 65535)
		return swc_fail(c, g, "switch.lldp",
			"tx_interval x tx_hold = %u s: the TTL must stay below 65535 s",
			(unsigned)lldp->tx_interval * lldp->tx_hold);
	return 0;
}

void
sw_conf_audit_default(struct sw_conf_audit *a)
{
	a->enabled = true;
	a->window_s = SW_DEF_AUDIT_WINDOW_S;
	a->idle_s = SW_DEF_AUDIT_IDLE_S;
	a->bypass_share = SW_DEF_AUDIT_SHARE;
	a->log_rate = SW_DEF_AUDIT_LOG_RATE;
}

/* switch.audit = { enabled; window; idle; bypass_share; log_rate; } */
static int
parse_audit(struct swc_ctx *c, const config_setting_t *g, struct sw_conf_audit *a)
{
	static const char *const keys[] = { "enabled", "window", "idle", "bypass_share",
		"log_rate", NULL };
	const char *path = "switch.audit";
	long long v;
	int rc;

	if (!config_setting_is_group(g))
		return swc_fail(c, g, path, "expected a group { window = 10; ... }");
	if (swc_check_keys(c, g, path, keys) ||
		swc_get_bool(c, g, path, "enabled", &a->enabled) < 0)
		return -1;
	if ((rc = swc_get_int(c, g, path, "window", 1, 3600, &v)) < 0)
		return -1;
	if (rc)
		a->window_s = (uint32_t)v;
	if ((rc = swc_get_int(c, g, path, "idle", 0, 31536000, &v)) < 0)
		return -1;
	if (rc)
		a->idle_s = (uint32_t)v;
	if ((rc = swc_get_int(c, g, path, "bypass_share", 1, 100, &v)) < 0)
		return -1;
	if (rc)
		a->bypass_share = (uint32_t)v;
	if ((rc = swc_get_int(c, g, path, "log_rate", 0, 1000, &v)) < 0)
		return -1;
	if (rc)
		a->log_rate = (uint32_t)v;
	return 0;
}

static int
parse_switch(struct swc_ctx *c, const config_t *cfg, struct sw_conf *conf)
{
	static const char *const keys[] = { "name", "mac", "max_veths", "fdb_max", "fdb_aging",
		"default_profile", "evb", "lldp", "audit", "max_vsis", "fdb_max_per_veth",
		NULL };
	const config_setting_t *sub;
	const config_setting_t *g = config_lookup(cfg, "switch");
	long long v;
	int rc;

	conf->max_veths = SW_DEF_MAX_VETHS;
	conf->fdb_max = SW_DEF_FDB_MAX;
	conf->max_vsis = SW_DEF_MAX_VSIS;
	conf->fdb_max_per_veth = SW_DEF_FDB_PER_VETH;
	conf->fdb_aging_s = SW_DEF_FDB_AGING_S;
	sw_conf_evb_default(&conf->evb);
	sw_conf_lldp_default(&conf->lldp);
	sw_conf_audit_default(&conf->audit);
	if (!g)
		return swc_fail(c, NULL, "switch",
			"missing (switch = { name = \"...\"; mac = \"...\"; };)");
	if (!config_setting_is_group(g))
		return swc_fail(c, g, "switch", "expected a group { ... }");
	if (swc_check_keys(c, g, "switch", keys) ||
		swc_get_name(c, g, "switch", "name", true, conf->name) < 0)
		return -1;
	rc = swc_get_mac(c, g, "switch", "mac", true, conf->mac);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return swc_fail(c, g, "switch.mac", "missing");
	if ((rc = swc_get_int(c, g, "switch", "max_veths", 1, SW_CEIL_MAX_VETHS, &v)) < 0)
		return -1;
	if (rc)
		conf->max_veths = (uint32_t)v;
	if ((rc = swc_get_int(c, g, "switch", "fdb_max", 16, SW_CEIL_FDB_MAX, &v)) < 0)
		return -1;
	if (rc)
		conf->fdb_max = (uint32_t)v;
	if ((rc = swc_get_int(c, g, "switch", "max_vsis", 1, SW_CEIL_MAX_VSIS, &v)) < 0)
		return -1;
	if (rc)
		conf->max_vsis = (uint32_t)v;
	if ((rc = swc_get_int(c, g, "switch", "fdb_max_per_veth", 1, SW_CEIL_FDB_MAX, &v)) < 0)
		return -1;
	if (rc)
		conf->fdb_max_per_veth = (uint32_t)v;
	/* 802.1Q 8.8.3: ageing time 10..1 000 000 s. */
	if ((rc = swc_get_int(c, g, "switch", "fdb_aging", 10, 1000000, &v)) < 0)
		return -1;
	if (rc)
		conf->fdb_aging_s = (uint32_t)v;
	if ((sub = config_setting_get_member(g, "evb")) && parse_evb(c, sub, &conf->evb))
		return -1;
	if ((sub = config_setting_get_member(g, "lldp")) && parse_lldp(c, sub, &conf->lldp))
		return -1;
	if ((sub = config_setting_get_member(g, "audit")) && parse_audit(c, sub, &conf->audit))
		return -1;
	return swc_get_name(c, g, "switch", "default_profile", false, conf->default_profile) < 0
		? -1
		: 0;
}

static int
parse_vlan_list(struct swc_ctx *c, const config_setting_t *s, const char *path, uint8_t *bits)
{
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return swc_fail(c, s, path, "expected a list of VLAN IDs [10, 20]");
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		int vid;

		if (config_setting_type(e) != CONFIG_TYPE_INT)
			return swc_fail(c, e, path, "VLAN IDs must be integers");
		vid = config_setting_get_int(e);
		/* 802.1Q 9.6 Table 9-2: 0 (priority tag) and 4095 are reserved. */
		if (vid < 1 || vid > 4094)
			return swc_fail(c, e, path, "VLAN %d is out of range 1..4094", vid);
		if (sw_vlan_test(bits, (unsigned)vid))
			return swc_fail(c, e, path, "VLAN %d listed twice", vid);
		sw_vlan_set(bits, (unsigned)vid);
	}
	return 0;
}

/* ports.[N].schannels = { chncap = 4; svid_min = 100; svid_max = 199; }
 * (VEPA ports: S-channels, CDCP bridge role). */
static int
parse_schannels(
	struct swc_ctx *c, const config_setting_t *g, const char *path, struct sw_conf_port *p)
{
	static const char *const keys[] = { "chncap", "svid_min", "svid_max", NULL };
	long long v;
	int rc;

	if (p->mode != SW_MODE_VEPA)
		return swc_fail(c, g, path,
			"S-channels apply to vepa ports (VN-Tag and E-Tag ports name their "
			"channels by the tag)");
	if (!config_setting_is_group(g))
		return swc_fail(c, g, path,
			"expected a group { chncap = 4; svid_min = 100; svid_max = 199; }");
	if (swc_check_keys(c, g, path, keys))
		return -1;
	p->schannels = true;
	p->chncap = SW_DEF_CHNCAP;
	p->svid_min = SW_DEF_SVID_MIN;
	p->svid_max = SW_DEF_SVID_MAX;
	/* ChnCap counts the default channel; one CDCP TLV carries at most 167
	 * pairs.  S-VID 1 is the default channel's, 4095 is reserved. */
	if ((rc = swc_get_int(c, g, path, "chncap", 1, SW_SCHAN_MAX, &v)) < 0)
		return -1;
	if (rc)
		p->chncap = (uint16_t)v;
	if ((rc = swc_get_int(c, g, path, "svid_min", 2, 4094, &v)) < 0)
		return -1;
	if (rc)
		p->svid_min = (uint16_t)v;
	if ((rc = swc_get_int(c, g, path, "svid_max", 2, 4094, &v)) < 0)
		return -1;
	if (rc)
		p->svid_max = (uint16_t)v;
	if (p->svid_min > p->svid_max) {
		char lp[128];

		return swc_fail(c, config_setting_get_member(g, "svid_max"),
			swc_leaf(lp, sizeof(lp), path, "svid_max"),
			"the pool %u..%u is empty (svid_min > svid_max)", p->svid_min,
			p->svid_max);
	}
	return 0;
}

static int
parse_port(
	struct swc_ctx *c, const config_setting_t *g, const char *path, struct sw_conf_port *p)
{
	static const char *const keys[] = { "name", "role", "mode", "interface", "vlans",
		"untagged", "max_veths", "auto_create", "reflective_relay", "admin", "lldp",
		"max_channels", "schannels", NULL };
	const char *role = NULL, *mode = NULL, *ifname = NULL, *admin = NULL;
	const config_setting_t *s;
	bool untagged = false;
	char lp[128];
	long long v;
	int rc;

	p->line = config_setting_source_line(g);
	p->admin_up = true;
	p->max_veths = SW_DEF_PORT_VETHS;
	p->max_channels = SW_DEF_CHANNELS;
	p->lldp_admin = SW_LLDP_INHERIT;
	if (!config_setting_is_group(g))
		return swc_fail(c, g, path, "expected a group { name = ...; role = ...; }");
	if (swc_check_keys(c, g, path, keys) ||
		swc_get_name(c, g, path, "name", true, p->name) < 0)
		return -1;
	if (swc_get_str(c, g, path, "role", &role) < 0)
		return -1;
	if (!role)
		return swc_fail(c, g, swc_leaf(lp, sizeof(lp), path, "role"),
			"missing (\"uplink\" or \"host\")");
	if (!strcmp(role, "uplink"))
		p->role = SW_ROLE_UPLINK;
	else if (!strcmp(role, "host"))
		p->role = SW_ROLE_HOST;
	else
		return swc_fail(c, config_setting_get_member(g, "role"),
			swc_leaf(lp, sizeof(lp), path, "role"),
			"role '%s' is not \"uplink\" or \"host\"", role);
	if (swc_get_str(c, g, path, "mode", &mode) < 0)
		return -1;
	if (p->role == SW_ROLE_UPLINK) {
		if (mode)
			return swc_fail(c, config_setting_get_member(g, "mode"),
				swc_leaf(lp, sizeof(lp), path, "mode"),
				"an uplink has no mode (it is an 802.1Q trunk)");
		p->mode = SW_MODE_NONE;
		s = config_setting_get_member(g, "vlans");
		if (s) {
			char vp[128];

			snprintf(vp, sizeof(vp), "%s.vlans", path);
			if (parse_vlan_list(c, s, vp, p->vlans))
				return -1;
		}
		if (swc_get_bool(c, g, path, "untagged", &untagged) < 0)
			return -1;
		if (untagged)
			sw_vlan_set(p->vlans, 0); /* VLAN 0 = the untagged domain */
		for (const char *const *k = (const char *const[]) { "max_veths", "auto_create",
			     "reflective_relay", "max_channels", "schannels", NULL };
			*k; k++)
			if ((s = config_setting_get_member(g, *k)))
				return swc_fail(c, s, swc_leaf(lp, sizeof(lp), path, *k),
					"'%s' applies to host ports only", *k);
	} else {
		if (!mode)
			return swc_fail(c, g, swc_leaf(lp, sizeof(lp), path, "mode"),
				"missing (\"vntag\", \"etag\" or \"vepa\")");
		if (!strcmp(mode, "vntag"))
			p->mode = SW_MODE_VNTAG;
		else if (!strcmp(mode, "etag"))
			p->mode = SW_MODE_ETAG;
		else if (!strcmp(mode, "vepa"))
			p->mode = SW_MODE_VEPA;
		else
			return swc_fail(c, config_setting_get_member(g, "mode"),
				swc_leaf(lp, sizeof(lp), path, "mode"),
				"mode '%s' is not \"vntag\", \"etag\" or \"vepa\"", mode);
		if ((s = config_setting_get_member(g, "vlans")) ||
			(s = config_setting_get_member(g, "untagged")))
			return swc_fail(c, s,
				swc_leaf(lp, sizeof(lp), path, config_setting_name(s)),
				"'%s' applies to uplinks only (a vEth's VLAN comes from the vEth "
				"or its profile)",
				config_setting_name(s));
		if ((rc = swc_get_int(c, g, path, "max_veths", 0, SW_CEIL_MAX_VETHS, &v)) < 0)
			return -1;
		if (rc)
			p->max_veths = (uint32_t)v;
		if ((rc = swc_get_int(c, g, path, "max_channels", 1, SW_CEIL_CHANNELS, &v)) < 0)
			return -1;
		if (rc)
			p->max_channels = (uint32_t)v;
		if (swc_get_bool(c, g, path, "auto_create", &p->auto_create) < 0 ||
			swc_get_bool(c, g, path, "reflective_relay", &p->reflective_relay) < 0)
			return -1;
		if (p->reflective_relay && p->mode != SW_MODE_VEPA)
			return swc_fail(c, config_setting_get_member(g, "reflective_relay"),
				swc_leaf(lp, sizeof(lp), path, "reflective_relay"),
				"reflective_relay applies to vepa ports (VN-Tag and E-Tag ports "
				"always return frames with source pruning)");
		if ((s = config_setting_get_member(g, "schannels")) &&
			parse_schannels(c, s, swc_leaf(lp, sizeof(lp), path, "schannels"), p))
			return -1;
	}
	if (get_lldp_admin(c, g, path, "lldp", &p->lldp_admin) < 0)
		return -1;
	if (swc_get_str(c, g, path, "interface", &ifname) < 0)
		return -1;
	if (ifname) {
		if (!*ifname || strlen(ifname) > 15)
			return swc_fail(c, config_setting_get_member(g, "interface"),
				swc_leaf(lp, sizeof(lp), path, "interface"),
				"interface name must be 1..15 characters");
		snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	}
	if (swc_get_str(c, g, path, "admin", &admin) < 0)
		return -1;
	if (admin) {
		if (!strcmp(admin, "up"))
			p->admin_up = true;
		else if (!strcmp(admin, "down"))
			p->admin_up = false;
		else
			return swc_fail(c, config_setting_get_member(g, "admin"),
				swc_leaf(lp, sizeof(lp), path, "admin"),
				"admin '%s' is not \"up\" or \"down\"", admin);
	}
	return 0;
}

static int
parse_profile(struct swc_ctx *c, const config_setting_t *g, const char *path,
	struct sw_conf_profile *p)
{
	static const char *const keys[] = { "name", "type_id", "type_version", "vlan", "acl_in",
		"acl_out", "acl_default", "police_in", "police_out", NULL };
	long long v;
	int rc;

	p->line = config_setting_source_line(g);
	if (!config_setting_is_group(g))
		return swc_fail(c, g, path, "expected a group { name = ...; }");
	if (swc_check_keys(c, g, path, keys) ||
		swc_get_name(c, g, path, "name", true, p->name) < 0)
		return -1;
	/* VSI type id is 24 bits, its version 8 (802.1Qbg-2012 41.2.4/41.2.5). */
	if ((rc = swc_get_int(c, g, path, "type_id", 0, 0xFFFFFF, &v)) < 0)
		return -1;
	if (rc)
		p->type_id = (uint32_t)v;
	if ((rc = swc_get_int(c, g, path, "type_version", 0, 255, &v)) < 0)
		return -1;
	if (rc)
		p->type_version = (uint8_t)v;
	if ((rc = swc_get_int(c, g, path, "vlan", 0, 4094, &v)) < 0)
		return -1;
	if (rc) {
		p->has_vlan = true;
		p->vlan = (uint16_t)v;
	}
	return swc_parse_policy(c, g, path, p->name, &p->policy);
}

static int
parse_veth(
	struct swc_ctx *c, const config_setting_t *g, const char *path, struct sw_conf_veth *e)
{
	static const char *const keys[] = { "id", "port", "vif", "ecid", "mac", "vlan",
		"profile", "svid", NULL };
	char lp[128];
	long long v;
	int rc, nkeys = 0;

	e->line = config_setting_source_line(g);
	if (!config_setting_is_group(g))
		return swc_fail(c, g, path, "expected a group { id = ...; port = ...; }");
	if (swc_check_keys(c, g, path, keys))
		return -1;
	if ((rc = swc_get_int(c, g, path, "id", 1, 0x7FFFFFFF, &v)) < 0)
		return -1;
	if (!rc)
		return swc_fail(c, g, swc_leaf(lp, sizeof(lp), path, "id"), "missing");
	e->id = (uint32_t)v;
	if (swc_get_name(c, g, path, "port", true, e->port) < 0 ||
		swc_get_name(c, g, path, "profile", false, e->profile) < 0)
		return -1;
	/* VN-Tag svif is 12 bits: a vif the host can send from is 0..4095. */
	if ((rc = swc_get_int(c, g, path, "vif", 0, 4095, &v)) < 0)
		return -1;
	if (rc) {
		e->kind = SW_BIND_VIF;
		e->key = (uint32_t)v;
		nkeys++;
	}
	/* E-CID is 20 bits; 0 names no extended port (802.1BR 7.7). */
	if ((rc = swc_get_int(c, g, path, "ecid", 1, ETAG_ECID_MAX, &v)) < 0)
		return -1;
	if (rc) {
		e->kind = SW_BIND_ECID;
		e->key = (uint32_t)v;
		nkeys++;
	}
	if ((rc = swc_get_mac(c, g, path, "mac", true, e->mac)) < 0)
		return -1;
	if (rc) {
		e->kind = SW_BIND_MAC;
		nkeys++;
	}
	if (nkeys != 1)
		return swc_fail(c, g, path,
			"exactly one of vif, ecid or mac binds a vEth (found %d)", nkeys);
	/* The S-channel of a MAC-bound vEth (validate() checks the port). */
	if ((rc = swc_get_int(c, g, path, "svid", 1, 4094, &v)) < 0)
		return -1;
	if (rc) {
		if (e->kind != SW_BIND_MAC)
			return swc_fail(c, config_setting_get_member(g, "svid"),
				swc_leaf(lp, sizeof(lp), path, "svid"),
				"svid applies to MAC-bound vEths (vepa ports)");
		e->svid = (uint16_t)v;
	}

	if ((rc = swc_get_int(c, g, path, "vlan", 0, 4094, &v)) < 0)
		return -1;
	if (rc) {
		e->has_vlan = true;
		e->vlan = (uint16_t)v;
	}
	return 0;
}

/* Parse an optional list setting of groups with 'parse' into a new array. */
static int
parse_list(struct swc_ctx *c, const config_t *cfg, const char *key, size_t elem_size,
	size_t max, void **out, size_t *n_out,
	int (*parse)(struct swc_ctx *, const config_setting_t *, const char *, void *))
{
	const config_setting_t *l = config_lookup(cfg, key);
	size_t n;

	*out = NULL;
	*n_out = 0;
	if (!l)
		return 0;
	if (!config_setting_is_list(l))
		return swc_fail(c, l, key, "expected a list ( { ... }, { ... } )");
	n = (size_t)config_setting_length(l);
	if (n > max)
		return swc_fail(c, l, key, "%zu entries exceed the limit of %zu", n, max);
	*out = calloc(n ? n : 1, elem_size);
	if (!*out)
		return swc_fail(c, l, key, "out of memory");
	/* Counted from the start, so that sw_conf_free() after an error
	 * frees what the parsed elements own (the rest are zero). */
	*n_out = n;
	for (size_t i = 0; i < n; i++) {
		char path[64];

		snprintf(path, sizeof(path), "%s.[%zu]", key, i + 1);
		if (parse(c, config_setting_get_elem(l, (unsigned)i), path,
			    (char *)*out + i * elem_size))
			return -1;
	}
	return 0;
}

static int
parse_port_cb(struct swc_ctx *c, const config_setting_t *g, const char *path, void *p)
{
	return parse_port(c, g, path, p);
}

static int
parse_profile_cb(struct swc_ctx *c, const config_setting_t *g, const char *path, void *p)
{
	return parse_profile(c, g, path, p);
}

static int
parse_veth_cb(struct swc_ctx *c, const config_setting_t *g, const char *path, void *p)
{
	return parse_veth(c, g, path, p);
}

static int
line_fail(struct swc_ctx *c, int line, const char *path, const char *msg)
{
	snprintf(c->err, c->errlen, "%s:%d: %s: %s", c->file, line, path, msg);
	return -1;
}

/* Cross-references: unique names and ids, bindings that fit their port. */
/* The vEths' cross-references and uniqueness (ids, bindings per port,
 * MAC+VLAN switch-wide), against tables of the vEths before each. */
struct veth_tabs {
	struct sw_htab ids, binds, macs;
	size_t *on_port;
};

static uint64_t
veth_mac_key(const struct sw_conf_veth *e)
{
	uint64_t k = (uint64_t)e->vlan << 48;

	for (int i = 0; i < 6; i++)
		k |= (uint64_t)e->mac[i] << (40 - 8 * i);
	return k;
}

static int
validate_veths(struct swc_ctx *c, struct sw_conf *conf, struct veth_tabs *t)
{
	char path[64], lp[128], msg[256];
	size_t total = 0;

	for (size_t i = 0; i < conf->n_veths; i++) {
		struct sw_conf_veth *e = &conf->veths[i];
		const struct sw_conf_port *p = NULL;
		const struct sw_conf_profile *prof = NULL;
		size_t on_port, pidx;

		snprintf(path, sizeof(path), "veths.[%zu]", i + 1);
		for (size_t j = 0; j < conf->n_ports; j++)
			if (!strcmp(conf->ports[j].name, e->port))
				p = &conf->ports[j];
		/* Cross-reference errors name the setting at fault (path.key)
		 * with the line where its vEth starts. */
		if (!p) {
			snprintf(msg, sizeof(msg), "no port named '%s'", e->port);
			return line_fail(
				c, e->line, swc_leaf(lp, sizeof(lp), path, "port"), msg);
		}
		if (p->role != SW_ROLE_HOST) {
			snprintf(msg, sizeof(msg),
				"port '%s' is an uplink; vEths live on host ports", e->port);
			return line_fail(
				c, e->line, swc_leaf(lp, sizeof(lp), path, "port"), msg);
		}
		if ((p->mode == SW_MODE_VNTAG && e->kind != SW_BIND_VIF) ||
			(p->mode == SW_MODE_ETAG && e->kind != SW_BIND_ECID) ||
			(p->mode == SW_MODE_VEPA && e->kind != SW_BIND_MAC)) {
			snprintf(msg, sizeof(msg),
				"port '%s' is a %s port: bind the vEth with %s", p->name,
				sw_mode_name(p->mode),
				p->mode == SW_MODE_VNTAG          ? "vif"
					: p->mode == SW_MODE_ETAG ? "ecid"
								  : "mac (and vlan)");
			return line_fail(c, e->line, path, msg);
		}
		if (e->svid > SW_SCHAN_DEFAULT_SVID &&
			(!p->schannels || e->svid < p->svid_min || e->svid > p->svid_max)) {
			if (p->schannels)
				snprintf(msg, sizeof(msg),
					"S-VID %u is outside the pool %u..%u of port '%s'",
					e->svid, p->svid_min, p->svid_max, p->name);
			else
				snprintf(msg, sizeof(msg),
					"port '%s' has no schannels: its vEths are on the "
					"default channel (svid 1)",
					p->name);
			return line_fail(
				c, e->line, swc_leaf(lp, sizeof(lp), path, "svid"), msg);
		}
		if (e->profile[0]) {
			for (size_t j = 0; j < conf->n_profiles; j++)
				if (!strcmp(conf->profiles[j].name, e->profile))
					prof = &conf->profiles[j];
			if (!prof) {
				snprintf(msg, sizeof(msg), "no profile named '%s'", e->profile);
				return line_fail(c, e->line,
					swc_leaf(lp, sizeof(lp), path, "profile"), msg);
			}
			if (!e->has_vlan && prof->has_vlan) {
				e->has_vlan = true;
				e->vlan_from_profile = true;
				e->vlan = prof->vlan;
			}
		}
		/* Earlier vEths in conflict with this one, found through the
		 * tables (linear in the vEths, not quadratic): the first one
		 * in the file is reported, an id before a binding before a MAC
		 * for the same vEth, as a scan in file order would. */
		pidx = (size_t)(p - conf->ports);
		on_port = t->on_port[pidx];
		{
			const struct sw_htab_ent *hid = sw_htab_find(&t->ids, e->id, 0);
			const struct sw_htab_ent *hb = e->kind != SW_BIND_MAC
				? sw_htab_find(&t->binds, (uint64_t)e->kind << 32 | e->key,
					  (uint32_t)pidx)
				: NULL;
			const struct sw_htab_ent *hm = e->kind == SW_BIND_MAC
				? sw_htab_find(&t->macs, veth_mac_key(e), 0)
				: NULL;
			int32_t first = hid ? hid->val : INT32_MAX;

			if (hb && hb->val < first)
				first = hb->val;
			if (hm && hm->val < first)
				first = hm->val;
			if (hid && hid->val == first) {
				snprintf(msg, sizeof(msg),
					"vEth %u is already defined at line %d", e->id,
					conf->veths[first].line);
				return line_fail(
					c, e->line, swc_leaf(lp, sizeof(lp), path, "id"), msg);
			}
			if (hb && hb->val == first) {
				snprintf(msg, sizeof(msg),
					"%s %u on port '%s' is already bound to vEth %u",
					e->kind == SW_BIND_VIF ? "vif" : "E-CID", e->key,
					e->port, conf->veths[first].id);
				return line_fail(c, e->line,
					swc_leaf(lp, sizeof(lp), path,
						e->kind == SW_BIND_VIF ? "vif" : "ecid"),
					msg);
			}
			if (hm && hm->val == first) {
				char m[18];

				vn_eth_format_mac(e->mac, m);
				snprintf(msg, sizeof(msg),
					"MAC %s in VLAN %u is already bound to vEth %u", m,
					e->vlan, conf->veths[first].id);
				return line_fail(
					c, e->line, swc_leaf(lp, sizeof(lp), path, "mac"), msg);
			}
		}
		if (on_port + 1 > p->max_veths) {
			snprintf(msg, sizeof(msg), "port '%s' allows max_veths = %u", p->name,
				p->max_veths);
			return line_fail(c, e->line, path, msg);
		}
		total++;
		/* This vEth, for the ones after it (the first holder stays). */
		t->on_port[pidx]++;
		sw_htab_insert(&t->ids, e->id, 0, (int32_t)i, 0);
		if (e->kind != SW_BIND_MAC)
			sw_htab_insert(&t->binds, (uint64_t)e->kind << 32 | e->key,
				(uint32_t)pidx, (int32_t)i, 0);
		else if (!sw_htab_find(&t->macs, veth_mac_key(e), 0))
			sw_htab_insert(&t->macs, veth_mac_key(e), 0, (int32_t)i, 0);
	}
	(void)total;
	return 0;
}
static int
validate(struct swc_ctx *c, struct sw_conf *conf, int default_profile_line)
{
	char path[64], msg[256];

	for (size_t i = 0; i < conf->n_ports; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(conf->ports[i].name, conf->ports[j].name)) {
				snprintf(path, sizeof(path), "ports.[%zu].name", i + 1);
				snprintf(msg, sizeof(msg),
					"port '%s' is already defined at line %d",
					conf->ports[i].name, conf->ports[j].line);
				return line_fail(c, conf->ports[i].line, path, msg);
			}
	for (size_t i = 0; i < conf->n_profiles; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(conf->profiles[i].name, conf->profiles[j].name)) {
				snprintf(path, sizeof(path), "profiles.[%zu].name", i + 1);
				snprintf(msg, sizeof(msg),
					"profile '%s' is already defined at line %d",
					conf->profiles[i].name, conf->profiles[j].line);
				return line_fail(c, conf->profiles[i].line, path, msg);
			}
	if (conf->default_profile[0]) {
		bool found = false;

		for (size_t j = 0; j < conf->n_profiles; j++)
			found |= !strcmp(conf->profiles[j].name, conf->default_profile);
		if (!found) {
			snprintf(msg, sizeof(msg), "no profile named '%s'",
				conf->default_profile);
			return line_fail(
				c, default_profile_line, "switch.default_profile", msg);
		}
	}
	if (conf->n_veths > conf->max_veths) {
		snprintf(msg, sizeof(msg), "%zu vEths exceed switch.max_veths = %u",
			conf->n_veths, conf->max_veths);
		return line_fail(
			c, conf->n_veths ? conf->veths[conf->max_veths].line : 0, "veths", msg);
	}
	{
		struct veth_tabs t = { .on_port = calloc(conf->n_ports + 1, sizeof(size_t)) };
		uint32_t n = conf->n_veths ? (uint32_t)conf->n_veths : 1;
		int rc;

		if (!t.on_port || sw_htab_init(&t.ids, n) || sw_htab_init(&t.binds, n) ||
			sw_htab_init(&t.macs, n))
			rc = line_fail(c, 0, "veths", "out of memory");
		else
			rc = validate_veths(c, conf, &t);
		sw_htab_free(&t.ids);
		sw_htab_free(&t.binds);
		sw_htab_free(&t.macs);
		free(t.on_port);
		return rc;
	}
}

static int
load(config_t *cfg, struct swc_ctx *c, struct sw_conf *conf)
{
	static const char *const top[] = { "switch", "ports", "profiles", "veths", NULL };
	const config_setting_t *root = config_root_setting(cfg);
	const config_setting_t *dp;

	if (swc_check_keys(c, root, "", top))
		return -1;
	if (parse_switch(c, cfg, conf))
		return -1;
	if (parse_list(c, cfg, "ports", sizeof(struct sw_conf_port), SW_MAX_PORTS,
		    (void **)&conf->ports, &conf->n_ports, parse_port_cb))
		return -1;
	if (parse_list(c, cfg, "profiles", sizeof(struct sw_conf_profile), SW_MAX_PROFILES,
		    (void **)&conf->profiles, &conf->n_profiles, parse_profile_cb))
		return -1;
	if (parse_list(c, cfg, "veths", sizeof(struct sw_conf_veth), SW_CEIL_MAX_VETHS,
		    (void **)&conf->veths, &conf->n_veths, parse_veth_cb))
		return -1;
	dp = config_lookup(cfg, "switch.default_profile");
	return validate(c, conf, dp ? (int)config_setting_source_line(dp) : 0);
}

static int
load_common(config_t *cfg, int read_ok, const char *name, struct sw_conf *conf, char *err,
	size_t errlen)
{
	struct swc_ctx c = { .file = name, .err = err, .errlen = errlen };
	int rc;

	memset(conf, 0, sizeof(*conf));
	snprintf(conf->path, sizeof(conf->path), "%s", name);
	if (!read_ok) {
		if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: cannot read the file", name);
		else
			snprintf(err, errlen, "%s:%d: syntax error: %s", name,
				config_error_line(cfg), config_error_text(cfg));
		config_destroy(cfg);
		return -1;
	}
	rc = load(cfg, &c, conf);
	config_destroy(cfg);
	if (rc)
		sw_conf_free(conf);
	return rc;
}

/*
 * @include is refused: libconfig 1.5 exit()s on some include targets (a
 * directory), reads files outside the one named, and reports their errors
 * against the wrong file and line.  One configuration is one file.
 */
static int
refuse_include(const char *text, const char *name, char *err, size_t errlen)
{
	int line = 1;

	for (const char *p = text; *p; line++) {
		const char *q = p;

		while (*q == ' ' || *q == '\t')
			q++;
		if (!strncmp(q, "@include", 8)) {
			snprintf(err, errlen,
				"%s:%d: @include: not supported (one file holds the whole configuration)",
				name, line);
			return -1;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return 0;
}

#define SW_CONF_MAX_FILE (64u << 20)

int
sw_conf_load(const char *path, struct sw_conf *conf, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	size_t n = 0, cap = 65536;
	char *text = NULL;
	int rc;

	memset(conf, 0, sizeof(*conf));
	if (!f) {
		snprintf(err, errlen, "%s: cannot read the file", path);
		return -1;
	}
	/* Read it whole, then parse the text: the include check sees exactly
	 * what libconfig will. */
	for (;;) {
		char *t;

		if (n + 1 >= cap || !text) {
			if (text)
				cap *= 2;
			if (cap > SW_CONF_MAX_FILE) {
				snprintf(err, errlen, "%s: larger than %u bytes", path,
					SW_CONF_MAX_FILE);
				free(text);
				fclose(f);
				return -1;
			}
			t = realloc(text, cap);
			if (!t) {
				snprintf(err, errlen, "%s: out of memory", path);
				free(text);
				fclose(f);
				return -1;
			}
			text = t;
		}
		size_t k = fread(text + n, 1, cap - n - 1, f);

		n += k;
		if (k == 0)
			break;
	}
	rc = ferror(f);
	fclose(f);
	if (rc) {
		snprintf(err, errlen, "%s: cannot read the file", path);
		free(text);
		return -1;
	}
	text[n] = '\0';
	if (strlen(text) != n) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(text);
		return -1;
	}
	rc = sw_conf_load_string(text, path, conf, err, errlen);
	free(text);
	return rc;
}

int
sw_conf_load_string(
	const char *text, const char *name, struct sw_conf *conf, char *err, size_t errlen)
{
	config_t cfg;

	memset(conf, 0, sizeof(*conf));
	if (refuse_include(text, name, err, errlen))
		return -1;
	config_init(&cfg);
	return load_common(
		&cfg, config_read_string(&cfg, text) == CONFIG_TRUE, name, conf, err, errlen);
}

void
sw_conf_free(struct sw_conf *conf)
{
	for (size_t i = 0; conf->profiles && i < conf->n_profiles; i++)
		sw_conf_policy_free(&conf->profiles[i].policy);
	free(conf->ports);
	free(conf->profiles);
	free(conf->veths);
	conf->ports = NULL;
	conf->profiles = NULL;
	conf->veths = NULL;
	conf->n_ports = conf->n_profiles = conf->n_veths = 0;
}

const char *
sw_mode_name(enum sw_mode m)
{
	switch (m) {
	case SW_MODE_VNTAG:
		return "vntag";
	case SW_MODE_ETAG:
		return "etag";
	case SW_MODE_VEPA:
		return "vepa";
	case SW_MODE_NONE:
		break;
	}
	return "none";
}

const char *
sw_lldp_admin_name(enum sw_lldp_admin a)
{
	switch (a) {
	case SW_LLDP_RX:
		return "rx";
	case SW_LLDP_TX:
		return "tx";
	case SW_LLDP_RXTX:
		return "rxtx";
	case SW_LLDP_DISABLED:
		break;
	}
	return "disabled";
}

int
sw_lldp_admin_parse(const char *s)
{
	if (!strcmp(s, "rxtx"))
		return SW_LLDP_RXTX;
	if (!strcmp(s, "rx"))
		return SW_LLDP_RX;
	if (!strcmp(s, "tx"))
		return SW_LLDP_TX;
	if (!strcmp(s, "disabled"))
		return SW_LLDP_DISABLED;
	return -1;
}

void
sw_conf_evb_default(struct sw_conf_evb *evb)
{
	evb->r = 3;
	evb->rte = 8;
	evb->rwd = 20;
	evb->rka = 20;
	evb->bgid = false;
}

void
sw_conf_lldp_default(struct sw_conf_lldp *lldp)
{
	/* On, like any bridge port (802.1AB adminStatus enabledRxTx);
	 * see vnswitch.conf(5), LLDP. */
	lldp->admin = SW_LLDP_RXTX;
	lldp->tx_interval = 30;
	lldp->tx_hold = 4;
	lldp->max_neighbors = 8; /* LLDP_DEF_MAX_NEIGHBORS */
}

enum sw_lldp_admin
sw_conf_port_lldp(const struct sw_conf *c, const struct sw_conf_port *p)
{
	return p->lldp_admin == SW_LLDP_INHERIT ? c->lldp.admin
						: (enum sw_lldp_admin)p->lldp_admin;
}

const char *
sw_role_name(enum sw_role r)
{
	return r == SW_ROLE_UPLINK ? "uplink" : "host";
}

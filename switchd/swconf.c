/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "switchd/swconf.h"

#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/acl.h"
#include "vntag/etag.h"
#include "vntag/eth.h"

/* Parsing context: where errors go. */
struct ctx {
	const char *file;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 4, 5)))
fail(struct ctx *c, const config_setting_t *s, const char *path, const char *fmt, ...)
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
static const char *
leaf(char *buf, size_t n, const char *path, const char *key)
{
	snprintf(buf, n, "%s.%s", path, key);
	return buf;
}

/* Refuse settings this version does not know: a typo must not pass as a
 * default silently. */
static int
check_keys(
	struct ctx *c, const config_setting_t *g, const char *path, const char *const *allowed)
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
			return fail(c, e, p, "unknown setting");
		}
	}
	return 0;
}

/* Typed getters: 0 = absent (value untouched), 1 = present, -1 = error. */
static int
get_int(struct ctx *c, const config_setting_t *g, const char *path, const char *key,
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
		return fail(c, s, p, "expected an integer");
	if (v < lo || v > hi)
		return fail(c, s, p, "%lld is out of range %lld..%lld", v, lo, hi);
	*out = v;
	return 1;
}

static int
get_bool(struct ctx *c, const config_setting_t *g, const char *path, const char *key, bool *out)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	char p[128];

	if (!s)
		return 0;
	snprintf(p, sizeof(p), "%s.%s", path, key);
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return fail(c, s, p, "expected true or false");
	*out = config_setting_get_bool(s) != 0;
	return 1;
}

static int
get_str(struct ctx *c, const config_setting_t *g, const char *path, const char *key,
	const char **out)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	char p[128];

	if (!s)
		return 0;
	snprintf(p, sizeof(p), "%s.%s", path, key);
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail(c, s, p, "expected a string");
	*out = config_setting_get_string(s);
	return 1;
}

/* A name: 1..31 characters of [A-Za-z0-9_.:-]. */
static int
get_name(struct ctx *c, const config_setting_t *g, const char *path, const char *key,
	bool required, char out[SW_NAME_MAX])
{
	const char *v = NULL;
	int rc = get_str(c, g, path, key, &v);
	char p[128];

	snprintf(p, sizeof(p), "%s.%s", path, key);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (required)
			return fail(c, g, p, "missing");
		out[0] = '\0';
		return 0;
	}
	if (!*v || strlen(v) >= SW_NAME_MAX)
		return fail(c, config_setting_get_member(g, key), p, "must be 1..%d characters",
			SW_NAME_MAX - 1);
	for (const char *q = v; *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
			    (*q >= '0' && *q <= '9') || *q == '_' || *q == '-' || *q == '.' ||
			    *q == ':'))
			return fail(c, config_setting_get_member(g, key), p,
				"'%s' has a character other than letters, digits and _ - . :",
				v);
	snprintf(out, SW_NAME_MAX, "%s", v);
	return 1;
}

static int
get_mac(struct ctx *c, const config_setting_t *g, const char *path, const char *key,
	bool unicast, uint8_t mac[6])
{
	const char *v = NULL;
	int rc = get_str(c, g, path, key, &v);
	char p[128];

	if (rc <= 0)
		return rc;
	snprintf(p, sizeof(p), "%s.%s", path, key);
	if (!vn_eth_parse_mac(v, mac))
		return fail(c, config_setting_get_member(g, key), p,
			"'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", v);
	if (unicast && (mac[0] & 1))
		return fail(c, config_setting_get_member(g, key), p,
			"%s is a group address; a unicast MAC is needed", v);
	if (unicast && !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return fail(c, config_setting_get_member(g, key), p,
			"the all-zero MAC is not valid");
	return 1;
}

/* switch.evb = { r = 3; rte = 8; rwd = 20; rka = 20; bgid = false; } */
static int
parse_evb(struct ctx *c, const config_setting_t *g, struct sw_conf_evb *evb)
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
		return fail(c, g, "switch.evb",
			"expected a group { r = 3; rte = 8; rwd = 20; rka = 20; bgid = false; }");
	if (check_keys(c, g, "switch.evb", keys))
		return -1;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if ((rc = get_int(c, g, "switch.evb", fields[i].key, 0, fields[i].max, &v)) < 0)
			return -1;
		if (rc)
			*dst[i] = (uint8_t)v;
	}
	return get_bool(c, g, "switch.evb", "bgid", &evb->bgid) < 0 ? -1 : 0;
}

/* An LLDP admin status string at g.key into *out (enum sw_lldp_admin). */
static int
get_lldp_admin(
	struct ctx *c, const config_setting_t *g, const char *path, const char *key, int *out)
{
	const char *v = NULL;
	char p[128];
	int rc = get_str(c, g, path, key, &v), a;

	if (rc <= 0)
		return rc;
	snprintf(p, sizeof(p), "%s.%s", path, key);
	a = sw_lldp_admin_parse(v);
	if (a < 0)
		return fail(c, config_setting_get_member(g, key), p,
			"'%s' is not \"rxtx\", \"rx\", \"tx\" or \"disabled\"", v);
	*out = a;
	return 1;
}

/* switch.lldp = { admin = "disabled"; tx_interval = 30; tx_hold = 4; } */
static int
parse_lldp(struct ctx *c, const config_setting_t *g, struct sw_conf_lldp *lldp)
{
	static const char *const keys[] = { "admin", "tx_interval", "tx_hold", NULL };
	long long v;
	int rc, a = (int)lldp->admin;

	if (!config_setting_is_group(g))
		return fail(c, g, "switch.lldp",
			"expected a group { admin = \"rxtx\"; tx_interval = 30; tx_hold = 4; }");
	if (check_keys(c, g, "switch.lldp", keys) ||
		get_lldp_admin(c, g, "switch.lldp", "admin", &a) < 0)
		return -1;
	lldp->admin = (enum sw_lldp_admin)a;
	/* 802.1AB-2016 9.2.5.7 msgTxInterval 1..3600, 9.2.5.6 msgTxHold 1..100;
	 * the TTL they give (interval x hold + 1) must fit in 16 bits. */
	if ((rc = get_int(c, g, "switch.lldp", "tx_interval", 1, 3600, &v)) < 0)
		return -1;
	if (rc)
		lldp->tx_interval = (uint16_t)v;
	if ((rc = get_int(c, g, "switch.lldp", "tx_hold", 1, 100, &v)) < 0)
		return -1;
	if (rc)
		lldp->tx_hold = (uint8_t)v;
	if ((uint32_t)lldp->tx_interval * lldp->tx_hold + 1 > 65535)
		return fail(c, g, "switch.lldp",
			"tx_interval x tx_hold = %u s: the TTL must stay below 65535 s",
			(unsigned)lldp->tx_interval * lldp->tx_hold);
	return 0;
}

static int
parse_switch(struct ctx *c, const config_t *cfg, struct sw_conf *conf)
{
	static const char *const keys[] = { "name", "mac", "max_veths", "fdb_max", "fdb_aging",
		"default_profile", "evb", "lldp", NULL };
	const config_setting_t *sub;
	const config_setting_t *g = config_lookup(cfg, "switch");
	long long v;
	int rc;

	conf->max_veths = SW_DEF_MAX_VETHS;
	conf->fdb_max = SW_DEF_FDB_MAX;
	conf->fdb_aging_s = SW_DEF_FDB_AGING_S;
	sw_conf_evb_default(&conf->evb);
	sw_conf_lldp_default(&conf->lldp);
	if (!g)
		return fail(c, NULL, "switch",
			"missing (switch = { name = \"...\"; mac = \"...\"; };)");
	if (!config_setting_is_group(g))
		return fail(c, g, "switch", "expected a group { ... }");
	if (check_keys(c, g, "switch", keys) ||
		get_name(c, g, "switch", "name", true, conf->name) < 0)
		return -1;
	rc = get_mac(c, g, "switch", "mac", true, conf->mac);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return fail(c, g, "switch.mac", "missing");
	if ((rc = get_int(c, g, "switch", "max_veths", 1, SW_CEIL_MAX_VETHS, &v)) < 0)
		return -1;
	if (rc)
		conf->max_veths = (uint32_t)v;
	if ((rc = get_int(c, g, "switch", "fdb_max", 16, SW_CEIL_FDB_MAX, &v)) < 0)
		return -1;
	if (rc)
		conf->fdb_max = (uint32_t)v;
	/* 802.1Q 8.8.3: ageing time 10..1 000 000 s. */
	if ((rc = get_int(c, g, "switch", "fdb_aging", 10, 1000000, &v)) < 0)
		return -1;
	if (rc)
		conf->fdb_aging_s = (uint32_t)v;
	if ((sub = config_setting_get_member(g, "evb")) && parse_evb(c, sub, &conf->evb))
		return -1;
	if ((sub = config_setting_get_member(g, "lldp")) && parse_lldp(c, sub, &conf->lldp))
		return -1;
	return get_name(c, g, "switch", "default_profile", false, conf->default_profile) < 0
		? -1
		: 0;
}

static int
parse_vlan_list(struct ctx *c, const config_setting_t *s, const char *path, uint8_t *bits)
{
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return fail(c, s, path, "expected a list of VLAN IDs [10, 20]");
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		int vid;

		if (config_setting_type(e) != CONFIG_TYPE_INT)
			return fail(c, e, path, "VLAN IDs must be integers");
		vid = config_setting_get_int(e);
		/* 802.1Q 9.6 Table 9-2: 0 (priority tag) and 4095 are reserved. */
		if (vid < 1 || vid > 4094)
			return fail(c, e, path, "VLAN %d is out of range 1..4094", vid);
		if (sw_vlan_test(bits, (unsigned)vid))
			return fail(c, e, path, "VLAN %d listed twice", vid);
		sw_vlan_set(bits, (unsigned)vid);
	}
	return 0;
}

/* ports.[N].schannels = { chncap = 4; svid_min = 100; svid_max = 199; }
 * (VEPA ports: S-channels, CDCP bridge role). */
static int
parse_schannels(
	struct ctx *c, const config_setting_t *g, const char *path, struct sw_conf_port *p)
{
	static const char *const keys[] = { "chncap", "svid_min", "svid_max", NULL };
	long long v;
	int rc;

	if (p->mode != SW_MODE_VEPA)
		return fail(c, g, path,
			"S-channels apply to vepa ports (VN-Tag and E-Tag ports name their "
			"channels by the tag)");
	if (!config_setting_is_group(g))
		return fail(c, g, path,
			"expected a group { chncap = 4; svid_min = 100; svid_max = 199; }");
	if (check_keys(c, g, path, keys))
		return -1;
	p->schannels = true;
	p->chncap = SW_DEF_CHNCAP;
	p->svid_min = SW_DEF_SVID_MIN;
	p->svid_max = SW_DEF_SVID_MAX;
	/* ChnCap counts the default channel; one CDCP TLV carries at most 167
	 * pairs.  S-VID 1 is the default channel's, 4095 is reserved. */
	if ((rc = get_int(c, g, path, "chncap", 1, SW_SCHAN_MAX, &v)) < 0)
		return -1;
	if (rc)
		p->chncap = (uint16_t)v;
	if ((rc = get_int(c, g, path, "svid_min", 2, 4094, &v)) < 0)
		return -1;
	if (rc)
		p->svid_min = (uint16_t)v;
	if ((rc = get_int(c, g, path, "svid_max", 2, 4094, &v)) < 0)
		return -1;
	if (rc)
		p->svid_max = (uint16_t)v;
	if (p->svid_min > p->svid_max) {
		char lp[128];

		return fail(c, config_setting_get_member(g, "svid_max"),
			leaf(lp, sizeof(lp), path, "svid_max"),
			"the pool %u..%u is empty (svid_min > svid_max)", p->svid_min,
			p->svid_max);
	}
	return 0;
}

static int
parse_port(struct ctx *c, const config_setting_t *g, const char *path, struct sw_conf_port *p)
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
		return fail(c, g, path, "expected a group { name = ...; role = ...; }");
	if (check_keys(c, g, path, keys) || get_name(c, g, path, "name", true, p->name) < 0)
		return -1;
	if (get_str(c, g, path, "role", &role) < 0)
		return -1;
	if (!role)
		return fail(c, g, leaf(lp, sizeof(lp), path, "role"),
			"missing (\"uplink\" or \"host\")");
	if (!strcmp(role, "uplink"))
		p->role = SW_ROLE_UPLINK;
	else if (!strcmp(role, "host"))
		p->role = SW_ROLE_HOST;
	else
		return fail(c, config_setting_get_member(g, "role"),
			leaf(lp, sizeof(lp), path, "role"),
			"role '%s' is not \"uplink\" or \"host\"", role);
	if (get_str(c, g, path, "mode", &mode) < 0)
		return -1;
	if (p->role == SW_ROLE_UPLINK) {
		if (mode)
			return fail(c, config_setting_get_member(g, "mode"),
				leaf(lp, sizeof(lp), path, "mode"),
				"an uplink has no mode (it is an 802.1Q trunk)");
		p->mode = SW_MODE_NONE;
		s = config_setting_get_member(g, "vlans");
		if (s) {
			char vp[128];

			snprintf(vp, sizeof(vp), "%s.vlans", path);
			if (parse_vlan_list(c, s, vp, p->vlans))
				return -1;
		}
		if (get_bool(c, g, path, "untagged", &untagged) < 0)
			return -1;
		if (untagged)
			sw_vlan_set(p->vlans, 0); /* VLAN 0 = the untagged domain */
		for (const char *const *k = (const char *const[]) { "max_veths", "auto_create",
			     "reflective_relay", "max_channels", "schannels", NULL };
			*k; k++)
			if ((s = config_setting_get_member(g, *k)))
				return fail(c, s, leaf(lp, sizeof(lp), path, *k),
					"'%s' applies to host ports only", *k);
	} else {
		if (!mode)
			return fail(c, g, leaf(lp, sizeof(lp), path, "mode"),
				"missing (\"vntag\", \"etag\" or \"vepa\")");
		if (!strcmp(mode, "vntag"))
			p->mode = SW_MODE_VNTAG;
		else if (!strcmp(mode, "etag"))
			p->mode = SW_MODE_ETAG;
		else if (!strcmp(mode, "vepa"))
			p->mode = SW_MODE_VEPA;
		else
			return fail(c, config_setting_get_member(g, "mode"),
				leaf(lp, sizeof(lp), path, "mode"),
				"mode '%s' is not \"vntag\", \"etag\" or \"vepa\"", mode);
		if ((s = config_setting_get_member(g, "vlans")) ||
			(s = config_setting_get_member(g, "untagged")))
			return fail(c, s, leaf(lp, sizeof(lp), path, config_setting_name(s)),
				"'%s' applies to uplinks only (a vEth's VLAN comes from the vEth "
				"or its profile)",
				config_setting_name(s));
		if ((rc = get_int(c, g, path, "max_veths", 0, SW_CEIL_MAX_VETHS, &v)) < 0)
			return -1;
		if (rc)
			p->max_veths = (uint32_t)v;
		if ((rc = get_int(c, g, path, "max_channels", 1, SW_CEIL_CHANNELS, &v)) < 0)
			return -1;
		if (rc)
			p->max_channels = (uint32_t)v;
		if (get_bool(c, g, path, "auto_create", &p->auto_create) < 0 ||
			get_bool(c, g, path, "reflective_relay", &p->reflective_relay) < 0)
			return -1;
		if (p->reflective_relay && p->mode != SW_MODE_VEPA)
			return fail(c, config_setting_get_member(g, "reflective_relay"),
				leaf(lp, sizeof(lp), path, "reflective_relay"),
				"reflective_relay applies to vepa ports (VN-Tag and E-Tag ports "
				"always return frames with source pruning)");
		if ((s = config_setting_get_member(g, "schannels")) &&
			parse_schannels(c, s, leaf(lp, sizeof(lp), path, "schannels"), p))
			return -1;
	}
	if (get_lldp_admin(c, g, path, "lldp", &p->lldp_admin) < 0)
		return -1;
	if (get_str(c, g, path, "interface", &ifname) < 0)
		return -1;
	if (ifname) {
		if (!*ifname || strlen(ifname) > 15)
			return fail(c, config_setting_get_member(g, "interface"),
				leaf(lp, sizeof(lp), path, "interface"),
				"interface name must be 1..15 characters");
		snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	}
	if (get_str(c, g, path, "admin", &admin) < 0)
		return -1;
	if (admin) {
		if (!strcmp(admin, "up"))
			p->admin_up = true;
		else if (!strcmp(admin, "down"))
			p->admin_up = false;
		else
			return fail(c, config_setting_get_member(g, "admin"),
				leaf(lp, sizeof(lp), path, "admin"),
				"admin '%s' is not \"up\" or \"down\"", admin);
	}
	return 0;
}

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
parse_police(struct ctx *c, const config_setting_t *g, const char *path, const char *profile,
	const char *what, struct sw_pol_conf *out)
{
	struct police_acc a;
	char msg[256];

	memset(&a, 0, sizeof(a));
	if (!config_setting_is_group(g))
		return fail(c, g, path,
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
			return fail(c, e, leaf(lp, sizeof(lp), path, key ? key : "?"),
				"profile '%s' %s: %s", profile, what, msg);
	}
	if (police_finish(&a, out, msg, sizeof(msg)))
		return fail(c, g, path, "profile '%s' %s: %s", profile, what, msg);
	return 0;
}

/* acl_in / acl_out = ( { priority = 100; match = "..."; action = "deny"; }, ... ) */
static int
parse_acl(struct ctx *c, const config_setting_t *l, const char *path, const char *profile,
	const char *what, struct sw_conf_acl_rule **out, size_t *n_out)
{
	static const char *const keys[] = { "priority", "match", "action", NULL };
	struct sw_conf_acl_rule *rules;
	size_t n;

	if (!config_setting_is_list(l) &&
		!(config_setting_is_array(l) && !config_setting_length(l)))
		return fail(c, l, path,
			"profile '%s' %s: expected a list ( { priority = 100; match = \"...\"; "
			"action = \"deny\"; }, ... )",
			profile, what);
	n = (size_t)config_setting_length(l);
	if (n > SW_ACL_MAX_RULES)
		return fail(c, l, path, "profile '%s' %s: %zu rules exceed the limit of %d",
			profile, what, n, SW_ACL_MAX_RULES);
	rules = calloc(n ? n : 1, sizeof(*rules));
	if (!rules)
		return fail(c, l, path, "out of memory");
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
			return fail(c, g, rp,
				"profile '%s' %s rule %zu: expected a group { priority = 100; "
				"match = \"...\"; action = \"deny\"; }",
				profile, what, i + 1);
		if (check_keys(c, g, rp, keys))
			return -1;
		rc = get_int(c, g, rp, "priority", 0, SW_ACL_PRIORITY_MAX, &v);
		if (rc < 0)
			return -1;
		if (!rc)
			return fail(c, g, leaf(lp, sizeof(lp), rp, "priority"),
				"profile '%s' %s rule %zu: missing (0..%d, the higher wins)",
				profile, what, i + 1, SW_ACL_PRIORITY_MAX);
		r->priority = v;
		if (get_str(c, g, rp, "match", &match) < 0 ||
			get_str(c, g, rp, "action", &action) < 0)
			return -1;
		if (!action)
			return fail(c, g, leaf(lp, sizeof(lp), rp, "action"),
				"profile '%s' %s rule %zu (priority %lld): missing (allow, deny, "
				"set_pcp=N or set_dscp=N)",
				profile, what, i + 1, v);
		if (strlen(match) >= sizeof(r->match) || strlen(action) >= sizeof(r->action))
			return fail(c, g, rp,
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

			return fail(c, ks ? ks : g, leaf(lp, sizeof(lp), rp, k),
				"profile '%s' %s rule %zu (priority %lld): %s", profile, what,
				i + 1, v, msg);
		}
	}
	*n_out = n;
	return 0;
}

/* acl_default = "deny"; (both directions) or { in = "deny"; out = "allow"; } */
static int
parse_acl_default(struct ctx *c, const config_setting_t *s, const char *path,
	const char *profile, struct sw_conf_policy *pol)
{
	static const char *const keys[] = { "in", "out", NULL };
	struct sw_acl_action a;
	char msg[200], lp[160];

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		const char *v = config_setting_get_string(s);

		if (strlen(v) >= SW_ACL_ACTION_MAX ||
			sw_acl_parse_action(v, &a, msg, sizeof(msg)))
			return fail(c, s, path, "profile '%s' acl_default: %s", profile,
				strlen(v) >= SW_ACL_ACTION_MAX ? "too long" : msg);
		for (int d = 0; d < SW_DIR_N; d++)
			snprintf(pol->acl_default[d], SW_ACL_ACTION_MAX, "%s", v);
		return 0;
	}
	if (!config_setting_is_group(s))
		return fail(c, s, path,
			"profile '%s' acl_default: expected \"allow\", \"deny\", ... or { in = "
			"\"deny\"; out = \"allow\"; }",
			profile);
	if (check_keys(c, s, path, keys))
		return -1;
	for (int d = 0; d < SW_DIR_N; d++) {
		const char *v = NULL;

		if (get_str(c, s, path, keys[d], &v) < 0)
			return -1;
		if (!v)
			continue;
		if (strlen(v) >= SW_ACL_ACTION_MAX ||
			sw_acl_parse_action(v, &a, msg, sizeof(msg)))
			return fail(c, config_setting_get_member(s, keys[d]),
				leaf(lp, sizeof(lp), path, keys[d]),
				"profile '%s' acl_default.%s: %s", profile, keys[d],
				strlen(v) >= SW_ACL_ACTION_MAX ? "too long" : msg);
		snprintf(pol->acl_default[d], SW_ACL_ACTION_MAX, "%s", v);
	}
	return 0;
}

static int
parse_policy(struct ctx *c, const config_setting_t *g, const char *path, const char *profile,
	struct sw_conf_policy *pol)
{
	static const char *const acl_keys[SW_DIR_N] = { "acl_in", "acl_out" };
	static const char *const pol_keys[SW_DIR_N] = { "police_in", "police_out" };
	const config_setting_t *s;
	char lp[160];

	for (int d = 0; d < SW_DIR_N; d++) {
		if ((s = config_setting_get_member(g, acl_keys[d])) &&
			parse_acl(c, s, leaf(lp, sizeof(lp), path, acl_keys[d]), profile,
				acl_keys[d], &pol->rules[d], &pol->n_rules[d]))
			return -1;
		if ((s = config_setting_get_member(g, pol_keys[d]))) {
			pol->police_line[d] = config_setting_source_line(s);
			if (parse_police(c, s, leaf(lp, sizeof(lp), path, pol_keys[d]), profile,
				    pol_keys[d], &pol->police_conf[d]))
				return -1;
			pol->police[d] = true;
		}
	}
	if ((s = config_setting_get_member(g, "acl_default")) &&
		parse_acl_default(
			c, s, leaf(lp, sizeof(lp), path, "acl_default"), profile, pol))
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

static int
parse_profile(
	struct ctx *c, const config_setting_t *g, const char *path, struct sw_conf_profile *p)
{
	static const char *const keys[] = { "name", "type_id", "type_version", "vlan", "acl_in",
		"acl_out", "acl_default", "police_in", "police_out", NULL };
	long long v;
	int rc;

	p->line = config_setting_source_line(g);
	if (!config_setting_is_group(g))
		return fail(c, g, path, "expected a group { name = ...; }");
	if (check_keys(c, g, path, keys) || get_name(c, g, path, "name", true, p->name) < 0)
		return -1;
	/* VSI type id is 24 bits, its version 8 (802.1Qbg-2012 41.2.4/41.2.5). */
	if ((rc = get_int(c, g, path, "type_id", 0, 0xFFFFFF, &v)) < 0)
		return -1;
	if (rc)
		p->type_id = (uint32_t)v;
	if ((rc = get_int(c, g, path, "type_version", 0, 255, &v)) < 0)
		return -1;
	if (rc)
		p->type_version = (uint8_t)v;
	if ((rc = get_int(c, g, path, "vlan", 0, 4094, &v)) < 0)
		return -1;
	if (rc) {
		p->has_vlan = true;
		p->vlan = (uint16_t)v;
	}
	return parse_policy(c, g, path, p->name, &p->policy);
}

static int
parse_veth(struct ctx *c, const config_setting_t *g, const char *path, struct sw_conf_veth *e)
{
	static const char *const keys[] = { "id", "port", "vif", "ecid", "mac", "vlan",
		"profile", "svid", NULL };
	char lp[128];
	long long v;
	int rc, nkeys = 0;

	e->line = config_setting_source_line(g);
	if (!config_setting_is_group(g))
		return fail(c, g, path, "expected a group { id = ...; port = ...; }");
	if (check_keys(c, g, path, keys))
		return -1;
	if ((rc = get_int(c, g, path, "id", 1, 0x7FFFFFFF, &v)) < 0)
		return -1;
	if (!rc)
		return fail(c, g, leaf(lp, sizeof(lp), path, "id"), "missing");
	e->id = (uint32_t)v;
	if (get_name(c, g, path, "port", true, e->port) < 0 ||
		get_name(c, g, path, "profile", false, e->profile) < 0)
		return -1;
	/* VN-Tag svif is 12 bits: a vif the host can send from is 0..4095. */
	if ((rc = get_int(c, g, path, "vif", 0, 4095, &v)) < 0)
		return -1;
	if (rc) {
		e->kind = SW_BIND_VIF;
		e->key = (uint32_t)v;
		nkeys++;
	}
	/* E-CID is 20 bits; 0 names no extended port (802.1BR 7.7). */
	if ((rc = get_int(c, g, path, "ecid", 1, ETAG_ECID_MAX, &v)) < 0)
		return -1;
	if (rc) {
		e->kind = SW_BIND_ECID;
		e->key = (uint32_t)v;
		nkeys++;
	}
	if ((rc = get_mac(c, g, path, "mac", true, e->mac)) < 0)
		return -1;
	if (rc) {
		e->kind = SW_BIND_MAC;
		nkeys++;
	}
	if (nkeys != 1)
		return fail(c, g, path,
			"exactly one of vif, ecid or mac binds a vEth (found %d)", nkeys);
	/* The S-channel of a MAC-bound vEth (validate() checks the port). */
	if ((rc = get_int(c, g, path, "svid", 1, 4094, &v)) < 0)
		return -1;
	if (rc) {
		if (e->kind != SW_BIND_MAC)
			return fail(c, config_setting_get_member(g, "svid"),
				leaf(lp, sizeof(lp), path, "svid"),
				"svid applies to MAC-bound vEths (vepa ports)");
		e->svid = (uint16_t)v;
	}

	if ((rc = get_int(c, g, path, "vlan", 0, 4094, &v)) < 0)
		return -1;
	if (rc) {
		e->has_vlan = true;
		e->vlan = (uint16_t)v;
	}
	return 0;
}

/* Parse an optional list setting of groups with 'parse' into a new array. */
static int
parse_list(struct ctx *c, const config_t *cfg, const char *key, size_t elem_size, size_t max,
	void **out, size_t *n_out,
	int (*parse)(struct ctx *, const config_setting_t *, const char *, void *))
{
	const config_setting_t *l = config_lookup(cfg, key);
	size_t n;

	*out = NULL;
	*n_out = 0;
	if (!l)
		return 0;
	if (!config_setting_is_list(l))
		return fail(c, l, key, "expected a list ( { ... }, { ... } )");
	n = (size_t)config_setting_length(l);
	if (n > max)
		return fail(c, l, key, "%zu entries exceed the limit of %zu", n, max);
	*out = calloc(n ? n : 1, elem_size);
	if (!*out)
		return fail(c, l, key, "out of memory");
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
parse_port_cb(struct ctx *c, const config_setting_t *g, const char *path, void *p)
{
	return parse_port(c, g, path, p);
}

static int
parse_profile_cb(struct ctx *c, const config_setting_t *g, const char *path, void *p)
{
	return parse_profile(c, g, path, p);
}

static int
parse_veth_cb(struct ctx *c, const config_setting_t *g, const char *path, void *p)
{
	return parse_veth(c, g, path, p);
}

static int
line_fail(struct ctx *c, int line, const char *path, const char *msg)
{
	snprintf(c->err, c->errlen, "%s:%d: %s: %s", c->file, line, path, msg);
	return -1;
}

/* Cross-references: unique names and ids, bindings that fit their port. */
static int
validate(struct ctx *c, struct sw_conf *conf, int default_profile_line)
{
	char path[64], lp[128], msg[256];
	size_t total = 0;

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
	for (size_t i = 0; i < conf->n_veths; i++) {
		struct sw_conf_veth *e = &conf->veths[i];
		const struct sw_conf_port *p = NULL;
		const struct sw_conf_profile *prof = NULL;
		size_t on_port = 0;

		snprintf(path, sizeof(path), "veths.[%zu]", i + 1);
		for (size_t j = 0; j < conf->n_ports; j++)
			if (!strcmp(conf->ports[j].name, e->port))
				p = &conf->ports[j];
		/* Cross-reference errors name the setting at fault (path.key)
		 * with the line where its vEth starts. */
		if (!p) {
			snprintf(msg, sizeof(msg), "no port named '%s'", e->port);
			return line_fail(c, e->line, leaf(lp, sizeof(lp), path, "port"), msg);
		}
		if (p->role != SW_ROLE_HOST) {
			snprintf(msg, sizeof(msg),
				"port '%s' is an uplink; vEths live on host ports", e->port);
			return line_fail(c, e->line, leaf(lp, sizeof(lp), path, "port"), msg);
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
			return line_fail(c, e->line, leaf(lp, sizeof(lp), path, "svid"), msg);
		}
		if (e->profile[0]) {
			for (size_t j = 0; j < conf->n_profiles; j++)
				if (!strcmp(conf->profiles[j].name, e->profile))
					prof = &conf->profiles[j];
			if (!prof) {
				snprintf(msg, sizeof(msg), "no profile named '%s'", e->profile);
				return line_fail(
					c, e->line, leaf(lp, sizeof(lp), path, "profile"), msg);
			}
			if (!e->has_vlan && prof->has_vlan) {
				e->has_vlan = true;
				e->vlan_from_profile = true;
				e->vlan = prof->vlan;
			}
		}
		for (size_t j = 0; j < i; j++) {
			const struct sw_conf_veth *o = &conf->veths[j];

			if (o->id == e->id) {
				snprintf(msg, sizeof(msg),
					"vEth %u is already defined at line %d", e->id,
					o->line);
				return line_fail(
					c, e->line, leaf(lp, sizeof(lp), path, "id"), msg);
			}
			if (!strcmp(o->port, e->port)) {
				on_port++;
				if (e->kind != SW_BIND_MAC && o->key == e->key) {
					snprintf(msg, sizeof(msg),
						"%s %u on port '%s' is already bound to vEth %u",
						e->kind == SW_BIND_VIF ? "vif" : "E-CID",
						e->key, e->port, o->id);
					return line_fail(c, e->line,
						leaf(lp, sizeof(lp), path,
							e->kind == SW_BIND_VIF ? "vif"
									       : "ecid"),
						msg);
				}
			}
			if (e->kind == SW_BIND_MAC && o->kind == SW_BIND_MAC &&
				!memcmp(o->mac, e->mac, 6) && o->vlan == e->vlan) {
				char m[18];

				vn_eth_format_mac(e->mac, m);
				snprintf(msg, sizeof(msg),
					"MAC %s in VLAN %u is already bound to vEth %u", m,
					e->vlan, o->id);
				return line_fail(
					c, e->line, leaf(lp, sizeof(lp), path, "mac"), msg);
			}
		}
		if (on_port + 1 > p->max_veths) {
			snprintf(msg, sizeof(msg), "port '%s' allows max_veths = %u", p->name,
				p->max_veths);
			return line_fail(c, e->line, path, msg);
		}
		total++;
	}
	(void)total;
	return 0;
}

static int
load(config_t *cfg, struct ctx *c, struct sw_conf *conf)
{
	static const char *const top[] = { "switch", "ports", "profiles", "veths", NULL };
	const config_setting_t *root = config_root_setting(cfg);
	const config_setting_t *dp;

	if (check_keys(c, root, "", top))
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
	struct ctx c = { .file = name, .err = err, .errlen = errlen };
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

/* SPDX-License-Identifier: Apache-2.0 */
/* ctl.c - control commands: parse, dispatch, render. */
#include <config.h>

#include "switchd/ctl.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <openvswitch/json.h>
#include <openvswitch/shash.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/acl.h"
#include "switchd/admin.h"
#include "switchd/audit.h"
#include "switchd/cplane.h"
#include "switchd/ctlproto.h"
#include "switchd/policy.h"
#include "switchd/state.h"
#include "switchd/sw_internal.h"
#include "switchd/trace.h"
#include "switchd/writer.h"
#include "vntag/eth.h"

#define CTL_MAX_ARGS    64
#define CTL_MAX_ARG_LEN 4096 /* a hex frame of 2048 bytes */

struct req {
	struct sw_ctl_env *env;
	struct sw_writer *w;
	char *err;
	size_t errlen;
};

typedef int (*ctl_fn)(struct req *r, int argc, char **argv);

struct ctl_cmd {
	const char *name; /* one or two words */
	const char *usage;
	int min_args, max_args;
	ctl_fn fn;
	const char *help;
};

static int __attribute__((format(printf, 2, 3))) fail(struct req *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- strict argument parsing ---------------------------------------------- */

/* Decimal, or hexadecimal with 0x; nothing else (no sign, no blanks, no
 * octal: "010" is ten, as in the configuration file). */
static int
parse_u32(
	struct req *r, const char *what, const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *digits = hex ? s + 2 : s;
	unsigned long long v;
	char *end;

	if (!(hex ? isxdigit((unsigned char)*digits) : isdigit((unsigned char)*digits)))
		return fail(r, "%s: '%s' is not a number", what, s);
	errno = 0;
	v = strtoull(digits, &end, hex ? 16 : 10);
	if (errno || *end)
		return fail(r, "%s: '%s' is not a number%s", what, s,
			errno == ERANGE ? " in range" : "");
	if (v < lo || v > hi)
		return fail(r, "%s: %llu is out of range %u..%u", what, v, lo, hi);
	*out = (uint32_t)v;
	return 0;
}

/* The configuration file's rule for names (swconf.c): 1..31 characters of
 * [A-Za-z0-9_.:-].  Anything else would be written by config save into a
 * file that does not load back. */
static int
parse_name(struct req *r, const char *what, const char *s, char out[SW_NAME_MAX])
{
	if (!*s || strlen(s) >= SW_NAME_MAX)
		return fail(r, "%s: must be 1..%d characters", what, SW_NAME_MAX - 1);
	for (const char *q = s; *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
			    (*q >= '0' && *q <= '9') || *q == '_' || *q == '-' || *q == '.' ||
			    *q == ':'))
			return fail(r,
				"%s: '%s' has a character other than letters, digits and "
				"_ - . :",
				what, s);
	snprintf(out, SW_NAME_MAX, "%s", s);
	return 0;
}

static int
parse_veth_id(struct req *r, const char *s, uint32_t *id)
{
	return parse_u32(r, "vEth id", s, 1, 0x7FFFFFFF, id);
}

/* ---- show ----------------------------------------------------------------- */

static int
cmd_show_ports(struct req *r, int argc, char **argv)
{
	sw_state_ports(r->w, r->env->sw);
	return 0;
}

static int
cmd_show_veths(struct req *r, int argc, char **argv)
{
	struct sw *sw = r->env->sw;

	if (argc == 1) {
		uint32_t id;
		const struct sw_veth *v;

		if (parse_veth_id(r, argv[0], &id))
			return -1;
		v = sw_veth_by_id(sw, id);
		if (!v)
			return fail(r, "no vEth %u", id);
		sw_w_list_start(r->w, "veths", "vEths");
		sw_state_veth(r->w, r->env->sw, v);
		sw_w_list_end(r->w);
		return 0;
	}
	sw_state_veths(r->w, sw, r->env->now(r->env->aux)); /* by id, like state.json */
	return 0;
}

static int
cmd_show_fdb(struct req *r, int argc, char **argv)
{
	uint32_t vlan;
	int filter = -1;

	if (argc) {
		if (argc != 2 || strcmp(argv[0], "vlan"))
			return fail(r, "usage: show fdb [vlan N]");
		if (parse_u32(r, "vlan", argv[1], 0, 4094, &vlan))
			return -1;
		filter = (int)vlan;
	}
	sw_state_fdb(r->w, r->env->sw, r->env->now(r->env->aux), filter);
	return 0;
}

static int
cmd_show_counters(struct req *r, int argc, char **argv)
{
	struct sw *sw = r->env->sw;
	struct sw_counters tot;

	if (argc == 0) {
		sw_totals(sw, &tot);
		sw_state_counters(r->w, "counters", &tot);
		return 0;
	}
	if (argc != 2)
		return fail(r, "usage: show counters [port NAME | veth ID]");
	if (!strcmp(argv[0], "port")) {
		struct sw_port *p = sw_port_by_name(sw, argv[1]);

		if (!p)
			return fail(r, "no port named '%s'", argv[1]);
		sw_state_counters(r->w, "counters", &p->ctr);
		return 0;
	}
	if (!strcmp(argv[0], "veth")) {
		uint32_t id;
		const struct sw_veth *v;

		if (parse_veth_id(r, argv[1], &id))
			return -1;
		if (!(v = sw_veth_by_id(sw, id)))
			return fail(r, "no vEth %u", id);
		sw_state_counters(r->w, "counters", &v->ctr);
		return 0;
	}
	return fail(r, "usage: show counters [port NAME | veth ID]");
}

static int
cmd_show_profiles(struct req *r, int argc, char **argv)
{
	struct sw *sw = r->env->sw;

	sw_w_list_start(r->w, "profiles", "Profiles");
	for (size_t i = 0; i < sw_n_profiles(sw); i++) {
		const struct sw_profile *p = sw_profile_at(sw, (int)i);

		if (!p)
			continue;
		sw_w_obj_start(r->w, NULL, NULL);
		sw_w_str(r->w, "name", "Name", p->name);
		sw_w_uint(r->w, "type_id", "VSI type id", p->type_id);
		sw_w_uint(r->w, "type_version", "VSI type version", p->type_version);
		if (p->has_vlan)
			sw_w_uint(r->w, "vlan", "VLAN", p->vlan);
		/* Only profiles with policy carry one: the others read as before. */
		if (p->pol.active) {
			sw_w_obj_start(r->w, "policy", "Policy");
			sw_policy_show_profile(r->w, p);
			sw_w_obj_end(r->w);
		}
		sw_w_obj_end(r->w);
	}
	sw_w_list_end(r->w);
	return 0;
}

static int
cmd_show_events(struct req *r, int argc, char **argv)
{
	struct sw *sw = r->env->sw;
	uint32_t id = 0;
	bool filter = false;

	if (argc) {
		if (argc != 2 || strcmp(argv[0], "veth"))
			return fail(r, "usage: show events [veth ID]");
		if (parse_veth_id(r, argv[1], &id))
			return -1;
		filter = true;
	}
	sw_w_list_start(r->w, "events", "Events");
	for (size_t i = 0; i < sw_n_events(sw); i++) {
		const struct sw_event *e = sw_event_at(sw, i);

		if (filter && e->veth != id)
			continue;
		sw_w_obj_start(r->w, NULL, NULL);
		sw_w_uint(r->w, "ts_us", "Time (us)", e->ts_us);
		sw_w_uint(r->w, "veth", "vEth", e->veth);
		sw_w_str(r->w, "event", "Event", sw_event_name(e->kind));
		sw_w_str(r->w, "reason", "Reason", e->detail);
		sw_w_obj_end(r->w);
	}
	sw_w_list_end(r->w);
	return 0;
}

/* The path audit (audit.h): a verdict per vEth with its evidence. */
static int
cmd_diagnose(struct req *r, int argc, char **argv)
{
	uint32_t id = 0;

	if (argc) {
		if (argc != 2 || strcmp(argv[0], "veth"))
			return fail(r, "usage: diagnose [veth ID]");
		if (parse_veth_id(r, argv[1], &id))
			return -1;
	}
	if (sw_audit_write(r->env->sw, id, r->w))
		return fail(r, "no vEth %u", id);
	return 0;
}

/* ---- control plane ---------------------------------------------------------- */

static struct sw_cplane *
cplane(struct req *r)
{
	struct sw_cplane *cp = sw_get_cplane(r->env->sw);

	if (!cp)
		fail(r, "this switch runs no control plane");
	return cp;
}

static int
cmd_show_lldp_neighbors(struct req *r, int argc, char **argv)
{
	struct sw_cplane *cp = cplane(r);

	if (!cp)
		return -1;
	sw_cplane_show_lldp_neighbors(r->w, cp, r->env->now(r->env->aux));
	return 0;
}

static int
cmd_show_lldp_statistics(struct req *r, int argc, char **argv)
{
	struct sw_cplane *cp = cplane(r);

	if (!cp)
		return -1;
	sw_cplane_show_lldp_stats(r->w, cp);
	return 0;
}

static int
cmd_show_evb(struct req *r, int argc, char **argv)
{
	struct sw_cplane *cp = cplane(r);

	if (!cp)
		return -1;
	sw_cplane_show_evb(r->w, cp);
	return 0;
}

static int
cmd_show_ecp(struct req *r, int argc, char **argv)
{
	struct sw_cplane *cp = cplane(r);

	if (!cp)
		return -1;
	sw_cplane_show_ecp(r->w, cp);
	return 0;
}

static int
cmd_show_vdp(struct req *r, int argc, char **argv)
{
	struct sw_cplane *cp = cplane(r);

	if (!cp)
		return -1;
	sw_cplane_show_vdp(r->w, cp);
	return 0;
}

static int
cmd_show_schannels(struct req *r, int argc, char **argv)
{
	struct sw_cplane *cp = cplane(r);

	if (!cp)
		return -1;
	sw_cplane_show_schannels(r->w, cp);
	return 0;
}

static const struct ctl_cmd commands[];
static const size_t n_commands;

/* Every limit against abuse (issue 9): what it is, its use, and what it
 * refused. */
static int
cmd_show_limits(struct req *r, int argc, char **argv)
{
	struct sw *sw = r->env->sw;
	struct sw_cplane *cp = sw_get_cplane(sw);
	struct sw_cplane_limits cl = { 0 };
	const struct sw_ctl_stats *cs = r->env->stats;
	uint64_t auto_refused = 0;

	if (cp)
		sw_cplane_limits(cp, &cl);
	sw_w_obj_start(r->w, "limits", "Limits");
	sw_w_obj_start(r->w, "veths", "vEths");
	sw_w_uint(r->w, "used", "Used", sw->n_veths);
	sw_w_uint(r->w, "reserved", "Reserved (VDP PRE-ASSOCIATE with RR)", cl.rsv_veths);
	sw_w_uint(r->w, "max", "Max (switch.max_veths)", sw->max_veths);
	for (unsigned i = 0; i < sw->n_ports; i++)
		auto_refused += sw->ports[i].ctr.drops[SW_DROP_LIMIT];
	sw_w_uint(r->w, "vdp_refused", "VDP refused at a limit", cl.veth_limit);
	sw_w_uint(r->w, "auto_create_refused", "Auto-create refused (frames)", auto_refused);
	sw_w_list_start(r->w, "ports", "Per port");
	for (unsigned i = 0; i < sw->n_ports; i++) {
		const struct sw_port *p = &sw->ports[i];

		if (p->role != SW_ROLE_HOST)
			continue;
		sw_w_obj_start(r->w, NULL, NULL);
		sw_w_str(r->w, "port", "Port", p->name);
		sw_w_uint(r->w, "used", "Used", p->n_veths);
		sw_w_uint(r->w, "reserved", "Reserved", sw_cplane_rsv_veths(cp, (int)i));
		sw_w_uint(r->w, "max", "Max", p->max_veths);
		sw_w_uint(r->w, "auto_create_refused", "Auto-create refused",
			p->ctr.drops[SW_DROP_LIMIT]);
		sw_w_obj_end(r->w);
	}
	sw_w_list_end(r->w);
	sw_w_obj_end(r->w);
	sw_w_obj_start(r->w, "vsis", "VDP VSIs");
	sw_w_uint(r->w, "used", "Used", cl.n_vsi);
	sw_w_uint(r->w, "max", "Max (switch.max_vsis)", sw->conf.max_vsis);
	sw_w_uint(r->w, "refused", "Refused at max", cl.vsi_limit);
	sw_w_uint(r->w, "table_full", "Refused, channel table full", cl.vsi_table_full);
	sw_w_obj_end(r->w);
	sw_w_obj_start(r->w, "fdb", "FDB");
	sw_w_uint(r->w, "entries", "Entries", sw->fdb.t.n);
	sw_w_uint(r->w, "max", "Max (switch.fdb_max)", sw->conf.fdb_max);
	sw_w_uint(r->w, "full", "Not learned, table full", sw->fdb.full);
	sw_w_uint(r->w, "max_per_veth", "Max per vEth (switch.fdb_max_per_veth)",
		sw->fdb.veth_max);
	sw_w_uint(r->w, "veth_refused", "Not learned, vEth at its max", sw->fdb.veth_refused);
	sw_w_list_start(r->w, "veths", "vEths refused");
	for (size_t i = 0; i < sw->slots_hwm; i++) {
		const struct sw_veth *v = &sw->veths[i];

		if (!v->used || !v->fdb_refused)
			continue;
		sw_w_obj_start(r->w, NULL, NULL);
		sw_w_uint(r->w, "veth", "vEth", v->id);
		sw_w_uint(r->w, "entries", "Entries", v->fdb_n);
		sw_w_uint(r->w, "refused", "Refused", v->fdb_refused);
		sw_w_obj_end(r->w);
	}
	sw_w_list_end(r->w);
	sw_w_obj_end(r->w);
	sw_w_obj_start(r->w, "lldp", "LLDP");
	sw_w_uint(r->w, "neighbors", "Neighbours", cl.lldp_neighbors);
	sw_w_uint(r->w, "max_neighbors", "Max per agent (switch.lldp.max_neighbors)",
		sw->conf.lldp.max_neighbors);
	sw_w_uint(r->w, "dropped", "New neighbours dropped", cl.lldp_dropped);
	sw_w_obj_end(r->w);
	sw_w_obj_start(r->w, "vdp", "VDP");
	sw_w_uint(r->w, "migrations", "Migrations", cl.migrations);
	sw_w_uint(r->w, "migrations_pending", "Pre-associated elsewhere (M hint)",
		cl.migrations_pending);
	sw_w_uint(r->w, "migrations_refused", "Migrations refused", cl.migrations_refused);
	sw_w_uint(
		r->w, "binding_refused", "Refused, bound to another vEth", cl.binding_refused);
	sw_w_uint(r->w, "reserved_macs", "MACs reserved (PRE-ASSOCIATE with RR)", cl.rsv_macs);
	sw_w_uint(r->w, "reserved_extra_macs", "Extra bound MACs reserved", cl.rsv_extra_macs);
	sw_w_uint(r->w, "reservation_refused", "Refused, reserved for another VSI",
		cl.rsv_refused);
	sw_w_uint(r->w, "channels_refused", "Channels refused (max_channels)",
		cl.channels_refused);
	sw_w_obj_end(r->w);
	if (cs) {
		sw_w_obj_start(r->w, "control", "Control socket");
		sw_w_uint(r->w, "clients", "Clients now", cs->n_clients);
		sw_w_uint(r->w, "max_clients", "Max clients (--ctl-max-clients)",
			cs->max_clients);
		sw_w_uint(r->w, "clients_accepted", "Clients accepted", cs->clients);
		sw_w_uint(r->w, "clients_refused", "Clients refused", cs->clients_refused);
		sw_w_uint(r->w, "max_request", "Max request bytes (--ctl-max-request)",
			cs->max_request);
		sw_w_uint(r->w, "requests", "Requests", cs->requests);
		sw_w_uint(r->w, "requests_refused", "Requests refused", cs->requests_refused);
		sw_w_uint(r->w, "paths_refused", "Paths refused (config save)",
			cs->paths_refused);
		sw_w_obj_end(r->w);
	}
	sw_w_obj_end(r->w);
	return 0;
}

static int
cmd_version(struct req *r, int argc, char **argv)
{
	sw_w_obj_start(r->w, "version", NULL);
	sw_w_str(r->w, "package", "Package", PACKAGE_NAME);
	sw_w_str(r->w, "version", "Version", PACKAGE_VERSION);
	sw_w_uint(r->w, "protocol", "Control protocol", SW_CTL_VERSION);
	sw_w_obj_end(r->w);
	return 0;
}

static int
cmd_list(struct req *r, int argc, char **argv)
{
	sw_w_list_start(r->w, "commands", "Commands");
	for (size_t i = 0; i < n_commands; i++) {
		sw_w_obj_start(r->w, NULL, NULL);
		sw_w_str(r->w, "name", "Name", commands[i].name);
		sw_w_str(r->w, "args", "Arguments", commands[i].usage);
		sw_w_str(r->w, "help", "Help", commands[i].help);
		sw_w_obj_end(r->w);
	}
	sw_w_list_end(r->w);
	return 0;
}

/* ---- changes -------------------------------------------------------------- */

static void ok(struct req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
ok(struct req *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sw_w_obj_start(r->w, "result", NULL);
	sw_w_str(r->w, "status", "Status", "ok");
	sw_w_str(r->w, "message", "Message", msg);
	sw_w_obj_end(r->w);
}

/* Binding arguments shared by veth add / set: vif N | ecid N | mac M. */
static int
parse_binding(struct req *r, const char *key, const char *val, enum sw_bind *kind, uint32_t *k,
	uint8_t mac[6], bool *seen)
{
	if (*seen)
		return fail(r, "give one binding: vif, ecid or mac");
	*seen = true;
	if (!strcmp(key, "vif")) {
		*kind = SW_BIND_VIF;
		return parse_u32(r, "vif", val, 0, 4095, k);
	}
	if (!strcmp(key, "ecid")) {
		*kind = SW_BIND_ECID;
		return parse_u32(r, "ecid", val, 1, 0xFFFFF, k);
	}
	*kind = SW_BIND_MAC;
	if (!vn_eth_parse_mac(val, mac) || (mac[0] & 1))
		return fail(r, "mac: '%s' is not a unicast MAC address", val);
	return 0;
}

static int
cmd_veth_add(struct req *r, int argc, char **argv)
{
	struct sw_conf_veth cv = { 0 };
	bool bound = false;
	uint32_t v;

	if (parse_veth_id(r, argv[0], &cv.id))
		return -1;
	if ((argc - 1) % 2)
		return fail(r,
			"usage: veth add ID port NAME (vif N | ecid N | mac MAC [svid N]) "
			"[vlan N] [profile NAME]");
	for (int i = 1; i < argc; i += 2) {
		const char *k = argv[i], *val = argv[i + 1];

		if (!strcmp(k, "port")) {
			if (parse_name(r, "port", val, cv.port))
				return -1;
		} else if (!strcmp(k, "vif") || !strcmp(k, "ecid") || !strcmp(k, "mac")) {
			if (parse_binding(r, k, val, &cv.kind, &cv.key, cv.mac, &bound))
				return -1;
		} else if (!strcmp(k, "vlan")) {
			if (parse_u32(r, "vlan", val, 0, 4094, &v))
				return -1;
			cv.has_vlan = true;
			cv.vlan = (uint16_t)v;
		} else if (!strcmp(k, "svid")) {
			/* The S-channel of a MAC-bound vEth (sw_veth_add checks). */
			if (parse_u32(r, "svid", val, 1, 4094, &v))
				return -1;
			cv.svid = (uint16_t)v;
		} else if (!strcmp(k, "profile")) {
			if (parse_name(r, "profile", val, cv.profile))
				return -1;
		} else {
			return fail(r, "veth add: unknown argument '%s'", k);
		}
	}
	if (!cv.port[0] || !bound)
		return fail(r, "veth add: needs port NAME and one of vif, ecid or mac");
	if (cv.svid && cv.kind != SW_BIND_MAC)
		return fail(r, "veth add: svid goes with mac (vepa ports)");
	if (sw_veth_add(r->env->sw, &cv, SW_ORIGIN_CONFIG, r->env->now(r->env->aux), r->err,
		    r->errlen))
		return -1;
	ok(r, "vEth %u added", cv.id);
	return 0;
}

static int
cmd_veth_del(struct req *r, int argc, char **argv)
{
	uint32_t id;

	const struct sw_veth *v;
	bool vdp;

	if (parse_veth_id(r, argv[0], &id))
		return -1;
	v = sw_veth_by_id(r->env->sw, id);
	vdp = v && v->origin == SW_ORIGIN_VDP && sw_get_cplane(r->env->sw);
	/* A VDP vEth: the bridge de-associates its VSI (the station is told
	 * with an unsolicited DE-ASSOCIATE), which deletes it. */
	if (sw_veth_del_reason(r->env->sw, id, r->env->now(r->env->aux), "deleted"))
		return fail(r, "no vEth %u", id);
	ok(r, vdp ? "vEth %u de-associated and deleted" : "vEth %u deleted", id);
	return 0;
}

static int
cmd_veth_set(struct req *r, int argc, char **argv)
{
	struct sw_veth_change ch = { 0 };
	bool bound = false;
	uint32_t id, v;

	if (parse_veth_id(r, argv[0], &id))
		return -1;
	if (argc < 3 || (argc - 1) % 2)
		return fail(r,
			"usage: veth set ID [profile NAME|none] [vlan N|profile] "
			"[port NAME (vif N | ecid N | mac MAC)] [svid N]");
	for (int i = 1; i < argc; i += 2) {
		const char *k = argv[i], *val = argv[i + 1];

		if (!strcmp(k, "profile")) {
			ch.set_profile = true;
			if (strcmp(val, "none") && parse_name(r, "profile", val, ch.profile))
				return -1;
		} else if (!strcmp(k, "vlan")) {
			if (!strcmp(val, "profile")) {
				ch.clear_vlan = true;
			} else {
				if (parse_u32(r, "vlan", val, 0, 4094, &v))
					return -1;
				ch.set_vlan = true;
				ch.vlan = (uint16_t)v;
			}
		} else if (!strcmp(k, "port")) {
			ch.set_bind = true;
			if (parse_name(r, "port", val, ch.port))
				return -1;
		} else if (!strcmp(k, "vif") || !strcmp(k, "ecid") || !strcmp(k, "mac")) {
			ch.set_bind = true;
			if (parse_binding(r, k, val, &ch.kind, &ch.key, ch.mac, &bound))
				return -1;
		} else if (!strcmp(k, "svid")) {
			if (parse_u32(r, "svid", val, 1, 4094, &v))
				return -1;
			ch.set_svid = true;
			ch.svid = (uint16_t)v;
		} else {
			return fail(r, "veth set: unknown argument '%s'", k);
		}
	}
	if (ch.set_bind && (!bound))
		return fail(r, "veth set: a new binding needs vif, ecid or mac");
	if (sw_veth_set(r->env->sw, id, &ch, r->env->now(r->env->aux), r->err, r->errlen))
		return -1;
	ok(r, "vEth %u changed", id);
	return 0;
}

/* A profile's policy settings on the command line:
 *   acl_default A | acl_default_in A | acl_default_out A
 *   police_in none | police_in KEY N ... [exceed A] [yellow A]   (same for police_out)
 * The policer's keys are taken for as long as they come.  Returns the
 * number of arguments used from argv[i], 0 if argv[i] is none of these,
 * -1 on error. */
static int
parse_policy_arg(struct req *r, int argc, char **argv, int i, struct sw_conf_policy *pol)
{
	static const char *const defkeys[] = { "acl_default_in", "acl_default_out" };
	const char *k = argv[i];
	struct sw_acl_action a;
	char msg[200];

	if (!strcmp(k, "acl_default") || !strcmp(k, defkeys[0]) || !strcmp(k, defkeys[1])) {
		if (i + 1 >= argc)
			return fail(r,
				"%s: needs an action (allow, deny, set_pcp=N, set_dscp=N)", k);
		if (strlen(argv[i + 1]) >= SW_ACL_ACTION_MAX ||
			sw_acl_parse_action(argv[i + 1], &a, msg, sizeof(msg)))
			return fail(r, "%s: %s", k,
				strlen(argv[i + 1]) >= SW_ACL_ACTION_MAX ? "too long" : msg);
		for (int d = 0; d < SW_DIR_N; d++)
			if (!strcmp(k, "acl_default") || !strcmp(k, defkeys[d]))
				snprintf(pol->acl_default[d], SW_ACL_ACTION_MAX, "%s",
					argv[i + 1]);
		return 2;
	}
	if (!strcmp(k, "police_in") || !strcmp(k, "police_out")) {
		int d = k[7] == 'o' ? SW_DIR_OUT : SW_DIR_IN, n = 0;
		const char *keys[16], *vals[16];

		if (i + 1 < argc && !strcmp(argv[i + 1], "none")) {
			pol->police[d] = false;
			memset(&pol->police_conf[d], 0, sizeof(pol->police_conf[d]));
			return 2;
		}
		while (i + 1 + 2 * n < argc && sw_conf_police_key(argv[i + 1 + 2 * n])) {
			if (i + 2 + 2 * n >= argc)
				return fail(r, "%s %s: needs a value", k, argv[i + 1 + 2 * n]);
			if (n == 16)
				return fail(r, "%s: too many settings", k);
			keys[n] = argv[i + 1 + 2 * n];
			vals[n] = argv[i + 2 + 2 * n];
			n++;
		}
		if (!n)
			return fail(r,
				"%s: expected none, or rate_kbps N burst_bytes N | rate_pps N "
				"burst_packets N [exceed A] [peak_rate_kbps N peak_burst_bytes N "
				"[yellow A]]",
				k);
		if (sw_conf_police_parse(
			    keys, vals, (size_t)n, &pol->police_conf[d], msg, sizeof(msg)))
			return fail(r, "%s: %s", k, msg);
		pol->police[d] = true;
		return 1 + 2 * n;
	}
	return 0;
}

#define PROFILE_USAGE                                                                          \
	"NAME [type_id N] [type_version N] [vlan N%s] [acl_default A] [acl_default_in A] "     \
	"[acl_default_out A] [police_in none|SETTINGS] [police_out none|SETTINGS]"

static int
parse_profile_args(struct req *r, int argc, char **argv, struct sw_conf_profile *p, bool is_set)
{
	uint32_t v;

	if (parse_name(r, "profile", argv[0], p->name))
		return -1;
	for (int i = 1; i < argc;) {
		const char *k = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		int used = parse_policy_arg(r, argc, argv, i, &p->policy);

		if (used < 0)
			return -1;
		if (used) {
			i += used;
			continue;
		}
		if (!val)
			return fail(r, "usage: profile %s " PROFILE_USAGE,
				is_set ? "set" : "add", is_set ? "|none" : "");
		if (!strcmp(k, "type_id")) {
			if (parse_u32(r, "type_id", val, 0, 0xFFFFFF, &p->type_id))
				return -1;
		} else if (!strcmp(k, "type_version")) {
			if (parse_u32(r, "type_version", val, 0, 255, &v))
				return -1;
			p->type_version = (uint8_t)v;
		} else if (!strcmp(k, "vlan")) {
			if (is_set && !strcmp(val, "none")) {
				p->has_vlan = false;
				i += 2;
				continue;
			}
			if (parse_u32(r, "vlan", val, 0, 4094, &v))
				return -1;
			p->has_vlan = true;
			p->vlan = (uint16_t)v;
		} else {
			return fail(r, "profile: unknown argument '%s'", k);
		}
		i += 2;
	}
	return 0;
}

static int
cmd_profile_add(struct req *r, int argc, char **argv)
{
	struct sw_conf_profile p = { 0 };

	if (parse_profile_args(r, argc, argv, &p, false) ||
		sw_profile_add(r->env->sw, &p, r->err, r->errlen))
		return -1;
	ok(r, "profile %s added", p.name);
	return 0;
}

static int
cmd_profile_del(struct req *r, int argc, char **argv)
{
	if (sw_profile_del(r->env->sw, argv[0], r->err, r->errlen))
		return -1;
	ok(r, "profile %s deleted", argv[0]);
	return 0;
}

static int
cmd_profile_set(struct req *r, int argc, char **argv)
{
	struct sw *sw = r->env->sw;
	struct sw_conf_profile p;
	int rc;

	if (argc < 2)
		return fail(r, "usage: profile set " PROFILE_USAGE, "|none");
	/* Start from the current settings, policy included: only what is
	 * named changes. */
	if (sw_profile_get_conf(sw, argv[0], &p, r->err, r->errlen))
		return -1;
	rc = parse_profile_args(r, argc, argv, &p, true) ||
		sw_profile_set(sw, &p, r->env->now(r->env->aux), r->err, r->errlen);
	sw_conf_policy_free(&p.policy);
	if (rc)
		return -1;
	ok(r, "profile %s changed", p.name);
	return 0;
}

/* ---- ACLs and QoS ---------------------------------------------------------------- */

static int
parse_dir(struct req *r, const char *s, enum sw_dir *d)
{
	if (!strcmp(s, "in"))
		*d = SW_DIR_IN;
	else if (!strcmp(s, "out"))
		*d = SW_DIR_OUT;
	else
		return fail(r, "direction: '%s' is not in or out", s);
	return 0;
}

/* show acl|qos [veth ID]: the vEth, or NULL for all (*bad on error). */
static const struct sw_veth *
veth_filter(struct req *r, int argc, char **argv, const char *usage, bool *bad)
{
	const struct sw_veth *v;
	uint32_t id;

	*bad = false;
	if (!argc)
		return NULL;
	*bad = true;
	if (argc != 2 || strcmp(argv[0], "veth")) {
		fail(r, "usage: %s", usage);
		return NULL;
	}
	if (parse_veth_id(r, argv[1], &id))
		return NULL;
	if (!(v = sw_veth_by_id(r->env->sw, id))) {
		fail(r, "no vEth %u", id);
		return NULL;
	}
	*bad = false;
	return v;
}

static int
cmd_show_acl(struct req *r, int argc, char **argv)
{
	bool bad;
	const struct sw_veth *v = veth_filter(r, argc, argv, "show acl [veth ID]", &bad);

	if (bad)
		return -1;
	sw_policy_show_acl(r->w, r->env->sw, v);
	return 0;
}

static int
cmd_show_qos(struct req *r, int argc, char **argv)
{
	bool bad;
	const struct sw_veth *v = veth_filter(r, argc, argv, "show qos [veth ID]", &bad);

	if (bad)
		return -1;
	sw_policy_show_qos(r->w, r->env->sw, r->env->now(r->env->aux), v);
	return 0;
}

/* acl add PROFILE in|out priority N [match M] action A */
static int
cmd_acl_add(struct req *r, int argc, char **argv)
{
	struct sw_conf_acl_rule rule = { .priority = -1 };
	bool have_action = false;
	enum sw_dir d = SW_DIR_IN;
	uint32_t v;

	if (parse_dir(r, argv[1], &d))
		return -1;
	if ((argc - 2) % 2)
		return fail(r, "usage: acl add PROFILE in|out priority N [match M] action A");
	for (int i = 2; i < argc; i += 2) {
		const char *k = argv[i], *val = argv[i + 1];

		if (!strcmp(k, "priority")) {
			if (parse_u32(r, "priority", val, 0, 65535, &v))
				return -1;
			rule.priority = v;
		} else if (!strcmp(k, "match")) {
			if (strlen(val) >= sizeof(rule.match))
				return fail(r, "match: longer than %zu characters",
					sizeof(rule.match) - 1);
			snprintf(rule.match, sizeof(rule.match), "%s", val);
		} else if (!strcmp(k, "action")) {
			if (strlen(val) >= sizeof(rule.action))
				return fail(r, "action: '%s' is not an action", val);
			snprintf(rule.action, sizeof(rule.action), "%s", val);
			have_action = true;
		} else {
			return fail(r, "acl add: unknown argument '%s'", k);
		}
	}
	if (rule.priority < 0 || !have_action)
		return fail(r, "acl add: needs priority N and action A");
	if (sw_policy_acl_add(
		    r->env->sw, argv[0], d, &rule, r->env->now(r->env->aux), r->err, r->errlen))
		return -1;
	ok(r, "profile %s: rule added to acl_%s (priority %lld)", argv[0], sw_dir_name(d),
		(long long)rule.priority);
	return 0;
}

/* acl del PROFILE in|out priority N [match M] */
static int
cmd_acl_del(struct req *r, int argc, char **argv)
{
	const char *match = NULL;
	int64_t prio = -1;
	enum sw_dir d = SW_DIR_IN;
	size_t n = 0;
	uint32_t v;

	if (parse_dir(r, argv[1], &d))
		return -1;
	if ((argc - 2) % 2)
		return fail(r, "usage: acl del PROFILE in|out priority N [match M]");
	for (int i = 2; i < argc; i += 2) {
		if (!strcmp(argv[i], "priority")) {
			if (parse_u32(r, "priority", argv[i + 1], 0, 65535, &v))
				return -1;
			prio = v;
		} else if (!strcmp(argv[i], "match")) {
			match = argv[i + 1];
		} else {
			return fail(r, "acl del: unknown argument '%s'", argv[i]);
		}
	}
	if (prio < 0)
		return fail(r, "acl del: needs priority N");
	if (sw_policy_acl_del(r->env->sw, argv[0], d, prio, match, r->env->now(r->env->aux), &n,
		    r->err, r->errlen))
		return -1;
	ok(r, "profile %s: %zu rule%s of priority %lld deleted from acl_%s", argv[0], n,
		n == 1 ? "" : "s", (long long)prio, sw_dir_name(d));
	return 0;
}

static int
cmd_port_set(struct req *r, int argc, char **argv)
{
	struct sw *sw = r->env->sw;
	struct sw_port *p = sw_port_by_name(sw, argv[0]);
	struct sw_port saved;

	if (!p)
		return fail(r, "no port named '%s'", argv[0]);
	if (argc < 3 || (argc - 1) % 2)
		return fail(r,
			"usage: port set NAME [admin up|down] [auto_create BOOL] "
			"[max_veths N] [reflective_relay BOOL] [lldp rxtx|rx|tx|disabled]");
	/* All or nothing: apply on a copy of the settings first. */
	saved = *p;
	for (int i = 1; i < argc; i += 2)
		if (sw_port_set(sw, argv[0], argv[i], argv[i + 1], r->err, r->errlen)) {
			p->admin_up = saved.admin_up;
			p->auto_create = saved.auto_create;
			p->max_veths = saved.max_veths;
			p->reflective_relay = saved.reflective_relay;
			p->lldp_admin = saved.lldp_admin;
			sw_port_update_relay(p);
			if (sw_get_cplane(sw))
				sw_cplane_port_changed(
					sw_get_cplane(sw), p->idx, r->env->now(r->env->aux));
			return -1;
		}
	ok(r, "port %s changed", argv[0]);
	return 0;
}

static int
cmd_counters_clear(struct req *r, int argc, char **argv)
{
	sw_counters_clear(r->env->sw);
	ok(r, "counters cleared");
	return 0;
}

static int
cmd_config_save(struct req *r, int argc, char **argv)
{
	char path[PATH_MAX];

	/* No request makes the daemon write outside its configured paths
	 * (issue 9): the configuration file, or a file directly in the save
	 * directory (--save-dir).  A refusal is counted (show limits). */
	if (sw_config_save_path(r->env->config_path, r->env->save_dir, argc ? argv[0] : NULL,
		    path, sizeof(path), r->err, r->errlen)) {
		if (r->env->stats)
			r->env->stats->paths_refused++;
		return -1;
	}
	if (sw_config_save(r->env->sw, path, r->err, r->errlen)) {
		if (r->env->stats && strstr(r->err, "refused"))
			r->env->stats->paths_refused++;
		return -1;
	}
	ok(r, "configuration written to %s", path);
	return 0;
}

static int
cmd_config_reload(struct req *r, int argc, char **argv)
{
	if (!r->env->reload)
		return fail(r, "config reload is not available");
	if (r->env->reload(r->env->aux, r->err, r->errlen))
		return -1;
	ok(r, "configuration reloaded");
	return 0;
}

static int
parse_frame(struct req *r, const char *hex, uint8_t *buf, size_t cap, size_t *len)
{
	size_t n = 0;

	for (const char *p = hex; *p;) {
		int hi, lo;

		if (*p == ' ' || *p == ':') {
			p++;
			continue;
		}
		hi = (*p >= '0' && *p <= '9')      ? *p - '0'
			: (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
			: (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10
						   : -1;
		lo = !p[1]                             ? -1
			: (p[1] >= '0' && p[1] <= '9') ? p[1] - '0'
			: (p[1] >= 'a' && p[1] <= 'f') ? p[1] - 'a' + 10
			: (p[1] >= 'A' && p[1] <= 'F') ? p[1] - 'A' + 10
						       : -1;
		if (hi < 0 || lo < 0)
			return fail(r, "frame: not a hex string (two hex digits per byte)");
		if (n >= cap)
			return fail(r, "frame: longer than %zu bytes", cap);
		buf[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	if (n < 14)
		return fail(r, "frame: %zu bytes is shorter than an Ethernet header", n);
	*len = n;
	return 0;
}

static int
cmd_trace(struct req *r, int argc, char **argv)
{
	struct sw *sw = r->env->sw;
	struct sw_port *p = sw_port_by_name(sw, argv[0]);
	struct sw_trace tr;
	uint8_t frame[2048];
	size_t len;

	if (!p)
		return fail(r, "no port named '%s'", argv[0]);
	if (parse_frame(r, argv[1], frame, sizeof(frame), &len))
		return -1;
	sw_trace_init(&tr);
	sw_input(sw, p->idx, frame, len, r->env->now(r->env->aux), &tr);
	sw_w_obj_start(r->w, "trace", NULL);
	sw_w_str(r->w, "port", "Ingress port", p->name);
	sw_w_uint(r->w, "len", "Length", len);
	if (tr.src_veth >= 0)
		sw_w_uint(r->w, "veth", "Source vEth", (uint64_t)tr.src_veth);
	if (tr.vlan >= 0)
		sw_w_uint(r->w, "vlan", "VLAN", (uint64_t)tr.vlan);
	sw_w_list_start(r->w, "steps", "Steps");
	for (unsigned i = 0; i < tr.n_steps; i++)
		sw_w_str(r->w, NULL, NULL, tr.steps[i]);
	sw_w_list_end(r->w);
	sw_w_list_start(r->w, "outputs", "Outputs");
	for (unsigned i = 0; i < tr.n_outputs; i++) {
		const struct sw_trace_output *o = &tr.outputs[i];

		sw_w_obj_start(r->w, NULL, NULL);
		sw_w_str(r->w, "port", "Port", sw->ports[o->port].name);
		if (o->veth >= 0)
			sw_w_uint(r->w, "veth", "vEth", (uint64_t)o->veth);
		sw_w_str(r->w, "encap", "Encapsulation", o->encap);
		sw_w_uint(r->w, "len", "Length", o->len);
		sw_w_obj_end(r->w);
	}
	sw_w_list_end(r->w);
	/* Every copy refused at egress (the egress ACL or policer of each
	 * destination): a drop too, for that reason. */
	sw_w_str(r->w, "verdict", "Verdict",
		tr.dropped || (!tr.n_outputs && tr.copies_dropped) ? "drop"
			: tr.n_outputs                             ? "forward"
								   : "no output");
	if (tr.dropped)
		sw_w_str(r->w, "drop_reason", "Drop reason", sw_drop_name(tr.drop_reason));
	else if (!tr.n_outputs && tr.copies_dropped)
		sw_w_str(r->w, "drop_reason", "Drop reason", sw_drop_name(tr.copy_drop_reason));
	if (tr.copies_dropped)
		sw_w_uint(
			r->w, "copies_dropped", "Copies dropped at egress", tr.copies_dropped);
	sw_w_obj_end(r->w);
	return 0;
}

static int
cmd_inject(struct req *r, int argc, char **argv)
{
	struct sw *sw = r->env->sw;
	struct sw_port *p = sw_port_by_name(sw, argv[0]);
	uint64_t now = r->env->now(r->env->aux);
	uint8_t frame[2048];
	size_t len;

	if (!p)
		return fail(r, "no port named '%s'", argv[0]);
	if (parse_frame(r, argv[1], frame, sizeof(frame), &len))
		return -1;
	sw_input(sw, p->idx, frame, len, now, NULL);
	sw_flush(sw, now);
	ok(r, "injected %zu bytes into %s", len, p->name);
	return 0;
}

static int
cmd_time_warp(struct req *r, int argc, char **argv)
{
	double s;
	char *end;

	if (!r->env->warp)
		return fail(
			r, "time warp needs the test clock (vnswitchd --test-clock or replay)");
	errno = 0;
	s = strtod(argv[0], &end);
	if (errno || *end || end == argv[0] || !(s >= 0) || s > 1e7)
		return fail(r, "time warp: '%s' is not a number of seconds (0..1e7)", argv[0]);
	if (r->env->warp(r->env->aux, (uint64_t)(s * 1e6), r->err, r->errlen))
		return -1;
	ok(r, "clock advanced by %s s", argv[0]);
	return 0;
}

static const struct ctl_cmd commands[] = {
	{ "show ports", "", 0, 0, cmd_show_ports, "ports, their settings and counters" },
	{ "show veths", "[ID]", 0, 1, cmd_show_veths,
		"vEths: binding, VLAN, profile, counters, rates" },
	{ "show fdb", "[vlan N]", 0, 2, cmd_show_fdb, "learned MAC addresses" },
	{ "show counters", "[port NAME | veth ID]", 0, 2, cmd_show_counters,
		"counters and drops by reason" },
	{ "show profiles", "", 0, 0, cmd_show_profiles, "port profiles" },
	{ "show events", "[veth ID]", 0, 2, cmd_show_events, "per-vEth history" },
	{ "diagnose", "[veth ID]", 0, 2, cmd_diagnose,
		"path audit: does each vEth's traffic take the path its association says" },
	{ "show acl", "[veth ID]", 0, 2, cmd_show_acl,
		"per-vEth ACL rules of its profile with the vEth's hits" },
	{ "show qos", "[veth ID]", 0, 2, cmd_show_qos,
		"per-vEth policers: settings, bucket state, conform/exceed counters" },
	{ "show lldp neighbors", "", 0, 0, cmd_show_lldp_neighbors,
		"LLDP neighbours of every port and agent" },
	{ "show lldp statistics", "", 0, 0, cmd_show_lldp_statistics,
		"LLDP agents: admin status and counters" },
	{ "show evb", "", 0, 0, cmd_show_evb,
		"EVB per host port: local, sent and station TLVs, operational values" },
	{ "show ecp", "", 0, 0, cmd_show_ecp, "ECP channels: state and statistics" },
	{ "show vdp", "", 0, 0, cmd_show_vdp,
		"VDP: VSIs (state, timers, last status, hints) and per-channel statistics" },
	{ "show schannels", "", 0, 0, cmd_show_schannels,
		"S-channels per VEPA port: CDCP state and TLVs, channels, relay, vEths" },
	{ "show limits", "", 0, 0, cmd_show_limits,
		"limits against abuse: vEths, VSIs, FDB, LLDP, control socket; use and refusals" },
	{ "version", "", 0, 0, cmd_version, "daemon version" },
	{ "list-commands", "", 0, 0, cmd_list, "this list" },
	{ "veth add",
		"ID port NAME (vif N | ecid N | mac MAC [svid N]) [vlan N] [profile NAME]", 3,
		11, cmd_veth_add, "add a vEth" },
	{ "veth del", "ID", 1, 1, cmd_veth_del,
		"delete a vEth (a VDP vEth: de-associate its VSI)" },
	{ "veth set",
		"ID [profile NAME|none] [vlan N|profile] [port NAME (vif|ecid|mac) X] [svid N]",
		3, 13, cmd_veth_set, "change a vEth" },
	{ "profile add",
		"NAME [type_id N] [type_version N] [vlan N] [acl_default[_in|_out] A] "
		"[police_in|police_out SETTINGS]",
		1, 48, cmd_profile_add, "add a profile" },
	{ "profile del", "NAME", 1, 1, cmd_profile_del, "delete an unused profile" },
	{ "profile set",
		"NAME [type_id N] [type_version N] [vlan N|none] [acl_default[_in|_out] A] "
		"[police_in|police_out none|SETTINGS]",
		2, 48, cmd_profile_set, "change a profile (its vEths follow)" },
	{ "acl add", "PROFILE in|out priority N [match M] action A", 6, 8, cmd_acl_add,
		"add an ACL rule to a profile (every vEth of it follows)" },
	{ "acl del", "PROFILE in|out priority N [match M]", 4, 6, cmd_acl_del,
		"delete a profile's ACL rules of that priority (and match)" },
	{ "port set",
		"NAME [admin up|down] [auto_create B] [max_veths N] [reflective_relay B] "
		"[lldp rxtx|rx|tx|disabled]",
		3, 11, cmd_port_set, "change a port" },
	{ "counters clear", "", 0, 0, cmd_counters_clear, "zero every counter" },
	{ "config save", "[PATH]", 0, 1, cmd_config_save, "write the running configuration" },
	{ "config reload", "", 0, 0, cmd_config_reload, "re-read the configuration file" },
	{ "trace", "PORT HEXFRAME", 2, 2, cmd_trace, "explain how a frame would be handled" },
	{ "inject", "PORT HEXFRAME", 2, 2, cmd_inject,
		"receive a frame on a port (test hook)" },
	{ "time warp", "SECONDS", 1, 1, cmd_time_warp, "advance the test clock" },
};
static const size_t n_commands = sizeof(commands) / sizeof(commands[0]);

/* ---- request / reply --------------------------------------------------------- */

static char *
make_reply(const char *status, const char *key, const char *text, size_t *reply_len)
{
	struct json *o = json_object_create();
	char *s;

	json_object_put(o, "version", json_integer_create(SW_CTL_VERSION));
	json_object_put_string(o, "status", status);
	json_object_put_string(o, key, text);
	s = json_to_string(o, JSSF_SORT);
	json_destroy(o);
	*reply_len = strlen(s);
	return s;
}

char *
sw_ctl_error_reply(const char *why, size_t *reply_len)
{
	return make_reply("error", "error", why, reply_len);
}

/* Words in a command name ("show lldp neighbors": 3). */
static int
name_words(const char *name)
{
	int n = 1;

	for (; *name; name++)
		n += *name == ' ';
	return n;
}

/* Does argv start with the words of 'name'? */
static bool
name_matches(const char *name, int argc, char **argv)
{
	int i = 0;

	for (const char *w = name; *w; i++) {
		size_t len = strcspn(w, " ");

		if (i >= argc || strlen(argv[i]) != len || strncmp(argv[i], w, len))
			return false;
		w += len;
		w += *w == ' ';
	}
	return true;
}

static const struct ctl_cmd *
find_command(int argc, char **argv, int *words)
{
	const struct ctl_cmd *best = NULL;

	/* The longest name that matches ("show lldp neighbors" before a
	 * "show lldp" would, "show veths" before "trace"). */
	for (size_t i = 0; i < n_commands; i++) {
		int n = name_words(commands[i].name);

		if (name_matches(commands[i].name, argc, argv) &&
			(!best || n > name_words(best->name))) {
			best = &commands[i];
			*words = n;
		}
	}
	return best;
}

/* Strict UTF-8 (no overlong forms, surrogates or code points over
 * U+10FFFF).  The JSON parser passes other bytes through into strings, and
 * an argument echoed in an error would then make the reply invalid JSON. */
static bool
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], need, cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			need = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3, cp = c & 0x07;
		else
			return false;
		if (n - i <= need)
			return false;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
			(need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		i += need + 1;
	}
	return true;
}

char *
sw_ctl_handle(struct sw_ctl_env *env, const char *req, size_t len, size_t *reply_len)
{
	char err[512] = "", *argv[CTL_MAX_ARGS], *buf, *out = NULL, *reply;
	enum sw_format fmt = SW_FMT_PLAIN;
	const struct json *jv, *ja, *jf;
	const struct ctl_cmd *cmd;
	struct json *doc = NULL;
	struct sw_writer w;
	struct req r = { .env = env, .w = &w, .err = err, .errlen = sizeof(err) };
	size_t out_len = 0;
	int argc = 0, words = 0, rc;
	FILE *mem;

	/* json_from_string needs a NUL-terminated copy. */
	buf = malloc(len + 1);
	if (!buf)
		return sw_ctl_error_reply("out of memory", reply_len);
	memcpy(buf, req, len);
	buf[len] = '\0';
	if (strlen(buf) != len) {
		free(buf);
		return sw_ctl_error_reply("request contains a NUL byte", reply_len);
	}
	if (!utf8_valid((const unsigned char *)buf, len)) {
		free(buf);
		return sw_ctl_error_reply("request is not valid UTF-8", reply_len);
	}
	doc = json_from_string(buf);
	free(buf);
	if (doc->type == JSON_STRING) { /* OVS reports parse errors this way */
		snprintf(err, sizeof(err), "malformed request: %s", json_string(doc));
		goto error;
	}
	if (doc->type != JSON_OBJECT) {
		snprintf(err, sizeof(err), "malformed request: not a JSON object");
		goto error;
	}
	jv = shash_find_data(json_object(doc), "version");
	if (!jv || jv->type != JSON_INTEGER || json_integer(jv) != SW_CTL_VERSION) {
		snprintf(err, sizeof(err),
			"unsupported request version (this daemon speaks %d)", SW_CTL_VERSION);
		goto error;
	}
	jf = shash_find_data(json_object(doc), "format");
	if (jf) {
		if (jf->type != JSON_STRING || !sw_format_parse(json_string(jf), &fmt)) {
			snprintf(err, sizeof(err), "format must be plain, keyvalue or json");
			goto error;
		}
	}
	ja = shash_find_data(json_object(doc), "argv");
	if (!ja || ja->type != JSON_ARRAY || !json_array(ja)->n) {
		snprintf(err, sizeof(err), "malformed request: argv must be a non-empty array");
		goto error;
	}
	if (json_array(ja)->n > CTL_MAX_ARGS) {
		snprintf(err, sizeof(err), "too many arguments (at most %d)", CTL_MAX_ARGS);
		goto error;
	}
	for (size_t i = 0; i < json_array(ja)->n; i++) {
		const struct json *a = json_array(ja)->elems[i];

		if (a->type != JSON_STRING || strlen(json_string(a)) > CTL_MAX_ARG_LEN) {
			snprintf(err, sizeof(err),
				"malformed request: argument %zu is not a string of at most %d "
				"characters",
				i + 1, CTL_MAX_ARG_LEN);
			goto error;
		}
		argv[argc++] = (char *)json_string(a);
	}
	cmd = find_command(argc, argv, &words);
	if (!cmd) {
		snprintf(err, sizeof(err), "unknown command '%s%s%s' (try list-commands)",
			argv[0], argc > 1 ? " " : "", argc > 1 ? argv[1] : "");
		goto error;
	}
	if (argc - words < cmd->min_args || argc - words > cmd->max_args) {
		snprintf(err, sizeof(err), "usage: %s %s", cmd->name, cmd->usage);
		goto error;
	}
	mem = open_memstream(&out, &out_len);
	if (!mem) {
		snprintf(err, sizeof(err), "out of memory");
		goto error;
	}
	sw_writer_init(&w, fmt, mem);
	rc = cmd->fn(&r, argc - words, argv + words);
	sw_writer_finish(&w);
	fclose(mem);
	if (rc) {
		free(out);
		if (!err[0])
			snprintf(err, sizeof(err), "%s failed", cmd->name);
		goto error;
	}
	reply = make_reply("ok", "output", out ? out : "", reply_len);
	free(out);
	json_destroy(doc);
	/* A change may have replaced ACLs: let OVS RCU free the old
	 * classifier internals now (acl.h). */
	sw_acl_quiesce();
	return reply;
error:
	json_destroy(doc);
	return sw_ctl_error_reply(err, reply_len);
}

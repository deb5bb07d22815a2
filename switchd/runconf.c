/* SPDX-License-Identifier: Apache-2.0 */
/* runconf.c - the running configuration: save it, and apply a new one. */
#include <config.h>

#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "switchd/admin.h"
#include "switchd/cplane.h"
#include "switchd/policy.h"
#include "switchd/sw_internal.h"
#include "switchd/swconf_int.h"
#include "vntag/eth.h"

/* A profile's policy, as the loader reads it back (vnswitch.conf(5)). */
static int
save_policy(config_setting_t *e, const struct sw_profile *p)
{
	static const char *const acl_key[SW_DIR_N] = { "acl_in", "acl_out" };
	static const char *const pol_key[SW_DIR_N] = { "police_in", "police_out" };
	struct sw_conf_policy cp;
	config_setting_t *l, *g;
	char a[SW_ACL_ACTION_MAX];

	if (sw_policy_get_conf(&p->pol, &cp))
		return -1;
	for (int d = 0; d < SW_DIR_N; d++) {
		const struct sw_pol_conf *pc = &cp.police_conf[d];
		bool bytes = pc->mode == SW_POL_BYTES;

		if (cp.n_rules[d]) {
			l = config_setting_add(e, acl_key[d], CONFIG_TYPE_LIST);
			for (size_t i = 0; l && i < cp.n_rules[d]; i++) {
				const struct sw_conf_acl_rule *r = &cp.rules[d][i];

				g = config_setting_add(l, NULL, CONFIG_TYPE_GROUP);
				swc_add_int(g, "priority", r->priority);
				swc_add_str(g, "match", r->match);
				swc_add_str(g, "action", r->action);
			}
		}
		if (!cp.police[d])
			continue;
		g = config_setting_add(e, pol_key[d], CONFIG_TYPE_GROUP);
		swc_add_int64(g, bytes ? "rate_kbps" : "rate_pps", pc->rate);
		swc_add_int64(g, bytes ? "burst_bytes" : "burst_packets", pc->burst);
		if (pc->trtcm) {
			swc_add_int64(
				g, bytes ? "peak_rate_kbps" : "peak_rate_pps", pc->peak_rate);
			swc_add_int64(g, bytes ? "peak_burst_bytes" : "peak_burst_packets",
				pc->peak_burst);
		}
		if (pc->exceed.type != SW_POL_ACT_DEFAULT) {
			sw_pol_format_action(pc->exceed, a, sizeof(a));
			swc_add_str(g, "exceed", a);
		}
		if (pc->yellow.type != SW_POL_ACT_DEFAULT) {
			sw_pol_format_action(pc->yellow, a, sizeof(a));
			swc_add_str(g, "yellow", a);
		}
	}
	/* One default for both directions, or one each. */
	if (!strcmp(cp.acl_default[0], cp.acl_default[1])) {
		if (cp.acl_default[0][0])
			swc_add_str(e, "acl_default", cp.acl_default[0]);
	} else {
		g = config_setting_add(e, "acl_default", CONFIG_TYPE_GROUP);
		swc_add_str(g, "in", cp.acl_default[0][0] ? cp.acl_default[0] : "allow");
		swc_add_str(g, "out", cp.acl_default[1][0] ? cp.acl_default[1] : "allow");
	}
	sw_conf_policy_free(&cp);
	return 0;
}

/* ---- where config save may write ---------------------------------------------- */

/* Split 'path' into its directory (resolved: no symbolic link, no '..')
 * and its last component.  A relative path is taken from 'base'.  -1 with
 * err when the directory does not resolve or the name is not a plain file
 * name. */
static int
split_path(const char *path, const char *base, char *dir, size_t dn, char *name, size_t nn,
	char *err, size_t errlen)
{
	char full[PATH_MAX], *slash, *real;
	const char *leaf;

	if (!*path || strlen(path) >= PATH_MAX / 2) {
		snprintf(err, errlen, "config save: the path must be 1..%d characters",
			PATH_MAX / 2 - 1);
		return -1;
	}
	if (path[0] == '/' || !base)
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", base, path);
	slash = strrchr(full, '/');
	leaf = slash ? slash + 1 : full;
	if (!*leaf || !strcmp(leaf, ".") || !strcmp(leaf, "..")) {
		snprintf(err, errlen, "config save: %s: does not name a file", path);
		return -1;
	}
	if (strlen(leaf) >= nn) {
		snprintf(err, errlen, "config save: %s: the file name is too long", path);
		return -1;
	}
	snprintf(name, nn, "%s", leaf);
	if (slash == full)
		real = realpath("/", NULL);
	else if (slash) {
		*slash = '\0';
		real = realpath(full, NULL);
	} else {
		real = realpath(".", NULL);
	}
	if (!real || strlen(real) >= dn) {
		snprintf(err, errlen, "config save: %s: its directory: %s", path,
			real ? "path too long" : strerror(errno));
		free(real);
		return -1;
	}
	snprintf(dir, dn, "%s", real);
	free(real);
	return 0;
}

int
sw_config_save_path(const char *config_path, const char *save_dir, const char *arg, char *out,
	size_t outlen, char *err, size_t errlen)
{
	char cdir[PATH_MAX], cname[NAME_MAX + 1], sdir[PATH_MAX], adir[PATH_MAX],
		aname[NAME_MAX + 1], *real = NULL;
	const char *base;
	bool have_conf;

	if (!arg && !config_path) {
		snprintf(err, errlen,
			"config save: no path (the daemon has no configuration file)");
		return -1;
	}
	have_conf = config_path &&
		!split_path(config_path, NULL, cdir, sizeof(cdir), cname, sizeof(cname), err,
			errlen);
	if (!arg) {
		if (!have_conf)
			return -1;
		arg = config_path;
	}
	if (save_dir) {
		real = realpath(save_dir, NULL);
		if (!real || strlen(real) >= sizeof(sdir)) {
			snprintf(err, errlen, "config save: the save directory %s: %s",
				save_dir, real ? "path too long" : strerror(errno));
			free(real);
			return -1;
		}
		snprintf(sdir, sizeof(sdir), "%s", real);
		free(real);
	}
	/* A relative PATH names a file in the save directory, or else beside
	 * the configuration file: never the daemon's working directory. */
	base = save_dir ? sdir : have_conf ? cdir : NULL;
	if (split_path(arg, base, adir, sizeof(adir), aname, sizeof(aname), err, errlen))
		return -1;
	if (!((have_conf && !strcmp(adir, cdir) && !strcmp(aname, cname)) ||
		    (save_dir && !strcmp(adir, sdir)))) {
		if (save_dir)
			snprintf(err, errlen,
				"config save: %s: refused: the daemon writes only its "
				"configuration file (%s) or a file directly in its save "
				"directory (%s)",
				arg, config_path ? config_path : "none", sdir);
		else
			snprintf(err, errlen,
				"config save: %s: refused: the daemon writes only its "
				"configuration file (%s); start it with --save-dir DIR to "
				"save elsewhere",
				arg, config_path ? config_path : "none");
		return -1;
	}
	if (strlen(adir) + 1 + strlen(aname) >= outlen) {
		snprintf(err, errlen, "config save: %s: path too long", arg);
		return -1;
	}
	snprintf(out, outlen, "%s/%s", strcmp(adir, "/") ? adir : "", aname);
	return 0;
}

/* Write cfg to 'path' without ever following a link: the file is written
 * under a fresh name in the same directory (O_EXCL: nothing planted there
 * is opened) and renamed over the target, which must be absent or a
 * regular file (a symbolic link there is refused, never replaced or
 * written through). */
static int
save_file(config_t *cfg, const char *path, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 16];
	const char *slash = strrchr(path, '/');
	mode_t mode = 0644;
	struct stat st;
	FILE *f;
	int fd;

	if (!*path || strlen(path) >= PATH_MAX || (slash && !slash[1])) {
		snprintf(err, errlen,
			"config save: the path must name a file of 1..%d characters",
			PATH_MAX - 1);
		return -1;
	}
	if (!lstat(path, &st)) {
		if (S_ISLNK(st.st_mode)) {
			snprintf(err, errlen,
				"config save: %s: refused: it is a symbolic link (config save "
				"never writes through or replaces a link)",
				path);
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "config save: %s: refused: not a regular file",
				path);
			return -1;
		}
		mode = st.st_mode & 0777;
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "config save: %s: %s", path, strerror(errno));
		return -1;
	}
	if (slash)
		snprintf(tmp, sizeof(tmp), "%.*s/.%s.XXXXXX", (int)(slash - path), path,
			slash + 1);
	else
		snprintf(tmp, sizeof(tmp), ".%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "config save: %s: cannot write: %s", path,
			strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "config save: %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	config_write(cfg, f);
	if (ferror(f) | fflush(f) | fsync(fileno(f)) | fclose(f)) {
		snprintf(err, errlen, "config save: %s: cannot write: %s", path,
			strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		snprintf(err, errlen, "config save: %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The running configuration built once, then saved to 'path' or, with
 * 'out', written there (the state file renders it in memory). */
static int
config_render(struct sw *sw, const char *path, FILE *out, char *err, size_t errlen)
{
	config_setting_t *root, *g, *l, *e, *a;
	char mac[18];
	config_t cfg;
	int rc = -1;

	config_init(&cfg);
	root = config_root_setting(&cfg);
	g = config_setting_add(root, "switch", CONFIG_TYPE_GROUP);
	swc_add_str(g, "name", sw->conf.name);
	vn_eth_format_mac(sw->conf.mac, mac);
	swc_add_str(g, "mac", mac);
	swc_add_int(g, "max_veths", sw->max_veths);
	swc_add_int(g, "fdb_max", sw->conf.fdb_max);
	swc_add_int(g, "fdb_max_per_veth", sw->conf.fdb_max_per_veth);
	swc_add_int(g, "max_vsis", sw->conf.max_vsis);
	swc_add_int(g, "fdb_aging", (long long)(sw->fdb.aging_us / 1000000u));
	if (sw->default_profile >= 0)
		swc_add_str(g, "default_profile", sw->profiles[sw->default_profile].name);
	e = config_setting_add(g, "evb", CONFIG_TYPE_GROUP);
	swc_add_int(e, "r", sw->conf.evb.r);
	swc_add_int(e, "rte", sw->conf.evb.rte);
	swc_add_int(e, "rwd", sw->conf.evb.rwd);
	swc_add_int(e, "rka", sw->conf.evb.rka);
	swc_add_bool(e, "bgid", sw->conf.evb.bgid);
	e = config_setting_add(g, "lldp", CONFIG_TYPE_GROUP);
	swc_add_str(e, "admin", sw_lldp_admin_name(sw->conf.lldp.admin));
	swc_add_int(e, "tx_interval", sw->conf.lldp.tx_interval);
	swc_add_int(e, "tx_hold", sw->conf.lldp.tx_hold);
	swc_add_int(e, "max_neighbors", sw->conf.lldp.max_neighbors);
	e = config_setting_add(g, "audit", CONFIG_TYPE_GROUP);
	swc_add_bool(e, "enabled", sw->conf.audit.enabled);
	swc_add_int(e, "window", sw->conf.audit.window_s);
	swc_add_int(e, "idle", sw->conf.audit.idle_s);
	swc_add_int(e, "bypass_share", sw->conf.audit.bypass_share);
	swc_add_int(e, "log_rate", sw->conf.audit.log_rate);

	l = config_setting_add(root, "ports", CONFIG_TYPE_LIST);
	for (unsigned i = 0; i < sw->n_ports; i++) {
		const struct sw_port *p = &sw->ports[i];

		e = config_setting_add(l, NULL, CONFIG_TYPE_GROUP);
		swc_add_str(e, "name", p->name);
		swc_add_str(e, "role", sw_role_name(p->role));
		if (p->ifname[0])
			swc_add_str(e, "interface", p->ifname);
		if (p->role == SW_ROLE_UPLINK) {
			a = config_setting_add(e, "vlans", CONFIG_TYPE_ARRAY);
			for (unsigned v = 1; v < 4095; v++)
				if (sw_vlan_test(p->vlans, v))
					config_setting_set_int_elem(a, -1, (int)v);
			if (sw_vlan_test(p->vlans, 0))
				swc_add_bool(e, "untagged", true);
		} else {
			swc_add_str(e, "mode", sw_mode_name(p->mode));
			swc_add_int(e, "max_veths", p->max_veths);
			swc_add_int(e, "max_channels", p->max_channels);
			swc_add_bool(e, "auto_create", p->auto_create);
			if (p->mode == SW_MODE_VEPA)
				swc_add_bool(e, "reflective_relay", p->reflective_relay);
			if (p->schan_on) {
				a = config_setting_add(e, "schannels", CONFIG_TYPE_GROUP);
				swc_add_int(a, "chncap", p->chncap);
				swc_add_int(a, "svid_min", p->svid_min);
				swc_add_int(a, "svid_max", p->svid_max);
			}
		}
		swc_add_str(e, "admin", p->admin_up ? "up" : "down");
		if (p->lldp_admin != sw->conf.lldp.admin)
			swc_add_str(e, "lldp", sw_lldp_admin_name(p->lldp_admin));
	}

	l = config_setting_add(root, "profiles", CONFIG_TYPE_LIST);
	for (size_t i = 0; i < sw->n_profiles; i++) {
		const struct sw_profile *p = &sw->profiles[i];

		if (!p->name[0])
			continue;
		e = config_setting_add(l, NULL, CONFIG_TYPE_GROUP);
		swc_add_str(e, "name", p->name);
		swc_add_int(e, "type_id", p->type_id);
		swc_add_int(e, "type_version", p->type_version);
		if (p->has_vlan)
			swc_add_int(e, "vlan", p->vlan);
		if (save_policy(e, p)) {
			snprintf(err, errlen, "config save: out of memory");
			goto out;
		}
	}

	/* Configured vEths only: auto-created and VDP ones come back by
	 * themselves (traffic, re-association) and are not configuration. */
	l = config_setting_add(root, "veths", CONFIG_TYPE_LIST);
	for (size_t s = 0; s < sw->slots_hwm; s++) {
		const struct sw_veth *v = &sw->veths[s];

		if (!v->used || v->origin != SW_ORIGIN_CONFIG)
			continue;
		e = config_setting_add(l, NULL, CONFIG_TYPE_GROUP);
		swc_add_int(e, "id", v->id);
		swc_add_str(e, "port", sw->ports[v->port].name);
		if (v->kind == SW_BIND_VIF) {
			swc_add_int(e, "vif", v->key);
		} else if (v->kind == SW_BIND_ECID) {
			swc_add_int(e, "ecid", v->key);
		} else {
			vn_eth_format_mac(v->mac, mac);
			swc_add_str(e, "mac", mac);
			if (v->svid != SW_SCHAN_DEFAULT_SVID)
				swc_add_int(e, "svid", v->svid);
		}
		/* Only a VLAN of its own: one taken from the profile must stay
		 * the profile's after loading (it follows a profile change). */
		if (v->own_vlan)
			swc_add_int(e, "vlan", v->vlan);
		if (v->profile >= 0)
			swc_add_str(e, "profile", sw->profiles[v->profile].name);
	}

	if (!out) {
		rc = save_file(&cfg, path, err, errlen);
	} else {
		config_write(&cfg, out);
		rc = ferror(out) ? -1 : 0;
		if (rc)
			snprintf(err, errlen, "config save: cannot write: %s", strerror(errno));
	}
out:
	config_destroy(&cfg);
	return rc;
}

int
sw_config_save(struct sw *sw, const char *path, char *err, size_t errlen)
{
	return config_render(sw, path, NULL, err, errlen);
}

int
sw_config_write(struct sw *sw, FILE *out, char *err, size_t errlen)
{
	return config_render(sw, NULL, out, err, errlen);
}

/* ---- reload ---------------------------------------------------------------- */

static const struct sw_conf_profile *
conf_profile(const struct sw_conf *c, const char *name)
{
	for (size_t i = 0; i < c->n_profiles; i++)
		if (!strcmp(c->profiles[i].name, name))
			return &c->profiles[i];
	return NULL;
}

static const struct sw_conf_veth *
conf_veth(const struct sw_conf *c, uint32_t id)
{
	for (size_t i = 0; i < c->n_veths; i++)
		if (c->veths[i].id == id)
			return &c->veths[i];
	return NULL;
}

/* Would the configured vEth 'cv' be the same as the running 'v' once the
 * new profiles are in place?  A vEth that follows its profile's VLAN stays
 * the same when only that VLAN changes: the profile update moves it. */
static bool
veth_same(const struct sw *sw, const struct sw_veth *v, const struct sw_conf_veth *cv)
{
	const struct sw_port *p = &sw->ports[v->port];
	const char *prof = v->profile >= 0 ? sw->profiles[v->profile].name : "";
	bool own = cv->has_vlan && !cv->vlan_from_profile;

	uint16_t svid = cv->svid ? cv->svid : SW_SCHAN_DEFAULT_SVID;

	return !strcmp(p->name, cv->port) && v->kind == cv->kind &&
		(cv->kind == SW_BIND_MAC ? !memcmp(v->mac, cv->mac, 6) && v->svid == svid
					 : v->key == cv->key) &&
		!strcmp(prof, cv->profile) && v->own_vlan == own &&
		(!own || v->vlan == cv->vlan);
}

/* The policies the new configuration's profiles need built: built[i] for
 * c->profiles[i], need[i] when it is new or its policy changed.  0, or -1
 * with a message (bad rules are caught by the loader; this is for
 * configurations built otherwise, and out of memory). */
static int
build_policies(struct sw *sw, const struct sw_conf *c, struct sw_profile_pol *built, bool *need,
	char *err, size_t errlen)
{
	for (size_t i = 0; i < c->n_profiles; i++) {
		const struct sw_conf_profile *cp = &c->profiles[i];
		int32_t idx = sw_profile_index(sw, cp->name);
		struct sw_conf_policy cur;

		if (idx >= 0) {
			if (sw_policy_get_conf(&sw->profiles[idx].pol, &cur)) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			need[i] = !sw_conf_policy_equal(&cur, &cp->policy);
			sw_conf_policy_free(&cur);
		} else {
			need[i] = true;
		}
		if (need[i] && sw_policy_build(cp->name, &cp->policy, &built[i], err, errlen)) {
			char msg[512];

			snprintf(msg, sizeof(msg), "%s", err);
			snprintf(err, errlen, "%s:%d: %s", c->path, cp->line, msg);
			need[i] = false;
			return -1;
		}
	}
	return 0;
}

int
sw_config_apply(struct sw *sw, const struct sw_conf *c, uint64_t now, char *err, size_t errlen)
{
	struct sw_htab binds, macs; /* the final bindings: per port, and MAC+VLAN */
	uint32_t *count, n_final = 0;
	char why[160];
	struct sw_profile_pol *built = NULL;
	bool *need = NULL;
	int rc = -1;

	/* 1. Checks.  Ports: the same set, names and kinds (back-ends stay). */
	if (c->n_ports != sw->n_ports) {
		snprintf(err, errlen, "%s: adding or removing ports needs a restart", c->path);
		return -1;
	}
	for (unsigned i = 0; i < sw->n_ports; i++) {
		const struct sw_conf_port *cp = &c->ports[i];
		const struct sw_port *p = &sw->ports[i];

		if (strcmp(cp->name, p->name) || cp->role != p->role || cp->mode != p->mode ||
			strcmp(cp->ifname, p->ifname)) {
			snprintf(err, errlen,
				"%s:%d: port '%s': changing a port's name, role, mode or interface "
				"needs a restart",
				c->path, cp->line, cp->name);
			return -1;
		}
	}
	if (c->max_veths != sw->max_veths || c->fdb_max != sw->conf.fdb_max) {
		snprintf(err, errlen, "%s: switch.max_veths and switch.fdb_max need a restart",
			c->path);
		return -1;
	}
	/* Profiles that go away must not be in use by a vEth that stays. */
	for (size_t i = 0; i < sw->n_profiles; i++) {
		const struct sw_profile *p = &sw->profiles[i];

		if (!p->name[0] || conf_profile(c, p->name))
			continue;
		for (size_t s = 0; s < sw->slots_hwm; s++) {
			const struct sw_veth *v = &sw->veths[s];

			/* Configured vEths are replaced by the file's, whose
			 * profiles the loader checked; the others stay. */
			if (v->used && v->profile == (int32_t)i &&
				v->origin != SW_ORIGIN_CONFIG) {
				snprintf(err, errlen,
					"%s: profile '%s' is removed but vEth %u uses it",
					c->path, p->name, v->id);
				return -1;
			}
		}
	}
	/* The final bindings must be unique (on their port, and a MAC once per
	 * VLAN switch-wide) and fit the limits: non-config vEths stay as they
	 * are, config vEths become exactly the file's. */
	if (sw_htab_init(&binds, sw->max_veths + sw->n_extra_macs + (uint32_t)c->n_veths)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (sw_htab_init(&macs, sw->max_veths + sw->n_extra_macs + (uint32_t)c->n_veths)) {
		sw_htab_free(&binds);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	count = calloc(sw->n_ports, sizeof(*count));
	if (!count) {
		sw_htab_free(&binds);
		sw_htab_free(&macs);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t s = 0; s < sw->slots_hwm; s++) {
		const struct sw_veth *v = &sw->veths[s];
		struct sw_veth nv;

		if (!v->used || v->origin == SW_ORIGIN_CONFIG)
			continue;
		if (conf_veth(c, v->id)) {
			snprintf(err, errlen, "%s: vEth %u is already a %s vEth", c->path,
				v->id, v->origin == SW_ORIGIN_AUTO ? "auto-created" : "VDP");
			goto out;
		}
		/* Its binding once the new profiles are in: a MAC-bound vEth that
		 * follows its profile's VLAN moves with it. */
		nv = *v;
		if (!v->own_vlan && v->profile >= 0) {
			const struct sw_conf_profile *cp =
				conf_profile(c, sw->profiles[v->profile].name);

			nv.vlan = cp && cp->has_vlan ? cp->vlan : 0;
		}
		if (sw_htab_find(&binds, sw_bind_k1(&nv), sw_bind_k2(&nv)) ||
			(nv.kind == SW_BIND_MAC &&
				sw_htab_find(&macs, SW_FDB_K1(nv.vlan, nv.mac), 0))) {
			snprintf(err, errlen,
				"%s: vEth %u would take another vEth's binding with the new "
				"profile VLANs",
				c->path, v->id);
			goto out;
		}
		sw_htab_insert(&binds, sw_bind_k1(&nv), sw_bind_k2(&nv), (int32_t)v->id, 0);
		if (nv.kind == SW_BIND_MAC)
			sw_htab_insert(&macs, SW_FDB_K1(nv.vlan, nv.mac), 0, (int32_t)v->id, 0);
		count[v->port]++;
		n_final++;
	}
	for (size_t i = 0; i < c->n_veths; i++) {
		const struct sw_conf_veth *cv = &c->veths[i];
		struct sw_port *p = sw_port_by_name(sw, cv->port);
		struct sw_veth tmp = {
			.kind = (uint8_t)cv->kind, .key = cv->key, .vlan = cv->vlan
		};
		struct sw_htab_ent *e;

		memcpy(tmp.mac, cv->mac, 6);
		tmp.port = (uint16_t)p->idx;
		if (cv->kind == SW_BIND_MAC)
			tmp.svid = cv->svid ? cv->svid : SW_SCHAN_DEFAULT_SVID;
		e = sw_htab_find(&binds, sw_bind_k1(&tmp), sw_bind_k2(&tmp));
		if (!e && cv->kind == SW_BIND_MAC)
			e = sw_htab_find(&macs, SW_FDB_K1(cv->vlan, cv->mac), 0);
		if (e) {
			snprintf(err, errlen, "%s:%d: vEth %u: its binding is taken by vEth %d",
				c->path, cv->line, cv->id, e->val);
			goto out;
		}
		/* Nor a VSI's reservation (cplane.h): sw_veth_add would refuse. */
		if (sw_cplane_rsv_check(sw->cp, &tmp, false, why, sizeof(why))) {
			snprintf(err, errlen, "%s:%d: vEth %u: %s", c->path, cv->line, cv->id,
				why);
			goto out;
		}
		sw_htab_insert(&binds, sw_bind_k1(&tmp), sw_bind_k2(&tmp), (int32_t)cv->id, 0);
		if (cv->kind == SW_BIND_MAC)
			sw_htab_insert(
				&macs, SW_FDB_K1(cv->vlan, cv->mac), 0, (int32_t)cv->id, 0);
		if (++count[p->idx] > c->ports[p->idx].max_veths) {
			snprintf(err, errlen, "%s:%d: port '%s' would exceed max_veths = %u",
				c->path, cv->line, p->name, c->ports[p->idx].max_veths);
			goto out;
		}
		n_final++;
	}
	for (unsigned i = 0; i < sw->n_ports; i++)
		if (count[i] + sw_cplane_rsv_veths(sw->cp, (int)i) > c->ports[i].max_veths) {
			snprintf(err, errlen,
				"%s:%d: port '%s': max_veths = %u but it has %u vEths that are "
				"not configured (auto-created or VDP) or reserved by VDP",
				c->path, c->ports[i].line, c->ports[i].name,
				c->ports[i].max_veths,
				count[i] + sw_cplane_rsv_veths(sw->cp, (int)i));
			goto out;
		}
	if (n_final + sw_cplane_rsv_veths(sw->cp, -1) > sw->max_veths) {
		snprintf(err, errlen,
			"%s: %u vEths (configured and not, and reserved by VDP) would exceed "
			"switch.max_veths = %u",
			c->path, n_final + sw_cplane_rsv_veths(sw->cp, -1), sw->max_veths);
		goto out;
	}
	/* The profiles' policies, compiled before anything changes. */
	built = calloc(c->n_profiles ? c->n_profiles : 1, sizeof(*built));
	need = calloc(c->n_profiles ? c->n_profiles : 1, sizeof(*need));
	if (!built || !need) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (build_policies(sw, c, built, need, err, errlen))
		goto out;

	/* 2. Apply; nothing below can fail.  Order matters: vEths that go
	 * (or change) go first, so they neither hold a binding another vEth
	 * moves to nor keep a profile in use; then profiles; then the
	 * binding index is rebuilt (profile VLAN changes move MAC+VLAN
	 * bindings, possibly onto each other's old ones); then new vEths. */
	for (unsigned i = 0; i < sw->n_ports; i++) {
		struct sw_port *p = &sw->ports[i];
		const struct sw_conf_port *cp = &c->ports[i];

		p->admin_up = cp->admin_up;
		p->auto_create = cp->auto_create;
		p->reflective_relay = cp->reflective_relay;
		p->max_veths = cp->max_veths;
		p->max_channels = cp->max_channels;
		p->lldp_admin = sw_conf_port_lldp(c, cp);
		memcpy(p->vlans, cp->vlans, sizeof(p->vlans));
		sw_port_update_relay(p);
		/* A changed S-channel pool or ChnCap: the control plane
		 * re-grants (sw_cplane_port_changed, below). */
		sw_port_set_schannels(p, cp);
	}
	sw->conf.evb = c->evb;
	sw->conf.lldp = c->lldp;
	sw->conf.audit = c->audit;
	/* Limits that apply from the next request or frame: what is over a
	 * lowered limit stays, nothing more is admitted until below it. */
	sw->conf.max_vsis = c->max_vsis;
	sw->conf.fdb_max_per_veth = c->fdb_max_per_veth;
	sw->fdb.veth_max = c->fdb_max_per_veth;
	if (sw->cp)
		for (unsigned i = 0; i < sw->n_ports; i++)
			sw_cplane_port_changed(sw->cp, i, now);
	sw->fdb.aging_us = (uint64_t)c->fdb_aging_s * 1000000u;
	for (size_t s = 0; s < sw->slots_hwm; s++) {
		struct sw_veth *v = &sw->veths[s];
		const struct sw_conf_veth *cv;

		if (!v->used || v->origin != SW_ORIGIN_CONFIG)
			continue;
		cv = conf_veth(c, v->id);
		if (!cv || !veth_same(sw, v, cv)) {
			sw_veth_del_reason(
				sw, v->id, now, cv ? "changed by reload" : "removed by reload");
		}
	}
	/* Removed profiles have no user left (checked above): tombstones
	 * first, so that their slots can take the new ones. */
	for (size_t i = 0; i < sw->n_profiles; i++)
		if (sw->profiles[i].name[0] && !conf_profile(c, sw->profiles[i].name)) {
			sw_policy_free(&sw->profiles[i].pol);
			memset(&sw->profiles[i], 0, sizeof(sw->profiles[i]));
		}
	for (size_t i = 0; i < c->n_profiles; i++) {
		const struct sw_conf_profile *cp = &c->profiles[i];
		int32_t idx = sw_profile_index(sw, cp->name);

		if (idx < 0) {
			sw_profile_add_built(sw, cp, &built[i], err, errlen);
			continue;
		}
		if (need[i])
			sw_policy_install(sw, idx, &built[i], now);
		if (sw->profiles[idx].type_id != cp->type_id ||
			sw->profiles[idx].type_version != cp->type_version ||
			sw->profiles[idx].has_vlan != cp->has_vlan ||
			(cp->has_vlan && sw->profiles[idx].vlan != cp->vlan))
			sw_profile_update(sw, idx, cp, now, false);
	}
	sw->default_profile =
		c->default_profile[0] ? sw_profile_index(sw, c->default_profile) : -1;
	sw_htab_clear(&sw->by_bind);
	sw_htab_clear(&sw->by_mac);
	for (size_t s = 0; s < sw->slots_hwm; s++)
		if (sw->veths[s].used)
			sw_veth_index(sw, (int32_t)s);
	for (size_t i = 0; i < c->n_veths; i++)
		if (!sw_veth_by_id(sw, c->veths[i].id))
			sw_veth_add(sw, &c->veths[i], SW_ORIGIN_CONFIG, now, err, errlen);
	err[0] = '\0';
	rc = 0;
out:
	for (size_t i = 0; built && i < c->n_profiles; i++)
		sw_policy_free(&built[i]); /* what was not installed */
	free(built);
	free(need);
	free(count);
	sw_htab_free(&binds);
	sw_htab_free(&macs);
	return rc;
}

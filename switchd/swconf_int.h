/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swconf_int.h - the configuration loader's helpers, shared by its files
 * (swconf.c: switch, ports, vEths, validation; swconf_policy.c: profile
 * policy).  Each helper reads one setting of group 'g' named 'key', checks
 * it and, on error, writes "FILE:LINE: PATH.KEY: message" into the
 * context's buffer and returns -1; otherwise it returns 1 (set) or 0
 * (absent).  Nothing outside the loader includes this.
 */
#ifndef SWITCHD_SWCONF_INT_H
#define SWITCHD_SWCONF_INT_H 1

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchd/swconf.h"

/* Parsing context: where errors go (the caller's buffer). */
struct swc_ctx {
	const char *file;
	char *err;
	size_t errlen;
};

int __attribute__((format(printf, 4, 5)))
swc_fail(struct swc_ctx *c, const config_setting_t *s, const char *path, const char *fmt, ...);
/* "path.key" into buf: errors name the setting at fault, not its group. */
const char *swc_leaf(char *buf, size_t n, const char *path, const char *key);
/* Refuse settings this version does not know (NULL-terminated list). */
int swc_check_keys(struct swc_ctx *c, const config_setting_t *g, const char *path,
	const char *const *allowed);
int swc_get_int(struct swc_ctx *c, const config_setting_t *g, const char *path, const char *key,
	long long min, long long max, long long *out);
int swc_get_bool(struct swc_ctx *c, const config_setting_t *g, const char *path,
	const char *key, bool *out);
int swc_get_str(struct swc_ctx *c, const config_setting_t *g, const char *path, const char *key,
	const char **out);
int swc_get_name(struct swc_ctx *c, const config_setting_t *g, const char *path,
	const char *key, bool required, char out[SW_NAME_MAX]);
int swc_get_mac(struct swc_ctx *c, const config_setting_t *g, const char *path, const char *key,
	bool unicast, uint8_t mac[6]);
/* Writing settings (config save, the state file): add 'k' to group 'g'
 * with its value; the new setting, or NULL (nothing added) when libconfig
 * refuses it. */
config_setting_t *swc_add_str(config_setting_t *g, const char *k, const char *v);
void swc_add_int(config_setting_t *g, const char *k, long long v);
void swc_add_int64(config_setting_t *g, const char *k, long long v);
void swc_add_bool(config_setting_t *g, const char *k, bool v);
/* Profile policy (swconf_policy.c): acl_in/acl_out/acl_default/police_*. */
int swc_parse_policy(struct swc_ctx *c, const config_setting_t *g, const char *path,
	const char *profile, struct sw_conf_policy *p);

#endif /* SWITCHD_SWCONF_INT_H */

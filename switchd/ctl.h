/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ctl.h - the control-socket command server, without any I/O.
 *
 * sw_ctl_handle() takes one request payload (see ctlproto.h), validates
 * it, looks the command up in a table {name, arguments, handler}, lets the
 * handler render its result through the one writer in the format asked
 * for, and returns the reply payload.  It never touches a socket: the
 * event loop (event.c) moves the bytes.  A malformed, oversized or unknown
 * request, or a bad argument, gets an error reply and changes nothing.
 */
#ifndef SWITCHD_CTL_H
#define SWITCHD_CTL_H 1

#include <stddef.h>
#include <stdint.h>

#include "switchd/sw.h"

/* What the control socket refused (the server and the handlers count;
 * vnctl show limits renders them). */
struct sw_ctl_stats {
	uint64_t clients;          /* connections accepted */
	uint64_t clients_refused;  /* ... refused at --ctl-max-clients */
	uint64_t requests;         /* requests handled */
	uint64_t requests_refused; /* bad header or over --ctl-max-request */
	uint64_t paths_refused;    /* config save outside the allowed paths */
	unsigned max_clients;      /* the limits in force */
	uint32_t max_request;
	unsigned n_clients; /* connected now */
};

/* What the daemon lends the handlers. */
struct sw_ctl_env {
	struct sw *sw;
	const char *config_path;
	/* config save PATH may write a file directly in this directory
	 * (--save-dir); NULL: only the configuration file itself. */
	const char *save_dir;
	/* The control socket's counters (the server fills them), or NULL. */
	struct sw_ctl_stats *stats;
	uint64_t (*now)(void *aux);
	/* Advance the switch clock (replay / test clock); NULL when live. */
	int (*warp)(void *aux, uint64_t delta_us, char *err, size_t errlen);
	/* Reload the configuration file (also on SIGHUP). */
	int (*reload)(void *aux, char *err, size_t errlen);
	void *aux;
};

/* Returns the reply payload (malloc'ed, caller frees) and its length. */
char *sw_ctl_handle(struct sw_ctl_env *env, const char *req, size_t len, size_t *reply_len);

/* A reply for a request that could not even be read (bad header, too
 * long): the same JSON shape, status "error". */
char *sw_ctl_error_reply(const char *why, size_t *reply_len);

#endif /* SWITCHD_CTL_H */

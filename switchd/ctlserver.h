/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ctlserver.h - the control socket on the event loop: accepts clients,
 * reads framed requests, hands each to sw_ctl_handle() and writes the
 * reply.  Several clients at once, each with bounded buffers; a client that
 * sends a bad header or a request over the limit gets an error reply and is
 * disconnected; the daemon is never disturbed.
 */
#ifndef SWITCHD_CTLSERVER_H
#define SWITCHD_CTLSERVER_H 1

#include <stddef.h>
#include <stdint.h>

#include "switchd/ctl.h"
#include "switchd/event.h"

struct sw_ctl_server;

struct sw_ctl_limits {
	uint32_t max_request; /* bytes; default SW_CTL_MAX_REQUEST */
	unsigned max_clients; /* default 64 */
	int mode;             /* socket file mode, default 0660 */
	const char *group;    /* group owning the socket, NULL: unchanged */
};

/* Listen on 'path' (an existing socket file is replaced when no daemon
 * answers on it; a live one is an error).  env must outlive the server. */
struct sw_ctl_server *sw_ctl_server_create(struct sw_loop *loop, const char *path,
	struct sw_ctl_env *env, const struct sw_ctl_limits *limits, char *err, size_t errlen);
/* Closes every client and removes the socket file. */
void sw_ctl_server_destroy(struct sw_ctl_server *s);

#endif /* SWITCHD_CTLSERVER_H */

/* SPDX-License-Identifier: Apache-2.0 */
/* ctlclient.h - vnctl's side of the control protocol (see ctlproto.h). */
#ifndef SWITCHD_CTLCLIENT_H
#define SWITCHD_CTLCLIENT_H 1

#include <stddef.h>

/*
 * Send argv to the daemon at 'path' and wait up to timeout_ms for the
 * reply.  Returns 0 with *output (malloc'ed, caller frees) on success,
 * 1 with the daemon's error message in err, or -1 with a transport error
 * (cannot connect, timeout, malformed reply) in err.
 */
int sw_ctl_call(const char *path, int argc, char **argv, const char *format, int timeout_ms,
	char **output, char *err, size_t errlen);

#endif /* SWITCHD_CTLCLIENT_H */

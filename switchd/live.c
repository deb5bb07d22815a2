/* SPDX-License-Identifier: Apache-2.0 */
/* live.c - placeholder until the AF_PACKET back-end lands. */
#include <config.h>

#include "switchd/live.h"

#include <stdio.h>

int
sw_live_run(struct sw *sw, const struct sw_live_opts *o, char *err, size_t errlen)
{
	(void)sw;
	(void)o;
	snprintf(err, errlen, "live mode is not built yet; use --replay");
	return -1;
}

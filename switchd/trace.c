/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "switchd/trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
sw_trace_init(struct sw_trace *t)
{
	memset(t, 0, sizeof(*t));
	t->src_veth = -1;
	t->vlan = -1;
}

void
sw_trace_step(struct sw_trace *t, const char *fmt, ...)
{
	va_list ap;

	if (t->n_steps >= SW_TRACE_MAX_STEPS)
		return;
	va_start(ap, fmt);
	vsnprintf(t->steps[t->n_steps++], sizeof(t->steps[0]), fmt, ap);
	va_end(ap);
}

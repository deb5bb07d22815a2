/* SPDX-License-Identifier: Apache-2.0 */
/* fuzzsw.c - the fuzz targets' switch fixture (see fuzzsw.h). */
#include <config.h>

#include "tests/fuzz/fuzzsw.h"

#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/admin.h"
#include "switchd/cplane.h"
#include "switchd/state.h"
#include "switchd/writer.h"
#include "tests/fuzz/fuzz.h"

void
fz_open(struct fz *x, const char *conf, struct sw_mem_port *mem, bool cplane)
{
	struct sw_cplane_config cc = { .seed = SW_CPLANE_REPLAY_SEED };
	struct sw_conf c;
	char err[512] = "";

	memset(x, 0, sizeof(*x));
	FUZZ_CHECK(
		sw_conf_load_string(conf, "fuzz.conf", &c, err, sizeof(err)) == 0, "%s", err);
	x->sw = sw_create(&c, err, sizeof(err));
	sw_conf_free(&c);
	FUZZ_CHECK(x->sw, "sw_create: %s", err);
	x->n_ports = sw_n_ports(x->sw);
	FUZZ_CHECK(x->n_ports <= FZ_MAX_PORTS, "%u ports", x->n_ports);
	x->mem = mem;
	for (unsigned i = 0; i < x->n_ports; i++) {
		mem[i].n = 0;
		mem[i].overflow = 0;
		mem[i].refuse = 0;
		sw_mem_attach(x->sw, i, &mem[i]);
	}
	if (cplane)
		FUZZ_CHECK(sw_cplane_create(x->sw, &cc, err, sizeof(err)), "cplane: %s", err);
	x->now = FZ_T0;
	x->next = sw_run_timers(x->sw, FZ_T0);
}

void
fz_close(struct fz *x)
{
	sw_destroy(x->sw);
	x->sw = NULL;
}

void
fz_advance(struct fz *x, uint64_t t)
{
	struct sw_cplane *cp = sw_get_cplane(x->sw);

	for (int round = 0; x->next <= t; round++) {
		uint64_t at = x->next;

		if (round >= 64) {
			uint64_t c = cp ? sw_cplane_next_deadline(cp) : UINT64_MAX;

			at = c < at ? at : c < t ? c : t;
		}
		x->next = sw_run_timers(x->sw, at);
		if (at == t)
			break;
	}
	if (t > x->now)
		x->now = t;
}

void
fz_after_input(struct fz *x)
{
	uint64_t dl = sw_next_deadline(x->sw);

	if (dl < x->next)
		x->next = dl < x->now ? x->now : dl;
}

void
fz_clear_tx(struct fz *x)
{
	for (unsigned i = 0; i < x->n_ports; i++)
		x->mem[i].n = 0;
}

unsigned
fz_tx_frames(const struct fz *x)
{
	unsigned n = 0;

	for (unsigned i = 0; i < x->n_ports; i++)
		n += x->mem[i].n + x->mem[i].overflow;
	return n;
}

char *
fz_snapshot(struct fz *x)
{
	struct sw_writer w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	FUZZ_CHECK(f, "open_memstream");
	/* One thread: no locking per character (the writer puts many). */
	__fsetlocking(f, FSETLOCKING_BYCALLER);
	sw_writer_init(&w, SW_FMT_JSON, f);
	sw_w_obj_start(&w, "snapshot", NULL);
	sw_state_dump(&w, x->sw, x->now);
	sw_w_list_start(&w, "profiles", NULL);
	for (size_t i = 0; i < sw_n_profiles(x->sw); i++) {
		const struct sw_profile *p = sw_profile_at(x->sw, (int)i);

		if (!p)
			continue; /* a deleted profile's tombstone */
		sw_w_obj_start(&w, NULL, NULL);
		sw_w_str(&w, "name", NULL, p->name);
		sw_w_uint(&w, "type_id", NULL, p->type_id);
		sw_w_uint(&w, "type_version", NULL, p->type_version);
		sw_w_bool(&w, "has_vlan", NULL, p->has_vlan);
		sw_w_uint(&w, "vlan", NULL, p->vlan);
		sw_w_obj_end(&w);
	}
	sw_w_list_end(&w);
	/* The events: their count and the last few (a change appends). */
	sw_w_uint(&w, "n_events", NULL, sw_n_events(x->sw));
	sw_w_list_start(&w, "events", NULL);
	for (size_t i = sw_n_events(x->sw) > 4 ? sw_n_events(x->sw) - 4 : 0;
		i < sw_n_events(x->sw); i++) {
		const struct sw_event *e = sw_event_at(x->sw, i);

		sw_w_obj_start(&w, NULL, NULL);
		sw_w_uint(&w, "ts", NULL, e->ts_us);
		sw_w_uint(&w, "veth", NULL, e->veth);
		sw_w_str(&w, "kind", NULL, sw_event_name((enum sw_event_kind)e->kind));
		sw_w_str(&w, "detail", NULL, e->detail);
		sw_w_obj_end(&w);
	}
	sw_w_list_end(&w);
	sw_w_obj_end(&w);
	sw_writer_finish(&w);
	fclose(f);
	return buf;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-pipeline.c - the whole switch: datapath and control plane.
 *
 * A switch from a fixed configuration with every kind of port (two
 * uplinks, one untagged; VN-Tag, E-Tag and VEPA host ports; S-channels on
 * h2; auto-create, a port at its limit, a port down, VEPA without relay),
 * profiles VDP can match, static vEths, LLDP on every port (h6: receive
 * only), and the control plane (LLDP, EVB, ECP/VDP, CDCP) on memory
 * back-ends (switchd/port_be.h).  The ports are named as in the replay
 * cases (tests/replay/), whose inputs seed the corpus.
 *
 * The input is a sequence of frames, each
 *   port(1) delta(2) len(2) frame(len)          (big-endian, len clipped)
 * port & 0x7F modulo the port count is the ingress port; bit 7 set runs
 * the frame in trace mode (vnctl trace).  delta is the time since the
 * previous frame in milliseconds; the timers run at their deadlines in
 * between, as in replay.  One switch per input, so that state (FDB, vEths,
 * VSIs, LLDP neighbours, S-channels) carries from frame to frame and every
 * crash reproduces from its input alone.  At the end the clock runs 40 s
 * more (past the LLDP TTL of 21 s, the VDP keep-alive time and the FDB
 * ageing of 30 s) and everything is
 * rendered (in the format the input's last byte picks).
 *
 * Checked after every frame:
 *  - a frame counts once in its port's rx_frames and drops at most one
 *    reason there (tx_full, counted per lost copy, aside);
 *  - every frame sent parses with the switch's own tag walk, and a VN-Tag
 *    sent on a VN-Tag port is a bridge's (d = 1);
 *  - the vEth table is consistent: the id index finds every vEth, per-port
 *    counts match and stay within max_veths, no vif / E-CID bound twice on
 *    a port, no MAC bound twice in a VLAN, the FDB within fdb_max;
 *  - a traced frame changes nothing (the whole state dump, the profiles,
 *    the events) and sends nothing.
 * With FUZZ_VERBOSE set in the environment the final state is printed.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "switchd/admin.h"
#include "switchd/cplane.h"
#include "switchd/state.h"
#include "switchd/sw.h"
#include "switchd/trace.h"
#include "switchd/writer.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzzsw.h"
#include "vntag/eth.h"
#include "vntag/vntag.h"

static const char CONF[] =
	"switch = { name = \"fz\"; mac = \"02:00:00:00:00:01\"; max_veths = 64; fdb_max = 256;\n"
	"  fdb_aging = 30; default_profile = \"web\";\n"
	"  lldp = { admin = \"rxtx\"; tx_interval = 5; }; evb = { rka = 14; rte = 10; }; };\n"
	"ports = (\n"
	"  { name = \"up0\"; role = \"uplink\"; vlans = [10, 20, 100]; },\n"
	"  { name = \"up1\"; role = \"uplink\"; vlans = [10]; untagged = true; },\n"
	"  { name = \"h1\"; role = \"host\"; mode = \"vntag\"; max_veths = 8; max_channels = 4; },\n"
	"  { name = \"h2\"; role = \"host\"; mode = \"vepa\"; reflective_relay = true;\n"
	"    max_veths = 8; max_channels = 4;\n"
	"    schannels = { chncap = 4; svid_min = 100; svid_max = 102; }; },\n"
	"  { name = \"h3\"; role = \"host\"; mode = \"etag\"; max_veths = 8; auto_create = true;\n"
	"    max_channels = 4; },\n"
	"  { name = \"h4\"; role = \"host\"; mode = \"vntag\"; auto_create = true; max_veths = 2; },\n"
	"  { name = \"h5\"; role = \"host\"; mode = \"vntag\"; admin = \"down\"; },\n"
	"  { name = \"h6\"; role = \"host\"; mode = \"vepa\"; reflective_relay = false;\n"
	"    auto_create = true; max_veths = 4; lldp = \"rx\"; }\n"
	");\n"
	"profiles = ( { name = \"web\"; type_id = 5; type_version = 1; vlan = 10; },\n"
	"             { name = \"vdp\"; type_id = 42; type_version = 3; vlan = 100; },\n"
	"             { name = \"any\"; type_id = 7; type_version = 0; } );\n"
	"veths = (\n"
	"  { id = 100; port = \"h1\"; vif = 5; profile = \"web\"; },\n"
	"  { id = 101; port = \"h1\"; vif = 6; vlan = 20; },\n"
	"  { id = 201; port = \"h2\"; mac = \"52:54:00:00:02:01\"; vlan = 10; },\n"
	"  { id = 202; port = \"h2\"; mac = \"52:54:00:00:02:02\"; vlan = 10; svid = 100; },\n"
	"  { id = 300; port = \"h3\"; ecid = 300; profile = \"web\"; },\n"
	"  { id = 400; port = \"h4\"; vif = 1; profile = \"web\"; },\n"
	"  { id = 500; port = \"h5\"; vif = 5; profile = \"web\"; },\n"
	"  { id = 601; port = \"h6\"; mac = \"52:54:00:00:06:01\"; vlan = 10; }\n"
	");\n";

#define HDR_LEN 5

/*
 * The memory back-ends, 8 x 512 KB: kept between inputs because libFuzzer
 * gives the target no context and allocating them per input would cost
 * more than most inputs do; fz_open empties them.
 */
static struct sw_mem_port mem[FZ_MAX_PORTS];

static uint64_t
drops_but_tx_full(const struct sw_port *p)
{
	uint64_t n = 0;

	for (int d = 0; d < SW_DROP_MAX; d++)
		if (d != SW_DROP_TX_FULL)
			n += p->ctr.drops[d];
	return n;
}

/* Frames sent since the last look (from index *seen on) are well formed. */
static void
check_sent(struct fz *x, unsigned *seen)
{
	for (unsigned p = 0; p < x->n_ports; p++) {
		const struct sw_port *port = sw_port(x->sw, p);

		for (unsigned i = seen[p]; i < mem[p].n; i++) {
			struct vn_err err = { NULL, 0 };
			struct vn_eth eth;
			const uint8_t *f = mem[p].data[i];

			FUZZ_CHECK(vn_eth_parse(f, mem[p].len[i], &eth, &err) == 0,
				"port %s sent a frame its own parser refuses: %s at %zu (%zu bytes)",
				port->name, err.reason, err.offset, mem[p].len[i]);
			if (port->mode == SW_MODE_VNTAG && eth.n_tags &&
				eth.tags[0].tpid == VN_ETH_VNTAG) {
				struct vntag t;

				vntag_unpack(vn_get_be32(f + 14), &t);
				FUZZ_CHECK(t.d, "port %s sent a VN-Tag with d=0", port->name);
			}
		}
		seen[p] = mem[p].n;
	}
}

static void
check_veths(struct fz *x)
{
	const struct sw_conf *conf = sw_get_conf(x->sw);
	uint32_t per_port[FZ_MAX_PORTS] = { 0 }, total = 0;
	size_t slots = sw_veth_slots(x->sw);

	for (size_t i = 0; i < slots; i++) {
		const struct sw_veth *v = sw_veth_slot(x->sw, i);

		if (!v)
			continue;
		total++;
		FUZZ_CHECK(sw_veth_by_id(x->sw, v->id) == v, "vEth %u not indexed", v->id);
		FUZZ_CHECK(v->port < x->n_ports, "vEth %u on port %u", v->id, v->port);
		FUZZ_CHECK(v->vlan <= 4094 && v->n_extra_macs <= SW_VETH_EXTRA_MACS,
			"vEth %u VLAN %u, %u extra MACs", v->id, v->vlan, v->n_extra_macs);
		per_port[v->port]++;
		for (size_t k = 0; k < i; k++) {
			const struct sw_veth *u = sw_veth_slot(x->sw, k);

			if (!u)
				continue;
			FUZZ_CHECK(u->id != v->id, "two vEths %u", v->id);
			if (v->kind != SW_BIND_MAC && u->kind == v->kind && u->port == v->port)
				FUZZ_CHECK(u->key != v->key,
					"vEths %u and %u both bind %u on %u", u->id, v->id,
					v->key, v->port);
			if (v->kind == SW_BIND_MAC && u->kind == SW_BIND_MAC &&
				u->vlan == v->vlan)
				FUZZ_CHECK(memcmp(u->mac, v->mac, 6),
					"vEths %u and %u bind the same MAC in VLAN %u", u->id,
					v->id, v->vlan);
			for (unsigned a = 0; u->vlan == v->vlan && a < v->n_extra_macs; a++) {
				FUZZ_CHECK(u->kind != SW_BIND_MAC ||
						memcmp(u->mac, v->extra_macs[a], 6),
					"vEth %u's extra MAC is vEth %u's MAC", v->id, u->id);
				for (unsigned b = 0; b < u->n_extra_macs; b++)
					FUZZ_CHECK(
						memcmp(u->extra_macs[b], v->extra_macs[a], 6),
						"vEths %u and %u share an extra MAC", u->id,
						v->id);
			}
			for (unsigned b = 0; u->vlan == v->vlan && b < u->n_extra_macs; b++)
				FUZZ_CHECK(v->kind != SW_BIND_MAC ||
						memcmp(v->mac, u->extra_macs[b], 6),
					"vEth %u's extra MAC is vEth %u's MAC", u->id, v->id);
		}
	}
	FUZZ_CHECK(total <= conf->max_veths, "%u vEths, max %u", total, conf->max_veths);
	for (unsigned p = 0; p < x->n_ports; p++) {
		const struct sw_port *port = sw_port(x->sw, p);

		FUZZ_CHECK(port->n_veths == per_port[p], "port %s counts %u vEths, has %u",
			port->name, port->n_veths, per_port[p]);
		FUZZ_CHECK(port->n_veths <= port->max_veths, "port %s: %u vEths, max %u",
			port->name, port->n_veths, port->max_veths);
	}
}

/* Render the whole state and every control plane view in one of the three
 * formats (the writer is the costly part of a run: one format per input,
 * chosen by the input, covers all three across the corpus). */
static void
render_all(struct fz *x, enum sw_format fmt)
{
	struct sw_cplane *cp = sw_get_cplane(x->sw);
	struct sw_writer w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	FUZZ_CHECK(f, "open_memstream");
	sw_writer_init(&w, fmt, f);
	sw_w_obj_start(&w, "all", NULL);
	sw_state_dump(&w, x->sw, x->now);
	sw_cplane_show_lldp_neighbors(&w, cp, x->now);
	sw_cplane_show_lldp_stats(&w, cp);
	sw_cplane_show_evb(&w, cp);
	sw_cplane_show_ecp(&w, cp);
	sw_cplane_show_vdp(&w, cp);
	sw_cplane_show_schannels(&w, cp);
	sw_w_list_start(&w, "veths", NULL);
	for (size_t s = 0; s < sw_veth_slots(x->sw); s++) {
		const struct sw_veth *v = sw_veth_slot(x->sw, s);

		if (!v)
			continue;
		sw_w_obj_start(&w, NULL, NULL);
		sw_state_veth(&w, x->sw, v);
		sw_cplane_show_veth(&w, cp, v);
		sw_w_obj_end(&w);
	}
	sw_w_list_end(&w);
	sw_w_obj_end(&w);
	sw_writer_finish(&w);
	fclose(f);
	FUZZ_CHECK(buf && len > 0, "nothing rendered");
	free(buf);
}

static void
one_frame(struct fz *x, unsigned port, bool trace, const uint8_t *f, size_t len, unsigned *seen)
{
	struct sw_port *p = sw_port(x->sw, port);
	uint64_t rx = p->ctr.rx_frames, drops = drops_but_tx_full(p);

	if (trace) {
		char *before = fz_snapshot(x), *after;
		unsigned sent = fz_tx_frames(x);
		struct sw_trace tr;

		sw_trace_init(&tr);
		sw_input(x->sw, port, f, len, x->now, &tr);
		FUZZ_CHECK(tr.n_steps <= SW_TRACE_MAX_STEPS &&
				tr.n_outputs <= SW_TRACE_MAX_OUTPUTS,
			"trace overflowed");
		after = fz_snapshot(x);
		FUZZ_CHECK(!strcmp(before, after), "a traced frame changed the switch");
		FUZZ_CHECK(fz_tx_frames(x) == sent, "a traced frame was sent");
		free(before);
		free(after);
		return;
	}
	/* Through the burst path (a burst of one: its prefetch passes read
	 * the fuzzed bytes too, then the same pipeline). */
	{
		struct sw_rx r = { f, (uint32_t)len, (uint16_t)port, x->now, x->now };

		sw_input_burst(x->sw, &r, 1);
	}
	fz_after_input(x);
	FUZZ_CHECK(p->ctr.rx_frames == rx + 1, "rx_frames %llu -> %llu", (unsigned long long)rx,
		(unsigned long long)p->ctr.rx_frames);
	FUZZ_CHECK(drops_but_tx_full(p) <= drops + 1, "one frame, %llu drops",
		(unsigned long long)(drops_but_tx_full(p) - drops));
	check_sent(x, seen);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned seen[FZ_MAX_PORTS] = { 0 };
	struct fz x;
	size_t i = 0;

	fz_open(&x, CONF, mem, true);
	check_sent(&x, seen);
	while (size - i >= HDR_LEN) {
		unsigned port = (data[i] & 0x7F) % x.n_ports;
		bool trace = data[i] & 0x80;
		uint64_t delta = vn_get_be16(data + i + 1) * 1000ull;
		size_t len = vn_get_be16(data + i + 3);

		i += HDR_LEN;
		if (len > size - i)
			len = size - i;
		fz_advance(&x, x.now + delta);
		check_sent(&x, seen);
		one_frame(&x, port, trace, data + i, len, seen);
		i += len;
		check_veths(&x);
		if (fz_tx_frames(&x) > 192) {
			fz_clear_tx(&x);
			memset(seen, 0, sizeof(seen));
		}
	}
	fz_advance(&x, x.now + 40 * 1000000ull);
	check_sent(&x, seen);
	check_veths(&x);
	render_all(&x, size ? (enum sw_format)(data[size - 1] % 3) : SW_FMT_JSON);
	if (getenv("FUZZ_VERBOSE")) { /* replay-pipeline -v: the state at the end */
		char *snap = fz_snapshot(&x);

		fprintf(stderr, "%s\n", snap);
		free(snap);
	}
	fz_close(&x);
	return 0;
}

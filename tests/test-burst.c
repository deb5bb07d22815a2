/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-burst.c - sw_input_burst() (burst.c) decides exactly what sw_input()
 * decides frame by frame: two identical switches get the same frames, one
 * frame by frame, the other in bursts of every size, and must send the same
 * bytes on every port and end with the same counters and FDB.  The frames
 * are well-formed and broken ones of every port kind (VN-Tag, E-Tag, VEPA,
 * uplink), drawn from a fixed pseudo-random sequence, so that the prefetch
 * passes meet keys they get right, keys they get wrong and frames too
 * short to have any.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/port_be.h"
#include "switchd/sw.h"
#include "switchd/sw_internal.h"
#include "switchd/swconf.h"
#include "tests/testutil.h"

#define SEC     1000000ull
#define T0      (1000 * SEC)
#define N_PORTS 4

static const char conf_text[] =
	"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; max_veths = 64;\n"
	"  lldp = { admin = \"disabled\"; }; };\n"
	"ports = (\n"
	"  { name = \"up0\"; role = \"uplink\"; vlans = [10, 20]; },\n"
	"  { name = \"hv\"; role = \"host\"; mode = \"vntag\"; auto_create = true; max_veths = 8; },\n"
	"  { name = \"he\"; role = \"host\"; mode = \"etag\"; },\n"
	"  { name = \"hp\"; role = \"host\"; mode = \"vepa\"; reflective_relay = true; }\n"
	");\n"
	"profiles = ( { name = \"web\"; vlan = 10;\n"
	"  acl_in = ( { priority = 10; match = \"tcp,tp_dst=22\"; action = \"deny\"; } ); } );\n"
	"veths = (\n"
	"  { id = 1; port = \"hv\"; vif = 1; profile = \"web\"; },\n"
	"  { id = 2; port = \"hv\"; vif = 2; vlan = 10; },\n"
	"  { id = 3; port = \"hv\"; vif = 3; vlan = 20; },\n"
	"  { id = 4; port = \"he\"; ecid = 100; vlan = 10; },\n"
	"  { id = 5; port = \"he\"; ecid = 101; vlan = 20; },\n"
	"  { id = 6; port = \"hp\"; mac = \"52:54:00:00:00:06\"; vlan = 10; },\n"
	"  { id = 7; port = \"hp\"; mac = \"52:54:00:00:00:07\"; vlan = 10; }\n"
	");\n";

struct rig {
	struct sw *sw;
	struct sw_mem_port *mem; /* N_PORTS */
};

static void
rig_make(struct rig *r)
{
	struct sw_conf conf;
	char err[256];

	CU_ASSERT_FATAL(sw_conf_load_string(conf_text, "t.conf", &conf, err, sizeof(err)) == 0);
	r->sw = sw_create(&conf, err, sizeof(err));
	sw_conf_free(&conf);
	CU_ASSERT_FATAL(r->sw != NULL);
	r->mem = calloc(N_PORTS, sizeof(*r->mem));
	CU_ASSERT_FATAL(r->mem != NULL);
	for (unsigned i = 0; i < N_PORTS; i++)
		sw_mem_attach(r->sw, i, &r->mem[i]);
}

static void
rig_free(struct rig *r)
{
	sw_destroy(r->sw);
	free(r->mem);
}

static uint32_t rng = 12345;

static uint32_t
rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

/* A frame for 'port': mostly what the port expects, sometimes not. */
static size_t
make(uint8_t *b, unsigned port)
{
	static const uint8_t macs[][6] = { { 0x52, 0x54, 0, 0, 0, 1 },
		{ 0x52, 0x54, 0, 0, 0, 2 }, { 0x52, 0x54, 0, 0, 0, 6 },
		{ 0x52, 0x54, 0, 0, 0, 7 }, { 0, 0, 0x5e, 0, 0x53, 1 },
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, { 0x01, 0x80, 0xc2, 0, 0, 0 } };
	size_t n = 12, nm = sizeof(macs) / sizeof(macs[0]);
	uint32_t r = rnd();

	memcpy(b, macs[r % nm], 6);
	memcpy(b + 6, macs[(r >> 3) % (nm - 2)], 6);
	switch ((r >> 6) % 8 == 0 ? (r >> 9) % 4 : port) {
	case 1: /* VN-Tag */
		b[n++] = 0x89, b[n++] = 0x26, b[n++] = 0, b[n++] = 0, b[n++] = 0;
		b[n++] = (uint8_t)(rnd() % 5);
		break;
	case 2: /* E-Tag, E-CID 100 or 101 (or 99) */
		b[n++] = 0x89, b[n++] = 0x3f, b[n++] = 0, b[n++] = 0, b[n++] = 0;
		b[n++] = (uint8_t)(99 + rnd() % 3), b[n++] = 0, b[n++] = 0;
		break;
	default:
		break;
	}
	if (rnd() % 3 == 0)
		b[n++] = 0x81, b[n++] = 0, b[n++] = 0, b[n++] = (uint8_t)(rnd() % 2 ? 10 : 20);
	b[n++] = 0x08, b[n++] = 0;
	memset(b + n, 0, 80 - n);
	b[n] = 0x45; /* IPv4, 20-byte header, 40 bytes in all */
	b[n + 3] = 40;
	b[n + 9] = 6;     /* TCP: the profile's ACL denies port 22 */
	b[n + 32] = 0x50; /* a 20-byte TCP header */
	b[n + 23] = rnd() % 4 ? 80 : 22;
	n = 60 + rnd() % 8;
	if (rnd() % 16 == 0)
		n = rnd() % 20; /* too short for anything */
	return n;
}

static void
test_same_decisions(void)
{
	enum { N = 3000 };
	static uint8_t frames[N][80];
	static size_t len[N];
	static unsigned port[N];
	struct sw_rx rx[64];
	struct rig a, b;
	struct sw_counters ta, tb;
	unsigned i = 0, burst = 1, sent = 0;

	for (unsigned k = 0; k < N; k++) {
		port[k] = rnd() % N_PORTS;
		len[k] = make(frames[k], port[k]);
	}
	rig_make(&a);
	rig_make(&b);
	/* Chunks of 100 frames (the memory ports keep 256 each): rig a frame
	 * by frame, rig b in bursts of 1, 2, ... 64; then the frames each
	 * port sent are compared and the ports emptied. */
	while (i < N) {
		unsigned end = i + 100 < N ? i + 100 : N;

		for (unsigned k = i; k < end; k++)
			sw_input(a.sw, port[k], frames[k], len[k], T0 + k * 1000, NULL);
		while (i < end) {
			unsigned m = burst < end - i ? burst : end - i;

			for (unsigned j = 0; j < m; j++)
				rx[j] = (struct sw_rx) { frames[i + j], (uint32_t)len[i + j],
					(uint16_t)port[i + j], T0 + (i + j) * 1000,
					T0 + (i + j) * 1000 };
			sw_input_burst(b.sw, rx, m);
			i += m;
			burst = burst % 64 + 1;
		}
		for (unsigned p = 0; p < N_PORTS; p++) {
			CU_ASSERT(a.mem[p].n == b.mem[p].n);
			CU_ASSERT(!a.mem[p].overflow && !b.mem[p].overflow);
			for (unsigned f = 0; f < a.mem[p].n && f < b.mem[p].n; f++) {
				CU_ASSERT(a.mem[p].len[f] == b.mem[p].len[f]);
				CU_ASSERT(memcmp(a.mem[p].data[f], b.mem[p].data[f],
						  a.mem[p].len[f]) == 0);
			}
			sent += a.mem[p].n;
			a.mem[p].n = b.mem[p].n = 0;
		}
	}
	sw_totals(a.sw, &ta);
	sw_totals(b.sw, &tb);
	CU_ASSERT(memcmp(&ta, &tb, sizeof(ta)) == 0);
	CU_ASSERT(ta.rx_frames == N);
	for (unsigned p = 0; p < N_PORTS; p++)
		CU_ASSERT(memcmp(&a.sw->ports[p].ctr, &b.sw->ports[p].ctr, sizeof(ta)) == 0);
	for (size_t s = 0; s < a.sw->slots_hwm; s++)
		CU_ASSERT(memcmp(&a.sw->veths[s].ctr, &b.sw->veths[s].ctr, sizeof(ta)) == 0);
	CU_ASSERT(a.sw->fdb.t.n == b.sw->fdb.t.n && a.sw->fdb.learned == b.sw->fdb.learned &&
		a.sw->fdb.moved == b.sw->fdb.moved);
	CU_ASSERT(a.sw->n_veths == b.sw->n_veths); /* auto-created alike */
	/* The run meant something: frames forwarded, dropped, auto-created. */
	CU_ASSERT(ta.tx_frames > 100 && sent == ta.tx_frames);
	CU_ASSERT(ta.drops[SW_DROP_MALFORMED] > 0 && ta.drops[SW_DROP_UNKNOWN_VETH] > 0);
	CU_ASSERT(ta.drops[SW_DROP_ACL_IN] > 0);
	CU_ASSERT(a.sw->n_veths > 7);
	rig_free(&a);
	rig_free(&b);
}

/* The learning cache (pipeline.c, learn()): a station that moves between
 * vEths and back within the cache's second is where its last frame came
 * from; an FDB entry whose vEth keeps sending is refreshed at least once a
 * second and never ages out. */
static void
test_learning_cache(void)
{
	static const uint8_t st[6] = { 0x52, 0x54, 0, 0, 0, 0x99 };
	uint8_t b[80];
	struct rig r;
	const struct sw_htab_ent *e;
	size_t n;

	rig_make(&r);
	/* vEth 2 (vif 2) and vEth 4 (E-CID 100) are both in VLAN 10. */
	memset(b, 0xff, 6);
	memcpy(b + 6, st, 6);
	b[12] = 0x89, b[13] = 0x26, b[14] = b[15] = b[16] = 0, b[17] = 2;
	b[18] = 0x08, b[19] = 0;
	memset(b + 20, 0, 40);
	n = 60;
	sw_input(r.sw, 1, b, n, T0, NULL);
	e = sw_htab_find(&r.sw->fdb.t, SW_FDB_K1(10, st), 0);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT(e->val == sw_veth_by_id(r.sw, 2) - r.sw->veths);
	/* Moves to E-CID 100 ... */
	{
		uint8_t c[80];

		memcpy(c, b, 12);
		c[12] = 0x89, c[13] = 0x3f, c[14] = 0, c[15] = 0, c[16] = 0, c[17] = 100;
		c[18] = c[19] = 0, c[20] = 0x08, c[21] = 0;
		memset(c + 22, 0, 40);
		sw_input(r.sw, 2, c, 62, T0 + 1000, NULL);
	}
	e = sw_htab_find(&r.sw->fdb.t, SW_FDB_K1(10, st), 0);
	CU_ASSERT(e && e->val == sw_veth_by_id(r.sw, 4) - r.sw->veths);
	/* ... and back to vif 2 within the second: the FDB follows. */
	sw_input(r.sw, 1, b, n, T0 + 2000, NULL);
	e = sw_htab_find(&r.sw->fdb.t, SW_FDB_K1(10, st), 0);
	CU_ASSERT(e && e->val == sw_veth_by_id(r.sw, 2) - r.sw->veths);
	CU_ASSERT(r.sw->fdb.moved == 2);
	/* Sending every 0.3 s for a minute (fdb_aging is 300 s here, so
	 * check the refresh itself): the entry's time is never more than a
	 * second behind. */
	for (uint64_t t = T0 + 300000; t < T0 + 60 * SEC; t += 300000) {
		sw_input(r.sw, 1, b, n, t, NULL);
		e = sw_htab_find(&r.sw->fdb.t, SW_FDB_K1(10, st), 0);
		CU_ASSERT_FATAL(e != NULL);
		CU_ASSERT(t - e->aux < SEC);
	}
	rig_free(&r);
}

/* A copy the egress port cannot take is tx_full on the port and on the
 * destination vEth, on a VEPA port too (the copy there is written without
 * a vEth: the vEth that took it is counted). */
static void
test_vepa_tx_full(void)
{
	static const uint8_t m6[6] = { 0x52, 0x54, 0, 0, 0, 6 },
			     m7[6] = { 0x52, 0x54, 0, 0, 0, 7 };
	uint8_t b[64];
	struct rig r;
	const struct sw_veth *v7;

	rig_make(&r);
	/* M7 then M6 on hp (VLAN 10): M7 learned; M6 -> M7 reflected. */
	memset(b, 0, sizeof(b));
	memset(b, 0xff, 6);
	memcpy(b + 6, m7, 6);
	b[12] = 0x81, b[13] = 0, b[14] = 0, b[15] = 10, b[16] = 0x08, b[17] = 0;
	sw_input(r.sw, 3, b, 60, T0, NULL);
	memcpy(b, m7, 6);
	memcpy(b + 6, m6, 6);
	r.mem[3].refuse = 1;
	sw_input(r.sw, 3, b, 60, T0 + 1000, NULL);
	v7 = sw_veth_by_id(r.sw, 7);
	CU_ASSERT_EQUAL(r.sw->ports[3].ctr.drops[SW_DROP_TX_FULL], 1);
	CU_ASSERT_EQUAL(v7->ctr.drops[SW_DROP_TX_FULL], 1);
	CU_ASSERT_EQUAL(v7->ctr.tx_frames, 0);
	/* The next one goes through and is credited. */
	sw_input(r.sw, 3, b, 60, T0 + 2000, NULL);
	CU_ASSERT_EQUAL(v7->ctr.tx_frames, 1);
	CU_ASSERT_EQUAL(v7->ctr.drops[SW_DROP_TX_FULL], 1);
	rig_free(&r);
}

static void
add_suites(void)
{
	static const struct tu_test tests[] = {
		{ "bursts of 1..64 decide as frame by frame", test_same_decisions },
		{ "learning cache: moves and back within a second, refresh",
			test_learning_cache },
		{ "VEPA: a refused copy is tx_full on the port and the vEth",
			test_vepa_tx_full },
		{ NULL, NULL },
	};

	tu_add_suite("burst", tests);
}

int
main(void)
{
	return tu_run("test-burst", add_suites);
}

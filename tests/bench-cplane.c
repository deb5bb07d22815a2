/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-cplane - figure 4 of make bench (issue 8): the control plane and the
 * switch's size, each figure printed with its target (never part of make
 * check).
 *
 *   bench-cplane [SECONDS [FIGURES]]
 *
 * SECONDS (default 1) bounds the rounds of 1; FIGURES is any of "v" (1),
 * "m" (2), "s" (3); default all.
 *
 * 1. VDP associations per second: stations on 16 VEPA host ports each
 *    associate 256 VSIs (one MAC each, VLAN chosen by the bridge) through
 *    the code the daemon runs in replay: sw_input() of crafted ECP/VDP
 *    frames into the pipeline, the control plane (switchd/cplane.c,
 *    cp_vdp.c), the ECP machine (vepa/ecp_sm.c) and the VDP bridge
 *    (vepa/vdp_bridge.c), with a virtual clock running sw_run_timers() at
 *    every deadline as replay does.  For each VSI the station sends its
 *    ASSOCIATE (an ECP request), the bridge ACKs it, admits the VSI,
 *    creates a vEth and sends its response (an ECP request of its own),
 *    which the station ACKs.  Counted: associations from the first request
 *    to the last ACK, CPU time; the vEths created are checked.
 * 2. Memory per vEth without ACL state: bytes allocated by sw_create()
 *    (glibc mallinfo2: in use, mmap()ed blocks included) for a switch of
 *    N vEths (max_veths = N, VN-Tag vEths, a profile without policy), at
 *    two sizes; per vEth is the difference over the difference in vEths,
 *    so that what does not grow with vEths (the FDB, sized by fdb_max; the
 *    ports) does not count.
 * 3. Start-up with 10,000 configured vEths: the daemon's start, from the
 *    configuration file to a switch ready to forward -- sw_conf_load()
 *    (libconfig parse and checks), sw_create() (tables, vEths, the profile's
 *    16-rule ACL and policer compiled, each vEth's policy state) and
 *    sw_cplane_create() -- wall-clock time, best of 3.
 */
#include <config.h>

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "switchd/cplane.h"
#include "switchd/sw.h"
#include "switchd/swconf.h"
#include "vepa/ecp.h"
#include "vepa/vdp.h"
#include "vntag/eth.h"

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "bench-cplane: %s: %s\n", what, why);
	exit(1);
}

/* A growing text buffer for generated configurations. */
struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len)
			break;
		t->cap = t->cap ? 2 * t->cap + (size_t)n : 65536;
		if (!(t->s = realloc(t->s, t->cap)))
			die("text", "out of memory");
	}
	t->len += (size_t)n;
}

/* ---- 1. VDP associations ------------------------------------------------------ */

#define VDP_PORTS 16
#define VSI_PER   256 /* the untagged channel's VSI table (cp_internal.h) */
#define N_ASSOC   (VDP_PORTS * VSI_PER)

static const uint8_t NCB[6] = { 0x01, 0x80, 0xC2, 0x00, 0x00, 0x00 };

/* The station side of a port: what the bridge's last ECP request (a VDP
 * response) carried, read as the port transmits it. */
struct station_port {
	uint8_t buf[2048];
	bool have_req;
	uint16_t req_seq;
	uint64_t frames;
};

static uint8_t *
st_tx_buf(struct sw_port *p, size_t len)
{
	struct station_port *s = p->be;

	return len <= sizeof(s->buf) ? s->buf : NULL;
}

static void
st_tx_commit(struct sw_port *p, size_t len, uint64_t now)
{
	struct station_port *s = p->be;

	(void)now;
	s->frames++;
	/* Untagged ECP: DA SA 0x8940, version | op | subtype, sequence. */
	if (len >= 18 && vn_get_be16(s->buf + 12) == VN_ETH_ECP &&
		((vn_get_be16(s->buf + 14) & ECP_OP_MASK) >> 10) == ECP_OP_REQUEST) {
		s->have_req = true;
		s->req_seq = vn_get_be16(s->buf + 16);
	}
}

static const struct sw_port_ops station_ops = {
	.name = "station",
	.tx_buf = st_tx_buf,
	.tx_commit = st_tx_commit,
};

/* The ASSOCIATE of VSI k of port p, ECP sequence number seq, from the
 * station's MAC, with one MAC/VID filter (VID 0: the bridge chooses). */
static size_t
mk_assoc(uint8_t *out, size_t cap, unsigned p, unsigned k, uint16_t seq)
{
	static struct vdp_pdu pdu; /* large */
	struct vdp_vsi v = { 0 };
	struct vdp_filter f = { 0 };
	struct ecp_pdu e = { .version = ECP_VERSION,
		.op = ECP_OP_REQUEST,
		.subtype = ECP_SUBTYPE_VDP,
		.seq = seq };
	uint8_t ul[1500];
	size_t ulen = 0, n;
	struct vn_err verr = { 0 };

	vdp_pdu_init(&pdu);
	pdu.has_mgrid = true;
	memcpy(pdu.mgrid, "vnswitch-bench", 14);
	v.mode = VDP_TLV_ASSOC;
	v.type_id = 42;
	v.type_version = 3;
	v.vsiid_format = VDP_VSIID_UUID;
	memcpy(v.vsiid, "\xa1\xb2\xc3\xd4\x00\x00\x11\x11\x22\x22\x33\x33\x44\x44\x00\x00", 16);
	v.vsiid[13] = (uint8_t)p;
	v.vsiid[14] = (uint8_t)(k >> 8);
	v.vsiid[15] = (uint8_t)k;
	v.fif = VDP_FIF_MAC_VID;
	f.mac[0] = 0x52, f.mac[1] = 0x54, f.mac[3] = (uint8_t)p;
	f.mac[4] = (uint8_t)(k >> 8), f.mac[5] = (uint8_t)k;
	if (vdp_pdu_add_vsi(&pdu, &v, &f, 1) < 0 ||
		vdp_encode(&pdu, ul, sizeof(ul), &ulen, &verr))
		die("VDP request", verr.reason ? verr.reason : "too many VSIs");
	e.ulpdu = ul;
	e.ulpdu_len = ulen;
	memcpy(out, NCB, 6);
	out[6] = 0x02, out[7] = 0x5a, out[8] = 0, out[9] = 0, out[10] = (uint8_t)p, out[11] = 1;
	vn_put_be16(out + 12, VN_ETH_ECP);
	if (ecp_encode(&e, out + 14, cap - 14, &n, NULL))
		die("ECP", "cannot encode the request");
	n += 14;
	if (n < 60) {
		memset(out + n, 0, 60 - n);
		n = 60;
	}
	return n;
}

/* The station's 18-byte ECP ACK of the bridge's request seq (as lldpad
 * sends it: not padded). */
static size_t
mk_ack(uint8_t *out, unsigned p, uint16_t seq)
{
	memcpy(out, NCB, 6);
	out[6] = 0x02, out[7] = 0x5a, out[8] = 0, out[9] = 0, out[10] = (uint8_t)p, out[11] = 1;
	vn_put_be16(out + 12, VN_ETH_ECP);
	vn_put_be16(
		out + 14, (uint16_t)(ECP_VERSION << 12 | ECP_OP_ACK << 10 | ECP_SUBTYPE_VDP));
	vn_put_be16(out + 16, seq);
	return 18;
}

struct vclock {
	struct sw *sw;
	uint64_t now, next;
};

/* Replay's loop around one frame: timers due first, the frame, the next
 * deadline (a control frame may start an ECP timer). */
static void
feed(struct vclock *vc, unsigned port, const uint8_t *f, size_t len)
{
	uint64_t dl;

	while (vc->next <= vc->now)
		vc->next = sw_run_timers(vc->sw, vc->next);
	sw_input(vc->sw, port, f, len, vc->now, NULL);
	dl = sw_next_deadline(vc->sw);
	if (dl < vc->next)
		vc->next = dl < vc->now ? vc->now : dl;
}

static struct sw *
vdp_switch(void)
{
	struct text t = { 0 };
	struct sw_cplane_config cc = { .seed = SW_CPLANE_REPLAY_SEED };
	struct sw_conf c;
	char err[512];
	struct sw *sw;

	add(&t,
		"switch = { name = \"bench\"; mac = \"02:00:00:00:00:01\"; max_vsis = %u;\n"
		"  lldp = { admin = \"rxtx\"; }; };\n"
		"ports = (\n  { name = \"up0\"; role = \"uplink\"; vlans = [100]; }",
		N_ASSOC);
	for (unsigned p = 0; p < VDP_PORTS; p++)
		add(&t,
			",\n  { name = \"h%u\"; role = \"host\"; mode = \"vepa\"; "
			"reflective_relay = true; max_veths = %u; }",
			p, VSI_PER);
	add(&t,
		"\n);\nprofiles = ( { name = \"web\"; type_id = 42; type_version = 3; "
		"vlan = 100; } );\n");
	if (sw_conf_load_string(t.s, "bench-vdp.conf", &c, err, sizeof(err)))
		die("configuration", err);
	free(t.s);
	sw = sw_create(&c, err, sizeof(err));
	sw_conf_free(&c);
	if (!sw || !sw_cplane_create(sw, &cc, err, sizeof(err)))
		die("switch", err);
	return sw;
}

static unsigned
count_vdp_veths(const struct sw *sw)
{
	unsigned n = 0;

	for (size_t s = 0; s < sw_veth_slots(sw); s++) {
		const struct sw_veth *v = sw_veth_slot(sw, s);

		n += v && v->origin == SW_ORIGIN_VDP;
	}
	return n;
}

/* One round: a fresh switch, N_ASSOC associations; associations/s of CPU. */
static double
vdp_round(uint8_t (*req)[256], const size_t *req_len, unsigned *made)
{
	struct station_port *sp = calloc(VDP_PORTS + 1, sizeof(*sp));
	struct vclock vc;
	uint8_t ack[64];
	double t0, t;
	unsigned missing = 0;

	if (!sp)
		die("ports", "out of memory");
	vc.sw = vdp_switch();
	for (unsigned p = 0; p <= VDP_PORTS; p++)
		sw_port_attach(vc.sw, p, &station_ops, &sp[p]);
	vc.now = 1000000000ull;
	vc.next = sw_run_timers(vc.sw, vc.now);
	t0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	for (unsigned k = 0; k < VSI_PER; k++)
		for (unsigned p = 0; p < VDP_PORTS; p++) {
			unsigned i = p * VSI_PER + k;
			struct station_port *s = &sp[p + 1];

			s->have_req = false;
			feed(&vc, p + 1, req[i], req_len[i]);
			if (!s->have_req) {
				missing++;
				continue;
			}
			feed(&vc, p + 1, ack, mk_ack(ack, p + 1, s->req_seq));
			vc.now += 2; /* 2 us of capture time per association */
		}
	t = clock_s(CLOCK_THREAD_CPUTIME_ID) - t0;
	*made = count_vdp_veths(vc.sw);
	if (missing)
		fprintf(stderr, "bench-cplane: %u requests without a response\n", missing);
	sw_destroy(vc.sw);
	free(sp);
	return N_ASSOC / t;
}

static void
figure_vdp(double seconds)
{
	uint8_t(*req)[256] = calloc(N_ASSOC, sizeof(*req));
	size_t *req_len = calloc(N_ASSOC, sizeof(*req_len));
	double best = 0, t0 = clock_s(CLOCK_MONOTONIC);
	unsigned rounds = 0, made = 0;

	if (!req || !req_len)
		die("frames", "out of memory");
	for (unsigned p = 0; p < VDP_PORTS; p++)
		for (unsigned k = 0; k < VSI_PER; k++)
			req_len[p * VSI_PER + k] = mk_assoc(req[p * VSI_PER + k],
				sizeof(req[0]), p + 1, k, (uint16_t)(k + 1));
	do {
		double r = vdp_round(req, req_len, &made);

		if (r > best)
			best = r;
		rounds++;
		if (made != N_ASSOC)
			fprintf(stderr, "bench-cplane: %u VDP vEths, expected %u\n", made,
				N_ASSOC);
	} while (rounds < 3 || (clock_s(CLOCK_MONOTONIC) - t0 < seconds && rounds < 50));
	printf("bench 4 control plane: VDP associations through ECP + VDP bridge + the switch "
	       "glue\n"
	       "        (%u VSIs on %u VEPA ports per round, each ASSOCIATE, ACK, response, "
	       "ACK;\n"
	       "        a vEth each: %u made), best of %u rounds\n",
		N_ASSOC, VDP_PORTS, made, rounds);
	printf("  associations %9.0f /s per core  %6.2f us each   (target >= 50,000 /s: %s)\n",
		best, 1e6 / best, best >= 50000 ? "met" : "missed");
	free(req);
	free(req_len);
}

/* ---- 2. memory per vEth ------------------------------------------------------------ */

static size_t
allocated(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* A configuration of n VN-Tag vEths, 4095 per port (VN-Tag vifs), all of
 * profile "web"; with 'policy' the profile has the 16-rule ingress ACL and
 * the policer of bench-pipeline. */
static char *
veth_conf(unsigned n, bool policy, bool mixed)
{
	static const char *rules[16][2] = {
		{ "tcp,tp_dst=22", "deny" },
		{ "tcp,tp_dst=23", "deny" },
		{ "tcp,tp_dst=3389", "deny" },
		{ "ip,nw_dst=192.168.0.0/16", "deny" },
		{ "ip,nw_dst=172.16.0.0/16", "deny" },
		{ "ip,nw_dst=203.0.113.7", "deny" },
		{ "ip,nw_dst=198.51.100.9", "deny" },
		{ "ip,nw_src=192.0.2.0/24", "deny" },
		{ "ip,nw_src=198.18.0.0/24", "deny" },
		{ "tcp,nw_src=100.64.0.0/10,tp_dst=25", "deny" },
		{ "udp,tp_src=5004", "set_dscp=34" },
		{ "udp,tp_src=5060", "set_dscp=46" },
		{ "icmp", "set_pcp=1" },
		{ "ip,ip_dscp=46", "set_pcp=5" },
		{ "arp", "allow" },
		{ "dl_src=02:00:00:00:00:00/ff:ff:ff:00:00:00", "deny" },
	};
	/* mixed: VN-Tag, VEPA and E-Tag ports in turn, as a rack has. */
	unsigned ports = mixed ? 4 : (n + 4094) / 4095;
	struct text t = { 0 };

	if (ports < 1)
		ports = 1;
	add(&t,
		"switch = { name = \"bench\"; mac = \"02:00:00:00:00:01\"; max_veths = %u; };\n"
		"ports = (\n  { name = \"up0\"; role = \"uplink\"; vlans = [100]; }",
		n);
	for (unsigned p = 0; p < ports; p++) {
		const char *mode = !mixed || p % 4 == 0 ? "vntag"
			: p % 4 == 1                    ? "vepa"
			: p % 4 == 2                    ? "etag"
							: "vntag";

		add(&t, ",\n  { name = \"h%u\"; role = \"host\"; mode = \"%s\"; }", p, mode);
	}
	add(&t, "\n);\nprofiles = ( { name = \"web\"; type_id = 42; type_version = 3; vlan = 100;");
	if (policy) {
		add(&t,
			"\n    police_in = { rate_kbps = 100000000; burst_bytes = 100000000; };"
			"\n    acl_in = (");
		for (unsigned i = 0; i < 16; i++)
			add(&t, "%s\n      { priority = %u; match = \"%s\"; action = \"%s\"; }",
				i ? "," : "", 300 - 10 * i, rules[i][0], rules[i][1]);
		add(&t, "\n    );");
	}
	add(&t, " } );\nveths = (");
	for (unsigned i = 0; i < n; i++) {
		unsigned p = mixed ? i % 4 : i / 4095, k = mixed ? i / 4 + 1 : i % 4095 + 1;

		add(&t, "%s\n  { id = %u; port = \"h%u\"; ", i ? "," : "", i + 1, p);
		if (mixed && p % 4 == 1)
			add(&t, "mac = \"52:54:00:%02x:%02x:%02x\";", (k >> 16) & 0xFF,
				(k >> 8) & 0xFF, k & 0xFF);
		else if (mixed && p % 4 == 2)
			add(&t, "ecid = %u;", k);
		else
			add(&t, "vif = %u;", k);
		add(&t, " profile = \"web\"; }");
	}
	add(&t, "\n);\n");
	return t.s;
}

/* The configuration is loaded without its vEths, which are then added to
 * it as the loader would have them (its duplicate checks are quadratic in
 * vEths, and that time is figure 3's business). */
static size_t
switch_bytes(unsigned n)
{
	char err[512];
	unsigned ports = (n + 4094) / 4095;
	struct text t = { 0 };
	struct sw_conf c;
	struct sw *sw;
	size_t before, after;

	add(&t,
		"switch = { name = \"bench\"; mac = \"02:00:00:00:00:01\"; max_veths = %u; };\n"
		"ports = (\n  { name = \"up0\"; role = \"uplink\"; vlans = [100]; }",
		n);
	for (unsigned p = 0; p < ports; p++)
		add(&t, ",\n  { name = \"h%u\"; role = \"host\"; mode = \"vntag\"; }", p);
	add(&t,
		"\n);\nprofiles = ( { name = \"web\"; type_id = 42; type_version = 3; "
		"vlan = 100; } );\n");
	if (sw_conf_load_string(t.s, "bench-mem.conf", &c, err, sizeof(err)))
		die("configuration", err);
	free(t.s);
	c.n_veths = n;
	if (!(c.veths = calloc(n, sizeof(*c.veths))))
		die("configuration", "out of memory");
	for (unsigned i = 0; i < n; i++) {
		struct sw_conf_veth *v = &c.veths[i];

		v->id = i + 1;
		snprintf(v->port, sizeof(v->port), "h%u", i / 4095);
		v->kind = SW_BIND_VIF;
		v->key = i % 4095 + 1;
		snprintf(v->profile, sizeof(v->profile), "web");
		v->has_vlan = true;
		v->vlan = 100;
		v->vlan_from_profile = true;
	}
	before = allocated();
	sw = sw_create(&c, err, sizeof(err));
	after = allocated();
	if (!sw)
		die("sw_create", err);
	sw_destroy(sw);
	sw_conf_free(&c);
	return after - before;
}

static void
figure_memory(void)
{
	static const unsigned n[] = { 1024, 16384, 65536 };
	size_t b[3];

	for (int i = 0; i < 3; i++)
		b[i] = switch_bytes(n[i]);
	printf("bench 4 memory per vEth without ACL state (bytes sw_create allocates, "
	       "mallinfo2;\n"
	       "        VN-Tag vEths, max_veths = N, default fdb_max)\n");
	for (int i = 0; i < 3; i++)
		printf("  %6u vEths %11zu bytes   %8.0f bytes per vEth\n", n[i], b[i],
			(double)b[i] / n[i]);
	for (int i = 1; i < 3; i++) {
		double per = (double)(b[i] - b[i - 1]) / (n[i] - n[i - 1]);

		printf("  per vEth %6u -> %-6u %7.0f bytes (%.2f KiB; target <= 2 KiB: %s)\n",
			n[i - 1], n[i], per, per / 1024, per <= 2048 ? "met" : "missed");
	}
}

/* ---- 3. start-up ----------------------------------------------------------------------- */

static void
figure_startup(void)
{
	const unsigned n = 10000;
	char *text = veth_conf(n, true, true), path[512], err[512];
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	double best = 1e9, parse = 0, create = 0, cplane = 0;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/bench-cplane.XXXXXX", tmp);
	if ((fd = mkstemp(path)) < 0 || !(f = fdopen(fd, "w")))
		die(path, strerror(errno));
	fputs(text, f);
	fclose(f);
	for (int r = 0; r < 3; r++) {
		struct sw_cplane_config cc = { .seed = SW_CPLANE_REPLAY_SEED };
		double t0 = clock_s(CLOCK_MONOTONIC), t1, t2, t3;
		struct sw_conf c;
		struct sw *sw;

		if (sw_conf_load(path, &c, err, sizeof(err)))
			die("configuration", err);
		t1 = clock_s(CLOCK_MONOTONIC);
		sw = sw_create(&c, err, sizeof(err));
		sw_conf_free(&c);
		if (!sw)
			die("sw_create", err);
		t2 = clock_s(CLOCK_MONOTONIC);
		if (!sw_cplane_create(sw, &cc, err, sizeof(err)))
			die("control plane", err);
		t3 = clock_s(CLOCK_MONOTONIC);
		if (sw_veth_slots(sw) < n)
			die("start-up", "vEths missing");
		if (t3 - t0 < best) {
			best = t3 - t0;
			parse = t1 - t0;
			create = t2 - t1;
			cplane = t3 - t2;
		}
		sw_destroy(sw);
	}
	unlink(path);
	printf("bench 4 start-up with %u configured vEths (VN-Tag, VEPA and E-Tag ports, one "
	       "profile\n"
	       "        with a 16-rule ACL and a policer; %zu-byte file), best of 3\n",
		n, strlen(text));
	printf("  start-up   %7.3f s   (target < 0.5 s: %s): configuration %.3f s, "
	       "sw_create %.3f s, control plane %.3f s\n",
		best, best < 0.5 ? "met" : "missed", parse, create, cplane);
	free(text);
}

int
main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 1.0;
	const char *figs = argc > 2 ? argv[2] : "vms";

	if (!(seconds > 0))
		seconds = 1.0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strchr(figs, 'v'))
		figure_vdp(seconds);
	if (strchr(figs, 'm'))
		figure_memory();
	if (strchr(figs, 's'))
		figure_startup();
	return 0;
}

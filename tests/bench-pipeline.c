/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-pipeline - frames per second through the switch, each figure next
 * to a reference measured in the same run (make bench; never part of make
 * check).
 *
 *   bench-pipeline [SECONDS [FIGURES]]
 *
 * SECONDS (default 1) sets the length of each measurement; FIGURES is any
 * of "r" (1, replay path), "m" (1, in memory), "v" (2, vEths), "p" (2,
 * rules per profile); default all.  "xN,P" instead: one measurement in
 * memory (N vEths, policy P: -1 none, 0 the bench profile, else P rules),
 * for profiling; "xN,P,K": exactly K passes of 16 frames per vEth (for
 * callgrind, whose instruction counts do not depend on the machine's load).
 *
 * 1. Replay pipeline (issue 8): 64-byte VN-Tagged IPv4/TCP frames from
 *    1,024 vEths on 4 host ports (known unicast between vEths, learned
 *    first), each vEth with its profile's 16-rule ingress ACL over 9 masks
 *    and an ingress policer that does not drop.  The capture is written to
 *    one pcap file per port and replayed through the daemon's replay path
 *    (switchd/replay.c reading the files, switchd/port_pcap.c writing one
 *    output file per port), against the I/O floor: the same files through
 *    the same path with a pipeline that does nothing (each frame is copied
 *    unchanged to the next port's output).  The same run without policy is
 *    printed beside it, and then the pipeline alone, frames in memory into
 *    a null back-end, to show what the policy costs per frame.
 * 2. Scaling, frames in memory: per-frame cost at 16, 1k, 16k and 64k vEths
 *    (without and with the policy above), and at 10, 100 and 1,000 ACL
 *    rules per profile (10 masks, 1,024 vEths, with the policer).
 * Every figure is printed with its ratio to the floor or to the smallest
 * case, so machine speed cancels out; the best of a few rounds counts
 * (other processes only ever make a round slower).
 */
#include <config.h>

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "switchd/acl.h"
#include "switchd/port_be.h"
#include "switchd/replay.h"
#include "switchd/sw.h"
#include "vntag/vntag.h"

struct null_port {
	uint8_t buf[2048];
	uint64_t frames;
};

static uint8_t *
null_tx_buf(struct sw_port *p, size_t len)
{
	struct null_port *n = p->be;

	return len <= sizeof(n->buf) ? n->buf : NULL;
}

static void
null_tx_commit(struct sw_port *p, size_t len, uint64_t now)
{
	struct null_port *n = p->be;

	(void)len;
	(void)now;
	n->frames++;
}

static const struct sw_port_ops null_ops = {
	.name = "null",
	.tx_buf = null_tx_buf,
	.tx_commit = null_tx_commit,
};

/* Timings are this thread's CPU time (user and system: the replay's file
 * I/O is system time), so that other processes on a shared machine take
 * nothing from the figures but cache; wall_s() for the run's length. */
static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "bench-pipeline: %s: %s\n", what, why);
	exit(1);
}

/* 4 host ports as the issue asks; more when 4 x 4096 vifs do not suffice. */
#define MAX_PORTS 64
#define FRAME_LEN 64

static unsigned
ports_for(unsigned n)
{
	return n > 4 * 4096 ? (n + 4095) / 4096 : 4;
}

/* Frames: vEth i (port i % n_ports, vif i / n_ports) sends to vEth
 * (i + 1) % n, IPv4 10.x.y.z -> 10.x'.y'.z' TCP to port 80: DA SA VN-Tag
 * 0x0800, a 20-byte IPv4 header (checksum left 0: nothing checks it), a
 * 20-byte TCP header and 4 bytes of payload. */
static uint8_t *
make_frames(unsigned n)
{
	uint8_t *f = calloc(n, FRAME_LEN);
	unsigned n_ports = ports_for(n);

	if (!f)
		die("frames", "out of memory");
	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = f + (size_t)i * FRAME_LEN, *ip = p + 20, *tcp = ip + 20;
		unsigned d = (i + 1) % n;

		p[0] = 0x52, p[1] = 0x54, p[2] = 0, p[3] = (uint8_t)(d >> 16),
		p[4] = (uint8_t)(d >> 8), p[5] = (uint8_t)d;
		p[6] = 0x52, p[7] = 0x54, p[8] = 0, p[9] = (uint8_t)(i >> 16),
		p[10] = (uint8_t)(i >> 8), p[11] = (uint8_t)i;
		vn_put_be16(p + 12, VNTAG_TPID);
		vn_put_be32(p + 14, (i / n_ports) & 0xFFF);
		vn_put_be16(p + 18, 0x0800);
		ip[0] = 0x45;
		vn_put_be16(ip + 2, FRAME_LEN - 20);
		ip[8] = 64;
		ip[9] = 6;
		ip[12] = 10, ip[13] = (uint8_t)(i >> 16), ip[14] = (uint8_t)(i >> 8),
		ip[15] = (uint8_t)i;
		ip[16] = 10, ip[17] = (uint8_t)(d >> 16), ip[18] = (uint8_t)(d >> 8),
		ip[19] = (uint8_t)d;
		vn_put_be16(tcp, (uint16_t)(1024 + i % 4096));
		vn_put_be16(tcp + 2, 80);
		tcp[12] = 0x50;
		tcp[13] = 0x10; /* ACK */
	}
	return f;
}

/* ---- profiles ------------------------------------------------------------- */

/* The bench profile: 16 rules over 9 masks (classifier subtables), none of
 * them denying the bench's frames (TCP to port 80 between 10/8 hosts),
 * which take the default (allow) after the classifier has looked at every
 * subtable that could match; and a policer far above the offered load. */
static const struct {
	int prio;
	const char *match, *action;
} bench_rules[16] = {
	{ 300, "tcp,tp_dst=22", "deny" },
	{ 300, "tcp,tp_dst=23", "deny" },
	{ 300, "tcp,tp_dst=3389", "deny" },
	{ 250, "ip,nw_dst=192.168.0.0/16", "deny" },
	{ 250, "ip,nw_dst=172.16.0.0/16", "deny" },
	{ 240, "ip,nw_dst=203.0.113.7", "deny" },
	{ 240, "ip,nw_dst=198.51.100.9", "deny" },
	{ 230, "ip,nw_src=192.0.2.0/24", "deny" },
	{ 230, "ip,nw_src=198.18.0.0/24", "deny" },
	{ 220, "tcp,nw_src=100.64.0.0/10,tp_dst=25", "deny" },
	{ 210, "udp,tp_src=5004", "set_dscp=34" },
	{ 210, "udp,tp_src=5060", "set_dscp=46" },
	{ 200, "icmp", "set_pcp=1" },
	{ 190, "ip,ip_dscp=46", "set_pcp=5" },
	{ 180, "arp", "allow" },
	{ 170, "dl_src=02:00:00:00:00:00/ff:ff:ff:00:00:00", "deny" },
};

/* Rule k of a generated profile (rules per profile scaling): ten kinds of
 * match, each its own mask, with values that never match the bench's
 * frames (TCP from ports 1024.. to port 80 between 10.0.0.0/8 hosts, MACs
 * 52:54:00:...). */
static void
gen_rule(unsigned k, struct sw_conf_acl_rule *r)
{
	unsigned v = k / 10, a = v & 0xFF, b = (v >> 8) & 0xFF;

	r->priority = 1000 + (int)(k % 977);
	snprintf(r->action, sizeof(r->action), "deny");
	switch (k % 10) {
	case 0:
		snprintf(r->match, sizeof(r->match), "tcp,tp_dst=%u", 10000 + v);
		break;
	case 1:
		snprintf(r->match, sizeof(r->match), "udp,tp_src=%u", 10000 + v);
		break;
	case 2:
		snprintf(r->match, sizeof(r->match), "ip,nw_dst=192.%u.%u.0/24", b, a);
		break;
	case 3:
		snprintf(r->match, sizeof(r->match), "ip,nw_src=198.%u.%u.0/24", b, a);
		break;
	case 4:
		snprintf(r->match, sizeof(r->match), "ip,nw_dst=203.%u.%u.9", b, a);
		break;
	case 5:
		snprintf(r->match, sizeof(r->match), "ip,nw_src=100.%u.0.0/16", a);
		break;
	case 6:
		snprintf(r->match, sizeof(r->match), "tcp,nw_src=172.%u.%u.0/24,tp_dst=25", b,
			a);
		break;
	case 7:
		snprintf(r->match, sizeof(r->match),
			"dl_src=02:%02x:%02x:00:00:00/ff:ff:ff:00:00:00", b, a);
		break;
	case 8:
		snprintf(r->match, sizeof(r->match), "ip,nw_dst=%u.%u.0.0/16", 11 + b, a);
		break;
	default:
		snprintf(r->match, sizeof(r->match), "udp,nw_dst=198.%u.%u.0/24,tp_dst=%u", b,
			a, 20000 + v);
		break;
	}
}

/* The profile every vEth gets: 'n_rules' 0 for bench_rules[], else that
 * many generated ones; always the ingress policer. */
static void
add_policy(struct sw_conf *c, unsigned n_rules)
{
	struct sw_conf_profile *p = calloc(1, sizeof(*p));
	struct sw_conf_policy *pol = &p->policy;
	unsigned n = n_rules ? n_rules : 16;

	if (!p || !(pol->rules[SW_DIR_IN] = calloc(n, sizeof(*pol->rules[0]))))
		die("profile", "out of memory");
	snprintf(p->name, sizeof(p->name), "bench");
	pol->n_rules[SW_DIR_IN] = n;
	for (unsigned i = 0; i < n; i++) {
		struct sw_conf_acl_rule *r = &pol->rules[SW_DIR_IN][i];

		if (n_rules) {
			gen_rule(i, r);
			continue;
		}
		r->priority = bench_rules[i].prio;
		snprintf(r->match, sizeof(r->match), "%s", bench_rules[i].match);
		snprintf(r->action, sizeof(r->action), "%s", bench_rules[i].action);
	}
	pol->police[SW_DIR_IN] = true;
	pol->police_conf[SW_DIR_IN] = (struct sw_pol_conf) {
		.mode = SW_POL_BYTES, .rate = 100000000, .burst = 100000000
	};
	c->n_profiles = 1;
	c->profiles = p;
	for (size_t i = 0; i < c->n_veths; i++)
		snprintf(c->veths[i].profile, sizeof(c->veths[i].profile), "bench");
}

/* ---- the switch --------------------------------------------------------------- */

enum policy { POL_NONE = -1, POL_BENCH = 0 /* > 0: that many generated rules */ };

static struct sw *
make_switch(unsigned n, struct null_port *np, int policy)
{
	unsigned n_ports = ports_for(n);
	struct sw_conf c = { 0 };
	char err[256];
	struct sw *sw;

	snprintf(c.name, sizeof(c.name), "bench");
	c.mac[0] = 2;
	c.max_veths = n;
	c.fdb_max = 2 * n + 16;
	c.fdb_aging_s = 300;
	c.n_ports = n_ports;
	c.ports = calloc(n_ports, sizeof(*c.ports));
	c.n_veths = n;
	c.veths = calloc(n, sizeof(*c.veths));
	if (!c.ports || !c.veths)
		die("switch", "out of memory");
	for (unsigned i = 0; i < n_ports; i++) {
		snprintf(c.ports[i].name, sizeof(c.ports[i].name), "h%u", i);
		c.ports[i].role = SW_ROLE_HOST;
		c.ports[i].mode = SW_MODE_VNTAG;
		c.ports[i].admin_up = true;
		c.ports[i].max_veths = n;
	}
	for (unsigned i = 0; i < n; i++) {
		c.veths[i].id = i + 1;
		snprintf(c.veths[i].port, sizeof(c.veths[i].port), "h%u", i % n_ports);
		c.veths[i].kind = SW_BIND_VIF;
		c.veths[i].key = (i / n_ports) & 0xFFF;
		c.veths[i].has_vlan = true;
		c.veths[i].vlan = (uint16_t)(10 + (i / n_ports) / 4096);
	}
	if (policy != POL_NONE)
		add_policy(&c, (unsigned)policy);
	sw = sw_create(&c, err, sizeof(err));
	sw_conf_free(&c);
	if (!sw)
		die("sw_create", err);
	for (unsigned i = 0; i < n_ports; i++)
		sw_port_attach(sw, i, &null_ops, &np[i]);
	return sw;
}

/* Learn every station once: vEth 0 by a broadcast (one flood), then every
 * other vEth by a unicast to vEth 0 (a broadcast from each would cost n
 * copies each: n^2 in all). */
static void
learn(struct sw *sw, const uint8_t *frames, unsigned n, uint64_t now)
{
	unsigned n_ports = ports_for(n);

	for (unsigned i = 0; i < n; i++) {
		uint8_t b[FRAME_LEN];

		memcpy(b, frames + (size_t)i * FRAME_LEN, FRAME_LEN);
		if (i == 0)
			memset(b, 0xFF, 6);
		else
			memcpy(b, frames + 6, 6);
		sw_input(sw, i % n_ports, b, FRAME_LEN, now, NULL);
	}
}

static uint64_t
total_drops(const struct sw *sw, uint64_t *tx)
{
	struct sw_counters tot;
	uint64_t d = 0;

	sw_totals(sw, &tot);
	for (int i = 0; i < SW_DROP_MAX; i++)
		d += tot.drops[i];
	if (tx)
		*tx = tot.tx_frames;
	return d;
}

static double
acl_hit_rate(const struct sw *sw)
{
	const struct sw_profile *p = sw_profile_at(sw, 0);
	struct sw_acl_stats st;

	if (!p || !p->pol.acl[SW_DIR_IN])
		return 0;
	sw_acl_get_stats(p->pol.acl[SW_DIR_IN], &st);
	return st.lookups ? (double)st.cache_hits / (double)st.lookups : 0;
}

/* ---- in memory ------------------------------------------------------------------ */

/* Frames/s through the datapath from memory into the null back-end, in
 * bursts of BURST frames (sw_input_burst), as the live ring and the replay
 * hand them over. */
#define BURST 32

/* Profiling (x mode): a fixed number of passes instead of a time. */
static unsigned fixed_passes;

static double
run_memory(struct sw *sw, const uint8_t *frames, unsigned n, uint64_t *clock, double seconds)
{
	unsigned n_ports = ports_for(n);
	uint64_t done = 0, now = *clock;
	double t0 = cpu_s(), t;
	unsigned passes = 0;
	struct sw_rx rx[BURST];

	do {
		for (unsigned r = 0; r < 16; r++)
			for (unsigned i = 0; i < n; i += BURST) {
				unsigned k = n - i < BURST ? n - i : BURST;

				for (unsigned j = 0; j < k; j++)
					rx[j] = (struct sw_rx) {
						frames + (size_t)(i + j) * FRAME_LEN, FRAME_LEN,
						(uint16_t)((i + j) % n_ports), now, now
					};
				sw_input_burst(sw, rx, k);
			}
		done += 16ull * n;
		now += 1000;
		t = cpu_s() - t0;
	} while (fixed_passes ? ++passes < fixed_passes : t < seconds);
	*clock = now;
	return (double)done / t;
}

struct mem_result {
	double fps;
	uint64_t drops;
	double hit_rate;
};

/* One switch measured in rounds (interleaved with other switches' rounds,
 * so that a change in the machine's load falls on all of them). */
struct mem_bench {
	unsigned n;
	struct null_port *np; /* MAX_PORTS */
	uint8_t *frames;
	struct sw *sw;
	uint64_t clock;
	double best; /* frames/s */
};

static void
mb_open(struct mem_bench *b, unsigned n, int policy)
{
	memset(b, 0, sizeof(*b));
	b->n = n;
	if (!(b->np = calloc(MAX_PORTS, sizeof(*b->np))))
		die("ports", "out of memory");
	b->frames = make_frames(n);
	b->sw = make_switch(n, b->np, policy);
	b->clock = 1000000;
	learn(b->sw, b->frames, n, b->clock);
}

static void
mb_round(struct mem_bench *b, double seconds)
{
	double fps = run_memory(b->sw, b->frames, b->n, &b->clock, seconds);

	if (fps > b->best)
		b->best = fps;
}

static struct mem_result
mb_close(struct mem_bench *b)
{
	struct mem_result r = { b->best, total_drops(b->sw, NULL), acl_hit_rate(b->sw) };

	sw_destroy(b->sw);
	free(b->frames);
	free(b->np);
	return r;
}

/* Several switches, 'rounds' interleaved rounds: each switch runs for
 * 'seconds' in all (at least one pass of its frames per round). */
static void
measure_interleaved(struct mem_bench *b, size_t nb, double seconds, unsigned rounds)
{
	for (unsigned r = 0; r < rounds; r++)
		for (size_t i = 0; i < nb; i++)
			mb_round(&b[i], seconds / rounds);
}

static struct mem_result
measure_memory(unsigned n, int policy, double seconds, unsigned rounds)
{
	struct mem_bench b;

	mb_open(&b, n, policy);
	measure_interleaved(&b, 1, seconds, rounds);
	return mb_close(&b);
}

/* ---- through the replay path ------------------------------------------------------ */

static char work_dir[512];
static char in_path[4][600];

/* The capture: 'total' frames cycling over the n vEths, frame k from vEth
 * k % n, 4 frames per microsecond of capture time, one file per port. */
static void
write_capture(const uint8_t *frames, unsigned n, uint64_t total)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d[4];

	if (!dead)
		die("pcap", "pcap_open_dead failed");
	for (unsigned p = 0; p < 4; p++) {
		snprintf(in_path[p], sizeof(in_path[p]), "%s/in-h%u.pcap", work_dir, p);
		if (!(d[p] = pcap_dump_open(dead, in_path[p])))
			die(in_path[p], pcap_geterr(dead));
	}
	for (uint64_t k = 0; k < total; k++) {
		unsigned i = (unsigned)(k % n);
		uint64_t ts = 2000000 + k / 4;
		struct pcap_pkthdr h = { 0 };

		h.ts.tv_sec = (time_t)(ts / 1000000);
		h.ts.tv_usec = (suseconds_t)(ts % 1000000);
		h.caplen = h.len = FRAME_LEN;
		pcap_dump((u_char *)d[i % 4], &h, frames + (size_t)i * FRAME_LEN);
	}
	for (unsigned p = 0; p < 4; p++)
		pcap_dump_close(d[p]);
	pcap_close(dead);
}

/* The pipeline that does nothing: each frame goes out unchanged on the
 * next port, through the same back-end calls the pipeline makes. */
static void
floor_step(void *aux, struct sw *sw, const struct sw_rx *rx, unsigned n)
{
	uint64_t *sent = aux;

	for (unsigned i = 0; i < n; i++) {
		struct sw_port *out = sw_port(sw, (rx[i].port + 1u) % sw_n_ports(sw));
		uint8_t *b = out->ops->tx_buf(out, rx[i].len);

		if (b) {
			memcpy(b, rx[i].frame, rx[i].len);
			out->ops->tx_commit(out, rx[i].len, rx[i].now);
			++*sent;
		}
	}
}

struct replay_result {
	double fps;
	uint64_t in, out, drops;
};

/* One replay of the capture: 'policy' POL_NONE / POL_BENCH through the
 * pipeline, or (floor) the step above. */
static struct replay_result
replay_once(const uint8_t *frames, unsigned n, bool floor, int policy)
{
	struct null_port np[4];
	struct replay_result r = { 0 };
	struct sw_replay_input in[4];
	struct sw_replay_result res;
	char err[256];
	struct sw *sw;
	double t0;

	memset(np, 0, sizeof(np));
	sw = make_switch(n, np, policy);
	learn(sw, frames, n, 1000000);
	for (unsigned p = 0; p < 4; p++) {
		in[p] = (struct sw_replay_input) { p, in_path[p] };
		if (sw_pcapout_attach(sw, p, work_dir, err, sizeof(err)))
			die("output", err);
	}
	t0 = cpu_s();
	if (sw_replay_run_step(
		    sw, in, 4, 0, &res, floor ? floor_step : NULL, &r.out, err, sizeof(err)))
		die("replay", err);
	r.fps = (double)res.frames / (cpu_s() - t0);
	r.in = res.frames;
	r.drops = total_drops(sw, floor ? NULL : &r.out);
	if (!floor)
		r.out -= np[0].frames + np[1].frames + np[2].frames + np[3].frames;
	sw_destroy(sw);
	for (unsigned p = 0; p < 4; p++) {
		char path[600];

		snprintf(path, sizeof(path), "%s/h%u.pcap", work_dir, p);
		unlink(path);
	}
	return r;
}

static void
make_work_dir(void)
{
	const char *base = getenv("BENCH_TMPDIR");
	struct stat st;

	if (!base)
		base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
				access("/dev/shm", W_OK) == 0
			? "/dev/shm"
			: (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	snprintf(work_dir, sizeof(work_dir), "%s/bench-pipeline.XXXXXX", base);
	if (!mkdtemp(work_dir))
		die(work_dir, strerror(errno));
}

static void
remove_work_dir(void)
{
	for (unsigned p = 0; p < 4; p++)
		if (in_path[p][0])
			unlink(in_path[p]);
	rmdir(work_dir);
}

/* ---- figures ------------------------------------------------------------------------ */

static void
figure_replay(double seconds)
{
	const unsigned n = 1024, rounds = 5;
	/* About a third of SECONDS per pipeline replay at 3 Mpps. */
	uint64_t total = (uint64_t)(seconds * 1e6) / 1024 * 1024;
	struct replay_result best[3] = { { 0 } }, r;
	uint8_t *frames;
	double t0 = wall_s();

	if (total < 262144)
		total = 262144;
	if (total > 8388608)
		total = 8388608;
	frames = make_frames(n);
	make_work_dir();
	write_capture(frames, n, total);
	/* Interleaved rounds: 0 the floor, 1 no policy, 2 with policy. */
	for (unsigned k = 0; k < rounds; k++)
		for (int v = 0; v < 3; v++) {
			r = replay_once(frames, n, v == 0, v == 2 ? POL_BENCH : POL_NONE);
			if (r.in != total || r.out != total || r.drops)
				fprintf(stderr,
					"bench-pipeline: replay %d: %llu in, %llu out, %llu "
					"drops (expected %llu, %llu, 0)\n",
					v, (unsigned long long)r.in, (unsigned long long)r.out,
					(unsigned long long)r.drops, (unsigned long long)total,
					(unsigned long long)total);
			if (r.fps > best[v].fps)
				best[v] = r;
		}
	remove_work_dir();
	free(frames);
	printf("bench 1 replay pipeline: 64-byte VN-Tagged IPv4/TCP frames, 1,024 vEths on 4 "
	       "ports,\n"
	       "        each with a 16-rule ingress ACL (9 masks) and an ingress policer;\n"
	       "        %llu frames in 4 pcap files through switchd/replay.c into 4 pcap "
	       "files\n"
	       "        (port_pcap.c), best of %u rounds (%.1f s)\n",
		(unsigned long long)total, rounds, wall_s() - t0);
	printf("  pipeline   %6.2f Mpps per core %6.1f ns/frame  %5.2f x the floor (target <= 2 "
	       "x: %s)\n",
		best[2].fps / 1e6, 1e9 / best[2].fps, best[0].fps / best[2].fps,
		best[0].fps / best[2].fps <= 2 ? "met" : "missed");
	printf("  no policy  %6.2f Mpps per core %6.1f ns/frame  %5.2f x the floor\n",
		best[1].fps / 1e6, 1e9 / best[1].fps, best[0].fps / best[1].fps);
	printf("  I/O floor  %6.2f Mpps per core %6.1f ns/frame  (the same replay, a pipeline "
	       "that copies each frame out)\n",
		best[0].fps / 1e6, 1e9 / best[0].fps);
	printf("  (the >= 10 Mpps target is the pipeline's own, below: the replay path alone "
	       "is %.1f Mpps)\n",
		best[0].fps / 1e6);
}

static void
figure_memory(double seconds)
{
	struct mem_bench b[2];
	struct mem_result pol, none;

	mb_open(&b[0], 1024, POL_BENCH);
	mb_open(&b[1], 1024, POL_NONE);
	measure_interleaved(b, 2, 2 * seconds, 6);
	pol = mb_close(&b[0]);
	none = mb_close(&b[1]);
	printf("bench 1 the pipeline alone: the same frames from memory into a null back-end,\n"
	       "        in bursts of %u (sw_input_burst), best of 6 interleaved rounds\n",
		BURST);
	printf("  pipeline   %6.2f Mpps per core %6.1f ns/frame  (target >= 10 Mpps: %s; %llu "
	       "drops;\n"
	       "                                               ACL flow cache hits %.1f %%)\n",
		pol.fps / 1e6, 1e9 / pol.fps, pol.fps >= 10e6 ? "met" : "missed",
		(unsigned long long)pol.drops, pol.hit_rate * 100);
	printf("  no policy  %6.2f Mpps per core %6.1f ns/frame\n", none.fps / 1e6,
		1e9 / none.fps);
	printf("  policy     %6.1f ns/frame   (ACL + policer: the difference)\n",
		1e9 / pol.fps - 1e9 / none.fps);
}

static void
figure_veths(double seconds)
{
	static const unsigned scale[] = { 16, 1024, 16384, 65536 };
	enum { NS = sizeof(scale) / sizeof(scale[0]) };
	struct mem_bench b[2 * NS];
	struct mem_result r[2 * NS];

	for (size_t i = 0; i < NS; i++) {
		mb_open(&b[2 * i], scale[i], POL_NONE);
		mb_open(&b[2 * i + 1], scale[i], POL_BENCH);
	}
	measure_interleaved(b, 2 * NS, seconds, 4);
	for (size_t i = 0; i < 2 * NS; i++)
		r[i] = mb_close(&b[i]);
	printf("bench 2 scaling by vEths (frames in memory, best of 4 interleaved rounds;\n"
	       "        target <= 1.3 x from the smallest)\n");
	printf("  %8s %12s %9s %19s %9s\n", "vEths", "no policy", "", "16 rules + policer", "");
	for (size_t i = 0; i < NS; i++)
		printf("  %8u %7.1f ns/f %7.2f x %12.1f ns/f %7.2f x\n", scale[i],
			1e9 / r[2 * i].fps, r[0].fps / r[2 * i].fps, 1e9 / r[2 * i + 1].fps,
			r[1].fps / r[2 * i + 1].fps);
}

static void
figure_rules(double seconds)
{
	static const unsigned scale[] = { 10, 100, 1000 };
	enum { NS = sizeof(scale) / sizeof(scale[0]) };
	struct mem_bench b[NS];
	struct mem_result r[NS];

	for (size_t i = 0; i < NS; i++)
		mb_open(&b[i], 1024, (int)scale[i]);
	measure_interleaved(b, NS, 2 * seconds, 6);
	for (size_t i = 0; i < NS; i++)
		r[i] = mb_close(&b[i]);
	printf("bench 2 scaling by ACL rules per profile (1,024 vEths, 10 masks, with the "
	       "policer;\n"
	       "        best of 6 interleaved rounds; target <= 1.3 x from the smallest)\n");
	for (size_t i = 0; i < NS; i++)
		printf("  %5u rules %7.1f ns/frame %7.2f x   (ACL flow cache hits %.1f %%)\n",
			scale[i], 1e9 / r[i].fps, r[0].fps / r[i].fps, r[i].hit_rate * 100);
}

int
main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 1.0;
	const char *figs = argc > 2 ? argv[2] : "rmvp";

	if (!(seconds > 0))
		seconds = 1.0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strchr(figs, 'r'))
		figure_replay(seconds);
	if (strchr(figs, 'm'))
		figure_memory(seconds);
	if (strchr(figs, 'v'))
		figure_veths(seconds);
	if (strchr(figs, 'p'))
		figure_rules(seconds);
	if (figs[0] == 'x') {
		/* For profiling: xN,P is one measurement in memory, N vEths,
		 * policy P (-1 none, 0 the bench profile, else P rules). */
		unsigned n = 1024;
		int pol = 0;
		struct mem_result r;

		sscanf(figs + 1, "%u,%d,%u", &n, &pol, &fixed_passes);
		r = measure_memory(n, pol, seconds, 1);
		printf("%u vEths, policy %d: %.1f ns/frame, %llu drops, cache hits %.1f %%\n",
			n, pol, 1e9 / r.fps, (unsigned long long)r.drops, r.hit_rate * 100);
	}
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-acl.c - frames per second of sw_acl_eval(), with and without the
 * flow cache, as the number of rules and of masks grows.
 *
 *   tests/bench-acl [SECONDS]     (per figure, default 0.3)
 *
 * Frames are IPv4 TCP/UDP built here; a pool of distinct flows is cycled
 * (half of them aimed at a rule), so with the cache on every flow after the
 * first pass is a cache hit unless the pool is bigger than the cache.
 * Timings are CPU time, the best of three slices.  Not run by make check:
 * timings depend on the machine.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "switchd/acl.h"

#define FRAME_LEN 80

static uint64_t rng = 0x853c49e6748fea9bull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 16) % n);
}

static double
now_s(void)
{
	struct timespec ts;

	/* This thread's CPU time: other processes on a shared machine take
	 * nothing from the figures but cache. */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct flow_desc {
	uint8_t proto;
	uint32_t src, dst;
	uint16_t sport, dport;
};

/* Mask m of n: one of four field sets, with the prefix length stepping
 * every four masks, so every m gives a distinct classifier subtable. */
static void
gen_rule(unsigned m, struct flow_desc *d, char *match, size_t len)
{
	unsigned plen = 8 + (m / 4) * 3, set = m % 4;
	uint32_t pmask = plen >= 32 ? 0xffffffffu : ~(0xffffffffu >> plen);

	d->proto = set == 1 ? 17 : 6;
	d->src = (10u << 24 | rnd(1u << 20)) & pmask;
	d->dst = (172u << 24 | 16u << 16 | rnd(1u << 16)) & pmask;
	d->sport = (uint16_t)(1024 + rnd(64));
	d->dport = (uint16_t)(1 + rnd(1024));
#define Q(x) (x) >> 24, (x) >> 16 & 255, (x) >> 8 & 255, (x)&255
	switch (set) {
	case 0:
		snprintf(match, len, "tcp,nw_dst=%u.%u.%u.%u/%u,tp_dst=%u", Q(d->dst), plen,
			d->dport);
		break;
	case 1:
		snprintf(match, len, "udp,nw_src=%u.%u.%u.%u/%u,tp_dst=%u", Q(d->src), plen,
			d->dport);
		break;
	case 2:
		snprintf(match, len, "ip,nw_dst=%u.%u.%u.%u/%u", Q(d->dst), plen);
		break;
	default:
		snprintf(match, len, "tcp,nw_src=%u.%u.%u.%u/%u,nw_dst=%u.%u.%u.%u/%u",
			Q(d->src), plen, Q(d->dst), plen);
		break;
	}
#undef Q
}

static void
build(const struct flow_desc *d, uint8_t *b)
{
	static const uint8_t hdr[14] = { 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 };
	uint8_t *ip = b + 14, *l4 = ip + 20;

	memset(b, 0, FRAME_LEN);
	memcpy(b, hdr, 14);
	ip[0] = 0x45;
	ip[3] = FRAME_LEN - 14;
	ip[8] = 64;
	ip[9] = d->proto;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(d->src >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(d->dst >> (24 - 8 * i));
	}
	l4[0] = (uint8_t)(d->sport >> 8);
	l4[1] = (uint8_t)d->sport;
	l4[2] = (uint8_t)(d->dport >> 8);
	l4[3] = (uint8_t)d->dport;
	if (d->proto == 6) {
		l4[12] = 0x50;
		l4[13] = 0x10;
	} else {
		l4[5] = FRAME_LEN - 34;
	}
}

struct result {
	double fps;
	double hit_rate;
	unsigned masks;
};

static struct result
run(unsigned n_rules, unsigned n_masks, unsigned n_flows, uint32_t cache, double secs)
{
	char(*matches)[128] = calloc(n_rules ? n_rules : 1, sizeof(*matches));
	struct sw_acl_rule_spec *specs = calloc(n_rules ? n_rules : 1, sizeof(*specs));
	struct flow_desc *targets = calloc(n_rules ? n_rules : 1, sizeof(*targets));
	uint8_t(*frames)[FRAME_LEN] = calloc(n_flows, sizeof(*frames));
	static const char *acts[] = { "allow", "deny", "set_dscp=10", "set_pcp=3" };
	struct result res = { 0, 0, 0 };
	struct sw_acl_stats st;
	struct sw_acl *acl;
	uint64_t done = 0, sink = 0;
	char err[512];
	double t0, t;

	rng = 0x853c49e6748fea9bull; /* the same rules and frames with and without cache */
	for (unsigned i = 0; i < n_rules; i++) {
		gen_rule(i % n_masks, &targets[i], matches[i], sizeof(matches[i]));
		specs[i] = (struct sw_acl_rule_spec) { rnd(1000), matches[i], acts[rnd(4)] };
	}
	for (unsigned f = 0; f < n_flows; f++) {
		struct flow_desc d = { rnd(2) ? 6 : 17, 10u << 24 | rnd(1u << 20),
			172u << 24 | 16u << 16 | rnd(1u << 16), (uint16_t)(1024 + rnd(64)),
			(uint16_t)(1 + rnd(1024)) };

		if (n_rules && rnd(2)) {
			d = targets[rnd(n_rules)];
			d.src |= rnd(16);
			d.dst |= rnd(16);
		}
		build(&d, frames[f]);
	}
	acl = sw_acl_create(specs, n_rules, "allow", cache, err, sizeof(err));
	if (!acl) {
		fprintf(stderr, "bench-acl: %s\n", err);
		exit(1);
	}
	/* Warm up (fills the cache), then measure whole passes over the pool. */
	for (unsigned f = 0; f < n_flows; f++) {
		struct sw_acl_result r;

		sw_acl_eval(acl, frames[f], FRAME_LEN, 10, &r);
	}
	sw_acl_clear_counters(acl);
	/* The best of 3 slices of secs / 3. */
	for (int slice = 0; slice < 3; slice++) {
		uint64_t n = 0;

		t0 = now_s();
		do {
			for (unsigned k = 0; k < 8192; k++) {
				struct sw_acl_result r;
				unsigned f = (unsigned)(done + k) % n_flows;

				sw_acl_eval(acl, frames[f], FRAME_LEN, 10, &r);
				sink += (uint64_t)r.rule;
			}
			done += 8192;
			n += 8192;
			t = now_s() - t0;
		} while (t < secs / 3);
		if ((double)n / t > res.fps)
			res.fps = (double)n / t;
	}
	sw_acl_get_stats(acl, &st);
	res.hit_rate = st.lookups ? (double)st.cache_hits / (double)st.lookups : 0;
	res.masks = st.n_masks;
	if (sink == 42) /* keep the loop */
		fputc(' ', stderr);
	sw_acl_destroy(acl);
	free(matches);
	free(specs);
	free(targets);
	free(frames);
	return res;
}

static void
line(const char *what, unsigned n_rules, unsigned n_masks, unsigned n_flows, double secs)
{
	struct result on = run(n_rules, n_masks, n_flows, SW_ACL_CACHE_DEFAULT, secs);
	struct result off = run(n_rules, n_masks, n_flows, 0, secs);

	printf("%-26s %5u %5u %6u   %7.2f M/s %5.0f ns (%3.0f%% hits)   %7.2f M/s %5.0f ns   x%.1f\n",
		what, n_rules, on.masks, n_flows, on.fps / 1e6, 1e9 / on.fps, on.hit_rate * 100,
		off.fps / 1e6, 1e9 / off.fps, on.fps / off.fps);
}

int
main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 0.3;

	if (secs <= 0)
		secs = 0.3;
	printf("sw_acl_eval, %d-byte IPv4 frames, vEth VLAN 10, cache %u entries; %.2f s per figure\n",
		FRAME_LEN, SW_ACL_CACHE_DEFAULT, secs);
	printf("%-26s %5s %5s %6s   %-34s %-20s\n", "", "rules", "masks", "flows",
		"with flow cache", "without");
	line("1 rule", 1, 1, 256, secs);
	line("16 rules / 8 masks", 16, 8, 256, secs);
	line("10 rules", 10, 8, 256, secs);
	line("100 rules", 100, 8, 256, secs);
	line("1000 rules", 1000, 8, 256, secs);
	line("1000 rules, 32 masks", 1000, 32, 256, secs);
	line("1000 rules, 32 m, 64k flows", 1000, 32, 65536, secs);
	return 0;
}

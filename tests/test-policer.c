/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-policer.c - the policers (switchd/policer.c) against the documented
 * semantics.  Expected colours come from a reference written here in exact
 * rational arithmetic (tokens in bytes or packets as fractions, the rate in
 * bytes or packets per second), independently of the implementation's
 * scaled integers, on random timed sequences; plus hand-computed edge
 * cases: the exactly-full bucket, long idle, time going backwards, and the
 * RFC 2698 trTCM colours.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/policer.h"
#include "tests/testutil.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- exact rationals ------------------------------------------------------------ */

typedef __int128 i128;

struct rat {
	i128 n, d; /* d > 0 */
};

static i128
gcd(i128 a, i128 b)
{
	if (a < 0)
		a = -a;
	while (b) {
		i128 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static struct rat
rat(i128 n, i128 d)
{
	i128 g = gcd(n, d);
	struct rat r = { n, d };

	if (g > 1) {
		r.n /= g;
		r.d /= g;
	}
	return r;
}

static struct rat
rat_add(struct rat a, struct rat b)
{
	return rat(a.n * b.d + b.n * a.d, a.d * b.d);
}

static int
rat_cmp(struct rat a, struct rat b)
{
	i128 l = a.n * b.d, r = b.n * a.d;

	return l < r ? -1 : l > r;
}

static struct rat
rat_min(struct rat a, struct rat b)
{
	return rat_cmp(a, b) <= 0 ? a : b;
}

/* ---- the reference -------------------------------------------------------------- */

/* A bucket in bytes (or packets): rate_per_s tokens per second. */
struct ref_bucket {
	struct rat tokens, cap;
	i128 rate_per_s_num, rate_per_s_den; /* tokens per second, as a fraction */
};

struct ref {
	bool packets, trtcm;
	struct ref_bucket c, p;
	bool started;
	uint64_t last;
};

static void
ref_bucket_init(struct ref_bucket *b, bool packets, int64_t rate, int64_t burst)
{
	b->cap = b->tokens = rat(burst, 1);
	if (packets) {
		b->rate_per_s_num = rate; /* packets per second */
		b->rate_per_s_den = 1;
	} else {
		b->rate_per_s_num = (i128)rate * 1000; /* kbit/s -> bit/s */
		b->rate_per_s_den = 8;                 /* -> bytes per second */
	}
}

static void
ref_init(struct ref *r, const struct sw_pol_conf *c)
{
	memset(r, 0, sizeof(*r));
	r->packets = c->mode == SW_POL_PACKETS;
	r->trtcm = c->trtcm;
	ref_bucket_init(&r->c, r->packets, c->rate, c->burst);
	if (c->trtcm)
		ref_bucket_init(&r->p, r->packets, c->peak_rate, c->peak_burst);
}

static void
ref_fill(struct ref_bucket *b, uint64_t dt_us)
{
	/* rate [tokens/s] * dt [us] / 1e6 */
	struct rat add = rat(b->rate_per_s_num * (i128)dt_us, b->rate_per_s_den * 1000000);

	b->tokens = rat_min(b->cap, rat_add(b->tokens, add));
}

static void
ref_advance(struct ref *r, uint64_t t)
{
	if (!r->started) {
		r->started = true;
		r->last = t;
		return;
	}
	if (t <= r->last) /* backwards: no time passes */
		return;
	ref_fill(&r->c, t - r->last);
	if (r->trtcm)
		ref_fill(&r->p, t - r->last);
	r->last = t;
}

/* RFC 2698 section 3 (single rate: one bucket, green or red). */
static int
ref_police(struct ref *r, size_t len, uint64_t t, int in)
{
	struct rat b = rat(r->packets ? 1 : (i128)len, 1);

	ref_advance(r, t);
	if (!r->trtcm) {
		if (in != SW_POL_RED && rat_cmp(r->c.tokens, b) >= 0) {
			r->c.tokens = rat_add(r->c.tokens, rat(-b.n, b.d));
			return SW_POL_GREEN;
		}
		return SW_POL_RED;
	}
	if (in == SW_POL_RED || rat_cmp(r->p.tokens, b) < 0)
		return SW_POL_RED;
	if (in == SW_POL_YELLOW || rat_cmp(r->c.tokens, b) < 0) {
		r->p.tokens = rat_add(r->p.tokens, rat(-b.n, b.d));
		return SW_POL_YELLOW;
	}
	r->p.tokens = rat_add(r->p.tokens, rat(-b.n, b.d));
	r->c.tokens = rat_add(r->c.tokens, rat(-b.n, b.d));
	return SW_POL_GREEN;
}

static uint64_t
rat_floor(struct rat a)
{
	return (uint64_t)(a.n / a.d);
}

/* ---- helpers --------------------------------------------------------------------- */

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t
rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (rng >> 11) % n : 0;
}

/* Configurations are memset first so that padding is defined too: some
 * tests compare whole structs with memcmp (valgrind-clean). */
static struct sw_pol_conf
conf_bytes(int64_t kbps, int64_t burst)
{
	struct sw_pol_conf c;

	memset(&c, 0, sizeof(c));
	c.mode = SW_POL_BYTES;
	c.rate = kbps;
	c.burst = burst;
	return c;
}

static struct sw_pol_conf
conf_pkts(int64_t pps, int64_t burst)
{
	struct sw_pol_conf c = conf_bytes(pps, burst);

	c.mode = SW_POL_PACKETS;
	return c;
}

static struct sw_pol_conf
conf_trtcm(int64_t cir, int64_t cbs, int64_t pir, int64_t pbs)
{
	struct sw_pol_conf c = conf_bytes(cir, cbs);

	c.trtcm = true;
	c.peak_rate = pir;
	c.peak_burst = pbs;
	return c;
}

static void
init_ok(struct sw_pol *p, const struct sw_pol_conf *c)
{
	char err[256];
	int rc = sw_pol_init(p, c, err, sizeof(err));

	if (rc)
		fprintf(stderr, "sw_pol_init: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

static int
color(struct sw_pol *p, size_t len, uint64_t t)
{
	return sw_pol_police(p, len, t).color;
}

/* ---- random sequences against the reference ---------------------------------------- */

/* Run n frames with random sizes and random time steps (including bursts
 * at one instant, long idles and steps backwards); compare each colour,
 * the counters and the visible bucket state. */
static void
run_random(const struct sw_pol_conf *c, size_t n, uint64_t max_step, bool aware, uint64_t *tot)
{
	struct sw_pol p;
	struct ref r;
	uint64_t t = rnd(1000000), cnt[3] = { 0 }, bytes[3] = { 0 };
	size_t bad = 0;

	init_ok(&p, c);
	ref_init(&r, c);
	for (size_t i = 0; i < n; i++) {
		size_t len = 60 + rnd(1459);
		int in = aware ? (int)rnd(3) : SW_POL_GREEN;
		int want, got;
		uint64_t k = rnd(100);

		if (k < 30)
			; /* same instant */
		else if (k < 90)
			t += rnd(max_step);
		else if (k < 95)
			t -= rnd(t < max_step ? t : max_step); /* backwards */
		else if (k < 99)
			t += rnd(10 * max_step);
		else
			t += rnd(100000000000ull); /* idle up to a day */
		want = ref_police(&r, len, t, in);
		got = aware ? sw_pol_police_aware(&p, len, t, (enum sw_pol_color)in).color
			    : color(&p, len, t);
		if (got != want && bad++ < 5)
			fprintf(stderr, "frame %zu t=%llu len=%zu: got %s, reference %s\n", i,
				(unsigned long long)t, len, sw_pol_color_name(got),
				sw_pol_color_name(want));
		cnt[want]++;
		bytes[want] += len;
		if (i % 97 == 0) {
			struct sw_pol_state st;

			sw_pol_get_state(&p, t, &st);
			CU_ASSERT_EQUAL(st.tokens, rat_floor(r.c.tokens));
			if (c->trtcm)
				CU_ASSERT_EQUAL(st.peak_tokens, rat_floor(r.p.tokens));
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	for (int k = 0; k < 3; k++) {
		CU_ASSERT_EQUAL(p.ctr.frames[k], cnt[k]);
		CU_ASSERT_EQUAL(p.ctr.bytes[k], bytes[k]);
	}
	for (int k = 0; k < 3; k++)
		tot[k] += cnt[k];
}

/* Every colour the policer can give must have come up often, or the
 * comparison proves little. */
static void
check_mix(const char *what, const uint64_t *tot, bool trtcm)
{
	uint64_t all = tot[0] + tot[1] + tot[2];

	fprintf(stderr, "(%s: %llu frames, green %llu yellow %llu red %llu) ", what,
		(unsigned long long)all, (unsigned long long)tot[0], (unsigned long long)tot[1],
		(unsigned long long)tot[2]);
	CU_ASSERT(tot[SW_POL_GREEN] > all / 10);
	CU_ASSERT(tot[SW_POL_RED] > all / 10);
	CU_ASSERT(trtcm ? tot[SW_POL_YELLOW] > all / 20 : tot[SW_POL_YELLOW] == 0);
}

static void
test_random_bytes(void)
{
	uint64_t tot[3] = { 0 };
	static const int64_t rates[] = { 1, 7, 64, 1000, 3333, 10000, 123457, 1000000,
		40000000 };
	static const int64_t bursts[] = { 1518, 1519, 3000, 15000, 64000, 1000000 };

	for (size_t i = 0; i < N_ELEMS(rates); i++)
		for (size_t j = 0; j < N_ELEMS(bursts); j++) {
			struct sw_pol_conf c = conf_bytes(rates[i], bursts[j]);
			/* Steps around the time one frame's worth takes to refill. */
			uint64_t step = (uint64_t)(8000 * 800 / rates[i]) + 2;

			run_random(&c, 3000, step, false, tot);
		}
	check_mix("bytes", tot, false);
}

static void
test_random_packets(void)
{
	uint64_t tot[3] = { 0 };
	static const int64_t rates[] = { 1, 3, 100, 999, 10000, 1000000 };
	static const int64_t bursts[] = { 1, 2, 10, 1000 };

	for (size_t i = 0; i < N_ELEMS(rates); i++)
		for (size_t j = 0; j < N_ELEMS(bursts); j++) {
			struct sw_pol_conf c = conf_pkts(rates[i], bursts[j]);
			uint64_t step = (uint64_t)(1000000 / rates[i]) * 2 + 2;

			run_random(&c, 3000, step, false, tot);
		}
	check_mix("packets", tot, false);
}

static void
test_random_trtcm(void)
{
	uint64_t tot[3] = { 0 };
	static const int64_t cirs[] = { 64, 1000, 3333, 100000 };

	for (size_t i = 0; i < N_ELEMS(cirs); i++)
		for (int k = 0; k < 4; k++) {
			int64_t pir = cirs[i] * (1 + (int64_t)rnd(4)) + (int64_t)rnd(100);
			struct sw_pol_conf c = conf_trtcm(cirs[i], 1518 + (int64_t)rnd(20000),
				pir, 1518 + (int64_t)rnd(40000));
			uint64_t step = (uint64_t)(8000 * 800 / cirs[i]) + 2;

			run_random(&c, 4000, step, k == 3, tot);
		}
	{
		struct sw_pol_conf c = conf_trtcm(100, 10, 300, 30);

		c.mode = SW_POL_PACKETS;
		run_random(&c, 4000, 20000, false, tot);
		run_random(&c, 4000, 20000, true, tot);
	}
	check_mix("trTCM", tot, true);
}

/* ---- hand-computed edges ----------------------------------------------------------- */

static void
test_exactly_full(void)
{
	/* 1000 kbps = 1 bit/us: one byte every 8 us. */
	struct sw_pol_conf c = conf_bytes(1000, 1518);
	struct sw_pol p;
	struct sw_pol_state st;

	init_ok(&p, &c);
	sw_pol_get_state(&p, 0, &st);
	CU_ASSERT(st.tokens == 1518 && st.burst == 1518);
	CU_ASSERT_EQUAL(color(&p, 1518, 100), SW_POL_GREEN); /* exactly the bucket */
	CU_ASSERT_EQUAL(color(&p, 1, 100), SW_POL_RED);
	CU_ASSERT_EQUAL(color(&p, 1, 107), SW_POL_RED);   /* 7 bits */
	CU_ASSERT_EQUAL(color(&p, 1, 108), SW_POL_GREEN); /* exactly 8 bits */
	CU_ASSERT_EQUAL(color(&p, 1, 108), SW_POL_RED);
	/* Non-conforming frames take nothing: 100 bytes need 800 us. */
	CU_ASSERT_EQUAL(color(&p, 100, 907), SW_POL_RED);
	CU_ASSERT_EQUAL(color(&p, 100, 908), SW_POL_GREEN);
	CU_ASSERT_EQUAL(p.ctr.frames[SW_POL_GREEN], 3);
	CU_ASSERT_EQUAL(p.ctr.bytes[SW_POL_GREEN], 1619);
	CU_ASSERT_EQUAL(p.ctr.frames[SW_POL_RED], 4);
	CU_ASSERT_EQUAL(p.ctr.bytes[SW_POL_RED], 103);
	/* A frame bigger than the bucket never conforms. */
	CU_ASSERT_EQUAL(color(&p, 1519, 100000000), SW_POL_RED);
	CU_ASSERT_EQUAL(color(&p, 1518, 100000000), SW_POL_GREEN);

	/* Packet mode: 100 pps, burst 1: one packet every 10 ms. */
	c = conf_pkts(100, 1);
	init_ok(&p, &c);
	CU_ASSERT_EQUAL(color(&p, 9000, 0), SW_POL_GREEN);
	CU_ASSERT_EQUAL(color(&p, 60, 0), SW_POL_RED);
	CU_ASSERT_EQUAL(color(&p, 60, 9999), SW_POL_RED);
	CU_ASSERT_EQUAL(color(&p, 60, 10000), SW_POL_GREEN);
	CU_ASSERT_EQUAL(p.ctr.bytes[SW_POL_GREEN], 9060);
	/* Fractions of a packet accumulate exactly: 3 pps, 1/3 s each. */
	c = conf_pkts(3, 2);
	init_ok(&p, &c);
	CU_ASSERT_EQUAL(color(&p, 60, 0), SW_POL_GREEN);
	CU_ASSERT_EQUAL(color(&p, 60, 0), SW_POL_GREEN);
	CU_ASSERT_EQUAL(color(&p, 60, 0), SW_POL_RED);
	CU_ASSERT_EQUAL(color(&p, 60, 333333), SW_POL_RED);    /* 0.999999 packets */
	CU_ASSERT_EQUAL(color(&p, 60, 333334), SW_POL_GREEN);  /* 1.000002 */
	CU_ASSERT_EQUAL(color(&p, 60, 666667), SW_POL_GREEN);  /* 0.000002 + 0.999999 */
	CU_ASSERT_EQUAL(color(&p, 60, 1000000), SW_POL_GREEN); /* 0.000001 + 0.999999 */
	CU_ASSERT_EQUAL(color(&p, 60, 1000001), SW_POL_RED);   /* 0.000003 */
	/* Full stays full: at most the burst after any wait. */
	CU_ASSERT_EQUAL(color(&p, 60, 9000000), SW_POL_GREEN);
	CU_ASSERT_EQUAL(color(&p, 60, 9000000), SW_POL_GREEN);
	CU_ASSERT_EQUAL(color(&p, 60, 9000000), SW_POL_RED);
}

static void
test_long_idle(void)
{
	struct sw_pol_conf c = conf_bytes(SW_POL_RATE_MAX, 15000);
	struct sw_pol p;
	struct sw_pol_state st;

	init_ok(&p, &c);
	for (int i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(color(&p, 1500, 5), SW_POL_GREEN);
	CU_ASSERT_EQUAL(color(&p, 1500, 5), SW_POL_RED);
	/* The clock near its end: the bucket is full, not more. */
	sw_pol_get_state(&p, UINT64_MAX - 1, &st);
	CU_ASSERT_EQUAL(st.tokens, 15000);
	for (int i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(color(&p, 1500, UINT64_MAX - 1), SW_POL_GREEN);
	CU_ASSERT_EQUAL(color(&p, 1500, UINT64_MAX - 1), SW_POL_RED);
	CU_ASSERT_EQUAL(p.c_tokens, 0);

	/* Slow rate, a day idle, big burst: full, not above. */
	c = conf_bytes(1, SW_POL_BURST_MAX);
	init_ok(&p, &c);
	CU_ASSERT_EQUAL(color(&p, 1000, 0), SW_POL_GREEN);
	sw_pol_get_state(&p, 4000000, &st); /* 4 s at 125 bytes/s */
	CU_ASSERT_EQUAL(st.tokens, SW_POL_BURST_MAX - 500);
	sw_pol_get_state(&p, UINT64_MAX, &st);
	CU_ASSERT_EQUAL(st.tokens, SW_POL_BURST_MAX);

	/* trTCM: both buckets capped. */
	c = conf_trtcm(1000, 3000, SW_POL_RATE_MAX, 6000);
	init_ok(&p, &c);
	CU_ASSERT_EQUAL(color(&p, 3000, 0), SW_POL_GREEN);
	CU_ASSERT_EQUAL(color(&p, 3000, 0), SW_POL_YELLOW);
	sw_pol_get_state(&p, 1ull << 62, &st);
	CU_ASSERT(st.tokens == 3000 && st.peak_tokens == 6000);
}

static void
test_backwards(void)
{
	struct sw_pol_conf c = conf_bytes(1000, 1518); /* 1 byte / 8 us */
	struct sw_pol p;
	struct sw_pol_state st;

	init_ok(&p, &c);
	CU_ASSERT_EQUAL(color(&p, 1518, 1000), SW_POL_GREEN);
	CU_ASSERT_EQUAL(color(&p, 1, 500), SW_POL_RED); /* earlier: nothing added */
	CU_ASSERT_EQUAL(color(&p, 1, 0), SW_POL_RED);
	/* Forward again: only what passed since 1000 counts, not since 0. */
	CU_ASSERT_EQUAL(color(&p, 2, 1015), SW_POL_RED);
	CU_ASSERT_EQUAL(color(&p, 2, 1016), SW_POL_GREEN);
	sw_pol_get_state(&p, 10, &st); /* inspecting the past: as now */
	CU_ASSERT_EQUAL(st.tokens, 0);
	CU_ASSERT_EQUAL(p.last_us, 1016);
}

/* RFC 2698 colour-blind and colour-aware, computed by hand:
 * CIR 1000 kbps (125 bytes/ms), CBS 3000, PIR 2000 kbps (250 bytes/ms),
 * PBS 6000, 1500-byte frames. */
static void
test_trtcm_rfc2698(void)
{
	struct sw_pol_conf c = conf_trtcm(1000, 3000, 2000, 6000);
	static const struct {
		uint64_t t;
		int color;
		uint64_t tc, tp; /* buckets after the frame */
	} seq[] = {
		{ 0, SW_POL_GREEN, 1500, 4500 }, { 0, SW_POL_GREEN, 0, 3000 },
		{ 0, SW_POL_YELLOW, 0, 1500 }, { 0, SW_POL_YELLOW, 0, 0 },
		{ 0, SW_POL_RED, 0, 0 }, { 6000, SW_POL_YELLOW, 750, 0 }, /* +750 C, +1500 P */
		{ 12000, SW_POL_GREEN, 0, 0 },                            /* C 1500, P 1500 */
		{ 12000, SW_POL_RED, 0, 0 },
		{ 24000, SW_POL_GREEN, 0, 1500 }, /* C 1500, P 3000 */
		{ 24000, SW_POL_YELLOW, 0, 0 },
		{ 1000000, SW_POL_GREEN, 1500, 4500 }, /* idle: both full */
	};
	struct sw_pol p;
	struct sw_pol_result r;

	init_ok(&p, &c);
	for (size_t i = 0; i < N_ELEMS(seq); i++) {
		struct sw_pol_state st;

		r = sw_pol_police(&p, 1500, seq[i].t);
		if (r.color != seq[i].color)
			fprintf(stderr, "step %zu: %s, expected %s\n", i,
				sw_pol_color_name(r.color), sw_pol_color_name(seq[i].color));
		CU_ASSERT_EQUAL(r.color, seq[i].color);
		sw_pol_get_state(&p, seq[i].t, &st);
		CU_ASSERT_EQUAL(st.tokens, seq[i].tc);
		CU_ASSERT_EQUAL(st.peak_tokens, seq[i].tp);
		/* Defaults: yellow passes, red drops. */
		CU_ASSERT_EQUAL(
			r.act.type, r.color == SW_POL_RED ? SW_POL_ACT_DROP : SW_POL_ACT_PASS);
	}
	CU_ASSERT_EQUAL(p.ctr.frames[SW_POL_GREEN], 5);
	CU_ASSERT_EQUAL(p.ctr.frames[SW_POL_YELLOW], 4);
	CU_ASSERT_EQUAL(p.ctr.frames[SW_POL_RED], 2);
	CU_ASSERT_EQUAL(p.ctr.bytes[SW_POL_RED], 3000);

	/* Colour-aware: a yellow frame stays yellow even with full buckets
	 * (takes from P only); a red frame takes nothing. */
	init_ok(&p, &c);
	CU_ASSERT_EQUAL(sw_pol_police_aware(&p, 1500, 0, SW_POL_YELLOW).color, SW_POL_YELLOW);
	CU_ASSERT_EQUAL(sw_pol_police_aware(&p, 1500, 0, SW_POL_RED).color, SW_POL_RED);
	CU_ASSERT_EQUAL(sw_pol_police_aware(&p, 1500, 0, SW_POL_GREEN).color, SW_POL_GREEN);
	{
		struct sw_pol_state st;

		sw_pol_get_state(&p, 0, &st);
		CU_ASSERT(st.tokens == 1500 && st.peak_tokens == 3000);
	}

	/* Configured actions per colour. */
	c.yellow = (struct sw_pol_action) { SW_POL_ACT_SET_DSCP, 10 };
	c.exceed = (struct sw_pol_action) { SW_POL_ACT_SET_PCP, 1 };
	init_ok(&p, &c);
	r = sw_pol_police(&p, 3000, 0);
	CU_ASSERT(r.color == SW_POL_GREEN && r.act.type == SW_POL_ACT_PASS);
	r = sw_pol_police(&p, 3000, 0);
	CU_ASSERT(r.color == SW_POL_YELLOW && r.act.type == SW_POL_ACT_SET_DSCP &&
		r.act.value == 10);
	r = sw_pol_police(&p, 3000, 0);
	CU_ASSERT(
		r.color == SW_POL_RED && r.act.type == SW_POL_ACT_SET_PCP && r.act.value == 1);
}

static void
test_exceed_actions(void)
{
	struct sw_pol_conf c = conf_bytes(1000, 1518);
	struct sw_pol p;
	struct sw_pol_result r;
	struct sw_pol_action a;
	char err[256], buf[32];

	init_ok(&p, &c);
	r = sw_pol_police(&p, 1518, 0);
	CU_ASSERT(r.color == SW_POL_GREEN && r.act.type == SW_POL_ACT_PASS);
	r = sw_pol_police(&p, 60, 0);
	CU_ASSERT(r.color == SW_POL_RED && r.act.type == SW_POL_ACT_DROP); /* default */

	CU_ASSERT_EQUAL(sw_pol_parse_action("set_dscp=8", &c.exceed, err, sizeof(err)), 0);
	init_ok(&p, &c);
	sw_pol_police(&p, 1518, 0);
	r = sw_pol_police(&p, 60, 0);
	CU_ASSERT(r.act.type == SW_POL_ACT_SET_DSCP && r.act.value == 8);
	CU_ASSERT_EQUAL(sw_pol_parse_action("set_pcp=1", &c.exceed, err, sizeof(err)), 0);
	init_ok(&p, &c);
	sw_pol_police(&p, 1518, 0);
	r = sw_pol_police(&p, 60, 0);
	CU_ASSERT(r.act.type == SW_POL_ACT_SET_PCP && r.act.value == 1);

	CU_ASSERT_EQUAL(sw_pol_parse_action(" drop ", &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a.type, SW_POL_ACT_DROP);
	CU_ASSERT_EQUAL(sw_pol_parse_action("allow", &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a.type, SW_POL_ACT_PASS);
	CU_ASSERT_EQUAL(sw_pol_parse_action("set_dscp=64", &a, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "bad action 'set_dscp=64': set_dscp takes 0..63");
	CU_ASSERT_EQUAL(sw_pol_parse_action("set_pcp=8", &a, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(sw_pol_parse_action("set_pcp=", &a, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(sw_pol_parse_action("set_pcp= 1", &a, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(sw_pol_parse_action(NULL, &a, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(sw_pol_parse_action("deny", &a, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err,
		"unknown action 'deny' (expected drop, allow, set_dscp=0..63 or set_pcp=0..7)");
	a = (struct sw_pol_action) { SW_POL_ACT_SET_DSCP, 46 };
	sw_pol_format_action(a, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "set_dscp=46");
}

/* ---- validation --------------------------------------------------------------------- */

static void
expect_bad(const struct sw_pol_conf *c, const char *msg)
{
	struct sw_pol p, orig;
	char err[256] = "";

	memset(&p, 0xa5, sizeof(p));
	orig = p;
	CU_ASSERT_EQUAL(sw_pol_check(c, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(sw_pol_init(&p, c, err, sizeof(err)), -1);
	if (strcmp(err, msg))
		fprintf(stderr, "got:    %s\nexpect: %s\n", err, msg);
	CU_ASSERT_STRING_EQUAL(err, msg);
	CU_ASSERT_EQUAL(memcmp(&p, &orig, sizeof(p)), 0); /* nothing created */
}

static void
test_validation(void)
{
	struct sw_pol_conf c;
	struct sw_pol p;

	c = conf_bytes(0, 15000);
	expect_bad(&c, "rate_kbps must be positive (is 0)");
	c = conf_bytes(-5, 15000);
	expect_bad(&c, "rate_kbps must be positive (is -5)");
	c = conf_pkts(0, 10);
	expect_bad(&c, "rate_pps must be positive (is 0)");
	c = conf_bytes(1000, 1517);
	expect_bad(&c, "burst_bytes 1517 is smaller than one maximum frame (1518 bytes)");
	c = conf_bytes(1000, -1);
	expect_bad(&c, "burst_bytes -1 is smaller than one maximum frame (1518 bytes)");
	c = conf_bytes(1000, 5000);
	c.max_frame = 9018;
	expect_bad(&c, "burst_bytes 5000 is smaller than one maximum frame (9018 bytes)");
	c = conf_pkts(10, 0);
	expect_bad(&c, "burst_packets must be at least 1 packet (is 0)");
	c = conf_bytes(SW_POL_RATE_MAX + 1LL, 15000);
	expect_bad(&c, "rate_kbps 1000000001 is too large (at most 1000000000)");
	c = conf_bytes(1000, SW_POL_BURST_MAX + 1);
	expect_bad(&c, "burst_bytes 1000000000001 is too large (at most 1000000000000)");
	c = conf_trtcm(2000, 3000, 1000, 6000);
	expect_bad(&c, "peak_rate_kbps 1000 is below rate_kbps 2000 (RFC 2698: PIR >= CIR)");
	c = conf_trtcm(1000, 3000, 0, 6000);
	expect_bad(&c, "peak_rate_kbps must be positive (is 0)");
	c = conf_trtcm(1000, 3000, 2000, 100);
	expect_bad(&c, "peak_burst_bytes 100 is smaller than one maximum frame (1518 bytes)");
	c = conf_bytes(1000, 3000);
	c.peak_rate = 2000;
	expect_bad(&c,
		"peak rate, peak burst and yellow action need the two-rate three-colour "
		"marker");
	c = conf_bytes(1000, 3000);
	c.exceed = (struct sw_pol_action) { SW_POL_ACT_SET_DSCP, 64 };
	expect_bad(&c, "exceed action: set_dscp takes 0..63");
	c = conf_trtcm(1000, 3000, 2000, 6000);
	c.exceed = (struct sw_pol_action) { SW_POL_ACT_SET_PCP, 8 };
	expect_bad(&c, "red action: set_pcp takes 0..7");
	c = conf_bytes(1000, 3000);
	c.mode = 7;
	expect_bad(&c, "unknown policer mode 7");

	/* The limits themselves are fine. */
	c = conf_bytes(1, 1518);
	init_ok(&p, &c);
	c = conf_bytes(1000, 9018);
	c.max_frame = 9018;
	init_ok(&p, &c);
	c = conf_pkts(1, 1);
	init_ok(&p, &c);
	c = conf_bytes(SW_POL_RATE_MAX, SW_POL_BURST_MAX);
	init_ok(&p, &c);
	c = conf_trtcm(1000, 1518, 1000, 1518); /* PIR == CIR */
	init_ok(&p, &c);
}

/* ---- live update --------------------------------------------------------------------- */

static void
test_update(void)
{
	struct sw_pol_conf c = conf_bytes(1000, 15000), bad = conf_bytes(0, 15000);
	struct sw_pol p, before;
	struct sw_pol_state st;
	char err[256];

	init_ok(&p, &c);
	CU_ASSERT_EQUAL(color(&p, 10000, 0), SW_POL_GREEN);
	CU_ASSERT_EQUAL(color(&p, 10000, 0), SW_POL_RED);
	/* Refused: untouched. */
	before = p;
	CU_ASSERT_EQUAL(sw_pol_update(&p, &bad, 8000, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(memcmp(&p, &before, sizeof(p)), 0);
	/* Smaller burst: tokens brought to now (5000 + 1000) then capped. */
	c = conf_bytes(2000, 3000);
	CU_ASSERT_EQUAL(sw_pol_update(&p, &c, 8000, err, sizeof(err)), 0);
	sw_pol_get_state(&p, 8000, &st);
	CU_ASSERT(st.tokens == 3000 && st.burst == 3000);
	CU_ASSERT_EQUAL(p.ctr.frames[SW_POL_GREEN], 1);
	CU_ASSERT_EQUAL(p.ctr.frames[SW_POL_RED], 1);
	/* The new rate from there: 2 bits/us. */
	CU_ASSERT_EQUAL(color(&p, 3000, 8000), SW_POL_GREEN);
	sw_pol_get_state(&p, 12000, &st);
	CU_ASSERT_EQUAL(st.tokens, 1000);
	/* Bigger burst: tokens kept, not filled. */
	c = conf_bytes(2000, 30000);
	CU_ASSERT_EQUAL(sw_pol_update(&p, &c, 12000, err, sizeof(err)), 0);
	sw_pol_get_state(&p, 12000, &st);
	CU_ASSERT_EQUAL(st.tokens, 1000);
	/* Mode change: starts full; counters kept. */
	c = conf_pkts(10, 5);
	CU_ASSERT_EQUAL(sw_pol_update(&p, &c, 12000, err, sizeof(err)), 0);
	sw_pol_get_state(&p, 12000, &st);
	CU_ASSERT_EQUAL(st.tokens, 5);
	CU_ASSERT_EQUAL(p.ctr.frames[SW_POL_GREEN], 2);
	/* Into trTCM: C keeps its tokens, P starts full. */
	c = conf_pkts(10, 5);
	CU_ASSERT_EQUAL(color(&p, 60, 12000), SW_POL_GREEN);
	c.trtcm = true;
	c.peak_rate = 20;
	c.peak_burst = 10;
	CU_ASSERT_EQUAL(sw_pol_update(&p, &c, 12000, err, sizeof(err)), 0);
	sw_pol_get_state(&p, 12000, &st);
	CU_ASSERT(st.tokens == 4 && st.peak_tokens == 10);
	/* Updating a never-used policer: still full. */
	init_ok(&p, &c);
	c.burst = 7;
	CU_ASSERT_EQUAL(sw_pol_update(&p, &c, 5, err, sizeof(err)), 0);
	sw_pol_get_state(&p, 5, &st);
	CU_ASSERT_EQUAL(st.tokens, 7);
}

static void
add_suites(void)
{
	static const struct tu_test edges[] = {
		{ "exactly full bucket", test_exactly_full },
		{ "long idle", test_long_idle },
		{ "time going backwards", test_backwards },
		{ "trTCM per RFC 2698", test_trtcm_rfc2698 },
		{ "exceed actions", test_exceed_actions },
		{ "validation", test_validation },
		{ "live update", test_update },
		{ NULL, NULL },
	};
	static const struct tu_test random[] = {
		{ "byte mode vs reference", test_random_bytes },
		{ "packet mode vs reference", test_random_packets },
		{ "trTCM vs reference", test_random_trtcm },
		{ NULL, NULL },
	};

	tu_add_suite("edges", edges);
	tu_add_suite("random", random);
}

int
main(void)
{
	return tu_run("test-policer", add_suites);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-acl-cache.c - the ACL engine's header cache (switchd/acl.c): it
 * answers exactly as the classifier on IPv4 headers mutated wherever its
 * key's conditions look, also for frames in two pieces
 * (sw_acl_peek_split, which joins within SW_ACL_JOIN_MAX); it grows with
 * its users.  (test-acl.c has the engine itself and its miniflow cache.)
 */
#include <config.h>
#include <ovs-config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovs-rcu.h"
#include "switchd/acl.h"
#include "tests/testutil.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

enum { ICMP = 1, TCP = 6, UDP = 17 };

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * An untagged IPv4 frame into b (128 bytes): 00:00:00:00:00:02 <-
 * 02:00:00:00:00:<src_last>, 10.1.2.3 -> 192.168.1.10, TTL 64, DF, and
 * TCP 40000 -> 22 SYN, UDP 5353 -> 53 or ICMP echo request, with 'payload'
 * bytes; padded to 60.  Checksums stay 0: the ACL does not read them.
 */
static size_t
build4(uint8_t *b, uint8_t proto, uint8_t src_last, size_t payload)
{
	static const uint8_t ips[8] = { 10, 1, 2, 3, 192, 168, 1, 10 };
	uint8_t *ip = b + 14, *l4 = ip + 20;
	size_t l4len = (proto == TCP ? 20 : 8) + payload;

	memset(b, 0, 128);
	b[5] = 0x02;
	b[6] = 0x02;
	b[11] = src_last;
	put16(b + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, ips, 8);
	if (proto == TCP) {
		put16(l4, 40000);
		put16(l4 + 2, 22);
		l4[12] = 5 << 4;
		l4[13] = 0x02;
	} else if (proto == UDP) {
		put16(l4, 5353);
		put16(l4 + 2, 53);
		put16(l4 + 4, (uint16_t)l4len);
	} else {
		l4[0] = 8;
	}
	for (size_t i = 0; i < payload; i++)
		l4[l4len - payload + i] = (uint8_t)(i * 7);
	return 34 + l4len < 60 ? 60 : 34 + l4len;
}

/* An IPv6 TCP frame's headers at the start of b (the rest as it is). */
static void
build6(uint8_t *b)
{
	uint8_t *ip = b + 14;

	b[5] = 0x02;
	b[6] = 0x02;
	b[11] = 1;
	put16(b + 12, 0x86dd);
	ip[0] = 0x60;
	put16(ip + 4, 20);
	ip[6] = TCP;
	ip[7] = 64;
	ip[8] = 0x20, ip[9] = 0x01, ip[23] = 1;
	ip[24] = 0x20, ip[25] = 0x01, ip[39] = 2;
	put16(ip + 40, 40000);
	put16(ip + 42, 443);
	ip[52] = 5 << 4;
	ip[53] = 0x02;
}

static struct sw_acl *
mk(const struct sw_acl_rule_spec *r, size_t n, const char *dflt, uint32_t cache)
{
	char err[512] = "";
	struct sw_acl *acl = sw_acl_create(r, n, dflt, cache, err, sizeof(err));

	if (!acl)
		fprintf(stderr, "sw_acl_create: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(acl);
	return acl;
}

static void
done(struct sw_acl *acl)
{
	sw_acl_destroy(acl);
	ovsrcu_quiesce(); /* run the classifier's postponed frees */
}

static int32_t
eval_frame(struct sw_acl *acl, const uint8_t *b, size_t len, uint16_t vlan)
{
	struct sw_acl_result r;

	sw_acl_eval(acl, b, len, vlan, &r);
	return r.rule;
}

/* A cheap generator of its own, so the other tests' sequences stay as
 * they were. */
static uint32_t hc_rng = 12345;

static uint32_t
hc_rnd(uint32_t n)
{
	hc_rng ^= hc_rng << 13;
	hc_rng ^= hc_rng >> 17;
	hc_rng ^= hc_rng << 5;
	return hc_rng % n;
}

/*
 * The header cache reads its key from the header bytes; it must answer
 * exactly as the classifier does for every frame it takes, and leave every
 * other frame to the miniflow path.  IPv4 frames with their headers
 * mutated at the places the key's conditions look at (version/IHL, total
 * length, fragment bits, protocol, TCP data offset and flags, the frame
 * length) go through an ACL with the cache, twice each in a shuffled pool
 * (so that answers come from the cache), and one without: the rules must
 * be the same.  Rules on the fields whose absence or value the conditions
 * decide (tp_dst=0 matches an L4 header that was not parsed).
 */
static void
test_header_cache_exact(void)
{
	static const struct sw_acl_rule_spec r[] = {
		{ 90, "ip,ip_frag=later", "deny" },
		{ 89, "ip,ip_frag=first", "deny" },
		{ 88, "tcp,tcp_flags=+syn+ack", "deny" },
		{ 87, "tcp,tp_dst=0", "deny" },
		{ 86, "udp,tp_dst=0", "deny" },
		{ 85, "icmp,icmp_type=0,icmp_code=0", "deny" },
		{ 84, "tcp,tcp_flags=+fin", "set_pcp=1" },
		{ 83, "ip,nw_ttl=1", "deny" },
		{ 82, "ip,ip_ecn=3", "set_pcp=2" },
		{ 81, "ip,ip_dscp=46", "set_pcp=3" },
		{ 80, "tcp,tp_src=40000,tp_dst=22", "deny" },
		{ 79, "udp,tp_src=5353", "set_dscp=10" },
		{ 78, "icmp,icmp_type=8", "set_pcp=4" },
		{ 77, "dl_vlan=10,dl_vlan_pcp=5", "set_pcp=5" },
		{ 76, "dl_vlan=11", "set_pcp=6" },
		{ 75, "dl_src=02:00:00:00:00:03", "set_pcp=7" },
		{ 70, "ip,nw_proto=47", "deny" },
		{ 60, "tcp", "set_dscp=1" },
		{ 59, "udp", "set_dscp=2" },
		{ 58, "icmp", "set_dscp=3" },
		{ 50, "ip", "set_dscp=4" },
	};
	enum { POOL_N = 64, ROUNDS = 400 };
	struct sw_acl *c = mk(r, N_ELEMS(r), "deny", 256), *nc = mk(r, N_ELEMS(r), "deny", 0);
	uint8_t(*pool)[128] = calloc(POOL_N, sizeof(*pool));
	size_t lens[POOL_N], bad = 0, n = 0;
	uint16_t tcis[POOL_N];
	struct sw_acl_stats st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pool);
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < POOL_N; i++) {
			uint8_t proto = hc_rnd(3) == 0 ? UDP : hc_rnd(2) ? TCP : ICMP;
			uint8_t *b = pool[i], *ip = b + 14, *l4 = ip + 20;

			size_t payload = hc_rnd(3) ? 10 : 0;

			lens[i] = build4(b, proto, hc_rnd(4) == 0 ? 3 : 1, payload);
			tcis[i] = (uint16_t)(hc_rnd(2) ? 0
						       : (hc_rnd(8) << 13 | (10 + hc_rnd(2))));
			/* Up to three mutations each. */
			for (int m = (int)hc_rnd(4); m > 0; m--) {
				switch (hc_rnd(10)) {
				case 0:
					ip[0] = (uint8_t)(hc_rnd(2) ? 0x46
							: hc_rnd(2) ? 0x44
								    : 0x55);
					break;
				case 1:
					put16(ip + 2, (uint16_t)hc_rnd(80));
					break;
				case 2:
					ip[6] = (uint8_t)(hc_rnd(4) << 5 | hc_rnd(2));
					ip[7] = (uint8_t)hc_rnd(2);
					break;
				case 3:
					ip[9] = (uint8_t)(hc_rnd(2) ? 47 : hc_rnd(2) ? 6 : 17);
					break;
				case 4:
					l4[12] = (uint8_t)(hc_rnd(16) << 4 | hc_rnd(16));
					break;
				case 5:
					l4[13] = (uint8_t)hc_rnd(256);
					break;
				case 6:
					lens[i] = 14 + hc_rnd(60);
					break;
				case 7:
					ip[8] = (uint8_t)hc_rnd(3);
					break;
				case 8:
					ip[1] = (uint8_t)hc_rnd(256);
					break;
				default:
					put16(l4 + 2,
						(uint16_t)hc_rnd(3)); /* dst port / code */
					break;
				}
			}
		}
		for (int k = 0; k < 2 * POOL_N; k++) {
			int i = (int)hc_rnd(POOL_N);
			struct sw_acl_result a, b, sp;
			uint8_t tagged[160];

			sw_acl_peek_tci(c, pool[i], lens[i], tcis[i], &a);
			sw_acl_peek_tci(nc, pool[i], lens[i], tcis[i], &b);
			/* The same frame in two pieces, a VN-Tag between. */
			memcpy(tagged, pool[i], 12);
			put16(tagged + 12, 0x8926);
			memset(tagged + 14, 0, 4);
			memcpy(tagged + 18, pool[i] + 12, lens[i] - 12);
			CU_ASSERT_EQUAL(sw_acl_peek_split(c, tagged, tagged + 18, lens[i] - 12,
						tcis[i], &sp),
				0);
			n++;
			if ((a.rule != b.rule || sp.rule != b.rule) && bad++ < 5)
				fprintf(stderr,
					"frame %d (len %zu, tci %#x): cache %d, split %d, "
					"classifier %d\n",
					i, lens[i], tcis[i], a.rule, sp.rule, b.rule);
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	sw_acl_get_stats(c, &st);
	CU_ASSERT(st.cache_hits > n / 2); /* the cache did answer */
	CU_ASSERT(st.cache_misses + st.uncacheable > 0);
	free(pool);
	done(c);
	done(nc);
}

/* The header cache grows with its users (never past max_users or
 * SW_ACL_CACHE_MAX), answers the same after growing, and the prefetch
 * changes nothing. */
static void
test_cache_users(void)
{
	struct sw_acl_rule_spec r[] = { { 10, "tcp,tp_dst=22", "deny" } };
	struct sw_acl *acl = mk(r, 1, NULL, 64), *nc = mk(r, 1, NULL, 0);
	struct sw_acl_stats st;
	uint8_t b[128];
	size_t len = build4(b, TCP, 1, 10);

	CU_ASSERT_EQUAL(eval_frame(acl, b, len, 10), 0);
	sw_acl_add_users(acl, 10, 0); /* 40 entries: 64 is enough */
	sw_acl_get_stats(acl, &st);
	CU_ASSERT_EQUAL(st.cache_entries, 64);
	sw_acl_add_users(acl, 1000, 0);
	sw_acl_get_stats(acl, &st);
	CU_ASSERT_EQUAL(st.cache_entries, 4096); /* 1010 x 4, a power of two */
	sw_acl_add_users(acl, 100000, 2000);
	sw_acl_get_stats(acl, &st);
	CU_ASSERT_EQUAL(st.cache_entries, 8192); /* capped at 2000 users */
	sw_acl_add_users(acl, UINT32_MAX, 0);
	sw_acl_get_stats(acl, &st);
	CU_ASSERT_EQUAL(st.cache_entries, SW_ACL_CACHE_MAX);
	sw_acl_prefetch(acl, b, b + 12, len - 12, 10);
	sw_acl_prefetch(NULL, b, b + 12, len - 12, 10);
	sw_acl_prefetch(nc, b, b + 12, len - 12, 10);
	CU_ASSERT_EQUAL(eval_frame(acl, b, len, 10), 0); /* refilled */
	CU_ASSERT_EQUAL(eval_frame(acl, b, len, 10), 0); /* from the cache */
	sw_acl_get_stats(acl, &st);
	CU_ASSERT_EQUAL(st.cache_misses, 2);
	CU_ASSERT_EQUAL(st.cache_hits, 1);
	sw_acl_add_users(nc, 1000, 0); /* no cache: stays without */
	sw_acl_get_stats(nc, &st);
	CU_ASSERT_EQUAL(st.cache_entries, 0);
	done(acl);
	done(nc);
}

/* sw_acl_peek_split joins what the header cache does not take, within
 * SW_ACL_JOIN_MAX. */
static void
test_split_join_limit(void)
{
	static const struct sw_acl_rule_spec r[] = { { 10, "ipv6", "deny" } };
	struct sw_acl *acl = mk(r, 1, NULL, 64);
	size_t len = SW_ACL_JOIN_MAX + 1;
	uint8_t *f = calloc(1, len), *rest = calloc(1, len);
	struct sw_acl_result res = { .rule = 42 };

	CU_ASSERT_FATAL(f && rest);
	build6(f);
	memcpy(rest, f + 12, len - 12); /* a piece of its own: joined */
	CU_ASSERT_EQUAL(sw_acl_peek_split(acl, f, rest, len - 12, 0, &res), -1);
	CU_ASSERT_EQUAL(res.rule, 42); /* untouched */
	CU_ASSERT_EQUAL(sw_acl_peek_split(acl, f, rest, len - 13, 0, &res), 0);
	CU_ASSERT_EQUAL(res.rule, 0);
	CU_ASSERT_EQUAL(res.verdict, SW_ACL_DENY);
	/* In one piece nothing is joined: any length. */
	res.rule = 42;
	CU_ASSERT_EQUAL(sw_acl_peek_split(acl, f, f + 12, len - 12, 0, &res), 0);
	CU_ASSERT_EQUAL(res.rule, 0);
	free(f);
	free(rest);
	done(acl);
}

static void
add_suites(void)
{
	static const struct tu_test cache[] = {
		{ "header cache answers as the classifier", test_header_cache_exact },
		{ "split frames joined within the limit", test_split_join_limit },
		{ "cache grows with its users", test_cache_users },
		{ NULL, NULL },
	};

	tu_add_suite("header cache", cache);
}

int
main(void)
{
	return tu_run("test-acl-cache", add_suites);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-acl.c - the ACL engine (switchd/acl.c) on frames built here: every
 * documented field and shorthand with masks and prefixes, priorities and
 * ties, the default action, remarking with checksums checked, hit counters,
 * the flow cache across rule changes, counters across live updates, errors
 * naming the rule, and 1,000 random rules in 10 masks checked against a
 * reference matcher written independently of OVS.
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

/* ---- counting allocator (not under sanitizers, which own malloc) ------------ */

#if defined(__SANITIZE_ADDRESS__)
#define NO_ALLOC_HOOK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define NO_ALLOC_HOOK 1
#endif
#endif

/* Test-only global: allocations seen by the interposed allocator. */
static unsigned long n_allocs;

#ifndef NO_ALLOC_HOOK
/* Interposes the process's malloc/calloc/realloc (ours and libopenvswitch's)
 * to prove that the per-frame path allocates nothing. */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
void *
malloc(size_t n)
{
	n_allocs++;
	return __libc_malloc(n);
}
void *
calloc(size_t n, size_t m)
{
	n_allocs++;
	return __libc_calloc(n, m);
}
void *
realloc(void *p, size_t n)
{
	n_allocs++;
	return __libc_realloc(p, n);
}
#endif

/* ---- frames ------------------------------------------------------------------ */

struct pk {
	uint8_t dst[6], src[6];
	int tci;       /* 802.1Q TCI of a tag in the frame, -1 for none */
	uint16_t type; /* 0x0800, 0x86dd, 0x0806 */
	uint8_t proto; /* 6, 17, 1, 58 */
	uint8_t tos;   /* IPv4 TOS / IPv6 traffic class */
	uint8_t ttl;
	uint32_t src4, dst4;
	uint8_t src6[16], dst6[16];
	uint16_t sport, dport; /* ICMP: type, code */
	uint8_t tcp_flags;
	uint16_t arp_op;
	uint32_t label; /* IPv6 flow label */
	size_t payload;
};

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t MAC_B[6] = { 0x00, 0, 0, 0, 0, 0x02 };
static const uint8_t MAC_BC[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += get16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Pseudo-header sum for an L4 checksum. */
static uint32_t
pseudo(const uint8_t *ip, bool v6, uint8_t proto, size_t l4len)
{
	uint32_t s = 0;

	if (v6)
		s = sum16(ip + 8, 32, 0);
	else
		s = sum16(ip + 12, 8, 0);
	return s + proto + (uint32_t)l4len;
}

static size_t
build(const struct pk *p, uint8_t *b)
{
	size_t off = 12, l3, l4, l4len = 0;

	memset(b, 0, 60); /* padding of short frames */
	memcpy(b, p->dst, 6);
	memcpy(b + 6, p->src, 6);
	if (p->tci >= 0) {
		put16(b + off, 0x8100);
		put16(b + off + 2, (uint16_t)p->tci);
		off += 4;
	}
	put16(b + off, p->type);
	l3 = off + 2;
	if (p->type == 0x0806) {
		uint8_t *a = b + l3;

		put16(a, 1);
		put16(a + 2, 0x0800);
		a[4] = 6;
		a[5] = 4;
		put16(a + 6, p->arp_op);
		memcpy(a + 8, p->src, 6);
		put32(a + 14, p->src4);
		memset(a + 18, 0, 6);
		put32(a + 24, p->dst4);
		return l3 + 28 < 60 ? 60 : l3 + 28;
	}
	l4 = l3 + (p->type == 0x0800 ? 20 : 40);
	switch (p->proto) {
	case 6:
		l4len = 20;
		put16(b + l4, p->sport);
		put16(b + l4 + 2, p->dport);
		put32(b + l4 + 4, 1000);
		put32(b + l4 + 8, 0);
		b[l4 + 12] = 5 << 4;
		b[l4 + 13] = p->tcp_flags;
		put16(b + l4 + 14, 65535);
		put32(b + l4 + 16, 0);
		break;
	case 17:
		l4len = 8;
		put16(b + l4, p->sport);
		put16(b + l4 + 2, p->dport);
		put32(b + l4 + 4, 0);
		break;
	default: /* ICMP / ICMPv6 echo-like */
		l4len = 8;
		b[l4] = (uint8_t)p->sport;
		b[l4 + 1] = (uint8_t)p->dport;
		put16(b + l4 + 2, 0);
		put32(b + l4 + 4, 0x12340001);
		break;
	}
	for (size_t i = 0; i < p->payload; i++)
		b[l4 + l4len + i] = (uint8_t)(i * 7);
	l4len += p->payload;
	if (p->proto == 17)
		put16(b + l4 + 4, (uint16_t)l4len);
	if (p->type == 0x0800) {
		uint8_t *ip = b + l3;

		ip[0] = 0x45;
		ip[1] = p->tos;
		put16(ip + 2, (uint16_t)(20 + l4len));
		put32(ip + 4, 0x00014000); /* id 1, DF */
		ip[8] = p->ttl ? p->ttl : 64;
		ip[9] = p->proto;
		put16(ip + 10, 0);
		put32(ip + 12, p->src4);
		put32(ip + 16, p->dst4);
		put16(ip + 10, fold(sum16(ip, 20, 0)));
	} else {
		uint8_t *ip = b + l3;

		put32(ip, 6u << 28 | (uint32_t)p->tos << 20 | (p->label & 0xfffff));
		put16(ip + 4, (uint16_t)l4len);
		ip[6] = p->proto;
		ip[7] = p->ttl ? p->ttl : 64;
		memcpy(ip + 8, p->src6, 16);
		memcpy(ip + 24, p->dst6, 16);
	}
	if (p->proto != 1) { /* ICMPv4 has no pseudo-header */
		size_t ck = p->proto == 6 ? 16 : p->proto == 17 ? 6 : 2;
		uint32_t s = pseudo(b + l3, p->type == 0x86dd, p->proto, l4len);

		put16(b + l4 + ck, fold(sum16(b + l4, l4len, s)));
	} else {
		put16(b + l4 + 2, fold(sum16(b + l4, l4len, 0)));
	}
	return l4 + l4len < 60 ? 60 : l4 + l4len;
}

/* Checksums of a built frame still right?  1 yes, 0 no. */
static int
checksums_ok(const uint8_t *b, size_t len)
{
	size_t l3 = get16(b + 12) == 0x8100 ? 18 : 14;
	uint16_t type = get16(b + l3 - 2);
	const uint8_t *ip = b + l3;
	size_t l4len;
	uint8_t proto;
	uint32_t s;

	(void)len;
	if (type == 0x0800) {
		if (fold(sum16(ip, 20, 0)) != 0)
			return 0;
		proto = ip[9];
		l4len = get16(ip + 2) - 20u;
		s = proto == 1 ? 0 : pseudo(ip, false, proto, l4len);
		return fold(sum16(ip + 20, l4len, s)) == 0;
	}
	if (type == 0x86dd) {
		proto = ip[6];
		l4len = get16(ip + 4);
		s = pseudo(ip, true, proto, l4len);
		return fold(sum16(ip + 40, l4len, s)) == 0;
	}
	return 1;
}

static const uint8_t V6_A[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t V6_B[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 };

static struct pk
pk_tcp4(void)
{
	struct pk p = { .tci = -1, .type = 0x0800, .proto = 6 };

	memcpy(p.dst, MAC_B, 6);
	memcpy(p.src, MAC_A, 6);
	p.src4 = IP4(10, 1, 2, 3);
	p.dst4 = IP4(192, 168, 1, 10);
	p.sport = 40000;
	p.dport = 22;
	p.tcp_flags = 0x02;
	p.payload = 10;
	return p;
}

static struct pk
pk_udp4(void)
{
	struct pk p = pk_tcp4();

	p.proto = 17;
	p.sport = 5353;
	p.dport = 53;
	p.dst4 = IP4(8, 8, 8, 8);
	return p;
}

static struct pk
pk_icmp4(void)
{
	struct pk p = pk_tcp4();

	p.proto = 1;
	p.sport = 8; /* echo request */
	p.dport = 0;
	p.dst4 = IP4(10, 9, 9, 9);
	return p;
}

static struct pk
pk_arp(void)
{
	struct pk p = pk_tcp4();

	memcpy(p.dst, MAC_BC, 6);
	p.type = 0x0806;
	p.arp_op = 1;
	p.dst4 = IP4(10, 1, 2, 1);
	return p;
}

static struct pk
pk_tcp6(void)
{
	struct pk p = pk_tcp4();

	p.type = 0x86dd;
	memcpy(p.src6, V6_A, 16);
	memcpy(p.dst6, V6_B, 16);
	p.dport = 443;
	p.label = 0xabcde;
	return p;
}

static struct pk
pk_udp6(void)
{
	struct pk p = pk_tcp6();

	p.proto = 17;
	p.sport = 5353;
	p.dport = 53;
	return p;
}

static struct pk
pk_icmp6(void)
{
	struct pk p = pk_tcp6();

	p.proto = 58;
	p.sport = 128; /* echo request */
	p.dport = 0;
	return p;
}

/* ---- helpers ------------------------------------------------------------------ */

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

static struct sw_acl_result
eval_pk(struct sw_acl *acl, const struct pk *p, uint16_t vlan)
{
	uint8_t buf[256];
	size_t len = build(p, buf);
	struct sw_acl_result r;

	sw_acl_eval(acl, buf, len, vlan, &r);
	return r;
}

/* ---- fields and shorthands --------------------------------------------------- */

enum { F_TCP4, F_UDP4, F_ICMP4, F_ARP, F_TCP6, F_UDP6, F_ICMP6, F_N };

struct field_case {
	const char *match;
	int8_t expect[F_N]; /* 1 match, 0 no match, for vlan 10 */
};

static const struct field_case field_cases[] = {
	{ "", { 1, 1, 1, 1, 1, 1, 1 } }, { "tcp", { 1, 0, 0, 0, 0, 0, 0 } },
	{ "udp", { 0, 1, 0, 0, 0, 0, 0 } }, { "icmp", { 0, 0, 1, 0, 0, 0, 0 } },
	{ "arp", { 0, 0, 0, 1, 0, 0, 0 } }, { "ip", { 1, 1, 1, 0, 0, 0, 0 } },
	{ "ipv6", { 0, 0, 0, 0, 1, 1, 1 } }, { "tcp6", { 0, 0, 0, 0, 1, 0, 0 } },
	{ "dl_src=02:00:00:00:00:01", { 1, 1, 1, 1, 1, 1, 1 } },
	{ "dl_src=02:00:00:00:00:02", { 0, 0, 0, 0, 0, 0, 0 } },
	{ "dl_src=02:00:00:00:00:00/ff:ff:ff:00:00:00", { 1, 1, 1, 1, 1, 1, 1 } },
	{ "dl_dst=00:00:00:00:00:02", { 1, 1, 1, 0, 1, 1, 1 } },
	{ "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", { 0, 0, 0, 1, 0, 0, 0 } },
	{ "dl_type=0x0806", { 0, 0, 0, 1, 0, 0, 0 } },
	{ "dl_type=0x86dd", { 0, 0, 0, 0, 1, 1, 1 } },
	{ "dl_vlan=10", { 1, 1, 1, 1, 1, 1, 1 } }, { "dl_vlan=11", { 0, 0, 0, 0, 0, 0, 0 } },
	{ "dl_vlan=0xffff", { 0, 0, 0, 0, 0, 0, 0 } },
	{ "ip,nw_src=10.1.2.3", { 1, 1, 1, 0, 0, 0, 0 } },
	{ "ip,nw_src=10.1.2.4", { 0, 0, 0, 0, 0, 0, 0 } },
	{ "ip,nw_src=10.0.0.0/8", { 1, 1, 1, 0, 0, 0, 0 } },
	{ "ip,nw_src=10.1.0.0/255.255.0.0", { 1, 1, 1, 0, 0, 0, 0 } },
	{ "ip,nw_src=10.2.0.0/16", { 0, 0, 0, 0, 0, 0, 0 } },
	{ "ip,nw_dst=192.168.1.0/24", { 1, 0, 0, 0, 0, 0, 0 } },
	{ "ip,nw_dst=8.8.8.8", { 0, 1, 0, 0, 0, 0, 0 } },
	{ "ip,nw_proto=17", { 0, 1, 0, 0, 0, 0, 0 } },
	{ "ip,nw_proto=1", { 0, 0, 1, 0, 0, 0, 0 } },
	{ "ipv6,nw_proto=58", { 0, 0, 0, 0, 0, 0, 1 } },
	{ "ip,ip_dscp=0", { 1, 1, 1, 0, 0, 0, 0 } },
	{ "ip,ip_dscp=46", { 0, 0, 0, 0, 0, 0, 0 } },
	{ "tcp,tp_src=40000", { 1, 0, 0, 0, 0, 0, 0 } },
	{ "tcp,tp_dst=22", { 1, 0, 0, 0, 0, 0, 0 } },
	{ "tcp,tp_dst=23", { 0, 0, 0, 0, 0, 0, 0 } },
	{ "tcp,tp_dst=0x0000/0xff00", { 1, 0, 0, 0, 0, 0, 0 } }, /* ports 0..255 */
	{ "tcp,tp_dst=0x0100/0xff00", { 0, 0, 0, 0, 0, 0, 0 } },
	{ "tcp6,tp_dst=0x0100/0xff00", { 0, 0, 0, 0, 1, 0, 0 } }, /* 443 */
	{ "udp,tp_dst=53", { 0, 1, 0, 0, 0, 0, 0 } },
	{ "udp,tp_src=5353", { 0, 1, 0, 0, 0, 0, 0 } },
	{ "udp6,tp_dst=53", { 0, 0, 0, 0, 0, 1, 0 } },
	{ "icmp,icmp_type=8", { 0, 0, 1, 0, 0, 0, 0 } },
	{ "icmp,tp_src=8,tp_dst=0", { 0, 0, 1, 0, 0, 0, 0 } },
	{ "icmp6,icmp_type=128", { 0, 0, 0, 0, 0, 0, 1 } },
	{ "arp,nw_src=10.1.2.3", { 0, 0, 0, 1, 0, 0, 0 } },
	{ "arp,nw_dst=10.1.2.0/24", { 0, 0, 0, 1, 0, 0, 0 } },
	{ "arp,arp_op=1", { 0, 0, 0, 1, 0, 0, 0 } },
	{ "arp,arp_op=2", { 0, 0, 0, 0, 0, 0, 0 } },
	{ "ipv6,ipv6_src=2001:db8::/32", { 0, 0, 0, 0, 1, 1, 1 } },
	{ "ipv6,ipv6_dst=2001:db8:1::2", { 0, 0, 0, 0, 1, 1, 1 } },
	{ "ipv6,ipv6_dst=2001:db8:2::/48", { 0, 0, 0, 0, 0, 0, 0 } },
	{ "tcp,nw_src=10.1.2.0/24,nw_dst=192.168.0.0/16,tp_dst=22", { 1, 0, 0, 0, 0, 0, 0 } },
	{ "dl_type=0x0800,nw_proto=6", { 1, 0, 0, 0, 0, 0, 0 } },
	{ "  tcp, tp_dst=22 ", { 1, 0, 0, 0, 0, 0, 0 } },
	{ "ip,arp_op=1", { 0, 0, 1, 0, 0, 0, 0 } }, /* arp_op is nw_proto in OVS */
};

static void
test_fields(void)
{
	struct pk pks[F_N] = { pk_tcp4(), pk_udp4(), pk_icmp4(), pk_arp(), pk_tcp6(), pk_udp6(),
		pk_icmp6() };

	for (size_t c = 0; c < N_ELEMS(field_cases); c++) {
		const struct field_case *fc = &field_cases[c];
		struct sw_acl_rule_spec r = { 100, fc->match, "deny" };
		struct sw_acl *acl = mk(&r, 1, NULL, 64);

		for (int f = 0; f < F_N; f++) {
			struct sw_acl_result res = eval_pk(acl, &pks[f], 10);
			int got = res.verdict == SW_ACL_DENY;

			if (got != fc->expect[f])
				fprintf(stderr, "match '%s' frame %d: got %d expected %d\n",
					fc->match, f, got, fc->expect[f]);
			CU_ASSERT_EQUAL(got, fc->expect[f]);
			CU_ASSERT_EQUAL(res.rule, got ? 0 : -1);
		}
		done(acl);
	}
}

/* The vEth's VLAN stands in for the tag; a priority tag's PCP is kept; with
 * vlan 0 the frame's own tag is matched. */
static void
test_vlan(void)
{
	struct sw_acl_rule_spec r[] = {
		{ 300, "dl_vlan=10,dl_vlan_pcp=5", "set_pcp=1" },
		{ 200, "dl_vlan=10", "deny" },
		{ 100, "dl_vlan=0xffff", "set_dscp=1" },
		{ 50, "dl_vlan=20", "set_dscp=2" },
	};
	struct sw_acl *acl = mk(r, N_ELEMS(r), "allow", 64);
	struct pk p = pk_tcp4();

	CU_ASSERT_EQUAL(eval_pk(acl, &p, 10).rule, 1);
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 0).rule, 2); /* untagged, no VLAN */
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 30).rule, -1);
	p.tci = 5 << 13; /* priority tag, PCP 5 */
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 10).rule, 0);
	p.tci = 20; /* tagged frame, vlan 0: the frame's VID counts */
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 0).rule, 3);
	p.tci = 20; /* given VLAN overrides the frame's VID */
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 10).rule, 1);
	done(acl);
}

/* ---- priorities, default -------------------------------------------------------- */

static void
test_priorities(void)
{
	struct sw_acl_rule_spec r[] = {
		{ 100, "tcp", "deny" },
		{ 200, "tcp,tp_dst=22", "allow" },
		{ 50, "ip", "set_dscp=10" },
		{ 65535, "ip,nw_dst=10.9.9.9", "set_pcp=6" },
		{ 0, "", "deny" },
	};
	struct sw_acl *acl = mk(r, N_ELEMS(r), NULL, 0);
	struct pk p = pk_tcp4();
	struct sw_acl_result res;

	res = eval_pk(acl, &p, 10);
	CU_ASSERT_EQUAL(res.rule, 1);
	CU_ASSERT_EQUAL(res.verdict, SW_ACL_ALLOW);
	p.dport = 80;
	res = eval_pk(acl, &p, 10);
	CU_ASSERT_EQUAL(res.rule, 0);
	CU_ASSERT_EQUAL(res.verdict, SW_ACL_DENY);
	p = pk_udp4();
	res = eval_pk(acl, &p, 10);
	CU_ASSERT_EQUAL(res.rule, 2);
	CU_ASSERT_EQUAL(res.dscp, 10);
	CU_ASSERT_EQUAL(res.pcp, -1);
	p = pk_icmp4();
	res = eval_pk(acl, &p, 10);
	CU_ASSERT_EQUAL(res.rule, 3);
	CU_ASSERT_EQUAL(res.pcp, 6);
	CU_ASSERT_EQUAL(res.verdict, SW_ACL_ALLOW);
	p = pk_arp();
	res = eval_pk(acl, &p, 10);
	CU_ASSERT_EQUAL(res.rule, 4);
	CU_ASSERT_EQUAL(res.verdict, SW_ACL_DENY);
	done(acl);

	/* Equal priorities: the rule listed first wins, both ways round. */
	{
		struct sw_acl_rule_spec a[] = { { 10, "ip", "deny" }, { 10, "tcp", "allow" } };
		struct sw_acl_rule_spec b[] = { { 10, "tcp", "allow" }, { 10, "ip", "deny" } };
		struct sw_acl *x = mk(a, 2, NULL, 64), *y = mk(b, 2, NULL, 64);

		p = pk_tcp4();
		res = eval_pk(x, &p, 0);
		CU_ASSERT_EQUAL(res.rule, 0);
		CU_ASSERT_EQUAL(res.verdict, SW_ACL_DENY);
		res = eval_pk(y, &p, 0);
		CU_ASSERT_EQUAL(res.rule, 0);
		CU_ASSERT_EQUAL(res.verdict, SW_ACL_ALLOW);
		done(x);
		done(y);
	}
}

static void
test_default(void)
{
	struct sw_acl_rule_spec r = { 10, "udp", "allow" };
	struct pk p = pk_tcp4();
	struct sw_acl_result res;
	struct sw_acl *acl;
	char buf[32];

	acl = mk(&r, 1, NULL, 16);
	res = eval_pk(acl, &p, 0);
	CU_ASSERT(res.verdict == SW_ACL_ALLOW && res.rule == -1);
	CU_ASSERT_EQUAL(sw_acl_default_action(acl).type, SW_ACL_ACT_ALLOW);
	done(acl);

	acl = mk(&r, 1, "deny", 16);
	res = eval_pk(acl, &p, 0);
	CU_ASSERT(res.verdict == SW_ACL_DENY && res.rule == -1);
	done(acl);

	acl = mk(&r, 1, " set_pcp=3 ", 16);
	res = eval_pk(acl, &p, 0);
	CU_ASSERT(res.verdict == SW_ACL_ALLOW && res.rule == -1 && res.pcp == 3);
	sw_acl_format_action(sw_acl_default_action(acl), buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "set_pcp=3");
	done(acl);

	/* No rules at all. */
	acl = mk(NULL, 0, "deny", 0);
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 0).verdict, SW_ACL_DENY);
	CU_ASSERT_EQUAL(sw_acl_n_rules(acl), 0);
	done(acl);

	/* A NULL ACL allows everything. */
	{
		uint8_t f[64] = { 0 };

		sw_acl_eval(NULL, f, sizeof(f), 0, &res);
		CU_ASSERT(res.verdict == SW_ACL_ALLOW && res.rule == -1 && res.pcp == -1 &&
			res.dscp == -1);
	}
}

/* ---- actions and remarking on real frames ------------------------------------------ */

static void
check_dscp_frame(struct pk p, bool ip, bool v6)
{
	struct sw_acl_rule_spec r = { 1, "", "set_dscp=46" };
	struct sw_acl *acl = mk(&r, 1, NULL, 16);
	uint8_t buf[256], orig[256];
	size_t len, l3;
	struct sw_acl_result res;
	int pcp;

	p.tos = 0x01; /* ECN ECT(1): must survive */
	len = build(&p, buf);
	memcpy(orig, buf, len);
	CU_ASSERT_EQUAL_FATAL(checksums_ok(buf, len), 1);
	sw_acl_eval(acl, buf, len, 10, &res);
	CU_ASSERT_EQUAL(res.dscp, 46);
	pcp = sw_acl_apply(&res, buf, len, 4);
	CU_ASSERT_EQUAL(pcp, 4); /* no set_pcp: the PCP it had */
	CU_ASSERT_EQUAL(checksums_ok(buf, len), 1);
	l3 = p.tci >= 0 ? 18 : 14;
	if (!ip) {
		CU_ASSERT_EQUAL(memcmp(buf, orig, len), 0);
	} else if (!v6) {
		CU_ASSERT_EQUAL(buf[l3 + 1], 46 << 2 | 0x01);
		/* Only the TOS and the header checksum changed. */
		for (size_t i = 0; i < len; i++)
			if (i != l3 + 1 && i != l3 + 10 && i != l3 + 11)
				CU_ASSERT_EQUAL(buf[i], orig[i]);
	} else {
		uint32_t w = (uint32_t)get16(buf + l3) << 16 | get16(buf + l3 + 2);

		CU_ASSERT_EQUAL(w >> 28, 6);
		CU_ASSERT_EQUAL((w >> 20) & 0xff, 46 << 2 | 0x01);
		CU_ASSERT_EQUAL(w & 0xfffff, p.label);
		CU_ASSERT_EQUAL(memcmp(buf + l3 + 4, orig + l3 + 4, len - l3 - 4), 0);
	}
	/* The rewritten frame classifies on its new DSCP. */
	if (ip) {
		struct sw_acl_rule_spec q = { 1, v6 ? "ipv6,ip_dscp=46" : "ip,ip_dscp=46",
			"deny" };
		struct sw_acl *chk = mk(&q, 1, NULL, 16);

		sw_acl_eval(chk, buf, len, 0, &res);
		CU_ASSERT_EQUAL(res.verdict, SW_ACL_DENY);
		done(chk);
	}
	done(acl);
}

static void
test_remark_dscp(void)
{
	struct pk tagged = pk_udp4();

	check_dscp_frame(pk_tcp4(), true, false);
	check_dscp_frame(pk_udp4(), true, false);
	check_dscp_frame(pk_icmp4(), true, false);
	check_dscp_frame(pk_arp(), false, false);
	check_dscp_frame(pk_tcp6(), true, true);
	check_dscp_frame(pk_udp6(), true, true);
	check_dscp_frame(pk_icmp6(), true, true);
	tagged.tci = 3 << 13 | 10;
	check_dscp_frame(tagged, true, false);
	tagged = pk_tcp6();
	tagged.tci = 10;
	check_dscp_frame(tagged, true, true);

	/* Every DSCP value on IPv4: the incremental checksum equals a full
	 * recomputation. */
	for (unsigned d = 0; d < 64; d++) {
		struct pk p = pk_tcp4();
		uint8_t buf[128];
		size_t len;

		p.tos = 0xff;
		p.ttl = (uint8_t)(d * 4 + 1);
		len = build(&p, buf);
		CU_ASSERT_EQUAL(sw_acl_set_dscp(buf, len, (uint8_t)d), 1);
		CU_ASSERT_EQUAL(buf[15], d << 2 | 3);
		CU_ASSERT_EQUAL(checksums_ok(buf, len), 1);
	}
	/* Short or odd frames. */
	{
		struct pk p = pk_tcp4();
		uint8_t buf[128];
		size_t len = build(&p, buf);

		CU_ASSERT_EQUAL(sw_acl_set_dscp(buf, 13, 1), -1);
		CU_ASSERT_EQUAL(sw_acl_set_dscp(buf, 14 + 19, 1), -1);
		buf[14] = 0x65; /* claims IPv4, version 6 */
		CU_ASSERT_EQUAL(sw_acl_set_dscp(buf, len, 1), -1);
	}
}

static void
test_remark_pcp_and_deny(void)
{
	struct sw_acl_rule_spec r[] = { { 20, "tcp", "set_pcp=5" }, { 10, "udp", "deny" } };
	struct sw_acl *acl = mk(r, 2, NULL, 16);
	struct pk p = pk_tcp4();
	uint8_t buf[256], orig[256];
	struct sw_acl_result res;
	size_t len;

	len = build(&p, buf);
	memcpy(orig, buf, len);
	sw_acl_eval(acl, buf, len, 10, &res);
	CU_ASSERT(res.verdict == SW_ACL_ALLOW && res.pcp == 5 && res.dscp == -1);
	CU_ASSERT_EQUAL(sw_acl_apply(&res, buf, len, 0), 5);
	CU_ASSERT_EQUAL(memcmp(buf, orig, len), 0); /* untagged: the pipeline writes the tag */

	p.tci = 2 << 13 | 1 << 12 | 10; /* PCP 2, DEI, VID 10 */
	len = build(&p, buf);
	sw_acl_eval(acl, buf, len, 10, &res);
	CU_ASSERT_EQUAL(sw_acl_apply(&res, buf, len, 2), 5);
	CU_ASSERT_EQUAL(get16(buf + 14), 5 << 13 | 1 << 12 | 10);
	CU_ASSERT_EQUAL(checksums_ok(buf, len), 1);

	p = pk_udp4();
	len = build(&p, buf);
	sw_acl_eval(acl, buf, len, 10, &res);
	CU_ASSERT(
		res.verdict == SW_ACL_DENY && res.rule == 1 && res.pcp == -1 && res.dscp == -1);
	done(acl);
}

/* ---- counters ------------------------------------------------------------------- */

static void
test_counters(void)
{
	struct sw_acl_rule_spec r[] = { { 20, "tcp", "allow" }, { 10, "udp", "deny" } };
	struct sw_acl *acl = mk(r, 2, "deny", 64);
	struct pk tcp = pk_tcp4(), udp = pk_udp4(), arp = pk_arp();
	struct sw_acl_rule_info ri;
	struct sw_acl_stats st;
	uint64_t h, b;
	uint8_t buf[256];
	size_t tl = build(&tcp, buf), ul = build(&udp, buf), al = build(&arp, buf);

	for (int i = 0; i < 7; i++)
		eval_pk(acl, &tcp, 10);
	for (int i = 0; i < 3; i++)
		eval_pk(acl, &udp, 10);
	for (int i = 0; i < 2; i++)
		eval_pk(acl, &arp, 10);
	CU_ASSERT_EQUAL(sw_acl_rule_get(acl, 0, &ri), 0);
	CU_ASSERT_EQUAL(ri.priority, 20);
	CU_ASSERT_STRING_EQUAL(ri.match, "tcp");
	CU_ASSERT(ri.hits == 7 && ri.bytes == 7 * tl);
	CU_ASSERT_EQUAL(sw_acl_rule_get(acl, 1, &ri), 0);
	CU_ASSERT(ri.hits == 3 && ri.bytes == 3 * ul && ri.action.type == SW_ACL_ACT_DENY);
	CU_ASSERT_EQUAL(sw_acl_rule_get(acl, 2, &ri), -1);
	sw_acl_default_hits(acl, &h, &b);
	CU_ASSERT(h == 2 && b == 2 * al);

	/* peek decides without counting. */
	{
		struct sw_acl_result res;

		build(&tcp, buf);
		sw_acl_peek(acl, buf, tl, 10, &res);
		CU_ASSERT_EQUAL(res.rule, 0);
		sw_acl_rule_get(acl, 0, &ri);
		CU_ASSERT_EQUAL(ri.hits, 7);
	}
	sw_acl_get_stats(acl, &st);
	CU_ASSERT_EQUAL(st.lookups, 13);
	CU_ASSERT_EQUAL(st.cache_misses, 3); /* one per distinct flow */
	CU_ASSERT_EQUAL(st.cache_hits, 10);
	CU_ASSERT_EQUAL(st.n_rules, 2);

	sw_acl_clear_counters(acl);
	sw_acl_rule_get(acl, 0, &ri);
	sw_acl_default_hits(acl, &h, &b);
	CU_ASSERT(ri.hits == 0 && h == 0);
	done(acl);
}

/* ---- cache and live updates ------------------------------------------------------- */

static void
test_cache_invalidation(void)
{
	struct sw_acl_rule_spec r1[] = { { 10, "udp", "deny" } };
	struct sw_acl_rule_spec r2[] = { { 10, "udp", "deny" },
		{ 20, "tcp,tp_dst=22", "deny" } };
	struct sw_acl *acl = mk(r1, 1, NULL, 64);
	struct pk p = pk_tcp4();
	struct sw_acl_stats st;
	char err[256];

	for (int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(eval_pk(acl, &p, 10).verdict, SW_ACL_ALLOW);
	sw_acl_get_stats(acl, &st);
	CU_ASSERT(st.cache_hits == 4 && st.cache_misses == 1);
	CU_ASSERT_EQUAL(st.generation, 1);

	CU_ASSERT_EQUAL_FATAL(sw_acl_replace(acl, r2, 2, NULL, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 10).verdict, SW_ACL_DENY); /* was cached allowed */
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 10).rule, 1);
	sw_acl_get_stats(acl, &st);
	CU_ASSERT_EQUAL(st.generation, 2);
	CU_ASSERT(st.cache_hits == 5 && st.cache_misses == 2);

	/* Only the default changes: still a rule change for the cache. */
	p.dport = 80;
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 10).verdict, SW_ACL_ALLOW);
	CU_ASSERT_EQUAL_FATAL(sw_acl_replace(acl, r2, 2, "deny", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 10).verdict, SW_ACL_DENY);

	/* Back to the first set: port 22 allowed again. */
	p.dport = 22;
	CU_ASSERT_EQUAL_FATAL(sw_acl_replace(acl, r1, 1, NULL, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 10).verdict, SW_ACL_ALLOW);
	done(acl);
}

static void
test_live_update_counters(void)
{
	struct sw_acl_rule_spec old[] = {
		{ 100, "tcp,nw_dst=192.168.1.0/24", "allow" }, /* A */
		{ 90, "udp", "deny" },                         /* B */
		{ 80, "icmp", "set_dscp=8" },                  /* C */
		{ 70, "ipv6", "allow" },                       /* D */
	};
	struct sw_acl_rule_spec nw[] = {
		{ 5, "arp", "deny" },                          /* new */
		{ 80, "icmp", "set_dscp=9" },                  /* C, action changed */
		{ 100, "nw_dst=192.168.1.0/24,tcp", "allow" }, /* A, other spelling */
		{ 71, "ipv6", "allow" },                       /* D, priority changed */
		{ 90, "udp", "deny" },                         /* B */
	};
	struct sw_acl *acl = mk(old, N_ELEMS(old), NULL, 64);
	struct pk tcp = pk_tcp4(), udp = pk_udp4(), icmp = pk_icmp4(), v6 = pk_tcp6();
	struct sw_acl_rule_info ri;
	uint64_t h, b, before[4];
	char err[256];

	for (int i = 0; i < 4; i++)
		eval_pk(acl, &tcp, 0);
	for (int i = 0; i < 3; i++)
		eval_pk(acl, &udp, 0);
	for (int i = 0; i < 2; i++)
		eval_pk(acl, &icmp, 0);
	eval_pk(acl, &v6, 0);
	eval_pk(acl, &v6, 0);
	for (int i = 0; i < 4; i++) {
		sw_acl_rule_get(acl, (size_t)i, &ri);
		before[i] = ri.hits;
	}
	CU_ASSERT(before[0] == 4 && before[1] == 3 && before[2] == 2 && before[3] == 2);
	sw_acl_default_hits(acl, &h, &b);
	{
		struct pk arp = pk_arp();

		eval_pk(acl, &arp, 0);
	}

	CU_ASSERT_EQUAL_FATAL(
		sw_acl_replace(acl, nw, N_ELEMS(nw), "allow", err, sizeof(err)), 0);
	sw_acl_rule_get(acl, 0, &ri);
	CU_ASSERT_EQUAL(ri.hits, 0);
	sw_acl_rule_get(acl, 1, &ri);
	CU_ASSERT_EQUAL(ri.hits, 0);
	sw_acl_rule_get(acl, 2, &ri);
	CU_ASSERT_EQUAL(ri.hits, 4);
	CU_ASSERT_STRING_EQUAL(ri.match, "nw_dst=192.168.1.0/24,tcp");
	sw_acl_rule_get(acl, 3, &ri);
	CU_ASSERT_EQUAL(ri.hits, 0);
	sw_acl_rule_get(acl, 4, &ri);
	CU_ASSERT_EQUAL(ri.hits, 3);
	sw_acl_default_hits(acl, &h, &b);
	CU_ASSERT_EQUAL(h, 1); /* default unchanged ("allow" both times) */
	/* Counting goes on from there. */
	eval_pk(acl, &tcp, 0);
	sw_acl_rule_get(acl, 2, &ri);
	CU_ASSERT_EQUAL(ri.hits, 5);

	/* A changed default starts from zero. */
	CU_ASSERT_EQUAL_FATAL(
		sw_acl_replace(acl, nw, N_ELEMS(nw), "deny", err, sizeof(err)), 0);
	sw_acl_default_hits(acl, &h, &b);
	CU_ASSERT_EQUAL(h, 0);
	sw_acl_rule_get(acl, 2, &ri);
	CU_ASSERT_EQUAL(ri.hits, 5);

	/* Duplicated rules keep one counter each. */
	{
		struct sw_acl_rule_spec d[] = { { 1, "tcp", "allow" }, { 1, "tcp", "allow" } };
		struct sw_acl_rule_spec d1[] = { { 1, "tcp", "allow" } };

		CU_ASSERT_EQUAL_FATAL(sw_acl_replace(acl, d, 2, NULL, err, sizeof(err)), 0);
		eval_pk(acl, &tcp, 0); /* the first one takes it */
		CU_ASSERT_EQUAL_FATAL(sw_acl_replace(acl, d, 2, NULL, err, sizeof(err)), 0);
		sw_acl_rule_get(acl, 0, &ri);
		CU_ASSERT_EQUAL(ri.hits, 1);
		sw_acl_rule_get(acl, 1, &ri);
		CU_ASSERT_EQUAL(ri.hits, 0);
		CU_ASSERT_EQUAL_FATAL(sw_acl_replace(acl, d1, 1, NULL, err, sizeof(err)), 0);
		sw_acl_rule_get(acl, 0, &ri);
		CU_ASSERT_EQUAL(ri.hits, 1);
	}
	done(acl);
}

/* ---- errors ------------------------------------------------------------------------ */

struct bad_case {
	int64_t priority;
	const char *match, *action;
	const char *expect; /* prefix of the message after "rule 3 (priority P): " */
};

static const struct bad_case bad_cases[] = {
	{ 100, "tcp,nw_dst=10.0.0.0/33", "deny",
		"cannot parse match 'tcp,nw_dst=10.0.0.0/33': 10.0.0.0/33: " },
	{ 100, "tp_dst=22", "deny",
		"cannot parse match 'tp_dst=22': field tp_dst needs tcp, udp, sctp or icmp in the match" },
	{ 100, "ipv6,tp_dst=3", "deny",
		"cannot parse match 'ipv6,tp_dst=3': field tp_dst needs tcp, udp" },
	{ 100, "dl_vlan=5000", "deny",
		"cannot parse match 'dl_vlan=5000': dl_vlan=5000: value out of range for field dl_vlan" },
	{ 100, "ip,ip_dscp=64", "deny",
		"cannot parse match 'ip,ip_dscp=64': ip_dscp=64: value out of range" },
	{ 100, "ip,nw_tos=3", "deny",
		"cannot parse match 'ip,nw_tos=3': nw_tos=3: value out of range" },
	{ 100, "dl_vlan_pcp=8", "deny",
		"cannot parse match 'dl_vlan_pcp=8': dl_vlan_pcp=8: value out of range" },
	{ 100, "ipv6,nw_src=10.0.0.1", "deny",
		"cannot parse match 'ipv6,nw_src=10.0.0.1': field nw_src needs ip (or arp) in the match" },
	{ 100, "ip,tcp_flags=+syn", "deny",
		"cannot parse match 'ip,tcp_flags=+syn': field tcp_flags needs tcp or tcp6" },
	{ 100, "ip_dscp=10", "deny",
		"cannot parse match 'ip_dscp=10': field ip_dscp needs ip or ipv6 in the match" },
	{ 100, "foo=1", "deny", "cannot parse match 'foo=1': unknown keyword foo" },
	{ 100, "priority=5,tcp", "deny", "cannot parse match 'priority=5,tcp': " },
	{ 100, "in_port=1", "deny",
		"cannot parse match 'in_port=1': field in_port is not a frame header field" },
	{ 100, "reg0=1", "deny", "cannot parse match 'reg0=1': field reg0 is not" },
	{ 100, "tcp,pkt_mark=1", "deny",
		"cannot parse match 'tcp,pkt_mark=1': field pkt_mark is not a frame header field" },
	{ 100, "table=3", "deny", "cannot parse match 'table=3': table, out_port" },
	{ 100, "tcp,tp_dst=99999", "deny", "cannot parse match 'tcp,tp_dst=99999': " },
	{ 100, "ip,nw_src=1.2.3", "deny", "cannot parse match 'ip,nw_src=1.2.3': " },
	{ 100, "dl_src=zz:00:00:00:00:00", "deny",
		"cannot parse match 'dl_src=zz:00:00:00:00:00': " },
	{ 100, "tcp,actions=drop", "deny", "cannot parse match 'tcp,actions=drop': " },
	{ 100, "tcp", "drop",
		"unknown action 'drop' (expected allow, deny, set_pcp=0..7 or set_dscp=0..63)" },
	{ 100, "tcp", "set_pcp=8", "bad action 'set_pcp=8': set_pcp takes 0..7" },
	{ 100, "tcp", "set_dscp=64", "bad action 'set_dscp=64': set_dscp takes 0..63" },
	{ 100, "tcp", "set_dscp=", "bad action 'set_dscp=': set_dscp takes 0..63" },
	{ 100, "tcp", "set_dscp= ", "bad action 'set_dscp= ': set_dscp takes 0..63" },
	{ 100, "tcp", "set_pcp=1x", "bad action 'set_pcp=1x': set_pcp takes 0..7" },
	{ 100, "tcp", "set_dscp=-1", "bad action 'set_dscp=-1'" },
	{ 100, "tcp", "allow,deny", "unknown action 'allow,deny'" },
	{ 100, "tcp", NULL, "unknown action '(none)'" },
	{ 100, "tcp", "", "unknown action ''" },
	{ -1, "tcp", "deny", "priority out of range 0..65535" },
	{ 65536, "tcp", "deny", "priority out of range 0..65535" },
};

static void
test_errors(void)
{
	struct sw_acl_rule_spec ok[] = { { 10, "udp", "deny" } };
	struct sw_acl *live = mk(ok, 1, NULL, 16);
	struct pk udp = pk_udp4();

	eval_pk(live, &udp, 0);
	for (size_t c = 0; c < N_ELEMS(bad_cases); c++) {
		const struct bad_case *bc = &bad_cases[c];
		struct sw_acl_rule_spec r[] = {
			{ 1, "ip", "allow" },
			{ 2, "arp", "deny" },
			{ bc->priority, bc->match, bc->action },
			{ 4, "udp", "allow" },
		};
		char err[512] = "", expect[512];
		struct sw_acl_rule_info ri;

		snprintf(expect, sizeof(expect), "rule 3 (priority %lld): %s",
			(long long)bc->priority, bc->expect);
		CU_ASSERT_PTR_NULL(sw_acl_create(r, N_ELEMS(r), NULL, 16, err, sizeof(err)));
		if (strncmp(err, expect, strlen(expect)))
			fprintf(stderr, "got:    %s\nexpect: %s...\n", err, expect);
		CU_ASSERT_EQUAL(strncmp(err, expect, strlen(expect)), 0);
		err[0] = 0;
		CU_ASSERT_EQUAL(sw_acl_check(r, N_ELEMS(r), NULL, err, sizeof(err)), -1);
		CU_ASSERT_EQUAL(strncmp(err, expect, strlen(expect)), 0);
		/* A failed live update leaves the ACL as it was. */
		CU_ASSERT_EQUAL(
			sw_acl_replace(live, r, N_ELEMS(r), NULL, err, sizeof(err)), -1);
		CU_ASSERT_EQUAL(strncmp(err, expect, strlen(expect)), 0);
		CU_ASSERT_EQUAL(sw_acl_n_rules(live), 1);
		sw_acl_rule_get(live, 0, &ri);
		CU_ASSERT_EQUAL(ri.hits, 1);
		CU_ASSERT_EQUAL(eval_pk(live, &udp, 0).verdict, SW_ACL_DENY);
		sw_acl_rule_get(live, 0, &ri);
		CU_ASSERT_EQUAL(ri.hits, 2);
		sw_acl_clear_counters(live);
		eval_pk(live, &udp, 0);
		ovsrcu_quiesce();
	}
	{
		char err[512];
		struct sw_acl_stats st;

		CU_ASSERT_PTR_NULL(sw_acl_create(ok, 1, "reject", 16, err, sizeof(err)));
		CU_ASSERT_STRING_EQUAL(err,
			"default action: unknown action 'reject' (expected allow, deny, set_pcp=0..7 or "
			"set_dscp=0..63)");
		CU_ASSERT_PTR_NULL(
			sw_acl_create(ok, 1, NULL, SW_ACL_CACHE_MAX + 1, err, sizeof(err)));
		sw_acl_get_stats(live, &st);
		CU_ASSERT_EQUAL(st.generation, 1); /* no failed update changed anything */
	}
	done(live);
}

/* ---- 1,000 random rules against an independent reference ------------------------------ */

struct rrule {
	int shape;
	int prio;
	int act;       /* 0 allow, 1 deny, 2 set_pcp, 3 set_dscp */
	uint32_t a, b; /* addresses */
	uint16_t port, port2;
	uint8_t macb, dscp;
	uint16_t vlan;
	char match[160];
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)((rng_state >> 16) % n);
}

static uint32_t
rnd_addr(void)
{
	return IP4(10, rnd(4), rnd(8), rnd(16));
}

#define N_SHAPES 10

static void
gen_rule(struct rrule *r)
{
	char ab[20], bb[20];

	r->shape = (int)rnd(N_SHAPES);
	r->prio = (int)rnd(1000);
	r->act = (int)rnd(4);
	r->a = rnd_addr();
	r->b = rnd_addr();
	r->port = (uint16_t)(1 + rnd(64));
	r->port2 = (uint16_t)(1000 + rnd(16));
	r->macb = (uint8_t)rnd(8);
	r->dscp = (uint8_t)rnd(4) * 8;
	r->vlan = (uint16_t)(10 + rnd(3) * 10);
#define Q(x) (x) >> 24, (x) >> 16 & 255, (x) >> 8 & 255, (x)&255
	switch (r->shape) {
	case 0:
		r->b &= 0xffffff00;
		snprintf(r->match, sizeof(r->match), "tcp,nw_dst=%u.%u.%u.%u/24,tp_dst=%u",
			Q(r->b), r->port);
		break;
	case 1:
		r->a &= 0xffff0000;
		snprintf(r->match, sizeof(r->match), "udp,nw_src=%u.%u.%u.%u/16,tp_dst=%u",
			Q(r->a), r->port);
		break;
	case 2:
		r->a &= 0xfffe0000;
		snprintf(r->match, sizeof(r->match), "ip,nw_src=%u.%u.%u.%u/15", Q(r->a));
		break;
	case 3:
		snprintf(ab, sizeof(ab), "%u.%u.%u.%u", Q(r->a));
		snprintf(bb, sizeof(bb), "%u.%u.%u.%u", Q(r->b));
		snprintf(r->match, sizeof(r->match),
			"tcp,nw_src=%s,nw_dst=%s,tp_src=%u,tp_dst=%u", ab, bb, r->port2,
			r->port);
		break;
	case 4:
		r->b &= 0xffffff00;
		snprintf(r->match, sizeof(r->match), "icmp,nw_dst=%u.%u.%u.%u/24", Q(r->b));
		break;
	case 5:
		snprintf(r->match, sizeof(r->match), "tcp,tp_dst=0x%04x/0xfff0",
			r->port & 0xfff0);
		break;
	case 6:
		snprintf(r->match, sizeof(r->match), "ip,dl_src=02:00:00:00:00:%02x", r->macb);
		break;
	case 7:
		r->b &= 0xfffffff0;
		snprintf(r->match, sizeof(r->match), "udp,nw_dst=%u.%u.%u.%u/28", Q(r->b));
		break;
	case 8:
		snprintf(r->match, sizeof(r->match), "ip,dl_vlan=%u", r->vlan);
		break;
	default:
		r->b &= 0xfffff000;
		snprintf(r->match, sizeof(r->match), "ip,nw_dst=%u.%u.%u.%u/20,ip_dscp=%u",
			Q(r->b), r->dscp);
		break;
	}
#undef Q
}

/* Reference: does rule r match this frame (described by p) on vlan? */
static bool
ref_match(const struct rrule *r, const struct pk *p, uint16_t vlan)
{
	switch (r->shape) {
	case 0:
		return p->proto == 6 && (p->dst4 >> 8) == (r->b >> 8) && p->dport == r->port;
	case 1:
		return p->proto == 17 && (p->src4 >> 16) == (r->a >> 16) && p->dport == r->port;
	case 2:
		return (p->src4 >> 17) == (r->a >> 17);
	case 3:
		return p->proto == 6 && p->src4 == r->a && p->dst4 == r->b &&
			p->sport == r->port2 && p->dport == r->port;
	case 4:
		return p->proto == 1 && (p->dst4 >> 8) == (r->b >> 8);
	case 5:
		return p->proto == 6 && (p->dport & 0xfff0) == (r->port & 0xfff0);
	case 6:
		return p->src[5] == r->macb;
	case 7:
		return p->proto == 17 && (p->dst4 >> 4) == (r->b >> 4);
	case 8:
		return vlan == r->vlan;
	default:
		return (p->dst4 >> 12) == (r->b >> 12) && (p->tos >> 2) == r->dscp;
	}
}

static int
ref_classify(const struct rrule *rs, size_t n, const struct pk *p, uint16_t vlan)
{
	int best = -1;

	for (size_t i = 0; i < n; i++)
		if (ref_match(&rs[i], p, vlan) && (best < 0 || rs[i].prio > rs[best].prio))
			best = (int)i;
	return best;
}

/* A random IPv4 frame and VLAN, built to hit rule r if r is not NULL. */
static struct pk
gen_frame(const struct rrule *r, uint16_t *vlan)
{
	struct pk p = pk_tcp4();
	static const uint8_t protos[] = { 6, 17, 1 };

	p.proto = protos[rnd(3)];
	p.src4 = rnd_addr();
	p.dst4 = rnd_addr();
	p.sport = (uint16_t)(1000 + rnd(16));
	p.dport = (uint16_t)(1 + rnd(64));
	p.src[5] = (uint8_t)rnd(8);
	p.tos = (uint8_t)(rnd(4) * 8 << 2);
	p.tcp_flags = rnd(2) ? 0x02 : 0x10;
	*vlan = (uint16_t)(rnd(4) * 10);
	switch (r ? r->shape : -1) {
	case -1:
		break;
	case 0:
		p.proto = 6, p.dst4 = r->b | rnd(256), p.dport = r->port;
		break;
	case 1:
		p.proto = 17, p.src4 = r->a | rnd(65536), p.dport = r->port;
		break;
	case 2:
		p.src4 = r->a | rnd(1u << 17);
		break;
	case 3:
		p.proto = 6, p.src4 = r->a, p.dst4 = r->b, p.sport = r->port2,
		p.dport = r->port;
		break;
	case 4:
		p.proto = 1, p.dst4 = r->b | rnd(256);
		break;
	case 5:
		p.proto = 6, p.dport = (uint16_t)((r->port & 0xfff0) | rnd(16));
		break;
	case 6:
		p.src[5] = r->macb;
		break;
	case 7:
		p.proto = 17, p.dst4 = r->b | rnd(16);
		break;
	case 8:
		*vlan = r->vlan;
		break;
	default:
		p.dst4 = r->b | rnd(4096), p.tos = (uint8_t)(r->dscp << 2);
		break;
	}
	if (p.proto == 1)
		p.sport = 8, p.dport = 0;
	return p;
}

#define POOL 512

/* Two rounds (create, then a live replace with new random rules) of
 * n_frames frames; half of them repeat earlier flows (also flows cached
 * under the previous rules), half are new, half of those aimed at a rule. */
static void
check_random(size_t n_rules, uint32_t cache, size_t n_frames)
{
	struct rrule *rs = calloc(n_rules, sizeof(*rs));
	struct sw_acl_rule_spec *sp = calloc(n_rules, sizeof(*sp));
	struct pk *pool = calloc(POOL, sizeof(*pool));
	uint16_t pool_vlan[POOL];
	static const char *acts[] = { "allow", "deny", "set_pcp=3", "set_dscp=12" };
	struct sw_acl *acl = NULL;
	struct sw_acl_stats st;
	size_t bad = 0, hits = 0, seen = 0;
	char err[256];

	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < n_rules; i++) {
			gen_rule(&rs[i]);
			sp[i] = (struct sw_acl_rule_spec) { rs[i].prio, rs[i].match,
				acts[rs[i].act] };
		}
		if (!round) {
			acl = mk(sp, n_rules, "deny", cache);
		} else {
			CU_ASSERT_EQUAL_FATAL(
				sw_acl_replace(acl, sp, n_rules, "deny", err, sizeof(err)), 0);
		}
		sw_acl_get_stats(acl, &st);
		CU_ASSERT(st.n_masks >= 8);
		CU_ASSERT_EQUAL(st.n_rules, n_rules);
		for (size_t f = 0; f < n_frames; f++) {
			struct sw_acl_result res;
			struct pk p;
			uint16_t vlan;
			int want;

			if (seen >= POOL && rnd(2)) {
				uint32_t k = rnd(POOL);

				p = pool[k];
				vlan = pool_vlan[k];
			} else {
				p = gen_frame(
					rnd(2) ? &rs[rnd((uint32_t)n_rules)] : NULL, &vlan);
				pool[seen % POOL] = p;
				pool_vlan[seen % POOL] = vlan;
				seen++;
			}
			want = ref_classify(rs, n_rules, &p, vlan);
			res = eval_pk(acl, &p, vlan);
			if (res.rule != want && bad++ < 5)
				fprintf(stderr,
					"round %d frame %zu: got rule %d, reference %d\n",
					round, f, res.rule, want);
			if (want >= 0) {
				hits++;
				CU_ASSERT_EQUAL(res.verdict,
					rs[want].act == 1 ? SW_ACL_DENY : SW_ACL_ALLOW);
			} else {
				CU_ASSERT_EQUAL(res.verdict, SW_ACL_DENY);
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(hits > n_frames / 2);
	sw_acl_get_stats(acl, &st);
	CU_ASSERT(cache ? st.cache_hits > 0 : st.cache_hits == 0);
	done(acl);
	free(rs);
	free(sp);
	free(pool);
}

static void
test_random_1000(void)
{
	check_random(1000, SW_ACL_CACHE_DEFAULT, 20000);
}

static void
test_random_1000_nocache(void)
{
	check_random(1000, 0, 5000);
}

/* More flows than cache entries: evictions must never give a wrong answer. */
static void
test_random_small_cache(void)
{
	check_random(300, 8, 20000);
}

/* The largest rule set, at the highest priority: the packed classifier
 * priorities stay in range and list order still breaks ties. */
static void
test_rule_limit(void)
{
	size_t n = SW_ACL_MAX_RULES;
	struct sw_acl_rule_spec *sp = calloc(n + 1, sizeof(*sp));
	char(*m)[40] = calloc(n + 1, sizeof(*m));
	struct pk p = pk_tcp4();
	struct sw_acl *acl;
	char err[256];

	for (size_t i = 0; i <= n; i++) {
		snprintf(m[i], sizeof(m[i]), "tcp,tp_dst=%zu", 1000 + i);
		sp[i] = (struct sw_acl_rule_spec) { SW_ACL_PRIORITY_MAX, m[i], "allow" };
	}
	/* The last rule and the first match the same port. */
	snprintf(m[n - 1], sizeof(m[n - 1]), "tcp,tp_dst=1000");
	sp[n - 2].action = "deny";
	CU_ASSERT_PTR_NULL(sw_acl_create(sp, n + 1, NULL, 0, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "too many rules (32768, at most 32767)");
	acl = mk(sp, n, NULL, 64);
	p.dport = 1000;
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 0).rule, 0);
	p.dport = (uint16_t)(1000 + n - 2);
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 0).rule, (int)n - 2);
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 0).verdict, SW_ACL_DENY);
	p.dport = (uint16_t)(1000 + n - 1);
	CU_ASSERT_EQUAL(eval_pk(acl, &p, 0).rule, -1);
	done(acl);
	free(sp);
	free(m);
}

/* ---- no allocation per frame ----------------------------------------------------------- */

static void
test_no_alloc(void)
{
	struct sw_acl_rule_spec r[] = { { 20, "tcp,tp_dst=22", "deny" },
		{ 10, "ip", "set_dscp=4" } };
	unsigned long before = n_allocs;
	struct sw_acl *acl = mk(r, 2, NULL, 64), *nc = mk(r, 2, NULL, 0);
	uint8_t frames[8][128];
	size_t lens[8];

	/* Creating ACLs allocates: if the counter saw nothing, the hook is not
	 * in place (sanitizer, valgrind) and the check below proves nothing. */
	if (n_allocs == before)
		fprintf(stderr, "(allocation counting not available) ");

	for (int i = 0; i < 8; i++) {
		struct pk p = i & 1 ? pk_udp4() : pk_tcp4();

		p.sport = (uint16_t)(100 + i);
		lens[i] = build(&p, frames[i]);
	}
	before = n_allocs;
	for (int k = 0; k < 1000; k++) {
		struct sw_acl_result res;

		sw_acl_eval(acl, frames[k & 7], lens[k & 7], 10, &res);
		sw_acl_eval(nc, frames[k & 7], lens[k & 7], 10, &res);
		sw_acl_apply(&res, frames[k & 7], lens[k & 7], 0);
	}
	CU_ASSERT_EQUAL(n_allocs, before);
	done(acl);
	done(nc);
}

static void
add_suites(void)
{
	static const struct tu_test match[] = {
		{ "every field and shorthand", test_fields },
		{ "vEth VLAN as dl_vlan", test_vlan },
		{ "priorities and ties", test_priorities },
		{ "default action", test_default },
		{ "errors name the rule", test_errors },
		{ "32767 rules at priority 65535", test_rule_limit },
		{ NULL, NULL },
	};
	static const struct tu_test act[] = {
		{ "set_dscp on real frames", test_remark_dscp },
		{ "set_pcp and deny", test_remark_pcp_and_deny },
		{ "hit counters", test_counters },
		{ "no allocation per frame", test_no_alloc },
		{ NULL, NULL },
	};
	static const struct tu_test live[] = {
		{ "cache invalidated by updates", test_cache_invalidation },
		{ "counters survive live updates", test_live_update_counters },
		{ "1000 random rules, cache", test_random_1000 },
		{ "1000 random rules, no cache", test_random_1000_nocache },
		{ "300 rules, 8-entry cache", test_random_small_cache },
		{ NULL, NULL },
	};

	tu_add_suite("match", match);
	tu_add_suite("actions", act);
	tu_add_suite("live", live);
}

int
main(void)
{
	return tu_run("test-acl", add_suites);
}

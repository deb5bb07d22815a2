/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-policy.c - per-vEth policy in the pipeline (issue 6): profiles'
 * ACLs and policers on a switch built from a configuration string, with
 * the memory back-end on every port (port_be.h), frames fed to sw_input()
 * with an explicit clock, and vnctl's commands through sw_ctl_handle().
 *
 * Frames are real IPv4 TCP/UDP/ICMP headers written byte by byte here;
 * outputs are checked byte by byte: the DSCP of remarked frames and their
 * IPv4 header checksum (recomputed from scratch), the PCP of the tags, and
 * that the caller's input frame is never written.  Counters are read from
 * vnctl's JSON (show acl, show qos, show counters).
 */
#include <config.h>

#include <openvswitch/json.h>
#include <openvswitch/shash.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "switchd/admin.h"
#include "switchd/ctl.h"
#include "switchd/ctlproto.h"
#include "switchd/policy.h"
#include "switchd/port_be.h"
#include "switchd/sw.h"
#include "switchd/sw_internal.h"
#include "switchd/swconf.h"
#include "switchd/trace.h"
#include "tests/testutil.h"

#define SEC 1000000ull
#define T0  (1000 * SEC)

enum { UP0, HV, HE, HP, N_PORTS };

/* Profiles: pol (ACLs both ways), plain (none), pps (policers), and vEths
 * on every host port kind.  Line numbers matter to the error tests. */
static const char CONF[] =
	"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; max_veths = 64; fdb_max = 1024; };\n"
	"ports = (\n"
	"  { name = \"up0\"; role = \"uplink\"; vlans = [10]; },\n"
	"  { name = \"hv\"; role = \"host\"; mode = \"vntag\"; },\n"
	"  { name = \"he\"; role = \"host\"; mode = \"etag\"; },\n"
	"  { name = \"hp\"; role = \"host\"; mode = \"vepa\"; reflective_relay = true; }\n"
	");\n"
	"profiles = (\n"
	"  { name = \"pol\"; vlan = 10;\n"
	"    acl_in = (\n"
	"      { priority = 100; match = \"tcp,tp_dst=22\"; action = \"deny\"; },\n"
	"      { priority = 90; match = \"udp\"; action = \"set_dscp=46\"; },\n"
	"      { priority = 80; match = \"icmp\"; action = \"set_pcp=5\"; } );\n"
	"    acl_out = (\n"
	"      { priority = 100; match = \"tcp,tp_dst=23\"; action = \"deny\"; },\n"
	"      { priority = 50; match = \"ip,nw_src=10.1.0.0/16\"; action = \"set_dscp=10\"; },\n"
	"      { priority = 40; match = \"ip,nw_src=10.2.0.0/16\"; action = \"set_pcp=6\"; } );\n"
	"  },\n"
	"  { name = \"plain\"; vlan = 10; },\n"
	"  { name = \"pps\"; vlan = 10;\n"
	"    police_in = { rate_pps = 10; burst_packets = 2; };\n"
	"    police_out = { rate_kbps = 8; burst_bytes = 1518; exceed = \"set_dscp=8\"; }; }\n"
	");\n"
	"veths = (\n"
	"  { id = 1; port = \"hv\"; vif = 5; profile = \"pol\"; },\n"
	"  { id = 2; port = \"hv\"; vif = 6; profile = \"plain\"; },\n"
	"  { id = 3; port = \"he\"; ecid = 300; profile = \"pol\"; },\n"
	"  { id = 4; port = \"hp\"; mac = \"52:54:00:00:00:04\"; profile = \"pol\"; },\n"
	"  { id = 5; port = \"hv\"; vif = 7; profile = \"pps\"; },\n"
	"  { id = 6; port = \"hp\"; mac = \"52:54:00:00:00:06\"; profile = \"plain\"; }\n"
	");\n";

static const uint8_t BC[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t U[6] = { 2, 0, 0, 0, 0x0a, 1 };     /* behind up0 */
static const uint8_t S1[6] = { 2, 0, 0, 0, 0, 5 };       /* behind vif 5 (vEth 1) */
static const uint8_t S2[6] = { 2, 0, 0, 0, 0, 6 };       /* behind vif 6 (vEth 2) */
static const uint8_t S3[6] = { 2, 0, 0, 0, 3, 0 };       /* behind E-CID 300 (vEth 3) */
static const uint8_t M4[6] = { 0x52, 0x54, 0, 0, 0, 4 }; /* VEPA vEth 4 */
static const uint8_t S5[6] = { 2, 0, 0, 0, 0, 7 };       /* behind vif 7 (vEth 5) */

/* ---- the switch and vnctl ------------------------------------------------------ */

struct tx {
	struct sw *sw;
	struct sw_mem_port *mem[N_PORTS];
	uint64_t clock;
	struct sw_ctl_env env;
};

static uint64_t
tx_now(void *aux)
{
	return ((struct tx *)aux)->clock;
}

static struct tx *
tx_open(const char *text)
{
	struct tx *x = calloc(1, sizeof(*x));
	struct sw_conf conf;
	char err[1024];

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	if (sw_conf_load_string(text, "t.conf", &conf, err, sizeof(err))) {
		printf("\n  %s\n", err);
		CU_FAIL_FATAL("configuration");
	}
	x->sw = sw_create(&conf, err, sizeof(err));
	sw_conf_free(&conf);
	if (!x->sw) {
		printf("\n  %s\n", err);
		CU_FAIL_FATAL("sw_create");
	}
	CU_ASSERT_EQUAL_FATAL(sw_n_ports(x->sw), N_PORTS);
	for (unsigned i = 0; i < N_PORTS; i++) {
		x->mem[i] = calloc(1, sizeof(*x->mem[i]));
		CU_ASSERT_PTR_NOT_NULL_FATAL(x->mem[i]);
		sw_mem_attach(x->sw, i, x->mem[i]);
	}
	x->clock = T0;
	x->env = (struct sw_ctl_env) { .sw = x->sw, .now = tx_now, .aux = x };
	return x;
}

static void
tx_close(struct tx *x)
{
	sw_destroy(x->sw);
	for (unsigned i = 0; i < N_PORTS; i++)
		free(x->mem[i]);
	free(x);
}

static void
tx_clear(struct tx *x)
{
	for (unsigned i = 0; i < N_PORTS; i++)
		x->mem[i]->n = 0;
}

/* Run a vnctl command (NULL-terminated words) in json; *ok tells whether
 * it succeeded; returns the output or the error (caller frees). */
static char *
vnctl(struct tx *x, bool *ok, ...)
{
	struct json *req = json_object_create(), *args = json_array_create_empty(), *j;
	const struct json *st, *t;
	const char *a;
	char *s, *rep, *out;
	size_t rlen;
	va_list ap;

	va_start(ap, ok);
	while ((a = va_arg(ap, const char *)))
		json_array_add(args, json_string_create(a));
	va_end(ap);
	json_object_put(req, "version", json_integer_create(SW_CTL_VERSION));
	json_object_put(req, "argv", args);
	json_object_put_string(req, "format", "json");
	s = json_to_string(req, 0);
	json_destroy(req);
	rep = sw_ctl_handle(&x->env, s, strlen(s), &rlen);
	free(s);
	j = json_from_string(rep);
	free(rep);
	CU_ASSERT_EQUAL_FATAL(j->type, JSON_OBJECT);
	st = shash_find_data(json_object(j), "status");
	*ok = st && !strcmp(json_string(st), "ok");
	t = shash_find_data(json_object(j), *ok ? "output" : "error");
	out = strdup(t ? json_string(t) : "");
	json_destroy(j);
	return out;
}

/* A number in a JSON document by path: keys and list indexes joined by
 * '/' ("acl/0/in/rules/1/hits").  -1 if absent. */
static long long
jnum(const char *doc, const char *path)
{
	struct json *j = json_from_string(doc);
	const struct json *cur = j;
	char buf[256], *save = NULL, *tok;
	long long v = -1;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, "/", &save); cur && tok; tok = strtok_r(NULL, "/", &save)) {
		if (cur->type == JSON_ARRAY) {
			size_t i = (size_t)atoi(tok);

			cur = i < json_array(cur)->n ? json_array(cur)->elems[i] : NULL;
		} else if (cur->type == JSON_OBJECT) {
			cur = shash_find_data(json_object(cur), tok);
		} else {
			cur = NULL;
		}
	}
	if (cur && cur->type == JSON_INTEGER)
		v = json_integer(cur);
	else if (cur && cur->type == JSON_TRUE)
		v = 1;
	else if (cur && cur->type == JSON_FALSE)
		v = 0;
	json_destroy(j);
	return v;
}

/* A counter of one vEth from vnctl: "show acl|qos|counters" JSON. */
static long long
veth_num(struct tx *x, const char *what, uint32_t id, const char *path)
{
	char ids[16], p[256];
	bool ok;
	char *o;
	long long v;

	snprintf(ids, sizeof(ids), "%u", id);
	o = vnctl(x, &ok, "show", what, "veth", ids, NULL);
	CU_ASSERT_FATAL(ok);
	/* show counters is one object; show acl / qos a list of one. */
	snprintf(p, sizeof(p), "%s%s", strcmp(what, "counters") ? "0/" : "", path);
	v = jnum(o, p);
	free(o);
	return v;
}

#define HITS(x, id, dir, rule) veth_num(x, "acl", id, dir "/rules/" #rule "/hits")
#define DHITS(x, id, dir)      veth_num(x, "acl", id, dir "/default/hits")
#define VDROP(x, id, why)      veth_num(x, "counters", id, "drops/" why)

static uint64_t
port_drop(struct tx *x, unsigned port, enum sw_drop why)
{
	return sw_port(x->sw, port)->ctr.drops[why];
}

/* ---- frames ------------------------------------------------------------------------ */

struct fr {
	uint8_t b[2048];
	size_t n;
	size_t ip; /* offset of the IPv4 header */
};

enum { T_NONE, T_VNTAG, T_ETAG, T_CTAG };

struct ipf {
	uint8_t proto; /* 6, 17, 1 */
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t dscp;
	size_t payload; /* bytes after the L4 header */
};

static void
p16(struct fr *f, unsigned v)
{
	f->b[f->n++] = (uint8_t)(v >> 8);
	f->b[f->n++] = (uint8_t)v;
}

static void
p32(struct fr *f, uint32_t v)
{
	p16(f, v >> 16);
	p16(f, v & 0xFFFF);
}

static uint16_t
csum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

/* DA SA [tag] 0x0800 IPv4 L4 payload, padded to 60 bytes.  tag_arg: the
 * svif, the E-CID or the C-tag's PCP << 12 | VID. */
static struct fr *
mkf(struct fr *f, const uint8_t *dst, const uint8_t *src, int tag, unsigned tag_arg,
	const struct ipf *ip)
{
	size_t l4 = ip->proto == 6 ? 20 : 8, tot = 20 + l4 + ip->payload, h;

	memset(f, 0, sizeof(*f));
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	f->n = 12;
	if (tag == T_VNTAG) {
		p16(f, 0x8926);
		p32(f, tag_arg & 0xFFF);
	} else if (tag == T_ETAG) {
		p16(f, 0x893F);
		p16(f, 0);
		p16(f, tag_arg & 0xFFF);
		f->b[f->n++] = 0;
		f->b[f->n++] = (uint8_t)(tag_arg >> 12);
	} else if (tag == T_CTAG) {
		p16(f, 0x8100);
		p16(f, (tag_arg >> 12 & 7) << 13 | (tag_arg & 0xFFF));
	}
	p16(f, 0x0800);
	f->ip = h = f->n;
	f->b[f->n++] = 0x45;
	f->b[f->n++] = (uint8_t)(ip->dscp << 2);
	p16(f, (unsigned)tot);
	p32(f, 0x12340000); /* id, flags, fragment */
	f->b[f->n++] = 64;
	f->b[f->n++] = ip->proto;
	p16(f, 0);
	p32(f, ip->src);
	p32(f, ip->dst);
	p16(f, csum16(f->b + h, 20)); /* overwritten below at h + 10 */
	f->n -= 2;
	{
		uint16_t c = csum16(f->b + h, 20);

		f->b[h + 10] = (uint8_t)(c >> 8);
		f->b[h + 11] = (uint8_t)c;
	}
	if (ip->proto == 1) {
		f->b[f->n++] = 8; /* echo request */
		f->b[f->n++] = 0;
		p16(f, 0);
		p32(f, 0x00010001);
	} else {
		p16(f, ip->sport);
		p16(f, ip->dport);
		if (ip->proto == 6) {
			p32(f, 1);
			p32(f, 0);
			p16(f, 0x5002); /* data offset 5, SYN */
			p16(f, 8192);
			p32(f, 0);
		} else {
			p16(f, (unsigned)(8 + ip->payload));
			p16(f, 0);
		}
	}
	for (size_t i = 0; i < ip->payload; i++)
		f->b[f->n++] = (uint8_t)i;
	while (f->n < 60)
		f->b[f->n++] = 0;
	return f;
}

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const struct ipf TCP22 = { 6, IP4(10, 9, 0, 1), IP4(192, 0, 2, 1), 40000, 22, 0, 0 };
static const struct ipf TCP80 = { 6, IP4(10, 9, 0, 1), IP4(192, 0, 2, 1), 40000, 80, 0, 0 };
static const struct ipf UDP53 = { 17, IP4(10, 9, 0, 1), IP4(192, 0, 2, 1), 40000, 53, 0, 0 };
static const struct ipf ICMP = { 1, IP4(10, 9, 0, 1), IP4(192, 0, 2, 1), 0, 0, 0, 0 };

/* Feed a frame, checking that the pipeline did not write it. */
static void
feed(struct tx *x, unsigned port, const struct fr *f)
{
	struct fr copy = *f;

	sw_input(x->sw, port, copy.b, copy.n, x->clock, NULL);
	sw_flush(x->sw, x->clock);
	CU_ASSERT_EQUAL(memcmp(copy.b, f->b, f->n), 0); /* the input is read only */
}

/* Offset of the IPv4 header in an output frame (after its known tags). */
static size_t
ip_off(const uint8_t *b, size_t n)
{
	size_t off = 12;

	for (;;) {
		unsigned t;

		if (off + 2 > n)
			return 0;
		t = (unsigned)(b[off] << 8 | b[off + 1]);
		if (t == 0x8926)
			off += 6;
		else if (t == 0x893F)
			off += 8;
		else if (t == 0x8100 || t == 0x88A8)
			off += 4;
		else
			return t == 0x0800 ? off + 2 : 0;
	}
}

/* The DSCP of output frame i of a port, its IPv4 checksum verified. */
static int
out_dscp(struct tx *x, unsigned port, unsigned i)
{
	const uint8_t *b = x->mem[port]->data[i];
	size_t off = ip_off(b, x->mem[port]->len[i]);

	CU_ASSERT_FATAL(off > 0);
	CU_ASSERT_EQUAL(csum16(b + off, 20), 0); /* a valid header sums to 0xFFFF */
	return b[off + 1] >> 2;
}

/* The PCP of the first 802.1Q tag of output frame i, or of its E-Tag. */
static int
out_pcp(struct tx *x, unsigned port, unsigned i)
{
	const uint8_t *b = x->mem[port]->data[i];

	if (b[12] == 0x89 && b[13] == 0x3F)
		return b[14] >> 5;
	for (size_t off = 12; off + 4 <= x->mem[port]->len[i]; off += 4)
		if (b[off] == 0x81 && b[off + 1] == 0x00)
			return b[off + 2] >> 5;
	return -1;
}

/* A frame that is not IP (EtherType 0x88B5): only defaults match it. */
static struct fr *
mkl(struct fr *f, const uint8_t *src, int tag, unsigned tag_arg)
{
	static const struct ipf any = { 17, 0, 0, 0, 0, 0, 0 };

	mkf(f, BC, src, tag, tag_arg, &any);
	f->b[f->ip - 2] = 0x88;
	f->b[f->ip - 1] = 0xB5;
	return f;
}

/* Learn the stations behind every vEth (a non-IP broadcast from each),
 * then start afresh: counters zero, buckets full again 10 s later. */
static void
learn_all(struct tx *x)
{
	struct fr f;

	feed(x, UP0, mkl(&f, U, T_CTAG, 10));
	feed(x, HV, mkl(&f, S1, T_VNTAG, 5));
	feed(x, HV, mkl(&f, S2, T_VNTAG, 6));
	feed(x, HE, mkl(&f, S3, T_ETAG, 300));
	feed(x, HP, mkl(&f, M4, T_CTAG, 10));
	tx_clear(x);
	sw_counters_clear(x->sw);
	x->clock += 10 * SEC;
}

/* ---- tests --------------------------------------------------------------------------- */

/* Ingress: deny, default allow, remark DSCP (into the copy sent, the
 * checksum fixed), remark PCP; a vEth without policy is untouched. */
static void
test_ingress(void)
{
	struct tx *x = tx_open(CONF);
	struct fr f;

	learn_all(x);
	CU_ASSERT_FALSE(sw_veth_by_id(x->sw, 2)->has_policy); /* plain: nothing to pay */
	CU_ASSERT_PTR_NULL(sw_veth_by_id(x->sw, 2)->pol);
	CU_ASSERT_TRUE(sw_veth_by_id(x->sw, 1)->has_policy);

	feed(x, HV, mkf(&f, U, S1, T_VNTAG, 5, &TCP22));
	CU_ASSERT_EQUAL(x->mem[UP0]->n, 0);
	CU_ASSERT_EQUAL(port_drop(x, HV, SW_DROP_ACL_IN), 1);
	CU_ASSERT_EQUAL(VDROP(x, 1, "acl_in"), 1);
	CU_ASSERT_EQUAL(HITS(x, 1, "in", 0), 1);

	feed(x, HV, mkf(&f, U, S1, T_VNTAG, 5, &TCP80));
	CU_ASSERT_EQUAL_FATAL(x->mem[UP0]->n, 1);
	CU_ASSERT_EQUAL(out_dscp(x, UP0, 0), 0);
	CU_ASSERT_EQUAL(out_pcp(x, UP0, 0), 0);
	CU_ASSERT_EQUAL(DHITS(x, 1, "in"), 1);

	/* UDP: DSCP 46 into the output, the input (feed checks) untouched. */
	feed(x, HV, mkf(&f, U, S1, T_VNTAG, 5, &UDP53));
	CU_ASSERT_EQUAL_FATAL(x->mem[UP0]->n, 2);
	CU_ASSERT_EQUAL(out_dscp(x, UP0, 1), 46);
	CU_ASSERT_EQUAL(HITS(x, 1, "in", 1), 1);
	CU_ASSERT_EQUAL(veth_num(x, "acl", 1, "in/rules/1/bytes"), 60 - 6);

	/* ICMP: the uplink's C-tag carries PCP 5. */
	feed(x, HV, mkf(&f, U, S1, T_VNTAG, 5, &ICMP));
	CU_ASSERT_EQUAL_FATAL(x->mem[UP0]->n, 3);
	CU_ASSERT_EQUAL(out_pcp(x, UP0, 2), 5);
	CU_ASSERT_EQUAL(out_dscp(x, UP0, 2), 0);

	/* The same frames from vEth 2 (no policy) pass unchanged. */
	feed(x, HV, mkf(&f, U, S2, T_VNTAG, 6, &TCP22));
	feed(x, HV, mkf(&f, U, S2, T_VNTAG, 6, &UDP53));
	CU_ASSERT_EQUAL_FATAL(x->mem[UP0]->n, 5);
	CU_ASSERT_EQUAL(out_dscp(x, UP0, 4), 0);
	CU_ASSERT_EQUAL(VDROP(x, 2, "acl_in"), 0);

	/* E-Tag and VEPA sources (one more tag layer each) get the same. */
	feed(x, HE, mkf(&f, U, S3, T_ETAG, 300, &UDP53));
	feed(x, HP, mkf(&f, U, M4, T_CTAG, 10, &UDP53));
	feed(x, HP, mkf(&f, U, M4, T_CTAG, 10, &TCP22));
	CU_ASSERT_EQUAL_FATAL(x->mem[UP0]->n, 7);
	CU_ASSERT_EQUAL(out_dscp(x, UP0, 5), 46);
	CU_ASSERT_EQUAL(out_dscp(x, UP0, 6), 46);
	CU_ASSERT_EQUAL(VDROP(x, 4, "acl_in"), 1);
	CU_ASSERT_EQUAL(port_drop(x, HP, SW_DROP_ACL_IN), 1);
	tx_close(x);
}

/* Egress: per destination vEth, before encapsulation; a flood's copies
 * each get their own vEth's policy. */
static void
test_egress(void)
{
	struct tx *x = tx_open(CONF);
	struct ipf tel = TCP22, from101 = UDP53, from102 = UDP53;
	struct fr f;
	unsigned dscp10 = 0, plain = 0;

	tel.dport = 23;
	from101.src = IP4(10, 1, 2, 3);
	from102.src = IP4(10, 2, 0, 1);
	learn_all(x);

	/* A trace of it says so: its one copy refused at egress, for acl_out. */
	{
		struct sw_trace tr;

		sw_trace_init(&tr);
		mkf(&f, S1, U, T_CTAG, 10, &tel);
		sw_input(x->sw, UP0, f.b, f.n, x->clock, &tr);
		CU_ASSERT(!tr.dropped && tr.n_outputs == 0);
		CU_ASSERT_EQUAL(tr.copies_dropped, 1);
		CU_ASSERT_EQUAL(tr.copy_drop_reason, SW_DROP_ACL_OUT);
	}
	feed(x, UP0, mkf(&f, S1, U, T_CTAG, 10, &tel));
	CU_ASSERT_EQUAL(x->mem[HV]->n, 0);
	/* A copy lost to egress policy counts where it was lost: the egress
	 * port and the destination vEth. */
	CU_ASSERT_EQUAL(port_drop(x, HV, SW_DROP_ACL_OUT), 1);
	CU_ASSERT_EQUAL(port_drop(x, UP0, SW_DROP_ACL_OUT), 0);
	CU_ASSERT_EQUAL(VDROP(x, 1, "acl_out"), 1);
	CU_ASSERT_EQUAL(HITS(x, 1, "out", 0), 1);

	feed(x, UP0, mkf(&f, S1, U, T_CTAG, 10, &from101));
	CU_ASSERT_EQUAL_FATAL(x->mem[HV]->n, 1);
	CU_ASSERT_EQUAL(out_dscp(x, HV, 0), 10);
	tx_clear(x);

	/* A flood: vEths 1 and 3 (pol) remark, 2 and 5 do not. */
	feed(x, UP0, mkf(&f, BC, U, T_CTAG, 10, &from101));
	CU_ASSERT_EQUAL_FATAL(x->mem[HV]->n, 3);
	for (unsigned i = 0; i < 3; i++) {
		int d = out_dscp(x, HV, i);

		dscp10 += d == 10;
		plain += d == 0;
	}
	CU_ASSERT_EQUAL(dscp10, 1);
	CU_ASSERT_EQUAL(plain, 2);
	CU_ASSERT_EQUAL_FATAL(x->mem[HE]->n, 1);
	CU_ASSERT_EQUAL(out_dscp(x, HE, 0), 10);
	CU_ASSERT_EQUAL(x->mem[HP]->n, 1); /* one copy for the VEPA channel */
	tx_clear(x);

	/* set_pcp: the E-Tag's E-PCP and the VEPA C-tag's PCP. */
	feed(x, UP0, mkf(&f, S3, U, T_CTAG, 10, &from102));
	feed(x, UP0, mkf(&f, M4, U, T_CTAG, 10, &from102));
	CU_ASSERT_EQUAL_FATAL(x->mem[HE]->n, 1);
	CU_ASSERT_EQUAL(out_pcp(x, HE, 0), 6);
	CU_ASSERT_EQUAL_FATAL(x->mem[HP]->n, 1);
	CU_ASSERT_EQUAL(out_pcp(x, HP, 0), 6);
	CU_ASSERT_EQUAL(out_dscp(x, HP, 0), 0);

	/* Both ways at once: vEth 1's UDP is remarked 46 on ingress, then
	 * vEth 3's egress rule (nw_src 10.1/16) makes it 10 in its copy. */
	tx_clear(x);
	feed(x, HV, mkf(&f, S3, S1, T_VNTAG, 5, &from101));
	CU_ASSERT_EQUAL_FATAL(x->mem[HE]->n, 1);
	CU_ASSERT_EQUAL(out_dscp(x, HE, 0), 10);
	feed(x, HV, mkf(&f, S2, S1, T_VNTAG, 5, &from101));
	CU_ASSERT_EQUAL_FATAL(x->mem[HV]->n, 1);
	CU_ASSERT_EQUAL(out_dscp(x, HV, 0), 46); /* vEth 2 has no egress policy */
	tx_clear(x);
	tx_close(x);
}

/* Ingress policer in packets: burst 2, 10 packets/s. */
static void
test_police_in(void)
{
	struct tx *x = tx_open(CONF);
	struct fr f;

	learn_all(x); /* vEth 5 sent nothing yet: its bucket is full */
	for (int i = 0; i < 5; i++)
		feed(x, HV, mkf(&f, U, S5, T_VNTAG, 7, &UDP53));
	CU_ASSERT_EQUAL(x->mem[UP0]->n, 2);
	CU_ASSERT_EQUAL(VDROP(x, 5, "police_in"), 3);
	CU_ASSERT_EQUAL(port_drop(x, HV, SW_DROP_POLICE_IN), 3);
	/* 0.1 s at 10/s is one packet; 0.05 s more half of one. */
	x->clock += SEC / 10;
	feed(x, HV, mkf(&f, U, S5, T_VNTAG, 7, &UDP53));
	feed(x, HV, mkf(&f, U, S5, T_VNTAG, 7, &UDP53));
	x->clock += SEC / 20;
	feed(x, HV, mkf(&f, U, S5, T_VNTAG, 7, &UDP53));
	CU_ASSERT_EQUAL(x->mem[UP0]->n, 3);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 5, "in/counters/conform_frames"), 3);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 5, "in/counters/exceed_frames"), 5);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 5, "in/bucket/tokens"), 0);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 5, "in/bucket/burst"), 2);
	tx_close(x);
}

/* Egress policer in bytes, exceed = set_dscp=8: frames over the rate go
 * out remarked; the size counted is the inner frame (no tags). */
static void
test_police_out(void)
{
	struct tx *x = tx_open(CONF);
	struct ipf big = UDP53;
	struct fr f;

	big.payload = 1000 - 14 - 28;         /* an inner frame of 1000 bytes */
	feed(x, HV, mkl(&f, S5, T_VNTAG, 7)); /* learn S5 */
	learn_all(x);
	feed(x, UP0, mkf(&f, S5, U, T_CTAG, 10, &big));
	feed(x, UP0, mkf(&f, S5, U, T_CTAG, 10, &big));
	CU_ASSERT_EQUAL_FATAL(x->mem[HV]->n, 2);
	CU_ASSERT_EQUAL(x->mem[HV]->len[0], 1000 + 6); /* with its VN-Tag */
	CU_ASSERT_EQUAL(out_dscp(x, HV, 0), 0);
	CU_ASSERT_EQUAL(out_dscp(x, HV, 1), 8);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 5, "out/counters/conform_bytes"), 1000);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 5, "out/counters/exceed_bytes"), 1000);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 5, "out/bucket/tokens"), 518);
	CU_ASSERT_EQUAL(VDROP(x, 5, "police_out"), 0); /* remarked, not dropped */
	/* 8 kbit/s is 1000 bytes/s: 0.482 s refill the 482 bytes missing. */
	x->clock += 482000;
	feed(x, UP0, mkf(&f, S5, U, T_CTAG, 10, &big));
	CU_ASSERT_EQUAL_FATAL(x->mem[HV]->n, 3);
	CU_ASSERT_EQUAL(out_dscp(x, HV, 2), 0);
	tx_close(x);
}

/* vnctl trace shows the decisions and changes nothing. */
static void
test_trace(void)
{
	struct tx *x = tx_open(CONF);
	char hex[400], *o, *before, *after;
	struct fr f;
	bool ok, seen = false;

	learn_all(x);
	mkf(&f, U, S1, T_VNTAG, 5, &TCP22);
	for (size_t i = 0; i < f.n; i++)
		snprintf(hex + 2 * i, 3, "%02x", f.b[i]);
	before = vnctl(x, &ok, "show", "acl", NULL);
	o = vnctl(x, &ok, "trace", "hv", hex, NULL);
	CU_ASSERT(ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "\"drop_reason\":\"acl_in\""));
	seen = strstr(o, "rule 1 (priority 100, tcp,tp_dst=22): deny") != NULL;
	CU_ASSERT(seen);
	free(o);
	mkf(&f, U, S5, T_VNTAG, 7, &UDP53);
	for (size_t i = 0; i < f.n; i++)
		snprintf(hex + 2 * i, 3, "%02x", f.b[i]);
	for (int i = 0; i < 4; i++) {
		o = vnctl(x, &ok, "trace", "hv", hex, NULL);
		CU_ASSERT_PTR_NOT_NULL(strstr(o, "police_in vEth 5: 54 bytes conform"));
		free(o);
	}
	after = vnctl(x, &ok, "show", "acl", NULL);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 5, "in/counters/conform_frames"), 0);
	CU_ASSERT_EQUAL(port_drop(x, HV, SW_DROP_ACL_IN), 0);
	tx_close(x);
}

/* Live changes: acl add / del and profile set police_in apply to every vEth
 * of the profile; counters of unchanged rules and of kept policers
 * survive; no vEth is dropped. */
static void
test_live_update(void)
{
	struct tx *x = tx_open(CONF);
	struct fr f;
	char *o;
	bool ok;

	learn_all(x);
	feed(x, HV, mkf(&f, U, S1, T_VNTAG, 5, &TCP22));  /* rule 1 hit */
	feed(x, HE, mkf(&f, U, S3, T_ETAG, 300, &UDP53)); /* vEth 3: rule 2 */
	feed(x, HV, mkf(&f, U, S1, T_VNTAG, 5, &TCP80));  /* default */
	CU_ASSERT_EQUAL(HITS(x, 1, "in", 0), 1);
	CU_ASSERT_EQUAL(HITS(x, 3, "in", 1), 1);
	CU_ASSERT_EQUAL(HITS(x, 1, "in", 1), 0); /* per vEth */
	CU_ASSERT_EQUAL(DHITS(x, 1, "in"), 1);

	o = vnctl(x, &ok, "acl", "add", "pol", "in", "priority", "95", "match", "tcp,tp_dst=80",
		"action", "deny", NULL);
	CU_ASSERT(ok);
	free(o);
	CU_ASSERT_EQUAL(HITS(x, 1, "in", 0), 1); /* kept */
	CU_ASSERT_EQUAL(HITS(x, 3, "in", 1), 1); /* kept, on every vEth */
	CU_ASSERT_EQUAL(HITS(x, 1, "in", 3), 0); /* the new rule (listed last) */
	CU_ASSERT_EQUAL(veth_num(x, "acl", 1, "in/rules/3/priority"), 95);
	CU_ASSERT_EQUAL(DHITS(x, 1, "in"), 1); /* the default's action is the same */
	tx_clear(x);
	feed(x, HV, mkf(&f, U, S1, T_VNTAG, 5, &TCP80));
	CU_ASSERT_EQUAL(x->mem[UP0]->n, 0);
	CU_ASSERT_EQUAL(HITS(x, 1, "in", 3), 1);
	CU_ASSERT_EQUAL(VDROP(x, 1, "acl_in"), 2);

	o = vnctl(x, &ok, "acl", "del", "pol", "in", "priority", "95", NULL);
	CU_ASSERT(ok);
	free(o);
	feed(x, HV, mkf(&f, U, S1, T_VNTAG, 5, &TCP80));
	CU_ASSERT_EQUAL(x->mem[UP0]->n, 1);
	CU_ASSERT_EQUAL(HITS(x, 1, "in", 0), 1);
	o = vnctl(x, &ok, "acl", "del", "pol", "in", "priority", "95", NULL);
	CU_ASSERT_FALSE(ok); /* none left */
	free(o);

	/* The policer: counters kept, the bucket capped at the new burst. */
	for (int i = 0; i < 3; i++)
		feed(x, HV, mkf(&f, U, S5, T_VNTAG, 7, &UDP53));
	CU_ASSERT_EQUAL(veth_num(x, "qos", 5, "in/counters/conform_frames"), 2);
	o = vnctl(x, &ok, "profile", "set", "pps", "police_in", "rate_pps", "100",
		"burst_packets", "5", NULL);
	CU_ASSERT(ok);
	free(o);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 5, "in/counters/conform_frames"), 2);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 5, "in/counters/exceed_frames"), 1);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 5, "in/burst"), 5);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 5, "in/rate"), 100);
	/* A default that denies, one way only: in. */
	o = vnctl(x, &ok, "profile", "set", "plain", "acl_default_in", "deny", NULL);
	CU_ASSERT(ok);
	free(o);
	CU_ASSERT_TRUE(sw_veth_by_id(x->sw, 2)->has_policy);
	tx_clear(x);
	feed(x, HV, mkf(&f, U, S2, T_VNTAG, 6, &UDP53));
	CU_ASSERT_EQUAL(x->mem[UP0]->n, 0);
	CU_ASSERT_EQUAL(DHITS(x, 2, "in"), 1);
	feed(x, UP0, mkf(&f, S2, U, T_CTAG, 10, &UDP53)); /* out: allowed */
	CU_ASSERT_EQUAL(x->mem[HV]->n, 1);
	/* Policy removed: the vEth pays nothing again. */
	o = vnctl(x, &ok, "profile", "set", "plain", "acl_default", "allow", NULL);
	CU_ASSERT(ok);
	free(o);
	CU_ASSERT_FALSE(sw_veth_by_id(x->sw, 2)->has_policy);
	CU_ASSERT_PTR_NULL(sw_veth_by_id(x->sw, 2)->pol);
	/* No vEth went away or was re-created. */
	for (uint32_t id = 1; id <= 6; id++)
		CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, id)->created_us, 0);
	tx_close(x);
}

/* config reload: a changed rule set replaces the old on every vEth,
 * unchanged rules keep their counters, vEths stay. */
static void
test_reload(void)
{
	struct tx *x = tx_open(CONF);
	struct sw_conf c;
	struct fr f;
	char err[1024], *text = strdup(CONF), *p;

	learn_all(x);
	feed(x, HV, mkf(&f, U, S1, T_VNTAG, 5, &TCP22));
	feed(x, HV, mkf(&f, U, S1, T_VNTAG, 5, &UDP53));
	/* The UDP rule becomes set_dscp=40; the deny stays. */
	p = strstr(text, "set_dscp=46");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memcpy(p, "set_dscp=40", 11);
	CU_ASSERT_EQUAL_FATAL(sw_conf_load_string(text, "t.conf", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(sw_config_apply(x->sw, &c, x->clock, err, sizeof(err)), 0);
	sw_conf_free(&c);
	CU_ASSERT_EQUAL(HITS(x, 1, "in", 0), 1); /* unchanged rule: kept */
	CU_ASSERT_EQUAL(HITS(x, 1, "in", 1), 0); /* changed rule: a new one */
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 1)->ctr.rx_frames, 2); /* kept */
	tx_clear(x);
	feed(x, HV, mkf(&f, U, S1, T_VNTAG, 5, &UDP53));
	CU_ASSERT_EQUAL_FATAL(x->mem[UP0]->n, 1);
	CU_ASSERT_EQUAL(out_dscp(x, UP0, 0), 40);
	/* The same file again: nothing rebuilt, counters as they are. */
	CU_ASSERT_EQUAL_FATAL(sw_conf_load_string(text, "t.conf", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(sw_config_apply(x->sw, &c, x->clock, err, sizeof(err)), 0);
	sw_conf_free(&c);
	CU_ASSERT_EQUAL(HITS(x, 1, "in", 1), 1);
	free(text);
	tx_close(x);
}

/* config save writes the policy so that it loads back the same. */
static void
test_save(void)
{
	struct tx *x = tx_open(CONF);
	char path[] = "/tmp/vnsw-test-policy-XXXXXX", err[1024];
	struct sw_conf c;
	bool ok;
	int fd = mkstemp(path);
	char *o;

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	o = vnctl(x, &ok, "profile", "set", "plain", "acl_default_out", "set_pcp=3",
		"police_out", "rate_kbps", "1000", "burst_bytes", "20000", "peak_rate_kbps",
		"2000", "peak_burst_bytes", "40000", "yellow", "set_dscp=12", "exceed", "drop",
		NULL);
	CU_ASSERT(ok);
	free(o);
	o = vnctl(x, &ok, "acl", "add", "plain", "in", "priority", "7", "match",
		"dl_src=02:00:00:00:00:06,arp", "action", "allow", NULL);
	CU_ASSERT(ok);
	free(o);
	CU_ASSERT_EQUAL_FATAL(sw_config_save(x->sw, path, err, sizeof(err)), 0);
	if (sw_conf_load(path, &c, err, sizeof(err))) {
		printf("\n  %s\n", err);
		CU_FAIL_FATAL("saved configuration does not load");
	}
	for (size_t i = 0; i < c.n_profiles; i++) {
		struct sw_conf_profile cur;

		CU_ASSERT_EQUAL_FATAL(
			sw_profile_get_conf(x->sw, c.profiles[i].name, &cur, err, sizeof(err)),
			0);
		CU_ASSERT_TRUE(sw_conf_policy_equal(&cur.policy, &c.profiles[i].policy));
		sw_conf_policy_free(&cur.policy);
	}
	CU_ASSERT_EQUAL(c.n_profiles, 3);
	sw_conf_free(&c);
	unlink(path);
	tx_close(x);
}

/* Bad input: the message names the file, the line, the profile and the
 * rule; nothing is applied. */
static void
test_bad_config(void)
{
	static const struct {
		const char *from, *to, *want;
	} cases[] = {
		{ "match = \"udp\"", "match = \"udp,nw_dst=10.0.0.0/33\"",
			"t.conf:12: profiles.[1].acl_in.[2].match: profile 'pol' acl_in rule 2 "
			"(priority 90): cannot parse match 'udp,nw_dst=10.0.0.0/33'" },
		{ "match = \"icmp\"", "match = \"tp_dst=5\"",
			"t.conf:13: profiles.[1].acl_in.[3].match: profile 'pol' acl_in rule 3 "
			"(priority 80): cannot parse match 'tp_dst=5': field tp_dst needs" },
		{ "action = \"set_pcp=6\"", "action = \"redirect\"",
			"t.conf:17: profiles.[1].acl_out.[3].action: profile 'pol' acl_out rule 3 "
			"(priority 40): unknown action 'redirect'" },
		{ "action = \"set_pcp=6\"", "action = \"set_pcp=8\"",
			"t.conf:17: profiles.[1].acl_out.[3].action: profile 'pol' acl_out rule 3 "
			"(priority 40): bad action 'set_pcp=8'" },
		{ "rate_pps = 10", "rate_pps = 0",
			"t.conf:21: profiles.[3].police_in: profile 'pps' police_in: rate_pps must "
			"be positive (is 0)" },
		{ "rate_pps = 10", "rate_pps = -5",
			"t.conf:21: profiles.[3].police_in: profile 'pps' police_in: rate_pps must "
			"be positive (is -5)" },
		{ "burst_bytes = 1518", "burst_bytes = 1000",
			"t.conf:22: profiles.[3].police_out: profile 'pps' police_out: burst_bytes "
			"1000 is smaller than one maximum frame (1518 bytes)" },
		{ "burst_packets = 2", "burst_packets = 2; rate_kbps = 5",
			"t.conf:21: profiles.[3].police_in: profile 'pps' police_in: give the rates" },
		{ "exceed = \"set_dscp=8\"", "exceed = \"set_dscp=80\"",
			"t.conf:22: profiles.[3].police_out.exceed: profile 'pps' police_out: exceed:" },
		{ "{ priority = 100; match = \"tcp,tp_dst=22\";",
			"{ priority = 70000; match = \"tcp,tp_dst=22\";",
			"t.conf:11: profiles.[1].acl_in.[1].priority: 70000 is out of range 0..65535" },
		{ "vlan = 10; },\n  { name = \"pps\"",
			"vlan = 10; acl_default = \"maybe\"; },\n  { name = \"pps\"",
			"t.conf:19: profiles.[2].acl_default: profile 'plain' acl_default: unknown action 'maybe'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = malloc(sizeof(CONF) + 200), *p, err[1024] = "";
		struct sw_conf c;
		size_t at;

		p = strstr(CONF, cases[i].from);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		at = (size_t)(p - CONF);
		memcpy(text, CONF, at);
		strcpy(text + at, cases[i].to);
		strcat(text, p + strlen(cases[i].from));
		CU_ASSERT_EQUAL(sw_conf_load_string(text, "t.conf", &c, err, sizeof(err)), -1);
		if (strncmp(err, cases[i].want, strlen(cases[i].want))) {
			printf("\n  case %zu: got  '%s'\n          want '%s...'\n", i, err,
				cases[i].want);
			CU_FAIL("message");
		}
		free(text);
	}
}

/* Bad changes through vnctl and reload are refused and change nothing. */
static void
test_bad_changes(void)
{
	struct tx *x = tx_open(CONF);
	char *before, *after, *o, err[1024];
	struct sw_conf c;
	struct fr f;
	bool ok;

	learn_all(x);
	feed(x, HV, mkf(&f, U, S1, T_VNTAG, 5, &TCP22));
	before = vnctl(x, &ok, "show", "acl", NULL);
	o = vnctl(x, &ok, "acl", "add", "pol", "in", "priority", "1", "match",
		"tcp,nw_dst=10.0.0.0/33", "action", "deny", NULL);
	CU_ASSERT_FALSE(ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(o,
		"profile 'pol' acl_in rule 4 (priority 1): cannot parse "
		"match 'tcp,nw_dst=10.0.0.0/33'"));
	free(o);
	o = vnctl(
		x, &ok, "acl", "add", "pol", "out", "priority", "1", "action", "reject", NULL);
	CU_ASSERT_FALSE(ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "unknown action 'reject'"));
	free(o);
	o = vnctl(x, &ok, "profile", "set", "pps", "police_in", "rate_kbps", "0", "burst_bytes",
		"20000", NULL);
	CU_ASSERT_FALSE(ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "rate_kbps must be positive"));
	free(o);
	o = vnctl(x, &ok, "profile", "set", "pps", "police_out", "rate_kbps", "10",
		"burst_bytes", "100", NULL);
	CU_ASSERT_FALSE(ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "smaller than one maximum frame"));
	free(o);
	o = vnctl(x, &ok, "profile", "set", "pps", "police_out", "rate_kbps", "-3",
		"burst_bytes", "2000", NULL);
	CU_ASSERT_FALSE(ok);
	free(o);
	/* A configuration whose rule the loader would refuse, applied by
	 * hand: refused before anything changes. */
	CU_ASSERT_EQUAL_FATAL(sw_conf_load_string(CONF, "t.conf", &c, err, sizeof(err)), 0);
	snprintf(c.profiles[0].policy.rules[0][0].match, SW_ACL_MATCH_MAX, "tcp,bogus=1");
	c.profiles[1].vlan = 20;
	CU_ASSERT_EQUAL(sw_config_apply(x->sw, &c, x->clock, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "profile 'pol' acl_in rule 1 (priority 100)"));
	sw_conf_free(&c);
	CU_ASSERT_EQUAL(sw_profile_at(x->sw, 1)->vlan, 10);
	after = vnctl(x, &ok, "show", "acl", NULL);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	tx_close(x);
}

/* A vEth changing profile gets the new profile's policy; VDP-style and
 * auto-created vEths get their profile's at creation. */
static void
test_veth_profile(void)
{
	struct tx *x = tx_open(CONF);
	char *o;
	bool ok;

	o = vnctl(x, &ok, "veth", "set", "2", "profile", "pol", NULL);
	CU_ASSERT(ok);
	free(o);
	CU_ASSERT_TRUE(sw_veth_by_id(x->sw, 2)->has_policy);
	CU_ASSERT_PTR_NOT_NULL(sw_veth_by_id(x->sw, 2)->pol);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 2)->pol->n_rules[SW_DIR_IN], 3);
	o = vnctl(x, &ok, "veth", "add", "9", "port", "hv", "vif", "9", "profile", "pps", NULL);
	CU_ASSERT(ok);
	free(o);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 9, "in/active"), 1);
	CU_ASSERT_EQUAL(veth_num(x, "qos", 9, "in/bucket/tokens"), 2);
	o = vnctl(x, &ok, "veth", "set", "2", "profile", "none", NULL);
	CU_ASSERT(ok);
	free(o);
	CU_ASSERT_FALSE(sw_veth_by_id(x->sw, 2)->has_policy);
	/* A profile with vEths cannot go; one without can, policy and all. */
	o = vnctl(x, &ok, "profile", "add", "tmp", "police_in", "rate_pps", "5",
		"burst_packets", "1", NULL);
	CU_ASSERT(ok);
	free(o);
	o = vnctl(x, &ok, "profile", "del", "tmp", NULL);
	CU_ASSERT(ok);
	free(o);
	tx_close(x);
}

static void
add_suites(void)
{
	static const struct tu_test tests[] = {
		{ "ingress: deny, allow, set_dscp, set_pcp", test_ingress },
		{ "egress: per destination vEth, floods, set_pcp", test_egress },
		{ "ingress policer (packets)", test_police_in },
		{ "egress policer (bytes, exceed remark)", test_police_out },
		{ "trace changes nothing", test_trace },
		{ "live update keeps counters", test_live_update },
		{ "reload keeps counters of unchanged rules", test_reload },
		{ "config save loads back the same", test_save },
		{ "bad configuration names profile and rule", test_bad_config },
		{ "bad changes change nothing", test_bad_changes },
		{ "vEths follow their profile", test_veth_profile },
		{ NULL, NULL },
	};
	tu_add_suite("policy", tests);
}

int
main(void)
{
	return tu_run("test-policy", add_suites);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-ctl.c - the control protocol without a socket: the framing
 * (ctlproto.c) and sw_ctl_handle() (ctl.c) called directly on a switch
 * built with sw_create() from a configuration string, with memory ports.
 *
 * Every refused request is checked to leave the state exactly as it was:
 * the JSON of show veths/ports/profiles/fdb/events before and after must be
 * byte for byte the same.
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
#include "switchd/port_be.h"
#include "switchd/sw.h"
#include "switchd/swconf.h"
#include "tests/testutil.h"

#define SEC 1000000ull

/* ---- framing ------------------------------------------------------------------ */

static void
test_hdr_roundtrip(void)
{
	static const uint32_t lens[] = { 0, 1, 255, 256, 65535, 65536, 0x12345678, 0xFFFFFFFF };
	static const uint8_t types[] = { SW_CTL_REQUEST, SW_CTL_REPLY };

	for (size_t t = 0; t < 2; t++)
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			uint8_t h[SW_CTL_HDR_LEN];
			struct vn_err err = { 0 };
			uint32_t len = 0;

			sw_ctl_hdr_encode(h, types[t], lens[i]);
			CU_ASSERT_EQUAL(h[0], 'V');
			CU_ASSERT_EQUAL(h[1], 'N');
			CU_ASSERT_EQUAL(h[2], SW_CTL_VERSION);
			CU_ASSERT_EQUAL(h[3], types[t]);
			/* Big-endian length. */
			CU_ASSERT_EQUAL(h[4], lens[i] >> 24);
			CU_ASSERT_EQUAL(h[5], (lens[i] >> 16) & 0xFF);
			CU_ASSERT_EQUAL(h[6], (lens[i] >> 8) & 0xFF);
			CU_ASSERT_EQUAL(h[7], lens[i] & 0xFF);
			CU_ASSERT_EQUAL(
				sw_ctl_hdr_decode(h, types[t], UINT32_MAX, &len, &err), 0);
			CU_ASSERT_EQUAL(len, lens[i]);
			/* Exactly at the limit is accepted. */
			CU_ASSERT_EQUAL(sw_ctl_hdr_decode(h, types[t], lens[i], &len, &err), 0);
		}
}

static void
test_hdr_reject(void)
{
	static const struct {
		const char *what;
		uint8_t byte; /* index to change, 8: the length limit */
		uint8_t value;
		size_t offset;
		const char *reason;
	} cases[] = {
		{ "magic 0", 0, 'X', 0, "magic" },
		{ "magic 1", 1, 'M', 0, "magic" },
		{ "magic lowercase", 0, 'v', 0, "magic" },
		{ "version 0", 2, 0, 2, "version" },
		{ "version 2", 2, 2, 2, "version" },
		{ "version 255", 2, 255, 2, "version" },
		{ "type reply", 3, SW_CTL_REPLY, 3, "type" },
		{ "type 0", 3, 0, 3, "type" },
		{ "type 3", 3, 3, 3, "type" },
		{ "length over", 8, 0, 4, "limit" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t h[SW_CTL_HDR_LEN];
		struct vn_err err = { 0 };
		uint32_t len = 0, max = 1000;

		sw_ctl_hdr_encode(h, SW_CTL_REQUEST, 1000);
		if (cases[i].byte < SW_CTL_HDR_LEN)
			h[cases[i].byte] = cases[i].value;
		else
			max = 999;
		CU_ASSERT_EQUAL(
			sw_ctl_hdr_decode(h, SW_CTL_REQUEST, max, &len, &err), VN_EBADMSG);
		CU_ASSERT_PTR_NOT_NULL(err.reason);
		CU_ASSERT_EQUAL(err.offset, cases[i].offset);
		if (!err.reason || !strstr(err.reason, cases[i].reason)) {
			printf("\n  %s: reason '%s'\n", cases[i].what,
				err.reason ? err.reason : "(none)");
			CU_FAIL("reason");
		}
	}
	/* The largest length against the default limit, and a reply header
	 * where a request is expected. */
	{
		uint8_t h[SW_CTL_HDR_LEN];
		struct vn_err err = { 0 };
		uint32_t len;

		sw_ctl_hdr_encode(h, SW_CTL_REQUEST, 0xFFFFFFFF);
		CU_ASSERT_EQUAL(
			sw_ctl_hdr_decode(h, SW_CTL_REQUEST, SW_CTL_MAX_REQUEST, &len, &err),
			VN_EBADMSG);
		sw_ctl_hdr_encode(h, SW_CTL_REQUEST, SW_CTL_MAX_REQUEST + 1);
		CU_ASSERT_EQUAL(
			sw_ctl_hdr_decode(h, SW_CTL_REQUEST, SW_CTL_MAX_REQUEST, &len, &err),
			VN_EBADMSG);
		sw_ctl_hdr_encode(h, SW_CTL_REPLY, 10);
		CU_ASSERT_EQUAL(
			sw_ctl_hdr_decode(h, SW_CTL_REQUEST, SW_CTL_MAX_REQUEST, &len, &err),
			VN_EBADMSG);
	}
}

/* ---- a switch and the command server ------------------------------------------ */

static const char CONF[] =
	"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; fdb_aging = 10; };\n"
	"ports = (\n"
	"  { name = \"up0\"; role = \"uplink\"; vlans = [10, 20]; },\n"
	"  { name = \"h1\"; role = \"host\"; mode = \"vntag\"; max_veths = 4; },\n"
	"  { name = \"h2\"; role = \"host\"; mode = \"vepa\"; reflective_relay = true; },\n"
	"  { name = \"h3\"; role = \"host\"; mode = \"etag\"; }\n"
	");\n"
	"profiles = ( { name = \"web\"; type_id = 5; type_version = 1; vlan = 10; },\n"
	"             { name = \"db\"; vlan = 20; } );\n"
	"veths = (\n"
	"  { id = 100; port = \"h1\"; vif = 5; profile = \"web\"; },\n"
	"  { id = 101; port = \"h2\"; mac = \"52:54:00:00:00:01\"; profile = \"web\"; },\n"
	"  { id = 102; port = \"h3\"; ecid = 300; profile = \"web\"; },\n"
	"  { id = 103; port = \"h1\"; vif = 6; profile = \"db\"; }\n"
	");\n";
enum { P_UP0, P_H1, P_H2, P_H3, N_PORTS };

struct cx {
	struct sw *sw;
	unsigned n_ports;
	struct sw_mem_port *mem[8]; /* owned here, outlive the switch */
	uint64_t clock;
	uint64_t warped;
	int reloads;
	const char *reload_err; /* what the reload hook fails with; NULL: success */
	struct sw_ctl_env env;
};

static uint64_t
cx_now(void *aux)
{
	return ((struct cx *)aux)->clock;
}

static int
cx_warp(void *aux, uint64_t delta_us, char *err, size_t errlen)
{
	struct cx *x = aux;

	(void)err;
	(void)errlen;
	x->clock += delta_us;
	x->warped += delta_us;
	sw_run_timers(x->sw, x->clock);
	return 0;
}

static int
cx_reload(void *aux, char *err, size_t errlen)
{
	struct cx *x = aux;

	x->reloads++;
	if (x->reload_err) {
		snprintf(err, errlen, "%s", x->reload_err);
		return -1;
	}
	return 0;
}

static struct cx *
cx_open_text(const char *text)
{
	struct cx *x = calloc(1, sizeof(*x));
	struct sw_conf conf;
	char err[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	if (sw_conf_load_string(text, "test.conf", &conf, err, sizeof(err))) {
		printf("\n  %s\n", err);
		CU_FAIL_FATAL("configuration");
	}
	x->sw = sw_create(&conf, err, sizeof(err));
	sw_conf_free(&conf);
	if (!x->sw) {
		printf("\n  %s\n", err);
		CU_FAIL_FATAL("sw_create");
	}
	x->n_ports = sw_n_ports(x->sw);
	CU_ASSERT_FATAL(x->n_ports <= 8);
	for (unsigned i = 0; i < x->n_ports; i++) {
		x->mem[i] = calloc(1, sizeof(*x->mem[i]));
		CU_ASSERT_PTR_NOT_NULL_FATAL(x->mem[i]);
		sw_mem_attach(x->sw, i, x->mem[i]);
	}
	x->clock = 1000 * SEC;
	x->env = (struct sw_ctl_env) {
		.sw = x->sw,
		.config_path = NULL,
		.now = cx_now,
		.warp = cx_warp,
		.reload = cx_reload,
		.aux = x,
	};
	return x;
}

static struct cx *
cx_open(void)
{
	struct cx *x = cx_open_text(CONF);

	CU_ASSERT_EQUAL_FATAL(x->n_ports, N_PORTS);
	return x;
}

static void
cx_close(struct cx *x)
{
	sw_destroy(x->sw);
	for (unsigned i = 0; i < x->n_ports; i++)
		free(x->mem[i]);
	free(x);
}

/* A reply, checked for its shape: {"version": 1, "status": "ok"|"error",
 * "output"|"error": string}.  'text' is the output or the error. */
struct reply {
	bool ok;
	char *text; /* malloc'ed */
};

static struct reply
handle_raw(struct cx *x, const char *payload, size_t len)
{
	struct reply r = { false, NULL };
	size_t rlen = 0;
	char *rep = sw_ctl_handle(&x->env, payload, len, &rlen);
	struct json *j;
	const struct json *v, *st, *t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	CU_ASSERT_EQUAL(strlen(rep), rlen);
	j = json_from_string(rep);
	free(rep);
	CU_ASSERT_EQUAL_FATAL(j->type, JSON_OBJECT);
	v = shash_find_data(json_object(j), "version");
	st = shash_find_data(json_object(j), "status");
	CU_ASSERT_FATAL(v && v->type == JSON_INTEGER && json_integer(v) == SW_CTL_VERSION);
	CU_ASSERT_FATAL(st && st->type == JSON_STRING);
	r.ok = !strcmp(json_string(st), "ok");
	CU_ASSERT(r.ok || !strcmp(json_string(st), "error"));
	t = shash_find_data(json_object(j), r.ok ? "output" : "error");
	CU_ASSERT_FATAL(t && t->type == JSON_STRING);
	CU_ASSERT_EQUAL(shash_count(json_object(j)), 3);
	r.text = strdup(json_string(t));
	json_destroy(j);
	return r;
}

/* Run argv (NULL-terminated) in 'fmt' ("plain", "keyvalue", "json"). */
static struct reply
vrun(struct cx *x, const char *fmt, va_list ap)
{
	struct json *req = json_object_create(), *args = json_array_create_empty();
	const char *a;
	struct reply r;
	char *s;

	while ((a = va_arg(ap, const char *)))
		json_array_add(args, json_string_create(a));
	json_object_put(req, "version", json_integer_create(SW_CTL_VERSION));
	json_object_put(req, "argv", args);
	json_object_put_string(req, "format", fmt);
	s = json_to_string(req, 0);
	json_destroy(req);
	r = handle_raw(x, s, strlen(s));
	free(s);
	return r;
}

static struct reply
run(struct cx *x, const char *fmt, ...)
{
	struct reply r;
	va_list ap;

	va_start(ap, fmt);
	r = vrun(x, fmt, ap);
	va_end(ap);
	return r;
}

/* Run in json; succeed; return the output (caller frees). */
static char *
ok_json(struct cx *x, ...)
{
	struct reply r;
	va_list ap;

	va_start(ap, x);
	r = vrun(x, "json", ap);
	va_end(ap);
	if (!r.ok)
		printf("\n  unexpected error: %s\n", r.text);
	CU_ASSERT(r.ok);
	return r.text;
}

/* Everything a command could change, as one string. */
static char *
state_of(struct cx *x)
{
	static const char *const what[][3] = {
		{ "show", "veths", NULL },
		{ "show", "ports", NULL },
		{ "show", "profiles", NULL },
		{ "show", "fdb", NULL },
		{ "show", "events", NULL },
	};
	size_t n = 0;
	char *all = NULL;
	FILE *f = open_memstream(&all, &n);

	for (size_t i = 0; i < sizeof(what) / sizeof(what[0]); i++) {
		char *o = ok_json(x, what[i][0], what[i][1], NULL);

		fprintf(f, "%s\n", o);
		free(o);
	}
	fclose(f);
	return all;
}

static bool
contains(const char *hay, const char *needle)
{
	if (hay && strstr(hay, needle))
		return true;
	printf("\n  '%s' not in '%s'\n", needle, hay ? hay : "(null)");
	return false;
}

/* A request that must be refused with 'why' and change nothing. */
static void
refused_argv(struct cx *x, const char *why, const char *const *argv)
{
	struct json *req = json_object_create(), *args = json_array_create_empty();
	char *before = state_of(x), *after, *s;
	struct reply r;

	for (size_t i = 0; argv[i]; i++)
		json_array_add(args, json_string_create(argv[i]));
	json_object_put(req, "version", json_integer_create(SW_CTL_VERSION));
	json_object_put(req, "argv", args);
	json_object_put_string(req, "format", "json");
	s = json_to_string(req, 0);
	json_destroy(req);
	r = handle_raw(x, s, strlen(s));
	if (r.ok) {
		printf("\n  accepted: %s\n", s);
		CU_FAIL("refused");
	}
	CU_ASSERT(contains(r.text, why));
	after = state_of(x);
	if (strcmp(before, after)) {
		printf("\n  %s changed the state:\n  %s\n  %s\n", s, before, after);
		CU_FAIL("state unchanged");
	}
	free(s);
	free(r.text);
	free(before);
	free(after);
}

/* ---- requests that are not valid ----------------------------------------------- */

/* A literal with NUL bytes inside: its length is not strlen(). */
#define WITH_NUL(s) s, sizeof(s) - 1

static void
test_malformed(void)
{
	static const struct {
		const char *payload;
		size_t len; /* 0: strlen */
		const char *why;
	} cases[] = {
		{ "", 0, "malformed" },
		{ "{", 0, "malformed" },
		{ "{\"version\": 1, \"argv\": [\"version\"]", 0, "malformed" },
		{ "[\"version\"]", 0, "not a JSON object" },
		{ "\"version\"", 0, "malformed" },
		{ "42", 0, "malformed" },
		{ "null", 0, "malformed" },
		{ "{\"argv\": [\"version\"]}", 0, "version" },
		{ "{\"version\": 2, \"argv\": [\"version\"]}", 0, "version" },
		{ "{\"version\": \"1\", \"argv\": [\"version\"]}", 0, "version" },
		{ "{\"version\": 1.5, \"argv\": [\"version\"]}", 0, "version" },
		{ "{\"version\": 1}", 0, "argv" },
		{ "{\"version\": 1, \"argv\": \"version\"}", 0, "argv" },
		{ "{\"version\": 1, \"argv\": []}", 0, "argv" },
		{ "{\"version\": 1, \"argv\": {}}", 0, "argv" },
		{ "{\"version\": 1, \"argv\": [1]}", 0, "argument 1" },
		{ "{\"version\": 1, \"argv\": [\"show\", null]}", 0, "argument 2" },
		{ "{\"version\": 1, \"argv\": [\"show\", [\"veths\"]]}", 0, "argument 2" },
		{ "{\"version\": 1, \"argv\": [\"version\"], \"format\": \"xml\"}", 0,
			"format" },
		{ "{\"version\": 1, \"argv\": [\"version\"], \"format\": 1}", 0, "format" },
		{ WITH_NUL("{\"version\": 1, \"argv\": [\"version\"]}\0"), "NUL" },
		{ WITH_NUL("{\"version\": 1, \"argv\": [\"ver\0sion\"]}"), "NUL" },
		{ "{\"version\": 1, \"argv\": [\"ver\\u0000sion\"]}", 0, "" },
		{ "{\"version\": 1, \"argv\": [\"\xff\"]}", 0, "UTF-8" },
		{ "{\"version\": 1, \"argv\": [\"\xc0\xaf\"]}", 0, "UTF-8" }, /* overlong */
		{ "{\"version\": 1, \"argv\": [\"\xed\xa0\x80\"]}", 0,
			"UTF-8" }, /* surrogate */
		{ "{\"version\": 1, \"argv\": [\"\xf4\x90\x80\x80\"]}", 0,
			"UTF-8" },                                            /* > 10FFFF */
		{ "{\"version\": 1, \"argv\": [\"\xe2\x82\"]}", 0, "UTF-8" }, /* truncated */
		{ "{\"version\": 1, \"argv\": [\"version\"]} x", 0, "malformed" },
		{ "{\"version\": 1, \"argv\": [\"nosuch\"]}", 0, "unknown command 'nosuch'" },
		{ "{\"version\": 1, \"argv\": [\"caf\xc3\xa9\"]}", 0,
			"unknown command 'caf\xc3\xa9'" },
		{ "{\"version\": 1, \"argv\": [\"\xf0\x9f\x98\x80\"]}", 0, "unknown command" },
	};
	struct cx *x = cx_open();
	char *before = state_of(x);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].payload);
		struct reply r = handle_raw(x, cases[i].payload, len);

		if (r.ok)
			printf("\n  accepted: %s\n", cases[i].payload);
		CU_ASSERT(!r.ok);
		CU_ASSERT(contains(r.text, cases[i].why));
		free(r.text);
	}
	/* Too many arguments, an argument too long, deep nesting. */
	{
		size_t cap = 200000, n;
		char *p = malloc(cap);
		struct reply r;

		n = (size_t)snprintf(p, cap, "{\"version\": 1, \"argv\": [\"show\"");
		for (int i = 0; i < 64; i++)
			n += (size_t)snprintf(p + n, cap - n, ", \"x\"");
		n += (size_t)snprintf(p + n, cap - n, "]}");
		r = handle_raw(x, p, n);
		CU_ASSERT(!r.ok && contains(r.text, "too many arguments"));
		free(r.text);

		n = (size_t)snprintf(
			p, cap, "{\"version\": 1, \"argv\": [\"inject\", \"h1\", \"");
		memset(p + n, '0', 4097);
		n += 4097;
		n += (size_t)snprintf(p + n, cap - n, "\"]}");
		r = handle_raw(x, p, n);
		CU_ASSERT(!r.ok && contains(r.text, "at most 4096"));
		free(r.text);

		n = (size_t)snprintf(p, cap, "{\"version\": 1, \"argv\": ");
		for (int i = 0; i < 50000; i++)
			p[n++] = '[';
		for (int i = 0; i < 50000; i++)
			p[n++] = ']';
		p[n++] = '}';
		r = handle_raw(x, p, n);
		CU_ASSERT(!r.ok);
		free(r.text);
		free(p);
	}
	{
		char *after = state_of(x);

		CU_ASSERT_STRING_EQUAL(before, after);
		free(after);
	}
	free(before);
	cx_close(x);
}

static void
test_error_reply(void)
{
	size_t len = 0;
	char *s = sw_ctl_error_reply("why \"quoted\"\n", &len);
	struct json *j = json_from_string(s);
	const struct json *e;

	CU_ASSERT_EQUAL(strlen(s), len);
	CU_ASSERT_EQUAL_FATAL(j->type, JSON_OBJECT);
	e = shash_find_data(json_object(j), "error");
	CU_ASSERT(e && e->type == JSON_STRING && !strcmp(json_string(e), "why \"quoted\"\n"));
	e = shash_find_data(json_object(j), "status");
	CU_ASSERT(e && e->type == JSON_STRING && !strcmp(json_string(e), "error"));
	json_destroy(j);
	free(s);
}

/* ---- bad arguments: refused, nothing changes ------------------------------------- */

#define A(...) ((const char *const[]) { __VA_ARGS__, NULL })

static void
test_bad_args(void)
{
	static const char *const long_name = "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"; /* 32 */
	struct cx *x = cx_open();
	char hex[200];

	refused_argv(x, "unknown command", A("nosuch"));
	refused_argv(x, "unknown command", A("show"));
	refused_argv(x, "unknown command", A("show", "nothing"));
	refused_argv(x, "unknown command", A("time", "travel", "1"));
	refused_argv(x, "usage", A("version", "x"));
	refused_argv(x, "usage", A("show", "ports", "x"));
	refused_argv(x, "usage", A("show", "veths", "1", "2"));
	refused_argv(x, "not a number", A("show", "veths", "abc"));
	refused_argv(x, "not a number", A("show", "veths", "-1"));
	refused_argv(x, "not a number", A("show", "veths", "+100"));
	refused_argv(x, "not a number", A("show", "veths", " 100"));
	refused_argv(x, "not a number", A("show", "veths", "\t100"));
	refused_argv(x, "not a number", A("show", "veths", "100 "));
	refused_argv(x, "not a number", A("show", "veths", "0x"));
	refused_argv(x, "not a number", A("show", "veths", ""));
	refused_argv(x, "not a number", A("show", "veths", "99999999999999999999999"));
	refused_argv(x, "out of range", A("show", "veths", "0"));
	refused_argv(x, "out of range", A("show", "veths", "4294967296"));
	refused_argv(x, "no vEth 999", A("show", "veths", "999"));
	refused_argv(x, "out of range", A("show", "fdb", "vlan", "4095"));
	refused_argv(x, "usage", A("show", "fdb", "vlen", "1"));
	refused_argv(x, "usage", A("show", "fdb", "vlan"));
	refused_argv(x, "no port named 'nope'", A("show", "counters", "port", "nope"));
	refused_argv(x, "usage", A("show", "counters", "bogus", "1"));
	refused_argv(x, "no vEth 7", A("show", "counters", "veth", "7"));
	refused_argv(x, "usage", A("show", "events", "vif", "1"));

	refused_argv(x, "usage", A("veth", "add"));
	refused_argv(x, "usage", A("veth", "add", "200"));
	refused_argv(x, "needs port", A("veth", "add", "200", "port", "h1"));
	refused_argv(x, "usage", A("veth", "add", "200", "port", "h1", "vif"));
	refused_argv(x, "out of range", A("veth", "add", "200", "port", "h1", "vif", "4096"));
	refused_argv(x, "not a number", A("veth", "add", "200", "port", "h1", "vif", "-1"));
	refused_argv(x, "no host port", A("veth", "add", "200", "port", "nope", "vif", "7"));
	refused_argv(x, "no host port", A("veth", "add", "200", "port", "up0", "vif", "7"));
	refused_argv(x, "1..31", A("veth", "add", "200", "port", long_name, "vif", "7"));
	refused_argv(x, "already exists", A("veth", "add", "100", "port", "h1", "vif", "7"));
	refused_argv(x, "already taken", A("veth", "add", "200", "port", "h1", "vif", "5"));
	refused_argv(x, "vntag port", A("veth", "add", "200", "port", "h1", "ecid", "7"));
	refused_argv(x, "unicast",
		A("veth", "add", "200", "port", "h2", "mac", "01:00:5e:00:00:01"));
	refused_argv(
		x, "unicast", A("veth", "add", "200", "port", "h2", "mac", "52:54:00:00:00"));
	refused_argv(x, "already taken",
		A("veth", "add", "200", "port", "h2", "mac", "52:54:00:00:00:01", "vlan",
			"10"));
	refused_argv(x, "no profile",
		A("veth", "add", "200", "port", "h1", "vif", "7", "profile", "x"));
	refused_argv(x, "one binding",
		A("veth", "add", "200", "port", "h1", "vif", "7", "vif", "8"));
	refused_argv(x, "unknown argument",
		A("veth", "add", "200", "port", "h1", "vif", "7", "x", "1"));
	refused_argv(x, "out of range", A("veth", "add", "0", "port", "h1", "vif", "7"));
	refused_argv(
		x, "out of range", A("veth", "add", "2147483648", "port", "h1", "vif", "7"));
	refused_argv(x, "out of range", A("veth", "add", "200", "port", "h3", "ecid", "0"));
	refused_argv(
		x, "out of range", A("veth", "add", "200", "port", "h3", "ecid", "0x100000"));

	refused_argv(x, "no vEth 999", A("veth", "del", "999"));
	refused_argv(x, "usage", A("veth", "del", "100", "101"));
	refused_argv(x, "no vEth 999", A("veth", "set", "999", "vlan", "10"));
	refused_argv(x, "usage", A("veth", "set", "100"));
	refused_argv(x, "out of range", A("veth", "set", "100", "vlan", "4095"));
	refused_argv(x, "no profile", A("veth", "set", "100", "profile", "nope"));
	refused_argv(x, "needs vif", A("veth", "set", "100", "port", "h2"));
	refused_argv(x, "etag port", A("veth", "set", "100", "port", "h3", "vif", "7"));
	refused_argv(x, "belongs to vEth 103", A("veth", "set", "100", "vif", "6"));
	refused_argv(x, "unknown argument", A("veth", "set", "100", "vlan", "11", "x", "1"));
	refused_argv(x, "no profile", A("veth", "set", "100", "vlan", "11", "profile", "nope"));

	refused_argv(x, "already exists", A("profile", "add", "web"));
	refused_argv(x, "out of range", A("profile", "add", "x", "type_id", "16777216"));
	refused_argv(x, "out of range", A("profile", "add", "x", "type_version", "256"));
	refused_argv(x, "not a number", A("profile", "add", "x", "vlan", "none"));
	refused_argv(x, "unknown argument", A("profile", "add", "x", "y", "1"));
	refused_argv(x, "1..31", A("profile", "add", ""));
	refused_argv(x, "other than letters", A("profile", "add", "q\"uote"));
	refused_argv(x, "other than letters", A("profile", "add", "a b"));
	refused_argv(x, "other than letters", A("profile", "add", "caf\xc3\xa9"));
	refused_argv(x, "other than letters", A("profile", "add", "x\ny"));
	refused_argv(x, "other than letters", A("veth", "set", "100", "profile", "a/b"));
	refused_argv(x, "used by 3 vEth", A("profile", "del", "web"));
	refused_argv(x, "no profile", A("profile", "del", "nope"));
	refused_argv(x, "no profile", A("profile", "set", "nope", "vlan", "1"));
	refused_argv(x, "usage", A("profile", "set", "web"));
	refused_argv(
		x, "not a number", A("profile", "set", "web", "vlan", "20", "type_id", "x"));

	refused_argv(x, "no port named", A("port", "set", "nope", "admin", "up"));
	refused_argv(x, "usage", A("port", "set", "h1"));
	refused_argv(x, "not up or down", A("port", "set", "h1", "admin", "sideways"));
	refused_argv(x, "unknown setting", A("port", "set", "h1", "colour", "red"));
	refused_argv(x, "max_veths", A("port", "set", "h1", "max_veths", "x"));
	refused_argv(x, "max_veths", A("port", "set", "h1", "max_veths", " 3"));
	refused_argv(x, "max_veths", A("port", "set", "h1", "max_veths", "+3"));
	refused_argv(x, "already has 2", A("port", "set", "h1", "max_veths", "1"));
	refused_argv(x, "host port", A("port", "set", "up0", "max_veths", "3"));
	refused_argv(x, "vepa ports", A("port", "set", "h1", "reflective_relay", "true"));
	/* The first pair is valid, a later one is not: none applies. */
	refused_argv(x, "max_veths", A("port", "set", "h1", "admin", "down", "max_veths", "x"));
	refused_argv(x, "true or false",
		A("port", "set", "h2", "reflective_relay", "false", "auto_create", "x"));
	refused_argv(x, "unknown setting",
		A("port", "set", "h1", "auto_create", "true", "max_veths", "3", "x", "1"));

	refused_argv(x, "usage", A("counters", "clear", "x"));
	refused_argv(x, "no path", A("config", "save"));
	refused_argv(x, "usage", A("config", "reload", "x"));

	snprintf(hex, sizeof(hex), "ffffffffffff020000000100892600000005080000");
	refused_argv(x, "no port named", A("trace", "nope", hex));
	refused_argv(x, "hex", A("trace", "h1", "zz"));
	refused_argv(x, "hex", A("trace", "h1", "ffffffffffff0200000001008926000000050800000"));
	refused_argv(x, "shorter", A("trace", "h1", "00112233"));
	refused_argv(x, "shorter", A("trace", "h1", ""));
	refused_argv(x, "hex", A("inject", "h1", "0g"));
	refused_argv(x, "shorter", A("inject", "h1", "00000000000000000000000000"));
	refused_argv(x, "not a number of seconds", A("time", "warp", "-1"));
	refused_argv(x, "not a number of seconds", A("time", "warp", "x"));
	refused_argv(x, "not a number of seconds", A("time", "warp", "nan"));
	refused_argv(x, "not a number of seconds", A("time", "warp", "1e8"));
	refused_argv(x, "not a number of seconds", A("time", "warp", ""));
	CU_ASSERT_EQUAL(x->warped, 0);
	CU_ASSERT_EQUAL(x->reloads, 0);
	/* A profile VLAN change that would move a MAC-bound vEth onto another
	 * vEth's MAC+VLAN binding. */
	free(ok_json(x, "veth", "add", "200", "port", "h2", "mac", "52:54:00:00:00:01", "vlan",
		"30", NULL));
	refused_argv(x, "vEth 200's binding", A("profile", "set", "web", "vlan", "30"));
	cx_close(x);
}

/* ---- valid requests ------------------------------------------------------------- */

static void
test_show(void)
{
	struct cx *x = cx_open();
	struct reply r;
	char *o;

	o = ok_json(x, "version", NULL);
	CU_ASSERT(contains(o, "\"package\":\"" PACKAGE_NAME "\""));
	CU_ASSERT(contains(o, "\"protocol\":1"));
	free(o);
	o = ok_json(x, "list-commands", NULL);
	CU_ASSERT(contains(o, "{\"name\":\"show veths\",\"args\":\"[ID]\""));
	CU_ASSERT(contains(o, "\"name\":\"time warp\""));
	free(o);
	o = ok_json(x, "show", "veths", "100", NULL);
	CU_ASSERT(contains(o,
		"[{\"id\":100,\"port\":\"h1\",\"bind\":\"vif\",\"vif\":5,\"vlan\":10,"
		"\"profile\":\"web\",\"origin\":\"static\",\"state\":\"up\""));
	free(o);
	o = ok_json(x, "show", "veths", "0x65", NULL);
	CU_ASSERT(contains(o, "\"id\":101,"));
	CU_ASSERT(contains(o, "\"mac\":\"52:54:00:00:00:01\",\"vlan\":10"));
	free(o);
	o = ok_json(x, "show", "veths", "0102", NULL); /* decimal, not octal */
	CU_ASSERT(contains(o, "\"id\":102,"));
	free(o);
	o = ok_json(x, "show", "veths", NULL);
	CU_ASSERT(o && o[0] == '[' && strstr(o, "\"id\":103"));
	free(o);
	o = ok_json(x, "show", "ports", NULL);
	CU_ASSERT(contains(o, "{\"name\":\"up0\",\"role\":\"uplink\",\"mode\":\"trunk\""));
	CU_ASSERT(contains(o, "\"vlans\":[10,20]"));
	free(o);
	o = ok_json(x, "show", "profiles", NULL);
	CU_ASSERT(contains(o,
		"[{\"name\":\"web\",\"type_id\":5,\"type_version\":1,\"vlan\":10},"
		"{\"name\":\"db\",\"type_id\":0,\"type_version\":0,\"vlan\":20}]"));
	free(o);
	o = ok_json(x, "show", "fdb", NULL);
	CU_ASSERT_STRING_EQUAL(o, "[]\n");
	free(o);
	o = ok_json(x, "show", "fdb", "vlan", "10", NULL);
	CU_ASSERT_STRING_EQUAL(o, "[]\n");
	free(o);
	o = ok_json(x, "show", "counters", NULL);
	CU_ASSERT(contains(o, "{\"rx_frames\":0,"));
	CU_ASSERT(contains(o, "\"drops\":{\"malformed\":0,"));
	free(o);
	o = ok_json(x, "show", "counters", "port", "h1", NULL);
	CU_ASSERT(contains(o, "\"tx_bytes\":0"));
	free(o);
	o = ok_json(x, "show", "counters", "veth", "100", NULL);
	CU_ASSERT(contains(o, "\"rx_bytes\":0"));
	free(o);
	o = ok_json(x, "show", "events", "veth", "101", NULL);
	CU_ASSERT(contains(o, "{\"ts_us\":0,\"veth\":101,\"event\":\"created\""));
	CU_ASSERT(!strstr(o, "\"veth\":100"));
	free(o);
	o = ok_json(x, "show", "events", "veth", "4242", NULL);
	CU_ASSERT_STRING_EQUAL(o, "[]\n");
	free(o);

	/* The same documents in the other formats. */
	r = run(x, "keyvalue", "show", "veths", "100", NULL);
	CU_ASSERT(r.ok && contains(r.text, "veths.1.id=100\n") &&
		contains(r.text, "veths.1.rates.rx_pps=0\n"));
	free(r.text);
	r = run(x, "plain", "show", "veths", "100", NULL);
	CU_ASSERT(r.ok && contains(r.text, "ID: 100") && contains(r.text, "Profile: web"));
	free(r.text);
	r = run(x, "keyvalue", "version", NULL);
	CU_ASSERT(r.ok && contains(r.text, "protocol=1"));
	free(r.text);
	/* No "format": plain. */
	{
		static const char p[] = "{\"version\": 1, \"argv\": [\"version\"]}";

		r = handle_raw(x, p, strlen(p));
		CU_ASSERT(r.ok && contains(r.text, "Control protocol: 1"));
		free(r.text);
	}
	cx_close(x);
}

static void
test_changes(void)
{
	struct cx *x = cx_open();
	const struct sw_veth *v;
	struct sw_port *p;
	char *o;

	o = ok_json(x, "veth", "add", "200", "port", "h1", "vif", "7", "profile", "db", NULL);
	CU_ASSERT(contains(o, "{\"status\":\"ok\",\"message\":\"vEth 200 added\"}"));
	free(o);
	v = sw_veth_by_id(x->sw, 200);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(v->key, 7);
	CU_ASSERT_EQUAL(v->vlan, 20);
	CU_ASSERT_EQUAL(v->created_us, x->clock);
	free(ok_json(x, "veth", "set", "200", "vlan", "10", NULL));
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 200)->vlan, 10);
	free(ok_json(x, "veth", "set", "200", "vlan", "profile", NULL));
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 200)->vlan, 20);
	free(ok_json(x, "veth", "set", "200", "profile", "none", NULL));
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 200)->profile, -1);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 200)->vlan, 0);
	free(ok_json(x, "veth", "set", "200", "port", "h3", "ecid", "0x12345", NULL));
	v = sw_veth_by_id(x->sw, 200);
	CU_ASSERT_EQUAL(v->port, P_H3);
	CU_ASSERT_EQUAL(v->key, 0x12345);
	CU_ASSERT_EQUAL(sw_port_by_name(x->sw, "h1")->n_veths, 2);
	CU_ASSERT_EQUAL(sw_port_by_name(x->sw, "h3")->n_veths, 2);
	free(ok_json(x, "veth", "del", "200", NULL));
	CU_ASSERT_PTR_NULL(sw_veth_by_id(x->sw, 200));
	CU_ASSERT_EQUAL(sw_port_by_name(x->sw, "h3")->n_veths, 1);

	free(ok_json(x, "profile", "add", "A-z_0.9:x", NULL)); /* every kind of character */
	free(ok_json(x, "profile", "del", "A-z_0.9:x", NULL));
	free(ok_json(x, "profile", "add", "p", "type_id", "9", "vlan", "20", NULL));
	o = ok_json(x, "show", "profiles", NULL);
	CU_ASSERT(contains(o, "{\"name\":\"p\",\"type_id\":9,\"type_version\":0,\"vlan\":20}"));
	free(o);
	free(ok_json(x, "profile", "set", "p", "vlan", "none", NULL));
	o = ok_json(x, "show", "profiles", NULL);
	CU_ASSERT(contains(o, "{\"name\":\"p\",\"type_id\":9,\"type_version\":0}"));
	free(o);
	free(ok_json(x, "profile", "del", "p", NULL));
	o = ok_json(x, "show", "profiles", NULL);
	CU_ASSERT(!strstr(o, "\"p\""));
	free(o);
	/* A profile's VLAN moves its vEths, MAC-bound ones with their binding. */
	free(ok_json(x, "profile", "set", "web", "vlan", "20", NULL));
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 101)->vlan, 20);
	free(ok_json(x, "veth", "del", "101", NULL));
	/* Deleting it freed the new binding: the MAC is free in VLAN 20. */
	free(ok_json(x, "veth", "add", "101", "port", "h2", "mac", "52:54:00:00:00:01", "vlan",
		"20", NULL));

	free(ok_json(x, "port", "set", "h1", "admin", "down", "max_veths", "3", NULL));
	p = sw_port_by_name(x->sw, "h1");
	CU_ASSERT(!p->admin_up);
	CU_ASSERT_EQUAL(p->max_veths, 3);
	free(ok_json(x, "port", "set", "h1", "admin", "up", "auto_create", "yes", NULL));
	CU_ASSERT(p->admin_up && p->auto_create);
	free(ok_json(x, "port", "set", "h2", "reflective_relay", "off", NULL));
	CU_ASSERT(!sw_port_by_name(x->sw, "h2")->reflective_relay);
	cx_close(x);
}

static void
test_trace_inject_warp(void)
{
	/* From vif 5 (vEth 100, VLAN 10) to broadcast. */
	static const char frame[] = "ffffffffffff"
				    "020000000100"
				    "8926"
				    "00000005"
				    "0800"
				    "000102030405060708090a0b0c0d0e0f"
				    "101112131415161718191a1b1c1d1e1f"
				    "202122232425262728292a2b2c2d";
	struct cx *x = cx_open();
	char *before, *after, *o;
	struct reply r;

	before = state_of(x);
	o = ok_json(x, "trace", "h1", frame, NULL);
	CU_ASSERT(contains(
		o, "{\"port\":\"h1\",\"len\":66,\"veth\":100,\"vlan\":10,\"steps\":["));
	CU_ASSERT(contains(o, "{\"port\":\"h3\",\"veth\":102,\"encap\":\"etag ecid=300"));
	CU_ASSERT(contains(o, "{\"port\":\"up0\",\"encap\":\"802.1Q vid=10\""));
	CU_ASSERT(contains(o, "\"verdict\":\"forward\"}"));
	free(o);
	o = ok_json(x, "trace", "h1",
		"ffffffffffff020000000100892600000009080000000000000000000000000000", NULL);
	CU_ASSERT(contains(o, "\"verdict\":\"drop\",\"drop_reason\":\"unknown_veth\""));
	free(o);
	after = state_of(x);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(after);
	for (unsigned i = 0; i < x->n_ports; i++)
		CU_ASSERT_EQUAL(x->mem[i]->n, 0);

	o = ok_json(x, "inject", "h1", frame, NULL);
	CU_ASSERT(contains(o, "injected 66 bytes into h1"));
	free(o);
	CU_ASSERT_EQUAL(x->mem[P_H3]->n, 1);
	CU_ASSERT_EQUAL(x->mem[P_UP0]->n, 1);
	CU_ASSERT_EQUAL(x->mem[P_H2]->n, 1);
	CU_ASSERT_EQUAL(x->mem[P_H1]->n, 0);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 100)->ctr.rx_frames, 1);
	o = ok_json(x, "show", "fdb", NULL);
	CU_ASSERT(contains(o,
		"[{\"vlan\":10,\"mac\":\"02:00:00:00:01:00\",\"port\":\"h1\","
		"\"veth\":100,\"age_s\":0}]"));
	free(o);

	free(ok_json(x, "time", "warp", "1.5", NULL));
	CU_ASSERT_EQUAL(x->warped, 1500000);
	o = ok_json(x, "show", "fdb", "vlan", "10", NULL);
	CU_ASSERT(contains(o, "\"age_s\":1}"));
	free(o);
	free(ok_json(x, "time", "warp", "9", NULL));
	o = ok_json(x, "show", "fdb", NULL);
	CU_ASSERT_STRING_EQUAL(o, "[]\n");
	free(o);
	free(ok_json(x, "time", "warp", "0", NULL));
	CU_ASSERT_EQUAL(x->warped, 10500000);

	free(ok_json(x, "counters", "clear", NULL));
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 100)->ctr.rx_frames, 0);
	CU_ASSERT_EQUAL(sw_port_by_name(x->sw, "h1")->ctr.rx_frames, 0);

	/* Without the test clock, and the reload hook. */
	x->env.warp = NULL;
	r = run(x, "json", "time", "warp", "1", NULL);
	CU_ASSERT(!r.ok && contains(r.text, "test clock"));
	free(r.text);
	free(ok_json(x, "config", "reload", NULL));
	CU_ASSERT_EQUAL(x->reloads, 1);
	x->reload_err = "test.conf:3: broken";
	r = run(x, "json", "config", "reload", NULL);
	CU_ASSERT(!r.ok && contains(r.text, "test.conf:3: broken"));
	free(r.text);
	x->env.reload = NULL;
	r = run(x, "json", "config", "reload", NULL);
	CU_ASSERT(!r.ok && contains(r.text, "not available"));
	free(r.text);
	free(before);
	cx_close(x);
}

static void
test_save(void)
{
	struct cx *x = cx_open();
	char path[] = "/tmp/test-ctl-XXXXXX", file[64], err[512];
	struct sw_conf conf;
	struct sw *sw2;
	char *o;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(path));
	snprintf(file, sizeof(file), "%s/saved.conf", path);
	free(ok_json(x, "veth", "add", "7", "port", "h2", "mac", "52:54:00:00:00:07", NULL));
	free(ok_json(x, "profile", "add", "gone", NULL));
	free(ok_json(x, "profile", "del", "gone", NULL));
	/* No configuration file and no save directory: nowhere to write. */
	refused_argv(x, "--save-dir", A("config", "save", file));
	CU_ASSERT_EQUAL(access(file, F_OK), -1);
	x->env.save_dir = path;
	refused_argv(x, "refused", A("config", "save", "/tmp/test-ctl-elsewhere.conf"));
	refused_argv(x, "does not name a file", A("config", "save", ".."));
	o = ok_json(x, "config", "save", file, NULL);
	CU_ASSERT(contains(o, file));
	free(o);
	CU_ASSERT_EQUAL_FATAL(sw_conf_load(file, &conf, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf.n_ports, 4);
	CU_ASSERT_EQUAL(conf.n_profiles, 2); /* no tombstone */
	CU_ASSERT_EQUAL(conf.n_veths, 5);
	sw2 = sw_create(&conf, err, sizeof(err));
	sw_conf_free(&conf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sw2);
	/* Same vEths, and the ones that follow a profile still do. */
	for (uint32_t id = 100; id <= 103; id++) {
		const struct sw_veth *a = sw_veth_by_id(x->sw, id), *b = sw_veth_by_id(sw2, id);

		CU_ASSERT_FATAL(a && b);
		CU_ASSERT_EQUAL(a->vlan, b->vlan);
		CU_ASSERT_EQUAL(a->own_vlan, b->own_vlan);
		CU_ASSERT_EQUAL(a->key, b->key);
		CU_ASSERT_EQUAL(a->port, b->port);
	}
	CU_ASSERT_PTR_NOT_NULL(sw_veth_by_id(sw2, 7));
	sw_destroy(sw2);
	unlink(file);
	rmdir(path);
	cx_close(x);
}

/* sw_config_apply (config reload) on the switch of cx_open(). */
static int
apply_text(struct cx *x, const char *text, char *err, size_t errlen)
{
	struct sw_conf conf;
	int rc;

	if (sw_conf_load_string(text, "new.conf", &conf, err, errlen))
		return -2;
	rc = sw_config_apply(x->sw, &conf, x->clock, err, errlen);
	sw_conf_free(&conf);
	return rc;
}

/* out = in with the first 'from' replaced by 'to'. */
static void
subst(char *out, size_t n, const char *in, const char *from, const char *to)
{
	const char *at = strstr(in, from);
	char *tmp;

	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	tmp = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	snprintf(tmp, n, "%.*s%s%s", (int)(at - in), in, to, at + strlen(from));
	snprintf(out, n, "%s", tmp);
	free(tmp);
}

/* CONF with the first 'from' replaced by 'to' (static buffer). */
static const char *
conf_with(const char *from, const char *to)
{
	static char buf[4096];

	subst(buf, sizeof(buf), CONF, from, to);
	return buf;
}

static void
test_reload(void)
{
	/* h2 holds two vEths with the same MAC, in VLANs 10 (profile web) and
	 * 20 (profile db); the new file swaps the profiles' VLANs, so each
	 * moves onto the other's old binding. */
	static const char two[] =
		"  { id = 103; port = \"h1\"; vif = 6; profile = \"db\"; },\n"
		"  { id = 104; port = \"h2\"; mac = \"52:54:00:00:00:01\"; profile = \"db\"; }\n";
	static const char mac10[] = "ffffffffffff52540000000181000"
				    "00a0800"
				    "0000000000000000000000000000000000000000";
	static const char mac20[] = "ffffffffffff52540000000181000"
				    "0140800"
				    "0000000000000000000000000000000000000000";
	struct cx *x = cx_open();
	char err[512], text[4096], *o, *before;
	const char *t;
	uint64_t rx;

	/* Traffic on vEth 100, then a reload that changes only vEth 102. */
	free(ok_json(x, "inject", "h1",
		"ffffffffffff0200000001008926000000050800000000000000000000000000000000",
		NULL));
	rx = sw_veth_by_id(x->sw, 100)->ctr.rx_frames;
	CU_ASSERT_EQUAL(rx, 1);
	CU_ASSERT_EQUAL(
		apply_text(x, conf_with("ecid = 300", "ecid = 301"), err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 102)->key, 301);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 100)->ctr.rx_frames, rx);

	/* Add vEth 104, then swap the two profiles' VLANs. */
	snprintf(text, sizeof(text), "%s",
		conf_with("  { id = 103; port = \"h1\"; vif = 6; profile = \"db\"; }\n", two));
	CU_ASSERT_EQUAL_FATAL(apply_text(x, text, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 104)->vlan, 20);
	{
		char swapped[4096], *p;

		snprintf(swapped, sizeof(swapped), "%s", text);
		p = strstr(swapped, "vlan = 10; }");
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		memcpy(p, "vlan = 20; }", 12);
		p = strstr(swapped, "{ name = \"db\"; vlan = 20; }");
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		memcpy(p, "{ name = \"db\"; vlan = 10; }", 26);
		if (apply_text(x, swapped, err, sizeof(err)))
			printf("\n  %s\n", err);
	}
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 101)->vlan, 20);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 104)->vlan, 10);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 100)->ctr.rx_frames, rx); /* kept */
	o = ok_json(x, "trace", "h2", mac10, NULL);
	CU_ASSERT(contains(o, "\"veth\":104,"));
	free(o);
	o = ok_json(x, "trace", "h2", mac20, NULL);
	CU_ASSERT(contains(o, "\"veth\":101,"));
	free(o);
	/* Deleting one frees its binding (the index was rebuilt right). */
	free(ok_json(x, "veth", "del", "104", NULL));
	free(ok_json(x, "veth", "add", "105", "port", "h2", "mac", "52:54:00:00:00:01", "vlan",
		"10", NULL));

	/* Refused reloads change nothing; the errors name file:line. */
	before = state_of(x);
	t = conf_with("vif = 6;", "vif = 5;");
	CU_ASSERT_EQUAL(apply_text(x, t, err, sizeof(err)), -2);
	CU_ASSERT(contains(err, "new.conf:"));
	subst(text, sizeof(text), CONF, "mode = \"etag\"", "mode = \"vntag\"");
	subst(text, sizeof(text), text, "ecid = 300", "vif = 300");
	CU_ASSERT(apply_text(x, text, err, sizeof(err)) == -1);
	CU_ASSERT(contains(err, "new.conf:6: port 'h3'"));
	t = conf_with("  { name = \"h3\"; role = \"host\"; mode = \"etag\"; }\n", "");
	CU_ASSERT(apply_text(x, t, err, sizeof(err)) != 0);
	t = conf_with("fdb_aging = 10;", "fdb_aging = 10; max_veths = 100;");
	CU_ASSERT(apply_text(x, t, err, sizeof(err)) == -1);
	CU_ASSERT(contains(err, "restart"));
	{
		char *after = state_of(x);

		CU_ASSERT_STRING_EQUAL(before, after);
		free(after);
	}
	free(before);
	/* vEths added by the CLI are configuration: a reload of a file
	 * without them removes them (config save first keeps them). */
	CU_ASSERT_EQUAL(apply_text(x, CONF, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NULL(sw_veth_by_id(x->sw, 105));
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 101)->vlan, 10);
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 102)->key, 300);
	cx_close(x);
}

/* A MAC is bound once per VLAN, switch-wide: changes must not make a
 * second binding of it on another port. */
static void
test_mac_once_per_vlan(void)
{
	static const char conf[] =
		"switch = { name = \"m\"; mac = \"02:00:00:00:00:01\"; };\n"
		"ports = (\n"
		"  { name = \"up0\"; role = \"uplink\"; vlans = [10, 20, 30]; },\n"
		"  { name = \"ha\"; role = \"host\"; mode = \"vepa\"; },\n"
		"  { name = \"hb\"; role = \"host\"; mode = \"vepa\"; }\n"
		");\n"
		"profiles = ( { name = \"p\"; vlan = 20; } );\n"
		"veths = (\n"
		"  { id = 1; port = \"ha\"; mac = \"52:54:00:00:00:01\"; vlan = 10; },\n"
		"  { id = 2; port = \"hb\"; mac = \"52:54:00:00:00:01\"; vlan = 20; },\n"
		"  { id = 3; port = \"hb\"; mac = \"52:54:00:00:00:03\"; profile = \"p\"; },\n"
		"  { id = 4; port = \"ha\"; mac = \"52:54:00:00:00:03\"; vlan = 30; }\n"
		");\n";
	struct cx *x = cx_open_text(conf);

	refused_argv(x, "bound to vEth 1",
		A("veth", "add", "5", "port", "hb", "mac", "52:54:00:00:00:01", "vlan", "10"));
	refused_argv(x, "belongs to vEth 1", A("veth", "set", "2", "vlan", "10"));
	refused_argv(x, "belongs to vEth 1",
		A("veth", "set", "2", "port", "hb", "mac", "52:54:00:00:00:01", "vlan", "10"));
	refused_argv(x, "vEth 4's binding", A("profile", "set", "p", "vlan", "30"));
	/* Moving away frees the MAC in its old VLAN. */
	free(ok_json(x, "veth", "set", "1", "vlan", "11", NULL));
	free(ok_json(x, "veth", "set", "2", "vlan", "10", NULL));
	refused_argv(x, "belongs to vEth 2", A("veth", "set", "1", "vlan", "10"));
	free(ok_json(x, "veth", "set", "4", "vlan", "31", NULL));
	free(ok_json(x, "profile", "set", "p", "vlan", "30", NULL));
	CU_ASSERT_EQUAL(sw_veth_by_id(x->sw, 3)->vlan, 30);
	free(ok_json(x, "veth", "add", "6", "port", "ha", "mac", "52:54:00:00:00:03", "vlan",
		"20", NULL));
	refused_argv(x, "bound to vEth 3",
		A("veth", "add", "7", "port", "ha", "mac", "52:54:00:00:00:03", "vlan", "30"));
	cx_close(x);
}

static void
add_suites(void)
{
	static const struct tu_test proto[] = {
		{ "header round trip", test_hdr_roundtrip },
		{ "header rejections", test_hdr_reject },
		{ "error reply", test_error_reply },
		{ NULL, NULL },
	};
	static const struct tu_test handle[] = {
		{ "malformed requests", test_malformed },
		{ "bad arguments change nothing", test_bad_args },
		{ "show commands", test_show },
		{ "changes", test_changes },
		{ "trace, inject, time warp, hooks", test_trace_inject_warp },
		{ "config save", test_save },
		{ "config reload (sw_config_apply)", test_reload },
		{ "a MAC once per VLAN", test_mac_once_per_vlan },
		{ NULL, NULL },
	};

	tu_add_suite("framing", proto);
	tu_add_suite("sw_ctl_handle", handle);
}

int
main(void)
{
	return tu_run("test-ctl", add_suites);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-ctl.c - the control socket's request side without a socket.
 *
 * The input's first 8 bytes go through sw_ctl_hdr_decode (the framing
 * header): accepted, the length is within the limit and the header encodes
 * back to the same bytes; refused, the reason points inside the header.
 *
 * Then the input is split at newlines and each line is one request payload
 * for sw_ctl_handle on a small switch (four ports of every kind, vEths,
 * profiles, the control plane) that lives for the whole input, so that a
 * line can change what the next one sees.  For every request:
 *  - the reply is one NUL-free JSON object {"version": 1, "status": "ok"
 *    | "error", "output" | "error": string};
 *  - an error reply changed nothing: the snapshot of the switch (state,
 *    profiles, events) before and after is byte for byte the same;
 *  - `trace` changes nothing either and sends nothing.
 * `config save` with a path runs too: with no configuration file and no
 * --save-dir (this env) the daemon may write nowhere, so every such
 * request must be refused -- and, being refused, change nothing.
 * `config reload` is answered by a hook that refuses, and `time warp` runs
 * the timers as vnswitchd's warp does.  With FUZZ_VERBOSE set in the
 * environment every request and its reply are printed.
 */
#include <config.h>

#include <openvswitch/json.h>
#include <openvswitch/shash.h>
#include <string.h>

#include "switchd/ctl.h"
#include "switchd/ctlproto.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzzsw.h"

/* The configuration of tests/test-ctl.c with S-channels and the control
 * plane's LLDP off (LLDP timers would make a long warp slow; fuzz-pipeline
 * runs LLDP). */
static const char CONF[] =
	"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; fdb_aging = 10;\n"
	"  max_veths = 64; fdb_max = 256; lldp = { admin = \"disabled\"; }; };\n"
	"ports = (\n"
	"  { name = \"up0\"; role = \"uplink\"; vlans = [10, 20]; },\n"
	"  { name = \"h1\"; role = \"host\"; mode = \"vntag\"; max_veths = 4; },\n"
	"  { name = \"h2\"; role = \"host\"; mode = \"vepa\"; reflective_relay = true;\n"
	"    schannels = { chncap = 4; svid_min = 100; svid_max = 103; }; },\n"
	"  { name = \"h3\"; role = \"host\"; mode = \"etag\"; auto_create = true; }\n"
	");\n"
	"profiles = ( { name = \"web\"; type_id = 5; type_version = 1; vlan = 10; },\n"
	"             { name = \"db\"; vlan = 20; } );\n"
	"veths = (\n"
	"  { id = 100; port = \"h1\"; vif = 5; profile = \"web\"; },\n"
	"  { id = 101; port = \"h2\"; mac = \"52:54:00:00:00:01\"; profile = \"web\"; },\n"
	"  { id = 102; port = \"h3\"; ecid = 300; profile = \"web\"; },\n"
	"  { id = 103; port = \"h1\"; vif = 6; profile = \"db\"; },\n"
	"  { id = 104; port = \"h2\"; mac = \"52:54:00:00:00:02\"; vlan = 10; svid = 100; }\n"
	");\n";

/*
 * The memory back-ends: 4 x 512 KB, kept between inputs because libFuzzer
 * gives the target no context and allocating them per input would cost
 * more than the input; fz_open empties them.
 */
static struct sw_mem_port mem[FZ_MAX_PORTS];

static uint64_t
env_now(void *aux)
{
	return ((struct fz *)aux)->now;
}

static int
env_warp(void *aux, uint64_t delta_us, char *err, size_t errlen)
{
	struct fz *x = aux;

	(void)err;
	(void)errlen;
	fz_advance(x, x->now + delta_us);
	return 0;
}

static int
env_reload(void *aux, char *err, size_t errlen)
{
	(void)aux;
	snprintf(err, errlen, "fuzz: no configuration file to reload");
	return -1;
}

static void
check_header(const uint8_t *d, size_t size)
{
	struct vn_err err = { NULL, 0 };
	uint8_t again[SW_CTL_HDR_LEN];
	uint32_t len = 0;
	int rc;

	if (size < SW_CTL_HDR_LEN)
		return;
	rc = sw_ctl_hdr_decode(d, SW_CTL_REQUEST, SW_CTL_MAX_REQUEST, &len, &err);
	if (rc) {
		FUZZ_CHECK(rc == VN_EBADMSG && err.reason && err.offset < SW_CTL_HDR_LEN,
			"header refused with %d at %zu", rc, err.offset);
		return;
	}
	FUZZ_CHECK(len <= SW_CTL_MAX_REQUEST, "length %u over the limit", len);
	sw_ctl_hdr_encode(again, SW_CTL_REQUEST, len);
	FUZZ_CHECK(!memcmp(again, d, SW_CTL_HDR_LEN), "header does not encode back");
	FUZZ_CHECK(sw_ctl_hdr_decode(d, SW_CTL_REPLY, UINT32_MAX, &len, &err) == VN_EBADMSG,
		"a request header accepted as a reply");
}

/* What a request is, from its argv as the server will see it. */
enum kind {
	K_NO_HANDLER,   /* no argv array of strings: refused before any command runs */
	K_COMMAND,      /* reaches (or may reach) a command */
	K_TRACE,        /* trace: must change nothing even when it succeeds */
	K_WRITES_FILES, /* config save PATH: must be refused here */
};

static enum kind
classify(const char *req)
{
	struct json *doc = json_from_string(req);
	const struct json *a = NULL;
	enum kind k = K_NO_HANDLER;

	if (doc->type == JSON_OBJECT)
		a = shash_find_data(json_object(doc), "argv");
	if (a && a->type == JSON_ARRAY && json_array(a)->n >= 1 &&
		json_array(a)->elems[0]->type == JSON_STRING) {
		struct json *const *e = json_array(a)->elems;
		size_t n = json_array(a)->n;

		k = K_COMMAND;
		if (!strcmp(json_string(e[0]), "trace"))
			k = K_TRACE;
		else if (n >= 3 && e[1]->type == JSON_STRING &&
			!strcmp(json_string(e[0]), "config") &&
			!strcmp(json_string(e[1]), "save"))
			k = K_WRITES_FILES;
	}
	json_destroy(doc);
	return k;
}

/* Returns true for an "ok" reply. */
static bool
check_reply(const char *reply, size_t len)
{
	const struct json *v, *st, *t;
	struct json *doc;
	bool ok;

	FUZZ_CHECK(reply && strlen(reply) == len, "reply length %zu", len);
	doc = json_from_string(reply);
	FUZZ_CHECK(doc->type == JSON_OBJECT, "reply is not a JSON object: %s", reply);
	v = shash_find_data(json_object(doc), "version");
	st = shash_find_data(json_object(doc), "status");
	FUZZ_CHECK(v && v->type == JSON_INTEGER && json_integer(v) == SW_CTL_VERSION,
		"reply version: %s", reply);
	FUZZ_CHECK(st && st->type == JSON_STRING &&
			(!strcmp(json_string(st), "ok") || !strcmp(json_string(st), "error")),
		"reply status: %s", reply);
	ok = !strcmp(json_string(st), "ok");
	t = shash_find_data(json_object(doc), ok ? "output" : "error");
	FUZZ_CHECK(t && t->type == JSON_STRING, "reply %s text: %s", ok ? "output" : "error",
		reply);
	json_destroy(doc);
	return ok;
}

static void
request(struct fz *x, struct sw_ctl_env *env, const char *req, size_t len)
{
	enum kind k = classify(req);
	unsigned sent = fz_tx_frames(x);
	char *before = NULL, *reply;
	size_t rlen = 0;
	bool ok;

	/* The snapshot is what costs here: only for requests that get as far
	 * as a command (any of them may be refused). */
	if (k != K_NO_HANDLER)
		before = fz_snapshot(x);
	reply = sw_ctl_handle(env, req, len, &rlen);
	if (getenv("FUZZ_VERBOSE")) /* replay-ctl -v: what each request got */
		fprintf(stderr, "> %s\n< %s\n", req, reply ? reply : "(null)");
	ok = check_reply(reply, rlen);
	free(reply);
	if (k == K_NO_HANDLER)
		FUZZ_CHECK(!ok, "a request without an argv array was accepted: %s", req);
	FUZZ_CHECK(!ok || k != K_WRITES_FILES,
		"config save wrote outside the allowed paths: %s", req);
	if (before && (!ok || k == K_TRACE)) {
		char *after = fz_snapshot(x);

		FUZZ_CHECK(!strcmp(before, after), "%s changed the switch: %.*s",
			ok ? "trace" : "a refused request", (int)(len > 300 ? 300 : len), req);
		FUZZ_CHECK(fz_tx_frames(x) == sent, "%s sent frames",
			ok ? "trace" : "a refused request");
		free(after);
	}
	free(before);
	fz_after_input(x);
	if (fz_tx_frames(x) > 128)
		fz_clear_tx(x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz x;
	struct sw_ctl_env env = {
		.config_path = NULL, .now = env_now, .warp = env_warp, .reload = env_reload
	};
	char *text;
	size_t i = 0;

	check_header(data, size);
	fz_open(&x, CONF, mem, true);
	env.sw = x.sw;
	env.aux = &x;
	/* One request per line, each NUL-terminated for the checks above;
	 * sw_ctl_handle gets the line's exact length (a NUL inside is its
	 * to refuse). */
	text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	while (i <= size) {
		char *nl = memchr(text + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - text) : size;

		text[end] = '\0';
		if (end > i || size == 0)
			request(&x, &env, text + i, end - i);
		i = end + 1;
	}
	free(text);
	fz_close(&x);
	return 0;
}

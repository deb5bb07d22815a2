/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-config.c - the input is a configuration file's text.
 *
 * sw_conf_load_string must never crash or leak, and never half-fill:
 *  - refused: a message "fuzz.conf:..." and a struct with no arrays (the
 *    caller starts nothing and has nothing to free);
 *  - accepted: every name unique, every vEth on a port of the right kind
 *    and within the limits, and then the configuration must start:
 *    sw_create and sw_cplane_create succeed on it (what `vnswitchd
 *    --check` accepts must run), and the running configuration saved
 *    with sw_config_save loads again and saves to the same bytes (the
 *    round trip `vnctl config save` promises).
 *
 * The switch-wide vEth and FDB limits size arrays at start-up (up to 1 M
 * vEths and 16 M FDB entries); they are lowered to 1024 before sw_create
 * so that one input does not allocate hundreds of MB.
 *
 * libconfig's @include directive would let an input read any file (and
 * hang on a FIFO or /dev/zero): inputs that contain it are skipped.
 */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "switchd/admin.h"
#include "switchd/cplane.h"
#include "switchd/sw.h"
#include "switchd/swconf.h"
#include "tests/fuzz/fuzz.h"

#define NAME      "fuzz.conf"
#define LIMIT_CAP 1024

/*
 * A private directory for the saved configurations, made on the first
 * call and removed at exit: libFuzzer's entry point has no context
 * argument to carry it, and a new directory per input would cost more than
 * the input itself.
 */
static char tmpdir[256];

static void
rm_tmpdir(void)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/a.conf", tmpdir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/b.conf", tmpdir);
	unlink(p);
	rmdir(tmpdir);
}

static const char *
tmp_path(const char *leaf, char *buf, size_t len)
{
	if (!tmpdir[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/vnsw-fuzz-config.XXXXXX",
			t && t[0] ? t : "/tmp");
		FUZZ_CHECK(mkdtemp(tmpdir), "mkdtemp %s", tmpdir);
		atexit(rm_tmpdir);
	}
	snprintf(buf, len, "%s/%s", tmpdir, leaf);
	return buf;
}

/* The file's bytes (malloc'ed, NUL-terminated) or NULL. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc((size_t)n + 1);
		if (buf) {
			len = fread(buf, 1, (size_t)n, f);
			buf[len] = '\0';
		}
	}
	fclose(f);
	return buf;
}

static void
check_accepted(const struct sw_conf *c)
{
	for (size_t i = 0; i < c->n_ports; i++) {
		const struct sw_conf_port *p = &c->ports[i];

		FUZZ_CHECK(p->name[0], "port %zu unnamed", i);
		for (size_t k = 0; k < i; k++)
			FUZZ_CHECK(
				strcmp(p->name, c->ports[k].name), "port '%s' twice", p->name);
		FUZZ_CHECK((p->role == SW_ROLE_UPLINK) == (p->mode == SW_MODE_NONE),
			"port '%s' role/mode", p->name);
		FUZZ_CHECK(!p->schannels ||
				(p->mode == SW_MODE_VEPA && p->chncap >= 1 &&
					p->chncap <= SW_SCHAN_MAX && p->svid_min >= 2 &&
					p->svid_min <= p->svid_max && p->svid_max <= 4094),
			"port '%s' schannels", p->name);
	}
	for (size_t i = 0; i < c->n_profiles; i++)
		for (size_t k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(c->profiles[i].name, c->profiles[k].name),
				"profile '%s' twice", c->profiles[i].name);
	for (size_t i = 0; i < c->n_veths; i++) {
		const struct sw_conf_veth *v = &c->veths[i];
		const struct sw_conf_port *p = NULL;

		for (size_t k = 0; k < i; k++)
			FUZZ_CHECK(v->id != c->veths[k].id, "vEth %u twice", v->id);
		for (size_t k = 0; k < c->n_ports; k++)
			if (!strcmp(c->ports[k].name, v->port))
				p = &c->ports[k];
		FUZZ_CHECK(p && p->role == SW_ROLE_HOST, "vEth %u on '%s'", v->id, v->port);
		FUZZ_CHECK(v->kind ==
				(p->mode == SW_MODE_VNTAG                 ? SW_BIND_VIF
						: p->mode == SW_MODE_ETAG ? SW_BIND_ECID
									  : SW_BIND_MAC),
			"vEth %u binding kind %d on a %s port", v->id, v->kind,
			sw_mode_name(p->mode));
		FUZZ_CHECK(!v->has_vlan || v->vlan <= 4094, "vEth %u VLAN %u", v->id, v->vlan);
	}
}

/* Save the running configuration of 'sw' to 'path'; its text. */
static char *
save(struct sw *sw, const char *path)
{
	char err[512] = "";

	FUZZ_CHECK(sw_config_save(sw, path, err, sizeof(err)) == 0, "config save: %s", err);
	return slurp(path);
}

static struct sw *
start(struct sw_conf *c)
{
	struct sw_cplane_config cc = { .seed = 1 };
	char err[512] = "";
	struct sw *sw;

	if (c->max_veths > LIMIT_CAP && c->n_veths <= LIMIT_CAP)
		c->max_veths = LIMIT_CAP;
	if (c->fdb_max > LIMIT_CAP)
		c->fdb_max = LIMIT_CAP;
	sw = sw_create(c, err, sizeof(err));
	if (!sw && c->n_veths > LIMIT_CAP)
		return NULL; /* over the lowered limit: not worth the memory */
	FUZZ_CHECK(sw, "a validated configuration does not start: %s", err);
	FUZZ_CHECK(sw_cplane_create(sw, &cc, err, sizeof(err)), "control plane: %s", err);
	return sw;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "", pa[300], pb[300], *text, *a, *b;
	struct sw_conf c, c2;
	struct sw *sw, *sw2;
	int rc;

	if (memmem(data, size, "@include", 8))
		return 0;
	text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	rc = sw_conf_load_string(text, NAME, &c, err, sizeof(err));
	free(text);
	if (rc) {
		FUZZ_CHECK(rc == -1, "load returned %d", rc);
		FUZZ_CHECK(!strncmp(err, NAME ":", strlen(NAME ":")), "message '%s'", err);
		FUZZ_CHECK(!c.ports && !c.profiles && !c.veths && !c.n_ports && !c.n_profiles &&
				!c.n_veths,
			"refused but half-filled: %zu ports %zu profiles %zu vEths", c.n_ports,
			c.n_profiles, c.n_veths);
		sw_conf_free(&c); /* harmless on an empty struct */
		return 0;
	}
	check_accepted(&c);
	sw = start(&c);
	if (!sw) {
		sw_conf_free(&c);
		return 0;
	}

	/* Save, load, start, save: the same text. */
	a = save(sw, tmp_path("a.conf", pa, sizeof(pa)));
	FUZZ_CHECK(a, "saved file unreadable");
	rc = sw_conf_load(pa, &c2, err, sizeof(err));
	FUZZ_CHECK(rc == 0, "the saved configuration does not load: %s\n%s", err, a);
	FUZZ_CHECK(c2.n_ports == c.n_ports && c2.n_profiles == c.n_profiles &&
			c2.n_veths == c.n_veths,
		"saved: %zu/%zu ports, %zu/%zu profiles, %zu/%zu vEths", c2.n_ports, c.n_ports,
		c2.n_profiles, c.n_profiles, c2.n_veths, c.n_veths);
	sw2 = start(&c2);
	FUZZ_CHECK(sw2, "the saved configuration does not start");
	b = save(sw2, tmp_path("b.conf", pb, sizeof(pb)));
	FUZZ_CHECK(b && !strcmp(a, b), "save is not stable:\n--- first\n%s\n--- second\n%s", a,
		b ? b : "(unreadable)");
	free(a);
	free(b);
	sw_destroy(sw2);
	sw_conf_free(&c2);
	sw_destroy(sw);
	sw_conf_free(&c);
	return 0;
}

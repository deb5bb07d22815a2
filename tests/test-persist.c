/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-persist.c - the runtime state file (switchd/persist.c, cp_persist.c,
 * vdp_bridge_restore): a switch with the memory back-end and a control
 * plane changed as vnctl and VDP change it, its state written, then a
 * second switch from the same configuration file restored from it -- the
 * restart of vnswitchd after kill -9, without processes.  Then what a bad
 * file does (truncated, changed, not ours, empty), what a changed
 * configuration does, and the write rate limit (the fixture the control
 * plane tests share: tests/cptest.c).  White box where the VDP
 * machine's record is read (cp_internal.h).
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "switchd/admin.h"
#include "switchd/cp_internal.h"
#include "switchd/persist.h"
#include "switchd/policy.h"
#include "tests/cptest.h"
#include "vntag/eth.h"

#define T1    (5000 * SEC) /* the restart */
#define WALL0 (1700000000ull * SEC)

/* up0 uplink, h1 vntag, h2 vepa, h3 etag; two configured vEths. */
static const char *conf_main =
	"switch = { name = \"tor1\"; mac = \"02:00:00:00:00:01\"; };\n"
	"ports = (\n"
	"  { name = \"up0\"; role = \"uplink\"; vlans = [100, 200]; },\n"
	"  { name = \"h1\"; role = \"host\"; mode = \"vntag\"; },\n"
	"  { name = \"h2\"; role = \"host\"; mode = \"vepa\"; reflective_relay = true; },\n"
	"  { name = \"h3\"; role = \"host\"; mode = \"etag\"; }\n"
	");\n"
	"profiles = ( { name = \"web\"; type_id = 42; type_version = 3; vlan = 100; },\n"
	"             { name = \"lab\"; type_id = 5; type_version = 4; vlan = 200; } );\n"
	"veths = ( { id = 10; port = \"h2\"; mac = \"52:54:00:00:00:10\"; vlan = 100; },\n"
	"          { id = 11; port = \"h1\"; vif = 7; profile = \"web\"; } );\n";

static char dir[256], conf_path[300], state_path[300];
static char logbuf[8192];

static void
log_line(void *aux, const char *line)
{
	(void)aux;
	strncat(logbuf, line, sizeof(logbuf) - strlen(logbuf) - 2);
	strcat(logbuf, "\n");
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static char *
read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = calloc(1, (size_t)n + 1);
	if (fread(b, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* A switch from the configuration file, as vnswitchd makes it (the fixture:
 * tests/cptest.h): the state file restored after the control plane is
 * attached, at 'now'. */
static struct fx *
fx_boot(uint64_t now)
{
	struct sw_conf c;
	char err[512];
	struct fx *x;

	if (sw_conf_load(conf_path, &c, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		CU_FAIL_FATAL("configuration");
	}
	x = fx_build(&c);
	x->p = sw_persist_create(x->sw, state_path, conf_path, log_line, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x->p);
	logbuf[0] = '\0';
	sw_persist_restore(x->p, now);
	fx_start(x, now);
	return x;
}

/* ---- VDP from a test station ----------------------------------------------------- */

static size_t
mk_vdp(uint8_t *out, const uint8_t *mac, size_t n_mac, uint8_t type_id, uint8_t ver,
	uint8_t last, uint16_t seq, int svif)
{
	struct vdp_vsi v = fx_vsi(VDP_TLV_ASSOC, type_id, ver, last);
	struct vdp_filter f[2] = { { 0 } };

	for (size_t i = 0; i < n_mac; i++)
		memcpy(f[i].mac, mac + 6 * i, 6);
	return fx_put_vdp(out, fx_put_head(out, NCB, STATION, svif, 0), "vnswitch-test", &v, f,
		n_mac, seq);
}

/* The status octet of the switch's answer to one request (0x40: success),
 * -1 if there was none; the answer is ACKed (ECP stop-and-wait). */
static int
ask(struct fx *x, unsigned port, const uint8_t *mac, size_t n_mac, uint8_t type_id, uint8_t ver,
	uint8_t last, uint16_t seq, int svif)
{
	uint8_t f[1600], a[64];
	size_t n = mk_vdp(f, mac, n_mac, type_id, ver, last, seq, svif);
	struct vn_eth eth;
	struct ecp_pdu e;
	struct vdp_pdu *pdu = calloc(1, sizeof(*pdu));
	int st = -1;

	x->m[port].n = 0;
	input(x, port, f, n);
	for (unsigned i = 0; i < x->m[port].n; i++) {
		const uint8_t *o = x->m[port].data[i];
		size_t ol = x->m[port].len[i];

		if (vn_eth_parse(o, ol, &eth, NULL) || eth.type != VN_ETH_ECP ||
			ecp_decode(o + eth.payload_off, ol - eth.payload_off, &e, NULL) ||
			e.op != ECP_OP_REQUEST || vdp_decode(e.ulpdu, e.ulpdu_len, pdu, NULL) ||
			pdu->n_vsi != 1)
			continue;
		st = (pdu->vsi[0].status.response ? 0x40 : 0) | pdu->vsi[0].status.error;
		/* ACK it on the same channel, as the adapter tags it. */
		input(x, port, a, fx_put_ack(a, fx_put_head(a, NCB, STATION, svif, 0), e.seq));
		break;
	}
	free(pdu);
	return st;
}

static const struct sw_veth *
veth_of_mac(struct fx *x, const uint8_t *mac)
{
	for (size_t s = 0; s < sw_veth_slots(x->sw); s++) {
		const struct sw_veth *v = sw_veth_slot(x->sw, s);

		if (v && v->kind == SW_BIND_MAC && !memcmp(v->mac, mac, 6))
			return v;
	}
	return NULL;
}

static size_t
acl_rules(struct fx *x, const char *profile, enum sw_dir d)
{
	struct sw_conf_profile cp;
	char err[256];
	size_t n;

	CU_ASSERT_FATAL(sw_profile_get_conf(x->sw, profile, &cp, err, sizeof(err)) == 0);
	n = cp.policy.n_rules[d];
	sw_conf_policy_free(&cp.policy);
	return n;
}

/* The running switch before the "crash": vnctl and VDP changes. */
struct before {
	uint32_t vdp_id, vif_id;
};

static struct fx *
run_before(struct before *b)
{
	struct sw_conf_veth cv = { .id = 50, .port = "h2", .kind = SW_BIND_MAC };
	struct sw_veth_change ch = { .set_vlan = true, .vlan = 200 };
	struct sw_conf_acl_rule r = { .priority = 100 };
	uint8_t macs[12];
	struct fx *x;
	char err[512];

	write_text(conf_path, conf_main);
	unlink(state_path);
	x = fx_boot(T0);
	CU_ASSERT_EQUAL(sw_persist_stats(x->p)->missing, 1);
	/* vnctl veth add 50 h2 mac ... vlan 200 profile lab */
	vn_eth_parse_mac("52:54:00:00:00:50", cv.mac);
	cv.has_vlan = true;
	cv.vlan = 200;
	snprintf(cv.profile, sizeof(cv.profile), "lab");
	CU_ASSERT_FATAL(
		sw_veth_add(x->sw, &cv, SW_ORIGIN_CONFIG, x->now, err, sizeof(err)) == 0);
	/* vnctl veth set 10 vlan 200 (the configuration says 100) */
	CU_ASSERT_FATAL(sw_veth_set(x->sw, 10, &ch, x->now, err, sizeof(err)) == 0);
	/* vnctl acl add web in priority 100 match udp,tp_dst=9999 action deny */
	snprintf(r.match, sizeof(r.match), "udp,tp_dst=9999");
	snprintf(r.action, sizeof(r.action), "deny");
	CU_ASSERT_FATAL(
		sw_policy_acl_add(x->sw, "web", SW_DIR_IN, &r, x->now, err, sizeof(err)) == 0);
	/* VDP: two MACs on the VEPA port, one VSI on vif 9 of the VN-Tag port. */
	memcpy(macs, MAC1, 6);
	memcpy(macs + 6, MAC2, 6);
	CU_ASSERT_EQUAL(ask(x, 2, macs, 2, 42, 3, 0x55, 1, UNTAGGED), 0x40);
	{
		/* fif 2 with a MAC is what VN-Tag vNICs send too. */
		static const uint8_t m3[6] = { 0x52, 0x54, 0x00, 0xde, 0xad, 0x03 };

		CU_ASSERT_EQUAL(ask(x, 1, m3, 1, 5, 4, 0x66, 1, 9), 0x40);
	}
	CU_ASSERT_EQUAL_FATAL(count_veths(x, SW_ORIGIN_VDP), 2);
	b->vdp_id = veth_of_mac(x, MAC1)->id;
	for (size_t s = 0; s < sw_veth_slots(x->sw); s++) {
		const struct sw_veth *v = sw_veth_slot(x->sw, s);

		if (v && v->kind == SW_BIND_VIF && v->key == 9)
			b->vif_id = v->id;
	}
	CU_ASSERT_NOT_EQUAL(b->vif_id, 0);
	return x;
}

/* A poll, then wait for the writer: the tests count files written. */
static uint64_t
poll_sync(struct sw_persist *p, uint64_t wall)
{
	uint64_t next = sw_persist_poll(p, wall);

	sw_persist_sync(p);
	return next;
}

/* ---- tests ----------------------------------------------------------------------------- */

static void
test_restart(void)
{
	struct before b = { 0 };
	struct fx *x = run_before(&b), *y;
	const struct sw_veth *v;
	const struct vdp_bridge_vsi *rec;
	uint8_t macs[12];
	uint64_t t;

	CU_ASSERT_EQUAL(poll_sync(x->p, WALL0), WALL0 + SW_PERSIST_POLL_US);
	CU_ASSERT_EQUAL(sw_persist_stats(x->p)->writes, 1);
	/* kill -9: nothing more happens to x; a new switch starts. */
	y = fx_boot(T1);
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->restored, 1);
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->vsis_restored, 2);
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->vsis_refused, 0);
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->corrupt, 0);
	/* The vnctl changes. */
	v = sw_veth_by_id(y->sw, 50);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->vlan, 200);
	CU_ASSERT_EQUAL(v->origin, SW_ORIGIN_CONFIG);
	CU_ASSERT_STRING_EQUAL(sw_profile_at(y->sw, v->profile)->name, "lab");
	CU_ASSERT_EQUAL(sw_veth_by_id(y->sw, 10)->vlan, 200);
	CU_ASSERT_EQUAL(acl_rules(y, "web", SW_DIR_IN), 1);
	CU_ASSERT_TRUE(sw_veth_by_id(y->sw, 11)->has_policy); /* profile web has policy now */
	/* The VDP vEths: same ids, bindings and profiles. */
	v = sw_veth_by_id(y->sw, b.vdp_id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->origin, SW_ORIGIN_VDP);
	CU_ASSERT_EQUAL(memcmp(v->mac, MAC1, 6), 0);
	CU_ASSERT_EQUAL(v->n_extra_macs, 1);
	CU_ASSERT_EQUAL(memcmp(v->extra_macs[0], MAC2, 6), 0);
	CU_ASSERT_EQUAL(v->vlan, 100);
	CU_ASSERT_STRING_EQUAL(sw_profile_at(y->sw, v->profile)->name, "web");
	v = sw_veth_by_id(y->sw, b.vif_id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->kind, SW_BIND_VIF);
	CU_ASSERT_EQUAL(v->key, 9);
	CU_ASSERT_EQUAL(v->vlan, 200);
	CU_ASSERT_EQUAL(count_veths(y, -1), 5);
	/* The machine's record, supervised from the restart. */
	rec = vdp_bridge_next(y->cp->ports[2].chans[0]->vdp, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
	CU_ASSERT_EQUAL(rec->state, VDP_TLV_ASSOC);
	CU_ASSERT_EQUAL(rec->refreshed_us, T1);
	CU_ASSERT_EQUAL(rec->n_filters, 2);
	CU_ASSERT_EQUAL(rec->filters[0].vid, 100);   /* granted again */
	CU_ASSERT_EQUAL(rec->req_filters[0].vid, 0); /* as requested */
	CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "2 of 2 VDP associations restored"));
	/* The station's next keep-alive (a new ECP sequence number) is a
	 * keep-alive, not a new association. */
	memcpy(macs, MAC1, 6);
	memcpy(macs + 6, MAC2, 6);
	advance(y, T1 + 10 * SEC);
	CU_ASSERT_EQUAL(ask(y, 2, macs, 2, 42, 3, 0x55, 777, UNTAGGED), 0x40);
	CU_ASSERT_EQUAL(vdp_bridge_stats(y->cp->ports[2].chans[0]->vdp)->keepalives, 1);
	CU_ASSERT_EQUAL(count_veths(y, SW_ORIGIN_VDP), 2);
	CU_ASSERT_PTR_NOT_NULL(sw_veth_by_id(y->sw, b.vdp_id));
	/* The vif VSI's station is gone: reaped one supervision time after
	 * the restart, the refreshed one lives on. */
	advance(y, T1 + KA_TIMEOUT - 1);
	CU_ASSERT_PTR_NOT_NULL(sw_veth_by_id(y->sw, b.vif_id));
	advance(y, T1 + KA_TIMEOUT);
	CU_ASSERT_PTR_NULL(sw_veth_by_id(y->sw, b.vif_id));
	CU_ASSERT_PTR_NOT_NULL(sw_veth_by_id(y->sw, b.vdp_id));
	t = T1 + 10 * SEC + KA_TIMEOUT;
	advance(y, t);
	CU_ASSERT_PTR_NULL(sw_veth_by_id(y->sw, b.vdp_id));
	fx_close(x);
	fx_close(y);
}

static void
test_rate_limit(void)
{
	struct before b = { 0 };
	struct fx *x = run_before(&b);
	struct sw_veth_change ch = { .set_vlan = true, .vlan = 100 };
	const struct sw_persist_stats *st = sw_persist_stats(x->p);
	char err[256];

	CU_ASSERT_EQUAL(poll_sync(x->p, WALL0), WALL0 + SW_PERSIST_POLL_US);
	CU_ASSERT_EQUAL(st->writes, 1);
	/* Nothing changed: polled again, nothing written. */
	CU_ASSERT_EQUAL(poll_sync(x->p, WALL0 + 2 * SW_PERSIST_GAP_US),
		WALL0 + 2 * SW_PERSIST_GAP_US + SW_PERSIST_POLL_US);
	CU_ASSERT_EQUAL(st->writes, 1);
	/* A burst of changes 50 ms apart: the bucket lets SW_PERSIST_BURST
	 * writes through, then one per gap; the last value always lands. */
	for (unsigned i = 0; i <= 18; i++) {
		ch.vlan = (uint16_t)(100 + i % 2 * 100);
		CU_ASSERT_FATAL(sw_veth_set(x->sw, 10, &ch, x->now, err, sizeof(err)) == 0);
		poll_sync(x->p, WALL0 + 3 * SW_PERSIST_GAP_US + i * 50000);
	}
	CU_ASSERT_EQUAL(st->writes, 1 + SW_PERSIST_BURST);
	CU_ASSERT_EQUAL(poll_sync(x->p, WALL0 + 3 * SW_PERSIST_GAP_US + 999999),
		WALL0 + 4 * SW_PERSIST_GAP_US);
	CU_ASSERT_EQUAL(st->writes, 1 + SW_PERSIST_BURST);
	poll_sync(x->p, WALL0 + 4 * SW_PERSIST_GAP_US);
	CU_ASSERT_EQUAL(st->writes, 2 + SW_PERSIST_BURST); /* vlan 100, the last value */
	/* A flood: one write per gap, never more. */
	for (unsigned i = 0; i < 100; i++) {
		ch.vlan = (uint16_t)(300 + i);
		CU_ASSERT_FATAL(sw_veth_set(x->sw, 10, &ch, x->now, err, sizeof(err)) == 0);
		poll_sync(x->p, WALL0 + 4 * SW_PERSIST_GAP_US + (i + 1) * 100000);
	}
	CU_ASSERT_EQUAL(st->writes, 2 + SW_PERSIST_BURST + 10);
	/* A clean stop writes what changed since, whatever the bucket. */
	ch.vlan = 100;
	sw_veth_set(x->sw, 10, &ch, x->now, err, sizeof(err));
	CU_ASSERT_EQUAL(sw_persist_flush(x->p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(st->writes, 3 + SW_PERSIST_BURST + 10);
	CU_ASSERT_EQUAL(sw_persist_flush(x->p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(st->writes, 3 + SW_PERSIST_BURST + 10);
	CU_ASSERT_EQUAL(st->write_errors, 0);
	fx_close(x);
}

/* A damaged file: refused with a message, kept as .bad, and the switch
 * runs on the configuration alone. */
static void
check_refused(const char *what, const char *text, size_t len, const char *msg)
{
	char bad[320];
	struct fx *y;
	FILE *f = fopen(state_path, "w");
	struct stat stt;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	if (len)
		CU_ASSERT_EQUAL(fwrite(text, 1, len, f), len);
	fclose(f);
	snprintf(bad, sizeof(bad), "%s.bad", state_path);
	unlink(bad);
	y = fx_boot(T1);
	if (sw_persist_stats(y->p)->corrupt != 1 || !strstr(logbuf, msg))
		fprintf(stderr, "\n%s: log: %s", what, logbuf);
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->corrupt, 1);
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->restored, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, msg));
	CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "starting from the configuration alone"));
	CU_ASSERT_EQUAL(stat(bad, &stt), 0);
	CU_ASSERT_EQUAL(stat(state_path, &stt), -1);
	/* The configuration alone: its two vEths, vEth 10 in its VLAN. */
	CU_ASSERT_EQUAL(count_veths(y, -1), 2);
	CU_ASSERT_EQUAL(sw_veth_by_id(y->sw, 10)->vlan, 100);
	CU_ASSERT_EQUAL(acl_rules(y, "web", SW_DIR_IN), 0);
	fx_close(y);
}

static void
test_corrupt(void)
{
	struct before b = { 0 };
	struct fx *x = run_before(&b);
	size_t len = 0;
	char *good, *t;

	poll_sync(x->p, WALL0);
	fx_close(x);
	good = read_text(state_path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(good);
	CU_ASSERT_FATAL(len > 200);
	t = malloc(len + 16);
	/* Truncated anywhere past the header, or in it. */
	check_refused("truncated", good, len - 10, "truncated or extended");
	check_refused("truncated", good, len / 2, "truncated or extended");
	check_refused("header cut", good, 20, "no vnswitchd-state header");
	/* Extended. */
	memcpy(t, good, len);
	memcpy(t + len, "x = 1;\n", 7);
	check_refused("extended", t, len + 7, "truncated or extended");
	/* One byte changed in the body. */
	memcpy(t, good, len);
	t[len - 30] ^= 0x01;
	check_refused("flipped", t, len, "checksum mismatch");
	/* A NUL in the body. */
	memcpy(t, good, len);
	t[len - 30] = '\0';
	check_refused("nul", t, len, "checksum mismatch");
	/* Not ours, empty, another version. */
	check_refused("config", conf_main, strlen(conf_main), "no vnswitchd-state header");
	check_refused("empty", "", 0, "no vnswitchd-state header");
	memcpy(t, good, len);
	t[18] = '9';
	check_refused("version", t, len, "format version 9");
	free(t);
	free(good);
}

static void
test_config_changed(void)
{
	struct before b = { 0 };
	struct fx *x = run_before(&b), *y;
	char *c;

	poll_sync(x->p, WALL0);
	fx_close(x);
	/* The operator edits the configuration while the daemon is down. */
	c = malloc(strlen(conf_main) + 64);
	sprintf(c, "# edited\n%s", conf_main);
	write_text(conf_path, c);
	free(c);
	y = fx_boot(T1);
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->config_changed, 1);
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->restored, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "changed since the state was saved"));
	/* The configuration wins (vEth 50 and the ACL were vnctl's)... */
	CU_ASSERT_PTR_NULL(sw_veth_by_id(y->sw, 50));
	CU_ASSERT_EQUAL(sw_veth_by_id(y->sw, 10)->vlan, 100);
	CU_ASSERT_EQUAL(acl_rules(y, "web", SW_DIR_IN), 0);
	/* ... the VDP associations are restored against it. */
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->vsis_restored, 2);
	CU_ASSERT_PTR_NOT_NULL(sw_veth_by_id(y->sw, b.vdp_id));
	/* Its first write records the new configuration: the next start
	 * applies the state again. */
	poll_sync(y->p, WALL0);
	fx_close(y);
	y = fx_boot(T1);
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->restored, 1);
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->config_changed, 0);
	fx_close(y);
}

/* A VSI whose type has no profile any more is not restored (admission runs
 * again), and a saved configuration that no longer applies is refused as a
 * whole. */
static void
test_vsi_refused(void)
{
	struct before b = { 0 };
	struct fx *x = run_before(&b), *y;
	char *c, *p;

	poll_sync(x->p, WALL0);
	fx_close(x);
	/* Profile web (type 42) gone from the configuration. */
	c = strdup(conf_main);
	p = strstr(c, "type_id = 42");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memcpy(p, "type_id = 43", 12);
	write_text(conf_path, c);
	free(c);
	y = fx_boot(T1);
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->vsis_restored, 1);
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->vsis_refused, 1);
	CU_ASSERT_PTR_NULL(sw_veth_by_id(y->sw, b.vdp_id));
	CU_ASSERT_PTR_NULL(veth_of_mac(y, MAC1));
	CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "no profile has VSI type 42 version 3"));
	CU_ASSERT_PTR_NOT_NULL(sw_veth_by_id(y->sw, b.vif_id));
	/* Nothing half made: no link, no record. */
	CU_ASSERT_PTR_NULL(vdp_bridge_next(y->cp->ports[2].chans[0]->vdp, NULL));
	fx_close(y);
}

/* Writing where it cannot: counted, logged once, the old file stays. */
static void
test_write_error(void)
{
	struct before b = { 0 };
	struct fx *x = run_before(&b);
	struct sw_persist *p;
	char bad_path[320], err[512];
	size_t before_n = strlen(logbuf);

	snprintf(bad_path, sizeof(bad_path), "%s/no/such/dir/state", dir);
	p = sw_persist_create(x->sw, bad_path, conf_path, log_line, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	poll_sync(p, WALL0);
	poll_sync(p, WALL0 + 5 * SW_PERSIST_GAP_US);
	CU_ASSERT_EQUAL(sw_persist_stats(p)->write_errors, 2);
	CU_ASSERT_EQUAL(sw_persist_stats(p)->writes, 0);
	/* Logged once for the same error. */
	{
		const char *l = strstr(logbuf + before_n, "state file not written");

		CU_ASSERT_PTR_NOT_NULL_FATAL(l);
		CU_ASSERT_PTR_NULL(strstr(l + 1, "state file not written"));
	}
	/* The check at start says so at once. */
	CU_ASSERT_EQUAL(sw_persist_check(p, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot be written"));
	sw_persist_destroy(p);
	fx_close(x);
}

/* Changes faster than the writer: jobs not started are replaced, the file
 * ends with the last state, and nothing is lost or torn. */
static void
test_coalesce(void)
{
	struct before b = { 0 };
	struct fx *x = run_before(&b), *y;
	struct sw_veth_change ch = { .set_vlan = true };
	const struct sw_persist_stats *st = sw_persist_stats(x->p);
	char err[256];

	for (unsigned i = 0; i < SW_PERSIST_BURST; i++) {
		ch.vlan = (uint16_t)(300 + i);
		CU_ASSERT_FATAL(sw_veth_set(x->sw, 10, &ch, x->now, err, sizeof(err)) == 0);
		sw_persist_poll(x->p, WALL0 + i); /* no wait */
	}
	sw_persist_sync(x->p);
	CU_ASSERT(st->writes >= 1 && st->writes <= SW_PERSIST_BURST);
	CU_ASSERT_EQUAL(st->write_errors, 0);
	y = fx_boot(T1);
	CU_ASSERT_EQUAL(sw_persist_stats(y->p)->restored, 1);
	CU_ASSERT_EQUAL(sw_veth_by_id(y->sw, 10)->vlan, 300 + SW_PERSIST_BURST - 1);
	fx_close(y);
	fx_close(x);
}

static void
add_suites(void)
{
	static const struct tu_test tests[] = {
		{ "restart: vnctl and VDP state back, supervision restarted", test_restart },
		{ "rate limit: a burst, then one write per gap; flush on stop",
			test_rate_limit },
		{ "corrupt, truncated, foreign: configuration alone", test_corrupt },
		{ "configuration changed while down", test_config_changed },
		{ "VSI refused by admission at restore", test_vsi_refused },
		{ "write errors counted and logged once", test_write_error },
		{ "a burst of changes: the last state written", test_coalesce },
		{ NULL, NULL },
	};
	tu_add_suite("persist", tests);
}

int
main(void)
{
	int rc;

	snprintf(dir, sizeof(dir), "%s/vnsw-persist.XXXXXX",
		getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(conf_path, sizeof(conf_path), "%s/sw.conf", dir);
	snprintf(state_path, sizeof(state_path), "%s/state", dir);
	rc = tu_run("test-persist", add_suites);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			rc = 1;
	}
	return rc;
}

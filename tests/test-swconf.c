/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-swconf.c - the configuration loader (switchd/swconf.c).
 *
 * The example schema loads with every field as written; a table of
 * bad configurations each fails with "NAME:LINE: SETTING: message" naming
 * the file, the line of the offending setting and its path; the vEth VLAN
 * rule (its own vlan, else its profile's) holds.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/swconf.h"
#include "tests/testutil.h"

#define NAME "t.conf"

/* The example, line for line (line numbers are asserted below). */
static const char example[] =
	"switch   = { name = \"tor1\"; mac = \"02:00:00:00:00:01\"; };\n" /* 1 */
	"ports    = (\n"                                                  /* 2 */
	"  { name = \"up0\"; role = \"uplink\"; interface = \"eth1\"; vlans = [10, 20]; },\n"
	"  { name = \"h1\";  role = \"host\"; mode = \"vntag\"; interface = \"eth2\"; "
	"max_veths = 96; auto_create = false; },\n"
	"  { name = \"h2\";  role = \"host\"; mode = \"vepa\";  interface = \"eth3\"; "
	"reflective_relay = true; },\n"
	"  { name = \"h3\";  role = \"host\"; mode = \"etag\";  interface = \"eth4\"; }\n"
	");\n" /* 7 */
	"profiles = ( { name = \"web\"; type_id = 5; type_version = 1; vlan = 10; } );\n" /* 8 */
	"veths    = (\n"                                                  /* 9 */
	"  { id = 100; port = \"h1\"; vif = 5;   profile = \"web\"; },\n" /* 10 */
	"  { id = 101; port = \"h2\"; mac = \"52:54:00:00:00:01\"; vlan = 10; profile = \"web\"; "
	"},\n"                                                            /* 11 */
	"  { id = 102; port = \"h3\"; ecid = 300; profile = \"web\"; }\n" /* 12 */
	");\n";

static int
load(const char *text, struct sw_conf *conf, char *err, size_t errlen)
{
	err[0] = '\0';
	return sw_conf_load_string(text, NAME, conf, err, errlen);
}

static unsigned
count_vlans(const uint8_t *bits)
{
	unsigned n = 0;

	for (unsigned v = 0; v < 4096; v++)
		n += sw_vlan_test(bits, v);
	return n;
}

static void
check_example(const struct sw_conf *c)
{
	static const uint8_t swmac[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t vmac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	static const uint8_t zero[6] = { 0 };
	static const struct {
		const char *name, *ifname;
		enum sw_role role;
		enum sw_mode mode;
		uint32_t max_veths;
		bool auto_create, reflective_relay;
		int line;
	} ports[] = {
		{ "up0", "eth1", SW_ROLE_UPLINK, SW_MODE_NONE, SW_DEF_PORT_VETHS, false, false,
			3 },
		{ "h1", "eth2", SW_ROLE_HOST, SW_MODE_VNTAG, 96, false, false, 4 },
		{ "h2", "eth3", SW_ROLE_HOST, SW_MODE_VEPA, SW_DEF_PORT_VETHS, false, true, 5 },
		{ "h3", "eth4", SW_ROLE_HOST, SW_MODE_ETAG, SW_DEF_PORT_VETHS, false, false,
			6 },
	};
	static const struct {
		uint32_t id;
		const char *port;
		enum sw_bind kind;
		uint32_t key;
		const uint8_t *mac;
		int line;
	} veths[] = {
		{ 100, "h1", SW_BIND_VIF, 5, zero, 10 },
		{ 101, "h2", SW_BIND_MAC, 0, vmac, 11 },
		{ 102, "h3", SW_BIND_ECID, 300, zero, 12 },
	};

	CU_ASSERT_STRING_EQUAL(c->path, NAME);
	CU_ASSERT_STRING_EQUAL(c->name, "tor1");
	CU_ASSERT_EQUAL(memcmp(c->mac, swmac, 6), 0);
	CU_ASSERT_EQUAL(c->max_veths, SW_DEF_MAX_VETHS);
	CU_ASSERT_EQUAL(c->fdb_max, SW_DEF_FDB_MAX);
	CU_ASSERT_EQUAL(c->fdb_aging_s, SW_DEF_FDB_AGING_S);
	CU_ASSERT_STRING_EQUAL(c->default_profile, "");

	CU_ASSERT_EQUAL_FATAL(c->n_ports, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct sw_conf_port *p = &c->ports[i];

		CU_ASSERT_STRING_EQUAL(p->name, ports[i].name);
		CU_ASSERT_STRING_EQUAL(p->ifname, ports[i].ifname);
		CU_ASSERT_EQUAL(p->role, ports[i].role);
		CU_ASSERT_EQUAL(p->mode, ports[i].mode);
		CU_ASSERT_EQUAL(p->max_veths, ports[i].max_veths);
		CU_ASSERT_EQUAL(p->auto_create, ports[i].auto_create);
		CU_ASSERT_EQUAL(p->reflective_relay, ports[i].reflective_relay);
		CU_ASSERT_TRUE(p->admin_up);
		CU_ASSERT_EQUAL(p->line, ports[i].line);
		if (i == 0) {
			CU_ASSERT_EQUAL(count_vlans(p->vlans), 2);
			CU_ASSERT_TRUE(sw_vlan_test(p->vlans, 10));
			CU_ASSERT_TRUE(sw_vlan_test(p->vlans, 20));
			CU_ASSERT_FALSE(sw_vlan_test(p->vlans, 0)); /* not untagged */
		} else {
			CU_ASSERT_EQUAL(count_vlans(p->vlans), 0);
		}
	}

	CU_ASSERT_EQUAL_FATAL(c->n_profiles, 1);
	CU_ASSERT_STRING_EQUAL(c->profiles[0].name, "web");
	CU_ASSERT_EQUAL(c->profiles[0].type_id, 5);
	CU_ASSERT_EQUAL(c->profiles[0].type_version, 1);
	CU_ASSERT_TRUE(c->profiles[0].has_vlan);
	CU_ASSERT_EQUAL(c->profiles[0].vlan, 10);
	CU_ASSERT_EQUAL(c->profiles[0].line, 8);

	CU_ASSERT_EQUAL_FATAL(c->n_veths, 3);
	for (size_t i = 0; i < 3; i++) {
		const struct sw_conf_veth *v = &c->veths[i];

		CU_ASSERT_EQUAL(v->id, veths[i].id);
		CU_ASSERT_STRING_EQUAL(v->port, veths[i].port);
		CU_ASSERT_EQUAL(v->kind, veths[i].kind);
		CU_ASSERT_EQUAL(v->key, veths[i].key);
		CU_ASSERT_EQUAL(memcmp(v->mac, veths[i].mac, 6), 0);
		CU_ASSERT_TRUE(v->has_vlan); /* own (101) or the profile's (100, 102) */
		CU_ASSERT_EQUAL(v->vlan, 10);
		CU_ASSERT_STRING_EQUAL(v->profile, "web");
		CU_ASSERT_EQUAL(v->line, veths[i].line);
	}
}

static void
test_example_string(void)
{
	struct sw_conf c;
	char err[512];

	CU_ASSERT_EQUAL_FATAL(load(example, &c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	check_example(&c);
	sw_conf_free(&c);
	CU_ASSERT_PTR_NULL(c.ports);
	CU_ASSERT_PTR_NULL(c.profiles);
	CU_ASSERT_PTR_NULL(c.veths);
	CU_ASSERT_EQUAL(c.n_ports + c.n_profiles + c.n_veths, 0);
}

/* conf/example.conf is the same schema with comments and fdb_aging. */
static void
test_example_file(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096], err[512];
	struct sw_conf c;

	snprintf(path, sizeof(path), "%s/conf/example.conf", top ? top : ".");
	CU_ASSERT_EQUAL_FATAL(sw_conf_load(path, &c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.path, path);
	CU_ASSERT_EQUAL(c.fdb_aging_s, 300);
	CU_ASSERT_EQUAL(c.n_ports, 4);
	CU_ASSERT_EQUAL(c.n_profiles, 1);
	CU_ASSERT_EQUAL(c.n_veths, 3);
	sw_conf_free(&c);

	CU_ASSERT_EQUAL(sw_conf_load("/nonexistent/x.conf", &c, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/x.conf: cannot read the file");
}

/* Every optional setting, with non-default values. */
static void
test_all_settings(void)
{
	static const char text[] =
		"switch = { name = \"s-1.a:b_c\"; mac = \"02-AA-bb-00-00-09\"; max_veths = 10;\n"
		"  fdb_max = 16; fdb_aging = 1000000; default_profile = \"p\"; };\n"
		"ports = (\n"
		"  { name = \"u\"; role = \"uplink\"; vlans = [1, 4094]; untagged = true;\n"
		"    admin = \"down\"; },\n"
		"  { name = \"v\"; role = \"host\"; mode = \"vepa\"; max_veths = 0;\n"
		"    auto_create = true; reflective_relay = false; admin = \"up\"; },\n"
		"  { name = \"e\"; role = \"host\"; mode = \"etag\"; interface = \"0123456789abcde\"; }\n"
		");\n"
		"profiles = ( { name = \"p\"; type_id = 0xFFFFFF; type_version = 255; },\n"
		"  { name = \"q\"; vlan = 0; } );\n"
		"veths = ( { id = 2147483647; port = \"e\"; ecid = 0xFFFFF; } );\n";
	static const uint8_t mac[6] = { 2, 0xAA, 0xBB, 0, 0, 9 };
	struct sw_conf c;
	char err[512];

	CU_ASSERT_EQUAL_FATAL(load(text, &c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.name, "s-1.a:b_c");
	CU_ASSERT_EQUAL(memcmp(c.mac, mac, 6), 0);
	CU_ASSERT_EQUAL(c.max_veths, 10);
	CU_ASSERT_EQUAL(c.fdb_max, 16);
	CU_ASSERT_EQUAL(c.fdb_aging_s, 1000000);
	CU_ASSERT_STRING_EQUAL(c.default_profile, "p");
	CU_ASSERT_EQUAL_FATAL(c.n_ports, 3);
	CU_ASSERT_EQUAL(count_vlans(c.ports[0].vlans), 3);
	CU_ASSERT_TRUE(sw_vlan_test(c.ports[0].vlans, 0)); /* untagged = true */
	CU_ASSERT_TRUE(sw_vlan_test(c.ports[0].vlans, 1));
	CU_ASSERT_TRUE(sw_vlan_test(c.ports[0].vlans, 4094));
	CU_ASSERT_FALSE(c.ports[0].admin_up);
	CU_ASSERT_STRING_EQUAL(c.ports[0].ifname, ""); /* replay: no interface */
	CU_ASSERT_EQUAL(c.ports[0].line, 4);
	CU_ASSERT_EQUAL(c.ports[1].mode, SW_MODE_VEPA);
	CU_ASSERT_EQUAL(c.ports[1].max_veths, 0);
	CU_ASSERT_TRUE(c.ports[1].auto_create);
	CU_ASSERT_FALSE(c.ports[1].reflective_relay);
	CU_ASSERT_TRUE(c.ports[1].admin_up);
	CU_ASSERT_EQUAL(c.ports[1].line, 6);
	CU_ASSERT_STRING_EQUAL(c.ports[2].ifname, "0123456789abcde");
	CU_ASSERT_EQUAL(c.ports[2].line, 8);
	CU_ASSERT_EQUAL_FATAL(c.n_profiles, 2);
	CU_ASSERT_EQUAL(c.profiles[0].type_id, 0xFFFFFF);
	CU_ASSERT_EQUAL(c.profiles[0].type_version, 255);
	CU_ASSERT_FALSE(c.profiles[0].has_vlan);
	CU_ASSERT_TRUE(c.profiles[1].has_vlan);
	CU_ASSERT_EQUAL(c.profiles[1].vlan, 0);
	CU_ASSERT_EQUAL_FATAL(c.n_veths, 1);
	CU_ASSERT_EQUAL(c.veths[0].id, 2147483647u);
	CU_ASSERT_EQUAL(c.veths[0].kind, SW_BIND_ECID);
	CU_ASSERT_EQUAL(c.veths[0].key, 0xFFFFF);
	CU_ASSERT_FALSE(c.veths[0].has_vlan);
	CU_ASSERT_STRING_EQUAL(c.veths[0].profile, "");
	sw_conf_free(&c);

	/* Only the switch: no ports, profiles or vEths is valid. */
	CU_ASSERT_EQUAL_FATAL(load("switch = { name = \"s\"; mac = \"02:00:00:00:00:01\"; };",
				      &c, err, sizeof(err)),
		0);
	CU_ASSERT_EQUAL(c.n_ports + c.n_profiles + c.n_veths, 0);
	sw_conf_free(&c);
}

/* A vEth's VLAN is its own vlan, else its profile's, else none (0). */
static void
test_veth_vlan_rule(void)
{
	static const char text[] =
		"switch = { name = \"s\"; mac = \"02:00:00:00:00:01\"; };\n"
		"ports = ( { name = \"h\"; role = \"host\"; mode = \"vntag\"; } );\n"
		"profiles = ( { name = \"p10\"; vlan = 10; }, { name = \"none\"; } );\n"
		"veths = (\n"
		"  { id = 1; port = \"h\"; vif = 1; profile = \"p10\"; },\n"
		"  { id = 2; port = \"h\"; vif = 2; profile = \"p10\"; vlan = 20; },\n"
		"  { id = 3; port = \"h\"; vif = 3; profile = \"p10\"; vlan = 0; },\n"
		"  { id = 4; port = \"h\"; vif = 4; profile = \"none\"; },\n"
		"  { id = 5; port = \"h\"; vif = 5; },\n"
		"  { id = 6; port = \"h\"; vif = 6; vlan = 4094; }\n"
		");\n";
	static const struct {
		bool has_vlan;
		uint16_t vlan;
	} want[] = {
		{ true, 10 },
		{ true, 20 },
		{ true, 0 },
		{ false, 0 },
		{ false, 0 },
		{ true, 4094 },
	};
	struct sw_conf c;
	char err[512];

	CU_ASSERT_EQUAL_FATAL(load(text, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(c.n_veths, 6);
	for (size_t i = 0; i < 6; i++) {
		CU_ASSERT_EQUAL(c.veths[i].id, i + 1);
		CU_ASSERT_EQUAL(c.veths[i].has_vlan, want[i].has_vlan);
		CU_ASSERT_EQUAL(c.veths[i].vlan, want[i].vlan);
	}
	sw_conf_free(&c);
}

/* ---- bad configurations ---------------------------------------------------- */

#define SW    "switch = { name = \"s\"; mac = \"02:00:00:00:00:01\"; };\n" /* line 1 */
#define UP    "  { name = \"up\"; role = \"uplink\"; vlans = [10]; },\n"
#define HV    "  { name = \"hv\"; role = \"host\"; mode = \"vntag\"; },\n"
#define HE    "  { name = \"he\"; role = \"host\"; mode = \"etag\"; },\n"
#define HP    "  { name = \"hp\"; role = \"host\"; mode = \"vepa\"; }\n"
#define PORTS "ports = (\n" UP HV HE HP ");\n"                   /* lines 2..7 */
#define PROF  "profiles = ( { name = \"web\"; vlan = 10; } );\n" /* line 8 */

struct bad {
	const char *what;
	const char *text;
	int line;            /* 0: the message carries no line */
	const char *setting; /* the path the message names */
	const char *msg;     /* a fragment of the message */
};

static const struct bad bad[] = {
	/* syntax and structure */
	{ "syntax error", SW "ports = (\n { name = \"a\";\n   role = ; }\n);\n", 4,
		"syntax error", "syntax error" },
	{ "unknown top-level key", SW "\ncolour = 5;\n", 3, "colour", "unknown setting" },
	/* libconfig 1.5 exit()s on @include "." (found by fuzz-config) */
	{ "@include", SW "  @include \".\"\n", 2, "@include", "not supported" },
	{ "unknown key in a port",
		SW "ports = (\n  { name = \"h\"; role = \"host\"; mode = \"vntag\";\n"
		   "    speed = 10; }\n);\n",
		4, "ports.[1].speed", "unknown setting" },
	{ "unknown key in the switch",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n agin = 5;\n};\n",
		4, "switch.agin", "unknown setting" },
	{ "unknown key in a vEth",
		SW PORTS
		"veths = (\n { id = 1; port = \"hv\"; vif = 1;\n  prof = \"x\"; }\n);\n",
		10, "veths.[1].prof", "unknown setting" },
	{ "unknown key in a profile", SW "profiles = (\n { name = \"p\"; typeid = 1; }\n);\n",
		3, "profiles.[1].typeid", "unknown setting" },
	{ "missing switch", "\nports = ( );\n", 0, "switch", "missing" },
	{ "switch not a group", "switch = 5;\n", 1, "switch", "expected a group" },
	{ "ports not a list", SW "ports = { name = \"h\"; };\n", 2, "ports",
		"expected a list" },
	{ "port not a group", SW "ports = ( 5 );\n", 2, "ports.[1]", "expected a group" },

	/* switch */
	{ "switch.mac missing", "switch = {\n name = \"s\";\n};\n", 1, "switch.mac",
		"missing" },
	{ "switch.name missing", "switch = {\n mac = \"02:00:00:00:00:01\";\n};\n", 1,
		"switch.name", "missing" },
	{ "switch.mac group address",
		"switch = {\n name = \"s\";\n mac = \"03:00:00:00:00:01\";\n};\n", 3,
		"switch.mac", "group address" },
	{ "switch.mac broadcast",
		"switch = {\n name = \"s\";\n mac = \"ff:ff:ff:ff:ff:ff\";\n};\n", 3,
		"switch.mac", "group address" },
	{ "switch.mac all zero",
		"switch = {\n name = \"s\";\n mac = \"00:00:00:00:00:00\";\n};\n", 3,
		"switch.mac", "all-zero" },
	{ "switch.mac garbage", "switch = {\n name = \"s\";\n mac = \"02:00:00:00:00\";\n};\n",
		3, "switch.mac", "not a MAC address" },
	{ "switch.mac garbage 2",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:0g\";\n};\n", 3,
		"switch.mac", "not a MAC address" },
	{ "switch.mac trailing",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01:\";\n};\n", 3,
		"switch.mac", "not a MAC address" },
	{ "switch.name empty", "switch = {\n name = \"\";\n mac = \"02:00:00:00:00:01\";\n};\n",
		2, "switch.name", "1..31 characters" },
	{ "switch.name too long",
		"switch = {\n name = \"abcdefghijabcdefghijabcdefghij12\";\n"
		" mac = \"02:00:00:00:00:01\";\n};\n",
		2, "switch.name", "1..31 characters" },
	{ "switch.name bad character",
		"switch = {\n name = \"a b\";\n mac = \"02:00:00:00:00:01\";\n};\n", 2,
		"switch.name", "character" },
	{ "max_vsis zero",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n max_vsis = 0;\n};\n",
		4, "switch.max_vsis", "out of range" },
	{ "max_vsis above the ceiling",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n max_vsis = 1048577;\n};\n",
		4, "switch.max_vsis", "out of range" },
	{ "fdb_max_per_veth zero",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n fdb_max_per_veth = 0;\n};\n",
		4, "switch.fdb_max_per_veth", "out of range" },
	{ "fdb_max_per_veth a string",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n fdb_max_per_veth = \"x\";\n};\n",
		4, "switch.fdb_max_per_veth", "" },
	{ "lldp.max_neighbors zero",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n lldp = { max_neighbors = 0; };\n};\n",
		4, "switch.lldp.max_neighbors", "out of range" },
	{ "lldp.max_neighbors too many",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n lldp = { max_neighbors = 257; };\n};\n",
		4, "switch.lldp.max_neighbors", "out of range" },
	{ "audit.window zero",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n audit = { window = 0; };\n};\n",
		4, "switch.audit.window", "out of range" },
	{ "audit unknown setting",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n audit = { share = 5; };\n};\n",
		4, "switch.audit.share", "" },
	{ "fdb_aging too small",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n fdb_aging = 9;\n};\n",
		4, "switch.fdb_aging", "9 is out of range 10..1000000" },
	{ "fdb_aging too large",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n"
		" fdb_aging = 1000001;\n};\n",
		4, "switch.fdb_aging", "1000001 is out of range 10..1000000" },
	{ "fdb_aging negative",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n fdb_aging = -1;\n};\n",
		4, "switch.fdb_aging", "out of range" },
	{ "switch max_veths 0",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n max_veths = 0;\n};\n",
		4, "switch.max_veths", "out of range" },
	{ "fdb_max too small",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n fdb_max = 15;\n};\n",
		4, "switch.fdb_max", "out of range" },
	{ "default_profile unknown",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n"
		" default_profile = \"nope\";\n};\n",
		4, "switch.default_profile", "no profile named 'nope'" },

	/* ports */
	{ "role missing", SW "ports = (\n  { name = \"h\";\n    mode = \"vntag\"; }\n);\n", 3,
		"ports.[1].role", "missing" },
	{ "role unknown", SW "ports = (\n  { name = \"h\";\n    role = \"server\"; }\n);\n", 4,
		"ports.[1].role", "'server'" },
	{ "port name missing", SW "ports = (\n  { role = \"uplink\"; }\n);\n", 3,
		"ports.[1].name", "missing" },
	{ "host port without mode",
		SW "ports = (\n" UP "  { name = \"h\"; role = \"host\"; }\n);\n", 4,
		"ports.[2].mode", "missing" },
	{ "unknown mode",
		SW "ports = (\n" UP
		   "  { name = \"h\"; role = \"host\";\n    mode = \"vxlan\"; }\n);\n",
		5, "ports.[2].mode", "'vxlan'" },
	{ "uplink with mode",
		SW
		"ports = (\n  { name = \"u\"; role = \"uplink\";\n    mode = \"vepa\"; }\n);\n",
		4, "ports.[1].mode", "an uplink has no mode" },
	{ "vlans on a host port",
		SW "ports = (\n  { name = \"h\"; role = \"host\"; mode = \"vepa\";\n"
		   "    vlans = [10]; }\n);\n",
		4, "ports.[1].vlans", "uplinks only" },
	{ "untagged on a host port",
		SW "ports = (\n  { name = \"h\"; role = \"host\"; mode = \"vepa\";\n"
		   "    untagged = true; }\n);\n",
		4, "ports.[1].untagged", "uplinks only" },
	{ "max_veths on an uplink",
		SW
		"ports = (\n  { name = \"u\"; role = \"uplink\";\n    max_veths = 4; }\n);\n",
		4, "ports.[1].max_veths", "host ports only" },
	{ "VLAN 0 in vlans",
		SW
		"ports = (\n  { name = \"u\"; role = \"uplink\";\n    vlans = [10,\n 0]; }\n);\n",
		5, "ports.[1].vlans", "VLAN 0 is out of range 1..4094" },
	{ "VLAN 4095 in vlans",
		SW
		"ports = (\n  { name = \"u\"; role = \"uplink\";\n    vlans = [4095]; }\n);\n",
		4, "ports.[1].vlans", "VLAN 4095 is out of range 1..4094" },
	{ "duplicate VLAN in vlans",
		SW "ports = (\n  { name = \"u\"; role = \"uplink\";\n    vlans = [10, 20,\n"
		   "  10]; }\n);\n",
		5, "ports.[1].vlans", "VLAN 10 listed twice" },
	{ "reflective_relay on a vntag port",
		SW "ports = (\n  { name = \"h\"; role = \"host\"; mode = \"vntag\";\n"
		   "    reflective_relay = true; }\n);\n",
		4, "ports.[1].reflective_relay", "vepa" },
	{ "reflective_relay on an etag port",
		SW "ports = (\n  { name = \"h\"; role = \"host\"; mode = \"etag\";\n"
		   "    reflective_relay = true; }\n);\n",
		4, "ports.[1].reflective_relay", "vepa" },
	{ "interface name too long",
		SW "ports = (\n  { name = \"h\"; role = \"host\"; mode = \"vntag\";\n"
		   "    interface = \"0123456789abcdef\"; }\n);\n",
		4, "ports.[1].interface", "1..15 characters" },
	{ "interface name empty",
		SW
		"ports = (\n  { name = \"u\"; role = \"uplink\";\n    interface = \"\"; }\n);\n",
		4, "ports.[1].interface", "1..15 characters" },
	{ "admin unknown",
		SW
		"ports = (\n  { name = \"u\"; role = \"uplink\";\n    admin = \"off\"; }\n);\n",
		4, "ports.[1].admin", "'off'" },
	{ "duplicate port names",
		SW "ports = (\n" UP HV "  { name = \"up\"; role = \"uplink\"; }\n);\n", 5,
		"ports.[3].name", "port 'up' is already defined at line 3" },
	{ "port max_veths too large",
		SW "ports = (\n  { name = \"h\"; role = \"host\"; mode = \"vntag\";\n"
		   "    max_veths = 1048577; }\n);\n",
		4, "ports.[1].max_veths", "out of range" },

	/* profiles */
	{ "duplicate profile",
		SW
		"profiles = (\n  { name = \"web\"; },\n  { name = \"db\"; },\n  { name = \"web\"; }\n);\n",
		5, "profiles.[3].name", "profile 'web' is already defined at line 3" },
	{ "type_id > 24 bits",
		SW "profiles = (\n  { name = \"p\";\n    type_id = 0x1000000; }\n);\n", 4,
		"profiles.[1].type_id", "16777216 is out of range 0..16777215" },
	{ "type_version > 8 bits",
		SW "profiles = (\n  { name = \"p\";\n    type_version = 256; }\n);\n", 4,
		"profiles.[1].type_version", "out of range" },
	{ "profile vlan 4095", SW "profiles = (\n  { name = \"p\";\n    vlan = 4095; }\n);\n",
		4, "profiles.[1].vlan", "out of range 0..4094" },

	/* vEths: bindings (lines 9.. after SW PORTS PROF) */
	{ "vEth with no binding", SW PORTS PROF "veths = (\n  { id = 1; port = \"hv\"; }\n);\n",
		10, "veths.[1]", "exactly one of vif, ecid or mac" },
	{ "vEth with two bindings",
		SW PORTS PROF
		"veths = (\n  { id = 1; port = \"hv\"; vif = 1; ecid = 1; }\n);\n",
		10, "veths.[1]", "(found 2)" },
	{ "vEth id missing", SW PORTS PROF "veths = (\n  { port = \"hv\"; vif = 1; }\n);\n", 10,
		"veths.[1].id", "missing" },
	{ "vEth id 0", SW PORTS PROF "veths = (\n  { id = 0; port = \"hv\"; vif = 1; }\n);\n",
		10, "veths.[1].id", "out of range" },
	{ "vEth port missing", SW PORTS PROF "veths = (\n  { id = 1; vif = 1; }\n);\n", 10,
		"veths.[1].port", "missing" },
	{ "vif 4096",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"hv\";\n    vif = 4096; }\n);\n",
		11, "veths.[1].vif", "4096 is out of range 0..4095" },
	{ "vif negative",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"hv\";\n    vif = -1; }\n);\n",
		11, "veths.[1].vif", "out of range" },
	{ "ecid 0",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"he\";\n    ecid = 0; }\n);\n",
		11, "veths.[1].ecid", "0 is out of range 1..1048575" },
	{ "ecid > 20 bits",
		SW PORTS PROF
		"veths = (\n  { id = 1; port = \"he\";\n    ecid = 0x100000; }\n);\n",
		11, "veths.[1].ecid", "1048576 is out of range 1..1048575" },
	{ "vEth vlan 4095",
		SW PORTS PROF
		"veths = (\n  { id = 1; port = \"hv\"; vif = 1;\n    vlan = 4095; }\n);\n",
		11, "veths.[1].vlan", "out of range 0..4094" },
	{ "vEth group MAC",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"hp\";\n"
			      "    mac = \"01:00:5e:00:00:01\"; }\n);\n",
		11, "veths.[1].mac", "group address" },
	{ "mac binding on a vntag port",
		SW PORTS PROF
		"veths = (\n  { id = 1; port = \"hv\"; mac = \"52:54:00:00:00:01\"; }\n);\n",
		10, "veths.[1]", "port 'hv' is a vntag port: bind the vEth with vif" },
	{ "vif binding on a vepa port",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"hp\"; vif = 3; }\n);\n", 10,
		"veths.[1]", "port 'hp' is a vepa port: bind the vEth with mac" },
	{ "ecid binding on a vntag port",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"hv\"; ecid = 3; }\n);\n", 10,
		"veths.[1]", "port 'hv' is a vntag port" },
	{ "vif binding on an etag port",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"he\"; vif = 3; }\n);\n", 10,
		"veths.[1]", "port 'he' is a etag port: bind the vEth with ecid" },

	/* vEths: cross-references */
	{ "unknown port",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"h9\"; vif = 1; }\n);\n", 10,
		"veths.[1].port", "no port named 'h9'" },
	{ "vEth on an uplink",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"up\"; vif = 1; }\n);\n", 10,
		"veths.[1].port", "port 'up' is an uplink" },
	{ "unknown profile",
		SW PORTS PROF
		"veths = (\n  { id = 1; port = \"hv\"; vif = 1; profile = \"db\"; }\n);\n",
		10, "veths.[1].profile", "no profile named 'db'" },
	{ "duplicate vEth id",
		SW PORTS PROF "veths = (\n  { id = 7; port = \"hv\"; vif = 1; },\n"
			      "  { id = 7; port = \"he\"; ecid = 1; }\n);\n",
		11, "veths.[2].id", "vEth 7 is already defined at line 10" },
	{ "duplicate vif on a port",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"hv\"; vif = 4; },\n"
			      "  { id = 2; port = \"he\"; ecid = 4; },\n"
			      "  { id = 3; port = \"hv\"; vif = 4; }\n);\n",
		12, "veths.[3].vif", "vif 4 on port 'hv' is already bound to vEth 1" },
	{ "duplicate vif and id: the first vEth in the file is reported",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"hv\"; vif = 4; },\n"
			      "  { id = 3; port = \"hv\"; vif = 5; },\n"
			      "  { id = 3; port = \"hv\"; vif = 4; }\n);\n",
		12, "veths.[3].vif", "vif 4 on port 'hv' is already bound to vEth 1" },
	{ "duplicate id and vif of one vEth: the id is reported",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"hv\"; vif = 4; },\n"
			      "  { id = 1; port = \"hv\"; vif = 4; }\n);\n",
		11, "veths.[2].id", "vEth 1 is already defined at line 10" },
	{ "duplicate E-CID on a port",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"he\"; ecid = 9; },\n"
			      "  { id = 2; port = \"he\"; ecid = 9; }\n);\n",
		11, "veths.[2].ecid", "E-CID 9 on port 'he' is already bound to vEth 1" },
	{ "duplicate MAC+VLAN",
		SW PORTS PROF
		"veths = (\n  { id = 1; port = \"hp\"; mac = \"52:54:00:00:00:01\"; "
		"profile = \"web\"; },\n"
		"  { id = 2; port = \"hp\"; mac = \"52:54:00:00:00:01\"; vlan = 10; }\n);\n",
		11, "veths.[2].mac",
		"MAC 52:54:00:00:00:01 in VLAN 10 is already bound to vEth 1" },
	{ "per-port max_veths exceeded",
		SW
		"ports = (\n  { name = \"h\"; role = \"host\"; mode = \"vntag\"; max_veths = 2; }\n);\n"
		"veths = (\n  { id = 1; port = \"h\"; vif = 1; },\n"
		"  { id = 2; port = \"h\"; vif = 2; },\n"
		"  { id = 3; port = \"h\"; vif = 3; }\n);\n",
		8, "veths.[3]", "port 'h' allows max_veths = 2" },
	{ "switch max_veths exceeded",
		"switch = { name = \"s\"; mac = \"02:00:00:00:00:01\"; max_veths = 2; };\n"
		"ports = (\n  { name = \"h\"; role = \"host\"; mode = \"vntag\"; }\n);\n"
		"veths = (\n  { id = 1; port = \"h\"; vif = 1; },\n"
		"  { id = 2; port = \"h\"; vif = 2; },\n"
		"  { id = 3; port = \"h\"; vif = 3; }\n);\n",
		8, "veths", "3 vEths exceed switch.max_veths = 2" },

	/* wrong types */
	{ "name is an integer", "switch = {\n name = 5;\n mac = \"02:00:00:00:00:01\";\n};\n",
		2, "switch.name", "expected a string" },
	{ "mac is an integer", "switch = {\n name = \"s\";\n mac = 2;\n};\n", 3, "switch.mac",
		"expected a string" },
	{ "fdb_aging is a string",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n fdb_aging = \"300\";\n};\n",
		4, "switch.fdb_aging", "expected an integer" },
	{ "fdb_aging is a float",
		"switch = {\n name = \"s\";\n mac = \"02:00:00:00:00:01\";\n fdb_aging = 30.5;\n};\n",
		4, "switch.fdb_aging", "expected an integer" },
	{ "max_veths is a string",
		SW "ports = (\n  { name = \"h\"; role = \"host\"; mode = \"vntag\";\n"
		   "    max_veths = \"96\"; }\n);\n",
		4, "ports.[1].max_veths", "expected an integer" },
	{ "auto_create is a string",
		SW "ports = (\n  { name = \"h\"; role = \"host\"; mode = \"vntag\";\n"
		   "    auto_create = \"yes\"; }\n);\n",
		4, "ports.[1].auto_create", "expected true or false" },
	{ "untagged is an integer",
		SW "ports = (\n  { name = \"u\"; role = \"uplink\";\n    untagged = 1; }\n);\n",
		4, "ports.[1].untagged", "expected true or false" },
	{ "role is an integer", SW "ports = (\n  { name = \"h\";\n    role = 1; }\n);\n", 4,
		"ports.[1].role", "expected a string" },
	{ "vlans is a string",
		SW
		"ports = (\n  { name = \"u\"; role = \"uplink\";\n    vlans = \"10\"; }\n);\n",
		4, "ports.[1].vlans", "expected a list" },
	{ "vlans of strings",
		SW
		"ports = (\n  { name = \"u\"; role = \"uplink\";\n    vlans = [\"10\"]; }\n);\n",
		4, "ports.[1].vlans", "must be integers" },
	{ "vEth id is a string",
		SW PORTS PROF "veths = (\n  { id = \"1\"; port = \"hv\"; vif = 1; }\n);\n", 10,
		"veths.[1].id", "expected an integer" },
	{ "vif is a string",
		SW PORTS PROF "veths = (\n  { id = 1; port = \"hv\";\n    vif = \"5\"; }\n);\n",
		11, "veths.[1].vif", "expected an integer" },
	{ "vEth port is an integer",
		SW PORTS PROF "veths = (\n  { id = 1;\n    port = 2; vif = 5; }\n);\n", 11,
		"veths.[1].port", "expected a string" },
	{ "veths is a group", SW PORTS PROF "veths = { id = 1; };\n", 9, "veths",
		"expected a list" },
};

static void
test_bad(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad *b = &bad[i];
		struct sw_conf c;
		char err[512], want[256];
		int rc;

		memset(&c, 0xA5, sizeof(c));
		rc = load(b->text, &c, err, sizeof(err));
		if (b->line)
			snprintf(want, sizeof(want), NAME ":%d: %s: ", b->line, b->setting);
		else
			snprintf(want, sizeof(want), NAME ": %s: ", b->setting);
		if (rc != -1 || strncmp(err, want, strlen(want)) || !strstr(err, b->msg))
			printf("\n  case '%s': rc %d\n    got  \"%s\"\n    want \"%s...%s\"\n",
				b->what, rc, err, want, b->msg);
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, b->msg));
		/* Nothing half-applied: the arrays are freed and cleared. */
		CU_ASSERT_PTR_NULL(c.ports);
		CU_ASSERT_PTR_NULL(c.profiles);
		CU_ASSERT_PTR_NULL(c.veths);
		CU_ASSERT_EQUAL(c.n_ports + c.n_profiles + c.n_veths, 0);
	}
}

/* Each bad case differs from a good configuration by the fault alone: the
 * base text without it loads (so the table tests what it claims). */
static void
test_bad_bases_load(void)
{
	static const char *const good[] = {
		SW PORTS PROF,
		SW PORTS PROF
		"veths = (\n  { id = 1; port = \"hv\"; vif = 4095; },\n"
		"  { id = 2; port = \"he\"; ecid = 1; },\n"
		"  { id = 3; port = \"hp\"; mac = \"52:54:00:00:00:01\"; "
		"profile = \"web\"; },\n"
		"  { id = 4; port = \"hp\"; mac = \"52:54:00:00:00:01\"; vlan = 11; },\n"
		"  { id = 5; port = \"hv\"; vif = 0; profile = \"web\"; }\n);\n",
		"switch = { name = \"s\"; mac = \"02:00:00:00:00:01\"; max_veths = 3; };\n"
		"ports = (\n  { name = \"h\"; role = \"host\"; mode = \"vntag\"; max_veths = 3; }\n);\n"
		"veths = (\n  { id = 1; port = \"h\"; vif = 1; },\n"
		"  { id = 2; port = \"h\"; vif = 2; },\n"
		"  { id = 3; port = \"h\"; vif = 3; }\n);\n",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct sw_conf c;
		char err[512];

		CU_ASSERT_EQUAL(load(good[i], &c, err, sizeof(err)), 0);
		if (err[0])
			printf("\n  good[%zu]: %s\n", i, err);
		sw_conf_free(&c);
	}
}

static void
test_names(void)
{
	CU_ASSERT_STRING_EQUAL(sw_mode_name(SW_MODE_VNTAG), "vntag");
	CU_ASSERT_STRING_EQUAL(sw_mode_name(SW_MODE_ETAG), "etag");
	CU_ASSERT_STRING_EQUAL(sw_mode_name(SW_MODE_VEPA), "vepa");
	CU_ASSERT_STRING_EQUAL(sw_mode_name(SW_MODE_NONE), "none");
	CU_ASSERT_STRING_EQUAL(sw_role_name(SW_ROLE_UPLINK), "uplink");
	CU_ASSERT_STRING_EQUAL(sw_role_name(SW_ROLE_HOST), "host");
}

/* A short error buffer truncates, never overflows. */
static void
test_short_errbuf(void)
{
	char err[16];
	struct sw_conf c;

	memset(err, 'x', sizeof(err));
	CU_ASSERT_EQUAL(sw_conf_load_string("switch = 5;", NAME, &c, err, 8), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.conf:");
	CU_ASSERT_EQUAL(err[8], 'x');
}

static void
add_suites(void)
{
	static const struct tu_test good[] = {
		{ "issue example, every field", test_example_string },
		{ "conf/example.conf", test_example_file },
		{ "every optional setting", test_all_settings },
		{ "vEth VLAN: own, else profile's", test_veth_vlan_rule },
		{ "names", test_names },
		{ NULL, NULL },
	};
	static const struct tu_test errs[] = {
		{ "bad configurations: file, line, setting", test_bad },
		{ "the bases of the bad cases load", test_bad_bases_load },
		{ "short error buffer", test_short_errbuf },
		{ NULL, NULL },
	};

	tu_add_suite("swconf", good);
	tu_add_suite("swconf errors", errs);
}

int
main(void)
{
	return tu_run("test-swconf", add_suites);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lldpagenttest.c - the recording owner of the LLDP agent tests (see
 * lldpagenttest.h).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/codec.h"
#include "tests/lldpagenttest.h"

struct recorder rec;

struct lldp_pdu dec;

void
rec_reset(void)
{
	memset(&rec, 0, sizeof(rec));
}

int
rec_send(void *aux, const uint8_t *frame, size_t len)
{
	struct sent *s;

	CU_ASSERT_PTR_EQUAL(aux, &rec);
	if (rec.fail_send)
		return -1;
	CU_ASSERT_FATAL(rec.n_sent < MAX_SENT);
	CU_ASSERT_FATAL(len <= LLDP_FRAME_MAX);
	s = &rec.sent[rec.n_sent++];
	s->t = rec.now;
	s->len = len;
	memcpy(s->buf, frame, len);
	return 0;
}

static void
rec_nb(void *aux, struct lldp_agent_sm *a, enum lldp_nb_event ev, enum lldp_nb_reason why,
	const struct lldp_neighbor *nb)
{
	struct event *e;

	CU_ASSERT_PTR_EQUAL(aux, &rec);
	CU_ASSERT_FATAL(rec.n_ev < MAX_EVENTS);
	e = &rec.ev[rec.n_ev++];
	e->ev = ev;
	e->why = why;
	e->mac5 = nb->src_mac[4];
	e->chassis_last = nb->chassis.id[nb->chassis.len - 1];
	/* The owner may rebuild the EVB TLV from here (and nothing is sent
	 * until the next tick); rx and tick are refused while we run. */
	if (rec.evb_local)
		rec.evb_rc = lldp_evb_update(a, rec.evb_local, &rec.evb_oper);
	lldp_agent_tick(a, rec.now + S(100)); /* ignored: no ageing, no tx */
}

const uint8_t my_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

void
base_cfg(struct lldp_agent_cfg *cfg, enum lldp_agent group)
{
	lldp_agent_cfg_init(cfg);
	cfg->group = group;
	memcpy(cfg->local.mac, my_mac, 6);
	cfg->local.port_name = "eth1";
	cfg->local.port_desc = "uplink";
	cfg->local.sys_name = "vnswitch";
	cfg->local.sys_desc = "vn";
	cfg->neighbor_cb = rec_nb;
}

struct lldp_agent_sm *
make_agent(const struct lldp_agent_cfg *cfg)
{
	struct lldp_agent_sm *a = lldp_agent_create(cfg, rec_send, &rec);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	return a;
}

/* A fresh recorder and an agent with the base configuration. */
struct lldp_agent_sm *
agent(enum lldp_agent group)
{
	struct lldp_agent_cfg cfg;

	rec_reset();
	base_cfg(&cfg, group);
	return make_agent(&cfg);
}

void
tick(struct lldp_agent_sm *a, uint64_t t)
{
	rec.now = t;
	lldp_agent_tick(a, t);
}

enum lldp_rx_result
rx(struct lldp_agent_sm *a, const uint8_t *f, size_t len, uint64_t t)
{
	rec.now = t;
	return lldp_agent_rx(a, f, len, t);
}

void
assert_mac_id(const struct lldp_id *id, uint8_t subtype, const uint8_t mac[6])
{
	CU_ASSERT_EQUAL(id->subtype, subtype);
	CU_ASSERT_EQUAL_FATAL(id->len, 6);
	CU_ASSERT_EQUAL(memcmp(id->id, mac, 6), 0);
}

bool
is_lldp(const struct tu_frame *f)
{
	return f->len >= 14 && vn_get_be16(f->data + 12) == 0x88CC;
}

void
assert_evb_hex(const struct lldp_evb *e, const char *hex, const char *row)
{
	uint8_t want[5], got[5];
	size_t n = 0;
	struct vn_err err;

	CU_ASSERT_EQUAL_FATAL(tu_hex(hex, want, sizeof(want)), 5);
	CU_ASSERT_EQUAL_FATAL(lldp_evb_pack(e, got, sizeof(got), &n, &err), 0);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(memcmp(got, want, 5), 0);
	if (memcmp(got, want, 5))
		fprintf(stderr, "%s: EVB TLV %02x %02x %02x %02x %02x, want %s\n", row, got[0],
			got[1], got[2], got[3], got[4], hex);
}

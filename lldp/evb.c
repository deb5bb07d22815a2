/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>
#include "lldp/evb.h"

#include <stddef.h>
#include <string.h>

#include "lldp/agent.h"

void
lldp_evb_local_init(struct lldp_evb_local *local)
{
	memset(local, 0, sizeof(*local));
	local->rrcap = true;
	local->bgid = false;
	local->r = 3;
	local->rte = 8;
	local->rwd = 20;
	local->rka = 20;
}

uint64_t
lldp_evb_exp_us(unsigned int exp)
{
	return 10ULL << (exp & LLDP_EVB_EXP_MAX);
}

uint64_t
lldp_evb_keepalive_timeout_us(unsigned int r, unsigned int rte, unsigned int rka)
{
	uint64_t units = (1ULL << (rka & LLDP_EVB_EXP_MAX)) +
		(2ULL * (r & LLDP_EVB_R_MAX) + 1) * (1ULL << (rte & LLDP_EVB_EXP_MAX));

	/* 1.5 * units * 10 us = 15 us * units: exact, no rounding. */
	return 15 * units;
}

static bool
values_ok(unsigned int r, unsigned int rte, unsigned int rwd, unsigned int rka)
{
	return r <= LLDP_EVB_R_MAX && rte <= LLDP_EVB_EXP_MAX && rwd <= LLDP_EVB_EXP_MAX &&
		rka <= LLDP_EVB_EXP_MAX;
}

static uint8_t
max_u8(uint8_t x, uint8_t y)
{
	return x > y ? x : y;
}

int
lldp_evb_negotiate(const struct lldp_evb_local *local, const struct lldp_evb *station,
	struct lldp_evb *tlv_to_send, struct lldp_evb_oper *oper)
{
	struct lldp_evb t;
	struct lldp_evb_oper o;

	if (!values_ok(local->r, local->rte, local->rwd, local->rka))
		return VN_EINVAL;
	if (station && station->mode != LLDP_EVB_MODE_STATION)
		station = NULL; /* see evb.h: only a station's TLV is negotiated with */
	if (station &&
		(!values_ok(station->r, station->rte, station->rwd, station->rka) ||
			station->rrstat > LLDP_EVB_RRSTAT_UNKNOWN))
		return VN_EINVAL;

	memset(&t, 0, sizeof(t));
	memset(&o, 0, sizeof(o));
	t.mode = LLDP_EVB_MODE_BRIDGE;
	t.bgid = local->bgid;
	t.rrcap = local->rrcap;
	t.r = local->r;
	t.rte = local->rte;
	t.rwd = local->rwd;
	t.rka = local->rka;
	if (station) {
		o.station = true;
		/* lldpad bridge_tlv(): echo the station status byte. */
		t.sgid = station->sgid;
		t.rrreq = station->rrreq;
		t.rrstat = station->rrstat;
		/* RRCTR only when asked for and able (802.1Qbg-2012, lldpad). */
		t.rrctr = local->rrcap && station->rrreq;
		/* lldpad common_tlv(): max of both; ROL when remote >= local. */
		t.r = max_u8(local->r, station->r);
		t.rte = max_u8(local->rte, station->rte);
		t.rwd = max_u8(local->rwd, station->rwd);
		t.rwd_rol = station->rwd >= local->rwd;
		t.rka = max_u8(local->rka, station->rka);
		t.rka_rol = station->rka >= local->rka;
		o.group_ids = local->bgid && station->sgid;
	}
	o.reflective_relay = t.rrctr;
	o.r = t.r;
	o.rte = t.rte;
	o.rwd = t.rwd;
	o.rka = t.rka;
	o.rwd_remote = t.rwd_rol;
	o.rka_remote = t.rka_rol;
	o.ecp_ack_us = lldp_evb_exp_us(t.rte);
	o.vdp_resource_wait_us = lldp_evb_exp_us(t.rwd);
	o.vdp_keepalive_us = lldp_evb_exp_us(t.rka);
	o.vdp_keepalive_timeout_us = lldp_evb_keepalive_timeout_us(t.r, t.rte, t.rka);

	*tlv_to_send = t;
	*oper = o;
	return 0;
}

const struct lldp_evb *
lldp_evb_find_station(const struct lldp_agent_sm *a)
{
	const struct lldp_neighbor *best = NULL;
	size_t n = lldp_agent_neighbor_count(a);

	for (size_t i = 0; i < n; i++) {
		const struct lldp_neighbor *nb = lldp_agent_neighbor(a, i);

		if (!nb->has_evb || nb->evb.mode != LLDP_EVB_MODE_STATION)
			continue;
		if (!best || nb->last_update > best->last_update)
			best = nb;
	}
	return best ? &best->evb : NULL;
}

int
lldp_evb_update(
	struct lldp_agent_sm *a, const struct lldp_evb_local *local, struct lldp_evb_oper *oper)
{
	struct lldp_evb tlv;
	struct lldp_evb_oper o;
	int rc = lldp_evb_negotiate(local, lldp_evb_find_station(a), &tlv, &o);

	if (rc)
		return rc;
	rc = lldp_agent_set_evb(a, &tlv, NULL);
	if (rc)
		return rc;
	if (oper)
		*oper = o;
	return 0;
}

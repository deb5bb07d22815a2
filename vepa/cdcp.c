/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "vepa/cdcp.h"

#include <stdlib.h>
#include <string.h>

struct cdcp_bridge {
	struct cdcp_cfg cfg;
	uint16_t n;      /* active channels, default included */
	uint16_t chncap; /* advertised: min(own, the station's) (802.1Qbg 42.4.6) */
	struct cdcp_chan chan[LLDP_CDCP_MAX_CHAN]; /* chan[0] is the default */
	struct cdcp_stats stats;
};

struct cdcp_bridge *
cdcp_bridge_create(const struct cdcp_cfg *cfg)
{
	struct cdcp_bridge *c;

	if (!cfg->chncap || cfg->chncap > LLDP_CDCP_MAX_CHAN || cfg->svid_min < 2 ||
		cfg->svid_max > 4094 || cfg->svid_min > cfg->svid_max)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cfg = *cfg;
	c->n = 1;
	c->chncap = cfg->chncap;
	c->chan[0].scid = CDCP_DEFAULT_SCID;
	c->chan[0].svid = CDCP_DEFAULT_SVID;
	return c;
}

void
cdcp_bridge_destroy(struct cdcp_bridge *c)
{
	free(c);
}

static bool
svid_used(const struct cdcp_chan *chan, size_t n, uint16_t svid)
{
	for (size_t i = 0; i < n; i++)
		if (chan[i].svid == svid)
			return true;
	return false;
}

static const struct cdcp_chan *
find(const struct cdcp_chan *chan, size_t n, uint16_t scid)
{
	for (size_t i = 0; i < n; i++)
		if (chan[i].scid == scid)
			return &chan[i];
	return NULL;
}

bool
cdcp_bridge_rx(struct cdcp_bridge *c, const struct lldp_cdcp *st)
{
	struct cdcp_chan next[LLDP_CDCP_MAX_CHAN];
	uint16_t cap, n = 1;
	bool changed;

	if (st->role != LLDP_CDCP_ROLE_STATION) {
		c->stats.rx_ignored++;
		return false;
	}
	c->stats.rx++;
	cap = st->chncap < c->cfg.chncap ? st->chncap : c->cfg.chncap;
	if (!cap)
		cap = 1; /* the default channel always exists */
	changed = cap != c->chncap;
	c->chncap = cap;
	next[0] = c->chan[0];
	/* First keep what is already granted and still asked for, so that a
	 * channel never changes S-VID under the station's feet. */
	for (uint16_t i = 0; i < st->n_chan; i++) {
		const struct lldp_cdcp_chan *r = &st->chan[i];
		const struct cdcp_chan *old = find(c->chan, c->n, r->scid);
		if (r->scid == CDCP_DEFAULT_SCID || !old || find(next, n, r->scid) ||
			r->scid > cap || n >= cap)
			continue;
		if (r->svid && r->svid != old->svid)
			continue; /* asks for another S-VID: handled below */
		next[n++] = *old;
	}
	for (uint16_t i = 0; i < st->n_chan; i++) {
		const struct lldp_cdcp_chan *r = &st->chan[i];
		uint16_t svid = 0;

		if (r->scid == CDCP_DEFAULT_SCID || find(next, n, r->scid))
			continue;
		/* SCID 0 is not a channel; the station may use at most cap. */
		if (r->scid == 0 || r->scid > cap || n >= cap) {
			c->stats.refused++;
			continue;
		}
		if (r->svid >= c->cfg.svid_min && r->svid <= c->cfg.svid_max &&
			!svid_used(next, n, r->svid))
			svid = r->svid;
		for (uint32_t v = c->cfg.svid_min; !svid && v <= c->cfg.svid_max; v++)
			if (!svid_used(next, n, (uint16_t)v))
				svid = (uint16_t)v;
		if (!svid) {
			c->stats.refused++; /* pool exhausted */
			continue;
		}
		next[n].scid = r->scid;
		next[n].svid = svid;
		n++;
		c->stats.granted++;
	}
	for (uint16_t i = 1; i < c->n; i++) {
		const struct cdcp_chan *now = find(next, n, c->chan[i].scid);

		if (!now || now->svid != c->chan[i].svid)
			c->stats.released++;
	}
	changed |= n != c->n || memcmp(next, c->chan, n * sizeof(next[0]));
	memcpy(c->chan, next, n * sizeof(next[0]));
	c->n = n;
	return changed;
}

bool
cdcp_bridge_reset(struct cdcp_bridge *c)
{
	bool changed = c->n > 1 || c->chncap != c->cfg.chncap;

	c->stats.released += c->n - 1u;
	c->n = 1;
	c->chncap = c->cfg.chncap;
	return changed;
}

void
cdcp_bridge_tlv(const struct cdcp_bridge *c, struct lldp_cdcp *out)
{
	memset(out, 0, sizeof(*out));
	out->role = LLDP_CDCP_ROLE_BRIDGE;
	out->scomp = true;
	out->chncap = c->chncap;
	out->n_chan = c->n;
	for (uint16_t i = 0; i < c->n; i++) {
		out->chan[i].scid = c->chan[i].scid;
		out->chan[i].svid = c->chan[i].svid;
	}
}

size_t
cdcp_bridge_channels(const struct cdcp_bridge *c, struct cdcp_chan *out, size_t max)
{
	size_t n = c->n < max ? c->n : max;

	memcpy(out, c->chan, n * sizeof(*out));
	return n;
}

uint16_t
cdcp_bridge_svid(const struct cdcp_bridge *c, uint16_t scid)
{
	const struct cdcp_chan *ch = find(c->chan, c->n, scid);

	return ch ? ch->svid : 0;
}

const struct cdcp_stats *
cdcp_bridge_stats(const struct cdcp_bridge *c)
{
	return &c->stats;
}

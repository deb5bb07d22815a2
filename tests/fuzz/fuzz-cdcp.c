/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-cdcp.c - the CDCP TLV (lldp_cdcp_unpack) and the CDCP bridge
 * machine (vepa/cdcp.h).  The input is read twice.
 *
 * 1. As one CDCP information string (what follows OUI and subtype):
 *    unpack, pack back (reserved bits cleared), and, from a station, into
 *    a bridge configured as the replay cases are (ChnCap 4, S-VIDs
 *    100..199).
 * 2. As a script for one bridge: cfg(2) then records len(1) info(len);
 *    len 255 is a station that went away (cdcp_bridge_reset).  cfg byte 0
 *    gives ChnCap 1..167, byte 1 the pool size, so that small pools run
 *    out.  State carries from one TLV to the next.
 *
 * After every TLV: the default channel (SCID 1, S-VID 1) first; no SCID or
 * S-VID twice; every other channel asked for by this TLV, its SCID in
 * 2..ChnCap and its S-VID in the pool; no more channels than the ChnCap
 * advertised (the smaller of the bridge's and the station's); a channel
 * the station keeps asking for (S-VID 0 or the one it has) keeps its
 * S-VID; the return value says whether the channel set changed; the TLV to
 * send packs and unpacks to the same channels.
 */
#include <config.h>

#include <string.h>

#include "lldp/lldpdu.h"
#include "tests/fuzz/fuzz.h"
#include "vepa/cdcp.h"

struct snap {
	size_t n;
	struct cdcp_chan ch[LLDP_CDCP_MAX_CHAN];
	struct lldp_cdcp tlv;
};

static void
snap(const struct cdcp_bridge *c, struct snap *s)
{
	s->n = cdcp_bridge_channels(c, s->ch, LLDP_CDCP_MAX_CHAN);
	cdcp_bridge_tlv(c, &s->tlv);
}

static const struct cdcp_chan *
find(const struct snap *s, uint16_t scid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->ch[i].scid == scid)
			return &s->ch[i];
	return NULL;
}

/* How the station asked for 'scid': -1 not at all, else the S-VID asked
 * for the first time it appears. */
static int
asked(const struct lldp_cdcp *st, uint16_t scid)
{
	for (unsigned i = 0; i < st->n_chan; i++)
		if (st->chan[i].scid == scid)
			return st->chan[i].svid;
	return -1;
}

static void
check_bridge(const struct cdcp_bridge *c, const struct cdcp_cfg *cfg, const struct snap *old,
	const struct lldp_cdcp *st, bool changed)
{
	struct vn_err err = { NULL, 0 };
	struct lldp_cdcp back;
	uint8_t buf[LLDP_TLV_MAX_VALUE];
	struct snap now;
	size_t len = 0;

	snap(c, &now);
	FUZZ_CHECK(now.n >= 1 && now.ch[0].scid == CDCP_DEFAULT_SCID &&
			now.ch[0].svid == CDCP_DEFAULT_SVID,
		"default channel not first");
	FUZZ_CHECK(now.tlv.role == LLDP_CDCP_ROLE_BRIDGE && now.tlv.scomp &&
			now.tlv.n_chan == now.n && now.tlv.chncap >= 1 &&
			now.tlv.chncap <= cfg->chncap,
		"bridge TLV: chncap %u n %u", now.tlv.chncap, now.tlv.n_chan);
	FUZZ_CHECK(now.n <= now.tlv.chncap, "%zu channels, ChnCap %u", now.n, now.tlv.chncap);
	if (st && st->role == LLDP_CDCP_ROLE_STATION) {
		/* The smaller of both; a station's 0 still leaves the default. */
		unsigned want = st->chncap < cfg->chncap ? st->chncap : cfg->chncap;

		FUZZ_CHECK(now.tlv.chncap == (want ? want : 1),
			"ChnCap %u: station %u, bridge %u", now.tlv.chncap, st->chncap,
			cfg->chncap);
	}
	for (size_t i = 0; i < now.n; i++) {
		const struct cdcp_chan *ch = &now.ch[i];

		FUZZ_CHECK(now.tlv.chan[i].scid == ch->scid && now.tlv.chan[i].svid == ch->svid,
			"TLV pair %zu", i);
		FUZZ_CHECK(cdcp_bridge_svid(c, ch->scid) == ch->svid, "svid(%u)", ch->scid);
		for (size_t k = 0; k < i; k++)
			FUZZ_CHECK(now.ch[k].scid != ch->scid && now.ch[k].svid != ch->svid,
				"channels %zu and %zu share SCID or S-VID", k, i);
		if (i == 0)
			continue;
		FUZZ_CHECK(ch->scid >= 2 && ch->scid <= now.tlv.chncap, "SCID %u, ChnCap %u",
			ch->scid, now.tlv.chncap);
		FUZZ_CHECK(ch->svid >= cfg->svid_min && ch->svid <= cfg->svid_max,
			"S-VID %u outside %u..%u", ch->svid, cfg->svid_min, cfg->svid_max);
		if (st && st->role == LLDP_CDCP_ROLE_STATION)
			FUZZ_CHECK(asked(st, ch->scid) >= 0, "SCID %u granted, not asked for",
				ch->scid);
	}
	FUZZ_CHECK(cdcp_bridge_svid(c, 0) == 0, "SCID 0 active");
	if (st && st->role == LLDP_CDCP_ROLE_STATION) {
		/* Stable: a channel asked for again as it is keeps its S-VID. */
		for (size_t i = 1; i < old->n; i++) {
			const struct cdcp_chan *o = &old->ch[i], *n = find(&now, o->scid);
			int a = asked(st, o->scid);

			if (n && (a == 0 || a == o->svid))
				FUZZ_CHECK(n->svid == o->svid,
					"SCID %u moved from S-VID %u to %u", o->scid, o->svid,
					n->svid);
		}
	}
	FUZZ_CHECK(changed ==
			(now.n != old->n || now.tlv.chncap != old->tlv.chncap ||
				memcmp(now.ch, old->ch, now.n * sizeof(now.ch[0]))),
		"return value %d does not match the change", changed);
	FUZZ_CHECK(lldp_cdcp_pack(&now.tlv, buf, sizeof(buf), &len, &err) == 0,
		"bridge TLV does not pack: %s", err.reason);
	FUZZ_CHECK(lldp_cdcp_unpack(buf, len, &back, &err) == 0 && back.n_chan == now.n &&
			back.chncap == now.tlv.chncap && back.role == LLDP_CDCP_ROLE_BRIDGE &&
			back.scomp,
		"bridge TLV does not unpack");
	for (size_t i = 0; i < now.n; i++)
		FUZZ_CHECK(back.chan[i].scid == now.ch[i].scid &&
				back.chan[i].svid == now.ch[i].svid,
			"bridge TLV pair %zu", i);
}

/* One station TLV (or, with st NULL, the station gone) into the bridge. */
static void
feed(struct cdcp_bridge *c, const struct cdcp_cfg *cfg, const struct lldp_cdcp *st)
{
	const struct cdcp_stats *s = cdcp_bridge_stats(c);
	uint64_t rx = s->rx, ignored = s->rx_ignored;
	struct snap old;
	bool changed;

	snap(c, &old);
	changed = st ? cdcp_bridge_rx(c, st) : cdcp_bridge_reset(c);
	if (st && st->role != LLDP_CDCP_ROLE_STATION)
		FUZZ_CHECK(!changed && s->rx_ignored == ignored + 1 && s->rx == rx,
			"a bridge's TLV was not ignored");
	if (st && st->role == LLDP_CDCP_ROLE_STATION)
		FUZZ_CHECK(s->rx == rx + 1, "rx not counted");
	if (!st) {
		struct cdcp_chan left[LLDP_CDCP_MAX_CHAN];

		FUZZ_CHECK(cdcp_bridge_channels(c, left, LLDP_CDCP_MAX_CHAN) == 1,
			"channels left after reset");
	}
	check_bridge(c, cfg, &old, st, changed);
}

/* Unpack with the round trip; NULL if it does not unpack. */
static const struct lldp_cdcp *
unpack(const uint8_t *d, size_t size, struct lldp_cdcp *st)
{
	struct vn_err err = { NULL, 0 };
	uint8_t out[LLDP_TLV_MAX_VALUE];
	size_t n = 0;
	int rc = lldp_cdcp_unpack(d, size, st, &err);

	if (rc) {
		FUZZ_CHECK(
			rc == VN_EBADMSG && err.reason && err.offset <= size, "unpack: %d", rc);
		return NULL;
	}
	FUZZ_CHECK(size == LLDP_CDCP_FIXED_LEN + 3u * st->n_chan, "%u pairs in %zu bytes",
		st->n_chan, size);
	FUZZ_CHECK(lldp_cdcp_pack(st, out, sizeof(out), &n, &err) == 0, "pack: %s", err.reason);
	FUZZ_CHECK(n == size && out[0] == (d[0] & 0x88) && out[1] == 0 &&
			out[2] == (d[2] & 0x0F) && out[3] == d[3] &&
			!memcmp(out + 4, d + 4, n - 4),
		"CDCP round trip");
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cdcp_cfg cfg = { .chncap = 4, .svid_min = 100, .svid_max = 199 };
	struct lldp_cdcp st;
	struct cdcp_bridge *c;
	size_t i = 2;

	/* 1. The whole input as one TLV. */
	c = cdcp_bridge_create(&cfg);
	FUZZ_CHECK(c, "cdcp_bridge_create");
	if (unpack(data, size, &st))
		feed(c, &cfg, &st);
	cdcp_bridge_destroy(c);

	/* 2. A script of TLVs into one bridge. */
	if (size < 2)
		return 0;
	cfg.chncap = (uint16_t)(1 + data[0] % LLDP_CDCP_MAX_CHAN);
	cfg.svid_min = 2;
	cfg.svid_max = (uint16_t)(2 + data[1] % 32);
	c = cdcp_bridge_create(&cfg);
	FUZZ_CHECK(c, "cdcp_bridge_create %u %u..%u", cfg.chncap, cfg.svid_min, cfg.svid_max);
	while (i < size) {
		size_t len = data[i++];

		if (len == 255) {
			feed(c, &cfg, NULL);
			continue;
		}
		if (len > size - i)
			len = size - i;
		if (unpack(data + i, len, &st))
			feed(c, &cfg, &st);
		i += len;
	}
	cdcp_bridge_destroy(c);
	return 0;
}

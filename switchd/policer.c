/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "switchd/policer.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Token units: millionths of a bit in byte mode, millionths of a packet in
 * packet mode.  A rate of R bit/s (or packet/s) then adds exactly R units
 * per microsecond. */
#define UNITS_PER_BYTE   8000000ull
#define UNITS_PER_PACKET 1000000ull

static const char *
name_rate(const struct sw_pol_conf *c, bool peak)
{
	if (c->mode == SW_POL_PACKETS)
		return peak ? "peak_rate_pps" : "rate_pps";
	return peak ? "peak_rate_kbps" : "rate_kbps";
}

static const char *
name_burst(const struct sw_pol_conf *c, bool peak)
{
	if (c->mode == SW_POL_PACKETS)
		return peak ? "peak_burst_packets" : "burst_packets";
	return peak ? "peak_burst_bytes" : "burst_bytes";
}

static int
check_action(const struct sw_pol_action *a, const char *what, char *err, size_t errlen)
{
	switch (a->type) {
	case SW_POL_ACT_DEFAULT:
	case SW_POL_ACT_PASS:
	case SW_POL_ACT_DROP:
		return 0;
	case SW_POL_ACT_SET_DSCP:
		if (a->value <= 63)
			return 0;
		snprintf(err, errlen, "%s action: set_dscp takes 0..63", what);
		return -1;
	case SW_POL_ACT_SET_PCP:
		if (a->value <= 7)
			return 0;
		snprintf(err, errlen, "%s action: set_pcp takes 0..7", what);
		return -1;
	}
	snprintf(err, errlen, "%s action: unknown action type %u", what, a->type);
	return -1;
}

/* One rate/burst pair. */
static int
check_bucket(const struct sw_pol_conf *c, bool peak, int64_t rate, int64_t burst, char *err,
	size_t errlen)
{
	uint32_t max_frame = c->max_frame ? c->max_frame : SW_POL_MAX_FRAME_DEFAULT;

	if (rate <= 0) {
		snprintf(err, errlen, "%s must be positive (is %" PRId64 ")",
			name_rate(c, peak), rate);
		return -1;
	}
	if (rate > SW_POL_RATE_MAX) {
		snprintf(err, errlen, "%s %" PRId64 " is too large (at most %d)",
			name_rate(c, peak), rate, SW_POL_RATE_MAX);
		return -1;
	}
	if (burst > SW_POL_BURST_MAX) {
		snprintf(err, errlen, "%s %" PRId64 " is too large (at most %lld)",
			name_burst(c, peak), burst, SW_POL_BURST_MAX);
		return -1;
	}
	if (c->mode == SW_POL_PACKETS && burst < 1) {
		snprintf(err, errlen, "%s must be at least 1 packet (is %" PRId64 ")",
			name_burst(c, peak), burst);
		return -1;
	}
	if (c->mode == SW_POL_BYTES && burst < (int64_t)max_frame) {
		snprintf(err, errlen,
			"%s %" PRId64 " is smaller than one maximum frame (%" PRIu32 " bytes)",
			name_burst(c, peak), burst, max_frame);
		return -1;
	}
	return 0;
}

int
sw_pol_check(const struct sw_pol_conf *c, char *err, size_t errlen)
{
	if (c->mode != SW_POL_BYTES && c->mode != SW_POL_PACKETS) {
		snprintf(err, errlen, "unknown policer mode %u", c->mode);
		return -1;
	}
	if (check_bucket(c, false, c->rate, c->burst, err, errlen))
		return -1;
	if (c->trtcm) {
		if (check_bucket(c, true, c->peak_rate, c->peak_burst, err, errlen))
			return -1;
		if (c->peak_rate < c->rate) {
			snprintf(err, errlen,
				"%s %" PRId64 " is below %s %" PRId64 " (RFC 2698: PIR >= CIR)",
				name_rate(c, true), c->peak_rate, name_rate(c, false), c->rate);
			return -1;
		}
	} else if (c->peak_rate || c->peak_burst || c->yellow.type != SW_POL_ACT_DEFAULT) {
		snprintf(err, errlen,
			"peak rate, peak burst and yellow action need the two-rate "
			"three-colour marker");
		return -1;
	}
	if (check_action(&c->exceed, c->trtcm ? "red" : "exceed", err, errlen) ||
		check_action(&c->yellow, "yellow", err, errlen))
		return -1;
	return 0;
}

int
sw_pol_init(struct sw_pol *p, const struct sw_pol_conf *c, char *err, size_t errlen)
{
	struct sw_pol n;

	if (sw_pol_check(c, err, errlen))
		return -1;
	memset(&n, 0, sizeof(n));
	n.conf = *c;
	if (!n.conf.max_frame)
		n.conf.max_frame = c->mode == SW_POL_BYTES ? SW_POL_MAX_FRAME_DEFAULT : 1;
	if (n.conf.exceed.type == SW_POL_ACT_DEFAULT)
		n.conf.exceed = (struct sw_pol_action) { SW_POL_ACT_DROP, 0 };
	if (n.conf.yellow.type == SW_POL_ACT_DEFAULT)
		n.conf.yellow = (struct sw_pol_action) { SW_POL_ACT_PASS, 0 };
	if (c->mode == SW_POL_BYTES) {
		n.unit = UNITS_PER_BYTE;
		n.c_rate = (uint64_t)c->rate * 1000; /* kbit/s -> bit/s = units/us */
		n.p_rate = (uint64_t)c->peak_rate * 1000;
	} else {
		n.unit = UNITS_PER_PACKET;
		n.c_rate = (uint64_t)c->rate; /* packet/s = units/us */
		n.p_rate = (uint64_t)c->peak_rate;
	}
	n.c_cap = n.c_tokens = (uint64_t)c->burst * n.unit;
	n.trtcm = c->trtcm;
	if (c->trtcm)
		n.p_cap = n.p_tokens = (uint64_t)c->peak_burst * n.unit;
	*p = n;
	return 0;
}

/* tokens + rate * dt, capped at cap, without overflow: rate * dt is only
 * computed when it is below the room left. */
static uint64_t
refill(uint64_t tokens, uint64_t cap, uint64_t rate, uint64_t dt)
{
	uint64_t room = cap - tokens;

	if (!room || dt > (room - 1) / rate)
		return cap;
	return tokens + rate * dt;
}

/* Bring the buckets to 'now'.  Time going backwards is no time passing:
 * last_us stays at the latest time seen. */
static void
advance(struct sw_pol *p, uint64_t now)
{
	uint64_t dt;

	if (!p->started) {
		/* Full since creation, and full stays full. */
		p->started = true;
		p->last_us = now;
		return;
	}
	if (now <= p->last_us)
		return;
	dt = now - p->last_us;
	p->last_us = now;
	p->c_tokens = refill(p->c_tokens, p->c_cap, p->c_rate, dt);
	if (p->trtcm)
		p->p_tokens = refill(p->p_tokens, p->p_cap, p->p_rate, dt);
}

int
sw_pol_update(
	struct sw_pol *p, const struct sw_pol_conf *c, uint64_t now, char *err, size_t errlen)
{
	struct sw_pol n;

	if (sw_pol_init(&n, c, err, errlen))
		return -1;
	if (p->started) {
		advance(p, now);
		if (n.unit == p->unit) {
			n.c_tokens = p->c_tokens < n.c_cap ? p->c_tokens : n.c_cap;
			if (n.conf.trtcm && p->conf.trtcm)
				n.p_tokens = p->p_tokens < n.p_cap ? p->p_tokens : n.p_cap;
		}
		n.started = true;
		n.last_us = p->last_us;
	}
	n.ctr = p->ctr;
	*p = n;
	return 0;
}

static struct sw_pol_result
police(struct sw_pol *p, size_t len, uint64_t now, enum sw_pol_color in)
{
	struct sw_pol_result r;
	uint64_t cost;
	bool fits;

	advance(p, now);
	/* A frame bigger than a whole bucket never fits (and its cost could
	 * overflow). */
	if (p->unit == UNITS_PER_PACKET) {
		cost = UNITS_PER_PACKET;
		fits = true;
	} else {
		fits = len <= UINT64_MAX / UNITS_PER_BYTE;
		cost = fits ? (uint64_t)len * UNITS_PER_BYTE : UINT64_MAX;
	}

	if (!p->trtcm) {
		if (in != SW_POL_RED && fits && p->c_tokens >= cost) {
			p->c_tokens -= cost;
			r.color = SW_POL_GREEN;
		} else {
			r.color = SW_POL_RED;
		}
	} else if (in == SW_POL_RED || !fits || p->p_tokens < cost) {
		r.color = SW_POL_RED;
	} else if (in == SW_POL_YELLOW || p->c_tokens < cost) {
		p->p_tokens -= cost;
		r.color = SW_POL_YELLOW;
	} else {
		p->p_tokens -= cost;
		p->c_tokens -= cost;
		r.color = SW_POL_GREEN;
	}

	switch (r.color) {
	case SW_POL_GREEN:
		r.act = (struct sw_pol_action) { SW_POL_ACT_PASS, 0 };
		break;
	case SW_POL_YELLOW:
		r.act = p->conf.yellow;
		break;
	default:
		r.act = p->conf.exceed;
		break;
	}
	p->ctr.frames[r.color]++;
	p->ctr.bytes[r.color] += len;
	return r;
}

struct sw_pol_result
sw_pol_police(struct sw_pol *p, size_t len, uint64_t now)
{
	return police(p, len, now, SW_POL_GREEN);
}

struct sw_pol_result
sw_pol_police_aware(struct sw_pol *p, size_t len, uint64_t now, enum sw_pol_color in)
{
	return police(p, len, now, in);
}

void
sw_pol_get_state(const struct sw_pol *p, uint64_t now, struct sw_pol_state *st)
{
	struct sw_pol tmp = *p;

	if (tmp.started)
		advance(&tmp, now);
	st->tokens = tmp.c_tokens / tmp.unit;
	st->burst = tmp.c_cap / tmp.unit;
	st->peak_tokens = tmp.conf.trtcm ? tmp.p_tokens / tmp.unit : 0;
	st->peak_burst = tmp.conf.trtcm ? tmp.p_cap / tmp.unit : 0;
}

static int
parse_uint_max(const char *s, unsigned max, uint8_t *out)
{
	unsigned v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return -1;
	}
	if (*s)
		return -1;
	*out = (uint8_t)v;
	return 0;
}

int
sw_pol_parse_action(const char *s, struct sw_pol_action *a, char *err, size_t errlen)
{
	const char *orig = s ? s : "";
	char buf[32];
	size_t n;
	uint8_t v;

	/* Surrounding blanks are allowed (as in ACL actions). */
	while (*orig == ' ' || *orig == '\t')
		orig++;
	n = strlen(orig);
	while (n && (orig[n - 1] == ' ' || orig[n - 1] == '\t'))
		n--;
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1; /* no valid action is that long */
	memcpy(buf, orig, n);
	buf[n] = 0;
	s = buf;
	if (!strcmp(s, "drop")) {
		*a = (struct sw_pol_action) { SW_POL_ACT_DROP, 0 };
		return 0;
	}
	if (!strcmp(s, "allow") || !strcmp(s, "pass")) {
		*a = (struct sw_pol_action) { SW_POL_ACT_PASS, 0 };
		return 0;
	}
	if (!strncmp(s, "set_dscp=", 9)) {
		if (!parse_uint_max(s + 9, 63, &v)) {
			*a = (struct sw_pol_action) { SW_POL_ACT_SET_DSCP, v };
			return 0;
		}
		snprintf(err, errlen, "bad action '%s': set_dscp takes 0..63", s);
		return -1;
	}
	if (!strncmp(s, "set_pcp=", 8)) {
		if (!parse_uint_max(s + 8, 7, &v)) {
			*a = (struct sw_pol_action) { SW_POL_ACT_SET_PCP, v };
			return 0;
		}
		snprintf(err, errlen, "bad action '%s': set_pcp takes 0..7", s);
		return -1;
	}
	snprintf(err, errlen,
		"unknown action '%s' (expected drop, allow, set_dscp=0..63 or "
		"set_pcp=0..7)",
		s);
	return -1;
}

int
sw_pol_format_action(struct sw_pol_action a, char *buf, size_t len)
{
	switch (a.type) {
	case SW_POL_ACT_DEFAULT:
		return snprintf(buf, len, "default");
	case SW_POL_ACT_PASS:
		return snprintf(buf, len, "allow");
	case SW_POL_ACT_DROP:
		return snprintf(buf, len, "drop");
	case SW_POL_ACT_SET_DSCP:
		return snprintf(buf, len, "set_dscp=%u", a.value);
	case SW_POL_ACT_SET_PCP:
		return snprintf(buf, len, "set_pcp=%u", a.value);
	}
	return snprintf(buf, len, "?");
}

const char *
sw_pol_color_name(enum sw_pol_color c)
{
	switch (c) {
	case SW_POL_GREEN:
		return "green";
	case SW_POL_YELLOW:
		return "yellow";
	case SW_POL_RED:
		return "red";
	default:
		return "?";
	}
}

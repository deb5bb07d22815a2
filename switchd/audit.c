/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit.c - the path audit (audit.h): sightings, findings, verdicts and
 * their rendering for vnctl diagnose.
 */
#include <config.h>

#include "switchd/audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/admin.h"
#include "switchd/state.h"
#include "switchd/sw_internal.h"
#include "switchd/writer.h"
#include "vntag/eth.h"

static const char *const verdict_names[] = { "unknown", "direct", "idle", "bypassed",
	"duplicate" };
static const char *const finding_names[] = { "duplicate", "bypassed", "idle" };
static const char *const seen_kinds[] = { "untagged", "veth", "unbound", "channel", "uplink" };

const char *
sw_verdict_name(enum sw_verdict v)
{
	return (unsigned)v < sizeof(verdict_names) / sizeof(verdict_names[0]) ? verdict_names[v]
									      : "?";
}

const char *
sw_finding_name(enum sw_finding f)
{
	return (unsigned)f < SW_FIND_MAX ? finding_names[f] : "?";
}

int
sw_audit_init(struct sw *sw, uint32_t max_veths)
{
	struct sw_audit *a = &sw->audit;

	a->va = calloc(max_veths ? max_veths : 1, sizeof(*a->va));
	/* A MAC per binding: as many as by_mac holds (2 x max_veths). */
	if (!a->va || sw_htab_init(&a->macs, 2 * max_veths)) {
		sw_audit_free(sw);
		return -1;
	}
	return 0;
}

void
sw_audit_free(struct sw *sw)
{
	free(sw->audit.va);
	sw->audit.va = NULL;
	sw_htab_free(&sw->audit.macs);
}

void
sw_set_log(struct sw *sw, sw_log_fn fn, void *aux)
{
	sw->log = fn;
	sw->log_aux = aux;
}

/* ---- the MAC index ---------------------------------------------------------------- */

/* The MACs a vEth binds: its own (MAC kind) and the extra ones. */
static size_t
veth_macs(const struct sw_veth *v, const uint8_t **out)
{
	size_t n = 0;

	if (v->kind == SW_BIND_MAC)
		out[n++] = v->mac;
	for (unsigned i = 0; i < v->n_extra_macs; i++)
		out[n++] = v->extra_macs[i];
	return n;
}

void
sw_audit_index(struct sw *sw, int32_t slot)
{
	const uint8_t *m[1 + SW_VETH_EXTRA_MACS];
	size_t n = veth_macs(&sw->veths[slot], m);

	for (size_t i = 0; i < n; i++) {
		struct sw_htab_ent *e = sw_htab_find(&sw->audit.macs, sw_mac_u64(m[i]), 0);

		if (e)
			e->aux++; /* bound again: another VLAN / channel (a duplicate) */
		else
			sw_htab_insert(&sw->audit.macs, sw_mac_u64(m[i]), 0, slot, 1);
	}
}

/* Another vEth than 'not' binding 'mac', or -1 (a scan: only when a MAC is
 * bound more than once, which the audit reports as a duplicate). */
static int32_t
other_holder(const struct sw *sw, const uint8_t *mac, int32_t not )
{
	for (size_t s = 0; s < sw->slots_hwm; s++) {
		const uint8_t *m[1 + SW_VETH_EXTRA_MACS];
		size_t n;

		if (!sw->veths[s].used || (int32_t)s == not )
			continue;
		n = veth_macs(&sw->veths[s], m);
		for (size_t i = 0; i < n; i++)
			if (!memcmp(m[i], mac, VN_ETH_ALEN))
				return (int32_t)s;
	}
	return -1;
}

void
sw_audit_unindex(struct sw *sw, int32_t slot)
{
	const uint8_t *m[1 + SW_VETH_EXTRA_MACS];
	size_t n = veth_macs(&sw->veths[slot], m);

	for (size_t i = 0; i < n; i++) {
		struct sw_htab_ent *e = sw_htab_find(&sw->audit.macs, sw_mac_u64(m[i]), 0);

		if (!e)
			continue;
		if (e->aux <= 1) {
			sw_htab_remove(&sw->audit.macs, e);
			continue;
		}
		e->aux--;
		if (e->val == slot) {
			int32_t o = other_holder(sw, m[i], slot);

			if (o >= 0)
				e->val = o;
		}
	}
}

int32_t
sw_audit_mac_owner(const struct sw_audit *a, const uint8_t *mac)
{
	const struct sw_htab_ent *e = sw_htab_find(&a->macs, sw_mac_u64(mac), 0);

	return e ? e->val : -1;
}

/* ---- recording -------------------------------------------------------------------- */

void
sw_audit_veth_new(struct sw *sw, int32_t slot, uint64_t now)
{
	struct sw_veth_audit *va = &sw->audit.va[slot];

	memset(va, 0, sizeof(*va));
	va->win_start_us = va->since_us = now;
}

void
sw_audit_seen(struct sw *sw, int32_t slot, const uint8_t *mac, enum sw_seen_kind kind,
	unsigned bind, unsigned port, uint16_t vlan, uint32_t key, uint64_t now)
{
	struct sw_veth_audit *va = &sw->audit.va[slot];
	struct sw_seen *s = NULL;

	for (unsigned i = 0; i < va->n_seen && !s; i++) {
		struct sw_seen *x = &va->seen[i];

		if (x->kind == kind && x->bind == bind && x->port == port && x->vlan == vlan &&
			x->key == key && !memcmp(x->mac, mac, VN_ETH_ALEN))
			s = x;
	}
	if (!s) {
		if (va->n_seen < SW_AUDIT_SEEN) {
			s = &va->seen[va->n_seen++];
		} else {
			/* Full: the place seen longest ago makes room (counted). */
			s = &va->seen[0];
			for (unsigned i = 1; i < SW_AUDIT_SEEN; i++)
				if (va->seen[i].last_us < s->last_us)
					s = &va->seen[i];
			va->seen_replaced++;
		}
		memset(s, 0, sizeof(*s));
		s->kind = (uint8_t)kind;
		s->bind = (uint8_t)bind;
		s->port = (uint16_t)port;
		s->vlan = vlan;
		s->key = key;
		memcpy(s->mac, mac, VN_ETH_ALEN);
		s->first_us = now;
	}
	s->frames++;
	s->win[0]++;
	s->last_us = now;
	sw->audit.sightings++;
}

void
sw_audit_conflict(struct sw *sw, int32_t slot, unsigned port, const char *where, uint64_t now)
{
	struct sw_veth_audit *va = &sw->audit.va[slot];

	va->conflicts++;
	va->conflict_us = now;
	va->conflict_port = (uint16_t)port;
	snprintf(va->conflict_where, sizeof(va->conflict_where), "%s", where);
}

/* ---- findings ----------------------------------------------------------------------- */

static void __attribute__((format(printf, 3, 4)))
audit_log(struct sw *sw, uint64_t now, const char *fmt, ...)
{
	struct sw_audit *a = &sw->audit;
	uint32_t rate = sw->conf.audit.log_rate;
	uint64_t per = rate ? 1000000u / rate : 0;
	char line[320];
	va_list ap;

	if (!sw->log)
		return;
	/* A token bucket of 'rate' lines a second (burst 'rate'): tokens
	 * are the time they stand for; log_tokens_us is when the bucket was
	 * last empty. */
	if (!rate)
		return;
	if (a->log_tokens_us + 1000000u < now)
		a->log_tokens_us = now - 1000000u;
	if (a->log_tokens_us + per > now) {
		a->log_suppressed++;
		return;
	}
	a->log_tokens_us += per;
	if (a->log_suppressed) {
		snprintf(line, sizeof(line), "audit: %llu log lines suppressed (log_rate %u/s)",
			(unsigned long long)a->log_suppressed, rate);
		sw->log(sw->log_aux, line);
		a->log_suppressed = 0;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	a->log_lines++;
	sw->log(sw->log_aux, line);
}

static void
finding_set(struct sw *sw, struct sw_veth *v, enum sw_finding f, bool on, const char *why,
	uint64_t now)
{
	struct sw_veth_audit *va = &sw->audit.va[v - sw->veths];
	uint8_t bit = (uint8_t)(1u << f);

	if (on && !(va->open & bit)) {
		va->open |= bit;
		va->opened_us[f] = now;
		va->n_opened[f]++;
		sw->audit.opened[f]++;
		snprintf(va->why[f], sizeof(va->why[f]), "%s", why);
		sw_event_log(
			sw, v->id, SW_EV_FINDING_OPENED, now, "%s: %s", finding_names[f], why);
		audit_log(sw, now, "audit: vEth %u: %s: %s", v->id, finding_names[f], why);
	} else if (on) {
		if (why) /* the evidence grows (NULL: keep what it opened with) */
			snprintf(va->why[f], sizeof(va->why[f]), "%s", why);
	} else if (va->open & bit) {
		va->open &= (uint8_t)~bit;
		va->closed_us[f] = now;
		sw->audit.closed[f]++;
		sw_event_log(
			sw, v->id, SW_EV_FINDING_CLOSED, now, "%s: %s", finding_names[f], why);
		audit_log(sw, now, "audit: vEth %u: no longer %s: %s", v->id, finding_names[f],
			why);
	}
}

/* "untagged on h1", "vEth 12 on h1", "vif 7 on h1", "S-VID 5 on h2", ... */
static void
describe_seen(const struct sw *sw, const struct sw_seen *s, char *buf, size_t n)
{
	const char *port = s->port < sw->n_ports ? sw->ports[s->port].name : "?";

	switch (s->kind) {
	case SW_SEEN_UNTAGGED:
		snprintf(buf, n, "untagged on %s", port);
		break;
	case SW_SEEN_VETH:
		snprintf(buf, n, "on vEth %u (%s)", s->key, port);
		break;
	case SW_SEEN_UNBOUND:
		if (s->bind == SW_BIND_VIF)
			snprintf(buf, n, "on vif %u of %s", s->key, port);
		else if (s->bind == SW_BIND_ECID)
			snprintf(buf, n, "on E-CID %u of %s", s->key, port);
		else
			snprintf(buf, n, "on %s in VLAN %u", port, s->vlan);
		break;
	case SW_SEEN_CHANNEL:
		snprintf(buf, n, "on S-VID %u of %s", s->key, port);
		break;
	default:
		snprintf(buf, n, "on uplink %s VLAN %u", port, s->vlan);
		break;
	}
}

/* The idle limit of a vEth: 2 x its keep-alive window (VDP), or the
 * configured time (0: never). */
static uint64_t
idle_limit(const struct sw *sw, const struct sw_veth *v, const struct sw_cp_vsi_info *vi)
{
	if (v->origin == SW_ORIGIN_VDP && vi->valid)
		return 2 * vi->ka_us;
	return (uint64_t)sw->conf.audit.idle_s * 1000000u;
}

static uint64_t
own_frames(const struct sw_veth *v, const struct sw_veth_audit *va)
{
	uint64_t cur = v->ctr.rx_frames >= va->own_mark ? v->ctr.rx_frames - va->own_mark
							: v->ctr.rx_frames; /* cleared */
	return va->own_prev + cur;
}

static uint64_t
foreign_frames(const struct sw_veth_audit *va)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < va->n_seen; i++)
		n += va->seen[i].win[0] + va->seen[i].win[1];
	return n;
}

/* Is vEth v a duplicate?  With 'text' the evidence goes into why, naming
 * the other vEth (a scan of the vEths: done only when the finding opens, so
 * that a tick stays linear however many duplicates there are). */
static bool
duplicate_of(struct sw *sw, struct sw_veth *v, bool text, char *why, size_t n)
{
	const struct sw_veth_audit *va = &sw->audit.va[v - sw->veths];
	const uint8_t *m[1 + SW_VETH_EXTRA_MACS];
	size_t nm = veth_macs(v, m);
	uint64_t window = (uint64_t)sw->conf.audit.window_s * 1000000u;
	char mac[18];

	for (size_t i = 0; i < nm; i++) {
		const struct sw_htab_ent *e =
			sw_htab_find(&sw->audit.macs, sw_mac_u64(m[i]), 0);
		int32_t o;

		if (!e || e->aux < 2)
			continue;
		if (!text)
			return true;
		o = other_holder(sw, m[i], (int32_t)(v - sw->veths));
		vn_eth_format_mac(m[i], mac);
		if (o >= 0) {
			snprintf(why, n, "MAC %s is bound to vEth %u too (%s, VLAN %u)", mac,
				sw->veths[o].id, sw->ports[sw->veths[o].port].name,
				sw->veths[o].vlan);
			return true;
		}
	}
	/* Refused requests for its MACs / binding from another source within
	 * the window: two adapters claim it. */
	if (va->conflicts && va->conflict_us + (window ? window : 1) > sw->now_us) {
		if (!text)
			return true;
		snprintf(why, n, "%llu requests for its binding from %s, last at %llu us",
			(unsigned long long)va->conflicts, va->conflict_where,
			(unsigned long long)va->conflict_us);
		return true;
	}
	return false;
}

static void
bypass_evidence(const struct sw *sw, const struct sw_veth_audit *va, uint64_t own,
	uint64_t foreign, char *why, size_t n)
{
	const struct sw_seen *top = &va->seen[0];
	char where[64];

	for (unsigned i = 1; i < va->n_seen; i++)
		if (va->seen[i].win[0] + va->seen[i].win[1] > top->win[0] + top->win[1])
			top = &va->seen[i];
	describe_seen(sw, top, where, sizeof(where));
	snprintf(why, n, "%llu of %llu frames in the window went another way, most %s",
		(unsigned long long)foreign, (unsigned long long)(own + foreign), where);
}

void
sw_audit_tick(struct sw *sw, uint64_t now)
{
	const struct sw_conf_audit *ac = &sw->conf.audit;
	uint64_t window = (uint64_t)ac->window_s * 1000000u;

	if (!sw->audit.va)
		return;
	for (size_t s = 0; s < sw->slots_hwm; s++) {
		struct sw_veth *v = &sw->veths[s];
		struct sw_veth_audit *va = &sw->audit.va[s];
		struct sw_cp_vsi_info vi = { 0 };
		uint64_t own, foreign, last, lim;
		char why[112];
		bool on, dup_open;

		if (!v->used)
			continue;
		if (!va->since_us)
			va->since_us = va->win_start_us = now;
		dup_open = va->open & (1u << SW_FIND_DUPLICATE);
		if (v->origin == SW_ORIGIN_VDP && sw->cp)
			sw_cplane_veth_vsi(sw->cp, v->id, &vi);
		if (!ac->enabled) {
			for (unsigned f = 0; f < SW_FIND_MAX; f++)
				finding_set(sw, v, f, false, "audit disabled", now);
			va->verdict = SW_VERDICT_UNKNOWN;
			continue;
		}
		/* Rotate the window: the bypass share looks at the last one
		 * to two windows (current + previous). */
		if (now >= va->win_start_us + window) {
			for (unsigned i = 0; i < va->n_seen; i++) {
				va->seen[i].win[1] = va->seen[i].win[0];
				va->seen[i].win[0] = 0;
			}
			va->own_prev = v->ctr.rx_frames >= va->own_mark
				? v->ctr.rx_frames - va->own_mark
				: v->ctr.rx_frames;
			va->own_mark = v->ctr.rx_frames;
			va->win_start_us = now;
		}
		own = own_frames(v, va);
		foreign = foreign_frames(va);

		on = duplicate_of(sw, v, !dup_open, why, sizeof(why));
		finding_set(sw, v, SW_FIND_DUPLICATE, on,
			on ? (dup_open ? NULL : why)
			   : "no other vEth or source holds its MACs or VSI",
			now);

		/* own / (own + foreign) < share, in integers. */
		on = foreign && own * 100 < (uint64_t)ac->bypass_share * (own + foreign);
		if (on)
			bypass_evidence(sw, va, own, foreign, why, sizeof(why));
		else if (foreign)
			snprintf(why, sizeof(why), "the vEth carries %llu of %llu frames",
				(unsigned long long)own, (unsigned long long)(own + foreign));
		else
			snprintf(why, sizeof(why),
				"its MACs were not seen elsewhere in the window");
		finding_set(sw, v, SW_FIND_BYPASSED, on, why, now);

		/* Silent since its last frame, or since it was made (VDP: the
		 * association) if it never had one. */
		last = v->ctr.rx_frames && v->last_rx_us ? v->last_rx_us : va->since_us;
		lim = idle_limit(sw, v, &vi);
		on = lim && now >= last + lim;
		if (on)
			snprintf(why, sizeof(why),
				"no frame received for %llu.%03llu s (limit %llu.%03llu s%s)",
				(unsigned long long)((now - last) / 1000000u),
				(unsigned long long)((now - last) / 1000u % 1000u),
				(unsigned long long)(lim / 1000000u),
				(unsigned long long)(lim / 1000u % 1000u),
				vi.valid ? ": 2 x the keep-alive window" : "");
		else if (v->ctr.rx_frames)
			snprintf(why, sizeof(why), "last frame received at %llu us",
				(unsigned long long)v->last_rx_us);
		else
			snprintf(why, sizeof(why), "no frame yet, watched since %llu us",
				(unsigned long long)va->since_us);
		finding_set(sw, v, SW_FIND_IDLE, on, why, now);

		if (va->open & (1u << SW_FIND_DUPLICATE))
			va->verdict = SW_VERDICT_DUPLICATE;
		else if (va->open & (1u << SW_FIND_BYPASSED))
			va->verdict = SW_VERDICT_BYPASSED;
		else if (va->open & (1u << SW_FIND_IDLE))
			va->verdict = SW_VERDICT_IDLE;
		else if (own && !foreign)
			va->verdict = SW_VERDICT_DIRECT;
		else
			va->verdict = SW_VERDICT_UNKNOWN;
	}
}

enum sw_verdict
sw_audit_verdict(const struct sw *sw, const struct sw_veth *v)
{
	return sw->audit.va ? (enum sw_verdict)sw->audit.va[v - sw->veths].verdict
			    : SW_VERDICT_UNKNOWN;
}

/* ---- diagnose ------------------------------------------------------------------------ */

static const char *
verdict_reason(const struct sw *sw, const struct sw_veth *v, const struct sw_veth_audit *va)
{
	switch (va->verdict) {
	case SW_VERDICT_DUPLICATE:
		return va->why[SW_FIND_DUPLICATE];
	case SW_VERDICT_BYPASSED:
		return va->why[SW_FIND_BYPASSED];
	case SW_VERDICT_IDLE:
		return va->why[SW_FIND_IDLE];
	case SW_VERDICT_DIRECT:
		return "frames on the vEth in the window and its MACs nowhere else";
	default:
		if (!sw->conf.audit.enabled)
			return "the audit is disabled (switch.audit.enabled)";
		return v->ctr.rx_frames ? "no frame in the window, not idle yet"
					: "no frame received yet, not idle yet";
	}
}

static void
write_one(const struct sw *sw, const struct sw_veth *v, struct sw_writer *w)
{
	const struct sw_veth_audit *va = &sw->audit.va[v - sw->veths];
	struct sw_cp_vsi_info vi = { 0 };

	if (v->origin == SW_ORIGIN_VDP && sw->cp)
		sw_cplane_veth_vsi(sw->cp, v->id, &vi);
	sw_w_obj_start(w, NULL, NULL);
	sw_w_uint(w, "id", "vEth", v->id);
	sw_w_str(w, "port", "Port", sw->ports[v->port].name);
	sw_w_str(w, "verdict", "Verdict", sw_verdict_name(va->verdict));
	sw_w_str(w, "reason", "Reason", verdict_reason(sw, v, va));
	sw_w_obj_start(w, "control", "Control plane");
	if (vi.valid) {
		sw_w_str(w, "vsi", "VSI", vi.vsiid);
		sw_w_str(w, "source", "Source", vi.where);
		sw_w_uint(w, "associated_us", "Associated (us)", vi.assoc_us);
		sw_w_uint(w, "refreshed_us", "Last keep-alive (us)", vi.refreshed_us);
		sw_w_uint(w, "keepalives", "Keep-alives", vi.n_refresh);
		sw_w_uint(w, "keepalive_window_us", "Keep-alive window (us)", vi.ka_us);
	} else {
		sw_w_str(w, "source", "Source",
			v->origin == SW_ORIGIN_AUTO ? "auto-created" : "configuration");
		sw_w_uint(w, "created_us", "Created (us)", v->created_us);
	}
	{
		const uint8_t *m[1 + SW_VETH_EXTRA_MACS];
		size_t nm = veth_macs(v, m);

		sw_w_list_start(w, "macs", "Bound MACs");
		for (size_t i = 0; i < nm; i++) {
			char mac[18];

			vn_eth_format_mac(m[i], mac);
			sw_w_str(w, NULL, NULL, mac);
		}
		sw_w_list_end(w);
	}
	sw_w_obj_end(w);
	sw_w_obj_start(w, "data", "Data plane");
	sw_w_uint(w, "rx_frames", "Received", v->ctr.rx_frames);
	sw_w_uint(w, "tx_frames", "Sent", v->ctr.tx_frames);
	sw_w_uint(w, "last_rx_us", "Last received (us)", v->last_rx_us);
	sw_w_uint(w, "last_tx_us", "Last sent (us)", v->last_tx_us);
	sw_w_uint(w, "rx_pps", "Received frames/s", v->rx_pps);
	sw_w_uint(w, "tx_pps", "Sent frames/s", v->tx_pps);
	sw_w_uint(
		w, "window_own_frames", "Frames on the vEth in the window", own_frames(v, va));
	sw_w_uint(w, "window_elsewhere_frames", "Frames elsewhere in the window",
		foreign_frames(va));
	sw_w_obj_end(w);
	sw_w_list_start(w, "elsewhere", "Its MACs seen elsewhere");
	for (unsigned i = 0; i < va->n_seen; i++) {
		const struct sw_seen *s = &va->seen[i];
		char where[64], mac[18];

		describe_seen(sw, s, where, sizeof(where));
		vn_eth_format_mac(s->mac, mac);
		sw_w_obj_start(w, NULL, NULL);
		sw_w_str(w, "mac", "MAC", mac);
		sw_w_str(w, "kind", "Kind", seen_kinds[s->kind]);
		sw_w_str(w, "where", "Where", where);
		sw_w_str(w, "port", "Port",
			s->port < sw->n_ports ? sw->ports[s->port].name : "");
		sw_w_uint(w, "vlan", "VLAN", s->vlan);
		sw_w_uint(w, "frames", "Frames", s->frames);
		sw_w_uint(w, "window_frames", "Frames in the window", s->win[0] + s->win[1]);
		sw_w_uint(w, "first_us", "First (us)", s->first_us);
		sw_w_uint(w, "last_us", "Last (us)", s->last_us);
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
	sw_w_list_start(w, "findings", "Findings");
	for (unsigned f = 0; f < SW_FIND_MAX; f++) {
		if (!(va->open & (1u << f)) && !va->n_opened[f])
			continue;
		sw_w_obj_start(w, NULL, NULL);
		sw_w_str(w, "finding", "Finding", finding_names[f]);
		sw_w_bool(w, "open", "Open", va->open & (1u << f));
		sw_w_uint(w, "opened_us", "Opened (us)", va->opened_us[f]);
		if (!(va->open & (1u << f)))
			sw_w_uint(w, "closed_us", "Closed (us)", va->closed_us[f]);
		sw_w_uint(w, "times", "Times opened", va->n_opened[f]);
		sw_w_str(w, "evidence", "Evidence (while open)", va->why[f]);
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
	if (va->conflicts) {
		sw_w_obj_start(w, "conflicts", "Requests from another source");
		sw_w_uint(w, "count", "Count", va->conflicts);
		sw_w_str(w, "from", "From", va->conflict_where);
		sw_w_uint(w, "last_us", "Last (us)", va->conflict_us);
		sw_w_obj_end(w);
	}
	sw_w_obj_end(w);
}

int
sw_audit_write(const struct sw *sw, uint32_t id, struct sw_writer *w)
{
	const struct sw_audit *a = &sw->audit;

	if (id) {
		const struct sw_veth *v = sw_veth_by_id(sw, id);

		if (!v)
			return -1;
		sw_w_list_start(w, "veths", "vEths");
		write_one(sw, v, w);
		sw_w_list_end(w);
		return 0;
	}
	sw_w_obj_start(w, "summary", "Audit");
	sw_w_bool(w, "enabled", "Enabled", sw->conf.audit.enabled);
	sw_w_uint(w, "window_s", "Window (s)", sw->conf.audit.window_s);
	sw_w_uint(w, "bypass_share", "Bypass below (% of frames)", sw->conf.audit.bypass_share);
	sw_w_uint(w, "idle_s", "Idle after (s, non-VDP)", sw->conf.audit.idle_s);
	for (unsigned f = 0; f < SW_FIND_MAX; f++) {
		char tag[32], label[48];

		snprintf(tag, sizeof(tag), "%s_opened", finding_names[f]);
		snprintf(label, sizeof(label), "Findings %s opened", finding_names[f]);
		sw_w_uint(w, tag, label, a->opened[f]);
		snprintf(tag, sizeof(tag), "%s_closed", finding_names[f]);
		snprintf(label, sizeof(label), "Findings %s closed", finding_names[f]);
		sw_w_uint(w, tag, label, a->closed[f]);
	}
	sw_w_uint(w, "sightings", "Frames seen elsewhere", a->sightings);
	sw_w_uint(w, "log_lines", "Log lines", a->log_lines);
	sw_w_uint(w, "log_suppressed", "Log lines suppressed", a->log_suppressed);
	sw_w_obj_end(w);
	{
		size_t n;
		int32_t *slots = sw_state_slots_by_id(sw, &n);

		sw_w_list_start(w, "veths", "vEths");
		for (size_t i = 0; i < n; i++)
			write_one(sw, &sw->veths[slots[i]], w);
		sw_w_list_end(w);
		free(slots);
	}
	return 0;
}

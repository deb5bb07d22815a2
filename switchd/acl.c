/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>
#include <ovs-config.h>

#include "switchd/acl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/htab.h"
#include "classifier.h"
#include "dp-packet.h"
#include "flow.h"
#include "hash.h"
#include "ovs-rcu.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-match.h"
#include "openvswitch/ofp-parse.h"
#include "packets.h"

/*
 * Layout.  The rules of one version of the ACL live in a struct acl_set:
 * the classifier and an array of rules, each embedding its cls_rule (the
 * array is allocated once, so the cls_rules never move while inserted).  A
 * live update compiles a complete new set beside the old one and swaps the
 * pointer, so a failed update leaves the ACL untouched, and the set is on
 * the heap because a struct classifier must not be moved.
 *
 * Classifier priority: OVS leaves equal-priority overlapping rules
 * undefined, so the configured priority (0..65535) and the list position
 * are packed into one int: priority << 15 | (32766 - index).  The largest
 * value is INT_MAX - 1: classifier_lookup() computes "hard priority + 1".
 */

/* Cache entries hold miniflows of up to this many 64-bit words; a plain
 * IPv4 TCP frame takes 8, IPv6 with ND options about 16.  Bigger flows are
 * classified without the cache (counted as uncacheable). */
#define KEY_U64S 20

/* The VLAN argument as part of the cache key: a plain vlan (sw_acl_eval),
 * or this bit with a TCI (sw_acl_eval_tci), which classify differently. */
#define KEY_TCI (1u << 16)

/* The flow cache is set-associative: a flow may sit in any of the
 * CACHE_WAYS entries of the set its hash picks, and a new flow takes a
 * stale entry of the set, else the least recently used (so that flows no
 * longer seen make room).  Two independent places per flow, as OVS's EMC
 * has, lose about one flow in five to conflicts at half load; an 8-way set
 * a few in a hundred, for the same memory. */
#define CACHE_WAYS 8

struct acl_rule {
	struct cls_rule cr; /* in the set's classifier */
	uint32_t priority;  /* as configured */
	struct sw_acl_action act;
	uint64_t hits, bytes;
	char *match; /* as configured (owned) */
};

struct acl_set {
	struct classifier cls;
	size_t n;
	struct acl_rule *rules; /* n entries (owned) */
	struct sw_acl_action dflt;
	uint64_t dflt_hits, dflt_bytes;
};

/* One cached decision: the flow's miniflow (map + values) plus the vlan
 * argument, and the rule index it classified to (-1: default). */
struct cache_entry {
	uint64_t gen;  /* valid iff equal to the ACL's generation */
	uint32_t used; /* the cache's clock when last hit or filled */
	uint32_t hash;
	uint32_t vkey; /* the vlan argument, or KEY_TCI | tci (sw_acl_eval_tci) */
	uint8_t n;     /* values used */
	int32_t rule;
	struct flowmap map;
	uint64_t values[KEY_U64S];
};

/*
 * The header cache: for the frames most traffic is made of (hdr_key), the
 * key is read straight from the frame's bytes into 4 words, without
 * flow_extract(), and looked up in sets of HC_WAYS ways.  A set is one
 * cache line of tags (the key's hash, 0: empty) and decisions, so a lookup
 * reads that line and, on a tag match, the one key it names.  The
 * miniflow cache above serves every other frame.
 */
#define HC_WAYS 8

struct hkey {
	uint64_t w[4];
};

struct hc_set {
	uint32_t tag[HC_WAYS]; /* hash of the way's key (never 0), 0: empty */
	int32_t rule[HC_WAYS]; /* its decision (-1: default) */
};

struct sw_acl {
	struct acl_set *set;       /* owned */
	uint64_t gen;              /* starts at 1; cache entries at 0 are invalid */
	struct cache_entry *cache; /* cache_mask + 1 entries (owned), or NULL */
	uint32_t cache_mask;
	uint32_t tick; /* the cache's clock: +1 per hit or fill (LRU) */
	/* Header cache (owned, 64-byte aligned), or NULL: hset_mask + 1
	 * sets, their keys HC_WAYS per set in hkeys.  Emptied by every rule
	 * change. */
	struct hc_set *hsets;
	struct hkey *hkeys;
	uint32_t hset_mask;
	uint32_t rng;   /* victim choice in a full set (xorshift) */
	uint32_t users; /* sw_acl_add_users() */
	struct sw_acl_stats st;
	/* sw_acl_peek_split(): the frame joined, for a lookup that needs it
	 * whole (owned, SW_ACL_JOIN_MAX bytes). */
	uint8_t *join;

	/* Per-frame scratch, so that nothing is allocated per frame.  The
	 * dp_packet only points at the caller's frame (DPBUF_STACK). */
	struct dp_packet pkt;
	struct {
		struct miniflow mf;
		uint64_t buf[FLOW_U64S];
	} key;
	struct flow flow;
};

/* ---- actions ------------------------------------------------------------- */

static int
parse_small_uint(const char *s, unsigned max, uint8_t *out)
{
	unsigned v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > 255)
			return -1;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s || v > max)
		return -1;
	*out = (uint8_t)v;
	return 0;
}

int
sw_acl_parse_action(const char *s, struct sw_acl_action *a, char *err, size_t errlen)
{
	const char *p = s ? s : "";
	uint8_t v;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 5 && !strncmp(p, "allow", 5)) {
		*a = (struct sw_acl_action) { SW_ACL_ACT_ALLOW, 0 };
		return 0;
	}
	if (n == 4 && !strncmp(p, "deny", 4)) {
		*a = (struct sw_acl_action) { SW_ACL_ACT_DENY, 0 };
		return 0;
	}
	if (!strncmp(p, "set_pcp=", 8)) {
		if (parse_small_uint(p + 8, 7, &v)) {
			snprintf(err, errlen, "bad action '%s': set_pcp takes 0..7", s);
			return -1;
		}
		*a = (struct sw_acl_action) { SW_ACL_ACT_SET_PCP, v };
		return 0;
	}
	if (!strncmp(p, "set_dscp=", 9)) {
		if (parse_small_uint(p + 9, 63, &v)) {
			snprintf(err, errlen, "bad action '%s': set_dscp takes 0..63", s);
			return -1;
		}
		*a = (struct sw_acl_action) { SW_ACL_ACT_SET_DSCP, v };
		return 0;
	}
	snprintf(err, errlen,
		"unknown action '%s' (expected allow, deny, set_pcp=0..7 or set_dscp=0..63)",
		s ? s : "(none)");
	return -1;
}

int
sw_acl_format_action(struct sw_acl_action a, char *buf, size_t len)
{
	switch (a.type) {
	case SW_ACL_ACT_ALLOW:
		return snprintf(buf, len, "allow");
	case SW_ACL_ACT_DENY:
		return snprintf(buf, len, "deny");
	case SW_ACL_ACT_SET_PCP:
		return snprintf(buf, len, "set_pcp=%u", a.value);
	case SW_ACL_ACT_SET_DSCP:
		return snprintf(buf, len, "set_dscp=%u", a.value);
	}
	return snprintf(buf, len, "?");
}

static bool
action_equal(struct sw_acl_action a, struct sw_acl_action b)
{
	return a.type == b.type && a.value == b.value;
}

/* ---- match checks ---------------------------------------------------------- */

/* Fields a rule may use: the frame's own headers (L2 to L4).  Everything
 * else in OVS's flow (in_port, registers, metadata, tunnel, conntrack, ...)
 * has a constant value here, so a rule on it would be a silent mistake. */
static bool
field_allowed(const struct mf_field *mf, const struct match *m)
{
	if (mf->id >= MFF_ETH_SRC && mf->id <= MFF_ND_OPTIONS_TYPE)
		return true;
	/* The shorthands (tcp, ip, ...) set packet_type to Ethernet. */
	return mf->id == MFF_PACKET_TYPE && m->wc.masks.packet_type == OVS_BE32_MAX &&
		m->flow.packet_type == htonl(PT_ETH);
}

static const char *
prereq_hint(const struct mf_field *mf)
{
	switch (mf->id) {
	case MFF_TCP_SRC:
	case MFF_TCP_DST:
		/* tp_src/tp_dst: shared by TCP, UDP, SCTP and ICMP. */
		return "tcp, udp, sctp or icmp";
	case MFF_IPV4_SRC:
	case MFF_IPV4_DST:
		return "ip (or arp)"; /* nw_src/nw_dst are also the ARP addresses */
	case MFF_IP_PROTO:
		return "ip, ipv6 (or arp)";
	default:
		break;
	}
	switch (mf->prereqs) {
	case MFP_ARP:
		return "arp";
	case MFP_VLAN_VID:
		return "a VLAN match (dl_vlan)";
	case MFP_IPV4:
		return "ip";
	case MFP_IPV6:
		return "ipv6";
	case MFP_IP_ANY:
		return "ip or ipv6";
	case MFP_MPLS:
		return "mpls";
	case MFP_TCP:
		return "tcp or tcp6";
	case MFP_UDP:
		return "udp or udp6";
	case MFP_SCTP:
		return "sctp or sctp6";
	case MFP_ICMPV4:
		return "icmp";
	case MFP_ICMPV6:
		return "icmp6";
	case MFP_ND:
	case MFP_ND_SOLICIT:
	case MFP_ND_ADVERT:
		return "icmp6 with icmp_type=135 or 136";
	default:
		return "its protocol";
	}
}

/* Do fields a and b share bits of struct flow (tp_dst is tcp_dst, udp_dst,
 * icmp_code, ...; nw_src is ip_src and arp_spa)? */
static bool
fields_overlap(const struct mf_field *a, const struct mf_field *b)
{
	struct flow_wildcards wa, wb;
	const uint64_t *pa = (const uint64_t *)&wa.masks;
	const uint64_t *pb = (const uint64_t *)&wb.masks;

	flow_wildcards_init_catchall(&wa);
	flow_wildcards_init_catchall(&wb);
	mf_mask_field(a, &wa);
	mf_mask_field(b, &wb);
	for (size_t i = 0; i < FLOW_U64S; i++)
		if (pa[i] & pb[i])
			return true;
	return false;
}

/*
 * The field names as the user wrote them, one key=value at a time (the
 * same tokenizer parse_ofp_str uses).  Calls fn for each key that names a
 * field; stops and returns what fn returns when that is not 0.
 */
static int
for_each_field_key(const char *s,
	int (*fn)(const struct mf_field *, const char *key, const char *value, void *aux),
	void *aux)
{
	char *copy = strdup(s), *p = copy, *key, *value;
	int rc = 0;

	if (!copy)
		return -1;
	while (!rc && ofputil_parse_key_value(&p, &key, &value)) {
		const struct mf_field *mf = mf_from_name(key);

		if (mf && *value)
			rc = fn(mf, key, value, aux);
	}
	free(copy);
	return rc;
}

struct key_check {
	char *msg;
	size_t msglen;
	const struct mf_field *want; /* find_key: a field the key must overlap */
};

/* OVS truncates some out-of-range values silently when it sets them
 * ("dl_vlan=5000" becomes VLAN 904, "ip_dscp=64" DSCP 0): check each value
 * as parsed, before it is set. */
static int
check_value(const struct mf_field *mf, const char *key, const char *value, void *aux_)
{
	struct key_check *aux = aux_;
	union mf_value v, m;
	char *e = mf_parse(mf, value, NULL, &v, &m);

	if (e) { /* parse_ofp_str reports it */
		free(e);
		return 0;
	}
	if (mf_is_value_valid(mf, &v))
		return 0;
	if (mf->id == MFF_DL_VLAN && v.be16 == OVS_BE16_MAX)
		return 0; /* dl_vlan=0xffff: frames without a VLAN */
	snprintf(aux->msg, aux->msglen, "%s=%s: value out of range for field %s", key, value,
		key);
	return 1;
}

static int
find_key(const struct mf_field *mf, const char *key, const char *value, void *aux_)
{
	struct key_check *aux = aux_;

	(void)value;
	if (!fields_overlap(mf, aux->want))
		return 0;
	snprintf(aux->msg, aux->msglen, "%s", key);
	return 1;
}

/* Reject fields that are not frame headers or lack their prerequisites
 * ("tp_dst=22" without a protocol would match ICMP codes and whatever the
 * flow holds there).  Several names share one flow field; a field passes
 * if any of the names that share it has its prerequisites met.  Errors use
 * the field name as written in 's'. */
static int
check_match(const char *s, const struct match *m, char *msg, size_t msglen)
{
	for (int id = 0; id < MFF_N_IDS; id++) {
		const struct mf_field *mf = mf_from_id(id);
		char name[64];
		struct key_check kc = { name, sizeof(name), mf };
		bool ok = false;

		if (mf_is_all_wild(mf, &m->wc))
			continue;
		if (for_each_field_key(s, find_key, &kc) != 1)
			snprintf(name, sizeof(name), "%s", mf->name);
		if (!field_allowed(mf, m)) {
			snprintf(msg, msglen, "field %s is not a frame header field", name);
			return -1;
		}
		if (mf->id == MFF_PACKET_TYPE || mf_are_match_prereqs_ok(mf, m))
			continue;
		for (int j = MFF_ETH_SRC; j <= MFF_ND_OPTIONS_TYPE && !ok; j++) {
			const struct mf_field *alt = mf_from_id(j);

			ok = j != id && !mf_is_all_wild(alt, &m->wc) &&
				mf_are_match_prereqs_ok(alt, m) && fields_overlap(mf, alt);
		}
		if (!ok) {
			snprintf(msg, msglen, "field %s needs %s in the match", name,
				prereq_hint(mf));
			return -1;
		}
	}
	return 0;
}

/* Parse a bare match string into 'mm'.  0, or -1 with the reason in msg. */
static int
parse_match(const char *s, struct minimatch *mm, char *msg, size_t msglen)
{
	struct key_check kc = { msg, msglen, NULL };
	struct ofputil_flow_mod fm;
	enum ofputil_protocol usable;
	struct match m;
	char *error;
	int rc;

	/* command -1: the flow-stats syntax, i.e. a bare match. */
	error = parse_ofp_str(&fm, -1, s, NULL, NULL, &usable);
	if (error) {
		snprintf(msg, msglen, "%s", error);
		free(error);
		return -1;
	}
	free(fm.ofpacts);
	if (fm.table_id != 0xff || fm.out_port != OFPP_ANY || fm.out_group != OFPG_ANY ||
		fm.cookie_mask != htonll(0)) {
		minimatch_destroy(&fm.match);
		snprintf(msg, msglen,
			"table, out_port, out_group and cookie are not frame fields");
		return -1;
	}
	minimatch_expand(&fm.match, &m);
	rc = for_each_field_key(s, check_value, &kc);
	if (rc < 0)
		snprintf(msg, msglen, "out of memory");
	if (rc || check_match(s, &m, msg, msglen)) {
		minimatch_destroy(&fm.match);
		return -1;
	}
	*mm = fm.match; /* ownership moves to the caller */
	return 0;
}

/* ---- rule sets --------------------------------------------------------------- */

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
set_free(struct acl_set *set)
{
	uint64_t *order; /* classifier priority << 32 | index */

	if (!set)
		return;
	/* Remove from the lowest priority up: removing a subtable's highest
	 * rule makes the classifier rescan the subtable for the new maximum,
	 * which would make a teardown quadratic.  Without memory for the
	 * order, fall back to list order (slower, still correct). */
	order = malloc(set->n * sizeof(*order) + 1);
	if (order) {
		for (size_t i = 0; i < set->n; i++)
			order[i] = (uint64_t)(uint32_t)set->rules[i].cr.priority << 32 | i;
		qsort(order, set->n, sizeof(*order), cmp_u64);
	}
	/* Single-threaded: no reader can still hold a rule, so each cls_rule
	 * is destroyed right after its removal (the classifier postpones the
	 * frees of its own cls_match). */
	classifier_defer(&set->cls);
	for (size_t k = 0; k < set->n; k++) {
		struct acl_rule *r = &set->rules[order ? (uint32_t)order[k] : k];

		classifier_remove_assert(&set->cls, &r->cr);
		cls_rule_destroy(&r->cr);
		free(r->match);
	}
	classifier_publish(&set->cls);
	classifier_destroy(&set->cls);
	free(order);
	free(set->rules);
	free(set);
}

/* Parse and classify a complete rule set.  On error nothing is left
 * allocated. */
static struct acl_set *
set_compile(const struct sw_acl_rule_spec *specs, size_t n, const char *dflt, char *err,
	size_t errlen)
{
	struct minimatch *mms = NULL;
	struct acl_set *set = NULL;
	char msg[512];
	size_t i, parsed = 0;

	if (n > SW_ACL_MAX_RULES) {
		snprintf(err, errlen, "too many rules (%zu, at most %d)", n, SW_ACL_MAX_RULES);
		return NULL;
	}
	set = calloc(1, sizeof(*set));
	if (!set || (n && !(set->rules = calloc(n, sizeof(*set->rules)))) ||
		(n && !(mms = calloc(n, sizeof(*mms))))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (dflt && sw_acl_parse_action(dflt, &set->dflt, msg, sizeof(msg))) {
		snprintf(err, errlen, "default action: %s", msg);
		goto fail;
	}
	if (!dflt)
		set->dflt = (struct sw_acl_action) { SW_ACL_ACT_ALLOW, 0 };

	for (i = 0; i < n; i++, parsed = i) {
		const struct sw_acl_rule_spec *sp = &specs[i];
		struct acl_rule *r = &set->rules[i];
		const char *match = sp->match ? sp->match : "";

		if (sp->priority < 0 || sp->priority > SW_ACL_PRIORITY_MAX) {
			snprintf(err, errlen,
				"rule %zu (priority %" PRId64 "): priority out of range 0..%d",
				i + 1, sp->priority, SW_ACL_PRIORITY_MAX);
			goto fail;
		}
		if (sw_acl_parse_action(sp->action, &r->act, msg, sizeof(msg))) {
			snprintf(err, errlen, "rule %zu (priority %" PRId64 "): %s", i + 1,
				sp->priority, msg);
			goto fail;
		}
		if (parse_match(match, &mms[i], msg, sizeof(msg))) {
			snprintf(err, errlen,
				"rule %zu (priority %" PRId64 "): cannot parse match '%s': %s",
				i + 1, sp->priority, match, msg);
			goto fail;
		}
		r->priority = (uint32_t)sp->priority;
		r->match = strdup(match);
		if (!r->match) {
			minimatch_destroy(&mms[i]);
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}

	/* Everything parsed: nothing below can fail. */
	classifier_init(&set->cls, flow_segment_u64s);
	classifier_defer(&set->cls);
	for (i = 0; i < n; i++) {
		struct acl_rule *r = &set->rules[i];
		int prio = (int)(r->priority << 15 | (uint32_t)(32766 - i));

		cls_rule_init_from_minimatch(&r->cr, &mms[i], prio); /* clones mms[i] */
		minimatch_destroy(&mms[i]);
		classifier_insert(&set->cls, &r->cr, OVS_VERSION_MIN, NULL, 0);
	}
	classifier_publish(&set->cls);
	set->n = n;
	free(mms);
	return set;

fail:
	for (i = 0; set && set->rules && i < parsed; i++) {
		minimatch_destroy(&mms[i]);
		free(set->rules[i].match);
	}
	free(mms);
	if (set)
		free(set->rules);
	free(set);
	return NULL;
}

static uint32_t
rule_key_hash(const struct acl_rule *r)
{
	uint32_t h = minimatch_hash(&r->cr.match, r->priority);

	return hash_add(h, (uint32_t)r->act.type << 8 | r->act.value);
}

/* For each rule of 'nw', the index of the equal rule of 'old' (same
 * priority, parsed match and action), or -1.  Each old rule is used at
 * most once, so duplicated rules keep one counter each.  0, or -1 when out
 * of memory. */
static int
map_rules(const struct acl_set *old, const struct acl_set *nw, int32_t *from)
{
	size_t cap = 16, mask;
	uint32_t *tab;  /* open addressing: old index + 1, 0 = empty */
	uint32_t *hash; /* hash of each old rule */
	bool *taken;

	for (size_t i = 0; i < nw->n; i++)
		from[i] = -1;
	if (!old->n || !nw->n)
		return 0;
	while (cap < 2 * old->n)
		cap <<= 1;
	mask = cap - 1;
	tab = calloc(cap, sizeof(*tab));
	hash = calloc(old->n, sizeof(*hash));
	taken = calloc(old->n, sizeof(*taken));
	if (!tab || !hash || !taken) {
		free(tab);
		free(hash);
		free(taken);
		return -1;
	}
	for (size_t i = 0; i < old->n; i++) {
		size_t s;

		hash[i] = rule_key_hash(&old->rules[i]);
		for (s = hash[i] & mask; tab[s]; s = (s + 1) & mask)
			;
		tab[s] = (uint32_t)i + 1;
	}
	for (size_t i = 0; i < nw->n; i++) {
		const struct acl_rule *r = &nw->rules[i];
		uint32_t h = rule_key_hash(r);

		for (size_t s = h & mask; tab[s]; s = (s + 1) & mask) {
			size_t o = tab[s] - 1;
			const struct acl_rule *orl = &old->rules[o];

			if (taken[o] || hash[o] != h || orl->priority != r->priority ||
				!action_equal(orl->act, r->act) ||
				!minimatch_equal(&orl->cr.match, &r->cr.match))
				continue;
			taken[o] = true;
			from[i] = (int32_t)o;
			break;
		}
	}
	free(tab);
	free(hash);
	free(taken);
	return 0;
}

/* Hand the counters of every old rule that reappears unchanged to its new
 * copy, and the default's when the default action is the same. */
static int
carry_counters(struct acl_set *old, struct acl_set *nw)
{
	int32_t *from = malloc((nw->n ? nw->n : 1) * sizeof(*from));

	if (!from || map_rules(old, nw, from)) {
		free(from);
		return -1;
	}
	if (action_equal(old->dflt, nw->dflt)) {
		nw->dflt_hits = old->dflt_hits;
		nw->dflt_bytes = old->dflt_bytes;
	}
	for (size_t i = 0; i < nw->n; i++)
		if (from[i] >= 0) {
			nw->rules[i].hits = old->rules[from[i]].hits;
			nw->rules[i].bytes = old->rules[from[i]].bytes;
		}
	free(from);
	return 0;
}

/* ---- public: lifetime ------------------------------------------------------ */

int
sw_acl_check(const struct sw_acl_rule_spec *rules, size_t n_rules, const char *default_action,
	char *err, size_t errlen)
{
	struct acl_set *set = set_compile(rules, n_rules, default_action, err, errlen);

	if (!set)
		return -1;
	set_free(set);
	return 0;
}

int
sw_acl_check_rule(const struct sw_acl_rule_spec *rule, char *err, size_t errlen)
{
	const char *match = rule->match ? rule->match : "";
	struct sw_acl_action a;
	struct minimatch mm;
	char msg[512];

	if (rule->priority < 0 || rule->priority > SW_ACL_PRIORITY_MAX) {
		snprintf(err, errlen, "priority %" PRId64 " is out of range 0..%d",
			rule->priority, SW_ACL_PRIORITY_MAX);
		return -1;
	}
	if (sw_acl_parse_action(rule->action, &a, msg, sizeof(msg))) {
		snprintf(err, errlen, "%s", msg);
		return -1;
	}
	if (parse_match(match, &mm, msg, sizeof(msg))) {
		snprintf(err, errlen, "cannot parse match '%s': %s", match, msg);
		return -1;
	}
	minimatch_destroy(&mm);
	return 0;
}

int
sw_acl_rule_map(const struct sw_acl *old, const struct sw_acl *nw, int32_t *from)
{
	if (!nw)
		return 0;
	if (!old) {
		for (size_t i = 0; i < nw->set->n; i++)
			from[i] = -1;
		return 0;
	}
	return map_rules(old->set, nw->set, from);
}

/* The miniflow cache: a quarter of the header cache's entries (they are
 * five times bigger, and serve the rarer frames), one set at least. */
static uint32_t
gcache_size(uint32_t cap)
{
	return cap / 4 >= CACHE_WAYS ? cap / 4 : CACHE_WAYS;
}

/* The header cache for 'cap' entries (a power of two, >= HC_WAYS). */
static bool
hc_alloc(struct sw_acl *acl, uint32_t cap)
{
	size_t sets = cap / HC_WAYS;

	/* Read at random, one set per frame: on huge pages when large
	 * (sw_alloc_big), so that a lookup costs no TLB miss. */
	acl->hsets = sw_alloc_big(sets * sizeof(*acl->hsets));
	acl->hkeys = sw_alloc_big(sets * HC_WAYS * sizeof(*acl->hkeys));
	if (!acl->hsets || !acl->hkeys)
		return false;
	acl->hset_mask = (uint32_t)sets - 1;
	return true;
}

void
sw_acl_add_users(struct sw_acl *acl, uint32_t n, uint32_t max_users)
{
	uint64_t want;
	uint32_t cap;
	struct sw_acl grown;

	if (!acl || !acl->hsets)
		return;
	acl->users = acl->users + n < acl->users ? UINT32_MAX : acl->users + n;
	if (max_users && acl->users > max_users)
		acl->users = max_users;
	want = (uint64_t)acl->users * SW_ACL_CACHE_PER_USER;
	if (want > SW_ACL_CACHE_MAX)
		want = SW_ACL_CACHE_MAX;
	cap = (acl->hset_mask + 1) * HC_WAYS;
	if (want <= cap)
		return;
	while (cap < want)
		cap <<= 1;
	/* A new, empty cache; out of memory the old one stays (smaller is
	 * still right). */
	memset(&grown, 0, sizeof(grown));
	if (!hc_alloc(&grown, cap)) {
		free(grown.hsets);
		free(grown.hkeys);
		return;
	}
	free(acl->hsets);
	free(acl->hkeys);
	acl->hsets = grown.hsets;
	acl->hkeys = grown.hkeys;
	acl->hset_mask = grown.hset_mask;
	acl->st.cache_entries = cap;
}

static void
acl_free_mem(struct sw_acl *acl)
{
	if (!acl)
		return;
	free(acl->hsets);
	free(acl->hkeys);
	free(acl->cache);
	free(acl->join);
	free(acl);
}

struct sw_acl *
sw_acl_create(const struct sw_acl_rule_spec *rules, size_t n_rules, const char *default_action,
	uint32_t cache_entries, char *err, size_t errlen)
{
	struct sw_acl *acl;
	uint32_t cap = 0;

	if (cache_entries > SW_ACL_CACHE_MAX) {
		snprintf(err, errlen, "flow cache too big (%u entries, at most %u)",
			cache_entries, SW_ACL_CACHE_MAX);
		return NULL;
	}
	if (cache_entries) {
		cap = CACHE_WAYS; /* one set at least */
		while (cap < cache_entries)
			cap <<= 1;
	}
	acl = calloc(1, sizeof(*acl));
	if (!acl || (cap && !hc_alloc(acl, cap)) ||
		(cap && !(acl->cache = calloc(gcache_size(cap), sizeof(*acl->cache)))) ||
		!(acl->join = malloc(SW_ACL_JOIN_MAX))) {
		snprintf(err, errlen, "out of memory");
		acl_free_mem(acl);
		return NULL;
	}
	acl->set = set_compile(rules, n_rules, default_action, err, errlen);
	if (!acl->set) {
		acl_free_mem(acl);
		return NULL;
	}
	acl->cache_mask = cap ? gcache_size(cap) - 1 : 0;
	acl->gen = 1;
	acl->rng = 2463534242u;
	acl->st.cache_entries = cap;
	dp_packet_use_const(&acl->pkt, NULL, 0);
	return acl;
}

int
sw_acl_replace(struct sw_acl *acl, const struct sw_acl_rule_spec *rules, size_t n_rules,
	const char *default_action, char *err, size_t errlen)
{
	struct acl_set *nw = set_compile(rules, n_rules, default_action, err, errlen);

	if (!nw)
		return -1;
	if (carry_counters(acl->set, nw)) {
		set_free(nw);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	set_free(acl->set);
	acl->set = nw;
	acl->gen++; /* every cached decision refers to the old set */
	if (acl->hsets)
		memset(acl->hsets, 0, ((size_t)acl->hset_mask + 1) * sizeof(*acl->hsets));
	return 0;
}

void
sw_acl_destroy(struct sw_acl *acl)
{
	if (!acl)
		return;
	set_free(acl->set);
	acl_free_mem(acl);
}

/* ---- public: per frame ------------------------------------------------------ */

static uint32_t
key_hash(const struct miniflow *mf, size_t n, uint32_t vkey)
{
	const uint64_t *v = miniflow_get_values(mf);
	uint32_t h = hash_add(0, vkey);

	for (size_t u = 0; u < FLOWMAP_UNITS; u++)
		h = hash_add64(h, mf->map.bits[u]);
	for (size_t i = 0; i < n; i++)
		h = hash_add64(h, v[i]);
	return hash_finish(h, (uint32_t)n * 8);
}

static bool
entry_matches(const struct sw_acl *acl, const struct cache_entry *e, uint32_t h,
	const struct miniflow *mf, size_t n, uint32_t vkey)
{
	return e->gen == acl->gen && e->hash == h && e->vkey == vkey && e->n == n &&
		flowmap_equal(e->map, mf->map) &&
		!memcmp(e->values, miniflow_get_values(mf), n * sizeof(uint64_t));
}

/* The classifier's answer for the miniflow in acl->key (-1: default). */
static int32_t
lookup_mf(struct sw_acl *acl, uint32_t vkey)
{
	const struct cls_rule *cr;

	miniflow_expand(&acl->key.mf, &acl->flow);
	if (vkey & KEY_TCI) {
		/* The frame is untagged; the TCI given is its tag (PCP and VID)
		 * unless both are 0 (no tag). */
		uint16_t tci = (uint16_t)vkey;

		if (tci) {
			acl->flow.vlans[0].tci = htons(tci | VLAN_CFI);
			acl->flow.vlans[0].tpid = htons(ETH_TYPE_VLAN);
		}
	} else if (vkey) {
		/* Access frames are untagged: the vEth's VLAN stands in for the
		 * tag, keeping the PCP of a priority tag if the frame has one. */
		ovs_be16 tci = acl->flow.vlans[0].tci;

		acl->flow.vlans[0].tci = htons((ntohs(tci) & VLAN_PCP_MASK) | VLAN_CFI | vkey);
		if (!acl->flow.vlans[0].tpid)
			acl->flow.vlans[0].tpid = htons(ETH_TYPE_VLAN);
	}
	cr = classifier_lookup(&acl->set->cls, OVS_VERSION_MIN, &acl->flow, NULL);
	return cr ? (int32_t)(CONTAINER_OF(cr, struct acl_rule, cr) - acl->set->rules) : -1;
}

/* The rule index for one contiguous frame through the miniflow cache (or,
 * with !use_cache, straight to the classifier).  The miniflow is the first
 * half of flow_extract(); it is only expanded into a struct flow on a cache
 * miss.  Equal miniflows mean equal flows, so a cache hit is exact. */
static int32_t
classify_mf(struct sw_acl *acl, const uint8_t *frame, size_t len, uint32_t vkey, bool use_cache)
{
	struct miniflow *mf = &acl->key.mf;
	struct cache_entry *e = NULL;
	uint32_t h = 0;
	int32_t rule;
	size_t n;

	dp_packet_use_const(&acl->pkt, frame, len);
	miniflow_extract(&acl->pkt, mf);
	n = miniflow_n_values(mf);
	if (use_cache && acl->cache && n <= KEY_U64S) {
		struct cache_entry *set;

		h = key_hash(mf, n, vkey);
		set = &acl->cache[h & acl->cache_mask & ~(uint32_t)(CACHE_WAYS - 1)];
		for (int w = 0; w < CACHE_WAYS; w++)
			if (entry_matches(acl, &set[w], h, mf, n, vkey)) {
				set[w].used = ++acl->tick;
				acl->st.cache_hits++;
				return set[w].rule;
			}
		/* Victim: a stale way, else the least recently used (the clock
		 * wraps: compared by difference). */
		e = &set[0];
		for (int w = 0; w < CACHE_WAYS; w++) {
			if (set[w].gen != acl->gen) {
				e = &set[w];
				break;
			}
			if ((int32_t)(set[w].used - e->used) < 0)
				e = &set[w];
		}
		acl->st.cache_misses++;
	} else if (use_cache) {
		acl->st.uncacheable++;
	}

	rule = lookup_mf(acl, vkey);
	if (e) {
		e->gen = acl->gen;
		e->used = ++acl->tick;
		e->hash = h;
		e->vkey = vkey;
		e->n = (uint8_t)n;
		e->rule = rule;
		e->map = mf->map;
		memcpy(e->values, miniflow_get_values(mf), n * sizeof(uint64_t));
	}
	return rule;
}

/*
 * The header key.  For an untagged IPv4 frame without options that is not
 * a fragment and carries a whole TCP header (data offset 5 or more, within
 * the packet), a UDP header or an ICMP header, with an IPv4 total length
 * that fits the frame, miniflow_extract() (OVS 3.1 lib/flow.c) takes
 * exactly these fields from the frame, and nothing else from it: dl_dst,
 * dl_src, dl_type (0x0800 here), nw_src, nw_dst, nw_tos, nw_ttl, nw_proto,
 * nw_frag (0 here), and tcp_flags, tp_src, tp_dst (TCP), tp_src, tp_dst
 * (UDP), or the ICMP type and code as tp_src, tp_dst.  The key holds those
 * bytes and the vlan argument, each at its own place, so equal keys mean
 * equal flows and a hit is exact.  Every other frame -- tags, ARP, IPv6,
 * options, fragments, other protocols, truncated headers -- returns false
 * and goes the miniflow way, as it always has.
 *
 * 'l2' is DA SA (12 bytes), 'p' the EtherType and what follows (plen
 * bytes): one frame (p = l2 + 12) or the two pieces of a tagged one.
 */
static bool
hdr_key(const uint8_t *l2, const uint8_t *p, size_t plen, uint32_t vkey, struct hkey *k)
{
	const uint8_t *ip = p + 2, *l4 = ip + 20;
	uint32_t sa_lo, src, dst, l4w = 0, flags = 0;
	size_t tot;

	if (plen < 2 + 20 || p[0] != 0x08 || p[1] != 0x00 || ip[0] != 0x45)
		return false;
	/* ipv4_sanity_check(): 20 <= total length <= what the frame holds,
	 * padding below 64 KiB. */
	tot = (size_t)ip[2] << 8 | ip[3];
	if (tot < 20 || tot > plen - 2 || plen - 2 - tot > UINT16_MAX)
		return false;
	if ((ip[6] & 0x3f) || ip[7]) /* more fragments, or a fragment offset */
		return false;
	switch (ip[9]) {
	case IPPROTO_TCP:
		if (tot < 20 + TCP_HEADER_LEN || l4[12] >> 4 < 5 ||
			(size_t)(l4[12] >> 4) * 4 > tot - 20)
			return false;
		memcpy(&l4w, l4, 4); /* ports */
		flags = (uint32_t)(l4[12] & 0x0f) << 8 | l4[13];
		break;
	case IPPROTO_UDP:
		if (tot < 20 + UDP_HEADER_LEN)
			return false;
		memcpy(&l4w, l4, 4);
		break;
	case IPPROTO_ICMP:
		if (tot < 20 + ICMP_HEADER_LEN)
			return false;
		l4w = (uint32_t)l4[0] << 8 | l4[1]; /* type, code */
		break;
	default:
		return false;
	}
	memcpy(&k->w[0], l2, 8); /* DA, SA[0..1] */
	memcpy(&sa_lo, l2 + 8, 4);
	memcpy(&src, ip + 12, 4);
	memcpy(&dst, ip + 16, 4);
	k->w[1] = (uint64_t)sa_lo << 32 | src;
	k->w[2] = (uint64_t)dst << 32 | l4w;
	k->w[3] = (uint64_t)ip[1] | (uint64_t)ip[8] << 8 | (uint64_t)ip[9] << 16 |
		(uint64_t)flags << 24 | (uint64_t)vkey << 40;
	return true;
}

static inline uint32_t
hkey_hash(const struct hkey *k)
{
	uint64_t h = k->w[0] * 0x9e3779b97f4a7c15ull;

	h = (h ^ (h >> 29) ^ k->w[1]) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 29) ^ k->w[2]) * 0x94d049bb133111ebull;
	h = (h ^ (h >> 29) ^ k->w[3]) * 0x9e3779b97f4a7c15ull;
	h ^= h >> 32;
	return (uint32_t)h ? (uint32_t)h : 1; /* tag 0 is an empty way */
}

static inline bool
hkey_equal(const struct hkey *a, const struct hkey *b)
{
	return !((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) | (a->w[2] ^ b->w[2]) |
		(a->w[3] ^ b->w[3]));
}

/* The rule index for one frame (-1: default), 'l2' and 'p' as hdr_key()
 * has them; INT32_MIN if the frame had to be joined and is longer than
 * SW_ACL_JOIN_MAX. */
static int32_t
classify(struct sw_acl *acl, const uint8_t *l2, const uint8_t *p, size_t plen, uint32_t vkey)
{
	const uint8_t *frame = l2;
	size_t len = 2 * 6 + plen;
	struct hc_set *set = NULL;
	struct hkey k;
	uint32_t h = 0;
	int32_t rule;
	int w;

	acl->st.lookups++;
	if (!acl->set->n)
		return -1; /* nothing to classify against */
	if (acl->hsets && hdr_key(l2, p, plen, vkey, &k)) {
		h = hkey_hash(&k);
		set = &acl->hsets[h & acl->hset_mask];
		for (w = 0; w < HC_WAYS; w++)
			if (set->tag[w] == h &&
				hkey_equal(
					&acl->hkeys[(size_t)(h & acl->hset_mask) * HC_WAYS + w],
					&k)) {
				acl->st.cache_hits++;
				return set->rule[w];
			}
		acl->st.cache_misses++;
	}
	if (p != l2 + 12) {
		if (len > SW_ACL_JOIN_MAX)
			return INT32_MIN;
		memcpy(acl->join, l2, 12);
		memcpy(acl->join + 12, p, plen);
		frame = acl->join;
	}
	rule = classify_mf(acl, frame, len, vkey, !set);
	if (set) {
		/* An empty way, else one at random (the least recently used
		 * would be the worst choice for flows that come round in turn). */
		for (w = 0; w < HC_WAYS && set->tag[w]; w++)
			;
		if (w == HC_WAYS) {
			acl->rng ^= acl->rng << 13;
			acl->rng ^= acl->rng >> 17;
			acl->rng ^= acl->rng << 5;
			w = (int)(acl->rng % HC_WAYS);
		}
		set->tag[w] = h;
		set->rule[w] = rule;
		acl->hkeys[(size_t)(h & acl->hset_mask) * HC_WAYS + w] = k;
	}
	return rule;
}

static void
fill_result(const struct sw_acl_action *a, int32_t rule, struct sw_acl_result *res)
{
	res->verdict = a->type == SW_ACL_ACT_DENY ? SW_ACL_DENY : SW_ACL_ALLOW;
	res->pcp = a->type == SW_ACL_ACT_SET_PCP ? (int8_t)a->value : -1;
	res->dscp = a->type == SW_ACL_ACT_SET_DSCP ? (int8_t)a->value : -1;
	res->rule = rule;
}

static void
eval(struct sw_acl *acl, const uint8_t *frame, size_t len, uint32_t vkey, bool count,
	struct sw_acl_result *res)
{
	struct acl_set *set;
	int32_t rule;

	if (!acl) {
		*res = (struct sw_acl_result) { SW_ACL_ALLOW, -1, -1, -1 };
		return;
	}
	set = acl->set;
	if (len < 12) {
		/* Not even DA SA: the miniflow way (no L2 fields) as always. */
		acl->st.lookups++;
		rule = set->n ? classify_mf(acl, frame, len, vkey, true) : -1;
	} else {
		rule = classify(acl, frame, frame + 12, len - 12, vkey);
	}
	if (rule >= 0) {
		struct acl_rule *r = &set->rules[rule];

		if (count) {
			r->hits++;
			r->bytes += len;
		}
		fill_result(&r->act, rule, res);
	} else {
		if (count) {
			set->dflt_hits++;
			set->dflt_bytes += len;
		}
		fill_result(&set->dflt, -1, res);
	}
}

void
sw_acl_eval(struct sw_acl *acl, const uint8_t *frame, size_t len, uint16_t vlan,
	struct sw_acl_result *res)
{
	eval(acl, frame, len, vlan, true, res);
}

void
sw_acl_peek(struct sw_acl *acl, const uint8_t *frame, size_t len, uint16_t vlan,
	struct sw_acl_result *res)
{
	eval(acl, frame, len, vlan, false, res);
}

void
sw_acl_eval_tci(struct sw_acl *acl, const uint8_t *frame, size_t len, uint16_t tci,
	struct sw_acl_result *res)
{
	eval(acl, frame, len, KEY_TCI | (tci & 0xEFFF), true, res);
}

void
sw_acl_peek_tci(struct sw_acl *acl, const uint8_t *frame, size_t len, uint16_t tci,
	struct sw_acl_result *res)
{
	eval(acl, frame, len, KEY_TCI | (tci & 0xEFFF), false, res);
}

int
sw_acl_peek_split(struct sw_acl *acl, const uint8_t *l2, const uint8_t *rest, size_t rest_len,
	uint16_t tci, struct sw_acl_result *res)
{
	struct acl_set *set;
	int32_t rule;

	if (!acl) {
		*res = (struct sw_acl_result) { SW_ACL_ALLOW, -1, -1, -1 };
		return 0;
	}
	set = acl->set;
	rule = classify(acl, l2, rest, rest_len, KEY_TCI | (tci & 0xEFFF));
	if (rule == INT32_MIN)
		return -1;
	if (rule >= 0)
		fill_result(&set->rules[rule].act, rule, res);
	else
		fill_result(&set->dflt, -1, res);
	return 0;
}

void
sw_acl_prefetch(const struct sw_acl *acl, const uint8_t *l2, const uint8_t *rest,
	size_t rest_len, uint16_t tci)
{
	const uint8_t *keys;
	struct hkey k;
	uint32_t h;

	if (!acl || !acl->hsets || !hdr_key(l2, rest, rest_len, KEY_TCI | (tci & 0xEFFF), &k))
		return;
	h = hkey_hash(&k);
	keys = (const uint8_t *)&acl->hkeys[(size_t)(h & acl->hset_mask) * HC_WAYS];
	__builtin_prefetch(&acl->hsets[h & acl->hset_mask]);
	for (size_t off = 0; off < HC_WAYS * sizeof(struct hkey); off += 64)
		__builtin_prefetch(keys + off);
}

/* ---- public: introspection ------------------------------------------------- */

size_t
sw_acl_n_rules(const struct sw_acl *acl)
{
	return acl ? acl->set->n : 0;
}

int
sw_acl_rule_get(const struct sw_acl *acl, size_t idx, struct sw_acl_rule_info *out)
{
	const struct acl_rule *r;

	if (!acl || idx >= acl->set->n)
		return -1;
	r = &acl->set->rules[idx];
	out->priority = r->priority;
	out->match = r->match;
	out->action = r->act;
	out->hits = r->hits;
	out->bytes = r->bytes;
	return 0;
}

struct sw_acl_action
sw_acl_default_action(const struct sw_acl *acl)
{
	return acl ? acl->set->dflt : (struct sw_acl_action) { SW_ACL_ACT_ALLOW, 0 };
}

void
sw_acl_default_hits(const struct sw_acl *acl, uint64_t *hits, uint64_t *bytes)
{
	*hits = acl ? acl->set->dflt_hits : 0;
	*bytes = acl ? acl->set->dflt_bytes : 0;
}

void
sw_acl_get_stats(const struct sw_acl *acl, struct sw_acl_stats *st)
{
	*st = acl->st;
	st->generation = acl->gen;
	st->n_rules = (uint32_t)acl->set->n;
	st->n_masks = (uint32_t)cmap_count(&acl->set->cls.subtables_map);
}

void
sw_acl_clear_counters(struct sw_acl *acl)
{
	for (size_t i = 0; i < acl->set->n; i++)
		acl->set->rules[i].hits = acl->set->rules[i].bytes = 0;
	acl->set->dflt_hits = acl->set->dflt_bytes = 0;
	acl->st.lookups = acl->st.cache_hits = acl->st.cache_misses = acl->st.uncacheable = 0;
}

/* ---- remarking --------------------------------------------------------------- */

/* Offset of the L3 header after DA SA and up to two VLAN tags, and the
 * EtherType; -1 if the frame is too short. */
static long
l3_offset(const uint8_t *f, size_t len, uint16_t *type)
{
	size_t off = 12;

	for (int tags = 0;; tags++) {
		uint16_t t;

		if (len < off + 2)
			return -1;
		t = (uint16_t)(f[off] << 8 | f[off + 1]);
		if (tags < 2 && (t == ETH_TYPE_VLAN_8021Q || t == ETH_TYPE_VLAN_8021AD)) {
			off += 4;
			continue;
		}
		*type = t;
		return (long)(off + 2);
	}
}

int
sw_acl_set_dscp(uint8_t *frame, size_t len, uint8_t dscp)
{
	uint16_t type;
	long l3 = l3_offset(frame, len, &type);
	uint8_t *ip;

	if (l3 < 0)
		return -1;
	ip = frame + l3;
	if (type == ETH_TYPE_IP) {
		uint16_t old_w, new_w, hc;
		uint32_t sum;

		if (len < (size_t)l3 + 20 || (ip[0] >> 4) != 4 || (ip[0] & 0x0f) < 5)
			return -1;
		old_w = (uint16_t)(ip[0] << 8 | ip[1]);
		ip[1] = (uint8_t)(dscp << 2 | (ip[1] & 0x03));
		new_w = (uint16_t)(ip[0] << 8 | ip[1]);
		/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). */
		hc = (uint16_t)(ip[10] << 8 | ip[11]);
		sum = (uint32_t)(uint16_t)~hc + (uint16_t)~old_w + new_w;
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		hc = (uint16_t)~sum;
		ip[10] = (uint8_t)(hc >> 8);
		ip[11] = (uint8_t)hc;
		return 1;
	}
	if (type == ETH_TYPE_IPV6) {
		uint8_t tc;

		if (len < (size_t)l3 + 40 || (ip[0] >> 4) != 6)
			return -1;
		/* Version(4) | traffic class(8) | flow label(20); keep ECN. */
		tc = (uint8_t)((ip[0] & 0x0f) << 4 | ip[1] >> 4);
		tc = (uint8_t)(dscp << 2 | (tc & 0x03));
		ip[0] = (uint8_t)(0x60 | tc >> 4);
		ip[1] = (uint8_t)((tc & 0x0f) << 4 | (ip[1] & 0x0f));
		return 1;
	}
	return 0;
}

int
sw_acl_set_pcp(uint8_t *frame, size_t len, uint8_t pcp)
{
	if (len >= 16 && frame[12] == 0x81 && frame[13] == 0x00)
		frame[14] = (uint8_t)((pcp & 7) << 5 | (frame[14] & 0x1f));
	return pcp & 7;
}

int
sw_acl_apply(const struct sw_acl_result *res, uint8_t *frame, size_t len, int pcp)
{
	if (res->dscp >= 0)
		sw_acl_set_dscp(frame, len, (uint8_t)res->dscp);
	if (res->pcp >= 0)
		return sw_acl_set_pcp(frame, len, (uint8_t)res->pcp);
	return pcp;
}

void
sw_acl_quiesce(void)
{
	ovsrcu_quiesce();
}

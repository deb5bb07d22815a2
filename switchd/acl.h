/* SPDX-License-Identifier: Apache-2.0 */
/*
 * acl.h - per-vEth access control lists: one compiled rule set for one
 * direction of one profile (acl_in or acl_out).
 *
 * A rule is {priority, match, action}.  The match is a bare Open vSwitch
 * match string (ovs-fields(7): dl_src, dl_dst, dl_type, dl_vlan, nw_src,
 * nw_dst, nw_proto, ip_dscp, tp_src, tp_dst, ... with masks and prefixes and
 * the shorthands tcp/udp/icmp/arp/ip/ipv6), parsed by libopenvswitch's
 * parse_ofp_str() and classified by its classifier.  Only frame header fields
 * are accepted (L2 to L4, no OpenFlow metadata such as in_port or registers),
 * and every field needs its prerequisites ("tp_dst=22" alone is an error,
 * "tcp,tp_dst=22" is right), because a field without them would silently
 * match something else.  An empty match matches every frame.
 *
 * Actions: "allow", "deny", "set_pcp=N" (0..7) and "set_dscp=N" (0..63); the
 * two set_ actions remark and allow.  When no rule matches, the default
 * action applies ("allow" unless given).
 *
 * Priorities are 0..65535; the higher wins.  Among rules of equal priority
 * that both match, the one listed first wins (OVS leaves that case
 * undefined; here it is made deterministic).  Rules are numbered from 1 in
 * error messages ("rule 3" is the third of the list) and from 0 in the API.
 *
 * The frame given to sw_acl_eval() is the inner Ethernet frame as the
 * pipeline holds it: DA SA [one 802.1Q tag] EtherType payload, without
 * VN-Tag, E-Tag or S-tag.  The vEth's VLAN is passed separately because
 * access frames arrive untagged: with vlan 1..4094, dl_vlan matches that VLAN
 * (the PCP of a tag in the frame, if any, is kept for dl_vlan_pcp); with
 * vlan 0 the frame's own tag, if any, is matched as it is.
 *
 * An exact-match flow cache sits in front of the classifier, so the
 * per-frame cost stays flat however many rules and masks there are.  It has
 * two parts.  The header cache takes the frames most traffic is made of
 * (untagged IPv4 without options, not a fragment, TCP/UDP/ICMP): their key
 * is read straight from the header bytes (32 bytes: the fields the
 * classifier would see, and the vlan argument), without extracting a flow,
 * and looked up in 8-way sets of one cache line each (a random way out when
 * full).  Every other frame is keyed by its extracted flow (OVS miniflow)
 * in the miniflow cache, a quarter of the size, 8-way, least recently used
 * out.  Either key is compared in full, so a hit is exact.  Every rule
 * change empties both (a generation number for the miniflow cache).
 *
 * Nothing on the per-frame path (sw_acl_eval, sw_acl_peek, the remark
 * functions) allocates: the engine keeps its own packet/flow scratch.
 *
 * Threading: one thread only (the switch's).  The OVS classifier defers some
 * frees of its internals (subtables, maps) with RCU: after sw_acl_replace()
 * or sw_acl_destroy() they are released at the next ovsrcu_quiesce() call of
 * that thread, so the daemon's main loop should call ovsrcu_quiesce() now
 * and then (it holds no RCU pointer between frames, so any point between
 * events is safe).  Until then they stay reachable, not leaked.
 */
#ifndef SWITCHD_ACL_H
#define SWITCHD_ACL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_ACL_PRIORITY_MAX  65535
#define SW_ACL_MAX_RULES     32767 /* priority and list position share one int */
/* Default flow cache size: header cache entries (40 bytes each); the
 * miniflow cache gets a quarter as many (about 200 bytes each). */
#define SW_ACL_CACHE_DEFAULT 1024u
#define SW_ACL_CACHE_MAX     (1u << 20)
/* sw_acl_peek_split(): the longest frame it can join (DA to the end). */
#define SW_ACL_JOIN_MAX      16384

enum sw_acl_act_type {
	SW_ACL_ACT_ALLOW,
	SW_ACL_ACT_DENY,
	SW_ACL_ACT_SET_PCP,  /* remark the egress PCP, allow */
	SW_ACL_ACT_SET_DSCP, /* remark the IPv4 DSCP / IPv6 traffic class, allow */
};

struct sw_acl_action {
	uint8_t type;  /* enum sw_acl_act_type */
	uint8_t value; /* PCP or DSCP for the set_ actions, else 0 */
};

/* One rule as configured.  The strings are the caller's; the engine copies
 * what it keeps. */
struct sw_acl_rule_spec {
	int64_t priority;   /* 0..SW_ACL_PRIORITY_MAX */
	const char *match;  /* OVS match string; NULL or "" matches everything */
	const char *action; /* "allow", "deny", "set_pcp=N", "set_dscp=N" */
};

enum sw_acl_verdict { SW_ACL_ALLOW, SW_ACL_DENY };

/* What sw_acl_eval() decided for one frame. */
struct sw_acl_result {
	uint8_t verdict; /* enum sw_acl_verdict */
	int8_t pcp;      /* egress PCP to set, or -1 */
	int8_t dscp;     /* DSCP to write into the frame, or -1 */
	int32_t rule;    /* index of the matching rule (0-based), -1 for the default */
};

/* A rule as the engine holds it, for `show acl`.  'match' points into the
 * engine and stays valid until the next sw_acl_replace()/sw_acl_destroy(). */
struct sw_acl_rule_info {
	uint32_t priority;
	const char *match; /* as configured */
	struct sw_acl_action action;
	uint64_t hits, bytes; /* frames that took this rule, and their sizes */
};

struct sw_acl_stats {
	uint64_t lookups;       /* sw_acl_eval + sw_acl_peek calls */
	uint64_t cache_hits;    /* answered by the flow cache */
	uint64_t cache_misses;  /* went to the classifier (and filled the cache) */
	uint64_t uncacheable;   /* flow too big for a cache entry: classifier only */
	uint64_t generation;    /* bumped by every rule change */
	uint32_t cache_entries; /* 0: no cache */
	uint32_t n_rules;
	uint32_t n_masks; /* distinct masks (classifier subtables) */
};

struct sw_acl;

/*
 * Compile a rule set.  'default_action' NULL means "allow".  'cache_entries'
 * is rounded up to a power of two, at least 8 (0: no flow cache, for
 * benchmarks and tests).  On any bad rule returns NULL and writes a message
 * naming the rule into err, e.g. "rule 3 (priority 100): cannot parse match
 * 'tcp,nw_dst=10.0.0.0/33': ...".  The caller owns the result.
 */
struct sw_acl *sw_acl_create(const struct sw_acl_rule_spec *rules, size_t n_rules,
	const char *default_action, uint32_t cache_entries, char *err, size_t errlen);

/* Check a rule set as sw_acl_create() would, creating nothing.  0 or -1. */
int sw_acl_check(const struct sw_acl_rule_spec *rules, size_t n_rules,
	const char *default_action, char *err, size_t errlen);

/* Check one rule (priority, action, match); the message does not number
 * the rule ("cannot parse match 'x': ..."): the caller knows where it is. */
int sw_acl_check_rule(const struct sw_acl_rule_spec *rule, char *err, size_t errlen);

/*
 * Which rules of 'nw' are rules of 'old' (same priority, same match as
 * parsed, same action): from[i] is the index in 'old' of the rule equal to
 * rule i of 'nw', or -1 (each old rule is used at most once).  'from' has
 * sw_acl_n_rules(nw) entries; 'old' may be NULL (every entry -1).  For
 * callers that keep their own per-rule counters (the switch keeps them per
 * vEth) and carry them over a change as sw_acl_replace() carries its own.
 * 0, or -1 when out of memory.
 */
int sw_acl_rule_map(const struct sw_acl *old, const struct sw_acl *nw, int32_t *from);

/*
 * Live update: replace every rule and the default action.  A new rule equal
 * to an old one (same priority, same match -- compared as parsed, so field
 * order and spelling do not matter -- and same action) takes over the old
 * rule's hit counters; the default counters survive when the default action
 * is unchanged.  The flow cache is invalidated.  On error (-1, message in
 * err) the ACL is left exactly as it was.
 */
int sw_acl_replace(struct sw_acl *acl, const struct sw_acl_rule_spec *rules, size_t n_rules,
	const char *default_action, char *err, size_t errlen);

void sw_acl_destroy(struct sw_acl *acl);

/*
 * Classify one frame and count it on the rule (or the default) it took.
 * 'vlan' is the vEth's VLAN (see above).  A NULL acl allows everything and
 * counts nothing.  Never allocates.
 */
void sw_acl_eval(struct sw_acl *acl, const uint8_t *frame, size_t len, uint16_t vlan,
	struct sw_acl_result *res);

/* The same decision without touching the hit counters (vnctl trace). */
void sw_acl_peek(struct sw_acl *acl, const uint8_t *frame, size_t len, uint16_t vlan,
	struct sw_acl_result *res);

/*
 * The same for an untagged frame classified with an explicit tag: 'tci' is
 * PCP << 13 | VID (the CFI bit is ignored).  With tci 0 the frame counts as
 * untagged (dl_vlan=0xffff matches); otherwise dl_vlan and dl_vlan_pcp
 * match the tci's VID and PCP, a VID of 0 being a priority tag.  The switch
 * uses this one: the frame it builds for the ACL has no tag, the vEth's
 * VLAN and the frame's priority come separately.
 */
void sw_acl_eval_tci(struct sw_acl *acl, const uint8_t *frame, size_t len, uint16_t tci,
	struct sw_acl_result *res);
void sw_acl_peek_tci(struct sw_acl *acl, const uint8_t *frame, size_t len, uint16_t tci,
	struct sw_acl_result *res);

/*
 * The same as sw_acl_peek_tci() for a frame held in two pieces, as the
 * pipeline holds a tagged frame: 'l2' is its DA and SA (12 bytes), 'rest'
 * its EtherType and what follows (rest_len bytes), so that the tags in
 * between need not be cut out first.  The decision is the joined frame's.
 * The header cache reads the pieces where they are; a frame it does not
 * answer for is joined in the engine's own buffer first.  0, or -1 (res
 * untouched) if that was needed and the joined frame is longer than
 * SW_ACL_JOIN_MAX bytes.  Never allocates.
 */
int sw_acl_peek_split(struct sw_acl *acl, const uint8_t *l2, const uint8_t *rest,
	size_t rest_len, uint16_t tci, struct sw_acl_result *res);

/*
 * Prefetch what sw_acl_peek_split() with the same arguments will read from
 * the header cache (its set's line of tags and the set's keys), so that a
 * burst of frames can overlap those cache misses (burst.c).  Reads and
 * changes nothing else; arguments that turn out wrong cost a useless
 * prefetch, never a wrong decision.
 */
void sw_acl_prefetch(const struct sw_acl *acl, const uint8_t *l2, const uint8_t *rest,
	size_t rest_len, uint16_t tci);

/*
 * The flow cache sized by its users: the switch counts every vEth that
 * takes this ACL (n at a time), and the header cache grows to
 * SW_ACL_CACHE_PER_USER entries per user (users capped at max_users, 0: no
 * cap; entries at SW_ACL_CACHE_MAX).  It never shrinks: users are only
 * added, so that a count never has to follow vEths that leave.  Growing
 * allocates a new, empty cache (out of memory, the old one stays: smaller
 * is still right), so this is for when a vEth is set up, not per frame.
 */
#define SW_ACL_CACHE_PER_USER 4
void sw_acl_add_users(struct sw_acl *acl, uint32_t n, uint32_t max_users);

/* Introspection. */
size_t sw_acl_n_rules(const struct sw_acl *acl);
int sw_acl_rule_get(const struct sw_acl *acl, size_t idx, struct sw_acl_rule_info *out);
struct sw_acl_action sw_acl_default_action(const struct sw_acl *acl);
void sw_acl_default_hits(const struct sw_acl *acl, uint64_t *hits, uint64_t *bytes);
void sw_acl_get_stats(const struct sw_acl *acl, struct sw_acl_stats *st);
/* Zero every hit counter and the cache statistics (rules are kept). */
void sw_acl_clear_counters(struct sw_acl *acl);

/* Actions as text: parse ("allow", "deny", "set_pcp=N", "set_dscp=N";
 * surrounding blanks allowed) and format (returns snprintf's value). */
int sw_acl_parse_action(const char *s, struct sw_acl_action *a, char *err, size_t errlen);
int sw_acl_format_action(struct sw_acl_action a, char *buf, size_t len);

/*
 * Remarking, in place, on a frame laid out as for sw_acl_eval().
 *
 * sw_acl_set_dscp: writes the DSCP (the ECN bits are kept) into an IPv4
 * header, fixing its checksum incrementally (RFC 1624), or into an IPv6
 * traffic class.  Returns 1 if the frame is IPv4/IPv6 and now carries that
 * DSCP, 0 if it is not IP (nothing to remark), -1 if too short.
 *
 * sw_acl_set_pcp: the egress PCP is the pipeline's to write when it builds
 * the tags; if the frame itself carries an 802.1Q tag, its PCP is rewritten
 * too.  Returns pcp.
 *
 * sw_acl_apply: performs what a result asks for -- the DSCP rewrite if any --
 * and returns the egress PCP: the result's if it set one, else 'pcp' (the
 * PCP the frame would otherwise leave with).
 */
int sw_acl_set_dscp(uint8_t *frame, size_t len, uint8_t dscp);
int sw_acl_set_pcp(uint8_t *frame, size_t len, uint8_t pcp);
int sw_acl_apply(const struct sw_acl_result *res, uint8_t *frame, size_t len, int pcp);

/* A quiescent point of this thread for OVS RCU: the classifier frees it
 * postponed (after sw_acl_replace / sw_acl_destroy) are run.  The daemon
 * calls it after control requests and reloads and on its 1 s timer; any
 * point between frames is safe (see the threading note above). */
void sw_acl_quiesce(void);

#endif /* SWITCHD_ACL_H */

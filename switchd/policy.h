/* SPDX-License-Identifier: Apache-2.0 */
/*
 * policy.h - per-vEth policy as the switch runs it (issue 6): profiles'
 * ACLs and policers, the per-vEth state they give each vEth, live changes,
 * and how it is shown and saved.
 *
 * Sharing and ownership.  A profile owns one compiled ACL per direction
 * (struct sw_profile_pol: the OVS classifier and its flow cache, shared by
 * every vEth of the profile) and its policer settings.  Each vEth of a
 * profile with policy owns a struct sw_veth_pol: its own hit counter per
 * rule (so `show acl veth ID` is that vEth's traffic) and its own token
 * buckets (each vEth is policed at the profile's rate on its own).
 *
 * Changes are made in two steps so that nothing changes unless everything
 * can: sw_policy_build() compiles a new policy (bad input: an error naming
 * the profile and the rule), sw_policy_prepare() allocates the new state
 * of every vEth of the profile, sw_policy_commit() swaps it all in and
 * cannot fail.  Counters survive a change where the rule does: a rule
 * equal to an old one (priority, match as parsed, action) takes its
 * counters, the default's survive while its action stays, a policer kept
 * keeps its counters and its tokens (capped at a smaller burst).
 */
#ifndef SWITCHD_POLICY_H
#define SWITCHD_POLICY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchd/sw.h"
#include "switchd/writer.h"

/* Flow cache entries of each profile's ACL (per direction). */
#define SW_POLICY_CACHE 2048u

/* Compile a configured policy (checked like the loader checks it).  'out'
 * is the caller's until it is committed or freed. */
int sw_policy_build(const char *profile, const struct sw_conf_policy *cp,
	struct sw_profile_pol *out, char *err, size_t errlen);
void sw_policy_free(struct sw_profile_pol *p);

/* The running policy as configuration (config save, vnctl edits): 'out'
 * gets rule arrays of its own (sw_conf_policy_free).  0, or -1 when out of
 * memory. */
int sw_policy_get_conf(const struct sw_profile_pol *p, struct sw_conf_policy *out);
/* Do two configured policies say the same (rules compared as written)? */
bool sw_conf_policy_equal(const struct sw_conf_policy *a, const struct sw_conf_policy *b);

/* Replace profile 'profile''s policy with 'np' (from sw_policy_build).
 * The transaction takes np over (on failure np is freed and NULL is
 * returned with the reason; nothing changed). */
struct sw_policy_txn;
struct sw_policy_txn *sw_policy_prepare(
	struct sw *sw, int32_t profile, struct sw_profile_pol *np, char *err, size_t errlen);
/* Install: the profile takes np's ACLs (the old ones are destroyed) and
 * every vEth of the profile its new state.  Cannot fail; frees t. */
void sw_policy_commit(struct sw *sw, struct sw_policy_txn *t, uint64_t now);
/* Give up: nothing changed; frees t and np. */
void sw_policy_abort(struct sw_policy_txn *t);
/* Prepare and commit where failing is not an option (reload, after its
 * checks): out of memory for the carried state, the vEths start afresh
 * (or fail closed).  Takes np over (zeroed). */
void sw_policy_install(struct sw *sw, int32_t profile, struct sw_profile_pol *np, uint64_t now);

/* Give vEth 'slot' fresh policy state for its current profile (counters
 * from zero, full buckets), or none if the profile has no policy.  -1
 * when out of memory: the vEth then fails closed (sw.h, has_policy).
 * Called when a vEth is created or changes profile -- for an auto-created
 * vEth that is on the datapath: one allocation per new vEth, bounded by
 * max_veths, never one per frame. */
int sw_policy_veth_attach(struct sw *sw, int32_t slot);
void sw_policy_veth_detach(struct sw_veth *v);

/* counters clear: every vEth's hit and policer counters (buckets stay). */
void sw_policy_clear_counters(struct sw *sw);

/* Show.  'only' NULL: every vEth with policy, by id. */
void sw_policy_show_acl(struct sw_writer *w, struct sw *sw, const struct sw_veth *only);
void sw_policy_show_qos(
	struct sw_writer *w, struct sw *sw, uint64_t now, const struct sw_veth *only);
/* A profile's policy settings and ACL engine statistics (show profiles). */
void sw_policy_show_profile(struct sw_writer *w, const struct sw_profile *p);

/* The running profile 'name' as configuration, its policy included
 * (cp->policy's rules are the caller's to free: sw_conf_policy_free). */
int sw_profile_get_conf(
	struct sw *sw, const char *name, struct sw_conf_profile *cp, char *err, size_t errlen);

/* Profile 'name' changed by vnctl: start from the running settings and
 * change one direction's rules (add or delete), a default or a policer.
 * The edits are all-or-nothing (sw_profile_set underneath). */
int sw_policy_acl_add(struct sw *sw, const char *profile, enum sw_dir d,
	const struct sw_conf_acl_rule *rule, uint64_t now, char *err, size_t errlen);
/* Delete the rules of priority 'priority' (with 'match' non-NULL: only
 * those whose match is that text); *n_deleted tells how many. */
int sw_policy_acl_del(struct sw *sw, const char *profile, enum sw_dir d, int64_t priority,
	const char *match, uint64_t now, size_t *n_deleted, char *err, size_t errlen);

#endif /* SWITCHD_POLICY_H */

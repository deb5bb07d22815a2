/* SPDX-License-Identifier: Apache-2.0 */
/*
 * htab.h - fixed-capacity open-addressing hash table for the datapath.
 *
 * Keys are {k1 (64 bits), k2 (32 bits)}, values a signed 32-bit integer
 * plus a 64-bit 'aux' word the user owns (the FDB keeps a timestamp there).
 * Linear probing with backward-shift deletion (no tombstones), so lookups
 * stay short however many entries come and go.  The capacity is fixed at
 * init (a power of two, at least twice 'max'), so insert never allocates
 * and the load factor never passes 1/2; insert fails once 'max' entries
 * are in.  Memory: the entry array is owned by the table (sw_htab_free).
 */
#ifndef SWITCHD_HTAB_H
#define SWITCHD_HTAB_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_HTAB_EMPTY INT32_MIN

struct sw_htab_ent {
	uint64_t k1;
	uint32_t k2;
	int32_t val; /* SW_HTAB_EMPTY marks a free slot */
	uint64_t aux;
};

struct sw_htab {
	struct sw_htab_ent *ent;
	uint32_t mask; /* capacity - 1 */
	uint32_t n;    /* entries in use */
	uint32_t max;  /* insert refuses beyond this */
};

int sw_htab_init(struct sw_htab *t, uint32_t max);
/* Zeroed memory for a large table the datapath reads at random: 64-byte
 * aligned, and from 2 MiB on huge-page aligned with a transparent huge page
 * hint.  Freed with free(). */
void *sw_alloc_big(size_t n);
void sw_htab_free(struct sw_htab *t);
void sw_htab_clear(struct sw_htab *t);

static inline uint32_t
sw_htab_hash(uint64_t k1, uint32_t k2)
{
	uint64_t h = (k1 ^ ((uint64_t)k2 * 0x9E3779B97F4A7C15ull)) * 0xFF51AFD7ED558CCDull;

	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53ull;
	h ^= h >> 29;
	return (uint32_t)h;
}

static inline struct sw_htab_ent *
sw_htab_find(const struct sw_htab *t, uint64_t k1, uint32_t k2)
{
	uint32_t i = sw_htab_hash(k1, k2) & t->mask;

	for (;;) {
		struct sw_htab_ent *e = &t->ent[i];

		if (e->val == SW_HTAB_EMPTY)
			return NULL;
		if (e->k1 == k1 && e->k2 == k2)
			return e;
		i = (i + 1) & t->mask;
	}
}

/* Insert a new key (the caller checked it is absent); NULL when full. */
struct sw_htab_ent *sw_htab_insert(
	struct sw_htab *t, uint64_t k1, uint32_t k2, int32_t val, uint64_t aux);
/* Remove an entry returned by find/insert (backward-shift deletion). */
void sw_htab_remove(struct sw_htab *t, struct sw_htab_ent *e);

#endif /* SWITCHD_HTAB_H */

/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "switchd/htab.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE (2u << 20)

void *
sw_alloc_big(size_t n)
{
	size_t align = n >= HUGE_PAGE ? HUGE_PAGE : 64;
	size_t size = (n + align - 1) / align * align;
	void *p = aligned_alloc(align, size ? size : align);

	if (!p)
		return NULL;
	/* The datapath reads these at random: with 4 KiB pages a large
	 * table costs a TLB miss per access on top of the cache miss.  A
	 * hint only (transparent huge pages in "madvise" mode, Debian's
	 * default); without them everything works the same, slower. */
	if (align == HUGE_PAGE)
		(void)madvise(p, size, MADV_HUGEPAGE);
	memset(p, 0, size ? size : align);
	return p;
}

int
sw_htab_init(struct sw_htab *t, uint32_t max)
{
	uint64_t cap = 16;

	while (cap < 2ull * max)
		cap <<= 1;
	if (cap > (1ull << 31))
		return -1;
	t->ent = sw_alloc_big(cap * sizeof(*t->ent));
	if (!t->ent)
		return -1;
	t->mask = (uint32_t)(cap - 1);
	t->max = max;
	sw_htab_clear(t);
	return 0;
}

void
sw_htab_free(struct sw_htab *t)
{
	free(t->ent);
	t->ent = NULL;
	t->n = 0;
}

void
sw_htab_clear(struct sw_htab *t)
{
	for (uint64_t i = 0; i <= t->mask; i++)
		t->ent[i].val = SW_HTAB_EMPTY;
	t->n = 0;
}

struct sw_htab_ent *
sw_htab_insert(struct sw_htab *t, uint64_t k1, uint32_t k2, int32_t val, uint64_t aux)
{
	uint32_t i;

	if (t->n >= t->max)
		return NULL;
	i = sw_htab_hash(k1, k2) & t->mask;
	while (t->ent[i].val != SW_HTAB_EMPTY)
		i = (i + 1) & t->mask;
	t->ent[i].k1 = k1;
	t->ent[i].k2 = k2;
	t->ent[i].val = val;
	t->ent[i].aux = aux;
	t->n++;
	return &t->ent[i];
}

void
sw_htab_remove(struct sw_htab *t, struct sw_htab_ent *e)
{
	uint32_t hole = (uint32_t)(e - t->ent), i = hole;

	/* Backward shift (Knuth 6.4 algorithm R): move later entries of the
	 * probe run into the hole when their home slot allows it. */
	for (;;) {
		uint32_t home;

		i = (i + 1) & t->mask;
		if (t->ent[i].val == SW_HTAB_EMPTY)
			break;
		home = sw_htab_hash(t->ent[i].k1, t->ent[i].k2) & t->mask;
		/* Entry at i may move to hole iff home is not in (hole, i]. */
		if (((i - home) & t->mask) >= ((i - hole) & t->mask)) {
			t->ent[hole] = t->ent[i];
			hole = i;
		}
	}
	t->ent[hole].val = SW_HTAB_EMPTY;
	t->n--;
}

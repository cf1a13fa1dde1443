/* SPDX-License-Identifier: MIT */
/*
 * DOC: the name index of a zone snapshot
 *
 * An open-addressing hash table (linear probing, load factor at most 1/2)
 * from lowercased wire owner names to node indices. A slot is one u32: the
 * node index plus one in the low bits (as many as the node count needs; 0
 * marks an empty slot) and, in the bits left over, a tag from the upper
 * half of the name's hash, so a probe sequence stays in one cache line
 * and the owner bytes are compared only when the tag matches (a 600k-node
 * zone keeps a 12-bit tag: one false match in 4096 probes). 4 bytes a slot
 * instead of 8 halves the index (16.8 -> 8.4 MB for the 1M-record bench
 * zone) at the same probe counts. The owner lengths sit in a side array
 * so that comparing never reads past the shorter name.
 *
 * Why a hash and not a tree: answering walks from the query name up to the
 * zone apex looking for the closest encloser; with every ancestor present
 * as a node (empty non-terminals included), that is one probe per label,
 * and an exact hit -- the common case -- is one probe. The hash is the
 * suffix-composable one of name_fast.c (ans_name_shash), so a query name is
 * hashed once for all its suffixes and "*.<encloser>" costs one label step. Ordered walks (AXFR,
 * printing, predecessor searches for DNSSEC later) use the canonically
 * sorted node array instead.
 */
#include <string.h>

#include "lib/zone/zone_priv.h"

struct ans_zone_index {
	size_t mask;
	uint32_t node_mask;   /* low bits of a slot: node index + 1; 0: empty */
	uint32_t *slots;      /* the other bits: the tag */
	uint8_t *lens;        /* owner length of each node */
};

/* The slot bits that hold node numbers up to `count` (index + 1). */
static uint32_t node_bits_mask(size_t count)
{
	uint32_t m = 1;
	while (m < count)
		m = m << 1 | 1;
	return m;
}

static uint32_t tag_of(const struct ans_zone_index *ix, uint64_t h)
{
	return (uint32_t)(h >> 32) & ~ix->node_mask;
}

int ans_zone_index_build(struct ans_zone *z, struct ans_arena *arena)
{
	if (z->node_count >= UINT32_MAX / 2)
		return ANS_ELIMIT;
	size_t size = 16;
	while (size < 2 * z->node_count)
		size *= 2;
	struct ans_zone_index *ix = ans_arena_alloc(arena, sizeof(*ix));
	uint32_t *slots = ans_arena_alloc(arena, size * sizeof(*slots));
	uint8_t *lens = ans_arena_alloc_bytes(arena, z->node_count + 1);
	if (!ix || !slots || !lens)
		return ANS_ENOMEM;
	memset(slots, 0, size * sizeof(*slots));
	ix->mask = size - 1;
	ix->node_mask = node_bits_mask(z->node_count);
	ix->slots = slots;
	ix->lens = lens;
	for (size_t i = 0; i < z->node_count; i++) {
		const uint8_t *owner = z->nodes[i].owner;
		uint64_t h = ans_name_shash_final(ans_name_shash(owner));
		size_t s = h & ix->mask;
		while (slots[s])
			s = (s + 1) & ix->mask;
		slots[s] = tag_of(ix, h) | (uint32_t)(i + 1);
		lens[i] = (uint8_t)ans_name_len(owner);
	}
	z->index = ix;
	return ANS_OK;
}

const struct ans_node *ans_zone_find_hashed(const struct ans_zone *z,
					    const uint8_t *lname, size_t len,
					    uint64_t state)
{
	const struct ans_zone_index *ix = z->index;
	uint64_t h = ans_name_shash_final(state);
	uint32_t tag = tag_of(ix, h), v;
	for (size_t s = h & ix->mask; (v = ix->slots[s]) != 0; s = (s + 1) & ix->mask) {
		size_t i = (v & ix->node_mask) - 1;
		if ((v & ~ix->node_mask) == tag && ix->lens[i] == len &&
		    ans_zone_bytes_equal(z->nodes[i].owner, lname, len))
			return &z->nodes[i];
	}
	return NULL;
}

const struct ans_node *ans_zone_find(const struct ans_zone *z, const uint8_t *lname)
{
	return ans_zone_find_hashed(z, lname, ans_name_len(lname), ans_name_shash(lname));
}

/* The slot of old node i (number i + 1) in slots, found by its hash. */
static size_t slot_of(const struct ans_zone_index *ix, const uint32_t *slots,
		      const uint8_t *owner, uint32_t num)
{
	uint64_t h = ans_name_shash_final(ans_name_shash(owner));
	size_t s = h & ix->mask;
	while ((slots[s] & ix->node_mask) != num)
		s = (s + 1) & ix->mask;
	return s;
}

/* Linear-probing deletion: the slot is emptied and the rest of its run
 * placed again from their home slots, so no probe sequence is cut. */
static void delete_slot(const struct ans_zone_index *ix, uint32_t *slots,
			const struct ans_zone *old, size_t s)
{
	slots[s] = 0;
	for (size_t j = (s + 1) & ix->mask; slots[j]; j = (j + 1) & ix->mask) {
		uint32_t v = slots[j];
		const uint8_t *owner = old->nodes[(v & ix->node_mask) - 1].owner;
		uint64_t h = ans_name_shash_final(ans_name_shash(owner));
		slots[j] = 0;
		size_t t = h & ix->mask;
		while (slots[t])
			t = (t + 1) & ix->mask;
		slots[t] = v;
	}
}

int ans_zone_index_patch(struct ans_zone *z, const struct ans_zone *old,
			 const uint32_t *map, const uint32_t *gone, size_t ngone,
			 const uint32_t *added, size_t nadded, struct ans_arena *arena)
{
	const struct ans_zone_index *ox = old->index;
	size_t size = 16;
	while (size < 2 * z->node_count)
		size *= 2;
	if (size != ox->mask + 1 || node_bits_mask(z->node_count) != ox->node_mask)
		return ans_zone_index_build(z, arena);   /* the table grows: rehash */
	struct ans_zone_index *ix = ans_arena_alloc(arena, sizeof(*ix));
	uint32_t *slots = ans_arena_alloc(arena, size * sizeof(*slots));
	uint8_t *lens = ans_arena_alloc_bytes(arena, z->node_count + 1);
	if (!ix || !slots || !lens)
		return ANS_ENOMEM;
	*ix = *ox;
	ix->slots = slots;
	ix->lens = lens;
	memcpy(slots, ox->slots, size * sizeof(*slots));
	for (size_t g = 0; g < ngone; g++)
		delete_slot(ix, slots, old,
			    slot_of(ix, slots, old->nodes[gone[g]].owner, gone[g] + 1));
	/* Renumbered in place: the tag and the slot depend on the name only. */
	for (size_t s = 0; s < size; s++) {
		uint32_t v = slots[s];
		if (!v)
			continue;
		uint32_t k = map[(v & ix->node_mask) - 1];
		slots[s] = (v & ~ix->node_mask) | (k + 1);
		lens[k] = ox->lens[(v & ix->node_mask) - 1];
	}
	for (size_t a = 0; a < nadded; a++) {
		const uint8_t *owner = z->nodes[added[a]].owner;
		uint64_t h = ans_name_shash_final(ans_name_shash(owner));
		size_t s = h & ix->mask;
		while (slots[s])
			s = (s + 1) & ix->mask;
		slots[s] = tag_of(ix, h) | (added[a] + 1);
		lens[added[a]] = (uint8_t)ans_name_len(owner);
	}
	z->index = ix;
	return ANS_OK;
}

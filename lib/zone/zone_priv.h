/* SPDX-License-Identifier: MIT */
/*
 * Private to lib/zone: how a snapshot holds its memory, and the lookup index
 * built by zone.c through zone_index.c. Other modules use zone.h only.
 */
#ifndef ANS_ZONE_ZONE_PRIV_H
#define ANS_ZONE_ZONE_PRIV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lib/base/arena.h"
#include "lib/zone/zone.h"

/* One heap block per snapshot: the arena that holds every node, RRset,
 * name and rdata byte, and the zone struct itself (zone.priv points here).
 * A patched snapshot (zone_patch.c) also reads the arenas of the snapshot
 * it was made from (`base`) and of the small zone of its changed owners
 * (`part`): it holds a reference on each, and its own node array is a
 * separate heap block (`own_nodes`) freed with it, since nothing else
 * points into it. `refs` counts the snapshot itself (until
 * ans_zone_free) plus every patched snapshot made from it. */
struct zone_mem {
	struct ans_arena arena;
	struct ans_zone zone;
	struct ans_zone_soa_wire soa_wire;   /* valid when soa_wire.rr */
	uint64_t apex_state;                 /* ans_name_shash(apex) */
	unsigned apex_labels;
	atomic_uint refs;
	unsigned depth;                      /* patches since a full build */
	struct zone_mem *base, *part;        /* references held, or NULL */
	struct ans_node *own_nodes;          /* malloc'd node array, or NULL */
	size_t sig_nodes;                    /* nodes holding RRSIGs */
};

/* Drops one reference; the last one frees the memory (and drops base and
 * part). */
void ans_zone_mem_put(struct zone_mem *m);

/* The additional-section entries of the NS, MX and SRV RRsets of node n
 * of z (zone.c), rewritten in place; needs the index and flags. */
void ans_zone_link_node(struct ans_zone *z, const struct ans_node *n);

/* The negative-answer SOA template of m->zone (zone.c). Errors:
 * ANS_ENOMEM. */
int ans_zone_soa_wire_build(struct zone_mem *m) ANS_WUR;

/* SERIAL of the apex SOA, 0 without one. */
uint32_t ans_zone_soa_serial(const struct ans_zone *z);

/* Builds the referral block of one cut (DELEG, not occluded) of z in
 * `arena` and stores its address in the slot of the cut's NS RRset, which
 * must be writable (zone_referral.c). Errors: ANS_ENOMEM. */
int ans_zone_referral_build_one(struct ans_zone *z, const struct ans_node *cut,
				struct ans_arena *arena) ANS_WUR;

/* z->dnssec as a copy of old's, for a patched snapshot with the same
 * nodes holding NSEC and qualifying NSEC3 records (zone_dnssec.c): the
 * tables are shared. Errors: ANS_ENOMEM. */
int ans_zone_dnssec_share(struct ans_zone *z, const struct ans_zone *old,
			  struct ans_arena *arena) ANS_WUR;

/* Whether node n (of any snapshot with the same apex) holds an NSEC3 that
 * old's NSEC3 table would count (zone_dnssec.c). */
bool ans_zone_nsec3_counts(const struct ans_zone *old, const struct ans_node *n);

/* Builds z->index over z->nodes (which must be laid out) in `arena`.
 * Errors: ANS_ENOMEM. */
int ans_zone_index_build(struct ans_zone *z, struct ans_arena *arena) ANS_WUR;

/* z->index for a patched snapshot whose nodes are old's renumbered by
 * map[] (old index -> new; the gone[0..ngone) old indices vanished, the
 * nodes added[0..nadded) are new), from old's slots without hashing the
 * kept names again; a full ans_zone_index_build() when the table's size
 * changes. Errors: ANS_ENOMEM. */
int ans_zone_index_patch(struct ans_zone *z, const struct ans_zone *old,
			 const uint32_t *map, const uint32_t *gone, size_t ngone,
			 const uint32_t *added, size_t nadded, struct ans_arena *arena) ANS_WUR;

/* Builds the ready referral block (ans_rrset_referral, zone.h) of every
 * delegation that is not itself occluded, in `arena`; needs flags and the
 * additional-section entries. Errors: ANS_ENOMEM. */
int ans_zone_referrals_build(struct ans_zone *z, struct ans_arena *arena) ANS_WUR;

/* Builds z->dnssec (zone_dnssec.c): the NSEC and NSEC3 indexes of a zone
 * holding RRSIGs, in `arena`; needs the nodes and flags. Errors: ANS_ENOMEM. */
int ans_zone_dnssec_build(struct ans_zone *z, struct ans_arena *arena) ANS_WUR;

/* Where the NS RRset `ns` keeps its referral block's address. */
static inline uint8_t *ans_rrset_referral_slot(const struct ans_rrset *ns)
{
	return (uint8_t *)ns->rdata + ns->rdata_len + 4 + 4 * (size_t)ns->count;
}

/* Whether the len bytes at a and b are equal (names of at most 255 bytes):
 * eight bytes at a time, the last word overlapping, short ones as two
 * overlapping halves; only bytes inside [0, len) are read. Inline: the
 * lookups compare one short name per probe, where a memcmp() call cost
 * more than the compare. */
static inline bool ans_zone_bytes_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint64_t x, y;
	if (len >= 8) {
		for (size_t i = 0; i + 8 < len; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return false;
		}
		memcpy(&x, a + len - 8, 8);
		memcpy(&y, b + len - 8, 8);
		return x == y;
	}
	if (len >= 4) {
		uint32_t u, v, s, t;
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		memcpy(&s, a + len - 4, 4);
		memcpy(&t, b + len - 4, 4);
		return u == v && s == t;
	}
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

#endif

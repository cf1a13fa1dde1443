/* SPDX-License-Identifier: MIT */
/*
 * Private to lib/zone: how a snapshot holds its memory, and the lookup index
 * built by zone.c through zone_index.c. Other modules use zone.h only.
 */
#ifndef ANS_ZONE_ZONE_PRIV_H
#define ANS_ZONE_ZONE_PRIV_H

#include "lib/base/arena.h"
#include "lib/zone/zone.h"

/* One heap block per snapshot: the arena that holds every node, RRset,
 * name and rdata byte, and the zone struct itself (zone.priv points here). */
struct zone_mem {
	struct ans_arena arena;
	struct ans_zone zone;
	struct ans_zone_soa_wire soa_wire;   /* valid when soa_wire.rr */
};

/* Builds z->index over z->nodes (which must be laid out) in `arena`.
 * Errors: ANS_ENOMEM. */
int ans_zone_index_build(struct ans_zone *z, struct ans_arena *arena) ANS_WUR;

/* Builds the ready referral block (ans_rrset_referral, zone.h) of every
 * delegation that is not itself occluded, in `arena`; needs flags and the
 * additional-section entries. Errors: ANS_ENOMEM. */
int ans_zone_referrals_build(struct ans_zone *z, struct ans_arena *arena) ANS_WUR;

/* Where the NS RRset `ns` keeps its referral block's address. */
static inline uint8_t *ans_rrset_referral_slot(const struct ans_rrset *ns)
{
	return (uint8_t *)ns->rdata + ns->rdata_len + 4 + 4 * (size_t)ns->count;
}

#endif

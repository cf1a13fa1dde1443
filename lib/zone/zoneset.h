/* SPDX-License-Identifier: MIT */
/*
 * A zone set: the zones a server answers for, immutable once built. Finding
 * the zone of a query name is a longest-suffix match. The set references
 * zones it does not own: the program frees zones when no set and no reader
 * uses them any more.
 */
#ifndef ANS_ZONE_ZONESET_H
#define ANS_ZONE_ZONESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/zone/zone.h"

struct ans_zoneset;

/* Builds a set over `n` zones (distinct apexes). Errors: ANS_ENOMEM,
 * ANS_EEXIST (two zones with one apex). */
int ans_zoneset_new(struct ans_zoneset **out, struct ans_zone *const *zones,
		    size_t n) ANS_WUR;

/* The zone with the longest apex that `lname` (lowercased wire name) is at or
 * below, or NULL. Thread-safe, allocation-free. */
const struct ans_zone *ans_zoneset_find(const struct ans_zoneset *zs,
					const uint8_t *lname);

/* As ans_zoneset_find, for a lowercased name of `len` bytes whose label
 * offsets (as from ans_name_label_offsets: `labels` of them) the caller
 * already has, e.g. from parsing: no walk over the name. Thread-safe,
 * allocation-free. (Added for issue 6.) */
const struct ans_zone *ans_zoneset_find_labels(const struct ans_zoneset *zs,
					       const uint8_t *lname, size_t len,
					       const uint8_t *offs, unsigned labels);

size_t ans_zoneset_count(const struct ans_zoneset *zs);
struct ans_zone *ans_zoneset_get(const struct ans_zoneset *zs, size_t i);

/* Marks zone i as expired (a secondary whose copy outlived its SOA expire
 * timer, RFC 1035 §3.3.13): queries for it get SERVFAIL. Only before the
 * set is published (it is immutable afterwards). Errors: ANS_EINVAL,
 * ANS_ENOMEM. (Added for the secondary role, issue 3.) */
int ans_zoneset_set_expired(struct ans_zoneset *zs, size_t i) ANS_WUR;

/* Whether `z` (a zone of the set) is marked expired. Thread-safe,
 * allocation-free; one comparison when no zone is expired. */
bool ans_zoneset_is_expired(const struct ans_zoneset *zs, const struct ans_zone *z);

/* Frees the set, not the zones. NULL is fine. */
void ans_zoneset_free(struct ans_zoneset *zs);

#endif

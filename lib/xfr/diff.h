/* SPDX-License-Identifier: MIT */
/*
 * Zone differences: what IXFR sends (RFC 1995) between two snapshots of the
 * same zone.
 */
#ifndef ANS_XFR_DIFF_H
#define ANS_XFR_DIFF_H

#include "lib/base/err.h"
#include "lib/xfr/changeset.h"
#include "lib/zone/zone.h"

/* Computes the changeset that turns `old` into `new`: soa_from/soa_to are
 * the apex SOAs, then every RR of `old` missing from `new` (removed) and
 * every RR of `new` missing from `old` (added), both in canonical order.
 * When an RRset's TTL changed, the whole old RRset is removed and the whole
 * new one added, so that applying the changeset gives the new TTL. The apex
 * SOAs themselves are never in removed/added. Whether the serial increased
 * is the caller's policy (ans_serial_cmp).
 * Errors: ANS_EINVAL (different apexes, or a zone without SOA), ANS_ENOMEM.
 * The caller frees *out. Thread-safe (reads the snapshots only). */
int ans_zone_diff(const struct ans_zone *old, const struct ans_zone *new_zone,
		  struct ans_changeset **out) ANS_WUR;

/* True when the changeset changes nothing but the SOA. */
bool ans_changeset_is_soa_only(const struct ans_changeset *cs);

#endif

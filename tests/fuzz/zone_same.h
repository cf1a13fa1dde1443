/* SPDX-License-Identifier: MIT */
/* For fuzz harnesses: whether two snapshots hold the same RRs, each with
 * its own TTL (RRSIGs included), walked with the canonical-order cursor
 * that AXFR, diffs and the stored copy use (lib/xfr/changeset.h); rdata
 * compared canonically (RFC 4034 §6.2: names in rdata case-blind). */
#ifndef ANS_TESTS_FUZZ_ZONE_SAME_H
#define ANS_TESTS_FUZZ_ZONE_SAME_H

#include "lib/wire/rdata.h"
#include "lib/xfr/changeset.h"

static inline bool zone_same(const struct ans_zone *a, const struct ans_zone *b)
{
	struct ans_zone_cursor ia, ib;
	struct ans_xfr_rr ra, rb;
	ans_zone_cursor_init(&ia, a);
	ans_zone_cursor_init(&ib, b);
	for (;;) {
		bool more_a = ans_zone_cursor_next(&ia, &ra);
		if (more_a != ans_zone_cursor_next(&ib, &rb))
			return false;
		if (!more_a)
			return a->serial == b->serial && a->rr_count == b->rr_count;
		if (!ans_name_equal(ra.owner, rb.owner) || ra.type != rb.type ||
		    ra.ttl != rb.ttl ||
		    ans_rdata_cmp(ra.type, ra.rdata, ra.rdlen, rb.rdata, rb.rdlen))
			return false;
	}
}

#endif

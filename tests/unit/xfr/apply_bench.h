/* SPDX-License-Identifier: MIT */
/*
 * The IXFR-apply CPU bench (doc/xfr.md, bench/xfr_bench.py): a zone file is
 * loaded, then changesets of 1 and 1000 records (half removed, half added,
 * spread over the zone) are applied with ans_changeset_apply(), each `runs`
 * times; the median process CPU time of one apply is printed per size as
 * "apply <records> <ms>". Run as test_apply --bench FILE ORIGIN [RUNS].
 */
#ifndef ANS_TEST_APPLY_BENCH_H
#define ANS_TEST_APPLY_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/wire/rdata.h"
#include "lib/xfr/changeset.h"
#include "lib/zone/parser.h"
#include "tests/unit/xfr/bench_util.h"

/* A changeset that moves `old` one serial on, removing every k-th RR of
 * the zone (k spreads `n` / 2 removals over it) and adding as many new A
 * RRs under fresh owners "bench-add-<i>". */
static struct ans_changeset *bench_changeset(const struct ans_zone *old, size_t n)
{
	struct ans_changeset *cs;
	if (ans_changeset_new(&cs))
		abort();
	const struct ans_rrset *soa = ans_zone_soa(old);
	uint16_t len = ans_get_u16(soa->rdata);
	uint8_t rd[512];
	memcpy(rd, soa->rdata + 2, len);
	struct ans_xfr_rr s = { old->apex, ANS_TYPE_SOA, len, soa->ttl, rd };
	if (ans_changeset_set_soa(cs, false, &s))
		abort();
	ans_put_u32(rd + len - 20, old->serial + 1);
	if (ans_changeset_set_soa(cs, true, &s))
		abort();
	size_t removals = n / 2, adds = n - removals, step = old->rr_count / (removals + 1);
	struct ans_zone_cursor it;
	struct ans_xfr_rr rr;
	ans_zone_cursor_init(&it, old);
	for (size_t i = 0, k = 0; k < removals && ans_zone_cursor_next(&it, &rr); i++)
		if (i % step == step - 1 && rr.type != ANS_TYPE_SOA && rr.type != ANS_TYPE_NS &&
		    ans_changeset_add(cs, ANS_CS_REMOVE, &rr) == ANS_OK)
			k++;
	for (size_t i = 0; i < adds; i++) {
		uint8_t owner[ANS_NAME_MAX], a[4] = { 10, 255, (uint8_t)(i >> 8), (uint8_t)i };
		int l = snprintf((char *)owner + 1, 64, "bench-add-%zu", i);
		owner[0] = (uint8_t)l;
		ans_name_copy(owner + 1 + l, old->apex);
		struct ans_xfr_rr add = { owner, ANS_TYPE_A, 4, 3600, a };
		if (ans_changeset_add(cs, ANS_CS_ADD, &add))
			abort();
	}
	return cs;
}

static int apply_bench(const char *path, const char *origin_text, int runs)
{
	uint8_t origin[ANS_NAME_MAX];
	struct ans_zone *z;
	if (bench_load_zone(path, origin_text, origin, &z))
		return 1;
	runs = bench_runs(runs);
	printf("zone %zu records\n", z->rr_count);
	static const size_t sizes[] = { 1, 1000 };
	for (size_t s = 0; s < 2; s++) {
		struct ans_changeset *cs = bench_changeset(z, sizes[s]);
		const struct ans_changeset *chain[1] = { cs };
		double t[BENCH_RUNS_MAX];
		for (int r = 0; r < runs; r++) {
			struct ans_zone *nz;
			double t0 = bench_cpu_ms();
			int rc = ans_changeset_apply(z, chain, 1, NULL, &nz);
			t[r] = bench_cpu_ms() - t0;
			if (rc) {
				fprintf(stderr, "apply: %s\n", ans_strerror(rc));
				return 1;
			}
			ans_zone_free(nz);
		}
		bench_sort(t, runs);
		printf("apply %zu %.2f\n", sizes[s], t[runs / 2]);
		ans_changeset_free(cs);
	}
	ans_zone_free(z);
	return 0;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The AXFR-out writer bench (doc/performance.md, round 12b): a zone file is
 * loaded, then the whole AXFR (ans_axfr_out_init + ans_xfr_out_next into
 * one 64 KiB buffer, as anynsd's TCP path calls it) is written `runs`
 * times. Printed: the median process CPU time of one transfer, messages,
 * bytes and an FNV-1a digest of the stream, so two builds can be compared
 * byte for byte. With DUMP the stream is also written there, each message
 * behind its 2-byte TCP length (RFC 1035 §4.2.2), for cmp(1).
 * Run as test_axfr_compr --bench FILE ORIGIN [RUNS [DUMP]].
 */
#ifndef ANS_TEST_AXFR_BENCH_H
#define ANS_TEST_AXFR_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/base/wire.h"
#include "lib/wire/rdata.h"
#include "lib/xfr/axfr_out.h"
#include "lib/xfr/request.h"
#include "lib/zone/parser.h"
#include "tests/unit/xfr/bench_util.h"

struct axfr_bench_sum {
	size_t msgs, bytes, rrs;
	uint64_t digest;
};

static uint64_t axfr_bench_fnv(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* One whole transfer; the stream goes to `dump` when not NULL. */
static int axfr_bench_once(const struct ans_zone *z, const uint8_t *origin,
			   uint8_t *buf, FILE *dump, bool hash,
			   struct axfr_bench_sum *sum)
{
	uint8_t q[512];
	size_t qlen;
	struct ans_xfr_request r;
	struct ans_xfr_out x;
	if (ans_xfr_request_write(q, sizeof(q), &qlen, 7, origin, ANS_TYPE_AXFR, 0) ||
	    ans_xfr_request_parse(q, qlen, &r) || ans_axfr_out_init(&x, &r, z, NULL))
		return 1;
	*sum = (struct axfr_bench_sum){ .digest = 0xcbf29ce484222325ull };
	while (!x.is_done) {
		size_t len;
		int rc = ans_xfr_out_next(&x, buf + 2, ANS_XFR_MSG_MAX, &len);
		if (rc) {
			fprintf(stderr, "axfr: %s\n", ans_strerror(rc));
			return 1;
		}
		ans_put_u16(buf, (uint16_t)len);
		if (hash)
			sum->digest = axfr_bench_fnv(sum->digest, buf, len + 2);
		if (dump && fwrite(buf, 1, len + 2, dump) != len + 2)
			return 1;
		sum->bytes += len;
	}
	sum->msgs = x.msg_count;
	sum->rrs = x.rr_count;
	return 0;
}

static int axfr_bench(const char *path, const char *origin_text, int runs,
		      const char *dump_path)
{
	uint8_t origin[ANS_NAME_MAX], *buf = malloc(2 + ANS_XFR_MSG_MAX);
	struct ans_zone *z;
	if (bench_load_zone(path, origin_text, origin, &z))
		return 1;
	struct axfr_bench_sum sum;
	FILE *dump = dump_path ? fopen(dump_path, "wb") : NULL;
	if ((dump_path && !dump) || axfr_bench_once(z, origin, buf, dump, true, &sum))
		return 1;
	if (dump)
		fclose(dump);
	runs = bench_runs(runs);
	double t[BENCH_RUNS_MAX];
	for (int i = 0; i < runs; i++) {
		struct axfr_bench_sum s;
		double t0 = bench_cpu_ms();
		if (axfr_bench_once(z, origin, buf, NULL, false, &s))
			return 1;
		t[i] = bench_cpu_ms() - t0;
	}
	bench_sort(t, runs);
	printf("axfr records %zu msgs %zu bytes %zu digest %016llx cpu_ms %.1f (min %.1f)\n",
	       sum.rrs, sum.msgs, sum.bytes, (unsigned long long)sum.digest,
	       t[runs / 2], t[0]);
	ans_zone_free(z);
	free(buf);
	return 0;
}

#endif

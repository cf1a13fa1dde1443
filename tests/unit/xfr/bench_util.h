/* SPDX-License-Identifier: MIT */
/*
 * What the xfr unit benches (apply_bench.h, axfr_bench.h) share: process
 * CPU time in ms, a zone loaded from a file and an origin in text, and the
 * sort that gives medians of repeated runs.
 */
#ifndef ANS_TEST_XFR_BENCH_UTIL_H
#define ANS_TEST_XFR_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/name/name.h"
#include "lib/zone/parser.h"

#define BENCH_RUNS_MAX 64

static double bench_cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Loads `path` as the zone `origin_text` (its wire form into origin);
 * prints why and returns 1 when it cannot. */
static int bench_load_zone(const char *path, const char *origin_text,
			   uint8_t origin[ANS_NAME_MAX], struct ans_zone **z)
{
	size_t olen;
	if (ans_name_from_text(origin, &olen, origin_text, strlen(origin_text), NULL) ||
	    ans_zone_load(path, origin, NULL, z) != ANS_OK) {
		fprintf(stderr, "cannot load %s\n", path);
		return 1;
	}
	return 0;
}

/* runs limited to 1..BENCH_RUNS_MAX, the size of the callers' arrays. */
static int bench_runs(int runs)
{
	return runs < 1 ? 1 : runs > BENCH_RUNS_MAX ? BENCH_RUNS_MAX : runs;
}

static int bench_dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Sorts t[0..n) ascending: t[n / 2] is the median, t[0] the minimum. */
static void bench_sort(double *t, int n)
{
	qsort(t, (size_t)n, sizeof(t[0]), bench_dbl_cmp);
}

#endif

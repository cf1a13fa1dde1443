/* SPDX-License-Identifier: MIT */
/* Real transfer streams fed to the incoming state machine, each message
 * with its TCP length prefix: Knot DNS 3.2 (data/capture_knot.py: an AXFR
 * in 6 messages, an IXFR from serial 1 to 3, an up-to-date answer) and
 * BIND 9.18 (data/capture_bind.py: transfer-format one-answer, so one RR
 * per message; an AXFR and an IXFR of two changesets). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/xfr/zonemd.h"
#include "tests/unit/xfr/xfr_test_util.h"

#define KNOT_ID 0x4B4E

static const char *data_path(const char *name)
{
	static char path[512];
	const char *slash = strrchr(__FILE__, '/');
	int dir = slash ? (int)(slash - __FILE__) : 1;
	snprintf(path, sizeof(path), "%.*s/data/%s", dir, slash ? __FILE__ : ".", name);
	return path;
}

/* Splits a stream file into messages at the 2-byte length prefixes. */
static void load_stream(const char *name, struct msgs *l)
{
	FILE *f = fopen(data_path(name), "rb");
	assert_non_null(f);
	uint8_t hdr[2];
	l->count = 0;
	while (fread(hdr, 1, 2, f) == 2) {
		size_t len = ans_get_u16(hdr);
		l->m[l->count] = malloc(len);
		assert_int_equal(fread(l->m[l->count], 1, len, f), len);
		l->len[l->count++] = len;
	}
	fclose(f);
	assert_true(l->count > 0);
}

static struct ans_zone *load_zone(const char *name)
{
	struct ans_zone *z = NULL;
	assert_int_equal(ans_zone_load(data_path(name), XORIGIN, NULL, &z), ANS_OK);
	return z;
}

static void assert_same_zone(const struct ans_zone *a, const struct ans_zone *b)
{
	assert_same_zone_hash(a, b, 2);
}

static void test_knot_axfr(void **state)
{
	(void)state;
	struct msgs l;
	struct ans_xfr_in_result res;
	struct ans_xfr_in_conf c = { .zone = XORIGIN, .id = KNOT_ID, .qtype = ANS_TYPE_AXFR };
	load_stream("knot_axfr_v1.bin", &l);
	assert_true(l.count >= 2);
	assert_int_equal(run_in(&c, &l, &res, NULL, 0), ANS_OK);
	assert_int_equal(res.kind, ANS_XFR_IN_AXFR);
	assert_int_equal(res.serial, 1);
	struct ans_zone *want = load_zone("knot_v1.zone");
	assert_same_zone(want, res.zone);
	ans_zone_free(want);
	ans_xfr_in_result_free(&res);
	/* The same stream cut before its last message. */
	free(l.m[--l.count]);
	assert_int_equal(run_in(&c, &l, &res, NULL, 0), ANS_EMALF);
	msgs_free(&l);
}

static void test_knot_ixfr(void **state)
{
	(void)state;
	struct msgs l;
	struct ans_xfr_in_result res;
	struct ans_zone *v1 = load_zone("knot_v1.zone"), *v3 = load_zone("knot_v3.zone");
	struct ans_xfr_in_conf c = { .zone = XORIGIN, .id = KNOT_ID, .qtype = ANS_TYPE_IXFR,
				     .base = v1 };
	load_stream("knot_ixfr_v1_v3.bin", &l);
	assert_int_equal(run_in(&c, &l, &res, NULL, 0), ANS_OK);
	assert_int_equal(res.kind, ANS_XFR_IN_IXFR);
	assert_int_equal(res.serial, 3);
	assert_true(res.cs_count >= 1);
	assert_same_zone(v3, res.zone);
	ans_xfr_in_result_free(&res);
	/* Applied to the wrong base (already at 3), the stream is refused. */
	c.base = v3;
	assert_int_not_equal(run_in(&c, &l, &res, NULL, 0), ANS_OK);
	msgs_free(&l);
	load_stream("knot_ixfr_v3_v3.bin", &l);
	assert_int_equal(run_in(&c, &l, &res, NULL, 0), ANS_OK);
	assert_int_equal(res.kind, ANS_XFR_IN_UP_TO_DATE);
	assert_null(res.zone);
	msgs_free(&l);
	ans_zone_free(v1);
	ans_zone_free(v3);
}

static void test_bind(void **state)
{
	(void)state;
	struct msgs l;
	struct ans_xfr_in_result res;
	struct ans_zone *v1 = load_zone("bind_v1.zone"), *v3 = load_zone("bind_v3.zone");
	struct ans_xfr_in_conf c = { .zone = XORIGIN, .id = KNOT_ID, .qtype = ANS_TYPE_AXFR };
	load_stream("bind_axfr_v1.bin", &l);
	assert_int_equal(l.count, v1->rr_count + 1);   /* one RR per message */
	assert_int_equal(run_in(&c, &l, &res, NULL, 0), ANS_OK);
	assert_int_equal(res.kind, ANS_XFR_IN_AXFR);
	assert_same_zone(v1, res.zone);
	ans_xfr_in_result_free(&res);
	msgs_free(&l);
	c.qtype = ANS_TYPE_IXFR;
	c.base = v1;
	load_stream("bind_ixfr_v1_v3.bin", &l);
	assert_int_equal(run_in(&c, &l, &res, NULL, 0), ANS_OK);
	assert_int_equal(res.kind, ANS_XFR_IN_IXFR);
	assert_int_equal(res.cs_count, 2);   /* BIND keeps 1->2 and 2->3 apart */
	assert_same_zone(v3, res.zone);
	ans_xfr_in_result_free(&res);
	msgs_free(&l);
	ans_zone_free(v1);
	ans_zone_free(v3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_knot_axfr),
		cmocka_unit_test(test_knot_ixfr),
		cmocka_unit_test(test_bind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

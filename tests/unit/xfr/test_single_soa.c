/* SPDX-License-Identifier: MIT */
/* ans_xfr_in_is_single_soa: the "use AXFR" answer of RFC 1995 §4 (one SOA
 * newer than ours, alone in the first message) is recognised after that
 * message, and nothing else is taken for it: not an up-to-date SOA, not an
 * AXFR-style stream, not an AXFR, not an IXFR whose first message has more. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/xfr/ixfr_out.h"
#include "tests/unit/xfr/xfr_test_util.h"

#define HEAD "$TTL 3600\n@ SOA ns.example.com. hm.example.com. %u 7200 900 1209600 300\n" \
	     "@ NS ns\nns A 192.0.2.1\n"

static struct ans_zone *zone_at(unsigned serial)
{
	char text[512];
	snprintf(text, sizeof(text), HEAD, serial);
	struct ans_zone *z = zone_from_text(text);
	assert_non_null(z);
	return z;
}

/* The first message the primary (serving `served`) sends for a request of
 * qtype with our serial `ours`: the UDP IXFR answer is the SOA alone when
 * udp_size is small; over TCP the first message of the stream. */
static size_t first_message(const struct ans_zone *served, uint16_t qtype, uint32_t ours,
			    bool soa_only, uint8_t *buf, size_t size)
{
	uint8_t q[512];
	size_t qlen, len = 0;
	struct ans_xfr_request r;
	struct ans_xfr_out x;
	assert_int_equal(ans_xfr_request_write(q, sizeof(q), &qlen, 7, XORIGIN, qtype, ours),
			 ANS_OK);
	assert_int_equal(ans_xfr_request_parse(q, qlen, &r), ANS_OK);
	if (soa_only) {
		assert_int_equal(ans_ixfr_out_udp(&x, &r, served, NULL, 0, NULL, buf, size, &len),
				 ANS_OK);
		return len;
	}
	if (qtype == ANS_TYPE_IXFR)
		assert_int_equal(ans_ixfr_out_init(&x, &r, served, NULL, 0, NULL), ANS_OK);
	else
		assert_int_equal(ans_axfr_out_init(&x, &r, served, NULL), ANS_OK);
	assert_int_equal(ans_xfr_out_next(&x, buf, size, &len), ANS_OK);
	return len;
}

static void test_single_soa(void **state)
{
	(void)state;
	static const struct {
		uint16_t qtype;
		uint32_t ours, served;
		bool soa_only;
		bool want;
	} t[] = {
		{ ANS_TYPE_IXFR, 10, 11, true, true },    /* "use AXFR" */
		{ ANS_TYPE_IXFR, 11, 11, true, false },   /* up to date */
		{ ANS_TYPE_IXFR, 12, 11, true, false },   /* ours is newer */
		{ ANS_TYPE_IXFR, 10, 11, false, false },  /* AXFR-style stream */
		{ ANS_TYPE_AXFR, 10, 11, false, false },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ans_zone *base = zone_at(t[i].ours), *served = zone_at(t[i].served);
		uint8_t buf[65535];
		size_t len = first_message(served, t[i].qtype, t[i].ours, t[i].soa_only, buf,
					   sizeof(buf));
		struct ans_xfr_in_conf c = { .zone = XORIGIN, .id = 7, .qtype = t[i].qtype,
					     .base = t[i].qtype == ANS_TYPE_IXFR ? base : NULL };
		struct ans_xfr_in *x;
		assert_int_equal(ans_xfr_in_new(&x, &c), ANS_OK);
		assert_int_equal(ans_xfr_in_feed(x, buf, len), ANS_OK);
		if (ans_xfr_in_is_single_soa(x) != t[i].want)
			fail_msg("row %zu: single SOA %d", i, !t[i].want);
		ans_xfr_in_free(x);
		ans_zone_free(base);
		ans_zone_free(served);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_soa),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* Compression in outgoing transfers (axfr_out.c with lib/name/compr_map.c):
 * every type whose rdata names we compress survives the round trip through
 * xfr_in, rdata names really are compressed, and a big zone's transfer is
 * about as small as the names allow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tests/unit/xfr/axfr_bench.h"
#include "tests/unit/xfr/xfr_test_util.h"

#define HEAD "$TTL 3600\n@ SOA ns.example.com. hm.example.com. 5 7200 900 1209600 300\n" \
	     "@ NS ns\nns A 192.0.2.1\n"

static const char every_type[] =
	HEAD
	"@ MX 10 mail\nmail A 192.0.2.25\nwww CNAME mail\nptr PTR www\n"
	"mb MB mail\nmg MG mail.example.net.\nmr MR mb\nmi MINFO mb mg\n"
	"sub NS ns.sub\nsub NS ns.other.example.net.\nns.sub A 192.0.2.53\n"
	"txt TXT \"ns.example.com\"\nsrv SRV 0 5 5060 mail\n";

static void request(struct ans_xfr_request *r)
{
	uint8_t q[512];
	size_t len;
	assert_int_equal(ans_xfr_request_write(q, sizeof(q), &len, 7, XORIGIN,
					       ANS_TYPE_AXFR, 0), ANS_OK);
	assert_int_equal(ans_xfr_request_parse(q, len, r), ANS_OK);
}

/* Transfers z with the given message size and returns the total bytes. */
static size_t round_trip(struct ans_zone *z, size_t target, size_t *msg_count)
{
	struct ans_xfr_request r;
	struct ans_xfr_out x;
	struct ans_xfr_out_conf conf = { .msg_target_bytes = target };
	static struct msgs l;
	request(&r);
	assert_int_equal(ans_axfr_out_init(&x, &r, z, &conf), ANS_OK);
	assert_int_equal(run_out(&x, &l, 65535), ANS_OK);
	struct ans_xfr_in_conf ic = { .zone = XORIGIN, .id = 7, .qtype = ANS_TYPE_AXFR };
	struct ans_xfr_in_result res;
	assert_int_equal(run_in(&ic, &l, &res, NULL, 0), ANS_OK);
	assert_same_zone_hash(z, res.zone, 1);
	ans_xfr_in_result_free(&res);
	size_t total = 0;
	for (size_t i = 0; i < l.count; i++)
		total += l.len[i];
	*msg_count = l.count;
	msgs_free(&l);
	return total;
}

/* Every compressed type, in one message and one RR per message (the
 * latter drops an RR at every message end: the map must not keep it). */
static void test_every_type(void **state)
{
	(void)state;
	struct ans_zone *z = zone_from_text(every_type);
	assert_non_null(z);
	size_t n1, n2;
	size_t one = round_trip(z, 16384, &n1);
	size_t many = round_trip(z, 1, &n2);
	assert_int_equal(n1, 1);
	assert_true(n2 > 10);
	assert_true(one < many);
	ans_zone_free(z);
}

/* Rdata names point at earlier names: an NS set of 40 targets in the zone
 * costs a few bytes per target, not the full name. */
static void test_rdata_names_compressed(void **state)
{
	(void)state;
	char text[8192];
	size_t len = (size_t)snprintf(text, sizeof(text), "%s", HEAD);
	for (int i = 0; i < 40; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"deleg NS ns%d.a-rather-long-label-for-this-test\n"
					"ns%d.a-rather-long-label-for-this-test A 192.0.2.%d\n",
					i, i, i + 1);
	struct ans_zone *z = zone_from_text(text);
	assert_non_null(z);
	size_t n, total = round_trip(z, 16384, &n);
	/* Uncompressed, an NS RR here is 65 bytes and its glue A 67. */
	assert_true(total < 40 * (65 + 67) / 2);
	ans_zone_free(z);
}

/* 60,000 records over many names: hundreds of names per message, past the
 * 64 of compr.c's table; owners compress to their new labels. */
static void test_big_zone(void **state)
{
	(void)state;
	size_t cap = 60000 * 64, len = 0;
	char *text = malloc(cap);
	len += (size_t)snprintf(text, cap, "%s", HEAD);
	for (unsigned i = 0; i < 20000; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"h%u.d%u A 10.0.%u.%u\nh%u.d%u MX 10 h%u.d%u\n"
					"c%u CNAME h%u.d%u\n", i, i % 100, (i >> 8) & 255,
					i & 255, i, i % 100, i, i % 100, i, i, i % 100);
	struct ans_zone *z = zone_from_text(text);
	free(text);
	assert_non_null(z);
	size_t n, total = round_trip(z, 16384, &n);
	/* Per record at most: an owner of new labels + pointer (~10), type,
	 * class, TTL, rdlength (10), rdata (A 4; MX 2 + pointer 2; CNAME's
	 * target ~10). compr.c's search (64 names a message) gave 28 bytes here. */
	assert_true(total < 60000 * 26);
	assert_true(n > 50);
	ans_zone_free(z);
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "--bench") == 0)
		return axfr_bench(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 5,
				  argc > 5 ? argv[5] : NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type),
		cmocka_unit_test(test_rdata_names_compressed),
		cmocka_unit_test(test_big_zone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

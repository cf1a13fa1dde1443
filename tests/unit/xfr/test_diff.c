/* SPDX-License-Identifier: MIT */
/* Zone differences, the journal format, journal selection, applying
 * changesets, serial arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/xfr/diff.h"
#include "lib/xfr/serial.h"
#include "tests/unit/xfr/xfr_test_util.h"

#define BASE "$TTL 3600\n@ SOA ns hm %u 7200 900 1209600 300\n@ NS ns\nns A 192.0.2.1\n"

static char *zone_fmt(const char *fmt, unsigned serial, const char *extra)
{
	static char buf[2][4096];
	static int k;
	k ^= 1;
	int n = snprintf(buf[k], sizeof(buf[k]), fmt, serial);
	snprintf(buf[k] + n, sizeof(buf[k]) - (size_t)n, "%s", extra);
	return buf[k];
}

/* "-owner ttl type rdata\n" for removals, then "+..." for additions. */
static void cs_text(const struct ans_changeset *cs, char *out, size_t size)
{
	size_t len = 0;
	out[0] = 0;
	for (int part = 0; part < 2; part++) {
		const struct ans_rr_list *l = part ? &cs->added : &cs->removed;
		for (size_t i = 0; i < l->count; i++) {
			char name[ANS_NAME_TEXT_MAX], type[16], rd[1024];
			assert_true(ans_name_to_text(l->rr[i].owner, name, sizeof(name)) > 0);
			assert_true(ans_rrtype_to_text(l->rr[i].type, type, sizeof(type)) > 0);
			assert_true(ans_rdata_to_text(l->rr[i].type, l->rr[i].rdata, l->rr[i].rdlen,
						      rd, sizeof(rd)) >= 0);
			len += (size_t)snprintf(out + len, size - len, "%c%s %u %s %s\n",
						part ? '+' : '-', name, l->rr[i].ttl, type, rd);
		}
	}
}

struct diff_case {
	const char *name;
	const char *old_extra;
	const char *new_extra;
	const char *expect;
};

static const struct diff_case diff_cases[] = {
	{ "SOA only", "www A 192.0.2.2\n", "www A 192.0.2.2\n", "" },
	{ "added RR", "www A 192.0.2.2\n", "www A 192.0.2.2\nwww AAAA 2001:db8::1\n",
	  "+www.example.com. 3600 AAAA 2001:db8::1\n" },
	{ "removed RR", "www A 192.0.2.2\nwww A 192.0.2.3\n", "www A 192.0.2.3\n",
	  "-www.example.com. 3600 A 192.0.2.2\n" },
	{ "TTL change replaces the RRset", "www A 192.0.2.2\nwww A 192.0.2.3\n",
	  "www 60 A 192.0.2.2\nwww 60 A 192.0.2.3\n",
	  "-www.example.com. 3600 A 192.0.2.2\n-www.example.com. 3600 A 192.0.2.3\n"
	  "+www.example.com. 60 A 192.0.2.2\n+www.example.com. 60 A 192.0.2.3\n" },
	{ "nodes come and go, canonical order", "b A 192.0.2.9\nz.a TXT x\n",
	  "a TXT y\nb A 192.0.2.9\nc MX 10 ns\n",
	  "-z.a.example.com. 3600 TXT \"x\"\n+a.example.com. 3600 TXT \"y\"\n"
	  "+c.example.com. 3600 MX 10 ns.example.com.\n" },
	{ "apex NS changes, rdata names compared canonically", "", "@ NS NS2.example.com.\n",
	  "+example.com. 3600 NS NS2.example.com.\n" },
};

static void test_diff_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(diff_cases) / sizeof(diff_cases[0]); i++) {
		const struct diff_case *c = &diff_cases[i];
		struct ans_zone *a = zone_from_text(zone_fmt(BASE, 1, c->old_extra));
		struct ans_zone *b = zone_from_text(zone_fmt(BASE, 2, c->new_extra));
		struct ans_changeset *cs;
		char got[4096];
		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(ans_zone_diff(a, b, &cs), ANS_OK);
		cs_text(cs, got, sizeof(got));
		if (strcmp(got, c->expect))
			fail_msg("%s: got\n%s\nexpected\n%s", c->name, got, c->expect);
		assert_int_equal(ans_changeset_serial_from(cs), 1);
		assert_int_equal(ans_changeset_serial_to(cs), 2);
		assert_int_equal(ans_changeset_is_soa_only(cs), c->expect[0] == 0);
		/* Applying the difference to the old zone gives the new zone. */
		struct ans_zone *c2;
		const struct ans_changeset *one[] = { cs };
		assert_int_equal(ans_changeset_apply(a, one, 1, NULL, &c2), ANS_OK);
		char *tb = zone_text(b), *tc = zone_text(c2);
		assert_string_equal(tb, tc);
		free(tb);
		free(tc);
		ans_zone_free(c2);
		ans_changeset_free(cs);
		ans_zone_free(a);
		ans_zone_free(b);
	}
}

static struct ans_changeset *diff_of(unsigned s1, const char *e1, unsigned s2, const char *e2)
{
	struct ans_zone *a = zone_from_text(zone_fmt(BASE, s1, e1));
	struct ans_zone *b = zone_from_text(zone_fmt(BASE, s2, e2));
	struct ans_changeset *cs = NULL;
	assert_int_equal(ans_zone_diff(a, b, &cs), ANS_OK);
	ans_zone_free(a);
	ans_zone_free(b);
	return cs;
}

/* The plain bit-by-bit CRC-32 (IEEE) the journal format names (doc/xfr.md):
 * the fast one in changeset.c must give the same value, or entries stored
 * by an older anynsd would read as corrupt. */
static uint32_t crc_ref(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static void test_journal_crc(void **state)
{
	(void)state;
	/* Entries of several lengths, so the 8-byte steps and the tail both run. */
	const char *adds[] = { "a A 192.0.2.1\n", "ab A 192.0.2.1\n", "abc TXT \"x\"\n",
			       "abcd TXT \"xyzzy\"\n", "abcdefg AAAA ::1\n" };
	for (size_t i = 0; i < sizeof(adds) / sizeof(adds[0]); i++) {
		struct ans_changeset *cs = diff_of(1, "", 2, adds[i]);
		size_t size = ans_changeset_size(cs), len;
		uint8_t *buf = malloc(size);
		assert_int_equal(ans_changeset_write(cs, buf, size, &len), ANS_OK);
		uint32_t stored = (uint32_t)buf[len - 4] << 24 | (uint32_t)buf[len - 3] << 16 |
				  (uint32_t)buf[len - 2] << 8 | buf[len - 1];
		assert_int_equal(stored, crc_ref(buf, len - 4));
		free(buf);
		ans_changeset_free(cs);
	}
	/* The standard check value: CRC-32("123456789") = 0xCBF43926. */
	assert_int_equal(crc_ref((const uint8_t *)"123456789", 9), 0xcbf43926u);
}

static void test_journal_round_trip(void **state)
{
	(void)state;
	struct ans_changeset *cs = diff_of(1, "www A 192.0.2.2\nold TXT \"gone\"\n", 2,
					   "www 60 A 192.0.2.2\nnew AAAA ::1\n");
	size_t size = ans_changeset_size(cs), len, len2;
	uint8_t *buf = malloc(size), *buf2 = malloc(size);
	assert_int_equal(ans_changeset_write(cs, buf, size - 1, &len), ANS_ESPACE);
	assert_int_equal(ans_changeset_write(cs, buf, size, &len), ANS_OK);
	assert_int_equal(len, size);
	struct ans_changeset *back;
	assert_int_equal(ans_changeset_read(buf, len, &back), ANS_OK);
	assert_int_equal(back->removed.count, cs->removed.count);
	assert_int_equal(back->added.count, cs->added.count);
	assert_int_equal(ans_changeset_write(back, buf2, size, &len2), ANS_OK);
	assert_memory_equal(buf, buf2, size);
	ans_changeset_free(back);
	/* Every truncation and every flipped bit is refused, never a crash. */
	for (size_t n = 0; n < len; n++) {
		assert_int_equal(ans_changeset_read(buf, n, &back), ANS_EMALF);
		for (int bit = 0; bit < 8; bit++) {
			memcpy(buf2, buf, len);
			buf2[n] ^= (uint8_t)(1 << bit);
			assert_int_equal(ans_changeset_read(buf2, len, &back), ANS_EMALF);
		}
	}
	free(buf);
	free(buf2);
	/* A SOA among the changes is refused at write time, since the reader
	 * refuses it (found by fuzz_xfr_diff: write and read must agree). */
	uint8_t small[512];
	assert_true(cs->added.count > 0);
	uint16_t type = cs->added.rr[0].type;
	cs->added.rr[0].type = ANS_TYPE_SOA;
	assert_int_equal(ans_changeset_write(cs, small, sizeof(small), &len), ANS_EINVAL);
	cs->added.rr[0].type = type;
	ans_changeset_free(cs);
}

static void test_journal_select(void **state)
{
	(void)state;
	struct ans_changeset *c[3] = { diff_of(10, "", 11, "a A 192.0.2.1\n"),
				       diff_of(11, "a A 192.0.2.1\n", 12, "b A 192.0.2.1\n"),
				       diff_of(12, "b A 192.0.2.1\n", 13, "") };
	const struct ans_changeset *const *chain = (const struct ans_changeset *const *)c;
	static const struct { uint32_t serial; int rc; size_t first, count; } t[] = {
		{ 10, ANS_OK, 0, 3 }, { 11, ANS_OK, 1, 2 }, { 12, ANS_OK, 2, 1 },
		{ 13, ANS_OK, 3, 0 }, { 14, ANS_OK, 3, 0 }, { 9, ANS_ENOENT, 3, 0 },
		{ 5, ANS_ENOENT, 3, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t first, count;
		assert_int_equal(ans_journal_select(chain, 3, t[i].serial, &first, &count), t[i].rc);
		assert_int_equal(first, t[i].first);
		assert_int_equal(count, t[i].count);
	}
	/* A chain with a hole does not link up. */
	const struct ans_changeset *holed[] = { c[0], c[2] };
	size_t first, count;
	assert_int_equal(ans_journal_select(holed, 2, 10, &first, &count), ANS_EMALF);
	for (int i = 0; i < 3; i++)
		ans_changeset_free(c[i]);
}

static void test_apply_errors(void **state)
{
	(void)state;
	struct ans_zone *z = zone_from_text(zone_fmt(BASE, 1, "www A 192.0.2.2\n"));
	struct ans_changeset *missing = diff_of(1, "x A 192.0.2.7\n", 2, "");
	struct ans_changeset *present = diff_of(1, "", 2, "www A 192.0.2.2\n");
	struct ans_changeset *stale = diff_of(5, "", 6, "q A 192.0.2.1\n");
	struct ans_zone *out = NULL;
	const struct ans_changeset *a[] = { missing }, *b[] = { present }, *c[] = { stale };
	assert_int_equal(ans_changeset_apply(z, a, 1, NULL, &out), ANS_ENOENT);
	assert_int_equal(ans_changeset_apply(z, b, 1, NULL, &out), ANS_EEXIST);
	assert_int_equal(ans_changeset_apply(z, c, 1, NULL, &out), ANS_ESTALE);
	assert_null(out);
	ans_changeset_free(missing);
	ans_changeset_free(present);
	ans_changeset_free(stale);
	ans_zone_free(z);
}

static void test_apply_chain(void **state)
{
	(void)state;
	/* Removed in one changeset, added back in the next: allowed. */
	struct ans_zone *z = zone_from_text(zone_fmt(BASE, 1, "www A 192.0.2.2\n"));
	struct ans_changeset *c1 = diff_of(1, "www A 192.0.2.2\n", 2, "");
	struct ans_changeset *c2 = diff_of(2, "", 3, "www 120 A 192.0.2.2\n");
	const struct ans_changeset *chain[] = { c1, c2 };
	struct ans_zone *out;
	assert_int_equal(ans_changeset_apply(z, chain, 2, NULL, &out), ANS_OK);
	struct ans_zone *want = zone_from_text(zone_fmt(BASE, 3, "www 120 A 192.0.2.2\n"));
	char *t1 = zone_text(out), *t2 = zone_text(want);
	assert_string_equal(t1, t2);
	assert_int_equal(out->serial, 3);
	free(t1);
	free(t2);
	ans_zone_free(want);
	ans_zone_free(out);
	ans_changeset_free(c1);
	ans_changeset_free(c2);
	ans_zone_free(z);
}

static void test_serial(void **state)
{
	(void)state;
	static const struct { uint32_t a, b; int sign; } t[] = {
		{ 1, 1, 0 }, { 2, 1, 1 }, { 1, 2, -1 }, { 0, 0xffffffffu, 1 },
		{ 0xffffffffu, 0, -1 }, { 0x7fffffffu, 0, 1 },
		/* RFC 1982 §3.2: 2^31 apart is undefined; never "newer". */
		{ 0x80000000u, 0, -1 }, { 0, 0x80000000u, -1 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int c = ans_serial_cmp(t[i].a, t[i].b);
		assert_int_equal(c > 0 ? 1 : c < 0 ? -1 : 0, t[i].sign);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_table),
		cmocka_unit_test(test_journal_round_trip),
		cmocka_unit_test(test_journal_crc),
		cmocka_unit_test(test_journal_select),
		cmocka_unit_test(test_apply_errors),
		cmocka_unit_test(test_apply_chain),
		cmocka_unit_test(test_serial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

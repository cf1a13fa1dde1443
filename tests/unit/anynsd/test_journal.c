/* SPDX-License-Identifier: MIT */
/* The in-memory journal chain (anynsd/xfr/journal.c): appends bounded by
 * entries and bytes (table), the dropped serials reported, a changeset
 * that does not continue the chain starting it over, and an old chain
 * left intact (a transfer may still read it) while the new one shares its
 * entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "anynsd/xfr/journal.h"
#include "tests/unit/anynsd/store_test_util.h"

/* A chain 10 -> 11 -> ... -> 10 + n. */
static struct jchain *chain_of(size_t n)
{
	struct ans_changeset *cs[16];
	struct jchain *c = NULL;
	for (size_t i = 0; i < n; i++)
		cs[i] = chain_cs(10 + (uint32_t)i, 11 + (uint32_t)i);
	assert_int_equal(jchain_new(cs, n, &c), ANS_OK);
	return c;
}

static void test_append_bounds(void **state)
{
	(void)state;
	struct jchain *probe = chain_of(1);
	size_t one = probe->bytes;   /* entries are all about this size */
	jchain_unref(probe);
	static const struct {
		size_t old_n;            /* chain 10 -> 10 + old_n */
		uint32_t from, to;       /* appended */
		size_t max_entries;
		size_t max_bytes_in_entries;   /* 0: no limit, else ~n entries */
		size_t want_n;
		size_t want_drop;
		uint32_t want_first_from;
	} t[] = {
		{ 0, 10, 11, 0, 0, 1, 0, 10 },
		{ 3, 13, 14, 0, 0, 4, 0, 10 },
		{ 3, 13, 14, 2, 0, 2, 2, 12 },
		{ 3, 13, 14, 1, 0, 1, 3, 13 },      /* the new entry is always kept */
		{ 3, 13, 14, 0, 2, 2, 2, 12 },      /* by bytes */
		{ 3, 13, 14, 10, 1, 1, 3, 13 },
		{ 3, 20, 21, 0, 0, 1, 3, 20 },      /* does not continue: over */
		{ 2, 11, 12, 0, 0, 1, 2, 11 },      /* starts inside: over too */
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct jchain *old = t[i].old_n ? chain_of(t[i].old_n) : NULL, *c = NULL;
		uint32_t drop[16];
		size_t ndrop = 99;
		size_t max_bytes = t[i].max_bytes_in_entries ?
				   t[i].max_bytes_in_entries * one + one / 2 : 0;
		assert_int_equal(jchain_append(old, chain_cs(t[i].from, t[i].to), t[i].max_entries,
					       max_bytes, &c, drop, &ndrop), ANS_OK);
		if (c->n != t[i].want_n || ndrop != t[i].want_drop)
			fail_msg("row %zu: %zu entries, %zu dropped", i, c->n, ndrop);
		assert_int_equal(jchain_serial(c), t[i].to);
		assert_int_equal(ans_changeset_serial_from(c->cs[0]), t[i].want_first_from);
		for (size_t k = 0; k < ndrop; k++)
			assert_int_equal(drop[k], ans_changeset_serial_from(old->cs[k]));
		for (size_t k = 1; k < c->n; k++)   /* linked */
			assert_int_equal(ans_changeset_serial_from(c->cs[k]),
					 ans_changeset_serial_to(c->cs[k - 1]));
		if (old) {   /* untouched */
			assert_int_equal(old->n, t[i].old_n);
			assert_int_equal(jchain_serial(old), 10 + t[i].old_n);
		}
		jchain_unref(old);   /* c keeps the shared entries alive */
		for (size_t k = 0; k < c->n; k++)
			assert_true(ans_changeset_size(c->cs[k]) > 0);
		jchain_unref(c);
	}
}

static void test_refs(void **state)
{
	(void)state;
	struct jchain *a = chain_of(2), *b = NULL;
	uint32_t drop[4];
	size_t ndrop;
	assert_int_equal(jchain_serial(NULL), 0);
	jchain_ref(a);
	assert_int_equal(jchain_append(a, chain_cs(12, 13), 0, 0, &b, drop, &ndrop), ANS_OK);
	assert_ptr_equal(b->e[0], a->e[0]);   /* shared, counted */
	jchain_unref(a);
	jchain_unref(a);
	assert_int_equal(b->n, 3);
	assert_int_equal(ans_changeset_serial_from(b->cs[0]), 10);
	jchain_unref(b);
	jchain_unref(NULL);
	struct jchain *empty = NULL;
	assert_int_equal(jchain_new(NULL, 0, &empty), ANS_OK);
	assert_int_equal(jchain_serial(empty), 0);
	jchain_unref(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_bounds),
		cmocka_unit_test(test_refs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of lib/zone/zoneset.c. Zones are fakes with only `apex` set:
 * the zone set reads nothing else. Each table runs twice, once as given
 * (few zones: the scanning path) and once padded with many unrelated zones
 * (the hash-table path), and both must agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/name/name.h"
#include "lib/zone/zoneset.h"

#define MAX_ZONES 300

struct fake_zones {
	struct ans_zone zones[MAX_ZONES];
	struct ans_zone *ptrs[MAX_ZONES];
	uint8_t apex[MAX_ZONES][ANS_NAME_MAX];
	size_t n;
};

static void add_zone(struct fake_zones *f, const char *text)
{
	size_t len;
	assert_true(f->n < MAX_ZONES);
	int rc = ans_name_from_text(f->apex[f->n], &len, text, strlen(text), NULL);
	assert_int_equal(rc, ANS_OK);
	memset(&f->zones[f->n], 0, sizeof(f->zones[f->n]));
	f->zones[f->n].apex = f->apex[f->n];
	f->ptrs[f->n] = &f->zones[f->n];
	f->n++;
}

/* Unrelated zones that push a set past the scanning threshold. */
static void add_padding(struct fake_zones *f, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		char t[64];
		snprintf(t, sizeof(t), "pad%zu.%s.", i, i % 2 ? "net" : "example.org");
		add_zone(f, t);
	}
}

struct find_case {
	const char *qname;   /* lowercase, as the contract asks */
	const char *apex;    /* expected apex text, or NULL for none */
};

/* Apexes of any case: the set compares lowercased copies. */
static const char *const apexes[] = {
	"example.com.", "sub.example.com.", "deep.a.sub.example.com.", "com.",
	"Mixed.ORG.",
};

static const struct find_case find_cases[] = {
	{ "example.com.", "example.com." },
	{ "www.example.com.", "example.com." },
	{ "sub.example.com.", "sub.example.com." },
	{ "x.sub.example.com.", "sub.example.com." },
	{ "a.sub.example.com.", "sub.example.com." },
	{ "deep.a.sub.example.com.", "deep.a.sub.example.com." },
	{ "x.y.deep.a.sub.example.com.", "deep.a.sub.example.com." },
	{ "xsub.example.com.", "example.com." },
	{ "other.com.", "com." },
	{ "com.", "com." },
	{ "example.net.", NULL },
	{ "org.", NULL },
	{ ".", NULL },
	{ "example.com.au.", NULL },
	{ "www.mixed.org.", "mixed.org." },
	{ "mixed.org.", "mixed.org." },
	{ "org.", NULL },
};

static void check_cases(const struct ans_zoneset *zs, const struct find_case *cases,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t q[ANS_NAME_MAX], want[ANS_NAME_MAX];
		size_t len;
		assert_int_equal(ans_name_from_text(q, &len, cases[i].qname,
						    strlen(cases[i].qname), NULL), ANS_OK);
		const struct ans_zone *z = ans_zoneset_find(zs, q);
		/* The answer path's entry, with the parser's label offsets,
		 * must find the same zone. */
		uint8_t offs[ANS_NAME_MAX_LABELS];
		unsigned nl = ans_name_label_offsets(q, offs);
		if (ans_zoneset_find_labels(zs, q, len, offs, nl) != z)
			fail_msg("%s: find_labels disagrees with find", cases[i].qname);
		if (!cases[i].apex) {
			if (z)
				fail_msg("%s: found a zone, want none", cases[i].qname);
			continue;
		}
		if (!z)
			fail_msg("%s: no zone, want %s", cases[i].qname, cases[i].apex);
		assert_int_equal(ans_name_from_text(want, &len, cases[i].apex,
						    strlen(cases[i].apex), NULL), ANS_OK);
		if (!ans_name_equal(z->apex, want))
			fail_msg("%s: wrong zone, want %s", cases[i].qname, cases[i].apex);
	}
}

static void run_table(size_t padding)
{
	static struct fake_zones f;
	f.n = 0;
	/* Padding first, so the real zones are not simply the first entries. */
	add_padding(&f, padding);
	for (size_t i = 0; i < sizeof(apexes) / sizeof(apexes[0]); i++)
		add_zone(&f, apexes[i]);
	struct ans_zoneset *zs = NULL;
	assert_int_equal(ans_zoneset_new(&zs, f.ptrs, f.n), ANS_OK);
	assert_int_equal(ans_zoneset_count(zs), f.n);
	check_cases(zs, find_cases, sizeof(find_cases) / sizeof(find_cases[0]));
	ans_zoneset_free(zs);
}

static void test_find_few(void **state)
{
	(void)state;
	run_table(0);
}

static void test_find_many(void **state)
{
	(void)state;
	run_table(200);
}

/* One zone (its own short path): the apex, names below, names beside or
 * above it, a label ending in the apex's bytes, and the root zone alone. */
static void test_one_zone(void **state)
{
	(void)state;
	static const struct find_case cases[] = {
		{ "example.com.", "example.com." },
		{ "www.example.com.", "example.com." },
		{ "a.b.c.example.com.", "example.com." },
		{ "com.", NULL },
		{ ".", NULL },
		{ "example.org.", NULL },
		{ "xexample.com.", NULL },
		{ "example.com.org.", NULL },
	};
	static struct fake_zones f;
	f.n = 0;
	add_zone(&f, "example.com.");
	struct ans_zoneset *zs = NULL;
	assert_int_equal(ans_zoneset_new(&zs, f.ptrs, f.n), ANS_OK);
	check_cases(zs, cases, sizeof(cases) / sizeof(cases[0]));
	ans_zoneset_free(zs);

	static const struct find_case root_cases[] = {
		{ ".", "." }, { "org.", "." }, { "a.b.c.", "." },
	};
	f.n = 0;
	add_zone(&f, ".");
	assert_int_equal(ans_zoneset_new(&zs, f.ptrs, f.n), ANS_OK);
	check_cases(zs, root_cases, sizeof(root_cases) / sizeof(root_cases[0]));
	ans_zoneset_free(zs);
}

/* A root zone catches everything the others do not. */
static void test_root_zone(void **state)
{
	(void)state;
	static const struct find_case cases[] = {
		{ ".", "." },
		{ "org.", "." },
		{ "www.example.com.", "example.com." },
		{ "a.b.c.d.e.f.g.", "." },
	};
	for (size_t padding = 0; padding <= 50; padding += 50) {
		static struct fake_zones f;
		f.n = 0;
		add_zone(&f, ".");
		add_zone(&f, "example.com.");
		add_padding(&f, padding);
		struct ans_zoneset *zs = NULL;
		assert_int_equal(ans_zoneset_new(&zs, f.ptrs, f.n), ANS_OK);
		check_cases(zs, cases, sizeof(cases) / sizeof(cases[0]));
		ans_zoneset_free(zs);
	}
}

static void test_duplicates(void **state)
{
	(void)state;
	for (size_t padding = 0; padding <= 50; padding += 50) {
		static struct fake_zones f;
		f.n = 0;
		add_zone(&f, "example.com.");
		add_padding(&f, padding);
		add_zone(&f, "EXAMPLE.com.");   /* same apex, other case */
		struct ans_zoneset *zs = (struct ans_zoneset *)&f;  /* must stay */
		assert_int_equal(ans_zoneset_new(&zs, f.ptrs, f.n), ANS_EEXIST);
		assert_ptr_equal(zs, (struct ans_zoneset *)&f);
	}
}

static void test_empty_and_accessors(void **state)
{
	(void)state;
	struct ans_zoneset *zs = NULL;
	assert_int_equal(ans_zoneset_new(&zs, NULL, 0), ANS_OK);
	assert_int_equal(ans_zoneset_count(zs), 0);
	assert_null(ans_zoneset_find(zs, ans_name_root));
	assert_null(ans_zoneset_get(zs, 0));
	ans_zoneset_free(zs);
	ans_zoneset_free(NULL);

	static struct fake_zones f;
	f.n = 0;
	add_zone(&f, "a.");
	add_zone(&f, "b.");
	assert_int_equal(ans_zoneset_new(&zs, f.ptrs, f.n), ANS_OK);
	assert_ptr_equal(ans_zoneset_get(zs, 0), &f.zones[0]);
	assert_ptr_equal(ans_zoneset_get(zs, 1), &f.zones[1]);
	assert_null(ans_zoneset_get(zs, 2));
	ans_zoneset_free(zs);

	/* A zone without an apex is refused. */
	f.zones[1].apex = NULL;
	assert_int_equal(ans_zoneset_new(&zs, f.ptrs, f.n), ANS_EINVAL);
}

/* Reference: the longest apex the name is at or below, by brute force. */
static const struct ans_zone *brute_find(const struct fake_zones *f, const uint8_t *q)
{
	const struct ans_zone *best = NULL;
	for (size_t i = 0; i < f->n; i++)
		if (ans_name_is_sub(q, f->zones[i].apex) &&
		    (!best || ans_name_labels(f->zones[i].apex) > ans_name_labels(best->apex)))
			best = &f->zones[i];
	return best;
}

/* Nested zones a.b.c... with random queries: hash path == brute force. */
static void test_against_brute_force(void **state)
{
	(void)state;
	static struct fake_zones f;
	f.n = 0;
	srand(12345);
	char apex[ANS_NAME_TEXT_MAX];
	for (int i = 0; i < 120; i++) {
		/* Apexes like "l2.l0.t1." built from a small alphabet so they nest. */
		int depth = 1 + rand() % 4;
		size_t k = 0;
		for (int d = 0; d < depth; d++)
			k += (size_t)snprintf(apex + k, sizeof(apex) - k, "l%d.", rand() % 3);
		snprintf(apex + k, sizeof(apex) - k, "t%d.", i % 5);
		uint8_t w[ANS_NAME_MAX];
		size_t len;
		assert_int_equal(ans_name_from_text(w, &len, apex, strlen(apex), NULL), ANS_OK);
		bool dup = false;
		for (size_t j = 0; j < f.n; j++)
			dup |= ans_name_equal(f.zones[j].apex, w);
		if (!dup)
			add_zone(&f, apex);
	}
	struct ans_zoneset *zs = NULL;
	assert_int_equal(ans_zoneset_new(&zs, f.ptrs, f.n), ANS_OK);
	unsigned found = 0;
	for (int i = 0; i < 2000; i++) {
		int depth = rand() % 8;
		size_t k = 0;
		for (int d = 0; d < depth; d++)
			k += (size_t)snprintf(apex + k, sizeof(apex) - k, "l%d.", rand() % 3);
		snprintf(apex + k, sizeof(apex) - k, "t%d.", rand() % 6);
		uint8_t q[ANS_NAME_MAX];
		size_t len;
		assert_int_equal(ans_name_from_text(q, &len, apex, strlen(apex), NULL), ANS_OK);
		const struct ans_zone *want = brute_find(&f, q);
		if (ans_zoneset_find(zs, q) != want)
			fail_msg("query %s: zone set and brute force differ", apex);
		found += want != NULL;
	}
	/* The test means something only if both outcomes occur often. */
	assert_true(found > 200 && found < 1800);
	ans_zoneset_free(zs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_few),
		cmocka_unit_test(test_find_many),
		cmocka_unit_test(test_root_zone),
		cmocka_unit_test(test_one_zone),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_empty_and_accessors),
		cmocka_unit_test(test_against_brute_force),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

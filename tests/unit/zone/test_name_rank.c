/* SPDX-License-Identifier: MIT */
/*
 * lib/zone/name_rank.c: ranks agree with ans_name_cmp() (RFC 4034 §6.1) on
 * every pair of a table of awkward names (bytes 0, 1, 2 and 0xff, letter
 * case, labels that are prefixes of others, parents and children) and of
 * 2,000 generated names; and of names under one long apex with long
 * labels, where the 8 bytes past the common prefix often tie and the whole
 * keys decide (the radix sort's tie runs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/name/name.h"
#include "lib/zone/name_rank.h"

static const char *const table[] = {
	"example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.",
	"zABC.a.EXAMPLE.", "z.example.", "\\001.z.example.", "*.z.example.",
	"\\200.z.example.", "\\000.z.example.", "\\000\\000.z.example.",
	"\\001\\001.z.example.", "\\002.z.example.", "a\\000.z.example.",
	"a.z.example.", "a\\001.z.example.", "A.z.example.", "ab.z.example.",
	"\\255.z.example.", "example.com.", "examplf.", ".", "a.", "b.a.",
	"\\001.a.", "\\000.a.", "a\\000b.example.", "a\\000.example.", "Example.",
};

#define NT (sizeof(table) / sizeof(table[0]))

static void check_pairs(const uint8_t *const *names, size_t n)
{
	uint32_t *rank = malloc(n * sizeof(*rank));
	assert_int_equal(ans_name_rank(names, n, rank), ANS_OK);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int want = ans_name_cmp(names[i], names[j]);
			int got = rank[i] < rank[j] ? -1 : rank[i] > rank[j];
			if ((want > 0) - (want < 0) != got)
				fail_msg("pair %zu %zu: cmp %d, ranks %u %u", i, j, want,
					 rank[i], rank[j]);
		}
	free(rank);
}

static void test_table(void **state)
{
	(void)state;
	static uint8_t wire[NT][ANS_NAME_MAX];
	const uint8_t *names[NT];
	for (size_t i = 0; i < NT; i++) {
		size_t len;
		assert_int_equal(ans_name_from_text(wire[i], &len, table[i],
						    strlen(table[i]), NULL), ANS_OK);
		names[i] = wire[i];
	}
	check_pairs(names, NT);
}

/* Names from a small alphabet that makes prefixes, case twins and the
 * escaped bytes common. */
static void test_generated(void **state)
{
	(void)state;
	enum { N = 2000 };
	static uint8_t wire[N][ANS_NAME_MAX];
	static const uint8_t alphabet[] = { 0, 1, 2, 'a', 'A', 'b', 0xff };
	const uint8_t *names[N];
	unsigned seed = 11;
	for (size_t i = 0; i < N; i++) {
		size_t pos = 0;
		seed = seed * 1103515245u + 12345u;
		unsigned labels = (seed >> 16) % 4;
		for (unsigned l = 0; l < labels; l++) {
			seed = seed * 1103515245u + 12345u;
			unsigned len = 1 + (seed >> 16) % 3;
			wire[i][pos++] = (uint8_t)len;
			for (unsigned c = 0; c < len; c++) {
				seed = seed * 1103515245u + 12345u;
				wire[i][pos++] = alphabet[(seed >> 16) % sizeof(alphabet)];
			}
		}
		wire[i][pos] = 0;
		names[i] = wire[i];
	}
	check_pairs(names, N);
}

/* Under one apex, labels of 1-12 bytes from a tiny alphabet: many names
 * share their first 8 bytes past the apex, and some repeat. */
static void test_generated_under_apex(void **state)
{
	(void)state;
	enum { N = 1500 };
	static const uint8_t apex[] = "\004zone\007example\000";
	static uint8_t wire[N][ANS_NAME_MAX];
	static const uint8_t alphabet[] = { 0, 1, 'a', 'A', 'b' };
	const uint8_t *names[N];
	unsigned seed = 7;
	for (size_t i = 0; i < N; i++) {
		size_t pos = 0;
		seed = seed * 1103515245u + 12345u;
		unsigned labels = (seed >> 16) % 3;
		for (unsigned l = 0; l < labels; l++) {
			seed = seed * 1103515245u + 12345u;
			unsigned len = 1 + (seed >> 16) % 12;
			wire[i][pos++] = (uint8_t)len;
			for (unsigned c = 0; c < len; c++) {
				seed = seed * 1103515245u + 12345u;
				unsigned r = (seed >> 16) % 16;
				/* mostly 'a': long shared prefixes */
				wire[i][pos++] = r < 11 ? 'a' : alphabet[r % sizeof(alphabet)];
			}
		}
		memcpy(wire[i] + pos, apex, sizeof(apex));
		names[i] = wire[i];
	}
	check_pairs(names, N);
}

static void test_key(void **state)
{
	(void)state;
	const uint8_t name[] = "\002A\000\003com";
	uint8_t key[16];
	assert_int_equal(ans_name_key_len(name), 8);
	ans_name_key(name, key);
	assert_memory_equal(key, "com\000a\001\001\000", 8);
	uint32_t r;
	assert_int_equal(ans_name_rank(NULL, 0, &r), ANS_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_generated_under_apex),
		cmocka_unit_test(test_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

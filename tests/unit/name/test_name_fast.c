/* SPDX-License-Identifier: MIT */
/*
 * lib/name/name_fast.c: the folding copy against a byte-at-a-time reference
 * (every byte value, every position, every length up to 24), and the
 * suffix-composable hash: each suffix state equals the state of that
 * suffix hashed on its own, and one label step from a suffix's state gives
 * the state of the longer name (the wildcard probe relies on it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/name/name.h"

static uint8_t ref_fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static void test_fold_copy(void **state)
{
	(void)state;
	/* Up to 40 bytes: the 8-byte words and, on SSE2, the 16-byte vectors
	 * with every tail length, twice. */
	uint8_t src[40], dst[40], want[40];
	for (size_t len = 1; len <= sizeof(src); len++)
		for (size_t pos = 0; pos < len; pos++)
			for (unsigned v = 0; v < 256; v++) {
				memset(src, 'Q', sizeof(src));
				src[pos] = (uint8_t)v;
				for (size_t i = 0; i < len; i++)
					want[i] = ref_fold(src[i]);
				memset(dst, 0xEE, sizeof(dst));
				ans_name_fold_copy(dst, src, len);
				assert_memory_equal(dst, want, len);
				if (len < sizeof(dst))
					assert_int_equal(dst[len], 0xEE);
				ans_name_fold_copy(src, src, len);   /* in place */
				assert_memory_equal(src, want, len);
			}
}

static void test_suffix_states(void **state)
{
	(void)state;
	static const uint8_t name[] = "\1a\3www\7example\3com";
	uint8_t offs[ANS_NAME_MAX_LABELS];
	uint64_t st[ANS_NAME_MAX_LABELS + 1];
	unsigned n = ans_name_label_offsets(name, offs);
	assert_int_equal(ans_name_shash_suffixes(name, offs, n, st), 4);
	for (unsigned i = 0; i < n; i++)
		assert_true(st[i] == ans_name_shash(name + offs[i]));
	assert_true(st[n] == ans_name_shash(ans_name_root));
	assert_true(ans_name_shash_label(st[1], name) == st[0]);
	static const uint8_t star[] = "\1*\7example\3com";
	assert_true(ans_name_shash_label(st[2], star) == ans_name_shash(star));
	/* Label boundaries count: "ab.c" and "a.bc" differ. */
	assert_true(ans_name_shash((const uint8_t *)"\2ab\1c") !=
		    ans_name_shash((const uint8_t *)"\1a\2bc"));
	assert_true(ans_name_shash_final(st[0]) != ans_name_shash_final(st[1]));
}

/* The label hash reads words: every byte of a label of every length must
 * count (a byte left out would make two labels collide every time), and
 * nothing outside the label may (ASan checks the reads: the label sits at
 * the end of an exactly sized heap block). */
static void test_label_every_byte(void **state)
{
	(void)state;
	for (unsigned len = 1; len <= ANS_LABEL_MAX; len++) {
		uint8_t *label = malloc(len + 1);
		assert_non_null(label);
		label[0] = (uint8_t)len;
		memset(label + 1, 'a', len);
		uint64_t base = ans_name_shash_label(ANS_NAME_SHASH_ROOT, label);
		for (unsigned pos = 1; pos <= len; pos++) {
			label[pos] = 'b';
			if (ans_name_shash_label(ANS_NAME_SHASH_ROOT, label) == base)
				fail_msg("length %u: byte %u not hashed", len, pos);
			label[pos] = 'a';
		}
		free(label);
	}
}

/* The inline step (name.h, used by the closest-encloser loop) is the
 * exported one: same state for every label length and start state, so the
 * index built with ans_name_shash() finds what the answer path hashes. */
static void test_step_inline_same(void **state)
{
	(void)state;
	uint64_t starts[2] = { ANS_NAME_SHASH_ROOT, 0x0123456789abcdefULL };
	for (unsigned len = 0; len <= ANS_LABEL_MAX; len++) {
		uint8_t *label = malloc(len + 1);
		assert_non_null(label);
		label[0] = (uint8_t)len;
		for (unsigned i = 1; i <= len; i++)
			label[i] = (uint8_t)('a' + (i * 7) % 26);
		for (int s = 0; s < 2; s++)
			if (ans_name_shash_step(starts[s], label) !=
			    ans_name_shash_label(starts[s], label))
				fail_msg("length %u: inline step differs", len);
		free(label);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_copy),
		cmocka_unit_test(test_suffix_states),
		cmocka_unit_test(test_label_every_byte),
		cmocka_unit_test(test_step_inline_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

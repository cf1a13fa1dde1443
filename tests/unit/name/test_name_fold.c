/* SPDX-License-Identifier: MIT */
/*
 * Case folding done eight bytes at a time (ans_name_lower, ans_name_equal,
 * ans_name_hash) against the byte-by-byte rule of RFC 4343: only ASCII
 * 'A'..'Z' fold; bytes with the top bit set (0xC1 is 'A' | 0x80) and the
 * neighbours of the letter ranges ('@', '[', '`', '{') never do. Every byte
 * value is tried at every position of a label longer than a word, so the
 * tail and the word boundaries are covered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/name/name.h"

static uint8_t ref_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* A label of `len` filler bytes + "\3com\0" with byte `v` at label position i;
 * len from 1 to 19 gives names of 7..25 bytes, every tail length of a word. */
static void make_len(uint8_t *name, unsigned len, unsigned i, uint8_t v, uint8_t filler)
{
	name[0] = (uint8_t)len;
	memset(name + 1, filler, len);
	name[1 + i] = v;
	memcpy(name + 1 + len, "\3com", 5);
}

static void make(uint8_t *name, unsigned i, uint8_t v, uint8_t filler)
{
	make_len(name, 19, i, v, filler);
}

static void test_lower_every_byte(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 19; i++) {
		for (unsigned v = 0; v < 256; v++) {
			uint8_t n[25], want[25];
			make(n, i, (uint8_t)v, 'Q');
			make(want, i, ref_lower((uint8_t)v), 'q');
			ans_name_lower(n);
			if (memcmp(n, want, sizeof(n)) != 0)
				fail_msg("byte 0x%02x at %u", v, i);
		}
	}
}

static void test_every_length(void **state)
{
	(void)state;
	for (unsigned len = 1; len <= 19; len++) {
		for (unsigned i = 0; i < len; i++) {
			uint8_t n[25] = { 0 }, want[25] = { 0 }, other[25] = { 0 };
			make_len(n, len, i, 'Z', 'M');
			make_len(want, len, i, 'z', 'm');
			make_len(other, len, i, 'y', 'm');
			assert_true(ans_name_equal(n, want));
			assert_false(ans_name_equal(n, other));
			assert_true(ans_name_hash(n) == ans_name_hash(want));
			assert_true(ans_name_hash(n) != ans_name_hash(other));
			ans_name_lower(n);
			if (memcmp(n, want, sizeof(n)) != 0)
				fail_msg("length %u, position %u", len, i);
		}
	}
}

static void test_equal_and_hash_every_pair(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 19; i += 6) {
		for (unsigned v = 0; v < 256; v++) {
			for (unsigned u = 0; u < 256; u++) {
				uint8_t a[25], b[25];
				make(a, i, (uint8_t)v, 'x');
				make(b, i, (uint8_t)u, 'X');
				bool want = ref_lower((uint8_t)v) == ref_lower((uint8_t)u);
				if (ans_name_equal(a, b) != want)
					fail_msg("0x%02x vs 0x%02x at %u", v, u, i);
				if (want && ans_name_hash(a) != ans_name_hash(b))
					fail_msg("hash 0x%02x vs 0x%02x at %u", v, u, i);
			}
		}
	}
}

/* Names that differ only in length (and so in zero padding) hash apart. */
static void test_hash_padding(void **state)
{
	(void)state;
	static const uint8_t *names[] = {
		(const uint8_t *)"\1a", (const uint8_t *)"\1a\0\0",
		(const uint8_t *)"\7example\0", (const uint8_t *)"\7example\3com",
	};
	uint64_t h[4];
	for (int i = 0; i < 4; i++)
		h[i] = ans_name_hash(names[i]);
	assert_true(h[0] != h[2] && h[2] != h[3] && h[0] != h[3]);
	assert_true(h[0] == h[1]);   /* the same name: it ends at the first 0 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lower_every_byte),
		cmocka_unit_test(test_every_length),
		cmocka_unit_test(test_equal_and_hash_every_pair),
		cmocka_unit_test(test_hash_padding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the arena allocator (lib/base/arena.h): alignment, no
 * overlap between allocations, oversized allocations, reset keeping one
 * chunk, free releasing everything. Run under ASan (`make unit-asan`) these
 * also catch writes past a chunk and leaks.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/base/arena.h"

static void test_init_allocates_nothing(void **state)
{
	(void)state;
	struct ans_arena a;
	ans_arena_init(&a, 0);
	assert_null(a.head);
	assert_int_equal(a.total_bytes, 0);
	assert_int_equal(a.chunk_size, 64 * 1024);
	ans_arena_reset(&a);   /* empty: fine */
	ans_arena_free(&a);
	ans_arena_init(&a, 100);
	assert_int_equal(a.chunk_size, 100);
}

/* Allocations of many sizes: 16-aligned, distinct, and none overwrites
 * another (each is filled with its own byte and checked at the end). */
static void test_alignment_and_overlap(void **state)
{
	(void)state;
	struct ans_arena a;
	ans_arena_init(&a, 1024);
	enum { N = 300 };
	uint8_t *p[N];
	size_t sz[N];
	for (int i = 0; i < N; i++) {
		sz[i] = (size_t)(i * 37 % 700);   /* 0 .. 699, crossing chunks */
		bool bytes = i % 3 == 0;
		p[i] = bytes ? ans_arena_alloc_bytes(&a, sz[i]) : ans_arena_alloc(&a, sz[i]);
		assert_non_null(p[i]);
		if (!bytes)
			assert_int_equal((uintptr_t)p[i] % 16, 0);
		memset(p[i], i & 0xff, sz[i]);
	}
	for (int i = 0; i < N; i++)
		for (size_t k = 0; k < sz[i]; k++)
			if (p[i][k] != (uint8_t)(i & 0xff))
				fail_msg("allocation %d overwritten at %zu", i, k);
	assert_true(a.total_bytes >= 300 * 350 / 2);
	ans_arena_free(&a);
	assert_int_equal(a.total_bytes, 0);
	assert_null(a.head);
}

/* Byte allocations are packed: no alignment padding between them. */
static void test_bytes_are_packed(void **state)
{
	(void)state;
	struct ans_arena a;
	ans_arena_init(&a, 256);
	char *x = ans_arena_alloc_bytes(&a, 3);
	char *y = ans_arena_alloc_bytes(&a, 5);
	assert_ptr_equal(y, x + 3);
	ans_arena_free(&a);
}

static void test_dup(void **state)
{
	(void)state;
	struct ans_arena a;
	ans_arena_init(&a, 64);
	const char src[] = "example.com";
	char *d = ans_arena_dup(&a, src, sizeof(src));
	assert_non_null(d);
	assert_ptr_not_equal(d, src);
	assert_string_equal(d, src);
	assert_non_null(ans_arena_dup(&a, src, 0));
	ans_arena_free(&a);
}

/* An allocation larger than a chunk gets its own chunk, placed behind the
 * current one, so the current chunk's free space keeps being used. */
static void test_oversized(void **state)
{
	(void)state;
	struct ans_arena a;
	ans_arena_init(&a, 1024);
	uint8_t *small = ans_arena_alloc(&a, 100);
	size_t before = a.total_bytes;
	uint8_t *big = ans_arena_alloc(&a, 5000);
	assert_non_null(big);
	memset(big, 0x5a, 5000);
	assert_true(a.total_bytes >= before + 5000);
	uint8_t *next = ans_arena_alloc(&a, 100);
	assert_ptr_equal(next, small + 112);   /* same chunk, 16-aligned */
	/* Impossible sizes fail cleanly instead of wrapping around. */
	assert_null(ans_arena_alloc(&a, SIZE_MAX));
	assert_null(ans_arena_alloc_bytes(&a, SIZE_MAX - 8));
	ans_arena_free(&a);
}

/* Reset keeps one default-size chunk and reuses it. */
static void test_reset_reuses_one_chunk(void **state)
{
	(void)state;
	struct ans_arena a;
	ans_arena_init(&a, 1024);
	for (int i = 0; i < 20; i++)
		assert_non_null(ans_arena_alloc(&a, 500));
	size_t grown = a.total_bytes;
	ans_arena_reset(&a);
	size_t kept = a.total_bytes;
	assert_non_null(a.head);
	assert_true(kept >= 1024 && kept < 1024 + 128);
	assert_true(kept < grown);
	/* Two 500-byte allocations fit the kept chunk: nothing new is malloc'ed. */
	uint8_t *p = ans_arena_alloc(&a, 500);
	assert_non_null(ans_arena_alloc(&a, 500));
	assert_int_equal(a.total_bytes, kept);
	memset(p, 1, 500);
	ans_arena_free(&a);
	assert_int_equal(a.total_bytes, 0);

	/* When the newest chunk is an oversized one, reset drops everything. */
	ans_arena_init(&a, 1024);
	assert_non_null(ans_arena_alloc(&a, 5000));
	ans_arena_reset(&a);
	assert_null(a.head);
	assert_int_equal(a.total_bytes, 0);
	ans_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_allocates_nothing),
		cmocka_unit_test(test_alignment_and_overlap),
		cmocka_unit_test(test_bytes_are_packed),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_reset_reuses_one_chunk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

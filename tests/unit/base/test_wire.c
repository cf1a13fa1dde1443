/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the bounds-checked cursor (lib/base/wire.h): values are read
 * and written big-endian, and the first out-of-bounds access sets a sticky
 * error after which nothing moves or changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/base/wire.h"

static void test_read_values(void **state)
{
	(void)state;
	uint8_t buf[] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0xff };
	struct ans_wire w = ans_wire_init(buf, sizeof(buf));
	assert_int_equal(ans_wire_read_u8(&w), 0x12);
	assert_int_equal(ans_wire_read_u16(&w), 0x3456);
	assert_int_equal(ans_wire_read_u32(&w), 0x789abcdeu);
	assert_int_equal(ans_wire_avail(&w), 2);
	uint8_t two[2];
	ans_wire_read_bytes(&w, two, 2);
	assert_int_equal(two[0], 0xf0);
	assert_int_equal(two[1], 0xff);
	assert_int_equal(w.err, ANS_OK);
	assert_int_equal(w.pos, sizeof(buf));
	assert_int_equal(ans_wire_avail(&w), 0);
}

/* For each read width, a read one byte short fails, returns 0, keeps pos,
 * and every later read (even one that would fit) fails too. */
struct short_read_case {
	size_t avail;
	int width;   /* 1, 2, 4, or 0 for read_bytes of 3, -1 for skip of 3 */
};

static const struct short_read_case short_reads[] = {
	{ 0, 1 }, { 1, 2 }, { 0, 2 }, { 3, 4 }, { 1, 4 }, { 2, 0 }, { 2, -1 },
};

static void do_read(struct ans_wire *w, int width, uint32_t *v)
{
	uint8_t b[3] = { 0xaa, 0xaa, 0xaa };
	switch (width) {
	case 1: *v = ans_wire_read_u8(w); break;
	case 2: *v = ans_wire_read_u16(w); break;
	case 4: *v = ans_wire_read_u32(w); break;
	case 0:
		ans_wire_read_bytes(w, b, 3);
		/* On failure the destination is zeroed, not left stale. */
		*v = (uint32_t)b[0] | b[1] | b[2];
		break;
	default: ans_wire_skip(w, 3); *v = 0; break;
	}
}

static void test_short_reads_are_sticky(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(short_reads) / sizeof(short_reads[0]); i++) {
		uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
		size_t start = sizeof(buf) - short_reads[i].avail;
		struct ans_wire w = ans_wire_init(buf, sizeof(buf));
		ans_wire_skip(&w, start);
		assert_int_equal(w.err, ANS_OK);
		uint32_t v = 1;
		do_read(&w, short_reads[i].width, &v);
		if (w.err != ANS_EMALF)
			fail_msg("case %zu: err %d", i, w.err);
		assert_int_equal(v, 0);
		assert_int_equal(w.pos, start);
		assert_int_equal(ans_wire_avail(&w), 0);
		/* Sticky: a zero-length read now fails as well, pos never moves. */
		w.pos = 0;  /* even if the caller rewinds by hand */
		assert_int_equal(ans_wire_read_u8(&w), 0);
		assert_false(ans_wire_can_read(&w, 0));
		assert_int_equal(w.pos, 0);
		assert_int_equal(w.err, ANS_EMALF);
	}
}

static void test_write_values(void **state)
{
	(void)state;
	uint8_t buf[11];
	memset(buf, 0xee, sizeof(buf));
	struct ans_wire w = ans_wire_init(buf, 10);
	ans_wire_write_u8(&w, 0x01);
	ans_wire_write_u16(&w, 0x0203);
	ans_wire_write_u32(&w, 0x04050607);
	ans_wire_write_bytes(&w, "\x08\x09\x0a", 3);
	assert_int_equal(w.err, ANS_OK);
	assert_int_equal(w.pos, 10);
	assert_memory_equal(buf, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a", 10);
	ans_wire_write_bytes(&w, NULL, 0);   /* nothing to write: fine */
	assert_int_equal(w.err, ANS_OK);
	ans_wire_write_u8(&w, 0x0b);
	assert_int_equal(w.err, ANS_ESPACE);
	assert_int_equal(buf[10], 0xee);     /* nothing past the end */
}

/* A write that does not fit writes nothing at all (no partial value), and
 * every later write is refused even when it would fit. */
static void test_short_writes_are_sticky(void **state)
{
	(void)state;
	static const int widths[] = { 1, 2, 4, 3 };
	for (size_t i = 0; i < 4; i++) {
		for (size_t room = 0; room < (size_t)widths[i]; room++) {
			uint8_t buf[8];
			memset(buf, 0xee, sizeof(buf));
			struct ans_wire w = ans_wire_init(buf, room);
			switch (widths[i]) {
			case 1: ans_wire_write_u8(&w, 0x11); break;
			case 2: ans_wire_write_u16(&w, 0x1111); break;
			case 4: ans_wire_write_u32(&w, 0x11111111); break;
			default: ans_wire_write_bytes(&w, "\x11\x11\x11", 3); break;
			}
			assert_int_equal(w.err, ANS_ESPACE);
			assert_int_equal(w.pos, 0);
			for (size_t k = 0; k < sizeof(buf); k++)
				assert_int_equal(buf[k], 0xee);
			w.len = sizeof(buf);   /* more room now: still refused */
			ans_wire_write_u8(&w, 0x22);
			assert_int_equal(buf[0], 0xee);
			assert_int_equal(w.err, ANS_ESPACE);
		}
	}
}

/* The first error is kept: a read error then a write error stays EMALF. */
static void test_first_error_kept(void **state)
{
	(void)state;
	uint8_t buf[2] = { 0, 0 };
	struct ans_wire w = ans_wire_init(buf, sizeof(buf));
	(void)ans_wire_read_u32(&w);
	assert_int_equal(w.err, ANS_EMALF);
	ans_wire_write_u8(&w, 1);
	assert_int_equal(w.err, ANS_EMALF);
	assert_int_equal(buf[0], 0);

	w = ans_wire_init(buf, sizeof(buf));
	ans_wire_write_u32(&w, 1);
	assert_int_equal(w.err, ANS_ESPACE);
	(void)ans_wire_read_u8(&w);
	assert_int_equal(w.err, ANS_ESPACE);
}

/* Huge lengths must not wrap around the bounds check. */
static void test_huge_lengths(void **state)
{
	(void)state;
	uint8_t buf[4] = { 0 };
	struct ans_wire w = ans_wire_init(buf, sizeof(buf));
	ans_wire_skip(&w, 2);
	ans_wire_skip(&w, SIZE_MAX);
	assert_int_equal(w.err, ANS_EMALF);
	assert_int_equal(w.pos, 2);
	w = ans_wire_init(buf, sizeof(buf));
	ans_wire_skip(&w, 1);
	ans_wire_write_bytes(&w, buf, SIZE_MAX - 1);
	assert_int_equal(w.err, ANS_ESPACE);
	assert_int_equal(w.pos, 1);
}

static void test_get_put_helpers(void **state)
{
	(void)state;
	uint8_t b[4];
	ans_put_u16(b, 0xbeef);
	assert_int_equal(b[0], 0xbe);
	assert_int_equal(b[1], 0xef);
	assert_int_equal(ans_get_u16(b), 0xbeef);
	ans_put_u32(b, 0xdeadbeef);
	assert_memory_equal(b, "\xde\xad\xbe\xef", 4);
	assert_int_equal(ans_get_u32(b), 0xdeadbeefu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_values),
		cmocka_unit_test(test_short_reads_are_sticky),
		cmocka_unit_test(test_write_values),
		cmocka_unit_test(test_short_writes_are_sticky),
		cmocka_unit_test(test_first_error_kept),
		cmocka_unit_test(test_huge_lengths),
		cmocka_unit_test(test_get_put_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

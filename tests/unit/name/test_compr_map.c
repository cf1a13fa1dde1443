/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of lib/name/compr_map.c, the hashed compression table for
 * zone-transfer messages: the same bytes as compr.c's search where both
 * apply, the longest suffix always found in big messages (checked against a
 * brute-force search), every name parsed back intact, and the map kept
 * honest when the cursor moves back over recorded names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/name/name.h"

static size_t from_text(const char *text, uint8_t out[ANS_NAME_MAX])
{
	size_t len;
	if (ans_name_from_text(out, &len, text, strlen(text), NULL) != ANS_OK)
		fail_msg("from_text(\"%s\")", text);
	return len;
}

static void write_map(struct ans_wire *w, const char *text, struct ans_compr_map *m)
{
	uint8_t n[ANS_NAME_MAX];
	from_text(text, n);
	assert_int_equal(ans_name_write_map(w, n, m), ANS_OK);
}

static void assert_name_at(const uint8_t *msg, size_t end, size_t pos, const char *text)
{
	uint8_t want[ANS_NAME_MAX], got[ANS_NAME_MAX];
	size_t wl = from_text(text, want), gl;
	assert_int_equal(ans_name_parse(msg, end, &pos, got, &gl), ANS_OK);
	assert_int_equal(gl, wl);
	/* A pointer stands for the suffix in the case it was written with. */
	assert_true(ans_name_equal(got, want));
}

/* The table of test_name.c's compression test: the same bytes. */
static const char *const names[] = {
	"www.example.com.", "mail.example.com.", "example.com.", "com.",
	"ftp.mail.example.com.", "org.", ".", "EXAMPLE.com.", "www.example.com.",
};

/* A 0x20-randomised question, then zone names in other cases: both
 * compressors match letter case aside (RFC 4343 §3 letters only). */
static const char *const case_names[] = {
	"wWw.ExAmple.COM.", "ns1.example.com.", "NS1.EXAMPLE.com.", "example.COM.",
	"WWW.EXAMPLE.COM.", "a@b.example.com.", "a`b.example.com.", "X^.com.", "x~.com.",
};

static void same_bytes(const char *const *list, size_t n)
{
	uint8_t a[512] = { 0 }, b[512] = { 0 };
	struct ans_wire wa = ans_wire_init(a, sizeof(a)), wb = ans_wire_init(b, sizeof(b));
	struct ans_compr c;
	struct ans_compr_map m;
	ans_compr_init(&c, a);
	ans_compr_map_init(&m, b);
	wa.pos = wb.pos = 12;
	for (size_t i = 0; i < n; i++) {
		uint8_t name[ANS_NAME_MAX];
		from_text(list[i], name);
		size_t at = wb.pos;
		assert_int_equal(ans_name_write(&wa, name, &c), ANS_OK);
		assert_int_equal(ans_name_write_map(&wb, name, &m), ANS_OK);
		assert_name_at(b, wb.pos, at, list[i]);
	}
	assert_int_equal(wa.pos, wb.pos);
	assert_memory_equal(a, b, wa.pos);
}

static void test_same_bytes_as_search(void **state)
{
	(void)state;
	same_bytes(names, sizeof(names) / sizeof(names[0]));
}

/* Mixed case: the same bytes as compr.c, and names that differ from the
 * question only in case are pointers into it. */
static void test_case_insensitive(void **state)
{
	(void)state;
	same_bytes(case_names, sizeof(case_names) / sizeof(case_names[0]));
	uint8_t msg[512] = { 0 };
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_compr_map m;
	ans_compr_map_init(&m, msg);
	w.pos = 12;
	write_map(&w, "wWw.ExAmple.COM.", &m);
	size_t at = w.pos;
	write_map(&w, "WWW.example.com.", &m);
	assert_int_equal(w.pos - at, 2);
	assert_memory_equal(msg + at, "\300\014", 2);
	at = w.pos;
	write_map(&w, "mail.EXAMPLE.com.", &m);
	assert_int_equal(w.pos - at, 7);
	assert_memory_equal(msg + at, "\004mail\300\020", 7);
	at = w.pos;
	write_map(&w, "a@b.com.", &m);
	write_map(&w, "a`b.com.", &m);   /* not a letter: its own label */
	assert_int_equal(w.pos - at, 12);
}

/* Labels shared, from the root, by two names of the same text form. */
static unsigned shared_labels(const uint8_t *x, const uint8_t *y)
{
	uint8_t ox[ANS_NAME_MAX_LABELS], oy[ANS_NAME_MAX_LABELS];
	unsigned nx = ans_name_label_offsets(x, ox), ny = ans_name_label_offsets(y, oy);
	unsigned k = 0;
	while (k < nx && k < ny) {
		const uint8_t *lx = x + ox[nx - 1 - k], *ly = y + oy[ny - 1 - k];
		if (lx[0] != ly[0] || memcmp(lx + 1, ly + 1, lx[0]) != 0)
			break;
		k++;
	}
	return k;
}

#define BIG 1200

/* A zone-transfer-like message of 1,200 names (far past compr.c's 64):
 * each name reuses the longest suffix of any earlier name, found by brute
 * force, and parses back to itself. */
static void test_longest_suffix_big(void **state)
{
	(void)state;
	static uint8_t msg[0x4000];
	static uint8_t wire[BIG][ANS_NAME_MAX];
	static char text[BIG][64];
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_compr_map m;
	ans_compr_map_init(&m, msg);
	w.pos = 12;
	size_t starts[BIG];
	unsigned seed = 7;
	for (int i = 0; i < BIG; i++) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = seed >> 8;
		if (r % 3 == 0)
			snprintf(text[i], sizeof(text[i]), "h%u.z%u.test.", r % 500, r % 7);
		else if (r % 3 == 1)
			snprintf(text[i], sizeof(text[i]), "ns%u.d%u.z%u.test.", r % 2, r % 300, r % 7);
		else
			snprintf(text[i], sizeof(text[i]), "z%u.test.", r % 9);
		size_t len = from_text(text[i], wire[i]);
		unsigned best = 0;
		for (int j = 0; j < i; j++) {
			unsigned k = shared_labels(wire[i], wire[j]);
			best = k > best ? k : best;
		}
		starts[i] = w.pos;
		assert_int_equal(ans_name_write_map(&w, wire[i], &m), ANS_OK);
		unsigned nn = ans_name_labels(wire[i]);
		/* Inline: the labels not shared, then a pointer (or the root). */
		const uint8_t *kept = ans_name_skip_labels(wire[i], nn - best);
		size_t want = (size_t)(kept - wire[i]) + (best ? 2 : 1);
		if (w.pos - starts[i] != want)
			fail_msg("name %d %s: %zu bytes, want %zu (len %zu, %u shared)",
				 i, text[i], w.pos - starts[i], want, len, best);
	}
	for (int i = 0; i < BIG; i++)
		assert_name_at(msg, w.pos, starts[i], text[i]);
}

/* A record dropped by moving the cursor back leaves slots behind; names
 * written after it, over other bytes, must not point at them. */
static void test_cursor_moved_back(void **state)
{
	(void)state;
	uint8_t msg[512] = { 0 };
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_compr_map m;
	ans_compr_map_init(&m, msg);
	w.pos = 12;
	write_map(&w, "example.", &m);
	size_t back = w.pos;
	write_map(&w, "dropped.name.example.", &m);
	w.pos = back;
	/* The same bytes again, then junk where the dropped labels were. */
	ans_wire_write_bytes(&w, (const uint8_t *)"\003abc\300\014xxxxxxxxxxxxxxxx", 22);
	size_t at = w.pos;
	write_map(&w, "dropped.name.example.", &m);
	write_map(&w, "name.example.", &m);
	assert_name_at(msg, w.pos, at, "dropped.name.example.");
	/* Nothing of the dropped name survives: written inline, then example. */
	assert_int_equal(msg[at], 7);
	assert_int_equal(msg[at + 13], 0xC0);
	assert_int_equal(msg[at + 14], 12);
}

/* Names written again from the same pointer (a transfer's owner, once per
 * RR of a node) take the short cut; the bytes must be those the probes
 * give for fresh copies of the same names, letter case and all. */
static void test_repeat_same_bytes(void **state)
{
	(void)state;
	static const char *const pool[] = {
		"h1.bench.test.", "bench.test.", "NS1.Bench.TEST.", "ns1.bench.test.",
		"x.h1.bench.test.", ".", "test.",
	};
	static const unsigned seq[] = { 1, 0, 0, 0, 2, 2, 3, 3, 0, 4, 4, 5, 5, 6, 6, 1, 1 };
	enum { NSEQ = sizeof(seq) / sizeof(seq[0]) };
	uint8_t names[7][ANS_NAME_MAX], copies[NSEQ][ANS_NAME_MAX];
	for (unsigned i = 0; i < 7; i++)
		from_text(pool[i], names[i]);
	uint8_t a[512] = { 0 }, b[512] = { 0 };
	struct ans_wire wa = ans_wire_init(a, sizeof(a)), wb = ans_wire_init(b, sizeof(b));
	struct ans_compr_map ma, mb;
	ans_compr_map_init(&ma, a);
	ans_compr_map_init(&mb, b);
	wa.pos = wb.pos = 12;
	for (unsigned k = 0; k < NSEQ; k++) {
		from_text(pool[seq[k]], copies[k]);
		size_t at = wa.pos;
		assert_int_equal(ans_name_write_map(&wa, names[seq[k]], &ma), ANS_OK);
		assert_int_equal(ans_name_write_map(&wb, copies[k], &mb), ANS_OK);
		assert_name_at(a, wa.pos, at, pool[seq[k]]);
		if (k > 0 && seq[k] == seq[k - 1] && seq[k] != 5)
			assert_int_equal(wa.pos - at, 2);   /* one pointer */
	}
	assert_int_equal(wa.pos, wb.pos);
	assert_memory_equal(a, b, wa.pos);
}

/* The short cut is a hint: the cursor moved back over the name, the bytes
 * behind the caller's pointer changed, or the name went out past 0x4000
 * (not recorded): each time the name is written as the probes say. */
static void test_repeat_checked(void **state)
{
	(void)state;
	static uint8_t msg[0x4400];
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_compr_map m;
	ans_compr_map_init(&m, msg);
	uint8_t n[ANS_NAME_MAX];
	w.pos = 12;
	write_map(&w, "example.", &m);
	size_t back = w.pos;
	from_text("dropped.example.", n);
	assert_int_equal(ans_name_write_map(&w, n, &m), ANS_OK);
	w.pos = back;
	ans_wire_write_bytes(&w, (const uint8_t *)"xxxxxxxÀ", 10);
	size_t at = w.pos;
	assert_int_equal(ans_name_write_map(&w, n, &m), ANS_OK);
	assert_name_at(msg, w.pos, at, "dropped.example.");
	assert_int_equal(msg[at], 7);                     /* inline again */
	/* Same pointer, other bytes: that name, not the last one. */
	from_text("other.example.", n);
	at = w.pos;
	assert_int_equal(ans_name_write_map(&w, n, &m), ANS_OK);
	assert_name_at(msg, w.pos, at, "other.example.");
	/* Past 0x4000: not recorded, so the repeat cannot point there. */
	w.pos = 0x4001;
	from_text("far.example.", n);
	assert_int_equal(ans_name_write_map(&w, n, &m), ANS_OK);
	at = w.pos;
	assert_int_equal(ans_name_write_map(&w, n, &m), ANS_OK);
	assert_name_at(msg, w.pos, at, "far.example.");
	assert_int_equal(w.pos - at, 6);                  /* "far" + pointer */
	assert_int_equal(msg[at + 5], 12);
}

/* Pointers reach offsets below 0x4000 only. */
static void test_far(void **state)
{
	(void)state;
	static uint8_t msg[0x4400];
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_compr_map m;
	ans_compr_map_init(&m, msg);
	w.pos = 0x3FF0;
	write_map(&w, "aaaaaaaaaaaaaaaaaaaaa.example.", &m);
	size_t at = w.pos;
	write_map(&w, "example.", &m);
	assert_int_equal(w.pos - at, 9);   /* example at 0x4006: in full */
	at = w.pos;
	write_map(&w, "b.aaaaaaaaaaaaaaaaaaaaa.example.", &m);
	assert_int_equal(w.pos - at, 4);
	assert_int_equal(msg[at + 2], 0xFF);
	assert_int_equal(msg[at + 3], 0xF0);
}

static void test_space(void **state)
{
	(void)state;
	uint8_t msg[20] = { 0 };
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_compr_map m;
	ans_compr_map_init(&m, msg);
	write_map(&w, "www.example.", &m);   /* 13 bytes: 3 slots */
	uint8_t n[ANS_NAME_MAX];
	from_text("longer.example.", n);
	assert_int_equal(ans_name_write_map(&w, n, &m), ANS_ESPACE);
	assert_int_equal(m.used, 2);   /* www.example, example; root never */
	assert_int_equal(ans_name_write_map(&w, ans_name_root, &m), ANS_ESPACE);
}

/* Past 3/4 of the slots nothing more is recorded; names stay correct. */
static void test_full(void **state)
{
	(void)state;
	static uint8_t msg[0x4000];
	static size_t starts[5000];
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_compr_map m;
	ans_compr_map_init(&m, msg);
	w.pos = 12;
	int n = 0;
	for (; n < 5000 && w.pos + 8 < 0x4000; n++) {
		char t[16];
		snprintf(t, sizeof(t), "%x.", n);
		starts[n] = w.pos;
		write_map(&w, t, &m);
	}
	assert_true(n > ANS_COMPR_MAP_SLOTS * 3 / 4);
	assert_int_equal(m.used, ANS_COMPR_MAP_SLOTS / 4 * 3);
	for (int i = 0; i < n; i++) {
		char t[16];
		snprintf(t, sizeof(t), "%x.", i);
		assert_name_at(msg, w.pos, starts[i], t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes_as_search),
		cmocka_unit_test(test_case_insensitive),
		cmocka_unit_test(test_longest_suffix_big),
		cmocka_unit_test(test_cursor_moved_back),
		cmocka_unit_test(test_repeat_same_bytes),
		cmocka_unit_test(test_repeat_checked),
		cmocka_unit_test(test_far),
		cmocka_unit_test(test_space),
		cmocka_unit_test(test_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

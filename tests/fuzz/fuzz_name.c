/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes ans_name_parse() with the input as a whole message, starting at
 * offsets 0..15 and at the offset held in the first two bytes (the ID field
 * of a real message), so names deep in a message are reached too. Every name that parses must
 * survive text and compressed wire round trips unchanged, byte for byte (but
 * for letter case where compression matched a name written in another case).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/name/name.h"

static void check_text(const uint8_t *name, size_t len)
{
	char text[ANS_NAME_TEXT_MAX];
	uint8_t back[ANS_NAME_MAX];
	size_t back_len;
	int n = ans_name_to_text(name, text, sizeof(text));
	if (n <= 0 || ans_name_from_text(back, &back_len, text, (size_t)n, NULL) ||
	    back_len != len || memcmp(back, name, len))
		abort();
}

/* Equal but for the case of ASCII letters: name compression matches names
 * whatever their case (compr.c), and must keep apart bytes that differ in
 * 0x20 but are not letters ('@' and '`', '[' and '{'). */
static bool same_but_case(const uint8_t *a, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t x = a[i] | 0x20;
		if (a[i] != b[i] && (x < 'a' || x > 'z' || x != (b[i] | 0x20)))
			return false;
	}
	return true;
}

static void flip_case(uint8_t *dst, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t x = src[i] | 0x20;
		dst[i] = x >= 'a' && x <= 'z' ? src[i] ^ 0x20 : src[i];
	}
}

/* Writes the parent, the name, the name again and the name with its letters'
 * case flipped, then parses all back; with compr.c's search, then with
 * compr_map.c's hash (which must give the same bytes for so few names). */
static void check_compression(const uint8_t *name, size_t len)
{
	uint8_t msg[12 + 4 * ANS_NAME_MAX] = { 0 }, got[ANS_NAME_MAX], flipped[ANS_NAME_MAX];
	uint8_t msg2[sizeof(msg)] = { 0 };
	const uint8_t *names[4] = { ans_name_skip_labels(name, 1), name, name, flipped };
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_wire w2 = ans_wire_init(msg2, sizeof(msg2));
	struct ans_compr c;
	static struct ans_compr_map m;
	flip_case(flipped, name, len);
	ans_compr_init(&c, msg);
	ans_compr_map_init(&m, msg2);
	w.pos = w2.pos = 12;
	for (int i = 0; i < 4; i++)
		if (ans_name_write(&w, names[i], &c) || ans_name_write_map(&w2, names[i], &m))
			abort();
	if (w.pos != w2.pos || memcmp(msg, msg2, w.pos))
		abort();
	size_t pos = 12, got_len;
	for (int i = 0; i < 4; i++)
		if (ans_name_parse(msg, w.pos, &pos, got, &got_len) ||
		    got_len != ans_name_len(names[i]) || !same_but_case(got, names[i], got_len) ||
		    (i < 3 && memcmp(got, names[i], got_len)))
			abort();
	if (pos != w.pos || ans_name_len(name) != len || w.pos > 12 + len + 3 * 2 + 1)
		abort();
}

static void check_one(const uint8_t *data, size_t size, size_t start)
{
	uint8_t name[ANS_NAME_MAX];
	size_t len, pos = start;
	if (ans_name_parse(data, size, &pos, name, &len) != ANS_OK)
		return;
	if (pos <= start || pos > size)
		abort();
	check_text(name, len);
	check_compression(name, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t start = 0; start < size && start < 16; start++)
		check_one(data, size, start);
	if (size >= 2)
		check_one(data, size, ans_get_u16(data) % size);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Suffix-composable name hashing for lookups that walk a name towards the
 * root (closest-encloser searches). The hash of a name is built from the
 * root leftwards, one label at a time: h(l.rest) = step(h(rest), l). So the
 * hashes of every suffix of a query name come out of one pass over its
 * bytes, and the hash of "*.<encloser>" is one step from the encloser's.
 *
 * The state takes a label a word at a time (length byte included, so label
 * boundaries count: one or two multiplies for most labels, where a byte
 * at a time cost one per byte); ans_name_shash_final() spreads it (a
 * 64-bit finaliser) for use as table index and tag. Names must already be lowercased: no
 * folding here, the callers hold lowercased copies anyway.
 */
#include "lib/name/name.h"

#include <string.h>

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t load32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* One word into the state: a multiply and a shift, both invertible, so
 * two different words never give the same state from the same start. */
static inline uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 32);
}

/* The label's n = length + 1 bytes (length byte first) as few words, read
 * only inside the label: whole words, then an overlapping last word; short
 * labels as two overlapping halves or three bytes. Which bytes are read
 * depends on n alone, and n is the first byte, so equal words mean equal
 * labels. */
static inline uint64_t shash_label(uint64_t suffix, const uint8_t *label)
{
	size_t n = (size_t)label[0] + 1;
	uint64_t h = suffix;
	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8)
			h = mix(h, load64(label + i));
		return mix(h, load64(label + n - 8));
	}
	if (n >= 4)
		return mix(h, load32(label) << 32 | load32(label + n - 4));
	return mix(h, (uint64_t)label[0] << 16 | (uint64_t)label[n / 2] << 8 | label[n - 1]);
}

uint64_t ans_name_shash_label(uint64_t suffix, const uint8_t *label)
{
	return shash_label(suffix, label);
}

uint64_t ans_name_shash_final(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

unsigned ans_name_shash_suffixes(const uint8_t *lname, const uint8_t *offs,
				 unsigned labels, uint64_t *out)
{
	uint64_t h = ANS_NAME_SHASH_ROOT;
	out[labels] = h;
	for (unsigned i = labels; i-- > 0;) {
		h = shash_label(h, lname + offs[i]);   /* inline: no call per label */
		out[i] = h;
	}
	return labels;
}

uint64_t ans_name_shash(const uint8_t *lname)
{
	uint8_t offs[ANS_NAME_MAX_LABELS];
	unsigned n = ans_name_label_offsets(lname, offs);
	uint64_t h = ANS_NAME_SHASH_ROOT;
	for (unsigned i = n; i-- > 0;)
		h = shash_label(h, lname + offs[i]);
	return h;
}

/* Eight bytes at a time: a byte is an ASCII capital when its low seven
 * bits are in 'A'..'Z' and its top bit is clear; adding 0x20 then is
 * setting bit 5. Bytes >= 0x80 never fold (RFC 4343 §3). */
static uint64_t fold_word(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t low7 = w & ~high;
	uint64_t ge_a = low7 + (0x80 - 'A') * ones;
	uint64_t gt_z = low7 + (0x80 - 'Z' - 1) * ones;
	uint64_t upper = ge_a & ~gt_z & ~w & high;
	return w | (upper >> 2);
}

void ans_name_fold_copy(uint8_t *dst, const uint8_t *src, size_t len)
{
	size_t i = 0;
	uint64_t w;
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, src + i, 8);
		w = fold_word(w);
		memcpy(dst + i, &w, 8);
	}
	if (i < len && len >= 8) {
		/* The tail as the last eight bytes, overlapping bytes already
		 * done: folding is idempotent, so they are written unchanged
		 * (also when dst == src). A byte loop here cost ~40
		 * instructions per query name. */
		memcpy(&w, src + len - 8, 8);
		w = fold_word(w);
		memcpy(dst + len - 8, &w, 8);
		return;
	}
	for (; i < len; i++) {
		uint8_t c = src[i];
		dst[i] = (uint8_t)(c + (((unsigned)(c - 'A') < 26u) << 5));
	}
}

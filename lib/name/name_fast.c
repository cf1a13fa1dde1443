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

/* The label step is ans_name_shash_step() (name.h, inline). */
static inline uint64_t shash_label(uint64_t suffix, const uint8_t *label)
{
	return ans_name_shash_step(suffix, label);
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

#if defined(__SSE2__)
#include <emmintrin.h>

/* Sixteen bytes at a time where SSE2 is there (every x86-64): a byte is a
 * capital when, as a signed byte, it is above '@' and below '['; bytes >=
 * 0x80 are negative, so never. Three compares and logic ops a vector, where
 * the word fold takes about a dozen per eight bytes. */
static inline __m128i fold16(__m128i v)
{
	__m128i ge_a = _mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1));
	__m128i le_z = _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1));
	return _mm_or_si128(v, _mm_and_si128(_mm_and_si128(ge_a, le_z),
					     _mm_set1_epi8(0x20)));
}

/* len >= 16: whole vectors, then the last sixteen bytes again (folding is
 * idempotent, so the overlap is written unchanged, also when dst == src). */
static void fold_copy16(uint8_t *dst, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i + 16 < len; i += 16)
		_mm_storeu_si128((__m128i *)(dst + i),
				 fold16(_mm_loadu_si128((const __m128i *)(src + i))));
	_mm_storeu_si128((__m128i *)(dst + len - 16),
			 fold16(_mm_loadu_si128((const __m128i *)(src + len - 16))));
}
#endif

void ans_name_fold_copy(uint8_t *dst, const uint8_t *src, size_t len)
{
	size_t i = 0;
	uint64_t w;
#if defined(__SSE2__)
	/* A question name is 20-40 bytes: the word loop below cost ~90
	 * instructions a query on mix2 (round 10). */
	if (len >= 16) {
		fold_copy16(dst, src, len);
		return;
	}
#endif
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

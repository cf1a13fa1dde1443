/* SPDX-License-Identifier: MIT */
/*
 * Suffix-composable name hashing for lookups that walk a name towards the
 * root (closest-encloser searches). The hash of a name is built from the
 * root leftwards, one label at a time: h(l.rest) = step(h(rest), l). So the
 * hashes of every suffix of a query name come out of one pass over its
 * bytes, and the hash of "*.<encloser>" is one step from the encloser's.
 *
 * The state is FNV-1a over the label bytes (length byte included, so label
 * boundaries count); ans_name_shash_final() spreads it (a 64-bit finaliser)
 * for use as table index and tag. Names must already be lowercased: no
 * folding here, the callers hold lowercased copies anyway.
 */
#include "lib/name/name.h"

#define FNV_PRIME 0x100000001b3ULL

uint64_t ans_name_shash_label(uint64_t suffix, const uint8_t *label)
{
	uint64_t h = suffix;
	for (unsigned i = 0; i <= label[0]; i++)
		h = (h ^ label[i]) * FNV_PRIME;
	return h;
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
		h = ans_name_shash_label(h, lname + offs[i]);
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
		h = ans_name_shash_label(h, lname + offs[i]);
	return h;
}

/* SPDX-License-Identifier: MIT */
/*
 * DOC: canonical ranks through byte-ordered keys
 *
 * RFC 4034 §6.1 orders names by their labels from the root, each label
 * compared as lowercased unsigned bytes, a label that is a prefix of
 * another first, a name before the names below it. ans_name_cmp() does
 * that pairwise, finding label boundaries on both sides every time; in a
 * sort of a million names that is ~20 such walks per name. Here each name
 * is encoded once so that memcmp() order is canonical order:
 *
 *   key = for each label, root first: lowercased bytes, then 0x00
 *         with byte 0x00 written 0x01 0x01 and byte 0x01 written 0x01 0x02
 *
 * A label that is a prefix of another ends with 0x00 where the longer one
 * goes on with a byte >= 0x01, so it sorts first; escaped 0 and 1 still
 * sort below every other byte and in their own order; a name's key is a
 * prefix of the keys of the names below it. The keys are sorted with
 * memcmp (ties of equal keys broken by nothing: equal names share a rank).
 */
#include "lib/zone/name_rank.h"

#include <stdlib.h>
#include <string.h>

#include "lib/name/name.h"

size_t ans_name_key_len(const uint8_t *name)
{
	size_t n = 0;
	for (const uint8_t *p = name; *p; p += *p + 1) {
		n += *p + 1u;
		for (unsigned i = 1; i <= *p; i++)
			n += p[i] <= 1;
	}
	return n;
}

void ans_name_key(const uint8_t *name, uint8_t *key)
{
	uint8_t offs[ANS_NAME_MAX_LABELS];
	unsigned nl = ans_name_label_offsets(name, offs);
	while (nl--) {
		const uint8_t *l = name + offs[nl];
		for (unsigned i = 1; i <= l[0]; i++) {
			uint8_t c = l[i];
			if (c <= 1) {
				*key++ = 1;
				*key++ = (uint8_t)(c + 1);
			} else {
				*key++ = c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
			}
		}
		*key++ = 0;
	}
}

struct entry {
	const uint8_t *key;
	uint32_t len;
	uint32_t idx;
};

static int entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	uint32_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);
	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static bool same_key(const struct entry *a, const struct entry *b)
{
	return a->len == b->len && memcmp(a->key, b->key, a->len) == 0;
}

int ans_name_rank(const uint8_t *const *names, size_t n, uint32_t *rank)
{
	if (n > UINT32_MAX)
		return ANS_ELIMIT;
	if (n == 0)
		return ANS_OK;
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += ans_name_key_len(names[i]);
	struct entry *e = malloc(n * sizeof(*e));
	uint8_t *keys = malloc(total ? total : 1);
	if (!e || !keys) {
		free(e);
		free(keys);
		return ANS_ENOMEM;
	}
	uint8_t *k = keys;
	for (size_t i = 0; i < n; i++) {
		size_t len = ans_name_key_len(names[i]);
		ans_name_key(names[i], k);
		e[i] = (struct entry){ k, (uint32_t)len, (uint32_t)i };
		k += len;
	}
	qsort(e, n, sizeof(*e), entry_cmp);
	uint32_t r = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && !same_key(&e[i - 1], &e[i]))
			r++;
		rank[e[i].idx] = r;
	}
	free(keys);
	free(e);
	return ANS_OK;
}

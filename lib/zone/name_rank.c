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
 * prefix of the keys of the names below it.
 *
 * Sorting: the keys of one zone share a long prefix (the apex, root
 * first), so the bytes that decide are past it. Each entry carries the 8
 * key bytes after the prefix common to all keys, big-endian in a u64
 * (padded with 0, which sorts as "ended": a key that ends there is a prefix
 * of any longer key with those bytes, and a label never starts with 0).
 * An LSD radix sort on that u64 (a pass per byte that varies) orders the
 * entries; only runs with equal u64 -- mostly records of one owner -- are
 * compared whole. On the 1M-record bench zone that took the ranking from
 * ~2,000 instructions per name with qsort and memcmp to a few hundred.
 * Equal keys share a rank.
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
	uint64_t pfx;                /* 8 key bytes after the common prefix */
	uint32_t idx;                /* the name's index */
	uint32_t pad;
};

struct keys {
	uint8_t *bytes;
	size_t *off;                 /* key i: bytes + off[i], off[i+1] - off[i] bytes */
};

static int key_cmp(const struct keys *k, uint32_t a, uint32_t b)
{
	size_t la = k->off[a + 1] - k->off[a], lb = k->off[b + 1] - k->off[b];
	int c = memcmp(k->bytes + k->off[a], k->bytes + k->off[b], la < lb ? la : lb);
	if (c)
		return c;
	return (la > lb) - (la < lb);
}

/* Length of the prefix every key shares with key 0. */
static size_t common_prefix(const struct keys *k, size_t n)
{
	size_t lcp = k->off[1];
	const uint8_t *k0 = k->bytes;
	for (size_t i = 1; i < n && lcp; i++) {
		const uint8_t *ki = k->bytes + k->off[i];
		size_t len = k->off[i + 1] - k->off[i], j = 0;
		size_t max = len < lcp ? len : lcp;
		while (j < max && ki[j] == k0[j])
			j++;
		lcp = j;
	}
	return lcp;
}

static uint64_t prefix_of(const struct keys *k, size_t i, size_t lcp)
{
	const uint8_t *key = k->bytes + k->off[i] + lcp;
	size_t len = k->off[i + 1] - k->off[i] - lcp;
	uint64_t v = 0;
	for (unsigned j = 0; j < 8; j++)
		v = v << 8 | (j < len ? key[j] : 0);
	return v;
}

/* LSD radix sort of e[0..n) by pfx, one pass per byte position whose
 * value is not the same in every entry; `tmp` has room for n. Returns the
 * array that holds the result (e or tmp). */
static struct entry *radix_sort(struct entry *e, struct entry *tmp, size_t n)
{
	static const size_t zero[256];
	size_t count[8][256];
	for (unsigned d = 0; d < 8; d++)
		memcpy(count[d], zero, sizeof(zero));
	for (size_t i = 0; i < n; i++)
		for (unsigned d = 0; d < 8; d++)
			count[d][(e[i].pfx >> (8 * d)) & 0xff]++;
	for (unsigned d = 0; d < 8; d++) {
		size_t *c = count[d];
		if (c[(e[0].pfx >> (8 * d)) & 0xff] == n)
			continue;
		size_t sum = 0;
		for (unsigned v = 0; v < 256; v++) {
			size_t here = c[v];
			c[v] = sum;
			sum += here;
		}
		for (size_t i = 0; i < n; i++)
			tmp[c[(e[i].pfx >> (8 * d)) & 0xff]++] = e[i];
		struct entry *t = e;
		e = tmp;
		tmp = t;
	}
	return e;
}

/* Insertion sort of a run of equal prefixes by whole keys: such runs are
 * short (an owner's records), so this beats a general sort. */
static void sort_run(const struct keys *k, struct entry *e, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct entry x = e[i];
		size_t j = i;
		for (; j > 0 && key_cmp(k, e[j - 1].idx, x.idx) > 0; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

/* Ranks sorted entries; runs of equal prefixes are ordered first. */
static void assign_ranks(const struct keys *k, struct entry *e, size_t n, uint32_t *rank)
{
	uint32_t r = 0;
	for (size_t i = 0; i < n;) {
		size_t end = i + 1;
		while (end < n && e[end].pfx == e[i].pfx)
			end++;
		sort_run(k, e + i, end - i);
		for (size_t j = i; j < end; j++) {
			if (j > 0 && (j == i || key_cmp(k, e[j - 1].idx, e[j].idx) != 0))
				r++;
			rank[e[j].idx] = r;
		}
		i = end;
	}
}

static int build_keys(const uint8_t *const *names, size_t n, struct keys *k)
{
	k->off = malloc((n + 1) * sizeof(*k->off));
	if (!k->off)
		return ANS_ENOMEM;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		k->off[i] = total;
		total += ans_name_key_len(names[i]);
	}
	k->off[n] = total;
	k->bytes = malloc(total ? total : 1);
	if (!k->bytes)
		return ANS_ENOMEM;
	for (size_t i = 0; i < n; i++)
		ans_name_key(names[i], k->bytes + k->off[i]);
	return ANS_OK;
}

int ans_name_rank(const uint8_t *const *names, size_t n, uint32_t *rank)
{
	if (n > UINT32_MAX)
		return ANS_ELIMIT;
	if (n == 0)
		return ANS_OK;
	struct keys k = { NULL, NULL };
	struct entry *e = malloc(n * sizeof(*e));
	struct entry *tmp = malloc(n * sizeof(*tmp));
	int err = e && tmp ? build_keys(names, n, &k) : ANS_ENOMEM;
	if (err != ANS_OK)
		goto out;
	size_t lcp = common_prefix(&k, n);
	for (size_t i = 0; i < n; i++)
		e[i] = (struct entry){ prefix_of(&k, i, lcp), (uint32_t)i, 0 };
	assign_ranks(&k, radix_sort(e, tmp, n), n, rank);
out:
	free(k.bytes);
	free(k.off);
	free(tmp);
	free(e);
	return err;
}

/* SPDX-License-Identifier: MIT */
/*
 * DOC: zone set, finding the zone of a query name
 *
 * The zone of a name is the zone whose apex is the longest suffix of it
 * (RFC 1034 §4.3.2 step 2: "the nearest ancestor ... for which we have
 * authority"). The set is immutable once built and only read afterwards,
 * by any number of workers, without locks.
 *
 * Two paths:
 *  - up to SMALL_SET zones (the common single-zone or few-zone server): try
 *    each apex against the matching suffix of the name, keep the longest;
 *  - more zones: an open-addressing hash table of apexes. Suffix hashes of
 *    the query name are computed in one pass from the root leftwards (the
 *    hash of a suffix is a function of the hash of the next shorter suffix
 *    and one label), then probed from the longest suffix to the shortest, so
 *    the first hit is the longest match. Suffixes with more labels than the
 *    deepest apex are never probed.
 *
 * Only `apex` of struct ans_zone is read, once: the set keeps lowercased
 * copies, so a lookup compares bytes. Answering passes the label offsets
 * its parser found (ans_zoneset_find_labels), so nothing walks the name
 * again. The hash here is private to this module (it must be computable
 * suffix by suffix, which ans_name_hash() is not).
 */
#include "lib/zone/zoneset.h"
#include "lib/zone/zone_priv.h"

#include <stdlib.h>
#include <string.h>

#define SMALL_SET 8

struct slot {
	uint64_t hash;
	uint32_t idx1;   /* zone index + 1; 0 marks an empty slot */
};

struct ans_zoneset {
	size_t n;
	struct ans_zone **zones;
	unsigned *apex_labels;   /* label count of each apex */
	const uint8_t **lapex;   /* each apex lowercased, in apex_buf */
	uint8_t *apex_len;       /* its wire length */
	uint8_t *apex_buf;
	unsigned max_labels;     /* deepest apex */
	struct slot *slots;      /* NULL for small sets */
	size_t mask;
	const struct ans_zone **expired;   /* zones marked expired (few, usually none) */
	size_t expired_count;
};

static inline uint8_t lower(uint8_t c)
{
	return (uint8_t)(c - 'A') < 26 ? (uint8_t)(c + ('a' - 'A')) : c;
}

#define ROOT_HASH 0xcbf29ce484222325ULL

/* Hash of the name `label` + (suffix whose hash is h): FNV-1a steps over the
 * label's length byte and lowercased bytes. */
static uint64_t hash_label(uint64_t h, const uint8_t *label)
{
	for (unsigned i = 0; i <= label[0]; i++) {
		h ^= lower(label[i]);
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Final avalanche so the low bits index the table well. */
static uint64_t fmix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* Fills hs[i] with the mixed hash of the suffix starting at label i, for i
 * in 0..nl (hs[nl] is the root). */
static void suffix_hashes(const uint8_t *name, const uint8_t *offs, unsigned nl,
			  uint64_t hs[ANS_NAME_MAX_LABELS + 1])
{
	uint64_t h = ROOT_HASH;
	hs[nl] = fmix(h);
	for (unsigned i = nl; i-- > 0;) {
		h = hash_label(h, name + offs[i]);
		hs[i] = fmix(h);
	}
}

static uint64_t name_hash(const uint8_t *name)
{
	uint8_t offs[ANS_NAME_MAX_LABELS];
	uint64_t hs[ANS_NAME_MAX_LABELS + 1];
	unsigned nl = ans_name_label_offsets(name, offs);
	suffix_hashes(name, offs, nl, hs);
	return hs[0];
}

/* Whether zone i's apex is the lowercased name of `len` bytes. */
static inline bool apex_is(const struct ans_zoneset *zs, size_t i, const uint8_t *name,
		    size_t len)
{
	return zs->apex_len[i] == len && ans_zone_bytes_equal(zs->lapex[i], name, len);
}

/* Returns the index of the zone with this apex (a lowercased name of
 * `len` bytes), or -1. */
static long probe(const struct ans_zoneset *zs, uint64_t h, const uint8_t *name,
		  size_t len)
{
	for (size_t i = h & zs->mask;; i = (i + 1) & zs->mask) {
		const struct slot *s = &zs->slots[i];
		if (!s->idx1)
			return -1;
		if (s->hash == h && apex_is(zs, s->idx1 - 1, name, len))
			return (long)s->idx1 - 1;
	}
}

static int build_table(struct ans_zoneset *zs)
{
	size_t size = 8;
	while (size < zs->n * 2)
		size *= 2;
	zs->slots = calloc(size, sizeof(*zs->slots));
	if (!zs->slots)
		return ANS_ENOMEM;
	zs->mask = size - 1;
	for (size_t i = 0; i < zs->n; i++) {
		const uint8_t *apex = zs->lapex[i];
		uint64_t h = name_hash(apex);
		if (probe(zs, h, apex, zs->apex_len[i]) >= 0)
			return ANS_EEXIST;
		size_t k = h & zs->mask;
		while (zs->slots[k].idx1)
			k = (k + 1) & zs->mask;
		zs->slots[k].hash = h;
		zs->slots[k].idx1 = (uint32_t)i + 1;
	}
	return ANS_OK;
}

/* Small sets get the same duplicate check, quadratically. */
static int check_distinct(const struct ans_zoneset *zs)
{
	for (size_t i = 0; i < zs->n; i++)
		for (size_t j = 0; j < i; j++)
			if (apex_is(zs, j, zs->lapex[i], zs->apex_len[i]))
				return ANS_EEXIST;
	return ANS_OK;
}

/* Lowercased copies of the apexes in one block, so that lookups compare
 * bytes (the query side is lowercased by the caller). */
static int copy_apexes(struct ans_zoneset *zs)
{
	size_t total = 0;
	for (size_t i = 0; i < zs->n; i++)
		total += ans_name_len(zs->zones[i]->apex);
	zs->apex_buf = malloc(total ? total : 1);
	zs->lapex = calloc(zs->n ? zs->n : 1, sizeof(*zs->lapex));
	zs->apex_len = malloc(zs->n ? zs->n : 1);
	if (!zs->apex_buf || !zs->lapex || !zs->apex_len)
		return ANS_ENOMEM;
	uint8_t *p = zs->apex_buf;
	for (size_t i = 0; i < zs->n; i++) {
		size_t len = ans_name_copy(p, zs->zones[i]->apex);
		ans_name_lower(p);
		zs->lapex[i] = p;
		zs->apex_len[i] = (uint8_t)len;
		p += len;
	}
	return ANS_OK;
}

int ans_zoneset_new(struct ans_zoneset **out, struct ans_zone *const *zones,
		    size_t n)
{
	if (n > UINT32_MAX - 1)
		return ANS_ELIMIT;
	struct ans_zoneset *zs = calloc(1, sizeof(*zs));
	if (!zs)
		return ANS_ENOMEM;
	int rc = ANS_ENOMEM;
	zs->n = n;
	zs->zones = calloc(n ? n : 1, sizeof(*zs->zones));
	zs->apex_labels = calloc(n ? n : 1, sizeof(*zs->apex_labels));
	if (!zs->zones || !zs->apex_labels)
		goto out;
	for (size_t i = 0; i < n; i++) {
		rc = ANS_EINVAL;
		if (!zones[i] || !zones[i]->apex)
			goto out;
		zs->zones[i] = zones[i];
		zs->apex_labels[i] = ans_name_labels(zones[i]->apex);
		if (zs->apex_labels[i] > zs->max_labels)
			zs->max_labels = zs->apex_labels[i];
	}
	rc = copy_apexes(zs);
	if (rc == ANS_OK)
		rc = n <= SMALL_SET ? check_distinct(zs) : build_table(zs);
out:
	if (rc) {
		ans_zoneset_free(zs);
		return rc;
	}
	*out = zs;
	return ANS_OK;
}

/* Offset of the name's suffix of `al` labels (al <= nl). */
static size_t suffix_at(size_t len, const uint8_t *offs, unsigned nl, unsigned al)
{
	return al ? offs[nl - al] : len - 1;
}

/* Each apex against the name's suffix of as many labels (one memcmp per
 * zone, the longest match kept): the single-zone server's whole cost. */
static const struct ans_zone *find_small(const struct ans_zoneset *zs,
					 const uint8_t *lname, size_t len,
					 const uint8_t *offs, unsigned nl)
{
	const struct ans_zone *best = NULL;
	unsigned best_labels = 0;
	for (size_t i = 0; i < zs->n; i++) {
		unsigned al = zs->apex_labels[i];
		if (al > nl || (best && al <= best_labels))
			continue;
		size_t off = suffix_at(len, offs, nl, al);
		if (apex_is(zs, i, lname + off, len - off)) {
			best = zs->zones[i];
			best_labels = al;
		}
	}
	return best;
}

static const struct ans_zone *find_hashed(const struct ans_zoneset *zs,
					  const uint8_t *lname, size_t len,
					  const uint8_t *offs, unsigned nl)
{
	uint64_t hs[ANS_NAME_MAX_LABELS + 1];
	suffix_hashes(lname, offs, nl, hs);
	/* Longest suffix first: the first apex found is the nearest one. */
	unsigned first = nl > zs->max_labels ? nl - zs->max_labels : 0;
	for (unsigned i = first; i <= nl; i++) {
		size_t off = i < nl ? offs[i] : len - 1;
		long z = probe(zs, hs[i], lname + off, len - off);
		if (z >= 0)
			return zs->zones[z];
	}
	return NULL;
}

const struct ans_zone *ans_zoneset_find_labels(const struct ans_zoneset *zs,
					       const uint8_t *lname, size_t len,
					       const uint8_t *offs, unsigned labels)
{
	if (!zs || !zs->n)
		return NULL;
	if (zs->n == 1) {
		/* One zone, the common server: find_small() without its
		 * loop and calls (~20 instructions per query). */
		unsigned al = zs->apex_labels[0];
		if (al > labels)
			return NULL;
		size_t off = suffix_at(len, offs, labels, al);
		return apex_is(zs, 0, lname + off, len - off) ? zs->zones[0] : NULL;
	}
	if (!zs->slots)
		return find_small(zs, lname, len, offs, labels);
	return find_hashed(zs, lname, len, offs, labels);
}

const struct ans_zone *ans_zoneset_find(const struct ans_zoneset *zs,
					const uint8_t *lname)
{
	uint8_t offs[ANS_NAME_MAX_LABELS];
	unsigned nl = ans_name_label_offsets(lname, offs);
	return ans_zoneset_find_labels(zs, lname, ans_name_len(lname), offs, nl);
}

size_t ans_zoneset_count(const struct ans_zoneset *zs)
{
	return zs ? zs->n : 0;
}

struct ans_zone *ans_zoneset_get(const struct ans_zoneset *zs, size_t i)
{
	return zs && i < zs->n ? zs->zones[i] : NULL;
}

void ans_zoneset_free(struct ans_zoneset *zs)
{
	if (!zs)
		return;
	free(zs->slots);
	free(zs->expired);
	free(zs->apex_labels);
	free(zs->lapex);
	free(zs->apex_len);
	free(zs->apex_buf);
	free(zs->zones);
	free(zs);
}

int ans_zoneset_set_expired(struct ans_zoneset *zs, size_t i)
{
	if (!zs || i >= zs->n)
		return ANS_EINVAL;
	const struct ans_zone **e = realloc(zs->expired, (zs->expired_count + 1) * sizeof(*e));
	if (!e)
		return ANS_ENOMEM;
	e[zs->expired_count++] = zs->zones[i];
	zs->expired = e;
	return ANS_OK;
}

bool ans_zoneset_is_expired(const struct ans_zoneset *zs, const struct ans_zone *z)
{
	/* The common case is no expired zone at all: one test. */
	for (size_t i = 0; zs && i < zs->expired_count; i++)
		if (zs->expired[i] == z)
			return true;
	return false;
}

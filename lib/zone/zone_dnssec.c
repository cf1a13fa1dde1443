/* SPDX-License-Identifier: MIT */
/*
 * DOC: DNSSEC indexes of a signed zone snapshot
 *
 * A pre-signed zone is served as it was signed: the snapshot never signs or
 * re-signs; it only finds, per query, the records that prove a name or a
 * type does not exist (RFC 4035 §3.1.3, RFC 5155 §7.2). Two indexes are
 * built once, when a zone holds any RRSIG (z->dnssec; NULL for unsigned
 * zones, which then cost nothing):
 *
 *   NSEC:   the indices of the nodes that own an NSEC RRset, in canonical
 *           order (nodes[] already is, RFC 4034 §6.1). The NSEC matching or
 *           covering a name is the last one at or before it: one binary
 *           search with ans_name_cmp(). Glue and ENTs own no NSEC and are
 *           skipped by construction.
 *   NSEC3:  when the apex has an NSEC3PARAM with hash algorithm 1 (SHA-1,
 *           RFC 5155 §4), the NSEC3 records with the same parameters whose
 *           owner is <base32hex of 20 bytes>.<apex>, as (hash, node) pairs
 *           sorted by hash. A name is hashed (iterations and salt from the
 *           NSEC3PARAM, SHA-1 of libcrypto, no heap) and the matching or
 *           covering NSEC3 is one binary search, wrapping around from the
 *           first hash to the last (RFC 5155 §1.3: the last NSEC3 covers the
 *           names hashing below the first and above the last).
 *
 * The RRSIGs themselves are grouped by covered type next to the RRsets they
 * cover by zone.c (ans_rrset_sigs): no search at query time.
 * Where to read: ans_zone_dnssec_build(), then ans_zone_nsec3_find().
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "lib/wire/codec.h"
#include "lib/wire/rdata.h"
#include "lib/zone/zone_priv.h"

#define NSEC3_HASH_LEN 20
#define NSEC3_SHA1 1

struct nsec3_entry {
	uint8_t hash[NSEC3_HASH_LEN];
	uint32_t node;
};

struct ans_zone_dnssec {
	const struct ans_zone *zone;
	const uint32_t *nsec;          /* node indices, canonical order */
	size_t nsec_count;
	struct nsec3_entry *nsec3;     /* sorted by hash */
	size_t nsec3_count;
	bool is_nsec3;
	uint16_t iterations;
	uint8_t salt_len;
	uint8_t salt[255];
};

/* The NSEC3PARAM at the apex, when its algorithm is SHA-1 (RFC 5155 §4.1:
 * other algorithms are unknown and the zone is then not NSEC3 to us). */
static bool read_nsec3param(const struct ans_zone *z, struct ans_zone_dnssec *d)
{
	const struct ans_rrset *rs = ans_node_rrset(z->apex_node, ANS_TYPE_NSEC3PARAM);
	if (!rs)
		return false;
	const uint8_t *p = rs->rdata;
	for (uint16_t i = 0; i < rs->count; i++) {
		uint16_t len = ans_get_u16(p);
		const uint8_t *rd = p + 2;
		p += 2 + len;
		if (len < 5 || rd[0] != NSEC3_SHA1 || rd[1] != 0 || len < 5u + rd[4])
			continue;
		d->iterations = ans_get_u16(rd + 2);
		d->salt_len = rd[4];
		memcpy(d->salt, rd + 5, rd[4]);
		return true;
	}
	return false;
}

/* The hash an NSEC3 node stands for, when its owner is one base32hex
 * label of a 20-byte hash directly below the apex and its first NSEC3
 * record has the zone's parameters (RFC 5155 §7.2: only those count). */
static bool nsec3_node_hash(const struct ans_zone_dnssec *d, const struct ans_node *n,
			    uint8_t hash[NSEC3_HASH_LEN])
{
	const struct ans_rrset *rs = ans_node_rrset(n, ANS_TYPE_NSEC3);
	size_t out_len;
	if (!rs || !n->parent || !(n->parent->flags & ANS_NODE_APEX))
		return false;
	const uint8_t *rd = rs->rdata + 2;
	uint16_t len = ans_get_u16(rs->rdata);
	if (len < 5 || rd[0] != NSEC3_SHA1 || ans_get_u16(rd + 2) != d->iterations ||
	    rd[4] != d->salt_len || len < 5u + d->salt_len ||
	    memcmp(rd + 5, d->salt, d->salt_len) != 0)
		return false;
	return ans_b32hex_decode((const char *)n->owner + 1, n->owner[0], hash,
				 NSEC3_HASH_LEN, &out_len) == ANS_OK &&
	       out_len == NSEC3_HASH_LEN;
}

static int entry_cmp(const void *a, const void *b)
{
	return memcmp(a, b, NSEC3_HASH_LEN);
}

static int build_nsec3(const struct ans_zone *z, struct ans_zone_dnssec *d,
		       struct ans_arena *arena)
{
	size_t n = 0;
	for (size_t i = 0; i < z->node_count; i++)
		n += ans_node_rrset(&z->nodes[i], ANS_TYPE_NSEC3) != NULL;
	if (n == 0)
		return ANS_OK;
	d->nsec3 = ans_arena_alloc(arena, n * sizeof(*d->nsec3));
	if (!d->nsec3)
		return ANS_ENOMEM;
	for (size_t i = 0; i < z->node_count; i++) {
		struct nsec3_entry *e = &d->nsec3[d->nsec3_count];
		if (nsec3_node_hash(d, &z->nodes[i], e->hash)) {
			e->node = (uint32_t)i;
			d->nsec3_count++;
		}
	}
	qsort(d->nsec3, d->nsec3_count, sizeof(*d->nsec3), entry_cmp);
	d->is_nsec3 = d->nsec3_count > 0;
	return ANS_OK;
}

static int build_nsec(const struct ans_zone *z, struct ans_zone_dnssec *d,
		      struct ans_arena *arena)
{
	size_t n = 0;
	for (size_t i = 0; i < z->node_count; i++)
		n += ans_node_rrset(&z->nodes[i], ANS_TYPE_NSEC) != NULL;
	if (n == 0)
		return ANS_OK;
	uint32_t *idx = ans_arena_alloc(arena, n * sizeof(*idx));
	if (!idx)
		return ANS_ENOMEM;
	for (size_t i = 0; i < z->node_count; i++)
		if (ans_node_rrset(&z->nodes[i], ANS_TYPE_NSEC))
			idx[d->nsec_count++] = (uint32_t)i;
	d->nsec = idx;
	return ANS_OK;
}

int ans_zone_dnssec_build(struct ans_zone *z, struct ans_arena *arena)
{
	struct ans_zone_dnssec *d = ans_arena_alloc(arena, sizeof(*d));
	if (!d)
		return ANS_ENOMEM;
	memset(d, 0, sizeof(*d));
	d->zone = z;
	int err = build_nsec(z, d, arena);
	if (!err && z->apex_node && read_nsec3param(z, d))
		err = build_nsec3(z, d, arena);
	if (err)
		return err;
	z->dnssec = d;
	return ANS_OK;
}

int ans_zone_dnssec_share(struct ans_zone *z, const struct ans_zone *old,
			  struct ans_arena *arena)
{
	struct ans_zone_dnssec *d = ans_arena_alloc(arena, sizeof(*d));
	if (!d)
		return ANS_ENOMEM;
	*d = *old->dnssec;
	d->zone = z;
	z->dnssec = d;
	return ANS_OK;
}

bool ans_zone_nsec3_counts(const struct ans_zone *old, const struct ans_node *n)
{
	uint8_t hash[NSEC3_HASH_LEN];
	return old->dnssec && old->dnssec->is_nsec3 && nsec3_node_hash(old->dnssec, n, hash);
}

bool ans_zone_is_nsec3(const struct ans_zone *z)
{
	return z->dnssec && z->dnssec->is_nsec3;
}

const struct ans_node *ans_zone_nsec_covering(const struct ans_zone *z,
					      const uint8_t *lname)
{
	const struct ans_zone_dnssec *d = z->dnssec;
	if (!d || d->nsec_count == 0)
		return NULL;
	/* The last index whose owner is <= lname; the apex (first in
	 * canonical order) is <= every name of the zone. */
	size_t lo = 0, hi = d->nsec_count;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (ans_name_cmp(z->nodes[d->nsec[mid]].owner, lname) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	return &z->nodes[d->nsec[lo]];
}

bool ans_zone_nsec3_hash(const struct ans_zone *z, const uint8_t *lname,
			 uint8_t hash[NSEC3_HASH_LEN])
{
	const struct ans_zone_dnssec *d = z->dnssec;
	uint8_t buf[ANS_NAME_MAX + 255];
	if (!d || !d->is_nsec3)
		return false;
	/* RFC 5155 §5: IH(salt, x, 0) = H(x || salt), then k more rounds of
	 * H(previous || salt), x the owner in canonical (lowercase) form. */
	size_t len = ans_name_len(lname);
	memcpy(buf, lname, len);
	memcpy(buf + len, d->salt, d->salt_len);
	SHA1(buf, len + d->salt_len, hash);
	for (unsigned i = 0; i < d->iterations; i++) {
		memcpy(buf, hash, NSEC3_HASH_LEN);
		memcpy(buf + NSEC3_HASH_LEN, d->salt, d->salt_len);
		SHA1(buf, NSEC3_HASH_LEN + (size_t)d->salt_len, hash);
	}
	return true;
}

const struct ans_node *ans_zone_nsec3_find(const struct ans_zone *z,
					   const uint8_t hash[NSEC3_HASH_LEN], bool *exact)
{
	const struct ans_zone_dnssec *d = z->dnssec;
	*exact = false;
	if (!d || d->nsec3_count == 0)
		return NULL;
	/* lo: the number of entries whose hash is <= hash. */
	size_t lo = 0, hi = d->nsec3_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(d->nsec3[mid].hash, hash, NSEC3_HASH_LEN) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* None at or below: the last one covers it (the wrap-around). */
	const struct nsec3_entry *e = &d->nsec3[lo ? lo - 1 : d->nsec3_count - 1];
	*exact = lo && memcmp(e->hash, hash, NSEC3_HASH_LEN) == 0;
	return &z->nodes[e->node];
}

/* SPDX-License-Identifier: MIT */
/*
 * DOC: serving a pre-signed zone (DNSSEC, RFC 4035 §3.1, RFC 5155 §7.2)
 *
 * Only for a query with DO=1 (RFC 3225) to a zone holding RRSIGs does
 * resolve.c call in here (resp.dnssec); every other answer is written as
 * before, byte for byte. Nothing is signed: the zone was signed by its
 * hidden primary, and this file picks the records that go with an answer.
 *
 *   signatures: each RRset written in the answer or authority section is
 *     followed by the RRSIGs covering it, grouped by the zone builder
 *     (ans_rrset_sigs), owner the name as answered (for a wildcard
 *     expansion the query name: the RRSIG's labels field tells validators,
 *     RFC 4035 §5.3.4). A synthesized CNAME (DNAME) has none (RFC 6672 §5.3).
 *   denial: the NSEC or NSEC3 nodes that prove a negative (or a wildcard
 *     expansion) are collected in resp.proof while the answer section is
 *     still being written (a CNAME chain may follow a wildcard), deduplicated,
 *     and written with their RRSIGs in the authority section by
 *     dnssec_flush(), after the SOA or the referral's NS and DS.
 *   NSEC zones: the NSEC matching or covering a name is the last NSEC at or
 *     before it in canonical order (ans_zone_nsec_covering).
 *   NSEC3 zones: names are hashed (ans_zone_nsec3_hash) and the matching or
 *     covering NSEC3 found by binary search; the closest-encloser proof
 *     (RFC 5155 §7.2.1) walks up from the name to the closest name whose
 *     hash matches (the closest provable encloser: with opt-out an
 *     insecure delegation or an ENT above one may have no NSEC3).
 *
 * Truncation as Knot: RRSIGs and proofs of the answer and authority
 * sections are required (the response is cut to the question with TC when
 * they do not fit); RRSIGs of additional data are dropped with that data.
 */
#include <string.h>

#include "lib/answer/answer_priv.h"
#include "lib/wire/rdata.h"

#define HASH_LEN 20

bool dnssec_put_sigs(struct resp *r, int sec, const uint8_t *owner,
		     const struct ans_rrset *rs)
{
	const struct ans_rrset *sigs = ans_rrset_sigs(rs);
	return !sigs || resp_put_required(r, sec, owner, sigs);
}

static void add_proof(struct resp *r, const struct ans_node *n)
{
	if (!n)
		return;
	for (unsigned i = 0; i < r->proof_count; i++)
		if (r->proof[i] == n)
			return;
	if (r->proof_count < PROOF_MAX)
		r->proof[r->proof_count++] = n;
}

/* "*.<encloser>" into buf; false when too long (no wildcard possible). */
static bool wildcard_name(uint8_t buf[ANS_NAME_MAX], const uint8_t *encloser)
{
	static const uint8_t star[2] = { 1, '*' };
	size_t len;
	return ans_name_concat(buf, &len, star, sizeof(star), encloser) == ANS_OK;
}

/* The NSEC3 node matching (exact) or covering lname. */
static const struct ans_node *nsec3_of(const struct ans_zone *z, const uint8_t *lname,
				       bool *exact)
{
	uint8_t hash[HASH_LEN];
	*exact = false;
	if (!ans_zone_nsec3_hash(z, lname, hash))
		return NULL;
	return ans_zone_nsec3_find(z, hash, exact);
}

static const struct ans_node *nsec3_covering(const struct ans_zone *z,
					     const uint8_t *lname)
{
	bool exact;
	return nsec3_of(z, lname, &exact);
}

/* The suffix of lname one label longer than `encloser` (the next closer
 * name, RFC 5155 §1.3); lname is below encloser. */
static const uint8_t *next_closer(const uint8_t *lname, const uint8_t *encloser)
{
	unsigned skip = ans_name_labels(lname) - ans_name_labels(encloser) - 1;
	return ans_name_skip_labels(lname, skip);
}

/* RFC 5155 §7.2.1: the NSEC3 matching the closest provable encloser of
 * lname and the one covering the next closer name. Returns that encloser
 * (a suffix of lname or the apex), for the wildcard proof. */
static const uint8_t *nsec3_ce_proof(struct resp *r, const struct ans_zone *z,
				     const uint8_t *lname)
{
	const uint8_t *name = lname, *below = NULL;
	bool exact;
	for (;;) {
		const struct ans_node *n = nsec3_of(z, name, &exact);
		if (!n)
			return z->apex;
		if (exact || ans_name_equal(name, z->apex)) {
			if (exact)
				add_proof(r, n);
			if (below)
				add_proof(r, nsec3_covering(z, below));
			return name;
		}
		below = name;
		name = ans_name_skip_labels(name, 1);
	}
}

bool dnssec_answered(struct resp *r, const struct ans_zone *z, const uint8_t *owner,
		     const uint8_t *lname, const struct ans_rrset *rs,
		     const struct ans_node *wc_ce)
{
	if (!dnssec_put_sigs(r, SEC_ANSWER, owner, rs))
		return false;
	if (!wc_ce)
		return true;
	/* RFC 4035 §3.1.3.3 / RFC 5155 §7.2.6: the query name itself does
	 * not exist; the closest encloser is implied by the RRSIG labels. */
	if (ans_zone_is_nsec3(z))
		add_proof(r, nsec3_covering(z, next_closer(lname, wc_ce->owner)));
	else
		add_proof(r, ans_zone_nsec_covering(z, lname));
	return true;
}

void dnssec_rrsig_answer(struct resp *r, const uint8_t *owner, const struct ans_node *n)
{
	/* The groups of ans_rrset_sigs() follow the node's rrsets[]: each
	 * written as its own RRset keeps the TTL of the RRset it covers. */
	for (uint16_t i = 0; i < n->rrset_count; i++) {
		const struct ans_rrset *sigs = ans_rrset_sigs(&n->rrsets[i]);
		if (sigs && !resp_put_required(r, SEC_ANSWER, owner, sigs))
			return;
	}
}

/* The SOA just written (resp_put_soa) gets its RRSIGs with the same
 * negative TTL (RFC 2308 §3; BIND and Knot lower both). */
static bool put_soa_sigs(struct resp *r, const struct ans_zone *z)
{
	const struct ans_rrset *soa = ans_zone_soa(z);
	const struct ans_rrset *sigs = soa ? ans_rrset_sigs(soa) : NULL;
	if (!sigs || r->tc)
		return !r->tc;
	uint32_t min = ans_zone_soa_minimum(z), ttl = sigs->ttl;
	if (min < ttl)
		ttl = min;
	if (soa->ttl < ttl)
		ttl = soa->ttl;
	return resp_put_required_ttl(r, SEC_AUTHORITY, z->apex, sigs, ttl);
}

void dnssec_nodata(struct resp *r, const struct ans_zone *z, const uint8_t *lname,
		   const struct ans_node *n, const struct ans_node *wc_ce)
{
	if (!put_soa_sigs(r, z))
		return;
	if (!ans_zone_is_nsec3(z)) {
		/* RFC 4035 §3.1.3.1: the NSEC at the name (for an empty
		 * non-terminal the one covering it); §3.1.3.4 for a wildcard:
		 * the NSEC covering the name and the wildcard's own. */
		add_proof(r, ans_zone_nsec_covering(z, lname));
		if (wc_ce)
			add_proof(r, ans_zone_nsec_covering(z, n->owner));
		return;
	}
	bool exact;
	if (wc_ce) {
		/* RFC 5155 §7.2.5: closest-encloser proof and the wildcard's
		 * matching NSEC3. */
		nsec3_ce_proof(r, z, lname);
		add_proof(r, nsec3_of(z, n->owner, &exact));
		return;
	}
	const struct ans_node *m = nsec3_of(z, lname, &exact);
	if (exact)
		add_proof(r, m);      /* RFC 5155 §7.2.3 */
	else
		nsec3_ce_proof(r, z, lname);   /* §7.2.4: opt-out, no NSEC3 */
}

void dnssec_nxdomain(struct resp *r, const struct ans_zone *z, const uint8_t *lname,
		     const struct ans_node *ce)
{
	uint8_t wild[ANS_NAME_MAX];
	if (!put_soa_sigs(r, z))
		return;
	if (ans_zone_is_nsec3(z)) {
		/* RFC 5155 §7.2.2: closest-encloser proof, and the NSEC3
		 * covering the wildcard at the closest encloser. */
		const uint8_t *enc = nsec3_ce_proof(r, z, lname);
		if (wildcard_name(wild, enc))
			add_proof(r, nsec3_covering(z, wild));
		return;
	}
	/* RFC 4035 §3.1.3.2: the NSEC covering the name, and the one that
	 * covers (or, with the same owner, denies) the wildcard. */
	add_proof(r, ans_zone_nsec_covering(z, lname));
	if (wildcard_name(wild, ce->owner))
		add_proof(r, ans_zone_nsec_covering(z, wild));
}

void dnssec_referral(struct resp *r, const struct ans_zone *z, const struct ans_node *cut)
{
	const struct ans_rrset *ds = ans_node_rrset(cut, ANS_TYPE_DS);
	if (ds) {
		/* RFC 4035 §3.1.4: a secure delegation carries its DS. */
		if (resp_put_required(r, SEC_AUTHORITY, cut->owner, ds))
			dnssec_put_sigs(r, SEC_AUTHORITY, cut->owner, ds);
		return;
	}
	if (!ans_zone_is_nsec3(z)) {
		/* The NSEC at the cut: its bitmap has NS and no DS. */
		add_proof(r, ans_zone_nsec_covering(z, cut->owner));
		return;
	}
	bool exact;
	const struct ans_node *m = nsec3_of(z, cut->owner, &exact);
	if (exact)
		add_proof(r, m);      /* RFC 5155 §7.2.7 */
	else
		nsec3_ce_proof(r, z, cut->owner);   /* opt-out */
}

void dnssec_flush(struct resp *r, const struct ans_zone *z)
{
	uint16_t type = ans_zone_is_nsec3(z) ? ANS_TYPE_NSEC3 : ANS_TYPE_NSEC;
	for (unsigned i = 0; i < r->proof_count && !r->tc; i++) {
		const struct ans_node *n = r->proof[i];
		const struct ans_rrset *rs = ans_node_rrset(n, type);
		if (rs && resp_put_required(r, SEC_AUTHORITY, n->owner, rs))
			dnssec_put_sigs(r, SEC_AUTHORITY, n->owner, rs);
	}
	r->proof_count = 0;
}

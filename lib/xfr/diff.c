/* SPDX-License-Identifier: MIT */
/*
 * Zone differences, and the canonical RR cursor over a snapshot that the
 * rest of lib/xfr walks with.
 *
 * Both snapshots keep their nodes in canonical order (RFC 4034 §6.1), the
 * RRsets of a node sorted by type and the RRs of an RRset sorted by
 * canonical rdata, so the difference is one merge walk: nodes by owner, then
 * RRsets by type, then RRs by ans_rdata_cmp. Output is canonical because the
 * walk is. Cost is O(old + new) and nothing is copied but the differences.
 */
#include <string.h>

#include "lib/wire/rdata.h"
#include "lib/xfr/diff.h"
#include "lib/xfr/xfr_priv.h"

void ans_rrset_walk_init(struct ans_rrset_walk *w, const struct ans_node *n,
			 const struct ans_rrset *rs)
{
	*w = (struct ans_rrset_walk){ .rs = rs, .p = rs->rdata, .left = rs->count };
	/* The builder keeps one RRset per covered type after the node's
	 * rrsets[], slices of the RRSIG RRset's rdata in the same order
	 * (lib/zone/zone.c, group_sigs): their counts add up to its count. */
	if (rs->type == ANS_TYPE_RRSIG) {
		w->grp = n->rrsets + n->rrset_count;
		w->grp_left = w->grp->count;
	}
}

bool ans_rrset_walk_next(struct ans_rrset_walk *w, struct ans_xfr_rr *rr)
{
	if (w->left == 0)
		return false;
	/* Stepping to the next group only when an RR is read from it keeps
	 * the walk from looking past the node's last group. */
	if (w->grp && w->grp_left == 0) {
		w->grp++;
		w->grp_left = w->grp->count;
	}
	rr->type = w->rs->type;
	rr->ttl = w->grp ? w->grp->ttl : w->rs->ttl;
	rr->rdlen = ans_get_u16(w->p);
	rr->rdata = w->p + 2;
	w->p += 2 + rr->rdlen;
	w->left--;
	if (w->grp)
		w->grp_left--;
	return true;
}

void ans_zone_cursor_init(struct ans_zone_cursor *it, const struct ans_zone *z)
{
	memset(it, 0, sizeof(*it));
	it->z = z;
}

bool ans_zone_cursor_next(struct ans_zone_cursor *it, struct ans_xfr_rr *rr)
{
	return ans_zone_cursor_step(it, rr);
}

bool xfr_soa_rr(const struct ans_zone *z, struct ans_xfr_rr *rr)
{
	const struct ans_rrset *rs = ans_zone_soa(z);
	if (!rs || rs->count < 1)
		return false;
	rr->owner = z->apex;
	rr->type = ANS_TYPE_SOA;
	rr->ttl = rs->ttl;
	rr->rdlen = ans_get_u16(rs->rdata);
	rr->rdata = rs->rdata + 2;
	return true;
}

uint32_t xfr_soa_serial(const uint8_t *rdata, uint16_t rdlen)
{
	/* SOA rdata ends with five u32: serial, refresh, retry, expire, minimum. */
	if (!rdata || rdlen < 20)
		return 0;
	return ans_get_u32(rdata + rdlen - 20);
}

int xfr_rr_cmp(const struct ans_xfr_rr *a, const struct ans_xfr_rr *b)
{
	int c = ans_name_cmp(a->owner, b->owner);
	if (c)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	return ans_rdata_cmp(a->type, a->rdata, a->rdlen, b->rdata, b->rdlen);
}

/* Adds every RR of an RRset to one part of the changeset, skipping the apex
 * SOA (it travels as soa_from/soa_to). */
static int add_rrset(struct ans_changeset *cs, enum ans_cs_part part,
		     const struct ans_node *n, const struct ans_rrset *rs)
{
	if (rs->type == ANS_TYPE_SOA && (n->flags & ANS_NODE_APEX))
		return ANS_OK;
	struct ans_rrset_walk w;
	struct ans_xfr_rr rr = { .owner = n->owner };
	ans_rrset_walk_init(&w, n, rs);
	while (ans_rrset_walk_next(&w, &rr)) {
		int rc = ans_changeset_add(cs, part, &rr);
		if (rc)
			return rc;
	}
	return ANS_OK;
}

static int add_node(struct ans_changeset *cs, enum ans_cs_part part,
		    const struct ans_node *n)
{
	for (uint16_t i = 0; i < n->rrset_count; i++) {
		int rc = add_rrset(cs, part, n, &n->rrsets[i]);
		if (rc)
			return rc;
	}
	return ANS_OK;
}

/* Merge of two RRsets with the same owner and type, RR by RR. An RR in
 * both with another TTL is removed and added again: the receiver must end
 * with the new TTL. Every RR of an RRset has one TTL (RFC 2181 §5.2), so a
 * TTL change replaces the whole RRset, except for RRSIGs, whose records
 * keep the TTLs of the RRsets they cover (RFC 4034 §3): a changed A TTL
 * replaces the A's signatures, not the NSEC's. */
static int diff_rrs(struct ans_changeset *cs, const struct ans_node *na,
		    const struct ans_rrset *a, const struct ans_node *nb,
		    const struct ans_rrset *b)
{
	struct ans_rrset_walk wa, wb;
	struct ans_xfr_rr ra = { .owner = na->owner }, rb = { .owner = nb->owner };
	ans_rrset_walk_init(&wa, na, a);
	ans_rrset_walk_init(&wb, nb, b);
	bool has_a = ans_rrset_walk_next(&wa, &ra), has_b = ans_rrset_walk_next(&wb, &rb);
	int rc = ANS_OK;
	while (rc == ANS_OK && (has_a || has_b)) {
		int c = !has_a ? 1 : !has_b ? -1 :
			ans_rdata_cmp(a->type, ra.rdata, ra.rdlen, rb.rdata, rb.rdlen);
		if (c < 0 || (c == 0 && ra.ttl != rb.ttl))
			rc = ans_changeset_add(cs, ANS_CS_REMOVE, &ra);
		if (rc == ANS_OK && (c > 0 || (c == 0 && ra.ttl != rb.ttl)))
			rc = ans_changeset_add(cs, ANS_CS_ADD, &rb);
		if (c <= 0)
			has_a = ans_rrset_walk_next(&wa, &ra);
		if (c >= 0)
			has_b = ans_rrset_walk_next(&wb, &rb);
	}
	return rc;
}

static int diff_rrset(struct ans_changeset *cs, const struct ans_node *na,
		      const struct ans_rrset *a, const struct ans_node *nb,
		      const struct ans_rrset *b)
{
	if (a->type == ANS_TYPE_SOA && (na->flags & ANS_NODE_APEX))
		return ANS_OK;
	return diff_rrs(cs, na, a, nb, b);
}

static int diff_node(struct ans_changeset *cs, const struct ans_node *a,
		     const struct ans_node *b)
{
	uint16_t ia = 0, ib = 0;
	int rc = ANS_OK;
	while (rc == ANS_OK && (ia < a->rrset_count || ib < b->rrset_count)) {
		const struct ans_rrset *ra = ia < a->rrset_count ? &a->rrsets[ia] : NULL;
		const struct ans_rrset *rb = ib < b->rrset_count ? &b->rrsets[ib] : NULL;
		if (ra && (!rb || ra->type < rb->type)) {
			rc = add_rrset(cs, ANS_CS_REMOVE, a, ra);
			ia++;
		} else if (!ra || rb->type < ra->type) {
			rc = add_rrset(cs, ANS_CS_ADD, b, rb);
			ib++;
		} else {
			rc = diff_rrset(cs, a, ra, b, rb);
			ia++;
			ib++;
		}
	}
	return rc;
}

static int diff_nodes(struct ans_changeset *cs, const struct ans_zone *a,
		      const struct ans_zone *b)
{
	size_t ia = 0, ib = 0;
	int rc = ANS_OK;
	while (rc == ANS_OK && (ia < a->node_count || ib < b->node_count)) {
		int c;
		if (ia == a->node_count)
			c = 1;
		else if (ib == b->node_count)
			c = -1;
		else
			c = ans_name_cmp(a->nodes[ia].owner, b->nodes[ib].owner);
		if (c < 0)
			rc = add_node(cs, ANS_CS_REMOVE, &a->nodes[ia++]);
		else if (c > 0)
			rc = add_node(cs, ANS_CS_ADD, &b->nodes[ib++]);
		else
			rc = diff_node(cs, &a->nodes[ia++], &b->nodes[ib++]);
	}
	return rc;
}

int ans_zone_diff(const struct ans_zone *old, const struct ans_zone *new_zone,
		  struct ans_changeset **out)
{
	struct ans_xfr_rr soa_a, soa_b;
	if (!ans_name_equal(old->apex, new_zone->apex) || !xfr_soa_rr(old, &soa_a) ||
	    !xfr_soa_rr(new_zone, &soa_b))
		return ANS_EINVAL;
	struct ans_changeset *cs;
	int rc = ans_changeset_new(&cs);
	if (rc)
		return rc;
	rc = ans_changeset_set_soa(cs, false, &soa_a);
	if (rc == ANS_OK)
		rc = ans_changeset_set_soa(cs, true, &soa_b);
	if (rc == ANS_OK)
		rc = diff_nodes(cs, old, new_zone);
	if (rc) {
		ans_changeset_free(cs);
		return rc;
	}
	*out = cs;
	return ANS_OK;
}

bool ans_changeset_is_soa_only(const struct ans_changeset *cs)
{
	return cs->removed.count == 0 && cs->added.count == 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Applying changesets to a snapshot (IXFR in, journal replay).
 *
 * Snapshots are immutable, so the new version is built beside the old one
 * through the public builder: every RR of the old snapshot, minus the
 * removals, plus the additions.
 *
 * Only the changes are hashed. A table keyed by owner, type and canonical
 * rdata holds one entry per RR that some changeset names; an entry says
 * whether the RR was in the old snapshot (`rdata` then points into it) and
 * whether it is present now. RFC 1995's rules (a removal must name an RR
 * that exists, an addition one that does not) are checked against the
 * table first and then against the old snapshot through its own index
 * (ans_zone_find + the RRset), so a later changeset may add back what an
 * earlier one removed and vice versa.
 *
 * Feeding the builder: the new SOA, then the present added RRs newest
 * first, then the old snapshot's RRs through its cursor, skipping those
 * the table knows (a second table of their rdata pointers: each RR of a
 * snapshot has its own). The builder keeps the TTL of the first RR of an
 * RRset it sees, so an added RR's TTL wins over the older ones, as a
 * dynamic update would leave it.
 *
 * Patch first: the same feed restricted to the owners the changesets name
 * (their surviving old RRs found through their old node, not the cursor)
 * is built as a small snapshot and handed to ans_zone_patch() (zone.h),
 * which copies the node array and shares everything else with the old
 * snapshot when the change keeps the zone's shape. Only when it says
 * ANS_EAGAIN (new or vanished nodes, cuts, DNSSEC tables, big changes) is
 * the full feed built: O(changes) hashing plus one pointer probe per old
 * RR, then one full ans_zone_builder_finish() (doc/xfr.md has figures).
 */
#include <ctype.h>
#include <stdlib.h>

#include "lib/wire/rdata.h"
#include "lib/xfr/changeset.h"
#include "lib/xfr/serial.h"
#include "lib/xfr/xfr_priv.h"

struct ent {
	struct ans_xfr_rr rr;   /* owner/rdata borrowed: changeset or old zone */
	uint32_t next;          /* index + 1 of the next entry in the bucket */
	uint32_t seq;           /* order of the last addition, for the TTL rule */
	bool is_in_old;         /* the RR is one of the old snapshot's */
	bool is_present;        /* the RR is in the zone after the changes so far */
};

struct change_tab {
	struct ent *e;
	size_t count;
	uint32_t *bucket;       /* index + 1 of the first entry, 0: empty */
	size_t mask;
	const uint8_t **old_rd; /* rdata pointers of is_in_old entries (open addressing) */
	size_t old_mask;
	uint32_t adds;
};

/* Hash consistent with canonical equality: rdata bytes are folded to
 * lowercase, so RRs equal under ans_rdata_cmp (names compared lowercased)
 * hash alike; other case differences only cost a comparison. Only changed
 * RRs are hashed, so the per-byte fold is cheap. */
static uint64_t rr_hash(const struct ans_xfr_rr *rr)
{
	uint64_t h = ans_name_hash(rr->owner) ^ ((uint64_t)rr->type << 32) ^ rr->rdlen;
	for (uint16_t i = 0; i < rr->rdlen; i++)
		h = (h ^ (uint8_t)tolower(rr->rdata[i])) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

static size_t pow2_at_least(size_t n)
{
	size_t p = 16;
	while (p < n)
		p *= 2;
	return p;
}

static int tab_init(struct change_tab *t, size_t changes)
{
	size_t nb = pow2_at_least(changes * 2);
	*t = (struct change_tab){ .mask = nb - 1, .old_mask = nb - 1 };
	t->e = malloc((changes ? changes : 1) * sizeof(*t->e));
	t->bucket = calloc(nb, sizeof(*t->bucket));
	t->old_rd = calloc(nb, sizeof(*t->old_rd));
	return t->e && t->bucket && t->old_rd ? ANS_OK : ANS_ENOMEM;
}

static void tab_free(struct change_tab *t)
{
	free(t->e);
	free(t->bucket);
	free(t->old_rd);
}

static bool same_rr(const struct ans_xfr_rr *a, const struct ans_xfr_rr *b)
{
	return a->type == b->type && a->rdlen == b->rdlen &&
	       ans_name_equal(a->owner, b->owner) &&
	       ans_rdata_cmp(a->type, a->rdata, a->rdlen, b->rdata, b->rdlen) == 0;
}

static struct ent *tab_find(struct change_tab *t, const struct ans_xfr_rr *rr, uint64_t h)
{
	for (uint32_t i = t->bucket[h & t->mask]; i; i = t->e[i - 1].next)
		if (same_rr(&t->e[i - 1].rr, rr))
			return &t->e[i - 1];
	return NULL;
}

static uint64_t ptr_hash(const uint8_t *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 32);
}

static void old_rd_insert(struct change_tab *t, const uint8_t *rd)
{
	size_t i = ptr_hash(rd) & t->old_mask;
	while (t->old_rd[i])
		i = (i + 1) & t->old_mask;
	t->old_rd[i] = rd;
}

/* Whether an RR of the old snapshot (by its rdata pointer) was named by a
 * changeset. At most one probe chain per old RR: the table is half empty. */
static bool old_rd_known(const struct change_tab *t, const uint8_t *rd)
{
	for (size_t i = ptr_hash(rd) & t->old_mask; t->old_rd[i]; i = (i + 1) & t->old_mask)
		if (t->old_rd[i] == rd)
			return true;
	return false;
}

static struct ent *tab_insert(struct change_tab *t, const struct ans_xfr_rr *rr,
			      uint64_t h, bool is_in_old)
{
	struct ent *e = &t->e[t->count++];
	*e = (struct ent){ .rr = *rr, .is_in_old = is_in_old, .is_present = is_in_old };
	e->next = t->bucket[h & t->mask];
	t->bucket[h & t->mask] = (uint32_t)t->count;
	if (is_in_old)
		old_rd_insert(t, rr->rdata);
	return e;
}

/* The old snapshot's copy of rr (same owner, type and canonical rdata), or
 * false. RRsets are short in practice, so a linear scan of one RRset. */
static bool find_old(const struct ans_zone *old, const struct ans_xfr_rr *rr,
		     struct ans_xfr_rr *found)
{
	const struct ans_node *n = ans_zone_find(old, rr->owner);
	const struct ans_rrset *rs = n ? ans_node_rrset(n, rr->type) : NULL;
	if (!rs || (rr->type == ANS_TYPE_SOA && n == old->apex_node))
		return false;   /* the apex SOA is replaced, never listed */
	const uint8_t *p = rs->rdata;
	for (uint16_t i = 0; i < rs->count; i++) {
		uint16_t len = ans_get_u16(p);
		if (ans_rdata_cmp(rr->type, p + 2, len, rr->rdata, rr->rdlen) == 0) {
			*found = (struct ans_xfr_rr){ n->owner, rr->type, len, rs->ttl, p + 2 };
			return true;
		}
		p += 2 + len;
	}
	return false;
}

/* The table's entry for rr, made from the old snapshot's copy on first
 * use; NULL when the RR is neither in the table nor in the old zone. */
static struct ent *lookup(struct change_tab *t, const struct ans_zone *old,
			  const struct ans_xfr_rr *rr, uint64_t h)
{
	struct ent *e = tab_find(t, rr, h);
	struct ans_xfr_rr in_old;
	if (!e && find_old(old, rr, &in_old))
		e = tab_insert(t, &in_old, h, true);
	return e;
}

static void report_rr(struct ans_diag *diag, const char *what, const struct ans_xfr_rr *rr)
{
	char name[ANS_NAME_TEXT_MAX], type[16];
	if (ans_name_to_text(rr->owner, name, sizeof(name)) < 0)
		name[0] = 0;
	if (ans_rrtype_to_text(rr->type, type, sizeof(type)) < 0)
		type[0] = 0;
	ans_diag_report(diag, ANS_DIAG_ERROR, NULL, 0, "%s %s %s", what, name, type);
}

static int remove_one(struct change_tab *t, const struct ans_zone *old,
		      const struct ans_xfr_rr *rr, struct ans_diag *diag)
{
	struct ent *e = lookup(t, old, rr, rr_hash(rr));
	if (!e || !e->is_present) {
		/* RFC 1995 §5 describes deletions of RRs that exist. */
		report_rr(diag, "IXFR removes a record that is not in the zone:", rr);
		return ANS_ENOENT;
	}
	e->is_present = false;
	return ANS_OK;
}

static int add_one(struct change_tab *t, const struct ans_zone *old,
		   const struct ans_xfr_rr *rr, struct ans_diag *diag)
{
	if (!ans_name_is_sub(rr->owner, old->apex)) {
		report_rr(diag, "IXFR adds a record outside the zone:", rr);
		return ANS_EINVAL;
	}
	uint64_t h = rr_hash(rr);
	struct ent *e = lookup(t, old, rr, h);
	if (e && e->is_present) {
		report_rr(diag, "IXFR adds a record already in the zone:", rr);
		return ANS_EEXIST;
	}
	if (!e)
		e = tab_insert(t, rr, h, false);
	/* Re-added or new: the changeset's copy (its TTL) counts, as the
	 * newest addition. */
	e->rr = *rr;
	e->is_present = true;
	e->seq = ++t->adds;
	return ANS_OK;
}

static int apply_one(struct change_tab *t, const struct ans_zone *old,
		     const struct ans_changeset *cs, struct ans_diag *diag)
{
	int rc = ANS_OK;
	for (size_t i = 0; rc == ANS_OK && i < cs->removed.count; i++)
		rc = remove_one(t, old, &cs->removed.rr[i], diag);
	for (size_t i = 0; rc == ANS_OK && i < cs->added.count; i++)
		rc = add_one(t, old, &cs->added.rr[i], diag);
	return rc;
}

static int check_chain(const struct ans_zone *old, const struct ans_changeset *const *cs,
		       size_t n, struct ans_diag *diag)
{
	uint32_t serial = old->serial;
	for (size_t i = 0; i < n; i++) {
		if (ans_changeset_serial_from(cs[i]) != serial) {
			ans_diag_report(diag, ANS_DIAG_ERROR, NULL, 0,
					"changeset %zu starts at serial %u, the zone is at %u",
					i, ans_changeset_serial_from(cs[i]), serial);
			return ANS_ESTALE;
		}
		serial = ans_changeset_serial_to(cs[i]);
	}
	return ANS_OK;
}

static int seq_desc(const void *pa, const void *pb)
{
	const struct ent *a = *(const struct ent *const *)pa, *b = *(const struct ent *const *)pb;
	return a->seq > b->seq ? -1 : a->seq < b->seq;
}

/* The present added RRs, newest addition first (the TTL rule above). */
static int feed_added(struct change_tab *t, struct ans_zone_builder *b)
{
	struct ent **order = malloc((t->count ? t->count : 1) * sizeof(*order));
	if (!order)
		return ANS_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < t->count; i++)
		if (t->e[i].is_present && t->e[i].seq)
			order[n++] = &t->e[i];
	qsort(order, n, sizeof(*order), seq_desc);
	int rc = ANS_OK;
	for (size_t i = 0; rc == ANS_OK && i < n; i++)
		rc = ans_zone_builder_add(b, order[i]->rr.owner, order[i]->rr.type,
					  order[i]->rr.ttl, order[i]->rr.rdata,
					  order[i]->rr.rdlen, -1, 0);
	free(order);
	return rc;
}

/* The old snapshot's RRs that no changeset named (those that one did are
 * either gone or fed as additions), except its apex SOA. */
static int feed_old(const struct change_tab *t, const struct ans_zone *old,
		    struct ans_zone_builder *b)
{
	struct ans_zone_cursor it;
	struct ans_xfr_rr rr;
	int rc = ANS_OK;
	ans_zone_cursor_init(&it, old);
	while (rc == ANS_OK && ans_zone_cursor_next(&it, &rr)) {
		if (rr.type == ANS_TYPE_SOA && rr.owner == old->apex_node->owner)
			continue;   /* replaced by the last changeset's soa_to */
		if (t->count && old_rd_known(t, rr.rdata))
			continue;
		rc = ans_zone_builder_add(b, rr.owner, rr.type, rr.ttl, rr.rdata,
					  rr.rdlen, -1, 0);
	}
	return rc;
}

static int owner_cmp(const void *pa, const void *pb)
{
	return ans_name_cmp(*(const uint8_t *const *)pa, *(const uint8_t *const *)pb);
}

/* The distinct owners the changesets name, sorted; *n their count. */
static const uint8_t **changed_owners(const struct change_tab *t, size_t *n)
{
	const uint8_t **o = malloc((t->count ? t->count : 1) * sizeof(*o));
	if (!o)
		return NULL;
	for (size_t i = 0; i < t->count; i++)
		o[i] = t->e[i].rr.owner;
	qsort(o, t->count, sizeof(*o), owner_cmp);
	*n = 0;
	for (size_t i = 0; i < t->count; i++)
		if (*n == 0 || !ans_name_equal(o[*n - 1], o[i]))
			o[(*n)++] = o[i];
	return o;
}

/* The old RRs of the changed owners that no changeset named. */
static int feed_old_at(const struct change_tab *t, const struct ans_zone *old,
		       const uint8_t *const *owners, size_t n, struct ans_zone_builder *b)
{
	int rc = ANS_OK;
	for (size_t i = 0; rc == ANS_OK && i < n; i++) {
		const struct ans_node *node = ans_zone_find(old, owners[i]);
		for (uint16_t k = 0; node && rc == ANS_OK && k < node->rrset_count; k++) {
			struct ans_rrset_walk w;
			struct ans_xfr_rr rr;
			ans_rrset_walk_init(&w, node, &node->rrsets[k]);
			while (rc == ANS_OK && ans_rrset_walk_next(&w, &rr)) {
				if ((rr.type == ANS_TYPE_SOA && node == old->apex_node) ||
				    old_rd_known(t, rr.rdata))
					continue;
				rc = ans_zone_builder_add(b, node->owner, rr.type, rr.ttl,
							  rr.rdata, rr.rdlen, -1, 0);
			}
		}
	}
	return rc;
}

/* A builder holding the new SOA and every added RR, the start of both the
 * partial and the full build. */
static int builder_start(struct change_tab *t, const struct ans_zone *old,
			 const struct ans_xfr_rr *soa, struct ans_zone_builder **b)
{
	int rc = ans_zone_builder_new(b, old->apex);
	if (rc)
		return rc;
	rc = ans_zone_builder_add(*b, soa->owner, soa->type, soa->ttl, soa->rdata,
				  soa->rdlen, -1, 0);
	if (rc == ANS_OK)
		rc = feed_added(t, *b);
	return rc;
}

/* Finishes the builder, or frees it after an earlier error. TTL mismatches
 * inside an RRset are resolved by arrival order (see the top of this file):
 * no diagnostics wanted from the builder. */
static int builder_end(struct ans_zone_builder *b, int rc, struct ans_zone **out)
{
	if (rc) {
		ans_zone_builder_free(b);
		return rc;
	}
	return ans_zone_builder_finish(b, NULL, out);
}

/* The new contents of the changed owners (and the apex) as a snapshot,
 * fed in the full build's order so that TTLs come out the same. */
static int build_part(struct change_tab *t, const struct ans_zone *old,
		      const struct ans_xfr_rr *soa, const uint8_t *const *owners,
		      size_t n, struct ans_zone **part)
{
	struct ans_zone_builder *b;
	int rc = builder_start(t, old, soa, &b);
	if (rc && !b)
		return rc;
	if (rc == ANS_OK)
		rc = feed_old_at(t, old, &old->apex, 1, b);
	if (rc == ANS_OK)
		rc = feed_old_at(t, old, owners, n, b);
	return builder_end(b, rc, part);
}

/* ans_zone_patch() when the change allows it; ANS_EAGAIN otherwise. */
static int patch(struct change_tab *t, const struct ans_zone *old,
		 const struct ans_xfr_rr *soa, struct ans_zone **out)
{
	size_t n = 0;
	const uint8_t **owners = changed_owners(t, &n);
	if (!owners)
		return ANS_ENOMEM;
	int rc = ANS_EAGAIN;
	if (n <= ANS_ZONE_PATCH_MAX || n <= old->node_count / 20) {
		struct ans_zone *part;
		/* The apex is fed once: drop it from the owner list. */
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (!ans_name_equal(owners[i], old->apex))
				owners[k++] = owners[i];
		rc = build_part(t, old, soa, owners, k, &part);
		if (rc == ANS_OK)
			rc = ans_zone_patch(old, part, owners, k, out);
	}
	free(owners);
	return rc;
}

static int build(struct change_tab *t, const struct ans_zone *old,
		 const struct ans_xfr_rr *soa, struct ans_zone **out)
{
	/* Any refusal of the patch path (ANS_EAGAIN, or the partial build
	 * failing where the whole zone would not) falls back to the full
	 * build, which decides; only running out of memory ends here. */
	int prc = patch(t, old, soa, out);
	if (prc == ANS_OK || prc == ANS_ENOMEM)
		return prc;
	struct ans_zone_builder *b;
	int rc = builder_start(t, old, soa, &b);
	if (rc && !b)
		return rc;
	if (rc == ANS_OK)
		rc = feed_old(t, old, b);
	return builder_end(b, rc, out);
}

int ans_changeset_apply(const struct ans_zone *old,
			const struct ans_changeset *const *cs, size_t n,
			struct ans_diag *diag, struct ans_zone **out)
{
	if (n == 0 || !old->apex_node)
		return ANS_EINVAL;
	int rc = check_chain(old, cs, n, diag);
	if (rc)
		return rc;
	size_t changes = 0;
	for (size_t i = 0; i < n; i++)
		changes += cs[i]->added.count + cs[i]->removed.count;
	struct change_tab t;
	rc = tab_init(&t, changes);
	for (size_t i = 0; rc == ANS_OK && i < n; i++)
		rc = apply_one(&t, old, cs[i], diag);
	if (rc == ANS_OK)
		rc = build(&t, old, &cs[n - 1]->soa_to, out);
	tab_free(&t);
	return rc;
}

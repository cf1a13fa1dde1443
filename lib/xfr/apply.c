/* SPDX-License-Identifier: MIT */
/*
 * Applying changesets to a snapshot (IXFR in, journal replay).
 *
 * Snapshots are immutable, so the new version is built beside the old one
 * through the public builder: every RR of the old snapshot, minus the
 * removals, plus the additions. To check RFC 1995's rules (a removal must
 * name an RR that exists, an addition one that does not) the RRs live in a
 * hash set keyed by owner, type and canonical rdata, with a "removed" mark
 * instead of deletion, so a later changeset may add back what an earlier
 * one removed. Entries are fed to the builder newest first: the builder
 * keeps the TTL of the first RR of an RRset it sees, so an added RR's TTL
 * wins over the older ones, as a dynamic update would leave it.
 *
 * Cost: O(old + changes) hash operations and one full rebuild. A zone.c
 * entry point that copies the untouched nodes of the old snapshot would be
 * faster for large zones with small changes (see doc/xfr.md).
 */
#include <ctype.h>
#include <stdlib.h>

#include "lib/wire/rdata.h"
#include "lib/xfr/changeset.h"
#include "lib/xfr/serial.h"
#include "lib/xfr/xfr_priv.h"

struct ent {
	struct ans_xfr_rr rr;
	uint32_t next;      /* index + 1 of the next entry in the bucket, 0: end */
	bool is_removed;
};

struct rrset_tab {
	struct ent *e;
	size_t count;
	size_t cap;
	uint32_t *bucket;   /* index + 1 of the first entry, 0: empty */
	size_t mask;
};

/* Hash consistent with canonical equality: rdata bytes are folded to
 * lowercase, so RRs equal under ans_rdata_cmp (names compared lowercased)
 * hash alike; other case differences only cost a comparison. */
static uint64_t rr_hash(const struct ans_xfr_rr *rr)
{
	uint64_t h = ans_name_hash(rr->owner) ^ ((uint64_t)rr->type << 32) ^ rr->rdlen;
	for (uint16_t i = 0; i < rr->rdlen; i++)
		h = (h ^ (uint8_t)tolower(rr->rdata[i])) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

static int tab_init(struct rrset_tab *t, size_t cap)
{
	size_t nb = 16;
	while (nb < cap * 2)
		nb *= 2;
	t->e = malloc((cap ? cap : 1) * sizeof(*t->e));
	t->bucket = calloc(nb, sizeof(*t->bucket));
	t->count = 0;
	t->cap = cap;
	t->mask = nb - 1;
	return t->e && t->bucket ? ANS_OK : ANS_ENOMEM;
}

static void tab_free(struct rrset_tab *t)
{
	free(t->e);
	free(t->bucket);
}

static struct ent *tab_find(struct rrset_tab *t, const struct ans_xfr_rr *rr, uint64_t h)
{
	for (uint32_t i = t->bucket[h & t->mask]; i; i = t->e[i - 1].next) {
		struct ent *e = &t->e[i - 1];
		if (e->rr.type == rr->type && e->rr.rdlen == rr->rdlen &&
		    ans_name_equal(e->rr.owner, rr->owner) &&
		    ans_rdata_cmp(rr->type, e->rr.rdata, e->rr.rdlen, rr->rdata, rr->rdlen) == 0)
			return e;
	}
	return NULL;
}

static void tab_insert(struct rrset_tab *t, const struct ans_xfr_rr *rr, uint64_t h)
{
	struct ent *e = &t->e[t->count++];
	e->rr = *rr;
	e->is_removed = false;
	e->next = t->bucket[h & t->mask];
	t->bucket[h & t->mask] = (uint32_t)t->count;
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

static int apply_one(struct rrset_tab *t, const struct ans_changeset *cs,
		     const uint8_t *apex, struct ans_diag *diag)
{
	for (size_t i = 0; i < cs->removed.count; i++) {
		const struct ans_xfr_rr *rr = &cs->removed.rr[i];
		struct ent *e = tab_find(t, rr, rr_hash(rr));
		if (!e || e->is_removed) {
			/* RFC 1995 §5 describes deletions of RRs that exist. */
			report_rr(diag, "IXFR removes a record that is not in the zone:", rr);
			return ANS_ENOENT;
		}
		e->is_removed = true;
	}
	for (size_t i = 0; i < cs->added.count; i++) {
		const struct ans_xfr_rr *rr = &cs->added.rr[i];
		uint64_t h = rr_hash(rr);
		struct ent *e = tab_find(t, rr, h);
		if (!ans_name_is_sub(rr->owner, apex)) {
			report_rr(diag, "IXFR adds a record outside the zone:", rr);
			return ANS_EINVAL;
		}
		if (e && !e->is_removed) {
			report_rr(diag, "IXFR adds a record already in the zone:", rr);
			return ANS_EEXIST;
		}
		if (e) {
			/* Re-added: move it to the end so its TTL counts as newest. */
			e->rr.owner = apex;   /* keep the dead entry unmatched */
			e->rr.type = 0;
		}
		tab_insert(t, rr, h);
	}
	return ANS_OK;
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

static int fill_old(struct rrset_tab *t, const struct ans_zone *old)
{
	struct ans_zone_cursor it;
	struct ans_xfr_rr rr;
	ans_zone_cursor_init(&it, old);
	while (ans_zone_cursor_next(&it, &rr)) {
		if (rr.type == ANS_TYPE_SOA && rr.owner == old->apex_node->owner)
			continue;   /* replaced by the last changeset's soa_to */
		tab_insert(t, &rr, rr_hash(&rr));
	}
	return ANS_OK;
}

static int build(struct rrset_tab *t, const struct ans_zone *old,
		 const struct ans_xfr_rr *soa, struct ans_zone **out)
{
	struct ans_zone_builder *b;
	int rc = ans_zone_builder_new(&b, old->apex);
	if (rc)
		return rc;
	rc = ans_zone_builder_add(b, soa->owner, soa->type, soa->ttl, soa->rdata,
				  soa->rdlen, -1, 0);
	for (size_t i = t->count; rc == ANS_OK && i > 0; i--) {
		const struct ent *e = &t->e[i - 1];
		if (e->is_removed || e->rr.type == 0)
			continue;
		rc = ans_zone_builder_add(b, e->rr.owner, e->rr.type, e->rr.ttl,
					  e->rr.rdata, e->rr.rdlen, -1, 0);
	}
	if (rc) {
		ans_zone_builder_free(b);
		return rc;
	}
	/* TTL mismatches inside an RRset are resolved by arrival order (see the
	 * top of this file): no diagnostics wanted from the builder. */
	return ans_zone_builder_finish(b, NULL, out);
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
	size_t cap = old->rr_count;
	for (size_t i = 0; i < n; i++)
		cap += cs[i]->added.count;
	struct rrset_tab t;
	rc = tab_init(&t, cap);
	if (rc == ANS_OK)
		rc = fill_old(&t, old);
	for (size_t i = 0; rc == ANS_OK && i < n; i++)
		rc = apply_one(&t, cs[i], old->apex, diag);
	if (rc == ANS_OK)
		rc = build(&t, old, &cs[n - 1]->soa_to, out);
	tab_free(&t);
	return rc;
}

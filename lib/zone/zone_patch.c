/* SPDX-License-Identifier: MIT */
/*
 * DOC: patching a snapshot (IXFR apply without a full build)
 *
 * ans_zone_patch() makes the snapshot "old with the owners in owners[]
 * replaced by their nodes in part" (part: a small snapshot built from the
 * complete new contents of those owners). A full build of the result
 * would sort every owner again, hash every name into a new index and
 * relink every NS/MX/SRV RRset; a small change only needs its own nodes.
 *
 * The fast path applies when the set of node names does not change and no
 * derived structure that spans nodes changes shape:
 *   - every changed owner is a node of old, and one that ends empty keeps
 *     a descendant with records (it stays an empty non-terminal);
 *   - NS (outside the apex) and DNAME are unchanged (they set DELEG and
 *     OCCLUDED on whole subtrees), and so is the apex NSEC3PARAM;
 *   - no owner gains or loses its last A/AAAA (the additional entries of
 *     other nodes stay valid), NSEC, counted NSEC3 or RRSIG RRset, and an
 *     unsigned zone gains no RRSIG (the DNSSEC tables stay valid);
 *   - the change is small (ANS_ZONE_PATCH_MAX owners or 5 % of the nodes)
 *     and the chain of patches since a full build is short.
 * Otherwise ANS_EAGAIN and the caller builds in full.
 *
 * Node numbers are then the same, so the hash index, the NSEC/NSEC3 tables
 * and every untouched RRset (with its additional entries and referral
 * block) are shared with old, read-only: the new snapshot holds a
 * reference on old's memory and on part's (zone_priv.h). Only the node
 * array is copied (parents relocated), the changed nodes point at part's
 * RRsets, whose additional entries are relinked against the new snapshot,
 * and a referral block is rebuilt for a changed cut and for every cut whose
 * glue (an additional entry) is a changed node (its NS RRset copied
 * first: shared memory is never written).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/wire/rdata.h"
#include "lib/zone/zone_priv.h"

#define PATCH_DEPTH_MAX 32      /* then a full build compacts the chain */
#define EMPTY_SCAN_MAX 64       /* descendants looked at for an emptied owner */

struct patch {
	const struct ans_zone *old, *part;
	uint32_t *changed;      /* old node indices, sorted, unique */
	size_t nchanged;
	struct zone_mem *m;
	struct ans_node *nodes;
	bool addr_changed;      /* a changed owner holds A or AAAA */
};

static const struct ans_node *new_node(const struct patch *p, uint32_t idx)
{
	const struct ans_node *n = ans_zone_find(p->part, p->old->nodes[idx].owner);
	return n && n->rrset_count ? n : NULL;
}

static bool is_changed(const struct patch *p, uint32_t idx)
{
	size_t lo = 0, hi = p->nchanged;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->changed[mid] == idx)
			return true;
		if (p->changed[mid] < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool has(const struct ans_node *n, uint16_t type)
{
	return n && ans_node_rrset(n, type);
}

static bool same_rrset(const struct ans_node *a, const struct ans_node *b, uint16_t type)
{
	const struct ans_rrset *x = a ? ans_node_rrset(a, type) : NULL;
	const struct ans_rrset *y = b ? ans_node_rrset(b, type) : NULL;
	if (!x || !y)
		return x == y;
	return x->ttl == y->ttl && x->count == y->count && x->rdata_len == y->rdata_len &&
	       memcmp(x->rdata, y->rdata, x->rdata_len) == 0;
}

/* Whether node idx, emptied, keeps a descendant with records (RFC 4592
 * §2.2.2: then it stays as an empty non-terminal). */
static bool keeps_descendant(const struct patch *p, uint32_t idx)
{
	const struct ans_zone *old = p->old;
	const uint8_t *owner = old->nodes[idx].owner;
	for (size_t j = idx + 1; j < old->node_count && j <= idx + EMPTY_SCAN_MAX; j++) {
		if (!ans_name_is_sub(old->nodes[j].owner, owner))
			return false;
		bool full = is_changed(p, (uint32_t)j) ? new_node(p, (uint32_t)j) != NULL
						       : old->nodes[j].rrset_count > 0;
		if (full)
			return true;
	}
	return false;
}

/* Whether replacing node idx keeps the fast path's conditions (above). */
static bool fits(struct patch *p, uint32_t idx)
{
	const struct ans_zone *old = p->old;
	const struct ans_node *o = &old->nodes[idx], *n = new_node(p, idx);
	bool apex = o == old->apex_node;
	bool addr_o = has(o, ANS_TYPE_A) || has(o, ANS_TYPE_AAAA);
	bool addr_n = has(n, ANS_TYPE_A) || has(n, ANS_TYPE_AAAA);
	p->addr_changed |= addr_o || addr_n;
	if ((!apex && !same_rrset(o, n, ANS_TYPE_NS)) || addr_o != addr_n ||
	    has(o, ANS_TYPE_DNAME) != has(n, ANS_TYPE_DNAME) ||
	    has(o, ANS_TYPE_NSEC) != has(n, ANS_TYPE_NSEC) ||
	    (apex && !same_rrset(o, n, ANS_TYPE_NSEC3PARAM)))
		return false;
	if (ans_zone_nsec3_counts(old, o) != (n && ans_zone_nsec3_counts(old, n)))
		return false;
	if ((!old->dnssec && has(n, ANS_TYPE_RRSIG)) ||
	    (has(o, ANS_TYPE_RRSIG) && !has(n, ANS_TYPE_RRSIG)))
		return false;
	return n || apex || keeps_descendant(p, idx);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Old node indices of the changed owners; false when one is no node of
 * old but has records now (a new node). */
static bool list_changed(struct patch *p, const uint8_t *const *owners, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ans_node *o = ans_zone_find(p->old, owners[i]);
		if (o)
			p->changed[k++] = (uint32_t)(o - p->old->nodes);
		else if (ans_zone_find(p->part, owners[i]))
			return false;
	}
	p->changed[k++] = (uint32_t)(p->old->apex_node - p->old->nodes);
	qsort(p->changed, k, sizeof(*p->changed), u32_cmp);
	p->nchanged = 0;
	for (size_t i = 0; i < k; i++)
		if (i == 0 || p->changed[i] != p->changed[i - 1])
			p->changed[p->nchanged++] = p->changed[i];
	return true;
}

static size_t node_rrs(const struct ans_node *n)
{
	size_t c = 0;
	for (uint16_t k = 0; n && k < n->rrset_count; k++)
		c += n->rrsets[k].count;
	return c;
}

/* The node array: old's with parents relocated and the changed nodes
 * pointing at part's RRsets. */
static int copy_nodes(struct patch *p, struct ans_zone *z)
{
	const struct ans_zone *old = p->old;
	struct ans_node *nodes = malloc(old->node_count * sizeof(*nodes));
	if (!nodes)
		return ANS_ENOMEM;
	p->m->own_nodes = p->nodes = nodes;
	memcpy(nodes, old->nodes, old->node_count * sizeof(*nodes));
	for (size_t i = 0; i < old->node_count; i++)
		if (nodes[i].parent)
			nodes[i].parent = nodes + (old->nodes[i].parent - old->nodes);
	z->rr_count = old->rr_count;
	for (size_t i = 0; i < p->nchanged; i++) {
		struct ans_node *d = &nodes[p->changed[i]];
		const struct ans_node *n = new_node(p, p->changed[i]);
		z->rr_count = z->rr_count - node_rrs(d) + node_rrs(n);
		d->rrsets = n ? n->rrsets : NULL;
		d->rrset_count = n ? n->rrset_count : 0;
		d->flags &= ANS_NODE_APEX | ANS_NODE_DELEG | ANS_NODE_OCCLUDED |
			    ANS_NODE_HAS_WILDCARD | ANS_NODE_DNAME;
		if (!n)
			d->flags |= ANS_NODE_ENT;
		if (has(n, ANS_TYPE_CNAME))
			d->flags |= ANS_NODE_CNAME;
	}
	z->nodes = nodes;
	return ANS_OK;
}

static bool is_cut(const struct ans_node *n)
{
	return (n->flags & (ANS_NODE_DELEG | ANS_NODE_OCCLUDED)) == ANS_NODE_DELEG;
}

/* Whether an additional entry of the unchanged cut n names a changed node. */
static bool glue_changed(const struct patch *p, const struct ans_node *n)
{
	const uint8_t *e;
	unsigned count = ans_rrset_addl(ans_node_rrset(n, ANS_TYPE_NS), &e);
	for (unsigned i = 0; i < count; i++) {
		uint32_t v;
		memcpy(&v, e + 4 * i, 4);
		if (is_changed(p, (v & ANS_ADDL_NODE) - 1))
			return true;
	}
	return false;
}

/* Gives node i its own copy of its RRsets and NS rdata (with the entries
 * and referral slot beside it), so its referral block can be rewritten. */
static int own_ns(struct patch *p, size_t i)
{
	struct ans_node *d = &p->nodes[i];
	size_t total = d->rrset_count;
	for (uint16_t k = 0; k < d->rrset_count; k++)
		if (d->rrsets[k].sig_off && k + d->rrsets[k].sig_off + 1u > total)
			total = k + d->rrsets[k].sig_off + 1u;
	struct ans_rrset *rs = ans_arena_alloc(&p->m->arena, total * sizeof(*rs));
	if (!rs)
		return ANS_ENOMEM;
	memcpy(rs, d->rrsets, total * sizeof(*rs));   /* ans_arena_dup: align 1 */
	struct ans_rrset *ns = (struct ans_rrset *)ans_node_rrset(&(struct ans_node){
		.rrsets = rs, .rrset_count = d->rrset_count }, ANS_TYPE_NS);
	size_t len = ns->rdata_len + 4 + 4 * (size_t)ns->count + sizeof(void *);
	const uint8_t *rd = ans_arena_dup(&p->m->arena, ns->rdata, len);
	if (!rd)
		return ANS_ENOMEM;
	ns->rdata = rd;
	d->rrsets = rs;
	return ANS_OK;
}

/* Additional entries of the changed nodes, then the referral blocks that
 * can differ. */
static int relink(struct patch *p, struct ans_zone *z)
{
	for (size_t i = 0; i < p->nchanged; i++)
		ans_zone_link_node(z, &p->nodes[p->changed[i]]);
	for (size_t i = 0; i < p->nchanged; i++) {
		const struct ans_node *n = &p->nodes[p->changed[i]];
		const struct ans_rrset *ns = ans_node_rrset(n, ANS_TYPE_NS);
		if (!ns)
			continue;
		/* part's block was made where part had no cut above this one. */
		memset(ans_rrset_referral_slot(ns), 0, sizeof(void *));
		int err = is_cut(n) ? ans_zone_referral_build_one(z, n, &p->m->arena) : ANS_OK;
		if (err)
			return err;
	}
	for (size_t i = 0; p->addr_changed && i < z->node_count; i++) {
		if (!is_cut(&p->nodes[i]) || is_changed(p, (uint32_t)i) ||
		    !glue_changed(p, &p->nodes[i]))
			continue;
		int err = own_ns(p, i);
		if (!err)
			err = ans_zone_referral_build_one(z, &p->nodes[i], &p->m->arena);
		if (err)
			return err;
	}
	return ANS_OK;
}

static int assemble(struct patch *p)
{
	const struct ans_zone *old = p->old;
	const struct zone_mem *om = old->priv;
	struct ans_zone *z = &p->m->zone;
	z->apex = old->apex;
	z->node_count = old->node_count;
	z->files = old->files;
	z->file_count = old->file_count;
	z->index = old->index;
	int err = copy_nodes(p, z);
	if (err)
		return err;
	z->apex_node = p->nodes + (old->apex_node - old->nodes);
	err = relink(p, z);
	if (!err && old->dnssec)
		err = ans_zone_dnssec_share(z, old, &p->m->arena);
	if (err)
		return err;
	z->serial = ans_zone_soa_serial(z);
	p->m->apex_state = om->apex_state;
	p->m->apex_labels = om->apex_labels;
	err = ans_zone_soa_wire_build(p->m);
	z->memory_bytes = p->m->arena.total_bytes + sizeof(*p->m) +
			  z->node_count * sizeof(struct ans_node) + p->part->memory_bytes;
	return err;
}

static bool small_enough(const struct ans_zone *old, size_t n)
{
	const struct zone_mem *om = old->priv;
	return om->depth < PATCH_DEPTH_MAX &&
	       (n <= ANS_ZONE_PATCH_MAX || n <= old->node_count / 20);
}

int ans_zone_patch(const struct ans_zone *old, struct ans_zone *part,
		   const uint8_t *const *owners, size_t n, struct ans_zone **out)
{
	*out = NULL;
	if (!old->apex_node || !ans_name_equal(old->apex, part->apex) ||
	    !small_enough(old, n)) {
		ans_zone_free(part);
		return ANS_EAGAIN;
	}
	struct patch p = { .old = old, .part = part };
	p.changed = malloc((n + 1) * sizeof(*p.changed));
	int err = p.changed ? ANS_OK : ANS_ENOMEM;
	if (!err && !list_changed(&p, owners, n))
		err = ANS_EAGAIN;
	for (size_t i = 0; !err && i < p.nchanged; i++)
		if (!fits(&p, p.changed[i]))
			err = ANS_EAGAIN;
	if (!err)
		err = (p.m = calloc(1, sizeof(*p.m))) ? ANS_OK : ANS_ENOMEM;
	if (err) {
		free(p.changed);
		ans_zone_free(part);
		return err;
	}
	struct zone_mem *om = old->priv;
	ans_arena_init(&p.m->arena, 0);
	atomic_init(&p.m->refs, 1);
	p.m->zone.priv = p.m;
	p.m->depth = om->depth + 1;
	atomic_fetch_add(&om->refs, 1);
	p.m->base = om;
	p.m->part = part->priv;   /* part's own reference, handed over */
	err = assemble(&p);
	free(p.changed);
	if (err) {
		ans_zone_free(&p.m->zone);
		return err;
	}
	*out = &p.m->zone;
	return ANS_OK;
}

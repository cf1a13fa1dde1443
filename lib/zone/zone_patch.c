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
 * The node set may change: a new owner is a node of part that old lacks
 * (its new empty non-terminals too: part holds the ancestors of its
 * owners), and an owner left without records vanishes when nothing below
 * it keeps records (RFC 4592 §2.2.2), taking with it the empty
 * non-terminals above it that only it kept. Then the node array is a
 * merge: old's nodes in order with the new ones slotted in at their
 * canonical place (a binary search each), and map[] renumbers old nodes.
 * Everything holding node numbers follows the map: the hash index (slots
 * renumbered, vanished names deleted, new ones hashed: zone_index.c),
 * parents, and the additional entries of every NS/MX/SRV RRset (copied
 * where a number moves; rdata is never re-encoded). Referral blocks hold
 * bytes, not numbers, and are shared unless their glue changed.
 *
 * What stays refused (ANS_EAGAIN, the caller builds in full): NS or DNAME
 * appearing or vanishing at a node that stays (occlusion of a whole
 * subtree would change), the apex changing, an emptied owner with more
 * than EMPTY_SCAN_MAX empty descendants, more than ANS_ZONE_PATCH_MAX
 * owners and 5 % of the nodes, a chain of PATCH_DEPTH_MAX patches.
 *
 * Additional entries of untouched RRsets are recomputed only when one of
 * their targets is a name whose address presence changed (a small hash
 * set of those names is checked per target); referral blocks are rebuilt
 * for changed and new cuts and for cuts whose glue is a changed node.
 * DNSSEC tables are shared when nothing moved and no NSEC, NSEC3, RRSIG
 * or NSEC3PARAM presence changed, else built again over the new nodes.
 *
 * Untouched data is shared with old, read-only: the new snapshot holds a
 * reference on old's memory and on part's (zone_priv.h).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/wire/rdata.h"
#include "lib/zone/zone_priv.h"

#define PATCH_DEPTH_MAX 32      /* then a full build compacts the chain */
#define EMPTY_SCAN_MAX 64       /* descendants looked at for an emptied owner */
#define NONE UINT32_MAX

struct patch {
	const struct ans_zone *old, *part;
	uint32_t *changed;      /* old node indices, sorted, unique */
	size_t nchanged;
	uint32_t *gone;         /* old node indices that vanish, sorted */
	size_t ngone;
	uint32_t *added;        /* part node indices of new nodes, in order */
	uint32_t *ins_at;       /* old index each new node goes before */
	uint32_t *added_new;    /* their new indices */
	size_t nadded;
	uint32_t *map;          /* old index -> new; NULL: the same */
	uint8_t *touched;       /* per new node: changed or new */
	struct zone_mem *m;
	struct ans_node *nodes;
	size_t count;
	uint64_t *addr_set;     /* name hashes: address presence changed */
	size_t addr_mask, naddr;
	bool addr_touched;      /* a changed owner holds A or AAAA */
	bool dnssec_moved;      /* NSEC, NSEC3, RRSIG or NSEC3PARAM changed */
	bool needs_gone_cut;    /* a cut or DNAME lost: its node must vanish */
	long sig_delta;
};

static const struct ans_node *new_node(const struct patch *p, uint32_t idx)
{
	const struct ans_node *n = ans_zone_find(p->part, p->old->nodes[idx].owner);
	return n && n->rrset_count ? n : NULL;
}

static bool in_sorted(const uint32_t *a, size_t n, uint32_t idx)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a[mid] == idx)
			return true;
		if (a[mid] < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool is_changed(const struct patch *p, uint32_t idx)
{
	return in_sorted(p->changed, p->nchanged, idx);
}

static bool has(const struct ans_node *n, uint16_t type)
{
	return n && ans_node_rrset(n, type);
}

static bool has_addr(const struct ans_node *n)
{
	return has(n, ANS_TYPE_A) || has(n, ANS_TYPE_AAAA);
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

/* A case-blind hash of a wire name, for the set of names whose address
 * presence changed (rdata targets keep their letter case). */
static uint64_t name_key(const uint8_t *name)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0, len = ans_name_len(name); i < len; i++) {
		uint8_t c = name[i];
		h = (h ^ (c >= 'A' && c <= 'Z' ? c + 32 : c)) * 0x100000001b3ull;
	}
	return h | 1;   /* 0 marks an empty slot */
}

static void addr_set_add(struct patch *p, const uint8_t *name)
{
	uint64_t k = name_key(name);
	size_t s = k & p->addr_mask;
	while (p->addr_set[s] && p->addr_set[s] != k)
		s = (s + 1) & p->addr_mask;
	p->naddr += !p->addr_set[s];
	p->addr_set[s] = k;
}

static bool addr_set_has(const struct patch *p, const uint8_t *name)
{
	uint64_t k = name_key(name);
	for (size_t s = k & p->addr_mask; p->addr_set[s]; s = (s + 1) & p->addr_mask)
		if (p->addr_set[s] == k)
			return true;
	return false;
}

/* What replacing or adding node o -> n changes beyond itself: the names
 * to relink, the DNSSEC tables, the count of signed nodes. */
static void note_change(struct patch *p, const struct ans_node *o, const struct ans_node *n,
			const uint8_t *owner)
{
	bool apex = o && o == p->old->apex_node;
	p->addr_touched |= has_addr(o) || has_addr(n);
	if (has_addr(o) != has_addr(n))
		addr_set_add(p, owner);
	p->sig_delta += (long)has(n, ANS_TYPE_RRSIG) - (long)has(o, ANS_TYPE_RRSIG);
	if (has(o, ANS_TYPE_NSEC) != has(n, ANS_TYPE_NSEC) ||
	    has(o, ANS_TYPE_NSEC3) || has(n, ANS_TYPE_NSEC3) ||
	    has(o, ANS_TYPE_RRSIG) != has(n, ANS_TYPE_RRSIG) ||
	    (apex && !same_rrset(o, n, ANS_TYPE_NSEC3PARAM)))
		p->dnssec_moved = true;
}

/* Whether replacing node idx keeps the conditions above; an NS or DNAME
 * lost with all records is allowed if the node vanishes (checked later). */
static bool fits(struct patch *p, uint32_t idx)
{
	const struct ans_zone *old = p->old;
	const struct ans_node *o = &old->nodes[idx], *n = new_node(p, idx);
	bool apex = o == old->apex_node;
	note_change(p, o, n, o->owner);
	if (!n && !apex && (has(o, ANS_TYPE_NS) || has(o, ANS_TYPE_DNAME))) {
		p->needs_gone_cut = true;
		return true;
	}
	return (apex || same_rrset(o, n, ANS_TYPE_NS)) &&
	       has(o, ANS_TYPE_DNAME) == has(n, ANS_TYPE_DNAME);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static size_t sort_unique(uint32_t *a, size_t k)
{
	qsort(a, k, sizeof(*a), u32_cmp);
	size_t n = 0;
	for (size_t i = 0; i < k; i++)
		if (n == 0 || a[i] != a[n - 1])
			a[n++] = a[i];
	return n;
}

/* Old node indices of the changed owners that old has (and its apex). */
static void list_changed(struct patch *p, const uint8_t *const *owners, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ans_node *o = ans_zone_find(p->old, owners[i]);
		if (o)
			p->changed[k++] = (uint32_t)(o - p->old->nodes);
	}
	p->changed[k++] = (uint32_t)(p->old->apex_node - p->old->nodes);
	p->nchanged = sort_unique(p->changed, k);
}

/* Whether old node j holds records after the patch. */
static bool full_after(const struct patch *p, size_t j)
{
	return is_changed(p, (uint32_t)j) ? new_node(p, (uint32_t)j) != NULL
					  : p->old->nodes[j].rrset_count > 0;
}

/* Whether old node idx stays a node: it keeps records, part has it (as an
 * owner or as the ancestor of one), or a descendant keeps records. -1
 * when that takes more than EMPTY_SCAN_MAX descendants to tell. */
static int survives(const struct patch *p, uint32_t idx)
{
	const struct ans_zone *old = p->old;
	const uint8_t *owner = old->nodes[idx].owner;
	if (&old->nodes[idx] == old->apex_node || full_after(p, idx) ||
	    ans_zone_find(p->part, owner))
		return 1;
	for (size_t j = idx + 1; j < old->node_count; j++) {
		if (!ans_name_is_sub(old->nodes[j].owner, owner))
			return 0;
		if (j > idx + EMPTY_SCAN_MAX)
			return -1;
		if (full_after(p, j))
			return 1;
	}
	return 0;
}

/* The nodes that vanish: emptied owners nothing keeps, and the empty
 * non-terminals above them that only they kept. */
static int list_gone(struct patch *p)
{
	const struct ans_zone *old = p->old;
	size_t k = 0;
	for (size_t i = 0; i < p->nchanged; i++) {
		uint32_t idx = p->changed[i];
		while (&old->nodes[idx] != old->apex_node) {
			int s = survives(p, idx);
			if (s < 0)
				return ANS_EAGAIN;
			if (s)
				break;
			p->gone[k++] = idx;
			idx = (uint32_t)(old->nodes[idx].parent - old->nodes);
		}
	}
	p->ngone = sort_unique(p->gone, k);
	return ANS_OK;
}

/* A cut or DNAME lost at a node: allowed only when the node vanishes
 * (with its whole subtree, so no occlusion flag of a kept node moves). */
static bool lost_cuts_vanish(const struct patch *p)
{
	for (size_t i = 0; p->needs_gone_cut && i < p->nchanged; i++) {
		uint32_t idx = p->changed[i];
		const struct ans_node *o = &p->old->nodes[idx];
		if (o != p->old->apex_node && !new_node(p, idx) &&
		    (has(o, ANS_TYPE_NS) || has(o, ANS_TYPE_DNAME)) &&
		    !in_sorted(p->gone, p->ngone, idx))
			return false;
	}
	return true;
}

/* The first old index whose owner sorts after `owner`, from `lo` on. */
static uint32_t insert_point(const struct ans_zone *old, const uint8_t *owner, size_t lo)
{
	size_t hi = old->node_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ans_name_cmp(old->nodes[mid].owner, owner) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

/* The nodes of part that old lacks, in canonical order, with where they
 * go among old's. */
static void list_added(struct patch *p)
{
	const struct ans_zone *part = p->part;
	size_t lo = 0;
	for (size_t i = 0; i < part->node_count; i++) {
		const struct ans_node *n = &part->nodes[i];
		if (n == part->apex_node || ans_zone_find(p->old, n->owner))
			continue;
		note_change(p, NULL, n->rrset_count ? n : NULL, n->owner);
		lo = insert_point(p->old, n->owner, lo);
		p->ins_at[p->nadded] = (uint32_t)lo;
		p->added[p->nadded++] = (uint32_t)i;
	}
}

static size_t node_rrs(const struct ans_node *n)
{
	size_t c = 0;
	for (uint16_t k = 0; n && k < n->rrset_count; k++)
		c += n->rrsets[k].count;
	return c;
}

/* The node array when nodes come and go: old's in order, vanished ones
 * skipped, new ones (part's, flags set later) placed before ins_at. */
static void merge_nodes(struct patch *p)
{
	const struct ans_zone *old = p->old;
	size_t i = 0, a = 0, g = 0, k = 0;
	while (i < old->node_count || a < p->nadded) {
		if (a < p->nadded && p->ins_at[a] <= i) {
			const struct ans_node *n = &p->part->nodes[p->added[a]];
			p->nodes[k] = (struct ans_node){ .owner = n->owner, .rrsets = n->rrsets,
							 .rrset_count = n->rrset_count };
			p->touched[k] = 1;
			p->added_new[a++] = (uint32_t)k++;
		} else if (g < p->ngone && p->gone[g] == i) {
			p->map[i++] = NONE;
			g++;
		} else {
			p->nodes[k] = old->nodes[i];
			p->map[i++] = (uint32_t)k++;
		}
	}
}

static uint32_t renum(const struct patch *p, size_t i)
{
	return p->map ? p->map[i] : (uint32_t)i;
}

/* Parents of old nodes renumbered, changed nodes pointing at part's
 * RRsets. */
static void fill_changed(struct patch *p, struct ans_zone *z)
{
	const struct ans_zone *old = p->old;
	for (size_t i = 0; i < old->node_count; i++) {
		uint32_t k = renum(p, i);
		if (k != NONE && old->nodes[i].parent)
			p->nodes[k].parent = p->nodes + renum(p, (size_t)(old->nodes[i].parent -
									   old->nodes));
	}
	z->rr_count = old->rr_count;
	for (size_t i = 0; i < p->nchanged; i++) {
		const struct ans_node *n = new_node(p, p->changed[i]);
		z->rr_count -= node_rrs(&old->nodes[p->changed[i]]);
		uint32_t k = renum(p, p->changed[i]);
		if (k == NONE)
			continue;
		struct ans_node *d = &p->nodes[k];
		p->touched[k] = 1;
		z->rr_count += node_rrs(n);
		d->rrsets = n ? n->rrsets : NULL;
		d->rrset_count = n ? n->rrset_count : 0;
		d->flags &= ANS_NODE_APEX | ANS_NODE_DELEG | ANS_NODE_OCCLUDED |
			    ANS_NODE_HAS_WILDCARD | ANS_NODE_DNAME;
		if (!n)
			d->flags |= ANS_NODE_ENT;
		if (has(n, ANS_TYPE_CNAME))
			d->flags |= ANS_NODE_CNAME;
	}
}

static bool is_wildcard(const uint8_t *name)
{
	return name[0] == 1 && name[1] == '*';
}

/* Parents and flags of the new nodes (zone.c's set_flags: in canonical
 * order, so a parent is final first), and HAS_WILDCARD of the parents of
 * vanished wildcards. */
static void flag_added(struct patch *p, struct ans_zone *z)
{
	for (size_t a = 0; a < p->nadded; a++) {
		struct ans_node *n = &p->nodes[p->added_new[a]];
		struct ans_node *par = (struct ans_node *)ans_zone_find(z, n->owner + n->owner[0] + 1);
		uint16_t f = n->rrset_count ? 0 : ANS_NODE_ENT;
		n->parent = par;
		z->rr_count += node_rrs(n);
		if (ans_node_rrset(n, ANS_TYPE_NS))
			f |= ANS_NODE_DELEG;
		if (ans_node_rrset(n, ANS_TYPE_DNAME))
			f |= ANS_NODE_DNAME;
		if (ans_node_rrset(n, ANS_TYPE_CNAME))
			f |= ANS_NODE_CNAME;
		if (par->flags & (ANS_NODE_OCCLUDED | ANS_NODE_DELEG | ANS_NODE_DNAME))
			f |= ANS_NODE_OCCLUDED;
		if (is_wildcard(n->owner))
			par->flags |= ANS_NODE_HAS_WILDCARD;
		n->flags = f;
	}
	for (size_t g = 0; g < p->ngone; g++) {
		const struct ans_node *o = &p->old->nodes[p->gone[g]];
		uint32_t k = p->map[o->parent - p->old->nodes];
		if (is_wildcard(o->owner) && k != NONE)
			p->nodes[k].flags &= (uint16_t)~ANS_NODE_HAS_WILDCARD;
	}
}

static int alloc_arrays(struct patch *p, bool moved)
{
	const struct ans_zone *old = p->old;
	p->count = old->node_count - p->ngone + p->nadded;
	p->nodes = malloc((p->count ? p->count : 1) * sizeof(*p->nodes));
	p->touched = calloc(p->count + 1, 1);
	p->m->own_nodes = p->nodes;
	if (!p->nodes || !p->touched)
		return ANS_ENOMEM;
	if (!moved) {
		memcpy(p->nodes, old->nodes, old->node_count * sizeof(*p->nodes));
		return ANS_OK;
	}
	p->map = malloc(old->node_count * sizeof(*p->map));
	return p->map ? ANS_OK : ANS_ENOMEM;
}

/* The node array and the index. */
static int lay_out(struct patch *p, struct ans_zone *z)
{
	bool moved = p->ngone || p->nadded;
	int err = alloc_arrays(p, moved);
	if (err)
		return err;
	if (moved)
		merge_nodes(p);
	fill_changed(p, z);
	z->nodes = p->nodes;
	z->node_count = p->count;
	z->apex_node = p->nodes + renum(p, (size_t)(p->old->apex_node - p->old->nodes));
	if (!moved) {
		z->index = p->old->index;
		return ANS_OK;
	}
	err = ans_zone_index_patch(z, p->old, p->map, p->gone, p->ngone, p->added_new,
				   p->nadded, &p->m->arena);
	if (!err && z->node_count > ANS_ADDL_NODE)
		err = ANS_ELIMIT;
	if (!err)
		flag_added(p, z);
	return err;
}

static bool is_cut(const struct ans_node *n)
{
	return (n->flags & (ANS_NODE_DELEG | ANS_NODE_OCCLUDED)) == ANS_NODE_DELEG;
}

/* zone.c's has_addl(): the RRsets with additional entries. */
static bool has_addl(uint16_t type)
{
	return type == ANS_TYPE_NS || type == ANS_TYPE_MX || type == ANS_TYPE_SRV;
}

/* Whether a target of rs is a name whose address presence changed. */
static bool targets_hit(const struct patch *p, const struct ans_rrset *rs)
{
	const uint8_t *q = rs->rdata;
	for (uint16_t r = 0; r < rs->count; r++) {
		uint16_t len = ans_get_u16(q);
		const uint8_t *t = ans_rdata_target(rs->type, q + 2, len);
		q += 2 + len;
		if (t && addr_set_has(p, t))
			return true;
	}
	return false;
}

/* Node k's own copy of its RRsets and of the rdata and entries (and
 * referral slot) of those with additional entries, to be rewritten. */
static int own_rrsets(struct patch *p, size_t k)
{
	struct ans_node *d = &p->nodes[k];
	/* The RRSIG groups after rrsets[] (zone.c), one per covered type,
	 * covering types the node may not hold: counted to the last one. */
	size_t total = d->rrset_count;
	const struct ans_rrset *sigs = ans_node_rrset(d, ANS_TYPE_RRSIG);
	for (uint32_t seen = 0; sigs && seen < sigs->count; total++)
		seen += d->rrsets[total].count;
	struct ans_rrset *rs = ans_arena_alloc(&p->m->arena, total * sizeof(*rs));
	if (!rs)
		return ANS_ENOMEM;
	memcpy(rs, d->rrsets, total * sizeof(*rs));   /* ans_arena_dup: align 1 */
	for (uint16_t i = 0; i < d->rrset_count; i++) {
		if (!has_addl(rs[i].type))
			continue;
		size_t len = rs[i].rdata_len + 4 + 4 * (size_t)rs[i].count +
			     (rs[i].type == ANS_TYPE_NS ? sizeof(void *) : 0);
		rs[i].rdata = ans_arena_dup(&p->m->arena, rs[i].rdata, len);
		if (!rs[i].rdata)
			return ANS_ENOMEM;
	}
	d->rrsets = rs;
	return ANS_OK;
}

/* The entries of rs renumbered by the map, in place (an own copy). */
static void remap_entries(const struct patch *p, const struct ans_rrset *rs)
{
	uint8_t *e = (uint8_t *)rs->rdata + rs->rdata_len + 4;
	uint32_t count;
	memcpy(&count, e - 4, 4);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t v;
		memcpy(&v, e + 4 * i, 4);
		v = (v & ~ANS_ADDL_NODE) | (p->map[(v & ANS_ADDL_NODE) - 1] + 1);
		memcpy(e + 4 * i, &v, 4);
	}
}

/* What an untouched node's entries need: 1 renumbering, 2 computing
 * again (a target gained or lost its addresses, or vanished), and in
 * *block whether its referral block must be rebuilt (glue changed). */
static int entries_need(const struct patch *p, const struct ans_node *n, bool *block)
{
	int need = 0;
	for (uint16_t r = 0; r < n->rrset_count; r++) {
		const struct ans_rrset *rs = &n->rrsets[r];
		if (!has_addl(rs->type))
			continue;
		if (p->naddr && targets_hit(p, rs))
			need = 2;
		const uint8_t *e;
		unsigned count = ans_rrset_addl(rs, &e);
		for (unsigned i = 0; i < count; i++) {
			uint32_t v, t, k;
			memcpy(&v, e + 4 * i, 4);
			t = (v & ANS_ADDL_NODE) - 1;
			k = renum(p, t);
			if (k == NONE)
				need = 2;
			else if (k != t && need == 0)
				need = 1;
			if (k != NONE && p->touched[k] && p->addr_touched && rs->type == ANS_TYPE_NS)
				*block = true;
		}
	}
	*block = (*block || need == 2) && is_cut(n);
	return need;
}

static int relink_other(struct patch *p, struct ans_zone *z, size_t k)
{
	bool block = false;
	int need = entries_need(p, &p->nodes[k], &block);
	if (!need && !block)
		return ANS_OK;
	int err = own_rrsets(p, k);
	if (err)
		return err;
	const struct ans_node *n = &p->nodes[k];
	if (need == 2)
		ans_zone_link_node(z, n);
	for (uint16_t r = 0; need == 1 && r < n->rrset_count; r++)
		if (has_addl(n->rrsets[r].type))
			remap_entries(p, &n->rrsets[r]);
	return block ? ans_zone_referral_build_one(z, n, &p->m->arena) : ANS_OK;
}

/* Additional entries and referral blocks: computed for the changed and
 * new nodes, renumbered or recomputed for the others where needed. */
static int relink(struct patch *p, struct ans_zone *z)
{
	for (size_t k = 0; k < p->count; k++)
		if (p->touched[k])
			ans_zone_link_node(z, &p->nodes[k]);
	for (size_t k = 0; k < p->count; k++) {
		const struct ans_rrset *ns = p->touched[k] ? ans_node_rrset(&p->nodes[k], ANS_TYPE_NS)
							    : NULL;
		if (!ns)
			continue;
		/* part's block was made where part had no cut above this one. */
		memset(ans_rrset_referral_slot(ns), 0, sizeof(void *));
		int err = is_cut(&p->nodes[k]) ?
			  ans_zone_referral_build_one(z, &p->nodes[k], &p->m->arena) : ANS_OK;
		if (err)
			return err;
	}
	/* Nothing renumbered and no address presence changed: only cuts
	 * (glue content) can need work, told by their flags alone. */
	bool cuts_only = !p->map && !p->naddr;
	for (size_t k = 0; (p->map || p->addr_touched) && k < p->count; k++) {
		if (p->touched[k] || (cuts_only && !is_cut(&p->nodes[k])))
			continue;
		int err = relink_other(p, z, k);
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
	z->files = old->files;
	z->file_count = old->file_count;
	int err = lay_out(p, z);
	if (!err)
		err = relink(p, z);
	p->m->sig_nodes = (size_t)((long)om->sig_nodes + p->sig_delta);
	if (!err && p->m->sig_nodes && old->dnssec && !p->dnssec_moved && !p->map)
		err = ans_zone_dnssec_share(z, old, &p->m->arena);
	else if (!err && p->m->sig_nodes)
		err = ans_zone_dnssec_build(z, &p->m->arena);
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

static void patch_free(struct patch *p)
{
	free(p->changed);
	free(p->gone);
	free(p->added);
	free(p->ins_at);
	free(p->added_new);
	free(p->map);
	free(p->touched);
	free(p->addr_set);
}

/* The decision: which nodes change, vanish and appear, and whether a
 * patch can make that. */
static int plan(struct patch *p, const uint8_t *const *owners, size_t n)
{
	size_t pn = p->part->node_count, set = 16;
	while (set < 2 * (n + pn + 1))
		set *= 2;
	p->changed = malloc((n + 1) * sizeof(*p->changed));
	p->gone = malloc((n + 1) * 128 * sizeof(*p->gone));
	p->added = malloc((pn + 1) * sizeof(*p->added));
	p->ins_at = malloc((pn + 1) * sizeof(*p->ins_at));
	p->added_new = malloc((pn + 1) * sizeof(*p->added_new));
	p->addr_set = calloc(set, sizeof(*p->addr_set));
	p->addr_mask = set - 1;
	if (!p->changed || !p->gone || !p->added || !p->ins_at || !p->added_new ||
	    !p->addr_set)
		return ANS_ENOMEM;
	list_changed(p, owners, n);
	for (size_t i = 0; i < p->nchanged; i++)
		if (!fits(p, p->changed[i]))
			return ANS_EAGAIN;
	int err = list_gone(p);
	if (err)
		return err;
	if (!lost_cuts_vanish(p))
		return ANS_EAGAIN;
	list_added(p);
	return ANS_OK;
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
	int err = plan(&p, owners, n);
	if (!err)
		err = (p.m = calloc(1, sizeof(*p.m))) ? ANS_OK : ANS_ENOMEM;
	if (err) {
		patch_free(&p);
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
	patch_free(&p);
	if (err) {
		ans_zone_free(&p.m->zone);
		return err;
	}
	*out = &p.m->zone;
	return ANS_OK;
}

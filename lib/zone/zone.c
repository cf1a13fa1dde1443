/* SPDX-License-Identifier: MIT */
/*
 * DOC: the zone snapshot
 *
 * A snapshot is built once and then only read. Building is two phases:
 *
 *   builder:  ans_zone_builder_add() appends raw records (owner lowercased,
 *             rdata copied) to a growable array; nothing is sorted yet, so
 *             loading a zone file or a transfer is a sequence of appends.
 *   finish:   one sort in canonical order (owner by ans_name_cmp, then type,
 *             then ans_rdata_cmp, then arrival order), which makes duplicate
 *             RRs and the RRs of one RRset adjacent; one pass drops
 *             out-of-zone records and duplicates and merges RRsets; the
 *             node names (owners plus every ancestor up to the apex: empty
 *             non-terminals, RFC 4592 §2.2.2) follow from the sorted owners
 *             in one walk, without another sort; then the
 *             nodes, RRsets and rdata are laid out in the snapshot's arena.
 *
 * Invariants of a finished snapshot:
 *   - nodes[] is in canonical order, so an ancestor always precedes its
 *     descendants; flags that flow downwards (OCCLUDED) are set in one pass.
 *   - every node but the apex has its parent as a node (ENTs included).
 *   - every name and every rdata byte is stored once, in one arena owned by
 *     the snapshot (an ENT's owner points into a descendant's owner: a
 *     suffix of a wire name is a wire name).
 *   - the index (zone_index.c) maps each lowercased owner to its node with
 *     one hash probe, so a closest-encloser search costs one probe per label.
 *
 * Where to read: ans_zone_builder_finish(), then layout_nodes() and
 * set_flags(). doc/zone.md says why these structures.
 */
#include "lib/zone/zone.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/arena.h"
#include "lib/wire/rdata.h"
#include "lib/zone/zone_priv.h"
#include "lib/zone/name_rank.h"

/* One record as added, before the snapshot exists. */
struct brr {
	const uint8_t *owner;   /* lowercased, in the builder's arena */
	const uint8_t *rdata;
	uint32_t ttl;
	uint32_t seq;           /* arrival order: "first TTL kept" */
	uint32_t rank;          /* owner's canonical rank (name_rank.h) */
	uint32_t src_line;
	uint16_t type;
	uint16_t rdlen;
	uint16_t src_file;
};

struct ans_zone_builder {
	struct ans_arena arena;
	uint8_t apex[ANS_NAME_MAX];
	struct brr *rrs;
	size_t count, cap;
	char **files;
	size_t file_count, file_cap;
};

int ans_zone_builder_new(struct ans_zone_builder **out, const uint8_t *apex)
{
	struct ans_zone_builder *b = calloc(1, sizeof(*b));
	*out = NULL;
	if (!b)
		return ANS_ENOMEM;
	ans_arena_init(&b->arena, 0);
	ans_name_copy(b->apex, apex);
	ans_name_lower(b->apex);
	*out = b;
	return ANS_OK;
}

void ans_zone_builder_free(struct ans_zone_builder *b)
{
	if (!b)
		return;
	ans_arena_free(&b->arena);
	free(b->rrs);
	free(b->files);
	free(b);
}

int ans_zone_builder_file(struct ans_zone_builder *b, const char *path)
{
	for (size_t i = 0; i < b->file_count; i++)
		if (strcmp(b->files[i], path) == 0)
			return (int)i;
	if (b->file_count >= UINT16_MAX)
		return ANS_ELIMIT;
	if (b->file_count == b->file_cap) {
		size_t cap = b->file_cap ? b->file_cap * 2 : 4;
		char **f = realloc(b->files, cap * sizeof(*f));
		if (!f)
			return ANS_ENOMEM;
		b->files = f;
		b->file_cap = cap;
	}
	char *copy = ans_arena_dup(&b->arena, path, strlen(path) + 1);
	if (!copy)
		return ANS_ENOMEM;
	b->files[b->file_count] = copy;
	return (int)b->file_count++;
}

/* Records of one owner usually arrive together (zone files, AXFR), so the
 * previous owner is reused instead of stored again. */
static const uint8_t *intern_owner(struct ans_zone_builder *b, const uint8_t *owner)
{
	if (b->count && ans_name_equal(b->rrs[b->count - 1].owner, owner))
		return b->rrs[b->count - 1].owner;
	uint8_t *copy = ans_arena_dup(&b->arena, owner, ans_name_len(owner));
	if (copy)
		ans_name_lower(copy);
	return copy;
}

int ans_zone_builder_add(struct ans_zone_builder *b, const uint8_t *owner,
			 uint16_t type, uint32_t ttl, const uint8_t *rdata,
			 uint16_t rdlen, int src_file, unsigned src_line)
{
	if (ans_rrtype_is_meta(type))
		return ANS_EINVAL;
	if (b->count >= UINT32_MAX)
		return ANS_ELIMIT;
	if (b->count == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		struct brr *r = realloc(b->rrs, cap * sizeof(*r));
		if (!r)
			return ANS_ENOMEM;
		b->rrs = r;
		b->cap = cap;
	}
	const uint8_t *own = intern_owner(b, owner);
	const uint8_t *rd = ans_arena_dup(&b->arena, rdata, rdlen);
	if (!own || !rd)
		return ANS_ENOMEM;
	b->rrs[b->count] = (struct brr){
		.owner = own, .rdata = rd, .ttl = ttl, .seq = (uint32_t)b->count,
		.src_line = src_line, .type = type, .rdlen = rdlen,
		.src_file = src_file >= 0 ? (uint16_t)src_file : UINT16_MAX,
	};
	b->count++;
	return ANS_OK;
}

static int brr_cmp(const void *pa, const void *pb)
{
	const struct brr *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	int c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	c = ans_rdata_cmp(a->type, a->rdata, a->rdlen, b->rdata, b->rdlen);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Equal names have equal ranks (rank_owners), so after the sort an
 * owner comparison is an integer one. */
static bool same_owner(const struct brr *a, const struct brr *b)
{
	return a->rank == b->rank;
}

static bool same_rrset(const struct brr *a, const struct brr *b)
{
	return a->type == b->type && same_owner(a, b);
}

static const char *file_name(const struct ans_zone_builder *b, uint16_t f)
{
	return f < b->file_count ? b->files[f] : NULL;
}

/* Drops records outside the zone (named-checkzone only warns about them,
 * so this is a warning too) and exact duplicates (RFC 2181 §5: an RRset
 * is a set). The array is sorted, so duplicates are adjacent and the one
 * kept is the earliest added. */
static void filter_records(struct ans_zone_builder *b, struct ans_diag *diag)
{
	size_t kept = 0;
	char text[ANS_NAME_TEXT_MAX];
	bool inside = false;
	for (size_t i = 0; i < b->count; i++) {
		struct brr *r = &b->rrs[i];
		if (i == 0 || !same_owner(r, r - 1))   /* once per owner */
			inside = ans_name_is_sub(r->owner, b->apex);
		if (!inside) {
			if (ans_name_to_text(r->owner, text, sizeof(text)) < 0)
				text[0] = '\0';
			ans_diag_report(diag, ANS_DIAG_WARNING,
					file_name(b, r->src_file), r->src_line,
					"%s is outside the zone, record ignored", text);
			continue;
		}
		if (kept && same_rrset(&b->rrs[kept - 1], r) &&
		    ans_rdata_cmp(r->type, b->rrs[kept - 1].rdata,
				  b->rrs[kept - 1].rdlen, r->rdata, r->rdlen) == 0)
			continue;
		b->rrs[kept++] = *r;
	}
	b->count = kept;
}

/* Everything finish needs besides the builder. */
struct build {
	struct ans_zone_builder *b;
	struct ans_diag *diag;
	struct zone_mem *m;
	struct ans_zone *z;
	bool has_sigs;          /* an RRSIG was seen: build the DNSSEC indexes */
};

/* Copies each distinct owner into the snapshot once; records then point at
 * the copy, so node owners and ENT suffixes all live in the snapshot. */
static int copy_owners(struct build *bd)
{
	struct ans_zone_builder *b = bd->b;
	const uint8_t *prev = NULL, *copy = NULL;
	for (size_t i = 0; i < b->count; i++) {
		if (!prev || !same_owner(&b->rrs[i], &b->rrs[i - 1])) {
			prev = b->rrs[i].owner;
			copy = ans_arena_dup(&bd->m->arena, prev, ans_name_len(prev));
			if (!copy)
				return ANS_ENOMEM;
		}
		b->rrs[i].owner = copy;
	}
	return ANS_OK;
}

/* Labels that two lowercased names share at their end, the root's
 * included (so always ≥ 1). */
static unsigned common_labels(const uint8_t *a, const uint8_t *b)
{
	unsigned la = ans_name_labels(a), lb = ans_name_labels(b);
	if (la > lb)
		a = ans_name_skip_labels(a, la - lb);
	else
		b = ans_name_skip_labels(b, lb - la);
	unsigned left = la < lb ? la : lb, common = left + 1;
	for (; left > 0; left--, a += a[0] + 1, b += b[0] + 1)
		if (a[0] != b[0] || memcmp(a + 1, b + 1, a[0]) != 0)
			common = left;   /* labels after this one, plus the root */
	return common;
}

/* Lists node names: every owner, and every ancestor between an owner and
 * the apex (empty non-terminals when nothing is owned there), in canonical
 * order and unique. The records are sorted and in the zone (filter_records)
 * and a name's subtree is one contiguous run in canonical order, so the
 * ancestors of an owner not yet listed are exactly those below its common
 * ancestor with the previous owner; they follow the previous owner and are
 * listed from the top down. No second sort. An owner's node name is the
 * owner's own pointer (fill_node matches records by pointer); an ENT's is a
 * suffix of its first descendant. The apex is a node even in a zone
 * without records. */
static int list_node_names(struct build *bd, const uint8_t ***out, size_t *out_n)
{
	struct ans_zone_builder *b = bd->b;
	unsigned apex_labels = ans_name_labels(bd->z->apex);
	size_t n = 1, cap = 1;
	for (size_t i = 0; i < b->count; i++)
		if (i == 0 || b->rrs[i].owner != b->rrs[i - 1].owner)
			cap += ans_name_labels(b->rrs[i].owner) - apex_labels;
	const uint8_t **names = malloc(cap * sizeof(*names));
	if (!names)
		return ANS_ENOMEM;
	names[0] = bd->z->apex;
	const uint8_t *prev = bd->z->apex;
	for (size_t i = 0; i < b->count; i++) {
		if (i > 0 && b->rrs[i].owner == b->rrs[i - 1].owner)
			continue;
		const uint8_t *name = b->rrs[i].owner;
		unsigned labels = ans_name_labels(name);
		unsigned common = common_labels(prev, name) - 1;   /* root aside */
		if (labels == apex_labels)
			names[0] = name;   /* the apex owns records */
		for (unsigned l = labels; l > common; l--) {
			names[n + (l - common - 1)] = name;
			name += name[0] + 1;
		}
		if (labels > common)
			n += labels - common;
		prev = b->rrs[i].owner;
	}
	*out = names;
	*out_n = n;
	return ANS_OK;
}

static void warn_ttl(struct build *bd, const struct brr *r, uint32_t ttl)
{
	char name[ANS_NAME_TEXT_MAX], type[16];
	if (ans_name_to_text(r->owner, name, sizeof(name)) < 0)
		name[0] = '\0';
	if (ans_rrtype_to_text(r->type, type, sizeof(type)) < 0)
		type[0] = '\0';
	/* RFC 2181 §5.2: the TTLs of an RRset must match; like BIND we keep
	 * the first one seen. */
	ans_diag_report(bd->diag, ANS_DIAG_WARNING, file_name(bd->b, r->src_file),
			r->src_line, "%s %s: TTL %u differs from the RRset's TTL %u, "
			"using %u", name, type, r->ttl, ttl, ttl);
}

/* The types whose targets get address records in the additional section
 * (RFC 1035 §3.3.9 and §3.3.11, RFC 2782). */
static bool has_addl(uint16_t type)
{
	return type == ANS_TYPE_NS || type == ANS_TYPE_MX || type == ANS_TYPE_SRV;
}

/* Fills one RRset from the records rrs[0..n) (same owner and type, sorted
 * canonically): rdata copied as [u16 rdlen][rdata] in canonical order, TTL
 * and source of the earliest added record. */
static int make_rrset(struct build *bd, struct ans_rrset *rs,
		      const struct brr *rrs, size_t n)
{
	if (n > UINT16_MAX) {
		ans_diag_report(bd->diag, ANS_DIAG_ERROR,
				file_name(bd->b, rrs[0].src_file), rrs[0].src_line,
				"RRset has more than %u records", UINT16_MAX);
		return ANS_ELIMIT;
	}
	size_t first = 0, len = 0;
	for (size_t i = 0; i < n; i++) {
		len += 2 + (size_t)rrs[i].rdlen;
		if (rrs[i].seq < rrs[first].seq)
			first = i;
	}
	/* NS, MX and SRV rdata is followed by its additional-section block
	 * (ans_rrset_addl): a count and up to one entry per record, filled
	 * by link_additional() once the index exists. */
	size_t extra = has_addl(rrs[0].type) ? 4 + 4 * n : 0;
	if (rrs[0].type == ANS_TYPE_NS)
		extra += sizeof(void *);   /* referral block (zone_referral.c) */
	uint8_t *p = ans_arena_alloc_bytes(&bd->m->arena, len + extra);
	if (!p)
		return ANS_ENOMEM;
	memset(p + len, 0, extra);
	*rs = (struct ans_rrset){
		.type = rrs[0].type, .count = (uint16_t)n, .ttl = rrs[first].ttl,
		.rdata_len = (uint32_t)len, .rdata = p,
		.src_line = rrs[first].src_line, .src_file = rrs[first].src_file,
	};
	for (size_t i = 0; i < n; i++) {
		/* RFC 4034 §3: an RRSIG has the TTL of the RRset it covers,
		 * so RRSIGs at one name differ by design. */
		if (rrs[i].ttl != rs->ttl && rs->type != ANS_TYPE_RRSIG)
			warn_ttl(bd, &rrs[i], rs->ttl);
		ans_put_u16(p, rrs[i].rdlen);
		memcpy(p + 2, rrs[i].rdata, rrs[i].rdlen);
		p += 2 + rrs[i].rdlen;
	}
	return ANS_OK;
}

/* The type an RRSIG record covers (RFC 4034 §3.1), 0 when too short. */
static uint16_t covered_type(const struct brr *r)
{
	return r->rdlen >= 2 ? ans_get_u16(r->rdata) : 0;
}

/* Runs of RRSIG records covering one type in rrs[0..n) (sorted: canonical
 * rdata order puts the covered type first, RFC 4034 §6.3). */
static size_t count_sig_groups(const struct brr *rrs, size_t n)
{
	size_t groups = 0;
	for (size_t i = 0; i < n; i++)
		if (rrs[i].type == ANS_TYPE_RRSIG &&
		    (i == 0 || rrs[i - 1].type != ANS_TYPE_RRSIG ||
		     covered_type(&rrs[i - 1]) != covered_type(&rrs[i])))
			groups++;
	return groups;
}

/* Splits the node's RRSIG RRset (sigs, built from the records rrs[0..n))
 * into one RRset per covered type at out[], slices of its rdata with the
 * TTL of their earliest added record (not the first in canonical order:
 * an IXFR's added RRSIG sets its group's TTL as for any RRset), and points each covered RRset of
 * set[0..sets) at its group (sig_off): answers then write an RRset's
 * signatures without searching (RFC 4035 §3.1.1). */
static void group_sigs(struct ans_rrset *set, size_t sets, const struct ans_rrset *sigs,
		       struct ans_rrset *out, const struct brr *rrs, size_t n)
{
	const uint8_t *p = sigs->rdata;
	struct ans_rrset *g = out - 1;
	uint32_t first = 0;   /* arrival order of the group's earliest record */
	for (size_t i = 0; i < n; i++) {
		size_t len = 2u + rrs[i].rdlen;
		if (g < out || covered_type(&rrs[i - 1]) != covered_type(&rrs[i])) {
			*++g = (struct ans_rrset){ .type = ANS_TYPE_RRSIG, .rdata = p };
			first = UINT32_MAX;
			for (size_t k = 0; k < sets; k++)
				if (set[k].type == covered_type(&rrs[i]) && !set[k].sig_off)
					set[k].sig_off = (uint16_t)(g - &set[k]);
		}
		if (rrs[i].seq < first) {   /* make_rrset's "first TTL kept" */
			first = rrs[i].seq;
			g->ttl = rrs[i].ttl;
			g->src_line = rrs[i].src_line;
			g->src_file = rrs[i].src_file;
		}
		g->count++;
		g->rdata_len += (uint32_t)len;
		p += len;
	}
}

/* Builds the RRsets of one node from the records starting at *pos that
 * belong to it, advancing *pos. */
static int fill_node(struct build *bd, struct ans_node *node, size_t *pos)
{
	struct ans_zone_builder *b = bd->b;
	size_t start = *pos, end = start, sets = 0, sig_at = 0;
	while (end < b->count && b->rrs[end].owner == node->owner) {
		if (end == start || b->rrs[end].type != b->rrs[end - 1].type)
			sets++;
		end++;
	}
	*pos = end;
	if (sets == 0)
		return ANS_OK;
	size_t groups = count_sig_groups(&b->rrs[start], end - start);
	if (sets + groups > UINT16_MAX)
		return ANS_ELIMIT;
	struct ans_rrset *rs = ans_arena_alloc(&bd->m->arena,
					       (sets + groups) * sizeof(*rs));
	if (!rs)
		return ANS_ENOMEM;
	node->rrsets = rs;
	node->rrset_count = (uint16_t)sets;
	for (size_t i = start; i < end; rs++) {
		size_t j = i + 1;
		while (j < end && b->rrs[j].type == b->rrs[i].type)
			j++;
		int err = make_rrset(bd, rs, &b->rrs[i], j - i);
		if (err)
			return err;
		if (rs->type == ANS_TYPE_RRSIG)
			sig_at = i;
		i = j;
	}
	if (groups) {
		const struct ans_rrset *sigs = ans_node_rrset(node, ANS_TYPE_RRSIG);
		group_sigs((struct ans_rrset *)node->rrsets, sets, sigs,
			   (struct ans_rrset *)node->rrsets + sets, &b->rrs[sig_at],
			   sigs->count);
		bd->has_sigs = true;
		bd->m->sig_nodes++;
	}
	return ANS_OK;
}

/* Lays out the nodes in canonical order. An owner and its node name are the
 * same pointer when the node owns records (copy_owners), so records are
 * matched to nodes by pointer in one merge-like walk. */
static int layout_nodes(struct build *bd)
{
	const uint8_t **names;
	size_t n, pos = 0;
	int err = list_node_names(bd, &names, &n);
	if (err)
		return err;
	struct ans_node *nodes = ans_arena_alloc(&bd->m->arena, n * sizeof(*nodes));
	if (!nodes) {
		err = ANS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && !err; i++) {
		nodes[i] = (struct ans_node){ .owner = names[i] };
		err = fill_node(bd, &nodes[i], &pos);
	}
	bd->z->nodes = nodes;
	bd->z->node_count = n;
	bd->z->rr_count = bd->b->count;
out:
	free(names);
	return err;
}

static bool is_wildcard(const uint8_t *name)
{
	return name[0] == 1 && name[1] == '*';
}

/* Parents and flags, in canonical order so that a parent is final before
 * its children are looked at. Names below a zone cut are glue or junk and
 * names below a DNAME are never reached by lookups (RFC 6672 §2.3): both
 * are OCCLUDED. The apex's DNAME occludes too; the apex's NS is no cut. */
static void set_flags(struct ans_zone *z)
{
	struct ans_node *nodes = (struct ans_node *)z->nodes;
	for (size_t i = 0; i < z->node_count; i++) {
		struct ans_node *n = &nodes[i];
		bool apex = i == 0;   /* canonical order: the apex comes first */
		uint16_t f = 0;
		if (apex)
			f |= ANS_NODE_APEX;
		else
			n->parent = ans_zone_find(z, n->owner + n->owner[0] + 1);
		if (n->rrset_count == 0)
			f |= ANS_NODE_ENT;
		if (!apex && ans_node_rrset(n, ANS_TYPE_NS))
			f |= ANS_NODE_DELEG;
		if (ans_node_rrset(n, ANS_TYPE_DNAME))
			f |= ANS_NODE_DNAME;
		if (ans_node_rrset(n, ANS_TYPE_CNAME))
			f |= ANS_NODE_CNAME;
		const struct ans_node *p = n->parent;
		if (p && (p->flags & (ANS_NODE_OCCLUDED | ANS_NODE_DELEG | ANS_NODE_DNAME)))
			f |= ANS_NODE_OCCLUDED;
		if (p && is_wildcard(n->owner))
			((struct ans_node *)p)->flags |= ANS_NODE_HAS_WILDCARD;
		n->flags |= f;
	}
	z->apex_node = ans_zone_find(z, z->apex);
}

/* The additional-section entry of one rdata target of rs (owned by
 * `owner`), or 0 when the zone holds no address records for it. */
static uint32_t addl_entry(const struct ans_zone *z, const struct ans_node *owner,
			   const uint8_t *target)
{
	uint8_t lname[ANS_NAME_MAX];
	ans_name_copy(lname, target);
	ans_name_lower(lname);
	if (!ans_name_is_sub(lname, z->apex))
		return 0;
	const struct ans_node *t = ans_zone_find(z, lname);
	if (!t || (!ans_node_rrset(t, ANS_TYPE_A) && !ans_node_rrset(t, ANS_TYPE_AAAA)))
		return 0;
	uint32_t v = (uint32_t)(t - z->nodes) + 1;
	if (t->flags & ANS_NODE_OCCLUDED)
		v |= ANS_ADDL_OCCLUDED;
	if (ans_name_is_sub(t->owner, owner->owner))
		v |= ANS_ADDL_BELOW;
	return v;
}

/* Resolves, once per snapshot, the targets of every NS, MX and SRV RRset
 * to the nodes holding their A/AAAA records, in rdata order, so that an
 * answer adds them without copying, lowercasing or hashing a name. */
void ans_zone_link_node(struct ans_zone *z, const struct ans_node *n)
{
	for (uint16_t k = 0; k < n->rrset_count; k++) {
		const struct ans_rrset *rs = &n->rrsets[k];
		if (!has_addl(rs->type))
			continue;
		uint8_t *block = (uint8_t *)rs->rdata + rs->rdata_len;
		const uint8_t *p = rs->rdata;
		uint32_t count = 0;
		for (uint16_t r = 0; r < rs->count; r++) {
			uint16_t len = ans_get_u16(p);
			const uint8_t *t = ans_rdata_target(rs->type, p + 2, len);
			uint32_t v = t ? addl_entry(z, n, t) : 0;
			p += 2 + len;
			if (v)
				memcpy(block + 4 + 4 * count++, &v, 4);
		}
		memcpy(block, &count, 4);
	}
}

static void link_additional(struct ans_zone *z)
{
	for (size_t i = 0; i < z->node_count; i++)
		ans_zone_link_node(z, &z->nodes[i]);
}

unsigned ans_rrset_addl(const struct ans_rrset *rs, const uint8_t **entries)
{
	uint32_t count;
	memcpy(&count, rs->rdata + rs->rdata_len, 4);
	*entries = rs->rdata + rs->rdata_len + 4;
	return count;
}

/* Bounded length of a wire name inside rdata; 0 when it runs off the end. */
static size_t rdata_name_len(const uint8_t *p, size_t avail)
{
	size_t i = 0;
	while (i < avail && p[i] != 0) {
		if (p[i] > ANS_LABEL_MAX)
			return 0;
		i += (size_t)p[i] + 1;
	}
	return i < avail ? i + 1 : 0;
}

/* Offset of SERIAL in SOA rdata (after MNAME and RNAME), 0 when the rdata
 * is too short to hold the five counters. */
static size_t soa_counters_off(const uint8_t *rd, size_t len)
{
	size_t a = rdata_name_len(rd, len);
	if (a == 0)
		return 0;
	size_t b = rdata_name_len(rd + a, len - a);
	if (b == 0 || len - a - b < 20)
		return 0;
	return a + b;
}

const struct ans_rrset *ans_zone_soa(const struct ans_zone *z)
{
	return z->apex_node ? ans_node_rrset(z->apex_node, ANS_TYPE_SOA) : NULL;
}

static uint32_t soa_field(const struct ans_zone *z, size_t field)
{
	const struct ans_rrset *soa = ans_zone_soa(z);
	if (!soa)
		return 0;
	size_t len = ans_get_u16(soa->rdata);
	size_t off = soa_counters_off(soa->rdata + 2, len);
	return off ? ans_get_u32(soa->rdata + 2 + off + 4 * field) : 0;
}

uint32_t ans_zone_soa_serial(const struct ans_zone *z)
{
	return soa_field(z, 0);
}

uint32_t ans_zone_soa_minimum(const struct ans_zone *z)
{
	return soa_field(z, 4);
}

const struct ans_rrset *ans_node_rrset(const struct ans_node *n, uint16_t type)
{
	/* Nodes hold few RRsets (a handful at most in real zones): a linear
	 * scan of the sorted array beats a binary search. */
	for (uint16_t i = 0; i < n->rrset_count; i++) {
		if (n->rrsets[i].type == type)
			return &n->rrsets[i];
		if (n->rrsets[i].type > type)
			break;
	}
	return NULL;
}

/* Length of the labels of `name` above the apex when it ends in the apex's
 * exact bytes (compression matches bytes, not case) with at least one label
 * more; *adj is then its label next to the apex. 0 otherwise. */
static size_t above_apex(const uint8_t *name, size_t name_len, const uint8_t *apex,
			 size_t apex_len, const uint8_t **adj)
{
	if (name_len <= apex_len || memcmp(name + name_len - apex_len, apex, apex_len))
		return 0;
	size_t cut = name_len - apex_len, p = 0;
	while (p < cut) {
		*adj = name + p;
		p += (size_t)name[p] + 1;
	}
	return p == cut ? cut : 0;
}

static bool same_label(const uint8_t *a, const uint8_t *b)
{
	return a[0] == b[0] && memcmp(a + 1, b + 1, a[0]) == 0;
}

/* The negative-answer SOA as one record (see ans_zone_soa_wire in zone.h):
 * [owner ptr][SOA][IN][TTL][RDLENGTH][MNAME above apex][ptr][RNAME above
 * apex][ptr][five counters]. A zone whose SOA does not fit the pattern
 * (root zone, MNAME/RNAME elsewhere) gets none and answers the slow way. */
int ans_zone_soa_wire_build(struct zone_mem *m)
{
	struct ans_zone *z = &m->zone;
	const struct ans_rrset *soa = ans_zone_soa(z);
	size_t apex_len = ans_name_len(z->apex);
	if (!soa || apex_len == 1)
		return ANS_OK;
	const uint8_t *rd = soa->rdata + 2, *ml = NULL, *rl = NULL;
	size_t len = ans_get_u16(soa->rdata), off = soa_counters_off(rd, len);
	if (!off || len - off != 20)
		return ANS_OK;
	size_t mlen = rdata_name_len(rd, len);
	size_t mp = above_apex(rd, mlen, z->apex, apex_len, &ml);
	size_t rp = above_apex(rd + mlen, off - mlen, z->apex, apex_len, &rl);
	if (!mp || !rp || same_label(ml, rl))
		return ANS_OK;
	size_t rdlen = mp + 2 + rp + 2 + 20, total = 12 + rdlen;
	uint8_t *t = ans_arena_alloc_bytes(&m->arena, total);
	if (!t)
		return ANS_ENOMEM;
	uint32_t min = ans_get_u32(rd + off + 16);
	ans_put_u16(t + 2, ANS_TYPE_SOA);
	ans_put_u16(t + 4, ANS_CLASS_IN);
	ans_put_u32(t + 6, soa->ttl < min ? soa->ttl : min);   /* RFC 2308 §3 */
	ans_put_u16(t + 10, (uint16_t)rdlen);
	memcpy(t + 12, rd, mp);
	memcpy(t + 12 + mp + 2, rd + mlen, rp);
	memcpy(t + total - 20, rd + off, 20);
	m->soa_wire = (struct ans_zone_soa_wire){
		.rr = t, .len = (uint16_t)total,
		.mname_at = 12, .mname_ptr = (uint16_t)(12 + mp),
		.rname_at = (uint16_t)(12 + mp + 2), .rname_ptr = (uint16_t)(12 + mp + 2 + rp),
		.mname_label = t + 12 + (ml - rd), .rname_label = t + 12 + mp + 2 + (rl - rd - mlen),
	};
	return ANS_OK;
}

uint64_t ans_zone_apex_shash(const struct ans_zone *z, unsigned *labels)
{
	const struct zone_mem *m = z->priv;
	*labels = m->apex_labels;
	return m->apex_state;
}

const struct ans_zone_soa_wire *ans_zone_soa_wire(const struct ans_zone *z)
{
	const struct zone_mem *m = z->priv;
	return m->soa_wire.rr ? &m->soa_wire : NULL;
}

static int copy_files(struct build *bd)
{
	struct ans_zone_builder *b = bd->b;
	if (b->file_count == 0)
		return ANS_OK;
	char **files = ans_arena_alloc(&bd->m->arena, b->file_count * sizeof(*files));
	if (!files)
		return ANS_ENOMEM;
	for (size_t i = 0; i < b->file_count; i++) {
		files[i] = ans_arena_dup(&bd->m->arena, b->files[i], strlen(b->files[i]) + 1);
		if (!files[i])
			return ANS_ENOMEM;
	}
	bd->z->files = (const char *const *)files;
	bd->z->file_count = b->file_count;
	return ANS_OK;
}

/* Ranks each distinct owner once (records of one owner arrive together and
 * share its pointer), so the sort compares integers. */
static int rank_owners(struct ans_zone_builder *b, uint32_t *nranks)
{
	size_t n = 0;
	for (size_t i = 0; i < b->count; i++)
		n += i == 0 || b->rrs[i].owner != b->rrs[i - 1].owner;
	const uint8_t **names = malloc(n * sizeof(*names));
	uint32_t *rank = malloc(n * sizeof(*rank));
	int err = names && rank ? ANS_OK : ANS_ENOMEM;
	if (!err) {
		n = 0;
		for (size_t i = 0; i < b->count; i++)
			if (i == 0 || b->rrs[i].owner != b->rrs[i - 1].owner)
				names[n++] = b->rrs[i].owner;
		err = ans_name_rank(names, n, rank);
	}
	if (!err) {
		n = 0;
		for (size_t i = 0; i < b->count; i++) {
			if (i > 0 && b->rrs[i].owner != b->rrs[i - 1].owner)
				n++;
			b->rrs[i].rank = rank[n];
			if (rank[n] >= *nranks)
				*nranks = rank[n] + 1;
		}
	}
	free(names);
	free(rank);
	return err;
}

/* A stable counting sort by owner rank (arrival order kept within an
 * owner), then each owner's few records by type, rdata and arrival. */
static int sort_records(struct ans_zone_builder *b, uint32_t nranks)
{
	size_t *start = calloc((size_t)nranks + 1, sizeof(*start));
	struct brr *out = malloc(b->count * sizeof(*out));
	if (!start || !out) {
		free(start);
		free(out);
		return ANS_ENOMEM;
	}
	for (size_t i = 0; i < b->count; i++)
		start[b->rrs[i].rank + 1]++;
	for (uint32_t r = 0; r < nranks; r++)
		start[r + 1] += start[r];
	for (size_t i = 0; i < b->count; i++)
		out[start[b->rrs[i].rank]++] = b->rrs[i];
	free(b->rrs);
	free(start);
	b->rrs = out;
	b->cap = b->count;
	for (size_t i = 0, j; i < b->count; i = j) {
		for (j = i + 1; j < b->count && out[j].rank == out[i].rank; j++)
			;
		if (j - i > 1)
			qsort(out + i, j - i, sizeof(*out), brr_cmp);
	}
	return ANS_OK;
}

static int build_snapshot(struct build *bd)
{
	struct ans_zone *z = bd->z;
	uint8_t *apex = ans_arena_dup(&bd->m->arena, bd->b->apex, ans_name_len(bd->b->apex));
	if (!apex)
		return ANS_ENOMEM;
	z->apex = apex;
	if (bd->b->count) {  /* qsort's base must not be NULL */
		uint32_t nranks = 0;
		int e = rank_owners(bd->b, &nranks);
		if (!e)
			e = sort_records(bd->b, nranks);
		if (e)
			return e;
	}
	filter_records(bd->b, bd->diag);
	int err = copy_owners(bd);
	if (!err)
		err = copy_files(bd);
	if (!err)
		err = layout_nodes(bd);
	if (!err)
		err = ans_zone_index_build(z, &bd->m->arena);
	if (!err && z->node_count > ANS_ADDL_NODE)
		err = ANS_ELIMIT;   /* node numbers must fit the entries */
	if (err)
		return err;
	set_flags(z);
	link_additional(z);
	err = ans_zone_referrals_build(z, &bd->m->arena);
	if (err)
		return err;
	z->serial = soa_field(z, 0);
	if (bd->has_sigs) {
		err = ans_zone_dnssec_build(z, &bd->m->arena);
		if (err)
			return err;
	}
	bd->m->apex_state = ans_name_shash(z->apex);
	bd->m->apex_labels = ans_name_labels(z->apex);
	err = ans_zone_soa_wire_build(bd->m);
	if (err)
		return err;
	z->memory_bytes = bd->m->arena.total_bytes + sizeof(*bd->m);
	return ANS_OK;
}

/* A builder that held this much gives its pages back when it is freed. */
#define TRIM_AFTER_BYTES (16u << 20)

/* The builder's records and arena (and the parser's buffers before them)
 * were freed into holes below the snapshot's chunks, where free() cannot
 * return them: without a trim a 1M-record zone keeps ~25 MiB of dead heap
 * resident. malloc_trim() (glibc) hands those pages back (madvise), at a
 * cost of a few ms per big zone; small builds skip it. */
static void release_builder(struct ans_zone_builder *b)
{
	size_t held = b->arena.total_bytes + b->cap * sizeof(*b->rrs);
	ans_zone_builder_free(b);
	if (held >= TRIM_AFTER_BYTES)
		malloc_trim(0);
}

int ans_zone_builder_finish(struct ans_zone_builder *b, struct ans_diag *diag,
			    struct ans_zone **out)
{
	*out = NULL;
	struct zone_mem *m = calloc(1, sizeof(*m));
	if (!m) {
		ans_zone_builder_free(b);
		return ANS_ENOMEM;
	}
	ans_arena_init(&m->arena, 0);
	atomic_init(&m->refs, 1);
	m->zone.priv = m;
	struct build bd = { .b = b, .diag = diag, .m = m, .z = &m->zone };
	int err = build_snapshot(&bd);
	release_builder(b);
	if (err) {
		ans_zone_free(&m->zone);
		return err;
	}
	*out = &m->zone;
	return ANS_OK;
}

void ans_zone_free(struct ans_zone *z)
{
	if (!z)
		return;
	struct zone_mem *m = z->priv;
	/* Patched snapshots made from this one read its arena, never its
	 * own node array (they copy it). */
	free(m->own_nodes);
	m->own_nodes = NULL;
	ans_zone_mem_put(m);
}

void ans_zone_mem_put(struct zone_mem *m)
{
	while (m && atomic_fetch_sub(&m->refs, 1) == 1) {
		struct zone_mem *base = m->base;
		ans_zone_mem_put(m->part);
		ans_arena_free(&m->arena);
		free(m->own_nodes);
		free(m);
		m = base;   /* a loop, not recursion: chains can be long */
	}
}

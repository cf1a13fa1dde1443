/* SPDX-License-Identifier: MIT */
/*
 * DOC: finding the answer in a zone snapshot
 *
 * One step looks up one name (the query name, then each CNAME or DNAME
 * target inside the zone) and ends in one of: an answer, a CNAME to follow,
 * a DNAME substitution to follow, a referral, NODATA or NXDOMAIN.
 *
 *   1. Closest encloser: the exact node, else the longest existing ancestor.
 *      Every ancestor up to the apex is a node (empty non-terminals too), so
 *      this is one hash probe per label stripped.
 *   2. Cuts: only when the encloser carries OCCLUDED, DELEG or DNAME do we
 *      walk its parents to find the highest zone cut or DNAME above the
 *      name (RFC 1034 §4.3.2 step 3b; RFC 6672 §3.2). An ordinary name pays
 *      nothing for this.
 *   3. Exact node: the RRset of the type, else a CNAME to follow, else NODATA.
 *      Otherwise the wildcard `*.<closest encloser>` stands in for the name
 *      (RFC 4592 §3.3.1), or the name does not exist.
 *
 * Chains stop after CHAIN_MAX steps, when a node repeats (a loop: Knot
 * answers what it collected with NOERROR), or when a target leaves the zone.
 * Where to read: resolve(), then step().
 */
#include <string.h>

#include "lib/answer/answer_priv.h"
#include "lib/wire/rdata.h"
#include "lib/zone/zone_priv.h"   /* ans_zone_bytes_equal: no memcmp() call */

#define CHAIN_MAX 16

enum { STOP, FOLLOW };

/* The name being resolved: `owner` is written in records (the question's
 * letter case for the query name), `lname` is looked up. */
struct walk {
	const uint8_t *owner;
	const uint8_t *lname;
	size_t len;                /* of lname */
	const uint8_t *offs;       /* its label offsets (the parser's for the
				    * query name), `labels` of them */
	unsigned labels;
	uint8_t offs_buf[ANS_NAME_MAX_LABELS];
	uint8_t *buf[2];           /* alternate target buffers (ctx scratch) */
	unsigned next_buf;
	const struct ans_node *visited[CHAIN_MAX];
	unsigned visited_count;
};

static void want_additional(struct resp *r, const struct ans_rrset *rs)
{
	if (rs->type != ANS_TYPE_NS && rs->type != ANS_TYPE_MX &&
	    rs->type != ANS_TYPE_SRV)
		return;
	if (r->addl_count < PENDING_MAX)
		r->addl_src[r->addl_count++] = rs;
}

static bool visited(const struct walk *wk, const struct ans_node *n)
{
	for (unsigned i = 0; i < wk->visited_count; i++)
		if (wk->visited[i] == n)
			return true;
	return false;
}

/* Whether the lowercased name (len bytes, labels at offs) is at or below
 * the apex (lowercased by the builder): the apex's exact bytes ending it
 * at a label boundary. The same answer as ans_name_is_sub() for these
 * inputs, without its case folding and second label walk. */
static bool in_zone(const uint8_t *name, size_t len, const uint8_t *offs,
		    unsigned labels, const uint8_t *apex)
{
	size_t apex_len = ans_name_len(apex);
	if (apex_len > len || !ans_zone_bytes_equal(name + len - apex_len, apex, apex_len))
		return false;
	size_t at = len - apex_len;
	if (at == len - 1)
		return true;   /* the root zone */
	for (unsigned i = 0; i < labels; i++)
		if (offs[i] == at)
			return true;
	return false;
}

/* The walk's next name is `b` (lowercased, `labels` offsets in offs_buf):
 * FOLLOW it, or STOP when it lies outside the zone. */
static inline int land(struct walk *wk, const struct ans_zone *z, uint8_t *b, size_t len,
		       unsigned labels)
{
	if (!in_zone(b, len, wk->offs_buf, labels, z->apex))
		return STOP;
	wk->owner = b;
	wk->lname = b;
	wk->len = len;
	wk->labels = labels;
	wk->offs = wk->offs_buf;
	return FOLLOW;
}

/* Moves the walk to `target` (a name from rdata or a synthesis); STOP
 * when it leaves the zone, as no other zone's data is mixed in. */
static int follow(struct walk *wk, const struct ans_zone *z, const uint8_t *target)
{
	uint8_t *b = wk->buf[wk->next_buf];
	wk->next_buf ^= 1;
	size_t len = ans_name_len(target);
	ans_name_fold_copy(b, target, len);   /* copy and lowercase in one */
	unsigned labels = ans_name_label_offsets(b, wk->offs_buf);
	return land(wk, z, b, len, labels);
}

/* follow() for a CNAME's rdata (`rdlen` bytes, one name): the one walk
 * that checks the name lies in the rdata (what ans_rdata_target() checks),
 * notes its label offsets and finds its length, then the folding copy;
 * a name of another shape stops the chain. */
static int follow_rdata(struct walk *wk, const struct ans_zone *z, const uint8_t *rd,
			size_t rdlen)
{
	size_t end = rdlen < ANS_NAME_MAX ? rdlen : ANS_NAME_MAX, p = 0;
	unsigned labels = 0;
	for (;;) {
		if (p >= end)
			return STOP;
		uint8_t len = rd[p];
		if (len == 0)
			break;
		if (len > ANS_LABEL_MAX)
			return STOP;
		wk->offs_buf[labels++] = (uint8_t)p;
		p += (size_t)len + 1;
	}
	uint8_t *b = wk->buf[wk->next_buf];
	wk->next_buf ^= 1;
	size_t len = p + 1;
	ans_name_fold_copy(b, rd, len);
	return land(wk, z, b, len, labels);
}

/* One pass hashes every suffix of the name (name_fast.c), then one probe
 * per label stripped; the exact name, the common case, is the first. On
 * return *state is the hash state of the encloser, for its wildcard. */
static const struct ans_node *closest_encloser(const struct ans_zone *z,
					       const struct walk *wk, bool *exact,
					       uint64_t *state)
{
	uint64_t st[ANS_NAME_MAX_LABELS + 1];
	/* The walk's name is in the zone (the zone set found it, follow()
	 * checked targets), so no suffix above the apex is a node: hashing
	 * starts from the apex's state kept in the zone, and only the labels
	 * below it are hashed. A name with fewer labels than the apex is
	 * outside it: every probe misses on its bytes. */
	/* ans_zone_apex_shash(), read inline from the snapshot's block. */
	const struct zone_mem *m = z->priv;
	unsigned al = m->apex_labels, top = wk->labels;
	uint64_t h = m->apex_state;
	if (al <= wk->labels) {
		top = wk->labels - al;
		st[top] = h;
		for (unsigned i = top; i-- > 0;)
			st[i] = h = ans_name_shash_step(h, wk->lname + wk->offs[i]);
	} else {
		ans_name_shash_suffixes(wk->lname, wk->offs, wk->labels, st);
	}
	/* The apex itself is not probed: the name is in the zone, so its
	 * suffix of al labels is the apex (an NXDOMAIN below the apex, the
	 * most common negative answer, is one probe, not two). */
	unsigned last = al <= wk->labels ? top : top + 1;
	for (unsigned i = 0; i < last; i++) {
		size_t off = i < wk->labels ? wk->offs[i] : wk->len - 1;
		const struct ans_node *n =
			ans_zone_find_hashed(z, wk->lname + off, wk->len - off, st[i]);
		if (n) {
			*exact = i == 0;
			*state = st[i];
			return n;
		}
	}
	*exact = top == 0 && last == top;
	*state = m->apex_state;
	return last == top ? z->apex_node : NULL;
}

/* The highest zone cut or DNAME on the path from the apex to `ce` that
 * redirects the name: a cut at the name itself redirects everything but
 * DS (RFC 4035 §3.1.4.1: the parent answers DS); a DNAME redirects only
 * names below its owner (RFC 6672 §2.3). */
static const struct ans_node *find_cut(const struct ans_node *ce, bool exact,
				       uint16_t qtype)
{
	const struct ans_node *top = NULL;
	for (const struct ans_node *p = ce; p; p = p->parent) {
		bool at_name = p == ce && exact;
		if ((p->flags & ANS_NODE_DELEG) && !(at_name && qtype == ANS_TYPE_DS))
			top = p;
		else if ((p->flags & ANS_NODE_DNAME) && !at_name)
			top = p;
	}
	return top;
}

static int referral(struct resp *r, const struct ans_zone *z,
		    const struct ans_node *cut)
{
	const struct ans_rrset *ns = ans_node_rrset(cut, ANS_TYPE_NS);
	/* Not authoritative below a cut (RFC 1034 §4.3.2 3b); a CNAME
	 * collected earlier keeps the answer authoritative, as in Knot. */
	if (r->count[SEC_ANSWER] == 0)
		r->flags &= (uint16_t)~QFLAG_AA;
	/* The ready block has no room for DS or its proof after the NS. */
	if (!r->dnssec && resp_put_referral_fast(r, cut, ns)) {
		r->addl_count = 0;
		return STOP;
	}
	if (resp_put_required(r, SEC_AUTHORITY, cut->owner, ns)) {
		r->addl_count = 0;
		want_additional(r, ns);
		r->addl_cut = cut;
		if (r->dnssec)
			dnssec_referral(r, z, cut);
	}
	return STOP;
}

/* RFC 6672 §3.3: the DNAME RRset, then a CNAME from the name to the name
 * with the DNAME owner replaced by its target, with the DNAME's TTL. */
static int dname(struct resp *r, const struct ans_zone *z, struct walk *wk,
		 const struct ans_node *dn, uint16_t qtype, uint8_t *synth)
{
	const struct ans_rrset *rs = ans_node_rrset(dn, ANS_TYPE_DNAME);
	if (!resp_put_required(r, SEC_ANSWER, dn->owner, rs))
		return STOP;
	/* RFC 6672 §5.3: the DNAME is signed, the synthesized CNAME not. */
	if (r->dnssec && !dnssec_put_sigs(r, SEC_ANSWER, dn->owner, rs))
		return STOP;
	const uint8_t *target = ans_rdata_target(ANS_TYPE_DNAME, rs->rdata + 2,
						 ans_get_u16(rs->rdata));
	size_t len;
	if (!target || ans_name_replace_suffix(synth + 2, &len, wk->lname,
					       dn->owner, target) != ANS_OK) {
		r->rcode = RCODE_YXDOMAIN;   /* RFC 6672 §2.2 */
		return STOP;
	}
	ans_put_u16(synth, (uint16_t)len);
	struct ans_rrset cname = {
		.type = ANS_TYPE_CNAME, .count = 1, .ttl = rs->ttl,
		.rdata_len = (uint32_t)len + 2, .rdata = synth,
	};
	if (!resp_put_required(r, SEC_ANSWER, wk->owner, &cname))
		return STOP;
	if (qtype == ANS_TYPE_CNAME)
		return STOP;
	return follow(wk, z, synth + 2);
}

/* The closest encloser whose wildcard n is when n stands for another
 * name (a wildcard expansion, RFC 4592 §3.3.1), else NULL: derived here
 * rather than passed along, so unsigned answers carry nothing more. */
static const struct ans_node *expanded_from(const struct walk *wk,
					    const struct ans_node *n)
{
	bool wild = n->owner[0] == 1 && n->owner[1] == '*';
	return wild && !ans_name_equal(wk->lname, n->owner) ? n->parent : NULL;
}

/* at_node()'s answer for a DO=1 query to a signed zone: RRSIGs, the proof
 * that a wildcard expanded, RRSIG queries as BIND answers them. */
DNSSEC_COLD static int at_node_signed(struct resp *r, const struct ans_zone *z, struct walk *wk,
			  const struct ans_node *n, const struct ans_rrset *rs)
{
	if (rs->type == ANS_TYPE_RRSIG) {
		dnssec_rrsig_answer(r, wk->owner, n);
		return STOP;
	}
	if (resp_put_required(r, SEC_ANSWER, wk->owner, rs)) {
		want_additional(r, rs);
		dnssec_answered(r, z, wk->owner, wk->lname, rs, expanded_from(wk, n));
	}
	return STOP;
}

/* Answers from node n, which stands for the name (itself, or the wildcard
 * that synthesises it: the owner written is then the name, RFC 4592 §3.4). */
static int at_node(struct resp *r, const struct ans_zone *z, struct walk *wk,
		   const struct ans_node *n, uint16_t qtype)
{
	const struct ans_rrset *rs = NULL;
	if (qtype == ANS_TYPE_ANY) {
		/* RFC 8482 §4.1: one RRset of the name; Knot picks the
		 * first by type number, so do we. */
		if (n->rrset_count)
			rs = &n->rrsets[0];
	} else {
		rs = ans_node_rrset(n, qtype);
	}
	if (rs) {
		if (r->dnssec)
			return at_node_signed(r, z, wk, n, rs);
		if (resp_put_required(r, SEC_ANSWER, wk->owner, rs))
			want_additional(r, rs);
		return STOP;
	}
	const struct ans_rrset *cn = ans_node_rrset(n, ANS_TYPE_CNAME);
	if (cn && qtype != ANS_TYPE_CNAME) {
		if (!resp_put_required(r, SEC_ANSWER, wk->owner, cn))
			return STOP;
		if (r->dnssec && !dnssec_answered(r, z, wk->owner, wk->lname, cn,
						  expanded_from(wk, n)))
			return STOP;
		if (wk->visited_count < CHAIN_MAX)
			wk->visited[wk->visited_count++] = n;
		return follow_rdata(wk, z, cn->rdata + 2, ans_get_u16(cn->rdata));
	}
	resp_put_soa(r, z);   /* NODATA: RFC 2308 §2.2 */
	if (r->dnssec)
		dnssec_nodata(r, z, wk->lname, n, expanded_from(wk, n));
	return STOP;
}

static const struct ans_node *wildcard_of(const struct ans_zone *z,
					  const struct ans_node *ce, uint64_t ce_state)
{
	static const uint8_t star[2] = { 1, '*' };
	uint8_t name[ANS_NAME_MAX + 2];
	if (!(ce->flags & ANS_NODE_HAS_WILDCARD))
		return NULL;
	/* "*." and the encloser's owner (a node's name: valid, lowercased),
	 * without ans_name_concat()'s label walk; too long is no node. */
	size_t len = ans_name_len(ce->owner);
	if (len + 2 > ANS_NAME_MAX)
		return NULL;
	name[0] = 1;
	name[1] = '*';
	resp_copy_short(name + 2, ce->owner, len);
	return ans_zone_find_hashed(z, name, len + 2, ans_name_shash_label(ce_state, star));
}

static int step(struct resp *r, const struct ans_zone *z, struct walk *wk,
		uint16_t qtype, uint8_t *synth)
{
	bool exact;
	uint64_t ce_state;
	const struct ans_node *ce = closest_encloser(z, wk, &exact, &ce_state);
	if (!ce)
		return STOP;
	if (exact && visited(wk, ce))
		return STOP;   /* a CNAME loop: keep what was collected */
	const struct ans_node *cut = NULL;
	if (ce->flags & (ANS_NODE_OCCLUDED | ANS_NODE_DELEG | ANS_NODE_DNAME))
		cut = find_cut(ce, exact, qtype);
	if (cut && (cut->flags & ANS_NODE_DELEG))
		return referral(r, z, cut);
	if (cut)
		return dname(r, z, wk, cut, qtype, synth);
	const struct ans_node *n = exact ? ce : wildcard_of(z, ce, ce_state);
	if (n)
		return at_node(r, z, wk, n, qtype);
	r->rcode = RCODE_NXDOMAIN;   /* RFC 1034 §4.3.2 3c */
	resp_put_soa(r, z);
	if (r->dnssec)
		dnssec_nxdomain(r, z, wk->lname, ce);
	return STOP;
}

/* The steps of one query (a CNAME or DNAME chain has several). */
static inline void walk_steps(struct resp *r, const struct ans_zone *z,
			      const uint8_t *lname, const struct query *qq,
			      struct ans_answer_ctx *ctx)
{
	struct walk wk;
	wk.owner = r->qname;
	wk.lname = lname;
	wk.len = qq->qname_len;
	wk.offs = qq->qname_offs;
	wk.labels = qq->qname_labels;
	wk.buf[0] = ctx->scratch;
	wk.buf[1] = ctx->scratch + ANS_NAME_MAX;
	wk.next_buf = 0;
	wk.visited_count = 0;
	uint8_t *synth = ctx->scratch + 2 * ANS_NAME_MAX;   /* u16 + name */
	for (unsigned i = 0; i < CHAIN_MAX; i++)
		if (step(r, z, &wk, qq->qtype, synth) == STOP)
			break;
}

/* resolve() for DO=1 in a signed zone (RFC 4035 §3.1): the same steps,
 * with r->dnssec set, and the denial proofs after the answer section. */
DNSSEC_COLD static void resolve_signed(struct resp *r, const struct ans_zone *z,
				       const uint8_t *lname, const struct query *qq,
				       struct ans_answer_ctx *ctx)
{
	r->dnssec = true;
	r->proof_count = 0;
	walk_steps(r, z, lname, qq, ctx);
	dnssec_flush(r, z);
}

void resolve(struct resp *r, const struct ans_zone *z, const uint8_t *lname,
	     const struct query *qq, struct ans_answer_ctx *ctx)
{
	r->flags |= QFLAG_AA;
	if (qq->edns_do && z->dnssec)
		resolve_signed(r, z, lname, qq, ctx);
	else
		walk_steps(r, z, lname, qq, ctx);   /* r->dnssec is false (begin) */
	for (unsigned i = 0; i < r->addl_count && !r->tc; i++)
		resp_put_additional(r, z, r->addl_src[i], r->addl_cut);
}

/* SPDX-License-Identifier: MIT */
/*
 * DOC: ready referral blocks (issue 6)
 *
 * A referral (RFC 1034 §4.3.2 3b) is the cut's NS RRset in the authority
 * section and the address records of its targets in the additional
 * section. Written the general way it costs ~4,000 instructions: every
 * NS target and glue owner goes through the compression search. Yet the
 * bytes depend on the question only through where the cut sits in it.
 *
 * So, per delegation, this file writes the referral once at build time
 * into a scratch message whose question is the cut itself, with the same
 * steps and order as lib/answer/section.c (owner of records 2..n as the
 * first owner's pointer, NS rdata through ans_rdata_write, A then AAAA of
 * each additional entry, an RRset added once), and keeps the bytes plus
 * where their compression pointers are. A real question q bytes longer
 * that ends in the cut's exact bytes shifts every such pointer by q: the
 * cut moves by q inside the question, and the block starts q bytes later.
 * The compressor would choose differently only when the question's label
 * next to the cut is also the label next to the cut of a name in the
 * block (a longer match then exists), so those labels are kept for the
 * answer path to compare. Compression entries are kept too, shifted the
 * same way, so a name written after the block compresses as before.
 *
 * lib/answer/section.c uses a block when nothing but the question is in
 * the message; tests/unit/answer/test_answer_wire.c re-encodes responses
 * the slow way and compares the bytes, which pins this file to section.c.
 *
 * Block layout (one arena block per cut, its address beside the NS
 * RRset's additional entries): u16 len, u16 nauth, u16 naddl, u8 nptr,
 * u8 ncompr, u8 nlabels; nptr u16 pointer positions in rr; ncompr u16
 * message offsets; len bytes of records (rr); nlabels labels.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/base/wire.h"
#include "lib/wire/rdata.h"
#include "lib/zone/zone_priv.h"

#define SIM_MAX 2048      /* a bigger referral is written the slow way */
#define ADDED_MAX 32      /* section.c's ADDITIONAL_MAX */
#define HDR 12
#define BLOCK_HDR 9

struct sim {
	uint8_t msg[SIM_MAX];
	struct ans_wire w;
	struct ans_compr c;
	const struct ans_rrset *added[ADDED_MAX];
	unsigned added_count;
	uint16_t nauth, naddl;
	/* What the block needs besides the bytes. */
	uint16_t ptr_at[255];
	unsigned nptr;
	const uint8_t *labels[255];
	unsigned nlabels;
};

/* section.c's put_first_owner(): the pointer the other records reuse. */
static uint16_t first_owner(struct sim *s, const uint8_t *owner)
{
	size_t start = s->w.pos;
	ans_name_write(&s->w, owner, &s->c);
	if (s->w.err || owner[0] == 0)
		return 0;
	if (s->w.pos - start == 2)
		return ans_get_u16(s->msg + start);
	return start < 0x4000 ? (uint16_t)(0xC000 | start) : 0;
}

/* section.c's resp_put_rrset() for NS, A and AAAA. */
static void put_rrset(struct sim *s, const uint8_t *owner, const struct ans_rrset *rs)
{
	uint8_t fixed[8];
	ans_put_u16(fixed, rs->type);
	ans_put_u16(fixed + 2, ANS_CLASS_IN);
	ans_put_u32(fixed + 4, rs->ttl);
	uint16_t ptr = first_owner(s, owner);
	const uint8_t *p = rs->rdata;
	for (uint16_t i = 0; i < rs->count; i++) {
		uint16_t len = ans_get_u16(p);
		if (i > 0 && ptr)
			ans_wire_write_u16(&s->w, ptr);
		else if (i > 0)
			ans_name_write(&s->w, owner, &s->c);
		ans_wire_write_bytes(&s->w, fixed, sizeof(fixed));
		if (rs->type == ANS_TYPE_NS)
			ans_rdata_write(&s->w, rs->type, p + 2, len, &s->c);
		else
			ans_wire_write_bytes(&s->w, p, 2u + len);
		p += 2 + len;
	}
}

static bool already_added(struct sim *s, const struct ans_rrset *rs)
{
	for (unsigned i = 0; i < s->added_count; i++)
		if (s->added[i] == rs)
			return true;
	if (s->added_count < ADDED_MAX)
		s->added[s->added_count++] = rs;
	return false;
}

/* section.c's resp_put_additional() for a referral: every entry, glue
 * included, A then AAAA. */
static void put_glue(struct sim *s, const struct ans_zone *z, const struct ans_rrset *ns)
{
	static const uint16_t types[2] = { ANS_TYPE_A, ANS_TYPE_AAAA };
	const uint8_t *e;
	unsigned n = ans_rrset_addl(ns, &e);
	for (unsigned i = 0; i < n; i++) {
		uint32_t v;
		memcpy(&v, e + 4 * i, 4);
		const struct ans_node *t = &z->nodes[(v & ANS_ADDL_NODE) - 1];
		for (int k = 0; k < 2; k++) {
			const struct ans_rrset *rs = ans_node_rrset(t, types[k]);
			if (!rs || already_added(s, rs))
				continue;
			put_rrset(s, t->owner, rs);
			s->naddl = (uint16_t)(s->naddl + rs->count);
		}
	}
}

static inline uint8_t fold(uint8_t c)
{
	return (uint8_t)(c + (((unsigned)(c - 'A') < 26u) << 5));
}

/* n bytes equal, ASCII letter case aside (RFC 4343 §3). */
static bool bytes_same_folded(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fold(a[i]) != fold(b[i]))
			return false;
	return true;
}

/* The label of `name` next to `cut` when name is strictly below cut, else
 * NULL. Letter case aside, as the compressor matches (compr.c): an NS
 * target spelled "NS.Sub" below the cut "sub" is a name the question's
 * "ns.sub" gets a pointer to, so the ready block must not be used then. */
static const uint8_t *label_next_to(const uint8_t *name, const uint8_t *cut, size_t cut_len)
{
	size_t len = ans_name_len(name), p = 0;
	const uint8_t *adj = NULL;
	if (len <= cut_len || !bytes_same_folded(name + len - cut_len, cut, cut_len))
		return NULL;
	while (p < len - cut_len) {
		adj = name + p;
		p += (size_t)name[p] + 1;
	}
	return p == len - cut_len ? adj : NULL;
}

/* The list is compared letter case aside at query time (section.c's
 * label_in), so one spelling of a label is enough. */
static bool add_label(struct sim *s, const uint8_t *label)
{
	if (!label)
		return true;
	for (unsigned i = 0; i < s->nlabels; i++)
		if (s->labels[i][0] == label[0] &&
		    bytes_same_folded(s->labels[i] + 1, label + 1, label[0]))
			return true;
	if (s->nlabels == 255)
		return false;
	s->labels[s->nlabels++] = label;
	return true;
}

/* Every name written below the cut: the NS targets and the glue owners. */
static bool collect_labels(struct sim *s, const struct ans_zone *z,
			   const struct ans_node *cut, const struct ans_rrset *ns)
{
	size_t cut_len = ans_name_len(cut->owner);
	const uint8_t *p = ns->rdata, *e;
	for (uint16_t i = 0; i < ns->count; i++) {
		uint16_t len = ans_get_u16(p);
		const uint8_t *t = ans_rdata_target(ns->type, p + 2, len);
		if (t && !add_label(s, label_next_to(t, cut->owner, cut_len)))
			return false;
		p += 2 + len;
	}
	unsigned n = ans_rrset_addl(ns, &e);
	for (unsigned i = 0; i < n; i++) {
		uint32_t v;
		memcpy(&v, e + 4 * i, 4);
		const uint8_t *owner = z->nodes[(v & ANS_ADDL_NODE) - 1].owner;
		if (!add_label(s, label_next_to(owner, cut->owner, cut_len)))
			return false;
	}
	return true;
}

/* Positions of the compression pointers of one name at rr[*p]. */
static bool note_name(struct sim *s, const uint8_t *rr, size_t start, size_t *p)
{
	while (rr[*p] != 0) {
		if ((rr[*p] & 0xC0) == 0xC0) {
			if (s->nptr == 255)
				return false;
			s->ptr_at[s->nptr++] = (uint16_t)(*p - start);
			*p += 2;
			return true;
		}
		*p += (size_t)rr[*p] + 1;
	}
	(*p)++;
	return true;
}

/* Walks the records written from `start` (owners, NS rdata names). */
static bool note_pointers(struct sim *s, size_t start)
{
	const uint8_t *m = s->msg;
	size_t p = start;
	while (p < s->w.pos) {
		if (!note_name(s, m, start, &p))
			return false;
		uint16_t type = ans_get_u16(m + p), rdlen = ans_get_u16(m + p + 8);
		p += 10;
		size_t end = p + rdlen;
		if (type == ANS_TYPE_NS && !note_name(s, m, start, &p))
			return false;
		p = end;
	}
	return true;
}

static uint8_t *encode(struct sim *s, struct ans_arena *a, size_t start)
{
	size_t len = s->w.pos - start, labels = 0;
	unsigned ncompr = s->c.count - 1u;
	for (unsigned i = 0; i < s->nlabels; i++)
		labels += s->labels[i][0] + 1u;
	uint8_t *b = ans_arena_alloc_bytes(a, BLOCK_HDR + 2 * (s->nptr + ncompr) + labels + len);
	if (!b)
		return NULL;
	ans_put_u16(b, (uint16_t)len);
	ans_put_u16(b + 2, s->nauth);
	ans_put_u16(b + 4, s->naddl);
	b[6] = (uint8_t)s->nptr;
	b[7] = (uint8_t)ncompr;
	b[8] = (uint8_t)s->nlabels;
	uint8_t *p = b + BLOCK_HDR;
	for (unsigned i = 0; i < s->nptr; i++, p += 2)
		ans_put_u16(p, s->ptr_at[i]);
	for (unsigned i = 0; i < ncompr; i++, p += 2)
		ans_put_u16(p, s->c.offs[i + 1]);
	memcpy(p, s->msg + start, len);
	p += len;
	for (unsigned i = 0; i < s->nlabels; i++) {
		memcpy(p, s->labels[i], s->labels[i][0] + 1u);
		p += s->labels[i][0] + 1u;
	}
	return b;
}

/* The block of one cut, or NULL (with *err unset) when it has none. */
static uint8_t *build_one(struct sim *s, const struct ans_zone *z,
			  const struct ans_node *cut, struct ans_arena *a, int *err)
{
	const struct ans_rrset *ns = ans_node_rrset(cut, ANS_TYPE_NS);
	memset(s->msg, 0, HDR);
	s->w = ans_wire_init(s->msg, sizeof(s->msg));
	s->added_count = s->nptr = s->nlabels = 0;
	s->nauth = s->naddl = 0;
	ans_compr_init(&s->c, s->msg);
	s->w.pos = HDR;
	ans_name_write(&s->w, cut->owner, &s->c);
	ans_wire_write_u16(&s->w, ANS_TYPE_NS);
	ans_wire_write_u16(&s->w, ANS_CLASS_IN);
	size_t start = s->w.pos;
	put_rrset(s, cut->owner, ns);
	s->nauth = ns->count;
	put_glue(s, z, ns);
	if (s->w.err || s->c.count == 0 || s->w.pos - start >= 0x3000 ||
	    !collect_labels(s, z, cut, ns) || !note_pointers(s, start))
		return NULL;
	uint8_t *b = encode(s, a, start);
	if (!b)
		*err = ANS_ENOMEM;
	return b;
}

static int store_one(struct sim *s, struct ans_zone *z, const struct ans_node *n,
		     struct ans_arena *arena)
{
	int err = ANS_OK;
	uint8_t *b = build_one(s, z, n, arena, &err);
	if (!err)
		memcpy(ans_rrset_referral_slot(ans_node_rrset(n, ANS_TYPE_NS)), &b, sizeof(b));
	return err;
}

int ans_zone_referrals_build(struct ans_zone *z, struct ans_arena *arena)
{
	struct sim s;
	for (size_t i = 0; i < z->node_count; i++) {
		const struct ans_node *n = &z->nodes[i];
		if ((n->flags & (ANS_NODE_DELEG | ANS_NODE_OCCLUDED)) != ANS_NODE_DELEG)
			continue;
		int err = store_one(&s, z, n, arena);
		if (err)
			return err;
	}
	return ANS_OK;
}

int ans_zone_referral_build_one(struct ans_zone *z, const struct ans_node *cut,
				struct ans_arena *arena)
{
	struct sim *s = malloc(sizeof(*s));   /* ~6 KiB: not on the stack twice */
	if (!s)
		return ANS_ENOMEM;
	int err = store_one(s, z, cut, arena);
	free(s);
	return err;
}

bool ans_rrset_referral(const struct ans_rrset *ns, struct ans_referral_wire *out)
{
	const uint8_t *b;
	memcpy(&b, ans_rrset_referral_slot(ns), sizeof(b));
	if (!b)
		return false;
	out->len = ans_get_u16(b);
	out->nauth = ans_get_u16(b + 2);
	out->naddl = ans_get_u16(b + 4);
	out->nptr = b[6];
	out->ncompr = b[7];
	out->nlabels = b[8];
	out->ptr_at = b + BLOCK_HDR;
	out->compr = out->ptr_at + 2 * out->nptr;
	out->rr = out->compr + 2 * out->ncompr;
	out->labels = out->rr + out->len;
	return true;
}

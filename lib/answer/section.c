/* SPDX-License-Identifier: MIT */
/*
 * Writing RRsets into the response sections, whole or not at all.
 *
 * Truncation follows Knot DNS: when an RRset of the answer or authority
 * section does not fit, the response is cut back to the header and the
 * question and TC is set (RFC 2181 §9: a truncated response should not be
 * cached, so partial sections are of no use to the client, which retries
 * over TCP). Additional data that does not fit is left out without TC
 * (RFC 2181 §9), except the glue of a referral whose name servers are
 * below the cut, without which the referral is useless (RFC 9471 §3):
 * then TC is set and the records that fit stay, as Knot sends them.
 */
#include <string.h>

#include "lib/answer/answer_priv.h"
#include "lib/wire/rdata.h"
#include "lib/zone/zone_priv.h"   /* ans_zone_bytes_equal: no memcmp() call */

/* The types whose rdata names are compressed in messages: the list of
 * ans_rdata_write() (RFC 3597 §4). Other rdata is stored exactly as it goes
 * on the wire, RDLENGTH included, and is copied as one block. */
static bool rdata_compresses(uint16_t type)
{
	switch (type) {
	case ANS_TYPE_NS: case ANS_TYPE_CNAME: case ANS_TYPE_SOA:
	case 7: case 8: case 9:            /* MB, MG, MR */
	case ANS_TYPE_PTR: case 14:        /* MINFO */
	case ANS_TYPE_MX:
		return true;
	default:
		return false;
	}
}

/* Writes the owner of the first record of an RRset and returns how the
 * others get it: a pointer to where it was written (0 when none can be
 * used). That pointer is exactly what the compression table would find
 * for them, since it is the first full match recorded: had an earlier one
 * existed, the first owner would itself be a bare pointer, which is then
 * returned as is. */
/* Exact bytes: an owner that differs from the target only in letter case
 * gets the same pointer from the compressor (which ignores case), the slow
 * way; a case-blind compare here cost ~14 instructions a query in the
 * bench, for zone files that spell a CNAME target unlike its owner. */
static bool owner_is_target(const uint8_t *owner, const uint8_t *target)
{
	size_t len = ans_name_len(target);
	return ans_zone_bytes_equal(owner, target, len);
}

static uint16_t put_first_owner(struct resp *r, const uint8_t *owner)
{
	/* The question's name is the first entry of the table (offset 12). */
	if (owner == r->qname && r->compr_question > 0) {
		ans_wire_write_u16(&r->w, 0xC000 | HDR_LEN);
		return 0xC000 | HDR_LEN;
	}
	if (r->cname_target && owner_is_target(owner, r->cname_target)) {
		ans_wire_write_u16(&r->w, r->cname_ptr);
		return r->cname_ptr;
	}
	size_t start = r->w.pos;
	ans_name_write(&r->w, owner, r->compr);
	if (r->w.err || owner[0] == 0)
		return 0;   /* the root is one byte, shorter than a pointer */
	if (r->w.pos - start == 2)
		return ans_get_u16(r->w.base + start);
	return start < 0x4000 ? (uint16_t)(0xC000 | start) : 0;
}

/* True when rd is exactly one uncompressed name of len bytes: labels of at
 * most 63 bytes, at most 255 bytes in all (what stored rdata holds; anything
 * else goes through ans_rdata_write, which copies what it cannot walk). */
static bool name_fills(const uint8_t *rd, size_t len)
{
	size_t p = 0;
	while (p < len && p < ANS_NAME_MAX) {
		uint8_t l = rd[p];
		if (l == 0)
			return p + 1 == len;
		if (l > ANS_LABEL_MAX)
			return false;
		p += (size_t)l + 1;
	}
	return false;
}

/* After a CNAME's target was written at `at`: the pointer the compressor
 * would give that name from now on. It takes the first recorded name that
 * matches all labels; when the target was written with labels inline none
 * before it did (it would have been a bare pointer), so that is the target
 * itself; when it was a bare pointer, that pointer is the first match. */
static void note_cname(struct resp *r, const uint8_t *target, size_t at, uint16_t count)
{
	r->cname_target = NULL;
	if (target[0] == 0)
		return;   /* the root: one byte, no pointer */
	if (r->compr->count > count && r->compr->offs[count] == at)
		r->cname_ptr = (uint16_t)(0xC000 | at);
	else if (r->w.pos - at == 2 && (r->w.base[at] & 0xC0) == 0xC0)
		r->cname_ptr = ans_get_u16(r->w.base + at);
	else
		return;   /* not recorded (past 0x4000, table full) */
	r->cname_target = target;
}

/* The rdata of NS, CNAME and PTR (one name) and MX (a preference and a
 * name) as ans_rdata_write() writes it, without its descriptor search and
 * field walk (~200 instructions a record); other types and rdata of
 * another shape go the general way. */
static void put_rdata(struct resp *r, uint16_t type, const uint8_t *rd, uint16_t len)
{
	size_t skip = type == ANS_TYPE_MX ? 2 : 0;
	bool named = type == ANS_TYPE_NS || type == ANS_TYPE_CNAME ||
		     type == ANS_TYPE_PTR || type == ANS_TYPE_MX;
	if (!named || len <= skip || !name_fills(rd + skip, len - skip)) {
		ans_rdata_write(&r->w, type, rd, len, r->compr);
		return;
	}
	size_t len_at = r->w.pos;
	ans_wire_write_u16(&r->w, 0);
	ans_wire_write_bytes(&r->w, rd, skip);
	size_t at = r->w.pos;
	uint16_t count = r->compr->count;
	ans_name_write(&r->w, rd + skip, r->compr);
	if (r->w.err)
		return;
	ans_put_u16(r->w.base + len_at, (uint16_t)(r->w.pos - len_at - 2));
	if (type == ANS_TYPE_CNAME)
		note_cname(r, rd, at, count);
}

/* RFC 2782: an SRV target goes out uncompressed, but later names may
 * point at it, as Knot and BIND let them (the additional A/AAAA of the
 * target is then one pointer): its offset becomes a candidate, as
 * ans_rdata_write() records it. `rd` is the record's rdata, written at
 * message offset `at`. */
static void note_srv_target(struct ans_compr *c, size_t at, const uint8_t *rd,
			    uint16_t len)
{
	if (len > 6 && rd[6] != 0 && at + 6 < 0x4000 && c->count < ANS_COMPR_MAX)
		c->offs[c->count++] = (uint16_t)(at + 6);
}

/* The records of an RRset copied as stored, once its first owner is out
 * and every later owner is the pointer `ptr`: the size is known ahead
 * (rdata_len counts each RDLENGTH and rdata), so one room check replaces
 * the cursor's per field. False when it does not fit: the caller's
 * general loop then fails as it should. */
static bool put_copied(struct resp *r, const struct ans_rrset *rs,
		       const uint8_t fixed[8], uint16_t ptr)
{
	size_t need = rs->rdata_len + 8u * rs->count + 2u * (rs->count - 1u);
	if (r->w.err || need > r->w.len - r->w.pos)
		return false;
	uint8_t *o = r->w.base + r->w.pos;
	const uint8_t *p = rs->rdata;
	for (uint16_t i = 0; i < rs->count; i++) {
		if (i > 0) {
			resp_put16(o, ptr);
			o += 2;
		}
		memcpy(o, fixed, 8);
		size_t n = 2u + ans_get_u16(p);
		resp_copy_short(o + 8, p, n);
		if (rs->type == ANS_TYPE_SRV)
			note_srv_target(r->compr, (size_t)(o + 10 - r->w.base), p + 2,
					(uint16_t)(n - 2));
		o += 8 + n;
		p += n;
	}
	r->w.pos = (size_t)(o - r->w.base);
	return true;
}

/* The most common record of all: one RR of a type copied as stored, at
 * the question's name, so its owner is the pointer to offset 12. One room
 * check, the 10 fixed bytes as two stores, the rdata as one copy. False
 * (nothing written) when it does not apply or does not fit. */
static inline bool put_one_at_qname(struct resp *r, int sec, const struct ans_rrset *rs,
				    uint32_t ttl)
{
	size_t n = rs->rdata_len;   /* RDLENGTH + rdata of the one record */
	if (r->w.err || 10 + n > r->w.len - r->w.pos)
		return false;
	uint8_t *o = r->w.base + r->w.pos;
	resp_put32(o, (uint32_t)(0xC000 | HDR_LEN) << 16 | rs->type);
	resp_put16(o + 4, ANS_CLASS_IN);
	resp_put32(o + 6, ttl);
	resp_copy_short(o + 10, rs->rdata, n);
	if (rs->type == ANS_TYPE_SRV)
		note_srv_target(r->compr, r->w.pos + 12, rs->rdata + 2, (uint16_t)(n - 2));
	r->w.pos += 10 + n;
	r->count[sec]++;
	return true;
}

int resp_put_rrset(struct resp *r, int sec, const uint8_t *owner,
		   const struct ans_rrset *rs, uint32_t ttl)
{
	if (r->tc)
		return ANS_ESPACE;
	if (owner == r->qname && r->compr_question > 0 && rs->count == 1 &&
	    !rdata_compresses(rs->type) && put_one_at_qname(r, sec, rs, ttl))
		return ANS_OK;
	size_t mark = r->w.pos;
	uint16_t compr_mark = r->compr->count;
	bool copy = !rdata_compresses(rs->type);
	uint8_t fixed[8];   /* TYPE, CLASS, TTL: the same in every record */
	resp_put16(fixed, rs->type);
	resp_put16(fixed + 2, ANS_CLASS_IN);
	resp_put32(fixed + 4, ttl);
	uint16_t ptr = put_first_owner(r, owner);
	if (copy && ptr && rs->count && put_copied(r, rs, fixed, ptr)) {
		r->count[sec] = (uint16_t)(r->count[sec] + rs->count);
		return ANS_OK;
	}
	const uint8_t *p = rs->rdata;
	for (uint16_t i = 0; i < rs->count; i++) {
		uint16_t len = ans_get_u16(p);
		if (i > 0 && ptr)
			ans_wire_write_u16(&r->w, ptr);
		else if (i > 0)
			ans_name_write(&r->w, owner, r->compr);
		ans_wire_write_bytes(&r->w, fixed, sizeof(fixed));
		if (copy)
			ans_wire_write_bytes(&r->w, p, 2u + len);
		if (copy && rs->type == ANS_TYPE_SRV && !r->w.err)
			note_srv_target(r->compr, r->w.pos - len, p + 2, len);
		else if (!copy)
			put_rdata(r, rs->type, p + 2, len);
		p += 2 + len;
	}
	if (r->w.err) {
		/* Roll back: no partial RRset, no compression target
		 * pointing at bytes that will be overwritten. */
		r->w.err = ANS_OK;
		r->w.pos = mark;
		r->compr->count = compr_mark;
		r->cname_target = NULL;
		return ANS_ESPACE;
	}
	r->count[sec] = (uint16_t)(r->count[sec] + rs->count);
	return ANS_OK;
}

static void truncate_to_question(struct resp *r)
{
	r->w.pos = r->question_end;
	r->compr->count = r->compr_question;
	r->cname_target = NULL;
	memset(r->count, 0, sizeof(r->count));
	r->tc = true;
}

bool resp_put_required_ttl(struct resp *r, int sec, const uint8_t *owner,
			   const struct ans_rrset *rs, uint32_t ttl)
{
	if (resp_put_rrset(r, sec, owner, rs, ttl) == ANS_OK)
		return true;
	truncate_to_question(r);
	return false;
}

bool resp_put_required(struct resp *r, int sec, const uint8_t *owner,
		       const struct ans_rrset *rs)
{
	return resp_put_required_ttl(r, sec, owner, rs, rs->ttl);
}

static inline uint8_t fold(uint8_t c)
{
	return (uint8_t)(c + (((unsigned)(c - 'A') < 26u) << 5));
}

/* Out of line and cold: reached when the bytes differ, mostly for a
 * 0x20-randomised question (the zone's names are lowercase). */
static __attribute__((noinline, cold)) bool bytes_same_folded(const uint8_t *a,
							      const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fold(a[i]) != fold(b[i]))
			return false;
	return true;
}

/* n bytes of names equal letter case aside (the compressor's rule): the
 * exact compare first. */
static inline bool bytes_same(const uint8_t *a, const uint8_t *b, size_t n)
{
	return ans_zone_bytes_equal(a, b, n) || bytes_same_folded(a, b, n);
}

/* True when the question's name ends in the apex, letter case aside (the
 * compressor points at those bytes whatever their case); *adj is then its
 * label next to the apex (NULL when it is the apex itself). `lname` is the
 * question lowercased and the apex is a zone name (lowercased too), so
 * equal case aside is equal bytes: a 0x20-randomised question costs what a
 * lowercase one does (the byte-wise folded compare of the question as
 * written cost ~140 instructions a query on mix2c). Offsets into lname are
 * offsets into the question as written. */
static bool qname_apex_split(const uint8_t *lname, size_t qlen, const uint8_t *apex,
			     size_t apex_len, const uint8_t **adj)
{
	if (qlen < apex_len || !ans_zone_bytes_equal(lname + qlen - apex_len, apex, apex_len))
		return false;
	size_t cut = qlen - apex_len, p = 0;
	*adj = NULL;
	while (p < cut) {
		*adj = lname + p;
		p += (size_t)lname[p] + 1;
	}
	return p == cut;
}

/* Labels equal letter case aside. Bit 0x20 set on the first bytes is a
 * cheap refusal of most different labels of one length ("ns1", "www"):
 * bytes equal case aside agree on it. */
static bool label_eq(const uint8_t *a, const uint8_t *b)
{
	return a && a[0] == b[0] && (a[1] | 0x20) == (b[1] | 0x20) &&
	       bytes_same(a + 1, b + 1, a[0]);
}

/* The negative SOA from the zone's ready record when nothing but the
 * question is in the compression table: the compressor would point the
 * owner, MNAME and RNAME at the apex bytes ending the question name (their
 * longest common suffix with it, the labels next to the apex differing),
 * and record MNAME and RNAME. Same bytes; false when it does not apply.
 * The zone builds the record when MNAME's and RNAME's labels next to the
 * apex differ in bytes; they must differ letter case aside too, or the
 * compressor would point RNAME into MNAME. */
static bool put_soa_fast(struct resp *r, const struct ans_zone *z)
{
	/* ans_zone_soa_wire(), read inline from the snapshot's block. */
	const struct zone_mem *m = z->priv;
	const struct ans_zone_soa_wire *t = &m->soa_wire;
	if (!t->rr || r->compr->count != 1 || r->compr_question != 1 || r->tc)
		return false;
	size_t apex_len = ans_name_len(z->apex);
	const uint8_t *adj;
	if (!qname_apex_split(r->lname, r->qname_len, z->apex, apex_len, &adj) ||
	    label_eq(adj, t->mname_label) || label_eq(adj, t->rname_label) ||
	    label_eq(t->mname_label, t->rname_label))
		return false;
	size_t at = r->w.pos;
	if (r->w.err || t->len > r->w.len - at)
		return false;   /* the slow way truncates */
	uint8_t *p = r->w.base + at;
	memcpy(p, t->rr, t->len);
	uint16_t ptr = (uint16_t)(0xC000 | (HDR_LEN + r->qname_len - apex_len));
	resp_put16(p, ptr);
	resp_put16(p + t->mname_ptr, ptr);
	resp_put16(p + t->rname_ptr, ptr);
	r->w.pos += t->len;
	struct ans_compr *c = r->compr;
	if (at + t->rname_at < 0x4000) {
		c->offs[c->count++] = (uint16_t)(at + t->mname_at);
		c->offs[c->count++] = (uint16_t)(at + t->rname_at);
	} else if (at + t->mname_at < 0x4000) {
		c->offs[c->count++] = (uint16_t)(at + t->mname_at);
	}
	r->count[SEC_AUTHORITY]++;
	return true;
}

bool resp_put_soa(struct resp *r, const struct ans_zone *z)
{
	if (put_soa_fast(r, z))
		return true;
	const struct ans_rrset *soa = ans_zone_soa(z);
	if (!soa)
		return true;
	/* RFC 2308 §3: the SOA of a negative answer carries the smaller of
	 * its own TTL and its MINIMUM field. */
	uint32_t min = ans_zone_soa_minimum(z);
	uint32_t ttl = soa->ttl < min ? soa->ttl : min;
	return resp_put_required_ttl(r, SEC_AUTHORITY, z->apex, soa, ttl);
}

static bool label_in(const uint8_t *label, const uint8_t *list, unsigned n)
{
	for (unsigned i = 0; i < n; i++, list += list[0] + 1u)
		if (label_eq(label, list))
			return true;
	return false;
}

/* A referral from the cut's ready block (ans_rrset_referral, built by
 * lib/zone/zone_referral.c the way this file writes one) when nothing but
 * the question is in the message and the question ends in the cut (letter
 * case aside): every pointer moves by the question's extra length. Same bytes as
 * resp_put_required + resp_put_additional; false when it does not apply
 * (other names written, case or labels that give the compressor another
 * match, no room: the slow way then truncates as it should). */
bool resp_put_referral_fast(struct resp *r, const struct ans_node *cut,
			    const struct ans_rrset *ns)
{
	struct ans_referral_wire t;
	if (r->tc || r->w.err || r->compr->count != 1 || r->compr_question != 1 ||
	    r->w.pos != r->question_end || r->added_count || !ans_rrset_referral(ns, &t))
		return false;
	size_t cut_len = ans_name_len(cut->owner);
	const uint8_t *adj;
	if (!qname_apex_split(r->lname, r->qname_len, cut->owner, cut_len, &adj) ||
	    (adj && label_in(adj, t.labels, t.nlabels)) || t.len > r->w.len - r->w.pos)
		return false;
	uint8_t *p = r->w.base + r->w.pos;
	uint16_t delta = (uint16_t)(r->qname_len - cut_len);
	memcpy(p, t.rr, t.len);
	for (unsigned i = 0; i < t.nptr; i++) {
		uint8_t *at = p + ans_get_u16(t.ptr_at + 2 * i);
		ans_put_u16(at, (uint16_t)(ans_get_u16(at) + delta));
	}
	struct ans_compr *c = r->compr;
	for (unsigned i = 0; i < t.ncompr && c->count < ANS_COMPR_MAX; i++)
		c->offs[c->count++] = (uint16_t)(ans_get_u16(t.compr + 2 * i) + delta);
	r->w.pos += t.len;
	r->count[SEC_AUTHORITY] = (uint16_t)(r->count[SEC_AUTHORITY] + t.nauth);
	r->count[SEC_ADDITIONAL] = (uint16_t)(r->count[SEC_ADDITIONAL] + t.naddl);
	return true;
}

static bool already_added(struct resp *r, const struct ans_rrset *rs)
{
	for (unsigned i = 0; i < r->added_count; i++)
		if (r->added[i] == rs)
			return true;
	if (r->added_count < ADDITIONAL_MAX)
		r->added[r->added_count++] = rs;
	return false;
}

/* Authoritative additional data with its RRSIGs (RFC 4035 §3.1.1 asks
 * for them "if space permits"): the RRset and its signatures fit together
 * or neither is kept, so a validator never gets an unsigned address of a
 * signed zone. */
static int put_signed_addl(struct resp *r, const struct ans_node *n,
			   const struct ans_rrset *rs)
{
	size_t mark = r->w.pos;
	uint16_t compr_mark = r->compr->count, count = r->count[SEC_ADDITIONAL];
	int err = resp_put_rrset(r, SEC_ADDITIONAL, n->owner, rs, rs->ttl);
	const struct ans_rrset *sigs = ans_rrset_sigs(rs);
	if (err || !sigs)
		return err;
	err = resp_put_rrset(r, SEC_ADDITIONAL, n->owner, sigs, sigs->ttl);
	if (err) {
		r->w.pos = mark;
		r->compr->count = compr_mark;
		r->count[SEC_ADDITIONAL] = count;
	}
	return err;
}

/* Returns false when the additional section is full. */
static bool put_addresses(struct resp *r, const struct ans_node *n, bool required)
{
	static const uint16_t types[2] = { ANS_TYPE_A, ANS_TYPE_AAAA };
	for (int t = 0; t < 2; t++) {
		const struct ans_rrset *rs = ans_node_rrset(n, types[t]);
		if (!rs || already_added(r, rs))
			continue;
		if (resp_put_rrset(r, SEC_ADDITIONAL, n->owner, rs, rs->ttl) == ANS_OK)
			continue;
		/* Missing in-domain glue: TC, keeping what fit, as Knot. */
		if (required)
			r->tc = true;
		return false;
	}
	return true;
}

/* put_addresses() for DO=1 in a signed zone: authoritative data with its
 * RRSIGs; glue (below a cut) never has any (RFC 4035 §2.2). */
DNSSEC_COLD static bool put_addresses_signed(struct resp *r, const struct ans_node *n, bool required)
{
	if (n->flags & ANS_NODE_OCCLUDED)
		return put_addresses(r, n, required);
	static const uint16_t types[2] = { ANS_TYPE_A, ANS_TYPE_AAAA };
	for (int t = 0; t < 2; t++) {
		const struct ans_rrset *rs = ans_node_rrset(n, types[t]);
		if (!rs || already_added(r, rs))
			continue;
		if (put_signed_addl(r, n, rs) == ANS_OK)
			continue;
		if (required)
			r->tc = true;
		return false;
	}
	return true;
}

/* The targets' address nodes were resolved when the zone was built
 * (ans_rrset_addl): nothing is looked up here. Glue (a node below a cut)
 * is only for referrals; Knot also uses glue found below another cut of
 * the zone (a sibling's name server). */
void resp_put_additional(struct resp *r, const struct ans_zone *z,
			 const struct ans_rrset *rs, const struct ans_node *cut)
{
	const uint8_t *e;
	unsigned n = ans_rrset_addl(rs, &e);
	bool (*put)(struct resp *, const struct ans_node *, bool) =
		r->dnssec ? put_addresses_signed : put_addresses;
	for (unsigned i = 0; i < n && !r->tc; i++) {
		uint32_t v;
		memcpy(&v, e + 4 * i, 4);
		if ((v & ANS_ADDL_OCCLUDED) && !cut)
			continue;
		/* In-domain glue of the referral: rs is the cut's NS RRset. */
		bool required = cut && (v & ANS_ADDL_BELOW);
		if (!put(r, &z->nodes[(v & ANS_ADDL_NODE) - 1], required))
			return;
	}
}

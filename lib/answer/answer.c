/* SPDX-License-Identifier: MIT */
/*
 * DOC: answering one query
 *
 * ans_answer() runs in four stages, all writing into the caller's buffer
 * through one bounds-checked cursor (no heap, no locks, no syscalls):
 *
 *   1. parse (query.c): header, question, and every further record only to
 *      find an OPT (RFC 6891) and a TSIG (RFC 8945); a response (QR=1) or a
 *      message too short for a header gets no reply at all.
 *   2. triage: FORMERR, NOTIMP (opcodes other than QUERY; NOTIFY and
 *      AXFR/IXFR are flagged for the program), BADVERS, TSIG (NOTAUTH with
 *      BADKEY, as Knot answers when it has no keys), classes.
 *   3. resolve (resolve.c) for class IN, chaos.c-like identity answers for
 *      CH, written by section.c with compression and truncation.
 *   4. finish: the OPT record into the space reserved for it from the
 *      start (so no section can take it), then the header counts.
 *
 * The size limit (RFC 6891 §6.2.5, RFC 1035 §4.2.1): UDP without EDNS 512;
 * with EDNS the smaller of the client's payload (at least 512) and ours
 * (conf udp_max_payload, default 1232, the DNS flag day 2020 value); TCP
 * 65535. Where to read: ans_answer(), then resolve.c.
 */
#include <string.h>

#include "lib/answer/answer_priv.h"
#include "lib/answer/query.h"
#include "lib/wire/rdata.h"

#define OPT_FIXED_LEN 11
#define EDNS_OPT_NSID 3
#define DEFAULT_UDP_PAYLOAD 1232

static size_t opt_reserve(const struct query *qq, const struct ans_answer_conf *conf)
{
	if (!qq->has_edns)
		return 0;
	size_t n = OPT_FIXED_LEN;
	if (qq->want_nsid && conf && conf->nsid)
		n += 4 + conf->nsid_len;
	return n;
}

static size_t size_limit(const struct query *qq, const struct ans_answer_conf *conf,
			 enum ans_transport tr, size_t out_size)
{
	size_t limit = 65535;
	if (tr == ANS_TRANSPORT_UDP) {
		size_t ours = conf && conf->udp_max_payload ? conf->udp_max_payload
							    : DEFAULT_UDP_PAYLOAD;
		size_t theirs = qq->edns_payload < 512 ? 512 : qq->edns_payload;
		limit = !qq->has_edns ? 512 : theirs < ours ? theirs : ours;
		if (limit < 512)
			limit = 512;
	}
	return limit < out_size ? limit : out_size;
}

/* Header space and the question, echoed as received (RFC 1035 §4.1.2). */
static void begin(struct resp *r, const struct query *qq, struct ans_compr *compr,
		  const uint8_t *lname, uint8_t *out, size_t limit)
{
	/* Field by field, not memset: the added[]/addl_src[] arrays are only
	 * read up to their counts, and this runs for every packet. */
	r->w = ans_wire_init(out, limit);
	r->rcode = 0;
	memset(r->count, 0, sizeof(r->count));
	r->tc = false;
	r->addl_count = r->added_count = 0;
	r->addl_cut = NULL;
	r->cname_target = NULL;
	r->dnssec = false;
	r->compr = compr;
	const uint8_t *qname = qq->qname;
	r->qname = qname;
	r->lname = lname;
	r->qname_len = qq->qname_len;
	/* RD and CD are copied (RFC 1035 §4.1.1, RFC 4035 §3.1.6); RA never. */
	r->flags = (uint16_t)(QFLAG_QR | (qq->opcode << 11) |
			      (qq->flags & (QFLAG_RD | QFLAG_CD)));
	compr->msg = out;   /* ans_compr_init(), inline */
	compr->count = 0;
	size_t q_end = HDR_LEN + (size_t)qq->qname_len + 4;
	if (qq->has_question && limit >= q_end) {
		/* Room checked once for header and question (always there
		 * for ans_answer(): limit >= 512, a name <= 255), not per
		 * field by the cursor. */
		memset(out, 0, HDR_LEN);
		/* The request may be the output buffer: then the name is
		 * already where it goes (offset 12). From here on the
		 * question's name is its copy in the response (the owner
		 * every answer at the name points to). */
		if (qname != out + HDR_LEN)
			resp_copy_short(out + HDR_LEN, qname, qq->qname_len);
		r->qname = out + HDR_LEN;
		resp_put16(out + q_end - 4, qq->qtype);
		resp_put16(out + q_end - 2, qq->qclass);
		r->w.pos = q_end;
		if (qname[0])
			compr->offs[compr->count++] = HDR_LEN;
		r->question_end = q_end;
		r->compr_question = compr->count;
		return;
	}
	static const uint8_t zero_header[HDR_LEN];
	ans_wire_write_bytes(&r->w, zero_header, HDR_LEN);
	if (qq->has_question) {
		/* What ans_name_write() does with an empty table, inline: the
		 * name whole, recorded at offset 12 unless it is the root. */
		ans_wire_write_bytes(&r->w, qname, qq->qname_len);
		if (qname[0] && !r->w.err)
			compr->offs[compr->count++] = HDR_LEN;
		ans_wire_write_u16(&r->w, qq->qtype);
		ans_wire_write_u16(&r->w, qq->qclass);
	}
	r->question_end = r->w.pos;
	r->compr_question = compr->count;
}

static void write_opt(struct resp *r, const struct query *qq,
		      const struct ans_answer_conf *conf)
{
	bool nsid = qq->want_nsid && conf && conf->nsid;
	uint16_t payload = conf && conf->udp_max_payload ? conf->udp_max_payload
							 : DEFAULT_UDP_PAYLOAD;
	ans_wire_write_u8(&r->w, 0);
	ans_wire_write_u16(&r->w, ANS_TYPE_OPT);
	ans_wire_write_u16(&r->w, payload);
	/* TTL: extended RCODE (upper 8 of 12 bits), version 0, DO echoed
	 * (RFC 3225 §3). */
	ans_wire_write_u8(&r->w, (uint8_t)(r->rcode >> 4));
	ans_wire_write_u8(&r->w, 0);
	ans_wire_write_u16(&r->w, qq->edns_do ? 0x8000 : 0);
	ans_wire_write_u16(&r->w, nsid ? (uint16_t)(4 + conf->nsid_len) : 0);
	if (nsid) {
		ans_wire_write_u16(&r->w, EDNS_OPT_NSID);   /* RFC 5001 §2.3 */
		ans_wire_write_u16(&r->w, conf->nsid_len);
		ans_wire_write_bytes(&r->w, conf->nsid, conf->nsid_len);
	}
}

/* Writes OPT and TSIG (when due) and the header; returns the length. */
static size_t finish(struct resp *r, const struct query *qq,
		     const struct ans_answer_conf *conf, size_t limit,
		     const uint8_t *q, size_t q_len)
{
	uint16_t ar = r->count[SEC_ADDITIONAL];
	r->w.len = limit;
	if (qq->has_edns) {
		write_opt(r, qq, conf);
		ar++;
	}
	if (qq->has_tsig && r->rcode == RCODE_NOTAUTH &&
	    query_write_tsig_badkey(&r->w, q, q_len, qq) == ANS_OK)
		ar++;
	if (r->w.err)
		return 0;
	uint8_t *h = r->w.base;
	uint16_t flags = (uint16_t)(r->flags | (r->tc ? QFLAG_TC : 0) | (r->rcode & 0xF));
	resp_put16(h, qq->id);
	resp_put16(h + 2, flags);
	resp_put16(h + 4, qq->has_question ? 1 : 0);
	resp_put16(h + 6, r->count[SEC_ANSWER]);
	resp_put16(h + 8, r->count[SEC_AUTHORITY]);
	resp_put16(h + 10, ar);
	return r->w.pos;
}

/* CHAOS identity (RFC 4892 §2.1 and BIND's names): one TXT, TTL 0, not
 * authoritative, as Knot answers; REFUSED for anything else. */
static void chaos(struct resp *r, const struct query *qq, const uint8_t *lname,
		  const struct ans_answer_conf *conf)
{
	static const uint8_t id_server[] = "\2id\6server";
	static const uint8_t hostname_bind[] = "\10hostname\4bind";
	static const uint8_t version_server[] = "\7version\6server";
	static const uint8_t version_bind[] = "\7version\4bind";
	const char *text = NULL;
	if (!conf || (qq->qtype != ANS_TYPE_TXT && qq->qtype != ANS_TYPE_ANY))
		text = NULL;
	else if (ans_name_equal(lname, id_server) || ans_name_equal(lname, hostname_bind))
		text = conf->identity;
	else if (ans_name_equal(lname, version_server) || ans_name_equal(lname, version_bind))
		text = conf->version;
	if (!text) {
		r->rcode = RCODE_REFUSED;
		return;
	}
	size_t len = strnlen(text, 255);
	ans_name_write(&r->w, r->qname, r->compr);
	ans_wire_write_u16(&r->w, ANS_TYPE_TXT);
	ans_wire_write_u16(&r->w, ANS_CLASS_CH);
	ans_wire_write_u32(&r->w, 0);
	ans_wire_write_u16(&r->w, (uint16_t)(len + 1));
	ans_wire_write_u8(&r->w, (uint8_t)len);
	ans_wire_write_bytes(&r->w, text, len);
	if (r->w.err) {
		r->w.err = ANS_OK;
		r->w.pos = r->question_end;
		r->tc = true;
		return;
	}
	r->count[SEC_ANSWER] = 1;
}

/* Stage 2: the rcode the query gets before any zone is looked at, or
 * RCODE_NOERROR to go on. */
static uint16_t triage(const struct query *qq, struct ans_answer_info *info)
{
	if (qq->opcode == ANS_OPCODE_NOTIFY) {
		info->is_notify = true;
		return RCODE_NOERROR;
	}
	if (qq->opcode != ANS_OPCODE_QUERY)
		return RCODE_NOTIMP;
	if (qq->has_edns && qq->edns_version > 0)
		return RCODE_BADVERS;   /* RFC 6891 §6.1.3 */
	if (qq->has_tsig)
		return RCODE_NOTAUTH;   /* no keys yet: BADKEY, RFC 8945 §5.2 */
	/* Class ANY is answered from the IN data, as Knot and NSD do. */
	if (qq->qclass != ANS_CLASS_IN && qq->qclass != ANS_CLASS_CH &&
	    qq->qclass != ANS_CLASS_ANY)
		return RCODE_REFUSED;
	return RCODE_NOERROR;
}

static void answer_in(struct resp *r, struct ans_answer_ctx *ctx,
		      const struct ans_zoneset *zs, const struct query *qq,
		      struct ans_answer_info *info)
{
	const struct ans_zone *z = ans_zoneset_find_labels(zs, ctx->lname, qq->qname_len,
							   qq->qname_offs, qq->qname_labels);
	/* The DS RRset of a zone lives in its parent (RFC 4035 §3.1.4.1): when
	 * we also serve the parent, the parent side answers. */
	if (z && qq->qtype == ANS_TYPE_DS && ans_name_equal(z->apex, ctx->lname) &&
	    ctx->lname[0] != 0) {
		const struct ans_zone *parent =
			ans_zoneset_find(zs, ans_name_skip_labels(ctx->lname, 1));
		if (parent)
			z = parent;
	}
	info->zone = z;
	if (!z) {
		r->rcode = RCODE_REFUSED;
		return;
	}
	/* A secondary zone past its expire timer is not answered from
	 * (RFC 1035 §3.3.13), transfers included: SERVFAIL, as Knot and BIND. */
	if (ans_zoneset_is_expired(zs, z)) {
		r->rcode = RCODE_SERVFAIL;
		return;
	}
	if (qq->qtype == ANS_TYPE_AXFR || qq->qtype == ANS_TYPE_IXFR) {
		info->is_xfr = true;
		return;
	}
	resolve(r, z, ctx->lname, qq, ctx);
}

int ans_answer(struct ans_answer_ctx *ctx, const struct ans_answer_conf *conf,
	       const struct ans_zoneset *zs, const uint8_t *q, size_t q_len,
	       enum ans_transport tr, uint8_t *out, size_t out_size,
	       size_t *out_len, struct ans_answer_info *info)
{
	if (!ctx || !q || !out || !out_len || !info || out_size < 512)
		return ANS_EINVAL;
	memset(info, 0, sizeof(*info));
	*out_len = 0;
	struct query qq;
	int st = query_parse(q, q_len, ctx->qname, ctx->lname, &qq);
	info->opcode = qq.opcode;
	info->qtype = qq.qtype;
	info->qclass = qq.qclass;
	info->has_edns = qq.has_edns;
	if (st == QUERY_DROP) {
		info->dropped = true;
		return ANS_OK;
	}
	if (st == QUERY_FORMERR)
		qq.has_edns = qq.has_tsig = false;   /* as Knot: no OPT then */
	struct resp r;
	size_t limit = size_limit(&qq, conf, tr, out_size);
	begin(&r, &qq, &ctx->compr, ctx->lname, out, limit);
	r.w.len = limit - opt_reserve(&qq, conf);
	r.rcode = st == QUERY_FORMERR ? RCODE_FORMERR : triage(&qq, info);
	if (info->is_notify)
		return ANS_OK;
	if (r.rcode == RCODE_NOERROR) {
		if (qq.qclass == ANS_CLASS_CH)
			chaos(&r, &qq, ctx->lname, conf);
		else
			answer_in(&r, ctx, zs, &qq, info);
		if (info->is_xfr)
			return ANS_OK;
	}
	*out_len = finish(&r, &qq, conf, limit, q, q_len);
	info->rcode = (uint8_t)r.rcode;
	info->truncated = r.tc;
	info->dropped = *out_len == 0;
	return ANS_OK;
}

size_t ans_answer_error(const uint8_t *q, size_t q_len, uint8_t rcode,
			uint8_t *out, size_t out_size)
{
	uint8_t qname[ANS_NAME_MAX], lname[ANS_NAME_MAX];
	struct ans_compr compr;
	struct query qq;
	if (!q || !out || out_size < HDR_LEN)
		return 0;
	if (query_parse(q, q_len, qname, lname, &qq) == QUERY_DROP)
		return 0;
	struct resp r;
	size_t limit = out_size < 65535 ? out_size : 65535;
	begin(&r, &qq, &compr, lname, out, limit);
	r.rcode = rcode;
	qq.has_tsig = false;   /* the program answers TSIG itself */
	return finish(&r, &qq, NULL, limit, q, q_len);
}

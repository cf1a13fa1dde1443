/* SPDX-License-Identifier: MIT */
/*
 * Parsing a request. Every byte is read through the sticky-error cursor or
 * ans_name_parse(); the only records looked into are OPT and TSIG, the rest
 * are skipped but must be well formed and fill the message exactly: like
 * Knot, trailing bytes make the request malformed.
 */
#include <string.h>

#include "lib/answer/query.h"
#include "lib/wire/rdata.h"

#define EDNS_OPT_NSID 3
#define TSIG_BADKEY 17

/* RFC 6891 §6.1.3: payload in CLASS, version and DO in TTL; options as
 * code/length pairs, unknown ones ignored (§6.1.2). */
static enum query_status parse_opt(const uint8_t *rdata, uint16_t rdlen,
				   uint16_t rclass, uint32_t ttl, struct query *qq)
{
	qq->has_edns = true;
	qq->edns_payload = rclass;
	qq->edns_version = (uint8_t)(ttl >> 16);
	qq->edns_do = (ttl & 0x8000) != 0;
	struct ans_wire w = ans_wire_init((uint8_t *)rdata, rdlen);
	while (ans_wire_avail(&w) > 0) {
		uint16_t code = ans_wire_read_u16(&w);
		uint16_t len = ans_wire_read_u16(&w);
		ans_wire_skip(&w, len);
		if (!w.err && code == EDNS_OPT_NSID)
			qq->want_nsid = true;
	}
	return w.err ? QUERY_FORMERR : QUERY_OK;
}

/* Skips over the records after the question, noting OPT and TSIG. */
static enum query_status parse_records(const uint8_t *q, size_t q_len,
				       struct ans_wire *w, unsigned an_ns,
				       unsigned ar, struct query *qq)
{
	uint8_t name[ANS_NAME_MAX];
	size_t name_len;
	for (unsigned i = 0; i < an_ns + ar; i++) {
		size_t start = w->pos, pos = w->pos;
		if (ans_name_parse(q, q_len, &pos, name, &name_len) != ANS_OK)
			return QUERY_FORMERR;
		w->pos = pos;
		uint16_t type = ans_wire_read_u16(w);
		uint16_t rclass = ans_wire_read_u16(w);
		uint32_t ttl = ans_wire_read_u32(w);
		uint16_t rdlen = ans_wire_read_u16(w);
		size_t rdata = w->pos;
		ans_wire_skip(w, rdlen);
		if (w->err)
			return QUERY_FORMERR;
		if (type == ANS_TYPE_OPT) {
			/* One OPT, in the additional section, owned by the
			 * root (RFC 6891 §6.1.1). */
			if (i < an_ns || qq->has_edns || name_len != 1)
				return QUERY_FORMERR;
			if (parse_opt(q + rdata, rdlen, rclass, ttl, qq) != QUERY_OK)
				return QUERY_FORMERR;
		} else if (type == ANS_TYPE_TSIG) {
			/* The last record of the message (RFC 8945 §5.1). */
			if (i != an_ns + ar - 1 || i < an_ns)
				return QUERY_FORMERR;
			qq->has_tsig = true;
			qq->tsig_pos = start;
		}
	}
	return w->pos == q_len ? QUERY_OK : QUERY_FORMERR;
}

/* The question name in one pass: lowercased (RFC 4343: ASCII letters
 * only) and its labels' offsets noted, so nothing later walks it again; the
 * name as received stays where it is (qq->qname points into q). False for
 * anything unusual (a compression pointer, which only could point into the
 * header, a bad label, the end of the message): then ans_name_parse()
 * decides, as before. The name's zero byte must lie before `end`, which
 * bounds both the message and the 255-byte limit: two tests per label. */
static bool read_qname(const uint8_t *q, size_t q_len, size_t *pos, uint8_t *lname,
		       struct query *qq)
{
	size_t start = *pos, p = start;
	size_t end = q_len - start > ANS_NAME_MAX ? start + ANS_NAME_MAX : q_len;
	unsigned labels = 0;
	for (;;) {
		if (p >= end)
			return false;
		uint8_t len = q[p];
		if (len == 0)
			break;
		if (len > ANS_LABEL_MAX)
			return false;
		qq->qname_offs[labels++] = (uint8_t)(p - start);
		p += (size_t)len + 1;
	}
	size_t n = p + 1 - start;
	ans_name_fold_copy(lname, q + start, n);
	qq->qname = q + start;
	*pos = p + 1;
	qq->qname_len = (uint8_t)n;
	qq->qname_labels = (uint8_t)labels;
	return true;
}

static bool parse_qname(const uint8_t *q, size_t q_len, size_t *pos, uint8_t *qname,
			uint8_t *lname, struct query *qq)
{
	if (read_qname(q, q_len, pos, lname, qq))
		return true;
	size_t len;
	if (ans_name_parse(q, q_len, pos, qname, &len) != ANS_OK)
		return false;
	qq->qname = qname;
	ans_name_copy(lname, qname);
	ans_name_lower(lname);
	qq->qname_len = (uint8_t)len;
	qq->qname_labels = (uint8_t)ans_name_label_offsets(lname, qq->qname_offs);
	return true;
}

/* Only the fields read before the question are cleared here: the rest is
 * set as parsing goes (cost: this runs for every packet). */
static void query_clear(struct query *qq)
{
	qq->id = qq->flags = qq->qtype = qq->qclass = 0;
	qq->opcode = 0;
	qq->has_question = qq->has_edns = qq->edns_do = qq->want_nsid = false;
	qq->has_tsig = false;
	qq->edns_version = 0;
	qq->edns_payload = 0;
	qq->question_end = qq->tsig_pos = 0;
	qq->qname_len = qq->qname_labels = 0;
	qq->qname = NULL;
}

enum query_status query_parse(const uint8_t *q, size_t q_len,
			      uint8_t qname[ANS_NAME_MAX], uint8_t lname[ANS_NAME_MAX],
			      struct query *qq)
{
	query_clear(qq);
	if (q_len < HDR_LEN)
		return QUERY_DROP;
	qq->id = ans_get_u16(q);
	qq->flags = ans_get_u16(q + 2);
	qq->opcode = (uint8_t)((qq->flags >> 11) & 0xF);
	if (qq->flags & QFLAG_QR)
		return QUERY_DROP;   /* never answer a response: no loops */
	uint16_t qd = ans_get_u16(q + 4);
	uint16_t an = ans_get_u16(q + 6);
	uint16_t ns = ans_get_u16(q + 8);
	uint16_t ar = ans_get_u16(q + 10);
	if (qd != 1)
		return QUERY_FORMERR;
	size_t pos = HDR_LEN;
	if (!parse_qname(q, q_len, &pos, qname, lname, qq))
		return QUERY_FORMERR;
	/* TYPE and CLASS after one room check (pos <= q_len here), not
	 * through the cursor's two: the cursor is for the rarer records. */
	if (q_len - pos < 4)
		return QUERY_FORMERR;
	qq->qtype = ans_get_u16(q + pos);
	qq->qclass = ans_get_u16(q + pos + 2);
	pos += 4;
	qq->has_question = true;
	qq->question_end = pos;
	if (an + ns + ar == 0)
		return pos == q_len ? QUERY_OK : QUERY_FORMERR;
	struct ans_wire w = ans_wire_init((uint8_t *)q, q_len);
	w.pos = pos;
	return parse_records(q, q_len, &w, (unsigned)an + ns, ar, qq);
}

int query_write_tsig_badkey(struct ans_wire *w, const uint8_t *q, size_t q_len,
			    const struct query *qq)
{
	uint8_t key[ANS_NAME_MAX], alg[ANS_NAME_MAX];
	size_t key_len, alg_len, pos = qq->tsig_pos;
	if (ans_name_parse(q, q_len, &pos, key, &key_len) != ANS_OK)
		return ANS_EMALF;
	pos += 10;   /* type, class, TTL, RDLENGTH: checked by query_parse */
	if (ans_name_parse(q, q_len, &pos, alg, &alg_len) != ANS_OK)
		return ANS_EMALF;
	struct ans_wire r = ans_wire_init((uint8_t *)q, q_len);
	r.pos = pos;
	uint8_t time_fudge[8];
	ans_wire_read_bytes(&r, time_fudge, sizeof(time_fudge));
	ans_wire_skip(&r, ans_wire_read_u16(&r));   /* the MAC */
	uint16_t orig_id = ans_wire_read_u16(&r);
	if (r.err)
		return ANS_EMALF;
	/* Unsigned, with the request's key, algorithm and time, no MAC and
	 * error BADKEY: what a server without that key sends (RFC 8945
	 * §5.2.1), byte for byte what Knot sends. */
	ans_wire_write_bytes(w, key, key_len);
	ans_wire_write_u16(w, ANS_TYPE_TSIG);
	ans_wire_write_u16(w, ANS_CLASS_ANY);
	ans_wire_write_u32(w, 0);
	ans_wire_write_u16(w, (uint16_t)(alg_len + 16));
	ans_wire_write_bytes(w, alg, alg_len);
	ans_wire_write_bytes(w, time_fudge, sizeof(time_fudge));
	ans_wire_write_u16(w, 0);
	ans_wire_write_u16(w, orig_id);
	ans_wire_write_u16(w, TSIG_BADKEY);
	ans_wire_write_u16(w, 0);
	return w->err;
}

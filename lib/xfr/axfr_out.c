/* SPDX-License-Identifier: MIT */
/*
 * Outgoing transfers: one iterator for AXFR, IXFR and the single-SOA answer.
 *
 * State machine (x->phase), one RR produced per step by next_rr():
 *
 *   P_FIRST_SOA ──AXFR──> P_ZONE (every RR but the apex SOA) ──> P_LAST_SOA
 *        │       ──IXFR──> P_CS_FROM → P_CS_DEL → P_CS_TO → P_CS_ADD ─┐
 *        │                     ^───────── next changeset ─────────────┤
 *        │                                                            v
 *        └──SOA only──> P_END                                     P_LAST_SOA → P_END
 *
 * ans_xfr_out_next() packs RRs into one message until the next one would
 * pass the size target; that RR is kept as "pending" and opens the next
 * message, so no RR is ever split (RFC 5936 §2.2: an RR may not span
 * messages). The target is soft, the buffer size minus the caller's reserve
 * is hard: an RR larger than the target still goes alone in a message.
 */
#include <string.h>

#include "lib/base/wire.h"
#include "lib/wire/rdata.h"
#include "lib/xfr/axfr_out.h"
#include "lib/xfr/xfr_priv.h"

enum {
	P_FIRST_SOA, P_ZONE, P_CS_FROM, P_CS_DEL, P_CS_TO, P_CS_ADD,
	P_LAST_SOA, P_END,
};

#define HDR_LEN 12
#define OPT_LEN 11
#define FLAG_QR 0x8000u
#define FLAG_AA 0x0400u
#define FLAG_RD 0x0100u

static void set_defaults(struct ans_xfr_out_conf *c, const struct ans_xfr_out_conf *given)
{
	if (given)
		*c = *given;
	else
		memset(c, 0, sizeof(*c));
	if (!c->msg_target_bytes)
		c->msg_target_bytes = ANS_XFR_MSG_TARGET_DEFAULT;
	if (!c->edns_udp_size)
		c->edns_udp_size = 1232;
}

/* Shared by AXFR and IXFR (ixfr_out.c). */
int xfr_out_start(struct ans_xfr_out *x, const struct ans_xfr_request *req,
		  const struct ans_zone *z, enum ans_xfr_kind kind,
		  const struct ans_xfr_out_conf *conf)
{
	memset(x, 0, sizeof(*x));
	if (!xfr_soa_rr(z, &x->soa))
		return ANS_EINVAL;
	x->id = req->id;
	x->rd_flag = req->flags & FLAG_RD;
	x->qtype = req->qtype;
	x->qclass = req->qclass;
	ans_name_copy(x->qname, req->qname);
	x->has_edns = req->has_edns;
	x->edns_do = req->edns_do;
	x->kind = kind;
	x->zone = z;
	set_defaults(&x->conf, conf);
	ans_zone_cursor_init(&x->zit, z);
	x->phase = P_FIRST_SOA;
	return ANS_OK;
}

int ans_axfr_out_init(struct ans_xfr_out *x, const struct ans_xfr_request *req,
		      const struct ans_zone *z, const struct ans_xfr_out_conf *conf)
{
	return xfr_out_start(x, req, z, ANS_XFR_AXFR, conf);
}

static bool next_zone_rr(struct ans_xfr_out *x, struct ans_xfr_rr *rr)
{
	while (ans_zone_cursor_step(&x->zit, rr)) {
		/* The apex SOA is sent only first and last (RFC 5936 §2.2). */
		if (!(rr->type == ANS_TYPE_SOA && rr->owner == x->zone->apex_node->owner))
			return true;
	}
	return false;
}

static bool next_cs_rr(struct ans_xfr_out *x, struct ans_xfr_rr *rr)
{
	const struct ans_changeset *cs = x->cs[x->cs_index];
	const struct ans_rr_list *l = x->phase == P_CS_DEL ? &cs->removed : &cs->added;
	if (x->item < l->count) {
		*rr = l->rr[x->item++];
		return true;
	}
	x->item = 0;
	if (x->phase == P_CS_DEL) {
		x->phase = P_CS_TO;
	} else {
		x->cs_index++;
		x->phase = x->cs_index < x->cs_count ? P_CS_FROM : P_LAST_SOA;
	}
	return false;
}

/* Produces the next RR of the transfer, or false at the end. */
static bool next_rr(struct ans_xfr_out *x, struct ans_xfr_rr *rr)
{
	for (;;) {
		switch (x->phase) {
		case P_FIRST_SOA:
			*rr = x->soa;
			x->phase = x->kind == ANS_XFR_SOA_ONLY ? P_END :
				   x->kind == ANS_XFR_AXFR ? P_ZONE :
				   x->cs_count ? P_CS_FROM : P_LAST_SOA;
			return true;
		case P_ZONE:
			if (next_zone_rr(x, rr))
				return true;
			x->phase = P_LAST_SOA;
			break;
		case P_CS_FROM:
		case P_CS_TO:
			*rr = x->phase == P_CS_FROM ? x->cs[x->cs_index]->soa_from :
						      x->cs[x->cs_index]->soa_to;
			x->phase = x->phase == P_CS_FROM ? P_CS_DEL : P_CS_ADD;
			return true;
		case P_CS_DEL:
		case P_CS_ADD:
			if (next_cs_rr(x, rr))
				return true;
			break;
		case P_LAST_SOA:
			*rr = x->soa;
			x->phase = P_END;
			return true;
		default:
			return false;
		}
	}
}

static void put_header(struct ans_wire *w, const struct ans_xfr_out *x, bool has_question)
{
	ans_wire_write_u16(w, x->id);
	ans_wire_write_u16(w, (uint16_t)(FLAG_QR | FLAG_AA | x->rd_flag));
	ans_wire_write_u16(w, has_question);
	ans_wire_write_u16(w, 0);    /* ANCOUNT, set at the end */
	ans_wire_write_u16(w, 0);
	ans_wire_write_u16(w, x->has_edns);
}

static void put_opt(struct ans_wire *w, const struct ans_xfr_out *x)
{
	ans_wire_write_u8(w, 0);                 /* root owner */
	ans_wire_write_u16(w, ANS_TYPE_OPT);
	ans_wire_write_u16(w, x->conf.edns_udp_size);
	ans_wire_write_u32(w, x->edns_do ? 0x8000u : 0);
	ans_wire_write_u16(w, 0);
}

/* Types whose rdata names we compress (RFC 3597 §4: only RFC 1035's; the
 * list of ans_rdata_write(), MD and MF left out as obsolete): the bytes
 * before the first name, how many names, and the fixed bytes after them. */
struct name_layout {
	uint8_t head, names, tail;
};

static bool name_layout(uint16_t type, struct name_layout *l)
{
	switch (type) {
	case ANS_TYPE_NS: case ANS_TYPE_CNAME: case ANS_TYPE_PTR:
	case 7: case 8: case 9:                 /* MB, MG, MR (RFC 1035 §3.3) */
		*l = (struct name_layout){ 0, 1, 0 };
		return true;
	case ANS_TYPE_MX:
		*l = (struct name_layout){ 2, 1, 0 };
		return true;
	case 14:                                /* MINFO: RMAILBX, EMAILBX */
		*l = (struct name_layout){ 0, 2, 0 };
		return true;
	case ANS_TYPE_SOA:                      /* MNAME, RNAME, 5 × u32 */
		*l = (struct name_layout){ 0, 2, 20 };
		return true;
	default:
		return false;
	}
}

/* Length of the uncompressed name at p within avail bytes, or 0. */
static size_t name_span(const uint8_t *p, size_t avail)
{
	size_t n = 0;
	while (n < avail && n < ANS_NAME_MAX) {
		uint8_t len = p[n];
		if (len > ANS_LABEL_MAX)
			return 0;
		n += len + 1u;
		if (!len)
			return n <= avail ? n : 0;
	}
	return 0;
}

/* TYPE, CLASS, TTL (after the owner), then RDLENGTH and the rdata as
 * stored when `with_rdata`: what ans_rdata_write() writes without a
 * compression table. One room check for the lot: the descriptor search
 * and a check per field were ~15 % of an AXFR's instructions, most RRs
 * being A, AAAA and TXT. */
static void put_fixed(struct ans_wire *w, const struct ans_xfr_rr *rr, bool with_rdata)
{
	size_t n = with_rdata ? 10u + rr->rdlen : 8u;
	if (!ans_wire_can_write(w, n))
		return;
	uint8_t *p = w->base + w->pos;
	ans_put_u16(p, rr->type);
	ans_put_u16(p + 2, ANS_CLASS_IN);
	ans_put_u32(p + 4, rr->ttl);
	if (with_rdata) {
		ans_put_u16(p + 8, rr->rdlen);
		memcpy(p + 10, rr->rdata, rr->rdlen);
	}
	w->pos += n;
}

/* The fixed fields and the rdata with its names compressed through the
 * map. Rdata that does not have the type's layout (never the case for zone
 * data, which was checked at load) goes out as stored, as
 * ans_rdata_write() does. */
static void put_rdata_names(struct ans_wire *w, const struct ans_xfr_rr *rr,
			    struct ans_compr_map *m, const struct name_layout *lp)
{
	struct name_layout l = *lp;
	size_t spans[2] = { 0, 0 }, pos = l.head;
	for (unsigned i = 0; rr->rdlen >= l.head && i < l.names && (i == 0 || spans[i - 1]); i++) {
		spans[i] = name_span(rr->rdata + pos, rr->rdlen - pos);
		pos += spans[i];
	}
	if (!spans[l.names - 1] || pos + l.tail != rr->rdlen) {
		put_fixed(w, rr, true);
		return;
	}
	put_fixed(w, rr, false);
	size_t len_pos = w->pos;
	ans_wire_write_u16(w, 0);
	ans_wire_write_bytes(w, rr->rdata, l.head);
	pos = l.head;
	for (unsigned i = 0; i < l.names; i++) {
		ans_name_write_map(w, rr->rdata + pos, m);
		pos += spans[i];
	}
	ans_wire_write_bytes(w, rr->rdata + pos, l.tail);
	if (!w->err)
		ans_put_u16(w->base + len_pos, (uint16_t)(w->pos - len_pos - 2));
}

/* Writes one RR; on overflow the cursor is put back and ANS_ESPACE is
 * returned. The map may keep slots of the dropped RR: it checks every
 * match against the bytes before the cursor, so they cannot mislead it. */
static int put_rr(struct ans_wire *w, struct ans_compr_map *m, const struct ans_xfr_rr *rr)
{
	size_t pos = w->pos;
	struct name_layout l;
	ans_name_write_map(w, rr->owner, m);
	if (name_layout(rr->type, &l))
		put_rdata_names(w, rr, m, &l);
	else
		put_fixed(w, rr, true);
	if (!w->err)
		return ANS_OK;
	w->pos = pos;
	w->err = ANS_OK;
	return ANS_ESPACE;
}

static size_t hard_limit(const struct ans_xfr_out *x, size_t size)
{
	size_t lim = size < ANS_XFR_MSG_MAX ? size : ANS_XFR_MSG_MAX;
	size_t keep = x->conf.reserve_bytes + (x->has_edns ? OPT_LEN : 0);
	return lim > keep ? lim - keep : 0;
}

/* Fills the answer section; returns the RR count or a negative error. */
static int fill_answer(struct ans_xfr_out *x, struct ans_wire *w,
		       struct ans_compr_map *c)
{
	size_t target = x->conf.msg_target_bytes;
	int count = 0;
	for (;;) {
		if (!x->has_pending && !next_rr(x, &x->pending))
			return count;
		x->has_pending = true;
		if (count > 0 && w->pos >= target)
			return count;
		size_t before = w->pos;
		if (put_rr(w, c, &x->pending) != ANS_OK)
			return count > 0 ? count : ANS_ELIMIT;
		if (count > 0 && w->pos > target) {
			/* Past the soft target: this RR opens the next message. */
			w->pos = before;
			return count;
		}
		x->has_pending = false;
		count++;
		if (count == 0xffff)
			return count;
	}
}

int ans_xfr_out_next(struct ans_xfr_out *x, uint8_t *buf, size_t size, size_t *len)
{
	if (x->is_done)
		return ANS_EINVAL;
	struct ans_wire w = ans_wire_init(buf, hard_limit(x, size));
	/* Compression by hashed suffixes: a message holds hundreds of names,
	 * too many for compr.c's search (issue 6). On the stack, one per
	 * message: the table must not outlive the buffer it points into. */
	struct ans_compr_map c;
	ans_compr_map_init(&c, buf);
	bool has_question = x->msg_count == 0;
	put_header(&w, x, has_question);
	if (has_question) {
		/* RFC 5936 §2.2.1: the first message echoes the question. */
		ans_name_write_map(&w, x->qname, &c);
		ans_wire_write_u16(&w, x->qtype);
		ans_wire_write_u16(&w, x->qclass);
	}
	if (w.err)
		return ANS_ESPACE;
	int count = fill_answer(x, &w, &c);
	if (count < 0)
		return count;
	ans_put_u16(buf + 6, (uint16_t)count);
	w.len = size < ANS_XFR_MSG_MAX ? size : ANS_XFR_MSG_MAX;
	if (x->has_edns)
		put_opt(&w, x);
	if (w.err)
		return ANS_ESPACE;
	*len = w.pos;
	x->msg_count++;
	x->rr_count += (size_t)count;
	x->byte_count += w.pos;
	x->is_done = !x->has_pending && x->phase == P_END;
	return ANS_OK;
}

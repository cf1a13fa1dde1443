/* SPDX-License-Identifier: MIT */
/* Transfer requests: strict parsing (answering side), writing (client side). */
#include <string.h>

#include "lib/base/wire.h"
#include "lib/wire/rdata.h"
#include "lib/xfr/request.h"
#include "lib/xfr/xfr_priv.h"

#define FLAG_QR 0x8000u

struct rr_head {
	uint8_t owner[ANS_NAME_MAX];
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdlen;
	size_t rdata_pos;
};

/* Reads one RR header and steps over its rdata. */
static int read_rr(const uint8_t *q, size_t len, size_t *pos, struct rr_head *h)
{
	size_t nlen;
	if (ans_name_parse(q, len, pos, h->owner, &nlen) != ANS_OK)
		return ANS_EMALF;
	struct ans_wire w = ans_wire_init((uint8_t *)q, len);
	w.pos = *pos;
	h->type = ans_wire_read_u16(&w);
	h->rclass = ans_wire_read_u16(&w);
	h->ttl = ans_wire_read_u32(&w);
	h->rdlen = ans_wire_read_u16(&w);
	h->rdata_pos = w.pos;
	ans_wire_skip(&w, h->rdlen);
	if (w.err)
		return ANS_EMALF;
	*pos = w.pos;
	return ANS_OK;
}

static int read_ixfr_soa(const uint8_t *q, size_t len, const struct rr_head *h,
			 struct ans_xfr_request *r)
{
	uint8_t rd[2 * ANS_NAME_MAX + 20];
	size_t rdlen;
	if (ans_rdata_parse(q, len, h->rdata_pos, h->rdlen, ANS_TYPE_SOA, rd,
			    sizeof(rd), &rdlen) != ANS_OK)
		return ANS_EMALF;
	r->has_ixfr_serial = true;
	r->ixfr_serial = xfr_soa_serial(rd, (uint16_t)rdlen);
	return ANS_OK;
}

static int read_sections(const uint8_t *q, size_t len, size_t pos,
			 const uint16_t counts[3], struct ans_xfr_request *r)
{
	unsigned total = (unsigned)counts[0] + counts[1] + counts[2];
	for (unsigned i = 0; i < total; i++) {
		struct rr_head h;
		if (read_rr(q, len, &pos, &h) != ANS_OK)
			return ANS_EMALF;
		r->has_tsig = false;   /* TSIG counts only as the very last RR */
		bool is_auth = i >= counts[0] && i < (unsigned)counts[0] + counts[1];
		if (is_auth && h.type == ANS_TYPE_SOA && ans_name_equal(h.owner, r->qname) &&
		    read_ixfr_soa(q, len, &h, r) != ANS_OK)
			return ANS_EMALF;
		if (!is_auth && h.type == ANS_TYPE_OPT) {
			if (r->has_edns || h.owner[0] != 0)
				return ANS_EMALF;   /* RFC 6891 §6.1.1 */
			r->has_edns = true;
			r->edns_do = (h.ttl & 0x8000u) != 0;
		}
		if (!is_auth && h.type == ANS_TYPE_TSIG)
			r->has_tsig = i + 1 == total;
	}
	return pos == len ? ANS_OK : ANS_EMALF;
}

int ans_xfr_request_parse(const uint8_t *q, size_t len, struct ans_xfr_request *r)
{
	memset(r, 0, sizeof(*r));
	struct ans_wire w = ans_wire_init((uint8_t *)q, len);
	r->id = ans_wire_read_u16(&w);
	r->flags = ans_wire_read_u16(&w);
	uint16_t qd = ans_wire_read_u16(&w), counts[3];
	for (int i = 0; i < 3; i++)
		counts[i] = ans_wire_read_u16(&w);
	if (w.err)
		return ANS_EMALF;
	if ((r->flags & FLAG_QR) || ((r->flags >> 11) & 0xf) != 0)
		return ANS_EINVAL;
	size_t pos = w.pos, nlen;
	if (qd != 1 || ans_name_parse(q, len, &pos, r->qname, &nlen) != ANS_OK)
		return ANS_EMALF;
	w.pos = pos;
	r->qtype = ans_wire_read_u16(&w);
	r->qclass = ans_wire_read_u16(&w);
	if (w.err || read_sections(q, len, w.pos, counts, r) != ANS_OK)
		return ANS_EMALF;
	if (r->qtype != ANS_TYPE_AXFR && r->qtype != ANS_TYPE_IXFR)
		return ANS_ETYPE;
	/* RFC 1995 §3: an IXFR query carries the client's SOA in authority. */
	if (r->qtype == ANS_TYPE_IXFR && !r->has_ixfr_serial)
		return ANS_EMALF;
	return ANS_OK;
}

int ans_xfr_request_write(uint8_t *buf, size_t size, size_t *len, uint16_t id,
			  const uint8_t *zone, uint16_t qtype, uint32_t serial)
{
	if (qtype != ANS_TYPE_AXFR && qtype != ANS_TYPE_IXFR)
		return ANS_EINVAL;
	struct ans_wire w = ans_wire_init(buf, size);
	struct ans_compr c;
	ans_compr_init(&c, buf);
	ans_wire_write_u16(&w, id);
	ans_wire_write_u16(&w, 0);
	ans_wire_write_u16(&w, 1);
	ans_wire_write_u16(&w, 0);
	ans_wire_write_u16(&w, qtype == ANS_TYPE_IXFR);
	ans_wire_write_u16(&w, 0);
	ans_name_write(&w, zone, &c);
	ans_wire_write_u16(&w, qtype);
	ans_wire_write_u16(&w, ANS_CLASS_IN);
	if (qtype == ANS_TYPE_IXFR) {
		ans_name_write(&w, zone, &c);
		ans_wire_write_u16(&w, ANS_TYPE_SOA);
		ans_wire_write_u16(&w, ANS_CLASS_IN);
		ans_wire_write_u32(&w, 0);
		ans_wire_write_u16(&w, 22);   /* two root names and five u32 */
		ans_wire_write_bytes(&w, "\0\0", 2);
		ans_wire_write_u32(&w, serial);
		ans_wire_write_bytes(&w, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	}
	if (w.err)
		return w.err;
	*len = w.pos;
	return ANS_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * Incoming transfers: the state machine over the answer RRs of a stream.
 *
 *   S_START ──SOA(new)──> S_FIRST ──IXFR and SOA(old)──> S_DEL <──┐
 *      │ (IXFR, serial not newer than ours: S_DONE, up to date)  │ │ SOA(new)
 *      │                    │ anything else (AXFR / AXFR-style)  │ v
 *      │                    v                                    │ S_ADD ──SOA == final──> S_DONE
 *      │                  S_AXFR ──SOA == first──> S_DONE        └──SOA(old of next)──┘
 *
 * S_FIRST exists because the kind of an IXFR answer is known only from its
 * second RR (RFC 1995 §4): an SOA with another serial opens a changeset,
 * anything else is the body of an AXFR-style answer. A message boundary
 * decides nothing: servers may put as little as one RR in each message.
 * Inside IXFR, each SOA is checked against the serial chain: a changeset's
 * old SOA must carry the previous new serial (the base's for the first),
 * and the stream ends with the first SOA's serial.
 *
 * AXFR records go straight into a zone builder; IXFR records into
 * changesets applied to the base at the end (apply.c). Nothing is published
 * before ans_xfr_in_finish() has built and checked the whole zone.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/wire.h"
#include "lib/wire/rdata.h"
#include "lib/xfr/serial.h"
#include "lib/xfr/xfr_in.h"
#include "lib/xfr/xfr_priv.h"
#include "lib/zone/check.h"

enum { S_START, S_FIRST, S_AXFR, S_DEL, S_ADD, S_DONE };

struct ans_xfr_in {
	struct ans_xfr_in_conf conf;
	uint8_t zone[ANS_NAME_MAX];
	int state;
	int err;                        /* sticky */
	uint8_t rcode;
	char reason[192];
	enum ans_xfr_in_kind kind;
	uint32_t final_serial;          /* serial of the first SOA */
	uint8_t first_soa[2 * ANS_NAME_MAX + 20];
	struct ans_xfr_rr first;        /* the first SOA, data in first_soa */
	struct ans_zone_builder *builder;
	struct ans_changeset **cs;
	size_t cs_count;
	size_t cs_cap;
	size_t msg_count;
	size_t rr_count;
	size_t byte_count;
	uint8_t rdata[ANS_RDATA_MAX];   /* scratch: one decompressed rdata */
};

__attribute__((format(printf, 3, 4)))
static int fail(struct ans_xfr_in *x, int code, const char *fmt, ...)
{
	if (x->err)
		return x->err;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->reason, sizeof(x->reason), fmt, ap);
	va_end(ap);
	x->err = code;
	ans_diag_report(x->conf.diag, ANS_DIAG_ERROR, NULL, 0, "transfer failed: %s", x->reason);
	return code;
}

int ans_xfr_in_new(struct ans_xfr_in **out, const struct ans_xfr_in_conf *conf)
{
	if (!conf->zone || (conf->qtype != ANS_TYPE_AXFR && conf->qtype != ANS_TYPE_IXFR) ||
	    (conf->qtype == ANS_TYPE_IXFR && !conf->base))
		return ANS_EINVAL;
	struct ans_xfr_in *x = calloc(1, sizeof(*x));
	if (!x)
		return ANS_ENOMEM;
	x->conf = *conf;
	ans_name_copy(x->zone, conf->zone);
	ans_name_lower(x->zone);
	x->conf.zone = x->zone;
	*out = x;
	return ANS_OK;
}

static void free_cs(struct ans_changeset **cs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ans_changeset_free(cs[i]);
	free(cs);
}

void ans_xfr_in_free(struct ans_xfr_in *x)
{
	if (!x)
		return;
	ans_zone_builder_free(x->builder);
	free_cs(x->cs, x->cs_count);
	free(x);
}

bool ans_xfr_in_is_done(const struct ans_xfr_in *x)
{
	return x->state == S_DONE && !x->err;
}

bool ans_xfr_in_is_single_soa(const struct ans_xfr_in *x)
{
	/* S_FIRST: the first SOA was newer than ours (else S_DONE). */
	return !x->err && x->conf.qtype == ANS_TYPE_IXFR && x->state == S_FIRST &&
	       x->msg_count == 1 && x->rr_count == 1;
}

const char *ans_xfr_in_reason(const struct ans_xfr_in *x)
{
	return x->reason;
}

uint8_t ans_xfr_in_rcode(const struct ans_xfr_in *x)
{
	return x->rcode;
}

static uint32_t rr_serial(const struct ans_xfr_rr *rr)
{
	return xfr_soa_serial(rr->rdata, rr->rdlen);
}

static int open_changeset(struct ans_xfr_in *x, const struct ans_xfr_rr *soa_from)
{
	if (x->cs_count == x->cs_cap) {
		size_t cap = x->cs_cap ? x->cs_cap * 2 : 8;
		struct ans_changeset **n = realloc(x->cs, cap * sizeof(*n));
		if (!n)
			return fail(x, ANS_ENOMEM, "out of memory");
		x->cs = n;
		x->cs_cap = cap;
	}
	if (ans_changeset_new(&x->cs[x->cs_count]) != ANS_OK)
		return fail(x, ANS_ENOMEM, "out of memory");
	x->cs_count++;
	if (ans_changeset_set_soa(x->cs[x->cs_count - 1], false, soa_from) != ANS_OK)
		return fail(x, ANS_ENOMEM, "out of memory");
	x->state = S_DEL;
	return ANS_OK;
}

static int axfr_add(struct ans_xfr_in *x, const struct ans_xfr_rr *rr)
{
	int rc = ans_zone_builder_add(x->builder, rr->owner, rr->type, rr->ttl, rr->rdata,
				      rr->rdlen, -1, 0);
	return rc ? fail(x, rc, "cannot add a record (%s)", ans_strerror(rc)) : ANS_OK;
}

static int start_axfr(struct ans_xfr_in *x)
{
	int rc = ans_zone_builder_new(&x->builder, x->zone);
	if (rc)
		return fail(x, rc, "out of memory");
	x->kind = ANS_XFR_IN_AXFR;
	x->state = S_AXFR;
	return axfr_add(x, &x->first);
}

static int on_start(struct ans_xfr_in *x, const struct ans_xfr_rr *rr)
{
	if (rr->type != ANS_TYPE_SOA || !ans_name_equal(rr->owner, x->zone))
		return fail(x, ANS_EMALF, "the answer does not start with the zone's SOA");
	size_t nlen = ans_name_len(x->zone);
	if ((size_t)rr->rdlen > sizeof(x->first_soa) - nlen)
		return fail(x, ANS_EMALF, "SOA rdata too long");
	memcpy(x->first_soa, x->zone, nlen);
	memcpy(x->first_soa + nlen, rr->rdata, rr->rdlen);
	x->first = *rr;
	x->first.owner = x->first_soa;
	x->first.rdata = x->first_soa + nlen;
	x->final_serial = rr_serial(rr);
	x->state = S_FIRST;
	/* RFC 1995 §4: an SOA not newer than ours alone means "up to date". */
	if (x->conf.qtype == ANS_TYPE_IXFR &&
	    ans_serial_cmp(x->final_serial, x->conf.base->serial) <= 0) {
		x->kind = ANS_XFR_IN_UP_TO_DATE;
		x->state = S_DONE;
	}
	return ANS_OK;
}

static int on_axfr(struct ans_xfr_in *x, const struct ans_xfr_rr *rr);

static int on_first(struct ans_xfr_in *x, const struct ans_xfr_rr *rr)
{
	bool is_soa = rr->type == ANS_TYPE_SOA && ans_name_equal(rr->owner, x->zone);
	if (x->conf.qtype == ANS_TYPE_IXFR && is_soa && rr_serial(rr) != x->final_serial) {
		if (rr_serial(rr) != x->conf.base->serial)
			return fail(x, ANS_EMALF, "IXFR starts at serial %u, ours is %u",
				    rr_serial(rr), x->conf.base->serial);
		x->kind = ANS_XFR_IN_IXFR;
		return open_changeset(x, rr);
	}
	int rc = start_axfr(x);
	return rc ? rc : on_axfr(x, rr);
}

static int on_axfr(struct ans_xfr_in *x, const struct ans_xfr_rr *rr)
{
	if (rr->type != ANS_TYPE_SOA)
		return axfr_add(x, rr);
	if (!ans_name_equal(rr->owner, x->zone))
		return fail(x, ANS_EMALF, "SOA record below the apex in the transfer");
	/* RFC 5936 §2.2: the last RR is the first SOA again. */
	if (rr_serial(rr) != x->final_serial)
		return fail(x, ANS_EMALF, "final SOA serial %u differs from the first (%u)",
			    rr_serial(rr), x->final_serial);
	x->state = S_DONE;
	return ANS_OK;
}

static int on_ixfr_soa(struct ans_xfr_in *x, const struct ans_xfr_rr *rr)
{
	struct ans_changeset *cs = x->cs[x->cs_count - 1];
	uint32_t s = rr_serial(rr);
	if (!ans_name_equal(rr->owner, x->zone))
		return fail(x, ANS_EMALF, "SOA record below the apex in the transfer");
	if (x->state == S_DEL) {
		if (ans_changeset_set_soa(cs, true, rr) != ANS_OK)
			return fail(x, ANS_ENOMEM, "out of memory");
		x->state = S_ADD;
		return ANS_OK;
	}
	uint32_t to = ans_changeset_serial_to(cs);
	if (s == x->final_serial && to == x->final_serial) {
		x->state = S_DONE;
		return ANS_OK;
	}
	if (s != to)
		return fail(x, ANS_EMALF, "IXFR serial mismatch: changeset ends at %u, next starts at %u",
			    to, s);
	return open_changeset(x, rr);
}

static int on_rr(struct ans_xfr_in *x, const struct ans_xfr_rr *rr)
{
	int rc;
	switch (x->state) {
	case S_START:
		return on_start(x, rr);
	case S_FIRST:
		return on_first(x, rr);
	case S_AXFR:
		return on_axfr(x, rr);
	case S_DEL:
	case S_ADD:
		if (rr->type == ANS_TYPE_SOA)
			return on_ixfr_soa(x, rr);
		rc = ans_changeset_add(x->cs[x->cs_count - 1],
				       x->state == S_DEL ? ANS_CS_REMOVE : ANS_CS_ADD, rr);
		return rc ? fail(x, rc, "out of memory") : ANS_OK;
	default:
		return fail(x, ANS_EMALF, "records after the final SOA");
	}
}

/* Reads one answer RR at *pos into rr (rdata decompressed into x->rdata). */
static int read_answer_rr(struct ans_xfr_in *x, const uint8_t *m, size_t len,
			  size_t *pos, uint8_t owner[ANS_NAME_MAX], struct ans_xfr_rr *rr)
{
	size_t nlen, rdlen;
	if (ans_name_parse(m, len, pos, owner, &nlen) != ANS_OK)
		return fail(x, ANS_EMALF, "bad owner name in answer record");
	struct ans_wire w = ans_wire_init((uint8_t *)m, len);
	w.pos = *pos;
	rr->owner = owner;
	rr->type = ans_wire_read_u16(&w);
	uint16_t rclass = ans_wire_read_u16(&w);
	rr->ttl = ans_wire_read_u32(&w);
	uint16_t rdl = ans_wire_read_u16(&w);
	ans_wire_skip(&w, rdl);
	if (w.err)
		return fail(x, ANS_EMALF, "answer record cut off");
	if (rclass != ANS_CLASS_IN || ans_rrtype_is_meta(rr->type))
		return fail(x, ANS_EMALF, "record of class %u type %u in a transfer", rclass, rr->type);
	if (ans_rdata_parse(m, len, w.pos - rdl, rdl, rr->type, x->rdata, sizeof(x->rdata),
			    &rdlen) != ANS_OK)
		return fail(x, ANS_EMALF, "bad rdata in a record of type %u", rr->type);
	rr->rdlen = (uint16_t)rdlen;
	rr->rdata = x->rdata;
	*pos = w.pos;
	return ANS_OK;
}

/* Steps over `n` RRs (authority, additional: OPT, TSIG) checking bounds. */
static int skip_rrs(const uint8_t *m, size_t len, size_t *pos, unsigned n)
{
	uint8_t name[ANS_NAME_MAX];
	size_t nlen;
	for (unsigned i = 0; i < n; i++) {
		if (ans_name_parse(m, len, pos, name, &nlen) != ANS_OK)
			return ANS_EMALF;
		struct ans_wire w = ans_wire_init((uint8_t *)m, len);
		w.pos = *pos;
		ans_wire_skip(&w, 8);
		ans_wire_skip(&w, ans_wire_read_u16(&w));
		if (w.err)
			return ANS_EMALF;
		*pos = w.pos;
	}
	return ANS_OK;
}

static int check_question(struct ans_xfr_in *x, const uint8_t *m, size_t len, size_t *pos)
{
	uint8_t qname[ANS_NAME_MAX];
	size_t nlen;
	if (ans_name_parse(m, len, pos, qname, &nlen) != ANS_OK || *pos + 4 > len)
		return fail(x, ANS_EMALF, "bad question section");
	uint16_t qtype = ans_get_u16(m + *pos), qclass = ans_get_u16(m + *pos + 2);
	*pos += 4;
	if (!ans_name_equal(qname, x->zone) || qtype != x->conf.qtype || qclass != ANS_CLASS_IN)
		return fail(x, ANS_EMALF, "the question of the answer is not ours");
	return ANS_OK;
}

static int check_header(struct ans_xfr_in *x, const uint8_t *m, size_t len)
{
	if (len < 12)
		return fail(x, ANS_EMALF, "message shorter than a header");
	uint16_t flags = ans_get_u16(m + 2);
	x->rcode = flags & 0xf;
	if (ans_get_u16(m) != x->conf.id)
		return fail(x, ANS_EMALF, "message ID %u, expected %u", ans_get_u16(m), x->conf.id);
	if (!(flags & 0x8000) || ((flags >> 11) & 0xf) != 0)
		return fail(x, ANS_EMALF, "not a response to a query");
	if (x->rcode)
		return fail(x, ANS_EIO, "the server answered rcode %u", x->rcode);
	if (flags & 0x0200)
		return fail(x, ANS_EMALF, "truncated answer (TC)");
	if (ans_get_u16(m + 4) > 1)
		return fail(x, ANS_EMALF, "more than one question");
	return ANS_OK;
}

static int count_message(struct ans_xfr_in *x, size_t len, unsigned an)
{
	x->msg_count++;
	x->byte_count += len;
	x->rr_count += an;
	if (x->conf.max_bytes && x->byte_count > x->conf.max_bytes)
		return fail(x, ANS_ELIMIT, "transfer larger than %zu bytes", x->conf.max_bytes);
	if (x->conf.max_rrs && x->rr_count > x->conf.max_rrs)
		return fail(x, ANS_ELIMIT, "transfer of more than %zu records", x->conf.max_rrs);
	if (an == 0 && x->msg_count == 1)
		return fail(x, ANS_EMALF, "empty answer");
	return ANS_OK;
}

int ans_xfr_in_feed(struct ans_xfr_in *x, const uint8_t *m, size_t len)
{
	if (x->err)
		return x->err;
	if (x->state == S_DONE)
		return fail(x, ANS_EMALF, "message after the final SOA");
	int rc = check_header(x, m, len);
	size_t pos = 12;
	unsigned an = rc ? 0 : ans_get_u16(m + 6);
	if (rc == ANS_OK && ans_get_u16(m + 4) == 1)
		rc = check_question(x, m, len, &pos);
	if (rc == ANS_OK)
		rc = count_message(x, len, an);
	for (unsigned i = 0; rc == ANS_OK && i < an; i++) {
		uint8_t owner[ANS_NAME_MAX];
		struct ans_xfr_rr rr;
		rc = read_answer_rr(x, m, len, &pos, owner, &rr);
		if (rc == ANS_OK)
			rc = on_rr(x, &rr);
	}
	if (rc == ANS_OK &&
	    (skip_rrs(m, len, &pos, (unsigned)ans_get_u16(m + 8) + ans_get_u16(m + 10)) ||
	     pos != len))
		rc = fail(x, ANS_EMALF, "bad authority or additional section");
	return rc;
}

static int finish_zone(struct ans_xfr_in *x, struct ans_zone **out)
{
	int rc;
	if (x->kind == ANS_XFR_IN_AXFR) {
		rc = ans_zone_builder_finish(x->builder, x->conf.diag, out);
		x->builder = NULL;
	} else {
		rc = ans_changeset_apply(x->conf.base, (const struct ans_changeset *const *)x->cs,
					 x->cs_count, x->conf.diag, out);
	}
	if (rc)
		return fail(x, rc, "the transferred changes do not apply (%s)", ans_strerror(rc));
	rc = ans_zone_check(*out, x->conf.diag);
	if (rc == ANS_OK && (*out)->serial != x->final_serial)
		rc = ANS_ESEMANTIC;
	if (rc) {
		ans_zone_free(*out);
		*out = NULL;
		return fail(x, rc, "the transferred zone fails its checks");
	}
	return ANS_OK;
}

int ans_xfr_in_finish(struct ans_xfr_in *x, struct ans_xfr_in_result *res)
{
	memset(res, 0, sizeof(*res));
	if (x->err)
		return x->err;
	if (x->state != S_DONE)
		return fail(x, ANS_EMALF, "the stream ended before its final SOA");
	res->kind = x->kind;
	res->serial = x->final_serial;
	res->msg_count = x->msg_count;
	res->rr_count = x->rr_count;
	res->byte_count = x->byte_count;
	if (x->kind == ANS_XFR_IN_UP_TO_DATE)
		return ANS_OK;
	int rc = finish_zone(x, &res->zone);
	if (rc) {
		memset(res, 0, sizeof(*res));
		return rc;
	}
	res->cs = x->cs;
	res->cs_count = x->cs_count;
	x->cs = NULL;
	x->cs_count = x->cs_cap = 0;
	return ANS_OK;
}

void ans_xfr_in_result_free(struct ans_xfr_in_result *res)
{
	ans_zone_free(res->zone);
	free_cs(res->cs, res->cs_count);
	memset(res, 0, sizeof(*res));
}

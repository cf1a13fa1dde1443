/* SPDX-License-Identifier: MIT */
/*
 * Rdata in wire form: checking stored rdata, parsing it out of messages,
 * writing it into messages, canonical comparison and the additional-section
 * target. Every function walks the type's descriptor (rdata_desc.c) with
 * rdf_span(), which is the one place that knows how long each field kind is
 * and whether its bytes are well formed; so whatever ans_rdata_parse()
 * accepts passes ans_rdata_check(), and the printer can trust both.
 *
 * Start reading at rdf_span(), then ans_rdata_check().
 */
#include <string.h>

#include "lib/wire/rdata.h"
#include "lib/wire/rdata_desc.h"

/* An uncompressed name inside stored rdata: labels of at most 63 bytes, no
 * compression pointers or extended label types, at most 255 bytes. */
static int name_span(const uint8_t *p, size_t avail)
{
	size_t pos = 0;
	for (;;) {
		if (pos >= avail || pos >= ANS_NAME_MAX)
			return ANS_EMALF;
		uint8_t len = p[pos];
		if (len > ANS_LABEL_MAX)
			return ANS_EMALF;
		pos += 1 + (size_t)len;
		if (len == 0)
			break;
	}
	if (pos > avail || pos > ANS_NAME_MAX)
		return ANS_EMALF;
	return (int)pos;
}

/* RFC 4034 §4.1.2 / RFC 5155 §3.2.1: windows in increasing order, each of
 * 1..32 bytes, with no trailing zero byte (BIND and Knot reject those). */
static int bitmap_check(const uint8_t *p, size_t len)
{
	int prev = -1;
	size_t pos = 0;
	while (pos < len) {
		if (len - pos < 2)
			return ANS_EMALF;
		uint8_t win = p[pos], blen = p[pos + 1];
		if ((int)win <= prev || blen == 0 || blen > 32 || len - pos - 2 < blen)
			return ANS_EMALF;
		if (p[pos + 1 + blen] == 0)
			return ANS_EMALF;
		prev = win;
		pos += 2 + (size_t)blen;
	}
	return ANS_OK;
}

/* RFC 1876: version 0, and size/precision as mantissa and exponent 0..9. */
static bool loc_check(const uint8_t *p)
{
	if (p[0] != 0)
		return false;
	for (int i = 1; i <= 3; i++)
		if ((p[i] >> 4) > 9 || (p[i] & 15) > 9)
			return false;
	return true;
}

static int string_span(const uint8_t *p, size_t avail)
{
	if (avail < 1 || avail - 1 < p[0])
		return ANS_EMALF;
	return 1 + p[0];
}

static int strings_span(const uint8_t *p, size_t avail)
{
	size_t pos = 0;
	do {
		int n = string_span(p + pos, avail - pos);
		if (n < 0)
			return n;
		pos += (size_t)n;
	} while (pos < avail);
	return (int)pos;
}

/* RFC 8659 §4.1: a non-empty tag of letters and digits. */
static int tag_span(const uint8_t *p, size_t avail)
{
	int n = string_span(p, avail);
	if (n < 0 || p[0] == 0)
		return ANS_EMALF;
	for (int i = 1; i < n; i++) {
		uint8_t c = p[i];
		if (!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
			return ANS_EMALF;
	}
	return n;
}

static int fixed_size(uint8_t kind)
{
	switch (kind) {
	case RDF_U8: case RDF_SECALG: return 1;
	case RDF_U16: case RDF_TYPE: case RDF_CERTTYPE: return 2;
	case RDF_U32: case RDF_TTL: case RDF_TIME: case RDF_A: return 4;
	case RDF_EUI48: return 6;
	case RDF_L64: case RDF_EUI64: return 8;
	case RDF_AAAA: case RDF_LOC: return 16;
	default: return 0;
	}
}

int rdf_span(uint8_t kind, const uint8_t *p, size_t avail)
{
	int fixed = fixed_size(kind);
	if (fixed) {
		if (avail < (size_t)fixed || (kind == RDF_LOC && !loc_check(p)))
			return ANS_EMALF;
		return fixed;
	}
	switch (kind) {
	case RDF_NAME: return name_span(p, avail);
	case RDF_STR: case RDF_HEX8: return string_span(p, avail);
	case RDF_STRS: return strings_span(p, avail);
	case RDF_TAG: return tag_span(p, avail);
	case RDF_B32:
		/* RFC 5155 §3.2: the hash is never empty. */
		if (avail < 1 || p[0] == 0)
			return ANS_EMALF;
		return string_span(p, avail);
	case RDF_BITMAP:
		return bitmap_check(p, avail) == ANS_OK ? (int)avail : ANS_EMALF;
	case RDF_SVCB:
		return svcb_params_check(p, avail) == ANS_OK ? (int)avail : ANS_EMALF;
	case RDF_QREST: case RDF_B64: case RDF_HEX:
		return (int)avail;
	default:
		return ANS_EMALF;
	}
}

static bool has_fields(const struct rdesc *d)
{
	return d && d->fields[0] != RDF_END;
}

int ans_rdata_check(uint16_t type, const uint8_t *rdata, size_t rdlen)
{
	const struct rdesc *d = rdesc_find(type);
	if (rdlen > ANS_RDATA_MAX)
		return ANS_EMALF;
	if (!has_fields(d))
		return ANS_OK;
	size_t pos = 0;
	for (const uint8_t *f = d->fields; *f != RDF_END; f++) {
		int n = rdf_span(*f, rdata + pos, rdlen - pos);
		if (n < 0)
			return ANS_EMALF;
		pos += (size_t)n;
	}
	return pos == rdlen ? ANS_OK : ANS_EMALF;
}

/* Field by field, names through ans_name_parse() (which follows only
 * backward pointers); every field must end inside the rdata. */
static int parse_fields(const struct rdesc *d, const uint8_t *msg,
			size_t msg_len, size_t pos, size_t end,
			struct ans_wire *out)
{
	for (const uint8_t *f = d->fields; *f != RDF_END; f++) {
		if (*f == RDF_NAME) {
			uint8_t name[ANS_NAME_MAX];
			size_t nlen;
			if (ans_name_parse(msg, msg_len, &pos, name, &nlen) != ANS_OK ||
			    pos > end)
				return ANS_EMALF;
			ans_wire_write_bytes(out, name, nlen);
			continue;
		}
		int n = rdf_span(*f, msg + pos, end - pos);
		if (n < 0)
			return ANS_EMALF;
		ans_wire_write_bytes(out, msg + pos, (size_t)n);
		pos += (size_t)n;
	}
	return pos == end ? out->err : ANS_EMALF;
}

int ans_rdata_parse(const uint8_t *msg, size_t msg_len, size_t pos,
		    uint16_t rdlen, uint16_t type, uint8_t *out,
		    size_t out_size, size_t *out_len)
{
	if (pos > msg_len || msg_len - pos < rdlen)
		return ANS_EMALF;
	const struct rdesc *d = rdesc_find(type);
	struct ans_wire w = ans_wire_init(out, out_size);
	if (has_fields(d) && (d->flags & RDD_COMPRESS)) {
		int ret = parse_fields(d, msg, msg_len, pos, pos + rdlen, &w);
		if (ret != ANS_OK)
			return ret;
	} else {
		ans_wire_write_bytes(&w, msg + pos, rdlen);
		if (w.err)
			return w.err;
	}
	/* Decompressed names may push stored rdata past 65535 bytes. */
	if (ans_rdata_check(type, out, w.pos) != ANS_OK)
		return ANS_EMALF;
	*out_len = w.pos;
	return ANS_OK;
}

int ans_rdata_write(struct ans_wire *w, uint16_t type, const uint8_t *rdata,
		    size_t rdlen, struct ans_compr *c)
{
	const struct rdesc *d = rdesc_find(type);
	size_t len_pos = w->pos;
	ans_wire_write_u16(w, 0);
	size_t rd_at = c ? (size_t)(w->base + w->pos - c->msg) : 0;   /* message offset */
	size_t pos = 0;
	if (c && has_fields(d) && (d->flags & RDD_WCOMP)) {
		for (const uint8_t *f = d->fields; *f != RDF_END && !w->err; f++) {
			int n = rdf_span(*f, rdata + pos, rdlen - pos);
			if (n < 0)
				break;  /* not stored rdata: the rest goes out as is */
			if (*f == RDF_NAME)
				ans_name_write(w, rdata + pos, c);
			else
				ans_wire_write_bytes(w, rdata + pos, (size_t)n);
			pos += (size_t)n;
		}
	}
	ans_wire_write_bytes(w, rdata + pos, rdlen - pos);
	if (w->err)
		return w->err;
	/* RFC 2782: the SRV target is written uncompressed, but later names
	 * may point at it, as Knot and BIND let them: its offset becomes a
	 * compression candidate (lib/answer/section.c does the same). */
	if (c && type == ANS_TYPE_SRV && rdlen > 6 && rdata[6] != 0 &&
	    rd_at + 6 < 0x4000 && c->count < ANS_COMPR_MAX)
		c->offs[c->count++] = (uint16_t)(rd_at + 6);
	size_t written = w->pos - len_pos - 2;
	if (written > ANS_RDATA_MAX) {
		w->err = ANS_ESPACE;
		return w->err;
	}
	ans_put_u16(w->base + len_pos, (uint16_t)written);
	return ANS_OK;
}

struct span {
	size_t off, len;
};

/* Where the names are in rdata of a type whose names are lowercased for the
 * canonical form; none for other types or rdata that does not parse. */
static unsigned name_regions(uint16_t type, const uint8_t *rdata, size_t rdlen,
			     struct span regions[RDD_MAX_FIELDS])
{
	const struct rdesc *d = rdesc_find(type);
	if (!has_fields(d) || !(d->flags & RDD_LOWER))
		return 0;
	unsigned count = 0;
	size_t pos = 0;
	for (const uint8_t *f = d->fields; *f != RDF_END; f++) {
		int n = rdf_span(*f, rdata + pos, rdlen - pos);
		if (n < 0)
			return 0;
		if (*f == RDF_NAME)
			regions[count++] = (struct span){ pos, (size_t)n };
		pos += (size_t)n;
	}
	return count;
}

static uint8_t canon_byte(const uint8_t *p, size_t i, const struct span *r,
			  unsigned nr)
{
	uint8_t c = p[i];
	for (unsigned k = 0; k < nr; k++)
		if (i >= r[k].off && i < r[k].off + r[k].len && c >= 'A' && c <= 'Z')
			return (uint8_t)(c + 32);
	return c;
}

/* RFC 4034 §6.3: rdata compared as left-justified octet strings of their
 * canonical form (§6.2: names lowercased for the listed types); lowering
 * keeps lengths, so we compare byte by byte without copying. */
int ans_rdata_cmp(uint16_t type, const uint8_t *a, size_t alen,
		  const uint8_t *b, size_t blen)
{
	struct span ra[RDD_MAX_FIELDS], rb[RDD_MAX_FIELDS];
	unsigned na = name_regions(type, a, alen, ra);
	unsigned nb = name_regions(type, b, blen, rb);
	size_t n = alen < blen ? alen : blen;
	for (size_t i = 0; i < n; i++) {
		uint8_t ca = canon_byte(a, i, ra, na), cb = canon_byte(b, i, rb, nb);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	if (alen == blen)
		return 0;
	return alen < blen ? -1 : 1;
}

const uint8_t *ans_rdata_target(uint16_t type, const uint8_t *rdata, size_t rdlen)
{
	size_t off;
	switch (type) {
	case ANS_TYPE_NS: case ANS_TYPE_CNAME: case ANS_TYPE_DNAME:
	case ANS_TYPE_PTR:
		off = 0;
		break;
	case ANS_TYPE_MX: off = 2; break;
	case ANS_TYPE_SRV: off = 6; break;
	default: return NULL;
	}
	if (rdlen <= off || name_span(rdata + off, rdlen - off) < 0)
		return NULL;
	return rdata + off;
}

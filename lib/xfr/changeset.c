/* SPDX-License-Identifier: MIT */
/*
 * Changesets in memory, their journal serialisation and journal selection.
 *
 * Journal entry layout (all integers big-endian, version 1):
 *
 *   offset  size  field
 *   0       4     magic "AXCS"
 *   4       1     version (1)
 *   5       3     zero
 *   8       4     entry length, this header and the CRC included
 *   12      4     number of removed RRs
 *   16      4     number of added RRs
 *   20      ...   soa_from, soa_to, removed RRs, added RRs; each RR is
 *                 owner (uncompressed wire name), type u16, ttl u32,
 *                 rdlen u16, rdata
 *   len-4   4     CRC-32 (IEEE 802.3) of bytes [0, len-4)
 *
 * The reader trusts nothing: every length is bounded by the cursor, every
 * name is checked label by label, every rdata against its type
 * (ans_rdata_check), the SOAs must be SOAs, and the CRC must match, so a
 * torn or bit-flipped entry is refused rather than half applied.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/base/wire.h"
#include "lib/wire/rdata.h"
#include "lib/xfr/changeset.h"
#include "lib/xfr/serial.h"
#include "lib/xfr/xfr_priv.h"

#define CS_MAGIC 0x41584353u
#define CS_HEADER 20u
#define CS_CRC 4u

int ans_changeset_new(struct ans_changeset **out)
{
	struct ans_changeset *cs = calloc(1, sizeof(*cs));
	if (!cs)
		return ANS_ENOMEM;
	ans_arena_init(&cs->arena, 0);
	*out = cs;
	return ANS_OK;
}

void ans_changeset_free(struct ans_changeset *cs)
{
	if (!cs)
		return;
	free(cs->removed.rr);
	free(cs->added.rr);
	ans_arena_free(&cs->arena);
	free(cs);
}

static int copy_rr(struct ans_changeset *cs, struct ans_xfr_rr *dst,
		   const struct ans_xfr_rr *src)
{
	size_t nlen = ans_name_len(src->owner);
	uint8_t *owner = ans_arena_alloc_bytes(&cs->arena, nlen + src->rdlen);
	if (!owner)
		return ANS_ENOMEM;
	memcpy(owner, src->owner, nlen);
	ans_name_lower(owner);
	if (src->rdlen)
		memcpy(owner + nlen, src->rdata, src->rdlen);
	*dst = *src;
	dst->owner = owner;
	dst->rdata = owner + nlen;
	return ANS_OK;
}

static int list_grow(struct ans_rr_list *l)
{
	if (l->count < l->cap)
		return ANS_OK;
	size_t cap = l->cap ? l->cap * 2 : 64;
	struct ans_xfr_rr *n = realloc(l->rr, cap * sizeof(*n));
	if (!n)
		return ANS_ENOMEM;
	l->rr = n;
	l->cap = cap;
	return ANS_OK;
}

int ans_changeset_add(struct ans_changeset *cs, enum ans_cs_part part,
		      const struct ans_xfr_rr *rr)
{
	struct ans_rr_list *l = part == ANS_CS_REMOVE ? &cs->removed : &cs->added;
	int rc = list_grow(l);
	if (rc)
		return rc;
	rc = copy_rr(cs, &l->rr[l->count], rr);
	if (rc)
		return rc;
	l->count++;
	return ANS_OK;
}

int ans_changeset_set_soa(struct ans_changeset *cs, bool is_to,
			  const struct ans_xfr_rr *soa)
{
	if (soa->type != ANS_TYPE_SOA || soa->rdlen < 22)
		return ANS_EINVAL;
	return copy_rr(cs, is_to ? &cs->soa_to : &cs->soa_from, soa);
}

uint32_t ans_changeset_serial_from(const struct ans_changeset *cs)
{
	return xfr_soa_serial(cs->soa_from.rdata, cs->soa_from.rdlen);
}

uint32_t ans_changeset_serial_to(const struct ans_changeset *cs)
{
	return xfr_soa_serial(cs->soa_to.rdata, cs->soa_to.rdlen);
}

/* CRC-32 (IEEE, reflected, polynomial 0xEDB88320), eight bytes a step
 * ("slicing-by-8"). A stored secondary copy is one entry of ~30 bytes per
 * record (30 MB for 1M records): bit by bit that was 0.3 s of the node's
 * CPU after each AXFR, this ~25 ms. The tables live on the stack and are
 * made per call (~2,000 steps, nothing next to one entry's bytes): lib/
 * keeps no global state. */
struct crc_tables {
	uint32_t t[8][256];
};

static void crc_tables_init(struct crc_tables *c)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t crc = i;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
		c->t[0][i] = crc;
	}
	for (int s = 1; s < 8; s++)
		for (int i = 0; i < 256; i++)
			c->t[s][i] = (c->t[s - 1][i] >> 8) ^ c->t[0][c->t[s - 1][i] & 0xff];
}

static uint32_t crc32_ieee(const uint8_t *p, size_t len)
{
	struct crc_tables c;
	crc_tables_init(&c);
	uint32_t crc = 0xffffffffu;
	for (; len >= 8; p += 8, len -= 8) {
		/* Little-endian load built by hand: the same on every host. */
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
				     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
		crc = c.t[7][lo & 0xff] ^ c.t[6][lo >> 8 & 0xff] ^
		      c.t[5][lo >> 16 & 0xff] ^ c.t[4][lo >> 24] ^
		      c.t[3][p[4]] ^ c.t[2][p[5]] ^ c.t[1][p[6]] ^ c.t[0][p[7]];
	}
	for (; len > 0; p++, len--)
		crc = (crc >> 8) ^ c.t[0][(crc ^ *p) & 0xff];
	return ~crc;
}

static size_t rr_size(const struct ans_xfr_rr *rr)
{
	return ans_name_len(rr->owner) + 8 + rr->rdlen;
}

size_t ans_changeset_size(const struct ans_changeset *cs)
{
	size_t n = CS_HEADER + CS_CRC + rr_size(&cs->soa_from) + rr_size(&cs->soa_to);
	for (size_t i = 0; i < cs->removed.count; i++)
		n += rr_size(&cs->removed.rr[i]);
	for (size_t i = 0; i < cs->added.count; i++)
		n += rr_size(&cs->added.rr[i]);
	return n;
}

static void put_rr(struct ans_wire *w, const struct ans_xfr_rr *rr)
{
	ans_wire_write_bytes(w, rr->owner, ans_name_len(rr->owner));
	ans_wire_write_u16(w, rr->type);
	ans_wire_write_u32(w, rr->ttl);
	ans_wire_write_u16(w, rr->rdlen);
	ans_wire_write_bytes(w, rr->rdata, rr->rdlen);
}

/* Whether a list holds a SOA: the reader refuses one there (SOAs live only
 * in soa_from/soa_to), so the writer must not produce it. */
static bool has_soa(const struct ans_rr_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->rr[i].type == ANS_TYPE_SOA)
			return true;
	return false;
}

int ans_changeset_write(const struct ans_changeset *cs, uint8_t *buf,
			size_t size, size_t *len)
{
	if (!cs->soa_from.owner || !cs->soa_to.owner ||
	    has_soa(&cs->removed) || has_soa(&cs->added))
		return ANS_EINVAL;
	size_t total = ans_changeset_size(cs);
	if (total > UINT32_MAX)
		return ANS_ELIMIT;
	struct ans_wire w = ans_wire_init(buf, size);
	ans_wire_write_u32(&w, CS_MAGIC);
	ans_wire_write_u8(&w, ANS_CHANGESET_VERSION);
	ans_wire_write_bytes(&w, "\0\0\0", 3);
	ans_wire_write_u32(&w, (uint32_t)total);
	ans_wire_write_u32(&w, (uint32_t)cs->removed.count);
	ans_wire_write_u32(&w, (uint32_t)cs->added.count);
	put_rr(&w, &cs->soa_from);
	put_rr(&w, &cs->soa_to);
	for (size_t i = 0; i < cs->removed.count; i++)
		put_rr(&w, &cs->removed.rr[i]);
	for (size_t i = 0; i < cs->added.count; i++)
		put_rr(&w, &cs->added.rr[i]);
	if (!w.err)
		ans_wire_write_u32(&w, crc32_ieee(buf, w.pos));
	if (w.err)
		return w.err;
	*len = w.pos;
	return ANS_OK;
}

/* Checks an uncompressed wire name at the cursor and steps over it. */
static const uint8_t *get_name(struct ans_wire *w)
{
	size_t start = w->pos, total = 0;
	for (;;) {
		uint8_t l = ans_wire_read_u8(w);
		if (w->err)
			return NULL;
		total += 1u + l;
		if (l > ANS_LABEL_MAX || total > ANS_NAME_MAX) {
			w->err = ANS_EMALF;
			return NULL;
		}
		if (l == 0)
			return w->base + start;
		ans_wire_skip(w, l);
	}
}

static int get_rr(struct ans_wire *w, struct ans_xfr_rr *rr)
{
	rr->owner = get_name(w);
	rr->type = ans_wire_read_u16(w);
	rr->ttl = ans_wire_read_u32(w);
	rr->rdlen = ans_wire_read_u16(w);
	rr->rdata = w->base + w->pos;
	ans_wire_skip(w, rr->rdlen);
	if (w->err)
		return ANS_EMALF;
	if (ans_rrtype_is_meta(rr->type) ||
	    ans_rdata_check(rr->type, rr->rdata, rr->rdlen) != ANS_OK)
		return ANS_EMALF;
	return ANS_OK;
}

static int read_part(struct ans_wire *w, struct ans_changeset *cs,
		     enum ans_cs_part part, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		struct ans_xfr_rr rr;
		int rc = get_rr(w, &rr);
		if (rc == ANS_OK && rr.type == ANS_TYPE_SOA)
			rc = ANS_EMALF;   /* SOAs live only in soa_from/soa_to */
		if (rc == ANS_OK)
			rc = ans_changeset_add(cs, part, &rr);
		if (rc)
			return rc;
	}
	return ANS_OK;
}

static int read_body(struct ans_wire *w, struct ans_changeset *cs,
		     uint32_t nrem, uint32_t nadd)
{
	struct ans_xfr_rr from, to;
	int rc = get_rr(w, &from);
	if (rc == ANS_OK)
		rc = get_rr(w, &to);
	if (rc == ANS_OK && (from.type != ANS_TYPE_SOA || to.type != ANS_TYPE_SOA))
		rc = ANS_EMALF;
	if (rc == ANS_OK)
		rc = ans_changeset_set_soa(cs, false, &from);
	if (rc == ANS_OK)
		rc = ans_changeset_set_soa(cs, true, &to);
	if (rc == ANS_EINVAL)
		rc = ANS_EMALF;
	if (rc == ANS_OK)
		rc = read_part(w, cs, ANS_CS_REMOVE, nrem);
	if (rc == ANS_OK)
		rc = read_part(w, cs, ANS_CS_ADD, nadd);
	if (rc == ANS_OK && w->pos != w->len)
		rc = ANS_EMALF;   /* trailing bytes inside the entry */
	return rc;
}

int ans_changeset_read(const uint8_t *buf, size_t len, struct ans_changeset **out)
{
	if (len < CS_HEADER + CS_CRC)
		return ANS_EMALF;
	struct ans_wire w = ans_wire_init((uint8_t *)buf, len - CS_CRC);
	uint32_t magic = ans_wire_read_u32(&w);
	uint8_t version = ans_wire_read_u8(&w);
	ans_wire_skip(&w, 3);
	uint32_t total = ans_wire_read_u32(&w);
	uint32_t nrem = ans_wire_read_u32(&w);
	uint32_t nadd = ans_wire_read_u32(&w);
	if (w.err || magic != CS_MAGIC || version != ANS_CHANGESET_VERSION ||
	    total != len || crc32_ieee(buf, len - CS_CRC) != ans_get_u32(buf + len - CS_CRC))
		return ANS_EMALF;
	struct ans_changeset *cs;
	int rc = ans_changeset_new(&cs);
	if (rc)
		return rc;
	rc = read_body(&w, cs, nrem, nadd);
	if (rc) {
		ans_changeset_free(cs);
		return rc;
	}
	*out = cs;
	return ANS_OK;
}

int ans_journal_select(const struct ans_changeset *const *chain, size_t n,
		       uint32_t serial, size_t *first, size_t *count)
{
	*first = n;
	*count = 0;
	if (n == 0)
		return ANS_ENOENT;
	/* RFC 1995 §4: a client at (or beyond) our serial gets just the SOA. */
	if (ans_serial_cmp(serial, ans_changeset_serial_to(chain[n - 1])) >= 0)
		return ANS_OK;
	size_t i = n;
	while (i > 0 && ans_changeset_serial_from(chain[i - 1]) != serial)
		i--;
	if (i == 0)
		return ANS_ENOENT;
	for (size_t k = i - 1; k + 1 < n; k++)
		if (ans_changeset_serial_to(chain[k]) != ans_changeset_serial_from(chain[k + 1]))
			return ANS_EMALF;
	*first = i - 1;
	*count = n - (i - 1);
	return ANS_OK;
}

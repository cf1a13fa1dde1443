/* SPDX-License-Identifier: MIT */
/*
 * DOC: name compression for big messages (RFC 1035 §4.1.4, RFC 5936 §2.2)
 *
 * compr.c searches the names of a message one by one: right for a response
 * of a handful of names, quadratic for a zone-transfer message of hundreds
 * (it was ~15,000 instructions per record in an AXFR, issue 6). Here every
 * suffix written so far has a slot in an open-addressing hash table:
 *
 *   hash(suffix) -> tag (16 bits) | message offset of the suffix (16 bits)
 *
 * A suffix's hash is built label by label from the root, so all the
 * suffixes of a name cost one pass over its bytes. To write a name we probe
 * its suffixes longest first; the first one found is the longest in the
 * message (a suffix is recorded together with all of its own suffixes: they
 * were written inline or found before). Only the labels written inline add
 * slots.
 *
 * A slot is a hint, never trusted: the offset is checked by comparing the
 * bytes written there (following our own backward pointers) with the
 * suffix. So a tag collision, or a slot left behind when the caller drops a
 * record by moving the cursor back, costs a comparison, not a wrong name.
 * Matching ignores the case of ASCII letters, as in compr.c: suffixes are
 * hashed lowercased and compared letter case aside, while the bytes on the
 * wire keep the case they were written with (the question's included).
 *
 * Only offsets below 0x4000 fit in a pointer; past that nothing is
 * recorded. The table is filled to 3/4 at most, then stops recording (a
 * 16 KiB message holds ~1,000 suffixes; the limit only matters for
 * messages of tiny names).
 */
#include "lib/name/name.h"

#include <string.h>

#define PTR_LIMIT 0x4000
#define SLOT_MASK (ANS_COMPR_MAP_SLOTS - 1)
#define FILL_MAX (ANS_COMPR_MAP_SLOTS / 4 * 3)

void ans_compr_map_init(struct ans_compr_map *m, const uint8_t *msg)
{
	m->msg = msg;
	m->used = 0;
	memset(m->slot, 0, sizeof(m->slot));
}

/* A byte with an ASCII capital lowercased (RFC 4343 §3: only A-Z fold). */
static inline uint8_t fold(uint8_t c)
{
	return (uint8_t)(c + (((unsigned)(c - 'A') < 26u) << 5));
}

/* FNV-1a over a label, length byte included (so "a.bc" != "ab.c"); the
 * caller hands a lowercased copy, so names differing only in case share a
 * slot chain. */
static uint64_t mix_label(uint64_t h, const uint8_t *label)
{
	for (unsigned i = 0; i <= label[0]; i++)
		h = (h ^ label[i]) * 0x100000001b3ull;
	return h;
}

/* n bytes equal letter case aside; the exact compare first (zone data is
 * mostly of one case). */
static bool bytes_same(const uint8_t *a, const uint8_t *b, size_t n)
{
	if (memcmp(a, b, n) == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (fold(a[i]) != fold(b[i]))
			return false;
	return true;
}

/* FNV's low bits are weak: fold and multiply before taking index and tag. */
static uint64_t finish(uint64_t h)
{
	return (h ^ h >> 32) * 0x9e3779b97f4a7c15ull;
}

static unsigned slot_index(uint64_t f)
{
	return (unsigned)(f >> 52) & SLOT_MASK;
}

static uint32_t slot_tag(uint64_t f)
{
	return (uint32_t)(f >> 16) & 0xffff0000u;
}

/* True when the name written at p (before `end`, pointers followed
 * backwards only) has the labels of the uncompressed suffix s, letter case
 * aside. */
static bool written_equal(const uint8_t *msg, size_t p, size_t end, const uint8_t *s)
{
	unsigned jumps = 0;
	for (;;) {
		if (p >= end)
			return false;
		uint8_t len = msg[p];
		if ((len & 0xC0) == 0xC0) {
			if (p + 1 >= end || ++jumps > ANS_NAME_MAX_LABELS)
				return false;
			size_t to = (size_t)(len & 0x3F) << 8 | msg[p + 1];
			if (to >= p)
				return false;
			p = to;
			continue;
		}
		/* s holds labels of at most 63 bytes: 0x40/0x80 types differ. */
		if (len != s[0])
			return false;
		if (!len)
			return true;
		if (p + 1u + len > end || !bytes_same(msg + p + 1, s + 1, len))
			return false;
		p += len + 1u;
		s += len + 1u;
	}
}

/* Offset of the suffix s in the message, or 0 when not recorded. */
static uint16_t find(const struct ans_compr_map *m, uint64_t f, const uint8_t *s,
		     size_t end)
{
	uint32_t tag = slot_tag(f);
	for (unsigned i = slot_index(f);; i = (i + 1) & SLOT_MASK) {
		uint32_t v = m->slot[i];
		if (!v)
			return 0;
		if ((v & 0xffff0000u) == tag && written_equal(m->msg, v & 0xffff, end, s))
			return (uint16_t)(v & 0xffff);
	}
}

static void record(struct ans_compr_map *m, uint64_t f, size_t off)
{
	if (off >= PTR_LIMIT || m->used >= FILL_MAX)
		return;
	unsigned i = slot_index(f);
	while (m->slot[i])
		i = (i + 1) & SLOT_MASK;
	m->slot[i] = slot_tag(f) | (uint32_t)off;
	m->used++;
}

int ans_name_write_map(struct ans_wire *w, const uint8_t *name,
		       struct ans_compr_map *m)
{
	if (w->err)
		return w->err;
	uint8_t no[ANS_NAME_MAX_LABELS], lower[ANS_NAME_MAX];
	unsigned nn = ans_name_label_offsets(name, no);
	/* Lowercased once, eight bytes at a time (name_fast.c): folding
	 * byte by byte inside the hash loop cost a quarter more per name. */
	ans_name_fold_copy(lower, name, ans_name_len(name));
	uint64_t h[ANS_NAME_MAX_LABELS + 1];
	h[nn] = 0xcbf29ce484222325ull;
	for (unsigned i = nn; i-- > 0;)
		h[i] = mix_label(h[i + 1], lower + no[i]);
	size_t start = (size_t)(w->base + w->pos - m->msg);
	unsigned inline_labels = 0;
	uint16_t ptr = 0;
	for (; inline_labels < nn; inline_labels++) {
		ptr = find(m, finish(h[inline_labels]), lower + no[inline_labels], start);
		if (ptr)
			break;
	}
	size_t inline_bytes = inline_labels < nn ? no[inline_labels] :
			      ans_name_len(name) - 1;
	ans_wire_write_bytes(w, name, inline_bytes);
	if (ptr)
		ans_wire_write_u16(w, (uint16_t)(0xC000 | ptr));
	else
		ans_wire_write_u8(w, 0);
	if (w->err)
		return w->err;
	for (unsigned i = 0; i < inline_labels; i++)
		record(m, finish(h[i]), start + no[i]);
	return ANS_OK;
}

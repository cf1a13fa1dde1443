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
 * A zone transfer writes a node's owner once per RR, often with an NS or
 * MX target between: the map remembers the last two names by the caller's
 * pointer and where each can be pointed at whole, and a name written again
 * is that pointer after the same check as a slot, skipping the fold, the
 * hashing and the probes (round 12b of doc/performance.md).
 *
 * Only offsets below 0x4000 fit in a pointer; past that nothing is
 * recorded. The table is filled to 3/4 at most, then stops recording (a
 * 16 KiB message holds ~1,000 suffixes; the limit only matters for
 * messages of tiny names).
 */
#include "lib/name/name.h"

#include <string.h>

#include "lib/base/load.h"

#define PTR_LIMIT 0x4000
#define SLOT_MASK (ANS_COMPR_MAP_SLOTS - 1)
#define FILL_MAX (ANS_COMPR_MAP_SLOTS / 4 * 3)

void ans_compr_map_init(struct ans_compr_map *m, const uint8_t *msg)
{
	m->msg = msg;
	m->used = 0;
	memset(m->slot, 0, sizeof(m->slot));
	memset(m->last_name, 0, sizeof(m->last_name));
	memset(m->last_off, 0, sizeof(m->last_off));
	m->last_next = 0;
}

/* A byte with an ASCII capital lowercased (RFC 4343 §3: only A-Z fold). */
static inline uint8_t fold(uint8_t c)
{
	return (uint8_t)(c + (((unsigned)(c - 'A') < 26u) << 5));
}

/* Two labels of the same length byte are the same bytes: words read only
 * inside them (whole words and an overlapping last one, or two
 * overlapping halves), as name_fast.c hashes them. A memcmp() call per
 * label cost more than the compare (labels are a few bytes). */
static inline bool label_exact(const uint8_t *a, const uint8_t *b)
{
	size_t n = (size_t)a[0] + 1;
	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8)
			if (ans_load64(a + i) != ans_load64(b + i))
				return false;
		return ans_load64(a + n - 8) == ans_load64(b + n - 8);
	}
	if (n >= 4)
		return ans_load32(a) == ans_load32(b) && ans_load32(a + n - 4) == ans_load32(b + n - 4);
	return a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1];
}

/* Labels of the same length byte, letter case aside; the exact compare
 * first (zone data is mostly of one case). */
static bool label_same(const uint8_t *a, const uint8_t *b)
{
	if (label_exact(a, b))
		return true;
	for (unsigned i = 1; i <= a[0]; i++)
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
	while (p < end) {
		uint8_t len = msg[p];
		/* s holds labels of at most 63 bytes, so an equal length byte
		 * is a label (or the root), never a pointer: the common case
		 * is tested first. */
		if (len == s[0]) {
			if (!len)
				return true;
			if (p + 1u + len > end || !label_same(msg + p, s))
				return false;
			p += len + 1u;
			s += len + 1u;
			continue;
		}
		if ((len & 0xC0) != 0xC0 || p + 1 >= end || ++jumps > ANS_NAME_MAX_LABELS)
			return false;
		size_t to = (size_t)(len & 0x3F) << 8 | msg[p + 1];
		if (to >= p)
			return false;
		p = to;
	}
	return false;
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

static bool record(struct ans_compr_map *m, uint64_t f, size_t off)
{
	if (off >= PTR_LIMIT || m->used >= FILL_MAX)
		return false;
	unsigned i = slot_index(f);
	while (m->slot[i])
		i = (i + 1) & SLOT_MASK;
	m->slot[i] = slot_tag(f) | (uint32_t)off;
	m->used++;
	return true;
}

/* The name written again where the map last put it whole. The answer is
 * the one the probes would give: a suffix is recorded only when no slot
 * held it (it was not found), so each suffix has at most one slot whose
 * bytes match, and last_off is that one for this name. Checked like any
 * slot, so a caller that changed the bytes behind its pointer or moved the
 * cursor back gets the probes instead. */
static bool write_repeat(struct ans_wire *w, const uint8_t *name,
			 struct ans_compr_map *m, size_t start)
{
	unsigned i = name == m->last_name[0] ? 0 : name == m->last_name[1] ? 1 : 2;
	if (i == 2 || !m->last_off[i] ||
	    !written_equal(m->msg, m->last_off[i], start, name))
		return false;
	ans_wire_write_u16(w, (uint16_t)(0xC000 | m->last_off[i]));
	m->last_next = (uint8_t)(i ^ 1u);   /* keep this one, the other goes */
	return true;
}

/* Remembers where the whole of `name` can be pointed at (0: nowhere). */
static void remember(struct ans_compr_map *m, const uint8_t *name, uint16_t off)
{
	m->last_name[m->last_next] = name;
	m->last_off[m->last_next] = off;
	m->last_next ^= 1u;
}

/* The suffix states of a name's labels (h[nn] is the root's) from a
 * lowercased copy, so names differing only in case share a slot chain. */
static void suffix_states(const uint8_t *lower, const uint8_t *no, unsigned nn,
			  uint64_t *h)
{
	h[nn] = ANS_NAME_SHASH_ROOT;
	for (unsigned i = nn; i-- > 0;)
		h[i] = ans_name_shash_step(h[i + 1], lower + no[i]);
}

int ans_name_write_map(struct ans_wire *w, const uint8_t *name,
		       struct ans_compr_map *m)
{
	if (w->err)
		return w->err;
	size_t start = (size_t)(w->base + w->pos - m->msg);
	if (write_repeat(w, name, m, start))
		return w->err;
	uint8_t no[ANS_NAME_MAX_LABELS], lower[ANS_NAME_MAX];
	unsigned nn = ans_name_label_offsets(name, no);
	size_t name_len = nn ? no[nn - 1] + name[no[nn - 1]] + 2u : 1u;
	/* Lowercased once, sixteen bytes at a time (name_fast.c), then
	 * hashed a word per label: folding and hashing byte by byte cost
	 * twice as much per name. */
	ans_name_fold_copy(lower, name, name_len);
	uint64_t h[ANS_NAME_MAX_LABELS + 1];
	suffix_states(lower, no, nn, h);
	unsigned inline_labels = 0;
	uint16_t ptr = 0;
	for (; inline_labels < nn; inline_labels++) {
		ptr = find(m, finish(h[inline_labels]), lower + no[inline_labels], start);
		if (ptr)
			break;
	}
	size_t inline_bytes = inline_labels < nn ? no[inline_labels] : name_len - 1;
	ans_wire_write_bytes(w, name, inline_bytes);
	if (ptr)
		ans_wire_write_u16(w, (uint16_t)(0xC000 | ptr));
	else
		ans_wire_write_u8(w, 0);
	if (w->err)
		return w->err;
	uint16_t whole = inline_labels ? 0 : ptr;
	for (unsigned i = 0; i < inline_labels; i++)
		if (record(m, finish(h[i]), start + no[i]) && i == 0)
			whole = (uint16_t)start;
	remember(m, name, whole);
	return ANS_OK;
}

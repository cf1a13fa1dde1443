/* SPDX-License-Identifier: MIT */
/*
 * DOC: name compression when writing messages (RFC 1035 §4.1.4)
 *
 * The table (struct ans_compr, in the caller's memory) holds the message
 * offsets of the names written so far. To write a name we look for the
 * longest suffix of it already present in the message: for each recorded
 * name we list the message positions of its labels, following the pointers
 * it was itself written with, and match labels from the root leftwards. So
 * a recorded "www.example.com" (written as "www" + pointer to "example.com"
 * in the question) also offers "example.com" and "com".
 *
 * Matching ignores the case of ASCII letters (names compare so, RFC 4343
 * §2; Knot, BIND and NSD compress so): the zone's "ns1.example.com" may point at the
 * "Example.COM" of a 0x20-randomised question (draft-vixie-dnsext-dns0x20).
 * Names are compared, never rewritten: the question keeps the case it was
 * sent with (the resolver checks it), and a name written inline keeps its
 * own. Exact-match labels cost what they did (a word compare); labels that
 * differ only in bit 0x20 get a byte check, rare outside 0x20 queries.
 *
 * Only offsets below 0x4000 fit in a pointer. Names written past that are
 * not recorded and no pointer aims there.
 *
 * Cost: at most ANS_COMPR_MAX recorded names × labels per name, all on the
 * stack, no allocation; most candidates fail on their last label.
 */
#include "lib/name/name.h"

#include <string.h>

#include "lib/base/load.h"

#define PTR_LIMIT 0x4000

void ans_compr_init(struct ans_compr *c, const uint8_t *msg)
{
	c->msg = msg;
	c->count = 0;
}

/* Lists the message positions of the labels of the name written at `off`,
 * following its pointers. The bytes are our own output, whose pointers
 * always point backwards; the bounds on labels and jumps only guard against
 * a caller that recorded something else. */
static unsigned written_labels(const uint8_t *msg, size_t off,
			       uint16_t pos[ANS_NAME_MAX_LABELS])
{
	unsigned n = 0, jumps = 0;
	size_t p = off;
	while (n < ANS_NAME_MAX_LABELS && jumps < ANS_NAME_MAX_LABELS) {
		uint8_t len = msg[p];
		if ((len & 0xC0) == 0xC0) {
			p = (size_t)(len & 0x3F) << 8 | msg[p + 1];
			jumps++;
			continue;
		}
		if (!len)
			break;
		pos[n++] = (uint16_t)p;
		p += (size_t)len + 1;
	}
	return n;
}

/* Bit 0x20 of every byte: the only bit by which two cases of a letter
 * differ. */
#define CASE_BITS 0x2020202020202020ull

/* Labels of the same length whose bytes differ at most in bit 0x20: the
 * same when each differing byte is a letter (RFC 4343 §3: only A-Z/a-z
 * fold; 0x40 '@' and 0x60 '`', 0x5B '[' and 0x7B '{' do not). Out of line:
 * reached only by labels that really differ in case. */
static __attribute__((noinline)) bool label_same_folded(const uint8_t *a,
							const uint8_t *b)
{
	for (unsigned i = 1; i <= a[0]; i++) {
		if (a[i] == b[i])
			continue;
		uint8_t lower = a[i] | 0x20;
		if ((a[i] ^ b[i]) != 0x20 || lower < 'a' || lower > 'z')
			return false;
	}
	return true;
}

/* Two labels (length byte first), letter case ignored, reading only inside
 * them: whole words, an overlapping last word, or two overlapping halves,
 * as name_fast.c hashes them. A memcmp() call per label cost more than the
 * compare itself (labels are a few bytes); a byte loop cost more still.
 * The XOR of the words is 0 for equal bytes; any bit but 0x20 set is a
 * difference no case can explain, so most labels that differ are refused
 * as fast as before. */
static inline bool label_same(const uint8_t *a, const uint8_t *b)
{
	if (a[0] != b[0])
		return false;
	size_t n = (size_t)a[0] + 1;
	uint64_t d;
	if (n >= 8) {
		d = 0;
		for (size_t i = 0; i + 8 < n; i += 8) {
			uint64_t x = ans_load64(a + i) ^ ans_load64(b + i);
			if (x & ~CASE_BITS)
				return false;
			d |= x;
		}
		d |= ans_load64(a + n - 8) ^ ans_load64(b + n - 8);
	} else if (n >= 4) {
		d = (ans_load32(a) ^ ans_load32(b)) | (ans_load32(a + n - 4) ^ ans_load32(b + n - 4));
	} else {
		d = (uint64_t)(a[n / 2] ^ b[n / 2]) | (a[n - 1] ^ b[n - 1]);
	}
	if (!d)
		return true;
	return !(d & ~CASE_BITS) && label_same_folded(a, b);
}

struct match {
	unsigned labels;   /* how many labels of the name, from the root */
	uint16_t pos;      /* message offset of the matched suffix */
};

/* Extends `best` with the longest suffix shared by the name (labels at
 * `no`, nn of them) and the name written at `off`. */
static void match_one(const uint8_t *msg, size_t off, const uint8_t *name,
		      const uint8_t *no, unsigned nn, struct match *best)
{
	uint16_t wpos[ANS_NAME_MAX_LABELS];
	unsigned wn = written_labels(msg, off, wpos);
	unsigned m = 0;
	while (m < nn && m < wn) {
		const uint8_t *a = name + no[nn - 1 - m];
		const uint8_t *b = msg + wpos[wn - 1 - m];
		if (!label_same(a, b))
			return;
		m++;
		if (m > best->labels && wpos[wn - m] < PTR_LIMIT) {
			best->labels = m;
			best->pos = wpos[wn - m];
		}
	}
}

static struct match find_suffix(const struct ans_compr *c, const uint8_t *name,
				 const uint8_t *no, unsigned nn)
{
	struct match best = { 0, 0 };
	for (unsigned i = 0; i < c->count && best.labels < nn; i++)
		match_one(c->msg, c->offs[i], name, no, nn, &best);
	return best;
}

int ans_name_write(struct ans_wire *w, const uint8_t *name, struct ans_compr *c)
{
	if (w->err)
		return w->err;
	if (!c) {
		ans_wire_write_bytes(w, name, ans_name_len(name));
		return w->err;
	}
	size_t start = (size_t)(w->base + w->pos - c->msg);
	if (c->count == 0) {
		/* Nothing to match yet (the question of every response):
		 * the name goes out whole, skipping the label walk. */
		ans_wire_write_bytes(w, name, ans_name_len(name));
		if (w->err)
			return w->err;
		if (name[0] && start < PTR_LIMIT)
			c->offs[c->count++] = (uint16_t)start;
		return ANS_OK;
	}
	uint8_t no[ANS_NAME_MAX_LABELS];
	unsigned nn = ans_name_label_offsets(name, no);
	struct match m = find_suffix(c, name, no, nn);
	unsigned inline_labels = nn - m.labels;
	size_t inline_bytes = inline_labels ? no[inline_labels - 1] +
				name[no[inline_labels - 1]] + 1u : 0;

	ans_wire_write_bytes(w, name, inline_bytes);
	if (m.labels)
		ans_wire_write_u16(w, (uint16_t)(0xC000 | m.pos));
	else
		ans_wire_write_u8(w, 0);
	if (w->err)
		return w->err;
	/* A name written as a bare pointer adds no new suffix to offer. */
	if (inline_labels && start < PTR_LIMIT && c->count < ANS_COMPR_MAX)
		c->offs[c->count++] = (uint16_t)start;
	return ANS_OK;
}

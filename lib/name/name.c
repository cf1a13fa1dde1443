/* SPDX-License-Identifier: MIT */
/*
 * DOC: domain names in wire form
 *
 * Every name handled here is an uncompressed wire name: length-prefixed
 * labels ending with the zero-length root label, at most 255 bytes, each
 * label at most 63 bytes (RFC 1035 §2.3.4). Only ans_name_parse() reads
 * untrusted bytes; every other function trusts that its argument is such a
 * valid name, as produced by ans_name_parse() or ans_name_from_text().
 *
 * Case: ASCII letters compare equal regardless of case (RFC 4343). Label
 * length bytes are at most 63, below 'A', so lowercasing a whole wire name
 * byte by byte never changes a length byte. That lets equality and hashing
 * run over the raw bytes without walking labels.
 *
 * Canonical order (RFC 4034 §6.1) compares labels from the root outwards,
 * so ans_name_cmp() first records label offsets of both names on the stack.
 *
 * Where to read: ans_name_parse() for the security rules on compression
 * pointers; name_text.c for presentation form; compr.c for writing names
 * with compression.
 */
#include "lib/name/name.h"

#include <string.h>

#include "lib/base/load.h"

const uint8_t ans_name_root[1] = { 0 };

static inline uint8_t lower(uint8_t c)
{
	return (uint8_t)(c - 'A') < 26 ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* Eight bytes lowercased at once (SWAR): a byte gets 0x20 when it is ASCII
 * (top bit clear) and its low seven bits are >= 'A' and not > 'Z'. Each
 * byte's sum stays below 0x100, so no carry crosses into its neighbour. On
 * the query path this runs once per name instead of a branch per byte. */
static inline uint64_t lower8(uint64_t x)
{
	const uint64_t high = 0x8080808080808080ULL;
	uint64_t low7 = x & ~high;
	uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3fULL;   /* 0x80 - 'A' */
	uint64_t gt_z = low7 + 0x2525252525252525ULL;   /* 0x7f - 'Z' */
	uint64_t upper = ge_a & ~gt_z & ~x & high;
	return x | (upper >> 2);
}

/* Up to eight bytes as a word, zero-padded; store_word() is its inverse.
 * A tail of 2..7 bytes is two overlapping fixed-size loads (the shared
 * bytes are equal, so OR-ing them is harmless): no byte loop and no
 * variable-length memcpy, which would be a library call. Byte order only
 * has to agree between the two, since lower8() works byte-wise. */
static inline uint64_t load_word(const uint8_t *p, size_t n)
{
	if (n >= 8)
		return ans_load64(p);
	if (n >= 4)
		return (uint64_t)ans_load32(p) | (uint64_t)ans_load32(p + n - 4) << (8 * (n - 4));
	if (n >= 2)
		return (uint64_t)ans_load16(p) | (uint64_t)ans_load16(p + n - 2) << (8 * (n - 2));
	return n ? p[0] : 0;
}

static inline void store_word(uint8_t *p, uint64_t v, size_t n)
{
	if (n >= 8) {
		memcpy(p, &v, 8);
	} else if (n >= 4) {
		uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> (8 * (n - 4)));
		memcpy(p + n - 4, &hi, 4);
		memcpy(p, &lo, 4);
	} else if (n >= 2) {
		uint16_t lo = (uint16_t)v, hi = (uint16_t)(v >> (8 * (n - 2)));
		memcpy(p + n - 2, &hi, 2);
		memcpy(p, &lo, 2);
	} else if (n) {
		p[0] = (uint8_t)v;
	}
}

size_t ans_name_len(const uint8_t *name)
{
	const uint8_t *p = name;
	while (*p)
		p += *p + 1;
	return (size_t)(p - name) + 1;
}

unsigned ans_name_labels(const uint8_t *name)
{
	unsigned n = 0;
	for (const uint8_t *p = name; *p; p += *p + 1)
		n++;
	return n;
}

/* Compression pointers (RFC 1035 §4.1.4) make a name a chain of label
 * sequences. We accept a pointer only when it points strictly before the
 * start of the sequence holding it, as Knot does: the sequence starts then
 * strictly decrease, so no loop is possible and the walk ends after at most
 * msg_len jumps, without a hop counter. Forward pointers have no legitimate
 * use and are how crafted messages build loops. Label types 01 and 10
 * (RFC 6891 §5 deprecated extended labels) are rejected. */
int ans_name_parse(const uint8_t *msg, size_t msg_len, size_t *pos,
		   uint8_t out[ANS_NAME_MAX], size_t *out_len)
{
	size_t p = *pos;
	size_t seq_start = p;
	size_t end = 0;     /* where the name ends in place; 0 until known */
	size_t n = 0;

	for (;;) {
		if (p >= msg_len)
			return ANS_EMALF;
		uint8_t len = msg[p];
		if ((len & 0xC0) == 0xC0) {
			if (p + 1 >= msg_len)
				return ANS_EMALF;
			size_t target = (size_t)(len & 0x3F) << 8 | msg[p + 1];
			if (target >= seq_start)
				return ANS_EMALF;
			if (!end)
				end = p + 2;
			p = seq_start = target;
			continue;
		}
		if (len > ANS_LABEL_MAX)
			return ANS_EMALF;
		if (len > msg_len - p - 1)
			return ANS_EMALF;
		/* A label filling byte 255 leaves no room for the root label,
		 * which then fails this same check. */
		if (n + 1 + len > ANS_NAME_MAX)
			return ANS_EMALF;
		memcpy(out + n, msg + p, (size_t)len + 1);
		n += (size_t)len + 1;
		p += (size_t)len + 1;
		if (!len)
			break;
	}
	*pos = end ? end : p;
	*out_len = n;
	return ANS_OK;
}

bool ans_name_equal(const uint8_t *a, const uint8_t *b)
{
	/* Same label lengths first, which also bounds both names; then all
	 * bytes lowercased a word at a time: length bytes are < 'A' (see the
	 * design block), so they compare as themselves. */
	size_t len = 0;
	for (;;) {
		uint8_t la = a[len];
		if (la != b[len])
			return false;
		len += (size_t)la + 1;
		if (!la)
			break;
	}
	for (size_t i = 0; i < len; i += 8)
		if (lower8(load_word(a + i, len - i)) != lower8(load_word(b + i, len - i)))
			return false;
	return true;
}

unsigned ans_name_label_offsets(const uint8_t *name,
				uint8_t offs[ANS_NAME_MAX_LABELS])
{
	unsigned n = 0;
	for (const uint8_t *p = name; *p; p += *p + 1)
		offs[n++] = (uint8_t)(p - name);
	return n;
}

/* Compares two labels (length byte first) as lowercased unsigned bytes, a
 * shorter label before a longer one it is a prefix of (RFC 4034 §6.1). */
static int label_cmp(const uint8_t *a, const uint8_t *b)
{
	unsigned la = a[0], lb = b[0];
	unsigned min = la < lb ? la : lb;
	for (unsigned i = 1; i <= min; i++) {
		int d = (int)lower(a[i]) - (int)lower(b[i]);
		if (d)
			return d;
	}
	return (int)la - (int)lb;
}

int ans_name_cmp(const uint8_t *a, const uint8_t *b)
{
	uint8_t oa[ANS_NAME_MAX_LABELS], ob[ANS_NAME_MAX_LABELS];
	unsigned na = ans_name_label_offsets(a, oa);
	unsigned nb = ans_name_label_offsets(b, ob);

	/* Most significant label first: walk both from the root. */
	while (na && nb) {
		int d = label_cmp(a + oa[--na], b + ob[--nb]);
		if (d)
			return d;
	}
	/* A name sorts before the names below it. */
	return (int)na - (int)nb;
}

const uint8_t *ans_name_skip_labels(const uint8_t *name, unsigned n)
{
	while (n-- && *name)
		name += *name + 1;
	return name;
}

bool ans_name_is_sub(const uint8_t *name, const uint8_t *parent)
{
	unsigned nl = ans_name_labels(name);
	unsigned pl = ans_name_labels(parent);
	if (nl < pl)
		return false;
	return ans_name_equal(ans_name_skip_labels(name, nl - pl), parent);
}

void ans_name_lower(uint8_t *name)
{
	size_t len = ans_name_len(name);
	for (size_t i = 0; i < len; i += 8) {
		store_word(name + i, lower8(load_word(name + i, len - i)), len - i);
	}
}

size_t ans_name_copy(uint8_t *dst, const uint8_t *src)
{
	size_t len = ans_name_len(src);
	memcpy(dst, src, len);
	return len;
}

int ans_name_replace_suffix(uint8_t out[ANS_NAME_MAX], size_t *out_len,
			    const uint8_t *name, const uint8_t *old_suffix,
			    const uint8_t *new_suffix)
{
	unsigned nl = ans_name_labels(name);
	unsigned ol = ans_name_labels(old_suffix);
	if (nl < ol)
		return ANS_EINVAL;
	const uint8_t *tail = ans_name_skip_labels(name, nl - ol);
	if (!ans_name_equal(tail, old_suffix))
		return ANS_EINVAL;
	/* RFC 6672 §2.2: a substitution longer than 255 bytes is YXDOMAIN for
	 * the caller; we only report it. */
	return ans_name_concat(out, out_len, name, (size_t)(tail - name), new_suffix);
}

int ans_name_concat(uint8_t out[ANS_NAME_MAX], size_t *out_len,
		    const uint8_t *prefix, size_t prefix_len,
		    const uint8_t *suffix)
{
	size_t slen = ans_name_len(suffix);
	if (prefix_len + slen > ANS_NAME_MAX)
		return ANS_ELIMIT;
	/* memmove: callers may build in place (out == prefix). */
	memmove(out + prefix_len, suffix, slen);
	if (prefix_len)
		memmove(out, prefix, prefix_len);
	*out_len = prefix_len + slen;
	return ANS_OK;
}

/* Eight lowercased bytes at a time: each word is mixed in with a multiply
 * and a rotation, then a final avalanche (the murmur3 finaliser) makes the
 * low bits usable directly as a table index. The length goes in first, so
 * the zero padding of the last word cannot make two names collide. The
 * value is only ever kept in memory (indexes are rebuilt at load), so it
 * may change between versions. */
uint64_t ans_name_hash(const uint8_t *name)
{
	size_t len = ans_name_len(name);
	uint64_t h = 0xcbf29ce484222325ULL ^ len;
	for (size_t i = 0; i < len; i += 8) {
		h ^= lower8(load_word(name + i, len - i));
		h *= 0x9e3779b97f4a7c15ULL;
		h = h << 31 | h >> 33;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

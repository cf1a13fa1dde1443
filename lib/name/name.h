/* SPDX-License-Identifier: MIT */
/*
 * Domain names. A name is held in uncompressed wire form: length-prefixed
 * labels ending with the zero-length root label, at most ANS_NAME_MAX (255)
 * bytes, each label at most 63 bytes. Functions taking `const uint8_t *name`
 * expect such a valid, uncompressed name (as produced by the functions here);
 * only ans_name_parse() reads untrusted bytes.
 *
 * Comparison is case-insensitive for ASCII letters (RFC 4343). Canonical order
 * is RFC 4034 section 6.1: by labels from the root, each label compared as
 * lowercased unsigned bytes, a shorter label first.
 *
 * All functions are pure and thread-safe.
 */
#ifndef ANS_NAME_NAME_H
#define ANS_NAME_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/base/wire.h"

#define ANS_NAME_MAX 255      /* wire length, root label included */
#define ANS_LABEL_MAX 63
#define ANS_NAME_MAX_LABELS 128
#define ANS_NAME_TEXT_MAX 1024 /* enough for any name in \DDD form plus NUL */

/* The root name "." in wire form. */
extern const uint8_t ans_name_root[1];

/* Length in bytes of a valid wire name, root label included. */
size_t ans_name_len(const uint8_t *name);

/* Number of labels, not counting the root label ("." -> 0, "a.b." -> 2). */
unsigned ans_name_labels(const uint8_t *name);

/* Parses presentation form: `text` of `text_len` bytes (not NUL-terminated
 * necessarily). Handles \. and \DDD escapes. A name not ending in an unescaped
 * dot is relative and `origin` (a wire name, or NULL) is appended; "@" is NOT
 * special here (the zone parser handles it). A relative name with NULL origin
 * is an error. Writes the wire form to `out` (ANS_NAME_MAX bytes) and its
 * length to `*out_len`.
 * Errors: ANS_ESYNTAX (bad escape, empty label), ANS_ELIMIT (label > 63 or
 * name > 255), ANS_EINVAL (relative without origin). */
int ans_name_from_text(uint8_t out[ANS_NAME_MAX], size_t *out_len,
		       const char *text, size_t text_len,
		       const uint8_t *origin) ANS_WUR;

/* Writes the absolute presentation form (with trailing dot, "." for root)
 * NUL-terminated into buf. Escapes '.', '\\', '"', '(', ')', ';', '@', '$'
 * as \c, and bytes outside 0x21..0x7e (space included) as \DDD, as BIND does.
 * Returns the text length (without NUL) or ANS_ESPACE. */
int ans_name_to_text(const uint8_t *name, char *buf, size_t buf_size) ANS_WUR;

/* Reads a possibly compressed name from a message. `msg`/`msg_len` is the
 * whole message (compression pointers are offsets into it); `*pos` is where
 * the name starts and is advanced past the name as it appears in place (past
 * the first pointer if any). Strict: rejects pointers that do not point
 * strictly backwards (before the start of the label sequence that holds them),
 * pointer loops, labels > 63, names > 255, label types 0x40/0x80.
 * Writes the uncompressed name (letter case kept) to `out`.
 * Errors: ANS_EMALF. */
int ans_name_parse(const uint8_t *msg, size_t msg_len, size_t *pos,
		   uint8_t out[ANS_NAME_MAX], size_t *out_len) ANS_WUR;

/* Case-insensitive equality. */
bool ans_name_equal(const uint8_t *a, const uint8_t *b);

/* RFC 4034 §6.1 canonical order: <0, 0, >0. */
int ans_name_cmp(const uint8_t *a, const uint8_t *b);

/* True when `name` equals `parent` or is below it (case-insensitive). */
bool ans_name_is_sub(const uint8_t *name, const uint8_t *parent);

/* Lowercases ASCII letters of a wire name in place. */
void ans_name_lower(uint8_t *name);

/* Copies a wire name, returns its length. `dst` needs ANS_NAME_MAX bytes
 * (or ans_name_len(src)). */
size_t ans_name_copy(uint8_t *dst, const uint8_t *src);

/* Pointer to the name with its first `n` labels removed (a suffix of the
 * same buffer). n must not exceed ans_name_labels(name). */
const uint8_t *ans_name_skip_labels(const uint8_t *name, unsigned n);

/* Label offsets: fills offs[i] with the byte offset of label i (0 = leftmost)
 * and returns the label count (root not counted). offs needs
 * ANS_NAME_MAX_LABELS entries. */
unsigned ans_name_label_offsets(const uint8_t *name, uint8_t offs[ANS_NAME_MAX_LABELS]);

/* Replaces the suffix `old_suffix` of `name` by `new_suffix` (DNAME, RFC 6672)
 * into out. Errors: ANS_ELIMIT when the result exceeds 255 bytes,
 * ANS_EINVAL when `name` is not below `old_suffix`. */
int ans_name_replace_suffix(uint8_t out[ANS_NAME_MAX], size_t *out_len,
			    const uint8_t *name, const uint8_t *old_suffix,
			    const uint8_t *new_suffix) ANS_WUR;

/* Joins a relative label sequence `prefix` of prefix_len bytes (labels without
 * the root label) and an absolute `suffix`. Errors: ANS_ELIMIT. */
int ans_name_concat(uint8_t out[ANS_NAME_MAX], size_t *out_len,
		    const uint8_t *prefix, size_t prefix_len,
		    const uint8_t *suffix) ANS_WUR;

/* A hash of the lowercased name (stable across runs, good spread), for hash
 * tables keyed by names. */
uint64_t ans_name_hash(const uint8_t *name);

/*
 * Compression when writing messages (RFC 1035 §4.1.4). The table remembers
 * where names were written in the message being built, so later names can
 * point to an already written suffix. It lives in the caller's memory (a
 * per-worker answer context): no allocation.
 */
#define ANS_COMPR_MAX 64

struct ans_compr {
	const uint8_t *msg;              /* start of the message being written */
	uint16_t count;
	uint16_t offs[ANS_COMPR_MAX];    /* offsets of names written so far */
};

/* Starts compression for the message at msg (beginning of the DNS header). */
void ans_compr_init(struct ans_compr *c, const uint8_t *msg);

/* Writes `name` at the cursor, compressed against the names in `c` when `c`
 * is not NULL, and records its position for later names (only offsets below
 * 0x4000 can be targets). Suffixes match whatever their ASCII letter case
 * (as Knot, BIND and NSD compress): the labels written inline keep the case
 * given, a pointer stands for the suffix in the case it was written with.
 * Errors are those of the cursor (ANS_ESPACE), also returned. */
int ans_name_write(struct ans_wire *w, const uint8_t *name, struct ans_compr *c);

/*
 * Compression for big messages (zone transfers, RFC 5936 §2.2): a hash of
 * every suffix written so far to its message offset, so each name costs a
 * few probes however many names the message holds. Added for issue 6;
 * about 16 KiB, meant for the transfer's stack or state, one per message.
 * Same rules as ans_name_write(): letter case ignored in matching, only
 * offsets below 0x4000.
 */
#define ANS_COMPR_MAP_SLOTS 4096

struct ans_compr_map {
	const uint8_t *msg;                     /* start of the message */
	uint32_t used;                          /* slots taken */
	uint32_t slot[ANS_COMPR_MAP_SLOTS];     /* tag << 16 | offset; 0 = free */
	/* The two names last written (the caller's pointers) and where the
	 * whole of each can be pointed at, 0: nowhere. A zone transfer
	 * writes the same owner for every RR of a node, with an rdata name
	 * between them (NS, MX); a hint, checked like a slot. */
	const uint8_t *last_name[2];
	uint16_t last_off[2];
	uint8_t last_next;                      /* the entry to replace */
};

/* Starts an empty map for the message at msg. */
void ans_compr_map_init(struct ans_compr_map *m, const uint8_t *msg);

/* As ans_name_write(), against the suffixes recorded in `m`. A map stays
 * correct when the cursor is moved back (a record dropped): every match is
 * checked against the bytes before the cursor. Errors: those of the cursor. */
int ans_name_write_map(struct ans_wire *w, const uint8_t *name,
		       struct ans_compr_map *m);

/* Suffix-composable hashing of lowercased names (name_fast.c): a state
 * built from the root leftwards, one label at a time, so every suffix of a
 * name is hashed in one pass. Not the same values as ans_name_hash(). */
#define ANS_NAME_SHASH_ROOT 0xcbf29ce484222325ULL
/* The state of `label` (length byte first) prepended to a suffix's state. */
uint64_t ans_name_shash_label(uint64_t suffix, const uint8_t *label);

/* ans_name_shash_label() inline, for loops over a query's labels (the
 * closest-encloser search): a call per label cost ~6 instructions more.
 * One word into the state: a multiply and a shift, both invertible; the
 * label's n = length + 1 bytes as few words read only inside the label
 * (whole words then an overlapping last one; short labels as two
 * overlapping halves or three bytes). Which bytes are read depends on n
 * alone, and n is the first byte, so equal words mean equal labels. */
static inline uint64_t ans_name_shash_mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 32);
}

static inline uint64_t ans_name_shash_step(uint64_t h, const uint8_t *label)
{
	size_t n = (size_t)label[0] + 1;
	uint64_t a;
	uint32_t u, v;
	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8) {
			memcpy(&a, label + i, 8);
			h = ans_name_shash_mix(h, a);
		}
		memcpy(&a, label + n - 8, 8);
		return ans_name_shash_mix(h, a);
	}
	if (n >= 4) {
		memcpy(&u, label, 4);
		memcpy(&v, label + n - 4, 4);
		return ans_name_shash_mix(h, (uint64_t)u << 32 | v);
	}
	return ans_name_shash_mix(h, (uint64_t)label[0] << 16 |
				     (uint64_t)label[n / 2] << 8 | label[n - 1]);
}
/* The state of a whole lowercased name. */
uint64_t ans_name_shash(const uint8_t *lname);
/* out[i] = state of the suffix at label i (offsets as from
 * ans_name_label_offsets), out[labels] = the root's; returns labels. */
unsigned ans_name_shash_suffixes(const uint8_t *lname, const uint8_t *offs,
				 unsigned labels, uint64_t *out);
/* A state spread into a table hash (index bits and tag). */
uint64_t ans_name_shash_final(uint64_t state);
/* Copies `len` bytes of a wire name with ASCII capitals lowercased (the
 * label length bytes, at most 63, never change). */
void ans_name_fold_copy(uint8_t *dst, const uint8_t *src, size_t len);

#endif

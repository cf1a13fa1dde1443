/* SPDX-License-Identifier: MIT */
/*
 * A bounds-checked cursor over a byte buffer, for reading untrusted bytes and
 * for writing into fixed buffers. The error is sticky: after the first
 * out-of-bounds read or write, every further operation does nothing, reads
 * return 0, and `err` keeps the first error (ANS_EMALF when reading past the
 * end, ANS_ESPACE when writing past the end). Check once at the end:
 *
 *     struct ans_wire w = ans_wire_init(buf, len);
 *     uint16_t id = ans_wire_read_u16(&w);
 *     ...
 *     if (w.err) return w.err;
 *
 * The checks are real code, never assert(). Not thread-safe per cursor;
 * cursors are cheap values on the stack.
 */
#ifndef ANS_BASE_WIRE_H
#define ANS_BASE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/base/err.h"

struct ans_wire {
	uint8_t *base;  /* start of buffer */
	size_t len;     /* buffer size (readable bytes, or write capacity) */
	size_t pos;     /* current offset */
	int err;        /* first error, sticky; ANS_OK while fine */
};

static inline struct ans_wire ans_wire_init(void *buf, size_t len)
{
	struct ans_wire w = { .base = buf, .len = len, .pos = 0, .err = ANS_OK };
	return w;
}

static inline size_t ans_wire_avail(const struct ans_wire *w)
{
	return w->err ? 0 : w->len - w->pos;
}

static inline bool ans_wire_can_read(struct ans_wire *w, size_t n)
{
	if (w->err)
		return false;
	if (n > w->len - w->pos) {
		w->err = ANS_EMALF;
		return false;
	}
	return true;
}

static inline bool ans_wire_can_write(struct ans_wire *w, size_t n)
{
	if (w->err)
		return false;
	if (n > w->len - w->pos) {
		w->err = ANS_ESPACE;
		return false;
	}
	return true;
}

static inline uint8_t ans_wire_read_u8(struct ans_wire *w)
{
	if (!ans_wire_can_read(w, 1))
		return 0;
	return w->base[w->pos++];
}

static inline uint16_t ans_wire_read_u16(struct ans_wire *w)
{
	if (!ans_wire_can_read(w, 2))
		return 0;
	uint16_t v = (uint16_t)(w->base[w->pos] << 8 | w->base[w->pos + 1]);
	w->pos += 2;
	return v;
}

static inline uint32_t ans_wire_read_u32(struct ans_wire *w)
{
	if (!ans_wire_can_read(w, 4))
		return 0;
	const uint8_t *p = w->base + w->pos;
	uint32_t v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		     (uint32_t)p[2] << 8 | p[3];
	w->pos += 4;
	return v;
}

static inline void ans_wire_read_bytes(struct ans_wire *w, void *dst, size_t n)
{
	if (!ans_wire_can_read(w, n)) {
		if (n)
			memset(dst, 0, n);
		return;
	}
	memcpy(dst, w->base + w->pos, n);
	w->pos += n;
}

static inline void ans_wire_skip(struct ans_wire *w, size_t n)
{
	if (ans_wire_can_read(w, n))
		w->pos += n;
}

static inline void ans_wire_write_u8(struct ans_wire *w, uint8_t v)
{
	if (ans_wire_can_write(w, 1))
		w->base[w->pos++] = v;
}

static inline void ans_wire_write_u16(struct ans_wire *w, uint16_t v)
{
	if (!ans_wire_can_write(w, 2))
		return;
	w->base[w->pos] = (uint8_t)(v >> 8);
	w->base[w->pos + 1] = (uint8_t)v;
	w->pos += 2;
}

static inline void ans_wire_write_u32(struct ans_wire *w, uint32_t v)
{
	if (!ans_wire_can_write(w, 4))
		return;
	uint8_t *p = w->base + w->pos;
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	w->pos += 4;
}

static inline void ans_wire_write_bytes(struct ans_wire *w, const void *src, size_t n)
{
	if (!ans_wire_can_write(w, n))
		return;
	if (n)
		memcpy(w->base + w->pos, src, n);
	w->pos += n;
}

/* Big-endian helpers for buffers already known to be large enough. */
static inline uint16_t ans_get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ans_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void ans_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void ans_put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif

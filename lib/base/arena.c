/* SPDX-License-Identifier: MIT */
#include "lib/base/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ans_arena_chunk {
	struct ans_arena_chunk *next;
	size_t size;   /* usable bytes in data[] */
	size_t used;
	_Alignas(16) unsigned char data[];
};

void ans_arena_init(struct ans_arena *a, size_t chunk_size)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
	a->total_bytes = 0;
}

static struct ans_arena_chunk *new_chunk(struct ans_arena *a, size_t need)
{
	size_t size = need > a->chunk_size ? need : a->chunk_size;
	struct ans_arena_chunk *c = malloc(sizeof(*c) + size);
	if (!c)
		return NULL;
	c->size = size;
	c->used = 0;
	a->total_bytes += sizeof(*c) + size;
	/* A huge one-off allocation goes behind the current chunk so the
	 * current chunk's free space is not wasted. */
	if (a->head && need > a->chunk_size) {
		c->next = a->head->next;
		a->head->next = c;
	} else {
		c->next = a->head;
		a->head = c;
	}
	return c;
}

static void *alloc_aligned(struct ans_arena *a, size_t size, size_t align)
{
	struct ans_arena_chunk *c = a->head;
	if (size == 0)
		size = 1;
	if (c) {
		size_t off = (c->used + align - 1) & ~(align - 1);
		if (off <= c->size && size <= c->size - off) {
			c->used = off + size;
			return c->data + off;
		}
	}
	if (size > SIZE_MAX - sizeof(*c) - 16)
		return NULL;
	c = new_chunk(a, size);
	if (!c)
		return NULL;
	c->used = size;
	return c->data;
}

void *ans_arena_alloc(struct ans_arena *a, size_t size)
{
	return alloc_aligned(a, size, 16);
}

void *ans_arena_alloc_bytes(struct ans_arena *a, size_t size)
{
	return alloc_aligned(a, size, 1);
}

void *ans_arena_dup(struct ans_arena *a, const void *src, size_t size)
{
	void *p = alloc_aligned(a, size, 1);
	if (p && size)
		memcpy(p, src, size);
	return p;
}

void ans_arena_reset(struct ans_arena *a)
{
	struct ans_arena_chunk *c = a->head;
	if (!c)
		return;
	/* Keep the newest chunk only if it is of the default size. */
	struct ans_arena_chunk *keep = c->size == a->chunk_size ? c : NULL;
	struct ans_arena_chunk *n = keep ? c->next : c;
	while (n) {
		struct ans_arena_chunk *next = n->next;
		a->total_bytes -= sizeof(*n) + n->size;
		free(n);
		n = next;
	}
	a->head = keep;
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
}

void ans_arena_free(struct ans_arena *a)
{
	struct ans_arena_chunk *c = a->head;
	while (c) {
		struct ans_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->total_bytes = 0;
}

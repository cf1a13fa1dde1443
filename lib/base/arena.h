/* SPDX-License-Identifier: MIT */
/*
 * Arena (region) allocator: many small allocations freed together. Memory
 * comes from chunks obtained with malloc; ans_arena_reset() keeps the first
 * chunk for reuse, ans_arena_free() returns everything. One arena per
 * lifetime: a zone snapshot, a configuration generation, a parse.
 * Not thread-safe: one owner at a time.
 */
#ifndef ANS_BASE_ARENA_H
#define ANS_BASE_ARENA_H

#include <stddef.h>

#include "lib/base/err.h"

struct ans_arena_chunk;

struct ans_arena {
	struct ans_arena_chunk *head;  /* current chunk, newest first */
	size_t chunk_size;             /* default size of new chunks */
	size_t total_bytes;            /* bytes obtained from malloc */
};

/* Prepares an empty arena; chunk_size 0 picks 64 KiB. Allocates nothing. */
void ans_arena_init(struct ans_arena *a, size_t chunk_size);

/* Returns size bytes aligned to 16, or NULL when malloc fails. The memory
 * lives until ans_arena_reset() or ans_arena_free(). */
void *ans_arena_alloc(struct ans_arena *a, size_t size);

/* As ans_arena_alloc, with alignment 1 (for byte strings). */
void *ans_arena_alloc_bytes(struct ans_arena *a, size_t size);

/* Copies size bytes into the arena; NULL when out of memory. */
void *ans_arena_dup(struct ans_arena *a, const void *src, size_t size);

/* Forgets every allocation but keeps one chunk for reuse. */
void ans_arena_reset(struct ans_arena *a);

/* Releases all memory; the arena may be initialised again. */
void ans_arena_free(struct ans_arena *a);

#endif

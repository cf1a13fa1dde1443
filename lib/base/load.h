/* SPDX-License-Identifier: MIT */
/*
 * Unaligned loads of 2, 4 and 8 bytes in host order, for code that reads
 * names and messages a word at a time. memcpy() of a constant size is one
 * load instruction at -O2 and says to the compiler that the address may be
 * unaligned (a pointer cast would not).
 */
#ifndef ANS_BASE_LOAD_H
#define ANS_BASE_LOAD_H

#include <stdint.h>
#include <string.h>

static inline uint16_t ans_load16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static inline uint32_t ans_load32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t ans_load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

#endif

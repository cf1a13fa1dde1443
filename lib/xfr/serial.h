/* SPDX-License-Identifier: MIT */
/*
 * SOA serial arithmetic (RFC 1982, SERIAL_BITS = 32). Two serials are
 * compared by the sign of their difference modulo 2^32. A difference of
 * exactly 2^31 is undefined by RFC 1982 §3.2; we call it "not newer" in both
 * directions, which is the safe reading for transfers: nothing is fetched
 * or served as an increment. Pure, thread-safe.
 */
#ifndef ANS_XFR_SERIAL_H
#define ANS_XFR_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

/* <0 when a is older than b, 0 when equal, >0 when a is newer. The
 * undefined case (difference 2^31) returns -1 both ways. */
static inline int ans_serial_cmp(uint32_t a, uint32_t b)
{
	uint32_t d = a - b;
	if (d == 0)
		return 0;
	if (d < 0x80000000u)
		return 1;
	return -1;
}

/* True when a is newer than b (RFC 1982 §3.2). */
static inline bool ans_serial_is_newer(uint32_t a, uint32_t b)
{
	return ans_serial_cmp(a, b) > 0;
}

#endif

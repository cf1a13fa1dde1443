/* SPDX-License-Identifier: MIT */
/*
 * ZONEMD (RFC 8976): the message digest of a whole zone, so that a node can
 * prove it serves byte for byte what the hidden primary published.
 */
#ifndef ANS_XFR_ZONEMD_H
#define ANS_XFR_ZONEMD_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/zone/zone.h"

enum { ANS_ZONEMD_SCHEME_SIMPLE = 1 };
enum { ANS_ZONEMD_HASH_SHA384 = 1, ANS_ZONEMD_HASH_SHA512 = 2 };

#define ANS_ZONEMD_DIGEST_MAX 64

/* Computes the digest of `z` with `scheme` (SIMPLE) and `hash` (SHA384,
 * SHA512) over the zone in canonical form (RFC 8976 §3.3: every RR in
 * RFC 4034 §6 canonical order and form, names lowercased as §6.2 says,
 * without the apex ZONEMD RRset and the apex RRSIGs covering ZONEMD),
 * into out (ANS_ZONEMD_DIGEST_MAX bytes); *out_len gets 48 or 64.
 * Errors: ANS_EINVAL (unknown scheme or hash), ANS_ENOMEM (OpenSSL).
 * Thread-safe (reads the snapshot only). */
int ans_zonemd_digest(const struct ans_zone *z, uint8_t scheme, uint8_t hash,
		      uint8_t out[ANS_ZONEMD_DIGEST_MAX], size_t *out_len) ANS_WUR;

/* Verifies the apex ZONEMD RRs of `z` (RFC 8976 §4): ANS_OK when one with a
 * supported scheme and hash has the zone's serial and a matching digest.
 * Errors: ANS_ENOENT (no ZONEMD with a supported scheme/hash),
 * ANS_ESEMANTIC (a supported one does not match, or its serial differs),
 * ANS_ENOMEM. */
int ans_zonemd_verify(const struct ans_zone *z) ANS_WUR;

#endif

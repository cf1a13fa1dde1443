/* SPDX-License-Identifier: MIT */
/*
 * Small text codecs used by rdata presentation form: base64 (RFC 4648 §4),
 * base32hex (RFC 4648 §7, no padding, as NSEC3 uses it), hex, TTL values with
 * BIND-style units, and RRSIG times (RFC 4034 §3.2).
 *
 * Decoders that may span several zone-file tokens (base64 and hex in DNSKEY,
 * RRSIG, DS ...) keep their state in a small struct fed token by token.
 * All functions are pure and thread-safe.
 */
#ifndef ANS_WIRE_CODEC_H
#define ANS_WIRE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

/* Parses a TTL: a decimal number of seconds, or units like BIND and Knot
 * accept ("1h30m", "2D", "1w"; s m h d w, case-insensitive).
 * Errors: ANS_ESYNTAX (not a TTL), ANS_ERANGE (above 2^32-1). */
int ans_ttl_parse(const char *text, size_t len, uint32_t *ttl) ANS_WUR;

/* Parses a decimal number up to `max`. Errors: ANS_ESYNTAX, ANS_ERANGE. */
int ans_u32_parse(const char *text, size_t len, uint32_t max, uint32_t *v) ANS_WUR;

/* RRSIG time: YYYYMMDDHHmmSS (UTC) or a plain decimal number of seconds.
 * Errors: ANS_ESYNTAX, ANS_ERANGE. */
int ans_time_parse(const char *text, size_t len, uint32_t *t) ANS_WUR;

/* Writes YYYYMMDDHHmmSS and a NUL into buf (15 bytes). */
void ans_time_print(uint32_t t, char buf[15]);

/* Streaming decoder state for base64 and hex split over tokens. */
struct ans_b2b {
	uint8_t *out;       /* output buffer */
	size_t size;        /* its capacity */
	size_t len;         /* bytes written */
	uint32_t acc;       /* pending bits */
	unsigned nchars;    /* chars pending in the current group */
	unsigned npad;      /* '=' seen in the current group */
	bool done;          /* padding ended the data */
	int err;            /* first error: ANS_ESYNTAX or ANS_ESPACE */
};

void ans_b2b_init(struct ans_b2b *d, uint8_t *out, size_t size);
/* Feed text; whitespace inside is skipped. Errors stick in d->err. */
void ans_b64_feed(struct ans_b2b *d, const char *text, size_t len);
void ans_hex_feed(struct ans_b2b *d, const char *text, size_t len);
/* Ends decoding: incomplete groups are ANS_ESYNTAX. Returns d->err. */
int ans_b64_end(struct ans_b2b *d) ANS_WUR;
int ans_hex_end(struct ans_b2b *d) ANS_WUR;

/* One-shot base32hex decoder (case-insensitive, no padding).
 * Errors: ANS_ESYNTAX, ANS_ESPACE. */
int ans_b32hex_decode(const char *text, size_t len, uint8_t *out, size_t size,
		      size_t *out_len) ANS_WUR;

/* Encoders write NUL-terminated text and return its length, or ANS_ESPACE.
 * Hex is uppercase, as BIND prints digests. */
int ans_b64_encode(const uint8_t *in, size_t len, char *buf, size_t size) ANS_WUR;
int ans_b32hex_encode(const uint8_t *in, size_t len, char *buf, size_t size) ANS_WUR;
int ans_hex_encode(const uint8_t *in, size_t len, char *buf, size_t size) ANS_WUR;

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Record types, classes and rdata: the type table, and rdata conversion
 * between presentation form (zone files), wire form as stored (names
 * uncompressed, letter case kept) and wire form in messages (names possibly
 * compressed).
 *
 * Every type not in the table is handled through RFC 3597: `TYPEnnn`,
 * `\# len hex`. The `\#` form is accepted for known types too, and its bytes
 * are then checked against the type's wire format.
 *
 * All functions are pure and thread-safe.
 */
#ifndef ANS_WIRE_RDATA_H
#define ANS_WIRE_RDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/base/wire.h"
#include "lib/name/name.h"

enum {
	ANS_TYPE_A = 1, ANS_TYPE_NS = 2, ANS_TYPE_CNAME = 5, ANS_TYPE_SOA = 6,
	ANS_TYPE_PTR = 12, ANS_TYPE_HINFO = 13, ANS_TYPE_MX = 15, ANS_TYPE_TXT = 16,
	ANS_TYPE_AAAA = 28, ANS_TYPE_SRV = 33, ANS_TYPE_NAPTR = 35,
	ANS_TYPE_DNAME = 39, ANS_TYPE_OPT = 41, ANS_TYPE_DS = 43,
	ANS_TYPE_SSHFP = 44, ANS_TYPE_RRSIG = 46, ANS_TYPE_NSEC = 47,
	ANS_TYPE_DNSKEY = 48, ANS_TYPE_NSEC3 = 50, ANS_TYPE_NSEC3PARAM = 51,
	ANS_TYPE_TLSA = 52, ANS_TYPE_CDS = 59, ANS_TYPE_CDNSKEY = 60,
	ANS_TYPE_ZONEMD = 63, ANS_TYPE_SVCB = 64, ANS_TYPE_HTTPS = 65,
	ANS_TYPE_TSIG = 250, ANS_TYPE_IXFR = 251, ANS_TYPE_AXFR = 252,
	ANS_TYPE_MAILB = 253, ANS_TYPE_MAILA = 254, ANS_TYPE_ANY = 255,
	ANS_TYPE_CAA = 257,
};

enum {
	ANS_CLASS_IN = 1, ANS_CLASS_CH = 3, ANS_CLASS_HS = 4,
	ANS_CLASS_NONE = 254, ANS_CLASS_ANY = 255,
};

#define ANS_RDATA_MAX 65535

/* Type mnemonic ("A", "NSEC3PARAM") to code; also "TYPEnnn" (case-insensitive).
 * Errors: ANS_ETYPE. */
int ans_rrtype_from_text(const char *text, size_t len, uint16_t *type) ANS_WUR;

/* Code to mnemonic, "TYPEnnn" for types without one. Writes NUL-terminated
 * text; returns its length or ANS_ESPACE. 16 bytes always suffice. */
int ans_rrtype_to_text(uint16_t type, char *buf, size_t size) ANS_WUR;

/* True for meta and query-only types that cannot appear in zone data:
 * OPT, TSIG, TKEY, IXFR, AXFR, MAILA, MAILB, ANY. */
bool ans_rrtype_is_meta(uint16_t type);

/* Class mnemonic ("IN", "CH", "HS", "NONE", "ANY") or "CLASSnnn".
 * Errors: ANS_EINVAL. */
int ans_rrclass_from_text(const char *text, size_t len, uint16_t *rclass) ANS_WUR;
int ans_rrclass_to_text(uint16_t rclass, char *buf, size_t size) ANS_WUR;

/* One token of a record's rdata in a zone file, after the type. `quoted` is
 * true when it was written in double quotes (escapes are still raw: the rdata
 * code decodes \X and \DDD itself). */
struct ans_token {
	const char *text;
	size_t len;
	bool quoted;
};

/* Converts the rdata tokens of one record to stored wire form. `origin` (wire
 * name) completes relative names. On error, writes "expected ..." style text
 * for the diagnostic into errbuf (NUL-terminated, may be truncated).
 * Errors: ANS_ESYNTAX, ANS_ELIMIT, ANS_ESPACE (out too small). */
int ans_rdata_from_text(uint16_t type, const struct ans_token *tok, size_t ntok,
			const uint8_t *origin, uint8_t *out, size_t out_size,
			size_t *out_len, char *errbuf, size_t errbuf_size) ANS_WUR;

/* Writes the presentation form of stored rdata, NUL-terminated, as Knot and
 * BIND print it (names absolute). Unknown types as `\# len hex`.
 * Returns the text length, or ANS_ESPACE / ANS_EMALF. */
int ans_rdata_to_text(uint16_t type, const uint8_t *rdata, size_t rdlen,
		      char *buf, size_t size) ANS_WUR;

/* Reads rdata of `rdlen` bytes at msg[pos] from a message, decompressing the
 * names of the types where RFC 3597 §4 allows compression, and checks it
 * against the type's format. Writes stored wire form to out.
 * Errors: ANS_EMALF, ANS_ESPACE. */
int ans_rdata_parse(const uint8_t *msg, size_t msg_len, size_t pos,
		    uint16_t rdlen, uint16_t type, uint8_t *out,
		    size_t out_size, size_t *out_len) ANS_WUR;

/* Checks that stored rdata is well formed for its type (names valid, fields
 * complete). Errors: ANS_EMALF. */
int ans_rdata_check(uint16_t type, const uint8_t *rdata, size_t rdlen) ANS_WUR;

/* Writes RDLENGTH and rdata into a message at the cursor, compressing the
 * names of NS, CNAME, SOA, PTR, MX, MB, MG, MR, MINFO, when `c` is not NULL
 * (RFC 3597 §4: never for other types). Returns the cursor error. */
int ans_rdata_write(struct ans_wire *w, uint16_t type, const uint8_t *rdata,
		    size_t rdlen, struct ans_compr *c);

/* Canonical rdata comparison (RFC 4034 §6.2/6.3: names in the rdata of the
 * types listed there compared lowercased, then bytes). <0, 0, >0. */
int ans_rdata_cmp(uint16_t type, const uint8_t *a, size_t alen,
		  const uint8_t *b, size_t blen);

/* For types whose rdata names a host to look up for the additional section
 * (NS, MX, SRV) or a name to follow (CNAME, DNAME, PTR), returns a pointer
 * to that name inside the rdata, else NULL. */
const uint8_t *ans_rdata_target(uint16_t type, const uint8_t *rdata, size_t rdlen);

#endif

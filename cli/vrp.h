/* SPDX-License-Identifier: MIT */
/*
 * Validated ROA Payloads (VRPs) and route origin validation (RFC 6811).
 *
 * ans_vrp_load() reads the exports operators have, detected from content:
 *   - rpki-client JSON: {"roas":[{"asn":65001,"prefix":"…","maxLength":24,
 *     "ta":"ripe","expires":1700000000}], …}
 *   - Routinator JSON: the same with "asn":"AS65001" (other members, such as
 *     "source" in jsonext, are skipped)
 *   - CSV with a header: ASN,IP Prefix,Max Length[,Trust Anchor[,Expires]],
 *     ASN written AS65001, fields optionally in double quotes.
 * A VRP whose prefix has host bits set (10.0.0.1/24) or whose maxLength is
 * shorter than its prefix or longer than the address is refused: the file
 * is broken, and a validator must not guess (rpki-client refuses such ROAs).
 *
 * ans_vrp_set_index() sorts the set by (family, address, length). Covering
 * VRPs of a route P/len are then found with one binary search per possible
 * length 0..len of P masked to that length: at most 129 searches of
 * log2(n) steps, whatever the size of the set. Everything here is pure: no
 * I/O, diagnostics through struct ans_diag. Not thread-safe per set.
 */
#ifndef ANS_CLI_VRP_H
#define ANS_CLI_VRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/diag.h"
#include "lib/base/err.h"

#define ANS_VRP_MAX_TAS 1024        /* distinct trust-anchor names */
#define ANS_VRP_TA_MAX_LEN 64       /* bytes of one trust-anchor name */
#define ANS_VRP_PREFIX_STRLEN 50    /* "ffff:…:ffff/128" and a NUL */

/* An IPv4 or IPv6 prefix; host bits beyond len are always zero. */
struct ans_prefix {
	uint8_t addr[16];   /* network byte order; IPv4 uses addr[0..3] */
	uint8_t family;     /* 4 or 6 */
	uint8_t len;
};

struct ans_vrp {
	struct ans_prefix prefix;
	uint8_t max_len;
	uint16_t ta;        /* index into set->tas; 0 is "" (no TA given) */
	uint32_t asn;
	int64_t expires;    /* seconds since the epoch; 0 when not given */
};

struct ans_vrp_set {
	struct ans_vrp *vrps;
	size_t count, cap;
	char **tas;         /* interned trust-anchor names, tas[0] = "" */
	size_t ta_count;
	bool is_indexed;
};

enum ans_vrp_format { ANS_VRP_FMT_JSON, ANS_VRP_FMT_CSV };

/* RFC 6811 §2 states. */
enum ans_vrp_state {
	ANS_VRP_NOT_FOUND,
	ANS_VRP_VALID,
	ANS_VRP_INVALID,
};

/* Why one covering VRP does not match the route (a bit set; 0 = matches). */
enum ans_vrp_why {
	ANS_VRP_WHY_ORIGIN = 1,     /* VRP ASN differs from the route origin */
	ANS_VRP_WHY_LENGTH = 2,     /* route longer than the VRP maxLength */
	ANS_VRP_WHY_AS0 = 4,        /* AS0 VRP: never validates (RFC 6483 §4, 7607) */
	ANS_VRP_WHY_ORIGIN0 = 8,    /* route origin AS0 never validates */
};

struct ans_vrp_hit {
	const struct ans_vrp *vrp;  /* borrowed from the set */
	unsigned why;               /* enum ans_vrp_why bits; 0 = matches */
};

struct ans_vrp_result {
	enum ans_vrp_state state;
	size_t covering;            /* number of covering VRPs (may exceed cap) */
	size_t hits_count;          /* entries written to hits (<= cap) */
	/* RFC 9319: a matching VRP allows longer prefixes than announced. */
	bool has_loose_maxlen;
};

/* Empties a set; allocates nothing. */
void ans_vrp_set_init(struct ans_vrp_set *s);

/* Releases everything the set holds; the set may be initialised again. */
void ans_vrp_set_free(struct ans_vrp_set *s);

/* Detects the format of buf (JSON when the first non-blank byte is '{'). */
enum ans_vrp_format ans_vrp_detect(const char *buf, size_t len);

/* Parses buf[0..len) and appends its VRPs to s, then indexes s. `file`
 * names the input in diagnostics ("file:line: col N: what was expected").
 * Returns ANS_ESYNTAX/ANS_EMALF for broken input (one error reported
 * through diag), ANS_ELIMIT for too many trust anchors or a too long
 * field, ANS_ENOMEM. On error s keeps what was read so far; free it. */
int ans_vrp_load(struct ans_vrp_set *s, const char *buf, size_t len,
		 const char *file, struct ans_diag *diag) ANS_WUR;

/* Appends one VRP (copying ta, NULL or "" for none) without indexing. */
int ans_vrp_add(struct ans_vrp_set *s, const struct ans_prefix *p,
		uint8_t max_len, uint32_t asn, const char *ta,
		int64_t expires) ANS_WUR;

/* Sorts the set so that ans_vrp_validate() can search it. */
void ans_vrp_set_index(struct ans_vrp_set *s);

/* Parses "203.0.113.0/24" or "2001:db8::/48" (length required). ANS_ESYNTAX
 * for bad text, ANS_EMALF when host bits are set beyond the length. */
int ans_prefix_parse(const char *text, struct ans_prefix *out) ANS_WUR;

/* Writes the text form of p into buf (ANS_VRP_PREFIX_STRLEN bytes). */
void ans_prefix_format(const struct ans_prefix *p, char *buf, size_t cap);

/* Parses "65001", "AS65001" or "as65001" into 0..4294967295. */
int ans_asn_parse(const char *text, uint32_t *out) ANS_WUR;

/* Validates route p with origin asn against the indexed set s (RFC 6811
 * §2). Fills hits[0..cap) with covering VRPs in index order and their
 * reasons; result->covering counts them all. Allocates nothing. */
void ans_vrp_validate(const struct ans_vrp_set *s, const struct ans_prefix *p,
		      uint32_t asn, struct ans_vrp_hit *hits, size_t cap,
		      struct ans_vrp_result *result);

/* "valid", "invalid" or "not-found". */
const char *ans_vrp_state_name(enum ans_vrp_state st);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Parser internals shared by parser.c (records and directives) and
 * generate.c ($GENERATE). Private to lib/zone.
 */
#ifndef ANS_ZONE_PARSER_INT_H
#define ANS_ZONE_PARSER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/base/diag.h"
#include "lib/name/name.h"
#include "lib/zone/lexer.h"
#include "lib/zone/zone.h"

#define ZP_INCLUDE_DEPTH 10        /* nested $INCLUDE files */
#define ZP_GENERATE_MAX 65536      /* records one $GENERATE may produce */
#define ZP_MAXTTL 0x7fffffffu      /* RFC 2181 §8 */

/* One parse run: what all files of the zone share. */
struct zp_run {
	struct ans_diag *diag;
	struct ans_zone_builder *b;
	uint8_t apex[ANS_NAME_MAX];
	unsigned errors;
	unsigned depth;                        /* files open */
	char *chain[ZP_INCLUDE_DEPTH + 1];     /* real paths being read */
	uint32_t default_ttl;                  /* $TTL */
	bool has_default_ttl;
	uint32_t last_ttl;                     /* last explicit TTL (BIND) */
	bool has_last_ttl;
	uint8_t *rdata;                        /* ANS_RDATA_MAX scratch */
};

/* One file (or text) being read; $INCLUDE opens a new one. */
struct zp_file {
	struct zp_run *run;
	const char *name;                      /* for diagnostics and includes */
	int file_idx;                          /* builder's src_file index */
	uint8_t origin[ANS_NAME_MAX];
	uint8_t owner[ANS_NAME_MAX];
	bool has_owner;
	bool is_owner_in_zone;                 /* owner checked once, not per record */
	/* The owner token as last written, when short and parsed without
	 * error under the current origin: the same text again is the same
	 * name, so it is neither parsed nor checked again (issue 6). 0 = none;
	 * whoever changes origin or owner otherwise clears it. */
	uint8_t owner_text_len;
	char owner_text[63];
	/* Whether origin is at or below the apex: then every relative owner
	 * is in the zone without a suffix test. 0 unknown, 1 yes, 2 no. */
	uint8_t origin_in_zone;
};

/* Reports an error at file:line and counts it. */
void zp_error(struct zp_file *f, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Handles one lexed record: a directive or a resource record. */
void zp_record(struct zp_file *f, const struct ans_zrec *rec);

/* $GENERATE range lhs [ttl] [class] type rhs (BIND). */
void zp_generate(struct zp_file *f, const struct ans_zrec *rec);

/* Compares a token with a NUL-terminated keyword, ignoring case. */
bool zp_tok_is(const struct ans_token *t, const char *kw);

#endif

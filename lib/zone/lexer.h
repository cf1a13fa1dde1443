/* SPDX-License-Identifier: MIT */
/*
 * Zone-file lexer (private to lib/zone): splits master-file text held in
 * memory into records, one record being the tokens of one logical line
 * (RFC 1035 §5.1: parentheses join lines, ';' starts a comment, a quoted
 * string is one token). Tokens point into the text: no copy, no allocation
 * per token; escapes are left raw for the rdata and name parsers.
 *
 * The token array of a record grows by doubling and is reused from record
 * to record, so a million-record zone costs a handful of reallocations.
 */
#ifndef ANS_ZONE_LEXER_H
#define ANS_ZONE_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/wire/rdata.h"

/* More tokens than any record can use: rdata is at most 65535 bytes. */
#define ANS_ZLEX_MAX_TOKENS (1u << 17)

struct ans_zlex {
	const char *p;      /* next byte to read */
	const char *end;    /* end of the text */
	unsigned line;      /* line of p, 1-based */
};

struct ans_zrec {
	struct ans_token *tok;  /* tokens of the record, reused between calls */
	size_t n;               /* tokens in this record */
	size_t cap;             /* allocated tokens */
	unsigned line;          /* line where the record starts */
	bool owner_blank;       /* line began with a blank: owner omitted */
};

enum {
	ANS_ZLEX_EOF = 0,
	ANS_ZLEX_RECORD = 1,
};

/* Starts lexing text[0..len). */
void ans_zlex_init(struct ans_zlex *lx, const char *text, size_t len);

/* Reads the next record into r. Returns ANS_ZLEX_RECORD, ANS_ZLEX_EOF, or an
 * error (ANS_ESYNTAX for unbalanced parentheses or quotes, ANS_ELIMIT for
 * too many tokens, ANS_ENOMEM) with the message in err and its line in
 * *err_line; the lexer has then skipped to the next line and can go on. */
int ans_zlex_record(struct ans_zlex *lx, struct ans_zrec *r, char *err,
		    size_t err_size, unsigned *err_line);

/* Frees the token array of a record. */
void ans_zrec_free(struct ans_zrec *r);

#endif

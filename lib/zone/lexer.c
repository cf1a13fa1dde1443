/* SPDX-License-Identifier: MIT */
/*
 * Zone-file lexer. One pass over text in memory; the only state that spans
 * lines is the parenthesis depth. A record ends at a newline outside
 * parentheses. The characters that end an unquoted token are those of
 * RFC 1035 §5.1 and BIND's master-file lexer: blanks, newline, '(' ')' ';'.
 * A backslash always takes the next byte into the token (\X, and \DDD is
 * three ordinary digits), so "a\ b" and "\;" stay one token.
 *
 * Error recovery: after an error the rest of the offending line is skipped
 * and the parenthesis depth reset, so the parser resumes at the next line.
 */
#include "lib/zone/lexer.h"

#include <stdio.h>
#include <stdlib.h>

void ans_zlex_init(struct ans_zlex *lx, const char *text, size_t len)
{
	lx->p = text;
	lx->end = text + len;
	lx->line = 1;
}

void ans_zrec_free(struct ans_zrec *r)
{
	free(r->tok);
	r->tok = NULL;
	r->n = r->cap = 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool ends_token(char c)
{
	return is_blank(c) || c == '\n' || c == '(' || c == ')' || c == ';';
}

static int push(struct ans_zrec *r, const char *text, size_t len, bool quoted)
{
	if (r->n == r->cap) {
		if (r->cap >= ANS_ZLEX_MAX_TOKENS)
			return ANS_ELIMIT;
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct ans_token *t = realloc(r->tok, cap * sizeof(*t));
		if (!t)
			return ANS_ENOMEM;
		r->tok = t;
		r->cap = cap;
	}
	r->tok[r->n++] = (struct ans_token){ .text = text, .len = len, .quoted = quoted };
	return ANS_OK;
}

/* Skips to just past the next newline (or to the end). */
static void skip_line(struct ans_zlex *lx)
{
	while (lx->p < lx->end && *lx->p != '\n')
		lx->p++;
	if (lx->p < lx->end) {
		lx->p++;
		lx->line++;
	}
}

static int fail(struct ans_zlex *lx, char *err, size_t err_size,
		unsigned *err_line, unsigned line, int code, const char *msg)
{
	snprintf(err, err_size, "%s", msg);
	*err_line = line;
	/* Only skip when still on the offending line; an error found at the
	 * end of the text has nothing left to skip. */
	if (lx->line == line)
		skip_line(lx);
	return code;
}

/* Reads a quoted string; lx->p is just past the opening quote. RFC 1035
 * §5.1: a quoted string may hold any character but '"' unescaped; like
 * BIND, a newline inside quotes is an error (unbalanced quotes). */
static int lex_quoted(struct ans_zlex *lx, struct ans_zrec *r)
{
	const char *start = lx->p;
	while (lx->p < lx->end && *lx->p != '"') {
		if (*lx->p == '\n')
			return ANS_ESYNTAX;
		if (*lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] != '\n')
			lx->p++;
		lx->p++;
	}
	if (lx->p >= lx->end)
		return ANS_ESYNTAX;
	int rc = push(r, start, (size_t)(lx->p - start), true);
	lx->p++;
	return rc;
}

static int lex_word(struct ans_zlex *lx, struct ans_zrec *r)
{
	const char *start = lx->p;
	while (lx->p < lx->end && !ends_token(*lx->p)) {
		if (*lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] != '\n')
			lx->p++;
		lx->p++;
	}
	return push(r, start, (size_t)(lx->p - start), false);
}

static void begin_line(struct ans_zlex *lx, struct ans_zrec *r)
{
	r->line = lx->line;
	r->owner_blank = lx->p < lx->end && is_blank(*lx->p);
}

int ans_zlex_record(struct ans_zlex *lx, struct ans_zrec *r, char *err,
		    size_t err_size, unsigned *err_line)
{
	unsigned depth = 0, paren_line = 0;
	r->n = 0;
	begin_line(lx, r);
	for (;;) {
		while (lx->p < lx->end && is_blank(*lx->p))
			lx->p++;
		if (lx->p >= lx->end) {
			if (depth)
				return fail(lx, err, err_size, err_line, paren_line,
					    ANS_ESYNTAX, "unbalanced parentheses: '(' is not closed");
			return r->n ? ANS_ZLEX_RECORD : ANS_ZLEX_EOF;
		}
		char c = *lx->p;
		if (c == ';') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		if (c == '\n') {
			lx->p++;
			lx->line++;
			if (depth)
				continue;
			if (r->n)
				return ANS_ZLEX_RECORD;
			begin_line(lx, r);
			continue;
		}
		int rc = ANS_OK;
		if (c == '(') {
			if (!depth++)
				paren_line = lx->line;
			lx->p++;
		} else if (c == ')') {
			if (!depth)
				return fail(lx, err, err_size, err_line, lx->line,
					    ANS_ESYNTAX, "unbalanced parentheses: ')' without '('");
			depth--;
			lx->p++;
		} else if (c == '"') {
			unsigned line = lx->line;
			lx->p++;
			if (lex_quoted(lx, r) != ANS_OK)
				return fail(lx, err, err_size, err_line, line,
					    ANS_ESYNTAX, "unbalanced quotes: string is not closed on its line");
		} else {
			rc = lex_word(lx, r);
		}
		if (rc == ANS_ELIMIT)
			return fail(lx, err, err_size, err_line, lx->line, rc,
				    "too many tokens in one record");
		if (rc != ANS_OK)
			return fail(lx, err, err_size, err_line, lx->line, rc, "out of memory");
	}
}

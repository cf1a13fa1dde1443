/* SPDX-License-Identifier: MIT */
/*
 * A small, strict, bounded pull reader for JSON (RFC 8259), enough for the
 * VRP exports of rpki-client and Routinator. It reads straight from a
 * caller-owned buffer and allocates nothing: the caller walks the document
 * with enter/next/read calls and skips what it does not need.
 *
 *     struct ans_json j;
 *     ans_json_init(&j, buf, len);
 *     ans_json_enter_object(&j);
 *     while (ans_json_next_key(&j, key, sizeof(key)) == 1) {
 *             if (strcmp(key, "roas") == 0) ...; else ans_json_skip(&j);
 *     }
 *     ans_json_finish(&j);
 *     if (j.err) report(j.err_off, j.err_what);
 *
 * Errors are sticky, as with the wire cursor (lib/base/wire.h): after the
 * first one every call does nothing and returns the same error, so a caller
 * may check once. Strict: no comments, no trailing commas, no leading zeros,
 * no control characters or invalid UTF-8 in strings, nesting at most
 * ANS_JSON_MAX_DEPTH. Not thread-safe per reader; readers are cheap values.
 */
#ifndef ANS_CLI_JSON_H
#define ANS_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

#define ANS_JSON_MAX_DEPTH 64

enum ans_json_type {
	ANS_JSON_NONE,     /* end of input, or an error */
	ANS_JSON_OBJECT,
	ANS_JSON_ARRAY,
	ANS_JSON_STRING,
	ANS_JSON_NUMBER,
	ANS_JSON_LITERAL,  /* true, false or null */
};

struct ans_json {
	const char *buf;
	size_t len;
	size_t pos;
	unsigned depth;
	/* Per open container: has it had a member yet (a comma is due)? */
	bool has_member[ANS_JSON_MAX_DEPTH];
	int err;               /* first error, sticky; ANS_OK while fine */
	size_t err_off;        /* byte offset of the first error */
	const char *err_what;  /* static text: what was expected */
};

/* Starts reading buf[0..len). The buffer is borrowed for the reader's life. */
void ans_json_init(struct ans_json *j, const char *buf, size_t len);

/* Type of the next value, after skipping whitespace; consumes nothing. */
enum ans_json_type ans_json_peek(struct ans_json *j);

/* Consumes '{' / '['. ANS_ESYNTAX if the next value is not one, ANS_ELIMIT
 * past ANS_JSON_MAX_DEPTH. */
int ans_json_enter_object(struct ans_json *j) ANS_WUR;
int ans_json_enter_array(struct ans_json *j) ANS_WUR;

/* In an object: reads the next `"key":` into key (NUL-terminated, at most
 * cap - 1 bytes, ANS_ELIMIT if longer) and returns 1, or consumes the closing
 * '}' and returns 0. Negative on error. */
int ans_json_next_key(struct ans_json *j, char *key, size_t cap) ANS_WUR;

/* In an array: returns 1 when another item follows (the caller reads it),
 * or consumes the closing ']' and returns 0. Negative on error. */
int ans_json_next_item(struct ans_json *j) ANS_WUR;

/* Reads a string value, decoding escapes, into out (NUL-terminated). Strings
 * with an embedded NUL (\u0000) are refused: ANS_EMALF. */
int ans_json_read_string(struct ans_json *j, char *out, size_t cap) ANS_WUR;

/* Reads a non-negative integer value no larger than max: no sign, fraction
 * or exponent. ANS_ERANGE past max, ANS_ESYNTAX for another value. */
int ans_json_read_uint(struct ans_json *j, uint64_t max, uint64_t *out) ANS_WUR;

/* Skips one value of any type, checking its syntax. */
int ans_json_skip(struct ans_json *j) ANS_WUR;

/* Checks that only whitespace remains after the top-level value. */
int ans_json_finish(struct ans_json *j) ANS_WUR;

/* Line and column (both from 1) of byte offset off in the buffer, for
 * messages. Counts newlines, so call it once, on error. */
void ans_json_locate(const char *buf, size_t len, size_t off,
		     unsigned *line, unsigned *col);

#endif

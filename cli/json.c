/* SPDX-License-Identifier: MIT */
/*
 * Strict JSON pull reader (see json.h). The grammar is RFC 8259 §2-§8:
 * values are objects, arrays, strings, numbers and the three literals. The
 * reader keeps one bit per open container saying whether a member was read,
 * so next_key/next_item know whether a ',' or the first member is due. Every
 * read is checked against len; nothing here trusts the input.
 */
#include "cli/json.h"

#include <string.h>

static int fail(struct ans_json *j, int err, const char *what)
{
	if (!j->err) {
		j->err = err;
		j->err_off = j->pos;
		j->err_what = what;
	}
	return j->err;
}

static void skip_ws(struct ans_json *j)
{
	/* RFC 8259 §2: only space, tab, LF and CR are whitespace. */
	while (j->pos < j->len) {
		char c = j->buf[j->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		j->pos++;
	}
}

/* Next non-whitespace byte, or -1 at the end; consumes nothing. */
static int peek_byte(struct ans_json *j)
{
	skip_ws(j);
	return j->pos < j->len ? (unsigned char)j->buf[j->pos] : -1;
}

void ans_json_init(struct ans_json *j, const char *buf, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->buf = buf;
	j->len = len;
}

enum ans_json_type ans_json_peek(struct ans_json *j)
{
	if (j->err)
		return ANS_JSON_NONE;
	int c = peek_byte(j);
	switch (c) {
	case '{': return ANS_JSON_OBJECT;
	case '[': return ANS_JSON_ARRAY;
	case '"': return ANS_JSON_STRING;
	case 't': case 'f': case 'n': return ANS_JSON_LITERAL;
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return ANS_JSON_NUMBER;
		return ANS_JSON_NONE;
	}
}

static int enter(struct ans_json *j, char open, const char *what)
{
	if (j->err)
		return j->err;
	if (peek_byte(j) != open)
		return fail(j, ANS_ESYNTAX, what);
	if (j->depth >= ANS_JSON_MAX_DEPTH)
		return fail(j, ANS_ELIMIT, "nesting no deeper than 64");
	j->has_member[j->depth++] = false;
	j->pos++;
	return ANS_OK;
}

int ans_json_enter_object(struct ans_json *j)
{
	return enter(j, '{', "an object '{'");
}

int ans_json_enter_array(struct ans_json *j)
{
	return enter(j, '[', "an array '['");
}

/* Shared by next_key and next_item: consumes the closing byte (returns 0) or
 * the ',' before a further member (returns 1). */
static int next_member(struct ans_json *j, char close, const char *what)
{
	if (j->err)
		return j->err;
	if (j->depth == 0)
		return fail(j, ANS_EINVAL, "an open object or array");
	int c = peek_byte(j);
	if (c == close) {
		j->pos++;
		j->depth--;
		return 0;
	}
	if (j->has_member[j->depth - 1]) {
		if (c != ',')
			return fail(j, ANS_ESYNTAX, what);
		j->pos++;
		/* RFC 8259 has no trailing commas: a value must follow. */
		if (peek_byte(j) == close)
			return fail(j, ANS_ESYNTAX, "a value after ','");
	}
	j->has_member[j->depth - 1] = true;
	return 1;
}

int ans_json_next_key(struct ans_json *j, char *key, size_t cap)
{
	int rc = next_member(j, '}', "',' or '}'");
	if (rc <= 0)
		return rc;
	if (peek_byte(j) != '"')
		return fail(j, ANS_ESYNTAX, "a member name in quotes");
	rc = ans_json_read_string(j, key, cap);
	if (rc)
		return rc;
	if (peek_byte(j) != ':')
		return fail(j, ANS_ESYNTAX, "':' after the member name");
	j->pos++;
	return 1;
}

int ans_json_next_item(struct ans_json *j)
{
	return next_member(j, ']', "',' or ']'");
}

static int hex4(struct ans_json *j, unsigned *out)
{
	if (j->len - j->pos < 4)
		return fail(j, ANS_ESYNTAX, "four hex digits after \\u");
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = j->buf[j->pos++];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return fail(j, ANS_ESYNTAX, "four hex digits after \\u");
		v = v << 4 | d;
	}
	*out = v;
	return ANS_OK;
}

/* \uXXXX, with a UTF-16 surrogate pair when needed (RFC 8259 §7). */
static int unicode_escape(struct ans_json *j, unsigned *cp)
{
	unsigned hi, lo;
	if (hex4(j, &hi))
		return j->err;
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return fail(j, ANS_EMALF, "a high surrogate before a low one");
	if (hi < 0xD800 || hi > 0xDBFF) {
		*cp = hi;
		return ANS_OK;
	}
	if (j->len - j->pos < 2 || j->buf[j->pos] != '\\' ||
	    j->buf[j->pos + 1] != 'u')
		return fail(j, ANS_EMALF, "a low surrogate after a high one");
	j->pos += 2;
	if (hex4(j, &lo))
		return j->err;
	if (lo < 0xDC00 || lo > 0xDFFF)
		return fail(j, ANS_EMALF, "a low surrogate after a high one");
	*cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
	return ANS_OK;
}

/* Appends code point cp as UTF-8; n is the current length of out. */
static int put_utf8(struct ans_json *j, char *out, size_t cap, size_t *n,
		    unsigned cp)
{
	unsigned char b[4];
	size_t k;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp; k = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3F)); k = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F)); k = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (unsigned char)(0x80 | (cp & 0x3F)); k = 4;
	}
	if (cap - 1 - *n < k)
		return fail(j, ANS_ELIMIT, "a shorter string");
	memcpy(out + *n, b, k);
	*n += k;
	return ANS_OK;
}

static int escape(struct ans_json *j, unsigned *cp)
{
	if (j->pos >= j->len)
		return fail(j, ANS_ESYNTAX, "an escape after '\\'");
	char c = j->buf[j->pos++];
	switch (c) {
	case '"': *cp = '"'; return ANS_OK;
	case '\\': *cp = '\\'; return ANS_OK;
	case '/': *cp = '/'; return ANS_OK;
	case 'b': *cp = '\b'; return ANS_OK;
	case 'f': *cp = '\f'; return ANS_OK;
	case 'n': *cp = '\n'; return ANS_OK;
	case 'r': *cp = '\r'; return ANS_OK;
	case 't': *cp = '\t'; return ANS_OK;
	case 'u': return unicode_escape(j, cp);
	default:
		j->pos--;
		return fail(j, ANS_ESYNTAX, "a valid escape after '\\'");
	}
}

/* Length of the valid UTF-8 sequence at s (at most avail bytes), or 0.
 * Rejects overlong forms, surrogates and code points past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	size_t k;
	unsigned min, cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) { k = 2; min = 0x80; cp = c & 0x1F; }
	else if (c >= 0xE0 && c <= 0xEF) { k = 3; min = 0x800; cp = c & 0x0F; }
	else if (c >= 0xF0 && c <= 0xF4) { k = 4; min = 0x10000; cp = c & 0x07; }
	else return 0;
	if (avail < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return k;
}

/* Reads a string body after the opening quote into out (NULL to only
 * check it). */
static int string_body(struct ans_json *j, char *out, size_t cap)
{
	size_t n = 0;
	for (;;) {
		if (j->pos >= j->len)
			return fail(j, ANS_ESYNTAX, "a closing '\"'");
		unsigned char c = (unsigned char)j->buf[j->pos];
		if (c == '"') {
			j->pos++;
			break;
		}
		/* RFC 8259 §7: control characters must be escaped. */
		if (c == '\n')
			return fail(j, ANS_ESYNTAX, "a closing '\"' before the end "
				    "of the line (truncated file?)");
		if (c < 0x20)
			return fail(j, ANS_ESYNTAX, "a string without control "
				    "characters");
		unsigned cp = 0;
		if (c == '\\') {
			j->pos++;
			if (escape(j, &cp))
				return j->err;
			if (cp == 0)
				return fail(j, ANS_EMALF, "a string without NUL (\\u0000)");
			if (out && put_utf8(j, out, cap, &n, cp))
				return j->err;
			continue;
		}
		size_t k = utf8_len((const unsigned char *)j->buf + j->pos,
				    j->len - j->pos);
		if (k == 0)
			return fail(j, ANS_EMALF, "valid UTF-8 in a string");
		if (out) {
			if (cap - 1 - n < k)
				return fail(j, ANS_ELIMIT, "a shorter string");
			memcpy(out + n, j->buf + j->pos, k);
			n += k;
		}
		j->pos += k;
	}
	if (out)
		out[n] = '\0';
	return ANS_OK;
}

int ans_json_read_string(struct ans_json *j, char *out, size_t cap)
{
	if (j->err)
		return j->err;
	if (cap == 0)
		return fail(j, ANS_EINVAL, "room for a string");
	if (peek_byte(j) != '"')
		return fail(j, ANS_ESYNTAX, "a string");
	j->pos++;
	return string_body(j, out, cap);
}

static size_t digits(struct ans_json *j)
{
	size_t start = j->pos;
	while (j->pos < j->len && j->buf[j->pos] >= '0' && j->buf[j->pos] <= '9')
		j->pos++;
	return j->pos - start;
}

/* RFC 8259 §6: -? int frac? exp?, int without leading zeros. */
static int skip_number(struct ans_json *j)
{
	if (j->buf[j->pos] == '-')
		j->pos++;
	size_t at = j->pos;
	size_t n = digits(j);
	if (n == 0 || (n > 1 && j->buf[at] == '0'))
		return fail(j, ANS_ESYNTAX, "a number without leading zeros");
	if (j->pos < j->len && j->buf[j->pos] == '.') {
		j->pos++;
		if (digits(j) == 0)
			return fail(j, ANS_ESYNTAX, "digits after '.'");
	}
	if (j->pos < j->len && (j->buf[j->pos] == 'e' || j->buf[j->pos] == 'E')) {
		j->pos++;
		if (j->pos < j->len && (j->buf[j->pos] == '+' || j->buf[j->pos] == '-'))
			j->pos++;
		if (digits(j) == 0)
			return fail(j, ANS_ESYNTAX, "digits in the exponent");
	}
	return ANS_OK;
}

int ans_json_read_uint(struct ans_json *j, uint64_t max, uint64_t *out)
{
	if (j->err)
		return j->err;
	if (ans_json_peek(j) != ANS_JSON_NUMBER || j->buf[j->pos] == '-')
		return fail(j, ANS_ESYNTAX, "a non-negative integer");
	size_t start = j->pos;
	uint64_t v = 0;
	bool over = false;
	while (j->pos < j->len && j->buf[j->pos] >= '0' && j->buf[j->pos] <= '9') {
		unsigned d = (unsigned)(j->buf[j->pos] - '0');
		if (d > max || v > (max - d) / 10)
			over = true;
		else
			v = v * 10 + d;
		j->pos++;
	}
	size_t end = j->pos;
	j->pos = start;
	if (skip_number(j))
		return j->err;
	if (j->pos != end)
		return fail(j, ANS_ESYNTAX, "an integer (no fraction or exponent)");
	if (over) {
		j->pos = start;
		return fail(j, ANS_ERANGE, "a smaller integer");
	}
	*out = v;
	return ANS_OK;
}

static int skip_literal(struct ans_json *j)
{
	static const char *const words[] = { "true", "false", "null" };
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		if (j->len - j->pos >= n && memcmp(j->buf + j->pos, words[i], n) == 0) {
			j->pos += n;
			return ANS_OK;
		}
	}
	return fail(j, ANS_ESYNTAX, "true, false or null");
}

static int skip_container(struct ans_json *j, bool is_object)
{
	if (is_object ? ans_json_enter_object(j) : ans_json_enter_array(j))
		return j->err;
	for (;;) {
		int rc;
		if (is_object) {
			/* Member names are checked but not kept. */
			rc = next_member(j, '}', "',' or '}'");
			if (rc == 1) {
				if (peek_byte(j) != '"')
					return fail(j, ANS_ESYNTAX, "a member name in quotes");
				j->pos++;
				if (string_body(j, NULL, 0))
					return j->err;
				if (peek_byte(j) != ':')
					return fail(j, ANS_ESYNTAX, "':' after the member name");
				j->pos++;
			}
		} else {
			rc = ans_json_next_item(j);
		}
		if (rc <= 0)
			return rc;
		/* Recursion is bounded by ANS_JSON_MAX_DEPTH in enter(). */
		if (ans_json_skip(j))
			return j->err;
	}
}

int ans_json_skip(struct ans_json *j)
{
	switch (ans_json_peek(j)) {
	case ANS_JSON_OBJECT: return skip_container(j, true);
	case ANS_JSON_ARRAY: return skip_container(j, false);
	case ANS_JSON_STRING:
		j->pos++;
		return string_body(j, NULL, 0);
	case ANS_JSON_NUMBER: return skip_number(j);
	case ANS_JSON_LITERAL: return skip_literal(j);
	default:
		if (j->err)
			return j->err;
		return fail(j, ANS_ESYNTAX, j->pos >= j->len ?
			    "a value, not the end of input" : "a value");
	}
}

int ans_json_finish(struct ans_json *j)
{
	if (j->err)
		return j->err;
	if (j->depth != 0)
		return fail(j, ANS_ESYNTAX, "the end of the open object or array");
	if (peek_byte(j) != -1)
		return fail(j, ANS_ESYNTAX, "the end of input after the document");
	return ANS_OK;
}

void ans_json_locate(const char *buf, size_t len, size_t off,
		     unsigned *line, unsigned *col)
{
	unsigned l = 1, c = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

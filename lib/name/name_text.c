/* SPDX-License-Identifier: MIT */
/*
 * Domain names in presentation form (RFC 1035 §5.1): labels separated by
 * dots, "\c" quoting a character, "\DDD" a byte in decimal. The printing
 * side follows BIND's dns_name_totext(): the characters with a meaning in
 * zone files are escaped with a backslash, bytes outside 0x21..0x7e (space
 * included) as \DDD, so that dig, named-checkzone and anyns print the same.
 */
#include "lib/name/name.h"

#include <string.h>

/* Parses the escape starting after the backslash at text[*i]; stores the
 * byte and advances *i past the escape. */
static int parse_escape(const char *text, size_t text_len, size_t *i, uint8_t *out)
{
	size_t p = *i;
	if (p >= text_len)
		return ANS_ESYNTAX;
	unsigned char c = (unsigned char)text[p];
	if (c < '0' || c > '9') {
		*out = c;
		*i = p + 1;
		return ANS_OK;
	}
	/* \DDD takes exactly three digits (RFC 1035 §5.1). */
	if (text_len - p < 3)
		return ANS_ESYNTAX;
	unsigned v = 0;
	for (size_t k = p; k < p + 3; k++) {
		unsigned char d = (unsigned char)text[k];
		if (d < '0' || d > '9')
			return ANS_ESYNTAX;
		v = v * 10 + (unsigned)(d - '0');
	}
	if (v > 255)
		return ANS_ESYNTAX;
	*out = (uint8_t)v;
	*i = p + 3;
	return ANS_OK;
}

/* Appends the origin to a relative name of n bytes (labels only). */
static int add_origin(uint8_t out[ANS_NAME_MAX], size_t n, size_t *out_len,
		      const uint8_t *origin)
{
	if (!origin)
		return ANS_EINVAL;
	size_t olen = ans_name_len(origin);
	if (n + olen > ANS_NAME_MAX)
		return ANS_ELIMIT;
	memcpy(out + n, origin, olen);
	*out_len = n + olen;
	return ANS_OK;
}

int ans_name_from_text(uint8_t out[ANS_NAME_MAX], size_t *out_len,
		       const char *text, size_t text_len,
		       const uint8_t *origin)
{
	if (text_len == 0)
		return ANS_ESYNTAX;
	if (text_len == 1 && text[0] == '.') {
		out[0] = 0;
		*out_len = 1;
		return ANS_OK;
	}
	size_t n = 0;          /* bytes of closed labels */
	size_t label_len = 0;  /* bytes in the open label at out[n] */
	size_t i = 0;
	while (i < text_len) {
		uint8_t c = (uint8_t)text[i++];
		if (c == '.') {
			/* "a..b", ".a": empty labels exist only as the root. */
			if (label_len == 0)
				return ANS_ESYNTAX;
			out[n] = (uint8_t)label_len;
			n += label_len + 1;
			label_len = 0;
			continue;
		}
		if (c == '\\') {
			int rc = parse_escape(text, text_len, &i, &c);
			if (rc)
				return rc;
		}
		if (label_len == ANS_LABEL_MAX)
			return ANS_ELIMIT;
		/* Keep one byte for the root label after this one. */
		if (n + 1 + label_len + 1 >= ANS_NAME_MAX)
			return ANS_ELIMIT;
		out[n + 1 + label_len++] = c;
	}
	if (label_len == 0) {
		/* Ended with an unescaped dot: absolute. */
		out[n] = 0;
		*out_len = n + 1;
		return ANS_OK;
	}
	out[n] = (uint8_t)label_len;
	n += label_len + 1;
	return add_origin(out, n, out_len, origin);
}

/* Characters with a meaning in zone files, printed as \c (BIND's list). */
static bool is_special(uint8_t c)
{
	switch (c) {
	case '"': case '(': case ')': case '.': case ';': case '\\':
	case '@': case '$':
		return true;
	default:
		return false;
	}
}

/* Writes one byte of a label in presentation form at buf[*n]; needs at most
 * 4 bytes and keeps one for the NUL. */
static int put_char(char *buf, size_t buf_size, size_t *n, uint8_t c)
{
	size_t k = *n;
	if (is_special(c)) {
		if (buf_size - k < 3)
			return ANS_ESPACE;
		buf[k++] = '\\';
		buf[k++] = (char)c;
	} else if (c > 0x20 && c < 0x7f) {
		if (buf_size - k < 2)
			return ANS_ESPACE;
		buf[k++] = (char)c;
	} else {
		if (buf_size - k < 5)
			return ANS_ESPACE;
		buf[k++] = '\\';
		buf[k++] = (char)('0' + c / 100);
		buf[k++] = (char)('0' + c / 10 % 10);
		buf[k++] = (char)('0' + c % 10);
	}
	*n = k;
	return ANS_OK;
}

int ans_name_to_text(const uint8_t *name, char *buf, size_t buf_size)
{
	if (buf_size < 2)
		return ANS_ESPACE;
	size_t n = 0;
	if (!*name)
		buf[n++] = '.';
	for (const uint8_t *p = name; *p; p += *p + 1) {
		for (unsigned i = 1; i <= *p; i++) {
			int rc = put_char(buf, buf_size, &n, p[i]);
			if (rc)
				return rc;
		}
		if (buf_size - n < 2)
			return ANS_ESPACE;
		buf[n++] = '.';
	}
	buf[n] = '\0';
	return (int)n;
}

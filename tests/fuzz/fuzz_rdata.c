/* SPDX-License-Identifier: MIT */
/*
 * Rdata from messages: the first 2 bytes are a type, the rest rdata. What
 * ans_rdata_parse() accepts must pass ans_rdata_check(), print, and read
 * back from its text to the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/wire/rdata.h"

static uint8_t out[ANS_RDATA_MAX], again[ANS_RDATA_MAX];
static char text[8 * ANS_RDATA_MAX];
static struct ans_token tok[ANS_RDATA_MAX];

/* Whitespace-separated tokens; "..." quoted (escapes skipped over). */
static size_t tokenize(char *s, size_t len)
{
	size_t n = 0, i = 0;
	while (i < len) {
		while (i < len && s[i] == ' ')
			i++;
		if (i >= len)
			break;
		bool quoted = s[i] == '"';
		size_t start = quoted ? ++i : i;
		bool in_q = quoted;
		for (; i < len && (in_q || s[i] != ' '); i++) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"' && !(in_q = !in_q) && quoted)
				break;
		}
		size_t end = i < len ? i : len;
		tok[n++] = (struct ans_token){ s + start, end - start, quoted };
		if (quoted)
			i++;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size - 2 > ANS_RDATA_MAX)
		return 0;
	uint16_t type = (uint16_t)(data[0] << 8 | data[1]);
	size_t len, len2;
	char err[256];
	if (ans_rdata_parse(data, size, 2, (uint16_t)(size - 2), type, out,
			    sizeof(out), &len) != ANS_OK)
		return 0;
	if (ans_rdata_check(type, out, len) != ANS_OK)
		abort();
	int n = ans_rdata_to_text(type, out, len, text, sizeof(text));
	if (n < 0)
		abort();
	size_t ntok = tokenize(text, (size_t)n);
	if (ans_rdata_from_text(type, tok, ntok, ans_name_root, again, sizeof(again),
				&len2, err, sizeof(err)) != ANS_OK ||
	    len2 != len || memcmp(again, out, len) != 0)
		abort();
	return 0;
}

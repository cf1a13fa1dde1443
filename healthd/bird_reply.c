/* SPDX-License-Identifier: MIT */
/*
 * DOC: BIRD control socket replies
 *
 * BIRD's control protocol (the one birdc speaks, doc/prog-intro and
 * sysdep/unix/main.c in BIRD): each reply line starts with a four-digit
 * code and a dash when more lines follow, a space when it is the last; a
 * line starting with a space continues the previous code. Codes 0xxx are
 * success ("0011-p: enabled", "0010-p: already enabled", "0009-p:
 * disabled", "0008-p: already disabled", the closing "0000 "), 1xxx table
 * data, 8xxx run-time errors and 9xxx parse errors ("9001 syntax error").
 * The line that carries the answer is the first informative one, not the
 * closing 0000; an error anywhere wins. Input is untrusted (a socket):
 * lengths are checked, nothing is assumed NUL-terminated.
 */
#include "healthd/speaker.h"

#include <string.h>

static int code_of(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

static void keep(struct hd_bird_reply *out, int code, const char *text, size_t len)
{
	out->code = code;
	if (len >= sizeof(out->text))
		len = sizeof(out->text) - 1;
	memcpy(out->text, text, len);
	out->text[len] = '\0';
}

int hd_bird_reply_parse(const char *buf, size_t len, struct hd_bird_reply *out,
			size_t *used)
{
	bool have = false, have_error = false;
	size_t pos = 0;
	memset(out, 0, sizeof(*out));
	out->code = -1;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		if (!nl)
			return ANS_EAGAIN;
		const char *line = buf + pos;
		size_t llen = (size_t)(nl - line);
		pos += llen + 1;
		if (llen >= 1 && line[0] == ' ')
			continue;          /* continuation of the previous code */
		if (llen < 5 || (line[4] != '-' && line[4] != ' '))
			return ANS_EMALF;
		int code = code_of(line);
		if (code < 0)
			return ANS_EMALF;
		bool is_error = code >= 8000;
		if ((is_error && !have_error) || (!have && code != 0)) {
			keep(out, code, line + 5, llen - 5);
			have = true;
			have_error = have_error || is_error;
		}
		if (line[4] == ' ') {
			if (!have)
				keep(out, code, line + 5, llen - 5);
			*used = pos;
			return ANS_OK;
		}
	}
	return ANS_EAGAIN;
}

bool hd_bird_ok(int code, bool enable)
{
	/* 0010/0011 already enabled/enabled; 0008/0009 already disabled/disabled. */
	return enable ? code == 10 || code == 11 : code == 8 || code == 9;
}

static bool symbol_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

static bool is_code(const char *line, size_t len, int code, bool *cont)
{
	if (len >= 1 && line[0] == ' ')
		return *cont;
	/* The code is followed by '-' (more lines) or ' ' (the last), as
	 * hd_bird_reply_parse requires: "10020 x" is not a 1002 line. */
	*cont = len >= 5 && code_of(line) == code && (line[4] == '-' || line[4] == ' ');
	return *cont;
}

size_t hd_bird_proto_names(const char *buf, size_t len, char (*names)[HD_TEXT_MAX],
			   size_t max)
{
	size_t n = 0, pos = 0;
	bool cont = false;
	while (pos < len && n < max) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		const char *line = buf + pos;
		pos += llen + 1;
		if (!is_code(line, llen, 1002, &cont))
			continue;
		size_t skip = line[0] == ' ' ? 1 : 5;
		size_t w = 0;
		while (skip + w < llen && symbol_char(line[skip + w]))
			w++;
		/* A name is a BIRD symbol, followed by a blank or the end of line:
		 * anything else is not a protocol name we would send back. */
		bool end = skip + w == llen || line[skip + w] == ' ' || line[skip + w] == '\t';
		if (w == 0 || w >= HD_TEXT_MAX || !end)
			continue;
		memcpy(names[n], line + skip, w);
		names[n++][w] = '\0';
	}
	return n;
}

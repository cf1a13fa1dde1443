/* SPDX-License-Identifier: MIT */
/*
 * BIND's $GENERATE directive:
 *
 *     $GENERATE start-stop[/step] lhs [ttl] [class] type rhs
 *
 * For each value of the range, '$' in lhs and rhs is replaced by the value,
 * or by ${offset[,width[,base]]} with base d, o, x, X, or n/N (nibbles in
 * reverse order separated by dots, as for ip6.arpa names; the width counts
 * characters, dots included). "$$" and "\$" give a literal '$'. As in BIND,
 * the expanded rhs is lexed again, so `TXT "v $"` makes two strings.
 *
 * Each expansion is written as one master-file line and handed to the
 * normal record code, so $GENERATE records follow exactly the rules of
 * written ones. The range is limited to ZP_GENERATE_MAX steps.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/zone/parser_int.h"

#define GEN_LINE_MAX 8192

struct gen_buf {
	char *p;
	size_t len;
	bool overflow;
};

static void put(struct gen_buf *g, const char *s, size_t n)
{
	if (n > GEN_LINE_MAX - g->len) {
		g->overflow = true;
		return;
	}
	memcpy(g->p + g->len, s, n);
	g->len += n;
}

/* Reverse nibbles with dots, as BIND writes them. */
static void put_nibbles(struct gen_buf *g, uint64_t v, long width, bool upper)
{
	const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	do {
		put(g, &hex[v & 0xf], 1);
		v >>= 4;
		if (width > 0)
			width--;
		if (v != 0 || width > 0) {
			put(g, ".", 1);
			if (width > 0)
				width--;
		}
	} while (v != 0 || width > 0);
}

static bool put_number(struct gen_buf *g, int64_t v, long width, char base)
{
	char num[96];
	int n;
	if (base == 'n' || base == 'N') {
		if (v < 0)
			return false;
		put_nibbles(g, (uint64_t)v, width, base == 'N');
		return true;
	}
	if (base == 'd')
		n = snprintf(num, sizeof(num), "%0*" PRId64, (int)width, v);
	else if (v < 0)
		return false;
	else if (base == 'o')
		n = snprintf(num, sizeof(num), "%0*" PRIo64, (int)width, (uint64_t)v);
	else if (base == 'x')
		n = snprintf(num, sizeof(num), "%0*" PRIx64, (int)width, (uint64_t)v);
	else if (base == 'X')
		n = snprintf(num, sizeof(num), "%0*" PRIX64, (int)width, (uint64_t)v);
	else
		return false;
	if (n < 0 || (size_t)n >= sizeof(num))
		return false;
	put(g, num, (size_t)n);
	return true;
}

/* Parses "{offset[,width[,base]]}" at s (just past '$'); returns the bytes
 * consumed or 0 on a syntax error. */
static size_t parse_modifier(const char *s, size_t len, long *offset,
			     long *width, char *base)
{
	char spec[64];
	const char *close = memchr(s, '}', len);
	if (!close || (size_t)(close - s) >= sizeof(spec))
		return 0;
	size_t n = (size_t)(close - s) - 1;
	memcpy(spec, s + 1, n);
	spec[n] = '\0';
	char b = 'd', extra;
	long off = 0, w = 0;
	int got = sscanf(spec, "%ld,%ld,%c%c", &off, &w, &b, &extra);
	if (got < 1 || got > 3 || !strchr("doxXnN", b) || w < 0 || w > 64 ||
	    off < -(1L << 31) || off > (1L << 31))
		return 0;
	if (strspn(spec, "-0123456789,doxXnN") != n)
		return 0;
	*offset = off;
	*width = w;
	*base = b;
	return n + 2;
}

static bool expand(struct gen_buf *g, const struct ans_token *t, int64_t v)
{
	const char *s = t->text;
	size_t len = t->len, i = 0;
	while (i < len) {
		if (s[i] == '\\' && i + 1 < len) {
			put(g, s + i, 2);
			i += 2;
		} else if (s[i] != '$') {
			put(g, s + i, 1);
			i++;
		} else if (i + 1 < len && s[i + 1] == '$') {
			put(g, "\\$", 2);
			i += 2;
		} else if (i + 1 < len && s[i + 1] == '{') {
			long off, width;
			char base;
			size_t used = parse_modifier(s + i + 1, len - i - 1, &off, &width, &base);
			if (!used || !put_number(g, v + off, width, base))
				return false;
			i += 1 + used;
		} else {
			put_number(g, v, 0, 'd');
			i++;
		}
	}
	return true;
}

static bool parse_range(const struct ans_token *t, uint32_t *start,
			uint32_t *stop, uint32_t *step)
{
	char text[64], extra;
	unsigned long a, b, s = 1;
	if (t->len >= sizeof(text) || t->quoted)
		return false;
	memcpy(text, t->text, t->len);
	text[t->len] = '\0';
	if (strspn(text, "0123456789-/") != t->len)
		return false;
	int got = sscanf(text, "%lu-%lu/%lu%c", &a, &b, &s, &extra);
	if ((got != 2 && got != 3) || a > b || s == 0 || b > UINT32_MAX)
		return false;
	*start = (uint32_t)a;
	*stop = (uint32_t)b;
	*step = (uint32_t)s;
	return true;
}

/* Expands one step into a master-file line and runs it as a record. */
static void gen_one(struct zp_file *f, const struct ans_zrec *rec, int64_t v,
		    char *line, struct ans_zrec *sub)
{
	struct gen_buf g = { .p = line };
	bool ok = expand(&g, &rec->tok[2], v);
	for (size_t i = 3; i + 1 < rec->n; i++) {
		put(&g, " ", 1);
		put(&g, rec->tok[i].text, rec->tok[i].len);
	}
	put(&g, " ", 1);
	ok = ok && expand(&g, &rec->tok[rec->n - 1], v);
	if (!ok || g.overflow) {
		zp_error(f, rec->line, "$GENERATE: bad modifier or line too long at value %" PRId64, v);
		return;
	}
	struct ans_zlex lx;
	char err[128];
	unsigned err_line;
	ans_zlex_init(&lx, line, g.len);
	int rc = ans_zlex_record(&lx, sub, err, sizeof(err), &err_line);
	if (rc < 0) {
		zp_error(f, rec->line, "$GENERATE: %s", err);
		return;
	}
	if (rc == ANS_ZLEX_RECORD) {
		sub->line = rec->line;
		sub->owner_blank = false;
		zp_record(f, sub);
	}
}

void zp_generate(struct zp_file *f, const struct ans_zrec *rec)
{
	uint32_t start, stop, step;
	/* range, lhs, at least a type and rhs; at most ttl, class, type between */
	if (rec->n < 5 || rec->n > 7) {
		zp_error(f, rec->line, "$GENERATE: expected 'range lhs [ttl] [class] type rhs'");
		return;
	}
	if (!parse_range(&rec->tok[1], &start, &stop, &step)) {
		zp_error(f, rec->line, "$GENERATE: invalid range '%.*s', expected start-stop[/step]",
			 (int)rec->tok[1].len, rec->tok[1].text);
		return;
	}
	if ((stop - start) / step >= ZP_GENERATE_MAX) {
		zp_error(f, rec->line, "$GENERATE: range '%.*s' makes more than %d records",
			 (int)rec->tok[1].len, rec->tok[1].text, ZP_GENERATE_MAX);
		return;
	}
	char *line = malloc(GEN_LINE_MAX);
	struct ans_zrec sub = { 0 };
	uint8_t owner[ANS_NAME_MAX];
	bool has_owner = f->has_owner, is_in_zone = f->is_owner_in_zone;
	memcpy(owner, f->owner, sizeof(owner));
	unsigned errors = f->run->errors;
	for (uint64_t v = start; line && v <= stop; v += step) {
		gen_one(f, rec, (int64_t)v, line, &sub);
		if (f->run->errors > errors)
			break;  /* one error per $GENERATE line, not one per step */
	}
	if (!line)
		zp_error(f, rec->line, "$GENERATE: out of memory");
	/* Generated owners do not become the "previous owner" of later lines. */
	f->has_owner = has_owner;
	f->is_owner_in_zone = is_in_zone;
	memcpy(f->owner, owner, sizeof(owner));
	f->owner_text_len = 0;   /* it was a generated owner's */
	ans_zrec_free(&sub);
	free(line);
}

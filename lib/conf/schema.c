/* SPDX-License-Identifier: MIT */
/*
 * The schema table's consumers other than the walk: look-ups, the parse of
 * one scalar by its row (used for values from the file and for defaults
 * alike, so a default is checked exactly as a value would be), the wording
 * of "what was expected", the markdown reference and the error sink.
 */
#include "lib/conf/schema.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MS(s) ((int64_t)(s) * 1000)

const struct ans_conf_section *ans_conf_section_find(const struct ans_conf_schema *s,
						     const char *name)
{
	for (size_t i = 0; i < s->section_count; i++)
		if (strcmp(s->sections[i].name, name) == 0)
			return &s->sections[i];
	return NULL;
}

const struct ans_conf_option *ans_conf_option_find(const struct ans_conf_schema *s,
						   const char *section, const char *name)
{
	for (size_t i = 0; i < s->option_count; i++) {
		const struct ans_conf_option *o = &s->options[i];
		if (strcmp(o->section, section) == 0 && strcmp(o->name, name) == 0)
			return o;
	}
	return NULL;
}

/* --- what a value looks like ---------------------------------------------- */

static void format_duration(int64_t ms, char *buf, size_t size)
{
	static const struct { int64_t ms; const char *unit; } units[] = {
		{ MS(86400), "d" }, { MS(3600), "h" }, { MS(60), "m" },
		{ MS(1), "s" }, { 1, "ms" },
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ms != 0 && ms % units[i].ms == 0) {
			snprintf(buf, size, "%" PRId64 "%s", ms / units[i].ms, units[i].unit);
			return;
		}
	}
	snprintf(buf, size, "0");
}

static void format_enum(const struct ans_conf_option *o, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "one of ");
	for (size_t i = 0; o->enum_values[i] && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
				      o->enum_values[i]);
}

static void format_range(const struct ans_conf_schema *s,
			 const struct ans_conf_option *o, char *buf, size_t size)
{
	char lo[32], hi[32];
	if (o->type != ANS_CONF_DURATION) {
		snprintf(buf, size, "%s %" PRId64 "..%" PRId64,
			 o->type == ANS_CONF_INT ? "an integer" : "a size", o->min, o->max);
	} else if (s->flags & ANS_CONF_RANGE_MS) {
		snprintf(buf, size, "a duration %" PRId64 "ms..%" PRId64 "ms", o->min, o->max);
	} else {
		format_duration(o->min, lo, sizeof(lo));
		format_duration(o->max, hi, sizeof(hi));
		snprintf(buf, size, "a duration %s..%s", lo, hi);
	}
}

void ans_conf_expect(const struct ans_conf_schema *s, const struct ans_conf_option *o,
		     char *buf, size_t size)
{
	switch (o->type) {
	case ANS_CONF_STR: snprintf(buf, size, "a string"); break;
	case ANS_CONF_PATH: snprintf(buf, size, "a path"); break;
	case ANS_CONF_BOOL: snprintf(buf, size, "true or false"); break;
	case ANS_CONF_INT:
	case ANS_CONF_SIZE:
	case ANS_CONF_DURATION: format_range(s, o, buf, size); break;
	case ANS_CONF_ENUM: format_enum(o, buf, size); break;
	case ANS_CONF_ADDR: snprintf(buf, size, "an address ADDR[@PORT]"); break;
	case ANS_CONF_ADDR_LIST:
		snprintf(buf, size, "an address ADDR[@PORT] or a list of them");
		break;
	case ANS_CONF_DNAME: snprintf(buf, size, "a domain name"); break;
	case ANS_CONF_STR_LIST: snprintf(buf, size, "a name or a list of them"); break;
	case ANS_CONF_SEQ: snprintf(buf, size, "a list of strings"); break;
	}
}

/* --- one scalar ------------------------------------------------------------ */

static char *join_path(struct ans_arena *a, const char *base_dir, const char *path)
{
	size_t n = strlen(path) + 1;
	if (path[0] == '/' || !base_dir || !*base_dir)
		return ans_arena_dup(a, path, n);
	size_t b = strlen(base_dir);
	char *s = ans_arena_alloc_bytes(a, b + 1 + n);
	if (s) {
		memcpy(s, base_dir, b);
		s[b] = '/';
		memcpy(s + b + 1, path, n);
	}
	return s;
}

static int parse_enum(const struct ans_conf_option *o, const char *text, int *out)
{
	for (int i = 0; o->enum_values[i]; i++) {
		if (strcmp(o->enum_values[i], text) == 0) {
			*out = i;
			return ANS_OK;
		}
	}
	return ANS_ESYNTAX;
}

static int parse_number(const struct ans_conf_option *o, const char *text, int64_t *v)
{
	int rc = o->type == ANS_CONF_INT ? ans_conf_parse_int(text, v) :
		 o->type == ANS_CONF_DURATION ? ans_conf_parse_duration(text, v) :
		 ans_conf_parse_size(text, v);
	if (rc == ANS_OK && (*v < o->min || *v > o->max))
		rc = ANS_ERANGE;
	return rc;
}

static int parse_string(const struct ans_conf_option *o, const char *text,
			const char **field, struct ans_arena *a,
			const char *base_dir, char *why, size_t why_size)
{
	if (o->check && !o->check(text, why, why_size))
		return ANS_ECONFIG;
	if (o->type == ANS_CONF_PATH && !*text)
		return ANS_ESYNTAX;
	*field = o->type == ANS_CONF_PATH ? join_path(a, base_dir, text)
					  : ans_arena_dup(a, text, strlen(text) + 1);
	return *field ? ANS_OK : ANS_ENOMEM;
}

static int parse_addr_list(const char *text, struct ans_conf_addr_list *l,
			   struct ans_arena *a)
{
	struct ans_conf_addr *item = ans_arena_alloc(a, sizeof(*item));
	if (!item)
		return ANS_ENOMEM;
	if (ans_conf_parse_addr(text, 53, item) != ANS_OK)
		return ANS_ESYNTAX;
	l->items = item;
	l->count = 1;
	return ANS_OK;
}

static int parse_str_list(const char *text, struct ans_conf_str_list *l,
			  struct ans_arena *a)
{
	const char **item = ans_arena_alloc(a, sizeof(*item));
	if (!item)
		return ANS_ENOMEM;
	if (!*text)
		return ANS_ESYNTAX;
	*item = ans_arena_dup(a, text, strlen(text) + 1);
	if (!*item)
		return ANS_ENOMEM;
	l->items = item;
	l->count = 1;
	return ANS_OK;
}

static int parse_typed(const struct ans_conf_option *o, const char *text, void *field,
		       struct ans_arena *a, const char *base_dir, char *why,
		       size_t why_size)
{
	switch (o->type) {
	case ANS_CONF_STR:
	case ANS_CONF_PATH:
		return parse_string(o, text, field, a, base_dir, why, why_size);
	case ANS_CONF_INT:
	case ANS_CONF_DURATION:
	case ANS_CONF_SIZE:
		return parse_number(o, text, field);
	case ANS_CONF_BOOL: return ans_conf_parse_bool(text, field);
	case ANS_CONF_ENUM: return parse_enum(o, text, field);
	case ANS_CONF_ADDR: return ans_conf_parse_addr(text, 53, field);
	case ANS_CONF_ADDR_LIST: return parse_addr_list(text, field, a);
	case ANS_CONF_DNAME: return ans_conf_parse_dname(text, field);
	case ANS_CONF_STR_LIST: return parse_str_list(text, field, a);
	case ANS_CONF_SEQ: return ANS_ESYNTAX;   /* a scalar is not a list */
	}
	return ANS_EINVAL;
}

int ans_conf_value_parse(const struct ans_conf_schema *s,
			 const struct ans_conf_option *o, const char *text,
			 void *field, struct ans_arena *a, const char *base_dir,
			 char *why, size_t why_size)
{
	why[0] = '\0';
	int rc = parse_typed(o, text, field, a, base_dir, why, why_size);
	if (rc == ANS_OK || rc == ANS_ENOMEM)
		return rc;
	if (!why[0])
		ans_conf_expect(s, o, why, why_size);
	return ANS_ECONFIG;
}

/* --- the reference --------------------------------------------------------- */

static void print_option(const struct ans_conf_schema *s, FILE *out,
			 const struct ans_conf_option *o)
{
	char expect[256];
	ans_conf_expect(s, o, expect, sizeof(expect));
	const struct ans_conf_section *sec = ans_conf_section_find(s, o->section);
	if (sec && (sec->flags & ANS_CONF_IS_ROOT))
		fprintf(out, "### %s\n\n%s\n\n", o->name, o->doc);
	else
		fprintf(out, "### %s.%s\n\n%s\n\n", o->section, o->name, o->doc);
	fprintf(out, "- Value: %s\n", expect);
	if (o->flags & ANS_CONF_REQUIRED)
		fprintf(out, "- Required\n");
	else if (o->def_doc)
		fprintf(out, "- Default: %s\n", o->def_doc);
	else if (o->def)
		fprintf(out, "- Default: `%s`\n", o->def);
	else
		fprintf(out, "- Default: none\n");
	fprintf(out, "\n");
}

void ans_conf_print_reference(const struct ans_conf_schema *s, const char *intro,
			      FILE *out)
{
	fputs(intro, out);
	for (size_t i = 0; i < s->section_count; i++) {
		const struct ans_conf_section *sec = &s->sections[i];
		fprintf(out, "## %s\n\n%s\n\n", sec->flags & ANS_CONF_IS_ROOT ?
			"Top level" : sec->name, sec->doc);
		for (size_t j = 0; j < s->option_count; j++)
			if (strcmp(s->options[j].section, sec->name) == 0)
				print_option(s, out, &s->options[j]);
	}
}

/* --- errors ---------------------------------------------------------------- */

static int verror(struct ans_diag *d, const char *file, unsigned line,
		  const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static int verror(struct ans_diag *d, const char *file, unsigned line,
		  const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	ans_diag_report(d, ANS_DIAG_ERROR, file, line ? line : 1, "%s", msg);
	return ANS_ECONFIG;
}

int ans_conf_error(struct ans_diag *d, const char *file, unsigned line,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = verror(d, file, line, fmt, ap);
	va_end(ap);
	return rc;
}

int ans_conf_error_buf(char *buf, size_t size, const char *file, unsigned line,
		       const char *fmt, ...)
{
	struct ans_conf_errbuf eb = { .buf = buf, .size = size };
	struct ans_diag diag = { .fn = ans_conf_errbuf_fn, .ctx = &eb };
	if (size)
		buf[0] = '\0';
	va_list ap;
	va_start(ap, fmt);
	int rc = verror(&diag, file, line, fmt, ap);
	va_end(ap);
	return rc;
}

int ans_conf_read_file(const char *path, char **text, size_t *len, char *err,
		       size_t err_size)
{
	*text = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		int rc = -errno;
		snprintf(err, err_size, "%s: cannot open (%s)", path, strerror(errno));
		return rc;
	}
	FILE *mem = open_memstream(text, len);
	char buf[8192];
	size_t n;
	while (mem && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, mem);
	int rc = ferror(f) ? ANS_EIO : mem ? ANS_OK : ANS_ENOMEM;
	fclose(f);
	if (mem && fclose(mem) != 0 && rc == ANS_OK)
		rc = ANS_ENOMEM;
	if (rc != ANS_OK) {
		free(*text);
		*text = NULL;
		snprintf(err, err_size, "%s: cannot read", path);
	}
	return rc;
}

void ans_conf_errbuf_fn(void *ctx, enum ans_diag_level level, const char *file,
			unsigned line, const char *msg)
{
	struct ans_conf_errbuf *e = ctx;
	if (level != ANS_DIAG_ERROR || e->size == 0 || e->buf[0])
		return;
	if (file)
		snprintf(e->buf, e->size, "%s:%u: %s", file, line, msg);
	else
		snprintf(e->buf, e->size, "%s", msg);
}

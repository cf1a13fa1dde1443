/* SPDX-License-Identifier: MIT */
/*
 * Zone-file parser: RFC 1035 §5 master files with BIND's extensions.
 *
 * Reading: a file is read whole into memory and cut into records by the
 * lexer (lexer.c); each record is either a directive ($ORIGIN, $TTL,
 * $INCLUDE, $GENERATE — names case-insensitive, as BIND) or a resource
 * record `[owner] [ttl] [class] type rdata` with TTL and class in either
 * order. The rdata tokens go to ans_rdata_from_text() untouched.
 *
 * State: struct zp_run is shared by every file of one zone (apex, TTL
 * state, include chain, error count); struct zp_file is one file's origin
 * and previous owner, so $INCLUDE changes neither in the including file
 * (RFC 1035 §5.1).
 *
 * TTL of a record without one, as named-checkzone does it: $TTL when set;
 * else the last TTL written explicitly (RFC 1035 semantics); else, for an
 * SOA, its MINIMUM field (warning), which then serves as $TTL for the rest;
 * else the record is an error.
 * A TTL above 2^31-1 is set to 0 with a warning (RFC 2181 §8, as BIND).
 *
 * Out-of-zone records are dropped here with a warning, as named-checkzone
 * does ("ignoring out-of-zone data"), so they never reach the builder.
 *
 * Errors: reported as "file:line: what was expected"; the record is
 * dropped and parsing goes on at the next record.
 */
#include "lib/zone/parser.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/wire/rdata.h"
#include "lib/zone/parser_int.h"

static void parse_buffer(struct zp_file *f, const char *text, size_t len);

static void report(struct zp_file *f, enum ans_diag_level level, unsigned line,
		   const char *fmt, va_list ap)
{
	char msg[768];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	ans_diag_report(f->run->diag, level, f->name, line, "%s", msg);
}

void zp_error(struct zp_file *f, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(f, ANS_DIAG_ERROR, line, fmt, ap);
	va_end(ap);
	f->run->errors++;
}

__attribute__((format(printf, 3, 4)))
static void zp_warn(struct zp_file *f, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(f, ANS_DIAG_WARNING, line, fmt, ap);
	va_end(ap);
}

bool zp_tok_is(const struct ans_token *t, const char *kw)
{
	return !t->quoted && strlen(kw) == t->len && strncasecmp(t->text, kw, t->len) == 0;
}

/* Token text for messages, cut to a readable length. */
#define TOK_FMT "'%.*s'"
#define TOK_ARG(t) (int)((t)->len > 64 ? 64 : (t)->len), (t)->text

static int unit_seconds(char c, uint64_t *mult)
{
	switch (tolower((unsigned char)c)) {
	case 'w': *mult = 604800; return ANS_OK;
	case 'd': *mult = 86400; return ANS_OK;
	case 'h': *mult = 3600; return ANS_OK;
	case 'm': *mult = 60; return ANS_OK;
	case 's': *mult = 1; return ANS_OK;
	default: return ANS_ESYNTAX;
	}
}

/* BIND's TTL syntax: a plain number, or numbers each followed by a unit
 * (1w2d3h4m5s, any order, any case). "1h30" is an error, as in BIND. */
int ans_ttl_from_text(const char *text, size_t len, uint32_t *ttl)
{
	uint64_t total = 0;
	size_t i = 0;
	bool units = false;
	if (len == 0)
		return ANS_ESYNTAX;
	while (i < len) {
		uint64_t n = 0, mult;
		size_t digits = 0;
		for (; i < len && isdigit((unsigned char)text[i]); i++, digits++) {
			n = n * 10 + (uint64_t)(text[i] - '0');
			if (n > UINT32_MAX)
				return ANS_ERANGE;
		}
		if (digits == 0)
			return ANS_ESYNTAX;
		if (i == len) {
			if (units)
				return ANS_ESYNTAX;
			total = n;
			break;
		}
		if (unit_seconds(text[i++], &mult) != ANS_OK)
			return ANS_ESYNTAX;
		units = true;
		total += n * mult;
		if (total > UINT32_MAX)
			return ANS_ERANGE;
	}
	*ttl = (uint32_t)total;
	return ANS_OK;
}

/* A TTL token, with RFC 2181 §8's ceiling applied as BIND does. */
static int parse_ttl(struct zp_file *f, unsigned line, const struct ans_token *t,
		     uint32_t *ttl)
{
	if (t->quoted || ans_ttl_from_text(t->text, t->len, ttl) != ANS_OK)
		return ANS_ESYNTAX;
	if (*ttl > ZP_MAXTTL) {
		zp_warn(f, line, "TTL %u > MAXTTL, setting TTL to 0", *ttl);
		*ttl = 0;
	}
	return ANS_OK;
}

/* A name token: '@' is the origin, other names are completed with it. */
static int parse_name(struct zp_file *f, unsigned line, const struct ans_token *t,
		      uint8_t out[ANS_NAME_MAX])
{
	size_t len;
	if (!t->quoted && t->len == 1 && t->text[0] == '@') {
		ans_name_copy(out, f->origin);
		return ANS_OK;
	}
	int rc = t->quoted ? ANS_ESYNTAX :
		ans_name_from_text(out, &len, t->text, t->len, f->origin);
	if (rc == ANS_ELIMIT)
		zp_error(f, line, "name " TOK_FMT " is too long (label over 63 or name over 255 bytes)",
			 TOK_ARG(t));
	else if (rc != ANS_OK)
		zp_error(f, line, "expected a domain name, got " TOK_FMT, TOK_ARG(t));
	return rc;
}

/* The most common types without the mnemonic table's scan (a third of
 * the parser's own cost on a big zone, issue 6); none is a class name. */
static bool quick_type(const struct ans_token *t, uint16_t *type)
{
	static const struct { char name[6]; uint8_t len; uint16_t type; } common[] = {
		{ "a", 1, ANS_TYPE_A }, { "ns", 2, ANS_TYPE_NS }, { "mx", 2, ANS_TYPE_MX },
		{ "txt", 3, ANS_TYPE_TXT }, { "soa", 3, ANS_TYPE_SOA },
		{ "aaaa", 4, ANS_TYPE_AAAA }, { "cname", 5, ANS_TYPE_CNAME },
	};
	if (t->quoted || t->len > 5)
		return false;
	for (size_t k = 0; k < sizeof(common) / sizeof(common[0]); k++) {
		if (common[k].len != t->len)
			continue;
		size_t i = 0;
		while (i < t->len && (t->text[i] | 0x20) == common[k].name[i])
			i++;
		if (i == t->len) {
			*type = common[k].type;
			return true;
		}
	}
	return false;
}

/* Fields between owner and rdata: [ttl] [class] type, TTL and class in
 * either order (RFC 1035 §5.1). Returns the index of the first rdata token
 * or 0 on error. */
static size_t parse_fields(struct zp_file *f, const struct ans_zrec *rec, size_t i,
			   bool *has_ttl, uint32_t *ttl, uint16_t *type)
{
	bool has_class = false;
	for (; i < rec->n; i++) {
		const struct ans_token *t = &rec->tok[i];
		uint16_t rclass;
		if (quick_type(t, type))
			return i + 1;
		if (!*has_ttl && !t->quoted && t->len && isdigit((unsigned char)t->text[0]) &&
		    parse_ttl(f, rec->line, t, ttl) == ANS_OK) {
			*has_ttl = true;
		} else if (!has_class && !t->quoted &&
			   ans_rrclass_from_text(t->text, t->len, &rclass) == ANS_OK) {
			has_class = true;
			if (rclass != ANS_CLASS_IN) {
				zp_error(f, rec->line, "class " TOK_FMT " != zone class 'IN'", TOK_ARG(t));
				return 0;
			}
		} else if (!t->quoted && ans_rrtype_from_text(t->text, t->len, type) == ANS_OK) {
			return i + 1;
		} else {
			zp_error(f, rec->line, "expected %s, got " TOK_FMT,
				 *has_ttl ? "a record type" : "a TTL or record type", TOK_ARG(t));
			return 0;
		}
	}
	zp_error(f, rec->line, "expected %s, got end of line",
		 *has_ttl ? "a record type" : "a TTL or record type");
	return 0;
}

/* The TTL of a record written without one (see the design block). */
static int default_ttl(struct zp_file *f, unsigned line, uint16_t type,
		       const uint8_t *rdata, size_t rdlen, uint32_t *ttl)
{
	struct zp_run *r = f->run;
	if (r->has_default_ttl) {
		*ttl = r->default_ttl;
	} else if (r->has_last_ttl) {
		*ttl = r->last_ttl;
	} else if (type == ANS_TYPE_SOA && rdlen >= 20) {
		/* BIND makes it the default from here on, as if $TTL had said it */
		*ttl = ans_get_u32(rdata + rdlen - 4);
		r->default_ttl = *ttl;
		r->has_default_ttl = true;
		zp_warn(f, line, "no TTL specified; using SOA MINTTL instead");
	} else {
		zp_error(f, line, "no TTL specified and no $TTL before it; zone rejected");
		return ANS_ESYNTAX;
	}
	return ANS_OK;
}

static void type_name(uint16_t type, char tname[16])
{
	if (ans_rrtype_to_text(type, tname, 16) < 0)
		snprintf(tname, 16, "?");
}

static void add_record(struct zp_file *f, unsigned line, const uint8_t *owner,
		       uint16_t type, uint32_t ttl, size_t rdlen)
{
	char tname[16];
	if (!f->is_owner_in_zone) {
		char name[ANS_NAME_TEXT_MAX];
		if (ans_name_to_text(owner, name, sizeof(name)) < 0)
			snprintf(name, sizeof(name), "?");
		zp_warn(f, line, "ignoring out-of-zone data (%s)", name);
		return;
	}
	int rc = ans_zone_builder_add(f->run->b, owner, type, ttl, f->run->rdata,
				      (uint16_t)rdlen, f->file_idx, line);
	if (rc == ANS_OK)
		return;
	type_name(type, tname);
	zp_error(f, line, "cannot add %s record: %s", tname, ans_strerror(rc));
}

static bool same_owner_text(const struct zp_file *f, const struct ans_token *t)
{
	return f->owner_text_len && !t->quoted && t->len == f->owner_text_len &&
	       memcmp(t->text, f->owner_text, t->len) == 0;
}

/* Whether a freshly parsed owner is in the zone. A relative name (its text
 * does not end in a dot) is below the origin, so once the origin is known
 * to be in the zone no suffix test is needed. */
static bool owner_in_zone(struct zp_file *f, const struct ans_token *t,
			  const uint8_t *owner)
{
	bool relative = t->len > 0 && t->text[t->len - 1] != '.' &&
			!(t->len == 1 && t->text[0] == '@');
	if (!relative)
		return ans_name_is_sub(owner, f->run->apex);
	if (f->origin_in_zone == 0)
		f->origin_in_zone = ans_name_is_sub(f->origin, f->run->apex) ? 1 : 2;
	return f->origin_in_zone == 1;
}

/* Parses an owner field into f->owner unless it repeats the last one's
 * text (owners repeat: h1 A, h1 AAAA). */
static int parse_owner(struct zp_file *f, const struct ans_zrec *rec)
{
	const struct ans_token *t = &rec->tok[0];
	if (same_owner_text(f, t))
		return ANS_OK;
	f->owner_text_len = 0;
	uint8_t owner[ANS_NAME_MAX];
	if (parse_name(f, rec->line, t, owner) != ANS_OK)
		return ANS_ESYNTAX;
	ans_name_copy(f->owner, owner);
	f->has_owner = true;
	/* Owners repeat (blank owner fields): check each one once. */
	f->is_owner_in_zone = owner_in_zone(f, t, owner);
	if (!t->quoted && t->len <= sizeof(f->owner_text)) {
		memcpy(f->owner_text, t->text, t->len);
		f->owner_text_len = (uint8_t)t->len;
	}
	return ANS_OK;
}

static void parse_rr(struct zp_file *f, const struct ans_zrec *rec)
{
	uint8_t owner[ANS_NAME_MAX];
	size_t i = 0;
	if (rec->owner_blank) {
		if (!f->has_owner) {
			zp_error(f, rec->line, "no current owner name: the first record must name its owner");
			return;
		}
		ans_name_copy(owner, f->owner);
	} else {
		if (parse_owner(f, rec) != ANS_OK)
			return;
		ans_name_copy(owner, f->owner);
		i = 1;
	}
	bool has_ttl = false;
	uint32_t ttl = 0;
	uint16_t type = 0;
	i = parse_fields(f, rec, i, &has_ttl, &ttl, &type);
	if (i == 0)
		return;
	/* The type's name only for messages: printing it for every record
	 * was 7 % of a big zone's load (issue 6). */
	char tname[16], err[256];
	if (ans_rrtype_is_meta(type)) {
		type_name(type, tname);
		zp_error(f, rec->line, "record type %s cannot appear in a zone", tname);
		return;
	}
	size_t rdlen = 0;
	err[0] = '\0';
	int rc = ans_rdata_from_text(type, rec->tok + i, rec->n - i, f->origin, f->run->rdata,
				     ANS_RDATA_MAX, &rdlen, err, sizeof(err));
	if (rc != ANS_OK) {
		type_name(type, tname);
		zp_error(f, rec->line, "bad %s rdata: %s", tname, err[0] ? err : ans_strerror(rc));
		return;
	}
	if (has_ttl) {
		f->run->last_ttl = ttl;
		f->run->has_last_ttl = true;
	} else if (default_ttl(f, rec->line, type, f->run->rdata, rdlen, &ttl) != ANS_OK) {
		return;
	}
	add_record(f, rec->line, owner, type, ttl, rdlen);
}

static void dir_origin(struct zp_file *f, const struct ans_zrec *rec)
{
	uint8_t origin[ANS_NAME_MAX];
	if (rec->n != 2) {
		zp_error(f, rec->line, "$ORIGIN: expected one domain name");
		return;
	}
	/* Relative to the current origin, as BIND. */
	if (parse_name(f, rec->line, &rec->tok[1], origin) == ANS_OK) {
		ans_name_copy(f->origin, origin);
		f->owner_text_len = 0;
		f->origin_in_zone = 0;
	}
}

static void dir_ttl(struct zp_file *f, const struct ans_zrec *rec)
{
	uint32_t ttl;
	if (rec->n != 2 || parse_ttl(f, rec->line, &rec->tok[1], &ttl) != ANS_OK) {
		zp_error(f, rec->line, "$TTL: expected one TTL (seconds or units like 1h30m)");
		return;
	}
	f->run->default_ttl = ttl;
	f->run->has_default_ttl = true;
}

/* Resolves an $INCLUDE path against the directory of the including file. */
static int include_path(const struct zp_file *f, const struct ans_token *t,
			char *out, size_t size)
{
	const char *slash = strrchr(f->name, '/');
	int n;
	if (t->text[0] == '/' || !slash)
		n = snprintf(out, size, "%.*s", (int)t->len, t->text);
	else
		n = snprintf(out, size, "%.*s/%.*s", (int)(slash - f->name), f->name,
			     (int)t->len, t->text);
	return n < 0 || (size_t)n >= size ? ANS_ELIMIT : ANS_OK;
}

static int parse_file_in(struct zp_run *run, const char *path, const uint8_t *origin,
			 struct zp_file *parent, unsigned line);

static void dir_include(struct zp_file *f, const struct ans_zrec *rec)
{
	char path[PATH_MAX];
	uint8_t origin[ANS_NAME_MAX];
	if (rec->n < 2 || rec->n > 3) {
		zp_error(f, rec->line, "$INCLUDE: expected a file name and an optional origin");
		return;
	}
	if (include_path(f, &rec->tok[1], path, sizeof(path)) != ANS_OK ||
	    memchr(rec->tok[1].text, '\0', rec->tok[1].len)) {
		zp_error(f, rec->line, "$INCLUDE: bad file name");
		return;
	}
	ans_name_copy(origin, f->origin);
	if (rec->n == 3 && parse_name(f, rec->line, &rec->tok[2], origin) != ANS_OK)
		return;
	/* Errors of the included file were reported and counted already. */
	(void)parse_file_in(f->run, path, origin, f, rec->line);
}

void zp_record(struct zp_file *f, const struct ans_zrec *rec)
{
	const struct ans_token *t = &rec->tok[0];
	if (rec->owner_blank || t->quoted || t->len == 0 || t->text[0] != '$') {
		parse_rr(f, rec);
		return;
	}
	if (zp_tok_is(t, "$ORIGIN"))
		dir_origin(f, rec);
	else if (zp_tok_is(t, "$TTL"))
		dir_ttl(f, rec);
	else if (zp_tok_is(t, "$INCLUDE"))
		dir_include(f, rec);
	else if (zp_tok_is(t, "$GENERATE"))
		zp_generate(f, rec);
	else
		zp_error(f, rec->line, "unknown directive " TOK_FMT
			 ", expected $ORIGIN, $TTL, $INCLUDE or $GENERATE", TOK_ARG(t));
}

static void parse_buffer(struct zp_file *f, const char *text, size_t len)
{
	struct ans_zlex lx;
	struct ans_zrec rec = { 0 };
	char err[128];
	unsigned err_line;
	int rc;
	ans_zlex_init(&lx, text, len);
	while ((rc = ans_zlex_record(&lx, &rec, err, sizeof(err), &err_line)) != ANS_ZLEX_EOF) {
		if (rc < 0)
			zp_error(f, err_line, "%s", err);
		else
			zp_record(f, &rec);
	}
	ans_zrec_free(&rec);
}

/* Reads a regular file whole. Devices and FIFOs are refused: a zone file
 * (or an $INCLUDE) naming /dev/zero must not hang the loader. */
static int read_file(const char *path, char **out, size_t *out_len)
{
	struct stat st;
	int rc = ANS_OK;
	char *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? ANS_ENOENT : ANS_EIO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = ANS_EIO;
		goto out;
	}
	size_t len = (size_t)st.st_size, got = 0;
	buf = malloc(len + 1);
	if (!buf) {
		rc = ANS_ENOMEM;
		goto out;
	}
	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n <= 0) {
			rc = ANS_EIO;
			goto out;
		}
		got += (size_t)n;
	}
	*out = buf;
	*out_len = len;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

static void open_file(struct zp_file *f, struct zp_run *run, const char *name,
		      const uint8_t *origin)
{
	memset(f, 0, sizeof(*f));
	f->run = run;
	f->name = name;
	f->file_idx = ans_zone_builder_file(run->b, name);
	if (f->file_idx < 0)
		f->file_idx = 0;
	ans_name_copy(f->origin, origin);
}

/* Checks depth and loops, then reads and parses one file. `parent` is NULL
 * for the top file. */
static int parse_file_in(struct zp_run *run, const char *path, const uint8_t *origin,
			 struct zp_file *parent, unsigned line)
{
	struct zp_file f;
	char *text = NULL, *real = realpath(path, NULL);
	size_t len = 0;
	int rc = ANS_OK;
	open_file(&f, run, path, origin);
	for (unsigned i = 0; real && i < run->depth; i++) {
		if (strcmp(run->chain[i], real) == 0) {
			zp_error(parent, line, "$INCLUDE loop: '%s' is already being read", path);
			rc = ANS_ELOOP;
			goto out;
		}
	}
	if (run->depth > ZP_INCLUDE_DEPTH) {
		zp_error(parent, line, "$INCLUDE nested more than %d deep", ZP_INCLUDE_DEPTH);
		rc = ANS_ELIMIT;
		goto out;
	}
	rc = read_file(path, &text, &len);
	if (rc != ANS_OK) {
		if (parent)
			zp_error(parent, line, "$INCLUDE '%s': %s", path, ans_strerror(rc));
		else
			zp_error(&f, 0, "cannot read zone file: %s", ans_strerror(rc));
		goto out;
	}
	run->chain[run->depth++] = real;
	parse_buffer(&f, text, len);
	run->chain[--run->depth] = NULL;
out:
	free(text);
	free(real);
	return rc;
}

static int run_init(struct zp_run *run, const uint8_t *origin, struct ans_diag *diag,
		    struct ans_zone_builder *b)
{
	memset(run, 0, sizeof(*run));
	run->diag = diag;
	run->b = b;
	ans_name_copy(run->apex, origin);
	run->rdata = malloc(ANS_RDATA_MAX);
	return run->rdata ? ANS_OK : ANS_ENOMEM;
}

int ans_zone_parse_file(const char *path, const uint8_t *origin,
			struct ans_diag *diag, struct ans_zone_builder *b)
{
	struct zp_run run;
	if (run_init(&run, origin, diag, b) != ANS_OK)
		return ANS_ENOMEM;
	int rc = parse_file_in(&run, path, origin, NULL, 0);
	free(run.rdata);
	if (rc == ANS_ENOENT || rc == ANS_EIO || rc == ANS_ENOMEM)
		return rc;
	return run.errors ? ANS_ESYNTAX : ANS_OK;
}

int ans_zone_parse_text(const char *name, const char *text, size_t len,
			const uint8_t *origin, struct ans_diag *diag,
			struct ans_zone_builder *b)
{
	struct zp_run run;
	struct zp_file f;
	if (run_init(&run, origin, diag, b) != ANS_OK)
		return ANS_ENOMEM;
	open_file(&f, &run, name, origin);
	parse_buffer(&f, text, len);
	free(run.rdata);
	return run.errors ? ANS_ESYNTAX : ANS_OK;
}

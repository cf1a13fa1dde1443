/* SPDX-License-Identifier: MIT */
/*
 * VRP set, prefix text forms and RFC 6811 route origin validation.
 *
 * The set is a flat array of struct ans_vrp plus a small table of interned
 * trust-anchor names (a few per file, so a linear intern with a last-hit
 * cache costs nothing). The readers at the end of this file append, then
 * ans_vrp_set_index() sorts by (family, address, length). Validation of P/len looks up P masked to every
 * length 0..len: each lookup is a lower-bound binary search and the equal
 * run after it is the VRPs with exactly that prefix. Start reading at
 * ans_vrp_validate().
 */
#include "cli/vrp.h"
#include "cli/json.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void ans_vrp_set_init(struct ans_vrp_set *s)
{
	memset(s, 0, sizeof(*s));
}

void ans_vrp_set_free(struct ans_vrp_set *s)
{
	for (size_t i = 0; i < s->ta_count; i++)
		free(s->tas[i]);
	free(s->tas);
	free(s->vrps);
	memset(s, 0, sizeof(*s));
}

static int intern_ta(struct ans_vrp_set *s, const char *ta, uint16_t *out)
{
	if (!ta)
		ta = "";
	if (s->ta_count == 0) {
		s->tas = calloc(ANS_VRP_MAX_TAS, sizeof(*s->tas));
		if (!s->tas || !(s->tas[0] = strdup("")))
			return ANS_ENOMEM;
		s->ta_count = 1;
	}
	/* Consecutive VRPs nearly always share a TA: try the last one first. */
	size_t last = s->ta_count - 1;
	if (strcmp(s->tas[last], ta) == 0) {
		*out = (uint16_t)last;
		return ANS_OK;
	}
	for (size_t i = 0; i < s->ta_count; i++) {
		if (strcmp(s->tas[i], ta) == 0) {
			*out = (uint16_t)i;
			return ANS_OK;
		}
	}
	if (s->ta_count >= ANS_VRP_MAX_TAS)
		return ANS_ELIMIT;
	if (!(s->tas[s->ta_count] = strdup(ta)))
		return ANS_ENOMEM;
	*out = (uint16_t)s->ta_count++;
	return ANS_OK;
}

int ans_vrp_add(struct ans_vrp_set *s, const struct ans_prefix *p,
		uint8_t max_len, uint32_t asn, const char *ta, int64_t expires)
{
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct ans_vrp *v = realloc(s->vrps, cap * sizeof(*v));
		if (!v)
			return ANS_ENOMEM;
		s->vrps = v;
		s->cap = cap;
	}
	struct ans_vrp *v = &s->vrps[s->count];
	memset(v, 0, sizeof(*v));
	int rc = intern_ta(s, ta, &v->ta);
	if (rc)
		return rc;
	v->prefix = *p;
	v->max_len = max_len;
	v->asn = asn;
	v->expires = expires;
	s->count++;
	s->is_indexed = false;
	return ANS_OK;
}

static unsigned addr_bits(uint8_t family)
{
	return family == 4 ? 32 : 128;
}

/* Copies p into q keeping only its first len bits. */
static void prefix_mask(const struct ans_prefix *p, unsigned len,
			struct ans_prefix *q)
{
	memset(q, 0, sizeof(*q));
	q->family = p->family;
	q->len = (uint8_t)len;
	memcpy(q->addr, p->addr, len / 8);
	if (len % 8)
		q->addr[len / 8] = p->addr[len / 8] & (uint8_t)(0xFF00 >> (len % 8));
}

static int prefix_cmp(const struct ans_prefix *a, const struct ans_prefix *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	int c = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int vrp_cmp(const void *a, const void *b)
{
	const struct ans_vrp *x = a, *y = b;
	int c = prefix_cmp(&x->prefix, &y->prefix);
	if (c)
		return c;
	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	return x->max_len < y->max_len ? -1 : x->max_len > y->max_len;
}

void ans_vrp_set_index(struct ans_vrp_set *s)
{
	if (s->count > 1)
		qsort(s->vrps, s->count, sizeof(*s->vrps), vrp_cmp);
	s->is_indexed = true;
}

int ans_prefix_parse(const char *text, struct ans_prefix *out)
{
	const char *slash = strchr(text, '/');
	char addr[INET6_ADDRSTRLEN];
	if (!slash || (size_t)(slash - text) >= sizeof(addr))
		return ANS_ESYNTAX;
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	struct ans_prefix p;
	memset(&p, 0, sizeof(p));
	if (inet_pton(AF_INET, addr, p.addr) == 1)
		p.family = 4;
	else if (inet_pton(AF_INET6, addr, p.addr) == 1)
		p.family = 6;
	else
		return ANS_ESYNTAX;
	/* Length: 1-3 decimal digits, no sign, no leading zero. */
	const char *d = slash + 1;
	size_t n = strspn(d, "0123456789");
	if (n == 0 || n > 3 || d[n] != '\0' || (n > 1 && d[0] == '0'))
		return ANS_ESYNTAX;
	unsigned len = (unsigned)atoi(d);
	if (len > addr_bits(p.family))
		return ANS_ESYNTAX;
	p.len = (uint8_t)len;
	struct ans_prefix masked;
	prefix_mask(&p, len, &masked);
	if (memcmp(masked.addr, p.addr, sizeof(p.addr)) != 0)
		return ANS_EMALF;
	*out = p;
	return ANS_OK;
}

void ans_prefix_format(const struct ans_prefix *p, char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN];
	if (!inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, a, sizeof(a)))
		strcpy(a, "?");
	snprintf(buf, cap, "%s/%u", a, p->len);
}

int ans_asn_parse(const char *text, uint32_t *out)
{
	if ((text[0] == 'A' || text[0] == 'a') && (text[1] == 'S' || text[1] == 's'))
		text += 2;
	size_t n = strspn(text, "0123456789");
	if (n == 0 || n > 10 || text[n] != '\0' || (n > 1 && text[0] == '0'))
		return ANS_ESYNTAX;
	unsigned long long v = strtoull(text, NULL, 10);
	if (v > UINT32_MAX)
		return ANS_ERANGE;
	*out = (uint32_t)v;
	return ANS_OK;
}

/* Index of the first VRP whose prefix is >= p (s sorted). */
static size_t lower_bound(const struct ans_vrp_set *s, const struct ans_prefix *p)
{
	size_t lo = 0, hi = s->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (prefix_cmp(&s->vrps[mid].prefix, p) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* RFC 6811 §2: a covering VRP matches when its ASN equals the route origin
 * and the route is no longer than its maxLength. An AS0 VRP (RFC 6483 §4,
 * RFC 7607) matches nothing, nor does a route originated by AS0. */
static unsigned mismatch(const struct ans_vrp *v, const struct ans_prefix *p,
			 uint32_t asn)
{
	unsigned why = 0;
	if (v->asn == 0)
		why |= ANS_VRP_WHY_AS0;
	else if (asn == 0)
		why |= ANS_VRP_WHY_ORIGIN0;
	else if (v->asn != asn)
		why |= ANS_VRP_WHY_ORIGIN;
	if (p->len > v->max_len)
		why |= ANS_VRP_WHY_LENGTH;
	return why;
}

void ans_vrp_validate(const struct ans_vrp_set *s, const struct ans_prefix *p,
		      uint32_t asn, struct ans_vrp_hit *hits, size_t cap,
		      struct ans_vrp_result *r)
{
	memset(r, 0, sizeof(*r));
	bool is_valid = false;
	/* Covering VRPs have the same family and a length <= the route's. */
	for (unsigned len = 0; len <= p->len; len++) {
		struct ans_prefix q;
		prefix_mask(p, len, &q);
		for (size_t i = lower_bound(s, &q); i < s->count; i++) {
			const struct ans_vrp *v = &s->vrps[i];
			if (prefix_cmp(&v->prefix, &q) != 0)
				break;
			unsigned why = mismatch(v, p, asn);
			if (why == 0) {
				is_valid = true;
				/* RFC 9319 §4: maxLength beyond the announced
				 * length leaves room for forged-origin
				 * sub-prefix hijacks. */
				if (v->max_len > p->len)
					r->has_loose_maxlen = true;
			}
			if (r->hits_count < cap)
				hits[r->hits_count++] = (struct ans_vrp_hit){ v, why };
			r->covering++;
		}
	}
	if (is_valid)
		r->state = ANS_VRP_VALID;
	else if (r->covering)
		r->state = ANS_VRP_INVALID;
	else
		r->state = ANS_VRP_NOT_FOUND;
}

const char *ans_vrp_state_name(enum ans_vrp_state st)
{
	switch (st) {
	case ANS_VRP_VALID: return "valid";
	case ANS_VRP_INVALID: return "invalid";
	default: return "not-found";
	}
}

enum ans_vrp_format ans_vrp_detect(const char *buf, size_t len)
{
	size_t i = 0;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
			   buf[i] == '\n'))
		i++;
	return i < len && buf[i] == '{' ? ANS_VRP_FMT_JSON : ANS_VRP_FMT_CSV;
}

/* ---- readers ---------------------------------------------------------- */

struct reader {
	struct ans_vrp_set *s;
	const char *buf;
	size_t len;
	const char *file;
	struct ans_diag *diag;
};

/* Reports one error at byte offset off as "file:line: column N: ..." and
 * returns rc, so callers can `return report(...)`. */
static int report(struct reader *rd, size_t off, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int report(struct reader *rd, size_t off, int rc, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	unsigned line, col;
	ans_json_locate(rd->buf, rd->len, off, &line, &col);
	ans_diag_report(rd->diag, ANS_DIAG_ERROR, rd->file, line,
			"column %u: %s", col, msg);
	return rc;
}

/* One VRP from its text/number parts; off locates the record for errors. */
struct vrp_fields {
	uint32_t asn;
	const char *prefix;
	unsigned max_len;
	const char *ta;
	int64_t expires;
};

static int add_fields(struct reader *rd, size_t off, const struct vrp_fields *f)
{
	struct ans_prefix p;
	int rc = ans_prefix_parse(f->prefix, &p);
	if (rc == ANS_EMALF)
		return report(rd, off, rc, "prefix \"%s\" has host bits set beyond "
			      "its length", f->prefix);
	if (rc)
		return report(rd, off, rc, "bad prefix \"%s\"", f->prefix);
	/* A maxLength shorter than the prefix or longer than the address
	 * cannot come from a valid ROA (RFC 9582 §4.3.2): the file is bad. */
	if (f->max_len < p.len || f->max_len > addr_bits(p.family))
		return report(rd, off, ANS_EMALF, "maxLength %u out of range "
			      "for %s (%u..%u)", f->max_len, f->prefix, p.len,
			      addr_bits(p.family));
	rc = ans_vrp_add(rd->s, &p, (uint8_t)f->max_len, f->asn, f->ta, f->expires);
	if (rc == ANS_ELIMIT)
		return report(rd, off, rc, "more than %d trust anchors",
			      ANS_VRP_MAX_TAS);
	if (rc)
		return report(rd, off, rc, "%s", ans_strerror(rc));
	return ANS_OK;
}

static int json_error(struct reader *rd, const struct ans_json *j)
{
	return report(rd, j->err_off, j->err, "expected %s", j->err_what);
}

/* "asn": 65001 (rpki-client) or "asn": "AS65001" (Routinator). */
static int json_asn(struct reader *rd, struct ans_json *j, uint32_t *asn)
{
	size_t off = j->pos;
	if (ans_json_peek(j) == ANS_JSON_STRING) {
		char text[24];
		if (ans_json_read_string(j, text, sizeof(text)))
			return json_error(rd, j);
		if (ans_asn_parse(text, asn))
			return report(rd, off, ANS_EMALF, "bad ASN \"%s\"", text);
		return ANS_OK;
	}
	uint64_t v;
	if (ans_json_read_uint(j, UINT32_MAX, &v))
		return json_error(rd, j);
	*asn = (uint32_t)v;
	return ANS_OK;
}

enum { HAS_ASN = 1, HAS_PREFIX = 2, HAS_MAXLEN = 4 };

static int json_member(struct reader *rd, struct ans_json *j, const char *key,
		       struct vrp_fields *f, char *prefix, char *ta,
		       unsigned *has)
{
	uint64_t v;
	if (strcmp(key, "asn") == 0) {
		*has |= HAS_ASN;
		return json_asn(rd, j, &f->asn);
	}
	if (strcmp(key, "prefix") == 0) {
		*has |= HAS_PREFIX;
		if (ans_json_read_string(j, prefix, ANS_VRP_PREFIX_STRLEN))
			return json_error(rd, j);
	} else if (strcmp(key, "maxLength") == 0) {
		*has |= HAS_MAXLEN;
		if (ans_json_read_uint(j, 255, &v))
			return json_error(rd, j);
		f->max_len = (unsigned)v;
	} else if (strcmp(key, "ta") == 0) {
		if (ans_json_read_string(j, ta, ANS_VRP_TA_MAX_LEN))
			return json_error(rd, j);
	} else if (strcmp(key, "expires") == 0) {
		if (ans_json_read_uint(j, INT64_MAX, &v))
			return json_error(rd, j);
		f->expires = (int64_t)v;
	} else if (ans_json_skip(j)) {
		return json_error(rd, j);
	}
	return ANS_OK;
}

static int json_roa(struct reader *rd, struct ans_json *j)
{
	char key[256], prefix[ANS_VRP_PREFIX_STRLEN], ta[ANS_VRP_TA_MAX_LEN] = "";
	struct vrp_fields f = { .prefix = prefix, .ta = ta };
	unsigned has = 0;
	ans_json_peek(j);
	size_t off = j->pos;
	if (ans_json_enter_object(j))
		return json_error(rd, j);
	int rc;
	while ((rc = ans_json_next_key(j, key, sizeof(key))) == 1) {
		rc = json_member(rd, j, key, &f, prefix, ta, &has);
		if (rc)
			return rc;
	}
	if (rc < 0)
		return json_error(rd, j);
	if (has != (HAS_ASN | HAS_PREFIX | HAS_MAXLEN))
		return report(rd, off, ANS_EMALF, "ROA without %s",
			      !(has & HAS_ASN) ? "\"asn\"" :
			      !(has & HAS_PREFIX) ? "\"prefix\"" : "\"maxLength\"");
	return add_fields(rd, off, &f);
}

static int json_roas(struct reader *rd, struct ans_json *j)
{
	if (ans_json_enter_array(j))
		return json_error(rd, j);
	int rc;
	while ((rc = ans_json_next_item(j)) == 1) {
		rc = json_roa(rd, j);
		if (rc)
			return rc;
	}
	return rc < 0 ? json_error(rd, j) : ANS_OK;
}

/* {"metadata": {...}, "roas": [...], "aspas": [...], ...}: only "roas"
 * matters here; the rest is checked for syntax and skipped. */
static int load_json(struct reader *rd)
{
	struct ans_json j;
	ans_json_init(&j, rd->buf, rd->len);
	char key[256];
	bool has_roas = false;
	if (ans_json_enter_object(&j))
		return json_error(rd, &j);
	int rc;
	while ((rc = ans_json_next_key(&j, key, sizeof(key))) == 1) {
		if (strcmp(key, "roas") == 0) {
			has_roas = true;
			rc = json_roas(rd, &j);
			if (rc)
				return rc;
		} else if (ans_json_skip(&j)) {
			return json_error(rd, &j);
		}
	}
	if (rc < 0 || ans_json_finish(&j))
		return json_error(rd, &j);
	if (!has_roas)
		return report(rd, 0, ANS_EMALF, "no \"roas\" array in this JSON "
			      "(expected an rpki-client or Routinator VRP export)");
	return ANS_OK;
}

/* CSV: a header naming the columns, then one VRP per line. */
enum csv_col { COL_ASN, COL_PREFIX, COL_MAXLEN, COL_TA, COL_EXPIRES,
	       COL_OTHER };
#define CSV_MAX_FIELDS 16
#define CSV_FIELD_MAX 128

struct csv_line {
	size_t off;                          /* of the line in the buffer */
	size_t count;
	char field[CSV_MAX_FIELDS][CSV_FIELD_MAX];
};

/* Copies one field starting at text[*i] (a quoted or a bare one, trimmed)
 * into out, leaving *i on the ',' or the end. */
static int csv_field(const char *text, size_t n, size_t *i, char *out)
{
	size_t k = 0;
	while (*i < n && text[*i] == ' ')
		(*i)++;
	bool is_quoted = *i < n && text[*i] == '"';
	if (is_quoted)
		(*i)++;
	while (*i < n && (is_quoted ? text[*i] != '"' : text[*i] != ',')) {
		if (k + 1 >= CSV_FIELD_MAX)
			return ANS_ELIMIT;
		out[k++] = text[(*i)++];
	}
	if (is_quoted) {
		if (*i >= n)
			return ANS_ESYNTAX;   /* no closing quote */
		(*i)++;
	}
	while (!is_quoted && k > 0 && out[k - 1] == ' ')
		k--;
	while (*i < n && text[*i] == ' ')
		(*i)++;
	if (*i < n && text[*i] != ',')
		return ANS_ESYNTAX;           /* text after a closing quote */
	out[k] = '\0';
	return ANS_OK;
}

static int csv_split(struct reader *rd, const char *text, size_t n,
		     struct csv_line *l)
{
	size_t i = 0;
	l->count = 0;
	if (memchr(text, '\0', n))
		return report(rd, l->off, ANS_EMALF, "NUL byte in a CSV line");
	for (;;) {
		if (l->count == CSV_MAX_FIELDS)
			return report(rd, l->off, ANS_ELIMIT, "more than %d fields",
				      CSV_MAX_FIELDS);
		size_t at = i;
		int rc = csv_field(text, n, &i, l->field[l->count++]);
		if (rc == ANS_ELIMIT)
			return report(rd, l->off + at, rc, "field %zu longer than "
				      "%d bytes", l->count, CSV_FIELD_MAX - 1);
		if (rc)
			return report(rd, l->off + at, rc, "bad quoting in field %zu",
				      l->count);
		if (i >= n)
			return ANS_OK;
		i++;   /* the ',' */
	}
}

static enum csv_col csv_column(const char *name)
{
	static const char *const names[] = {
		[COL_ASN] = "ASN", [COL_PREFIX] = "IP Prefix",
		[COL_MAXLEN] = "Max Length", [COL_TA] = "Trust Anchor",
		[COL_EXPIRES] = "Expires",
	};
	for (int c = COL_ASN; c < COL_OTHER; c++)
		if (strcasecmp(name, names[c]) == 0)
			return (enum csv_col)c;
	return COL_OTHER;
}

/* Maps header fields to columns: ASN, IP Prefix and Max Length are required
 * (rpki-client and Routinator both write them); other columns, such as
 * Routinator csvext's URI, are ignored. */
static int csv_header(struct reader *rd, const struct csv_line *l,
		      enum csv_col *cols)
{
	unsigned seen = 0;
	for (size_t i = 0; i < l->count; i++) {
		cols[i] = csv_column(l->field[i]);
		if (cols[i] == COL_OTHER)
			continue;
		if (seen & 1u << cols[i])
			return report(rd, l->off, ANS_ESYNTAX, "column \"%s\" twice "
				      "in the CSV header", l->field[i]);
		seen |= 1u << cols[i];
	}
	unsigned need = 1u << COL_ASN | 1u << COL_PREFIX | 1u << COL_MAXLEN;
	if ((seen & need) != need)
		return report(rd, l->off, ANS_ESYNTAX, "expected a CSV header \"ASN,IP Prefix,"
			      "Max Length,Trust Anchor[,Expires]\" or a JSON VRP "
			      "export");
	return ANS_OK;
}

/* Decimal digits only, at most max. */
static bool csv_uint(const char *text, uint64_t max, uint64_t *out)
{
	size_t n = strspn(text, "0123456789");
	if (n == 0 || n > 19 || text[n] != '\0')
		return false;
	unsigned long long v = strtoull(text, NULL, 10);
	if (v > max)
		return false;
	*out = v;
	return true;
}

static int csv_row(struct reader *rd, const struct csv_line *l,
		   const enum csv_col *cols, size_t ncols)
{
	struct vrp_fields f = { .prefix = "", .ta = "" };
	uint64_t v;
	if (l->count != ncols)
		return report(rd, l->off, ANS_ESYNTAX, "%zu fields, as in the "
			      "header, not %zu", ncols, l->count);
	for (size_t i = 0; i < ncols; i++) {
		const char *t = l->field[i];
		switch (cols[i]) {
		case COL_ASN:
			if (ans_asn_parse(t, &f.asn))
				return report(rd, l->off, ANS_EMALF, "bad ASN \"%s\"", t);
			break;
		case COL_PREFIX:
			f.prefix = t;
			break;
		case COL_MAXLEN:
			if (!csv_uint(t, 255, &v))
				return report(rd, l->off, ANS_EMALF, "bad Max Length "
					      "\"%s\"", t);
			f.max_len = (unsigned)v;
			break;
		case COL_TA:
			if (strlen(t) >= ANS_VRP_TA_MAX_LEN)
				return report(rd, l->off, ANS_ELIMIT, "trust anchor "
					      "name longer than %d bytes",
					      ANS_VRP_TA_MAX_LEN - 1);
			f.ta = t;
			break;
		case COL_EXPIRES:
			if (!csv_uint(t, INT64_MAX, &v))
				return report(rd, l->off, ANS_EMALF, "bad Expires "
					      "\"%s\"", t);
			f.expires = (int64_t)v;
			break;
		default:
			break;
		}
	}
	return add_fields(rd, l->off, &f);
}

static int load_csv(struct reader *rd)
{
	enum csv_col cols[CSV_MAX_FIELDS];
	size_t ncols = 0;
	struct csv_line *l = malloc(sizeof(*l));
	if (!l)
		return ANS_ENOMEM;
	size_t pos = 0;
	/* A UTF-8 byte order mark, as spreadsheet tools write, is not data. */
	if (rd->len >= 3 && memcmp(rd->buf, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	int rc = ANS_OK;
	while (pos < rd->len && rc == ANS_OK) {
		const char *nl = memchr(rd->buf + pos, '\n', rd->len - pos);
		size_t end = nl ? (size_t)(nl - rd->buf) : rd->len;
		size_t n = end - pos;
		if (n > 0 && rd->buf[pos + n - 1] == '\r')
			n--;
		l->off = pos;
		if (n > 0) {
			rc = csv_split(rd, rd->buf + pos, n, l);
			if (rc == ANS_OK && ncols == 0) {
				ncols = l->count;
				rc = csv_header(rd, l, cols);
			} else if (rc == ANS_OK) {
				rc = csv_row(rd, l, cols, ncols);
			}
		}
		pos = end + 1;
	}
	if (rc == ANS_OK && ncols == 0)
		rc = report(rd, 0, ANS_ESYNTAX, "expected a CSV header or a JSON VRP export, "
			    "not an empty file");
	free(l);
	return rc;
}

int ans_vrp_load(struct ans_vrp_set *s, const char *buf, size_t len,
		 const char *file, struct ans_diag *diag)
{
	struct reader rd = { .s = s, .buf = buf, .len = len, .file = file,
			     .diag = diag };
	int rc = ans_vrp_detect(buf, len) == ANS_VRP_FMT_JSON ?
		 load_json(&rd) : load_csv(&rd);
	if (rc == ANS_OK)
		ans_vrp_set_index(s);
	return rc;
}

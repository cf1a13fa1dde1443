/* SPDX-License-Identifier: MIT */
/*
 * Presentation form to stored rdata. The zone parser hands us the tokens
 * after the type; we walk the type's descriptor, each field consuming one
 * token, except the "rest" kinds (base64, hex, bitmaps, char-string lists,
 * SvcParams) which take all remaining tokens. Leftover or missing tokens
 * are errors. The RFC 3597 form `\# len hex` is accepted for every type and
 * checked against the type's wire format when we know it.
 *
 * Error text names what was expected and for which field, as in
 * "expected a 16-bit number for MX preference, got 'x'".
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/wire/codec.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rdata_desc.h"

struct tparse {
	const struct ans_token *tok;
	size_t ntok;
	size_t next;              /* next token */
	const uint8_t *origin;
	const struct rdesc *d;
	unsigned field;           /* index of the field being parsed */
	struct ans_wire out;
	char *err;
	size_t err_size;
};

static int fail(struct tparse *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct tparse *p, int code, const char *fmt, ...)
{
	if (p->err_size) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->err, p->err_size, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* "expected <what> for <TYPE field>, got '<token>'" */
static int expected(struct tparse *p, const char *what, const struct ans_token *t)
{
	char label[48];
	rdesc_label(p->d, p->field, label, sizeof(label));
	return fail(p, ANS_ESYNTAX, "expected %s for %s, got '%.*s'", what, label,
		    (int)(t->len > 64 ? 64 : t->len), t->text);
}

static const struct ans_token *take(struct tparse *p)
{
	return p->next < p->ntok ? &p->tok[p->next++] : NULL;
}

int text_unescape(const char *text, size_t len, uint8_t *out, size_t size,
		  size_t *out_len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)text[i];
		if (c == '\\') {
			if (++i >= len)
				return ANS_ESYNTAX;
			c = (uint8_t)text[i];
			if (c >= '0' && c <= '9') {
				if (len - i < 3)
					return ANS_ESYNTAX;
				unsigned v = 0;
				for (int k = 0; k < 3; k++, i++) {
					if (text[i] < '0' || text[i] > '9')
						return ANS_ESYNTAX;
					v = v * 10 + (unsigned)(text[i] - '0');
				}
				i--;
				if (v > 255)
					return ANS_ESYNTAX;
				c = (uint8_t)v;
			}
		}
		if (n >= size)
			return ANS_ELIMIT;
		out[n++] = c;
	}
	*out_len = n;
	return ANS_OK;
}

static int parse_name(struct tparse *p, const struct ans_token *t)
{
	uint8_t name[ANS_NAME_MAX];
	size_t len;
	if (t->len == 1 && t->text[0] == '@' && !t->quoted) {
		if (!p->origin)
			return expected(p, "an absolute domain name (no origin)", t);
		len = ans_name_copy(name, p->origin);
	} else if (ans_name_from_text(name, &len, t->text, t->len, p->origin) != ANS_OK) {
		return expected(p, "a domain name", t);
	}
	ans_wire_write_bytes(&p->out, name, len);
	return ANS_OK;
}

static int parse_number(struct tparse *p, uint8_t kind, const struct ans_token *t)
{
	static const struct { uint32_t max; const char *what; } nums[] = {
		[RDF_U8] = { UINT8_MAX, "an 8-bit number" },
		[RDF_U16] = { UINT16_MAX, "a 16-bit number" },
		[RDF_U32] = { UINT32_MAX, "a 32-bit number" },
	};
	uint32_t v;
	int ret;
	if (kind == RDF_TTL)
		ret = ans_ttl_parse(t->text, t->len, &v);
	else if (kind == RDF_TIME)
		ret = ans_time_parse(t->text, t->len, &v);
	else
		ret = ans_u32_parse(t->text, t->len, nums[kind].max, &v);
	if (ret != ANS_OK)
		return expected(p, kind == RDF_TTL ? "a TTL" : kind == RDF_TIME ?
				"a time (YYYYMMDDHHmmSS)" : nums[kind].what, t);
	if (kind == RDF_U8)
		ans_wire_write_u8(&p->out, (uint8_t)v);
	else if (kind == RDF_U16)
		ans_wire_write_u16(&p->out, (uint16_t)v);
	else
		ans_wire_write_u32(&p->out, v);
	return ANS_OK;
}

static int parse_type(struct tparse *p, uint8_t kind, const struct ans_token *t)
{
	uint16_t v = 0;
	uint32_t n;
	if (kind == RDF_TYPE) {
		if (ans_rrtype_from_text(t->text, t->len, &v) != ANS_OK)
			return expected(p, "a record type", t);
	} else if (ans_u32_parse(t->text, t->len, UINT16_MAX, &n) == ANS_OK) {
		v = (uint16_t)n;
	} else {
		for (v = 1; v != 0; v++) {
			const char *name = rdf_certtype_name(v);
			if (name && strlen(name) == t->len &&
			    strncasecmp(name, t->text, t->len) == 0)
				break;
		}
		if (v == 0)
			return expected(p, "a certificate type", t);
	}
	ans_wire_write_u16(&p->out, v);
	return ANS_OK;
}

static int parse_secalg(struct tparse *p, const struct ans_token *t)
{
	uint32_t n;
	if (ans_u32_parse(t->text, t->len, UINT8_MAX, &n) != ANS_OK) {
		for (n = 0; n < 256; n++) {
			const char *name = rdf_secalg_name((uint8_t)n);
			if (name && strlen(name) == t->len &&
			    strncasecmp(name, t->text, t->len) == 0)
				break;
		}
		if (n == 256)
			return expected(p, "an algorithm number or mnemonic", t);
	}
	ans_wire_write_u8(&p->out, (uint8_t)n);
	return ANS_OK;
}

/* Dotted-quad IPv4 as inet_pton(AF_INET) takes it (four decimal octets
 * ≤ 255, no leading zeros, nothing else), without the NUL-terminated copy
 * and the library call: A records are most of a big zone (issue 6). */
static bool ipv4_from_text(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;
	for (int octet = 0; octet < 4; octet++) {
		if (octet > 0 && (i >= len || s[i++] != '.'))
			return false;
		size_t start = i;
		unsigned v = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return false;
		out[octet] = (uint8_t)v;
	}
	return i == len;
}

static int parse_addr(struct tparse *p, uint8_t kind, const struct ans_token *t)
{
	char text[64];
	uint8_t addr[16];
	int af = kind == RDF_A ? AF_INET : AF_INET6;
	if (af == AF_INET) {
		if (!ipv4_from_text(t->text, t->len, addr))
			return expected(p, "an IPv4 address", t);
		ans_wire_write_bytes(&p->out, addr, 4);
		return ANS_OK;
	}
	if (t->len >= sizeof(text))
		return expected(p, af == AF_INET ? "an IPv4 address" : "an IPv6 address", t);
	memcpy(text, t->text, t->len);
	text[t->len] = '\0';
	if (inet_pton(af, text, addr) != 1)
		return expected(p, af == AF_INET ? "an IPv4 address" : "an IPv6 address", t);
	ans_wire_write_bytes(&p->out, addr, af == AF_INET ? 4 : 16);
	return ANS_OK;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* L64/NID "xxxx:xxxx:xxxx:xxxx" (RFC 6742 §2.3) and EUI "xx-xx-..." (RFC
 * 7043 §3.2, exactly two digits per group). */
static int parse_groups(struct tparse *p, uint8_t kind, const struct ans_token *t)
{
	bool l64 = kind == RDF_L64;
	unsigned groups = l64 ? 4 : kind == RDF_EUI48 ? 6 : 8;
	char sep = l64 ? ':' : '-';
	size_t pos = 0;
	for (unsigned g = 0; g < groups; g++) {
		unsigned v = 0, digits = 0;
		for (; pos < t->len && hex_digit(t->text[pos]) >= 0; pos++, digits++)
			v = v * 16 + (unsigned)hex_digit(t->text[pos]);
		bool last = g + 1 == groups;
		if (digits == 0 || digits > (l64 ? 4u : 2u) || (!l64 && digits != 2) ||
		    (last ? pos != t->len : (pos >= t->len || t->text[pos++] != sep)))
			return expected(p, l64 ? "a 64-bit locator (x:x:x:x)" :
					"an EUI address (xx-xx-...)", t);
		if (l64)
			ans_wire_write_u16(&p->out, (uint16_t)v);
		else
			ans_wire_write_u8(&p->out, (uint8_t)v);
	}
	return ANS_OK;
}

/* One char-string: escapes decoded, at most 255 bytes (RFC 1035 §3.3). */
static int parse_string(struct tparse *p, const struct ans_token *t, bool with_len)
{
	uint8_t s[256];
	size_t len;
	int ret = text_unescape(t->text, t->len, s, with_len ? 255 : sizeof(s), &len);
	if (ret == ANS_ELIMIT && with_len)
		return fail(p, ANS_ELIMIT, "%s string longer than 255 bytes", p->d->name);
	if (ret != ANS_OK)
		return expected(p, "a character string", t);
	if (with_len)
		ans_wire_write_u8(&p->out, (uint8_t)len);
	ans_wire_write_bytes(&p->out, s, len);
	return ANS_OK;
}

static int parse_rest_string(struct tparse *p, const struct ans_token *t)
{
	size_t len;
	int ret = text_unescape(t->text, t->len, p->out.base + p->out.pos,
				ans_wire_avail(&p->out), &len);
	if (ret != ANS_OK)
		return ret == ANS_ELIMIT ? ANS_ESPACE : expected(p, "a character string", t);
	p->out.pos += len;
	return ANS_OK;
}

static int parse_tag(struct tparse *p, const struct ans_token *t)
{
	size_t start = p->out.pos;
	int ret = parse_string(p, t, true);
	if (ret != ANS_OK || p->out.err)
		return ret;
	if (rdf_span(RDF_TAG, p->out.base + start, p->out.pos - start) < 0)
		return expected(p, "a tag of letters and digits", t);
	return ANS_OK;
}

/* Base64 or hex over all remaining tokens (keys and digests are often split
 * over lines); at least one token. */
static int parse_blob(struct tparse *p, uint8_t kind, const struct ans_token *first)
{
	struct ans_b2b d;
	ans_b2b_init(&d, p->out.base + p->out.pos, ans_wire_avail(&p->out));
	bool b64 = kind == RDF_B64;
	for (const struct ans_token *t = first; t; t = take(p)) {
		if (b64)
			ans_b64_feed(&d, t->text, t->len);
		else
			ans_hex_feed(&d, t->text, t->len);
	}
	int ret = b64 ? ans_b64_end(&d) : ans_hex_end(&d);
	if (ret == ANS_ESPACE)
		return fail(p, ANS_ESPACE, "rdata too long");
	if (ret != ANS_OK)
		return expected(p, b64 ? "base64 data" : "hex data", first);
	p->out.pos += d.len;
	return ANS_OK;
}

/* NSEC3 salt (RFC 5155 §3.3): "-" for none, else hex, up to 255 bytes. */
static int parse_hex8(struct tparse *p, const struct ans_token *t)
{
	uint8_t salt[255];
	struct ans_b2b d;
	ans_b2b_init(&d, salt, sizeof(salt));
	if (!(t->len == 1 && t->text[0] == '-')) {
		ans_hex_feed(&d, t->text, t->len);
		if (ans_hex_end(&d) != ANS_OK || d.len == 0)
			return expected(p, "a hex salt or '-'", t);
	}
	ans_wire_write_u8(&p->out, (uint8_t)d.len);
	ans_wire_write_bytes(&p->out, salt, d.len);
	return ANS_OK;
}

static int parse_b32(struct tparse *p, const struct ans_token *t)
{
	uint8_t hash[255];
	size_t len;
	if (ans_b32hex_decode(t->text, t->len, hash, sizeof(hash), &len) != ANS_OK ||
	    len == 0)
		return expected(p, "a base32hex hash", t);
	ans_wire_write_u8(&p->out, (uint8_t)len);
	ans_wire_write_bytes(&p->out, hash, len);
	return ANS_OK;
}

/* RFC 4034 §4.1.2: one window per 256 types, each as long as its highest
 * set bit needs. Collected in a bitmap of all 65536 types first, since the
 * list may come in any order. */
static int parse_bitmap(struct tparse *p, const struct ans_token *first)
{
	uint8_t bits[8192];
	memset(bits, 0, sizeof(bits));
	for (const struct ans_token *t = first; t; t = take(p)) {
		uint16_t type;
		if (ans_rrtype_from_text(t->text, t->len, &type) != ANS_OK)
			return expected(p, "a record type", t);
		bits[type / 8] |= (uint8_t)(0x80 >> (type % 8));
	}
	for (unsigned win = 0; win < 256; win++) {
		const uint8_t *w = bits + win * 32;
		unsigned len = 32;
		while (len > 0 && w[len - 1] == 0)
			len--;
		if (len == 0)
			continue;
		ans_wire_write_u8(&p->out, (uint8_t)win);
		ans_wire_write_u8(&p->out, (uint8_t)len);
		ans_wire_write_bytes(&p->out, w, len);
	}
	return ANS_OK;
}

static bool takes_rest(uint8_t kind)
{
	return kind == RDF_STRS || kind == RDF_B64 || kind == RDF_HEX ||
	       kind == RDF_BITMAP || kind == RDF_SVCB;
}

static int parse_field(struct tparse *p, uint8_t kind, const struct ans_token *t)
{
	switch (kind) {
	case RDF_NAME: return parse_name(p, t);
	case RDF_U8: case RDF_U16: case RDF_U32: case RDF_TTL: case RDF_TIME:
		return parse_number(p, kind, t);
	case RDF_TYPE: case RDF_CERTTYPE: return parse_type(p, kind, t);
	case RDF_SECALG: return parse_secalg(p, t);
	case RDF_A: case RDF_AAAA: return parse_addr(p, kind, t);
	case RDF_L64: case RDF_EUI48: case RDF_EUI64: return parse_groups(p, kind, t);
	case RDF_STR: return parse_string(p, t, true);
	case RDF_STRS:
		for (; t; t = take(p)) {
			int ret = parse_string(p, t, true);
			if (ret != ANS_OK)
				return ret;
		}
		return ANS_OK;
	case RDF_TAG: return parse_tag(p, t);
	case RDF_QREST: return parse_rest_string(p, t);
	case RDF_B64: case RDF_HEX: return parse_blob(p, kind, t);
	case RDF_HEX8: return parse_hex8(p, t);
	case RDF_B32: return parse_b32(p, t);
	case RDF_BITMAP: return parse_bitmap(p, t);
	case RDF_SVCB:
		p->next--;  /* hand all remaining tokens over, the first included */
		return svcb_params_from_text(p->tok + p->next, p->ntok - p->next,
					     &p->out, p->err, p->err_size);
	default: return fail(p, ANS_ESYNTAX, "unsupported field");
	}
}

static int parse_typed(struct tparse *p)
{
	const uint8_t *f = p->d->fields;
	for (p->field = 0; f[p->field] != RDF_END; p->field++) {
		uint8_t kind = f[p->field];
		const struct ans_token *t = take(p);
		/* Empty lists: NSEC3 and CSYNC bitmaps, SVCB params. */
		if (!t && (kind == RDF_BITMAP || kind == RDF_SVCB))
			continue;
		if (!t) {
			char label[48];
			rdesc_label(p->d, p->field, label, sizeof(label));
			return fail(p, ANS_ESYNTAX, "missing %s", label);
		}
		int ret = parse_field(p, kind, t);
		if (ret == ANS_OK && p->out.err)
			ret = fail(p, p->out.err, "rdata too long");
		if (ret != ANS_OK)
			return ret;
		if (takes_rest(kind))
			p->next = p->ntok;
	}
	if (p->next < p->ntok) {
		const struct ans_token *t = &p->tok[p->next];
		return fail(p, ANS_ESYNTAX, "unexpected '%.*s' after %s rdata",
			    (int)(t->len > 64 ? 64 : t->len), t->text, p->d->name);
	}
	return ANS_OK;
}

/* RFC 3597 §5: `\#`, the length in decimal, then that many bytes in hex. */
static int parse_generic(struct tparse *p, uint16_t type)
{
	const struct ans_token *t = take(p);
	uint32_t len;
	if (!t || ans_u32_parse(t->text, t->len, ANS_RDATA_MAX, &len) != ANS_OK)
		return fail(p, ANS_ESYNTAX, "expected the rdata length after \\#");
	struct ans_b2b d;
	ans_b2b_init(&d, p->out.base, p->out.len);
	while ((t = take(p)) != NULL)
		ans_hex_feed(&d, t->text, t->len);
	int ret = ans_hex_end(&d);
	if (ret == ANS_ESPACE)
		return fail(p, ANS_ESPACE, "rdata too long");
	if (ret != ANS_OK)
		return fail(p, ANS_ESYNTAX, "expected hex data after \\# %u", len);
	if (d.len != len)
		return fail(p, ANS_ESYNTAX, "\\# length %u does not match %zu bytes of data",
			    len, d.len);
	p->out.pos = d.len;
	if (ans_rdata_check(type, p->out.base, d.len) != ANS_OK) {
		char name[16];
		if (ans_rrtype_to_text(type, name, sizeof(name)) < 0)
			name[0] = '\0';
		return fail(p, ANS_ESYNTAX, "\\# data is not valid %s rdata", name);
	}
	return ANS_OK;
}

int ans_rdata_from_text(uint16_t type, const struct ans_token *tok, size_t ntok,
			const uint8_t *origin, uint8_t *out, size_t out_size,
			size_t *out_len, char *errbuf, size_t errbuf_size)
{
	struct tparse p = {
		.tok = tok, .ntok = ntok, .origin = origin, .d = rdesc_find(type),
		.out = ans_wire_init(out, out_size < ANS_RDATA_MAX ? out_size : ANS_RDATA_MAX),
		.err = errbuf, .err_size = errbuf_size,
	};
	if (errbuf_size)
		errbuf[0] = '\0';
	int ret;
	if (ntok > 0 && !tok[0].quoted && tok[0].len == 2 &&
	    memcmp(tok[0].text, "\\#", 2) == 0) {
		p.next = 1;
		ret = parse_generic(&p, type);
	} else if (p.d && p.d->fields[0] != RDF_END) {
		ret = parse_typed(&p);
	} else {
		char name[16];
		if (ans_rrtype_to_text(type, name, sizeof(name)) < 0)
			name[0] = '\0';
		ret = fail(&p, ANS_ESYNTAX, "expected \\# rdata for %s", name);
	}
	if (ret != ANS_OK)
		return ret;
	*out_len = p.out.pos;
	return ANS_OK;
}

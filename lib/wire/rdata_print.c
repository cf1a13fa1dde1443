/* SPDX-License-Identifier: MIT */
/*
 * Stored rdata to presentation form, as BIND 9.18 prints it (named-checkzone
 * -D, dig): names absolute, char-strings always quoted with '"' and '\'
 * escaped and non-printables as \DDD, digests in uppercase hex and keys in
 * base64, both cut into chunks of 56 characters separated by spaces, RRSIG
 * times as YYYYMMDDHHmmSS, AAAA in RFC 5952 form (inet_ntop).
 *
 * Rdata that our typed form cannot carry back (a type without fields here,
 * or an empty key or digest) is printed in the RFC 3597 form `\# len hex`,
 * so that every printed rdata reads back to the same bytes.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/wire/codec.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rdata_desc.h"

#define CHUNK_CHARS 56

void tp_put(struct tprint *t, const char *s, size_t n)
{
	if (t->err)
		return;
	if (t->size - t->len <= n) {
		t->err = ANS_ESPACE;
		return;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

void tp_printf(struct tprint *t, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		t->err = ANS_ESPACE;
		return;
	}
	tp_put(t, tmp, (size_t)n);
}

void tp_escaped(struct tprint *t, const uint8_t *s, size_t n, const char *extra)
{
	for (size_t i = 0; i < n && !t->err; i++) {
		uint8_t c = s[i];
		if (c < 0x20 || c > 0x7e)
			tp_printf(t, "\\%03u", c);
		else if (c == '"' || c == '\\' || (extra[0] && strchr(extra, c)))
			tp_printf(t, "\\%c", c);
		else
			tp_put(t, (const char *)&c, 1);
	}
}

/* Encodes in pieces that fill one chunk each (42 bytes of base64, 28 of
 * hex, both 56 characters), so no scratch buffer of rdata size is needed. */
static void put_encoded(struct tprint *t, const uint8_t *p, size_t n, bool spaced,
			bool b64)
{
	size_t piece = b64 ? 42 : 28;
	char text[CHUNK_CHARS + 8];
	for (size_t pos = 0; pos < n && !t->err; pos += piece) {
		size_t len = n - pos < piece ? n - pos : piece;
		int out = b64 ? ans_b64_encode(p + pos, len, text, sizeof(text))
			      : ans_hex_encode(p + pos, len, text, sizeof(text));
		if (pos && spaced)
			tp_put(t, " ", 1);
		if (out >= 0)
			tp_put(t, text, (size_t)out);
	}
}

void tp_base64(struct tprint *t, const uint8_t *p, size_t n)
{
	put_encoded(t, p, n, false, true);
}

static void put_string(struct tprint *t, const uint8_t *p, size_t n)
{
	tp_put(t, "\"", 1);
	tp_escaped(t, p, n, "");
	tp_put(t, "\"", 1);
}

static void put_type(struct tprint *t, uint16_t type)
{
	char name[16];
	if (ans_rrtype_to_text(type, name, sizeof(name)) > 0)
		tp_put(t, name, strlen(name));
}

static void put_bitmap(struct tprint *t, const uint8_t *p, size_t n)
{
	bool first = true;
	for (size_t pos = 0; pos + 2 <= n; pos += 2 + (size_t)p[pos + 1]) {
		for (unsigned bit = 0; bit < p[pos + 1] * 8u; bit++) {
			if (!(p[pos + 2 + bit / 8] & (0x80 >> (bit % 8))))
				continue;
			if (!first)
				tp_put(t, " ", 1);
			first = false;
			put_type(t, (uint16_t)(p[pos] * 256 + bit));
		}
	}
}

static const char *const cert_types[] = {
	[1] = "PKIX", [2] = "SPKI", [3] = "PGP", [4] = "IPKIX", [5] = "ISPKI",
	[6] = "IPGP", [7] = "ACPKIX", [8] = "IACPKIX",
};

/* RFC 4398 §2.1 mnemonics, as BIND prints them. */
static void put_certtype(struct tprint *t, uint16_t v)
{
	if (v < 9 && cert_types[v])
		tp_printf(t, "%s", cert_types[v]);
	else if (v == 253)
		tp_printf(t, "URI");
	else if (v == 254)
		tp_printf(t, "OID");
	else
		tp_printf(t, "%u", v);
}

const char *rdf_certtype_name(uint16_t v)
{
	return v < 9 ? cert_types[v] : v == 253 ? "URI" : v == 254 ? "OID" : NULL;
}

static const char *const secalgs[] = {
	[1] = "RSAMD5", [2] = "DH", [3] = "DSA", [5] = "RSASHA1",
	[6] = "NSEC3DSA", [7] = "NSEC3RSASHA1", [8] = "RSASHA256",
	[10] = "RSASHA512", [12] = "ECCGOST", [13] = "ECDSAP256SHA256",
	[14] = "ECDSAP384SHA384", [15] = "ED25519", [16] = "ED448",
	[252] = "INDIRECT", [253] = "PRIVATEDNS", [254] = "PRIVATEOID",
};

const char *rdf_secalg_name(uint8_t v)
{
	return v < sizeof(secalgs) / sizeof(secalgs[0]) ? secalgs[v] : NULL;
}

static void put_addr(struct tprint *t, int af, const uint8_t *p)
{
	char text[INET6_ADDRSTRLEN];
	if (!inet_ntop(af, p, text, sizeof(text)))
		t->err = ANS_EMALF;
	else
		tp_put(t, text, strlen(text));
}

static void put_groups(struct tprint *t, const uint8_t *p, unsigned n, bool l64)
{
	for (unsigned i = 0; i < n; i++) {
		if (l64)
			tp_printf(t, i ? ":%x" : "%x", ans_get_u16(p + 2 * i));
		else
			tp_printf(t, i ? "-%02x" : "%02x", p[i]);
	}
}

static void put_field(struct tprint *t, uint8_t kind, const uint8_t *p, size_t n)
{
	char text[ANS_NAME_TEXT_MAX];
	switch (kind) {
	case RDF_NAME:
		if (ans_name_to_text(p, text, sizeof(text)) < 0)
			t->err = ANS_ESPACE;
		else
			tp_put(t, text, strlen(text));
		break;
	case RDF_U8: tp_printf(t, "%u", p[0]); break;
	case RDF_U16: tp_printf(t, "%u", ans_get_u16(p)); break;
	case RDF_U32: case RDF_TTL: tp_printf(t, "%u", ans_get_u32(p)); break;
	case RDF_TIME:
		ans_time_print(ans_get_u32(p), text);
		tp_put(t, text, 14);
		break;
	case RDF_TYPE: put_type(t, ans_get_u16(p)); break;
	case RDF_CERTTYPE: put_certtype(t, ans_get_u16(p)); break;
	case RDF_SECALG:
		if (rdf_secalg_name(p[0]))
			tp_printf(t, "%s", rdf_secalg_name(p[0]));
		else
			tp_printf(t, "%u", p[0]);
		break;
	case RDF_A: put_addr(t, AF_INET, p); break;
	case RDF_AAAA: put_addr(t, AF_INET6, p); break;
	case RDF_L64: put_groups(t, p, 4, true); break;
	case RDF_EUI48: put_groups(t, p, 6, false); break;
	case RDF_EUI64: put_groups(t, p, 8, false); break;
	case RDF_STR: put_string(t, p + 1, p[0]); break;
	case RDF_STRS:
		for (size_t pos = 0; pos < n; pos += 1 + (size_t)p[pos]) {
			if (pos)
				tp_put(t, " ", 1);
			put_string(t, p + pos + 1, p[pos]);
		}
		break;
	case RDF_TAG: tp_put(t, (const char *)p + 1, p[0]); break;
	case RDF_QREST: put_string(t, p, n); break;
	case RDF_B64: put_encoded(t, p, n, true, true); break;
	case RDF_HEX: put_encoded(t, p, n, true, false); break;
	case RDF_HEX8:
		if (p[0] == 0)
			tp_put(t, "-", 1);
		else
			put_encoded(t, p + 1, p[0], false, false);
		break;
	case RDF_B32:
		if (ans_b32hex_encode(p + 1, p[0], text, sizeof(text)) >= 0)
			tp_put(t, text, strlen(text));
		break;
	case RDF_BITMAP: put_bitmap(t, p, n); break;
	default: t->err = ANS_EMALF; break;
	}
}

/* RFC 3597 §5: `\# len hex`, `\# 0` when empty. */
static void put_generic(struct tprint *t, const uint8_t *rdata, size_t rdlen)
{
	tp_printf(t, "\\# %zu", rdlen);
	if (rdlen == 0)
		return;
	tp_put(t, " ", 1);
	put_encoded(t, rdata, rdlen, true, false);
}

/* Whether the typed form reads back: keys and digests must not be empty. */
static bool typed_form_fits(const struct rdesc *d, const uint8_t *rdata, size_t rdlen)
{
	size_t pos = 0;
	for (const uint8_t *f = d->fields; *f != RDF_END; f++) {
		int n = rdf_span(*f, rdata + pos, rdlen - pos);
		if ((*f == RDF_B64 || *f == RDF_HEX) && n == 0)
			return false;
		pos += (size_t)n;
	}
	return true;
}

static void put_typed(struct tprint *t, const struct rdesc *d,
		      const uint8_t *rdata, size_t rdlen)
{
	size_t pos = 0;
	for (const uint8_t *f = d->fields; *f != RDF_END && !t->err; f++) {
		int n = rdf_span(*f, rdata + pos, rdlen - pos);
		if (*f == RDF_SVCB) {
			svcb_params_print(t, rdata + pos, (size_t)n);
		} else if (!(*f == RDF_BITMAP && n == 0)) {
			if (f != d->fields)
				tp_put(t, " ", 1);
			put_field(t, *f, rdata + pos, (size_t)n);
		}
		pos += (size_t)n;
	}
}

int ans_rdata_to_text(uint16_t type, const uint8_t *rdata, size_t rdlen,
		      char *buf, size_t size)
{
	struct tprint t = { .buf = buf, .size = size, .len = 0, .err = ANS_OK };
	if (size == 0)
		return ANS_ESPACE;
	buf[0] = '\0';
	const struct rdesc *d = rdesc_find(type);
	bool typed = d && d->fields[0] != RDF_END;
	if (typed && ans_rdata_check(type, rdata, rdlen) != ANS_OK)
		return ANS_EMALF;
	if (typed && typed_form_fits(d, rdata, rdlen))
		put_typed(&t, d, rdata, rdlen);
	else
		put_generic(&t, rdata, rdlen);
	return t.err ? t.err : (int)t.len;
}

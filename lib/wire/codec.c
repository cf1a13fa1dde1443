/* SPDX-License-Identifier: MIT */
/*
 * Text codecs for rdata: TTL units, decimal numbers, RRSIG times, base64,
 * base32hex and hex. Decoders are strict (BIND and Knot reject the same
 * inputs): no stray characters, complete groups, padding only at the end.
 */
#include "lib/wire/codec.h"

#include <string.h>

static int unit_seconds(char c)
{
	switch (c | 0x20) {
	case 's': return 1;
	case 'm': return 60;
	case 'h': return 3600;
	case 'd': return 86400;
	case 'w': return 604800;
	default: return 0;
	}
}

int ans_u32_parse(const char *text, size_t len, uint32_t max, uint32_t *v)
{
	if (len == 0)
		return ANS_ESYNTAX;
	uint64_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return ANS_ESYNTAX;
		n = n * 10 + (uint64_t)(text[i] - '0');
		if (n > max)
			return ANS_ERANGE;
	}
	*v = (uint32_t)n;
	return ANS_OK;
}

/* "1h30m": digits then a unit, repeated. A plain number is seconds; a number
 * without unit after a unit is an error, as in BIND. */
int ans_ttl_parse(const char *text, size_t len, uint32_t *ttl)
{
	if (len == 0)
		return ANS_ESYNTAX;
	uint64_t total = 0, cur = 0;
	bool digits = false, units = false;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c >= '0' && c <= '9') {
			cur = cur * 10 + (uint64_t)(c - '0');
			if (cur > UINT32_MAX)
				return ANS_ERANGE;
			digits = true;
			continue;
		}
		int mult = unit_seconds(c);
		if (!mult || !digits)
			return ANS_ESYNTAX;
		total += cur * (uint64_t)mult;
		if (total > UINT32_MAX)
			return ANS_ERANGE;
		cur = 0;
		digits = false;
		units = true;
	}
	if (digits && units)
		return ANS_ESYNTAX;
	total += cur;
	if (total > UINT32_MAX)
		return ANS_ERANGE;
	*ttl = (uint32_t)total;
	return ANS_OK;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's method). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static unsigned digits_at(const char *p, unsigned n)
{
	unsigned v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v * 10 + (unsigned)(p[i] - '0');
	return v;
}

static bool is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(unsigned y, unsigned m)
{
	static const unsigned char md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return md[m - 1] + (m == 2 && is_leap(y));
}

/* RFC 4034 §3.2: the 14-digit form is a UTC date; values past 2106 wrap
 * modulo 2^32 (serial number arithmetic, RFC 1982). */
int ans_time_parse(const char *text, size_t len, uint32_t *t)
{
	if (len != 14)
		return ans_u32_parse(text, len, UINT32_MAX, t);
	for (size_t i = 0; i < len; i++)
		if (text[i] < '0' || text[i] > '9')
			return ANS_ESYNTAX;
	unsigned y = digits_at(text, 4), mo = digits_at(text + 4, 2);
	unsigned d = digits_at(text + 6, 2), h = digits_at(text + 8, 2);
	unsigned mi = digits_at(text + 10, 2), s = digits_at(text + 12, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) ||
	    h > 23 || mi > 59 || s > 60)
		return ANS_ERANGE;
	int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	*t = (uint32_t)((uint64_t)secs & UINT32_MAX);
	return ANS_OK;
}

void ans_time_print(uint32_t t, char buf[15])
{
	int64_t z = t / 86400 + 719468;
	unsigned secs = t % 86400;
	int64_t era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	unsigned y = (unsigned)(yoe + era * 400) + (m <= 2);
	unsigned v[6] = { y, m, d, secs / 3600, secs / 60 % 60, secs % 60 };
	unsigned w[6] = { 4, 2, 2, 2, 2, 2 };
	char *p = buf;
	for (int i = 0; i < 6; i++) {
		for (unsigned k = w[i]; k-- > 0; v[i] /= 10)
			p[k] = (char)('0' + v[i] % 10);
		p += w[i];
	}
	buf[14] = '\0';
}

void ans_b2b_init(struct ans_b2b *d, uint8_t *out, size_t size)
{
	memset(d, 0, sizeof(*d));
	d->out = out;
	d->size = size;
}

static void b2b_put(struct ans_b2b *d, uint8_t byte)
{
	if (d->err)
		return;
	if (d->len >= d->size) {
		d->err = ANS_ESPACE;
		return;
	}
	d->out[d->len++] = byte;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Groups of four characters give three bytes; "xx==" gives one and "xxx="
 * two, and nothing may follow padding (RFC 4648 §4). */
static void b64_char(struct ans_b2b *d, char c)
{
	if (c == '=') {
		if (d->nchars < 2) {
			d->err = ANS_ESYNTAX;
			return;
		}
		d->npad++;
		d->acc <<= 6;
	} else {
		int v = b64_value(c);
		if (v < 0 || d->npad || d->done) {
			d->err = ANS_ESYNTAX;
			return;
		}
		d->acc = d->acc << 6 | (uint32_t)v;
	}
	if (++d->nchars < 4)
		return;
	b2b_put(d, (uint8_t)(d->acc >> 16));
	if (d->npad < 2)
		b2b_put(d, (uint8_t)(d->acc >> 8));
	if (d->npad < 1)
		b2b_put(d, (uint8_t)d->acc);
	d->done = d->npad > 0;
	d->nchars = d->npad = 0;
	d->acc = 0;
}

void ans_b64_feed(struct ans_b2b *d, const char *text, size_t len)
{
	for (size_t i = 0; i < len && !d->err; i++)
		if (!is_space(text[i]))
			b64_char(d, text[i]);
}

int ans_b64_end(struct ans_b2b *d)
{
	if (!d->err && d->nchars)
		d->err = ANS_ESYNTAX;
	return d->err;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

void ans_hex_feed(struct ans_b2b *d, const char *text, size_t len)
{
	for (size_t i = 0; i < len && !d->err; i++) {
		if (is_space(text[i]))
			continue;
		int v = hex_value(text[i]);
		if (v < 0) {
			d->err = ANS_ESYNTAX;
			return;
		}
		d->acc = d->acc << 4 | (uint32_t)v;
		if (++d->nchars == 2) {
			b2b_put(d, (uint8_t)d->acc);
			d->acc = 0;
			d->nchars = 0;
		}
	}
}

int ans_hex_end(struct ans_b2b *d)
{
	if (!d->err && d->nchars)
		d->err = ANS_ESYNTAX;
	return d->err;
}

static int b32hex_value(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'v') return c - 'a' + 10;
	return -1;
}

/* Eight characters carry five bytes. A last partial group must be one of
 * the lengths RFC 4648 §6 allows (2, 4, 5, 7) and its unused bits zero. */
int ans_b32hex_decode(const char *text, size_t len, uint8_t *out, size_t size,
		      size_t *out_len)
{
	uint64_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		int v = b32hex_value(text[i]);
		if (v < 0)
			return ANS_ESYNTAX;
		acc = acc << 5 | (uint64_t)v;
		bits += 5;
		if (bits < 8)
			continue;
		if (n >= size)
			return ANS_ESPACE;
		bits -= 8;
		out[n++] = (uint8_t)(acc >> bits);
	}
	unsigned rest = len % 8;
	if (rest == 1 || rest == 3 || rest == 6 || (acc & ((1u << bits) - 1)))
		return ANS_ESYNTAX;
	*out_len = n;
	return ANS_OK;
}

int ans_b64_encode(const uint8_t *in, size_t len, char *buf, size_t size)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t need = (len + 2) / 3 * 4;
	if (need >= size)
		return ANS_ESPACE;
	char *p = buf;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < len) v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len) v |= in[i + 2];
		*p++ = tab[v >> 18 & 63];
		*p++ = tab[v >> 12 & 63];
		*p++ = i + 1 < len ? tab[v >> 6 & 63] : '=';
		*p++ = i + 2 < len ? tab[v & 63] : '=';
	}
	*p = '\0';
	return (int)need;
}

int ans_b32hex_encode(const uint8_t *in, size_t len, char *buf, size_t size)
{
	static const char tab[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
	size_t need = (len * 8 + 4) / 5;
	if (need >= size)
		return ANS_ESPACE;
	uint32_t acc = 0;
	unsigned bits = 0;
	char *p = buf;
	for (size_t i = 0; i < len; i++) {
		acc = acc << 8 | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			*p++ = tab[acc >> bits & 31];
		}
	}
	if (bits)
		*p++ = tab[acc << (5 - bits) & 31];
	*p = '\0';
	return (int)need;
}

int ans_hex_encode(const uint8_t *in, size_t len, char *buf, size_t size)
{
	static const char tab[] = "0123456789ABCDEF";
	if (len * 2 >= size)
		return ANS_ESPACE;
	for (size_t i = 0; i < len; i++) {
		buf[2 * i] = tab[in[i] >> 4];
		buf[2 * i + 1] = tab[in[i] & 15];
	}
	buf[2 * len] = '\0';
	return (int)(len * 2);
}

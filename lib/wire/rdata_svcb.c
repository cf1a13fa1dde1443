/* SPDX-License-Identifier: MIT */
/*
 * SVCB and HTTPS SvcParams (RFC 9460): wire checks, presentation parsing and
 * printing. In wire form the params are (key u16, length u16, value) in
 * strictly increasing key order (§2.2). In text they come in any order as
 * `key=value` or `key`; we sort them and reject duplicates. A value is a
 * char-string (escapes decoded first); for alpn and the address hints it
 * is then a comma list, where alpn items may hold "\," and "\\" (§A.1).
 *
 * `keyNNNNN=value` takes the value's bytes as they are, even for a known
 * key, and the wire check then judges them, as BIND 9.18 does. Printing
 * follows BIND 9.18: known keys 0-6 by name, others (dohpath too) as
 * keyNNNNN="...", empty values as the bare key.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/wire/codec.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rdata_desc.h"

enum {
	KEY_MANDATORY, KEY_ALPN, KEY_NO_DEFAULT_ALPN, KEY_PORT, KEY_IPV4HINT,
	KEY_ECH, KEY_IPV6HINT, KEY_DOHPATH,
};

static const char *const key_names[] = {
	"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech",
	"ipv6hint", "dohpath",
};
#define NAMED_KEYS 8
#define PRINTED_KEYS 7  /* BIND 9.18 prints key7 (dohpath) generically */
#define MAX_PARAMS 64

static bool value_check(uint16_t key, const uint8_t *v, size_t len)
{
	switch (key) {
	case KEY_MANDATORY: return len >= 2 && len % 2 == 0;
	case KEY_NO_DEFAULT_ALPN: return len == 0;
	case KEY_PORT: return len == 2;
	case KEY_IPV4HINT: return len >= 4 && len % 4 == 0;
	case KEY_IPV6HINT: return len >= 16 && len % 16 == 0;
	case KEY_ALPN:
		if (len == 0)
			return false;
		for (size_t pos = 0; pos < len; pos += 1 + (size_t)v[pos])
			if (v[pos] == 0 || len - pos - 1 < v[pos])
				return false;
		return true;
	default: return true;
	}
}

static bool key_present(const uint8_t *p, size_t len, uint16_t key)
{
	for (size_t pos = 0; pos + 4 <= len; pos += 4 + (size_t)ans_get_u16(p + pos + 2))
		if (ans_get_u16(p + pos) == key)
			return true;
	return false;
}

/* §8: mandatory lists present keys in increasing order, never itself;
 * §7.1.1: no-default-alpn only with alpn. Checked on the wire too, so that
 * what we accept from a transfer always prints and reads back. */
static bool self_consistent(const uint8_t *p, size_t len)
{
	if (key_present(p, len, KEY_NO_DEFAULT_ALPN) && !key_present(p, len, KEY_ALPN))
		return false;
	if (len < 4 || ans_get_u16(p) != KEY_MANDATORY)
		return true;
	uint16_t vlen = ans_get_u16(p + 2);
	int prev = KEY_MANDATORY;
	for (size_t i = 0; i < vlen; i += 2) {
		uint16_t k = ans_get_u16(p + 4 + i);
		if ((int)k <= prev || !key_present(p, len, k))
			return false;
		prev = k;
	}
	return true;
}

int svcb_params_check(const uint8_t *p, size_t len)
{
	int prev = -1;
	size_t pos = 0;
	while (pos < len) {
		if (len - pos < 4)
			return ANS_EMALF;
		uint16_t key = ans_get_u16(p + pos), vlen = ans_get_u16(p + pos + 2);
		if ((int)key <= prev || len - pos - 4 < vlen ||
		    !value_check(key, p + pos + 4, vlen))
			return ANS_EMALF;
		prev = key;
		pos += 4 + (size_t)vlen;
	}
	return self_consistent(p, len) ? ANS_OK : ANS_EMALF;
}

/* "alpn", "key65000" -> number. */
static int key_from_text(const char *s, size_t n, uint16_t *key)
{
	for (uint16_t i = 0; i < NAMED_KEYS; i++) {
		if (strlen(key_names[i]) == n && strncmp(key_names[i], s, n) == 0) {
			*key = i;
			return ANS_OK;
		}
	}
	uint32_t v;
	if (n > 3 && strncmp(s, "key", 3) == 0 &&
	    ans_u32_parse(s + 3, n - 3, 65535, &v) == ANS_OK) {
		*key = (uint16_t)v;
		return ANS_OK;
	}
	return ANS_ESYNTAX;
}

struct param {
	uint16_t key;
	bool generic;           /* written keyNNNNN: raw value */
	const char *value;      /* raw text, escapes not yet decoded; NULL if none */
	size_t value_len;
};

/* Splits tokens into params: `key`, `key=value`, `key="value"` (one token)
 * or `key=` followed by a quoted token. */
static int split_params(const struct ans_token *tok, size_t ntok,
			struct param *ps, size_t *np, char *err, size_t err_size)
{
	size_t n = 0;
	for (size_t i = 0; i < ntok; i++) {
		const char *s = tok[i].text, *eq = memchr(s, '=', tok[i].len);
		size_t klen = eq ? (size_t)(eq - s) : tok[i].len;
		if (n == MAX_PARAMS) {
			snprintf(err, err_size, "more than %d SvcParams", MAX_PARAMS);
			return ANS_ELIMIT;
		}
		struct param *p = &ps[n++];
		if (key_from_text(s, klen, &p->key) != ANS_OK) {
			snprintf(err, err_size, "expected an SvcParamKey, got '%.*s'",
				 (int)klen, s);
			return ANS_ESYNTAX;
		}
		p->generic = klen > 3 && strncmp(s, "key", 3) == 0;
		p->value = NULL;
		if (!eq)
			continue;
		p->value = eq + 1;
		p->value_len = tok[i].len - klen - 1;
		if (p->value_len == 0 && i + 1 < ntok && tok[i + 1].quoted) {
			i++;
			p->value = tok[i].text;
			p->value_len = tok[i].len;
		} else if (p->value_len >= 2 && p->value[0] == '"' &&
			   p->value[p->value_len - 1] == '"') {
			p->value++;
			p->value_len -= 2;
		}
	}
	*np = n;
	return ANS_OK;
}

static int cmp_param(const void *a, const void *b)
{
	const struct param *x = a, *y = b;
	return (int)x->key - (int)y->key;
}

/* Next item of a comma list; in alpn, "\," and "\\" stay inside an item. */
static size_t list_item(const uint8_t *v, size_t len, size_t pos, bool escapes,
			uint8_t *item, size_t *ilen)
{
	size_t n = 0;
	while (pos < len && v[pos] != ',') {
		if (escapes && v[pos] == '\\' && pos + 1 < len)
			pos++;
		if (n < 256)
			item[n++] = v[pos];
		pos++;
	}
	*ilen = n;
	return pos;
}

static int value_list(uint16_t key, const uint8_t *v, size_t len,
		      struct ans_wire *out)
{
	uint8_t item[257];
	size_t ilen;
	for (size_t pos = 0; pos <= len; pos++) {
		pos = list_item(v, len, pos, key == KEY_ALPN, item, &ilen);
		item[ilen < 256 ? ilen : 256] = '\0';
		if (key == KEY_ALPN) {
			if (ilen == 0 || ilen > 255)
				return ANS_ESYNTAX;
			ans_wire_write_u8(out, (uint8_t)ilen);
			ans_wire_write_bytes(out, item, ilen);
			continue;
		}
		uint8_t addr[16];
		int af = key == KEY_IPV4HINT ? AF_INET : AF_INET6;
		if (inet_pton(af, (char *)item, addr) != 1)
			return ANS_ESYNTAX;
		ans_wire_write_bytes(out, addr, af == AF_INET ? 4 : 16);
	}
	return ANS_OK;
}

static int value_mandatory(const uint8_t *v, size_t len, struct ans_wire *out)
{
	uint16_t keys[MAX_PARAMS];
	size_t n = 0;
	uint8_t item[257];
	size_t ilen;
	for (size_t pos = 0; pos <= len; pos++) {
		pos = list_item(v, len, pos, false, item, &ilen);
		if (n == MAX_PARAMS || ilen > 256 ||
		    key_from_text((char *)item, ilen, &keys[n]) != ANS_OK ||
		    keys[n] == KEY_MANDATORY)
			return ANS_ESYNTAX;
		n++;
	}
	/* §8: listed in strictly increasing order, no duplicates. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && keys[j - 1] > keys[j]; j--) {
			uint16_t t = keys[j];
			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && keys[i] == keys[i - 1])
			return ANS_ESYNTAX;
		ans_wire_write_u16(out, keys[i]);
	}
	return ANS_OK;
}

static int value_encode(const struct param *p, const uint8_t *v, size_t len,
			struct ans_wire *out)
{
	if (p->generic || p->key > KEY_IPV6HINT) {
		ans_wire_write_bytes(out, v, len);
		return ANS_OK;
	}
	switch (p->key) {
	case KEY_MANDATORY: return value_mandatory(v, len, out);
	case KEY_PORT: {
		uint32_t port;
		if (ans_u32_parse((const char *)v, len, 65535, &port) != ANS_OK)
			return ANS_ESYNTAX;
		ans_wire_write_u16(out, (uint16_t)port);
		return ANS_OK;
	}
	case KEY_ECH: {
		struct ans_b2b d;
		ans_b2b_init(&d, out->base + out->pos, ans_wire_avail(out));
		ans_b64_feed(&d, (const char *)v, len);
		if (ans_b64_end(&d) != ANS_OK)
			return d.err == ANS_ESPACE ? ANS_ESPACE : ANS_ESYNTAX;
		out->pos += d.len;
		return ANS_OK;
	}
	case KEY_NO_DEFAULT_ALPN: return ANS_OK;
	default: return value_list(p->key, v, len, out);
	}
}

static int param_encode(const struct param *p, struct ans_wire *out,
			char *err, size_t err_size)
{
	uint8_t value[ANS_RDATA_MAX];
	size_t vlen = 0;
	if (p->value && text_unescape(p->value, p->value_len, value,
				      sizeof(value), &vlen) != ANS_OK) {
		snprintf(err, err_size, "bad escape in SvcParam value");
		return ANS_ESYNTAX;
	}
	ans_wire_write_u16(out, p->key);
	size_t len_pos = out->pos;
	ans_wire_write_u16(out, 0);
	int ret = value_encode(p, value, vlen, out);
	if (ret == ANS_OK && !out->err &&
	    !value_check(p->key, out->base + len_pos + 2, out->pos - len_pos - 2))
		ret = ANS_ESYNTAX;
	if (ret == ANS_ESYNTAX)
		snprintf(err, err_size, "bad value for SvcParam key%u", p->key);
	if (ret != ANS_OK || out->err)
		return ret ? ret : out->err;
	ans_put_u16(out->base + len_pos, (uint16_t)(out->pos - len_pos - 2));
	return ANS_OK;
}

static bool has_key(const struct param *ps, size_t n, uint16_t key)
{
	for (size_t i = 0; i < n; i++)
		if (ps[i].key == key)
			return true;
	return false;
}

/* §8: every key listed in mandatory must be present. */
static int mandatory_present(const struct param *ps, size_t n,
			     const uint8_t *wire, size_t len, char *err,
			     size_t err_size)
{
	for (size_t pos = 0; pos + 4 <= len;) {
		uint16_t key = ans_get_u16(wire + pos), vlen = ans_get_u16(wire + pos + 2);
		for (size_t i = 0; key == KEY_MANDATORY && i + 1 < (size_t)vlen + 1; i += 2) {
			uint16_t k = ans_get_u16(wire + pos + 4 + i);
			if (!has_key(ps, n, k)) {
				snprintf(err, err_size, "mandatory key%u is missing", k);
				return ANS_ESYNTAX;
			}
		}
		pos += 4 + (size_t)vlen;
	}
	return ANS_OK;
}

int svcb_params_from_text(const struct ans_token *tok, size_t ntok,
			  struct ans_wire *out, char *err, size_t err_size)
{
	struct param ps[MAX_PARAMS];
	size_t n;
	int ret = split_params(tok, ntok, ps, &n, err, err_size);
	if (ret != ANS_OK)
		return ret;
	qsort(ps, n, sizeof(ps[0]), cmp_param);
	size_t start = out->pos;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && ps[i].key == ps[i - 1].key) {
			snprintf(err, err_size, "duplicate SvcParam key%u", ps[i].key);
			return ANS_ESYNTAX;
		}
		ret = param_encode(&ps[i], out, err, err_size);
		if (ret != ANS_OK)
			return ret;
	}
	/* §7.1.1: no-default-alpn without alpn is not self-consistent. */
	if (has_key(ps, n, KEY_NO_DEFAULT_ALPN) && !has_key(ps, n, KEY_ALPN)) {
		snprintf(err, err_size, "no-default-alpn needs an alpn SvcParam");
		return ANS_ESYNTAX;
	}
	return mandatory_present(ps, n, out->base + start, out->pos - start,
				 err, err_size);
}

static void print_list(struct tprint *t, uint16_t key, const uint8_t *v, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	size_t step = key == KEY_MANDATORY ? 2 : key == KEY_IPV4HINT ? 4 : 16;
	for (size_t pos = 0; pos + step <= len; pos += step) {
		if (pos)
			tp_put(t, ",", 1);
		if (key == KEY_MANDATORY) {
			uint16_t k = ans_get_u16(v + pos);
			if (k < PRINTED_KEYS)
				tp_printf(t, "%s", key_names[k]);
			else
				tp_printf(t, "key%u", k);
			continue;
		}
		inet_ntop(step == 4 ? AF_INET : AF_INET6, v + pos, addr, sizeof(addr));
		tp_printf(t, "%s", addr);
	}
}

static void print_value(struct tprint *t, uint16_t key, const uint8_t *v, size_t len)
{
	if (key == KEY_ALPN) {
		tp_put(t, "\"", 1);
		for (size_t pos = 0; pos < len; pos += 1 + (size_t)v[pos]) {
			if (pos)
				tp_put(t, ",", 1);
			/* Two levels: "\," inside the item, then char-string escaping. */
			for (size_t i = 0; i < v[pos]; i++) {
				uint8_t c = v[pos + 1 + i];
				if (c == ',' || c == '\\')
					tp_put(t, "\\\\", 2);
				tp_escaped(t, &c, 1, "");
			}
		}
		tp_put(t, "\"", 1);
	} else if (key == KEY_PORT) {
		tp_printf(t, "%u", ans_get_u16(v));
	} else if (key == KEY_ECH) {
		tp_base64(t, v, len);
	} else if (key < PRINTED_KEYS) {
		print_list(t, key, v, len);
	} else {
		tp_put(t, "\"", 1);
		tp_escaped(t, v, len, "");
		tp_put(t, "\"", 1);
	}
}

/* Assumes checked params (svcb_params_check). */
void svcb_params_print(struct tprint *t, const uint8_t *p, size_t len)
{
	for (size_t pos = 0; pos + 4 <= len;) {
		uint16_t key = ans_get_u16(p + pos), vlen = ans_get_u16(p + pos + 2);
		if (key < PRINTED_KEYS)
			tp_printf(t, " %s", key_names[key]);
		else
			tp_printf(t, " key%u", key);
		if (vlen > 0) {
			tp_put(t, "=", 1);
			print_value(t, key, p + pos + 4, vlen);
		}
		pos += 4 + (size_t)vlen;
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the lib/xfr tests: zones from text, canonical text of a zone
 * (to compare zones), and whole transfers run into a list of messages.
 */
#ifndef ANS_TEST_XFR_UTIL_H
#define ANS_TEST_XFR_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/wire/rdata.h"
#include "lib/xfr/axfr_out.h"
#include "lib/xfr/changeset.h"
#include "lib/xfr/xfr_in.h"
#include "lib/xfr/zonemd.h"
#include "lib/zone/check.h"
#include "lib/zone/parser.h"
#include "tests/unit/zone_text.h"

#define XORIGIN ((const uint8_t *)"\007example\003com")

/* Parses text into a snapshot (checks not run); NULL on error. */
static inline struct ans_zone *zone_from_text_at(const char *text, const uint8_t *origin)
{
	return test_zone_from_text(text, strlen(text), origin);
}

static inline struct ans_zone *zone_from_text(const char *text)
{
	return zone_from_text_at(text, XORIGIN);
}

/* Canonical text of a zone: "owner ttl type rdata\n" per RR, in canonical
 * order. Caller frees. */
static inline char *zone_text(const struct ans_zone *z)
{
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap), *line = malloc(70000);
	struct ans_zone_cursor it;
	struct ans_xfr_rr rr;
	ans_zone_cursor_init(&it, z);
	while (ans_zone_cursor_next(&it, &rr)) {
		char name[ANS_NAME_TEXT_MAX], type[16], rd[65536];
		if (ans_name_to_text(rr.owner, name, sizeof(name)) < 0 ||
		    ans_rrtype_to_text(rr.type, type, sizeof(type)) < 0 ||
		    ans_rdata_to_text(rr.type, rr.rdata, rr.rdlen, rd, sizeof(rd)) < 0)
			abort();
		int n = snprintf(line, 70000, "%s %u %s %s\n", name, rr.ttl, type, rd);
		while (len + (size_t)n + 1 > cap)
			out = realloc(out, cap *= 2);
		memcpy(out + len, line, (size_t)n + 1);
		len += (size_t)n;
	}
	out[len] = 0;
	free(line);
	return out;
}

/* Two zones are the same: the same canonical text and the same ZONEMD
 * digest (RFC 8976 scheme 1 with hash algorithm `hash`: 1 SHA-384, 2
 * SHA-512), so both the dump and the digest code must agree. */
static inline void assert_same_zone_hash(const struct ans_zone *a,
					 const struct ans_zone *b, uint8_t hash)
{
	char *ta = zone_text(a), *tb = zone_text(b);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	uint8_t da[64], db[64];
	size_t la, lb;
	assert_int_equal(ans_zonemd_digest(a, 1, hash, da, &la), ANS_OK);
	assert_int_equal(ans_zonemd_digest(b, 1, hash, db, &lb), ANS_OK);
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
}

/* A list of messages, as a transfer sends them. */
struct msgs {
	uint8_t *m[4096];
	size_t len[4096];
	size_t count;
};

static inline void msgs_free(struct msgs *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->m[i]);
	l->count = 0;
}

/* Runs an initialised outgoing transfer to its end into l. */
static inline int run_out(struct ans_xfr_out *x, struct msgs *l, size_t bufsize)
{
	l->count = 0;
	while (!x->is_done) {
		uint8_t *buf = malloc(bufsize);
		size_t len;
		int rc = ans_xfr_out_next(x, buf, bufsize, &len);
		if (rc) {
			free(buf);
			return rc;
		}
		if (l->count == 4096)
			abort();
		l->m[l->count] = buf;
		l->len[l->count++] = len;
	}
	return ANS_OK;
}

/* Feeds messages to a new xfr_in; returns the first error or the result of
 * finish. */
static inline int run_in(const struct ans_xfr_in_conf *conf, const struct msgs *l,
			 struct ans_xfr_in_result *res, char *reason, size_t reason_size)
{
	struct ans_xfr_in *x;
	int rc = ans_xfr_in_new(&x, conf);
	if (rc)
		return rc;
	for (size_t i = 0; rc == ANS_OK && i < l->count; i++)
		rc = ans_xfr_in_feed(x, l->m[i], l->len[i]);
	if (rc == ANS_OK)
		rc = ans_xfr_in_finish(x, res);
	else
		memset(res, 0, sizeof(*res));
	if (reason)
		snprintf(reason, reason_size, "%s", ans_xfr_in_reason(x));
	ans_xfr_in_free(x);
	return rc;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the zone parser and check tests: parse text into a snapshot
 * with diagnostics captured as "file:line: level: msg" lines.
 */
#ifndef ANS_TEST_ZONE_UTIL_H
#define ANS_TEST_ZONE_UTIL_H

#include <stdio.h>
#include <string.h>

#include "lib/zone/check.h"
#include "lib/zone/parser.h"

#define ORIGIN ((const uint8_t *)"\007example\003com")

struct cap {
	char buf[16384];
	size_t len;
	struct ans_diag diag;
};

static inline const char *lv_text(enum ans_diag_level lv)
{
	return lv == ANS_DIAG_ERROR ? "error" : lv == ANS_DIAG_WARNING ? "warning" : "note";
}

static inline void cap_fn(void *ctx, enum ans_diag_level lv, const char *file,
		   unsigned line, const char *msg)
{
	struct cap *c = ctx;
	int n = snprintf(c->buf + c->len, sizeof(c->buf) - c->len, "%s:%u: %s: %s\n",
			 file ? file : "-", line, lv_text(lv), msg);
	if (n > 0 && (size_t)n < sizeof(c->buf) - c->len)
		c->len += (size_t)n;
}

static inline void cap_init(struct cap *c)
{
	memset(c, 0, sizeof(*c));
	c->diag.fn = cap_fn;
	c->diag.ctx = c;
}

/* Parses `text` as file "t.zone" and finishes the snapshot (checks not run).
 * *parse_rc gets the parser's result. */
static inline struct ans_zone *parse_zone(const char *name, const char *text, struct cap *c,
				   int *parse_rc)
{
	struct ans_zone_builder *b = NULL;
	struct ans_zone *z = NULL;
	cap_init(c);
	if (ans_zone_builder_new(&b, ORIGIN) != ANS_OK)
		return NULL;
	*parse_rc = ans_zone_parse_text(name, text, strlen(text), ORIGIN, &c->diag, b);
	if (ans_zone_builder_finish(b, &c->diag, &z) != ANS_OK)
		return NULL;
	return z;
}

/* The node for a presentation-form name, or NULL. */
static inline const struct ans_node *find(const struct ans_zone *z, const char *name)
{
	uint8_t w[ANS_NAME_MAX];
	size_t len;
	if (ans_name_from_text(w, &len, name, strlen(name), NULL) != ANS_OK)
		return NULL;
	ans_name_lower(w);
	return ans_zone_find(z, w);
}

static inline const struct ans_rrset *find_rrset(const struct ans_zone *z, const char *name,
					  uint16_t type)
{
	const struct ans_node *n = find(z, name);
	return n ? ans_node_rrset(n, type) : NULL;
}

#endif

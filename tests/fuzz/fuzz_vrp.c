/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the VRP readers (rpki-client and Routinator JSON, CSV) through
 * ans_vrp_load(). A loaded set must be sorted, hold only prefixes without
 * host bits and maxLengths in range, and every loaded VRP must validate its
 * own prefix and origin as valid (unless AS0).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/vrp.h"

/* Index order: family, address, length (cli/vrp.c). */
static int order(const struct ans_prefix *a, const struct ans_prefix *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	int c = memcmp(a->addr, b->addr, sizeof(a->addr));
	return c ? c : (int)a->len - (int)b->len;
}

static void check_vrp(const struct ans_vrp_set *s, size_t i)
{
	const struct ans_vrp *v = &s->vrps[i];
	struct ans_prefix back;
	char text[ANS_VRP_PREFIX_STRLEN];
	struct ans_vrp_hit hits[4];
	struct ans_vrp_result r;
	ans_prefix_format(&v->prefix, text, sizeof(text));
	if (ans_prefix_parse(text, &back) || order(&back, &v->prefix) ||
	    v->max_len < v->prefix.len ||
	    v->max_len > (v->prefix.family == 4 ? 32 : 128) ||
	    (i > 0 && order(&s->vrps[i - 1].prefix, &v->prefix) > 0))
		abort();
	ans_vrp_validate(s, &v->prefix, v->asn, hits, 4, &r);
	if ((v->asn != 0) != (r.state == ANS_VRP_VALID) || r.covering == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ans_vrp_set s;
	ans_vrp_set_init(&s);
	if (ans_vrp_load(&s, (const char *)data, size, "fuzz", NULL) == ANS_OK)
		for (size_t i = 0; i < s.count && i < 64; i++)
			check_vrp(&s, i);
	ans_vrp_set_free(&s);
	return 0;
}

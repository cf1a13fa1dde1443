/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the VRP readers (rpki-client and Routinator JSON, CSV) through
 * ans_vrp_load(). A loaded set must be sorted, hold only prefixes without
 * host bits and maxLengths in range, and every loaded VRP must validate its
 * own prefix and origin as valid (unless AS0). The CLI modules are compiled
 * in, as the fuzz link takes only libanyns.a.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cli/json.c"
#include "cli/vrp.c"

static void check_vrp(const struct ans_vrp_set *s, size_t i)
{
	const struct ans_vrp *v = &s->vrps[i];
	struct ans_prefix back;
	char text[ANS_VRP_PREFIX_STRLEN];
	struct ans_vrp_hit hits[4];
	struct ans_vrp_result r;
	ans_prefix_format(&v->prefix, text, sizeof(text));
	if (ans_prefix_parse(text, &back) || prefix_cmp(&back, &v->prefix) ||
	    v->max_len < v->prefix.len || v->max_len > addr_bits(v->prefix.family) ||
	    (i > 0 && vrp_cmp(&s->vrps[i - 1], v) > 0))
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

/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes zone differences and IXFR apply (lib/xfr/diff.c, apply.c,
 * changeset.c): the input is two zone texts (origin example.) split at the
 * first NUL byte. When both build and pass the zone checks, ans_zone_diff(old, new) must succeed, and
 * applying the changeset to old, directly and after a journal round trip
 * (ans_changeset_write/read), must give exactly new: the same RRs, each with
 * its own TTL (RRSIG groups included). $INCLUDE inputs are skipped, as in
 * fuzz_zone.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/xfr/diff.h"
#include "lib/zone/check.h"
#include "lib/zone/parser.h"
#include "tests/fuzz/zone_same.h"

static const uint8_t origin[] = "\7example";

static struct ans_zone *build(const char *text, size_t len)
{
	struct ans_zone_builder *b;
	struct ans_zone *z = NULL;
	if (ans_zone_builder_new(&b, origin))
		abort();
	if (ans_zone_parse_text("fuzz", text, len, origin, NULL, b)) {
		ans_zone_builder_free(b);
		return NULL;
	}
	/* Only zones anynsd would serve: it runs the checks before it diffs
	 * (a SOA below the apex, say, is refused there, and the journal reader
	 * refuses it too). */
	struct ans_diag diag = { 0 };
	if (ans_zone_builder_finish(b, NULL, &z) == ANS_OK && ans_zone_check(z, &diag) == ANS_OK)
		return z;
	ans_zone_free(z);
	return NULL;
}

static void check_apply(const struct ans_zone *old, const struct ans_zone *new_zone,
			const struct ans_changeset *cs)
{
	struct ans_zone *got = NULL;
	int rc = ans_changeset_apply(old, &cs, 1, NULL, &got);
	if (rc != ANS_OK || !zone_same(got, new_zone))
		abort();
	ans_zone_free(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nul = memchr(data, 0, size);
	for (size_t i = 0; i + 7 <= size; i++)
		if (strncasecmp(text + i, "include", 7) == 0)
			return 0;
	if (!nul)
		return 0;
	struct ans_zone *old = build(text, (size_t)(nul - text));
	struct ans_zone *new_zone = old ? build(nul + 1, size - (size_t)(nul + 1 - text)) : NULL;
	struct ans_changeset *cs = NULL, *back = NULL;
	uint8_t *buf = NULL;
	size_t len;
	int rc = new_zone ? ans_zone_diff(old, new_zone, &cs) : ANS_EINVAL;
	if (rc != ANS_OK && rc != ANS_EINVAL)   /* EINVAL: a zone without SOA */
		abort();
	if (rc == ANS_OK) {
		check_apply(old, new_zone, cs);
		len = ans_changeset_size(cs);
		if (!(buf = malloc(len)) || ans_changeset_write(cs, buf, len, &len) ||
		    ans_changeset_read(buf, len, &back))
			abort();
		check_apply(old, new_zone, back);
	}
	ans_changeset_free(back);
	ans_changeset_free(cs);
	free(buf);
	ans_zone_free(new_zone);
	ans_zone_free(old);
	return 0;
}

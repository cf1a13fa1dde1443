/* SPDX-License-Identifier: MIT */
/*
 * Test helper shared by unit tests of several modules: a zone snapshot built
 * from zone text (parsed and finished; the semantic checks are not run).
 */
#ifndef ANS_TESTS_UNIT_ZONE_TEXT_H
#define ANS_TESTS_UNIT_ZONE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/zone/parser.h"
#include "lib/zone/zone.h"

/* The snapshot of `len` bytes of zone text under `origin`, or NULL when
 * the text does not parse or the build fails. The caller frees it. */
static inline struct ans_zone *test_zone_from_text(const char *text, size_t len,
						   const uint8_t *origin)
{
	struct ans_zone_builder *b = NULL;
	struct ans_zone *z = NULL;
	if (ans_zone_builder_new(&b, origin) != ANS_OK)
		return NULL;
	if (ans_zone_parse_text("t.zone", text, len, origin, NULL, b) != ANS_OK) {
		ans_zone_builder_free(b);
		return NULL;
	}
	if (ans_zone_builder_finish(b, NULL, &z) != ANS_OK)
		return NULL;
	return z;
}

#endif

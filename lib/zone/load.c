/* SPDX-License-Identifier: MIT */
/*
 * ans_zone_load: the one call that turns a zone file into a checked
 * snapshot (parse → build → check). Nothing is returned unless every step
 * succeeded, so a caller that publishes *out can never publish a zone that
 * named-checkzone would have refused.
 */
#include "lib/zone/check.h"
#include "lib/zone/parser.h"

int ans_zone_load(const char *path, const uint8_t *origin,
		  struct ans_diag *diag, struct ans_zone **out)
{
	struct ans_zone_builder *b = NULL;
	struct ans_zone *z = NULL;
	*out = NULL;
	int rc = ans_zone_builder_new(&b, origin);
	if (rc != ANS_OK)
		return rc;
	rc = ans_zone_parse_file(path, origin, diag, b);
	if (rc != ANS_OK) {
		ans_zone_builder_free(b);
		return rc;
	}
	unsigned errors = diag ? diag->errors : 0;
	rc = ans_zone_builder_finish(b, diag, &z);  /* frees b in every case */
	if (rc != ANS_OK)
		return rc;
	if (diag && diag->errors > errors) {
		/* builder_finish reported errors (e.g. data it could not keep) */
		ans_zone_free(z);
		return ANS_ESEMANTIC;
	}
	rc = ans_zone_check(z, diag);
	if (rc != ANS_OK) {
		ans_zone_free(z);
		return rc;
	}
	*out = z;
	return ANS_OK;
}
